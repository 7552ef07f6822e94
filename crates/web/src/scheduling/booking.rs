//! Booking, rescheduling and cancelling: the one place these happen, for the pages and the API.
//!
//! A booking is accepted only if the slot is one the clinician offers (the same computation
//! that shows the slots, `domain::scheduling::bookable`), every client is ready for online
//! sessions (`onboarding::readiness_of`), and the clinician is licensed where each client says
//! they will be at the session's time (Standard 5, `domain::licensure::may_practise`).
//!
//! Double booking is made impossible by the clinician's `BookingLedger`: every booking writes
//! the ledger's next version, and the store accepts only one writer of a version. Of two
//! bookings racing for overlapping time, the second to write re-reads the ledger, finds the
//! time taken, and is refused.

use alcove_domain::licensure::Decision;
use alcove_domain::onboarding::Readiness;
use alcove_domain::scheduling::{
    bookable, offered_slots, Appointment, AppointmentStatus, BookingWindow, Busy, Cancellation,
    Modality, ScheduleSettings, SessionType, Slot,
};
use alcove_domain::{AppointmentId, ClientId, Jurisdiction, Role, UserId};
use alcove_store::{DocKind, Owner};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::appointments;
use super::settings::{policy, settings_of};
use crate::auth::Identity;
use crate::error::PageError;
use crate::services::audit_log::By;
use crate::services::DocError;
use crate::state::AppState;

const LEDGER_KEY: &str = "ledger";
/// How far ahead a clinician may book for a client (clients keep to the booking window).
const STAFF_DAYS_AHEAD: u32 = 365;

/// The time a clinician has booked: one entry per live appointment, buffers included.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub appointment: AppointmentId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Ledger {
    fn busy(&self) -> Vec<Busy> {
        self.entries
            .iter()
            .map(|e| Busy {
                start: e.start,
                end: e.end,
            })
            .collect()
    }
}

async fn ledger_of(state: &AppState, clinician: UserId) -> Result<(i64, Ledger), DocError> {
    Ok(state
        .docs
        .latest::<Ledger>(DocKind::BookingLedger, Owner::User(clinician), LEDGER_KEY)
        .await?
        .map_or((0, Ledger::default()), |v| (v.version, v.value)))
}

/// Why a booking was refused. Every reason is shown to the person booking.
#[derive(Clone, Debug)]
pub enum Refusal {
    /// The client has not finished the path to online sessions: what is left.
    NotReady {
        client: ClientId,
        readiness: Readiness,
    },
    /// The clinician is not licensed where the client will be at the session's time.
    NotLicensed {
        client: ClientId,
        location: Jurisdiction,
        reason: String,
        would_allow: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("refused")]
    Refused(Vec<Refusal>),
    /// The time is not (or no longer) offered: taken, outside the hours or the window.
    #[error("that time is not available")]
    SlotUnavailable,
    #[error("the clinician offers no booking")]
    NoSettings,
    #[error("no such session type")]
    BadSessionType,
    /// Several clients for a one-to-one type, none, or more than a group holds.
    #[error("wrong number of clients for the session type")]
    Clients,
    #[error("no licensure data for that location")]
    UnknownLocation,
    /// Not there, or not the caller's to see or change.
    #[error("not found")]
    NotFound,
    /// The session has started or ended: nothing to cancel or move.
    #[error("too late to change")]
    TooLate,
    #[error("already cancelled or moved")]
    NotBooked,
    /// A client may leave a group session but not move it for everyone.
    #[error("a group session is moved by its clinician")]
    GroupMove,
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error(transparent)]
    Store(#[from] alcove_store::StoreError),
    #[error("{0:?}")]
    Page(PageError),
}

impl From<PageError> for BookError {
    fn from(e: PageError) -> Self {
        BookError::Page(e)
    }
}

/// What is being booked.
#[derive(Clone, Debug)]
pub struct BookRequest {
    pub clinician: UserId,
    /// Each client with where they will be during the session.
    pub clients: Vec<(ClientId, Jurisdiction)>,
    pub session_type: usize,
    pub start: DateTime<Utc>,
}

