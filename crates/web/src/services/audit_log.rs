use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use alcove_crypto::audit::CheckpointSigner;
use alcove_domain::{ClientId, Clock, Role, UserId};
use alcove_store::{AuditEvent, Checkpoint, NewAuditEvent, NewMessage, Store, StoreError};

/// How often the chain head is signed (DESIGN.md: every 1,000 events and at shutdown).
pub const CHECKPOINT_EVERY: i64 = 1_000;

/// Appends events to the hash-chained log and signs checkpoints with a key kept outside the database.
#[derive(Clone)]
pub struct AuditLog {
    store: Arc<dyn Store>,
    signer: Arc<CheckpointSigner>,
    clock: Arc<dyn Clock>,
    /// Every signed checkpoint is also appended here, outside the database: whoever can
    /// rewrite the database cannot quietly delete the signed statements about it.
    mirror: Option<Arc<PathBuf>>,
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
        mirror: Option<PathBuf>,
    ) -> Self {
        Self {
            store,
            signer,
            clock,
            mirror: mirror.map(Arc::new),
        }
    }

    /// Verifies this log: the chain, the checkpoints in the database and those in the mirror.
    pub async fn verify(&self) -> Result<alcove_crypto::audit::VerifyReport, VerifyError> {
        verify(
            self.store.as_ref(),
            self.verifier(),
            self.mirror.as_deref().map(|p| p.as_path()),
        )
        .await
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
        let ev = self
            .store
            .append_audit(&self.new_event(by, action, client, object))
            .await?;
        if ev.seq % CHECKPOINT_EVERY == 0 {
            self.sign(&ev).await?;
        }
        Ok(ev)
    }

    /// Stores a message together with the audit event of its sending, in one transaction
    /// (issue 7, speed: one commit instead of two; both or neither are stored).
    pub async fn record_message(
        &self,
        by: By,
        action: &str,
        client: ClientId,
        message: &NewMessage,
    ) -> Result<AuditEvent, StoreError> {
        let event = self.new_event(by, action, Some(client), &format!("message:{}", message.id));
        let ev = self.store.append_message_audited(message, &event).await?;
        if ev.seq % CHECKPOINT_EVERY == 0 {
            self.sign(&ev).await?;
        }
        Ok(ev)
    }

    fn new_event(
        &self,
        by: By,
        action: &str,
        client: Option<ClientId>,
        object: &str,
    ) -> NewAuditEvent {
        let (actor_id, actor_role) = match by {
            By::User(id, role) => (Some(id), role.as_str().to_owned()),
            By::Anonymous => (None, "anonymous".to_owned()),
            By::System => (None, "system".to_owned()),
        };
        NewAuditEvent {
            at: self.clock.now(),
            actor_id,
            actor_role,
            action: action.to_owned(),
            client_id: client,
            object: object.to_owned(),
        }
    }

    /// The checkpoint signing key (a second instance of a practice signs with the same key).
    pub fn signer(&self) -> &CheckpointSigner {
        &self.signer
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
        let cp = Checkpoint {
            seq: ev.seq,
            hash: ev.hash.clone(),
            signature,
            at: self.clock.now(),
        };
        match self.store.put_checkpoint(&cp).await {
            // Another instance signed the same head first: the same statement, nothing to do.
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
        if let Some(path) = &self.mirror {
            let (path, line) = (path.clone(), mirror_line(&cp));
            let written = tokio::task::spawn_blocking(move || append_line(&path, &line)).await;
            if !matches!(written, Ok(Ok(()))) {
                tracing::error!("could not append to the checkpoint mirror file");
                return Err(StoreError::Backend(
                    "the checkpoint mirror file could not be written".into(),
                ));
            }
        }
        Ok(())
    }
}

fn mirror_line(c: &Checkpoint) -> String {
    format!(
        "{} {} {}\n",
        c.seq,
        hex::encode(&c.hash),
        hex::encode(&c.signature)
    )
}

fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(line.as_bytes())?;
    f.sync_data()
}

/// The checkpoints recorded in a mirror file (missing file: none yet).
/// A checkpoint as the verifier takes it: (seq, head hash, signature).
pub type SignedHead = (i64, Vec<u8>, Vec<u8>);

pub fn read_mirror(path: &Path) -> Result<Vec<SignedHead>, VerifyError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(VerifyError::Mirror(format!("{}: {e}", path.display()))),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let bad = || {
                VerifyError::Mirror(format!(
                    "{} line {}: not `SEQ HASH SIGNATURE`",
                    path.display(),
                    i + 1
                ))
            };
            let mut parts = l.split_whitespace();
            let seq = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let hash = parts
                .next()
                .and_then(|p| hex::decode(p).ok())
                .ok_or_else(bad)?;
            let sig = parts
                .next()
                .and_then(|p| hex::decode(p).ok())
                .ok_or_else(bad)?;
            Ok((seq, hash, sig))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Broken(#[from] alcove_crypto::audit::ChainBreak),
    #[error("checkpoint mirror: {0}")]
    Mirror(String),
}

/// Recomputes the whole chain in batches and checks every signed checkpoint, from the database
/// and from the mirror file, and that no stretch of 1,000 events goes unsigned.
/// The one implementation behind `alcove audit verify` and the auditor's page.
pub async fn verify(
    store: &dyn Store,
    key: alcove_crypto::audit::CheckpointVerifier,
    mirror: Option<&Path>,
) -> Result<alcove_crypto::audit::VerifyReport, VerifyError> {
    use alcove_crypto::audit::{ChainVerifier, StoredEvent};
    const BATCH: i64 = 10_000;
    // The mirror wins where the two disagree: it is the copy the database cannot change.
    let mut by_seq = std::collections::BTreeMap::new();
    for c in store.checkpoints().await? {
        by_seq.insert(c.seq, (c.seq, c.hash, c.signature));
    }
    if let Some(path) = mirror {
        // A mirror that vanished while the database holds checkpoints is itself tampering.
        if !path.exists() && !by_seq.is_empty() {
            return Err(VerifyError::Mirror(format!(
                "{} is missing, but the database holds signed checkpoints",
                path.display()
            )));
        }
        for c in read_mirror(path)? {
            by_seq.insert(c.0, c);
        }
    }
    let mut v = ChainVerifier::new(key, by_seq.into_values().collect())
        .require_checkpoint_every(CHECKPOINT_EVERY);
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
