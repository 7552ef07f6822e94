use std::sync::Arc;

use alcove_crypto::audit::CheckpointSigner;
use alcove_domain::{ClientId, Clock, Role, UserId};
use alcove_store::{AuditEvent, Checkpoint, NewAuditEvent, Store, StoreError};

/// How often the chain head is signed (DESIGN.md: every 1,000 events and at shutdown).
pub const CHECKPOINT_EVERY: i64 = 1_000;

/// Appends events to the hash-chained log and signs checkpoints with a key kept outside the database.
#[derive(Clone)]
pub struct AuditLog {
    store: Arc<dyn Store>,
    signer: Arc<CheckpointSigner>,
    clock: Arc<dyn Clock>,
}

/// Who did it, as the log records them.
#[derive(Clone, Copy, Debug)]
pub enum By {
    User(UserId, Role),
    Anonymous,
    System,
}

impl AuditLog {
    pub fn new(
        store: Arc<dyn Store>,
        signer: Arc<CheckpointSigner>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            signer,
            clock,
        }
    }

    /// Appends one event. Callers append *before* returning clinical content, so a
    /// failure to log is a failure to read ("fail closed").
    pub async fn record(
        &self,
        by: By,
        action: &str,
        client: Option<ClientId>,
        object: &str,
    ) -> Result<AuditEvent, StoreError> {
        let (actor_id, actor_role) = match by {
            By::User(id, role) => (Some(id), role.as_str().to_owned()),
            By::Anonymous => (None, "anonymous".to_owned()),
            By::System => (None, "system".to_owned()),
        };
        let ev = self
            .store
            .append_audit(&NewAuditEvent {
                at: self.clock.now(),
                actor_id,
                actor_role,
                action: action.to_owned(),
                client_id: client,
                object: object.to_owned(),
            })
            .await?;
        if ev.seq % CHECKPOINT_EVERY == 0 {
            self.sign(&ev).await?;
        }
        Ok(ev)
    }

    /// The public half of the checkpoint key, for verification.
    pub fn verifier(&self) -> alcove_crypto::audit::CheckpointVerifier {
        self.signer.verifying_key()
    }

    /// Signs the current head unless it is already signed (used at shutdown).
    pub async fn checkpoint_now(&self) -> Result<Option<i64>, StoreError> {
        let Some(head) = self.store.audit_head().await? else {
            return Ok(None);
        };
        let already = self
            .store
            .checkpoints()
            .await?
            .iter()
            .any(|c| c.seq == head.seq);
        if !already {
            self.sign(&head).await?;
        }
        Ok(Some(head.seq))
    }

    async fn sign(&self, ev: &AuditEvent) -> Result<(), StoreError> {
        let signature = self.signer.sign(ev.seq, &ev.hash);
        match self
            .store
            .put_checkpoint(&Checkpoint {
                seq: ev.seq,
                hash: ev.hash.clone(),
                signature,
                at: self.clock.now(),
            })
            .await
        {
            // Another instance signed the same head first: the same statement, nothing to do.
            Err(StoreError::Conflict(_)) => Ok(()),
            other => other,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Broken(#[from] alcove_crypto::audit::ChainBreak),
}

/// Recomputes the whole chain in batches and checks every signed checkpoint.
/// The one implementation behind `alcove audit verify` and the auditor's page.
pub async fn verify(
    store: &dyn Store,
    key: alcove_crypto::audit::CheckpointVerifier,
) -> Result<alcove_crypto::audit::VerifyReport, VerifyError> {
    use alcove_crypto::audit::{ChainVerifier, StoredEvent};
    const BATCH: i64 = 10_000;
    let checkpoints = store
        .checkpoints()
        .await?
        .into_iter()
        .map(|c| (c.seq, c.hash, c.signature))
        .collect();
    let mut v = ChainVerifier::new(key, checkpoints);
    let mut from = 1;
    loop {
        let batch = store.audit_events(from, BATCH).await?;
        for e in &batch {
            v.push(&StoredEvent {
                fields: e.fields(),
                prev_hash: &e.prev_hash,
                hash: &e.hash,
            })?;
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => from = last.seq + 1,
            _ => break,
        }
    }
    Ok(v.finish()?)
}
