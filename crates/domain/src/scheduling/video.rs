//! Who may take part in a session's video (issue 6; seed 002 "encrypted channels", Standard 7
//! privacy): the signalling server lets a page join a session's video, and pass WebRTC
//! signalling to the others in it, only when this rule says so, at that moment.

use crate::{ClientId, UserId};

use super::Appointment;

/// Who asks to join: the signed-in clinician, or the client record of a signed-in client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Participant {
    Clinician(UserId),
    Client(ClientId),
}

/// Why a page may not join (or signal in) a session's video.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoRefusal {
    /// Not this session's clinician, nor one of its clients: to them it does not exist.
    NotAParticipant,
    /// A client of the session whom the clinician has not admitted from the waiting room.
    NotAdmitted,
    /// Cancelled or moved to another time.
    NotBooked,
    /// The clinician ended the session.
    Ended,
}

/// The session's clinician, and the clients the clinician admitted, may join its video and
/// signal in it until the session ends; nobody else, and not after.
pub fn may_join_video(a: &Appointment, who: Participant) -> Result<(), VideoRefusal> {
    match who {
        Participant::Clinician(u) if u == a.clinician => {}
        Participant::Client(c) if a.has_client(c) => {
            if !a.session.admitted.contains(&c) {
                return Err(VideoRefusal::NotAdmitted);
            }
        }
        _ => return Err(VideoRefusal::NotAParticipant),
    }
    if !a.is_booked() {
        return Err(VideoRefusal::NotBooked);
    }
    if a.ended() {
        return Err(VideoRefusal::Ended);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::scheduling::{AppointmentStatus, Modality, SessionType};
    use crate::AppointmentId;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn group(clinician: UserId, clients: &[ClientId]) -> Appointment {
        Appointment::book(
            AppointmentId(Uuid::new_v4()),
            clinician,
            clients.to_vec(),
            SessionType::new("Group", 90, Modality::Group { participants: 6 }, 0, 0).unwrap(),
            at("2026-12-07T15:00:00Z"),
            clinician,
            at("2026-12-01T09:00:00Z"),
        )
    }

    #[test]
    fn the_clinician_and_admitted_clients_may_join_until_the_session_ends() {
        let dana = UserId(Uuid::new_v4());
        let other_clinician = UserId(Uuid::new_v4());
        let (alex, jordan, stranger) = (
            ClientId(Uuid::new_v4()),
            ClientId(Uuid::new_v4()),
            ClientId(Uuid::new_v4()),
        );
        let mut a = group(dana, &[alex, jordan]);
        use Participant::*;
        use VideoRefusal::*;
        // In the waiting room: only the clinician.
        assert_eq!(may_join_video(&a, Clinician(dana)), Ok(()));
        assert_eq!(may_join_video(&a, Client(alex)), Err(NotAdmitted));
        assert_eq!(may_join_video(&a, Client(stranger)), Err(NotAParticipant));
        assert_eq!(
            may_join_video(&a, Clinician(other_clinician)),
            Err(NotAParticipant)
        );
        // A client's account id is not their client record: no mix-up of the two.
        assert_eq!(
            may_join_video(&a, Clinician(UserId(alex.0))),
            Err(NotAParticipant)
        );
        // Admitted: that client, not the other.
        a.session.admitted.push(alex);
        assert_eq!(may_join_video(&a, Client(alex)), Ok(()));
        assert_eq!(may_join_video(&a, Client(jordan)), Err(NotAdmitted));
        // Ended by the clinician: nobody, the clinician included.
        let mut ended = a.clone();
        ended.session.ended_at = Some(at("2026-12-07T16:30:00Z"));
        assert_eq!(may_join_video(&ended, Clinician(dana)), Err(Ended));
        assert_eq!(may_join_video(&ended, Client(alex)), Err(Ended));
        assert_eq!(may_join_video(&ended, Client(stranger)), Err(NotAParticipant));
        // Cancelled: nobody.
        let mut cancelled = a.clone();
        cancelled.status = AppointmentStatus::Cancelled {
            at: at("2026-12-06T10:00:00Z"),
            by: dana,
            late: false,
        };
        assert_eq!(may_join_video(&cancelled, Clinician(dana)), Err(NotBooked));
        assert_eq!(may_join_video(&cancelled, Client(alex)), Err(NotBooked));
    }
}
