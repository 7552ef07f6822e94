//! How both backends store values, and how they read them back.
//!
//! Times are `BIGINT` unix milliseconds (UTC) and ids are UUIDs as text in both backends, so
//! one set of conversions serves both. Reading is where a corrupt or tampered row shows up:
//! every conversion here returns [`StoreError::Corrupt`] naming the table and column instead
//! of panicking, and never echoes more than a short prefix of the bad value.

use std::fmt::Display;
use std::str::FromStr;

use alcove_domain::{Email, Jurisdiction, Role};
use chrono::{DateTime, Utc};

use crate::{CareRole, SessionKind, StoreError};

/// The error for a value that does not read back as what was written.
pub fn corrupt(table: &'static str, column: &'static str, why: impl Display) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        why: why.to_string(),
    }
}

/// A time as stored: unix milliseconds. Sub-millisecond precision is dropped.
pub fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A time as it reads back after a round trip through the store.
pub fn to_millis_precision(t: DateTime<Utc>) -> DateTime<Utc> {
    // In range by construction: `t` came from a valid DateTime.
    DateTime::from_timestamp_millis(millis(t)).unwrap_or(t)
}

pub fn time(
    table: &'static str,
    column: &'static str,
    ms: i64,
) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| corrupt(table, column, format!("{ms} is not a time in milliseconds")))
}

pub fn opt_time(
    table: &'static str,
    column: &'static str,
    ms: Option<i64>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    ms.map(|ms| time(table, column, ms)).transpose()
}

/// Any of the domain's uuid newtypes (`UserId`, `ClientId`, ...).
pub fn id<T>(table: &'static str, column: &'static str, s: &str) -> Result<T, StoreError>
where
    T: FromStr<Err = uuid::Error>,
{
    s.parse()
        .map_err(|e| corrupt(table, column, format!("not a uuid ({e})")))
}

pub fn opt_id<T>(
    table: &'static str,
    column: &'static str,
    s: Option<&str>,
) -> Result<Option<T>, StoreError>
where
    T: FromStr<Err = uuid::Error>,
{
    s.map(|s| id(table, column, s)).transpose()
}

pub fn role(table: &'static str, column: &'static str, s: &str) -> Result<Role, StoreError> {
    s.parse().map_err(|e| corrupt(table, column, e))
}

pub fn email(table: &'static str, column: &'static str, s: &str) -> Result<Email, StoreError> {
    s.parse().map_err(|e| corrupt(table, column, e))
}

pub fn jurisdiction(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<Jurisdiction, StoreError> {
    s.parse().map_err(|e| corrupt(table, column, e))
}

pub fn session_kind(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<SessionKind, StoreError> {
    SessionKind::parse(s).ok_or_else(|| corrupt(table, column, unknown("session kind", s)))
}

pub fn care_role(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<CareRole, StoreError> {
    CareRole::parse(s).ok_or_else(|| corrupt(table, column, unknown("care-team role", s)))
}

/// A count or limit that must fit the trait's unsigned type.
pub fn count_u32(table: &'static str, column: &'static str, n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| corrupt(table, column, format!("{n} is not a count")))
}

fn unknown(what: &str, s: &str) -> String {
    format!(
        "unknown {what} {:?}",
        s.chars().take(40).collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alcove_domain::UserId;
    use chrono::TimeZone;

    #[test]
    fn times_round_trip_at_millisecond_precision() {
        let t = Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
            + chrono::Duration::microseconds(1_234_567);
        let back = time("t", "c", millis(t)).unwrap();
        assert_eq!(back, to_millis_precision(t));
        assert_eq!(back.timestamp_subsec_millis(), 234);
        assert!(matches!(
            time("t", "c", i64::MAX),
            Err(StoreError::Corrupt {
                table: "t",
                column: "c",
                ..
            })
        ));
    }

    #[test]
    fn unreadable_values_are_corrupt_and_name_table_and_column() {
        let e = id::<UserId>("users", "id", "not-a-uuid").unwrap_err();
        assert!(matches!(
            e,
            StoreError::Corrupt {
                table: "users",
                column: "id",
                ..
            }
        ));
        assert!(role("users", "role", "root").is_err());
        assert!(email("users", "email", "nobody").is_err());
        assert!(jurisdiction("clients", "home_jurisdiction", "Mars").is_err());
        assert!(session_kind("sessions", "kind", "telnet").is_err());
        assert!(care_role("care_team", "role", "friend").is_err());
        assert!(count_u32("recovery_codes", "count", -1).is_err());
        let long = "x".repeat(1000);
        let e = care_role("care_team", "role", &long).unwrap_err();
        assert!(
            e.to_string().len() < 200,
            "the bad value is not echoed whole"
        );
    }
}
