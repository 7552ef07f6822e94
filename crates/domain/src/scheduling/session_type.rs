//! The kinds of session a clinician offers.

use chrono::Duration;
use serde::{Deserialize, Serialize};

/// Everyone in a group video session, clinician included: video is peer to peer (a mesh),
/// and six is what a mesh carries on ordinary connections.
pub const MAX_GROUP: u8 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Video,
    AudioOnly,
    /// Video with several clients; `participants` counts the clinician.
    Group {
        participants: u8,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionType {
    pub name: String,
    pub minutes: u32,
    pub modality: Modality,
    /// Kept free before and after, for notes and a breath between clients.
    pub buffer_before: u32,
    pub buffer_after: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionTypeError {
    #[error("name: give the session type a name")]
    Name,
    #[error("minutes: a session lasts from 15 to 240 minutes")]
    Minutes,
    #[error(
        "participants: a group has from 3 to {MAX_GROUP} participants, the clinician included"
    )]
    Participants,
    #[error("buffer: a buffer is from 0 to 60 minutes")]
    Buffer,
}

impl SessionTypeError {
    pub fn field(&self) -> &'static str {
        match self {
            SessionTypeError::Name => "name",
            SessionTypeError::Minutes => "minutes",
            SessionTypeError::Participants => "participants",
            SessionTypeError::Buffer => "buffer",
        }
    }
}

impl SessionType {
    pub fn new(
        name: &str,
        minutes: u32,
        modality: Modality,
        buffer_before: u32,
        buffer_after: u32,
    ) -> Result<SessionType, Vec<SessionTypeError>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            errors.push(SessionTypeError::Name);
        }
        if !(15..=240).contains(&minutes) {
            errors.push(SessionTypeError::Minutes);
        }
        if let Modality::Group { participants } = modality {
            if !(3..=MAX_GROUP).contains(&participants) {
                errors.push(SessionTypeError::Participants);
            }
        }
        if buffer_before > 60 || buffer_after > 60 {
            errors.push(SessionTypeError::Buffer);
        }
        if errors.is_empty() {
            Ok(SessionType {
                name: name.to_owned(),
                minutes,
                modality,
                buffer_before,
                buffer_after,
            })
        } else {
            Err(errors)
        }
    }

    pub fn length(&self) -> Duration {
        Duration::minutes(self.minutes.into())
    }

    /// How many people may join, clinician included.
    pub fn capacity(&self) -> u8 {
        match self.modality {
            Modality::Group { participants } => participants,
            Modality::Video | Modality::AudioOnly => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifty_minute_video_session_with_a_ten_minute_buffer_is_valid() {
        let t = SessionType::new("Individual", 50, Modality::Video, 0, 10).unwrap();
        assert_eq!(t.length(), Duration::minutes(50));
        assert_eq!(t.capacity(), 2);
    }

    #[test]
    fn groups_stop_at_six_people_and_lengths_are_bounded() {
        let errors =
            SessionType::new(" ", 5, Modality::Group { participants: 7 }, 0, 61).unwrap_err();
        let fields: Vec<_> = errors.iter().map(SessionTypeError::field).collect();
        assert_eq!(fields, ["name", "minutes", "participants", "buffer"]);
        let group = SessionType::new("Group", 90, Modality::Group { participants: 6 }, 0, 0);
        assert_eq!(group.unwrap().capacity(), 6);
    }
}
