//! Screening instruments: PHQ-9, GAD-7, PCL-5 and AUDIT-C, scored exactly and banded by
//! their published cut-points.
//!
//! The result words are the contract (DESIGN.md, "Instrument results use these words"):
//! severity is `minimal`, `mild`, `moderate`, `moderately_severe` or `severe` (PHQ-9, GAD-7),
//! `below_cutoff` or `probable_ptsd` (PCL-5), `negative` or `positive` (AUDIT-C, which takes
//! the client's sex); a PHQ-9 with item 9 above 0 has the flag `phq9_item9`.
//!
//! | instrument | items | each   | total | bands |
//! | ---------- | ----- | ------ | ----- | ----- |
//! | PHQ-9      | 9     | 0 to 3 | 0–27  | 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27 severe |
//! | GAD-7      | 7     | 0 to 3 | 0–21  | 0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe |
//! | PCL-5      | 20    | 0 to 4 | 0–80  | provisional cut-point 31–33; 33 and above probable PTSD |
//! | AUDIT-C    | 3     | 0 to 4 | 0–12  | positive at 3 or more for women, 4 or more for men |
//!
//! Screening results orient the clinician; they are not diagnoses. The item texts, in English
//! and Spanish, are data in `data/instruments/<name>.json` with their source and as-of date,
//! embedded at compile time (this crate does no I/O) and read through [`items`].

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// PCL-5: totals at or above this are `probable_ptsd`.
///
/// The National Center for PTSD gives a *provisional* cut-point of 31–33 ([`PCL5_PROVISIONAL_RANGE`]).
/// Alcove uses the top of that range, 33, so that `probable_ptsd` is not over-called, and marks
/// totals of 31 and 32 — inside the published range but under 33 — with [`Flag::Pcl5NearCutoff`]
/// so the clinician sees that a lower cut-point would have called them positive.
pub const PCL5_CUT_POINT: u16 = 33;

/// PCL-5: the published provisional cut-point range (31–33).
pub const PCL5_PROVISIONAL_RANGE: RangeInclusive<u16> = 31..=33;

/// AUDIT-C: totals at or above this are `positive` for women.
pub const AUDITC_CUT_POINT_FEMALE: u16 = 3;

/// AUDIT-C: totals at or above this are `positive` for men.
pub const AUDITC_CUT_POINT_MALE: u16 = 4;

/// The PHQ-9 item whose answer above 0 raises [`Flag::Phq9Item9`] (1-based).
pub const PHQ9_SAFETY_ITEM: usize = 9;

/// A screening instrument Alcove scores. Parses from and serialises to
/// `phq9`, `gad7`, `pcl5` and `auditc`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Instrument {
    /// Patient Health Questionnaire, 9 items (depression).
    Phq9,
    /// Generalized Anxiety Disorder scale, 7 items.
    Gad7,
    /// PTSD Checklist for DSM-5, 20 items.
    Pcl5,
    /// AUDIT consumption questions, 3 items (alcohol).
    AuditC,
}

impl Instrument {
    pub const ALL: [Instrument; 4] = [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Pcl5,
        Instrument::AuditC,
    ];

