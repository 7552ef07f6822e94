//! The emergency and contingency plan (issue 5, part 6; seed 002 "emergency plans with local
//! contacts", seed 000 "technology fails", Standards 6 and 9-4).
//!
//! The client fills it in (`/me/emergency-plan`), over several visits if they like: each save
//! is a new version of `DocKind::EmergencyPlan`, sealed with the client's data key. The care
//! team reads it on the client's record (`/clients/{client}/emergency-plan`). Every read and
//! change is audited. The rules (what a field may hold, what is still missing, the country's
//! default emergency number and crisis lines) are `alcove_domain::emergency`.

use alcove_domain::emergency::{EmergencyPlan, EmergencyPlanForm, PlanError, Reconnect};
use alcove_domain::onboarding::PlanState;
use alcove_domain::ClientId;
use alcove_store::{ClientRecord, DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// The document key of a client's plan (one per client, versioned).
pub const KEY: &str = "plan";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/emergency-plan", client_page)
        .post("/me/emergency-plan", save)
        .get("/clients/{client}/emergency-plan", record_page)
}

/// Whether the client's plan is there and complete.
pub async fn facts(state: &AppState, client: ClientId) -> Result<PlanState, PageError> {
    let current = latest(state, client).await?;
    Ok(PlanState::of(current.as_ref().map(|v| &v.value)))
}

