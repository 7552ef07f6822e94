//! Repeated sign-in failures earn a growing pause (429 + Retry-After), never a permanent lock:
//! the real user can always try again later. State lives in the database so every instance agrees.

use alcove_store::StoreError;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// One async lock per key, created on demand and dropped when nobody holds it.
#[derive(Default)]
pub struct KeyedLocks(
    std::sync::Mutex<std::collections::HashMap<String, std::sync::Weak<tokio::sync::Mutex<()>>>>,
);

impl KeyedLocks {
    pub async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let m = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if map.len() > 4096 {
                map.retain(|_, w| w.strong_count() > 0);
            }
            match map.get(key).and_then(std::sync::Weak::upgrade) {
                Some(m) => m,
                None => {
                    let m = std::sync::Arc::new(tokio::sync::Mutex::new(()));
                    map.insert(key.to_owned(), std::sync::Arc::downgrade(&m));
                    m
                }
            }
        };
        m.lock_owned().await
    }
}

/// Keys are hashed so the table holds no email addresses or network addresses.
pub fn account_key(email: &str) -> String {
    format!("acct:{}", hex::encode(Sha256::digest(email.as_bytes())))
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{}", hex::encode(Sha256::digest(addr.as_bytes())))
}

/// Seconds to wait before the next attempt may be made, if any.
pub async fn retry_after(
    state: &AppState,
    keys: &[(&str, i64)],
) -> Result<Option<u64>, StoreError> {
    let now = state.clock.now();
    let mut wait = None;
    for (key, _) in keys {
        if let Some(st) = state.store.throttle_state(key).await? {
            if let Some(until) = st.blocked_until.filter(|u| *u > now) {
                let secs = (until - now).num_seconds().max(1) as u64;
                wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
            }
        }
    }
    Ok(wait)
}

/// Records a failure on each key; past its limit, a key is paused for a time that doubles
/// with each further failure, capped at 15 minutes.
pub async fn fail(state: &AppState, keys: &[(&str, i64)]) -> Result<(), StoreError> {
    let now = state.clock.now();
    for (key, limit) in keys {
        let st = state.store.record_failure(key, now).await?;
        if st.failures >= *limit {
            state
                .store
                .set_blocked_until(key, pause_until(now, st.failures - limit))
                .await?;
        }
    }
    Ok(())
}

pub fn pause_until(now: DateTime<Utc>, over_limit: i64) -> DateTime<Utc> {
    let secs = 30i64
        .saturating_mul(1i64 << over_limit.clamp(0, 10))
        .min(15 * 60);
    now + Duration::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_but_never_exceed_fifteen_minutes() {
        let now = Utc::now();
        assert_eq!(pause_until(now, 0) - now, Duration::seconds(30));
        assert_eq!(pause_until(now, 1) - now, Duration::seconds(60));
        assert_eq!(pause_until(now, 50) - now, Duration::minutes(15));
    }
}