    /// The contract name: `phq9`, `gad7`, `pcl5` or `auditc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::Pcl5 => "pcl5",
            Instrument::AuditC => "auditc",
        }
    }

    /// The name people know it by: `PHQ-9`, `GAD-7`, `PCL-5`, `AUDIT-C`.
    pub fn display_name(self) -> &'static str {
        match self {
            Instrument::Phq9 => "PHQ-9",
            Instrument::Gad7 => "GAD-7",
            Instrument::Pcl5 => "PCL-5",
            Instrument::AuditC => "AUDIT-C",
        }
    }

    /// How many answers the instrument takes.
    pub fn item_count(self) -> usize {
        match self {
            Instrument::Phq9 => 9,
            Instrument::Gad7 => 7,
            Instrument::Pcl5 => 20,
            Instrument::AuditC => 3,
        }
    }

    /// The highest answer to any one item (the lowest is always 0).
    pub fn max_answer(self) -> u8 {
        match self {
            Instrument::Phq9 | Instrument::Gad7 => 3,
            Instrument::Pcl5 | Instrument::AuditC => 4,
        }
    }

    /// The highest possible total: 27, 21, 80 or 12.
    pub fn max_total(self) -> u16 {
        self.item_count() as u16 * u16::from(self.max_answer())
    }

    /// Whether banding needs the client's sex (only AUDIT-C).
    pub fn needs_sex(self) -> bool {
        matches!(self, Instrument::AuditC)
    }

    /// The result words this instrument can give, lowest to highest.
    pub fn severities(self) -> &'static [Severity] {
        match self {
            Instrument::Phq9 => &[
                Severity::Minimal,
                Severity::Mild,
                Severity::Moderate,
                Severity::ModeratelySevere,
                Severity::Severe,
            ],
            Instrument::Gad7 => &[
                Severity::Minimal,
                Severity::Mild,
                Severity::Moderate,
                Severity::Severe,
            ],
            Instrument::Pcl5 => &[Severity::BelowCutoff, Severity::ProbablePtsd],
            Instrument::AuditC => &[Severity::Negative, Severity::Positive],
        }
    }

    /// The published band for a total. AUDIT-C needs `sex`; the others ignore it.
    pub fn band(self, total: u16, sex: Option<Sex>) -> Result<Severity, ScoreError> {
        if total > self.max_total() {
            return Err(ScoreError::TotalOutOfRange {
                instrument: self,
                total,
                max: self.max_total(),
            });
        }
        Ok(match self {
            Instrument::Phq9 => match total {
                0..=4 => Severity::Minimal,
                5..=9 => Severity::Mild,
                10..=14 => Severity::Moderate,
                15..=19 => Severity::ModeratelySevere,
                _ => Severity::Severe,
            },
            Instrument::Gad7 => match total {
                0..=4 => Severity::Minimal,
                5..=9 => Severity::Mild,
                10..=14 => Severity::Moderate,
                _ => Severity::Severe,
            },
            Instrument::Pcl5 => {
                if total >= PCL5_CUT_POINT {
                    Severity::ProbablePtsd
                } else {
                    Severity::BelowCutoff
                }
            }
            Instrument::AuditC => {
                let sex = sex.ok_or(ScoreError::MissingSex)?;
                if total >= sex.auditc_cut_point() {
                    Severity::Positive
                } else {
                    Severity::Negative
                }
            }
        })
    }
}

impl FromStr for Instrument {
    type Err = ScoreError;

    /// `phq9`, `gad7`, `pcl5`, `auditc`; case, spaces, `-` and `_` are ignored, so
    /// `PHQ-9` and `AUDIT-C` parse too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | '_') && !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        Instrument::ALL
            .into_iter()
            .find(|i| i.as_str() == key)
            .ok_or_else(|| ScoreError::UnknownInstrument(shorten(s.trim())))
    }
}

impl fmt::Display for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The client's sex, for AUDIT-C's sex-specific cut-points. Parses from `female` or `male`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }

    /// AUDIT-C totals at or above this are positive: 3 for women, 4 for men.
    pub fn auditc_cut_point(self) -> u16 {
        match self {
            Sex::Female => AUDITC_CUT_POINT_FEMALE,
            Sex::Male => AUDITC_CUT_POINT_MALE,
        }
    }
}

