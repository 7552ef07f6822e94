//! The practice's after-hours instructions (issue 7): what a client does when something cannot
//! wait for the clinician's hours. The crisis panel shows them beside 988, 911 and the client's
//! own emergency-plan contacts. Kept like the other practice policies: a versioned, plain
//! `DocKind::PracticePolicy` document owned by the practice (key `after_hours`), published by an
//! admin with a one-line summary of what changed, every version kept, audited.

use alcove_domain::policy::{blocks, Block, PolicyText};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;

use super::pages::{text_error_key, PublishForm, PublishedQuery};
use super::PolicyError;
use crate::auth::extract::AdminActor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// The document key of the after-hours instructions.
pub const AFTER_HOURS: &str = "after_hours";

/// Every published version, oldest first.
pub async fn versions(state: &AppState) -> Result<Vec<Version<PolicyText>>, PolicyError> {
    Ok(state
        .docs
        .history(DocKind::PracticePolicy, Owner::Practice, AFTER_HOURS)
        .await?)
}

/// The instructions in force, as blocks to show; `None` when none are published (the crisis
/// panel then says the built-in default).
pub async fn current(state: &AppState) -> Result<Option<(i64, Vec<Block>)>, PolicyError> {
    Ok(state
        .docs
        .latest::<PolicyText>(DocKind::PracticePolicy, Owner::Practice, AFTER_HOURS)
        .await?
        .map(|v| (v.version, blocks(v.value.body()))))
}

/// The instructions in force as plain text (for the API), if published.
pub async fn current_text(state: &AppState) -> Result<Option<String>, PolicyError> {
    Ok(state
        .docs
        .latest::<PolicyText>(DocKind::PracticePolicy, Owner::Practice, AFTER_HOURS)
        .await?
        .map(|v| v.value.body().to_owned()))
}

/// Publishes a new version after `after` (the version the editor read), audited as
/// `policy.published`. A version published meanwhile is `DocError::Changed`.
pub async fn publish(
    state: &AppState,
    after: i64,
    text: &PolicyText,
    by: By,
) -> Result<i64, PolicyError> {
    super::publish(state, AFTER_HOURS, after, text, by).await
}

/// One version in the list.
pub struct Row {
    pub version: i64,
    pub effective: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "policies/after_hours.html")]
struct AdminPage {
    c: Chrome,
    after: i64,
    body: String,
    summary: String,
    rows: Vec<Row>,
    published: Option<i64>,
    error: Option<String>,
}

async fn page_with(
    state: &AppState,
    c: Chrome,
    draft: Option<(String, String)>,
    published: Option<i64>,
    error: Option<String>,
) -> Result<AdminPage, PageError> {
    let all = versions(state).await?;
    let after = all.last().map_or(0, |v| v.version);
    let (body, summary) = draft.unwrap_or_else(|| {
        (
            all.last()
                .map_or_else(|| c.t("after-hours-default"), |v| v.value.body().to_owned()),
            String::new(),
        )
    });
    let rows = all
        .iter()
        .rev()
        .map(|v| Row {
            version: v.version,
            effective: v.at.date_naive().to_string(),
            summary: v.value.summary().to_owned(),
        })
        .collect();
    Ok(AdminPage {
        c,
        after,
        body,
        summary,
        rows,
        published,
        error,
    })
}

/// The admin's editor: the instructions in force (or the built-in default), ready to edit.
pub async fn admin_page(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<PublishedQuery>,
) -> Result<Html<String>, PageError> {
    render(&page_with(&state, c, None, q.published, None).await?)
}

/// Publishes the edited instructions as a new version; a bad field keeps the text and says why.
pub async fn admin_publish(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let after: i64 = f.after.trim().parse().unwrap_or(0);
    let text = match PolicyText::parse(&f.body, &f.summary) {
        Ok(t) => t,
        Err(e) => {
            let msg = c.t(text_error_key(&e));
            let page = page_with(&state, c, Some((f.body, f.summary)), None, Some(msg)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    match publish(&state, after, &text, By::User(who.user_id, who.role)).await {
        Ok(v) => Ok(Redirect::to(&format!("/admin/after-hours?published={v}")).into_response()),
        Err(PolicyError::Docs(DocError::Changed)) => {
            let msg = c.t("policy-error-changed");
            let page = page_with(&state, c, Some((f.body, f.summary)), None, Some(msg)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
