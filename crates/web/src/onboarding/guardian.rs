//! Guardian consent for a minor (issue 5, part 2: "Minors: age from date of birth against an
//! age-of-consent table per jurisdiction; below it, a guardian is invited and must consent
//! too").
//!
//! The clinician's page `/clients/{client}/guardian` shows the client's age, the rule of
//! their jurisdiction (`data/onboarding/age_of_consent.json`, `domain::age`) and whether a
//! guardian must consent; it invites the parent or guardian by email. The email carries a
//! single-use link `/guardian/{token}` that expires after [`VALID_DAYS`]; only the SHA-256 of
//! the token is kept, as the key of a practice-sealed `Invitation` document
//! (`guardian-<hash>`) that names the client. On that page the guardian reads every consent
//! the practice requires, in its current version, and signs them as guardian
//! (`SignerRole::Guardian`, kept apart from the client's own signatures). Signing uses the
//! link up; the page then only offers PDF copies of what was signed, until the link expires.
//! Readiness counts the guardian's consent only while it covers every current version.

use alcove_domain::age::{age_on, AgeOfConsent};
use alcove_domain::consent::{ConsentDocument, ConsentError, ConsentKind, SignerRole};
use alcove_domain::onboarding::GuardianConsent;
use alcove_domain::policy::{blocks, Block};
use alcove_domain::{ClientId, Email, UserId};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::consent::pdf::{pdf_response, render_signature};
use super::consent::{current, guardian_signatures, required_kinds, sign_as};
use super::identity::{ClientDetails, GuardianRecord, DETAILS_KEY, GUARDIAN_KEY};
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::state::AppState;

/// How long a guardian's link works.
pub const VALID_DAYS: i64 = 14;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/clients/{client}/guardian", clinician_page)
        .post("/clients/{client}/guardian", invite)
        .get("/guardian/{token}", guardian_page)
        .post("/guardian/{token}", guardian_sign)
        .get("/guardian/{token}/consents/{kind}/pdf", guardian_copy)
}

/// A guardian's invitation, as stored (sealed with the practice key; the key is the hash of
/// the token).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GuardianInvite {
    pub client: ClientId,
    pub guardian_name: String,
    pub guardian_email: String,
    pub invited_by: UserId,
    pub invited_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set (in version 2) when the guardian signed.
    pub used_at: Option<DateTime<Utc>>,
}

fn key_of(token: &str) -> String {
    format!(
        "guardian-{}",
        hex::encode(alcove_crypto::token::token_hash(token))
    )
}

/// Whether a guardian must consent for this client, today.
pub async fn requirement(state: &AppState, client: ClientId) -> Result<GuardianConsent, PageError> {
    Ok(super::identity::facts(state, client).await?.guardian)
}

