//! Live sessions (issue 6): the check-in before every session, the waiting room, the device
//! check, the session clock, ending for everyone, and the session record. Appointments come
//! from `crate::scheduling::appointments`; WebRTC media and signalling (`static/video.js`,
//! frames on `/ws`) plug into the room page described below.
//!
//! | route | who | what |
//! | --- | --- | --- |
//! | `GET /sessions` | clients, clinicians | their sessions today and ahead, with a join link |
//! | `GET /sessions/{id}` | a client of it / its clinician | client: check-in form, then the waiting room; clinician: each client's check-in and "Admit" |
//! | `POST /sessions/{id}/check-in` | a client of it | the check-in (`CheckIn::parse`, licensure at that instant, readiness), sealed as `SessionCheckIn` |
//! | `POST /sessions/{id}/admit/{client}` | its clinician | admits one client whose check-in allowed it |
//! | `POST /sessions/{id}/end` | its clinician | ends the session for everyone |
//! | `GET /sessions/{id}/room` | its clinician, admitted clients | the room (403 for anyone else of the session) |
//! | `GET /sessions/{id}/status` | a client of it / its clinician | JSON for the waiting room and room scripts |
//! | `POST /sessions/{id}/problems` | its clinician, admitted clients | notes `connection_lost` / `reconnected` / `switched_to_audio` (form, CSRF) |
//! | `GET /sessions/{id}/record` | its clinician | the session record |
//! | `GET /sessions/{id}/ice`, `GET /api/v1/sessions/{id}/ice` | its clinician, admitted clients | ICE servers with TURN credentials |
//! | `GET /device-check` | clients, clinicians | camera, microphone, speaker, connection |
//!
//! ## The room page, for the video script
//!
//! `templates/sessions/room.html` renders, with stable ids:
//!
//! * `<div id="peers" data-session="{appointment id}" data-self="{user id}" data-role="clinician|client"
//!   data-ice="/sessions/{id}/ice" data-audio-only="true|false">` — the video tiles go in
//!   here; `<video id="self-view">` inside `#self` is the local preview;
//! * buttons `#mute`, `#camera`, `#audio-only` (`aria-pressed` toggles, labelled) and, for the
//!   clinician, `#end-session` (a form posting to `/sessions/{id}/end`);
//! * `#fallback` (hidden): the agreed fallback — the clinician calls the confirmed number, how
//!   long to wait — with the `#reconnect` button; `#connection-status` (polite live region);
//! * `#session-clock` with `data-start`, `data-end`, `data-now` (server time at render) and
//!   `#clock-cue` (polite live region for the 10- and 5-minute cues);
//! * the form token for `POST`s is `data-csrf` on `#peers`; `data-problems` is where problems
//!   are noted and `data-status` the status to poll.
//!
//! `static/session.js` runs the clock, polls `/sessions/{id}/status` (the room closes for
//! everyone when the clinician ends it or the time is up) and listens on `document` for:
//! `alcove:connection-lost` (shows `#fallback`, notes the problem), `alcove:reconnected`
//! (hides it, notes it), `alcove:audio-only` with `detail.on` (notes `switched_to_audio` or
//! `switched_to_video`). The video script owns the control buttons (their `aria-pressed` and
//! labels, `data-on`/`data-off` give the labels). A click on
//! `#reconnect` dispatches `alcove:reconnect` for the video script to act on. When the session
//! ends (or the time is up) it dispatches `alcove:session-ended` — the video script hangs up —
//! and goes back to the session page. Whether someone may be in the room (and so join or
//! signal) is [`SessionAccess::check`] then [`SessionAccess::may_enter`]: the one rule.

pub mod checkin;
pub mod device;
pub mod host;
pub mod ice;
pub mod record;
pub mod room;
pub mod signal;

use alcove_domain::scheduling::{Appointment, AppointmentStatus, Modality};
use alcove_domain::{AppointmentId, ClientId, Role, UserId};
use alcove_store::ClientRecord;
use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::Html;
use chrono::{DateTime, Duration, Utc};

use crate::auth::extract::{ClinicalActor, Denied, Why};
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::routes::RouteTable;
use crate::scheduling::appointments;
use crate::services::audit_log::By;
use crate::state::AppState;

