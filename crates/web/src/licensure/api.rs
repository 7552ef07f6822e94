use alcove_domain::licensure::may_practise;
use alcove_domain::{Jurisdiction, UserId};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{credentials_of, registry};
use crate::auth::extract::{AdminActor, ClinicianActor, Denied, SupervisorActor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// The clinician's user id.
    #[param(format = Uuid)]
    pub clinician: String,
    /// Where the client is at the time of the session (ISO 3166-2, e.g. US-MA).
    #[param(pattern = "^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    pub location: String,
    /// The session time (RFC 3339); default: now.
    #[serde(default)]
    #[param(format = DateTime)]
    pub at: Option<String>,
}

/// Staff only: clinicians, supervisors and admins (who check licences, not clinical content).
pub struct Staff;

impl axum::extract::FromRequestParts<AppState> for Staff {
    type Rejection = Denied;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Denied> {
        if ClinicianActor::from_request_parts(parts, state)
            .await
            .is_ok()
            || SupervisorActor::from_request_parts(parts, state)
                .await
                .is_ok()
        {
            return Ok(Staff);
        }
        AdminActor::from_request_parts(parts, state)
            .await
            .map(|_| Staff)
    }
}

/// May this clinician see a client located here, then? `{"allowed","basis","reason","would_allow"}`.
#[utoipa::path(get, path = "/api/v1/licensure/check", tag = "licensure", security(("bearer" = [])),
    params(CheckQuery),
    responses(
        (status = 200, description = "The decision (a denial is an answer, not an error)", body = serde_json::Value),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such clinician, or no credentials on file"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn check(
    _: Staff,
    State(state): State<AppState>,
    q: Result<Query<CheckQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Query(q) =
        q.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?;
    let reg = registry().map_err(|_| ApiError::internal())?;
    let bad = |field: &'static str, why: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("{field}: {why}"),
        )
    };
    let clinician: UserId = q
        .clinician
        .parse()
        .map_err(|_| bad("clinician", "not a user id".into()))?;
    let location: Jurisdiction = q
        .location
        .parse()
        .map_err(|e: alcove_domain::JurisdictionError| bad("location", e.to_string()))?;
    if reg.jurisdiction(&location).is_none() {
        return Err(bad("location", format!("no licensure data for {location}")));
    }
    let at = match q.at.as_deref() {
        None => state.clock.now(),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| bad("at", "not an RFC 3339 time".into()))?,
    };
    let creds = credentials_of(&state, clinician)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "credentials");
            ApiError::internal()
        })?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(may_practise(&creds, reg, &location, at).to_json()))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(check))]
pub struct ApiDoc;
