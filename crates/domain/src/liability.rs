//! Professional liability cover, kept in the credentials register beside the licences.
//!
//! Seed 000 (providing services): "Discuss your professional liability coverage for
//! Internet-based psycho-therapy with your professional liability agency." Two things decide
//! whether a policy answers for online work: whether it covers telehealth at all (many
//! policies neither include nor exclude it, which is the question to take to the agency), and
//! whether it covers the places the clinician practises — and online, the service is delivered
//! where the client is (Standard 5), so every jurisdiction the clinician is licensed in.
//!
//! - [`LiabilityCover::parse`] reads the register's form and names every field at fault.
//! - [`LiabilityCover::warnings`] says what to take up with the insurer.
//! - [`LiabilityCover::reminder_to_send`] and [`LiabilityCover::lapsed_days`] give the expiry
//!   reminders (the credentials' 60/30/7 days) with stable keys, so each is sent once.
//!
//! No I/O and no clock: `today` (or the instant) is passed in.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ce::TextError;
use crate::licensure::reminders::{due_threshold, escape};
use crate::licensure::{parse_date, Credentials, Grant, Registry, VocabularyError};
use crate::Jurisdiction;

/// Longest insurer name accepted.
pub const MAX_INSURER: usize = 200;
/// Longest policy number accepted.
pub const MAX_POLICY_NUMBER: usize = 100;
/// Longest limit accepted ("$1,000,000 per claim").
pub const MAX_LIMIT: usize = 100;
/// Most jurisdictions one policy may list (the US states and territories, the Canadian
/// provinces and territories, and room to spare).
pub const MAX_JURISDICTIONS: usize = 100;

/// Whether the policy covers services delivered by telehealth (video, phone, messaging).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TelehealthCover {
    /// The policy says so in writing.
    Yes,
    /// The policy excludes it.
    No,
    /// The policy does not say: ask the agency (the seed's advice).
    NotStated,
}

impl TelehealthCover {
    pub const ALL: [TelehealthCover; 3] = [
        TelehealthCover::Yes,
        TelehealthCover::No,
        TelehealthCover::NotStated,
    ];
    const WORDS: &'static [&'static str] = &["yes", "no", "not_stated"];

    pub fn as_str(self) -> &'static str {
        match self {
            TelehealthCover::Yes => "yes",
            TelehealthCover::No => "no",
            TelehealthCover::NotStated => "not_stated",
        }
    }
}

impl FromStr for TelehealthCover {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TelehealthCover::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| VocabularyError {
                word: s.chars().take(40).collect(),
                expected: TelehealthCover::WORDS,
            })
    }
}

impl fmt::Display for TelehealthCover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The register's form as a browser sends it: every field a string, untrusted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverForm<'a> {
    pub insurer: &'a str,
    pub policy_number: &'a str,
    /// `yes`, `no` or `not_stated`.
    pub telehealth: &'a str,
    /// ISO 3166-2 codes separated by commas, spaces or line breaks: `US-MA, US-NY`.
    pub jurisdictions: &'a str,
    /// Optional, as the policy words it.
    pub per_claim_limit: &'a str,
    /// Optional, as the policy words it.
    pub aggregate_limit: &'a str,
    /// `YYYY-MM-DD`.
    pub starts: &'a str,
    /// `YYYY-MM-DD`: the policy is in force through the whole of this day.
    pub expires: &'a str,
}

/// A problem with the list of covered jurisdictions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JurisdictionsError {
    #[error("list at least one jurisdiction the policy covers")]
    Empty,
    #[error("not ISO 3166-2 codes such as US-MA or CA-ON: {}", .0.join(", "))]
    NotCodes(Vec<String>),
    #[error("at most {max} jurisdictions")]
    TooMany { max: usize },
}

/// A problem with one of the policy's dates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverDateError {
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    NotADate(String),
    #[error("{expires} is before the policy starts ({starts})")]
    BeforeStart {
        starts: NaiveDate,
        expires: NaiveDate,
    },
}

