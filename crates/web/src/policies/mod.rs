//! The practice's social-media policy (seed 001) as a versioned document: the public page
//! (`/policies/social-media`, every version kept), the admin's page to publish a new version,
//! and each client's acknowledgment of the version they read. The text and the rules
//! (rendering, when to ask again) are `alcove_domain::policy`.
//!
//! Policies are public, so they are kept plain (`DocKind::PracticePolicy`, owner the practice);
//! an acknowledgment is an administrative fact about a client (`DocKind::PolicyAcknowledgment`,
//! owner the client) and is kept plain too, as the documents service decides.

pub mod after_hours;
mod pages;

use alcove_domain::policy::{Acknowledgment, PolicyText, SOCIAL_MEDIA};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner, StoreError};

use crate::error::PageError;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/policies/social-media", pages::public_page)
        .get("/admin/policies/social-media", pages::admin_page)
        .post("/admin/policies/social-media", pages::publish)
        .post("/me/policies/social-media/acknowledge", pages::acknowledge)
        .get("/admin/after-hours", after_hours::admin_page)
        .post("/admin/after-hours", after_hours::admin_publish)
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PolicyError> for PageError {
    fn from(e: PolicyError) -> Self {
        tracing::error!(error = %e, "practice policy");
        PageError::internal()
    }
}

/// Every published version of the social-media policy, oldest first.
pub async fn social_media_versions(
    state: &AppState,
) -> Result<Vec<Version<PolicyText>>, PolicyError> {
    Ok(state
        .docs
        .history(DocKind::PracticePolicy, Owner::Practice, SOCIAL_MEDIA)
        .await?)
}

/// The version number of the social-media policy in force, if one is published.
pub async fn current_version(state: &AppState) -> Result<Option<i64>, PolicyError> {
    Ok(state
        .store
        .latest_document(DocKind::PracticePolicy, &Owner::Practice, SOCIAL_MEDIA)
        .await?
        .map(|d| d.version))
}

/// The client's latest acknowledgment of the social-media policy (which version, and when).
pub async fn acknowledged(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<Acknowledgment>>, PolicyError> {
    Ok(state
        .docs
        .latest(
            DocKind::PolicyAcknowledgment,
            Owner::Client(client),
            SOCIAL_MEDIA,
        )
        .await?)
}

/// Publishes a new version of the social-media policy after `after` (the version the writer
/// read) and writes `policy.published` to the audit log. Used by the admin page and by the
/// demo for version 1. A version published meanwhile is `PolicyError::Docs(DocError::Changed)`.
pub async fn publish_social_media(
    state: &AppState,
    after: i64,
    text: &PolicyText,
    by: By,
) -> Result<i64, PolicyError> {
    publish(state, SOCIAL_MEDIA, after, text, by).await
}

/// Publishes a new version of the practice policy `key` after `after` and writes
/// `policy.published` (object `policy:{key}:v{version}`) to the audit log. Every practice
/// policy is published this way.
async fn publish(
    state: &AppState,
    key: &str,
    after: i64,
    text: &PolicyText,
    by: By,
) -> Result<i64, PolicyError> {
    let author = match by {
        By::User(id, _) => Some(id),
        By::Anonymous | By::System => None,
    };
    let version = state
        .docs
        .save(
            DocKind::PracticePolicy,
            Owner::Practice,
            key,
            after,
            text,
            author,
        )
        .await?;
    state
        .audit
        .record(
            by,
            "policy.published",
            None,
            &format!("policy:{key}:v{version}"),
        )
        .await?;
    Ok(version)
}
