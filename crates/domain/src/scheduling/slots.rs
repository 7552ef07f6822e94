//! The slots a clinician offers, as instants.
//!
//! Slots are laid on the clinician's wall clock from the start of each window, one session
//! plus its buffers apart, then turned into instants. Across a daylight-saving change that
//! keeps 9:00 at 9:00 for the clinician; a wall time that does not exist (the spring-forward
//! gap) offers no slot, and a wall time that happens twice (the fall-back hour) is offered
//! once, at its first occurrence. Whether a requested start is bookable is answered by the
//! same computation ([`bookable`]), so what is shown and what is accepted never differ.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Availability, SessionType};

/// How soon and how far ahead clients may book.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingWindow {
    /// No booking closer than this to its start.
    pub min_notice_hours: u32,
    /// No booking further ahead than this.
    pub max_days_ahead: u32,
}

impl Default for BookingWindow {
    fn default() -> Self {
        BookingWindow {
            min_notice_hours: 24,
            max_days_ahead: 60,
        }
    }
}

/// Time already taken, buffers included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Busy {
    /// A booked session of `kind` starting at `start`, with its buffers.
    pub fn of(start: DateTime<Utc>, kind: &SessionType) -> Busy {
        Busy {
            start: start - Duration::minutes(kind.buffer_before.into()),
            end: start + kind.length() + Duration::minutes(kind.buffer_after.into()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Slot {
    /// The slot on someone's wall clock (the client's, when shown to the client).
    pub fn local(&self, tz: Tz) -> (DateTime<Tz>, DateTime<Tz>) {
        (self.start.with_timezone(&tz), self.end.with_timezone(&tz))
    }
}

/// The first instant a wall time names, or none in a spring-forward gap.
fn first_instant(tz: Tz, t: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(d) => Some(d.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The last instant a wall time names; in a gap, the instant the clock jumps to.
fn last_instant(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(d) => d.with_timezone(&Utc),
        LocalResult::Ambiguous(_, last) => last.with_timezone(&Utc),
        LocalResult::None => {
            // No wall time in a gap: an hour later exists, and it is an hour of real time later.
            last_instant(tz, t + Duration::hours(1)) - Duration::hours(1)
        }
    }
}

/// Every slot of `kind` on the clinician's calendar dates `from..=to` that is inside the
/// booking window as of `now` and does not touch `busy`. Sorted by start.
pub fn offered_slots(
    availability: &Availability,
    kind: &SessionType,
    window: BookingWindow,
    busy: &[Busy],
    now: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<Slot> {
    let tz = availability.time_zone;
    let earliest = now + Duration::hours(window.min_notice_hours.into());
    let latest = now + Duration::days(window.max_days_ahead.into());
    let before = Duration::minutes(kind.buffer_before.into());
    let after = Duration::minutes(kind.buffer_after.into());
    let step = kind.length() + before + after;
    let mut slots = Vec::new();
    let mut date = from;
    while date <= to {
        for w in availability.windows_on(date) {
            let close = last_instant(tz, date.and_time(w.end));
            let mut wall = date.and_time(w.start) + before;
            while wall.date() == date && wall.time() < w.end {
                if let Some(start) = first_instant(tz, wall) {
                    let end = start + kind.length();
                    let taken = busy
                        .iter()
                        .any(|b| start - before < b.end && b.start < end + after);
                    if end <= close && start >= earliest && start <= latest && !taken {
                        slots.push(Slot { start, end });
                    }
                }
                wall += step;
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    slots.sort();
    slots.dedup();
    slots
}

/// The offered slot starting at `start`, if there is one.
pub fn bookable(
    availability: &Availability,
    kind: &SessionType,
    window: BookingWindow,
    busy: &[Busy],
    now: DateTime<Utc>,
    start: DateTime<Utc>,
) -> Option<Slot> {
    let date = start.with_timezone(&availability.time_zone).date_naive();
    offered_slots(availability, kind, window, busy, now, date, date)
        .into_iter()
        .find(|s| s.start == start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduling::{Modality, SessionType};
    use chrono::Timelike;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fifty() -> SessionType {
        SessionType::new("Individual", 50, Modality::Video, 0, 10).unwrap()
    }

    fn new_york_week(sunday: &str) -> Availability {
        let weekday = "09:00-12:00";
        Availability::parse(
            "America/New_York",
            [weekday, weekday, weekday, weekday, weekday, "", sunday],
            "",
        )
        .unwrap()
    }

    fn no_window() -> BookingWindow {
        BookingWindow {
            min_notice_hours: 0,
            max_days_ahead: 3650,
        }
    }

    #[test]
    fn a_morning_holds_three_fifty_minute_sessions_an_hour_apart() {
        let a = new_york_week("");
        let s = offered_slots(
            &a,
            &fifty(),
            no_window(),
            &[],
            utc("2026-01-01T00:00:00Z"),
            date("2026-01-05"),
            date("2026-01-05"),
        );
        let starts: Vec<_> = s.iter().map(|s| s.start.to_rfc3339()).collect();
        assert_eq!(
            starts,
            [
                "2026-01-05T14:00:00+00:00",
                "2026-01-05T15:00:00+00:00",
                "2026-01-05T16:00:00+00:00"
            ]
        );
        assert_eq!(s[0].end, utc("2026-01-05T14:50:00Z"));
    }

    #[test]
    fn the_march_transition_keeps_nine_oclock_for_the_clinician_and_moves_it_for_london() {
        // US clocks go forward on 8 March 2026, the UK's on 29 March.
        let a = new_york_week("");
        let now = utc("2026-03-01T00:00:00Z");
        let before = offered_slots(
            &a,
            &fifty(),
            no_window(),
            &[],
            now,
            date("2026-03-06"),
            date("2026-03-06"),
        );
        let after = offered_slots(
            &a,
            &fifty(),
            no_window(),
            &[],
            now,
            date("2026-03-09"),
            date("2026-03-09"),
        );
        assert_eq!(before[0].start, utc("2026-03-06T14:00:00Z"));
        assert_eq!(after[0].start, utc("2026-03-09T13:00:00Z"));
        let ny = chrono_tz::America::New_York;
        assert_eq!(after[0].local(ny).0.hour(), 9);
        let london = chrono_tz::Europe::London;
        assert_eq!(before[0].local(london).0.hour(), 14);
        assert_eq!(
            after[0].local(london).0.hour(),
            13,
            "three weeks when London is 4h ahead"
        );
    }

    #[test]
    fn the_spring_forward_gap_offers_no_slot_and_a_slot_across_it_is_an_hour_shorter_on_the_wall() {
        let a = new_york_week("01:00-04:00");
        let kind = SessionType::new("Check-in", 30, Modality::AudioOnly, 0, 30).unwrap();
        let s = offered_slots(
            &a,
            &kind,
            no_window(),
            &[],
            utc("2026-03-01T00:00:00Z"),
            date("2026-03-08"),
            date("2026-03-08"),
        );
        let ny = chrono_tz::America::New_York;
        let walls: Vec<_> = s
            .iter()
            .map(|s| s.local(ny).0.format("%H:%M").to_string())
            .collect();
        // 02:00 does not exist that night; 03:00 is only 1 real hour after 01:00.
        assert_eq!(walls, ["01:00", "03:00"]);
        assert_eq!(s[1].start - s[0].start, Duration::hours(1));
    }

    #[test]
    fn the_fall_back_hour_is_offered_once_at_its_first_occurrence() {
        let a = new_york_week("00:00-03:00");
        let kind = SessionType::new("Check-in", 30, Modality::AudioOnly, 0, 30).unwrap();
        let s = offered_slots(
            &a,
            &kind,
            no_window(),
            &[],
            utc("2026-10-01T00:00:00Z"),
            date("2026-11-01"),
            date("2026-11-01"),
        );
        let starts: Vec<_> = s.iter().map(|s| s.start).collect();
        assert_eq!(
            starts,
            [
                utc("2026-11-01T04:00:00Z"), // 00:00 EDT
                utc("2026-11-01T05:00:00Z"), // 01:00 EDT, the first of two
                utc("2026-11-01T07:00:00Z"), // 02:00 EST
            ]
        );
        // The window closes at 03:00 EST; the 02:00 slot ends 02:30, inside it.
        assert!(s.iter().all(|s| s.end <= utc("2026-11-01T08:00:00Z")));
    }

    #[test]
    fn booked_time_and_its_buffers_are_not_offered_again() {
        let a = new_york_week("");
        let kind = fifty();
        let taken = Busy::of(utc("2026-01-05T15:00:00Z"), &kind);
        let s = offered_slots(
            &a,
            &kind,
            no_window(),
            &[taken],
            utc("2026-01-01T00:00:00Z"),
            date("2026-01-05"),
            date("2026-01-05"),
        );
        let starts: Vec<_> = s.iter().map(|s| s.start).collect();
        assert_eq!(
            starts,
            [utc("2026-01-05T14:00:00Z"), utc("2026-01-05T16:00:00Z")]
        );
        // A 20-minute overlap with a buffer is still a clash.
        let late = Busy {
            start: utc("2026-01-05T14:40:00Z"),
            end: utc("2026-01-05T14:45:00Z"),
        };
        let s = offered_slots(
            &a,
            &kind,
            no_window(),
            &[late],
            utc("2026-01-01T00:00:00Z"),
            date("2026-01-05"),
            date("2026-01-05"),
        );
        assert_eq!(
            s.first().map(|s| s.start),
            Some(utc("2026-01-05T15:00:00Z"))
        );
    }

    #[test]
    fn the_booking_window_bounds_notice_and_reach() {
        let a = new_york_week("");
        let window = BookingWindow {
            min_notice_hours: 24,
            max_days_ahead: 7,
        };
        let now = utc("2026-01-05T14:30:00Z"); // Monday 09:30 in New York
        let s = offered_slots(
            &a,
            &fifty(),
            window,
            &[],
            now,
            date("2026-01-05"),
            date("2026-01-31"),
        );
        assert_eq!(
            s.first().unwrap().start,
            utc("2026-01-06T15:00:00Z"),
            "24 h notice"
        );
        assert!(s.last().unwrap().start <= now + Duration::days(7));
        assert!(bookable(&a, &fifty(), window, &[], now, utc("2026-01-07T14:00:00Z")).is_some());
        assert!(
            bookable(&a, &fifty(), window, &[], now, utc("2026-01-07T14:05:00Z")).is_none(),
            "off the grid"
        );
        assert!(
            bookable(&a, &fifty(), window, &[], now, utc("2026-01-06T14:00:00Z")).is_none(),
            "too soon"
        );
    }

    #[test]
    fn an_exception_day_offers_only_its_own_hours() {
        let mut a = new_york_week("");
        a.exceptions.push(crate::scheduling::Exception {
            date: date("2026-01-05"),
            hours: vec![],
        });
        let s = offered_slots(
            &a,
            &fifty(),
            no_window(),
            &[],
            utc("2026-01-01T00:00:00Z"),
            date("2026-01-05"),
            date("2026-01-06"),
        );
        assert!(s.iter().all(|s| s.start >= utc("2026-01-06T00:00:00Z")));
        assert_eq!(s.len(), 3);
    }
}