#[derive(Template)]
#[template(path = "onboarding/guardian_staff.html")]
struct StaffPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    age: Option<u32>,
    jurisdiction: String,
    /// (self-consent age, citation, notes, source, as of) of the jurisdiction's rule.
    rule: Option<(u8, String, String, String, String)>,
    status: String,
    required: bool,
    /// (guardian name, email, invited at) of the latest invitation.
    invited: Option<(String, String, String)>,
    /// (document title, version, signer, signed at) of the guardian's signatures.
    signed: Vec<(String, u32, String, String)>,
    name: String,
    email: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn staff_page(
    state: &AppState,
    access: &CareTeamClient,
    c: Chrome,
    form: (String, String),
    notice: Option<String>,
    error: Option<String>,
) -> Result<StaffPage, PageError> {
    let client = access.client.id;
    let owner = Owner::Client(client);
    let details = state
        .docs
        .latest::<ClientDetails>(DocKind::ClientDetails, owner, DETAILS_KEY)
        .await?
        .map(|v| v.value);
    let today = state.clock.now().date_naive();
    let age = details
        .as_ref()
        .and_then(|d| d.date_of_birth)
        .and_then(|dob| age_on(dob, today).ok());
    let j = &access.client.home_jurisdiction;
    let rule = AgeOfConsent::builtin()
        .ok()
        .and_then(|t| t.rule(j))
        .map(|r| {
            (
                r.self_consent_age(),
                r.citation
                    .clone()
                    .unwrap_or_else(|| c.t("guardian-no-citation")),
                r.notes.clone(),
                r.source.clone(),
                r.as_of.to_string(),
            )
        });
    let g = requirement(state, client).await?;
    let status = match &g {
        GuardianConsent::NotRequired => c.t("guardian-status-not-required"),
        GuardianConsent::MinorUnderConditions => c.t("guardian-status-conditions"),
        GuardianConsent::Required { given_at: Some(at) } => {
            c.t1("guardian-status-given", "at", when(at))
        }
        GuardianConsent::Required { given_at: None } => c.t("guardian-status-missing"),
        GuardianConsent::Undetermined { why } => c.t1("guardian-status-unknown", "why", why),
    };
    let required = matches!(g, GuardianConsent::Required { .. });
    let invited = state
        .docs
        .latest::<GuardianRecord>(DocKind::GuardianConsent, owner, GUARDIAN_KEY)
        .await?
        .and_then(|v| {
            let r = v.value;
            Some((r.guardian_name?, r.guardian_email?, when(&r.invited_at?)))
        });
    let mut signed = Vec::new();
    for &kind in required_kinds() {
        for s in guardian_signatures(state, client, kind).await? {
            let title = current(state, kind)
                .await?
                .map(|d| d.title)
                .unwrap_or_default();
            signed.push((
                title,
                s.value.version,
                s.value.signer_name,
                when(&s.value.at),
            ));
        }
    }
    Ok(StaffPage {
        client_id: client.to_string(),
        client_name: access.client.name.clone(),
        age,
        jurisdiction: j.as_str().to_owned(),
        rule,
        status,
        required,
        invited,
        signed,
        name: form.0,
        email: form.1,
        notice,
        error,
        c,
    })
}