/// Why a cover was refused; each variant is the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoverError {
    #[error("insurer: {0}")]
    Insurer(TextError),
    #[error("policy_number: {0}")]
    PolicyNumber(TextError),
    #[error("telehealth: {0}")]
    Telehealth(VocabularyError),
    #[error("jurisdictions: {0}")]
    Jurisdictions(JurisdictionsError),
    #[error("per_claim_limit: {0}")]
    PerClaimLimit(TextError),
    #[error("aggregate_limit: {0}")]
    AggregateLimit(TextError),
    #[error("starts: {0}")]
    Starts(CoverDateError),
    #[error("expires: {0}")]
    Expires(CoverDateError),
}

impl CoverError {
    /// The form field at fault, so a page can put the message next to it.
    pub fn field(&self) -> &'static str {
        match self {
            CoverError::Insurer(_) => "insurer",
            CoverError::PolicyNumber(_) => "policy_number",
            CoverError::Telehealth(_) => "telehealth",
            CoverError::Jurisdictions(_) => "jurisdictions",
            CoverError::PerClaimLimit(_) => "per_claim_limit",
            CoverError::AggregateLimit(_) => "aggregate_limit",
            CoverError::Starts(_) => "starts",
            CoverError::Expires(_) => "expires",
        }
    }
}

/// Every problem of one form, in form order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverErrors(pub Vec<CoverError>);

impl fmt::Display for CoverErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("; "))
    }
}

impl std::error::Error for CoverErrors {}

/// A professional liability policy as the clinician recorded it. Only
/// [`LiabilityCover::parse`] makes one (stored ones are read back through it too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CoverRecord", into = "CoverRecord")]
pub struct LiabilityCover {
    insurer: String,
    policy_number: String,
    telehealth: TelehealthCover,
    /// Sorted, each once.
    jurisdictions: Vec<Jurisdiction>,
    per_claim_limit: Option<String>,
    aggregate_limit: Option<String>,
    starts: NaiveDate,
    expires: NaiveDate,
}

/// The stored shape: plain JSON, read back through the same checks as the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct CoverRecord {
    insurer: String,
    policy_number: String,
    telehealth: String,
    jurisdictions: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    per_claim_limit: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    aggregate_limit: String,
    starts: String,
    expires: String,
}

impl From<LiabilityCover> for CoverRecord {
    fn from(c: LiabilityCover) -> Self {
        CoverRecord {
            insurer: c.insurer,
            policy_number: c.policy_number,
            telehealth: c.telehealth.as_str().to_owned(),
            jurisdictions: c.jurisdictions.into_iter().map(String::from).collect(),
            per_claim_limit: c.per_claim_limit.unwrap_or_default(),
            aggregate_limit: c.aggregate_limit.unwrap_or_default(),
            starts: c.starts.to_string(),
            expires: c.expires.to_string(),
        }
    }
}

impl TryFrom<CoverRecord> for LiabilityCover {
    type Error = CoverErrors;
    fn try_from(r: CoverRecord) -> Result<Self, Self::Error> {
        let jurisdictions = r.jurisdictions.join(" ");
        LiabilityCover::parse(&CoverForm {
            insurer: &r.insurer,
            policy_number: &r.policy_number,
            telehealth: &r.telehealth,
            jurisdictions: &jurisdictions,
            per_claim_limit: &r.per_claim_limit,
            aggregate_limit: &r.aggregate_limit,
            starts: &r.starts,
            expires: &r.expires,
        })
        .map_err(CoverErrors)
    }
}

/// What the clinician should take up with the insurer (or the register).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverWarning {
    /// The policy excludes telehealth: online sessions are not covered.
    TelehealthExcluded,
    /// The policy does not say whether telehealth is covered: ask the agency in writing.
    TelehealthNotStated,
    /// The clinician holds a current credential here, and the policy does not list it: a
    /// client located there is outside the cover.
    JurisdictionNotCovered(Jurisdiction),
    /// The policy has not started yet.
    NotYetInForce { starts: NaiveDate },
    /// The policy's last day has passed.
    Lapsed { expires: NaiveDate },
}

