//! Group commit for the hottest write: a message and the audit event of its sending.
//!
//! With `synchronous=FULL`, every commit waits for an fsync of the WAL, and the one writer
//! connection does one commit at a time, so one-transaction-per-request caps the whole server
//! at one request per fsync. Here concurrent callers queue their writes; whoever gets the
//! leader lock takes everything queued and writes it in one `BEGIN IMMEDIATE` transaction
//! (each caller's pair of rows in its own savepoint), commits once — one fsync for the batch —
//! and only then answers every caller. Durability is unchanged: no caller hears "stored" before
//! the commit that holds its rows has returned. The audit chain is extended in queue order
//! from the head read inside the transaction, so it stays one chain, across processes too.
//!
//! The batch runs in its own task, holding the leader lock: a caller that goes away (a client
//! disconnecting mid-request) cannot cut a batch in half for the others.

use std::sync::{Arc, Mutex};

use alcove_store::{AuditEvent, NewAuditEvent, NewMessage, StoreError};
use tokio::sync::oneshot;

use crate::rows::db_err;
use crate::store::{audit_head_in, chained, insert_audit, insert_message};
use crate::SqliteStore;

type Reply = oneshot::Sender<Result<AuditEvent, StoreError>>;

struct Job {
    message: NewMessage,
    event: NewAuditEvent,
    reply: Reply,
}

/// Most pairs written in one transaction; the rest wait for the next one.
const MAX_BATCH: usize = 512;

#[derive(Default)]
pub(crate) struct Group {
    queue: Mutex<Vec<Job>>,
    leader: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").finish_non_exhaustive()
    }
}

impl Group {
    pub(crate) async fn submit(
        &self,
        store: &SqliteStore,
        m: &NewMessage,
        e: &NewAuditEvent,
    ) -> Result<AuditEvent, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.lock_queue().push(Job {
            message: m.clone(),
            event: e.clone(),
            reply,
        });
        // Take the lead in turn. By the time we have it, an earlier leader may already have
        // written our job; then the queue holds only later jobs (or none), and we write those.
        let lead = self.leader.clone().lock_owned().await;
        let batch: Vec<Job> = {
            let mut q = self.lock_queue();
            let n = q.len().min(MAX_BATCH);
            q.drain(..n).collect()
        };
        if batch.is_empty() {
            drop(lead);
        } else {
            let store = store.clone();
            tokio::spawn(async move {
                let _lead = lead;
                write_batch(&store, batch).await;
            });
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::Backend(
                "the write was interrupted before it was committed".into(),
            ))
        })
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<Job>> {
        // A panic while holding this lock cannot leave the Vec half-changed (push and drain
        // are the only operations), so a poisoned lock is safe to use.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn write_batch(store: &SqliteStore, batch: Vec<Job>) {
    match try_batch(store, &batch).await {
        Ok(results) => {
            for (job, r) in batch.into_iter().zip(results) {
                let _ = job.reply.send(r);
            }
        }
        Err(e) => {
            // Nothing of the batch was committed: every caller hears it.
            let why = e.to_string();
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Backend(why.clone())));
            }
        }
    }
}

/// Writes the batch in one transaction. The outer `Err` means nothing was committed; an inner
/// `Err` is one caller's refusal (rolled back to its savepoint), the others unaffected.
async fn try_batch(
    store: &SqliteStore,
    batch: &[Job],
) -> Result<Vec<Result<AuditEvent, StoreError>>, StoreError> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let mut head = audit_head_in(&mut tx).await?;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        sqlx::query("SAVEPOINT pair")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let event = chained(head.clone(), &job.event);
        let written = async {
            insert_message(&mut tx, &job.message).await?;
            insert_audit(&mut tx, &event).await
        }
        .await;
        match written {
            Ok(()) => {
                sqlx::query("RELEASE pair")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                head = (event.seq + 1, event.hash.clone());
                results.push(Ok(event));
            }
            Err(e) => {
                sqlx::query("ROLLBACK TO pair; RELEASE pair")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                results.push(Err(e));
            }
        }
    }
    tx.commit().await.map_err(db_err)?;
    Ok(results)
}
