//! Every response's security headers, CSRF and Origin checks, and the error shapes — in one place.

use alcove_crypto::token;
use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::extract::CsrfToken;
use crate::auth::session::{cookie, is_api, read_cookie, CSRF_COOKIE};
use crate::auth::Identity;
use crate::error::{ApiError, PageError};
use crate::routes::UploadRoutes;
use crate::state::AppState;
use crate::upload;

/// DESIGN.md, exactly: no inline script or style, no third-party origin.
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The form field every state-changing form carries.
pub const CSRF_FIELD: &str = "csrf";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    // Never tells another site where the user was; `no-referrer` would also make Chromium send
    // `Origin: null` on our own form posts, which the Origin check must refuse.
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(h, "cross-origin-resource-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
    );
    if state.config.secure_cookies() {
        set(
            h,
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
    }
    // Pages hold clinical content: never let a shared or back-button cache keep them.
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    resp
}

/// Whether a request's `Origin` (when sent) is this practice. Used for forms and WebSockets.
pub fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // Non-browser clients send none; cookies are SameSite=Strict anyway.
    };
    if let Some(u) = &state.config.public_url {
        return origin == u.origin().ascii_serialization();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

/// The WebSocket handshake's Origin check, stricter than a form's: browsers always send
/// `Origin` on a WebSocket, and the handshake is not covered by SameSite cookies in every
/// browser (cross-site WebSocket hijacking), so a missing `Origin` is refused too. It must be
/// the configured public origin (`ALCOVE_PUBLIC_URL`) exactly, or — with none configured —
/// this very host.
pub fn websocket_origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    headers.contains_key(header::ORIGIN) && origin_allowed(state, headers)
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Synchroniser-token CSRF for every page form: the session's token when signed in, a
/// double-submit cookie before sign-in. The API takes bearer tokens only, so it needs none.
///
/// A form is `application/x-www-form-urlencoded`, or `multipart/form-data` on the routes
/// registered as uploads (`RouteTable::post_upload`): there the body is read up to the route's
/// own limit, parsed, its `csrf` field checked like any form's, and the parsed form handed on
/// as a [`MultipartForm`] extension — the only way a handler can read an upload.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let (expected, fresh) = match req.extensions().get::<Identity>() {
        Some(id) => (id.session.csrf_token.clone(), false),
        None => match read_cookie(req.headers(), CSRF_COOKIE) {
            Some(v) => (v.to_owned(), false),
            None => (token::random_token(), true),
        },
    };
    let mut req = req;
    if is_unsafe(req.method()) {
        if !origin_allowed(&state, req.headers()) {
            return refuse(
                &state,
                req,
                PageError::new(StatusCode::FORBIDDEN, "error-csrf"),
            )
            .await;
        }
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let upload_limit = req
            .extensions()
            .get::<MatchedPath>()
            .zip(req.extensions().get::<UploadRoutes>())
            .and_then(|(p, u)| u.limit(p.as_str()));
        let is_form = ct.starts_with("application/x-www-form-urlencoded");
        let is_upload = upload_limit.is_some() && ct.starts_with("multipart/form-data");
        if !is_form && !is_upload {
            let e = PageError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-bad-request");
            return refuse(&state, req, e).await;
        }
        // Every upload route needs a signed-in caller: nobody else gets megabytes read and
        // parsed, whatever the route would have said.
        if is_upload && req.extensions().get::<Identity>().is_none() {
            return refuse(&state, req, axum::response::Redirect::to("/sign-in")).await;
        }
        // The larger limit is for the upload itself; a URL-encoded form keeps the default.
        let limit = match upload_limit {
            Some(l) if is_upload => l,
            _ => state.config.body_limit,
        };
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) => return PageError::for_status(StatusCode::PAYLOAD_TOO_LARGE).into_response(),
        };
        let (sent, multipart) = if is_form {
            let sent = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned());
            (sent, None)
        } else {
            match upload::parse(&ct, bytes.clone()).await {
                Ok(form) => (Some(form.text(CSRF_FIELD).to_owned()), Some(form)),
                Err(_) => {
                    return PageError::new(StatusCode::BAD_REQUEST, "error-bad-request")
                        .into_response()
                }
            }
        };
        let ok = sent.is_some_and(|s| token::constant_time_eq(s.as_bytes(), expected.as_bytes()));
        if !ok {
            return PageError::new(StatusCode::FORBIDDEN, "error-csrf").into_response();
        }
        req = match multipart {
            // The handler reads the parsed form; the body is not parsed a second time.
            Some(form) => {
                let mut r = Request::from_parts(parts, Body::empty());
                r.extensions_mut().insert(form);
                r
            }
            None => Request::from_parts(parts, Body::from(bytes)),
        };
    }
    req.extensions_mut().insert(CsrfToken(expected.clone()));
    let mut resp = next.run(req).await;
    if fresh {
        resp.headers_mut().append(
            header::SET_COOKIE,
            cookie(&state, CSRF_COOKIE, &expected, None),
        );
    }
    resp
}

/// Answers before the body is used, after reading and dropping up to the ordinary form limit
/// of it: closing a connection with unread bytes makes the kernel reset it, and the caller
/// could lose the answer. A bigger body is not read; the connection is cut instead.
async fn refuse(state: &AppState, req: Request, answer: impl IntoResponse) -> Response {
    let _ = to_bytes(req.into_body(), state.config.body_limit).await;
    answer.into_response()
}

/// Whatever produced an error (a handler, the router's 404/405, a body limit, a panic), the
/// caller gets the contract's JSON under `/api` and a friendly page elsewhere — never internals.
pub async fn shape_errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let already = if api {
        ct.starts_with("application/json")
    } else {
        ct.starts_with("text/html")
    };
    if already {
        return resp;
    }
    let mut shaped = if api {
        ApiError::for_status(status).into_response()
    } else {
        PageError::for_status(status).into_response()
    };
    // Keep what tells the caller how to proceed (Allow on 405, Retry-After on 429, cookies).
    for name in [header::ALLOW, header::RETRY_AFTER, header::SET_COOKIE] {
        for v in resp.headers().get_all(&name) {
            shaped.headers_mut().append(name.clone(), v.clone());
        }
    }
    shaped
}
