//! The room: the session clock, "nothing is recorded", the controls and the fallback panel
//! (see the module docs of `sessions` for the ids the video script uses), the status the page
//! scripts poll, and the technical problems the room notes for the session record.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::checkin::latest;
use super::{closes_at, SessionAccess};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::scheduling::appointments;
use crate::state::AppState;

/// Problems the room may note, as short codes without content.
pub const PROBLEMS: [&str; 4] = [
    "connection_lost",
    "reconnected",
    "switched_to_audio",
    "switched_to_video",
];

#[derive(Template)]
#[template(path = "sessions/room.html")]
struct RoomPage {
    c: Chrome,
    id: String,
    title: String,
    self_id: String,
    role: &'static str,
    host: bool,
    start: String,
    end: String,
    start_rfc: String,
    end_rfc: String,
    now_rfc: String,
    audio_only: bool,
    /// A group mesh: every page sends one video per other participant.
    group: bool,
    /// The fallback agreed for this session: (the number the clinician calls, minutes to wait).
    fallback: Vec<FallbackRow>,
    other: String,
    /// The clinician's alternate contact if the technology fails (Standard 6).
    alternate: String,
}

pub struct FallbackRow {
    pub name: String,
    pub phone: String,
    pub dial: String,
    pub client_waits: String,
    pub clinician_waits: String,
}

/// `GET /sessions/{id}/room`: only for the clinician and admitted clients while the session is
/// open. A client not admitted is sent back to the waiting room; after the end, to the page
/// that says so.
pub async fn room(
    access: SessionAccess,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let a = &access.appointment;
    let now = state.clock.now();
    if !access.admitted() {
        return Err(PageError::forbidden());
    }
    if !access.open(now) {
        return Ok(Redirect::to(&format!("/sessions/{}", a.id)).into_response());
    }
    let id = a.id.to_string();
    // The fallback panel: for each client in the room, the number they confirmed at check-in
    // and how long each side waits (their emergency plan). A client sees only their own.
    let mut fallback = Vec::new();
    let shown: Vec<alcove_store::ClientRecord> = match access.client() {
        Some(me) => vec![me.clone()],
        None => {
            let mut v = Vec::new();
            for cl in super::clients_of(&state, a).await? {
                if a.session.admitted.contains(&cl.id) {
                    v.push(cl);
                }
            }
            v
        }
    };
    for cl in shown {
        let Some(ci) = latest(&state, cl.id, &id).await? else {
            continue;
        };
        let plan = crate::onboarding::emergency::latest(&state, cl.id).await?;
        let p = plan.as_ref().map(|v| &v.value);
        let dial = ci
            .value
            .fallback_phone
            .parse::<alcove_domain::profile::Phone>()
            .map(|x| x.dial())
            .unwrap_or_default();
        fallback.push(FallbackRow {
            name: cl.name.clone(),
            phone: ci.value.fallback_phone.clone(),
            dial,
            client_waits: p
                .and_then(|p| p.client_waits_minutes)
                .map_or_else(|| "5".into(), |m| m.to_string()),
            clinician_waits: p
                .and_then(|p| p.clinician_waits_minutes)
                .map_or_else(|| "10".into(), |m| m.to_string()),
        });
    }
    state
        .audit
        .record(
            access.by(),
            "session.room.enter",
            access.client().map(|cl| cl.id),
            &access.object(),
        )
        .await?;
    let other = if access.is_host() {
        String::new()
    } else {
        super::name_of(&state, a.clinician).await
    };
    let page = RoomPage {
        id,
        title: a.session_type.name.clone(),
        self_id: access.actor.user_id.to_string(),
        role: if access.is_host() {
            "clinician"
        } else {
            "client"
        },
        host: access.is_host(),
        start: when(&a.start),
        end: when(&a.end),
        start_rfc: a.start.to_rfc3339(),
        end_rfc: a.end.to_rfc3339(),
        now_rfc: now.to_rfc3339(),
        audio_only: a.session.audio_only
            || matches!(
                a.session_type.modality,
                alcove_domain::scheduling::Modality::AudioOnly
            ),
        group: a.is_group(),
        fallback,
        other,
        alternate: super::alternate_contact(&state, a.clinician).await,
        c,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Serialize, Debug)]
