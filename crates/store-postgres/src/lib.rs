//! Alcove's scale-out storage backend: several `alcove serve` processes share one PostgreSQL
//! database and behave as one service (DESIGN.md, "Storage").
//!
//! - Durability is PostgreSQL's default commit: a write has reached the WAL on disk when the
//!   call returns.
//! - Audit appends are serialised in the database with a transaction-scoped advisory lock,
//!   so appends from any number of processes form one chain (see `append_audit`).
//! - Concurrent messages share a transaction (group commit, `group.rs`): the lock is taken
//!   once per batch instead of once per message, and each sender is answered after the commit.
//! - [`PgStore::connect_in_schema`] keeps all tables in one schema; the tests use a fresh
//!   schema per test so they run in parallel in one database.
//! - The connection URL may hold a password: it is never logged, and no error message
//!   built here repeats it.

mod events;
mod group;
mod rows;
mod store;

pub use events::PgEventBus;

use std::str::FromStr;
use std::time::Duration;

use alcove_store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connections per process. PostgreSQL's default `max_connections` is 100, shared by every
/// instance of the app (and the tests), so each keeps a modest pool.
const MAX_CONNECTIONS: u32 = 10;

/// How long a caller waits for a free connection, or for an unreachable server, before
/// getting an error instead of hanging.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Alcove's storage in a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PgStore {
    pool: PgPool,
    /// The schema given to [`PgStore::connect_in_schema`], if any: it names the store's
    /// `NOTIFY` channel, so stores in different schemas of one database never hear each other.
    schema: Option<String>,
    /// Group commit of messages with their audit events (see `group`).
    group: std::sync::Arc<group::Group>,
}

impl PgStore {
    /// Connects, and brings the schema up to date, using the server's default `search_path`.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::open(url, None).await
    }

    /// Like [`PgStore::connect`], with every table in `schema`: creates the schema if it is
    /// missing and puts it alone on the `search_path` of every pooled connection.
    ///
    /// `schema` must be a plain lower-case identifier (`[a-z_][a-z0-9_]*`, at most 63 bytes,
    /// not starting with `pg_`); anything else is refused rather than quoted into SQL.
    pub async fn connect_in_schema(url: &str, schema: &str) -> Result<PgStore, StoreError> {
        check_schema_name(schema)?;
        Self::open(url, Some(schema)).await
    }

    async fn open(url: &str, schema: Option<&str>) -> Result<PgStore, StoreError> {
        let options = parse_url(url)?;

        // One direct connection first: an unreachable server or a refused login is reported
        // at once (the pool would retry until its timeout), and the schema is created.
        let mut conn = options.connect().await.map_err(connect_error)?;
        if let Some(schema) = schema {
            // DDL takes no bind parameters; the name was checked by the caller and is quoted.
            conn.execute(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"").as_str())
                .await
                .map_err(|e| StoreError::Backend(format!("cannot create schema {schema}: {e}")))?;
        }
        conn.close().await.map_err(rows::db_err)?;

        let mut pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT);
        if let Some(schema) = schema {
            let search_path = format!("\"{schema}\"");
            pool = pool.after_connect(move |conn, _meta| {
                let search_path = search_path.clone();
                Box::pin(async move {
                    sqlx::query("SELECT set_config('search_path', $1, false)")
                        .bind(search_path)
                        .execute(conn)
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options).await.map_err(connect_error)?;
        Self::migrate(pool, schema.map(str::to_owned)).await
    }

    async fn migrate(pool: PgPool, schema: Option<String>) -> Result<PgStore, StoreError> {
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => StoreError::Backend(format!(
                "the database was last used by a newer version of Alcove (schema version {v}); \
                 upgrade Alcove to use it"
            )),
            e => StoreError::Backend(format!("cannot bring the database up to date: {e}")),
        })?;
        Ok(PgStore {
            pool,
            schema,
            group: Default::default(),
        })
    }

    /// The `LISTEN/NOTIFY` channel of this store's live events: `alcove_events`, or
    /// `alcove_events_<schema>` for a store in its own schema (cut to PostgreSQL's 63 bytes).
    pub fn events_channel(&self) -> String {
        let mut c = match &self.schema {
            Some(s) => format!("alcove_events_{s}"),
            None => "alcove_events".to_owned(),
        };
        // Schema names are plain ASCII (checked), so any cut is on a character boundary.
        c.truncate(63);
        c
    }

    /// The connection pool (for `LISTEN/NOTIFY`; connections have the store's `search_path`).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Waits for running queries, then closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn parse_url(url: &str) -> Result<PgConnectOptions, StoreError> {
    // The parser's errors describe the problem, not the URL, so no password is echoed.
    PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Backend(format!("the PostgreSQL URL is not valid: {e}")))
}

fn connect_error(e: sqlx::Error) -> StoreError {
    StoreError::Backend(format!("cannot connect to PostgreSQL: {e}"))
}

fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let mut chars = schema.chars();
    let ok = schema.len() <= 63
        && !schema.starts_with("pg_")
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "{:?} is not a schema name Alcove uses: lower-case letters, digits and _ only",
            schema.chars().take(70).collect::<String>()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_identifiers_are_accepted_as_schema_names() {
        for good in ["public", "t_0123abcd", "_x", "alcove"] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Public",
            "1abc",
            "pg_catalog",
            "a b",
            "a\"; DROP TABLE users; --",
            "ä",
            &"x".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad:?}");
        }
    }
}
