//! Invitation and account (issue 5, part 1). A clinician invites a new client by email
//! (`/clients/invite`); the email carries a single-use link (`/invite/{token}`) that expires
//! after [`VALID_DAYS`]. Only the SHA-256 of the token is kept, as the key of the
//! `Invitation` document (sealed with the practice key: the invitee is not a client yet).
//! Following the link, the client chooses a preferred name, gives a date of birth and sets a
//! password (`domain::password::check_password`); the account, client record, data key and
//! care-team link are created and the client is signed in. Reading the email proves the
//! address (Standard 6: identification and verification), so it counts as verified.
//!
//! Single use: the invitation is claimed by saving its version 2 after version 1. Two
//! submissions racing each other both try to write version 2; the store refuses the second
//! (a version conflict), so only one account is ever made from one link.

use alcove_domain::password::check_password;
use alcove_domain::{ClientId, Email, Jurisdiction, Role, UserId};
use alcove_store::{CareRole, DocKind, NewClient, NewUser, Owner, SessionKind};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::identity::{self, ClientDetails};
use crate::auth::extract::ClinicianActor;
use crate::auth::session::{self, session_cookie};
use crate::auth::sign_in::record_success;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::services::DocError;
use crate::state::AppState;

/// How long an invitation link works.
pub const VALID_DAYS: i64 = 7;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/clients/invite", invite_form)
        .post("/clients/invite", invite_submit)
        .get("/invite/{token}", accept_form)
        .post("/invite/{token}", accept_submit)
}

/// One invitation, as stored (sealed with the practice key).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invitation {
    pub email: String,
    pub legal_name: String,
    pub home_jurisdiction: Jurisdiction,
    pub invited_by: UserId,
    pub invited_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set in version 2, when the link was used.
    pub used_at: Option<DateTime<Utc>>,
    pub client: Option<ClientId>,
}

/// The document key of an invitation: the hex SHA-256 of its token (the token itself is
/// only in the email).
fn key_of(token: &str) -> String {
    hex::encode(alcove_crypto::token::token_hash(token))
}

#[derive(Template)]
#[template(path = "onboarding/invite.html")]
struct InvitePage {
    c: Chrome,
    legal_name: String,
    email: String,
    home: String,
    error: Option<String>,
    sent_to: Option<String>,
}

pub async fn invite_form(
    ClinicianActor(_who): ClinicianActor,
    c: Chrome,
) -> Result<Html<String>, PageError> {
    render(&InvitePage {
        c,
        legal_name: String::new(),
        email: String::new(),
        home: String::new(),
        error: None,
        sent_to: None,
    })
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    home: String,
}

pub async fn invite_submit(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<InviteForm>,
) -> Result<Response, PageError> {
    let refuse = |c: Chrome, key: &str| -> Result<Response, PageError> {
        let error = Some(c.t(key));
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&InvitePage {
                c,
                legal_name: f.legal_name.clone(),
                email: f.email.clone(),
                home: f.home.clone(),
                error,
                sent_to: None,
            })?,
        )
            .into_response())
    };
    let legal_name = f.legal_name.trim();
    if legal_name.is_empty() || legal_name.chars().count() > 200 {
        return refuse(c, "invite-error-name");
    }
    let Ok(email) = f.email.trim().parse::<Email>() else {
        return refuse(c, "invite-error-email");
    };
    // The home jurisdiction must be one the age-of-consent table knows, so that whether a
    // guardian must consent can be decided (it holds every US state and DC).
    let home = match f.home.trim().to_uppercase().parse::<Jurisdiction>() {
        Ok(j) if known_jurisdiction(&j) => j,
        _ => return refuse(c, "invite-error-home"),
    };
    if state.store.user_by_email(&email).await?.is_some() {
        return refuse(c, "invite-error-exists");
    }
    let now = state.clock.now();
    let token = alcove_crypto::token::random_token();
    let key = key_of(&token);
    let inv = Invitation {
        email: email.as_str().to_owned(),
        legal_name: legal_name.to_owned(),
        home_jurisdiction: home,
        invited_by: who.user_id,
        invited_at: now,
        expires_at: now + Duration::days(VALID_DAYS),
        used_at: None,
        client: None,
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
        .audit
        .record(
            By::User(who.user_id, who.role),
            "invitation.sent",
            None,
            &format!("invitation:{}", &key[..16]),
        )
        .await?;
    if state
        .mailer
        .notify(who.user_id, &email, &Notification::Invitation { token })
        .await
        .is_err()
    {
        return refuse(c, "invite-error-mail");
    }
    let sent_to = Some(email.as_str().to_owned());
    render(&InvitePage {
        c,
        legal_name: String::new(),
        email: String::new(),
        home: String::new(),
        error: None,
        sent_to,
    })
    .map(IntoResponse::into_response)
}

fn known_jurisdiction(j: &Jurisdiction) -> bool {
    alcove_domain::age::AgeOfConsent::builtin()
        .map(|t| t.rule(j).is_some())
        .unwrap_or(false)
}