impl FromStr for Sex {
    type Err = ScoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "female" => Ok(Sex::Female),
            "male" => Ok(Sex::Male),
            _ => Err(ScoreError::UnknownSex(shorten(s.trim()))),
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The band a total falls in, in the contract's words. Ordered lowest to highest *within*
/// one instrument (compare only results of the same instrument).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// PHQ-9, GAD-7: 0–4.
    Minimal,
    /// PHQ-9, GAD-7: 5–9.
    Mild,
    /// PHQ-9, GAD-7: 10–14.
    Moderate,
    /// PHQ-9: 15–19.
    ModeratelySevere,
    /// PHQ-9: 20–27; GAD-7: 15–21.
    Severe,
    /// PCL-5: under 33.
    BelowCutoff,
    /// PCL-5: 33 and above.
    ProbablePtsd,
    /// AUDIT-C: under the sex-specific cut-point.
    Negative,
    /// AUDIT-C: at or above the sex-specific cut-point.
    Positive,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minimal => "minimal",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::ModeratelySevere => "moderately_severe",
            Severity::Severe => "severe",
            Severity::BelowCutoff => "below_cutoff",
            Severity::ProbablePtsd => "probable_ptsd",
            Severity::Negative => "negative",
            Severity::Positive => "positive",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something about a result the clinician must see beyond its band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0,
    /// whatever the total. A safety follow-up for the clinician at once.
    Phq9Item9,
    /// PCL-5 total of 31 or 32: inside the published provisional cut-point range (31–33)
    /// but under the cut-point Alcove uses (33).
    Pcl5NearCutoff,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Phq9Item9 => "phq9_item9",
            Flag::Pcl5NearCutoff => "pcl5_near_cutoff",
        }
    }

    /// Whether the clinician must act at once (a safety follow-up), not just take note.
    pub fn is_urgent(self) -> bool {
        matches!(self, Flag::Phq9Item9)
    }

    /// What the flag means, in plain words for the clinician.
    pub fn description(self) -> &'static str {
        match self {
            Flag::Phq9Item9 => {
                "PHQ-9 item 9 (thoughts of being better off dead or of hurting oneself) was \
                 answered above 0: follow up on the client's safety now."
            }
            Flag::Pcl5NearCutoff => {
                "The PCL-5 total is 31 or 32: inside the published provisional cut-point range \
                 (31-33) but under the cut-point of 33 used here."
            }
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scored instrument. Serialises to exactly the contract object
/// `{"instrument":...,"total":n,"severity":"...","flags":[...]}`, in that field order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    pub instrument: Instrument,
    /// The sum of the answers.
    pub total: u16,
    pub severity: Severity,
    /// Empty when there is nothing beyond the band to see.
    pub flags: Vec<Flag>,
}

impl Score {
    /// Whether any flag asks the clinician to act at once.
    pub fn needs_urgent_follow_up(&self) -> bool {
        self.flags.iter().any(|f| f.is_urgent())
    }

    /// The contract object, as printed by `alcove instruments score`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "instrument": self.instrument.as_str(),
            "total": self.total,
            "severity": self.severity.as_str(),
            "flags": self.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        })
    }
}

/// Why a set of answers could not be scored. Each message names what is wrong, in one line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("unknown instrument {0:?}; use phq9, gad7, pcl5 or auditc")]
    UnknownInstrument(String),
    #[error("{instrument} takes {expected} answers; got {got}")]
    WrongCount {
        instrument: Instrument,
        expected: usize,
        got: usize,
    },
    /// `position` is 1-based; `value` is the answer as given.
    #[error("answer {position} is {value}; {instrument} answers are 0 to {max}")]
    OutOfRange {
        instrument: Instrument,
        position: usize,
        value: String,
        max: u8,
    },
    #[error("answer {position} is {text:?}; {instrument} answers are whole numbers from 0 to {max}, separated by commas")]
    NotAnInteger {
        instrument: Instrument,
        position: usize,
        text: String,
        max: u8,
    },
    #[error("answer {position} is empty; {instrument} answers are whole numbers separated by single commas")]
    EmptyAnswer {
        instrument: Instrument,
        position: usize,
    },
    #[error("auditc needs the client's sex (--sex female or --sex male): its cut-point is 3 for women and 4 for men")]
    MissingSex,
    #[error("sex must be female or male; got {0:?}")]
    UnknownSex(String),
    #[error("a {instrument} total is 0 to {max}; got {total}")]
    TotalOutOfRange {
        instrument: Instrument,
        total: u16,
        max: u16,
    },
}

