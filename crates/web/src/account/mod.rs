//! The caller's own account: password, second factor, recovery codes, signing out everywhere.

use alcove_crypto::envelope::Aad;
use alcove_crypto::{password, token, totp};
use alcove_domain::Role;
use alcove_store::{SessionKind, User};
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use base64::Engine;
use serde::Deserialize;

use crate::auth::extract::{Actor, PendingActor};
use crate::auth::session::{self, clear_session_cookie, session_cookie};
use crate::auth::sign_in::{record_success, totp_aad};
use crate::auth::throttle;
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/account", page)
        .post("/account/password", change_password)
        .post("/account/sign-out-everywhere", sign_out_everywhere)
        .get("/account/two-factor", two_factor)
        .post("/account/two-factor", enrol)
        .post("/account/recovery-codes", new_recovery_codes)
}

const RECOVERY_CODES: usize = 10;

#[derive(Template)]
#[template(path = "account/security.html")]
struct SecurityPage {
    c: Chrome,
    user: User,
    recovery_left: u32,
    notice: Option<String>,
    error: Option<String>,
}

async fn security_page(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    let recovery_left = state.store.unused_recovery_codes(user.id).await?;
    render(&SecurityPage {
        c,
        user,
        recovery_left,
        notice,
        error,
    })
}

pub async fn page(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    security_page(&state, c, &who, None, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    let problem = match confirm_password(&state, &user, &f.current).await? {
        Confirmed::Paused(r) => return Ok(r),
        Confirmed::Wrong => Some(c.t("password-current-wrong")),
        Confirmed::Yes => None,
    };
    let problem = if problem.is_some() {
        problem
    } else if f.new != f.confirm {
        Some(c.t("password-mismatch"))
    } else {
        password::password_problem(&f.new).map(|_| c.t("password-too-weak"))
    };
    if let Some(error) = problem {
        let page = security_page(&state, c, &who, None, Some(error)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let now = state.clock.now();
    let hash = state
        .hash_password(&f.new)
        .await
        .ok_or_else(PageError::internal)?;
    state.store.set_password(user.id, &hash, now).await?;
    // Every other session started before the change is now void; this browser gets a fresh one.
    state.store.delete_user_sessions(user.id, None).await?;
    let (tok, _) = session::start(&state, &user, SessionKind::Web, true).await?;
    state
        .audit
        .record(
            By::User(user.id, user.role),
            "account.password_changed",
            client_of(&state, &user).await?,
            "account",
        )
        .await?;
    let mut r = security_page(&state, c, &who, Some("password-changed".into()), None)
        .await?
        .into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, &tok));
    Ok(r)
}

enum Confirmed {
    Yes,
    Wrong,
    /// Too many wrong guesses: the 429 response to send.
    Paused(Response),
}

/// Re-asks for the current password before anything that changes how the account is protected.
/// Each guess counts against the same per-account limit as sign-in.
async fn confirm_password(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<Confirmed, PageError> {
    let acct = throttle::account_key(user.email.as_str());
    let attempt = match throttle::begin(state, &acct, None).await? {
        Ok(a) => a,
        Err(wait) => {
            let mut r = PageError::for_status(StatusCode::TOO_MANY_REQUESTS).into_response();
            r.headers_mut().insert(header::RETRY_AFTER, wait.into());
            return Ok(Confirmed::Paused(r));
        }
    };
    if state
        .verify_password(password, Some(&user.password_hash))
        .await
    {
        state.store.clear_failures(&acct).await?;
        Ok(Confirmed::Yes)
    } else {
        throttle::failed(state, attempt, &acct, None).await?;
        Ok(Confirmed::Wrong)
    }
}

async fn client_of(
    state: &AppState,
    user: &User,
) -> Result<Option<alcove_domain::ClientId>, alcove_store::StoreError> {
    if user.role == Role::Client {
        Ok(state.store.client_by_user(user.id).await?.map(|c| c.id))
    } else {
        Ok(None)
    }
}

pub async fn sign_out_everywhere(
    Actor(who): Actor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    state.store.delete_user_sessions(who.user_id, None).await?;
    let mut r = Redirect::to("/").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(r)
}

#[derive(Template)]
#[template(path = "account/two_factor.html")]
struct TwoFactorPage {
    c: Chrome,
    enrolled: bool,
    /// Re-ask the password when enrolling from a session that is already fully signed in.
    ask_password: bool,
    qr_data_uri: String,
    secret_groups: String,
    enrol_token: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "account/recovery_codes.html")]
struct RecoveryCodesPage {
    c: Chrome,
    codes: Vec<String>,
}

fn pending_aad(row: &str) -> Aad<'_> {
    Aad {
        table: "users",
        column: "totp_pending",
        row,
        key_version: 0,
    }
}

