use alcove_domain::licensure::{
    covered_jurisdictions, may_practise_on, Credential, CredentialKind, Credentials, Decision,
    Profession,
};
use alcove_domain::{Jurisdiction, Role, UserId};
use alcove_store::{CredentialsDoc, Verification};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use super::liability::{cover_of, cover_view, CoverView};
use super::{credential_key, credentials_of, place_of, registry, RegisterError};
use crate::auth::extract::{AdminActor, ClinicianActor};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

impl From<RegisterError> for PageError {
    fn from(e: RegisterError) -> Self {
        tracing::error!(error = %e, "credentials register");
        PageError::internal()
    }
}

/// One credential as people read it, with the board page to check it.
pub struct Row {
    pub key: String,
    pub kind: String,
    pub place: String,
    pub compact: Option<String>,
    pub title: String,
    pub number: String,
    pub expires: String,
    pub verify_url: Option<String>,
}

pub fn rows(creds: &Credentials) -> Vec<Row> {
    let reg = registry().ok();
    creds
        .credentials()
        .iter()
        .map(|c| {
            let (place, compact) = place_of(c);
            let verify_url = reg.and_then(|r| {
                let j: Jurisdiction = place.parse().ok()?;
                r.board(&j, c.profession.unwrap_or(creds.profession()))?
                    .verify_url
                    .clone()
            });
            Row {
                key: credential_key(c),
                kind: c.kind().as_str().to_owned(),
                place,
                compact,
                title: c.title.clone().unwrap_or_default(),
                number: c.number.clone().unwrap_or_default(),
                expires: c.expires.to_string(),
                verify_url,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "licensure/where.html")]
struct WherePage {
    c: Chrome,
    on: String,
    location: String,
    covered: Vec<(String, String, String)>,
    checked: Option<(bool, String, String)>,
    error: Option<String>,
    has_credentials: bool,
    /// Where the clinician practises from, and the basis covering it if any (Standard 5).
    own: Option<(String, Option<String>)>,
}

#[derive(Deserialize)]
pub struct WhereQuery {
    #[serde(default)]
    location: String,
    #[serde(default)]
    date: String,
}

/// "Where can I see clients?" — every jurisdiction the clinician's credentials cover today,
/// and a check for a client who is travelling or moving.
pub async fn where_page(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<WhereQuery>,
) -> Result<Response, PageError> {
    let reg = registry().map_err(|_| PageError::internal())?;
    let today = state.clock.now().date_naive();
    let mut error = None;
    let on = if q.date.trim().is_empty() {
        today
    } else {
        NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
            error = Some(c.t("where-bad-date"));
            today
        })
    };
    let creds = credentials_of(&state, who.user_id).await?;
    let covered = creds
        .as_ref()
        .map(|cr| {
            covered_jurisdictions(cr, reg, on)
                .into_iter()
                .map(|(j, b)| {
                    let name = reg
                        .jurisdiction(&j)
                        .map_or_else(|| j.to_string(), |i| i.name.clone());
                    (j.to_string(), name, b.summary)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut checked = None;
    if !q.location.trim().is_empty() && error.is_none() {
        match q.location.trim().parse::<Jurisdiction>() {
            Ok(j) if reg.jurisdiction(&j).is_some() => {
                let decision = match &creds {
                    Some(cr) => may_practise_on(cr, reg, &j, on),
                    None => may_practise_on(
                        &Credentials::new(Profession::SocialWork, vec![]),
                        reg,
                        &j,
                        on,
                    ),
                };
                checked = Some(match decision {
                    Decision::Allowed { basis } => (true, basis.summary, String::new()),
                    Decision::Denied {
                        reason,
                        would_allow,
                    } => (false, reason.to_string(), would_allow.to_string()),
                });
            }
            _ => error = Some(c.t("where-bad-location")),
        }
    }
    let own = crate::profile::profile_of(&state, who.user_id)
        .await?
        .and_then(|v| v.value.practice_jurisdiction)
        .map(|j| {
            let basis = creds
                .as_ref()
                .and_then(|cr| match may_practise_on(cr, reg, &j, on) {
                    Decision::Allowed { basis } => Some(basis.summary),
                    Decision::Denied { .. } => None,
                });
            (j.to_string(), basis)
        });
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = WherePage {
        own,
        c,
        on: on.to_string(),
        location: q.location.trim().to_uppercase(),
        covered,
        checked,
        error,
        has_credentials: creds.is_some(),
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "licensure/register.html")]
struct RegisterPage {
    c: Chrome,
    rows: Vec<Row>,
    verifications: Vec<(String, String, String, String)>,
    error: Option<String>,
    /// Professional liability cover (seed 000); `None` when none is on file.
    cover: Option<CoverView>,
}

/// A clinician's liability cover in words, with its warnings; `None` when none is on file.
async fn cover_of_clinician(
    state: &AppState,
    c: &Chrome,
    clinician: UserId,
    creds: Option<&Credentials>,
) -> Result<Option<CoverView>, PageError> {
    let cover = cover_of(state, clinician).await.map_err(|e| {
        tracing::error!(error = %e, "liability cover");
        PageError::internal()
    })?;
    Ok(cover.map(|v| cover_view(&c.tr, &v, creds, state.clock.now())))
}

async fn register_page(
    state: &AppState,
    c: Chrome,
    clinician: UserId,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let creds = credentials_of(state, clinician).await?;
    let names = state.store.list_users().await?;
    let name_of = |id: UserId| {
        names
            .iter()
            .find(|u| u.id == id)
            .map_or_else(String::new, |u| u.name.clone())
    };
    let verifications = state
        .store
        .verifications_of(clinician)
        .await?
        .into_iter()
        .map(|v| {
            (
                v.credential,
                name_of(v.verified_by),
                when(&v.verified_at),
                v.method,
            )
        })
        .collect();
    let cover = cover_of_clinician(state, &c, clinician, creds.as_ref()).await?;
    render(&RegisterPage {
        c,
        rows: creds.as_ref().map(rows).unwrap_or_default(),
        verifications,
        error,
        cover,
    })
}

/// The clinician's own credentials register.
pub async fn register(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    register_page(&state, c, who.user_id, None).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    profession: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    jurisdiction: String,
    #[serde(default)]
    compact: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    expires: String,
}

/// Adds one credential. The whole document is re-parsed by the engine, so what is stored is
/// always something the engine accepts; a mistake is shown with the field named.
pub async fn add_credential(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<AddForm>,
) -> Result<Response, PageError> {
    let reg = registry().map_err(|_| PageError::internal())?;
    let existing = credentials_of(&state, who.user_id).await?;
    let mut doc = match &existing {
        Some(cr) => cr.to_json(),
        None => serde_json::json!({"profession": f.profession.trim(), "credentials": []}),
    };
    let mut entry = serde_json::Map::new();
    entry.insert("kind".into(), f.kind.trim().into());
    let place_key = if f.kind.trim() == CredentialKind::CompactAuthorization.as_str() {
        "home"
    } else {
        "jurisdiction"
    };
    entry.insert(
        place_key.into(),
        f.jurisdiction.trim().to_uppercase().into(),
    );
    for (k, v) in [
        ("compact", &f.compact),
        ("title", &f.title),
        ("number", &f.number),
        ("starts", &f.starts),
        ("expires", &f.expires),
    ] {
        if !v.trim().is_empty() {
            entry.insert(k.into(), v.trim().into());
        }
    }
    if let Some(list) = doc["credentials"].as_array_mut() {
        list.push(entry.into());
    }
    let text = doc.to_string();
    if let Err(e) = Credentials::parse(&text, reg) {
        let page = register_page(&state, c, who.user_id, Some(e.to_string())).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = state.clock.now();
    state
        .store
        .put_credentials(&CredentialsDoc {
            clinician_id: who.user_id,
            document: text,
            updated_at: now,
            updated_by: who.user_id,
        })
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "credentials.changed",
            None,
            &format!("clinician:{}", who.user_id),
        )
        .await?;
    Ok(Redirect::to("/credentials").into_response())
}

#[derive(Template)]
#[template(path = "licensure/admin.html")]
struct AdminPage {
    c: Chrome,
    /// (id, name, credentials, liability cover)
    clinicians: Vec<(String, String, Vec<Row>, Option<CoverView>)>,
}

/// The practice's register: every clinician's credentials, each to be checked with its board,
/// and the status of their professional liability cover.
pub async fn admin_register(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let mut clinicians = Vec::new();
    for u in state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician)
    {
        let creds = credentials_of(&state, u.id).await?;
        let r = creds.as_ref().map(rows).unwrap_or_default();
        let cover = cover_of_clinician(&state, &c, u.id, creds.as_ref()).await?;
        clinicians.push((u.id.to_string(), u.name, r, cover));
    }
    render(&AdminPage { c, clinicians })
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    clinician: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    note: String,
}

/// Records who checked a credential with its board, when and how (Standard 6).
pub async fn record_verification(
    AdminActor(who): AdminActor,
    State(state): State<AppState>,
    Form(f): Form<VerifyForm>,
) -> Result<Response, PageError> {
    let clinician: UserId = f
        .clinician
        .parse()
        .map_err(|_| PageError::new(StatusCode::BAD_REQUEST, "error-bad-request"))?;
    let creds = credentials_of(&state, clinician)
        .await?
        .ok_or_else(PageError::not_found)?;
    let known = creds
        .credentials()
        .iter()
        .any(|c: &Credential| credential_key(c) == f.credential);
    if !known || f.method.trim().is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-request",
        ));
    }
    state
        .store
        .add_verification(&Verification {
            id: uuid::Uuid::new_v4(),
            clinician_id: clinician,
            credential: f.credential,
            verified_by: who.user_id,
            verified_at: state.clock.now(),
            method: f.method.trim().chars().take(200).collect(),
            note: f.note.trim().chars().take(1000).collect(),
        })
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "credentials.verified",
            None,
            &format!("clinician:{clinician}"),
        )
        .await?;
    Ok(Redirect::to("/admin/credentials").into_response())
}
