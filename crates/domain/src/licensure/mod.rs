//! The licensure engine: may this clinician see a client who is *here*, *now*?
//!
//! NASW/ASWB Standard 5 (seed 003): the service is delivered where the client is at the
//! time of the session, so a session needs a credential that covers the client's
//! jurisdiction, for the clinician's profession, on the session date in that jurisdiction.
//!
//! - [`Credentials::parse`] reads the credentials file of DESIGN.md ("Credentials file") and
//!   refuses anything it does not understand, naming the field.
//! - [`Registry`] is the repository data (`data/licensure/`): compact membership with
//!   effective dates, whether each compact is issuing, board verification links and time zones.
//! - [`may_practise`] decides; [`covered_jurisdictions`] lists where a clinician can see
//!   clients; [`check_json`] is the `alcove licensure check` contract.
//! - [`reminders`] says which expiry reminders (60, 30, 7 days ahead) are due, each with a
//!   stable key so it is sent once, and which credentials have lapsed.
//!
//! No I/O and no clock: the session instant is passed in.

mod check;
mod decision;
mod parse;
mod registry;
pub mod reminders;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::Jurisdiction;

pub use check::{check_json, CheckError};
pub use decision::{
    covered_jurisdictions, may_practise, may_practise_on, Basis, Decision, NearMiss, Problem,
    Reason, Route, WouldAllow,
};
pub use parse::CredentialsError;
pub use registry::{Board, CompactInfo, DataError, JurisdictionInfo, Membership, Registry};

/// A word outside the contract's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{word:?} is not one of {}", expected.join(", "))]
pub struct VocabularyError {
    pub word: String,
    pub expected: &'static [&'static str],
}

fn vocabulary_error(word: &str, expected: &'static [&'static str]) -> VocabularyError {
    VocabularyError {
        word: word.chars().take(40).collect(),
        expected,
    }
}

/// The regulated professions Alcove serves (DESIGN.md vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    SocialWork,
    Counseling,
    Psychology,
    MarriageFamilyTherapy,
}

impl Profession {
    pub const ALL: [Profession; 4] = [
        Profession::SocialWork,
        Profession::Counseling,
        Profession::Psychology,
        Profession::MarriageFamilyTherapy,
    ];
    const WORDS: &'static [&'static str] = &[
        "social_work",
        "counseling",
        "psychology",
        "marriage_family_therapy",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profession::SocialWork => "social_work",
            Profession::Counseling => "counseling",
            Profession::Psychology => "psychology",
            Profession::MarriageFamilyTherapy => "marriage_family_therapy",
        }
    }

    /// The profession in plain words, for sentences.
    pub fn words(self) -> &'static str {
        match self {
            Profession::SocialWork => "social work",
            Profession::Counseling => "counseling",
            Profession::Psychology => "psychology",
            Profession::MarriageFamilyTherapy => "marriage and family therapy",
        }
    }
}

impl FromStr for Profession {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profession::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| vocabulary_error(s, Profession::WORDS))
    }
}

impl fmt::Display for Profession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The interstate compacts the contract names. Which jurisdictions belong, from when,
/// and whether a compact is issuing yet, is data ([`Registry`]), not code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compact {
    Counseling,
    Psypact,
    SocialWork,
}

impl Compact {
    pub const ALL: [Compact; 3] = [Compact::Counseling, Compact::Psypact, Compact::SocialWork];
    const WORDS: &'static [&'static str] = &["counseling", "psypact", "social_work"];

    pub fn as_str(self) -> &'static str {
        match self {
            Compact::Counseling => "counseling",
            Compact::Psypact => "psypact",
            Compact::SocialWork => "social_work",
        }
    }
}

impl FromStr for Compact {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Compact::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| vocabulary_error(s, Compact::WORDS))
    }
}

impl fmt::Display for Compact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `kind` of a credential in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    License,
    CompactPrivilege,
    CompactAuthorization,
    TemporaryPermit,
}

impl CredentialKind {
    pub const ALL: [CredentialKind; 4] = [
        CredentialKind::License,
        CredentialKind::CompactPrivilege,
        CredentialKind::CompactAuthorization,
        CredentialKind::TemporaryPermit,
    ];
    const WORDS: &'static [&'static str] = &[
        "license",
        "compact_privilege",
        "compact_authorization",
        "temporary_permit",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::License => "license",
            CredentialKind::CompactPrivilege => "compact_privilege",
            CredentialKind::CompactAuthorization => "compact_authorization",
            CredentialKind::TemporaryPermit => "temporary_permit",
        }
    }
}

impl FromStr for CredentialKind {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CredentialKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| vocabulary_error(s, CredentialKind::WORDS))
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a credential grants, and where.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Grant {
    /// A licence issued by `jurisdiction`.
    License { jurisdiction: Jurisdiction },
    /// A compact privilege to practise in one member jurisdiction.
    CompactPrivilege {
        compact: Compact,
        jurisdiction: Jurisdiction,
    },
    /// A compact authorisation held through a licence in `home`, covering the other member
    /// jurisdictions (PSYPACT's APIT for telepsychology).
    CompactAuthorization {
        compact: Compact,
        home: Jurisdiction,
    },
    /// A temporary or continuity-of-care permit issued by `jurisdiction`, valid from `starts`.
    TemporaryPermit {
        jurisdiction: Jurisdiction,
        starts: NaiveDate,
    },
}

