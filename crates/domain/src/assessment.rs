//! The clinician's assessment of whether online care is appropriate for a client.
//!
//! Seed 000: online therapy "is inappropriate with high-risk patients", "makes it easy to
//! conceal emotions and information", "excludes patients who do not have the financial
//! resources to gain access to the Internet", and "cannot ensure the true identity of
//! patients". Seed 002: "Therapists should conduct thorough risk assessments for potential
//! crises during online sessions"; clients need a private space; online therapy has limits.
//! Standard 9-4: "Social workers should fully evaluate potential clients for
//! appropriateness for online social work interventions", using "assessment instruments
//! that are valid, reliable".
//!
//! The assessment records current risk (informed by screening: [`suggest_risk_floor`]),
//! psychosis or severe impairment, substance use, safety at home (including intimate-partner
//! violence) and privacy, technology access and skills, sensory or cognitive needs, and the
//! client's preference; it ends in an [`Outcome`]: suitable, suitable with listed
//! safeguards, or refer to in-person care with a referral note. It carries a revisit date:
//! 90 days by default, 30 when safeguards were needed.

use std::fmt;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::instruments::{Flag, Instrument, Score, Severity};
use crate::UserId;

/// Days until an assessment should be revisited, by default.
pub const REVISIT_DAYS: i64 = 90;
/// Days until an assessment with safeguards should be revisited, by default.
pub const REVISIT_DAYS_WITH_SAFEGUARDS: i64 = 30;
/// The most a free-text field may hold, in characters.
pub const MAX_TEXT: usize = 2_000;

/// Current risk of harm to self or others, as the clinician judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    None,
    Low,
    Moderate,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::None,
        RiskLevel::Low,
        RiskLevel::Moderate,
        RiskLevel::High,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::None => "none",
            RiskLevel::Low => "low",
            RiskLevel::Moderate => "moderate",
            RiskLevel::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lowest current risk the screening results suggest, and why. A prompt for the
/// clinician, not a judgement: a clinician may record a lower risk, with a rationale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFloor {
    pub level: RiskLevel,
    /// One plain sentence per result that raised the floor.
    pub reasons: Vec<String>,
}

/// The floor the screening results suggest for current risk.
///
/// `scores` are the client's latest results (any of PHQ-9, GAD-7, PCL-5, AUDIT-C);
/// `phq9_item9` is the answer to PHQ-9 item 9 (0–3) when known. The rules are Alcove's
/// defaults, chosen to send the clinician to a safety assessment, not a validated
/// algorithm:
///
/// | result | floor |
/// | --- | --- |
/// | PHQ-9 item 9 answered 2 or 3 ("more than half the days", "nearly every day") | high |
/// | PHQ-9 item 9 answered 1, or flagged with the answer unknown | moderate |
/// | PHQ-9 total 20 or more (severe) | moderate |
/// | PHQ-9 total 15–19 (moderately severe) | low |
/// | GAD-7 total 15 or more (severe) | low |
/// | PCL-5 probable PTSD | low |
/// | AUDIT-C total 8 or more | moderate |
/// | AUDIT-C positive | low |
///
/// Item 9 leads because any thought of death or self-harm needs a safety assessment
/// before care goes online (seed 000: online therapy "is inappropriate with high-risk
/// patients"), and more frequent thoughts were followed by more suicide attempts in a
/// large outpatient cohort (Simon et al., Psychiatric Services, 2013). AUDIT-C totals of
/// 8–12 are commonly read as a high likelihood of an alcohol use disorder.
pub fn suggest_risk_floor(scores: &[Score], phq9_item9: Option<u8>) -> RiskFloor {
    let mut floor = RiskFloor {
        level: RiskLevel::None,
        reasons: Vec::new(),
    };
    let mut raise = |level: RiskLevel, reason: String| {
        floor.level = floor.level.max(level);
        floor.reasons.push(reason);
    };
    for s in scores {
        match s.instrument {
            Instrument::Phq9 => {
                let flagged = s.flags.contains(&Flag::Phq9Item9);
                match phq9_item9 {
                    Some(a) if a >= 2 => raise(
                        RiskLevel::High,
                        format!("PHQ-9 item 9 (thoughts of death or self-harm) was answered {a}: on more than half the days."),
                    ),
                    Some(1) => raise(
                        RiskLevel::Moderate,
                        "PHQ-9 item 9 (thoughts of death or self-harm) was answered 1: on several days.".into(),
                    ),
                    None if flagged => raise(
                        RiskLevel::Moderate,
                        "PHQ-9 item 9 (thoughts of death or self-harm) was answered above 0.".into(),
                    ),
                    _ => {}
                }
                if s.severity == Severity::Severe {
                    raise(
                        RiskLevel::Moderate,
                        format!("PHQ-9 total {} is severe.", s.total),
                    );
                } else if s.severity == Severity::ModeratelySevere {
                    raise(
                        RiskLevel::Low,
                        format!("PHQ-9 total {} is moderately severe.", s.total),
                    );
                }
            }
            Instrument::Gad7 if s.severity == Severity::Severe => raise(
                RiskLevel::Low,
                format!("GAD-7 total {} is severe.", s.total),
            ),
            Instrument::Pcl5 if s.severity == Severity::ProbablePtsd => raise(
                RiskLevel::Low,
                format!("PCL-5 total {} suggests probable PTSD.", s.total),
            ),
            Instrument::AuditC if s.total >= 8 => raise(
                RiskLevel::Moderate,
                format!("AUDIT-C total {} suggests heavy drinking.", s.total),
            ),
            Instrument::AuditC if s.severity == Severity::Positive => raise(
                RiskLevel::Low,
                format!("AUDIT-C total {} is positive.", s.total),
            ),
            _ => {}
        }
    }
    floor
}

