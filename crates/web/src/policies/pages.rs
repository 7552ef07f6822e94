use alcove_domain::policy::{
    blocks, needs_acknowledgment, Acknowledgment, AcknowledgmentError, Block,
    PolicyError as TextError, PolicyText, SOCIAL_MEDIA,
};
use alcove_domain::Role;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::{acknowledged, publish_social_media, social_media_versions, PolicyError};
use crate::auth::extract::{AdminActor, ClientActor};
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// One version in the list of versions.
pub struct VersionRow {
    pub version: i64,
    pub effective: String,
    pub until: Option<String>,
    pub summary: String,
    pub shown: bool,
}

fn version_rows(versions: &[Version<PolicyText>], shown: i64) -> Vec<VersionRow> {
    let mut rows: Vec<VersionRow> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionRow {
            version: v.version,
            effective: v.at.date_naive().to_string(),
            until: versions.get(i + 1).map(|n| n.at.date_naive().to_string()),
            summary: v.value.summary().to_owned(),
            shown: v.version == shown,
        })
        .collect();
    rows.reverse();
    rows
}

/// What a signed-in client sees under the policy.
pub enum AckState {
    /// Not a client (or not signed in): nothing.
    None,
    /// The client has acknowledged the version in force (on this date).
    Done { version: i64, on: String },
    /// The client still has to acknowledge the version in force (and may have acknowledged an
    /// older one).
    Due { current: i64, earlier: Option<i64> },
}

#[derive(Template)]
#[template(path = "policies/public.html")]
struct PublicPage {
    c: Chrome,
    version: i64,
    effective: String,
    current: i64,
    superseded_on: Option<String>,
    blocks: Vec<Block>,
    versions: Vec<VersionRow>,
    ack: AckState,
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// The social-media policy, for anyone: the version in force (or an earlier one asked for with
/// `?version=N`), its number and effective date, and every earlier version. A signed-in client
/// also sees whether they have acknowledged it, and can do so.
pub async fn public_page(
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<VersionQuery>,
    who: Option<Extension<Identity>>,
) -> Result<Html<String>, PageError> {
    let versions = social_media_versions(&state).await?;
    let Some(current) = versions.last() else {
        return Err(PageError::not_found());
    };
    let shown = match q.version.as_deref().map(str::trim) {
        None | Some("") => current,
        Some(raw) => {
            let n: i64 = raw.parse().map_err(|_| PageError::not_found())?;
            versions
                .iter()
                .find(|v| v.version == n)
                .ok_or_else(PageError::not_found)?
        }
    };
    let superseded_on = versions
        .iter()
        .find(|v| v.version == shown.version + 1)
        .map(|v| v.at.date_naive().to_string());
    let ack = match who {
        Some(Extension(id)) if id.role == Role::Client && !id.mfa_pending => {
            match state.store.client_by_user(id.user_id).await? {
                None => AckState::None,
                Some(me) => {
                    let a = acknowledged(&state, me.id).await?;
                    let done = a.as_ref().map(|v| v.value.version);
                    match a {
                        Some(v) if !needs_acknowledgment(Some(current.version), done) => {
                            AckState::Done {
                                version: v.value.version,
                                on: v.at.date_naive().to_string(),
                            }
                        }
                        _ => AckState::Due {
                            current: current.version,
                            earlier: done,
                        },
                    }
                }
            }
        }
        _ => AckState::None,
    };
    render(&PublicPage {
        version: shown.version,
        effective: shown.at.date_naive().to_string(),
        current: current.version,
        superseded_on,
        blocks: blocks(shown.value.body()),
        versions: version_rows(&versions, shown.version),
        ack,
        c,
    })
}

#[derive(Template)]
#[template(path = "policies/admin.html")]
struct AdminPage {
    c: Chrome,
    after: i64,
    body: String,
    summary: String,
    versions: Vec<VersionRow>,
    published: Option<i64>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct PublishedQuery {
    pub(super) published: Option<i64>,
}

async fn admin_page_with(
    state: &AppState,
    c: Chrome,
    draft: Option<(String, String)>,
    published: Option<i64>,
    error: Option<String>,
) -> Result<AdminPage, PageError> {
    let versions = social_media_versions(state).await?;
    let after = versions.last().map_or(0, |v| v.version);
    let (body, summary) = draft.unwrap_or_else(|| {
        (
            versions
                .last()
                .map(|v| v.value.body().to_owned())
                .unwrap_or_default(),
            String::new(),
        )
    });
    Ok(AdminPage {
        after,
        body,
        summary,
        versions: version_rows(&versions, after),
        published,
        error,
        c,
    })
}

/// The admin's page: the text in force, ready to edit, and the form to publish it as a new
/// version with a summary of what changed.
pub async fn admin_page(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<PublishedQuery>,
) -> Result<Html<String>, PageError> {
    render(&admin_page_with(&state, c, None, q.published, None).await?)
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub(super) after: String,
    #[serde(default)]
    pub(super) body: String,
    #[serde(default)]
    pub(super) summary: String,
}

pub(super) fn text_error_key(e: &TextError) -> &'static str {
    match e {
        TextError::EmptyBody => "policy-error-empty-body",
        TextError::BodyTooLong => "policy-error-body-too-long",
        TextError::EmptySummary => "policy-error-empty-summary",
        TextError::SummaryTooLong => "policy-error-summary-too-long",
        TextError::ControlCharacters => "policy-error-control",
    }
}

/// Publishes the text as a new version (audited as `policy.published`). Clients are asked to
/// acknowledge it again.
pub async fn publish(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let after: i64 = f.after.trim().parse().unwrap_or(0);
    let text = match PolicyText::parse(&f.body, &f.summary) {
        Ok(t) => t,
        Err(e) => {
            let msg = c.t(text_error_key(&e));
            let page =
                admin_page_with(&state, c, Some((f.body, f.summary)), None, Some(msg)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    match publish_social_media(&state, after, &text, By::User(who.user_id, who.role)).await {
        Ok(v) => Ok(
            Redirect::to(&format!("/admin/policies/social-media?published={v}")).into_response(),
        ),
        Err(PolicyError::Docs(DocError::Changed)) => {
            let msg = c.t("policy-error-changed");
            let page =
                admin_page_with(&state, c, Some((f.body, f.summary)), None, Some(msg)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct AckForm {
    #[serde(default)]
    version: String,
}

/// Records that the client read and accepts the version in force (audited as
/// `policy.acknowledged`). Only the version in force can be acknowledged.
pub async fn acknowledge(
    ClientActor(who): ClientActor,
    State(state): State<AppState>,
    Form(f): Form<AckForm>,
) -> Result<Response, PageError> {
    let me = state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let read: i64 = f
        .version
        .trim()
        .parse()
        .map_err(|_| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-bad-request"))?;
    let current = super::current_version(&state).await?;
    let ack = Acknowledgment::of(read, current).map_err(|e| match e {
        AcknowledgmentError::NothingPublished => PageError::not_found(),
        AcknowledgmentError::NotCurrent { .. } => {
            PageError::new(StatusCode::CONFLICT, "policy-ack-not-current")
        }
    })?;
    state
        .docs
        .append(
            DocKind::PolicyAcknowledgment,
            Owner::Client(me.id),
            SOCIAL_MEDIA,
            &ack,
            Some(who.user_id),
        )
        .await
        .map_err(PolicyError::from)?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "policy.acknowledged",
            Some(me.id),
            &format!("policy:{SOCIAL_MEDIA}:v{read}"),
        )
        .await?;
    Ok(Redirect::to("/policies/social-media#acknowledgment").into_response())
}
