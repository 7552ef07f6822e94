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
    let problem = if !state
        .passwords
        .verify(&f.current, Some(&user.password_hash))
    {
        Some(c.t("password-current-wrong"))
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
    state
        .store
        .set_password(user.id, &state.passwords.hash(&f.new), now)
        .await?;
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

async fn enrolment_page(
    state: &AppState,
    c: Chrome,
    user: &User,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    if user.totp_sealed.is_some() {
        return render(&TwoFactorPage {
            c,
            enrolled: true,
            qr_data_uri: String::new(),
            secret_groups: String::new(),
            enrol_token: String::new(),
            error,
        });
    }
    let secret = totp::generate_secret();
    let url = totp::otpauth_url(&secret, &state.config.practice_name, user.email.as_str())
        .map_err(|_| PageError::internal())?;
    // The secret rides in the form sealed to this user, so nothing half-enrolled is stored.
    let row = user.id.to_string();
    let sealed = state
        .keys
        .master()
        .seal(&pending_aad(&row), secret.as_bytes());
    let enrol_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed);
    let secret_groups = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    render(&TwoFactorPage {
        c,
        enrolled: false,
        qr_data_uri: qr_data_uri(&url)?,
        secret_groups,
        enrol_token,
        error,
    })
}

pub async fn two_factor(
    PendingActor(who): PendingActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    enrolment_page(&state, c, &user, None).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    enrol_token: String,
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
    let step = match totp::verify(&secret, &f.code, state.clock.now().timestamp()) {
        Ok(Some(step)) => step,
        _ => {
            let error = Some(c.t("two-factor-code-wrong"));
            // Show the same secret again so the person can retry with their app as set up.
            let url = totp::otpauth_url(&secret, &state.config.practice_name, user.email.as_str())
                .map_err(|_| PageError::internal())?;
            let secret_groups = secret
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let page = render(&TwoFactorPage {
                c,
                enrolled: false,
                qr_data_uri: qr_data_uri(&url)?,
                secret_groups,
                enrol_token: f.enrol_token,
                error,
            })?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
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

pub async fn new_recovery_codes(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let user = state.store.user_by_id(who.user_id).await?;
    if user.totp_sealed.is_none() {
        return Err(PageError::new(StatusCode::CONFLICT, "error-bad-request"));
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
    render(&RecoveryCodesPage { c, codes })
}