/// How much a factor weighs against online care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    None,
    Some,
    Significant,
}

impl Concern {
    pub fn as_str(self) -> &'static str {
        match self {
            Concern::None => "none",
            Concern::Some => "some",
            Concern::Significant => "significant",
        }
    }

    pub fn parse(s: &str) -> Option<Concern> {
        [Concern::None, Concern::Some, Concern::Significant]
            .into_iter()
            .find(|c| c.as_str() == s.trim())
    }
}

/// Psychosis or severe impairment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Impairment {
    None,
    /// A history, stable now.
    HistoryStable,
    /// Present now.
    Active,
}

impl Impairment {
    pub fn as_str(self) -> &'static str {
        match self {
            Impairment::None => "none",
            Impairment::HistoryStable => "history_stable",
            Impairment::Active => "active",
        }
    }

    pub fn parse(s: &str) -> Option<Impairment> {
        [
            Impairment::None,
            Impairment::HistoryStable,
            Impairment::Active,
        ]
        .into_iter()
        .find(|c| c.as_str() == s.trim())
    }
}

/// What the client would choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preference {
    Online,
    InPerson,
    NoPreference,
}

impl Preference {
    pub fn as_str(self) -> &'static str {
        match self {
            Preference::Online => "online",
            Preference::InPerson => "in_person",
            Preference::NoPreference => "no_preference",
        }
    }

    pub fn parse(s: &str) -> Option<Preference> {
        [
            Preference::Online,
            Preference::InPerson,
            Preference::NoPreference,
        ]
        .into_iter()
        .find(|c| c.as_str() == s.trim())
    }
}

/// Where the assessment ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Suitable,
    /// Online care with these safeguards (never empty).
    SuitableWithSafeguards {
        safeguards: Vec<String>,
    },
    /// Not online: refer to in-person care (the note is never empty).
    ReferInPerson {
        referral_note: String,
    },
}

/// The outcome without its details, for the readiness check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Suitable,
    SuitableWithSafeguards,
    ReferInPerson,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Suitable => "suitable",
            OutcomeKind::SuitableWithSafeguards => "suitable_with_safeguards",
            OutcomeKind::ReferInPerson => "refer_in_person",
        }
    }

    pub fn parse(s: &str) -> Option<OutcomeKind> {
        [
            OutcomeKind::Suitable,
            OutcomeKind::SuitableWithSafeguards,
            OutcomeKind::ReferInPerson,
        ]
        .into_iter()
        .find(|c| c.as_str() == s.trim())
    }

    /// Whether online sessions may go ahead.
    pub fn allows_online(self) -> bool {
        !matches!(self, OutcomeKind::ReferInPerson)
    }

    /// Days until the assessment should be revisited, by default.
    pub fn default_revisit_days(self) -> i64 {
        match self {
            OutcomeKind::SuitableWithSafeguards => REVISIT_DAYS_WITH_SAFEGUARDS,
            OutcomeKind::Suitable | OutcomeKind::ReferInPerson => REVISIT_DAYS,
        }
    }
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Suitable => OutcomeKind::Suitable,
            Outcome::SuitableWithSafeguards { .. } => OutcomeKind::SuitableWithSafeguards,
            Outcome::ReferInPerson { .. } => OutcomeKind::ReferInPerson,
        }
    }

    pub fn allows_online(&self) -> bool {
        self.kind().allows_online()
    }
}