/// Where the policy stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverStatus {
    NotYetInForce {
        starts: NaiveDate,
    },
    /// In force; `days_left` is 0 on the expiry day itself.
    InForce {
        days_left: i64,
    },
    /// `days_ago` is 1 on the day after the expiry day.
    Lapsed {
        days_ago: i64,
    },
}

/// A reminder that the policy expires soon (at 60, 30 or 7 days, as for credentials).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverReminder {
    pub threshold_days: u32,
    /// `expires - today`: 0 on the expiry day itself.
    pub days_left: i64,
    /// `{cover key}|{expires}|{threshold}`: a renewed policy (a new expiry) gets new keys.
    pub key: String,
}

impl LiabilityCover {
    /// Checks the register's form. Every field is checked and every problem returned, in
    /// form order, so the page can name each one next to its field.
    pub fn parse(form: &CoverForm<'_>) -> Result<LiabilityCover, Vec<CoverError>> {
        let mut errors = Vec::new();
        let insurer = required(form.insurer, MAX_INSURER)
            .map_err(|e| errors.push(CoverError::Insurer(e)))
            .ok();
        let policy_number = required(form.policy_number, MAX_POLICY_NUMBER)
            .map_err(|e| errors.push(CoverError::PolicyNumber(e)))
            .ok();
        let telehealth = form
            .telehealth
            .trim()
            .parse::<TelehealthCover>()
            .map_err(|e| errors.push(CoverError::Telehealth(e)))
            .ok();
        let jurisdictions = jurisdiction_list(form.jurisdictions)
            .map_err(|e| errors.push(CoverError::Jurisdictions(e)))
            .ok();
        let per_claim_limit = line(form.per_claim_limit, MAX_LIMIT)
            .map_err(|e| errors.push(CoverError::PerClaimLimit(e)))
            .ok();
        let aggregate_limit = line(form.aggregate_limit, MAX_LIMIT)
            .map_err(|e| errors.push(CoverError::AggregateLimit(e)))
            .ok();
        let starts = date(form.starts)
            .map_err(|e| errors.push(CoverError::Starts(e)))
            .ok();
        let expires = date(form.expires)
            .map_err(|e| errors.push(CoverError::Expires(e)))
            .ok();
        if let (Some(starts), Some(expires)) = (starts, expires) {
            if expires < starts {
                errors.push(CoverError::Expires(CoverDateError::BeforeStart {
                    starts,
                    expires,
                }));
            }
        }
        match (
            insurer,
            policy_number,
            telehealth,
            jurisdictions,
            per_claim_limit,
            aggregate_limit,
            starts,
            expires,
        ) {
            (
                Some(insurer),
                Some(policy_number),
                Some(telehealth),
                Some(jurisdictions),
                Some(per_claim_limit),
                Some(aggregate_limit),
                Some(starts),
                Some(expires),
            ) if errors.is_empty() => Ok(LiabilityCover {
                insurer,
                policy_number,
                telehealth,
                jurisdictions,
                per_claim_limit,
                aggregate_limit,
                starts,
                expires,
            }),
            _ => Err(errors),
        }
    }

    pub fn insurer(&self) -> &str {
        &self.insurer
    }

    pub fn policy_number(&self) -> &str {
        &self.policy_number
    }

    pub fn telehealth(&self) -> TelehealthCover {
        self.telehealth
    }

    /// The jurisdictions the policy covers, sorted.
    pub fn jurisdictions(&self) -> &[Jurisdiction] {
        &self.jurisdictions
    }

    pub fn covers(&self, j: &Jurisdiction) -> bool {
        self.jurisdictions.binary_search(j).is_ok()
    }

