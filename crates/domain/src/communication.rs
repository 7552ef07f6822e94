//! A clinician's communication policy for between-session messages (seed 002: availability
//! and response times; Standard 8: timing and length): whether messaging is offered at all,
//! the hours in the clinician's time zone, the reply time they promise, the longest message,
//! and away periods with a covering clinician.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::UserId;

pub const MIN_LENGTH_LIMIT: usize = 200;
pub const MAX_LENGTH_LIMIT: usize = 10_000;
pub const DEFAULT_LENGTH_LIMIT: usize = 2_000;

/// Opening hours of one weekday, in the clinician's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// A time the clinician is away, with who covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Away {
    pub from: NaiveDate,
    /// The last day away.
    pub until: NaiveDate,
    pub covering: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Whether between-session messaging is offered at all.
    pub offered: bool,
    #[serde(with = "tz_name")]
    pub time_zone: Tz,
    /// Monday first; `None` is a day without hours.
    pub week: [Option<Hours>; 7],
    /// Business days within which a reply can be expected (1 = "within 1 business day").
    pub reply_within_days: u32,
    pub max_length: usize,
    #[serde(default)]
    pub away: Vec<Away>,
}

impl Default for Policy {
    /// Offered, weekdays 9:00–17:00 US Eastern, a reply within 1 business day, 2,000 characters.
    fn default() -> Self {
        let day = Some(Hours {
            opens: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            closes: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
        });
        Policy {
            offered: true,
            time_zone: chrono_tz::America::New_York,
            week: [day, day, day, day, day, None, None],
            reply_within_days: 1,
            max_length: DEFAULT_LENGTH_LIMIT,
            away: Vec::new(),
        }
    }
}

/// What a message's arrival means under the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Within hours: a reply within the promised time.
    InHours,
    /// Outside hours: the clinician reads it from `next_open` (UTC).
    OutOfHours { next_open: DateTime<Utc> },
    /// The clinician is away until `until` (inclusive); `covering` reads it meanwhile.
    Away {
        until: NaiveDate,
        covering: Option<UserId>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("time_zone: {0} is not a time zone name such as America/New_York")]
    TimeZone(String),
    #[error("hours: {day} closes before it opens")]
    Hours { day: &'static str },
    #[error("hours: {day} is not a time such as 09:00")]
    Time { day: &'static str },
    #[error("reply_within_days: from 1 to 10 business days")]
    ReplyDays,
    #[error("max_length: from {MIN_LENGTH_LIMIT} to {MAX_LENGTH_LIMIT} characters")]
    MaxLength,
    #[error("away: an away period ends before it starts")]
    AwayOrder,
}

impl PolicyError {
    pub fn field(&self) -> &'static str {
        match self {
            PolicyError::TimeZone(_) => "time_zone",
            PolicyError::Hours { .. } | PolicyError::Time { .. } => "hours",
            PolicyError::ReplyDays => "reply_within_days",
            PolicyError::MaxLength => "max_length",
            PolicyError::AwayOrder => "away",
        }
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The policy form as text: a day's hours are `("09:00", "17:00")`, or empty for none.
#[derive(Clone, Debug, Default)]
pub struct PolicyForm<'a> {
    pub offered: bool,
    pub time_zone: &'a str,
    pub week: [(&'a str, &'a str); 7],
    pub reply_within_days: &'a str,
    pub max_length: &'a str,
    /// (from, until, covering clinician) — dates as YYYY-MM-DD; empty rows are skipped.
    pub away: Vec<(&'a str, &'a str, Option<UserId>)>,
}

impl Policy {
    pub fn parse(f: &PolicyForm<'_>) -> Result<Policy, Vec<PolicyError>> {
        let mut errors = Vec::new();
        let time_zone = f.time_zone.trim().parse::<Tz>().unwrap_or_else(|_| {
            errors.push(PolicyError::TimeZone(
                f.time_zone.chars().take(40).collect(),
            ));
            chrono_tz::UTC
        });
        let mut week = [None; 7];
        for (i, (opens, closes)) in f.week.iter().enumerate() {
            let day = WEEKDAYS[i];
            if opens.trim().is_empty() && closes.trim().is_empty() {
                continue;
            }
            let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
            match (t(opens), t(closes)) {
                (Some(o), Some(c)) if o < c => {
                    week[i] = Some(Hours {
                        opens: o,
                        closes: c,
                    })
                }
                (Some(_), Some(_)) => errors.push(PolicyError::Hours { day }),
                _ => errors.push(PolicyError::Time { day }),
            }
        }
        let reply_within_days = f
            .reply_within_days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=10).contains(d))
            .unwrap_or_else(|| {
                errors.push(PolicyError::ReplyDays);
                1
            });
        let max_length = f
            .max_length
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (MIN_LENGTH_LIMIT..=MAX_LENGTH_LIMIT).contains(n))
            .unwrap_or_else(|| {
                errors.push(PolicyError::MaxLength);
                DEFAULT_LENGTH_LIMIT
            });
        let mut away = Vec::new();
        for (from, until, covering) in &f.away {
            if from.trim().is_empty() && until.trim().is_empty() {
                continue;
            }
            let d = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
            match (d(from), d(until)) {
                (Some(from), Some(until)) if from <= until => away.push(Away {
                    from,
                    until,
                    covering: *covering,
                }),
                _ => errors.push(PolicyError::AwayOrder),
            }
        }
        if errors.is_empty() {
            Ok(Policy {
                offered: f.offered,
                time_zone,
                week,
                reply_within_days,
                max_length,
                away,
            })
        } else {
            Err(errors)
        }
    }

    /// The away period covering this moment (in the clinician's time zone), if any.
    pub fn away_at(&self, now: DateTime<Utc>) -> Option<&Away> {
        let today = now.with_timezone(&self.time_zone).date_naive();
        self.away
            .iter()
            .find(|a| a.from <= today && today <= a.until)
    }

    fn hours_on(&self, day: Weekday) -> Option<Hours> {
        self.week[day.num_days_from_monday() as usize]
    }

    /// Whether `now` falls within the clinician's hours.
    pub fn in_hours(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.time_zone);
        self.hours_on(local.weekday())
            .is_some_and(|h| h.opens <= local.time() && local.time() < h.closes)
    }

    /// The next moment the clinician's hours begin after `now` (within two weeks; days
    /// without hours are skipped; a clock change is resolved to the later instant).
    pub fn next_open(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&self.time_zone);
        for ahead in 0..15 {
            let date = local.date_naive() + Duration::days(ahead);
            let Some(h) = self.hours_on(date.weekday()) else {
                continue;
            };
            let start = self
                .time_zone
                .from_local_datetime(&date.and_time(h.opens))
                .latest()?
                .with_timezone(&Utc);
            if start > now {
                return Some(start);
            }
        }
        None
    }

    /// What a message arriving at `now` means for its reader.
    pub fn arrival(&self, now: DateTime<Utc>) -> Arrival {
        if let Some(a) = self.away_at(now) {
            return Arrival::Away {
                until: a.until,
                covering: a.covering,
            };
        }
        if self.in_hours(now) {
            return Arrival::InHours;
        }
        match self.next_open(now) {
            Some(next_open) => Arrival::OutOfHours { next_open },
            // No hours at all: the promise is the reply time alone.
            None => Arrival::InHours,
        }
    }

    /// Whether a message body is within the length limit (counted in characters).
    pub fn fits(&self, body: &str) -> bool {
        body.chars().count() <= self.max_length
    }
}

