//! The auditor's view of the log: recent events and an on-demand integrity check. No clinical content.

use alcove_store::AuditEvent;
use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::auth::extract::AuditorActor;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::{self, By};
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/audit", page)
        .post("/audit/verify", verify)
}

const RECENT: i64 = 100;

#[derive(Template)]
#[template(path = "audit/log.html")]
struct AuditPage {
    c: Chrome,
    events: Vec<AuditEvent>,
    result: Option<Result<String, String>>,
}

impl AuditPage {
    fn when(&self, e: &AuditEvent) -> String {
        when(&e.at)
    }
    fn client(&self, e: &AuditEvent) -> String {
        e.client_id.map(|c| c.to_string()).unwrap_or_default()
    }
}

async fn recent(state: &AppState) -> Result<Vec<AuditEvent>, alcove_store::StoreError> {
    let head = state.store.audit_head().await?.map_or(0, |h| h.seq);
    let mut events = state
        .store
        .audit_events((head - RECENT + 1).max(1), RECENT)
        .await?;
    events.reverse();
    Ok(events)
}

pub async fn page(
    AuditorActor(who): AuditorActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "audit.view",
            None,
            "audit_log",
        )
        .await?;
    render(&AuditPage {
        c,
        events: recent(&state).await?,
        result: None,
    })
}

pub async fn verify(
    AuditorActor(who): AuditorActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "audit.verify",
            None,
            "audit_log",
        )
        .await?;
    let result = match state.audit.verify().await {
        Ok(r) => Ok(c.t1("audit-verify-ok", "events", r.events)),
        Err(audit_log::VerifyError::Broken(b)) => Err(c.t1("audit-verify-broken", "seq", b.seq())),
        Err(audit_log::VerifyError::Mirror(m)) => Err(m),
        Err(audit_log::VerifyError::Store(e)) => return Err(e.into()),
    };
    render(&AuditPage {
        c,
        events: recent(&state).await?,
        result: Some(result),
    })
}
