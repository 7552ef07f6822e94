//! The clinician's side: each client's check-in before admitting (location, licence basis,
//! private place, fallback phone), "Admit" per client (only on an allowed check-in), and
//! ending the session for everyone.

use alcove_domain::ClientId;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::checkin::{latest, CheckInView};
use super::{check_in_opens_at, clients_of, closes_at, SessionAccess};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::scheduling::appointments;
use crate::state::AppState;

pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub admitted: bool,
    pub checkin: Option<CheckInView>,
    pub emergency_contact: String,
    pub not_ready: Vec<String>,
}

#[derive(Template)]
#[template(path = "sessions/host.html")]
struct HostPage {
    c: Chrome,
    id: String,
    title: String,
    start: String,
    end: String,
    modality: String,
    open: bool,
    ended: bool,
    cancelled: bool,
    opens_at: String,
    clients: Vec<ClientRow>,
    /// A fingerprint of what the page shows, for the page script to notice changes.
    fingerprint: String,
}

/// The clinician's page for one session. Reading the check-ins is a look at each client's
/// record (address, phone): audited per client.
pub async fn page(
    access: SessionAccess,
    c: Chrome,
    state: AppState,
) -> Result<Response, PageError> {
    let a = &access.appointment;
    let id = a.id.to_string();
    let now = state.clock.now();
    let mut clients = Vec::new();
    let mut fingerprint = format!("{}", a.session.admitted.len());
    for cl in clients_of(&state, a).await? {
        state
            .audit
            .record(
                access.by(),
                "session.check_in.view",
                Some(cl.id),
                &access.object(),
            )
            .await?;
        let last = latest(&state, cl.id, &id).await?;
        fingerprint.push_str(&format!(":{}", last.as_ref().map_or(0, |v| v.version)));
        clients.push(ClientRow {
            id: cl.id.to_string(),
            name: cl.name.clone(),
            admitted: a.session.admitted.contains(&cl.id),
            emergency_contact: last
                .as_ref()
                .and_then(|v| v.value.emergency_contact.clone())
                .unwrap_or_default(),
            not_ready: last
                .as_ref()
                .map(|v| v.value.not_ready.clone())
                .unwrap_or_default(),
            checkin: last.as_ref().map(|v| CheckInView::of(&v.value)),
        });
    }
    let page = HostPage {
        id,
        title: a.session_type.name.clone(),
        start: when(&a.start),
        end: when(&a.end),
        modality: super::modality_label(&c, a),
        open: access.open(now),
        ended: a.ended(),
        cancelled: super::cancelled(a),
        opens_at: when(&check_in_opens_at(a)),
        clients,
        fingerprint,
        c,
    };
    Ok(render(&page)?.into_response())
}

/// `POST /sessions/{id}/admit/{client}`: the clinician admits one client from the waiting
/// room. Refused (409) unless that client's newest check-in allowed the session; the first
/// admission starts the session record.
pub async fn admit(
    access: SessionAccess,
    State(state): State<AppState>,
    Path((_, client)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if !access.is_host() {
        return Err(PageError::forbidden());
    }
    let a = &access.appointment;
    let Ok(client) = client.parse::<uuid::Uuid>().map(ClientId) else {
        return Err(PageError::not_found());
    };
    if !a.has_client(client) {
        return Err(PageError::not_found());
    }
    let now = state.clock.now();
    if !access.open(now) {
        return Err(PageError::new(StatusCode::CONFLICT, "sess-error-closed"));
    }
    let checkin = latest(&state, client, &a.id.to_string()).await?;
    let Some(checkin) = checkin.filter(|v| v.value.allowed()) else {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            "sess-error-not-checked-in",
        ));
    };
    // The check-in may be up to an hour old: a licence that lapsed or a readiness step undone
    // since (a consent withdrawn, an assessment changed) stops the admission now.
    if !still_allowed(&state, a.clinician, client, &checkin.value.location).await? {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            "sess-error-no-longer-allowed",
        ));
    }
    appointments::update(&state, a.id, access.actor.user_id, |ap| {
        if !ap.session.admitted.contains(&client) {
            ap.session.admitted.push(client);
        }
        ap.session.started_at.get_or_insert(now);
    })
    .await?
    .ok_or_else(PageError::not_found)?;
    state
        .audit
        .record(access.by(), "session.admit", Some(client), &access.object())
        .await?;
    Ok(Redirect::to(&format!("/sessions/{}", a.id)).into_response())
}

/// Whether the clinician may still see `client` at the checked-in place, now, and the client
/// is still ready: the check-in's own rules, run again at admission.
async fn still_allowed(
    state: &AppState,
    clinician: alcove_domain::UserId,
    client: ClientId,
    location: &str,
) -> Result<bool, PageError> {
    let Ok(place) = location.parse::<alcove_domain::Jurisdiction>() else {
        return Ok(false);
    };
    let decision =
        super::checkin::licensure_at(state, clinician, &place, state.clock.now()).await?;
    let licensed = matches!(decision, alcove_domain::licensure::Decision::Allowed { .. });
    Ok(licensed && crate::onboarding::readiness_of(state, client).await?.ready)
}

/// `POST /sessions/{id}/end`: the clinician ends the session for everyone; every page in it
/// learns so on its next status poll and the room closes.
pub async fn end(
    access: SessionAccess,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    if !access.is_host() {
        return Err(PageError::forbidden());
    }
    let a = &access.appointment;
    let now = state.clock.now();
    if a.ended() {
        return Ok(Redirect::to(&format!("/sessions/{}/record", a.id)).into_response());
    }
    let ended = appointments::update(&state, a.id, access.actor.user_id, |ap| {
        ap.session.ended_at.get_or_insert(now.min(closes_at(ap)));
    })
    .await?
    .ok_or_else(PageError::not_found)?;
    for client in &ended.clients {
        state
            .audit
            .record(access.by(), "session.end", Some(*client), &access.object())
            .await?;
    }
    Ok(Redirect::to(&format!("/sessions/{}/record", a.id)).into_response())
}
