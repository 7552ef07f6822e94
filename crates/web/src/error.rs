//! The two faces of an error: the JSON contract shape for the API and a friendly page for people.
//! Internal causes go to the log (never with clinical content), never to the user.

use std::fmt;

use alcove_store::StoreError;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use crate::i18n::Tr;
use crate::services::KeyringError;

/// `{"error":{"code":"snake_case","message":"plain words"}}`
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable snake_case code a program can act on.
    pub code: String,
    /// Plain words a person can act on.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in first: send a bearer token from POST /api/v1/auth/token.",
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role does not allow this.",
        )
    }
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is nothing here, or you may not see it.",
        )
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Nothing was changed; please try again.",
        )
    }
    pub fn too_many(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("Too many attempts. Try again in {retry_after} seconds."),
            )
        }
    }

    /// The shape any bare status gets under `/api` (used by the catch-all in `security`).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::not_found(),
            StatusCode::UNAUTHORIZED => Self::unauthorized(),
            StatusCode::FORBIDDEN => Self::forbidden(),
            StatusCode::METHOD_NOT_ALLOWED => Self::new(
                status,
                "method_not_allowed",
                "This address does not accept that method.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                status,
                "payload_too_large",
                "The request body is too large.",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::new(
                status,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            ),
            StatusCode::BAD_REQUEST => Self::new(
                status,
                "bad_request",
                "The request could not be understood.",
            ),
            StatusCode::UNPROCESSABLE_ENTITY => Self::new(
                status,
                "invalid_request",
                "The request has a value we cannot accept.",
            ),
            s if s.is_server_error() => Self::internal(),
            s => Self::new(
                s,
                "request_failed",
                s.canonical_reason()
                    .unwrap_or("The request failed.")
                    .to_owned(),
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        with_retry_after(
            (self.status, axum::Json(body)).into_response(),
            self.retry_after,
        )
    }
}

/// `true` when a storage failure means "not there"; anything else is logged (never content)
/// and becomes an internal error. Shared by both faces of an error.
fn is_not_found(e: StoreError) -> bool {
    match e {
        StoreError::NotFound => true,
        other => {
            tracing::error!(error = %other, "storage failure");
            false
        }
    }
}

fn with_retry_after(mut resp: Response, retry_after: Option<u64>) -> Response {
    if let Some(s) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    resp
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if is_not_found(e) {
            Self::not_found()
        } else {
            Self::internal()
        }
    }
}

impl From<KeyringError> for ApiError {
    fn from(e: KeyringError) -> Self {
        tracing::error!(error = %e, "key or decryption failure");
        match e {
            KeyringError::Shredded => Self::new(
                StatusCode::NOT_FOUND,
                "record_destroyed",
                "This record was destroyed and cannot be read.",
            ),
            _ => Self::internal(),
        }
    }
}

/// An error shown to a person as a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    /// Fluent key of the explanation.
    pub key: &'static str,
    pub retry_after: Option<u64>,
}

impl PageError {
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            key,
            retry_after: None,
        }
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error-not-found")
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "error-forbidden")
    }
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
    }
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::not_found(),
            StatusCode::FORBIDDEN => Self::forbidden(),
            StatusCode::TOO_MANY_REQUESTS => Self::new(status, "error-too-many"),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(status, "error-too-large"),
            s if s.is_server_error() => Self::internal(),
            s => Self::new(s, "error-bad-request"),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: crate::pages::Chrome,
    status: u16,
    key: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            c: crate::pages::Chrome::bare(Tr::default()),
            status: self.status.as_u16(),
            key: self.key,
        };
        let html = page.render().unwrap_or_else(|_| "Error".to_owned());
        with_retry_after((self.status, Html(html)).into_response(), self.retry_after)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        if is_not_found(e) {
            Self::not_found()
        } else {
            Self::internal()
        }
    }
}

impl From<KeyringError> for PageError {
    fn from(e: KeyringError) -> Self {
        tracing::error!(error = %e, "key or decryption failure");
        Self::internal()
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template failure");
        Self::internal()
    }
}

impl From<crate::services::DocError> for PageError {
    fn from(e: crate::services::DocError) -> Self {
        match e {
            crate::services::DocError::Store(e) => e.into(),
            crate::services::DocError::Keys(e) => e.into(),
            crate::services::DocError::Changed => Self::new(StatusCode::CONFLICT, "error-changed"),
            e => {
                tracing::error!(error = %e, "document");
                Self::internal()
            }
        }
    }
}