/// Check-in opens this long before the scheduled start (time to test a camera, nothing more).
pub const CHECK_IN_OPENS: i64 = 60;
/// The room stays open this long after the scheduled end, then closes for everyone.
pub const ROOM_GRACE: i64 = 10;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/sessions", list)
        .get("/sessions/{id}", page)
        .post("/sessions/{id}/check-in", checkin::submit)
        .post("/sessions/{id}/admit/{client}", host::admit)
        .post("/sessions/{id}/end", host::end)
        .get("/sessions/{id}/room", room::room)
        .get("/sessions/{id}/status", room::status)
        .post("/sessions/{id}/problems", room::problem)
        .get("/sessions/{id}/record", record::page)
        .get("/sessions/{id}/ice", ice::ice)
        .get("/api/v1/sessions/{id}/ice", ice::ice)
        .get("/device-check", device::page)
}

/// Where the caller sits in a session.
#[derive(Clone, Debug)]
pub enum Seat {
    /// The appointment's clinician.
    Host,
    /// One of the appointment's clients.
    Client(ClientRecord),
}

/// Proof that the caller belongs to this session: its clinician or one of its clients.
/// Anyone else is told it does not exist (like a thread).
#[derive(Clone, Debug)]
pub struct SessionAccess {
    pub actor: Identity,
    pub seat: Seat,
    pub appointment: Appointment,
}

impl FromRequestParts<AppState> for SessionAccess {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        let ClinicalActor(actor) = ClinicalActor::from_request_parts(parts, state).await?;
        let api = crate::auth::session::is_api(parts.uri.path());
        let deny = |why| Denied { api, why };
        let Ok(Path(params)) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
        else {
            return Err(deny(Why::NotFound));
        };
        let Some(Ok(id)) = params
            .get("id")
            .map(|raw| raw.parse::<uuid::Uuid>().map(AppointmentId))
        else {
            return Err(deny(Why::NotFound));
        };
        Self::check(state, actor, id).await.map_err(deny)
    }
}

impl SessionAccess {
    pub async fn check(state: &AppState, actor: Identity, id: AppointmentId) -> Result<Self, Why> {
        let stored = match appointments::load(state, id).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err(Why::NotFound),
            Err(e) => {
                tracing::error!(error = %e, "appointment lookup failed");
                return Err(Why::Internal);
            }
        };
        let appointment = stored.appointment;
        let seat = match actor.role {
            Role::Clinician => {
                match appointments::host_still_cares(state, &actor, &appointment).await {
                    Ok(true) => Seat::Host,
                    Ok(false) => return Err(Why::NotFound),
                    Err(e) => {
                        tracing::error!(error = %e, "care relation lookup failed");
                        return Err(Why::Internal);
                    }
                }
            }
            Role::Client => match state.store.client_by_user(actor.user_id).await {
                Ok(Some(c)) if appointment.has_client(c.id) => Seat::Client(c),
                Ok(_) => return Err(Why::NotFound),
                Err(e) => {
                    tracing::error!(error = %e, "client lookup failed");
                    return Err(Why::Internal);
                }
            },
            _ => return Err(Why::NotFound),
        };
        Ok(Self {
            actor,
            seat,
            appointment,
        })
    }

    pub fn is_host(&self) -> bool {
        matches!(self.seat, Seat::Host)
    }

    pub fn client(&self) -> Option<&ClientRecord> {
        match &self.seat {
            Seat::Client(c) => Some(c),
            Seat::Host => None,
        }
    }

    pub fn admitted(&self) -> bool {
        match &self.seat {
            Seat::Host => true,
            Seat::Client(c) => self.appointment.session.admitted.contains(&c.id),
        }
    }

    /// Whether the session is still open at `now`: booked, not ended, and not past its time.
    pub fn open(&self, now: DateTime<Utc>) -> bool {
        is_open(&self.appointment, now)
    }

    /// The room: the clinician, and clients the clinician admitted, while the session is open
    /// and not before check-in opens (so nobody, the clinician included, holds a room or its
    /// TURN credentials for a session weeks away).
    pub fn may_enter(&self, now: DateTime<Utc>) -> bool {
        self.open(now) && self.admitted() && now >= check_in_opens_at(&self.appointment)
    }

    pub fn by(&self) -> By {
        By::User(self.actor.user_id, self.actor.role)
    }

    pub fn object(&self) -> String {
        format!("appointment:{}", self.appointment.id)
    }
}

