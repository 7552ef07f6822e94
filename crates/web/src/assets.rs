//! Static files, compiled into the binary: one stylesheet and small ES modules. No third-party origin.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new().get("/static/{name}", asset)
}

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../static/app.css"),
    ),
    (
        "counter.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/counter.js"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/live.js"),
    ),
    // WebRTC video in a session's room (issue 6).
    (
        "video.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/video.js"),
    ),
    // Autosaves the intake form's draft (issue 5).
    (
        "intake.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/intake.js"),
    ),
    // Sessions (issue 6): the waiting room, the clinician's view and the room; the device check.
    (
        "session.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/session.js"),
    ),
    (
        "device-check.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/device-check.js"),
    ),
];

async fn asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, ct, body)) => (
            [
                (header::CONTENT_TYPE, *ct),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
