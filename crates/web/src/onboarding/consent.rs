//! Consent documents (issue 5, part 7; seeds 000, 002 and 003 Standards 2 and 7): the
//! practice's versioned templates (`DocKind::ConsentTemplate`, plain, owner the practice, key
//! the consent kind), the admin's editor with the Flesch–Kincaid grade of each version, and
//! the client's signatures (`DocKind::ConsentSignature`, sealed with the client's key, key the
//! consent kind, every signature kept as a version).
//!
//! When the practice has stored nothing for a kind, version 1 shipped in
//! `data/onboarding/` (`domain::consent::shipped()`) is in force. Publishing a new version
//! makes earlier signatures not count: `readiness` then says "must be signed again".

use alcove_domain::consent::{
    default_document, ConsentDocument, ConsentError, ConsentKind, Signature, SignerRole,
};
use alcove_domain::onboarding::{ConsentVersion, DEFAULT_CONSENTS};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};

use crate::error::PageError;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

mod pages;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/consents", pages::list)
        .get("/me/consents/{kind}", pages::sign_page)
        .post("/me/consents/{kind}", pages::sign)
        .get("/admin/consents/{kind}", pages::editor)
        .post("/admin/consents/{kind}", pages::publish)
}

/// The kinds a client signs before online care (release authorisations are made one by one).
pub fn required_kinds() -> &'static [ConsentKind] {
    &DEFAULT_CONSENTS
}

/// The stored template history for `kind` (the practice's published versions), oldest first.
async fn stored(
    state: &AppState,
    kind: ConsentKind,
) -> Result<Vec<Version<ConsentDocument>>, DocError> {
    state
        .docs
        .history(DocKind::ConsentTemplate, Owner::Practice, kind.as_str())
        .await
}

/// The version of `kind` in force: the latest the practice published, or the shipped one.
pub async fn current(
    state: &AppState,
    kind: ConsentKind,
) -> Result<Option<ConsentDocument>, PageError> {
    let stored = stored(state, kind).await?;
    Ok(match stored.last() {
        Some(v) => Some(v.value.clone()),
        None => default_document(kind).cloned(),
    })
}

/// Why publishing failed.
#[derive(Debug)]
pub enum PublishError {
    Invalid(ConsentError),
    /// Someone published meanwhile.
    Changed,
    Other(PageError),
}

impl From<DocError> for PublishError {
    fn from(e: DocError) -> Self {
        match e {
            DocError::Changed => PublishError::Changed,
            e => PublishError::Other(e.into()),
        }
    }
}

/// Publishes `title`/`body` as the next version of `kind` (after `after`, the stored version
/// the editor read; 0 when only the shipped version existed) and writes `consent.published`.
pub async fn publish(
    state: &AppState,
    kind: ConsentKind,
    after: i64,
    title: &str,
    body: &str,
    by: By,
) -> Result<ConsentDocument, PublishError> {
    let in_force = current(state, kind).await.map_err(PublishError::Other)?;
    let next = in_force.map_or(1, |d| d.version + 1);
    let doc = ConsentDocument::new(kind, next, title, body).map_err(PublishError::Invalid)?;
    let author = match by {
        By::User(id, _) => Some(id),
        By::Anonymous | By::System => None,
    };
    state
        .docs
        .save(
            DocKind::ConsentTemplate,
            Owner::Practice,
            kind.as_str(),
            after,
            &doc,
            author,
        )
        .await?;
    state
        .audit
        .record(
            by,
            "consent.published",
            None,
            &format!(
                "consent:{}:v{}:{}",
                kind.as_str(),
                doc.version,
                doc.content_hash
            ),
        )
        .await
        .map_err(|e| PublishError::Other(e.into()))?;
    Ok(doc)
}

/// Every signature the client gave for `kind`, oldest first.
pub async fn signatures(
    state: &AppState,
    client: ClientId,
    kind: ConsentKind,
) -> Result<Vec<Version<Signature>>, PageError> {
    Ok(state
        .docs
        .history(
            DocKind::ConsentSignature,
            Owner::Client(client),
            kind.as_str(),
        )
        .await?)
}

/// Records the client's signature of the version in force (`doc`, which the page showed) and
/// writes `consent.signed` with the version and content hash. The evidence kept is who (the
/// typed name and the signed-in account), when, which version by hash, and how.
pub async fn sign(
    state: &AppState,
    client: ClientId,
    doc: &ConsentDocument,
    typed_name: &str,
    agreed: bool,
    by: By,
) -> Result<Result<Signature, Vec<ConsentError>>, PageError> {
    let sig = match Signature::sign(
        doc,
        typed_name,
        agreed,
        SignerRole::Client,
        state.clock.now(),
    ) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let author = match by {
        By::User(id, _) => Some(id),
        By::Anonymous | By::System => None,
    };
    state
        .docs
        .append(
            DocKind::ConsentSignature,
            Owner::Client(client),
            doc.kind.as_str(),
            &sig,
            author,
        )
        .await?;
    state
        .audit
        .record(
            by,
            "consent.signed",
            Some(client),
            &format!(
                "consent:{}:v{}:{}",
                doc.kind.as_str(),
                doc.version,
                doc.content_hash
            ),
        )
        .await?;
    Ok(Ok(sig))
}

/// (the current version of each consent the practice requires, every version the client
/// signed).
pub async fn facts(
    state: &AppState,
    client: ClientId,
) -> Result<(Vec<ConsentVersion>, Vec<ConsentVersion>), PageError> {
    let mut required = Vec::new();
    let mut signed = Vec::new();
    for &kind in required_kinds() {
        if let Some(doc) = current(state, kind).await? {
            required.push(ConsentVersion::from(&doc));
        }
        for s in signatures(state, client, kind).await? {
            signed.push(ConsentVersion {
                kind: s.value.kind,
                version: s.value.version,
                content_hash: s.value.content_hash,
            });
        }
    }
    Ok((required, signed))
}

/// The demo: version 1 of each consent stored as the practice's, and Alex Rivera and Riley
/// Chen signing the required ones (Jordan Lee has signed nothing); then the appropriateness
/// assessments ([`super::assessment::seed_demo`]).
pub async fn seed_demo(state: &AppState) -> Result<(), PageError> {
    for kind in ConsentKind::ALL {
        if !stored(state, kind).await?.is_empty() {
            continue;
        }
        if let Some(doc) = default_document(kind) {
            state
                .docs
                .save(
                    DocKind::ConsentTemplate,
                    Owner::Practice,
                    kind.as_str(),
                    0,
                    doc,
                    None,
                )
                .await?;
        }
    }
    for user in state.store.list_users().await? {
        if !matches!(user.name.as_str(), "Alex Rivera" | "Riley Chen") {
            continue;
        }
        let Some(client) = state.store.client_by_user(user.id).await? else {
            continue;
        };
        for &kind in required_kinds() {
            if let Some(doc) = current(state, kind).await? {
                let _ = sign(state, client.id, &doc, &user.name, true, By::System).await?;
            }
        }
    }
    super::assessment::seed_demo(state).await
}
