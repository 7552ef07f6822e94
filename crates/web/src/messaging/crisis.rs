//! The crisis panel (issue 7; DESIGN "Clinical safety rules"): what a client sees at once when
//! their message holds crisis language — 988 by call or text, 911, their own emergency-plan
//! contacts (local emergency number, emergency contact, nearest facility, the crisis lines
//! they wrote down) and the practice's after-hours instructions. The message itself has been
//! delivered already; nothing here can block or delay it.

use alcove_domain::emergency::EmergencyPlan;
use alcove_domain::policy::Block;
use alcove_domain::{MessageId, Role};
use alcove_store::{DocKind, Owner};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::ThreadAccess;
use super::send::SendError;
use crate::onboarding::emergency::KEY as PLAN_KEY;
use crate::policies::after_hours;
use crate::services::audit_log::By;
use crate::state::AppState;

/// The client's emergency contact, as they wrote it in their plan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The phone for a `tel:` link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dial: Option<String>,
}

/// The nearest emergency facility in the client's plan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FacilityOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A crisis line the client put in their plan.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LineOut {
    pub name: String,
    pub contact: String,
}

/// Crisis resources for the client, returned with a message that showed crisis language.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CrisisOut {
    /// The 988 Suicide and Crisis Lifeline: call (`tel:988`).
    #[schema(example = "988")]
    pub call: &'static str,
    /// The 988 Lifeline by text (`sms:988`).
    #[schema(example = "988")]
    pub text: &'static str,
    /// Emergency services in the US.
    #[schema(example = "911")]
    pub emergency: &'static str,
    /// The local emergency number from the client's emergency plan, when it differs from 911.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_emergency_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency_contact: Option<ContactOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_facility: Option<FacilityOut>,
    /// Other crisis lines from the client's plan.
    pub crisis_lines: Vec<LineOut>,
    /// The practice's after-hours instructions (plain text; `# `/`- ` mark headings and items).
    pub after_hours_instructions: String,
    /// Whether the client's emergency plan has anything to show; if not, they can fill it in
    /// at `/me/emergency-plan`.
    pub has_emergency_plan: bool,
}

/// What the panel shows, for the page and the API alike.
#[derive(Clone, Debug)]
pub struct CrisisPanel {
    pub out: CrisisOut,
    /// The after-hours instructions as blocks; `None` when the practice published none (the
    /// page then shows the built-in default in the reader's language).
    pub after_hours: Option<Vec<Block>>,
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Builds the panel from the client's plan and the practice's instructions. Reading the plan
/// is audited (`crisis.panel`, naming the message that set it off) before anything is opened.
pub async fn panel(
    state: &AppState,
    access: &ThreadAccess,
    message: MessageId,
    default_after_hours: String,
) -> Result<CrisisPanel, SendError> {
    let client = access.thread.client_id;
    debug_assert_eq!(access.actor.role, Role::Client);
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "crisis.panel",
            Some(client),
            &format!("message:{message}"),
        )
        .await?;
    let plan: Option<EmergencyPlan> = state
        .docs
        .latest(DocKind::EmergencyPlan, Owner::Client(client), PLAN_KEY)
        .await?
        .map(|v| v.value);
    let after = after_hours::current(state).await.map_err(|e| match e {
        crate::policies::PolicyError::Docs(d) => SendError::Docs(d),
        crate::policies::PolicyError::Store(s) => SendError::Store(s),
    })?;
    let after_text = match &after {
        Some(_) => after_hours::current_text(state)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| default_after_hours.clone()),
        None => default_after_hours,
    };
    let mut out = CrisisOut {
        call: "988",
        text: "988",
        emergency: "911",
        local_emergency_number: None,
        emergency_contact: None,
        nearest_facility: None,
        crisis_lines: Vec::new(),
        after_hours_instructions: after_text,
        has_emergency_plan: false,
    };
    if let Some(p) = plan {
        out.local_emergency_number = p
            .emergency_number
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .filter(|n| n != "911");
        out.emergency_contact = text(&p.contact_name).map(|name| ContactOut {
            name,
            relationship: text(&p.contact_relationship),
            phone: p.contact_phone.as_ref().map(|ph| ph.as_str().to_owned()),
            dial: p.contact_phone.as_ref().map(|ph| ph.dial()),
        });
        out.nearest_facility = text(&p.facility_name).map(|name| FacilityOut {
            name,
            address: text(&p.facility_address),
        });
        out.crisis_lines = p
            .crisis_lines
            .iter()
            .filter(|l| !l.name.trim().is_empty() || !l.contact.trim().is_empty())
            .map(|l| LineOut {
                name: l.name.clone(),
                contact: l.contact.clone(),
            })
            .collect();
        out.has_emergency_plan = out.local_emergency_number.is_some()
            || out.emergency_contact.is_some()
            || out.nearest_facility.is_some()
            || !out.crisis_lines.is_empty();
    }
    Ok(CrisisPanel {
        out,
        after_hours: after.map(|(_, b)| b),
    })
}
