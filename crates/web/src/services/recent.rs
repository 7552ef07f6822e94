//! What may be kept in memory between requests, and when it may be used (issue 7, speed).
//!
//! Sending a message used to read the session, the user, the thread, the care team (three
//! times), the clinician's policy, the pause and the client's data key from the database. All
//! but the session change rarely, so they are kept here — but a change must take effect on the
//! very next request, on every instance (a clinician taken off a care team must not send one
//! more message, a policy change must apply to the next message).
//!
//! The rule that makes that true: the database keeps a *change stamp* that its own triggers
//! move forward in the same transaction as any change to what is kept here (see the store's
//! `change_stamp`). Every request reads the stamp in the same statement as its session, so
//! reading it costs nothing extra. What is kept is labelled with the stamp it was read under
//! and used only by requests that read that same stamp; a request that reads a newer stamp
//! empties the shelf and reads afresh. So a request sees what it would have seen reading the
//! database at its start — whichever instance or CLI command made the change, and without
//! relying on `LISTEN/NOTIFY` (which may arrive after the next request does).
//!
//! A stamp is trusted for a few seconds only ([`FRESH_FOR`]): a WebSocket keeps its identity
//! for hours, and checks made with an old stamp read the database instead.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alcove_domain::{ClientId, Email, Role, ThreadId, UserId};
use alcove_store::{CareTeamMember, Store, StoreError};
use chrono::{DateTime, Utc};

/// How long after it was read a stamp may still be used to take things from a shelf.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// The database's change stamp as read at one moment of a request.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    n: Option<i64>,
    read_at: Instant,
}

impl Stamp {
    /// The stamp `n`, read just now.
    pub fn read(n: i64) -> Self {
        Self {
            n: Some(n),
            read_at: Instant::now(),
        }
    }

    /// No stamp: everything is read from the database (paths that have no request at hand).
    pub fn none() -> Self {
        Self {
            n: None,
            read_at: Instant::now(),
        }
    }

    /// Reads the current stamp (for long-lived connections before a check).
    pub async fn now(store: &dyn Store) -> Result<Self, StoreError> {
        Ok(Self::read(store.change_stamp().await?))
    }

    fn usable(&self) -> Option<i64> {
        self.n.filter(|_| self.read_at.elapsed() < FRESH_FOR)
    }
}

/// One kind of thing kept, by key, all read under one stamp. Bounded: when full it is emptied
/// (it refills from the next requests). Entries may also have a maximum age.
pub struct Shelf<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
    max_age: Option<Duration>,
}

struct Inner<K, V> {
    stamp: i64,
    entries: HashMap<K, (Instant, V)>,
}

impl<K: Eq + Hash, V: Clone> Shelf<K, V> {
    pub fn new(capacity: usize, max_age: Option<Duration>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                stamp: i64::MIN,
                entries: HashMap::new(),
            }),
            capacity,
            max_age,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        // Only insert, remove and clear happen under the lock: a poisoned map is still whole.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What is kept under `key` for a request that read `at`.
    pub fn get(&self, at: Stamp, key: &K) -> Option<V> {
        let n = at.usable()?;
        let mut inner = self.lock();
        if n > inner.stamp {
            // Something changed: nothing kept is good any more.
            inner.entries.clear();
            inner.stamp = n;
            return None;
        }
        if n < inner.stamp {
            // An older request than what is kept: it reads the database.
            return None;
        }
        let put_at = inner.entries.get(key)?.0;
        if self.max_age.is_some_and(|age| put_at.elapsed() >= age) {
            inner.entries.remove(key);
            return None;
        }
        inner.entries.get(key).map(|(_, v)| v.clone())
    }

    /// Keeps `value`, read from the database after `at` was read.
    pub fn put(&self, at: Stamp, key: K, value: V) {
        let Some(n) = at.usable() else {
            return;
        };
        let mut inner = self.lock();
        if n > inner.stamp {
            inner.entries.clear();
            inner.stamp = n;
        } else if n < inner.stamp {
            return;
        }
        if inner.entries.len() >= self.capacity {
            inner.entries.clear();
        }
        inner.entries.insert(key, (Instant::now(), value));
    }

    /// What is kept, or what `load` reads (and is then kept).
    pub async fn get_or_load<E, F>(&self, at: Stamp, key: K, load: F) -> Result<V, E>
    where
        F: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(at, &key) {
            return Ok(v);
        }
        let v = load.await?;
        self.put(at, key, v.clone());
        Ok(v)
    }

    /// Forgets everything (for tests, and for memory's sake).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What identifying a caller needs of their account. No password hash, no TOTP secret.
#[derive(Clone, Debug)]
pub struct UserCard {
    pub id: UserId,
    pub name: String,
    pub email: Email,
    pub role: Role,
    pub password_changed_at: DateTime<Utc>,
    pub has_totp: bool,
}

/// How many of each are kept (a practice's users, clients and threads fit many times over).
const CAPACITY: usize = 10_000;

