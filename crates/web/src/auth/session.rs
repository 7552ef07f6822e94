use alcove_crypto::token;
use alcove_domain::Role;
use alcove_store::{NewSession, SessionKind, SessionRecord, StoreError, User};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};

use super::Identity;
use crate::services::Stamp;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "alcove_session";
pub const CSRF_COOKIE: &str = "alcove_csrf";

/// Only touch `last_seen_at` this often, so reading pages does not write on every request.
const TOUCH_EVERY: i64 = 30;

/// A new session for a user. The token goes to the caller once; the database keeps its hash.
pub async fn start(
    state: &AppState,
    user: &User,
    kind: SessionKind,
    mfa_passed: bool,
) -> Result<(String, SessionRecord), StoreError> {
    let now = state.clock.now();
    let tok = token::random_token();
    let rec = NewSession {
        token_hash: token::token_hash(&tok),
        user_id: user.id,
        kind,
        mfa_passed,
        csrf_token: token::random_token(),
        created_at: now,
        expires_at: now + state.config.absolute_lifetime,
    };
    state.store.create_session(&rec).await?;
    let record = SessionRecord {
        token_hash: rec.token_hash,
        user_id: rec.user_id,
        kind,
        mfa_passed,
        csrf_token: rec.csrf_token,
        created_at: now,
        last_seen_at: now,
        expires_at: rec.expires_at,
    };
    Ok((tok, record))
}

fn idle_limit(state: &AppState, role: Role) -> Duration {
    if role.is_staff() {
        state.config.staff_idle
    } else {
        state.config.client_idle
    }
}

/// Whether session `s` of a user with `role`, whose password last changed at
/// `password_changed_at`, has ended by `now`: past its absolute expiry, idle too long, or
/// started before the password change (which ends every session begun before it).
pub fn has_ended(
    state: &AppState,
    s: &SessionRecord,
    role: Role,
    password_changed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now >= s.expires_at
        || now - s.last_seen_at >= idle_limit(state, role)
        || s.created_at < password_changed_at
}

pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    cookie(state, SESSION_COOKIE, token, None)
}

pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    cookie(state, SESSION_COOKIE, "", Some(0))
}

pub fn cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are base64url")
}

/// Reads one cookie's value; values that are not well-formed tokens are ignored.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| token::parse_token(v))
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, tok) = v.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        token::parse_token(tok.trim())
    } else {
        None
    }
}

pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware: resolves the caller's session once and puts an [`Identity`] in the request.
/// The API accepts only bearer tokens and pages only the cookie, so a page's cookie can never
/// authorise an API call (which has no CSRF token) and a token can never drive a form.
pub async fn resolve_identity(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    let presented = if api {
        bearer(req.headers())
    } else {
        read_cookie(req.headers(), SESSION_COOKIE)
    };
    let mut stale_cookie = false;
    if let Some(tok) = presented.map(str::to_owned) {
        match identify(
            &state,
            &tok,
            if api {
                SessionKind::Api
            } else {
                SessionKind::Web
            },
        )
        .await
        {
            Ok(Some(id)) => {
                req.extensions_mut().insert(id);
            }
            Ok(None) => stale_cookie = !api,
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }
    let mut resp = next.run(req).await;
    if stale_cookie && !resp.headers().contains_key(header::SET_COOKIE) {
        resp.headers_mut()
            .append(header::SET_COOKIE, clear_session_cookie(&state));
    }
    resp
}

async fn identify(
    state: &AppState,
    tok: &str,
    kind: SessionKind,
) -> Result<Option<Identity>, StoreError> {
    let hash = token::token_hash(tok);
    // The session is read on every request (a sign-out or a password change anywhere ends it
    // at once); the change stamp comes with it, in the same statement.
    let Some((s, stamp)) = state.store.session_stamped(&hash).await? else {
        return Ok(None);
    };
    let stamp = Stamp::read(stamp);
    if s.kind != kind {
        return Ok(None);
    }
    let user = match state
        .recent
        .user(state.store.as_ref(), stamp, s.user_id)
        .await
    {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let now = state.clock.now();
    if has_ended(state, &s, user.role, user.password_changed_at, now) {
        state.store.delete_session(&hash).await?;
        return Ok(None);
    }
    if (now - s.last_seen_at).num_seconds() >= TOUCH_EVERY {
        state.store.touch_session(&hash, now).await?;
    }
    let has_totp = user.has_totp;
    Ok(Some(Identity {
        user_id: user.id,
        name: user.name.clone(),
        role: user.role,
        // Staff always need the second factor; clients only once they have enrolled one.
        mfa_pending: !s.mfa_passed && (user.role.is_staff() || has_totp),
        has_totp,
        session: s,
        stamp,
    }))
}
