//! The check-in before every session (Standard 5; seed 002 "private space", "emergency plans";
//! seed 000 "technology fails") and the client's waiting room.
//!
//! The client attests where they are now, that they are somewhere private, the number to
//! call if the connection drops, and that their emergency contact is still right.
//! `CheckIn::parse` reads the form; the licensure engine runs on the attested location at that
//! instant against the clinician's credentials; readiness (`onboarding::readiness_of`) must
//! hold too. Every check-in, allowed or not, is a new version of the client's
//! `SessionCheckIn` document for this appointment (sealed with the client's key) and is
//! audited as `session.check_in`. Only an allowed check-in lets the clinician admit.

use alcove_domain::licensure::{Credentials, Decision, Profession};
use alcove_domain::scheduling::{CheckIn, CheckInError, CheckInForm};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_in_opens_at, SessionAccess};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::licensure::{credentials_of, registry};
use crate::onboarding::path::steps;
use crate::pages::{render, when, Chrome};
use crate::scheduling::appointments;
use crate::services::Version;
use crate::state::AppState;

/// One check-in as recorded: what the client attested and what was decided at that instant.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CheckInRecord {
    pub at: DateTime<Utc>,
    /// The jurisdiction the client attested (ISO 3166-2).
    pub location: String,
    /// The address there, when it differs from the emergency plan's.
    pub address: Option<String>,
    pub private_place: bool,
    /// The number the clinician calls if the connection drops (E.164).
    pub fallback_phone: String,
    pub emergency_contact_confirmed: bool,
    /// The emergency contact as shown to the client when they confirmed it.
    pub emergency_contact: Option<String>,
    /// The licensure decision at that instant (`Decision::to_json`: allowed, basis, reason,
    /// would_allow).
    pub licensure: serde_json::Value,
    /// Readiness for online sessions at that instant.
    pub ready: bool,
    /// The readiness steps still missing (`onboarding::Step` keys).
    #[serde(default)]
    pub not_ready: Vec<String>,
}

impl CheckInRecord {
    pub fn licensed(&self) -> bool {
        self.licensure["allowed"] == true
    }

    /// The session may start for this client: licensed where they are, and ready.
    pub fn allowed(&self) -> bool {
        self.licensed() && self.ready
    }

