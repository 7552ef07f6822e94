use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An email address, trimmed and lower-cased, checked once at the edge.
/// Deliberately modest: one `@`, a non-empty local part, a dotted domain, no spaces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("an email address is needed")]
    Empty,
    #[error("an email address can be up to 254 characters")]
    TooLong,
    #[error("this does not look like an email address (name@example.org)")]
    Malformed,
}

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Malformed)?;
        let ok = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
        if !ok {
            return Err(EmailError::Malformed);
        }
        Ok(Self(s.to_lowercase()))
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            "  Dana@Example.ORG ".parse::<Email>().unwrap().as_str(),
            "dana@example.org"
        );
        for bad in [
            "",
            "dana",
            "dana@",
            "@example.org",
            "dana@example",
            "da na@example.org",
            "a@b@c.org",
            "dana@.org",
        ] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?} should be refused");
        }
        assert_eq!(
            format!("{}@x.org", "a".repeat(260)).parse::<Email>(),
            Err(EmailError::TooLong)
        );
    }
}
