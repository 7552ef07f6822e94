//! The path as people see it: where a client stands (`readiness_of`) for the care team's API
//! (`GET /api/v1/clients/{client}/readiness`). The scheduling issue calls `readiness_of`.

use alcove_domain::consent::ConsentKind;
use alcove_domain::onboarding::{Readiness, Reason, Step};
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new().get("/api/v1/clients/{client}/readiness", api)
}

fn step_name(s: Step) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Serialize, ToSchema)]
pub struct ReadinessOut {
    /// Ready for online sessions: every step done and the assessment allows online care.
    pub ready: bool,
    /// The steps done, in path order (`invited`, `account`, `contact_verified`, ...).
    pub done: Vec<String>,
    /// Every reason a step is not done, in path order.
    pub missing: Vec<MissingOut>,
}

#[derive(Serialize, ToSchema)]
pub struct MissingOut {
    pub step: String,
    /// A stable code (`consent_outdated`, `assessment_missing`, ...).
    pub code: String,
    /// The reason in plain English.
    pub message: String,
}

/// Where the client stands on the path to online sessions, for a clinician on the care team.
#[utoipa::path(get, path = "/api/v1/clients/{client}/readiness", tag = "onboarding", security(("bearer" = [])),
    params(("client" = String, Path, description = "The client's id")),
    responses((status = 200, body = ReadinessOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Only clinicians read a client's readiness"),
        (status = 404, body = ErrorBody, description = "No such client on the caller's care team"),
        (status = 429, body = ErrorBody)))]
pub async fn api(
    access: CareTeamClient,
    State(state): State<AppState>,
) -> Result<Json<ReadinessOut>, ApiError> {
    let client = access.client.id;
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "record.view",
            Some(client),
            &format!("client:{client}:readiness"),
        )
        .await?;
    let r = super::readiness_of(&state, client)
        .await
        .map_err(|_| ApiError::internal())?;
    Ok(Json(ReadinessOut {
        ready: r.ready,
        done: r.done.into_iter().map(step_name).collect(),
        missing: r
            .missing
            .into_iter()
            .map(|(step, reason)| MissingOut {
                step: step_name(step),
                code: reason.code().to_owned(),
                message: reason.to_string(),
            })
            .collect(),
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct ApiDoc;

// ---------------------------------------------------------------------------------------
// The path as pages show it: the client's home and the clinician's caseload read the same
// `readiness_of`, so what a client sees, what the clinician sees and what scheduling
// enforces cannot disagree.
// ---------------------------------------------------------------------------------------

/// One step of the path on the client's home.
pub struct PathStep {
    /// `invited`, `account`, ... (for ids and tests).
    pub key: &'static str,
    pub label: String,
    /// What the client does (or what happens) to complete it.
    pub todo: String,
    pub done: bool,
    /// The first step not done.
    pub current: bool,
    /// Where the step is done, when the client does it in the portal.
    pub href: Option<&'static str>,
}

/// Where the client completes a step, when it is done in their portal (identity checks and
/// the assessment are the clinician's; the invitation is already behind them).
/// The one place a step's page is named.
pub fn step_link(step: Step) -> Option<&'static str> {
    match step {
        Step::Invited | Step::IdentityVerified | Step::Assessment => None,
        Step::Account => Some("/account"),
        // Email is verified by the invitation link; the phone by a texted code here.
        Step::ContactVerified => Some("/me/contact"),
        Step::Intake => Some("/me/intake"),
        Step::Screening => Some("/me/screening"),
        Step::Consents => Some("/me/consents"),
        Step::EmergencyPlan => Some("/me/emergency-plan"),
    }
}

fn step_label(tr: &crate::i18n::Tr, step: Step) -> String {
    match step {
        Step::Invited => tr.t("path-step-invited"),
        Step::Account => tr.t("path-step-account"),
        Step::ContactVerified => tr.t("path-step-contact"),
        Step::IdentityVerified => tr.t("path-step-identity"),
        Step::Intake => tr.t("path-step-intake"),
        Step::Screening => tr.t("path-step-screening"),
        Step::Consents => tr.t("path-step-consents"),
        Step::EmergencyPlan => tr.t("path-step-emergency-plan"),
        Step::Assessment => tr.t("path-step-assessment"),
    }
}

fn step_todo(tr: &crate::i18n::Tr, step: Step) -> String {
    match step {
        Step::Invited => tr.t("path-todo-invited"),
        Step::Account => tr.t("path-todo-account"),
        Step::ContactVerified => tr.t("path-todo-contact"),
        Step::IdentityVerified => tr.t("path-todo-identity"),
        Step::Intake => tr.t("path-todo-intake"),
        Step::Screening => tr.t("path-todo-screening"),
        Step::Consents => tr.t("path-todo-consents"),
        Step::EmergencyPlan => tr.t("path-todo-emergency-plan"),
        Step::Assessment => tr.t("path-todo-assessment"),
    }
}

/// The consents the client must sign again: the practice published a new version since
/// they signed (or the text in force is not the text they signed). Seed 002 and Standard 7:
/// a new version requires re-consent before the next session.
pub fn to_sign_again(r: &Readiness) -> Vec<ConsentKind> {
    let mut kinds = Vec::new();
    for reason in r.reasons_for(Step::Consents) {
        if let Reason::ConsentOutdated { kind, .. } | Reason::ConsentTextChanged { kind, .. } =
            reason
        {
            if !kinds.contains(kind) {
                kinds.push(*kind);
            }
        }
    }
    kinds
}

/// Every step in path order, with where the client stands.
pub fn steps(tr: &crate::i18n::Tr, r: &Readiness) -> Vec<PathStep> {
    let current = r.next_step();
    let again = to_sign_again(r);
    Step::ALL
        .into_iter()
        .map(|s| PathStep {
            key: s.as_str(),
            label: step_label(tr, s),
            todo: if s == Step::Consents && !again.is_empty() {
                let titles: Vec<String> = again
                    .iter()
                    .map(|k| tr.t(super::consent::title_key(*k)))
                    .collect();
                tr.t1("path-todo-consents-again", "titles", titles.join(", "))
            } else {
                step_todo(tr, s)
            },
            done: r.is_done(s),
            current: current == Some(s),
            href: step_link(s),
        })
        .collect()
}

/// "Ready", "Getting ready: 6 of 9", or "Re-consent needed: 8 of 9" when a consent the client
/// had signed was replaced by a new version — for the caseload.
pub fn status(tr: &crate::i18n::Tr, r: &Readiness) -> String {
    let counts = (("done", r.done.len()), ("total", Step::ALL.len()));
    if r.ready {
        tr.t("path-status-ready")
    } else if !to_sign_again(r).is_empty() {
        tr.t2("path-status-sign-again", counts.0, counts.1)
    } else {
        tr.t2("path-status-getting-ready", counts.0, counts.1)
    }
}

/// The same, in the client's words, for the top of their path.
pub fn status_for_client(tr: &crate::i18n::Tr, r: &Readiness) -> String {
    if r.ready {
        tr.t("path-you-are-ready")
    } else if !to_sign_again(r).is_empty() {
        tr.t2(
            "path-client-sign-again",
            ("done", r.done.len()),
            ("total", Step::ALL.len()),
        )
    } else {
        status(tr, r)
    }
}