/// An invitation that can still be used, or the page that says why not.
async fn usable(state: &AppState, token: &str) -> Result<(String, i64, Invitation), PageError> {
    if alcove_crypto::token::parse_token(token).is_none() {
        return Err(PageError::new(StatusCode::NOT_FOUND, "invite-unknown"));
    }
    let key = key_of(token);
    let Some(v) = state
        .docs
        .latest::<Invitation>(DocKind::Invitation, Owner::Practice, &key)
        .await?
    else {
        return Err(PageError::new(StatusCode::NOT_FOUND, "invite-unknown"));
    };
    if v.value.used_at.is_some() {
        return Err(PageError::new(StatusCode::GONE, "invite-used"));
    }
    if state.clock.now() >= v.value.expires_at {
        return Err(PageError::new(StatusCode::GONE, "invite-expired"));
    }
    Ok((key, v.version, v.value))
}

#[derive(Template)]
#[template(path = "onboarding/accept.html")]
struct AcceptPage {
    c: Chrome,
    token: String,
    email: String,
    preferred_name: String,
    date_of_birth: String,
    error: Option<String>,
}

pub async fn accept_form(
    c: Chrome,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
    let (_, _, inv) = usable(&state, &token).await?;
    render(&AcceptPage {
        c,
        token,
        email: inv.email,
        preferred_name: String::new(),
        date_of_birth: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    preferred_name: String,
    #[serde(default)]
    date_of_birth: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn accept_submit(
    c: Chrome,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<AcceptForm>,
) -> Result<Response, PageError> {
    let (key, version, inv) = usable(&state, &token).await?;
    let refuse = |c: Chrome, message: String| -> Result<Response, PageError> {
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&AcceptPage {
                c,
                token: token.clone(),
                email: inv.email.clone(),
                preferred_name: f.preferred_name.clone(),
                date_of_birth: f.date_of_birth.clone(),
                error: Some(message),
            })?,
        )
            .into_response())
    };
    let preferred = f.preferred_name.trim();
    if preferred.chars().count() > 200 {
        return refuse(c.clone(), c.t("invite-error-name"));
    }
    let today = state.clock.now().date_naive();
    let dob = match NaiveDate::parse_from_str(f.date_of_birth.trim(), "%Y-%m-%d") {
        Ok(d) if d <= today && today.years_since(d).unwrap_or(200) < 130 => d,
        _ => return refuse(c.clone(), c.t("invite-error-dob")),
    };
    if f.password != f.confirm {
        return refuse(c.clone(), c.t("password-mismatch"));
    }
    if let Err(p) = check_password(&f.password, &[&inv.legal_name, preferred, &inv.email]) {
        let key = format!("pw-problem-{}", p.code().replace('_', "-"));
        return refuse(c.clone(), c.t(&key));
    }
    // A minor below their jurisdiction's age of consent gets an account like anyone else;
    // readiness then waits for a guardian's consent, which the clinician asks for
    // (`guardian.rs`).
    let Some(password_hash) = state.hash_password(&f.password).await else {
        return Err(PageError::internal());
    };
    // Claim the link: version 2 after the version read. A second use, or a concurrent one,
    // finds version 2 already written and is refused.
    let now = state.clock.now();
    let client = ClientId(Uuid::new_v4());
    let user = UserId(Uuid::new_v4());
    let used = Invitation {
        used_at: Some(now),
        client: Some(client),
        ..inv.clone()
    };
    use_up(&state, &key, version, &used, "invite-used").await?;
    let email: Email = inv.email.parse().map_err(|_| PageError::internal())?;
    state
        .store
        .create_user(&NewUser {
            id: user,
            email,
            name: inv.legal_name.clone(),
            role: Role::Client,
            password_hash,
            totp_sealed: None,
            slug: None,
            credentials: None,
            created_at: now,
        })
        .await?;
    state
        .store
        .create_client(&NewClient {
            id: client,
            user_id: user,
            home_jurisdiction: inv.home_jurisdiction.clone(),
            created_at: now,
        })
        .await?;
    state.keys.create_client_key(client).await?;
    state
        .store
        .add_to_care_team(client, inv.invited_by, CareRole::Primary, now)
        .await?;
    let details = ClientDetails {
        legal_name: inv.legal_name.clone(),
        preferred_name: (!preferred.is_empty()).then(|| preferred.to_owned()),
        date_of_birth: Some(dob),
        invited_at: Some(inv.invited_at),
        account_created_at: Some(now),
        email_verified_at: Some(now),
        phone: None,
        phone_verified_at: None,
    };
    identity::save_details(&state, client, 0, &details, user).await?;
    state
        .audit
        .record(
            By::User(user, Role::Client),
            "account.created",
            Some(client),
            &format!("invitation:{}", &key[..16]),
        )
        .await?;
    let account = state.store.user_by_id(user).await?;
    let (tok, _) = session::start(&state, &account, SessionKind::Web, true).await?;
    record_success(&state, &account, "web").await?;
    let mut r = Redirect::to("/home").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, &tok));
    Ok(r)
}

/// Marks a single-use link (an invitation document at `version`) as used before anything it
/// grants is done: a second or concurrent use finds the version changed and is told `gone`
/// (410).
pub(super) async fn use_up<T: serde::Serialize>(
    state: &AppState,
    key: &str,
    version: i64,
    used: &T,
    gone: &'static str,
) -> Result<(), PageError> {
    match state
        .docs
        .save(
            DocKind::Invitation,
            Owner::Practice,
            key,
            version,
            used,
            None,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(DocError::Changed) => Err(PageError::new(StatusCode::GONE, gone)),
        Err(e) => Err(e.into()),
    }
}