/// The current plan, without auditing: callers audit first.
pub(crate) async fn latest(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<EmergencyPlan>>, PageError> {
    state
        .docs
        .latest(DocKind::EmergencyPlan, Owner::Client(client), KEY)
        .await
        .map_err(internal)
}

fn internal(e: DocError) -> PageError {
    tracing::error!(error = %e, "emergency plan");
    PageError::internal()
}

/// The text fields of the form, in form order: (name, input type).
const FIELDS: [(&str, &str); 12] = [
    ("jurisdiction", "text"),
    ("address", "textarea"),
    ("emergency_number", "text"),
    ("facility_name", "text"),
    ("facility_address", "textarea"),
    ("contact_name", "text"),
    ("contact_relationship", "text"),
    ("contact_phone", "tel"),
    ("fallback_phone", "tel"),
    ("client_waits_minutes", "number"),
    ("clinician_waits_minutes", "number"),
    ("reconnect_note", "textarea"),
];

/// A field's label in the reader's language.
pub fn field_label(tr: &Tr, field: &str) -> String {
    match field {
        "jurisdiction" => tr.t("ep-jurisdiction"),
        "address" => tr.t("ep-address"),
        "emergency_number" => tr.t("ep-emergency-number"),
        "facility_name" => tr.t("ep-facility-name"),
        "facility_address" => tr.t("ep-facility-address"),
        "contact_name" => tr.t("ep-contact-name"),
        "contact_relationship" => tr.t("ep-contact-relationship"),
        "contact_phone" => tr.t("ep-contact-phone"),
        "contact_permission" => tr.t("ep-contact-permission"),
        "fallback_phone" => tr.t("ep-fallback-phone"),
        "client_waits_minutes" => tr.t("ep-client-waits"),
        "clinician_waits_minutes" => tr.t("ep-clinician-waits"),
        "reconnect" => tr.t("ep-reconnect"),
        "reconnect_note" => tr.t("ep-reconnect-note"),
        _ => tr.t("ep-crisis-lines"),
    }
}

fn field_hint(tr: &Tr, field: &str) -> Option<String> {
    match field {
        "jurisdiction" => Some(tr.t("ep-jurisdiction-hint")),
        "emergency_number" => Some(tr.t("ep-emergency-number-hint")),
        "contact_phone" | "fallback_phone" => Some(tr.t("ep-phone-hint")),
        "client_waits_minutes" | "clinician_waits_minutes" => Some(tr.t("ep-minutes-hint")),
        _ => None,
    }
}

fn error_text(tr: &Tr, e: &PlanError) -> String {
    match e {
        PlanError::Jurisdiction(_) => tr.t("ep-error-jurisdiction"),
        PlanError::TooLong { .. } => tr.t("ep-error-too-long"),
        PlanError::EmergencyNumber => tr.t("ep-error-emergency-number"),
        PlanError::Phone { .. } => tr.t("ep-error-phone"),
        PlanError::Permission => tr.t("ep-error-permission"),
        PlanError::WaitMinutes { .. } => tr.t("ep-error-minutes"),
        PlanError::Reconnect => tr.t("ep-error-reconnect"),
        PlanError::CrisisLine { .. } => tr.t("ep-error-crisis-line"),
    }
}

fn reconnect_label(tr: &Tr, r: Reconnect) -> String {
    match r {
        Reconnect::ClinicianCalls => tr.t("ep-reconnect-clinician-calls"),
        Reconnect::ClientCalls => tr.t("ep-reconnect-client-calls"),
        Reconnect::BothRejoin => tr.t("ep-reconnect-both-rejoin"),
    }
}

pub struct FieldView {
    pub name: &'static str,
    pub kind: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    pub error: Option<String>,
}

/// The plan as label and value pairs, for reading.
pub struct PlanRow {
    pub label: String,
    pub value: String,
}

/// The form as the client left it (strings), from a stored plan or a refused submission.
#[derive(Clone, Debug, Default)]
struct Values {
    fields: Vec<(String, String)>,
}

impl Values {
    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn of(p: &EmergencyPlan) -> Values {
        let s = |o: Option<String>| o.unwrap_or_default();
        let mut fields = vec![
            (
                "jurisdiction".into(),
                s(p.jurisdiction.as_ref().map(|j| j.to_string())),
            ),
            ("address".into(), s(p.address.clone())),
            (
                "emergency_number".into(),
                s(p.emergency_number.as_ref().map(|n| n.to_string())),
            ),
            ("facility_name".into(), s(p.facility_name.clone())),
            ("facility_address".into(), s(p.facility_address.clone())),
            ("contact_name".into(), s(p.contact_name.clone())),
            (
                "contact_relationship".into(),
                s(p.contact_relationship.clone()),
            ),
            (
                "contact_phone".into(),
                s(p.contact_phone.as_ref().map(|x| x.to_string())),
            ),
            (
                "contact_permission".into(),
                s(p.contact_permission
                    .map(|c| if c.granted { "yes" } else { "no" }.to_string())),
            ),
            (
                "fallback_phone".into(),
                s(p.fallback_phone.as_ref().map(|x| x.to_string())),
            ),
            (
                "client_waits_minutes".into(),
                s(p.client_waits_minutes.map(|m| m.to_string())),
            ),
            (
                "clinician_waits_minutes".into(),
                s(p.clinician_waits_minutes.map(|m| m.to_string())),
            ),
            (
                "reconnect".into(),
                s(p.reconnect.map(|r| r.as_str().to_string())),
            ),
            ("reconnect_note".into(), s(p.reconnect_note.clone())),
        ];
        for (i, l) in p.crisis_lines.iter().enumerate() {
            fields.push((format!("crisis_name_{}", i + 1), l.name.clone()));
            fields.push((format!("crisis_contact_{}", i + 1), l.contact.clone()));
        }
        Values { fields }
    }
}

/// The plan in words, for the client's and the care team's reading view.
pub fn rows_of(tr: &Tr, p: &EmergencyPlan) -> Vec<PlanRow> {
    let v = Values::of(p);
    let mut rows = Vec::new();
    for (name, _) in FIELDS {
        rows.push(PlanRow {
            label: field_label(tr, name),
            value: v.get(name).to_string(),
        });
        if name == "contact_phone" {
            rows.push(PlanRow {
                label: field_label(tr, "contact_permission"),
                value: match p.contact_permission {
                    Some(c) if c.granted => tr.t("ep-permission-yes"),
                    Some(_) => tr.t("ep-permission-no"),
                    None => String::new(),
                },
            });
        }
        if name == "clinician_waits_minutes" {
            rows.push(PlanRow {
                label: field_label(tr, "reconnect"),
                value: p
                    .reconnect
                    .map(|r| reconnect_label(tr, r))
                    .unwrap_or_default(),
            });
        }
    }
    for l in &p.crisis_lines {
        rows.push(PlanRow {
            label: tr.t("ep-crisis-lines"),
            value: format!("{}: {}", l.name, l.contact),
        });
    }
    rows
}

pub struct CrisisRow {
    pub n: usize,
    pub name: String,
    pub contact: String,
}

pub struct VersionRow {
    pub version: i64,
    pub saved_at: String,
    pub complete: bool,
}

#[derive(Template)]
#[template(path = "onboarding/emergency_plan.html")]
struct ClientPage {
    c: Chrome,
    fields: Vec<FieldView>,
    permission: String,
    reconnect: Vec<(&'static str, String, bool)>,
    crisis: Vec<CrisisRow>,
    crisis_error: Option<String>,
    permission_error: Option<String>,
    reconnect_error: Option<String>,
    after: i64,
    missing: Vec<String>,
    has_plan: bool,
    saved: Option<i64>,
    error: bool,
    history: Vec<VersionRow>,
}

#[derive(Template)]
#[template(path = "onboarding/emergency_record.html")]
struct RecordPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    rows: Vec<PlanRow>,
    missing: Vec<String>,
    has_plan: bool,
    history: Vec<VersionRow>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<i64>,
}

async fn own_record(state: &AppState, who: &Identity) -> Result<ClientRecord, PageError> {
    state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn audit(
    state: &AppState,
    who: &Identity,
    action: &str,
    client: ClientId,
    detail: &str,
) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            action,
            Some(client),
            detail,
        )
        .await?;
    Ok(())
}

