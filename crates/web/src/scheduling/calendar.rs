//! Calendar entries (RFC 5545) for appointments, the private per-user calendar feed, and the
//! appointment reminders job.
//!
//! Nothing clinical goes into an entry or a reminder: "Appointment with <practice>", the time
//! and the join link (`/sessions/{id}`). Not the clinician's or the clients' names, not the
//! session type's name (a practice may call a type "Couples" or "Grief group").
//!
//! The feed's address holds a random token; only its SHA-256 is stored (the `CalendarFeed`
//! document is keyed by it), so a copy of the database does not give anyone the feed. The
//! token is shown once; revoking writes a new version marked revoked.

use alcove_domain::scheduling::Appointment;
use alcove_domain::{ClientId, Role, UserId};
use alcove_store::{DocKind, Owner};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::appointments;
use super::settings::policy;
use crate::error::PageError;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::services::DocError;
use crate::state::AppState;

/// One appointment as a calendar event: the same UID in every email and in the feed, so a
/// calendar updates the entry instead of adding another.
fn event(state: &AppState, a: &Appointment) -> icalendar::Event {
    let practice = state.mailer.practice().to_owned();
    let join = state
        .mailer
        .url_for(&format!("/sessions/{}", a.id))
        .to_string();
    let mut e = icalendar::Event::new();
    e.uid(&format!("{}@alcove", a.id))
        .summary(&format!("Appointment with {practice}"))
        .description(&format!("Join: {join}"))
        .url(&join)
        .starts(a.start)
        .ends(a.end)
        .timestamp(a.booked_at)
        .status(if a.is_booked() {
            EventStatus::Confirmed
        } else {
            EventStatus::Cancelled
        });
    e.done()
}

/// A calendar of appointments in RFC 5545 text.
pub fn ics(state: &AppState, list: &[Appointment]) -> String {
    let mut cal = Calendar::new();
    cal.name(&format!("{} appointments", state.mailer.practice()));
    for a in list {
        cal.push(event(state, a));
    }
    cal.done().to_string()
}

// ---- the private feed ------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Feed {
    pub user: UserId,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// When each feed's read was last recorded by this instance (see [`feed`]), by its key.
pub type FeedReads = crate::services::OncePer<String>;

/// A feed's reads are recorded at most once in this long.
pub const RECORD_READS_EVERY: chrono::Duration = chrono::Duration::minutes(15);

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The user's live feeds, with their keys and versions.
async fn live_feeds(state: &AppState, user: UserId) -> Result<Vec<(String, i64)>, DocError> {
    Ok(state
        .docs
        .all::<Feed>(DocKind::CalendarFeed, Some(Owner::Practice))
        .await?
        .into_iter()
        .filter(|v| v.value.user == user && v.value.revoked_at.is_none())
        .map(|v| (v.key, v.version))
        .collect())
}

/// Whether the user has a feed that works.
pub async fn has_feed(state: &AppState, user: UserId) -> Result<bool, DocError> {
    Ok(!live_feeds(state, user).await?.is_empty())
}

/// Revokes every feed of the user; `true` if there was one.
pub async fn revoke_feed(state: &AppState, user: UserId, role: Role) -> Result<bool, DocError> {
    let now = state.clock.now();
    let live = live_feeds(state, user).await?;
    for (key, version) in &live {
        let Some(v) = state
            .docs
            .latest::<Feed>(DocKind::CalendarFeed, Owner::Practice, key)
            .await?
        else {
            continue;
        };
        let revoked = Feed {
            revoked_at: Some(now),
            ..v.value
        };
        match state
            .docs
            .save(
                DocKind::CalendarFeed,
                Owner::Practice,
                key,
                *version,
                &revoked,
                Some(user),
            )
            .await
        {
            Ok(_) | Err(DocError::Changed) => {}
            Err(e) => return Err(e),
        }
    }
    if !live.is_empty() {
        state
            .audit
            .record(
                By::User(user, role),
                "calendar.feed_revoked",
                None,
                &format!("user:{user}"),
            )
            .await?;
    }
    Ok(!live.is_empty())
}

/// A new feed for the user (any earlier one is revoked): the token, to show once.
pub async fn create_feed(state: &AppState, user: UserId, role: Role) -> Result<String, DocError> {
    revoke_feed(state, user, role).await?;
    let token = alcove_crypto::token::random_token();
    let feed = Feed {
        user,
        created_at: state.clock.now(),
        revoked_at: None,
    };
    state
        .docs
        .save(
            DocKind::CalendarFeed,
            Owner::Practice,
            &hash(&token),
            0,
            &feed,
            Some(user),
        )
        .await?;
    state
        .audit
        .record(
            By::User(user, role),
            "calendar.feed_created",
            None,
            &format!("user:{user}"),
        )
        .await?;
    Ok(token)
}