/// When the room closes whatever happens (the time-box).
pub fn closes_at(a: &Appointment) -> DateTime<Utc> {
    a.end + Duration::minutes(ROOM_GRACE)
}

/// When clients may check in.
pub fn check_in_opens_at(a: &Appointment) -> DateTime<Utc> {
    a.start - Duration::minutes(CHECK_IN_OPENS)
}

pub fn is_open(a: &Appointment, now: DateTime<Utc>) -> bool {
    a.is_booked() && !a.ended() && now < closes_at(a)
}

/// The session's modality in the reader's words.
pub fn modality_label(c: &Chrome, a: &Appointment) -> String {
    let booked = match a.session_type.modality {
        Modality::Video => c.t("sess-modality-video"),
        Modality::AudioOnly => c.t("sess-modality-audio"),
        Modality::Group { participants } => c.t1("sess-modality-group", "n", participants),
    };
    if a.session.audio_only && !matches!(a.session_type.modality, Modality::AudioOnly) {
        c.t1("sess-modality-switched", "booked", booked)
    } else {
        booked
    }
}

/// A user's display name, for the clinician's name on a client's page.
pub(crate) async fn name_of(state: &AppState, id: UserId) -> String {
    state
        .store
        .user_by_id(id)
        .await
        .map(|u| u.name)
        .unwrap_or_default()
}

/// The clinician's own words on what clients do if the technology fails (their profile;
/// Standard 6), empty when they have not written any.
pub(crate) async fn alternate_contact(state: &AppState, clinician: UserId) -> String {
    crate::profile::profile_of(state, clinician)
        .await
        .ok()
        .flatten()
        .map(|v| v.value.alternate_contact)
        .unwrap_or_default()
}

/// The clients of an appointment with their records, in booking order.
pub(crate) async fn clients_of(
    state: &AppState,
    a: &Appointment,
) -> Result<Vec<ClientRecord>, PageError> {
    let mut out = Vec::new();
    for id in &a.clients {
        out.push(state.store.client(*id).await?);
    }
    Ok(out)
}