/// Scores one completed instrument.
///
/// `answers` are in item order. AUDIT-C needs `sex`; the other instruments ignore it.
/// Errors, checked in this order: the number of answers, each answer's range (the first bad
/// one is named), the missing sex.
pub fn score(
    instrument: Instrument,
    answers: &[u8],
    sex: Option<Sex>,
) -> Result<Score, ScoreError> {
    let expected = instrument.item_count();
    if answers.len() != expected {
        return Err(ScoreError::WrongCount {
            instrument,
            expected,
            got: answers.len(),
        });
    }
    let max = instrument.max_answer();
    if let Some((i, bad)) = answers.iter().enumerate().find(|(_, &a)| a > max) {
        return Err(ScoreError::OutOfRange {
            instrument,
            position: i + 1,
            value: bad.to_string(),
            max,
        });
    }
    let total: u16 = answers.iter().map(|&a| u16::from(a)).sum();
    let severity = instrument.band(total, sex)?;

    let mut flags = Vec::new();
    if instrument == Instrument::Phq9 && answers[PHQ9_SAFETY_ITEM - 1] > 0 {
        flags.push(Flag::Phq9Item9);
    }
    if instrument == Instrument::Pcl5
        && PCL5_PROVISIONAL_RANGE.contains(&total)
        && total < PCL5_CUT_POINT
    {
        flags.push(Flag::Pcl5NearCutoff);
    }

    Ok(Score {
        instrument,
        total,
        severity,
        flags,
    })
}

/// Parses answers written as `a,b,c,...` for `instrument`.
///
/// Spaces around each answer (and around the whole list) are fine. An empty answer
/// (`1,,2` or a trailing comma), anything that is not a whole number, a wrong number of
/// answers, or a number outside the instrument's range is an error naming the problem.
pub fn parse_answers(instrument: Instrument, csv: &str) -> Result<Vec<u8>, ScoreError> {
    let csv = csv.trim();
    let expected = instrument.item_count();
    if csv.is_empty() {
        return Err(ScoreError::WrongCount {
            instrument,
            expected,
            got: 0,
        });
    }
    let max = instrument.max_answer();
    // First the form of each answer, then the count, then the ranges: a list with a typo
    // is reported as the typo, not as a wrong count.
    let mut parsed: Vec<Result<u8, String>> = Vec::new();
    for (i, raw) in csv.split(',').enumerate() {
        let position = i + 1;
        let text = raw.trim();
        if text.is_empty() {
            return Err(ScoreError::EmptyAnswer {
                instrument,
                position,
            });
        }
        let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScoreError::NotAnInteger {
                instrument,
                position,
                text: shorten(text),
                max,
            });
        }
        parsed.push(match text.parse::<i64>() {
            Ok(v) if (0..=i64::from(max)).contains(&v) => Ok(v as u8),
            Ok(v) => Err(v.to_string()),
            // A whole number too long for i64: out of range whatever it is.
            Err(_) => Err(shorten(text)),
        });
    }
    if parsed.len() != expected {
        return Err(ScoreError::WrongCount {
            instrument,
            expected,
            got: parsed.len(),
        });
    }
    parsed
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            p.map_err(|value| ScoreError::OutOfRange {
                instrument,
                position: i + 1,
                value,
                max,
            })
        })
        .collect()
}

