use std::sync::Arc;

use alcove_crypto::password::PasswordHasher;
use alcove_domain::Clock;
use alcove_store::Store;
use chrono::{DateTime, Utc};

use crate::config::WebConfig;
use crate::services::{AuditLog, Keyring};

/// The production clock. Domain code never calls it directly; it is handed a `Clock`.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Shared by every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub keys: Keyring,
    pub audit: AuditLog,
    pub clock: Arc<dyn Clock>,
    pub passwords: Arc<PasswordHasher>,
    pub config: Arc<WebConfig>,
    /// Serialises sign-in attempts per account, so a burst of concurrent guesses is counted one
    /// by one against the limit instead of all passing the check before any failure is recorded.
    pub sign_in_locks: Arc<crate::auth::throttle::KeyedLocks>,
}
