//! Contact and identity verification (issue 5, part 2): the client's names, date of birth
//! and verified contact details, kept as one `ClientDetails` document per client (sealed with
//! the client's data key, versioned), and the facts the readiness rule reads.
//!
//! Email is verified by the invitation link (`invite.rs`), the phone by a texted code
//! (`phone.rs`); names and date of birth come with the account; the clinician records the
//! identity check here; the guardian requirement follows from the date of birth and home
//! jurisdiction, and a guardian consents through `guardian.rs`.

use alcove_domain::onboarding::{
    GuardianConsent, IdentityError, IdentityMethod, IdentityVerification,
};
use alcove_domain::{ClientId, UserId};
use alcove_store::{DocKind, Owner};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::AccountFacts;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::DocError;
use crate::state::AppState;

/// The document key of a client's details (one per client, versioned).
pub const DETAILS_KEY: &str = "details";
/// The document key of a client's identity check.
pub const IDENTITY_KEY: &str = "identity";
/// The document key of a guardian's consent.
pub const GUARDIAN_KEY: &str = "guardian";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/clients/{client}/identity", identity_page)
        .post("/clients/{client}/identity", identity_submit)
}

#[derive(askama::Template)]
#[template(path = "onboarding/identity.html")]
struct IdentityPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    /// The recorded check: method label, when, note.
    current: Option<(String, String, String)>,
    error: Option<String>,
}

fn method_label(c: &Chrome, m: IdentityMethod) -> String {
    c.t(&format!("identity-method-{}", m.as_str().replace('_', "-")))
}

async fn show(
    state: &AppState,
    access: &CareTeamClient,
    c: Chrome,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let current = state
        .docs
        .latest::<IdentityVerification>(
            DocKind::IdentityCheck,
            Owner::Client(access.client.id),
            IDENTITY_KEY,
        )
        .await?
        .map(|v| {
            (
                method_label(&c, v.value.method),
                when(&v.value.at),
                v.value.note.unwrap_or_default(),
            )
        });
    render(&IdentityPage {
        c,
        client_id: access.client.id.to_string(),
        client_name: access.client.name.clone(),
        current,
        error,
    })
}

/// The care team's record of how the client's identity was checked (Standard 6).
pub async fn identity_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    show(&state, &access, c, None).await
}

#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    note: String,
}

pub async fn identity_submit(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<IdentityForm>,
) -> Result<Response, PageError> {
    let who = &access.actor;
    let check =
        match IdentityVerification::record(&f.method, &f.note, who.user_id, state.clock.now()) {
            Ok(v) => v,
            Err(e) => {
                let key = match e {
                    IdentityError::Method => "identity-error-method",
                    IdentityError::NoteNeeded => "identity-error-note",
                    IdentityError::NoteTooLong => "identity-error-note-long",
                };
                let msg = c.t(key);
                let page = show(&state, &access, c, Some(msg)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        };
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "identity_check.recorded",
            Some(access.client.id),
            &format!("identity_check:{}", access.client.id),
        )
        .await?;
    state
        .docs
        .append(
            DocKind::IdentityCheck,
            Owner::Client(access.client.id),
            IDENTITY_KEY,
            &check,
            Some(who.user_id),
        )
        .await?;
    Ok(Redirect::to(&format!("/clients/{}/identity", access.client.id)).into_response())
}

/// Who the client is and which contact details are proven (sealed with their data key).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientDetails {
    pub legal_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub invited_at: Option<DateTime<Utc>>,
    pub account_created_at: Option<DateTime<Utc>>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub phone: Option<String>,
    pub phone_verified_at: Option<DateTime<Utc>>,
}

/// A guardian's invitation and consent (sealed with the client's data key), appended at each
/// step. Whether the consent still counts is decided from the guardian's signatures
/// (`consent::guardian_given_at`), so a new consent version needs the guardian again.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GuardianRecord {
    pub signed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub guardian_name: Option<String>,
    #[serde(default)]
    pub guardian_email: Option<String>,
    #[serde(default)]
    pub invited_at: Option<DateTime<Utc>>,
}

