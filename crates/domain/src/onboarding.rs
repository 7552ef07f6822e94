//! The path a new client walks to their first online session, and the one function that
//! says whether they have reached its end.
//!
//! Issue 5: invitation → account → verified contact details → identity → intake →
//! screening → consents signed → emergency & contingency plan → clinician's
//! appropriateness assessment → **ready for online sessions**. "Sessions cannot be booked
//! or started until 'ready' (the scheduling issue enforces it through one function this
//! issue provides)": that function is [`readiness`].
//!
//! The web layer fills a [`ReadinessInput`] from storage — facts only, each a date or a
//! version, nothing computed — and calls [`readiness`] with the client's date. The answer
//! lists the steps done and, for every step not done, each reason in words a client and a
//! clinician can act on ("consent to online therapy was updated to version 2 and must be
//! signed again"). The same answer drives the client's progress page and the clinician's
//! caseload view, so the two can never disagree with what scheduling enforces.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::age::{AgeOfConsent, ConsentStatus};
use crate::assessment::{Assessment, OutcomeKind};
use crate::consent::{ConsentDocument, ConsentKind, ContentHash, Signature, SignerRole};
use crate::emergency::EmergencyPlan;
use crate::instruments::{Instrument, Score};
use crate::{Jurisdiction, UserId};

/// Instruments a practice asks every new client to complete, unless it configures others.
pub const DEFAULT_SCREENINGS: [Instrument; 2] = [Instrument::Phq9, Instrument::Gad7];

/// Consents every client signs, unless the practice configures others (the telehealth
/// consent is always among them: see [`Reason::TelehealthConsentNotRequired`]).
pub const DEFAULT_CONSENTS: [ConsentKind; 2] = [
    ConsentKind::TelehealthInformedConsent,
    ConsentKind::PrivacyNoticeAcknowledgment,
];

/// A revisit date this close (in days) shows as a notice on the caseload.
pub const REVISIT_NOTICE_DAYS: i64 = 14;

/// The steps, in the order a client walks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Invited,
    Account,
    /// Email and phone both verified (Standard 6).
    ContactVerified,
    /// The clinician has recorded how the client's identity was checked (seed 000,
    /// Standard 6).
    IdentityVerified,
    Intake,
    Screening,
    /// Every required consent signed in its current version; a guardian's too for a minor
    /// who may not consent alone.
    Consents,
    EmergencyPlan,
    /// The clinician's appropriateness assessment allows online care and is current.
    Assessment,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::Invited,
        Step::Account,
        Step::ContactVerified,
        Step::IdentityVerified,
        Step::Intake,
        Step::Screening,
        Step::Consents,
        Step::EmergencyPlan,
        Step::Assessment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Invited => "invited",
            Step::Account => "account",
            Step::ContactVerified => "contact_verified",
            Step::IdentityVerified => "identity_verified",
            Step::Intake => "intake",
            Step::Screening => "screening",
            Step::Consents => "consents",
            Step::EmergencyPlan => "emergency_plan",
            Step::Assessment => "assessment",
        }
    }

    /// Plain words for the client's progress list.
    pub fn label(self) -> &'static str {
        match self {
            Step::Invited => "Invitation",
            Step::Account => "Your account",
            Step::ContactVerified => "Email and phone checked",
            Step::IdentityVerified => "Identity checked",
            Step::Intake => "About you (intake form)",
            Step::Screening => "Screening questions",
            Step::Consents => "Consent forms",
            Step::EmergencyPlan => "Emergency plan",
            Step::Assessment => "Your clinician's assessment",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the clinician checked who the client is (issue 5: "the clinician records how
/// identity was verified ... by whom and when"; no image is stored by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityMethod {
    /// Photo ID held up to the camera at the first session.
    PhotoIdOnCamera,
    /// Photo ID seen in person.
    PhotoIdInPerson,
    /// Confirmed by a referring clinician or agency that knows the client.
    ConfirmedByReferrer,
    /// Something else, described in the note.
    Other,
}

impl IdentityMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMethod::PhotoIdOnCamera => "photo_id_on_camera",
            IdentityMethod::PhotoIdInPerson => "photo_id_in_person",
            IdentityMethod::ConfirmedByReferrer => "confirmed_by_referrer",
            IdentityMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<IdentityMethod> {
        [
            IdentityMethod::PhotoIdOnCamera,
            IdentityMethod::PhotoIdInPerson,
            IdentityMethod::ConfirmedByReferrer,
            IdentityMethod::Other,
        ]
        .into_iter()
        .find(|m| m.as_str() == s.trim())
    }
}