/// A time zone is stored by its IANA name.
mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|_| serde::de::Error::custom(format!("unknown time zone {name}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn weekday_hours_are_in_the_clinicians_time_zone() {
        let p = Policy::default();
        // Monday 2026-11-23, 14:00 UTC = 09:00 in New York: open.
        assert!(p.in_hours(utc("2026-11-23T14:00:00Z")));
        assert!(!p.in_hours(utc("2026-11-23T13:59:00Z")));
        // 17:00 New York = 22:00 UTC: closed.
        assert!(!p.in_hours(utc("2026-11-23T22:00:00Z")));
        // Saturday: closed, and the next opening is Monday 09:00 New York.
        assert_eq!(
            p.arrival(utc("2026-11-28T15:00:00Z")),
            Arrival::OutOfHours {
                next_open: utc("2026-11-30T14:00:00Z")
            }
        );
    }

    #[test]
    fn the_next_opening_follows_both_us_clock_changes() {
        let p = Policy::default();
        // Friday evening before the spring change (8 March 2026): Monday opens at 13:00 UTC.
        assert_eq!(
            p.next_open(utc("2026-03-06T23:00:00Z")),
            Some(utc("2026-03-09T13:00:00Z"))
        );
        // Friday evening before the autumn change (1 November 2026): Monday opens at 14:00 UTC.
        assert_eq!(
            p.next_open(utc("2026-10-30T22:00:00Z")),
            Some(utc("2026-11-02T14:00:00Z"))
        );
    }

    #[test]
    fn away_periods_name_the_covering_clinician() {
        let cover = UserId(uuid::Uuid::new_v4());
        let mut p = Policy::default();
        p.away.push(Away {
            from: "2026-12-21".parse().unwrap(),
            until: "2026-12-31".parse().unwrap(),
            covering: Some(cover),
        });
        assert_eq!(
            p.arrival(utc("2026-12-22T15:00:00Z")),
            Arrival::Away {
                until: "2026-12-31".parse().unwrap(),
                covering: Some(cover)
            }
        );
        assert_eq!(p.arrival(utc("2027-01-04T15:00:00Z")), Arrival::InHours);
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let mut f = PolicyForm {
            offered: true,
            time_zone: "Mars/Olympus",
            reply_within_days: "0",
            max_length: "50",
            ..PolicyForm::default()
        };
        f.week[0] = ("17:00", "09:00");
        f.week[1] = ("nine", "five");
        f.away.push(("2026-12-31", "2026-12-01", None));
        let errs = Policy::parse(&f).unwrap_err();
        let fields: Vec<_> = errs.iter().map(PolicyError::field).collect();
        assert_eq!(
            fields,
            vec![
                "time_zone",
                "hours",
                "hours",
                "reply_within_days",
                "max_length",
                "away"
            ]
        );
        let mut ok = PolicyForm {
            offered: false,
            time_zone: "America/Chicago",
            reply_within_days: "2",
            max_length: "1000",
            ..PolicyForm::default()
        };
        ok.week[2] = ("10:00", "14:00");
        let p = Policy::parse(&ok).unwrap();
        assert!(!p.offered);
        assert_eq!(p.week[2].unwrap().opens.to_string(), "10:00:00");
        assert!(p.fits(&"é".repeat(1000)));
        assert!(!p.fits(&"é".repeat(1001)));
    }
}
