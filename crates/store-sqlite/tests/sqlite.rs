//! What only the SQLite backend has: a file, its pragmas, and other processes on the same file.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use alcove_store::conformance::assert_valid_chain;
use alcove_store::*;
use alcove_store_sqlite::SqliteStore;
use chrono::{Duration, TimeZone, Utc};
use futures::future::join_all;
use sqlx::{Connection, Executor, SqliteConnection};
use tempfile::TempDir;
use uuid::Uuid;

fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("alcove.db")
}

async fn fresh() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&db_path(&dir)).await.unwrap();
    (store, dir)
}

/// A connection of our own, as another program (or an attacker with the file) would have.
async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

fn backend_message<T: Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Backend(m)) => m,
        other => panic!("expected a backend error, got {other:?}"),
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

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
}

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        id: UserId(Uuid::new_v4()),
        email: format!("{name}@example.org").parse().unwrap(),
        name: name.into(),
        role,
        password_hash: "$argon2id$x".into(),
        totp_sealed: None,
        slug: None,
        credentials: None,
        created_at: t0(),
    }
}

async fn new_client(s: &SqliteStore, name: &str) -> ClientId {
    let u = new_user(name, Role::Client);
    s.create_user(&u).await.unwrap();
    let id = ClientId(Uuid::new_v4());
    s.create_client(&NewClient {
        id,
        user_id: u.id,
        home_jurisdiction: "US-MA".parse().unwrap(),
        created_at: t0(),
    })
    .await
    .unwrap();
    id
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

#[tokio::test]
async fn opening_a_file_that_is_not_a_database_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    // Bytes that look like nothing in particular (a simple LCG, no randomness needed).
    let mut x: u32 = 0x1234_5678;
    let junk: Vec<u8> = (0..8192)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&path, &junk).unwrap();

    let msg = backend_message(SqliteStore::open(&path).await);
    assert!(
        msg.contains("is not an Alcove database") && msg.contains("alcove.db"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        junk,
        "the file is left alone"
    );
}

#[tokio::test]
async fn a_database_of_another_application_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    conn.execute("CREATE TABLE recipes (name TEXT)")
        .await
        .unwrap();
    conn.close().await.unwrap();

    let msg = backend_message(SqliteStore::open(&path).await);
    assert!(msg.contains("is not an Alcove database"), "{msg}");
    let mut conn = raw(&path).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        mode, "delete",
        "the other application's file is left as it was"
    );
}

#[tokio::test]
async fn a_missing_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/alcove.db");
    let msg = backend_message(SqliteStore::open(&path).await);
    assert!(msg.contains("cannot create the database"), "{msg}");
}

#[tokio::test]
async fn journal_mode_is_wal_and_sync_is_full() {
    let (s, _dir) = fresh().await;
    for (which, settings) in [
        ("writer", s.writer_settings().await.unwrap()),
        ("reader", s.reader_settings().await.unwrap()),
    ] {
        assert_eq!(settings.journal_mode, "wal", "{which}");
        assert_eq!(settings.synchronous, 2, "{which}: synchronous=FULL");
        assert!(settings.foreign_keys, "{which}");
        assert!(settings.secure_delete, "{which}");
        assert_eq!(settings.busy_timeout_ms, 5000, "{which}");
        assert_eq!(settings.query_only, which == "reader", "{which}");
    }
    // WAL is a property of the file: a connection of our own sees it too.
    let mut conn = raw(s.path()).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_database_file_is_readable_only_by_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (s, _dir) = fresh().await;
    s.meta_put("k", b"v").await.unwrap();
    let path = s.path().to_path_buf();
    for f in [
        path.clone(),
        PathBuf::from(format!("{}-wal", path.display())),
    ] {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[tokio::test]
async fn data_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let s = SqliteStore::open(&path).await.unwrap();
    assert_eq!(s.path(), path);
    s.meta_put("k", b"kept").await.unwrap();
    s.append_audit(&event(1)).await.unwrap();
    s.close().await;
    drop(s);

    let again = SqliteStore::open(&path).await.unwrap();
    assert_eq!(again.meta_get("k").await.unwrap(), Some(b"kept".to_vec()));
    assert_eq!(again.append_audit(&event(2)).await.unwrap().seq, 2);
}

/// Two stores on one file stand for two processes: each has its own writer connection,
/// so only the database's own lock (BEGIN IMMEDIATE) keeps the chain from forking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_file_append_to_one_chain() {
    let (a, dir) = fresh().await;
    let b = SqliteStore::open(&db_path(&dir)).await.unwrap();
    let events: Vec<NewAuditEvent> = (0..40).map(event).collect();
    let appends = events.iter().enumerate().map(|(i, e)| {
        let s = if i % 2 == 0 { &a } else { &b };
        s.append_audit(e)
    });
    for r in join_all(appends).await {
        r.expect("append");
    }
    let log = a.audit_events(1, 100).await.unwrap();
    assert_eq!(log.len(), 40);
    assert_valid_chain(&log);
}

