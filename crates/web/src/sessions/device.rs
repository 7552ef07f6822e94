//! The device check (issue 6): camera, microphone, speaker and connection, any time, before
//! a session. Everything happens in the browser (`static/device-check.js`, getUserMedia and a
//! tone through the speaker); nothing is sent or recorded.

use askama::Template;
use axum::response::Html;

use crate::auth::extract::ClinicalActor;
use crate::error::PageError;
use crate::pages::{render, Chrome};

#[derive(Template)]
#[template(path = "sessions/device_check.html")]
struct DevicePage {
    c: Chrome,
}

/// `GET /device-check`: clients and clinicians.
pub async fn page(
    ClinicalActor(_who): ClinicalActor,
    c: Chrome,
) -> Result<Html<String>, PageError> {
    render(&DevicePage { c })
}