/// `alcove instruments score NAME --answers a,b,c,... [--sex female|male]`: the contract
/// object `{"instrument":...,"total":n,"severity":"...","flags":[...]}`.
///
/// The same object as `serde_json::to_value(&score)`; a caller that cares about key order
/// when printing can serialise the [`Score`] from [`score`] instead.
pub fn score_cli(
    name: &str,
    answers_csv: &str,
    sex: Option<&str>,
) -> Result<serde_json::Value, ScoreError> {
    let instrument: Instrument = name.parse()?;
    let sex = sex.map(str::parse::<Sex>).transpose()?;
    let answers = parse_answers(instrument, answers_csv)?;
    Ok(score(instrument, &answers, sex)?.to_json())
}

/// One response option: the value scored and the words shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseOption {
    pub value: u8,
    pub label: String,
}

/// One item of an instrument, with its own response options (the instrument's common
/// options unless the item has its own, as AUDIT-C's do).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    /// 1-based, in order.
    pub number: u8,
    pub text: String,
    pub response_options: Vec<ResponseOption>,
}

/// An instrument's items in one language, from its public version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemSet {
    pub instrument: Instrument,
    /// BCP 47 primary language: `en`, `es`.
    pub language: String,
    pub title: String,
    /// Where the text comes from, its authors and its terms.
    pub source: String,
    /// When the text was last checked against its source.
    pub as_of: NaiveDate,
    /// Any adaptation made for on-screen use, or anything still to check.
    pub note: Option<String>,
    /// Instructions shown before the stem, if the instrument has them.
    pub instructions: Option<String>,
    /// The question every item answers ("Over the last 2 weeks, how often ...").
    pub stem: String,
    pub items: Vec<Item>,
}

/// The instrument's items in `lang` (`en`, `es`; a regional tag such as `es-MX` falls back
/// to its language), or `None` if there is no such translation.
pub fn items(instrument: Instrument, lang: &str) -> Option<ItemSet> {
    let sets = item_sets(instrument).ok()?;
    let lang = lang.trim().to_ascii_lowercase();
    let primary = lang.split(['-', '_']).next().unwrap_or_default();
    sets.iter()
        .find(|s| s.language == lang)
        .or_else(|| sets.iter().find(|s| s.language == primary))
        .cloned()
}

/// The languages the instrument's items are available in, in data order.
pub fn languages(instrument: Instrument) -> Vec<String> {
    item_sets(instrument)
        .map(|sets| sets.iter().map(|s| s.language.clone()).collect())
        .unwrap_or_default()
}

