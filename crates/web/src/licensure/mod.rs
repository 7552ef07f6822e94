//! Licensure in the product (issue 4): the credentials register with its professional
//! liability cover, "Where can I see clients?", the staff licensure check, and licences on the
//! public profile. The rules live in `alcove_domain::licensure` and
//! `alcove_domain::liability`; this module only reads, asks and shows.

mod api;
pub mod liability;
mod pages;

/// Credential rows as shown on the register and the public profile.
pub mod pages_rows {
    pub use super::pages::{rows, Row};
}

use std::sync::OnceLock;

use alcove_domain::licensure::{Credential, Credentials, DataError, Grant, Registry};
use alcove_domain::UserId;
use alcove_store::StoreError;

use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/where-can-i-see-clients", pages::where_page)
        .get("/credentials", pages::register)
        .post("/credentials", pages::add_credential)
        .get("/credentials/liability", liability::page)
        .post("/credentials/liability", liability::save)
        .get("/admin/credentials", pages::admin_register)
        .post("/admin/credentials/verify", pages::record_verification)
        .get("/api/v1/licensure/check", api::check)
}

pub(crate) use api::ApiDoc;

/// The repository's licensure data (compacts, boards), parsed and validated once.
pub fn registry() -> Result<&'static Registry, &'static DataError> {
    static REGISTRY: OnceLock<Result<Registry, DataError>> = OnceLock::new();
    REGISTRY.get_or_init(Registry::builtin).as_ref()
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("licensure data: {0}")]
    Data(String),
    /// A stored document that no longer parses (e.g. data changed): shown, never guessed at.
    #[error("stored credentials do not parse: {0}")]
    Document(String),
}

/// A clinician's credentials, parsed; `None` when they have none on file.
pub async fn credentials_of(
    state: &AppState,
    clinician: UserId,
) -> Result<Option<Credentials>, RegisterError> {
    let reg = registry().map_err(|e| RegisterError::Data(e.to_string()))?;
    match state.store.credentials_of(clinician).await? {
        None => Ok(None),
        Some(doc) => Credentials::parse(&doc.document, reg)
            .map(Some)
            .map_err(|e| RegisterError::Document(e.to_string())),
    }
}

/// Words that name a credential across edits, used to attach verification evidence.
pub fn credential_key(c: &Credential) -> String {
    let (place, _) = place_of(c);
    format!(
        "{} {} {}",
        c.kind().as_str(),
        place,
        c.number.as_deref().unwrap_or("-")
    )
}

/// The jurisdiction a credential is issued for (or its home state), and its compact if any.
pub fn place_of(c: &Credential) -> (String, Option<String>) {
    match &c.grant {
        Grant::License { jurisdiction } | Grant::TemporaryPermit { jurisdiction, .. } => {
            (jurisdiction.to_string(), None)
        }
        Grant::CompactPrivilege {
            compact,
            jurisdiction,
        } => (jurisdiction.to_string(), Some(compact.as_str().to_owned())),
        Grant::CompactAuthorization { compact, home } => {
            (home.to_string(), Some(compact.as_str().to_owned()))
        }
    }
}
