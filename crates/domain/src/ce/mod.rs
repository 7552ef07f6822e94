//! Continuing education: is a clinician on course to renew each licence?
//!
//! NASW/ASWB Technology Standard 10 (seed 003): social workers keep their competence
//! current through continuing education, technology included; licensing boards make that
//! concrete as hours per renewal cycle, some of them in named subjects.
//!
//! - [`CeActivity::parse`] reads a completed activity from a web form, naming the field at fault.
//! - [`Requirements`] is the repository data (`data/ce/requirements.json`): hours per cycle
//!   and per category, by jurisdiction and profession, each with its source and as-of date.
//!   The figures are unverified ([`Requirement::verify`]); pages must say so.
//! - [`progress`] measures one licence's cycle; [`progress_by_licence`] does every licence in
//!   a credentials set, counting for each only the activities named for it ([`LicenceRef`])
//!   or for every licence, and never guesses where there is no data.
//!
//! No I/O and no clock: `today` is passed in.

mod activity;
mod hours;
mod progress;
mod requirements;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::licensure::VocabularyError;

pub use activity::{
    ActivityError, ActivityForm, CeActivity, DateError, LicenceRef, LicenceRefError, TextError,
    MAX_APPROVAL_NUMBER, MAX_PROVIDER, MAX_TITLE,
};
pub use hours::{CreditHours, Hours, HoursError};
pub use progress::{
    progress, progress_by_licence, CategoryProgress, CeStatus, CycleWindow, LicenceProgress,
    Progress, WARNING_DAYS,
};
pub use requirements::{CategoryMinimum, Requirement, Requirements, RequirementsError};

fn vocabulary_error(word: &str, expected: &'static [&'static str]) -> VocabularyError {
    VocabularyError {
        word: word.chars().take(40).collect(),
        expected,
    }
}

/// The subjects boards name in their CE rules. A closed set: a board rule that names a new
/// subject is a change here and in the data, reviewed together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeCategory {
    /// Professional ethics and boundaries.
    Ethics,
    /// The state's own practice act and board rules (jurisprudence).
    LawsAndRules,
    /// Technology and telehealth practice (Standard 10 names it).
    Technology,
    /// Assessment and treatment; clinical practice in general.
    Clinical,
    /// Cultural competence, diversity and social justice.
    CulturalCompetence,
    /// Implicit bias awareness (some states name it apart from cultural competence).
    ImplicitBias,
    /// Suicide assessment, treatment and management.
    SuicidePrevention,
    /// Domestic and intimate partner violence.
    DomesticViolence,
    /// Recognising and reporting child abuse (mandated reporting).
    ChildAbuse,
    /// Recognising and responding to human trafficking.
    HumanTrafficking,
    /// Prevention of medical (clinical) errors.
    MedicalErrors,
    /// Substance use, including opioid and pain-management topics.
    SubstanceUse,
    /// Clinical supervision (often required of supervisors only).
    Supervision,
    /// Anything a board accepts that the rules do not name.
    Other,
}

impl CeCategory {
    pub const ALL: [CeCategory; 14] = [
        CeCategory::Ethics,
        CeCategory::LawsAndRules,
        CeCategory::Technology,
        CeCategory::Clinical,
        CeCategory::CulturalCompetence,
        CeCategory::ImplicitBias,
        CeCategory::SuicidePrevention,
        CeCategory::DomesticViolence,
        CeCategory::ChildAbuse,
        CeCategory::HumanTrafficking,
        CeCategory::MedicalErrors,
        CeCategory::SubstanceUse,
        CeCategory::Supervision,
        CeCategory::Other,
    ];
    const WORDS: &'static [&'static str] = &[
        "ethics",
        "laws_and_rules",
        "technology",
        "clinical",
        "cultural_competence",
        "implicit_bias",
        "suicide_prevention",
        "domestic_violence",
        "child_abuse",
        "human_trafficking",
        "medical_errors",
        "substance_use",
        "supervision",
        "other",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CeCategory::Ethics => "ethics",
            CeCategory::LawsAndRules => "laws_and_rules",
            CeCategory::Technology => "technology",
            CeCategory::Clinical => "clinical",
            CeCategory::CulturalCompetence => "cultural_competence",
            CeCategory::ImplicitBias => "implicit_bias",
            CeCategory::SuicidePrevention => "suicide_prevention",
            CeCategory::DomesticViolence => "domestic_violence",
            CeCategory::ChildAbuse => "child_abuse",
            CeCategory::HumanTrafficking => "human_trafficking",
            CeCategory::MedicalErrors => "medical_errors",
            CeCategory::SubstanceUse => "substance_use",
            CeCategory::Supervision => "supervision",
            CeCategory::Other => "other",
        }
    }

    /// The category in plain words, for sentences.
    pub fn words(self) -> &'static str {
        match self {
            CeCategory::Ethics => "ethics",
            CeCategory::LawsAndRules => "laws and rules",
            CeCategory::Technology => "technology and telehealth",
            CeCategory::Clinical => "clinical practice",
            CeCategory::CulturalCompetence => "cultural competence",
            CeCategory::ImplicitBias => "implicit bias",
            CeCategory::SuicidePrevention => "suicide prevention",
            CeCategory::DomesticViolence => "domestic violence",
            CeCategory::ChildAbuse => "child abuse recognition and reporting",
            CeCategory::HumanTrafficking => "human trafficking",
            CeCategory::MedicalErrors => "prevention of medical errors",
            CeCategory::SubstanceUse => "substance use",
            CeCategory::Supervision => "supervision",
            CeCategory::Other => "other subjects",
        }
    }
}