/// A completed, dated appropriateness assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub assessed_on: NaiveDate,
    pub assessed_by: UserId,
    pub current_risk: RiskLevel,
    /// What the screening suggested when the assessment was made.
    pub risk_floor: RiskFloor,
    /// Why the risk is what it is; required when it is below the screening's floor.
    pub risk_rationale: Option<String>,
    pub psychosis_or_severe_impairment: Impairment,
    pub substance_use: Concern,
    /// Safety where the client lives.
    pub home_safety: Concern,
    /// Concern about violence from a partner (who may be near during sessions).
    pub intimate_partner_violence: bool,
    /// Whether the client can find a private place for sessions.
    pub privacy: Concern,
    /// Access to a device and connection, and the skills to use them.
    pub technology: Concern,
    pub sensory_or_cognitive_needs: Concern,
    pub client_preference: Preference,
    pub outcome: Outcome,
    pub revisit_on: NaiveDate,
    pub notes: Option<String>,
}

impl Assessment {
    /// The assessment is still in force on `today` (not past its revisit date).
    pub fn is_current(&self, today: NaiveDate) -> bool {
        today <= self.revisit_on
    }
}

/// What the assessment form sends, as text. Enumerations use the `as_str` words above;
/// `intimate_partner_violence` is `yes` or `no`; blank `revisit_on` takes the default.
#[derive(Clone, Debug, Default)]
pub struct AssessmentForm<'a> {
    pub current_risk: &'a str,
    pub risk_rationale: &'a str,
    pub psychosis_or_severe_impairment: &'a str,
    pub substance_use: &'a str,
    pub home_safety: &'a str,
    pub intimate_partner_violence: &'a str,
    pub privacy: &'a str,
    pub technology: &'a str,
    pub sensory_or_cognitive_needs: &'a str,
    pub client_preference: &'a str,
    pub outcome: &'a str,
    /// One safeguard a line (blank lines ignored).
    pub safeguards: Vec<&'a str>,
    pub referral_note: &'a str,
    pub revisit_on: &'a str,
    pub notes: &'a str,
}

