//! The one sign-in procedure behind both the web form and `POST /api/v1/auth/token`.
//! No message or timing says whether an email has an account: unknown emails cost one
//! Argon2 verification against a dummy hash, exactly like a wrong password.

use alcove_crypto::envelope::Aad;
use alcove_crypto::{token, totp};
use alcove_domain::{Email, Role};
use alcove_store::{StoreError, User};

use super::throttle;
use crate::services::audit_log::By;
use crate::state::AppState;

#[derive(Debug)]
pub enum Outcome {
    /// Password right and no further factor needed.
    SignedIn(User),
    /// Password right; a code from the authenticator (or a recovery code) is still owed.
    CodeNeeded(User),
    /// Staff without a second factor yet: may only set one up.
    MustEnrol(User),
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many attempts; retry after {0} s")]
    Throttled(u64),
    #[error("email and password do not match")]
    BadCredentials,
    #[error("the code is not right")]
    BadCode,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Step one: email and password.
pub async fn check_password(
    state: &AppState,
    email: &str,
    password: &str,
    addr: &str,
) -> Result<Outcome, SignInError> {
    // A malformed address is treated as an unknown account: same answer, same cost.
    let email: Option<Email> = email.parse().ok();
    let acct = throttle::account_key(email.as_ref().map_or("", |e| e.as_str()));
    let addr = throttle::address_key(addr);
    let attempt = throttle::begin(state, &acct, Some(&addr))
        .await?
        .map_err(SignInError::Throttled)?;
    let user = match &email {
        Some(e) => state.store.user_by_email(e).await?,
        None => None,
    };
    let ok = state
        .verify_password(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await;
    let user = match user {
        Some(u) if ok => u,
        other => {
            throttle::failed(state, attempt, &acct, Some(&addr)).await?;
            // Both cases write one event, so the time taken does not tell them apart.
            let object = other.map_or_else(
                || "account:unknown".to_owned(),
                |u| format!("user:{}", u.id),
            );
            state
                .audit
                .record(By::Anonymous, "sign_in.failed", None, &object)
                .await?;
            return Err(SignInError::BadCredentials);
        }
    };
    if user.totp_sealed.is_some() {
        // The count stays: password and code guesses share one limit.
        return Ok(Outcome::CodeNeeded(user));
    }
    state.store.clear_failures(&acct).await?;
    Ok(if user.role.is_staff() {
        Outcome::MustEnrol(user)
    } else {
        Outcome::SignedIn(user)
    })
}

/// Step two: a TOTP code (each accepted once) or an unused recovery code.
pub async fn check_code(
    state: &AppState,
    user: &User,
    code: &str,
    addr: &str,
) -> Result<(), SignInError> {
    let acct = throttle::account_key(user.email.as_str());
    let addr = throttle::address_key(addr);
    let attempt = throttle::begin(state, &acct, Some(&addr))
        .await?
        .map_err(SignInError::Throttled)?;
    if code_is_good(state, user, code).await? {
        state.store.clear_failures(&acct).await?;
        Ok(())
    } else {
        throttle::failed(state, attempt, &acct, Some(&addr)).await?;
        state
            .audit
            .record(
                By::Anonymous,
                "sign_in.code_failed",
                None,
                &format!("user:{}", user.id),
            )
            .await?;
        Err(SignInError::BadCode)
    }
}

async fn code_is_good(state: &AppState, user: &User, code: &str) -> Result<bool, StoreError> {
    let Some(secret) = totp_secret(state, user) else {
        return Ok(false);
    };
    let now = state.clock.now().timestamp();
    if let Ok(Some(step)) = totp::verify(&secret, code, now) {
        // A code once used is refused again, even within its window.
        return state.store.use_totp_step(user.id, step).await;
    }
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() > 8 {
        return state
            .store
            .use_recovery_code(user.id, &token::recovery_code_hash(code), state.clock.now())
            .await;
    }
    Ok(false)
}

pub fn totp_aad(user: &User) -> String {
    user.id.to_string()
}

/// The user's TOTP secret, opened with the master key.
pub fn totp_secret(state: &AppState, user: &User) -> Option<String> {
    let sealed = user.totp_sealed.as_ref()?;
    let row = totp_aad(user);
    let aad = Aad {
        table: "users",
        column: "totp_sealed",
        row: &row,
        key_version: 0,
    };
    let bytes = state.keys.master().open(&aad, sealed).ok()?;
    String::from_utf8(bytes).ok()
}

/// Records a completed sign-in. For clients the event is on their own record, so it shows in
/// their access history.
pub async fn record_success(state: &AppState, user: &User, via: &str) -> Result<(), StoreError> {
    let client = if user.role == Role::Client {
        state.store.client_by_user(user.id).await?.map(|c| c.id)
    } else {
        None
    };
    state
        .audit
        .record(
            By::User(user.id, user.role),
            "sign_in.succeeded",
            client,
            via,
        )
        .await?;
    Ok(())
}
