//! The one read every request makes — its session and the change stamp — done on the thread
//! that asks, with a plain blocking connection (issue 7, speed).
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement is two thread
//! hand-offs; at 64 senders those hand-offs were about a third of the server's time, several
//! times the cost of the read itself (an indexed lookup of one row from pages in memory). This
//! read never waits for a lock: the connection has no busy timeout, and should SQLite answer
//! "busy" (or anything else go wrong) the caller falls back to the ordinary async readers. So an
//! async worker is never held longer than the read itself.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use alcove_store::{codec, SessionRecord, StoreError};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// Idle connections kept: one per thread that may ask at once (the async workers, one per
/// core); more may be open for a moment under load, then are closed.
fn keep() -> usize {
    std::thread::available_parallelism().map_or(4, |n| n.get().max(4))
}

const SESSION_STAMPED: &str = "SELECT token_hash, user_id, kind, mfa_passed, csrf_token, \
     created_at, last_seen_at, expires_at, (SELECT n FROM change_stamp WHERE id = 1) \
     FROM sessions WHERE token_hash = ?1";

pub(crate) struct InlineReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
}

impl std::fmt::Debug for InlineReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InlineReaders").finish_non_exhaustive()
    }
}

impl InlineReaders {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            keep: keep(),
        }
    }

    /// The session of `token_hash` with the change stamp, or `None` when this path cannot
    /// answer now (the caller then asks the async readers).
    pub(crate) fn session_stamped(
        &self,
        token_hash: &[u8],
    ) -> Option<Result<Option<(SessionRecord, i64)>, StoreError>> {
        let conn = self.take()?;
        let read = conn.prepare_cached(SESSION_STAMPED).and_then(|mut st| {
            st.query_row([token_hash], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            })
            .optional()
        });
        let row = match read {
            Ok(row) => {
                self.give_back(conn);
                row
            }
            // Busy, or anything else: this connection is dropped and the async path answers.
            Err(_) => return None,
        };
        Some(row.map(decode).transpose())
    }

    fn take(&self) -> Option<Connection> {
        if let Some(c) = self.lock().pop() {
            return Some(c);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).ok()?;
        // The same guarantees as the async readers: nothing written through it, and no wait.
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 0;")
            .ok()?;
        Some(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.lock();
        if idle.len() < self.keep {
            idle.push(conn);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // Only push and pop happen under the lock: a poisoned list is still whole.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type Row = (Vec<u8>, String, String, bool, String, i64, i64, i64, i64);

fn decode(
    (token_hash, user_id, kind, mfa_passed, csrf_token, created, seen, expires, stamp): Row,
) -> Result<(SessionRecord, i64), StoreError> {
    const T: &str = "sessions";
    Ok((
        SessionRecord {
            token_hash,
            user_id: codec::id(T, "user_id", &user_id)?,
            kind: codec::session_kind(T, "kind", &kind)?,
            mfa_passed,
            csrf_token,
            created_at: codec::time(T, "created_at", created)?,
            last_seen_at: codec::time(T, "last_seen_at", seen)?,
            expires_at: codec::time(T, "expires_at", expires)?,
        },
        stamp,
    ))
}

#[cfg(test)]
mod tests {
    use super::InlineReaders;

    /// When this path cannot read at all (here: no database there), it says so and the
    /// store asks its async readers; it never invents an answer such as "no session".
    #[test]
    fn a_read_it_cannot_do_is_left_to_the_async_readers() {
        let dir = tempfile::tempdir().unwrap();
        let missing = InlineReaders::new(&dir.path().join("no-such-dir").join("alcove.db"));
        assert!(missing.session_stamped(&[1; 32]).is_none());

        // A file that is not an Alcove database (no sessions table): also not answered here.
        let other = dir.path().join("other.db");
        rusqlite::Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        assert!(InlineReaders::new(&other)
            .session_stamped(&[1; 32])
            .is_none());
    }
}
