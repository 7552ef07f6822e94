//! Live events: "something changed that an open page may want to show" (DESIGN.md, "Storage":
//! several instances behave as one service, so events fan out across them).
//!
//! An [`Event`] carries ids only, never content: it may cross PostgreSQL `NOTIFY`, which any
//! session on the database can `LISTEN` to, and it reaches browsers. Whoever receives one
//! re-reads what it names through the usual access checks (and audit).
//!
//! [`LocalBus`] is the in-process bus (one `alcove serve`, e.g. on SQLite); the PostgreSQL
//! backend has a bus of its own on `LISTEN/NOTIFY` that delivers through a `LocalBus`.
//! Delivery is at most once and best effort: a subscriber that falls behind, or an instance
//! whose database connection dropped for a moment, gets [`Delivery::Missed`] and re-reads.

use alcove_domain::{MessageId, ThreadId};
use async_trait::async_trait;
use tokio::sync::broadcast;

use crate::Result;

/// Something that happened. New kinds (waiting-room changes, video signalling) are new variants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A message was stored (committed) in a thread.
    MessageAppended {
        thread: ThreadId,
        message: MessageId,
    },
}

impl Event {
    /// The wire form: a kind word and ids separated by spaces, e.g.
    /// `message_appended <thread uuid> <message uuid>` (well under NOTIFY's 8,000 bytes).
    pub fn encode(&self) -> String {
        match self {
            Event::MessageAppended { thread, message } => {
                format!("message_appended {thread} {message}")
            }
        }
    }

    /// Reads [`Event::encode`]'s form; `None` for anything else (a newer instance's new kind).
    pub fn decode(s: &str) -> Option<Event> {
        let mut parts = s.split(' ');
        let event = match parts.next()? {
            "message_appended" => Event::MessageAppended {
                thread: parts.next()?.parse().ok()?,
                message: parts.next()?.parse().ok()?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(event)
    }
}

/// What a subscriber receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    Event(Event),
    /// Some events may have been lost (the subscriber fell behind, or the database listener
    /// reconnected): re-read whatever is on screen.
    Missed,
}

/// One subscriber's stream of deliveries, from the moment it subscribed.
pub struct Subscription {
    rx: broadcast::Receiver<Delivery>,
}

impl Subscription {
    /// The next delivery; `None` once the bus has shut down.
    pub async fn recv(&mut self) -> Option<Delivery> {
        match self.rx.recv().await {
            Ok(d) => Some(d),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(Delivery::Missed),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

#[async_trait]
pub trait EventBus: Send + Sync {
    /// Sends the event to every subscriber of every instance (this one included). Call it
    /// after the change is committed, so whoever re-reads finds it.
    async fn publish(&self, event: &Event) -> Result<()>;
    /// Everything published from now on.
    fn subscribe(&self) -> Subscription;
    /// `"local"` or `"postgres"`, for logs and tests.
    fn kind(&self) -> &'static str;
}

/// How many deliveries a slow subscriber may fall behind before it gets [`Delivery::Missed`].
const CAPACITY: usize = 1024;

/// The in-process bus: a tokio broadcast channel. Cheap to clone (clones share the channel).
#[derive(Clone)]
pub struct LocalBus {
    tx: broadcast::Sender<Delivery>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalBus {
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(CAPACITY).0,
        }
    }

    /// Hands a delivery to this process's subscribers (a backend's listener uses this).
    pub fn deliver(&self, d: Delivery) {
        // No subscriber is not an error: nobody is looking.
        let _ = self.tx.send(d);
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, event: &Event) -> Result<()> {
        self.deliver(Delivery::Event(event.clone()));
        Ok(())
    }

    fn subscribe(&self) -> Subscription {
        Subscription {
            rx: self.tx.subscribe(),
        }
    }

    fn kind(&self) -> &'static str {
        "local"
    }
}

/// The conformance suite for event buses. `a` and `b` are two instances on one backing (two
/// processes' buses on one database; for [`LocalBus`], two handles of one bus).
pub mod conformance {
    use std::time::Duration;

    use uuid::Uuid;

    use super::*;

    /// Expands to one `#[tokio::test]` per function below; `$pair` is an expression whose value
    /// is a future resolving to `(a, b, guard)`, two buses and something kept alive meanwhile.
    #[macro_export]
    macro_rules! event_bus_tests {
        ($pair:expr) => {
            $crate::__event_bus_tests! { $pair;
                an_event_reaches_every_subscriber_of_every_instance,
                events_arrive_in_the_order_they_were_published,
                a_subscriber_gets_only_what_was_published_after_it_subscribed,
            }
        };
    }