/// The QR code is drawn on the server as SVG, so the secret never leaves for a third party.
fn qr_data_uri(url: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| PageError::internal())?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn secret_groups(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The enrolment form for a given secret (a new one, or the same again after a mistake).
fn enrolment_form(
    state: &AppState,
    c: Chrome,
    user: &User,
    who: &Identity,
    secret: &str,
    enrol_token: String,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let url = totp::otpauth_url(secret, &state.config.practice_name, user.email.as_str())
        .map_err(|_| PageError::internal())?;
    render(&TwoFactorPage {
        c,
        enrolled: false,
        ask_password: !who.mfa_pending,
        qr_data_uri: qr_data_uri(&url)?,
        secret_groups: secret_groups(secret),
        enrol_token,
        error,
    })
}

async fn enrolment_page(
    state: &AppState,
    c: Chrome,
    user: &User,
    who: &Identity,
) -> Result<Html<String>, PageError> {
    if user.totp_sealed.is_some() {
        return render(&TwoFactorPage {
            c,
            enrolled: true,
            ask_password: false,
            qr_data_uri: String::new(),
            secret_groups: String::new(),
            enrol_token: String::new(),
            error: None,
        });
    }
    let secret = totp::generate_secret();
    // The secret rides in the form sealed to this user, so nothing half-enrolled is stored.
    let row = user.id.to_string();
    let sealed = state
        .keys
        .master()
        .seal(&pending_aad(&row), secret.as_bytes());
    let enrol_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed);
    enrolment_form(state, c, user, who, &secret, enrol_token, None)
}

pub async fn two_factor(
    PendingActor(who): PendingActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    enrolment_page(&state, c, &user, &who).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    enrol_token: String,
    /// Asked for when enrolling from an already signed-in session (not during sign-in).
    #[serde(default)]
    current: String,
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    PendingActor(who): PendingActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<EnrolForm>,
) -> Result<Response, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    if user.totp_sealed.is_some() {
        return Ok(Redirect::to("/account/two-factor").into_response());
    }
    let row = user.id.to_string();
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(f.enrol_token.trim())
        .ok()
        .and_then(|b| state.keys.master().open(&pending_aad(&row), &b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let Some(secret) = secret else {
        return Err(PageError::new(StatusCode::BAD_REQUEST, "error-bad-request"));
    };
    if !who.mfa_pending {
        match confirm_password(&state, &user, &f.current).await? {
            Confirmed::Paused(r) => return Ok(r),
            Confirmed::Wrong => {
                let error = Some(c.t("password-current-wrong"));
                let page = enrolment_form(&state, c, &user, &who, &secret, f.enrol_token, error)?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
            Confirmed::Yes => {}
        }
    }
    let Ok(Some(step)) = totp::verify(&secret, &f.code, state.clock.now().timestamp()) else {
        // Show the same secret again so the person can retry with their app as set up.
        let error = Some(c.t("two-factor-code-wrong"));
        let page = enrolment_form(&state, c, &user, &who, &secret, f.enrol_token, error)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let aad_row = totp_aad(&user);
    let aad = Aad {
        table: "users",
        column: "totp_sealed",
        row: &aad_row,
        key_version: 0,
    };
    state
        .store
        .set_totp(
            user.id,
            Some(&state.keys.master().seal(&aad, secret.as_bytes())),
        )
        .await?;
    state.store.use_totp_step(user.id, step).await?;
    let codes = fresh_recovery_codes(&state, &user).await?;
    state
        .audit
        .record(
            By::User(user.id, user.role),
            "account.two_factor_enrolled",
            client_of(&state, &user).await?,
            "account",
        )
        .await?;
    let mut resp = render(&RecoveryCodesPage { c, codes })?.into_response();
    if who.mfa_pending {
        state.store.delete_session(&who.session.token_hash).await?;
        let (tok, _) = session::start(&state, &user, SessionKind::Web, true).await?;
        record_success(&state, &user, "web").await?;
        resp.headers_mut()
            .append(header::SET_COOKIE, session_cookie(&state, &tok));
    }
    Ok(resp)
}

async fn fresh_recovery_codes(state: &AppState, user: &User) -> Result<Vec<String>, PageError> {
    let codes = token::recovery_codes(RECOVERY_CODES);
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| token::recovery_code_hash(c)).collect();
    state.store.replace_recovery_codes(user.id, &hashes).await?;
    Ok(codes)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    current: String,
}

pub async fn new_recovery_codes(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    if user.totp_sealed.is_none() {
        return Err(PageError::new(StatusCode::CONFLICT, "error-bad-request"));
    }
    // New codes are a new way in: ask for the password again, as for any change of protection.
    match confirm_password(&state, &user, &f.current).await? {
        Confirmed::Paused(r) => return Ok(r),
        Confirmed::Wrong => {
            let error = Some(c.t("password-current-wrong"));
            let page = security_page(&state, c, &who, None, error).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Confirmed::Yes => {}
    }
    let codes = fresh_recovery_codes(&state, &user).await?;
    state
        .audit
        .record(
            By::User(user.id, user.role),
            "account.recovery_codes_replaced",
            client_of(&state, &user).await?,
            "account",
        )
        .await?;
    Ok(render(&RecoveryCodesPage { c, codes })?.into_response())
}
