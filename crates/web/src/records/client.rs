//! The clinician's view of one client's record.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use super::CareTeamClient;
use crate::encounter::PlanView;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "records/client.html")]
struct RecordPage {
    c: Chrome,
    client_id: String,
    name: String,
    home: String,
    /// (version, signed on, signed by, accepted pairs in words); `None`: portal only.
    transmission: Option<(i64, String, String, Vec<String>)>,
    /// (acknowledged version, on); `None`: never acknowledged.
    acknowledged: Option<(i64, String)>,
    policy_current: Option<i64>,
    plan: Option<PlanView>,
    /// Ready for online sessions, and each missing step's reason in plain words.
    ready: bool,
    missing: Vec<String>,
}

/// The client's record for a clinician on the care team. One `record.view` event is written
/// before anything sealed is opened: it names the client and what the page shows.
pub async fn record_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let client = &access.client;
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "record.view",
            Some(client.id),
            &format!(
                "client:{}:transmission,encounter_plan,policy_acknowledgment",
                client.id
            ),
        )
        .await?;
    let transmission = crate::transmission::latest(&state, client.id)
        .await?
        .map(|v| {
            (
                v.version,
                v.value.signed_on().to_string(),
                v.value.signed_by().to_owned(),
                crate::transmission::summary_of(&c.tr, &v.value),
            )
        });
    let acknowledged = crate::policies::acknowledged(&state, client.id)
        .await?
        .map(|v| (v.value.version, v.at.date_naive().to_string()));
    let policy_current = crate::policies::current_version(&state).await?;
    let plan = match crate::encounter::latest(&state, client.id).await? {
        Some(v) => Some(PlanView::of(&state, &c.tr, &v).await?),
        None => None,
    };
    let readiness = crate::onboarding::readiness_of(&state, client.id).await?;
    let missing = readiness
        .missing
        .iter()
        .map(|(_, r)| c.t(&format!("reason-{}", r.code())))
        .collect();
    render(&RecordPage {
        ready: readiness.ready,
        missing,
        client_id: client.id.to_string(),
        name: client.name.clone(),
        home: client.home_jurisdiction.to_string(),
        transmission,
        acknowledged,
        policy_current,
        plan,
        c,
    })
}