/// The clinician's record of an identity check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityVerification {
    pub method: IdentityMethod,
    pub verified_by: UserId,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "method: choose photo_id_on_camera, photo_id_in_person, confirmed_by_referrer or other"
    )]
    Method,
    #[error("note: say how identity was checked")]
    NoteNeeded,
    #[error("note: at most 500 characters")]
    NoteTooLong,
}

impl IdentityVerification {
    /// Records a check; `other` needs a note saying what was done.
    pub fn record(
        method: &str,
        note: &str,
        verified_by: UserId,
        at: DateTime<Utc>,
    ) -> Result<IdentityVerification, IdentityError> {
        let method = IdentityMethod::parse(method).ok_or(IdentityError::Method)?;
        let note: String = note.trim().chars().filter(|c| !c.is_control()).collect();
        if note.chars().count() > 500 {
            return Err(IdentityError::NoteTooLong);
        }
        if method == IdentityMethod::Other && note.is_empty() {
            return Err(IdentityError::NoteNeeded);
        }
        Ok(IdentityVerification {
            method,
            verified_by,
            at,
            note: (!note.is_empty()).then_some(note),
        })
    }
}

/// Whether a guardian must consent too (see [`crate::age`]), and whether they have.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GuardianConsent {
    /// An adult, or a minor the law lets consent alone.
    NotRequired,
    /// A minor the law lets consent alone only under conditions the clinician must check
    /// (a session limit, a maturity finding): not blocking, but shown to the clinician.
    MinorUnderConditions,
    /// A minor who needs a guardian's consent; `given_at` once a guardian has signed.
    Required { given_at: Option<DateTime<Utc>> },
    /// Not known yet (no date of birth, no location, or no data for the location).
    Undetermined { why: String },
}

impl GuardianConsent {
    /// Works out the guardian requirement from the client's date of birth and where they
    /// usually are (the emergency plan's jurisdiction), with the built-in age table.
    /// `guardian_signed_at` is when a guardian signed the telehealth consent, if they have.
    pub fn determine(
        date_of_birth: Option<NaiveDate>,
        location: Option<&Jurisdiction>,
        today: NaiveDate,
        guardian_signed_at: Option<DateTime<Utc>>,
    ) -> GuardianConsent {
        let (Some(dob), Some(location)) = (date_of_birth, location) else {
            let why = match (date_of_birth, location) {
                (None, None) => {
                    "the date of birth and where the client usually is are not recorded"
                }
                (None, _) => "the date of birth is not recorded",
                _ => "where the client usually is (the emergency plan's location) is not recorded",
            };
            return GuardianConsent::Undetermined { why: why.into() };
        };
        let status = match AgeOfConsent::builtin() {
            Ok(table) => table.status(dob, location, today),
            Err(e) => Err(crate::age::AgeError::Data(e.clone())),
        };
        match status {
            Ok(ConsentStatus::Adult)
            | Ok(ConsentStatus::MinorMayConsent { conditional: false }) => {
                GuardianConsent::NotRequired
            }
            Ok(ConsentStatus::MinorMayConsent { conditional: true }) => {
                GuardianConsent::MinorUnderConditions
            }
            Ok(ConsentStatus::GuardianRequired) => GuardianConsent::Required {
                given_at: guardian_signed_at,
            },
            Err(e) => GuardianConsent::Undetermined { why: e.to_string() },
        }
    }
}

/// The intake form the client submitted (final, not a draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeSubmission {
    pub form_id: String,
    pub version: u32,
    pub at: DateTime<Utc>,
}

/// A screening instrument the client completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletedScreening {
    pub instrument: Instrument,
    pub on: NaiveDate,
    /// The result has a flag that needs the clinician at once (PHQ-9 item 9).
    pub urgent: bool,
}

impl CompletedScreening {
    pub fn of(score: &Score, on: NaiveDate) -> CompletedScreening {
        CompletedScreening {
            instrument: score.instrument,
            on,
            urgent: score.needs_urgent_follow_up(),
        }
    }
}

/// A consent document version: the current one a practice requires, or one the client
/// signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentVersion {
    pub kind: ConsentKind,
    pub version: u32,
    pub content_hash: ContentHash,
}