/// The care team's view: age, the rule, the guardian's status, and the invitation form.
pub async fn clinician_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "record.view",
            Some(access.client.id),
            &format!("client:{}:guardian", access.client.id),
        )
        .await?;
    let page = staff_page(&state, &access, c, Default::default(), None, None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

/// Sends the guardian a single-use link (audited as `guardian.invited`).
pub async fn invite(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<InviteForm>,
) -> Result<Response, PageError> {
    let client = access.client.id;
    let name = f.name.trim().to_owned();
    let refuse = |c: Chrome, key: &str, status: StatusCode| {
        let msg = c.t(key);
        let state = state.clone();
        let form = (f.name.clone(), f.email.clone());
        let access = &access;
        async move {
            let page = staff_page(&state, access, c, form, None, Some(msg)).await?;
            Ok::<Response, PageError>((status, render(&page)?).into_response())
        }
    };
    if name.is_empty() || name.chars().count() > 200 {
        return refuse(c, "guardian-error-name", StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let Ok(email) = f.email.trim().parse::<Email>() else {
        return refuse(c, "guardian-error-email", StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !matches!(
        requirement(&state, client).await?,
        GuardianConsent::Required { .. }
    ) {
        return refuse(c, "guardian-error-not-required", StatusCode::CONFLICT).await;
    }
    let who = &access.actor;
    let now = state.clock.now();
    let token = alcove_crypto::token::random_token();
    let key = key_of(&token);
    let inv = GuardianInvite {
        client,
        guardian_name: name.clone(),
        guardian_email: email.as_str().to_owned(),
        invited_by: who.user_id,
        invited_at: now,
        expires_at: now + Duration::days(VALID_DAYS),
        used_at: None,
    };
    state
        .docs
        .save(
            DocKind::Invitation,
            Owner::Practice,
            &key,
            0,
            &inv,
            Some(who.user_id),
        )
        .await?;
    state
        .docs
        .append(
            DocKind::GuardianConsent,
            Owner::Client(client),
            GUARDIAN_KEY,
            &GuardianRecord {
                signed_at: None,
                guardian_name: Some(name),
                guardian_email: Some(email.as_str().to_owned()),
                invited_at: Some(now),
            },
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "guardian.invited",
            Some(client),
            &format!("invitation:{}", &key[9..25]),
        )
        .await?;
    if state
        .mailer
        .notify(
            who.user_id,
            &email,
            &Notification::GuardianInvitation { token },
        )
        .await
        .is_err()
    {
        return refuse(c, "invite-error-mail", StatusCode::BAD_GATEWAY).await;
    }
    let notice = Some(c.t1("guardian-invited", "email", email.as_str()));
    let page = staff_page(&state, &access, c, Default::default(), notice, None).await?;
    Ok(render(&page)?.into_response())
}

/// The invitation behind a token, or the page that says why not. Used links still open (to
/// offer copies) until they expire.
async fn by_token(
    state: &AppState,
    token: &str,
) -> Result<(String, i64, GuardianInvite), PageError> {
    if alcove_crypto::token::parse_token(token).is_none() {
        return Err(PageError::new(StatusCode::NOT_FOUND, "guardian-unknown"));
    }
    let key = key_of(token);
    let Some(v) = state
        .docs
        .latest::<GuardianInvite>(DocKind::Invitation, Owner::Practice, &key)
        .await?
    else {
        return Err(PageError::new(StatusCode::NOT_FOUND, "guardian-unknown"));
    };
    if state.clock.now() >= v.value.expires_at {
        return Err(PageError::new(StatusCode::GONE, "guardian-expired"));
    }
    Ok((key, v.version, v.value))
}

pub struct DocView {
    pub kind: &'static str,
    pub title: String,
    pub version: u32,
    pub hash: String,
    pub blocks: Vec<Block>,
}

#[derive(Template)]
#[template(path = "onboarding/guardian.html")]
struct GuardianPage {
    c: Chrome,
    token: String,
    guardian_name: String,
    client_name: String,
    docs: Vec<DocView>,
    /// Signed through this link: (kind, title, version, signed at).
    signed: Vec<(&'static str, String, u32, String)>,
    used: bool,
    name: String,
    errors: Vec<String>,
}

async fn guardian_view(
    state: &AppState,
    c: Chrome,
    token: String,
    inv: &GuardianInvite,
    name: String,
    errors: Vec<String>,
) -> Result<GuardianPage, PageError> {
    let client = state.store.client(inv.client).await?;
    let details = state
        .docs
        .latest::<ClientDetails>(
            DocKind::ClientDetails,
            Owner::Client(inv.client),
            DETAILS_KEY,
        )
        .await?
        .map(|v| v.value);
    let client_name = details
        .and_then(|d| d.preferred_name)
        .map(|p| format!("{p} ({})", client.name))
        .unwrap_or(client.name);
    let mut docs = Vec::new();
    let mut signed = Vec::new();
    for &kind in required_kinds() {
        let Some(doc) = current(state, kind).await? else {
            continue;
        };
        if let Some(s) = guardian_signatures(state, inv.client, kind)
            .await?
            .into_iter()
            .rev()
            .find(|s| s.value.at >= inv.invited_at)
        {
            signed.push((
                kind.as_str(),
                doc.title.clone(),
                s.value.version,
                when(&s.value.at),
            ));
        }
        docs.push(DocView {
            kind: kind.as_str(),
            title: doc.title.clone(),
            version: doc.version,
            hash: doc.content_hash.to_string(),
            blocks: blocks(&doc.body),
        });
    }
    Ok(GuardianPage {
        c,
        token,
        guardian_name: inv.guardian_name.clone(),
        client_name,
        docs,
        signed,
        used: inv.used_at.is_some(),
        name,
        errors,
    })
}

/// The guardian reads the consents and signs them (or, once signed, downloads copies).
pub async fn guardian_page(
    c: Chrome,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (_, _, inv) = by_token(&state, &token).await?;
    let page = guardian_view(&state, c, token, &inv, String::new(), Vec::new()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    agree: Option<String>,
    /// The content hashes of the versions the page showed, comma-separated, in page order.
    #[serde(default)]
    hashes: String,
}

fn sign_error_key(e: &ConsentError) -> &'static str {
    match e {
        ConsentError::SignerNameMissing => "consent-error-name-missing",
        ConsentError::SignerNameTooLong => "consent-error-name-too-long",
        ConsentError::NotAgreed => "consent-error-not-agreed",
        _ => "error-bad-request",
    }
}

/// Signs every required consent as guardian, once: the link is used up by it.
pub async fn guardian_sign(
    c: Chrome,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    let (key, version, inv) = by_token(&state, &token).await?;
    if inv.used_at.is_some() {
        return Err(PageError::new(StatusCode::GONE, "guardian-used"));
    }
    let mut docs: Vec<ConsentDocument> = Vec::new();
    for &kind in required_kinds() {
        if let Some(d) = current(&state, kind).await? {
            docs.push(d);
        }
    }
    let shown: Vec<&str> = f.hashes.split(',').map(str::trim).collect();
    let fail = |c: Chrome, status: StatusCode, errors: Vec<String>| {
        let state = state.clone();
        let token = token.clone();
        let inv = inv.clone();
        let name = f.name.clone();
        async move {
            let page = guardian_view(&state, c, token, &inv, name, errors).await?;
            Ok::<Response, PageError>((status, render(&page)?).into_response())
        }
    };
    let current_hashes: Vec<String> = docs.iter().map(|d| d.content_hash.to_string()).collect();
    if shown
        != current_hashes
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    {
        let msg = c.t("consent-error-changed");
        return fail(c, StatusCode::CONFLICT, vec![msg]).await;
    }
    // Check the form once before anything is written: all documents or none.
    if let Some(doc) = docs.first() {
        if let Err(errs) = alcove_domain::consent::Signature::sign(
            doc,
            &f.name,
            f.agree.is_some(),
            SignerRole::Guardian,
            state.clock.now(),
        ) {
            let msgs = errs.iter().map(|e| c.t(sign_error_key(e))).collect();
            return fail(c, StatusCode::UNPROCESSABLE_ENTITY, msgs).await;
        }
    }
    // Use the link up first: a second submission, or a concurrent one, is refused.
    let now = state.clock.now();
    let used = GuardianInvite {
        used_at: Some(now),
        ..inv.clone()
    };
    super::invite::use_up(&state, &key, version, &used, "guardian-used").await?;
    for doc in &docs {
        if let Err(errs) = sign_as(
            &state,
            inv.client,
            doc,
            &f.name,
            f.agree.is_some(),
            SignerRole::Guardian,
            By::Anonymous,
        )
        .await?
        {
            let msgs = errs.iter().map(|e| c.t(sign_error_key(e))).collect();
            return fail(c, StatusCode::UNPROCESSABLE_ENTITY, msgs).await;
        }
    }
    state
        .docs
        .append(
            DocKind::GuardianConsent,
            Owner::Client(inv.client),
            GUARDIAN_KEY,
            &GuardianRecord {
                signed_at: Some(now),
                guardian_name: Some(inv.guardian_name.clone()),
                guardian_email: Some(inv.guardian_email.clone()),
                invited_at: Some(inv.invited_at),
            },
            None,
        )
        .await?;
    Ok(Redirect::to(&format!("/guardian/{token}")).into_response())
}

/// The guardian's copy of what they signed through this link (audited).
pub async fn guardian_copy(
    c: Chrome,
    State(state): State<AppState>,
    Path((token, kind)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (key, _, inv) = by_token(&state, &token).await?;
    let kind: ConsentKind = kind.parse().map_err(|_| PageError::not_found())?;
    let sig = guardian_signatures(&state, inv.client, kind)
        .await?
        .into_iter()
        .rev()
        .find(|s| s.value.at >= inv.invited_at)
        .ok_or_else(PageError::not_found)?;
    let bytes = render_signature(&state, &c, &sig.value, None).await?;
    state
        .audit
        .record(
            By::Anonymous,
            "consent.pdf_downloaded",
            Some(inv.client),
            &format!(
                "consent:{}:v{}:{}:guardian:{}",
                kind.as_str(),
                sig.value.version,
                sig.value.content_hash,
                &key[9..25]
            ),
        )
        .await?;
    Ok(pdf_response(
        bytes,
        &format!(
            "{}-v{}-guardian-signed.pdf",
            kind.as_str(),
            sig.value.version
        ),
    ))
}
