//! An appointment and, once it has happened, its session record (issue 6).
//!
//! One type carries both because they are one thing seen at two times: what was booked
//! (who, when, which session type) and what happened (admitted, actual start and end,
//! technical problems). Check-ins are kept apart, one per client, sealed with that client's
//! key (`SessionCheckIn`): they hold an address and a phone number.
//!
//! Nothing here is clinical content: reminders and calendar entries are made from it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::session_type::{Modality, SessionType};
use crate::{AppointmentId, ClientId, Jurisdiction, UserId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub clinician: UserId,
    /// One client, or several for a group session.
    pub clients: Vec<ClientId>,
    /// The session type as it was when booked (a later edit of the type does not move it).
    pub session_type: SessionType,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub booked_by: UserId,
    pub booked_at: DateTime<Utc>,
    pub status: Status,
    /// The appointment this one replaced, when it was rescheduled.
    #[serde(default)]
    pub rescheduled_from: Option<AppointmentId>,
    /// Where each client said, when booking, they will be for the session (Standard 5: the
    /// licensure decision at booking was made for this place; check-in asks again).
    #[serde(default)]
    pub locations: Vec<(ClientId, Jurisdiction)>,
    #[serde(default)]
    pub session: SessionRecord,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Booked,
    Cancelled {
        at: DateTime<Utc>,
        by: UserId,
        /// Inside the practice's late-cancellation window.
        late: bool,
    },
    /// Moved to another time: the new appointment names this one in `rescheduled_from`.
    Rescheduled {
        at: DateTime<Utc>,
        by: UserId,
        to: AppointmentId,
        /// Moved inside the practice's late-cancellation window.
        #[serde(default)]
        late: bool,
    },
}

/// What happened in the session, for documentation. Filled in by the session pages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// When the clinician first admitted someone.
    pub started_at: Option<DateTime<Utc>>,
    /// When the clinician ended the session for everyone.
    pub ended_at: Option<DateTime<Utc>>,
    /// Clients the clinician admitted from the waiting room.
    #[serde(default)]
    pub admitted: Vec<ClientId>,
    /// Audio-only when switched to it during the session, else the booked modality.
    #[serde(default)]
    pub audio_only: bool,
    /// Technical problems noted (dropped connections, reconnections), without content.
    #[serde(default)]
    pub problems: Vec<TechnicalProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicalProblem {
    pub at: DateTime<Utc>,
    pub who: UserId,
    /// A short code: `connection_lost`, `reconnected`, `switched_to_audio`, ...
    pub what: String,
}

impl Appointment {
    /// A new booking of `session_type` starting at `start`.
    pub fn book(
        id: AppointmentId,
        clinician: UserId,
        clients: Vec<ClientId>,
        session_type: SessionType,
        start: DateTime<Utc>,
        booked_by: UserId,
        booked_at: DateTime<Utc>,
    ) -> Appointment {
        let end = start + Duration::minutes(i64::from(session_type.minutes));
        Appointment {
            id,
            clinician,
            clients,
            session_type,
            start,
            end,
            booked_by,
            booked_at,
            status: Status::Booked,
            rescheduled_from: None,
            locations: Vec::new(),
            session: SessionRecord::default(),
        }
    }

    pub fn is_booked(&self) -> bool {
        matches!(self.status, Status::Booked)
    }

    pub fn is_group(&self) -> bool {
        matches!(self.session_type.modality, Modality::Group { .. })
    }

    pub fn has_client(&self, client: ClientId) -> bool {
        self.clients.contains(&client)
    }

    /// The time this appointment keeps from other bookings: the session and its buffers.
    pub fn blocked(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.start - Duration::minutes(i64::from(self.session_type.buffer_before)),
            self.end + Duration::minutes(i64::from(self.session_type.buffer_after)),
        )
    }

    pub fn ended(&self) -> bool {
        self.session.ended_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn a_booking_ends_after_its_length_and_blocks_its_buffers_too() {
        let t = SessionType::new("Individual", 50, Modality::Video, 5, 10).unwrap();
        let a = Appointment::book(
            AppointmentId(Uuid::nil()),
            UserId(Uuid::nil()),
            vec![ClientId(Uuid::nil())],
            t,
            at("2026-12-07T15:00:00Z"),
            UserId(Uuid::nil()),
            at("2026-12-01T09:00:00Z"),
        );
        assert_eq!(a.end, at("2026-12-07T15:50:00Z"));
        assert_eq!(
            a.blocked(),
            (at("2026-12-07T14:55:00Z"), at("2026-12-07T16:00:00Z"))
        );
        assert!(a.is_booked() && !a.is_group() && !a.ended());
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["status"]["state"], "booked");
        let back: Appointment = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }
}
