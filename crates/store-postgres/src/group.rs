//! Group commit for the hottest write: a message and the audit event of its sending.
//!
//! Every audit append holds the chain's advisory lock until its transaction commits, so one
//! message per transaction caps the whole database at one message per commit (per WAL flush).
//! Concurrent callers of this process share a transaction instead ([`alcove_store::group`]):
//! all their messages in one statement, the lock taken once, all their audit events chained
//! from the head and inserted in one statement, one commit — then every caller is answered.
//! Other instances' batches take the same lock, so the chain stays one chain.
//!
//! A batch is all or nothing. Should it fail (one refused message — a missing thread, a
//! duplicate id — fails the statement), nothing of it was committed, and each of its messages
//! is written again in a transaction of its own, so one refusal never affects the others.

use alcove_store::group::GroupCommit;
use alcove_store::{codec::millis, AuditEvent, NewAuditEvent, NewMessage, Result};

use crate::rows::db_err;
use crate::store::{append_message_audited_alone, chained, id_text, lock_audit_head};
use crate::PgStore;

pub(crate) type Group = GroupCommit<(NewMessage, NewAuditEvent), AuditEvent>;

pub(crate) async fn submit(
    store: &PgStore,
    m: &NewMessage,
    e: &NewAuditEvent,
) -> Result<AuditEvent> {
    let pg = store.clone();
    store
        .group
        .submit((m.clone(), e.clone()), move |batch| {
            let pg = pg.clone();
            async move {
                match try_batch(&pg, &batch).await {
                    Ok(events) => Ok(events.into_iter().map(Ok).collect()),
                    Err(e) if batch.len() == 1 => Ok(vec![Err(e)]),
                    Err(_) => {
                        let mut out = Vec::with_capacity(batch.len());
                        for (m, e) in &batch {
                            out.push(append_message_audited_alone(&pg, m, e).await);
                        }
                        Ok(out)
                    }
                }
            }
        })
        .await
}

/// Writes the whole batch in one transaction, or nothing of it.
async fn try_batch(
    store: &PgStore,
    batch: &[(NewMessage, NewAuditEvent)],
) -> Result<Vec<AuditEvent>> {
    let mut tx = store
        .pool()
        .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
        .await
        .map_err(db_err)?;
    // The messages first, before the lock: a refused batch never waits for it.
    let messages = batch.iter().map(|(m, _)| m);
    sqlx::query(
        "INSERT INTO messages (id, thread_id, sender_id, sent_at, key_version, body) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::int4[], \
                              $6::bytea[])",
    )
    .bind(
        messages
            .clone()
            .map(|m| id_text(m.id.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        messages
            .clone()
            .map(|m| id_text(m.thread_id.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        messages
            .clone()
            .map(|m| id_text(m.sender_id.0))
            .collect::<Vec<_>>(),
    )
    .bind(
        messages
            .clone()
            .map(|m| millis(m.sent_at))
            .collect::<Vec<_>>(),
    )
    .bind(
        messages
            .clone()
            .map(|m| m.body.key_version)
            .collect::<Vec<_>>(),
    )
    .bind(
        messages
            .map(|m| m.body.ciphertext.clone())
            .collect::<Vec<Vec<u8>>>(),
    )
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;

    let mut head = lock_audit_head(&mut tx).await?;
    let mut events = Vec::with_capacity(batch.len());
    for (_, e) in batch {
        let event = chained(head, e);
        head = (event.seq + 1, event.hash.clone());
        events.push(event);
    }
    sqlx::query(
        "INSERT INTO audit_events \
            (seq, at, actor_id, actor_role, action, client_id, object, prev_hash, hash) \
         SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], \
                              $6::text[], $7::text[], $8::bytea[], $9::bytea[])",
    )
    .bind(events.iter().map(|e| e.seq).collect::<Vec<_>>())
    .bind(events.iter().map(|e| millis(e.at)).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.actor_id.map(|u| id_text(u.0)))
            .collect::<Vec<Option<String>>>(),
    )
    .bind(
        events
            .iter()
            .map(|e| e.actor_role.clone())
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.action.clone()).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.client_id.map(|c| id_text(c.0)))
            .collect::<Vec<Option<String>>>(),
    )
    .bind(events.iter().map(|e| e.object.clone()).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|e| e.prev_hash.clone())
            .collect::<Vec<_>>(),
    )
    .bind(events.iter().map(|e| e.hash.clone()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(events)
}