    #[doc(hidden)]
    #[macro_export]
    macro_rules! __event_bus_tests {
        ($pair:expr; $($name:ident),* $(,)?) => {
            $(
                #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (a, b, _guard) = $pair.await;
                    $crate::events::conformance::$name(&a, &b).await;
                }
            )*
        };
    }

    fn appended() -> Event {
        Event::MessageAppended {
            thread: ThreadId(Uuid::new_v4()),
            message: MessageId(Uuid::new_v4()),
        }
    }

    async fn next(s: &mut Subscription, who: &str) -> Delivery {
        tokio::time::timeout(Duration::from_secs(10), s.recv())
            .await
            .unwrap_or_else(|_| panic!("{who}: nothing arrived within 10 s"))
            .unwrap_or_else(|| panic!("{who}: the bus shut down"))
    }

    pub async fn an_event_reaches_every_subscriber_of_every_instance(
        a: &dyn EventBus,
        b: &dyn EventBus,
    ) {
        let mut on_a = a.subscribe();
        let mut on_a2 = a.subscribe();
        let mut on_b = b.subscribe();
        let e = appended();
        a.publish(&e).await.expect("publish");
        for (s, who) in [
            (&mut on_a, "the publisher's instance"),
            (&mut on_a2, "a second subscriber there"),
            (&mut on_b, "the other instance"),
        ] {
            assert_eq!(next(s, who).await, Delivery::Event(e.clone()), "{who}");
        }
        // And the other way round.
        let back = appended();
        b.publish(&back).await.expect("publish");
        assert_eq!(next(&mut on_a, "a").await, Delivery::Event(back.clone()));
        assert_eq!(next(&mut on_b, "b").await, Delivery::Event(back));
    }

    pub async fn events_arrive_in_the_order_they_were_published(
        a: &dyn EventBus,
        b: &dyn EventBus,
    ) {
        let mut on_b = b.subscribe();
        let sent: Vec<Event> = (0..20).map(|_| appended()).collect();
        for e in &sent {
            a.publish(e).await.expect("publish");
        }
        let mut got = Vec::new();
        while got.len() < sent.len() {
            match next(&mut on_b, "b").await {
                Delivery::Event(e) => got.push(e),
                Delivery::Missed => panic!("twenty events must not overflow a subscriber"),
            }
        }
        assert_eq!(got, sent);
    }

    pub async fn a_subscriber_gets_only_what_was_published_after_it_subscribed(
        a: &dyn EventBus,
        b: &dyn EventBus,
    ) {
        // An early subscriber proves the first event was delivered before the late one joined.
        let mut early = b.subscribe();
        let before = appended();
        a.publish(&before).await.expect("publish");
        assert_eq!(next(&mut early, "early").await, Delivery::Event(before));
        let mut late = b.subscribe();
        let after = appended();
        a.publish(&after).await.expect("publish");
        assert_eq!(
            next(&mut late, "late").await,
            Delivery::Event(after),
            "the first thing a late subscriber sees is what came after it subscribed"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn an_event_round_trips_through_its_wire_form_and_junk_is_refused() {
        let e = Event::MessageAppended {
            thread: ThreadId(Uuid::new_v4()),
            message: MessageId(Uuid::new_v4()),
        };
        assert_eq!(Event::decode(&e.encode()), Some(e.clone()));
        assert!(e.encode().len() < 8000, "fits a NOTIFY payload");
        let wire = e.encode();
        for bad in [
            "",
            "message_appended",
            "message_appended not-a-uuid also-not",
            "video_offer 1 2",
            &format!("{wire} extra"),
        ] {
            assert_eq!(Event::decode(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_it_missed_events() {
        let bus = LocalBus::new();
        let mut slow = bus.subscribe();
        for _ in 0..CAPACITY + 10 {
            bus.publish(&Event::MessageAppended {
                thread: ThreadId(Uuid::new_v4()),
                message: MessageId(Uuid::new_v4()),
            })
            .await
            .unwrap();
        }
        assert_eq!(slow.recv().await, Some(Delivery::Missed));
    }

    // The shared suite, on two handles of one in-process bus.
    async fn pair() -> (LocalBus, LocalBus, ()) {
        let bus = LocalBus::new();
        (bus.clone(), bus, ())
    }
    crate::event_bus_tests!(pair());
}
