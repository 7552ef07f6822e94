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
pub mod pdf;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/consents", pages::list)
        .get("/me/consents/{kind}", pages::sign_page)
        .post("/me/consents/{kind}", pages::sign)
        .get("/me/consents/{kind}/{signature}/pdf", pdf::client_copy)
        .get("/admin/consents/{kind}", pages::editor)
        .post("/admin/consents/{kind}", pages::publish)
}

/// The Fluent key of a consent kind's name ("Consent to online therapy").
pub fn title_key(kind: ConsentKind) -> &'static str {
    match kind {
        ConsentKind::TelehealthInformedConsent => "consent-kind-telehealth",
        ConsentKind::PrivacyNoticeAcknowledgment => "consent-kind-privacy",
        ConsentKind::ReleaseOfInformation => "consent-kind-release",
    }
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
    sign_as(
        state,
        client,
        doc,
        typed_name,
        agreed,
        SignerRole::Client,
        by,
    )
    .await
}

/// The key a signer's signatures of `kind` are kept under: the kind for the client, and
/// `guardian:<kind>` for a guardian (so a guardian's signature never counts as the client's).
pub fn signature_key(kind: ConsentKind, role: SignerRole) -> String {
    match role {
        SignerRole::Client => kind.as_str().to_owned(),
        SignerRole::Guardian => format!("guardian:{}", kind.as_str()),
    }
}

/// Records a signature of `doc` by the client or a guardian (see [`sign`]).
pub async fn sign_as(
    state: &AppState,
    client: ClientId,
    doc: &ConsentDocument,
    typed_name: &str,
    agreed: bool,
    role: SignerRole,
    by: By,
) -> Result<Result<Signature, Vec<ConsentError>>, PageError> {
    let sig = match Signature::sign(doc, typed_name, agreed, role, state.clock.now()) {
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
            &signature_key(doc.kind, role),
            &sig,
            author,
        )
        .await?;
    let who = match role {
        SignerRole::Client => "",
        SignerRole::Guardian => ":guardian",
    };
    state
        .audit
        .record(
            by,
            "consent.signed",
            Some(client),
            &format!(
                "consent:{}:v{}:{}{who}",
                doc.kind.as_str(),
                doc.version,
                doc.content_hash
            ),
        )
        .await?;
    Ok(Ok(sig))
}

/// Every signature a guardian gave for `kind` on the client's behalf, oldest first.
pub async fn guardian_signatures(
    state: &AppState,
    client: ClientId,
    kind: ConsentKind,
) -> Result<Vec<Version<Signature>>, PageError> {
    Ok(state
        .docs
        .history(
            DocKind::ConsentSignature,
            Owner::Client(client),
            &signature_key(kind, SignerRole::Guardian),
        )
        .await?)
}

/// When a guardian's consent became complete: every required consent signed by a guardian in
/// its current version (the latest of those signatures), or `None` while one is missing. A new
/// version therefore needs the guardian's signature again, like the client's.
pub async fn guardian_given_at(
    state: &AppState,
    client: ClientId,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, PageError> {
    let mut latest = None;
    for &kind in required_kinds() {
        let Some(doc) = current(state, kind).await? else {
            continue;
        };
        let sigs = guardian_signatures(state, client, kind).await?;
        match sigs.iter().rev().find(|s| s.value.covers(&doc)) {
            Some(s) => latest = latest.max(Some(s.value.at)),
            None => return Ok(None),
        }
    }
    Ok(latest)
}

/// The exact version a signature was given to: the practice's stored version with that
/// kind, number and content hash, or the shipped one. `None` if no such text exists.
pub async fn signed_document(
    state: &AppState,
    sig: &Signature,
) -> Result<Option<ConsentDocument>, PageError> {
    let found = stored(state, sig.kind)
        .await?
        .into_iter()
        .map(|v| v.value)
        .find(|d| sig.covers(d) && d.hash_is_intact());
    Ok(found.or_else(|| {
        default_document(sig.kind)
            .filter(|d| sig.covers(d))
            .cloned()
    }))
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
        if !super::DEMO_READY.contains(&user.name.as_str()) {
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
    super::release::seed_demo(state).await?;
    super::assessment::seed_demo(state).await
}
