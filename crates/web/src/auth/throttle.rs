//! Repeated sign-in failures earn a growing pause (429 + Retry-After), never a permanent lock:
//! the real user can always try again later. State lives in the database so every instance agrees.

use alcove_store::StoreError;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// Keys are hashed so the table holds no email addresses or network addresses.
pub fn account_key(email: &str) -> String {
    format!("acct:{}", hex::encode(Sha256::digest(email.as_bytes())))
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{}", hex::encode(Sha256::digest(addr.as_bytes())))
}

/// A guess at an account's secret, counted before the secret was checked.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// Attempts on the account in this window, this one included.
    pub count: i64,
}

/// Counts an attempt on `acct` atomically in the database *before* any secret is checked, so
/// a burst of concurrent guesses (on one instance or many) is held to the limit: past it, only
/// one attempt is let through after each served pause. `Err(seconds)` means "wait".
/// The address key, when given, is a coarser count of failures only (a busy shared address
/// signs in successfully all day).
pub async fn begin(
    state: &AppState,
    acct: &str,
    addr: Option<&str>,
) -> Result<Result<Attempt, u64>, StoreError> {
    let now = state.clock.now();
    if let Some(addr) = addr {
        if let Some(wait) =
            retry_after(state, &[(addr, state.config.sign_in_failures_per_address)]).await?
        {
            return Ok(Err(wait));
        }
    }
    let limit = state.config.sign_in_failures_per_account;
    let st = state.store.record_failure(acct, now).await?;
    let wait_until = |until: DateTime<Utc>| (until - now).num_seconds().max(1) as u64;
    if let Some(until) = st.blocked_until.filter(|u| *u > now) {
        return Ok(Err(wait_until(until)));
    }
    if st.failures > limit && !state.store.claim_expired_block(acct, now).await? {
        state
            .store
            .block_if_unblocked(acct, now, pause_until(now, st.failures - limit - 1))
            .await?;
        let until = state
            .store
            .throttle_state(acct)
            .await?
            .and_then(|t| t.blocked_until)
            .unwrap_or(now);
        return Ok(Err(wait_until(until)));
    }
    Ok(Ok(Attempt { count: st.failures }))
}

/// The attempt's secret was wrong: at or past the limit, the account pauses.
pub async fn failed(
    state: &AppState,
    attempt: Attempt,
    acct: &str,
    addr: Option<&str>,
) -> Result<(), StoreError> {
    let now = state.clock.now();
    let limit = state.config.sign_in_failures_per_account;
    if attempt.count >= limit {
        state
            .store
            .set_blocked_until(acct, pause_until(now, attempt.count - limit))
            .await?;
    }
    if let Some(addr) = addr {
        fail(state, &[(addr, state.config.sign_in_failures_per_address)]).await?;
    }
    Ok(())
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
