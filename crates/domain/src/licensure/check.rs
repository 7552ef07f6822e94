//! `alcove licensure check --credentials FILE --location JUR [--at RFC3339]` (DESIGN.md).
//! The CLI reads the file and the clock; this function does the rest.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{may_practise, Credentials, CredentialsError, Registry};
use crate::Jurisdiction;

/// Bad input to a check, in one line that names what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("location: {0}")]
    Location(String),
    #[error("{0}")]
    Credentials(#[from] CredentialsError),
}

/// Decides a session with a client located in `location` at `at` and returns the contract's
/// object: `{"allowed":bool,"basis":{...}|null,"reason":"..."|null,"would_allow":"..."|null}`.
/// A denial is an answer, not an error; errors are bad input (the file, or a location that
/// is not an ISO 3166-2 code Alcove has data for).
pub fn check_json(
    credentials_json: &str,
    location: &str,
    at: DateTime<Utc>,
    registry: &Registry,
) -> Result<Value, CheckError> {
    let quoted = format!("{:?}", location.chars().take(40).collect::<String>());
    let client_at = Jurisdiction::from_str(location).map_err(|_| {
        CheckError::Location(format!(
            "{quoted} is not an ISO 3166-2 code such as US-MA or CA-ON"
        ))
    })?;
    if registry.jurisdiction(&client_at).is_none() {
        return Err(CheckError::Location(format!(
            "{quoted} is not a jurisdiction in Alcove's licensure data"
        )));
    }
    let creds = Credentials::parse(credentials_json, registry)?;
    Ok(may_practise(&creds, registry, &client_at, at).to_json())
}
