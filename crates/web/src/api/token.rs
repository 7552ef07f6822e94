use alcove_domain::{Role, UserId};
use alcove_store::SessionKind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiJson;
use crate::auth::extract::{Actor, ClientAddr};
use crate::auth::session;
use crate::auth::sign_in::{check_code, check_password, record_success, Outcome, SignInError};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub email: String,
    pub password: String,
    /// The 6-digit code from the authenticator app (or a recovery code). Required for staff.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl From<SignInError> for ApiError {
    fn from(e: SignInError) -> Self {
        match e {
            SignInError::Throttled(s) => ApiError::too_many(s),
            SignInError::BadCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "The email and password do not match an account.",
            ),
            SignInError::BadCode => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                "The code is not right, or was already used.",
            ),
            SignInError::Store(e) => e.into(),
        }
    }
}

/// Exchanges email, password and (for staff) a TOTP code for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenIn,
    responses(
        (status = 200, body = TokenOut),
        (status = 400, body = ErrorBody, description = "Malformed JSON"),
        (status = 401, body = ErrorBody, description = "invalid_credentials, or mfa_required when a code is owed"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Unknown or invalid field"),
        (status = 429, body = ErrorBody, description = "Too many attempts; see Retry-After")))]
pub async fn issue(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<TokenIn>,
) -> Result<Json<TokenOut>, ApiError> {
    let user = match check_password(&state, &body.email, &body.password, &addr).await? {
        Outcome::SignedIn(u) => u,
        Outcome::CodeNeeded(u) => match body.totp.as_deref() {
            Some(code) => {
                check_code(&state, &u, code, &addr).await?;
                u
            }
            None => return Err(SignInError::BadCode.into()),
        },
        Outcome::MustEnrol(_) => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "mfa_required",
                "Staff accounts need two-step sign-in: set it up on the web first (Account → Two-step sign-in).",
            ))
        }
    };
    let (token, rec) = session::start(&state, &user, SessionKind::Api, true).await?;
    record_success(&state, &user, "api").await?;
    Ok(Json(TokenOut {
        token,
        expires_at: rec.expires_at,
    }))
}

/// Ends the session of the token used to call it.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn revoke(
    Actor(who): Actor,
    State(state): State<AppState>,
) -> Result<StatusCode, ApiError> {
    state.store.delete_session(&who.session.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn me(Actor(who): Actor) -> Json<MeOut> {
    Json(MeOut {
        id: who.user_id,
        name: who.name.clone(),
        role: who.role,
    })
}
