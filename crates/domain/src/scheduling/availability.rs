//! A clinician's bookable hours: a weekly pattern and dated exceptions, in their time zone.

use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::communication::WEEKDAYS;

/// One stretch of bookable time on a day, on the clinician's wall clock. A window does not
/// cross midnight: late evenings are split at 24:00 by the clinician if ever needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Window {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A day's windows, sorted and not overlapping (an empty list is a day off).
pub type DayHours = Vec<Window>;

/// A date whose hours differ from the weekly pattern (a holiday: no windows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub date: NaiveDate,
    pub hours: DayHours,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    #[serde(with = "tz_name")]
    pub time_zone: Tz,
    /// Monday first.
    pub week: [DayHours; 7],
    #[serde(default)]
    pub exceptions: Vec<Exception>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvailabilityError {
    #[error("time_zone: {0} is not a time zone name such as America/New_York")]
    TimeZone(String),
    #[error("{field}: {text} is not a list of times such as 09:00-12:00, 13:00-17:00")]
    Syntax { field: String, text: String },
    #[error("{field}: a window ends before it starts")]
    Order { field: String },
    #[error("{field}: two windows overlap")]
    Overlap { field: String },
    #[error("exceptions: {0} is not a date such as 2026-12-24")]
    Date(String),
    #[error("exceptions: {0} is listed twice")]
    DuplicateDate(NaiveDate),
}

impl AvailabilityError {
    /// The form field the error belongs to.
    pub fn field(&self) -> String {
        match self {
            AvailabilityError::TimeZone(_) => "time_zone".into(),
            AvailabilityError::Syntax { field, .. }
            | AvailabilityError::Order { field }
            | AvailabilityError::Overlap { field } => field.clone(),
            AvailabilityError::Date(_) | AvailabilityError::DuplicateDate(_) => "exceptions".into(),
        }
    }
}

/// Parses "09:00-12:00, 13:00-17:00" (empty: no hours). `field` names the input in errors.
pub fn parse_day(field: &str, text: &str) -> Result<DayHours, AvailabilityError> {
    let mut hours = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let syntax = || AvailabilityError::Syntax {
            field: field.to_owned(),
            text: text.chars().take(60).collect(),
        };
        let (a, b) = part.split_once('-').ok_or_else(syntax)?;
        let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| syntax());
        let (start, end) = (t(a)?, t(b)?);
        if start >= end {
            return Err(AvailabilityError::Order {
                field: field.to_owned(),
            });
        }
        hours.push(Window { start, end });
    }
    hours.sort();
    if hours.windows(2).any(|w| w[0].end > w[1].start) {
        return Err(AvailabilityError::Overlap {
            field: field.to_owned(),
        });
    }
    Ok(hours)
}

/// Writes a day's hours back in the form [`parse_day`] reads.
pub fn format_day(hours: &[Window]) -> String {
    hours
        .iter()
        .map(|w| format!("{}-{}", w.start.format("%H:%M"), w.end.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Availability {
    /// Reads the availability form: a time zone, seven day fields (Monday first) and
    /// exception lines "2026-12-24: " (closed) or "2026-12-24: 09:00-12:00". Every error
    /// is returned, each naming its field.
    pub fn parse(
        time_zone: &str,
        week: [&str; 7],
        exceptions: &str,
    ) -> Result<Availability, Vec<AvailabilityError>> {
        let mut errors = Vec::new();
        let tz = time_zone.trim().parse::<Tz>().unwrap_or_else(|_| {
            errors.push(AvailabilityError::TimeZone(
                time_zone.chars().take(40).collect(),
            ));
            chrono_tz::UTC
        });
        let mut days: [DayHours; 7] = Default::default();
        for (i, text) in week.iter().enumerate() {
            match parse_day(WEEKDAYS[i], text) {
                Ok(h) => days[i] = h,
                Err(e) => errors.push(e),
            }
        }
        let mut list: Vec<Exception> = Vec::new();
        for line in exceptions.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (date, hours) = line.split_once(':').unwrap_or((line, ""));
            let Ok(date) = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") else {
                errors.push(AvailabilityError::Date(date.chars().take(20).collect()));
                continue;
            };
            if list.iter().any(|e| e.date == date) {
                errors.push(AvailabilityError::DuplicateDate(date));
                continue;
            }
            match parse_day("exceptions", hours) {
                Ok(hours) => list.push(Exception { date, hours }),
                Err(e) => errors.push(e),
            }
        }
        list.sort_by_key(|e| e.date);
        if errors.is_empty() {
            Ok(Availability {
                time_zone: tz,
                week: days,
                exceptions: list,
            })
        } else {
            Err(errors)
        }
    }

    /// The windows on a date of the clinician's calendar: the exception if there is one.
    pub fn windows_on(&self, date: NaiveDate) -> &[Window] {
        match self.exceptions.iter().find(|e| e.date == date) {
            Some(e) => &e.hours,
            None => &self.week[date.weekday().num_days_from_monday() as usize],
        }
    }
}

mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEK: [&str; 7] = [
        "09:00-12:00, 13:00-17:00",
        "09:00-17:00",
        "",
        "09:00-17:00",
        "09:00-13:00",
        "",
        "",
    ];

    #[test]
    fn a_week_and_its_exceptions_read_back_as_written() {
        let a = Availability::parse(
            "America/Chicago",
            WEEK,
            "2026-12-24:\n2026-12-28: 10:00-11:00",
        )
        .expect("valid");
        assert_eq!(a.time_zone, chrono_tz::America::Chicago);
        assert_eq!(format_day(&a.week[0]), "09:00-12:00, 13:00-17:00");
        assert!(a.week[2].is_empty());
        let christmas_eve = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        assert!(
            a.windows_on(christmas_eve).is_empty(),
            "a Thursday made a day off"
        );
        let monday = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        assert_eq!(format_day(a.windows_on(monday)), "10:00-11:00");
        let next_monday = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(a.windows_on(next_monday), a.week[0].as_slice());
    }

    #[test]
    fn every_mistake_is_reported_with_its_field() {
        let errors = Availability::parse(
            "Mars/Olympus",
            [
                "17:00-09:00",
                "9-5",
                "",
                "09:00-12:00, 11:00-13:00",
                "",
                "",
                "",
            ],
            "2026-13-01: 09:00-10:00\n2026-12-24:\n2026-12-24: 09:00-10:00",
        )
        .expect_err("invalid");
        let fields: Vec<String> = errors.iter().map(AvailabilityError::field).collect();
        assert_eq!(
            fields,
            [
                "time_zone",
                "monday",
                "tuesday",
                "thursday",
                "exceptions",
                "exceptions"
            ]
        );
        assert!(errors[2].to_string().contains("9-5"), "{}", errors[2]);
    }

    #[test]
    fn it_stores_as_json_with_the_zone_by_name() {
        let a = Availability::parse("Europe/Madrid", WEEK, "").unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"Europe/Madrid\""));
        assert_eq!(serde_json::from_str::<Availability>(&json).unwrap(), a);
    }
}