impl Grant {
    pub fn kind(&self) -> CredentialKind {
        match self {
            Grant::License { .. } => CredentialKind::License,
            Grant::CompactPrivilege { .. } => CredentialKind::CompactPrivilege,
            Grant::CompactAuthorization { .. } => CredentialKind::CompactAuthorization,
            Grant::TemporaryPermit { .. } => CredentialKind::TemporaryPermit,
        }
    }

    pub fn compact(&self) -> Option<Compact> {
        match self {
            Grant::CompactPrivilege { compact, .. }
            | Grant::CompactAuthorization { compact, .. } => Some(*compact),
            _ => None,
        }
    }
}

/// One entry of the credentials file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Credential {
    pub grant: Grant,
    /// Valid through the whole of this day in the client's jurisdiction.
    pub expires: NaiveDate,
    /// The profession this credential is for, when it differs from the file's (an addition
    /// to the contract for clinicians with more than one profession); `None`: the file's.
    pub profession: Option<Profession>,
    pub title: Option<String>,
    pub number: Option<String>,
}

impl Credential {
    pub fn kind(&self) -> CredentialKind {
        self.grant.kind()
    }

    /// The credential in the file's shape.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), json!(self.kind().as_str()));
        match &self.grant {
            Grant::License { jurisdiction } => {
                m.insert("jurisdiction".into(), json!(jurisdiction.as_str()));
            }
            Grant::CompactPrivilege {
                compact,
                jurisdiction,
            } => {
                m.insert("compact".into(), json!(compact.as_str()));
                m.insert("jurisdiction".into(), json!(jurisdiction.as_str()));
            }
            Grant::CompactAuthorization { compact, home } => {
                m.insert("compact".into(), json!(compact.as_str()));
                m.insert("home".into(), json!(home.as_str()));
            }
            Grant::TemporaryPermit {
                jurisdiction,
                starts,
            } => {
                m.insert("jurisdiction".into(), json!(jurisdiction.as_str()));
                m.insert("starts".into(), json!(starts.to_string()));
            }
        }
        m.insert("expires".into(), json!(self.expires.to_string()));
        if let Some(p) = self.profession {
            m.insert("profession".into(), json!(p.as_str()));
        }
        if let Some(t) = &self.title {
            m.insert("title".into(), json!(t));
        }
        if let Some(n) = &self.number {
            m.insert("number".into(), json!(n));
        }
        Value::Object(m)
    }
}

/// A clinician's credentials file: the profession they practise and what they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    profession: Profession,
    credentials: Vec<Credential>,
}

impl Credentials {
    /// Parses the credentials file (DESIGN.md, "Credentials file"). Jurisdictions must be
    /// ones the registry has data for; every problem names its field, e.g.
    /// `credentials[2].expires: "2027-13-01" is not a date (YYYY-MM-DD)`.
    pub fn parse(json: &str, registry: &Registry) -> Result<Credentials, CredentialsError> {
        parse::parse(json, registry)
    }

    /// Builds a set directly (e.g. from the credentials register).
    pub fn new(profession: Profession, credentials: Vec<Credential>) -> Credentials {
        Credentials {
            profession,
            credentials,
        }
    }

    pub fn profession(&self) -> Profession {
        self.profession
    }

    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// The file's shape, which [`Credentials::parse`] reads back.
    pub fn to_json(&self) -> Value {
        json!({
            "profession": self.profession.as_str(),
            "credentials": self.credentials.iter().map(Credential::to_json).collect::<Vec<_>>(),
        })
    }
}

/// A strict `YYYY-MM-DD` date (no single-digit months, no times, no spaces).
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_written_yyyy_mm_dd() {
        assert_eq!(
            parse_date("2027-06-30"),
            NaiveDate::from_ymd_opt(2027, 6, 30)
        );
        for bad in [
            "2027-6-30",
            "2027-13-01",
            "2027-02-30",
            "27-06-30",
            "2027/06/30",
            " 2027-06-30",
            "2027-06-30T00:00",
            "",
            "２０２７-06-30",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?} should be refused");
        }
    }

    #[test]
    fn vocabulary_words_round_trip() {
        for p in Profession::ALL {
            assert_eq!(p.as_str().parse::<Profession>(), Ok(p));
        }
        for c in Compact::ALL {
            assert_eq!(c.as_str().parse::<Compact>(), Ok(c));
        }
        for k in CredentialKind::ALL {
            assert_eq!(k.as_str().parse::<CredentialKind>(), Ok(k));
        }
        assert_eq!(
            "nursing".parse::<Profession>().unwrap_err().to_string(),
            "\"nursing\" is not one of social_work, counseling, psychology, marriage_family_therapy"
        );
    }
}
