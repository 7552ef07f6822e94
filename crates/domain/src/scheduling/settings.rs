//! What a clinician offers (their hours, session types and booking window) and what the
//! practice asks of every booking (late-cancellation notice, reminder times).

use serde::{Deserialize, Serialize};

use super::{Availability, BookingWindow, CancelPolicy, Modality, SessionType};

/// A clinician's scheduling settings, kept as one `ScheduleSettings` document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSettings {
    pub availability: Availability,
    /// The kinds of session clients may book, in the order they are offered.
    pub session_types: Vec<SessionType>,
    pub window: BookingWindow,
}

/// The practice's scheduling policy, kept as one `SchedulingPolicy` document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulingPolicy {
    pub cancel: CancelPolicy,
    /// Hours before a session when a reminder goes out, largest first (e.g. 24 and 1).
    pub reminder_hours: Vec<u32>,
}

impl Default for SchedulingPolicy {
    fn default() -> Self {
        SchedulingPolicy {
            cancel: CancelPolicy::default(),
            reminder_hours: vec![24, 1],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("notice_hours: the notice asked for is from 0 to 168 hours")]
    Notice,
    #[error("reminder_hours: reminders are whole hours from 1 to 336, such as 24, 1")]
    Reminders,
}

impl PolicyError {
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::Notice => "notice_hours",
            PolicyError::Reminders => "reminder_hours",
        }
    }
}

impl SchedulingPolicy {
    /// Reads the admin's form: the notice in hours and a list of reminder hours ("24, 1").
    pub fn parse(notice_hours: &str, reminder_hours: &str) -> Result<Self, Vec<PolicyError>> {
        let mut errors = Vec::new();
        let notice = match notice_hours.trim().parse::<u32>() {
            Ok(n) if n <= 168 => n,
            _ => {
                errors.push(PolicyError::Notice);
                0
            }
        };
        let mut hours = Vec::new();
        for part in reminder_hours
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.parse::<u32>() {
                Ok(h) if (1..=336).contains(&h) => hours.push(h),
                _ => {
                    errors.push(PolicyError::Reminders);
                    break;
                }
            }
        }
        if hours.len() > 5 && errors.is_empty() {
            errors.push(PolicyError::Reminders);
        }
        hours.sort_unstable_by(|a, b| b.cmp(a));
        hours.dedup();
        if errors.is_empty() {
            Ok(SchedulingPolicy {
                cancel: CancelPolicy {
                    notice_hours: notice,
                },
                reminder_hours: hours,
            })
        } else {
            Err(errors)
        }
    }

    /// The reminder to send now for a session starting `minutes_left` minutes from now and
    /// booked `booked_ahead` minutes before its start: the smallest offset already reached (a
    /// reminder whose time passed unsent is not sent late once a nearer one is due). An offset
    /// whose moment came before the booking is not a reminder: the person has just booked.
    /// `None` when no offset is reached or the session began.
    pub fn reminder_due(&self, minutes_left: i64, booked_ahead: i64) -> Option<u32> {
        if minutes_left <= 0 {
            return None;
        }
        self.reminder_hours
            .iter()
            .copied()
            .filter(|h| minutes_left <= i64::from(*h) * 60 && booked_ahead > i64::from(*h) * 60)
            .min()
    }
}

impl ScheduleSettings {
    /// A session type by its position in the list.
    pub fn session_type(&self, index: usize) -> Option<&SessionType> {
        self.session_types.get(index)
    }
}

/// A line of the session-types field that does not read, with its number (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("session_types: line {line}: {why}")]
pub struct SessionTypeLineError {
    pub line: usize,
    pub why: String,
}