fn raw_data(instrument: Instrument) -> &'static str {
    match instrument {
        Instrument::Phq9 => include_str!("../../../data/instruments/phq9.json"),
        Instrument::Gad7 => include_str!("../../../data/instruments/gad7.json"),
        Instrument::Pcl5 => include_str!("../../../data/instruments/pcl5.json"),
        Instrument::AuditC => include_str!("../../../data/instruments/auditc.json"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile {
    instrument: Instrument,
    versions: Vec<DataVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataVersion {
    language: String,
    title: String,
    source: String,
    as_of: NaiveDate,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    instructions: Option<String>,
    stem: String,
    #[serde(default)]
    response_options: Option<Vec<ResponseOption>>,
    items: Vec<DataItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataItem {
    number: u8,
    text: String,
    #[serde(default)]
    response_options: Option<Vec<ResponseOption>>,
}

/// Parsed and checked once per process; the data is compiled in, so an error here is a bug
/// in `data/instruments/` that the tests catch.
fn item_sets(instrument: Instrument) -> Result<&'static [ItemSet], &'static str> {
    static CACHE: [OnceLock<Result<Vec<ItemSet>, String>>; 4] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = Instrument::ALL
        .iter()
        .position(|&i| i == instrument)
        .unwrap_or_default();
    CACHE[slot]
        .get_or_init(|| load(instrument, raw_data(instrument)))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(String::as_str)
}

fn load(instrument: Instrument, json: &str) -> Result<Vec<ItemSet>, String> {
    let file: DataFile =
        serde_json::from_str(json).map_err(|e| format!("{instrument}.json: {e}"))?;
    if file.instrument != instrument {
        return Err(format!(
            "{instrument}.json is for {} instead",
            file.instrument
        ));
    }
    let expected_values: Vec<u8> = (0..=instrument.max_answer()).collect();
    let mut sets: Vec<ItemSet> = Vec::new();
    for v in file.versions {
        let at = format!("{instrument}.json ({})", v.language);
        let lang_ok = (2..=3).contains(&v.language.len())
            && v.language.bytes().all(|b| b.is_ascii_lowercase());
        if !lang_ok {
            return Err(format!(
                "{at}: language must be a lower-case code like en or es"
            ));
        }
        if sets.iter().any(|s| s.language == v.language) {
            return Err(format!("{at}: language appears twice"));
        }
        for (field, text) in [
            ("title", &v.title),
            ("source", &v.source),
            ("stem", &v.stem),
        ] {
            if text.trim().is_empty() {
                return Err(format!("{at}: {field} is empty"));
            }
        }
        if v.items.len() != instrument.item_count() {
            return Err(format!(
                "{at}: {} items; {instrument} has {}",
                v.items.len(),
                instrument.item_count()
            ));
        }
        let mut items = Vec::with_capacity(v.items.len());
        for (i, item) in v.items.into_iter().enumerate() {
            if usize::from(item.number) != i + 1 {
                return Err(format!("{at}: item {} is numbered {}", i + 1, item.number));
            }
            if item.text.trim().is_empty() {
                return Err(format!("{at}: item {} has no text", item.number));
            }
            let options = item
                .response_options
                .or_else(|| v.response_options.clone())
                .ok_or_else(|| format!("{at}: item {} has no response options", item.number))?;
            let values: Vec<u8> = options.iter().map(|o| o.value).collect();
            if values != expected_values || options.iter().any(|o| o.label.trim().is_empty()) {
                return Err(format!(
                    "{at}: item {} needs labelled options for 0 to {} in order",
                    item.number,
                    instrument.max_answer()
                ));
            }
            items.push(Item {
                number: item.number,
                text: item.text,
                response_options: options,
            });
        }
        sets.push(ItemSet {
            instrument,
            language: v.language,
            title: v.title,
            source: v.source,
            as_of: v.as_of,
            note: v.note,
            instructions: v.instructions,
            stem: v.stem,
            items,
        });
    }
    Ok(sets)
}

/// User input echoed in an error stays short.
fn shorten(s: &str) -> String {
    const MAX: usize = 20;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        s.chars().take(MAX).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_for_every_instrument_loads_and_passes_its_checks() {
        for instrument in Instrument::ALL {
            if let Err(e) = load(instrument, raw_data(instrument)) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn data_with_the_wrong_item_count_or_options_is_refused() {
        let good = raw_data(Instrument::AuditC);
        let file: serde_json::Value = serde_json::from_str(good).unwrap();

        let mut short = file.clone();
        short["versions"][0]["items"].as_array_mut().unwrap().pop();
        let e = load(Instrument::AuditC, &short.to_string()).unwrap_err();
        assert!(e.contains("2 items; auditc has 3"), "{e}");

        let mut gap = file.clone();
        gap["versions"][1]["items"][2]["response_options"]
            .as_array_mut()
            .unwrap()
            .remove(1);
        let e = load(Instrument::AuditC, &gap.to_string()).unwrap_err();
        assert!(
            e.contains("(es): item 3 needs labelled options for 0 to 4"),
            "{e}"
        );

        let e = load(Instrument::Phq9, good).unwrap_err();
        assert!(e.contains("is for auditc instead"), "{e}");
    }

    #[test]
    fn long_input_is_shortened_in_error_messages() {
        let e = "x".repeat(100).parse::<Instrument>().unwrap_err();
        assert_eq!(
            e,
            ScoreError::UnknownInstrument(format!("{}…", "x".repeat(20)))
        );
    }
}
