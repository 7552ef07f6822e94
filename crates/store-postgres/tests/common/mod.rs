//! A fresh PostgreSQL store per test: a new schema in the test database, dropped when the
//! test passes (kept, and named, when it fails, so it can be inspected).
//!
//! The database comes from `PG_TEST_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//! These tests fail, never skip, when PostgreSQL cannot be reached.

#![allow(dead_code)] // each test binary uses a different part

use alcove_store_postgres::PgStore;
use sqlx::{Connection, Executor, PgConnection};

pub fn url() -> String {
    std::env::var("PG_TEST_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub fn unique_schema() -> String {
    format!("t_{}", uuid::Uuid::new_v4().simple())
}

/// Drops its schema when the test ends, unless the test failed.
pub struct SchemaGuard {
    pub schema: String,
}

impl Drop for SchemaGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept schema {} of the failed test", self.schema);
            return;
        }
        let (url, schema) = (url(), self.schema.clone());
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = PgConnection::connect(&url).await?;
                conn.execute(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE").as_str())
                    .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop schema {}", self.schema);
        }
    }
}

pub async fn connect(schema: &str) -> PgStore {
    PgStore::connect_in_schema(&url(), schema)
        .await
        .unwrap_or_else(|e| panic!("these tests need PostgreSQL (set PG_TEST_URL): {e}"))
}

pub async fn fresh_store() -> (PgStore, SchemaGuard) {
    let schema = unique_schema();
    let store = connect(&schema).await;
    (store, SchemaGuard { schema })
}
