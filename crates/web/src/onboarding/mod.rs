//! Client onboarding (issue 5): the path a new client walks — invitation → account →
//! verified contact details → intake → screening → consents → emergency plan → the
//! clinician's appropriateness assessment → ready for online sessions.
//!
//! Each part lives in its own file and owns its routes and documents; each also answers one
//! question for [`readiness_of`], which asks `domain::onboarding::readiness` — the one rule
//! that says whether a client may be booked or seen online (the scheduling issue calls it).
//!
//! | file | part | documents (`DocKind`) |
//! | --- | --- | --- |
//! | `invite.rs`, `identity.rs` | invitation and account, verified email and phone, date of birth and names, identity verification, guardian consent for minors | `Invitation`, `ClientDetails`, `PhoneCode`, `IdentityCheck`, `GuardianConsent` |
//! | `intake.rs` | configurable intake forms, drafts, submissions | `IntakeForm`, `IntakeAnswers` |
//! | `screening.rs` | PHQ-9, GAD-7, PCL-5, AUDIT-C in the portal, charts, sharing | `Screening` |
//! | `emergency.rs` | the emergency and contingency plan | `EmergencyPlan` |
//! | `consent.rs` | consent documents, signatures, PDFs, release authorisations | `ConsentTemplate`, `ConsentSignature`, `ReleaseAuthorisation` |
//! | `assessment.rs` | the appropriateness-for-online-care assessment | `Assessment` |
//! | `path.rs` | the path as people see it: the care team's readiness API | — |

/// The demo clients who have walked the whole path (identity checked, consents signed,
/// assessed suitable): each part's demo seed completes its step for these.
pub const DEMO_READY: &[&str] = &["Alex Rivera", "Riley Chen", "Taylor Brooks", "Noor Haddad"];

pub mod assessment;
pub mod consent;
pub mod emergency;
pub mod guardian;
pub mod identity;
pub mod intake;
pub mod invite;
pub mod path;
pub mod phone;
pub mod release;
pub mod screening;

use alcove_domain::instruments::Instrument;
use alcove_domain::onboarding::{
    readiness, GuardianConsent, IdentityVerification, Readiness, ReadinessInput, DEFAULT_SCREENINGS,
};
use alcove_domain::ClientId;
use chrono::{DateTime, Utc};

use crate::error::PageError;
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .merge(invite::routes())
        .merge(identity::routes())
        .merge(intake::routes())
        .merge(screening::routes())
        .merge(emergency::routes())
        .merge(consent::routes())
        .merge(assessment::routes())
        .merge(path::routes())
        .merge(phone::routes())
        .merge(guardian::routes())
        .merge(release::routes())
}

/// What the account part knows about a client (from `invite.rs` and `identity.rs`).
#[derive(Clone, Debug)]
pub struct AccountFacts {
    pub invited_at: Option<DateTime<Utc>>,
    pub account_created_at: Option<DateTime<Utc>>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub phone_verified_at: Option<DateTime<Utc>>,
    pub identity: Option<IdentityVerification>,
    pub guardian: GuardianConsent,
}

/// The instruments every client completes before online care (practice setting later).
pub fn screenings_required() -> Vec<Instrument> {
    DEFAULT_SCREENINGS.to_vec()
}

/// Where a client stands on the path today, from everything each part has recorded.
pub async fn readiness_of(state: &AppState, client: ClientId) -> Result<Readiness, PageError> {
    let account = identity::facts(state, client).await?;
    let (consents_required, consents_signed) = consent::facts(state, client).await?;
    let input = ReadinessInput {
        invited_at: account.invited_at,
        account_created_at: account.account_created_at,
        email_verified_at: account.email_verified_at,
        phone_verified_at: account.phone_verified_at,
        identity: account.identity,
        guardian: account.guardian,
        intake: intake::facts(state, client).await?,
        screenings_required: screenings_required(),
        screenings_completed: screening::facts(state, client).await?,
        consents_required,
        consents_signed,
        emergency_plan: emergency::facts(state, client).await?,
        assessment: assessment::facts(state, client).await?,
    };
    Ok(readiness(&input, state.clock.now().date_naive()))
}