impl From<&ConsentDocument> for ConsentVersion {
    fn from(d: &ConsentDocument) -> Self {
        ConsentVersion {
            kind: d.kind,
            version: d.version,
            content_hash: d.content_hash,
        }
    }
}

impl From<&Signature> for ConsentVersion {
    fn from(s: &Signature) -> Self {
        ConsentVersion {
            kind: s.kind,
            version: s.version,
            content_hash: s.content_hash,
        }
    }
}

/// The client's own signatures as [`ConsentVersion`]s (a guardian's are counted through
/// [`GuardianConsent`]).
pub fn signed_by_client(signatures: &[Signature]) -> Vec<ConsentVersion> {
    signatures
        .iter()
        .filter(|s| s.role == SignerRole::Client)
        .map(ConsentVersion::from)
        .collect()
}

/// Where the emergency plan stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PlanState {
    Missing,
    /// Saved, with these fields still to fill in.
    Incomplete {
        missing: Vec<String>,
    },
    Complete,
}

impl PlanState {
    pub fn of(plan: Option<&EmergencyPlan>) -> PlanState {
        match plan {
            None => PlanState::Missing,
            Some(p) if p.is_complete() => PlanState::Complete,
            Some(p) => PlanState::Incomplete {
                missing: p.missing().into_iter().map(String::from).collect(),
            },
        }
    }
}

/// The latest appropriateness assessment, as readiness needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFact {
    pub outcome: OutcomeKind,
    pub assessed_on: NaiveDate,
    pub revisit_on: NaiveDate,
}

impl From<&Assessment> for AssessmentFact {
    fn from(a: &Assessment) -> Self {
        AssessmentFact {
            outcome: a.outcome.kind(),
            assessed_on: a.assessed_on,
            revisit_on: a.revisit_on,
        }
    }
}

/// The facts about one client that readiness needs, as storage holds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessInput {
    pub invited_at: Option<DateTime<Utc>>,
    /// The client set a password and the account exists.
    pub account_created_at: Option<DateTime<Utc>>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub phone_verified_at: Option<DateTime<Utc>>,
    pub identity: Option<IdentityVerification>,
    pub guardian: GuardianConsent,
    /// The latest final submission of the intake form.
    pub intake: Option<IntakeSubmission>,
    /// The instruments the practice asks for ([`DEFAULT_SCREENINGS`] by default).
    pub screenings_required: Vec<Instrument>,
    pub screenings_completed: Vec<CompletedScreening>,
    /// The current version of each consent the practice requires.
    pub consents_required: Vec<ConsentVersion>,
    /// Every version the client has signed (see [`signed_by_client`]).
    pub consents_signed: Vec<ConsentVersion>,
    pub emergency_plan: PlanState,
    /// The latest appropriateness assessment.
    pub assessment: Option<AssessmentFact>,
}

