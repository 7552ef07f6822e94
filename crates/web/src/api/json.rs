use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body held to the contract: wrong content type → 415, too large → 413 (with the limit),
/// broken JSON → 400, unknown or invalid fields → 422. Always the contract's error shape.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE));
        }
        let limit = req.extensions().get::<BodyLimit>().map_or(0, |l| l.0);
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("Request bodies can be up to {limit} bytes."))
            } else {
                ApiError::new(StatusCode::BAD_REQUEST, "unreadable_body", "The request body could not be read.")
            }
        })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            use serde_json::error::Category;
            match e.classify() {
                Category::Data => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", e.to_string()),
                _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("The body is not valid JSON: {e}.")),
            }
        })
    }
}

/// The configured body limit, put on each request so errors can state it.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);