async fn versions(state: &AppState, client: ClientId) -> Result<Vec<VersionRow>, PageError> {
    let all: Vec<Version<EmergencyPlan>> = state
        .docs
        .history(DocKind::EmergencyPlan, Owner::Client(client), KEY)
        .await
        .map_err(internal)?;
    Ok(all
        .iter()
        .rev()
        .map(|v| VersionRow {
            version: v.version,
            saved_at: when(&v.at),
            complete: v.value.is_complete(),
        })
        .collect())
}

fn missing_labels(tr: &Tr, p: Option<&EmergencyPlan>) -> Vec<String> {
    p.map(|p| {
        p.missing()
            .into_iter()
            .map(|f| field_label(tr, f))
            .collect()
    })
    .unwrap_or_default()
}

async fn build(
    state: &AppState,
    c: Chrome,
    me: &ClientRecord,
    who: &Identity,
    refused: Option<(Values, Vec<PlanError>)>,
    saved: Option<i64>,
) -> Result<ClientPage, PageError> {
    audit(
        state,
        who,
        "emergency_plan.view",
        me.id,
        &format!("emergency_plan:{}", me.id),
    )
    .await?;
    let current = latest(state, me.id).await?;
    let history = versions(state, me.id).await?;
    let tr = &c.tr;
    let (values, errors) = match refused {
        Some((v, e)) => (v, e),
        None => (
            current
                .as_ref()
                .map(|v| Values::of(&v.value))
                .unwrap_or_default(),
            Vec::new(),
        ),
    };
    let error_for = |name: &str| {
        errors
            .iter()
            .find(|e| e.field() == name)
            .map(|e| error_text(tr, e))
    };
    let fields = FIELDS
        .iter()
        .map(|(name, kind)| FieldView {
            name,
            kind,
            label: field_label(tr, name),
            hint: field_hint(tr, name),
            value: values.get(name).to_string(),
            error: error_for(name),
        })
        .collect();
    let chosen = values.get("reconnect").to_string();
    let reconnect = Reconnect::ALL
        .into_iter()
        .map(|r| (r.as_str(), reconnect_label(tr, r), r.as_str() == chosen))
        .collect();
    let crisis = (1..=3)
        .map(|n| CrisisRow {
            n,
            name: values.get(&format!("crisis_name_{n}")).to_string(),
            contact: values.get(&format!("crisis_contact_{n}")).to_string(),
        })
        .collect();
    Ok(ClientPage {
        fields,
        permission: values.get("contact_permission").to_string(),
        reconnect,
        crisis,
        crisis_error: error_for("crisis_lines"),
        permission_error: error_for("contact_permission"),
        reconnect_error: error_for("reconnect"),
        after: current.as_ref().map_or(0, |v| v.version),
        missing: missing_labels(tr, current.as_ref().map(|v| &v.value)),
        has_plan: current.is_some(),
        saved,
        error: !errors.is_empty(),
        history,
        c,
    })
}

/// The client's plan: the form, what is still missing, and the saved versions.
pub async fn client_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let page = build(&state, c, &me, &who, None, q.saved).await?;
    Ok(render(&page)?.into_response())
}