/// Saves the next version of a client's details after `after` (0 for the first).
pub async fn save_details(
    state: &AppState,
    client: ClientId,
    after: i64,
    details: &ClientDetails,
    author: UserId,
) -> Result<i64, DocError> {
    state
        .docs
        .save(
            DocKind::ClientDetails,
            Owner::Client(client),
            DETAILS_KEY,
            after,
            details,
            Some(author),
        )
        .await
}

/// What the account part knows about a client, for the readiness rule.
pub async fn facts(state: &AppState, client: ClientId) -> Result<AccountFacts, PageError> {
    let owner = Owner::Client(client);
    let details = state
        .docs
        .latest::<ClientDetails>(DocKind::ClientDetails, owner, DETAILS_KEY)
        .await?
        .map(|v| v.value);
    let identity = state
        .docs
        .latest::<IdentityVerification>(DocKind::IdentityCheck, owner, IDENTITY_KEY)
        .await?
        .map(|v| v.value);
    let guardian_signed_at = super::consent::guardian_given_at(state, client).await?;
    let location = Some(state.store.client(client).await?.home_jurisdiction);
    let today = state.clock.now().date_naive();
    let dob = details.as_ref().and_then(|d| d.date_of_birth);
    Ok(AccountFacts {
        invited_at: details.as_ref().and_then(|d| d.invited_at),
        account_created_at: details.as_ref().and_then(|d| d.account_created_at),
        email_verified_at: details.as_ref().and_then(|d| d.email_verified_at),
        phone_verified_at: details.as_ref().and_then(|d| d.phone_verified_at),
        identity,
        guardian: GuardianConsent::determine(dob, location.as_ref(), today, guardian_signed_at),
    })
}

/// Demo practice: every demo client (by email) gets adult details with a verified email and
/// phone; the ready ones ([`super::DEMO_READY`]) also get an identity check by their primary
/// clinician.
/// The phone numbers are from the 555-01xx range reserved for fiction.
pub async fn seed_demo<'a>(
    state: &AppState,
    emails: impl IntoIterator<Item = &'a str>,
    now: DateTime<Utc>,
) -> Result<(), DocError> {
    for (n, email) in emails.into_iter().enumerate() {
        let Ok(email) = email.parse::<alcove_domain::Email>() else {
            continue;
        };
        let Some(user) = state.store.user_by_email(&email).await? else {
            continue;
        };
        let Some(client) = state.store.client_by_user(user.id).await? else {
            continue;
        };
        let year = 1978 + (n as i32 * 5) % 20;
        let details = ClientDetails {
            legal_name: user.name.clone(),
            preferred_name: None,
            date_of_birth: NaiveDate::from_ymd_opt(year, 3 + n as u32 % 9, 14),
            invited_at: Some(now - chrono::Duration::days(30)),
            account_created_at: Some(now - chrono::Duration::days(29)),
            email_verified_at: Some(now - chrono::Duration::days(29)),
            phone: Some(format!("+1-617-555-01{:02}", 10 + n)),
            phone_verified_at: Some(now - chrono::Duration::days(29)),
        };
        save_details(state, client.id, 0, &details, user.id).await?;
        if super::DEMO_READY.contains(&user.name.as_str()) {
            let team = state.store.care_team(client.id).await?;
            let Some(clinician) = team.first() else {
                continue;
            };
            if let Ok(check) = IdentityVerification::record(
                "photo_id_on_camera",
                "Driving licence shown on camera at the first session; name and photo matched.",
                clinician.clinician_id,
                now - chrono::Duration::days(21),
            ) {
                state
                    .docs
                    .save(
                        DocKind::IdentityCheck,
                        Owner::Client(client.id),
                        IDENTITY_KEY,
                        0,
                        &check,
                        Some(clinician.clinician_id),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}
