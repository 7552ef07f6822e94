use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::access::{visible_threads, PlainMessage, ReadError, ThreadAccess, ThreadSummary};
use crate::auth::extract::ClinicalActor;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "messaging/threads.html")]
struct ThreadsPage {
    c: Chrome,
    threads: Vec<ThreadSummary>,
    show_client: bool,
}

pub async fn threads(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let threads = visible_threads(&state, &who).await?;
    render(&ThreadsPage {
        show_client: who.role.is_staff(),
        c,
        threads,
    })
}

#[derive(Template)]
#[template(path = "messaging/thread.html")]
struct ThreadPage {
    c: Chrome,
    messages: Vec<PlainMessage>,
}

impl ThreadPage {
    fn when(&self, m: &PlainMessage) -> String {
        when(&m.sent_at)
    }
}

impl From<ReadError> for PageError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Store(e) => e.into(),
            ReadError::Keys(e) => e.into(),
        }
    }
}

pub async fn thread(
    access: ThreadAccess,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let messages = access.read(&state).await?;
    render(&ThreadPage { c, messages })
}
