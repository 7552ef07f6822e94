//! Versioned documents with typed bodies. Each kind is kept one way, decided here once:
//! public or administrative records in plain JSON, a client's records sealed with that
//! client's data key (so erasing the client shreds them), and what the practice receives
//! from outside (contact-form messages, CE certificates) sealed with the practice key.

use std::sync::Arc;

use alcove_domain::{Clock, UserId};
use alcove_store::{DocBody, DocKind, Document, Owner, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::keyring::{Keyring, KeyringError, Place};

/// How a kind of document is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sealing {
    Plain,
    /// With the data key of the client who owns it.
    Client,
    Practice,
}

fn sealing(kind: DocKind) -> Sealing {
    match kind {
        DocKind::ClinicianProfile
        | DocKind::PracticePolicy
        | DocKind::PolicyAcknowledgment
        | DocKind::Listing
        | DocKind::CeActivity
        | DocKind::ReminderSent
        | DocKind::IntakeForm
        | DocKind::ConsentTemplate
        | DocKind::CommunicationPolicy
        | DocKind::LiabilityCover
        // Ids, times and session types only: no clinical content, nothing a client wrote.
        | DocKind::ScheduleSettings
        | DocKind::SchedulingPolicy
        | DocKind::Appointment
        | DocKind::BookingLedger
        | DocKind::CalendarFeed => Sealing::Plain,
        DocKind::EncounterPlan
        | DocKind::TransmissionConsent
        | DocKind::ClientDetails
        | DocKind::PhoneCode
        | DocKind::IdentityCheck
        | DocKind::GuardianConsent
        | DocKind::IntakeAnswers
        | DocKind::Screening
        | DocKind::EmergencyPlan
        | DocKind::ConsentSignature
        | DocKind::ReleaseAuthorisation
        | DocKind::Assessment
        | DocKind::MessagingPause
        | DocKind::RiskFlag
        | DocKind::MessageAttachment
        | DocKind::MessageAttachmentContent
        | DocKind::SessionCheckIn => Sealing::Client,
        // An invitation names a person who is not a client yet: no client key exists.
        DocKind::CeCertificate | DocKind::ContactMessage | DocKind::Invitation => Sealing::Practice,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
    /// Someone saved a newer version between this reader's read and write.
    #[error("the document changed meanwhile")]
    Changed,
    /// A client's document whose owner is not a client, or a sealed kind stored plain.
    #[error("a {0} document cannot be kept that way")]
    Misplaced(&'static str),
    /// Stored JSON that no longer reads as the type (a bug or a tampered row): never guessed at.
    #[error("a stored {kind} document does not read back: {why}")]
    Unreadable { kind: &'static str, why: String },
}

/// One version of a document, with its body read back.
#[derive(Clone, Debug)]
pub struct Version<T> {
    pub owner: Owner,
    pub key: String,
    pub version: i64,
    pub author: Option<UserId>,
    pub at: DateTime<Utc>,
    pub value: T,
}

#[derive(Clone)]
pub struct Documents {
    store: Arc<dyn Store>,
    keys: Keyring,
    clock: Arc<dyn Clock>,
}

impl Documents {
    pub fn new(store: Arc<dyn Store>, keys: Keyring, clock: Arc<dyn Clock>) -> Self {
        Self { store, keys, clock }
    }

    /// Saves `value` as the next version after `after` (the version the writer read, 0 for
    /// a new document). A newer version written meanwhile is [`DocError::Changed`]: nobody
    /// overwrites an edit they did not see.
    pub async fn save<T: Serialize>(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
        after: i64,
        value: &T,
        author: Option<UserId>,
    ) -> Result<i64, DocError> {
        let json = serde_json::to_vec(value).map_err(|e| DocError::Unreadable {
            kind: kind.as_str(),
            why: e.to_string(),
        })?;
        self.save_bytes(kind, owner, key, after, &json, author)
            .await
    }

    /// Saves the next version whatever the latest is (for append-style records where the
    /// writer has nothing to lose, e.g. an acknowledgment or a new CE activity's first save).
    pub async fn append<T: Serialize>(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
        value: &T,
        author: Option<UserId>,
    ) -> Result<i64, DocError> {
        let latest = self
            .store
            .latest_document(kind, &owner, key)
            .await?
            .map_or(0, |d| d.version);
        self.save(kind, owner, key, latest, value, author).await
    }

    pub async fn save_bytes(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
        after: i64,
        bytes: &[u8],
        author: Option<UserId>,
    ) -> Result<i64, DocError> {
        let version = after + 1;
        let row = row_of(&owner, key, version);
        let place = Place {
            table: "documents",
            column: kind.as_str(),
            row: &row,
        };
        let body = match (sealing(kind), owner) {
            (Sealing::Plain, _) => DocBody::Plain(bytes.to_vec()),
            (Sealing::Client, Owner::Client(c)) => {
                DocBody::Sealed(self.keys.seal(c, place, bytes).await?)
            }
            (Sealing::Client, _) => return Err(DocError::Misplaced(kind.as_str())),
            (Sealing::Practice, _) => DocBody::Sealed(self.keys.seal_practice(place, bytes).await?),
        };
        let doc = Document {
            kind,
            owner,
            key: key.to_string(),
            version,
            body,
            author,
            at: self.clock.now(),
        };
        match self.store.put_document(&doc).await {
            Ok(()) => Ok(version),
            Err(StoreError::Conflict(_)) => Err(DocError::Changed),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn latest<T: DeserializeOwned>(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
    ) -> Result<Option<Version<T>>, DocError> {
        match self.store.latest_document(kind, &owner, key).await? {
            None => Ok(None),
            Some(d) => Ok(Some(self.read(d).await?)),
        }
    }

    pub async fn latest_bytes(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
    ) -> Result<Option<Version<Vec<u8>>>, DocError> {
        match self.store.latest_document(kind, &owner, key).await? {
            None => Ok(None),
            Some(d) => Ok(Some(self.open(d).await?)),
        }
    }

    /// Every version, oldest first.
    pub async fn history<T: DeserializeOwned>(
        &self,
        kind: DocKind,
        owner: Owner,
        key: &str,
    ) -> Result<Vec<Version<T>>, DocError> {
        let mut out = Vec::new();
        for d in self.store.document_history(kind, &owner, key).await? {
            out.push(self.read(d).await?);
        }
        Ok(out)
    }

    /// The newest version of each document of a kind, of one owner or of everyone.
    pub async fn all<T: DeserializeOwned>(
        &self,
        kind: DocKind,
        owner: Option<Owner>,
    ) -> Result<Vec<Version<T>>, DocError> {
        let mut out = Vec::new();
        for d in self.store.latest_documents(kind, owner.as_ref()).await? {
            out.push(self.read(d).await?);
        }
        Ok(out)
    }

    async fn read<T: DeserializeOwned>(&self, d: Document) -> Result<Version<T>, DocError> {
        let kind = d.kind.as_str();
        let v = self.open(d).await?;
        let value = serde_json::from_slice(&v.value).map_err(|e| DocError::Unreadable {
            kind,
            why: e.to_string(),
        })?;
        Ok(Version {
            owner: v.owner,
            key: v.key,
            version: v.version,
            author: v.author,
            at: v.at,
            value,
        })
    }

    async fn open(&self, d: Document) -> Result<Version<Vec<u8>>, DocError> {
        let row = row_of(&d.owner, &d.key, d.version);
        let place = Place {
            table: "documents",
            column: d.kind.as_str(),
            row: &row,
        };
        let value = match (sealing(d.kind), &d.body, d.owner) {
            (Sealing::Plain, DocBody::Plain(b), _) => b.clone(),
            (Sealing::Client, DocBody::Sealed(s), Owner::Client(c)) => {
                self.keys.open(c, place, s).await?
            }
            (Sealing::Practice, DocBody::Sealed(s), _) => self.keys.open_practice(place, s).await?,
            // A sealed kind found in plain text (or the reverse) is refused, not trusted.
            _ => return Err(DocError::Misplaced(d.kind.as_str())),
        };
        Ok(Version {
            owner: d.owner,
            key: d.key,
            version: d.version,
            author: d.author,
            at: d.at,
            value,
        })
    }
}

/// The row a sealed body is bound to: moving it to another owner, key or version breaks it.
fn row_of(owner: &Owner, key: &str, version: i64) -> String {
    format!("{}/{}/{}", owner.encode(), key, version)
}
