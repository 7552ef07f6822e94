//! The booking API: the same operations as the pages, through `booking` (one place).

use alcove_domain::scheduling::{Appointment, AppointmentStatus};
use alcove_domain::{AppointmentId, ClientId, Jurisdiction, Role, UserId};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::booking::{self, BookError, BookRequest, Refusal};
use crate::api::json::ApiJson;
use crate::auth::extract::ClinicalActor;
use crate::auth::Identity;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AppointmentOut {
    pub id: AppointmentId,
    pub clinician: UserId,
    pub clients: Vec<ClientId>,
    pub session_type: String,
    pub minutes: u32,
    /// `video`, `audio_only` or `group`.
    pub modality: &'static str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `booked`, `cancelled` or `rescheduled`.
    pub status: &'static str,
    /// Cancelled or moved inside the practice's late-cancellation window.
    pub late: bool,
    pub rescheduled_from: Option<AppointmentId>,
    pub rescheduled_to: Option<AppointmentId>,
    /// The session page (check-in, waiting room, video).
    pub join_url: String,
}

impl AppointmentOut {
    fn of(a: &Appointment) -> Self {
        use alcove_domain::scheduling::Modality;
        let (status, late, to) = match &a.status {
            AppointmentStatus::Booked => ("booked", false, None),
            AppointmentStatus::Cancelled { late, .. } => ("cancelled", *late, None),
            AppointmentStatus::Rescheduled { late, to, .. } => ("rescheduled", *late, Some(*to)),
        };
        AppointmentOut {
            id: a.id,
            clinician: a.clinician,
            clients: a.clients.clone(),
            session_type: a.session_type.name.clone(),
            minutes: a.session_type.minutes,
            modality: match a.session_type.modality {
                Modality::Video => "video",
                Modality::AudioOnly => "audio_only",
                Modality::Group { .. } => "group",
            },
            start: a.start,
            end: a.end,
            status,
            late,
            rescheduled_from: a.rescheduled_from,
            rescheduled_to: to,
            join_url: format!("/sessions/{}", a.id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AppointmentsOut {
    pub appointments: Vec<AppointmentOut>,
}

fn api_error(e: BookError) -> ApiError {
    let (status, code, msg): (StatusCode, &'static str, String) = match e {
        BookError::Refused(list) => (
            StatusCode::CONFLICT,
            "booking_refused",
            list.iter()
                .map(|r| match r {
                    Refusal::NotReady { readiness, .. } => format!(
                        "The client is not ready for online sessions yet ({} step(s) left).",
                        readiness
                            .missing
                            .iter()
                            .map(|(s, _)| *s)
                            .collect::<std::collections::BTreeSet<_>>()
                            .len()
                    ),
                    Refusal::NotLicensed {
                        location,
                        reason,
                        would_allow,
                        ..
                    } => format!(
                        "The clinician is not licensed in {location}: {reason} What would allow it: {would_allow}."
                    ),
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        BookError::SlotUnavailable => (
            StatusCode::CONFLICT,
            "slot_unavailable",
            "That time is not offered or was just taken; list the slots again.".into(),
        ),
        BookError::NoSettings => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_availability",
            "This clinician has not set bookable hours.".into(),
        ),
        BookError::BadSessionType => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "session_type: no such session type.".into(),
        ),
        BookError::Clients => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "clients: one client for a one-to-one session; a group holds its size less one.".into(),
        ),
        BookError::UnknownLocation => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "location: no licensure data for that place.".into(),
        ),
        BookError::TooLate => (
            StatusCode::CONFLICT,
            "too_late",
            "The session has started or ended.".into(),
        ),
        BookError::NotBooked => (
            StatusCode::CONFLICT,
            "not_booked",
            "This appointment was already cancelled or moved.".into(),
        ),
        BookError::GroupMove => (
            StatusCode::CONFLICT,
            "group_session",
            "A group session is moved by its clinician; cancelling takes only you out of it.".into(),
        ),
        BookError::NotFound => return ApiError::not_found(),
        e => {
            tracing::error!(error = %e, "booking api");
            return ApiError::internal();
        }
    };
    ApiError::new(status, code, msg)
}

fn bad(field: &str, why: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        format!("{field}: {why}"),
    )
}

fn parse_time(field: &str, s: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| bad(field, "not an RFC 3339 time such as 2026-12-07T14:00:00Z"))
}

fn parse_appointment(s: &str) -> Result<AppointmentId, ApiError> {
    s.parse().map_err(|_| ApiError::not_found())
}

#[utoipa::path(get, path = "/api/v1/appointments", tag = "scheduling", security(("bearer" = [])),
    responses(
        (status = 200, body = AppointmentsOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
) -> Result<Json<AppointmentsOut>, ApiError> {
    let list = super::calendar::appointments_of_user(&state, who.user_id)
        .await
        .map_err(|_| ApiError::internal())?;
    Ok(Json(AppointmentsOut {
        appointments: list.iter().map(AppointmentOut::of).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// The clinician (a client's: on their care team; a clinician: themself). Defaults to the
    /// caller (clinicians) or the client's first clinician.
    pub clinician: Option<String>,
    /// The session type's position in the clinician's list (0 first).
    pub session_type: Option<String>,
    /// How many days ahead to list (1–366, default 21).
    pub days: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SlotOut {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct SlotsOut {
    pub clinician: UserId,
    /// The clinician's zone (the hours are kept in it); show the times in the client's own.
    pub clinician_time_zone: String,
    pub slots: Vec<SlotOut>,
}

/// The clinician the caller may book with: their own id (a clinician) or one of the care
/// team's (a client).
async fn clinician_for(
    state: &AppState,
    who: &Identity,
    asked: Option<&str>,
) -> Result<(UserId, Option<ClientId>), ApiError> {
    let asked = match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<UserId>()
                .map_err(|_| bad("clinician", "not a user id"))?,
        ),
        None => None,
    };
    match who.role {
        Role::Clinician => match asked {
            Some(id) if id != who.user_id => Err(ApiError::forbidden()),
            _ => Ok((who.user_id, None)),
        },
        _ => {
            let me = state
                .store
                .client_by_user(who.user_id)
                .await?
                .ok_or_else(ApiError::forbidden)?;
            let team = state.store.care_team(me.id).await?;
            let id = match asked {
                Some(id) => team
                    .iter()
                    .find(|m| m.clinician_id == id)
                    .map(|m| m.clinician_id)
                    .ok_or_else(|| bad("clinician", "not one of your clinicians"))?,
                None => team
                    .first()
                    .map(|m| m.clinician_id)
                    .ok_or_else(|| bad("clinician", "you have no clinician yet"))?,
            };
            Ok((id, Some(me.id)))
        }
    }
}

#[utoipa::path(get, path = "/api/v1/appointments/slots", tag = "scheduling", security(("bearer" = [])),
    params(SlotsQuery),
    responses(
        (status = 200, body = SlotsOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn slots(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
    q: Result<Query<SlotsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlotsOut>, ApiError> {
    let Query(q) =
        q.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?;
    let (clinician, _) = clinician_for(&state, &who, q.clinician.as_deref()).await?;
    let t = match q.session_type.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(s) => s
            .parse::<usize>()
            .map_err(|_| bad("session_type", "not a number"))?,
    };
    let days = match q.days.as_deref().map(str::trim) {
        None | Some("") => 21,
        Some(s) => match s.parse::<i64>() {
            Ok(d) if (1..=366).contains(&d) => d,
            _ => return Err(bad("days", "a number of days from 1 to 366")),
        },
    };
    let list = booking::slots(&state, clinician, t, who.role == Role::Clinician, days)
        .await
        .map_err(api_error)?;
    Ok(Json(SlotsOut {
        clinician,
        clinician_time_zone: booking::clinician_zone(&state, clinician)
            .await
            .name()
            .to_owned(),
        slots: list
            .into_iter()
            .map(|s| SlotOut {
                start: s.start,
                end: s.end,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookIn {
    /// The slot's start, as listed by `/api/v1/appointments/slots` (RFC 3339).
    pub start: String,
    /// The session type's position in the clinician's list (default 0).
    #[serde(default)]
    pub session_type: Option<u32>,
    /// A client: one of their clinicians (default: the first). A clinician: omit, or themself.
    #[serde(default)]
    pub clinician: Option<String>,
    /// A clinician: the clients (one, or several for a group), from their caseload.
    #[serde(default)]
    pub clients: Option<Vec<String>>,
    /// A client: the jurisdiction they will be in (ISO 3166-2, e.g. `US-MA`); default: the one
    /// in their emergency plan.
    #[serde(default)]
    pub location: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "scheduling", security(("bearer" = [])),
    request_body = BookIn,
    responses(
        (status = 201, body = AppointmentOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "Refused (not ready, not licensed where the client will be; the reasons are in the message) or the time is taken"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
    ApiJson(b): ApiJson<BookIn>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiError> {
    let start = parse_time("start", &b.start)?;
    let (clinician, me) = clinician_for(&state, &who, b.clinician.as_deref()).await?;
    let clients = match me {
        Some(me) => {
            if b.clients.as_ref().is_some_and(|c| !c.is_empty()) {
                return Err(bad("clients", "a client books for themself"));
            }
            let location = match b.location.as_deref() {
                Some(l) => l
                    .trim()
                    .parse::<Jurisdiction>()
                    .map_err(|e| bad("location", &e.to_string()))?,
                None => booking::usual_location(&state, me)
                    .await
                    .map_err(api_error)?,
            };
            vec![(me, location)]
        }
        None => {
            let caseload = state.store.caseload(who.user_id).await?;
            let mut v = Vec::new();
            for s in b.clients.unwrap_or_default() {
                let id = s
                    .parse::<ClientId>()
                    .ok()
                    .filter(|id| caseload.iter().any(|c| c.id == *id))
                    .ok_or_else(|| bad("clients", "not a client of your caseload"))?;
                if v.iter().any(|(c, _)| *c == id) {
                    return Err(bad("clients", "a client is listed twice"));
                }
                let place = match b.location.as_deref() {
                    Some(l) => l
                        .trim()
                        .parse::<Jurisdiction>()
                        .map_err(|e| bad("location", &e.to_string()))?,
                    None => booking::usual_location(&state, id)
                        .await
                        .map_err(api_error)?,
                };
                v.push((id, place));
            }
            if v.is_empty() {
                return Err(bad("clients", "name at least one client"));
            }
            v
        }
    };
    let req = BookRequest {
        clinician,
        clients,
        session_type: b.session_type.unwrap_or(0) as usize,
        start,
    };
    let a = booking::book(&state, &who, &req).await.map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(AppointmentOut::of(&a))))
}

#[utoipa::path(post, path = "/api/v1/appointments/{appointment}/cancel", tag = "scheduling", security(("bearer" = [])),
    params(("appointment" = String, Path, description = "Appointment id (UUID)")),
    responses(
        (status = 200, body = AppointmentOut, description = "Cancelled; `late` says whether inside the late-cancellation window"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such appointment, or not yours"),
        (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn cancel(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<AppointmentOut>, ApiError> {
    let id = parse_appointment(&id)?;
    let a = booking::cancel(&state, &who, id).await.map_err(api_error)?;
    Ok(Json(AppointmentOut::of(&a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    /// The new start, one of the offered slots (RFC 3339).
    pub start: String,
}

#[utoipa::path(post, path = "/api/v1/appointments/{appointment}/reschedule", tag = "scheduling", security(("bearer" = [])),
    params(("appointment" = String, Path, description = "Appointment id (UUID)")),
    request_body = MoveIn,
    responses(
        (status = 201, body = AppointmentOut, description = "The new appointment (it names the old one)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such appointment, or not yours"),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn reschedule(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<ApiJson<MoveIn>, ApiError>,
) -> Result<(StatusCode, Json<AppointmentOut>), ApiError> {
    let id = parse_appointment(&id)?;
    // Not found (or not the caller's) before anything about the body.
    booking::visible_to(&state, &who, id)
        .await
        .map_err(api_error)?;
    let ApiJson(b) = body?;
    let start = parse_time("start", &b.start)?;
    let a = booking::reschedule(&state, &who, id, start)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(AppointmentOut::of(&a))))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, slots, create, cancel, reschedule))]
pub struct ApiDoc;
