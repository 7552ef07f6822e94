//! One continuing-education activity a clinician completed, read from a web form.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CeCategory, CeFormat, CreditHours, HoursError};
use crate::licensure::{parse_date, Credential, Grant, VocabularyError};
use crate::Jurisdiction;

/// Longest provider name accepted.
pub const MAX_PROVIDER: usize = 200;
/// Longest approval number accepted (board numbers are short codes such as `CEP 1234`).
pub const MAX_APPROVAL_NUMBER: usize = 100;
/// Longest title accepted.
pub const MAX_TITLE: usize = 300;

/// The form as a browser sends it: every field a string, untrusted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityForm<'a> {
    pub provider: &'a str,
    /// Empty when the provider has none or the clinician does not know it.
    pub provider_approval_number: &'a str,
    pub title: &'a str,
    /// `YYYY-MM-DD`, as `<input type="date">` sends it.
    pub completed_on: &'a str,
    pub hours: &'a str,
    pub category: &'a str,
    pub format: &'a str,
}

/// A problem with one line of text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("is longer than {max} characters")]
    TooLong { max: usize },
    #[error("must be one line of text (no line breaks or control characters)")]
    ControlCharacters,
}

/// A problem with the completion date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    NotADate(String),
    #[error("{date} is after today ({today}); record an activity once it is completed")]
    InTheFuture { date: NaiveDate, today: NaiveDate },
}

/// Why a CE activity was refused; each variant is the form field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("provider: {0}")]
    Provider(TextError),
    #[error("provider_approval_number: {0}")]
    ProviderApprovalNumber(TextError),
    #[error("title: {0}")]
    Title(TextError),
    #[error("completed_on: {0}")]
    CompletedOn(DateError),
    #[error("hours: {0}")]
    Hours(HoursError),
    #[error("category: {0}")]
    Category(VocabularyError),
    #[error("format: {0}")]
    Format(VocabularyError),
}

impl ActivityError {
    /// The form field at fault, so a page can put the message next to it.
    pub fn field(&self) -> &'static str {
        match self {
            ActivityError::Provider(_) => "provider",
            ActivityError::ProviderApprovalNumber(_) => "provider_approval_number",
            ActivityError::Title(_) => "title",
            ActivityError::CompletedOn(_) => "completed_on",
            ActivityError::Hours(_) => "hours",
            ActivityError::Category(_) => "category",
            ActivityError::Format(_) => "format",
        }
    }
}

/// A completed CE activity (Standard 10: clinicians keep their competence current,
/// technology included). Only [`CeActivity::parse`] makes one, so every value is checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CeActivity {
    provider: String,
    provider_approval_number: Option<String>,
    title: String,
    completed_on: NaiveDate,
    hours: CreditHours,
    category: CeCategory,
    format: CeFormat,
    /// `None`: every licence (what every activity recorded before this choice existed means).
    counts_towards: Option<LicenceRef>,
}

impl CeActivity {
    /// Checks a submitted form. `today` is the clinician's date: a certificate cannot be
    /// dated after it. Fields are checked in form order and the first problem is returned.
    pub fn parse(form: &ActivityForm<'_>, today: NaiveDate) -> Result<CeActivity, ActivityError> {
        let provider = line(form.provider, MAX_PROVIDER)
            .and_then(|s| s.ok_or(TextError::Empty))
            .map_err(ActivityError::Provider)?;
        let provider_approval_number = line(form.provider_approval_number, MAX_APPROVAL_NUMBER)
            .map_err(ActivityError::ProviderApprovalNumber)?;
        let title = line(form.title, MAX_TITLE)
            .and_then(|s| s.ok_or(TextError::Empty))
            .map_err(ActivityError::Title)?;
        let raw_date = form.completed_on.trim();
        let completed_on = parse_date(raw_date).ok_or_else(|| {
            ActivityError::CompletedOn(DateError::NotADate(raw_date.chars().take(40).collect()))
        })?;
        if completed_on > today {
            return Err(ActivityError::CompletedOn(DateError::InTheFuture {
                date: completed_on,
                today,
            }));
        }
        let hours = form.hours.parse().map_err(ActivityError::Hours)?;
        let category = form
            .category
            .trim()
            .parse()
            .map_err(ActivityError::Category)?;
        let format = form.format.trim().parse().map_err(ActivityError::Format)?;
        Ok(CeActivity {
            provider,
            provider_approval_number,
            title,
            completed_on,
            hours,
            category,
            format,
            counts_towards: None,
        })
    }

    /// The same activity, counted towards one licence only (`Some`) or every licence (`None`).
    pub fn counting_towards(mut self, licence: Option<LicenceRef>) -> CeActivity {
        self.counts_towards = licence;
        self
    }

    /// The licence this activity was named for; `None` when it counts towards all of them.
    pub fn counts_towards(&self) -> Option<&LicenceRef> {
        self.counts_towards.as_ref()
    }

    /// Whether the activity may count towards this credential's renewal: it was named for it,
    /// or for no licence in particular.
    pub fn counts_for(&self, c: &Credential) -> bool {
        self.counts_towards.as_ref().is_none_or(|r| r.matches(c))
    }

    pub fn provider(&self) -> &str {
        &self.provider
    }

    pub fn provider_approval_number(&self) -> Option<&str> {
        self.provider_approval_number.as_deref()
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn completed_on(&self) -> NaiveDate {
        self.completed_on
    }

    pub fn hours(&self) -> CreditHours {
        self.hours
    }

    pub fn category(&self) -> CeCategory {
        self.category
    }

    pub fn format(&self) -> CeFormat {
        self.format
    }
}

/// One line of text, trimmed; `None` when blank.
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

/// Standard 10 ("authenticate users with professional license number"): the licence a CE
/// activity counts towards, named as the register names it — where it was issued and its
/// number. A renewal of the same licence (same place, same number, a later expiry) is the
/// same licence, so the activity keeps counting after the register is updated.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LicenceRef {
    pub jurisdiction: Jurisdiction,
    /// `None` for a licence recorded without a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// A form value that does not name a licence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} does not name a licence (JURISDICTION|NUMBER)")]
pub struct LicenceRefError(pub String);

impl LicenceRef {
    /// The licence a credential is, if it is one. Compact privileges, authorisations and
    /// permits do not renew with CE of their own (see [`super::progress_by_licence`]).
    pub fn of(c: &Credential) -> Option<LicenceRef> {
        match &c.grant {
            Grant::License { jurisdiction } => Some(LicenceRef {
                jurisdiction: jurisdiction.clone(),
                number: number_of(c.number.as_deref()),
            }),
            _ => None,
        }
    }

    /// Whether `c` is this licence (any of its renewals).
    pub fn matches(&self, c: &Credential) -> bool {
        LicenceRef::of(c).as_ref() == Some(self)
    }
}

fn number_of(n: Option<&str>) -> Option<String> {
    n.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// The form's value: `US-NY|654321`, or `US-NY|` for a licence without a number.
impl fmt::Display for LicenceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}|{}",
            self.jurisdiction,
            self.number.as_deref().unwrap_or_default()
        )
    }
}

impl FromStr for LicenceRef {
    type Err = LicenceRefError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || LicenceRefError(s.chars().take(60).collect());
        // A jurisdiction never holds `|`; a number may.
        let (place, number) = s.split_once('|').ok_or_else(bad)?;
        let jurisdiction = place.parse().map_err(|_| bad())?;
        if number.chars().any(char::is_control) {
            return Err(bad());
        }
        Ok(LicenceRef {
            jurisdiction,
            number: number_of(Some(number)),
        })
    }
}