impl FromStr for CeCategory {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CeCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| vocabulary_error(s, CeCategory::WORDS))
    }
}

impl fmt::Display for CeCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an activity was delivered. Boards treat live (interactive) and self-study hours
/// differently, so the format is recorded with every activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeFormat {
    /// In a room with the presenter.
    LiveInPerson,
    /// Live and interactive over video (a webinar with questions).
    LiveOnline,
    /// Recorded, written or home-study material, with no live presenter.
    SelfStudy,
    /// A course at an accredited college or university.
    AcademicCourse,
    /// Presenting or teaching a CE course (credit rules vary by board).
    Presenting,
}

impl CeFormat {
    pub const ALL: [CeFormat; 5] = [
        CeFormat::LiveInPerson,
        CeFormat::LiveOnline,
        CeFormat::SelfStudy,
        CeFormat::AcademicCourse,
        CeFormat::Presenting,
    ];
    const WORDS: &'static [&'static str] = &[
        "live_in_person",
        "live_online",
        "self_study",
        "academic_course",
        "presenting",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CeFormat::LiveInPerson => "live_in_person",
            CeFormat::LiveOnline => "live_online",
            CeFormat::SelfStudy => "self_study",
            CeFormat::AcademicCourse => "academic_course",
            CeFormat::Presenting => "presenting",
        }
    }

    /// Live and interactive, in person or online.
    pub fn is_live(self) -> bool {
        matches!(self, CeFormat::LiveInPerson | CeFormat::LiveOnline)
    }
}

impl FromStr for CeFormat {
    type Err = VocabularyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CeFormat::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| vocabulary_error(s, CeFormat::WORDS))
    }
}

impl fmt::Display for CeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_words_round_trip() {
        assert_eq!(CeCategory::ALL.len(), CeCategory::WORDS.len());
        for (c, w) in CeCategory::ALL.into_iter().zip(CeCategory::WORDS) {
            assert_eq!(c.as_str(), *w);
            assert_eq!(w.parse::<CeCategory>(), Ok(c));
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::json!(w)),
                "serde uses the same word"
            );
        }
        assert_eq!(CeFormat::ALL.len(), CeFormat::WORDS.len());
        for (f, w) in CeFormat::ALL.into_iter().zip(CeFormat::WORDS) {
            assert_eq!(f.as_str(), *w);
            assert_eq!(w.parse::<CeFormat>(), Ok(f));
        }
    }

    #[test]
    fn unknown_words_list_the_vocabulary() {
        assert_eq!(
            "webinar".parse::<CeFormat>().unwrap_err().to_string(),
            "\"webinar\" is not one of live_in_person, live_online, self_study, academic_course, presenting"
        );
        assert!(
            "Ethics".parse::<CeCategory>().is_err(),
            "words are snake_case"
        );
        assert!("telehealth".parse::<CeCategory>().is_err());
    }

    /// docs/standards.md, Std 10: renewal requirements are data with their sources.
    #[test]
    fn renewal_requirements_load_from_data_with_sources() {
        let req = Requirements::builtin().unwrap_or_else(|e| panic!("{e}"));
        assert!(!req.is_empty());
        for r in req.iter() {
            assert!(r.source.starts_with("https://"), "{}", r.jurisdiction);
            assert!(!r.hours.is_zero() && r.cycle_months > 0);
        }
        let ny: crate::Jurisdiction = "US-NY".parse().unwrap();
        let sw = req
            .requirement(&ny, crate::licensure::Profession::SocialWork)
            .unwrap();
        assert_eq!(sw.cycle_months, 36, "New York registers triennially");
    }

    #[test]
    fn only_live_formats_are_live() {
        let live: Vec<CeFormat> = CeFormat::ALL.into_iter().filter(|f| f.is_live()).collect();
        assert_eq!(live, [CeFormat::LiveInPerson, CeFormat::LiveOnline]);
    }
}
