use alcove_domain::assessment::{AssessmentError, AssessmentForm, Outcome};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{complete, history, risk_floor};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::records::CareTeamClient;
use crate::services::audit_log::By;
use crate::state::AppState;

const CONCERN: &[&str] = &["none", "some", "significant"];

/// The select fields, in the order of the form: (name, options).
const SELECTS: &[(&str, &[&str])] = &[
    ("current_risk", &["none", "low", "moderate", "high"]),
    (
        "psychosis_or_severe_impairment",
        &["none", "history_stable", "active"],
    ),
    ("substance_use", CONCERN),
    ("home_safety", CONCERN),
    ("intimate_partner_violence", &["no", "yes"]),
    ("privacy", CONCERN),
    ("technology", CONCERN),
    ("sensory_or_cognitive_needs", CONCERN),
    (
        "client_preference",
        &["online", "in_person", "no_preference"],
    ),
    (
        "outcome",
        &["suitable", "suitable_with_safeguards", "refer_in_person"],
    ),
];

pub struct Opt {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

pub struct Select {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<Opt>,
}

pub struct Past {
    pub version: i64,
    pub on: String,
    pub by: String,
    pub outcome: String,
    pub revisit_on: String,
    pub details: Vec<String>,
}

#[derive(Template)]
#[template(path = "onboarding/assessment.html")]
struct FormPage {
    c: Chrome,
    client_id: String,
    name: String,
    floor: String,
    floor_reasons: Vec<String>,
    selects: Vec<Select>,
    f: AssessForm,
    errors: Vec<String>,
    past: Vec<Past>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct AssessForm {
    #[serde(default)]
    current_risk: String,
    #[serde(default)]
    risk_rationale: String,
    #[serde(default)]
    psychosis_or_severe_impairment: String,
    #[serde(default)]
    substance_use: String,
    #[serde(default)]
    home_safety: String,
    #[serde(default)]
    intimate_partner_violence: String,
    #[serde(default)]
    privacy: String,
    #[serde(default)]
    technology: String,
    #[serde(default)]
    sensory_or_cognitive_needs: String,
    #[serde(default)]
    client_preference: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    safeguards: String,
    #[serde(default)]
    referral_note: String,
    #[serde(default)]
    revisit_on: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    signed_name: String,
}

impl AssessForm {
    fn value(&self, name: &str) -> &str {
        match name {
            "current_risk" => &self.current_risk,
            "psychosis_or_severe_impairment" => &self.psychosis_or_severe_impairment,
            "substance_use" => &self.substance_use,
            "home_safety" => &self.home_safety,
            "intimate_partner_violence" => &self.intimate_partner_violence,
            "privacy" => &self.privacy,
            "technology" => &self.technology,
            "sensory_or_cognitive_needs" => &self.sensory_or_cognitive_needs,
            "client_preference" => &self.client_preference,
            "outcome" => &self.outcome,
            _ => "",
        }
    }
}

fn error_key(e: &AssessmentError) -> &'static str {
    match e {
        AssessmentError::Missing(_) | AssessmentError::Invalid { .. } => "assessment-error-missing",
        AssessmentError::TooLong(_) => "assessment-error-too-long",
        AssessmentError::RationaleNeeded { .. } => "assessment-error-rationale",
        AssessmentError::HighRiskNeedsSafeguards => "assessment-error-high-risk",
        AssessmentError::ActiveImpairmentNeedsSafeguards => "assessment-error-impairment",
        AssessmentError::PartnerViolenceNeedsSafeguards => "assessment-error-ipv",
        AssessmentError::SafeguardsMissing => "assessment-error-safeguards-missing",
        AssessmentError::SafeguardsWithoutThatOutcome => "assessment-error-safeguards-outcome",
        AssessmentError::ReferralNoteMissing => "assessment-error-referral",
        AssessmentError::RevisitNotADate | AssessmentError::RevisitOutOfRange { .. } => {
            "assessment-error-revisit"
        }
    }
}

async fn page_with(
    state: &AppState,
    c: Chrome,
    access: &CareTeamClient,
    f: AssessForm,
    errors: Vec<String>,
    saved: bool,
) -> Result<FormPage, PageError> {
    let client = &access.client;
    let floor = risk_floor(state, client.id).await?;
    let selects = SELECTS
        .iter()
        .map(|(name, opts)| Select {
            name,
            label: c.t(&format!("assessment-field-{name}")),
            options: opts
                .iter()
                .map(|v| Opt {
                    value: v,
                    label: c.t(&format!("assessment-opt-{v}")),
                    selected: f.value(name) == *v,
                })
                .collect(),
        })
        .collect();
    let mut past: Vec<Past> = history(state, client.id)
        .await?
        .into_iter()
        .map(|v| {
            let a = &v.value.assessment;
            let details = match &a.outcome {
                Outcome::Suitable => Vec::new(),
                Outcome::SuitableWithSafeguards { safeguards } => safeguards.clone(),
                Outcome::ReferInPerson { referral_note } => vec![referral_note.clone()],
            };
            Past {
                version: v.version,
                on: a.assessed_on.to_string(),
                by: v.value.signed_name.clone(),
                outcome: c.t(&format!("assessment-opt-{}", a.outcome.kind().as_str())),
                revisit_on: a.revisit_on.to_string(),
                details,
            }
        })
        .collect();
    past.reverse();
    Ok(FormPage {
        client_id: client.id.to_string(),
        name: client.name.clone(),
        floor: c.t(&format!("assessment-opt-{}", floor.level.as_str())),
        floor_reasons: floor.reasons,
        selects,
        f,
        errors,
        past,
        saved,
        c,
    })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// The assessment form with the suggested risk floor and every earlier version.
pub async fn form(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "record.view",
            Some(access.client.id),
            &format!("client:{}:assessment", access.client.id),
        )
        .await?;
    render(
        &page_with(
            &state,
            c,
            &access,
            AssessForm::default(),
            Vec::new(),
            q.saved.is_some(),
        )
        .await?,
    )
}

/// Checks, signs and saves the assessment (audited as `assessment.signed`).
pub async fn submit(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<AssessForm>,
) -> Result<Response, PageError> {
    let form = AssessmentForm {
        current_risk: &f.current_risk,
        risk_rationale: &f.risk_rationale,
        psychosis_or_severe_impairment: &f.psychosis_or_severe_impairment,
        substance_use: &f.substance_use,
        home_safety: &f.home_safety,
        intimate_partner_violence: &f.intimate_partner_violence,
        privacy: &f.privacy,
        technology: &f.technology,
        sensory_or_cognitive_needs: &f.sensory_or_cognitive_needs,
        client_preference: &f.client_preference,
        outcome: &f.outcome,
        safeguards: f.safeguards.lines().collect(),
        referral_note: &f.referral_note,
        revisit_on: &f.revisit_on,
        notes: &f.notes,
    };
    let who = &access.actor;
    let result = complete(
        &state,
        access.client.id,
        &form,
        &f.signed_name,
        who.user_id,
        By::User(who.user_id, who.role),
    )
    .await?;
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/clients/{}/assessment?saved=1", access.client.id))
                .into_response(),
        ),
        Err((errs, unsigned)) => {
            let mut msgs: Vec<String> = errs
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        c.t(&format!("assessment-field-{}", e.field())),
                        c.t(error_key(e))
                    )
                })
                .collect();
            if unsigned {
                msgs.push(c.t("assessment-error-unsigned"));
            }
            let page = page_with(&state, c, &access, f, msgs, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}
