//! Where appointments are kept: one `Appointment` document each, owned by the practice and
//! keyed by the appointment id, so a session page finds it from the id in its path.
//!
//! Booking pages (this module) create and move appointments; the session pages
//! (`crate::sessions`) write the session record through [`update`]. Both go through here.

use alcove_domain::scheduling::Appointment;
use alcove_domain::{AppointmentId, ClientId, UserId};
use alcove_store::{DocKind, Owner};

use crate::services::DocError;
use crate::state::AppState;

/// An appointment as stored, with the version a change must follow.
pub struct Stored {
    pub version: i64,
    pub appointment: Appointment,
}

pub async fn load(state: &AppState, id: AppointmentId) -> Result<Option<Stored>, DocError> {
    Ok(state
        .docs
        .latest::<Appointment>(DocKind::Appointment, Owner::Practice, &id.to_string())
        .await?
        .map(|v| Stored {
            version: v.version,
            appointment: v.value,
        }))
}

/// Saves a new appointment (version 1). `Changed` if the id exists already.
pub async fn create(state: &AppState, a: &Appointment, author: UserId) -> Result<(), DocError> {
    state
        .docs
        .save(
            DocKind::Appointment,
            Owner::Practice,
            &a.id.to_string(),
            0,
            a,
            Some(author),
        )
        .await
        .map(|_| ())
}

/// Applies `change` to the newest version and saves it, re-reading and retrying when another
/// instance wrote meanwhile (a clinician admitting while a client's connection drops). The
/// change must be safe to apply again to a fresher copy.
pub async fn update<F>(
    state: &AppState,
    id: AppointmentId,
    author: UserId,
    mut change: F,
) -> Result<Option<Appointment>, DocError>
where
    F: FnMut(&mut Appointment),
{
    for _ in 0..8 {
        let Some(mut stored) = load(state, id).await? else {
            return Ok(None);
        };
        change(&mut stored.appointment);
        match state
            .docs
            .save(
                DocKind::Appointment,
                Owner::Practice,
                &id.to_string(),
                stored.version,
                &stored.appointment,
                Some(author),
            )
            .await
        {
            Ok(_) => {
                changed(state, id).await;
                return Ok(Some(stored.appointment));
            }
            Err(DocError::Changed) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(DocError::Changed)
}

/// Every appointment, newest version of each. A practice's appointments are read whole: the
/// lists below filter them (enough for a practice's size; an index comes with a table).
async fn all(state: &AppState) -> Result<Vec<Appointment>, DocError> {
    Ok(state
        .docs
        .all::<Appointment>(DocKind::Appointment, Some(Owner::Practice))
        .await?
        .into_iter()
        .map(|v| v.value)
        .collect())
}

/// A clinician's appointments, by start time.
pub async fn of_clinician(
    state: &AppState,
    clinician: UserId,
) -> Result<Vec<Appointment>, DocError> {
    let mut v: Vec<_> = all(state)
        .await?
        .into_iter()
        .filter(|a| a.clinician == clinician)
        .collect();
    v.sort_by_key(|a| a.start);
    Ok(v)
}

/// A client's appointments (including group sessions they are in), by start time.
pub async fn of_client(state: &AppState, client: ClientId) -> Result<Vec<Appointment>, DocError> {
    let mut v: Vec<_> = all(state)
        .await?
        .into_iter()
        .filter(|a| a.has_client(client))
        .collect();
    v.sort_by_key(|a| a.start);
    Ok(v)
}

/// Whether `who`, the appointment's clinician, is still on the care team of every client in
/// it: a clinician taken off a client's team loses the appointment (and its session) with the
/// next request.
pub async fn host_still_cares(
    state: &AppState,
    who: &crate::auth::Identity,
    a: &Appointment,
) -> Result<bool, alcove_store::StoreError> {
    if a.clinician != who.user_id {
        return Ok(false);
    }
    for c in &a.clients {
        let r = crate::auth::care::relation(state, who, *c).await?;
        if !matches!(r, crate::auth::care::Relation::CareTeam(_)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Tells the pages watching a session (on any instance) that it changed, so a waiting room
/// learns of its admission at once instead of at its next poll. Best effort: the pages poll
/// as well, so a lost event only costs time.
pub async fn changed(state: &AppState, id: AppointmentId) {
    let event = alcove_store::Event::SessionChanged { session: id };
    if let Err(e) = state.events.publish(&event).await {
        tracing::warn!(error = %e, "could not announce a session change");
    }
}