    /// The credential the session rests on, in plain words.
    pub fn basis(&self) -> String {
        self.licensure["basis"]["summary"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn reason(&self) -> String {
        self.licensure["reason"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn would_allow(&self) -> String {
        self.licensure["would_allow"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// The client's newest check-in for this appointment, without auditing (callers audit).
pub async fn latest(
    state: &AppState,
    client: ClientId,
    appointment: &str,
) -> Result<Option<Version<CheckInRecord>>, PageError> {
    Ok(state
        .docs
        .latest(DocKind::SessionCheckIn, Owner::Client(client), appointment)
        .await?)
}

#[derive(Deserialize, Default)]
pub struct CheckInFields {
    #[serde(default)]
    jurisdiction: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    private_place: Option<String>,
    #[serde(default)]
    fallback_phone: String,
    #[serde(default)]
    emergency_contact_confirmed: Option<String>,
}

/// What the client's page shows in each state.
#[derive(Template)]
#[template(path = "sessions/client.html")]
struct ClientPage {
    c: Chrome,
    id: String,
    title: String,
    clinician: String,
    start: String,
    end: String,
    modality: String,
    /// `cancelled`, `ended`, `closed`, `not_open`, `admitted`, `waiting` or `check_in`.
    phase: &'static str,
    opens_at: String,
    /// Readiness steps still to do: (label, link).
    not_ready: Vec<(String, Option<&'static str>)>,
    /// The newest check-in, if any.
    last: Option<CheckInView>,
    form: FormView,
    errors: Vec<(&'static str, String)>,
    /// The clinician's alternate contact if the technology fails (Standard 6).
    alternate: String,
}

pub struct CheckInView {
    pub at: String,
    pub location: String,
    pub address: String,
    pub fallback_phone: String,
    pub licensed: bool,
    pub basis: String,
    pub reason: String,
    pub would_allow: String,
    pub ready: bool,
    pub allowed: bool,
}

impl CheckInView {
    pub fn of(r: &CheckInRecord) -> Self {
        Self {
            at: when(&r.at),
            location: r.location.clone(),
            address: r.address.clone().unwrap_or_default(),
            fallback_phone: r.fallback_phone.clone(),
            licensed: r.licensed(),
            basis: r.basis(),
            reason: r.reason(),
            would_allow: r.would_allow(),
            ready: r.ready,
            allowed: r.allowed(),
        }
    }
}

#[derive(Default)]
pub struct FormView {
    pub jurisdiction: String,
    pub address: String,
    pub plan_address: String,
    pub fallback_phone: String,
    pub private_place: bool,
    pub contact_confirmed: bool,
    /// The emergency contact on file, in words; empty when there is none.
    pub contact: String,
}

impl ClientPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e)
    }
}

fn error_text(tr: &Tr, e: &CheckInError) -> String {
    match e {
        CheckInError::Jurisdiction(_) => tr.t("sess-error-jurisdiction"),
        CheckInError::Address => tr.t("sess-error-address"),
        CheckInError::NotPrivate => tr.t("sess-error-private"),
        CheckInError::Phone(_) => tr.t("sess-error-phone"),
        CheckInError::ContactUnconfirmed => tr.t("sess-error-contact"),
    }
}

/// The emergency plan's defaults for the form: (jurisdiction, address, fallback phone, contact).
async fn plan_defaults(
    state: &AppState,
    client: &alcove_store::ClientRecord,
) -> Result<(String, String, String, String), PageError> {
    let plan = crate::onboarding::emergency::latest(state, client.id).await?;
    let p = plan.as_ref().map(|v| &v.value);
    let jurisdiction = p
        .and_then(|p| p.jurisdiction.as_ref())
        .map_or_else(|| client.home_jurisdiction.to_string(), |j| j.to_string());
    let address = p.and_then(|p| p.address.clone()).unwrap_or_default();
    let phone = p
        .and_then(|p| p.fallback_phone.as_ref())
        .map(|x| x.to_string())
        .unwrap_or_default();
    let contact = p
        .and_then(|p| {
            let name = p.contact_name.clone()?;
            let rel = p.contact_relationship.clone().unwrap_or_default();
            let phone = p
                .contact_phone
                .as_ref()
                .map(|x| x.to_string())
                .unwrap_or_default();
            Some(if rel.is_empty() {
                format!("{name}, {phone}")
            } else {
                format!("{name} ({rel}), {phone}")
            })
        })
        .unwrap_or_default();
    Ok((jurisdiction, address, phone, contact))
}

/// The client's page: check-in form, waiting room, or why the session cannot happen.
pub async fn page(
    access: SessionAccess,
    c: Chrome,
    state: AppState,
    refused: Option<(CheckInFields, Vec<CheckInError>)>,
) -> Result<Response, PageError> {
    let client = access.client().cloned().ok_or_else(PageError::not_found)?;
    let a = &access.appointment;
    let id = a.id.to_string();
    let now = state.clock.now();
    let last = latest(&state, client.id, &id).await?;
    // The client reads their own check-in and plan: audited like any look at the record.
    state
        .audit
        .record(
            access.by(),
            "session.view",
            Some(client.id),
            &access.object(),
        )
        .await?;
    let readiness = crate::onboarding::readiness_of(&state, client.id).await?;
    let not_ready = steps(&c.tr, &readiness)
        .into_iter()
        .filter(|s| !s.done)
        .map(|s| (s.label, s.href))
        .collect();
    let phase = if super::cancelled(a) {
        "cancelled"
    } else if a.ended() {
        "ended"
    } else if !access.open(now) {
        "closed"
    } else if access.admitted() {
        "admitted"
    } else if now < check_in_opens_at(a) {
        "not_open"
    } else if refused.is_none() && last.as_ref().is_some_and(|v| v.value.allowed()) {
        "waiting"
    } else {
        "check_in"
    };
    let (plan_jur, plan_address, plan_phone, contact) = plan_defaults(&state, &client).await?;
    let (form, errors) = match refused {
        Some((f, errors)) => (
            FormView {
                jurisdiction: f.jurisdiction,
                address: f.address,
                plan_address,
                fallback_phone: f.fallback_phone,
                private_place: f.private_place.is_some(),
                contact_confirmed: f.emergency_contact_confirmed.is_some(),
                contact,
            },
            errors
                .iter()
                .map(|e| (e.field(), error_text(&c.tr, e)))
                .collect(),
        ),
        None => {
            // A new check-in starts from the last one (a client travelling twice in a row),
            // else from the emergency plan.
            let prior = last.as_ref().map(|v| &v.value);
            (
                FormView {
                    jurisdiction: prior.map_or(plan_jur, |p| p.location.clone()),
                    address: prior.and_then(|p| p.address.clone()).unwrap_or_default(),
                    plan_address,
                    fallback_phone: prior.map_or(plan_phone, |p| p.fallback_phone.clone()),
                    private_place: false,
                    contact_confirmed: false,
                    contact,
                },
                Vec::new(),
            )
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ClientPage {
        id,
        title: a.session_type.name.clone(),
        clinician: super::name_of(&state, a.clinician).await,
        start: when(&a.start),
        end: when(&a.end),
        modality: super::modality_label(&c, a),
        phase,
        opens_at: when(&check_in_opens_at(a)),
        not_ready,
        last: last.as_ref().map(|v| CheckInView::of(&v.value)),
        form,
        errors,
        alternate: super::alternate_contact(&state, a.clinician).await,
        c,
    };
    Ok((status, render(&page)?).into_response())
}

/// The licensure engine's decision for `clinician` seeing a client at `place` at `at` (the
/// check-in's rule; admission runs it again).
pub async fn licensure_at(
    state: &AppState,
    clinician: alcove_domain::UserId,
    place: &alcove_domain::Jurisdiction,
    at: DateTime<Utc>,
) -> Result<Decision, PageError> {
    let reg = registry().map_err(|_| PageError::internal())?;
    let creds = credentials_of(state, clinician).await.map_err(|e| {
        tracing::error!(error = %e, "credentials");
        PageError::internal()
    })?;
    // No credentials on file: nothing covers anywhere, and the reason says so.
    let creds = creds.unwrap_or_else(|| Credentials::new(Profession::SocialWork, vec![]));
    Ok(alcove_domain::licensure::may_practise(
        &creds, reg, place, at,
    ))
}

/// `POST /sessions/{id}/check-in`.
pub async fn submit(
    access: SessionAccess,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<CheckInFields>,
) -> Result<Response, PageError> {
    let Some(client) = access.client().cloned() else {
        // The clinician has no check-in of their own.
        return Err(PageError::forbidden());
    };
    let a = access.appointment.clone();
    let now = state.clock.now();
    if !access.open(now) || now < check_in_opens_at(&a) || access.admitted() {
        return Ok(Redirect::to(&format!("/sessions/{}", a.id)).into_response());
    }
    let parsed = CheckIn::parse(&CheckInForm {
        jurisdiction: &f.jurisdiction,
        address: &f.address,
        private_place: f.private_place.is_some(),
        fallback_phone: &f.fallback_phone,
        emergency_contact_confirmed: f.emergency_contact_confirmed.is_some(),
    });
    let checkin = match parsed {
        Ok(ci) => ci,
        Err(errors) => return page(access, c, state, Some((f, errors))).await,
    };
    // Standard 5: licensed where the client is now, at this instant.
    let decision = licensure_at(&state, a.clinician, &checkin.location, now).await?;
    let readiness = crate::onboarding::readiness_of(&state, client.id).await?;
    let (_, _, _, contact) = plan_defaults(&state, &client).await?;
    let record = CheckInRecord {
        at: now,
        location: checkin.location.to_string(),
        address: checkin.address.clone(),
        private_place: true,
        fallback_phone: checkin.fallback_phone.to_string(),
        emergency_contact_confirmed: true,
        emergency_contact: (!contact.is_empty()).then_some(contact),
        licensure: decision.to_json(),
        ready: readiness.ready,
        not_ready: {
            let mut steps: Vec<String> = readiness
                .missing
                .iter()
                .map(|(s, _)| s.as_str().to_owned())
                .collect();
            steps.dedup();
            steps
        },
    };
    let version = state
        .docs
        .append(
            DocKind::SessionCheckIn,
            Owner::Client(client.id),
            &a.id.to_string(),
            &record,
            Some(access.actor.user_id),
        )
        .await?;
    let outcome = match (&decision, readiness.ready) {
        (Decision::Allowed { .. }, true) => "allowed",
        (Decision::Allowed { .. }, false) => "not_ready",
        (Decision::Denied { .. }, _) => "denied",
    };
    state
        .audit
        .record(
            access.by(),
            &format!("session.check_in.{outcome}"),
            Some(client.id),
            &format!("{}:check_in:v{version}", access.object()),
        )
        .await?;
    // The clinician's view shows the check-in as soon as it is made.
    appointments::changed(&state, a.id).await;
    Ok(Redirect::to(&format!("/sessions/{}", a.id)).into_response())
}