/// The shelves, shared by every handler of this process.
pub struct Shelves {
    pub users: Shelf<UserId, Arc<UserCard>>,
    pub thread_clients: Shelf<ThreadId, ClientId>,
    pub clients_of_users: Shelf<UserId, Option<ClientId>>,
    pub care_teams: Shelf<ClientId, Arc<Vec<CareTeamMember>>>,
    pub policies: Shelf<UserId, Arc<alcove_domain::communication::Policy>>,
    pub paused: Shelf<ClientId, bool>,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Recent(Arc<Shelves>);

impl Default for Recent {
    fn default() -> Self {
        Self(Arc::new(Shelves {
            users: Shelf::new(CAPACITY, None),
            thread_clients: Shelf::new(CAPACITY, None),
            clients_of_users: Shelf::new(CAPACITY, None),
            care_teams: Shelf::new(CAPACITY, None),
            policies: Shelf::new(CAPACITY, None),
            paused: Shelf::new(CAPACITY, None),
        }))
    }
}

impl std::ops::Deref for Recent {
    type Target = Shelves;
    fn deref(&self) -> &Shelves {
        &self.0
    }
}

impl Recent {
    pub async fn user(
        &self,
        store: &dyn Store,
        at: Stamp,
        id: UserId,
    ) -> Result<Arc<UserCard>, StoreError> {
        self.users
            .get_or_load(at, id, async {
                let u = store.user_by_id(id).await?;
                Ok::<_, StoreError>(Arc::new(UserCard {
                    id: u.id,
                    name: u.name,
                    email: u.email,
                    role: u.role,
                    password_changed_at: u.password_changed_at,
                    has_totp: u.totp_sealed.is_some(),
                }))
            })
            .await
    }

    pub async fn thread_client(
        &self,
        store: &dyn Store,
        at: Stamp,
        thread: ThreadId,
    ) -> Result<ClientId, StoreError> {
        self.thread_clients
            .get_or_load(at, thread, store.thread_client(thread))
            .await
    }

    /// The client record of a client's account (`None` for staff).
    pub async fn client_of_user(
        &self,
        store: &dyn Store,
        at: Stamp,
        user: UserId,
    ) -> Result<Option<ClientId>, StoreError> {
        self.clients_of_users
            .get_or_load(at, user, async {
                Ok::<_, StoreError>(store.client_by_user(user).await?.map(|c| c.id))
            })
            .await
    }

    /// The primary clinician first, then others in the order they were added.
    pub async fn care_team(
        &self,
        store: &dyn Store,
        at: Stamp,
        client: ClientId,
    ) -> Result<Arc<Vec<CareTeamMember>>, StoreError> {
        self.care_teams
            .get_or_load(at, client, async {
                Ok::<_, StoreError>(Arc::new(store.care_team(client).await?))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_value_is_used_only_under_the_stamp_it_was_read_with() {
        let shelf: Shelf<u8, &str> = Shelf::new(10, None);
        shelf.put(Stamp::read(3), 1, "three");
        assert_eq!(shelf.get(Stamp::read(3), &1), Some("three"));
        // An older request reads the database, and leaves the shelf as it is.
        assert_eq!(shelf.get(Stamp::read(2), &1), None);
        shelf.put(Stamp::read(2), 1, "two");
        assert_eq!(shelf.get(Stamp::read(3), &1), Some("three"));
        // A newer stamp: something changed, everything kept is dropped.
        assert_eq!(shelf.get(Stamp::read(4), &1), None);
        assert_eq!(shelf.get(Stamp::read(3), &1), None);
        assert!(shelf.is_empty());
    }

    #[test]
    fn no_stamp_and_an_old_stamp_never_use_the_shelf() {
        let shelf: Shelf<u8, &str> = Shelf::new(10, None);
        shelf.put(Stamp::none(), 1, "x");
        assert!(shelf.is_empty());
        shelf.put(Stamp::read(1), 1, "x");
        assert_eq!(shelf.get(Stamp::none(), &1), None);
        let old = Stamp {
            n: Some(1),
            read_at: Instant::now() - FRESH_FOR,
        };
        assert_eq!(shelf.get(old, &1), None);
        assert_eq!(shelf.get(Stamp::read(1), &1), Some("x"));
    }

    #[test]
    fn a_full_shelf_is_emptied_and_old_entries_expire() {
        let shelf: Shelf<u8, u8> = Shelf::new(2, Some(Duration::from_millis(50)));
        let at = Stamp::read(1);
        shelf.put(at, 1, 1);
        shelf.put(at, 2, 2);
        shelf.put(at, 3, 3);
        assert_eq!(
            shelf.len(),
            1,
            "bounded: full means emptied, then the new one kept"
        );
        assert_eq!(shelf.get(at, &3), Some(3));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(shelf.get(Stamp::read(1), &3), None, "past its maximum age");
    }
}