    pub fn per_claim_limit(&self) -> Option<&str> {
        self.per_claim_limit.as_deref()
    }

    pub fn aggregate_limit(&self) -> Option<&str> {
        self.aggregate_limit.as_deref()
    }

    pub fn starts(&self) -> NaiveDate {
        self.starts
    }

    pub fn expires(&self) -> NaiveDate {
        self.expires
    }

    /// The policy's date at `now`: the earliest calendar date among the places it covers. A
    /// policy is in force through the whole of its expiry day, and UTC's day begins while it
    /// is still the evening before in the US; nobody is told their cover lapsed hours early.
    pub fn today(&self, registry: &Registry, now: DateTime<Utc>) -> NaiveDate {
        self.jurisdictions
            .iter()
            .map(|j| registry.session_date(j, now))
            .min()
            .unwrap_or_else(|| now.date_naive())
    }

    pub fn status(&self, today: NaiveDate) -> CoverStatus {
        if today < self.starts {
            CoverStatus::NotYetInForce {
                starts: self.starts,
            }
        } else if today <= self.expires {
            CoverStatus::InForce {
                days_left: (self.expires - today).num_days(),
            }
        } else {
            CoverStatus::Lapsed {
                days_ago: (today - self.expires).num_days(),
            }
        }
    }

    /// Seed 000: what to take up with the insurer. `licensed_in` are the places the clinician
    /// may practise today (see [`licensed_jurisdictions`]); each one the policy does not list
    /// is a warning, because online the service is delivered where the client is.
    pub fn warnings(&self, licensed_in: &[Jurisdiction], today: NaiveDate) -> Vec<CoverWarning> {
        let mut out = Vec::new();
        match self.status(today) {
            CoverStatus::Lapsed { .. } => out.push(CoverWarning::Lapsed {
                expires: self.expires,
            }),
            CoverStatus::NotYetInForce { starts } => {
                out.push(CoverWarning::NotYetInForce { starts });
            }
            CoverStatus::InForce { .. } => {}
        }
        match self.telehealth {
            TelehealthCover::Yes => {}
            TelehealthCover::No => out.push(CoverWarning::TelehealthExcluded),
            TelehealthCover::NotStated => out.push(CoverWarning::TelehealthNotStated),
        }
        let mut missing: Vec<&Jurisdiction> =
            licensed_in.iter().filter(|j| !self.covers(j)).collect();
        missing.sort();
        missing.dedup();
        out.extend(
            missing
                .into_iter()
                .map(|j| CoverWarning::JurisdictionNotCovered(j.clone())),
        );
        out
    }

    /// A stable name for the policy: `liability:{insurer}:{policy number}`, free text escaped
    /// so it cannot forge a separator.
    pub fn key(&self) -> String {
        format!(
            "liability:{}:{}",
            escape(&self.insurer),
            escape(&self.policy_number)
        )
    }

    fn reminder_key(&self, threshold_days: u32) -> String {
        format!("{}|{}|{threshold_days}", self.key(), self.expires)
    }

    /// The key of the "cover lapsed" notice for this policy and expiry.
    pub fn lapsed_key(&self) -> String {
        format!("liability-lapsed|{}|{}", self.key(), self.expires)
    }

    /// The reminder due on `today`: the nearest of the 60/30/7-day thresholds, while the
    /// policy is still in force.
    pub fn reminder_due(&self, today: NaiveDate) -> Option<CoverReminder> {
        let (threshold_days, days_left) = due_threshold(self.expires, today)?;
        Some(CoverReminder {
            threshold_days,
            days_left,
            key: self.reminder_key(threshold_days),
        })
    }

    /// [`LiabilityCover::reminder_due`] unless it (or a nearer threshold for the same expiry)
    /// was already sent: `sent` answers whether a key was recorded. A clock set back never
    /// brings an older reminder after a newer one.
    pub fn reminder_to_send(
        &self,
        today: NaiveDate,
        sent: impl Fn(&str) -> bool,
    ) -> Option<CoverReminder> {
        let r = self.reminder_due(today)?;
        let already = crate::licensure::reminders::THRESHOLDS
            .iter()
            .filter(|&&t| t <= r.threshold_days)
            .any(|&t| sent(&self.reminder_key(t)));
        (!already).then_some(r)
    }

