//! Group commit for the hottest write: a message and the audit event of its sending.
//!
//! With `synchronous=FULL`, every commit waits for an fsync of the WAL, and the one writer
//! connection does one commit at a time, so one-transaction-per-request caps the whole server
//! at one request per fsync. Concurrent callers share a transaction instead
//! ([`alcove_store::group`]): the batch is written in one `BEGIN IMMEDIATE` transaction (each
//! caller's pair of rows in its own savepoint), committed once — one fsync for the batch — and
//! only then is every caller answered. The audit chain is extended in queue order from the head
//! read inside the transaction, so it stays one chain, across processes too.

use alcove_store::group::GroupCommit;
use alcove_store::{AuditEvent, NewAuditEvent, NewMessage, StoreError};

use crate::rows::db_err;
use crate::store::{audit_head_in, chained, insert_audit, insert_message};
use crate::SqliteStore;

pub(crate) type Group = GroupCommit<(NewMessage, NewAuditEvent), AuditEvent>;

pub(crate) async fn submit(
    store: &SqliteStore,
    m: &NewMessage,
    e: &NewAuditEvent,
) -> Result<AuditEvent, StoreError> {
    let writer = store.clone();
    store
        .group
        .submit((m.clone(), e.clone()), move |batch| async move {
            try_batch(&writer, &batch).await
        })
        .await
}

/// Writes the batch in one transaction. The outer `Err` means nothing was committed; an inner
/// `Err` is one caller's refusal (rolled back to its savepoint), the others unaffected.
async fn try_batch(
    store: &SqliteStore,
    batch: &[(NewMessage, NewAuditEvent)],
) -> Result<Vec<Result<AuditEvent, StoreError>>, StoreError> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let mut head = audit_head_in(&mut tx).await?;
    let mut results = Vec::with_capacity(batch.len());
    for (message, event) in batch {
        sqlx::query("SAVEPOINT pair")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let event = chained(head.clone(), event);
        let written = async {
            insert_message(&mut tx, message).await?;
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