/// `GET /sessions/{id}`: the client's check-in and waiting room, or the clinician's view.
pub async fn page(
    access: SessionAccess,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<axum::response::Response, PageError> {
    if access.is_host() {
        host::page(access, c, state).await
    } else {
        checkin::page(access, c, state, None).await
    }
}

pub struct ListRow {
    pub id: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub with: String,
    pub state: String,
    pub open: bool,
    pub ended: bool,
}

#[derive(Template)]
#[template(path = "sessions/list.html")]
struct ListPage {
    c: Chrome,
    upcoming: Vec<ListRow>,
    past: Vec<ListRow>,
    clinician: bool,
}

/// `GET /sessions`: the caller's sessions, today's and later ones first, then past ones.
pub async fn list(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let now = state.clock.now();
    let (mine, clinician) = match who.role {
        Role::Clinician => (appointments::of_clinician(&state, who.user_id).await?, true),
        _ => match state.store.client_by_user(who.user_id).await? {
            Some(me) => (appointments::of_client(&state, me.id).await?, false),
            None => (Vec::new(), false),
        },
    };
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for a in mine.iter().filter(|a| a.is_booked()) {
        let with = if clinician {
            let mut names = Vec::new();
            for cl in clients_of(&state, a).await? {
                names.push(cl.name);
            }
            names.join(", ")
        } else {
            name_of(&state, a.clinician).await
        };
        let open = is_open(a, now);
        let row = ListRow {
            id: a.id.to_string(),
            title: a.session_type.name.clone(),
            start: when(&a.start),
            end: when(&a.end),
            with,
            state: state_label(&c, a, now),
            open,
            ended: a.ended(),
        };
        if open && a.start.date_naive() >= now.date_naive() - Duration::days(1) {
            upcoming.push(row);
        } else if a.ended() || now >= closes_at(a) {
            past.push(row);
        } else {
            upcoming.push(row);
        }
    }
    past.reverse();
    render(&ListPage {
        c,
        upcoming,
        past,
        clinician,
    })
}

fn state_label(c: &Chrome, a: &Appointment, now: DateTime<Utc>) -> String {
    if a.ended() {
        c.t("sess-state-ended")
    } else if now >= closes_at(a) {
        c.t("sess-state-closed")
    } else if a.session.started_at.is_some() {
        c.t("sess-state-in-progress")
    } else if now >= check_in_opens_at(a) {
        c.t("sess-state-check-in-open")
    } else {
        c.t("sess-state-scheduled")
    }
}

/// Whether an appointment still stands (not cancelled or moved).
pub fn cancelled(a: &Appointment) -> bool {
    !matches!(a.status, AppointmentStatus::Booked)
}

/// Demo sessions (issue 6): Alex Rivera (US-MA) with Dana Whitfield starting now; Casey Morgan
/// (home US-CA, where Dana is not licensed: her check-in is refused) right after; and a group
/// of Dana's three clients later in the day; and Samuel Okafor's group of his three ready
/// clients in Pennsylvania (Riley Chen, Taylor Brooks, Noor Haddad) starting now, so four
/// people can meet by video. Idempotent: a second run adds nothing.
pub async fn seed_demo_sessions(state: &AppState) -> Result<(), String> {
    use alcove_domain::scheduling::SessionType;
    fn err(e: &dyn std::fmt::Display) -> String {
        format!("demo sessions: {e}")
    }
    let user = |email: &'static str| async move {
        let email = email.parse().map_err(|e| format!("{e:?}"))?;
        state.store.user_by_email(&email).await.map_err(|e| err(&e))
    };
    let Some(dana) = user("dana.whitfield@alcove-demo.example").await? else {
        return Ok(());
    };
    if !appointments::of_clinician(state, dana.id)
        .await
        .map_err(|e| err(&e))?
        .is_empty()
    {
        return Ok(());
    }
    let client = |email: &'static str| async move {
        crate::onboarding::emergency::demo_client(state, email).await
    };
    let alex = client("alex.rivera@alcove-demo.example").await?;
    let jordan = client("jordan.lee@alcove-demo.example").await?;
    let casey = client("casey.morgan@alcove-demo.example").await?;
    let now = state.clock.now();
    // "Now" on the minute, so the clock reads plainly.
    let start = now - Duration::seconds(now.timestamp() % 60);
    let individual = SessionType::new("Individual session", 50, Modality::Video, 0, 10)
        .map_err(|e| format!("{e:?}"))?;
    let group = SessionType::new(
        "Group session",
        90,
        Modality::Group { participants: 4 },
        0,
        15,
    )
    .map_err(|e| format!("{e:?}"))?;
    let mut plan: Vec<(Vec<ClientId>, SessionType, DateTime<Utc>)> = Vec::new();
    if let Some((a, _)) = alex {
        plan.push((vec![a], individual.clone(), start));
    }
    if let Some((c, _)) = casey {
        plan.push((vec![c], individual.clone(), start + Duration::minutes(60)));
    }
    let group_clients: Vec<ClientId> = [alex, jordan, casey]
        .into_iter()
        .flatten()
        .map(|(c, _)| c)
        .collect();
    if group_clients.len() == 3 {
        plan.push((group_clients, group.clone(), start + Duration::hours(3)));
    }
    let mut plan: Vec<_> = plan
        .into_iter()
        .map(|(c, k, at)| (dana.id, c, k, at))
        .collect();
    if let Some(samuel) = user("samuel.okafor@alcove-demo.example").await? {
        let mut his = Vec::new();
        for email in [
            "riley.chen@alcove-demo.example",
            "taylor.brooks@alcove-demo.example",
            "noor.haddad@alcove-demo.example",
        ] {
            if let Some((c, _)) = client(email).await? {
                his.push(c);
            }
        }
        if his.len() == 3 {
            plan.push((samuel.id, his, group.clone(), start));
        }
    }
    for (clinician, clients, kind, at) in plan {
        let a = Appointment::book(
            AppointmentId(uuid::Uuid::new_v4()),
            clinician,
            clients,
            kind,
            at,
            clinician,
            now,
        );
        appointments::create(state, &a, clinician)
            .await
            .map_err(|e| err(&e))?;
    }
    // Casey has no emergency plan yet: the check-in shows her there is no contact to confirm
    // and the licensure refusal; her readiness is left as the onboarding demo made it.
    Ok(())
}
