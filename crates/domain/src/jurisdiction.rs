use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a client is: an ISO 3166-2 subdivision code such as `US-MA` or `CA-ON`.
/// Standard 5: the service is delivered where the client is, so this is checked once and trusted after.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Jurisdiction(String);

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JurisdictionError {
    #[error("{0:?} is not an ISO 3166-2 code such as US-MA or CA-ON")]
    Malformed(String),
}

impl Jurisdiction {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The ISO 3166-1 country part, e.g. `US`.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

impl FromStr for Jurisdiction {
    type Err = JurisdictionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let up = s.trim().to_ascii_uppercase();
        let bad = || JurisdictionError::Malformed(s.chars().take(40).collect());
        let (country, sub) = up.split_once('-').ok_or_else(bad)?;
        let ok = country.len() == 2
            && country.chars().all(|c| c.is_ascii_uppercase())
            && (1..=3).contains(&sub.len())
            && sub.chars().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Self(up))
        } else {
            Err(bad())
        }
    }
}

impl TryFrom<String> for Jurisdiction {
    type Error = JurisdictionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Jurisdiction> for String {
    fn from(j: Jurisdiction) -> String {
        j.0
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_3166_2_codes_parse_and_others_do_not() {
        assert_eq!("us-ma".parse::<Jurisdiction>().unwrap().as_str(), "US-MA");
        assert_eq!("CA-ON".parse::<Jurisdiction>().unwrap().country(), "CA");
        for bad in ["", "MA", "USA-MA", "US-", "US-MASS", "U1-MA", "US_MA"] {
            assert!(
                bad.parse::<Jurisdiction>().is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
