//! What only the PostgreSQL backend has: several processes on one database, schemas, and a
//! server that may not be there.

mod common;

use std::fmt::Debug;

use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use alcove_store::conformance::assert_valid_chain;
use alcove_store::*;
use alcove_store_postgres::PgStore;
use chrono::{Duration, TimeZone, Utc};
use common::{connect, fresh_store, unique_schema};
use futures::future::join_all;
use sqlx::Executor;
use uuid::Uuid;

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
}

fn event(n: i64) -> NewAuditEvent {
    NewAuditEvent {
        at: t0() + Duration::milliseconds(n),
        actor_id: None,
        actor_role: "system".into(),
        action: "test.append".into(),
        client_id: None,
        object: format!("n:{n}"),
    }
}

fn assert_corrupt<T: Debug>(r: Result<T, StoreError>, table: &str, column: &str) {
    match r {
        Err(StoreError::Corrupt {
            table: t,
            column: c,
            ..
        }) if t == table && c == column => {}
        other => panic!("expected {table}.{column} to be reported corrupt, got {other:?}"),
    }
}

fn backend_message<T: Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Backend(m)) => m,
        other => panic!("expected a backend error, got {other:?}"),
    }
}

/// Two stores with their own pools stand for two `alcove serve` processes on one database:
/// only the advisory lock in the database keeps the chain from forking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_database_append_to_one_chain() {
    let (a, guard) = fresh_store().await;
    let b = connect(&guard.schema).await;
    let events: Vec<NewAuditEvent> = (0..60).map(event).collect();
    let appends = events.iter().enumerate().map(|(i, e)| {
        let s = if i % 2 == 0 { &a } else { &b };
        s.append_audit(e)
    });
    for r in join_all(appends).await {
        r.expect("append");
    }
    let log = b.audit_events(1, 100).await.unwrap();
    assert_eq!(log.len(), 60);
    assert_valid_chain(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_pooled_connection_uses_the_store_schema() {
    let (s, guard) = fresh_store().await;
    // Hold several connections at once so the pool has to open new ones.
    let mut held = Vec::new();
    for _ in 0..5 {
        held.push(s.pool().acquire().await.unwrap());
    }
    for conn in &mut held {
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(schema, guard.schema);
    }
    drop(held);
    // And the tables are there, not in public.
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables \
         WHERE table_schema = $1 AND table_name = 'audit_events'",
    )
    .bind(&guard.schema)
    .fetch_one(s.pool())
    .await
    .unwrap();
    assert_eq!(tables, 1);
}

#[tokio::test]
async fn connecting_twice_to_one_schema_keeps_its_data() {
    let (s, guard) = fresh_store().await;
    s.meta_put("k", b"kept").await.unwrap();
    s.close().await;
    let again = connect(&guard.schema).await;
    assert_eq!(again.meta_get("k").await.unwrap(), Some(b"kept".to_vec()));
    assert_eq!(again.backend_name(), "postgres");
}

#[tokio::test]
async fn a_schema_name_that_is_not_a_plain_identifier_is_refused() {
    let msg = backend_message(
        PgStore::connect_in_schema(&common::url(), "x\"; DROP SCHEMA public CASCADE; --").await,
    );
    assert!(msg.contains("is not a schema name"), "{msg}");
}

#[tokio::test]
async fn an_unreachable_server_is_a_clear_error_that_does_not_repeat_the_password() {
    // Port 1 on localhost: nothing listens there, so the refusal is immediate.
    let url = "postgres://alcove:sup3r-s3cret@127.0.0.1:1/alcove";
    let msg = backend_message(PgStore::connect(url).await);
    assert!(msg.contains("cannot connect to PostgreSQL"), "{msg}");
    assert!(!msg.contains("sup3r-s3cret"), "{msg}");
    let msg = backend_message(PgStore::connect_in_schema(url, &unique_schema()).await);
    assert!(!msg.contains("sup3r-s3cret"), "{msg}");
}