/// The clinician's bookable slots of a session type in `days` days from now, as the person
/// asking may book them (clients within the booking window; clinicians up to a year ahead).
pub async fn slots(
    state: &AppState,
    clinician: UserId,
    session_type: usize,
    staff: bool,
    days: i64,
) -> Result<Vec<Slot>, BookError> {
    let (_, settings) = settings_of(state, clinician)
        .await?
        .ok_or(BookError::NoSettings)?;
    let kind = settings
        .session_type(session_type)
        .ok_or(BookError::BadSessionType)?;
    let (_, ledger) = ledger_of(state, clinician).await?;
    let now = state.clock.now();
    let tz = settings.availability.time_zone;
    let from = now.with_timezone(&tz).date_naive();
    let to = from + Duration::days(days.clamp(1, 366));
    Ok(offered_slots(
        &settings.availability,
        kind,
        window_for(&settings, staff),
        &ledger.busy(),
        now,
        from,
        to,
    ))
}

fn window_for(settings: &ScheduleSettings, staff: bool) -> BookingWindow {
    if staff {
        BookingWindow {
            min_notice_hours: 0,
            max_days_ahead: STAFF_DAYS_AHEAD,
        }
    } else {
        settings.window
    }
}

/// Whether `client` may be booked with `clinician` at `start` in `location`: every reason not.
pub async fn refusals(
    state: &AppState,
    clinician: UserId,
    clients: &[(ClientId, Jurisdiction)],
    start: DateTime<Utc>,
) -> Result<Vec<Refusal>, BookError> {
    let reg = crate::licensure::registry().map_err(|_| PageError::internal())?;
    let creds = crate::licensure::credentials_of(state, clinician)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "booking: credentials");
            PageError::internal()
        })?
        .unwrap_or_else(|| {
            alcove_domain::licensure::Credentials::new(
                alcove_domain::licensure::Profession::SocialWork,
                vec![],
            )
        });
    let mut out = Vec::new();
    for (client, location) in clients {
        let readiness = crate::onboarding::readiness_of(state, *client).await?;
        if !readiness.ready {
            out.push(Refusal::NotReady {
                client: *client,
                readiness,
            });
        }
        if reg.jurisdiction(location).is_none() {
            return Err(BookError::UnknownLocation);
        }
        if let Decision::Denied {
            reason,
            would_allow,
        } = alcove_domain::licensure::may_practise(&creds, reg, location, start)
        {
            out.push(Refusal::NotLicensed {
                client: *client,
                location: location.clone(),
                reason: reason.to_string(),
                would_allow: would_allow.to_string(),
            });
        }
    }
    Ok(out)
}

/// Books `req` for `by`. Refusals are audited too (that someone tried, never why in words).
pub async fn book(
    state: &AppState,
    by: &Identity,
    req: &BookRequest,
) -> Result<Appointment, BookError> {
    book_replacing(state, by, req, None).await
}

