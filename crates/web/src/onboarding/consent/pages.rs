use alcove_domain::consent::{ConsentDocument, ConsentError, ConsentKind};
use alcove_domain::policy::{blocks, Block};
use alcove_domain::readability::{hardest_sentences, TARGET_GRADE};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{
    current, publish as publish_version, required_kinds, sign as sign_doc, signatures, stored,
    PublishError,
};
use crate::auth::extract::{AdminActor, ClientActor};
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

fn kind_of(raw: &str) -> Result<ConsentKind, PageError> {
    raw.parse().map_err(|_| PageError::not_found())
}

use super::title_key as kind_title_key;

fn grade_text(g: Option<f64>) -> String {
    g.map_or_else(|| "—".to_owned(), |g| format!("{g:.1}"))
}

async fn me(state: &AppState, who: &Identity) -> Result<alcove_domain::ClientId, PageError> {
    Ok(state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?
        .id)
}

/// Where the client stands with one consent.
pub enum Status {
    Signed { version: u32, on: String },
    SignAgain { signed: u32, current: u32 },
    ToSign,
}

async fn status_of(
    state: &AppState,
    client: alcove_domain::ClientId,
    doc: &ConsentDocument,
) -> Result<Status, PageError> {
    let sigs = signatures(state, client, doc.kind).await?;
    if let Some(s) = sigs.iter().rev().find(|s| s.value.covers(doc)) {
        return Ok(Status::Signed {
            version: s.value.version,
            on: s.value.at.date_naive().to_string(),
        });
    }
    Ok(match sigs.last() {
        Some(s) => Status::SignAgain {
            signed: s.value.version,
            current: doc.version,
        },
        None => Status::ToSign,
    })
}

pub struct Row {
    pub kind: &'static str,
    pub title: String,
    pub version: u32,
    pub status: Status,
    /// The PDF of the client's latest signature of this kind, if any.
    pub pdf: Option<String>,
    /// The PDF of a guardian's latest signature on the client's behalf, if any.
    pub guardian_pdf: Option<String>,
}

#[derive(Template)]
#[template(path = "onboarding/consents.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    signed: Option<String>,
}

#[derive(Deserialize)]
pub struct SignedQuery {
    signed: Option<String>,
}

/// The consents the client is asked to sign, and where they stand with each.
pub async fn list(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SignedQuery>,
) -> Result<Html<String>, PageError> {
    let client = me(&state, &who).await?;
    let mut rows = Vec::new();
    for &kind in required_kinds() {
        let Some(doc) = current(&state, kind).await? else {
            continue;
        };
        let pdf = signatures(&state, client, kind)
            .await?
            .last()
            .map(|v| format!("/me/consents/{}/{}/pdf", kind.as_str(), v.version));
        let guardian_pdf = super::guardian_signatures(&state, client, kind)
            .await?
            .last()
            .map(|v| format!("/me/consents/{}/guardian-{}/pdf", kind.as_str(), v.version));
        rows.push(Row {
            kind: kind.as_str(),
            title: doc.title.clone(),
            version: doc.version,
            status: status_of(&state, client, &doc).await?,
            pdf,
            guardian_pdf,
        });
    }
    let signed = q
        .signed
        .and_then(|k| k.parse::<ConsentKind>().ok())
        .map(|k| c.t(kind_title_key(k)));
    render(&ListPage { c, rows, signed })
}

#[derive(Template)]
#[template(path = "onboarding/consent_sign.html")]
struct SignPage {
    c: Chrome,
    kind: &'static str,
    title: String,
    version: u32,
    hash: String,
    grade: String,
    blocks: Vec<Block>,
    status: Status,
    name: String,
    errors: Vec<String>,
}

async fn sign_page_with(
    state: &AppState,
    c: Chrome,
    client: alcove_domain::ClientId,
    doc: &ConsentDocument,
    name: String,
    errors: Vec<String>,
) -> Result<SignPage, PageError> {
    Ok(SignPage {
        kind: doc.kind.as_str(),
        title: doc.title.clone(),
        version: doc.version,
        hash: doc.content_hash.to_string(),
        grade: grade_text(doc.readability().grade),
        blocks: blocks(&doc.body),
        status: status_of(state, client, doc).await?,
        name,
        errors,
        c,
    })
}

/// The version in force, its grade, and the form to sign it.
pub async fn sign_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(kind): Path<String>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    if let Some(elsewhere) = not_signed_here(kind) {
        return Ok(elsewhere);
    }
    let client = me(&state, &who).await?;
    let doc = current(&state, kind)
        .await?
        .ok_or_else(PageError::not_found)?;
    Ok(
        render(&sign_page_with(&state, c, client, &doc, String::new(), Vec::new()).await?)?
            .into_response(),
    )
}

/// Only the consents every client signs are signed here. The release-of-information text is a
/// template: it is signed at `/me/releases`, filled in with the recipient, purpose, scope and
/// last day — signing it here would show and sign its blank `{{placeholders}}`.
fn not_signed_here(kind: ConsentKind) -> Option<Response> {
    if required_kinds().contains(&kind) {
        None
    } else if kind == ConsentKind::ReleaseOfInformation {
        Some(Redirect::to("/me/releases").into_response())
    } else {
        Some(PageError::not_found().into_response())
    }
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    agree: Option<String>,
    #[serde(default)]
    hash: String,
}

