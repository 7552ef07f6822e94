//! The path as people see it: where a client stands (`readiness_of`) for the care team's API
//! (`GET /api/v1/clients/{client}/readiness`). The scheduling issue calls `readiness_of`.

use alcove_domain::onboarding::Step;
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
