//! The appropriateness-for-online-care assessment (issue 5, part 5; seeds 000, 002 and 003
//! Standard 9-4): on the client's record a clinician on the care team completes
//! `domain::assessment`'s structured form, signs it with their typed name, and the result is
//! kept as a new version of `DocKind::Assessment` (sealed with the client's key, key
//! [`KEY`]); every version is kept and each is audited as `assessment.signed`.
//!
//! The risk floor the form suggests comes from the client's screenings
//! (`onboarding::screening::facts`): an urgent flag (PHQ-9 item 9) raises it to moderate at
//! least. The full score-based floor waits for the screening part to expose scores.

use alcove_domain::assessment::{
    suggest_risk_floor, Assessment, AssessmentError, AssessmentForm, RiskFloor, RiskLevel,
};
use alcove_domain::onboarding::AssessmentFact;
use alcove_domain::{ClientId, UserId};
use alcove_store::{DocKind, Owner};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::PageError;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::Version;
use crate::state::AppState;

mod pages;

/// The document key of a client's assessment.
pub const KEY: &str = "appropriateness";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/clients/{client}/assessment", pages::form)
        .post("/clients/{client}/assessment", pages::submit)
}

/// A signed assessment: the assessment and the clinician's typed signature.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedAssessment {
    pub assessment: Assessment,
    pub signed_name: String,
    pub signed_at: DateTime<Utc>,
}

/// The floor the client's screenings suggest for current risk.
pub async fn risk_floor(state: &AppState, client: ClientId) -> Result<RiskFloor, PageError> {
    let mut floor = suggest_risk_floor(&[], None);
    let screenings = super::screening::facts(state, client).await?;
    if let Some(s) = screenings.iter().filter(|s| s.urgent).max_by_key(|s| s.on) {
        if floor.level < RiskLevel::Moderate {
            floor.level = RiskLevel::Moderate;
        }
        floor.reasons.push(format!(
            "{} on {} raised a safety flag that needs a safety assessment",
            s.instrument.as_str(),
            s.on
        ));
    }
    Ok(floor)
}

/// Every signed version, oldest first.
pub async fn history(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<Version<SignedAssessment>>, PageError> {
    Ok(state
        .docs
        .history(DocKind::Assessment, Owner::Client(client), KEY)
        .await?)
}

/// Checks the form, and when it is complete and signed, saves it as the next version and
/// writes `assessment.signed`. All problems come back at once.
pub async fn complete(
    state: &AppState,
    client: ClientId,
    form: &AssessmentForm<'_>,
    signed_name: &str,
    clinician: UserId,
    by: By,
) -> Result<Result<SignedAssessment, (Vec<AssessmentError>, bool)>, PageError> {
    let floor = risk_floor(state, client).await?;
    let today = state.clock.now().date_naive();
    let name: String = signed_name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let parsed = Assessment::parse(form, &floor, clinician, today);
    let unsigned = name.is_empty();
    let assessment = match parsed {
        Ok(a) if !unsigned => a,
        Ok(_) => return Ok(Err((Vec::new(), true))),
        Err(e) => return Ok(Err((e, unsigned))),
    };
    let signed = SignedAssessment {
        assessment,
        signed_name: name,
        signed_at: state.clock.now(),
    };
    let version = state
        .docs
        .append(
            DocKind::Assessment,
            Owner::Client(client),
            KEY,
            &signed,
            Some(clinician),
        )
        .await?;
    state
        .audit
        .record(
            by,
            "assessment.signed",
            Some(client),
            // The outcome is clinical content: it stays in the sealed document, not the log.
            &format!("assessment:{client}:v{version}"),
        )
        .await?;
    Ok(Ok(signed))
}

/// The latest assessment.
pub async fn facts(
    state: &AppState,
    client: ClientId,
) -> Result<Option<AssessmentFact>, PageError> {
    Ok(state
        .docs
        .latest::<SignedAssessment>(DocKind::Assessment, Owner::Client(client), KEY)
        .await?
        .map(|v| AssessmentFact::from(&v.value.assessment)))
}

/// Clients on `clinician`'s caseload whose assessment's revisit date is today or past.
pub async fn revisits_due(
    state: &AppState,
    clinician: UserId,
) -> Result<Vec<(alcove_store::ClientRecord, chrono::NaiveDate)>, PageError> {
    let today = state.clock.now().date_naive();
    let mut out = Vec::new();
    for c in state.store.caseload(clinician).await? {
        if let Some(f) = facts(state, c.id).await? {
            if f.revisit_on <= today {
                out.push((c, f.revisit_on));
            }
        }
    }
    Ok(out)
}

/// The demo: a `suitable` assessment by the primary clinician for Alex Rivera and Riley Chen.
pub async fn seed_demo(state: &AppState) -> Result<(), PageError> {
    for user in state.store.list_users().await? {
        if !super::DEMO_READY.contains(&user.name.as_str()) {
            continue;
        }
        let Some(client) = state.store.client_by_user(user.id).await? else {
            continue;
        };
        let Some(primary) = state.store.care_team(client.id).await?.into_iter().next() else {
            continue;
        };
        let clinician = state.store.user_by_id(primary.clinician_id).await?;
        let form = AssessmentForm {
            current_risk: "low",
            psychosis_or_severe_impairment: "none",
            substance_use: "none",
            home_safety: "none",
            intimate_partner_violence: "no",
            privacy: "none",
            technology: "none",
            sensory_or_cognitive_needs: "none",
            client_preference: "online",
            outcome: "suitable",
            ..AssessmentForm::default()
        };
        let by = By::User(clinician.id, clinician.role);
        if let Err((e, _)) =
            complete(state, client.id, &form, &clinician.name, clinician.id, by).await?
        {
            tracing::error!(?e, "demo assessment");
            return Err(PageError::internal());
        }
    }
    Ok(())
}