pub struct Status {
    /// `scheduled`, `waiting` (the client checked in), `admitted`, `ended` or `closed`.
    pub state: &'static str,
    pub admitted: bool,
    pub ended: bool,
    /// Where the room is (for those admitted).
    pub room: String,
    /// The server's time, so the page's clock follows the server's.
    pub now: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// For the clinician: the newest check-in version of each client and who is admitted,
    /// as one string that changes when either does (the host page reloads on a change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// `GET /sessions/{id}/status`: what the waiting room and the room poll (every few seconds;
/// a database read, so it works across instances).
pub async fn status(
    access: SessionAccess,
    State(state): State<AppState>,
) -> Result<Json<Status>, PageError> {
    let a = &access.appointment;
    let now = state.clock.now();
    let id = a.id.to_string();
    let fingerprint = if access.is_host() {
        let mut f = format!("{}", a.session.admitted.len());
        for cl in &a.clients {
            let v = latest(&state, *cl, &id).await?;
            f.push_str(&format!(":{}", v.map_or(0, |v| v.version)));
        }
        Some(f)
    } else {
        None
    };
    let st = if a.ended() {
        "ended"
    } else if !access.open(now) {
        "closed"
    } else if access.admitted() {
        "admitted"
    } else {
        match access.client() {
            Some(me) => match latest(&state, me.id, &id).await? {
                Some(v) if v.value.allowed() => "waiting",
                _ => "scheduled",
            },
            None => "scheduled",
        }
    };
    Ok(Json(Status {
        state: st,
        admitted: access.admitted() && access.open(now),
        ended: a.ended(),
        room: format!("/sessions/{id}/room"),
        now,
        end: a.end,
        closes_at: closes_at(a),
        fingerprint,
    }))
}

#[derive(Deserialize)]
pub struct ProblemForm {
    #[serde(default)]
    what: String,
}

/// Technical problems one session's record holds at most.
pub const MAX_PROBLEMS: usize = 200;

/// `POST /sessions/{id}/problems` (`what=connection_lost|reconnected|switched_to_audio|
/// switched_to_video`): noted on the session record with who and when, and audited. The room
/// script calls it; it answers 204.
pub async fn problem(
    access: SessionAccess,
    State(state): State<AppState>,
    Form(f): Form<ProblemForm>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    if !access.may_enter(now) {
        return Err(PageError::forbidden());
    }
    let Some(what) = PROBLEMS.iter().find(|p| **p == f.what).copied() else {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        ));
    };
    let who = access.actor.user_id;
    // The record stays readable: a person's same note twice in a row is one note, and a
    // session holds at most MAX_PROBLEMS (a script repeating itself cannot grow it).
    let problems = &access.appointment.session.problems;
    if problems
        .iter()
        .rev()
        .find(|p| p.who == who)
        .map(|p| p.what.as_str())
        == Some(what)
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    if problems.len() >= MAX_PROBLEMS {
        return Err(PageError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error-too-many",
        ));
    }
    appointments::update(&state, access.appointment.id, who, |ap| {
        ap.session
            .problems
            .push(alcove_domain::scheduling::TechnicalProblem {
                at: now,
                who,
                what: what.to_owned(),
            });
        match what {
            "switched_to_audio" => ap.session.audio_only = true,
            "switched_to_video" => ap.session.audio_only = false,
            _ => {}
        }
    })
    .await?
    .ok_or_else(PageError::not_found)?;
    state
        .audit
        .record(
            access.by(),
            &format!("session.problem.{what}"),
            access.client().map(|cl| cl.id),
            &access.object(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