#[tokio::test]
async fn destroyed_data_keys_leave_no_copy_in_the_database_files() {
    let (s, dir) = fresh().await;
    let client = new_client(&s, "zoe").await;
    let wrapped: Vec<u8> = b"WRAPPED-KEY-MATERIAL-0123456789-".repeat(3);
    s.put_data_key(&WrappedDataKey {
        client_id: client,
        version: 1,
        wrapped: wrapped.clone(),
        created_at: t0(),
    })
    .await
    .unwrap();

    let files_contain = |needle: &[u8]| {
        std::fs::read_dir(dir.path()).unwrap().any(|f| {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        })
    };
    assert!(
        files_contain(&wrapped),
        "the key was written (the test can see it)"
    );

    assert_eq!(s.destroy_data_keys(client).await.unwrap(), 1);
    assert!(
        !files_contain(&wrapped),
        "no copy of a destroyed key is left in the database, its WAL or its shm file"
    );
}

#[tokio::test]
async fn unreadable_values_are_reported_as_corrupt_not_a_panic() {
    let (s, _dir) = fresh().await;
    let client = new_client(&s, "zoe").await;
    let u = s.client(client).await.unwrap().user_id;
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
        sender_id: u,
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
        user_id: u,
        kind: SessionKind::Web,
        mfa_passed: false,
        csrf_token: "c".into(),
        created_at: t0(),
        expires_at: t0(),
    })
    .await
    .unwrap();

    let mut conn = raw(s.path()).await;
    let mut tamper = async |sql: &str| {
        conn.execute(sql).await.unwrap();
    };
    tamper("UPDATE users SET role = 'root'").await;
    assert_corrupt(s.user_by_id(u).await, "users", "role");
    assert_corrupt(s.list_users().await, "users", "role");
    tamper("UPDATE users SET role = 'client', created_at = 9223372036854775807").await;
    assert_corrupt(s.user_by_id(u).await, "users", "created_at");
    tamper("UPDATE users SET created_at = 0, email = 'not an email'").await;
    assert_corrupt(s.user_by_id(u).await, "users", "email");
    tamper("UPDATE clients SET home_jurisdiction = 'Mars'").await;
    assert_corrupt(s.client(client).await, "clients", "home_jurisdiction");
    tamper("UPDATE messages SET id = 'not-a-uuid'").await;
    assert_corrupt(s.messages(thread).await, "messages", "id");
    tamper("UPDATE sessions SET kind = 'telnet'").await;
    assert_corrupt(s.session(&[1; 32]).await, "sessions", "kind");
    // The read every request makes (on the asking thread, `inline.rs`) checks the same way.
    assert_corrupt(s.session_stamped(&[1; 32]).await, "sessions", "kind");
    // Not an id at all (the foreign key would refuse it; a damaged file has no such check).
    tamper("PRAGMA foreign_keys = OFF; UPDATE sessions SET kind = 'web', user_id = 'nobody'").await;
    assert_corrupt(s.session_stamped(&[1; 32]).await, "sessions", "user_id");
    tamper(
        "UPDATE sessions SET user_id = (SELECT id FROM users), expires_at = 9223372036854775807",
    )
    .await;
    assert_corrupt(s.session_stamped(&[1; 32]).await, "sessions", "expires_at");
}

#[tokio::test]
async fn audit_events_cannot_be_changed_or_deleted_through_sql() {
    let (s, _dir) = fresh().await;
    s.append_audit(&event(1)).await.unwrap();
    s.put_checkpoint(&Checkpoint {
        seq: 1,
        hash: vec![0; 32],
        signature: vec![0; 64],
        at: t0(),
    })
    .await
    .unwrap();
    let mut conn = raw(s.path()).await;
    for sql in [
        "UPDATE audit_events SET action = 'nothing.happened'",
        "DELETE FROM audit_events",
        "UPDATE audit_checkpoints SET hash = x'00'",
        "DELETE FROM audit_checkpoints",
    ] {
        let err = conn.execute(sql).await.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_valid_chain(&s.audit_events(1, 10).await.unwrap());
}