/// Saves a new version. A plan may be saved unfinished; the page then lists what is missing,
/// and readiness waits for it.
pub async fn save(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let values = Values {
        fields: fields.clone(),
    };
    let after: i64 = values.get("after").trim().parse().unwrap_or(0);
    let previous = latest(&state, me.id).await?;
    let crisis: Vec<(String, String)> = (1..=3)
        .map(|n| {
            (
                values.get(&format!("crisis_name_{n}")).to_string(),
                values.get(&format!("crisis_contact_{n}")).to_string(),
            )
        })
        .collect();
    let form = EmergencyPlanForm {
        jurisdiction: values.get("jurisdiction"),
        address: values.get("address"),
        emergency_number: values.get("emergency_number"),
        facility_name: values.get("facility_name"),
        facility_address: values.get("facility_address"),
        contact_name: values.get("contact_name"),
        contact_relationship: values.get("contact_relationship"),
        contact_phone: values.get("contact_phone"),
        contact_permission: values.get("contact_permission"),
        fallback_phone: values.get("fallback_phone"),
        client_waits_minutes: values.get("client_waits_minutes"),
        clinician_waits_minutes: values.get("clinician_waits_minutes"),
        reconnect: values.get("reconnect"),
        reconnect_note: values.get("reconnect_note"),
        crisis_lines: crisis
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect(),
    };
    let plan = match EmergencyPlan::parse(
        &form,
        previous.as_ref().map(|v| &v.value),
        state.clock.now(),
    ) {
        Ok(p) => p,
        Err(errors) => {
            let page = build(&state, c, &me, &who, Some((values, errors)), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let version = match state
        .docs
        .save(
            DocKind::EmergencyPlan,
            Owner::Client(me.id),
            KEY,
            after,
            &plan,
            Some(who.user_id),
        )
        .await
    {
        Ok(v) => v,
        Err(DocError::Changed) => {
            let page = build(&state, c, &me, &who, None, None).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(e) => return Err(internal(e)),
    };
    audit(
        &state,
        &who,
        "emergency_plan.changed",
        me.id,
        &format!("emergency_plan:{}:v{version}", me.id),
    )
    .await?;
    Ok(Redirect::to(&format!("/me/emergency-plan?saved={version}")).into_response())
}

/// The client's plan on their record, for clinicians on the care team.
pub async fn record_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let client = &access.client;
    audit(
        &state,
        &access.actor,
        "emergency_plan.view",
        client.id,
        &format!("emergency_plan:{}", client.id),
    )
    .await?;
    let current = latest(&state, client.id).await?;
    let history = versions(&state, client.id).await?;
    let page = RecordPage {
        client_id: client.id.to_string(),
        client_name: client.name.clone(),
        rows: current
            .as_ref()
            .map(|v| rows_of(&c.tr, &v.value))
            .unwrap_or_default(),
        missing: missing_labels(&c.tr, current.as_ref().map(|v| &v.value)),
        has_plan: current.is_some(),
        history,
        c,
    };
    Ok(render(&page)?.into_response())
}

/// The demo client with this email: (their record id, their user id).
pub(crate) async fn demo_client(
    state: &AppState,
    email: &str,
) -> Result<Option<(ClientId, alcove_domain::UserId)>, String> {
    let email = email.parse().map_err(|e| format!("{e:?}"))?;
    let Some(user) = state
        .store
        .user_by_email(&email)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let client = state
        .store
        .client_by_user(user.id)
        .await
        .map_err(|e| e.to_string())?;
    Ok(client.map(|c| (c.id, user.id)))
}

/// Demo: Alex Rivera, Riley Chen, Taylor Brooks and Noor Haddad have complete plans, written by themselves; Jordan Lee
/// has none yet.
pub async fn seed_demo(state: &AppState) -> Result<(), String> {
    let people = [
        (
            "alex.rivera@alcove-demo.example",
            "US-MA",
            ("Sam Rivera", "brother", "+1 617 555 0142"),
        ),
        (
            "riley.chen@alcove-demo.example",
            "US-PA",
            ("Morgan Chen", "partner", "+1 215 555 0177"),
        ),
        (
            "taylor.brooks@alcove-demo.example",
            "US-PA",
            ("Jesse Brooks", "parent", "+1 215 555 0191"),
        ),
        (
            "noor.haddad@alcove-demo.example",
            "US-PA",
            ("Omar Haddad", "brother", "+1 412 555 0123"),
        ),
    ];
    for (email, place, contact) in people {
        let Some((client, author)) = demo_client(state, email).await? else {
            continue;
        };
        let form = EmergencyPlanForm {
            jurisdiction: place,
            address: "12 Elm Street, Apt 3",
            emergency_number: "",
            facility_name: "City General Hospital",
            facility_address: "400 Main Street",
            contact_name: contact.0,
            contact_relationship: contact.1,
            contact_phone: contact.2,
            contact_permission: "yes",
            fallback_phone: contact.2,
            client_waits_minutes: "5",
            clinician_waits_minutes: "10",
            reconnect: "clinician_calls",
            reconnect_note: "",
            crisis_lines: Vec::new(),
        };
        let plan = EmergencyPlan::parse(&form, None, state.clock.now())
            .map_err(|e| format!("demo emergency plan: {e:?}"))?;
        state
            .docs
            .append(
                DocKind::EmergencyPlan,
                Owner::Client(client),
                KEY,
                &plan,
                Some(author),
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
