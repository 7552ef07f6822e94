//! Alcove's web layer: server-rendered pages and the JSON API, behind one identity resolver,
//! one CSRF check, one set of security headers and one error shape.
//!
//! Feature folders own their routes: `public`, `sign_in`, `account`, `home`, `messaging`,
//! `records`, `audit`, `licensure`, `transmission`, `encounter`, `policies`, `api`. [`route_table`] joins them; the authorisation-matrix test walks it.

pub mod account;
pub mod api;
mod assets;
pub mod audit;
pub mod auth;
pub mod ce;
pub mod config;
pub mod contact;
pub mod encounter;
pub mod error;
mod health;
pub mod home;
pub mod i18n;
pub mod licensure;
pub mod listings;
pub mod messaging;
pub mod onboarding;
pub mod pages;
pub mod policies;
pub mod profile;
pub mod public;
pub mod records;
pub mod reminders;
pub mod routes;
pub mod scheduling;
pub mod security;
pub mod services;
pub mod sessions;
pub mod sign_in;
pub mod state;
pub mod transmission;
pub mod upload;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use alcove_crypto::audit::CheckpointSigner;
use alcove_crypto::envelope::MasterKey;
use alcove_crypto::password::PasswordHasher;
use alcove_domain::Clock;
use alcove_store::Store;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::{Extension, Router};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

pub use config::WebConfig;
pub use state::{AppState, SystemClock};

use crate::services::{AuditLog, Documents, Keyring, Mailer};

/// Every route the application serves.
pub fn route_table() -> routes::RouteTable {
    routes::RouteTable::new()
        .merge(public::routes())
        .merge(sign_in::routes())
        .merge(account::routes())
        .merge(home::routes())
        .merge(messaging::routes())
        .merge(records::routes())
        .merge(audit::routes())
        .merge(licensure::routes())
        .merge(profile::routes())
        .merge(contact::routes())
        .merge(listings::routes())
        .merge(transmission::routes())
        .merge(encounter::routes())
        .merge(policies::routes())
        .merge(ce::routes())
        .merge(onboarding::routes())
        .merge(scheduling::routes())
        .merge(sessions::routes())
        .merge(api::routes())
        .merge(health::routes())
        .merge(assets::routes())
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        master: MasterKey,
        signer: CheckpointSigner,
        clock: Arc<dyn Clock>,
        config: WebConfig,
        mailer: Mailer,
    ) -> Self {
        let master = Arc::new(master);
        let keys = Keyring::new(master, store.clone(), clock.clone());
        state::Shared {
            docs: Documents::new(store.clone(), keys.clone(), clock.clone()),
            keys,
            audit: AuditLog::new(
                store.clone(),
                Arc::new(signer),
                clock.clone(),
                config.checkpoint_mirror.clone(),
            ),
            hash_permits: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            passwords: Arc::new(PasswordHasher::new()),
            sms: crate::services::Sms(config.sms.gateway()),
            config: Arc::new(config),
            mailer,
            store,
            clock,
            events: Arc::new(alcove_store::LocalBus::new()),
            recent: Default::default(),
            waiting_told: Arc::new(crate::services::OncePer::new(
                messaging::send::WAITING_QUIET,
            )),
            feed_reads: Arc::new(crate::services::OncePer::new(
                scheduling::calendar::RECORD_READS_EVERY,
            )),
        }
        .into()
    }
}

/// The whole application with its layers, outermost last:
/// routes ← CSRF ← identity ← body limit ← panic catcher ← error shapes ← security headers.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit;
    let table = route_table();
    let mut uploads = table.uploads();
    // The message form's limit is the practice's attachment limit (ALCOVE_ATTACHMENT_MAX_MIB).
    uploads.0.insert(
        messaging::SEND_PATH,
        messaging::upload_limit(state.config.attachment_max),
    );
    table
        .into_router()
        .layer(from_fn_with_state(state.clone(), security::csrf))
        .layer(Extension(uploads))
        .layer(from_fn_with_state(
            state.clone(),
            auth::session::resolve_identity,
        ))
        .layer(Extension(api::json::BodyLimit(limit)))
        .layer(DefaultBodyLimit::max(limit))
        .layer(CatchPanicLayer::new())
        .layer(from_fn(security::shape_errors))
        .layer(from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .with_state(state)
}

/// A bound, not yet serving, application. Binding port 0 gives tests a free port.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn bind(state: AppState, addr: &str) -> std::io::Result<Self> {
        Ok(Self {
            listener: TcpListener::bind(addr).await?,
            state,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then signs a checkpoint over the chain head.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        // Sessions past their absolute lifetime are removed even if never presented again.
        let sweeper = {
            let state = self.state.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
                loop {
                    tick.tick().await;
                    if let Err(e) = state.store.delete_expired_sessions(state.clock.now()).await {
                        tracing::warn!(error = %e, "session sweep failed");
                    }
                }
            })
        };
        // Credential expiry reminders, lapsed credentials and CE shortfalls (reminders.rs).
        let reminders = self
            .state
            .config
            .reminder_every
            .map(|every| reminders::spawn_job(self.state.clone(), every));
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        sweeper.abort();
        if let Some(job) = reminders {
            job.abort();
        }
        served?;
        if let Err(e) = self.state.audit.checkpoint_now().await {
            tracing::error!(error = %e, "could not sign the shutdown checkpoint");
        }
        Ok(())
    }
}
