//! Alcove's embedded storage backend: everything in one SQLite file in the data directory.
//!
//! How it is opened, and why (DESIGN.md, "Storage"):
//! - WAL journal mode, so readers never wait for the writer and the writer never waits for readers;
//! - `synchronous=FULL`: a write of clinical data is on disk when the call returns, even if
//!   the machine loses power right after (in WAL mode, NORMAL could lose the last commits);
//! - `foreign_keys=ON` on every connection (SQLite's default is off);
//! - `secure_delete=ON`, so deleted rows (sessions, recovery codes, and above all destroyed
//!   data keys) are overwritten with zeros instead of lingering in free pages;
//! - `busy_timeout` of 5 s, for the rare wait on another process holding the write lock.
//!
//! Writes are serialised in two layers. In this process every write goes through a pool of
//! exactly one connection, so writes queue in memory instead of failing with SQLITE_BUSY.
//! Across processes (a second `alcove` on the same file, or a CLI command while the server
//! runs), multi-statement writes start with `BEGIN IMMEDIATE`, which takes SQLite's write lock
//! before the first read: the audit append reads the chain head and inserts after it with no
//! other writer in between, so the chain cannot fork. (A plain `BEGIN` would take the lock only
//! at the insert, after the head was read, and could fork the chain or fail mid-way.)
//! Reads use a separate pool of `query_only` connections; the session read of every request
//! runs on the asking thread instead, with a fallback to that pool (see `inline.rs`).
//!
//! A message and the audit event of its sending are written together in one transaction,
//! and concurrent senders share transactions (group commit: one fsync for many; see
//! `group.rs`), each answered only after the commit that holds its rows.

mod group;
mod inline;
mod rows;
mod store;

use std::path::{Path, PathBuf};
use std::time::Duration;

use alcove_store::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Row};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a write waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections; SQLite in WAL mode serves any number of readers beside the one writer.
const READERS: u32 = 4;

/// Alcove's storage in one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    path: PathBuf,
    /// Exactly one connection: every write in this process goes through it, in turn.
    writer: SqlitePool,
    /// `query_only` connections for everything that does not write.
    reader: SqlitePool,
    /// Group commit of messages with their audit events (see `group`).
    group: std::sync::Arc<group::Group>,
    /// Blocking connections for the session read of every request (see `inline`).
    inline: std::sync::Arc<inline::InlineReaders>,
}

/// What a connection of the store actually runs with, as SQLite reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub journal_mode: String,
    /// 0 = OFF, 1 = NORMAL, 2 = FULL, 3 = EXTRA.
    pub synchronous: i64,
    pub foreign_keys: bool,
    pub secure_delete: bool,
    pub busy_timeout_ms: i64,
    pub query_only: bool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    ///
    /// A new file is created readable by its owner only (0600 on Unix); SQLite gives the
    /// `-wal` and `-shm` files beside it the same permissions.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        create_private_file(path)?;
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("secure_delete", "ON");

        // Look before touching: a file that is not ours is refused before anything (such as
        // switching it to WAL) changes it.
        let mut probe = SqliteConnection::connect_with(&base)
            .await
            .map_err(|e| open_error(path, e))?;
        refuse_foreign_database(path, &mut probe).await?;
        probe.close().await.map_err(|e| open_error(path, e))?;

        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone().journal_mode(SqliteJournalMode::Wal))
            .await
            .map_err(|e| open_error(path, e))?;

        let settings = settings_of(&writer).await?;
        if settings.journal_mode != "wal" {
            return Err(StoreError::Backend(format!(
                "{} could not be switched to WAL journal mode (it is {:?}); \
                 is the data directory on a network filesystem?",
                path.display(),
                settings.journal_mode
            )));
        }
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|e| migrate_error(path, e))?;

        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(base.pragma("query_only", "ON"))
            .await
            .map_err(|e| open_error(path, e))?;

        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer,
            reader,
            group: Default::default(),
            inline: std::sync::Arc::new(inline::InlineReaders::new(path)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings of the writing connection.
    pub async fn writer_settings(&self) -> Result<ConnectionSettings, StoreError> {
        settings_of(&self.writer).await
    }

    /// The settings of a reading connection.
    pub async fn reader_settings(&self) -> Result<ConnectionSettings, StoreError> {
        settings_of(&self.reader).await
    }

    /// Waits for running queries, then closes every connection (at shutdown). The last
    /// connection to close checkpoints the WAL into the main file.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// Creates the file with owner-only permissions if it does not exist yet, so the database
/// is never world-readable, not even for a moment.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Backend(format!(
            "cannot create the database {}: {e}",
            path.display()
        ))),
    }
}

/// SQLite's primary result codes that mean "this file is not (or no longer) a database".
const SQLITE_CORRUPT: i32 = 11;
const SQLITE_NOTADB: i32 = 26;

fn open_error(path: &Path, e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        let primary = d
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff);
        if matches!(primary, Some(SQLITE_NOTADB | SQLITE_CORRUPT)) {
            return StoreError::Backend(format!(
                "{} is not an Alcove database: {}",
                path.display(),
                d.message()
            ));
        }
    }
    StoreError::Backend(format!("cannot open the database {}: {e}", path.display()))
}

fn migrate_error(path: &Path, e: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError;
    match e {
        MigrateError::VersionMissing(v) => StoreError::Backend(format!(
            "{} was last used by a newer version of Alcove (schema version {v}); \
             upgrade Alcove to open it",
            path.display()
        )),
        e => StoreError::Backend(format!(
            "cannot bring the database {} up to date: {e}",
            path.display()
        )),
    }
}

/// A valid SQLite file that holds some other application's tables is not ours to migrate.
async fn refuse_foreign_database(
    path: &Path,
    conn: &mut SqliteConnection,
) -> Result<(), StoreError> {
    let row = sqlx::query(
        "SELECT
            (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'),
            (SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(conn)
    .await
    .map_err(|e| open_error(path, e))?;
    let tables: i64 = row.try_get(0).map_err(rows::db_err)?;
    let ours: i64 = row.try_get(1).map_err(rows::db_err)?;
    if tables > 0 && ours == 0 {
        return Err(StoreError::Backend(format!(
            "{} is not an Alcove database: it holds another application's tables",
            path.display()
        )));
    }
    Ok(())
}

async fn settings_of(pool: &SqlitePool) -> Result<ConnectionSettings, StoreError> {
    // One connection for all pragmas, so they describe the same connection.
    let mut conn = pool.acquire().await.map_err(rows::db_err)?;
    let journal_mode = pragma(&mut conn, "journal_mode").await?;
    let int = |s: String| s.parse::<i64>().unwrap_or(-1);
    Ok(ConnectionSettings {
        journal_mode: journal_mode.to_lowercase(),
        synchronous: int(pragma(&mut conn, "synchronous").await?),
        foreign_keys: int(pragma(&mut conn, "foreign_keys").await?) == 1,
        secure_delete: int(pragma(&mut conn, "secure_delete").await?) == 1,
        busy_timeout_ms: int(pragma(&mut conn, "busy_timeout").await?),
        query_only: int(pragma(&mut conn, "query_only").await?) == 1,
    })
}

/// Reads one pragma (`name` is one of the constants above, never outside input).
async fn pragma(conn: &mut SqliteConnection, name: &'static str) -> Result<String, StoreError> {
    let row = sqlx::query(&format!("PRAGMA {name}"))
        .fetch_one(conn)
        .await
        .map_err(rows::db_err)?;
    // journal_mode answers with text, the others with integers.
    row.try_get::<String, _>(0)
        .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
        .map_err(rows::db_err)
}
