//! The repository's CE data: renewal requirements by jurisdiction and profession.
//!
//! Board rules change with the world, so they are data in `data/ce/requirements.json`, each
//! entry with its source and as-of date (STYLE.md, "Small habits"). The file is embedded at
//! compile time and checked once by [`Requirements::builtin`]; after that the progress code
//! trusts the [`Requirements`] type.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::{CeCategory, Hours};
use crate::licensure::{parse_date, Profession, Registry};
use crate::Jurisdiction;

const REQUIREMENTS_JSON: &str = include_str!("../../../../data/ce/requirements.json");

/// Longest renewal cycle accepted; boards renew every one, two or three years.
pub const MAX_CYCLE_MONTHS: u32 = 60;

/// A problem in the CE data, naming the file, the entry and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/ce/{file}: {}{field}: {problem}", entry_prefix(.entry))]
pub struct RequirementsError {
    pub file: &'static str,
    /// e.g. `requirements[3] (US-NY social_work)`; empty for the file as a whole.
    pub entry: String,
    /// e.g. `categories[1].hours`.
    pub field: String,
    pub problem: String,
}

fn entry_prefix(entry: &str) -> String {
    if entry.is_empty() {
        String::new()
    } else {
        format!("{entry}: ")
    }
}

/// A subject a board requires within the cycle's hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryMinimum {
    pub category: CeCategory,
    pub hours: Hours,
}

/// What one board asks of a licensee at each renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub jurisdiction: Jurisdiction,
    pub profession: Profession,
    /// Hours required in each renewal cycle.
    pub hours: Hours,
    /// The cycle: the months up to each renewal (expiry) date.
    pub cycle_months: u32,
    /// Subjects with minimum hours; those hours count towards [`Requirement::hours`] too.
    pub categories: Vec<CategoryMinimum>,
    /// Most self-study hours that count towards the total, when the board caps them.
    pub self_study_max: Option<Hours>,
    /// What the numbers cannot say (one-time courses, requirements every third cycle,
    /// first-renewal rules); shown to the clinician as written.
    pub notes: Vec<String>,
    /// The board rule the figures come from.
    pub source: String,
    pub as_of: NaiveDate,
    /// True when the figures have not been checked against `source` by a person: pages
    /// must tell the clinician to confirm with their board.
    pub verify: bool,
}

impl Requirement {
    /// The minimum for `category`, if the board names it.
    pub fn minimum(&self, category: CeCategory) -> Option<Hours> {
        self.categories
            .iter()
            .find(|m| m.category == category)
            .map(|m| m.hours)
    }
}

/// The validated CE requirements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirements {
    entries: BTreeMap<(Jurisdiction, Profession), Requirement>,
}

impl Requirements {
    /// The data shipped in `data/ce/`, parsed and validated once per process. The data is
    /// compiled in, so an error here is a bug in the data that the tests catch.
    pub fn builtin() -> Result<&'static Requirements, &'static RequirementsError> {
        static CACHE: OnceLock<Result<Requirements, RequirementsError>> = OnceLock::new();
        CACHE
            .get_or_init(|| {
                let registry = Registry::builtin().map_err(|e| RequirementsError {
                    file: "requirements.json",
                    entry: String::new(),
                    field: "(licensure data)".into(),
                    problem: e.to_string(),
                })?;
                Requirements::from_json(REQUIREMENTS_JSON, &registry)
            })
            .as_ref()
    }

    /// Parses and validates the contents of `requirements.json`. Jurisdictions must be
    /// ones the licensure registry has data for.
    pub fn from_json(json: &str, registry: &Registry) -> Result<Requirements, RequirementsError> {
        parse(json, registry)
    }

    /// The requirement for a licence in `jurisdiction` for `profession`; `None` when
    /// Alcove has no data, in which case nothing may be guessed.
    pub fn requirement(
        &self,
        jurisdiction: &Jurisdiction,
        profession: Profession,
    ) -> Option<&Requirement> {
        self.entries.get(&(jurisdiction.clone(), profession))
    }

    /// Every requirement, by jurisdiction code then profession.
    pub fn iter(&self) -> impl Iterator<Item = &Requirement> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

// ---- raw shape of the file -----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    about: String,
    requirements: Vec<RawRequirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    jurisdiction: String,
    profession: String,
    // Numbers are read as JSON values so that a zero, a negative or a string is reported
    // against its field rather than as a serde position.
    hours: Value,
    cycle_months: Value,
    #[serde(default)]
    categories: Vec<RawCategory>,
    #[serde(default)]
    self_study_max_hours: Option<Value>,
    #[serde(default)]
    notes: Vec<String>,
    source: String,
    as_of: String,
    verify: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    category: String,
    hours: Value,
}

// ---- validation ----------------------------------------------------------------------------

struct Entry {
    label: String,
}

