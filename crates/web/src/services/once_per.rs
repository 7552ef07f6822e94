//! "At most once per period, per key", kept in this instance's memory: an email that a
//! message is waiting (per recipient), an audit entry for a calendar feed's reads (per feed).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};

/// Keys remembered before the ones older than the period are let go.
const SWEEP_AT: usize = 10_000;

/// When each key last happened, and how long it is quiet after.
pub struct OncePer<K> {
    period: Duration,
    last: Mutex<HashMap<K, DateTime<Utc>>>,
}

impl<K: Eq + Hash> OncePer<K> {
    pub fn new(period: Duration) -> Self {
        Self {
            period,
            last: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, DateTime<Utc>>> {
        // Insert, retain and remove only: a poisoned map is still whole.
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `true` when `key` may happen at `now` (and it is recorded that it did); `false` when it
    /// happened less than the period ago.
    pub fn claim(&self, key: K, now: DateTime<Utc>) -> bool {
        let mut last = self.lock();
        if last
            .get(&key)
            .is_some_and(|at| now - *at < self.period && *at <= now)
        {
            return false;
        }
        if last.len() >= SWEEP_AT {
            last.retain(|_, at| now - *at < self.period);
        }
        last.insert(key, now);
        true
    }

    /// `key` may happen again at once.
    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }
}

impl<K> std::fmt::Debug for OncePer<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OncePer")
            .field("period", &self.period)
            .finish_non_exhaustive()
    }
}
