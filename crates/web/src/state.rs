use std::sync::Arc;

use alcove_crypto::password::PasswordHasher;
use alcove_domain::Clock;
use alcove_store::{EventBus, Store};
use chrono::{DateTime, Utc};

use crate::config::WebConfig;
use crate::services::{AuditLog, Documents, Keyring, Mailer, Recent, Sms};

/// The production clock. Domain code never calls it directly; it is handed a `Clock`.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Shared by every handler: one `Arc`, so the clone each layer and extractor takes per request
/// is one counter (it was some twenty, a measurable share of a message's cost).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

/// What [`AppState`] holds.
#[derive(Clone)]
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub keys: Keyring,
    pub docs: Documents,
    pub audit: AuditLog,
    pub clock: Arc<dyn Clock>,
    pub passwords: Arc<PasswordHasher>,
    pub config: Arc<WebConfig>,
    /// Outgoing notifications (SMTP, or the development outbox). Holds an `Arc` inside.
    pub mailer: Mailer,
    /// Text messages (phone verification codes): `ALCOVE_SMS` = `off` or `log` (development).
    pub sms: Sms,
    /// Argon2id costs 19 MiB and tens of milliseconds: at most this many run at once, off the
    /// async workers, so a burst of sign-ins cannot stall every other request.
    pub hash_permits: Arc<tokio::sync::Semaphore>,
    /// Live events (new messages) for open pages: in-process by default, PostgreSQL
    /// `LISTEN/NOTIFY` when several instances share a database ([`AppState::with_events`]).
    pub events: Arc<dyn EventBus>,
    /// Users, care teams, policies and the like kept between requests, used only while the
    /// database's change stamp has not moved (see `services::recent`).
    pub recent: Recent,
    /// When each recipient was last told that a message is waiting (see `messaging::send`).
    pub waiting_told: Arc<crate::messaging::send::WaitingNotices>,
    /// When each calendar feed's read was last recorded in the audit log.
    pub feed_reads: Arc<crate::scheduling::calendar::FeedReads>,
}

impl AppState {
    /// The same state with another SMS gateway (tests use testkit's capture gateway).
    pub fn with_sms(mut self, gateway: Arc<dyn crate::services::SmsGateway>) -> Self {
        Arc::make_mut(&mut self.0).sms = Sms(gateway);
        self
    }

    /// The same state with another event bus (the PostgreSQL one, so instances hear each other).
    pub fn with_events(mut self, events: Arc<dyn EventBus>) -> Self {
        Arc::make_mut(&mut self.0).events = events;
        self
    }

    pub async fn verify_password(&self, password: &str, phc: Option<&str>) -> bool {
        let Ok(_permit) = self.hash_permits.acquire().await else {
            return false;
        };
        let (hasher, password, phc) = (
            self.passwords.clone(),
            password.to_owned(),
            phc.map(str::to_owned),
        );
        tokio::task::spawn_blocking(move || hasher.verify(&password, phc.as_deref()))
            .await
            .unwrap_or(false)
    }

    pub async fn hash_password(&self, password: &str) -> Option<String> {
        let _permit = self.hash_permits.acquire().await.ok()?;
        let (hasher, password) = (self.passwords.clone(), password.to_owned());
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .ok()
    }
}
