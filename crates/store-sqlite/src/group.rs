//! Group commit for the hottest write: a message and the audit event of its sending.
//!
//! With `synchronous=FULL`, every commit waits for an fsync of the WAL, and the one writer
//! connection does one commit at a time, so one-transaction-per-request caps the whole server
//! at one request per fsync. Concurrent callers share a transaction instead
//! ([`alcove_store::group`]): the batch is written in one `BEGIN IMMEDIATE` transaction (each
//! caller's pair of rows in its own savepoint), committed once — one fsync for the batch — and
//! only then is every caller answered. The audit chain is extended in queue order from the head
//! read inside the transaction, so it stays one chain, across processes too.
//!
//! Every statement is a round trip to the connection's own thread (that is how sqlx runs
//! SQLite), and at 64 senders those hand-offs, not SQL, were most of the server's time. So a
//! batch is first tried whole: all its messages in one `INSERT`, all its audit events in another.
//! Should a row be refused (which fails the whole statement), it is rolled back and written
//! again pair by pair, each in its own savepoint, so one refusal never affects the others; any
//! other failure is the whole batch's, heard by every caller.

use alcove_store::group::GroupCommit;
use alcove_store::{AuditEvent, NewAuditEvent, NewMessage, StoreError};

use crate::rows::db_err;
use alcove_store::codec::millis;

use crate::store::{audit_head_in, chained, id_text, insert_audit, insert_message, AUDIT_COLUMNS};
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
        .submit((m.clone(), e.clone()), move |batch| {
            let writer = writer.clone();
            async move {
                if batch.len() > 1 {
                    match whole_batch(&writer, &batch).await {
                        Ok(events) => return Ok(events.into_iter().map(Ok).collect()),
                        // A refused row (a missing thread, a duplicate id): pair by pair,
                        // so the refusal reaches only its own caller.
                        Err(StoreError::Conflict(_) | StoreError::NotFound) => {}
                        // Anything else (I/O, a lock not had in time) is the whole batch's.
                        Err(e) => return Err(e),
                    }
                }
                try_batch(&writer, &batch).await
            }
        })
        .await
}

/// The write transaction, with the write lock taken before the chain head is read (so no
/// other process appends in between), and that head.
async fn begin_at_head(
    store: &SqliteStore,
) -> Result<(sqlx::Transaction<'static, sqlx::Sqlite>, (i64, Vec<u8>)), StoreError> {
    let mut tx = store
        .writer
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_err)?;
    let head = audit_head_in(&mut tx).await?;
    Ok((tx, head))
}

/// Writes the whole batch in one transaction (two `INSERT`s), or nothing of it.
async fn whole_batch(
    store: &SqliteStore,
    batch: &[(NewMessage, NewAuditEvent)],
) -> Result<Vec<AuditEvent>, StoreError> {
    let (mut tx, mut head) = begin_at_head(store).await?;
    let events: Vec<AuditEvent> = batch
        .iter()
        .map(|(_, e)| {
            let event = chained(head.clone(), e);
            head = (event.seq + 1, event.hash.clone());
            event
        })
        .collect();

    let mut messages = sqlx::QueryBuilder::new(
        "INSERT INTO messages (id, thread_id, sender_id, sent_at, key_version, body) ",
    );
    messages.push_values(batch, |mut row, (m, _)| {
        row.push_bind(id_text(m.id.0))
            .push_bind(id_text(m.thread_id.0))
            .push_bind(id_text(m.sender_id.0))
            .push_bind(millis(m.sent_at))
            .push_bind(m.body.key_version)
            .push_bind(m.body.ciphertext.as_slice());
    });
    messages.build().execute(&mut *tx).await.map_err(db_err)?;

    let mut audit = sqlx::QueryBuilder::new(format!("INSERT INTO audit_events ({AUDIT_COLUMNS}) "));
    audit.push_values(&events, |mut row, e| {
        row.push_bind(e.seq)
            .push_bind(millis(e.at))
            .push_bind(e.actor_id.map(|u| id_text(u.0)))
            .push_bind(e.actor_role.as_str())
            .push_bind(e.action.as_str())
            .push_bind(e.client_id.map(|c| id_text(c.0)))
            .push_bind(e.object.as_str())
            .push_bind(e.prev_hash.as_slice())
            .push_bind(e.hash.as_slice());
    });
    audit.build().execute(&mut *tx).await.map_err(db_err)?;
    // Dropping an uncommitted transaction rolls it back, so an error above leaves nothing.
    tx.commit().await.map_err(db_err)?;
    Ok(events)
}

/// Writes the batch in one transaction, pair by pair. The outer `Err` means nothing was
/// committed; an inner `Err` is one caller's refusal (rolled back to its savepoint), the others unaffected.
async fn try_batch(
    store: &SqliteStore,
    batch: &[(NewMessage, NewAuditEvent)],
) -> Result<Vec<Result<AuditEvent, StoreError>>, StoreError> {
    let (mut tx, mut head) = begin_at_head(store).await?;
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