#[tokio::test]
async fn unreadable_values_are_reported_as_corrupt_not_a_panic() {
    let (s, _guard) = fresh_store().await;
    let u = NewUser {
        id: UserId(Uuid::new_v4()),
        email: "zoe@example.org".parse().unwrap(),
        name: "Zoe".into(),
        role: Role::Client,
        password_hash: "$argon2id$x".into(),
        totp_sealed: None,
        slug: None,
        credentials: None,
        created_at: t0(),
    };
    s.create_user(&u).await.unwrap();
    let client = ClientId(Uuid::new_v4());
    s.create_client(&NewClient {
        id: client,
        user_id: u.id,
        home_jurisdiction: "US-MA".parse().unwrap(),
        created_at: t0(),
    })
    .await
    .unwrap();
    let thread = ThreadId(Uuid::new_v4());
    s.create_thread(&NewThread {
        id: thread,
        client_id: client,
        created_at: t0(),
    })
    .await
    .unwrap();
    s.append_message(&NewMessage {
        id: MessageId(Uuid::new_v4()),
        thread_id: thread,
        sender_id: u.id,
        sent_at: t0(),
        body: Sealed {
            key_version: 1,
            ciphertext: vec![1],
        },
    })
    .await
    .unwrap();
    s.create_session(&NewSession {
        token_hash: vec![1; 32],
        user_id: u.id,
        kind: SessionKind::Web,
        mfa_passed: false,
        csrf_token: "c".into(),
        created_at: t0(),
        expires_at: t0(),
    })
    .await
    .unwrap();

    let tamper = async |sql: &str| {
        s.pool().execute(sql).await.unwrap();
    };
    tamper("UPDATE users SET role = 'root'").await;
    assert_corrupt(s.user_by_id(u.id).await, "users", "role");
    assert_corrupt(s.list_users().await, "users", "role");
    tamper("UPDATE users SET role = 'client', created_at = 9223372036854775807").await;
    assert_corrupt(s.user_by_id(u.id).await, "users", "created_at");
    tamper("UPDATE users SET created_at = 0, email = 'not an email'").await;
    assert_corrupt(s.user_by_id(u.id).await, "users", "email");
    tamper("UPDATE clients SET home_jurisdiction = 'Mars'").await;
    assert_corrupt(s.client(client).await, "clients", "home_jurisdiction");
    tamper("UPDATE messages SET id = 'not-a-uuid'").await;
    assert_corrupt(s.messages(thread).await, "messages", "id");
    tamper("UPDATE sessions SET kind = 'telnet'").await;
    assert_corrupt(s.session(&[1; 32]).await, "sessions", "kind");
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted_through_sql() {
    let (s, _guard) = fresh_store().await;
    s.append_audit(&event(1)).await.unwrap();
    s.put_checkpoint(&Checkpoint {
        seq: 1,
        hash: vec![0; 32],
        signature: vec![0; 64],
        at: t0(),
    })
    .await
    .unwrap();
    for sql in [
        "UPDATE audit_events SET action = 'nothing.happened'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events",
        "UPDATE audit_checkpoints SET hash = '\\x00'",
        "DELETE FROM audit_checkpoints",
        "TRUNCATE audit_checkpoints",
    ] {
        let err = s.pool().execute(sql).await.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_valid_chain(&s.audit_events(1, 10).await.unwrap());
}

#[tokio::test]
async fn a_unique_conflict_names_columns_but_never_values() {
    let (s, _guard) = fresh_store().await;
    let mut u = NewUser {
        id: UserId(Uuid::new_v4()),
        email: "private.person@example.org".parse().unwrap(),
        name: "A".into(),
        role: Role::Client,
        password_hash: "$argon2id$x".into(),
        totp_sealed: None,
        slug: None,
        credentials: None,
        created_at: t0(),
    };
    s.create_user(&u).await.unwrap();
    u.id = UserId(Uuid::new_v4());
    match s.create_user(&u).await {
        Err(StoreError::Conflict(what)) => assert_eq!(what, "users.email"),
        other => panic!("expected a conflict, got {other:?}"),
    }
}