fn sign_error_key(e: &ConsentError) -> &'static str {
    match e {
        ConsentError::SignerNameMissing => "consent-error-name-missing",
        ConsentError::SignerNameTooLong => "consent-error-name-too-long",
        ConsentError::NotAgreed => "consent-error-not-agreed",
        _ => "error-bad-request",
    }
}

/// Signs the version the page showed (its hash is in the form): a version published meanwhile
/// is refused with the new text shown, never signed unseen.
pub async fn sign(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    if let Some(elsewhere) = not_signed_here(kind) {
        return Ok(elsewhere);
    }
    let client = me(&state, &who).await?;
    let doc = current(&state, kind)
        .await?
        .ok_or_else(PageError::not_found)?;
    if f.hash.trim() != doc.content_hash.to_string() {
        let msg = c.t("consent-error-changed");
        let page = sign_page_with(&state, c, client, &doc, f.name, vec![msg]).await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    match sign_doc(
        &state,
        client,
        &doc,
        &f.name,
        f.agree.is_some(),
        By::User(who.user_id, who.role),
    )
    .await?
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/me/consents?signed={}", kind.as_str())).into_response())
        }
        Err(errs) => {
            let msgs = errs.iter().map(|e| c.t(sign_error_key(e))).collect();
            let page = sign_page_with(&state, c, client, &doc, f.name, msgs).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

pub struct Hard {
    pub text: String,
    pub grade: String,
}

pub struct VersionRow {
    pub version: u32,
    pub published: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "onboarding/consent_admin.html")]
struct EditorPage {
    c: Chrome,
    kind: &'static str,
    kind_title: String,
    after: i64,
    next: u32,
    title: String,
    body: String,
    grade: String,
    above_target: bool,
    target: String,
    hard: Vec<Hard>,
    preview: Vec<Block>,
    versions: Vec<VersionRow>,
    published: Option<u32>,
    error: Option<String>,
}

async fn editor_with(
    state: &AppState,
    c: Chrome,
    kind: ConsentKind,
    draft: Option<(String, String)>,
    published: Option<u32>,
    error: Option<String>,
) -> Result<EditorPage, PageError> {
    let history = stored(state, kind).await?;
    let in_force = current(state, kind).await?;
    let after = history.last().map_or(0, |v| v.version);
    let next = in_force.as_ref().map_or(1, |d| d.version + 1);
    let (title, body) = draft.unwrap_or_else(|| {
        in_force
            .as_ref()
            .map(|d| (d.title.clone(), d.body.clone()))
            .unwrap_or_default()
    });
    let r = alcove_domain::readability::analyse(&format!("# {title}\n\n{body}"));
    let hard = hardest_sentences(&body, 5)
        .into_iter()
        .filter(|s| s.above_target())
        .map(|s| Hard {
            text: s.text(&body).trim().to_owned(),
            grade: format!("{:.1}", s.grade),
        })
        .collect();
    let mut versions: Vec<VersionRow> = history
        .iter()
        .map(|v| VersionRow {
            version: v.value.version,
            published: v.at.date_naive().to_string(),
            hash: v.value.content_hash.to_string(),
        })
        .collect();
    versions.reverse();
    Ok(EditorPage {
        kind: kind.as_str(),
        kind_title: c.t(kind_title_key(kind)),
        after,
        next,
        grade: grade_text(r.grade),
        above_target: r.above_target(),
        target: format!("{TARGET_GRADE:.0}"),
        hard,
        preview: blocks(&body),
        title,
        body,
        versions,
        published,
        error,
        c,
    })
}

#[derive(Deserialize)]
pub struct PublishedQuery {
    published: Option<u32>,
}

/// The admin's editor: the version in force, its grade and hardest sentences, a preview.
pub async fn editor(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(q): Query<PublishedQuery>,
) -> Result<Html<String>, PageError> {
    let kind = kind_of(&kind)?;
    render(&editor_with(&state, c, kind, None, q.published, None).await?)
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    after: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// "preview" shows the grade and preview of the draft; anything else publishes.
    #[serde(default)]
    action: String,
}

fn publish_error_key(e: &ConsentError) -> &'static str {
    match e {
        ConsentError::TitleMissing => "consent-error-title-missing",
        ConsentError::TitleTooLong => "consent-error-title-too-long",
        ConsentError::BodyMissing => "consent-error-body-missing",
        ConsentError::BodyTooLong => "consent-error-body-too-long",
        _ => "error-bad-request",
    }
}

/// Previews the draft, or publishes it as the next version (audited as `consent.published`).
pub async fn publish(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let kind = kind_of(&kind)?;
    if f.action == "preview" {
        let page = editor_with(&state, c, kind, Some((f.title, f.body)), None, None).await?;
        return Ok(render(&page)?.into_response());
    }
    let after: i64 = f.after.trim().parse().unwrap_or(0);
    match publish_version(
        &state,
        kind,
        after,
        &f.title,
        &f.body,
        By::User(who.user_id, who.role),
    )
    .await
    {
        Ok(doc) => Ok(Redirect::to(&format!(
            "/admin/consents/{}?published={}",
            kind.as_str(),
            doc.version
        ))
        .into_response()),
        Err(PublishError::Invalid(e)) => {
            let msg = c.t(publish_error_key(&e));
            let page =
                editor_with(&state, c, kind, Some((f.title, f.body)), None, Some(msg)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(PublishError::Changed) => {
            let msg = c.t("consent-error-published-meanwhile");
            let page =
                editor_with(&state, c, kind, Some((f.title, f.body)), None, Some(msg)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(PublishError::Other(e)) => Err(e),
    }
}
