//! The shared conformance suite, run against SQLite: each test gets a fresh database file
//! in its own temporary directory, kept alive until the test ends.

use alcove_store_sqlite::SqliteStore;
use tempfile::TempDir;

async fn fresh_store() -> (SqliteStore, TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(&dir.path().join("alcove.db"))
        .await
        .expect("open a fresh SQLite store");
    (store, dir)
}

alcove_store::conformance_tests!(fresh_store());