impl Entry {
    fn err(&self, field: impl Into<String>, problem: impl Into<String>) -> RequirementsError {
        RequirementsError {
            file: "requirements.json",
            entry: self.label.clone(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A positive amount of hours written as a JSON number.
    fn hours(&self, field: &str, v: &Value) -> Result<Hours, RequirementsError> {
        let Value::Number(n) = v else {
            return Err(self.err(field, format!("must be a number of hours, not {v}")));
        };
        let h: Hours = n
            .to_string()
            .parse()
            .map_err(|e: super::HoursError| self.err(field, e.to_string()))?;
        if h.is_zero() {
            return Err(self.err(field, "must be more than 0"));
        }
        Ok(h)
    }
}

fn shown(s: &str) -> String {
    s.chars().take(20).collect()
}

fn parse(json: &str, registry: &Registry) -> Result<Requirements, RequirementsError> {
    let file = Entry {
        label: String::new(),
    };
    let raw: RawFile = serde_json::from_str(json).map_err(|e| file.err("(file)", e.to_string()))?;
    let mut entries = BTreeMap::new();
    for (i, r) in raw.requirements.into_iter().enumerate() {
        let cx = Entry {
            label: format!(
                "requirements[{i}] ({} {})",
                shown(&r.jurisdiction),
                shown(&r.profession)
            ),
        };
        let jurisdiction = match Jurisdiction::from_str(&r.jurisdiction) {
            Ok(j) if j.as_str() == r.jurisdiction => j,
            Ok(j) => {
                return Err(cx.err(
                    "jurisdiction",
                    format!("{:?} must be written {:?}", r.jurisdiction, j.as_str()),
                ))
            }
            Err(e) => return Err(cx.err("jurisdiction", e.to_string())),
        };
        if registry.jurisdiction(&jurisdiction).is_none() {
            return Err(cx.err(
                "jurisdiction",
                format!("{jurisdiction} has no entry in data/licensure/boards.json"),
            ));
        }
        let profession =
            Profession::from_str(&r.profession).map_err(|e| cx.err("profession", e.to_string()))?;
        let hours = cx.hours("hours", &r.hours)?;
        let cycle_months = match r.cycle_months.as_u64() {
            Some(m) if (1..=u64::from(MAX_CYCLE_MONTHS)).contains(&m) => m as u32,
            _ => {
                return Err(cx.err(
                    "cycle_months",
                    format!(
                        "{} is not a whole number of months from 1 to {MAX_CYCLE_MONTHS}",
                        r.cycle_months
                    ),
                ))
            }
        };
        let mut categories: Vec<CategoryMinimum> = Vec::new();
        for (k, rc) in r.categories.iter().enumerate() {
            let at = format!("categories[{k}]");
            let category = CeCategory::from_str(&rc.category)
                .map_err(|e| cx.err(format!("{at}.category"), e.to_string()))?;
            if categories.iter().any(|m| m.category == category) {
                return Err(cx.err(
                    format!("{at}.category"),
                    format!("{category} is listed twice"),
                ));
            }
            let min = cx.hours(&format!("{at}.hours"), &rc.hours)?;
            if min > hours {
                return Err(cx.err(
                    format!("{at}.hours"),
                    format!("{min} hours of {category} exceeds the total of {hours} hours"),
                ));
            }
            categories.push(CategoryMinimum {
                category,
                hours: min,
            });
        }
        // Hours count towards one category each, so minimums that add up to more than the
        // total would make the stated total wrong.
        let sum: Hours = categories.iter().map(|m| m.hours).sum();
        if sum > hours {
            return Err(cx.err(
                "categories",
                format!("category minimums add up to {sum} hours, more than the total of {hours}"),
            ));
        }
        let self_study_max = match &r.self_study_max_hours {
            None | Some(Value::Null) => None,
            Some(v) => {
                let cap = cx.hours("self_study_max_hours", v)?;
                if cap >= hours {
                    return Err(cx.err(
                        "self_study_max_hours",
                        format!(
                            "{cap} is not less than the total of {hours} hours; leave it out when self-study is not capped"
                        ),
                    ));
                }
                Some(cap)
            }
        };
        for (k, n) in r.notes.iter().enumerate() {
            if n.trim().is_empty() {
                return Err(cx.err(format!("notes[{k}]"), "must not be empty"));
            }
        }
        if !r.source.starts_with("https://")
            || r.source.len() < 12
            || r.source.contains(char::is_whitespace)
        {
            return Err(cx.err(
                "source",
                format!(
                    "{:?} is not an https:// URL of the board rule",
                    r.source.chars().take(80).collect::<String>()
                ),
            ));
        }
        let as_of = parse_date(&r.as_of).ok_or_else(|| {
            cx.err(
                "as_of",
                format!("{:?} is not a date (YYYY-MM-DD)", shown(&r.as_of)),
            )
        })?;
        let requirement = Requirement {
            jurisdiction: jurisdiction.clone(),
            profession,
            hours,
            cycle_months,
            categories,
            self_study_max,
            notes: r.notes,
            source: r.source,
            as_of,
            verify: r.verify,
        };
        if entries
            .insert((jurisdiction.clone(), profession), requirement)
            .is_some()
        {
            return Err(cx.err(
                "jurisdiction",
                format!("{jurisdiction} {profession} is listed twice"),
            ));
        }
    }
    Ok(Requirements { entries })
}