/// The appointments a user sees: a clinician's own, or a client's.
pub async fn appointments_of_user(
    state: &AppState,
    user: UserId,
) -> Result<Vec<Appointment>, PageError> {
    let u = state.store.user_by_id(user).await?;
    Ok(match u.role {
        Role::Clinician => appointments::of_clinician(state, user).await?,
        Role::Client => match state.store.client_by_user(user).await? {
            Some(c) => appointments::of_client(state, c.id).await?,
            None => vec![],
        },
        _ => vec![],
    })
}

/// `GET /calendar/{token}.ics`: the feed, for a calendar app (no sign-in: the token is the key).
pub async fn feed(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    if token.is_empty() || token.len() > 100 {
        return Err(PageError::not_found());
    }
    let Some(v) = state
        .docs
        .latest::<Feed>(DocKind::CalendarFeed, Owner::Practice, &hash(token))
        .await?
    else {
        return Err(PageError::not_found());
    };
    if v.value.revoked_at.is_some() {
        return Err(PageError::not_found());
    }
    // A password change ends a feed made before it, as it ends every session: whoever holds
    // an old link (often the reason for the change) reads nothing more.
    let owner = match state.store.user_by_id(v.value.user).await {
        Ok(u) => u,
        Err(alcove_store::StoreError::NotFound) => return Err(PageError::not_found()),
        Err(e) => return Err(e.into()),
    };
    if v.value.created_at < owner.password_changed_at {
        return Err(PageError::not_found());
    }
    // Read by whoever holds the link (a calendar app, usually): recorded, without a who, in
    // the client's own access history when it is a client's feed. At most one entry per feed
    // per quarter hour from this instance: apps poll, and a leaked link must not flood the log.
    if state.feed_reads.claim(v.key.clone(), state.clock.now()) {
        let client = match owner.role {
            Role::Client => state.store.client_by_user(owner.id).await?.map(|c| c.id),
            _ => None,
        };
        state
            .audit
            .record(
                By::Anonymous,
                "calendar.feed_read",
                client,
                &format!("user:{}", owner.id),
            )
            .await?;
    }
    let list = appointments_of_user(&state, v.value.user).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ics(&state, &list),
    )
        .into_response())
}

// ---- reminders -------------------------------------------------------------------------------

/// One reminder this pass sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentAppointmentReminder {
    pub appointment: alcove_domain::AppointmentId,
    pub to: UserId,
    pub hours: u32,
    pub emailed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AppointmentReminderError {
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error(transparent)]
    Store(#[from] alcove_store::StoreError),
}

/// One pass: every booked appointment whose reminder time (the practice's offsets) has come
/// gets one email per person, with the calendar entry attached. Each is claimed first as a
/// `ReminderSent` document (version 1 succeeds once across all instances), then sent: at
/// most once, like the credential reminders (`crate::reminders`).
pub async fn run_appointment_reminders(
    state: &AppState,
) -> Result<Vec<SentAppointmentReminder>, AppointmentReminderError> {
    let now = state.clock.now();
    let (_, p) = policy(state).await?;
    let mut sent = Vec::new();
    let all = state
        .docs
        .all::<Appointment>(DocKind::Appointment, Some(Owner::Practice))
        .await?;
    for a in all
        .into_iter()
        .map(|v| v.value)
        .filter(Appointment::is_booked)
    {
        let booked_ahead = (a.start - a.booked_at).num_minutes();
        let Some(hours) = p.reminder_due((a.start - now).num_minutes(), booked_ahead) else {
            continue;
        };
        let mut people: Vec<(UserId, Option<ClientId>)> = vec![(a.clinician, None)];
        for c in &a.clients {
            // Seed 001: a client is emailed only if their signed Request for Electronic Data
            // Transmission allows email for appointment reminders (the portal shows the
            // appointment either way).
            let allowed = crate::transmission::allows(
                state,
                *c,
                alcove_domain::transmission::Channel::Email,
                alcove_domain::transmission::Purpose::AppointmentReminders,
            )
            .await
            .unwrap_or(false);
            if allowed {
                people.push((state.store.client(*c).await?.user_id, Some(*c)));
            }
        }
        for (user, client) in people {
            let key = format!("appointment|{}|{}|{}", a.id, a.start.to_rfc3339(), hours);
            match state
                .docs
                .save(
                    DocKind::ReminderSent,
                    Owner::User(user),
                    &key,
                    0,
                    &hours,
                    None,
                )
                .await
            {
                Ok(_) => {}
                Err(DocError::Changed) => continue,
                Err(e) => return Err(e.into()),
            }
            let zone = match client {
                Some(c) => super::booking::default_zone(state, c).await,
                None => super::booking::clinician_zone(state, user).await,
            };
            let u = state.store.user_by_id(user).await?;
            let n = Notification::AppointmentReminder {
                appointment: a.id,
                start: a.start,
                zone,
            };
            let emailed = state
                .mailer
                .notify_with_calendar(user, &u.email, &n, ics(state, std::slice::from_ref(&a)))
                .await
                .is_ok();
            sent.push(SentAppointmentReminder {
                appointment: a.id,
                to: user,
                hours,
                emailed,
            });
        }
    }
    Ok(sent)
}