/// Why a step is not done. [`fmt::Display`] gives the sentence shown to people;
/// [`Reason::code`] a stable code for the API and translations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    NotInvited,
    NoAccount,
    EmailNotVerified,
    PhoneNotVerified,
    IdentityNotVerified,
    GuardianStatusUnknown {
        why: String,
    },
    IntakeNotSubmitted,
    ScreeningMissing {
        instrument: Instrument,
    },
    TelehealthConsentNotRequired,
    ConsentNotSigned {
        kind: ConsentKind,
    },
    ConsentOutdated {
        kind: ConsentKind,
        signed_version: u32,
        current_version: u32,
    },
    ConsentTextChanged {
        kind: ConsentKind,
        version: u32,
    },
    GuardianConsentMissing,
    EmergencyPlanMissing,
    EmergencyPlanIncomplete {
        missing: Vec<String>,
    },
    AssessmentMissing,
    AssessmentRefersInPerson,
    AssessmentOutdated {
        revisit_on: NaiveDate,
    },
    AssessmentPredatesUrgentScreening {
        instrument: Instrument,
        on: NaiveDate,
    },
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotInvited => "not_invited",
            Reason::NoAccount => "no_account",
            Reason::EmailNotVerified => "email_not_verified",
            Reason::PhoneNotVerified => "phone_not_verified",
            Reason::IdentityNotVerified => "identity_not_verified",
            Reason::GuardianStatusUnknown { .. } => "guardian_status_unknown",
            Reason::IntakeNotSubmitted => "intake_not_submitted",
            Reason::ScreeningMissing { .. } => "screening_missing",
            Reason::TelehealthConsentNotRequired => "telehealth_consent_not_required",
            Reason::ConsentNotSigned { .. } => "consent_not_signed",
            Reason::ConsentOutdated { .. } => "consent_outdated",
            Reason::ConsentTextChanged { .. } => "consent_text_changed",
            Reason::GuardianConsentMissing => "guardian_consent_missing",
            Reason::EmergencyPlanMissing => "emergency_plan_missing",
            Reason::EmergencyPlanIncomplete { .. } => "emergency_plan_incomplete",
            Reason::AssessmentMissing => "assessment_missing",
            Reason::AssessmentRefersInPerson => "assessment_refers_in_person",
            Reason::AssessmentOutdated { .. } => "assessment_outdated",
            Reason::AssessmentPredatesUrgentScreening { .. } => {
                "assessment_predates_urgent_screening"
            }
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotInvited => f.write_str("the client has not been invited yet"),
            Reason::NoAccount => f.write_str("the account has not been set up yet"),
            Reason::EmailNotVerified => f.write_str("the email address is not verified yet"),
            Reason::PhoneNotVerified => f.write_str("the phone number is not verified yet"),
            Reason::IdentityNotVerified => {
                f.write_str("the clinician has not recorded how the client's identity was checked")
            }
            Reason::GuardianStatusUnknown { why } => write!(
                f,
                "whether a guardian must consent is not known yet: {why}"
            ),
            Reason::IntakeNotSubmitted => f.write_str("the intake form has not been submitted"),
            Reason::ScreeningMissing { instrument } => {
                write!(f, "the {} has not been completed", instrument.display_name())
            }
            Reason::TelehealthConsentNotRequired => f.write_str(
                "the practice has no consent to online therapy set up, so informed consent cannot be recorded",
            ),
            Reason::ConsentNotSigned { kind } => write!(f, "the {} has not been signed", kind.label()),
            Reason::ConsentOutdated {
                kind,
                current_version,
                ..
            } => write!(
                f,
                "the {} was updated to version {current_version} and must be signed again",
                kind.label()
            ),
            Reason::ConsentTextChanged { kind, version } => write!(
                f,
                "the text of the {} (version {version}) is not the text that was signed; it must be signed again",
                kind.label()
            ),
            Reason::GuardianConsentMissing => {
                f.write_str("guardian consent is missing for a client who is a minor")
            }
            Reason::EmergencyPlanMissing => f.write_str("there is no emergency plan yet"),
            Reason::EmergencyPlanIncomplete { missing } => write!(
                f,
                "the emergency plan is not complete (missing: {})",
                missing.join(", ")
            ),
            Reason::AssessmentMissing => {
                f.write_str("the clinician has not yet assessed whether online care fits")
            }
            Reason::AssessmentRefersInPerson => {
                f.write_str("the assessment says to refer the client to in-person care")
            }
            Reason::AssessmentOutdated { revisit_on } => write!(
                f,
                "the assessment is older than its revisit date ({revisit_on}) and must be done again"
            ),
            Reason::AssessmentPredatesUrgentScreening { instrument, on } => write!(
                f,
                "the {} on {on} raised a safety flag after the last assessment; the assessment must be done again",
                instrument.display_name()
            ),
        }
    }
}

/// Something the clinician should see that does not block readiness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Notice {
    /// A minor consenting alone under conditions the clinician must check (see the age
    /// rule's notes for the client's jurisdiction).
    MinorConsentsUnderConditions,
    /// The assessment's revisit date is within [`REVISIT_NOTICE_DAYS`].
    AssessmentRevisitSoon { revisit_on: NaiveDate },
}

/// Where a client stands on the path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// Ready for online sessions: every step done and the assessment allows online care.
    pub ready: bool,
    /// The steps done, in path order.
    pub done: Vec<Step>,
    /// Every reason a step is not done, in path order (a step may have several).
    pub missing: Vec<(Step, Reason)>,
    /// Things to see that do not block.
    pub notices: Vec<Notice>,
}

impl Readiness {
    /// The first step not done: what the client should do next.
    pub fn next_step(&self) -> Option<Step> {
        self.missing.first().map(|(s, _)| *s)
    }

    /// The reasons `step` is not done (empty when it is done).
    pub fn reasons_for(&self, step: Step) -> impl Iterator<Item = &Reason> {
        self.missing
            .iter()
            .filter(move |(s, _)| *s == step)
            .map(|(_, r)| r)
    }

