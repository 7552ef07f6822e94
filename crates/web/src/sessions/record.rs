//! The session record, for documentation (seed 002; Standard 7): actual start and end,
//! modality, each client's attested location and licence basis, participants, and the
//! technical problems noted. The clinician reads it; reading it is audited per client.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::checkin::latest;
use super::{clients_of, SessionAccess};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::state::AppState;

pub struct ParticipantRow {
    pub name: String,
    pub admitted: bool,
    pub location: String,
    pub address: String,
    pub basis: String,
    pub checked_in_at: String,
    pub fallback_phone: String,
}

pub struct ProblemRow {
    pub at: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "sessions/record.html")]
struct RecordPage {
    c: Chrome,
    title: String,
    clinician: String,
    scheduled: String,
    started: String,
    ended: String,
    modality: String,
    participants: Vec<ParticipantRow>,
    problems: Vec<ProblemRow>,
}

/// `GET /sessions/{id}/record`: for the session's clinician.
pub async fn page(
    access: SessionAccess,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    if !access.is_host() {
        return Err(PageError::not_found());
    }
    let a = &access.appointment;
    let id = a.id.to_string();
    let mut participants = Vec::new();
    let mut names = vec![(a.clinician, super::name_of(&state, a.clinician).await)];
    for cl in clients_of(&state, a).await? {
        state
            .audit
            .record(
                access.by(),
                "session.record.view",
                Some(cl.id),
                &access.object(),
            )
            .await?;
        names.push((cl.user_id, cl.name.clone()));
        let ci = latest(&state, cl.id, &id).await?;
        let v = ci.as_ref().map(|v| &v.value);
        participants.push(ParticipantRow {
            name: cl.name.clone(),
            admitted: a.session.admitted.contains(&cl.id),
            location: v.map(|v| v.location.clone()).unwrap_or_default(),
            address: v.and_then(|v| v.address.clone()).unwrap_or_default(),
            basis: v
                .map(|v| if v.licensed() { v.basis() } else { v.reason() })
                .unwrap_or_default(),
            checked_in_at: v.map(|v| when(&v.at)).unwrap_or_default(),
            fallback_phone: v.map(|v| v.fallback_phone.clone()).unwrap_or_default(),
        });
    }
    let name = |u: alcove_domain::UserId| {
        names
            .iter()
            .find(|(id, _)| *id == u)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let problems = a
        .session
        .problems
        .iter()
        .map(|p| ProblemRow {
            at: when(&p.at),
            who: name(p.who),
            what: match p.what.as_str() {
                "connection_lost" => c.t("sess-problem-connection-lost"),
                "reconnected" => c.t("sess-problem-reconnected"),
                "switched_to_audio" => c.t("sess-problem-switched-to-audio"),
                "switched_to_video" => c.t("sess-problem-switched-to-video"),
                other => other.to_owned(),
            },
        })
        .collect();
    let page = RecordPage {
        title: a.session_type.name.clone(),
        clinician: name(a.clinician),
        scheduled: format!("{} – {}", when(&a.start), when(&a.end)),
        started: a.session.started_at.map(|t| when(&t)).unwrap_or_default(),
        ended: a.session.ended_at.map(|t| when(&t)).unwrap_or_default(),
        modality: super::modality_label(&c, a),
        participants,
        problems,
        c,
    };
    Ok(render(&page)?.into_response())
}