/// Reads one session type a line: `name | minutes | modality | buffer before | buffer after`,
/// where modality is `video`, `audio` or `group:N` (N people, the clinician included).
pub fn parse_session_types(text: &str) -> Result<Vec<SessionType>, Vec<SessionTypeLineError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    for (i, line) in lines.enumerate() {
        let err = |why: String| SessionTypeLineError { line: i + 1, why };
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() != 5 {
            errors.push(err(
                "write name | minutes | video, audio or group:N | buffer before | buffer after"
                    .into(),
            ));
            continue;
        }
        let num = |s: &str| {
            s.parse::<u32>()
                .map_err(|_| err(format!("{s} is not a number of minutes")))
        };
        let modality = match parts[2].to_ascii_lowercase().as_str() {
            "video" => Ok(Modality::Video),
            "audio" | "audio-only" | "audio_only" => Ok(Modality::AudioOnly),
            m => match m.strip_prefix("group:").map(|n| n.trim().parse::<u8>()) {
                Some(Ok(participants)) => Ok(Modality::Group { participants }),
                _ => Err(err(format!("{} is not video, audio or group:N", parts[2]))),
            },
        };
        match (modality, num(parts[1]), num(parts[3]), num(parts[4])) {
            (Ok(m), Ok(min), Ok(b), Ok(a)) => match SessionType::new(parts[0], min, m, b, a) {
                Ok(t) => out.push(t),
                Err(es) => errors.extend(es.into_iter().map(|e| err(e.to_string()))),
            },
            (m, min, b, a) => {
                errors.extend([m.err(), min.err(), b.err(), a.err()].into_iter().flatten())
            }
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(SessionTypeLineError {
            line: 1,
            why: "offer at least one session type".into(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Writes session types back in the form [`parse_session_types`] reads.
pub fn format_session_types(types: &[SessionType]) -> String {
    types
        .iter()
        .map(|t| {
            let m = match t.modality {
                Modality::Video => "video".to_owned(),
                Modality::AudioOnly => "audio".to_owned(),
                Modality::Group { participants } => format!("group:{participants}"),
            };
            format!(
                "{} | {} | {} | {} | {}",
                t.name, t.minutes, m, t.buffer_before, t.buffer_after
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_types_read_one_a_line_and_write_back_the_same() {
        let text = "Individual | 50 | video | 0 | 10\nCheck-in | 30 | audio | 0 | 0\nGroup | 90 | group:6 | 5 | 15";
        let types = parse_session_types(text).unwrap();
        assert_eq!(types.len(), 3);
        assert_eq!(types[2].capacity(), 6);
        assert_eq!(format_session_types(&types), text);
        let e = parse_session_types(
            "Individual | 50 | hologram | 0 | 10\nGroup | 90 | group:9 | 0 | 0",
        )
        .unwrap_err();
        assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn the_policy_form_reads_hours_and_names_bad_fields() {
        let p = SchedulingPolicy::parse("48", "1, 24").unwrap();
        assert_eq!(p.cancel.notice_hours, 48);
        assert_eq!(p.reminder_hours, [24, 1]);
        let e = SchedulingPolicy::parse("a week", "24, soon").unwrap_err();
        let fields: Vec<_> = e.iter().map(PolicyError::field).collect();
        assert_eq!(fields, ["notice_hours", "reminder_hours"]);
    }

    #[test]
    fn the_nearest_reached_reminder_is_the_one_due() {
        let p = SchedulingPolicy::default();
        let week = 7 * 24 * 60;
        assert_eq!(p.reminder_due(25 * 60, week), None);
        assert_eq!(p.reminder_due(24 * 60, week), Some(24));
        assert_eq!(p.reminder_due(90, week), Some(24));
        assert_eq!(p.reminder_due(60, week), Some(1));
        assert_eq!(p.reminder_due(0, week), None);
    }

    #[test]
    fn an_offset_that_passed_before_the_booking_sends_nothing() {
        let p = SchedulingPolicy::default();
        // Booked three hours ahead: no "24 hours before", but the hour-before one comes.
        assert_eq!(p.reminder_due(150, 180), None);
        assert_eq!(p.reminder_due(60, 180), Some(1));
        // Booked for the coming hour: nothing to remind of.
        assert_eq!(p.reminder_due(60, 60), None);
        assert_eq!(p.reminder_due(30, 45), None);
    }
}