/// Each problem names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("{0}: choose an answer")]
    Missing(&'static str),
    #[error("{field}: {value:?} is not one of the answers")]
    Invalid { field: &'static str, value: String },
    #[error("{0}: at most {MAX_TEXT} characters")]
    TooLong(&'static str),
    #[error("risk_rationale: the screening suggests at least {floor} risk; say why the current risk is lower")]
    RationaleNeeded { floor: RiskLevel },
    #[error("outcome: with high current risk, online care needs listed safeguards or a referral to in-person care")]
    HighRiskNeedsSafeguards,
    #[error("outcome: with active psychosis or severe impairment, online care needs listed safeguards or a referral to in-person care")]
    ActiveImpairmentNeedsSafeguards,
    #[error("outcome: with a concern about intimate-partner violence, online care needs listed safeguards (such as a code word and a check that the client is alone) or a referral")]
    PartnerViolenceNeedsSafeguards,
    #[error("safeguards: list at least one safeguard")]
    SafeguardsMissing,
    #[error("safeguards: safeguards are listed, so the outcome is suitable_with_safeguards")]
    SafeguardsWithoutThatOutcome,
    #[error("referral_note: say where the client is referred and why")]
    ReferralNoteMissing,
    #[error("revisit_on: a date (YYYY-MM-DD)")]
    RevisitNotADate,
    #[error("revisit_on: the revisit date must be after today and no later than {latest}")]
    RevisitOutOfRange { latest: NaiveDate },
}

impl AssessmentError {
    pub fn field(&self) -> &'static str {
        match self {
            AssessmentError::Missing(f) | AssessmentError::TooLong(f) => f,
            AssessmentError::Invalid { field, .. } => field,
            AssessmentError::RationaleNeeded { .. } => "risk_rationale",
            AssessmentError::HighRiskNeedsSafeguards
            | AssessmentError::ActiveImpairmentNeedsSafeguards
            | AssessmentError::PartnerViolenceNeedsSafeguards => "outcome",
            AssessmentError::SafeguardsMissing | AssessmentError::SafeguardsWithoutThatOutcome => {
                "safeguards"
            }
            AssessmentError::ReferralNoteMissing => "referral_note",
            AssessmentError::RevisitNotADate | AssessmentError::RevisitOutOfRange { .. } => {
                "revisit_on"
            }
        }
    }
}

fn pick<T>(
    field: &'static str,
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<AssessmentError>,
) -> Option<T> {
    let s = s.trim();
    if s.is_empty() {
        errors.push(AssessmentError::Missing(field));
        return None;
    }
    let v = parse(s);
    if v.is_none() {
        errors.push(AssessmentError::Invalid {
            field,
            value: s.chars().take(40).collect(),
        });
    }
    v
}

fn text(field: &'static str, s: &str, errors: &mut Vec<AssessmentError>) -> Option<String> {
    let s: String = s
        .trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if s.chars().count() > MAX_TEXT {
        errors.push(AssessmentError::TooLong(field));
        return None;
    }
    (!s.is_empty()).then_some(s)
}

impl Assessment {
    /// Checks a completed assessment form. `floor` is [`suggest_risk_floor`] on the
    /// client's latest screening; `today` is the date it is signed. All problems are
    /// returned at once.
    pub fn parse(
        form: &AssessmentForm<'_>,
        floor: &RiskFloor,
        assessed_by: UserId,
        today: NaiveDate,
    ) -> Result<Assessment, Vec<AssessmentError>> {
        let mut e = Vec::new();
        let current_risk = pick("current_risk", form.current_risk, RiskLevel::parse, &mut e);
        let risk_rationale = text("risk_rationale", form.risk_rationale, &mut e);
        let impairment = pick(
            "psychosis_or_severe_impairment",
            form.psychosis_or_severe_impairment,
            Impairment::parse,
            &mut e,
        );
        let substance_use = pick("substance_use", form.substance_use, Concern::parse, &mut e);
        let home_safety = pick("home_safety", form.home_safety, Concern::parse, &mut e);
        let ipv = pick(
            "intimate_partner_violence",
            form.intimate_partner_violence,
            |s| match s.to_ascii_lowercase().as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            &mut e,
        );
        let privacy = pick("privacy", form.privacy, Concern::parse, &mut e);
        let technology = pick("technology", form.technology, Concern::parse, &mut e);
        let needs = pick(
            "sensory_or_cognitive_needs",
            form.sensory_or_cognitive_needs,
            Concern::parse,
            &mut e,
        );
        let preference = pick(
            "client_preference",
            form.client_preference,
            Preference::parse,
            &mut e,
        );
        let kind = pick("outcome", form.outcome, OutcomeKind::parse, &mut e);
        let notes = text("notes", form.notes, &mut e);
        let referral_note = text("referral_note", form.referral_note, &mut e);
        let mut safeguards = Vec::new();
        for s in &form.safeguards {
            if let Some(s) = text("safeguards", s, &mut e) {
                safeguards.push(s);
            }
        }

        if let Some(risk) = current_risk {
            if risk < floor.level && risk_rationale.is_none() {
                e.push(AssessmentError::RationaleNeeded { floor: floor.level });
            }
        }

        // Seed 000: online therapy "is inappropriate with high-risk patients"; seed 002:
        // "thorough risk assessments" and emergency plans before online sessions. Alcove
        // does not let high current risk, active psychosis or severe impairment, or a
        // partner who may be in the room end in plain "suitable": online care then needs
        // safeguards the clinician names (a tighter safety plan, more frequent contact, a
        // code word and a check that the client is alone) or a referral to in-person care.
        if kind == Some(OutcomeKind::Suitable) {
            if current_risk == Some(RiskLevel::High) {
                e.push(AssessmentError::HighRiskNeedsSafeguards);
            }
            if impairment == Some(Impairment::Active) {
                e.push(AssessmentError::ActiveImpairmentNeedsSafeguards);
            }
            if ipv == Some(true) {
                e.push(AssessmentError::PartnerViolenceNeedsSafeguards);
            }
        }
        let outcome = match kind {
            Some(OutcomeKind::Suitable) => {
                if !safeguards.is_empty() {
                    e.push(AssessmentError::SafeguardsWithoutThatOutcome);
                }
                Some(Outcome::Suitable)
            }
            Some(OutcomeKind::SuitableWithSafeguards) => {
                if safeguards.is_empty() {
                    e.push(AssessmentError::SafeguardsMissing);
                }
                Some(Outcome::SuitableWithSafeguards {
                    safeguards: safeguards.clone(),
                })
            }
            Some(OutcomeKind::ReferInPerson) => match &referral_note {
                Some(note) => Some(Outcome::ReferInPerson {
                    referral_note: note.clone(),
                }),
                None => {
                    e.push(AssessmentError::ReferralNoteMissing);
                    None
                }
            },
            None => None,
        };

        // The revisit date: the default for the outcome, or sooner; never later.
        let revisit_on = kind.and_then(|k| {
            let latest = today + Duration::days(k.default_revisit_days());
            match form.revisit_on.trim() {
                "" => Some(latest),
                s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    Ok(d) if d > today && d <= latest => Some(d),
                    Ok(_) => {
                        e.push(AssessmentError::RevisitOutOfRange { latest });
                        None
                    }
                    Err(_) => {
                        e.push(AssessmentError::RevisitNotADate);
                        None
                    }
                },
            }
        });

        match (
            current_risk,
            impairment,
            substance_use,
            home_safety,
            ipv,
            privacy,
            technology,
            needs,
            preference,
            outcome,
            revisit_on,
        ) {
            (
                Some(current_risk),
                Some(psychosis_or_severe_impairment),
                Some(substance_use),
                Some(home_safety),
                Some(intimate_partner_violence),
                Some(privacy),
                Some(technology),
                Some(sensory_or_cognitive_needs),
                Some(client_preference),
                Some(outcome),
                Some(revisit_on),
            ) if e.is_empty() => Ok(Assessment {
                assessed_on: today,
                assessed_by,
                current_risk,
                risk_floor: floor.clone(),
                risk_rationale,
                psychosis_or_severe_impairment,
                substance_use,
                home_safety,
                intimate_partner_violence,
                privacy,
                technology,
                sensory_or_cognitive_needs,
                client_preference,
                outcome,
                revisit_on,
                notes,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::{score, Sex};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn clinician() -> UserId {
        UserId(Uuid::nil())
    }

    fn none_floor() -> RiskFloor {
        suggest_risk_floor(&[], None)
    }

    fn form() -> AssessmentForm<'static> {
        AssessmentForm {
            current_risk: "low",
            risk_rationale: "",
            psychosis_or_severe_impairment: "none",
            substance_use: "none",
            home_safety: "none",
            intimate_partner_violence: "no",
            privacy: "none",
            technology: "some",
            sensory_or_cognitive_needs: "none",
            client_preference: "online",
            outcome: "suitable",
            safeguards: vec![],
            referral_note: "",
            revisit_on: "",
            notes: "",
        }
    }

    fn phq9(answers: [u8; 9]) -> Score {
        score(Instrument::Phq9, &answers, None).unwrap()
    }

    #[test]
    fn the_risk_floor_follows_phq9_item_9_first() {
        let low_total_item9 = phq9([0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let f = suggest_risk_floor(std::slice::from_ref(&low_total_item9), Some(1));
        assert_eq!(f.level, RiskLevel::Moderate);
        assert!(f.reasons[0].contains("item 9"));
        assert_eq!(
            suggest_risk_floor(&[phq9([0, 0, 0, 0, 0, 0, 0, 0, 2])], Some(2)).level,
            RiskLevel::High
        );
        assert_eq!(
            suggest_risk_floor(&[phq9([0, 0, 0, 0, 0, 0, 0, 0, 3])], Some(3)).level,
            RiskLevel::High
        );
        // Flagged but the answer itself not at hand: moderate.
        assert_eq!(
            suggest_risk_floor(&[low_total_item9], None).level,
            RiskLevel::Moderate
        );
        assert_eq!(
            suggest_risk_floor(&[phq9([0; 9])], Some(0)).level,
            RiskLevel::None
        );
    }

    #[test]
    fn the_risk_floor_reads_totals_and_other_instruments() {
        let severe = phq9([3, 3, 3, 3, 3, 3, 2, 0, 0]);
        assert_eq!(severe.total, 20);
        assert_eq!(
            suggest_risk_floor(&[severe], Some(0)).level,
            RiskLevel::Moderate
        );
        let mod_severe = phq9([3, 3, 3, 3, 3, 0, 0, 0, 0]);
        assert_eq!(
            suggest_risk_floor(&[mod_severe], Some(0)).level,
            RiskLevel::Low
        );
        let gad = score(Instrument::Gad7, &[3, 3, 3, 3, 3, 0, 0], None).unwrap();
        assert_eq!(suggest_risk_floor(&[gad], None).level, RiskLevel::Low);
        let pcl = score(Instrument::Pcl5, &[2; 20], None).unwrap();
        assert_eq!(suggest_risk_floor(&[pcl], None).level, RiskLevel::Low);
        let audit_pos = score(Instrument::AuditC, &[1, 1, 1], Some(Sex::Female)).unwrap();
        assert_eq!(suggest_risk_floor(&[audit_pos], None).level, RiskLevel::Low);
        let audit_heavy = score(Instrument::AuditC, &[4, 2, 2], Some(Sex::Male)).unwrap();
        let f = suggest_risk_floor(&[audit_heavy, phq9([0; 9])], Some(0));
        assert_eq!(f.level, RiskLevel::Moderate);
        assert_eq!(f.reasons.len(), 1);
    }

    #[test]
    fn a_plain_suitable_assessment_is_revisited_in_90_days() {
        let a = Assessment::parse(&form(), &none_floor(), clinician(), d("2026-11-23")).unwrap();
        assert_eq!(a.outcome, Outcome::Suitable);
        assert_eq!(a.revisit_on, d("2027-02-21"));
        assert!(a.is_current(d("2027-02-21")));
        assert!(!a.is_current(d("2027-02-22")));
    }

    #[test]
    fn safeguards_bring_the_revisit_sooner_and_must_be_listed() {
        let mut f = form();
        f.outcome = "suitable_with_safeguards";
        let errs = Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap_err();
        assert_eq!(errs, vec![AssessmentError::SafeguardsMissing]);
        f.safeguards = vec![
            "Check at the start of each session that the client is alone",
            " ",
        ];
        let a = Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap();
        assert_eq!(a.revisit_on, d("2026-12-23"));
        assert_eq!(
            a.outcome,
            Outcome::SuitableWithSafeguards {
                safeguards: vec![
                    "Check at the start of each session that the client is alone".into()
                ]
            }
        );
        // A sooner date is fine; a later one is not.
        f.revisit_on = "2026-12-01";
        assert_eq!(
            Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23"))
                .unwrap()
                .revisit_on,
            d("2026-12-01")
        );
        f.revisit_on = "2027-01-30";
        assert_eq!(
            Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap_err(),
            vec![AssessmentError::RevisitOutOfRange {
                latest: d("2026-12-23")
            }]
        );
        f.revisit_on = "2026-11-23";
        assert_eq!(
            Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap_err()[0]
                .field(),
            "revisit_on"
        );
    }

    #[test]
    fn high_risk_active_psychosis_or_partner_violence_cannot_end_in_plain_suitable() {
        let today = d("2026-11-23");
        let cases = [
            (
                "current_risk",
                "high",
                AssessmentError::HighRiskNeedsSafeguards,
            ),
            (
                "psychosis_or_severe_impairment",
                "active",
                AssessmentError::ActiveImpairmentNeedsSafeguards,
            ),
            (
                "intimate_partner_violence",
                "yes",
                AssessmentError::PartnerViolenceNeedsSafeguards,
            ),
        ];
        for (field, value, expected) in cases {
            let mut f = form();
            match field {
                "current_risk" => f.current_risk = value,
                "psychosis_or_severe_impairment" => f.psychosis_or_severe_impairment = value,
                _ => f.intimate_partner_violence = value,
            }
            assert_eq!(
                Assessment::parse(&f, &none_floor(), clinician(), today).unwrap_err(),
                vec![expected.clone()],
                "{field}"
            );
            f.outcome = "suitable_with_safeguards";
            f.safeguards = vec!["Weekly phone check-in; safety plan reviewed every session"];
            assert!(
                Assessment::parse(&f, &none_floor(), clinician(), today).is_ok(),
                "{field}"
            );
            f.outcome = "refer_in_person";
            f.safeguards = vec![];
            f.referral_note = "Referred to the community mental health center for in-person care";
            let a = Assessment::parse(&f, &none_floor(), clinician(), today).unwrap();
            assert!(!a.outcome.allows_online());
        }
    }

    #[test]
    fn a_risk_below_the_screening_floor_needs_a_rationale() {
        let floor = suggest_risk_floor(&[phq9([1, 1, 1, 1, 1, 0, 0, 0, 1])], Some(1));
        assert_eq!(floor.level, RiskLevel::Moderate);
        let errs = Assessment::parse(&form(), &floor, clinician(), d("2026-11-23")).unwrap_err();
        assert_eq!(
            errs,
            vec![AssessmentError::RationaleNeeded {
                floor: RiskLevel::Moderate
            }]
        );
        let mut f = form();
        f.risk_rationale = "Passive thoughts last month, none now; no plan, intent or history; protective factors strong.";
        let a = Assessment::parse(&f, &floor, clinician(), d("2026-11-23")).unwrap();
        assert_eq!(a.risk_floor.level, RiskLevel::Moderate);
        assert!(a.risk_rationale.is_some());
    }

    #[test]
    fn a_referral_needs_its_note_and_every_problem_names_its_field() {
        let f = AssessmentForm {
            current_risk: "extreme",
            outcome: "refer_in_person",
            safeguards: vec![],
            ..Default::default()
        };
        let errs = Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(AssessmentError::field).collect();
        assert_eq!(
            fields,
            vec![
                "current_risk",
                "psychosis_or_severe_impairment",
                "substance_use",
                "home_safety",
                "intimate_partner_violence",
                "privacy",
                "technology",
                "sensory_or_cognitive_needs",
                "client_preference",
                "referral_note",
            ]
        );
        let mut f = form();
        f.safeguards = vec!["Something"];
        assert_eq!(
            Assessment::parse(&f, &none_floor(), clinician(), d("2026-11-23")).unwrap_err(),
            vec![AssessmentError::SafeguardsWithoutThatOutcome]
        );
    }

    proptest! {
        #[test]
        fn no_accepted_assessment_is_plain_suitable_with_high_risk_or_active_impairment(
            risk in 0usize..4, imp in 0usize..3, ipv in any::<bool>(), outcome in 0usize..3,
            safeguard in any::<bool>(), note in any::<bool>(), days in 0i64..120,
        ) {
            let risks = ["none", "low", "moderate", "high"];
            let imps = ["none", "history_stable", "active"];
            let outcomes = ["suitable", "suitable_with_safeguards", "refer_in_person"];
            let today = d("2026-11-23");
            let revisit = (today + Duration::days(days)).to_string();
            let mut f = form();
            f.current_risk = risks[risk];
            f.psychosis_or_severe_impairment = imps[imp];
            f.intimate_partner_violence = if ipv { "yes" } else { "no" };
            f.outcome = outcomes[outcome];
            f.safeguards = if safeguard { vec!["A named safeguard"] } else { vec![] };
            f.referral_note = if note { "Referred locally" } else { "" };
            f.revisit_on = &revisit;
            if let Ok(a) = Assessment::parse(&f, &none_floor(), clinician(), today) {
                let risky = a.current_risk == RiskLevel::High
                    || a.psychosis_or_severe_impairment == Impairment::Active
                    || a.intimate_partner_violence;
                prop_assert!(!(risky && a.outcome == Outcome::Suitable));
                prop_assert!(a.revisit_on > today);
                prop_assert!(a.revisit_on <= today + Duration::days(a.outcome.kind().default_revisit_days()));
                if let Outcome::SuitableWithSafeguards { safeguards } = &a.outcome {
                    prop_assert!(!safeguards.is_empty());
                }
                if let Outcome::ReferInPerson { referral_note } = &a.outcome {
                    prop_assert!(!referral_note.is_empty());
                }
            }
        }

        #[test]
        fn the_floor_only_rises_as_results_are_added(item9 in 0u8..4, extra in 0u8..4) {
            let mut answers = [0u8; 9];
            answers[8] = item9;
            answers[0] = extra;
            let one = suggest_risk_floor(&[phq9(answers)], Some(item9));
            let gad = score(Instrument::Gad7, &[3; 7], None).unwrap();
            let two = suggest_risk_floor(&[phq9(answers), gad], Some(item9));
            prop_assert!(two.level >= one.level);
            prop_assert_eq!(one.level >= RiskLevel::Moderate, item9 >= 1);
        }
    }
}