    /// Days since the policy lapsed, when that is within `within_days` (1 = yesterday only).
    pub fn lapsed_days(&self, today: NaiveDate, within_days: u32) -> Option<i64> {
        let days_ago = (today - self.expires).num_days();
        (1..=i64::from(within_days))
            .contains(&days_ago)
            .then_some(days_ago)
    }
}

/// The places a clinician may practise on `today`, from the credentials register: each
/// current licence, compact privilege and temporary permit where it applies, and a compact
/// authorisation's home state. (A compact authorisation also reaches every member state;
/// those are not listed here, because a policy that names "the United States" is recorded
/// state by state and would otherwise warn about dozens of states the clinician may never
/// serve. The home state, where the authorisation is held, is.) Sorted, each once.
pub fn licensed_jurisdictions(creds: &Credentials, today: NaiveDate) -> Vec<Jurisdiction> {
    let mut out: Vec<Jurisdiction> = creds
        .credentials()
        .iter()
        .filter(|c| c.expires >= today)
        .filter_map(|c| match &c.grant {
            Grant::License { jurisdiction } | Grant::CompactPrivilege { jurisdiction, .. } => {
                Some(jurisdiction.clone())
            }
            Grant::TemporaryPermit {
                jurisdiction,
                starts,
            } => (*starts <= today).then(|| jurisdiction.clone()),
            Grant::CompactAuthorization { home, .. } => Some(home.clone()),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// One line of text, trimmed; empty when blank.
fn line(s: &str, max: usize) -> Result<Option<String>, TextError> {
    let t = s.trim();
    if t.chars().any(char::is_control) {
        return Err(TextError::ControlCharacters);
    }
    if t.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

fn required(s: &str, max: usize) -> Result<String, TextError> {
    line(s, max)?.ok_or(TextError::Empty)
}

fn date(s: &str) -> Result<NaiveDate, CoverDateError> {
    let t = s.trim();
    parse_date(t).ok_or_else(|| CoverDateError::NotADate(t.chars().take(40).collect()))
}

fn jurisdiction_list(s: &str) -> Result<Vec<Jurisdiction>, JurisdictionsError> {
    let words: Vec<&str> = s
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err(JurisdictionsError::Empty);
    }
    let mut bad = Vec::new();
    let mut out = Vec::new();
    for w in &words {
        match w.parse::<Jurisdiction>() {
            Ok(j) => out.push(j),
            Err(_) => {
                let w: String = w.chars().take(40).collect();
                if !bad.contains(&w) {
                    bad.push(w);
                }
            }
        }
    }
    if !bad.is_empty() {
        bad.truncate(10);
        return Err(JurisdictionsError::NotCodes(bad));
    }
    out.sort();
    out.dedup();
    if out.len() > MAX_JURISDICTIONS {
        return Err(JurisdictionsError::TooMany {
            max: MAX_JURISDICTIONS,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licensure::{Compact, Credential, Profession};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn j(s: &str) -> Jurisdiction {
        s.parse().unwrap()
    }

    fn form<'a>() -> CoverForm<'a> {
        CoverForm {
            insurer: "CPH & Associates",
            policy_number: "PL-2027-0042",
            telehealth: "yes",
            jurisdictions: "us-ny, US-MA  US-MA",
            per_claim_limit: "$1,000,000",
            aggregate_limit: "",
            starts: "2026-07-01",
            expires: "2027-06-30",
        }
    }

    fn cover(telehealth: &'static str, jurisdictions: &'static str) -> LiabilityCover {
        LiabilityCover::parse(&CoverForm {
            telehealth,
            jurisdictions,
            ..form()
        })
        .unwrap()
    }

    #[test]
    fn a_complete_form_makes_a_cover_with_each_jurisdiction_once() {
        let c = LiabilityCover::parse(&form()).unwrap();
        assert_eq!(c.insurer(), "CPH & Associates");
        assert_eq!(c.telehealth(), TelehealthCover::Yes);
        assert_eq!(c.jurisdictions(), [j("US-MA"), j("US-NY")]);
        assert_eq!(c.per_claim_limit(), Some("$1,000,000"));
        assert_eq!(c.aggregate_limit(), None, "optional");
        assert_eq!(c.expires(), day("2027-06-30"));
    }

    #[test]
    fn every_bad_field_is_named_in_form_order() {
        let long = "x".repeat(MAX_LIMIT + 1);
        let bad = CoverForm {
            insurer: " ",
            policy_number: "PL\n1",
            telehealth: "maybe",
            jurisdictions: "US-MA, Massachusetts, USA",
            per_claim_limit: &long,
            aggregate_limit: "",
            starts: "2026-7-1",
            expires: "2027-02-30",
        };
        let errs = LiabilityCover::parse(&bad).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(CoverError::field).collect();
        assert_eq!(
            fields,
            [
                "insurer",
                "policy_number",
                "telehealth",
                "jurisdictions",
                "per_claim_limit",
                "starts",
                "expires"
            ]
        );
        assert_eq!(
            errs[3].to_string(),
            "jurisdictions: not ISO 3166-2 codes such as US-MA or CA-ON: Massachusetts, USA"
        );
        assert_eq!(
            LiabilityCover::parse(&CoverForm {
                jurisdictions: " , ",
                ..form()
            })
            .unwrap_err(),
            [CoverError::Jurisdictions(JurisdictionsError::Empty)]
        );
        assert_eq!(
            LiabilityCover::parse(&CoverForm {
                expires: "2026-06-30",
                ..form()
            })
            .unwrap_err(),
            [CoverError::Expires(CoverDateError::BeforeStart {
                starts: day("2026-07-01"),
                expires: day("2026-06-30"),
            })]
        );
    }

    #[test]
    fn a_stored_cover_reads_back_through_the_same_checks() {
        let c = LiabilityCover::parse(&form()).unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["jurisdictions"], serde_json::json!(["US-MA", "US-NY"]));
        assert_eq!(json["telehealth"], "yes");
        assert!(json.get("aggregate_limit").is_none());
        let back: LiabilityCover = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, c);
        let mut tampered = json;
        tampered["jurisdictions"] = serde_json::json!(["Massachusetts"]);
        assert!(serde_json::from_value::<LiabilityCover>(tampered).is_err());
    }

    #[test]
    fn telehealth_not_explicitly_covered_is_a_warning() {
        let ma = [j("US-MA")];
        let today = day("2026-11-23");
        assert!(cover("yes", "US-MA").warnings(&ma, today).is_empty());
        assert_eq!(
            cover("no", "US-MA").warnings(&ma, today),
            [CoverWarning::TelehealthExcluded]
        );
        assert_eq!(
            cover("not_stated", "US-MA").warnings(&ma, today),
            [CoverWarning::TelehealthNotStated]
        );
    }

    #[test]
    fn a_licensed_jurisdiction_the_policy_does_not_list_is_a_warning() {
        let c = cover("yes", "US-MA");
        assert_eq!(
            c.warnings(&[j("US-NY"), j("US-MA"), j("US-CA")], day("2026-11-23")),
            [
                CoverWarning::JurisdictionNotCovered(j("US-CA")),
                CoverWarning::JurisdictionNotCovered(j("US-NY")),
            ]
        );
    }

    #[test]
    fn the_licensed_jurisdictions_are_the_current_credentials_places() {
        let cred = |grant, expires: &str| Credential {
            grant,
            expires: day(expires),
            profession: None,
            title: None,
            number: None,
        };
        let creds = Credentials::new(
            Profession::SocialWork,
            vec![
                cred(
                    Grant::License {
                        jurisdiction: j("US-NY"),
                    },
                    "2027-12-31",
                ),
                cred(
                    Grant::License {
                        jurisdiction: j("US-MA"),
                    },
                    "2027-06-30",
                ),
                cred(
                    Grant::License {
                        jurisdiction: j("US-CT"),
                    },
                    "2026-01-31",
                ),
                cred(
                    Grant::CompactPrivilege {
                        compact: Compact::Counseling,
                        jurisdiction: j("US-OH"),
                    },
                    "2027-01-31",
                ),
                cred(
                    Grant::TemporaryPermit {
                        jurisdiction: j("US-VT"),
                        starts: day("2027-01-01"),
                    },
                    "2027-03-31",
                ),
                cred(
                    Grant::CompactAuthorization {
                        compact: Compact::Psypact,
                        home: j("US-PA"),
                    },
                    "2027-11-30",
                ),
            ],
        );
        assert_eq!(
            licensed_jurisdictions(&creds, day("2026-11-23")),
            [j("US-MA"), j("US-NY"), j("US-OH"), j("US-PA")],
            "not the lapsed US-CT, not the permit that has not started"
        );
    }

    #[test]
    fn reminders_come_at_sixty_thirty_and_seven_days_and_each_once() {
        let c = cover("yes", "US-MA");
        assert_eq!(c.reminder_due(day("2027-04-30")), None, "61 days before");
        let r = c.reminder_due(day("2027-05-01")).unwrap();
        assert_eq!((r.threshold_days, r.days_left), (60, 60));
        assert_eq!(
            r.key,
            "liability:CPH & Associates:PL-2027-0042|2027-06-30|60"
        );
        let sent = |k: &str| k == r.key;
        assert_eq!(c.reminder_to_send(day("2027-05-02"), sent), None);
        let r30 = c.reminder_to_send(day("2027-05-31"), sent).unwrap();
        assert_eq!(r30.threshold_days, 30);
        // A clock set back after the 30-day reminder brings no 60-day one.
        let sent30 = |k: &str| k == r30.key;
        assert_eq!(c.reminder_to_send(day("2027-05-01"), sent30), None);
        let r7 = c.reminder_due(day("2027-06-30")).unwrap();
        assert_eq!((r7.threshold_days, r7.days_left), (7, 0));
        assert_eq!(c.reminder_due(day("2027-07-01")), None, "lapsed");
    }

    #[test]
    fn a_cover_lapses_the_day_after_its_expiry() {
        let c = cover("yes", "US-MA");
        assert_eq!(
            c.status(day("2027-06-30")),
            CoverStatus::InForce { days_left: 0 }
        );
        assert_eq!(
            c.status(day("2027-07-01")),
            CoverStatus::Lapsed { days_ago: 1 }
        );
        assert_eq!(
            c.status(day("2026-06-30")),
            CoverStatus::NotYetInForce {
                starts: day("2026-07-01")
            }
        );
        assert_eq!(c.lapsed_days(day("2027-06-30"), 30), None);
        assert_eq!(c.lapsed_days(day("2027-07-01"), 30), Some(1));
        assert_eq!(c.lapsed_days(day("2027-08-01"), 30), None, "31 days ago");
        assert_eq!(
            c.lapsed_key(),
            "liability-lapsed|liability:CPH & Associates:PL-2027-0042|2027-06-30"
        );
        assert_eq!(
            c.warnings(&[], day("2027-07-01")),
            [CoverWarning::Lapsed {
                expires: day("2027-06-30")
            }]
        );
    }

    #[test]
    fn free_text_cannot_forge_a_key_separator() {
        let c = LiabilityCover::parse(&CoverForm {
            insurer: "A|B",
            policy_number: "1:2",
            ..form()
        })
        .unwrap();
        assert_eq!(c.key(), "liability:A%7CB:1%3A2");
    }
}
