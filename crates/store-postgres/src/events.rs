//! Live events across instances: PostgreSQL `LISTEN/NOTIFY` (DESIGN.md, "Storage").
//!
//! Every instance publishes with `pg_notify` and hears every event — its own included — on one
//! listening connection, which hands them to its in-process [`LocalBus`]. So each subscriber
//! of each instance sees each event once, in the order PostgreSQL delivered them.
//!
//! `NOTIFY` is transient: while the listening connection is down (a restart of PostgreSQL, a
//! network cut) events are lost. When the listener reconnects, subscribers get
//! [`Delivery::Missed`] and re-read what they show. Payloads are ids only (`Event::encode`),
//! but for video signalling, which may be longer than a `NOTIFY` payload may be (under 8,000
//! bytes): it goes as several notifications (`split_wire`), put together on arrival.

use std::time::{Duration, Instant};

use alcove_store::{
    split_wire, Delivery, Event, EventBus, LocalBus, Reassembly, StoreError, Subscription,
};
use async_trait::async_trait;
use sqlx::postgres::PgListener;
use sqlx::PgPool;

use crate::rows::db_err;
use crate::PgStore;

/// The event bus of one instance on a shared PostgreSQL database.
pub struct PgEventBus {
    pool: PgPool,
    channel: String,
    local: LocalBus,
    listener: tokio::task::JoinHandle<()>,
}

impl PgEventBus {
    /// Starts listening on the store's channel. When this returns, the `LISTEN` is in place:
    /// everything published from then on, by any instance, reaches this one's subscribers.
    /// The listener holds one connection of the store's pool, and stops when the pool closes.
    pub async fn start(store: &PgStore) -> Result<PgEventBus, StoreError> {
        let pool = store.pool().clone();
        let channel = store.events_channel();
        let mut listener = PgListener::connect_with(&pool).await.map_err(db_err)?;
        listener.listen(&channel).await.map_err(db_err)?;
        let local = LocalBus::new();
        let task = tokio::spawn(listen(listener, local.clone()));
        Ok(PgEventBus {
            pool,
            channel,
            local,
            listener: task,
        })
    }
}

impl Drop for PgEventBus {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// The longest payload sent in one `NOTIFY` (PostgreSQL refuses 8,000 bytes and more).
const NOTIFY_MAX: usize = 7900;

async fn listen(mut listener: PgListener, local: LocalBus) {
    let mut parts = Reassembly::default();
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => {
                let Some(wire) = parts.accept(n.payload(), Instant::now()) else {
                    continue; // a part of a longer event; the rest follows
                };
                match Event::decode(&wire) {
                    Some(e) => local.deliver(Delivery::Event(e)),
                    // A newer instance's kind of event: nothing here shows it.
                    None => tracing::debug!("ignored an event of an unknown kind"),
                }
            }
            // The connection dropped and was re-established: events may have been lost.
            Ok(None) => {
                tracing::warn!("the live-events listener reconnected to PostgreSQL");
                local.deliver(Delivery::Missed);
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, "the live-events listener lost PostgreSQL; retrying");
                local.deliver(Delivery::Missed);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

#[async_trait]
impl EventBus for PgEventBus {
    async fn publish(&self, event: &Event) -> alcove_store::Result<()> {
        let parts = split_wire(event.encode(), NOTIFY_MAX);
        if let [one] = parts.as_slice() {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(&self.channel)
                .bind(one)
                .execute(&self.pool)
                .await
                .map_err(db_err)?;
            return Ok(());
        }
        // All parts in one statement, one transaction: they are delivered together, before
        // anything published after them, or not at all (the listener orders the parts).
        sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS t(p)")
            .bind(&self.channel)
            .bind(&parts)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        self.local.subscribe()
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }
}