async fn book_replacing(
    state: &AppState,
    by: &Identity,
    req: &BookRequest,
    replacing: Option<&Appointment>,
) -> Result<Appointment, BookError> {
    // Far outside any booking window: refused before any date arithmetic on it (a start in
    // the year 9999 must be an answer, not an overflow).
    let now = state.clock.now();
    if req.start < now - Duration::days(1) || req.start > now + Duration::days(400) {
        return Err(BookError::SlotUnavailable);
    }
    let (_, settings) = settings_of(state, req.clinician)
        .await?
        .ok_or(BookError::NoSettings)?;
    let kind: SessionType = settings
        .session_type(req.session_type)
        .ok_or(BookError::BadSessionType)?
        .clone();
    let n = req.clients.len();
    let fits = match kind.modality {
        Modality::Group { participants } => n >= 1 && n < usize::from(participants),
        Modality::Video | Modality::AudioOnly => n == 1,
    };
    if !fits {
        return Err(BookError::Clients);
    }
    let refused = refusals(state, req.clinician, &req.clients, req.start).await?;
    let actor = By::User(by.user_id, by.role);
    if !refused.is_empty() {
        for (client, _) in &req.clients {
            state
                .audit
                .record(
                    actor,
                    "appointment.refused",
                    Some(*client),
                    &format!("clinician:{}", req.clinician),
                )
                .await?;
        }
        return Err(BookError::Refused(refused));
    }
    let staff = by.role != Role::Client;
    let window = window_for(&settings, staff);
    let mut a = Appointment::book(
        AppointmentId(Uuid::new_v4()),
        req.clinician,
        req.clients.iter().map(|(c, _)| *c).collect(),
        kind.clone(),
        req.start,
        by.user_id,
        now,
    );
    a.locations = req.clients.clone();
    a.rescheduled_from = replacing.map(|r| r.id);
    let mut written = false;
    for _ in 0..16 {
        let (version, mut ledger) = ledger_of(state, req.clinician).await?;
        // Past bookings no longer block anything: the ledger stays small.
        ledger.entries.retain(|e| e.end > now - Duration::days(1));
        if let Some(old) = replacing {
            ledger.entries.retain(|e| e.appointment != old.id);
        }
        if bookable(
            &settings.availability,
            &kind,
            window,
            &ledger.busy(),
            now,
            req.start,
        )
        .is_none()
        {
            return Err(BookError::SlotUnavailable);
        }
        let (start, end) = a.blocked();
        ledger.entries.push(LedgerEntry {
            appointment: a.id,
            start,
            end,
        });
        match state
            .docs
            .save(
                DocKind::BookingLedger,
                Owner::User(req.clinician),
                LEDGER_KEY,
                version,
                &ledger,
                Some(by.user_id),
            )
            .await
        {
            Ok(_) => {
                written = true;
                break;
            }
            Err(DocError::Changed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    if !written {
        return Err(BookError::SlotUnavailable);
    }
    appointments::create(state, &a, by.user_id).await?;
    for client in &a.clients {
        state
            .audit
            .record(
                actor,
                if replacing.is_some() {
                    "appointment.rescheduled"
                } else {
                    "appointment.booked"
                },
                Some(*client),
                &format!("appointment:{}", a.id),
            )
            .await?;
    }
    Ok(a)
}

/// The appointment, if `who` is its clinician or one of its clients.
pub async fn visible_to(
    state: &AppState,
    who: &Identity,
    id: AppointmentId,
) -> Result<Appointment, BookError> {
    let a = appointments::load(state, id)
        .await?
        .ok_or(BookError::NotFound)?
        .appointment;
    let mine = match who.role {
        Role::Clinician => appointments::host_still_cares(state, who, &a).await?,
        Role::Client => match state.store.client_by_user(who.user_id).await? {
            Some(c) => a.has_client(c.id),
            None => false,
        },
        _ => false,
    };
    if mine {
        Ok(a)
    } else {
        Err(BookError::NotFound)
    }
}

/// Whether cancelling or moving `a` now would be late under the practice's policy.
pub async fn judge(state: &AppState, a: &Appointment) -> Result<Cancellation, BookError> {
    let (_, p) = policy(state).await?;
    Ok(p.cancel.judge(state.clock.now(), a.start))
}

async fn free_ledger(state: &AppState, a: &Appointment, by: UserId) -> Result<(), BookError> {
    for _ in 0..16 {
        let (version, mut ledger) = ledger_of(state, a.clinician).await?;
        let before = ledger.entries.len();
        ledger.entries.retain(|e| e.appointment != a.id);
        if ledger.entries.len() == before {
            return Ok(());
        }
        match state
            .docs
            .save(
                DocKind::BookingLedger,
                Owner::User(a.clinician),
                LEDGER_KEY,
                version,
                &ledger,
                Some(by),
            )
            .await
        {
            Ok(_) => return Ok(()),
            Err(DocError::Changed) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DocError::Changed.into())
}

/// Cancels an appointment of `who`'s; the late-cancel judgement is recorded on it.
pub async fn cancel(
    state: &AppState,
    who: &Identity,
    id: AppointmentId,
) -> Result<Appointment, BookError> {
    let a = visible_to(state, who, id).await?;
    if !a.is_booked() {
        return Err(BookError::NotBooked);
    }
    let late = match judge(state, &a).await? {
        Cancellation::TooLate => return Err(BookError::TooLate),
        Cancellation::Late => true,
        Cancellation::WithNotice => false,
    };
    let now = state.clock.now();
    let by = who.user_id;
    if who.role == Role::Client && a.clients.len() > 1 {
        return leave_group(state, who, a, late).await;
    }
    let mut refused = false;
    let updated = appointments::update(state, id, by, |a| {
        if a.is_booked() {
            a.status = AppointmentStatus::Cancelled { at: now, by, late };
        } else {
            refused = true;
        }
    })
    .await?
    .ok_or(BookError::NotFound)?;
    if refused {
        return Err(BookError::NotBooked);
    }
    free_ledger(state, &updated, by).await?;
    for client in &updated.clients {
        state
            .audit
            .record(
                By::User(who.user_id, who.role),
                if late {
                    "appointment.cancelled_late"
                } else {
                    "appointment.cancelled"
                },
                Some(*client),
                &format!("appointment:{id}"),
            )
            .await?;
    }
    Ok(updated)
}

/// A client cancels their place in a group: they leave it, the others keep the session.
/// What they get back is the appointment as it now stands for them: cancelled.
async fn leave_group(
    state: &AppState,
    who: &Identity,
    a: Appointment,
    late: bool,
) -> Result<Appointment, BookError> {
    let me = state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or(BookError::NotFound)?
        .id;
    let mut gone = false;
    appointments::update(state, a.id, who.user_id, |ap| {
        gone = !ap.has_client(me) || !ap.is_booked();
        ap.clients.retain(|c| *c != me);
        ap.locations.retain(|(c, _)| *c != me);
        ap.session.admitted.retain(|c| *c != me);
    })
    .await?
    .ok_or(BookError::NotFound)?;
    if gone {
        return Err(BookError::NotBooked);
    }
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            if late {
                "appointment.left_group_late"
            } else {
                "appointment.left_group"
            },
            Some(me),
            &format!("appointment:{}", a.id),
        )
        .await?;
    let now = state.clock.now();
    Ok(Appointment {
        clients: vec![me],
        locations: a.locations.into_iter().filter(|(c, _)| *c == me).collect(),
        status: AppointmentStatus::Cancelled {
            at: now,
            by: who.user_id,
            late,
        },
        ..a
    })
}

/// Moves an appointment of `who`'s to `start` (same clients, places and session type): a new
/// appointment that names the old one, which is marked rescheduled (late or not).
pub async fn reschedule(
    state: &AppState,
    who: &Identity,
    id: AppointmentId,
    start: DateTime<Utc>,
) -> Result<Appointment, BookError> {
    let old = visible_to(state, who, id).await?;
    if !old.is_booked() {
        return Err(BookError::NotBooked);
    }
    if who.role == Role::Client && old.clients.len() > 1 {
        return Err(BookError::GroupMove);
    }
    let late = match judge(state, &old).await? {
        Cancellation::TooLate => return Err(BookError::TooLate),
        Cancellation::Late => true,
        Cancellation::WithNotice => false,
    };
    let (_, settings) = settings_of(state, old.clinician)
        .await?
        .ok_or(BookError::NoSettings)?;
    // The same session type by its name (the clinician may have reordered the list).
    let session_type = settings
        .session_types
        .iter()
        .position(|t| t.name == old.session_type.name)
        .ok_or(BookError::BadSessionType)?;
    let clients = if old.locations.len() == old.clients.len() {
        old.locations.clone()
    } else {
        let mut v = Vec::new();
        for c in &old.clients {
            v.push((*c, usual_location(state, *c).await?));
        }
        v
    };
    let req = BookRequest {
        clinician: old.clinician,
        clients,
        session_type,
        start,
    };
    let new = book_replacing(state, who, &req, Some(&old)).await?;
    let now = state.clock.now();
    let by = who.user_id;
    let mut still_booked = false;
    appointments::update(state, id, by, |a| {
        still_booked = a.is_booked();
        if still_booked {
            a.status = AppointmentStatus::Rescheduled {
                at: now,
                by,
                to: new.id,
                late,
            };
        }
    })
    .await?;
    if !still_booked {
        // Cancelled or moved meanwhile (by the other side): that change stands, and the new
        // booking made for this one is withdrawn.
        appointments::update(state, new.id, by, |a| {
            a.status = AppointmentStatus::Cancelled {
                at: now,
                by,
                late: false,
            };
        })
        .await?;
        free_ledger(state, &new, by).await?;
        return Err(BookError::NotBooked);
    }
    Ok(new)
}

/// Where a client usually is during sessions: their emergency plan's jurisdiction, else the
/// home jurisdiction on their record. Reading the plan is a view of their record: audited by
/// the caller's action (booking), not separately.
pub async fn usual_location(state: &AppState, client: ClientId) -> Result<Jurisdiction, BookError> {
    if let Some(plan) = crate::onboarding::emergency::latest(state, client).await? {
        if let Some(j) = plan.value.jurisdiction {
            return Ok(j);
        }
    }
    Ok(state.store.client(client).await?.home_jurisdiction)
}

/// The zone a client's times are shown in by default: the zone of the place they usually are.
pub async fn default_zone(state: &AppState, client: ClientId) -> Tz {
    let Ok(j) = usual_location(state, client).await else {
        return chrono_tz::America::New_York;
    };
    crate::licensure::registry()
        .ok()
        .and_then(|r| r.jurisdiction(&j).map(|i| i.date_zone))
        .unwrap_or(chrono_tz::America::New_York)
}

/// A clinician's zone (their availability's), New York until they set their hours.
pub async fn clinician_zone(state: &AppState, clinician: UserId) -> Tz {
    match settings_of(state, clinician).await {
        Ok(Some((_, s))) => s.availability.time_zone,
        _ => chrono_tz::America::New_York,
    }
}

/// A day in `tz` as a date (for grouping slots).
pub fn day_of(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}