    pub fn is_done(&self, step: Step) -> bool {
        self.done.contains(&step)
    }
}

/// Whether a client is ready for online sessions on `today` (their date), and if not,
/// why.
///
/// **This is the gate the scheduling issue enforces**: a session may be booked or started
/// only when `readiness(&input, today).ready` is true. It is also what the client's progress
/// page and the clinician's caseload show.
///
/// A client is ready only when every [`Step`] is done:
///
/// * **invited** — an invitation was sent, or the account exists;
/// * **account** — the account was created;
/// * **contact_verified** — email *and* phone verified (Standard 6);
/// * **identity_verified** — the clinician recorded how identity was checked, and whether a
///   guardian must consent is known (date of birth and location recorded);
/// * **intake** — the intake form was submitted (a newer form version does not require
///   resubmission: intake is history, not an agreement);
/// * **screening** — each required instrument completed;
/// * **consents** — the practice requires the telehealth consent; each required consent is
///   signed by the client in its *current* version with the *same text* (kind, version and
///   content hash); and, for a minor who may not consent alone, a guardian has consented;
/// * **emergency_plan** — the plan is complete;
/// * **assessment** — there is an assessment; its outcome is `suitable` or
///   `suitable_with_safeguards` (not `refer_in_person`); `today` is not past its revisit
///   date; and no screening with an urgent flag (PHQ-9 item 9) was completed after it.
///
/// Pure: the same input and date always give the same answer, whatever the order of the
/// lists in the input.
pub fn readiness(input: &ReadinessInput, today: NaiveDate) -> Readiness {
    let mut missing: Vec<(Step, Reason)> = Vec::new();
    let mut notices = Vec::new();
    let mut miss = |step: Step, reason: Reason| missing.push((step, reason));

    if input.invited_at.is_none() && input.account_created_at.is_none() {
        miss(Step::Invited, Reason::NotInvited);
    }
    if input.account_created_at.is_none() {
        miss(Step::Account, Reason::NoAccount);
    }
    if input.email_verified_at.is_none() {
        miss(Step::ContactVerified, Reason::EmailNotVerified);
    }
    if input.phone_verified_at.is_none() {
        miss(Step::ContactVerified, Reason::PhoneNotVerified);
    }
    if input.identity.is_none() {
        miss(Step::IdentityVerified, Reason::IdentityNotVerified);
    }
    if let GuardianConsent::Undetermined { why } = &input.guardian {
        miss(
            Step::IdentityVerified,
            Reason::GuardianStatusUnknown { why: why.clone() },
        );
    }
    if input.intake.is_none() {
        miss(Step::Intake, Reason::IntakeNotSubmitted);
    }

    let mut required_instruments = input.screenings_required.clone();
    required_instruments.sort();
    required_instruments.dedup();
    for instrument in required_instruments {
        if !input
            .screenings_completed
            .iter()
            .any(|s| s.instrument == instrument)
        {
            miss(Step::Screening, Reason::ScreeningMissing { instrument });
        }
    }

    // Consents: the current version of each kind, compared with what the client signed.
    if !input
        .consents_required
        .iter()
        .any(|c| c.kind == ConsentKind::TelehealthInformedConsent)
    {
        miss(Step::Consents, Reason::TelehealthConsentNotRequired);
    }
    let mut kinds: Vec<ConsentKind> = input.consents_required.iter().map(|c| c.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        // If a kind is listed more than once, the highest version is the current one.
        let Some(current) = input
            .consents_required
            .iter()
            .filter(|c| c.kind == kind)
            .max_by_key(|c| (c.version, c.content_hash))
        else {
            continue;
        };
        if input.consents_signed.iter().any(|s| s == current) {
            continue;
        }
        let latest_signed = input
            .consents_signed
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.version)
            .max();
        match latest_signed {
            None => miss(Step::Consents, Reason::ConsentNotSigned { kind }),
            Some(v) if v < current.version => miss(
                Step::Consents,
                Reason::ConsentOutdated {
                    kind,
                    signed_version: v,
                    current_version: current.version,
                },
            ),
            Some(_) => miss(
                Step::Consents,
                Reason::ConsentTextChanged {
                    kind,
                    version: current.version,
                },
            ),
        }
    }
    match &input.guardian {
        GuardianConsent::Required { given_at: None } => {
            miss(Step::Consents, Reason::GuardianConsentMissing)
        }
        GuardianConsent::MinorUnderConditions => notices.push(Notice::MinorConsentsUnderConditions),
        _ => {}
    }

    match &input.emergency_plan {
        PlanState::Complete => {}
        PlanState::Missing => miss(Step::EmergencyPlan, Reason::EmergencyPlanMissing),
        PlanState::Incomplete { missing } => miss(
            Step::EmergencyPlan,
            Reason::EmergencyPlanIncomplete {
                missing: missing.clone(),
            },
        ),
    }

    match &input.assessment {
        None => miss(Step::Assessment, Reason::AssessmentMissing),
        Some(a) => {
            if !a.outcome.allows_online() {
                miss(Step::Assessment, Reason::AssessmentRefersInPerson);
            }
            if today > a.revisit_on {
                miss(
                    Step::Assessment,
                    Reason::AssessmentOutdated {
                        revisit_on: a.revisit_on,
                    },
                );
            } else if a.revisit_on - today <= Duration::days(REVISIT_NOTICE_DAYS)
                && a.outcome.allows_online()
            {
                notices.push(Notice::AssessmentRevisitSoon {
                    revisit_on: a.revisit_on,
                });
            }
            // A safety flag raised after the assessment was made means the assessment did
            // not weigh it (seed 002: risk assessment before online sessions).
            if let Some(s) = input
                .screenings_completed
                .iter()
                .filter(|s| s.urgent && s.on > a.assessed_on)
                .min_by_key(|s| (s.on, s.instrument))
            {
                miss(
                    Step::Assessment,
                    Reason::AssessmentPredatesUrgentScreening {
                        instrument: s.instrument,
                        on: s.on,
                    },
                );
            }
        }
    }

    let done: Vec<Step> = Step::ALL
        .into_iter()
        .filter(|step| !missing.iter().any(|(s, _)| s == step))
        .collect();
    Readiness {
        ready: missing.is_empty(),
        done,
        missing,
        notices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::default_document;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn current(kind: ConsentKind) -> ConsentVersion {
        ConsentVersion::from(default_document(kind).unwrap())
    }

    /// A client who has done everything, as of 2026-11-20.
    fn ready_client() -> ReadinessInput {
        ReadinessInput {
            invited_at: Some(at(1)),
            account_created_at: Some(at(2)),
            email_verified_at: Some(at(2)),
            phone_verified_at: Some(at(3)),
            identity: Some(
                IdentityVerification::record("photo_id_on_camera", "", UserId(Uuid::nil()), at(10))
                    .unwrap(),
            ),
            guardian: GuardianConsent::NotRequired,
            intake: Some(IntakeSubmission {
                form_id: "intake_default".into(),
                version: 1,
                at: at(4),
            }),
            screenings_required: DEFAULT_SCREENINGS.to_vec(),
            screenings_completed: vec![
                CompletedScreening {
                    instrument: Instrument::Phq9,
                    on: day("2026-11-04"),
                    urgent: false,
                },
                CompletedScreening {
                    instrument: Instrument::Gad7,
                    on: day("2026-11-04"),
                    urgent: false,
                },
            ],
            consents_required: DEFAULT_CONSENTS.iter().map(|k| current(*k)).collect(),
            consents_signed: DEFAULT_CONSENTS.iter().map(|k| current(*k)).collect(),
            emergency_plan: PlanState::Complete,
            assessment: Some(AssessmentFact {
                outcome: OutcomeKind::Suitable,
                assessed_on: day("2026-11-10"),
                revisit_on: day("2027-02-08"),
            }),
        }
    }

    fn reasons(input: &ReadinessInput, today: &str) -> Vec<(Step, Reason)> {
        readiness(input, day(today)).missing
    }

    #[test]
    fn a_client_who_has_done_everything_is_ready() {
        let r = readiness(&ready_client(), day("2026-11-20"));
        assert!(r.ready, "{:?}", r.missing);
        assert_eq!(r.done, Step::ALL.to_vec());
        assert_eq!(r.next_step(), None);
        assert!(r.notices.is_empty());
    }

    #[test]
    fn a_new_invitation_has_everything_after_it_to_do_in_order() {
        let input = ReadinessInput {
            invited_at: Some(at(1)),
            account_created_at: None,
            email_verified_at: None,
            phone_verified_at: None,
            identity: None,
            guardian: GuardianConsent::Undetermined {
                why: "the date of birth is not recorded".into(),
            },
            intake: None,
            screenings_required: DEFAULT_SCREENINGS.to_vec(),
            screenings_completed: vec![],
            consents_required: DEFAULT_CONSENTS.iter().map(|k| current(*k)).collect(),
            consents_signed: vec![],
            emergency_plan: PlanState::Missing,
            assessment: None,
        };
        let r = readiness(&input, day("2026-11-01"));
        assert!(!r.ready);
        assert_eq!(r.done, vec![Step::Invited]);
        assert_eq!(r.next_step(), Some(Step::Account));
        let codes: Vec<&str> = r.missing.iter().map(|(_, m)| m.code()).collect();
        assert_eq!(
            codes,
            vec![
                "no_account",
                "email_not_verified",
                "phone_not_verified",
                "identity_not_verified",
                "guardian_status_unknown",
                "intake_not_submitted",
                "screening_missing",
                "screening_missing",
                "consent_not_signed",
                "consent_not_signed",
                "emergency_plan_missing",
                "assessment_missing",
            ]
        );
    }

    #[test]
    fn a_new_consent_version_blocks_readiness_until_signed_again() {
        let mut input = ready_client();
        let v2 = ConsentDocument::new(
            ConsentKind::TelehealthInformedConsent,
            2,
            "Consent to online therapy",
            "A new text.",
        )
        .unwrap();
        input.consents_required[0] = ConsentVersion::from(&v2);
        let m = reasons(&input, "2026-11-20");
        assert_eq!(
            m,
            vec![(
                Step::Consents,
                Reason::ConsentOutdated {
                    kind: ConsentKind::TelehealthInformedConsent,
                    signed_version: 1,
                    current_version: 2
                }
            )]
        );
        assert_eq!(
            m[0].1.to_string(),
            "the consent to online therapy was updated to version 2 and must be signed again"
        );
        input.consents_signed.push(ConsentVersion::from(&v2));
        assert!(readiness(&input, day("2026-11-20")).ready);
    }

    #[test]
    fn a_consent_whose_text_changed_under_the_same_version_must_be_signed_again() {
        let mut input = ready_client();
        let changed = ConsentDocument::new(
            ConsentKind::PrivacyNoticeAcknowledgment,
            1,
            "I received the Notice of Privacy Practices",
            "Different words.",
        )
        .unwrap();
        input.consents_required[1] = ConsentVersion::from(&changed);
        assert_eq!(
            reasons(&input, "2026-11-20"),
            vec![(
                Step::Consents,
                Reason::ConsentTextChanged {
                    kind: ConsentKind::PrivacyNoticeAcknowledgment,
                    version: 1
                }
            )]
        );
    }

    #[test]
    fn informed_consent_to_telehealth_is_always_required() {
        let mut input = ready_client();
        input
            .consents_required
            .retain(|c| c.kind != ConsentKind::TelehealthInformedConsent);
        assert_eq!(
            reasons(&input, "2026-11-20"),
            vec![(Step::Consents, Reason::TelehealthConsentNotRequired)]
        );
    }

    #[test]
    fn the_assessment_must_allow_online_care_and_be_current() {
        let mut input = ready_client();
        input.assessment.as_mut().unwrap().outcome = OutcomeKind::ReferInPerson;
        let m = reasons(&input, "2026-11-20");
        assert_eq!(
            m,
            vec![(Step::Assessment, Reason::AssessmentRefersInPerson)]
        );
        assert_eq!(
            m[0].1.to_string(),
            "the assessment says to refer the client to in-person care"
        );

        let mut input = ready_client();
        input.assessment.as_mut().unwrap().outcome = OutcomeKind::SuitableWithSafeguards;
        assert!(readiness(&input, day("2026-11-20")).ready);
        // The revisit date is the last ready day.
        assert!(readiness(&input, day("2027-02-08")).ready);
        let m = reasons(&input, "2027-02-09");
        assert_eq!(
            m,
            vec![(
                Step::Assessment,
                Reason::AssessmentOutdated {
                    revisit_on: day("2027-02-08")
                }
            )]
        );
        assert!(m[0].1.to_string().contains("older than its revisit date"));
    }

    #[test]
    fn the_revisit_shows_as_a_notice_two_weeks_ahead() {
        let r = readiness(&ready_client(), day("2027-01-25"));
        assert!(r.ready);
        assert_eq!(
            r.notices,
            vec![Notice::AssessmentRevisitSoon {
                revisit_on: day("2027-02-08")
            }]
        );
        assert!(readiness(&ready_client(), day("2027-01-24"))
            .notices
            .is_empty());
    }

    #[test]
    fn a_safety_flag_after_the_assessment_requires_a_new_assessment() {
        let mut input = ready_client();
        input.screenings_completed.push(CompletedScreening {
            instrument: Instrument::Phq9,
            on: day("2026-11-18"),
            urgent: true,
        });
        assert_eq!(
            reasons(&input, "2026-11-20"),
            vec![(
                Step::Assessment,
                Reason::AssessmentPredatesUrgentScreening {
                    instrument: Instrument::Phq9,
                    on: day("2026-11-18")
                }
            )]
        );
        // A flag the assessment already weighed (on or before its date) does not block.
        input.screenings_completed.last_mut().unwrap().on = day("2026-11-10");
        assert!(readiness(&input, day("2026-11-20")).ready);
    }

    #[test]
    fn a_minor_who_needs_a_guardian_is_not_ready_without_one() {
        let mut input = ready_client();
        input.guardian = GuardianConsent::Required { given_at: None };
        let m = reasons(&input, "2026-11-20");
        assert_eq!(m, vec![(Step::Consents, Reason::GuardianConsentMissing)]);
        assert_eq!(
            m[0].1.to_string(),
            "guardian consent is missing for a client who is a minor"
        );
        input.guardian = GuardianConsent::Required {
            given_at: Some(at(12)),
        };
        assert!(readiness(&input, day("2026-11-20")).ready);
        input.guardian = GuardianConsent::MinorUnderConditions;
        let r = readiness(&input, day("2026-11-20"));
        assert!(r.ready);
        assert_eq!(r.notices, vec![Notice::MinorConsentsUnderConditions]);
    }

    #[test]
    fn the_guardian_requirement_comes_from_the_age_table() {
        let today = day("2026-11-23");
        let pa: Jurisdiction = "US-PA".parse().unwrap();
        let ny: Jurisdiction = "US-NY".parse().unwrap();
        let oh: Jurisdiction = "US-OH".parse().unwrap();
        let fifteen = Some(day("2011-06-01"));
        assert_eq!(
            GuardianConsent::determine(fifteen, Some(&pa), today, None),
            GuardianConsent::NotRequired
        );
        assert_eq!(
            GuardianConsent::determine(fifteen, Some(&ny), today, None),
            GuardianConsent::Required { given_at: None }
        );
        assert_eq!(
            GuardianConsent::determine(fifteen, Some(&oh), today, None),
            GuardianConsent::MinorUnderConditions
        );
        assert!(matches!(
            GuardianConsent::determine(None, Some(&pa), today, None),
            GuardianConsent::Undetermined { .. }
        ));
        let GuardianConsent::Undetermined { why } =
            GuardianConsent::determine(fifteen, Some(&"CA-ON".parse().unwrap()), today, None)
        else {
            panic!("an unknown jurisdiction must stay undetermined");
        };
        assert!(why.contains("CA-ON"), "{why}");
    }

    #[test]
    fn contact_details_are_verified_one_by_one() {
        let mut input = ready_client();
        input.phone_verified_at = None;
        assert_eq!(
            reasons(&input, "2026-11-20"),
            vec![(Step::ContactVerified, Reason::PhoneNotVerified)]
        );
        input.email_verified_at = None;
        assert_eq!(reasons(&input, "2026-11-20").len(), 2);
    }

    #[test]
    fn an_incomplete_plan_says_what_is_missing() {
        let mut input = ready_client();
        input.emergency_plan = PlanState::Incomplete {
            missing: vec!["facility_name".into(), "fallback_phone".into()],
        };
        let m = reasons(&input, "2026-11-20");
        assert_eq!(
            m[0].1.to_string(),
            "the emergency plan is not complete (missing: facility_name, fallback_phone)"
        );
    }

    #[test]
    fn identity_is_recorded_with_method_person_and_time() {
        let who = UserId(Uuid::nil());
        let v = IdentityVerification::record("photo_id_on_camera", "", who, at(5)).unwrap();
        assert_eq!(v.method, IdentityMethod::PhotoIdOnCamera);
        assert_eq!((v.verified_by, v.at, v.note), (who, at(5), None));
        assert_eq!(
            IdentityVerification::record("other", " ", who, at(5)),
            Err(IdentityError::NoteNeeded)
        );
        assert_eq!(
            IdentityVerification::record("passport scan", "", who, at(5)),
            Err(IdentityError::Method)
        );
    }
}
