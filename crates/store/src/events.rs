//! Live events: "something changed that an open page may want to show" (DESIGN.md, "Storage":
//! several instances behave as one service, so events fan out across them).
//!
//! An [`Event`] carries ids only, never clinical content: it may cross PostgreSQL `NOTIFY`,
//! which any session on the database can `LISTEN` to, and it reaches browsers. Whoever
//! receives one re-reads what it names through the usual access checks (and audit). The one
//! payload that is not an id is WebRTC signalling ([`Event::VideoSignal`]): a session
//! description or an ICE candidate, technical data that browsers exchange to connect
//! (codecs, network addresses, key fingerprints), never anything said in the session. It is
//! larger than `NOTIFY` allows (8,000 bytes), so a backend with such a limit splits it with
//! [`split_wire`] and puts it together again with [`Reassembly`].
//!
//! [`LocalBus`] is the in-process bus (one `alcove serve`, e.g. on SQLite); the PostgreSQL
//! backend has a bus of its own on `LISTEN/NOTIFY` that delivers through a `LocalBus`.
//! Delivery is at most once and best effort: a subscriber that falls behind, or an instance
//! whose database connection dropped for a moment, gets [`Delivery::Missed`] and re-reads.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use alcove_domain::{AppointmentId, MessageId, PeerId, ThreadId, UserId};
use async_trait::async_trait;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::Result;

/// Something that happened. New kinds (waiting-room changes, video signalling) are new variants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A message was stored (committed) in a thread.
    MessageAppended {
        thread: ThreadId,
        message: MessageId,
    },
    /// A page joined a session's video as `peer` (signed in as `user`): everyone already
    /// there answers with [`Event::VideoPresent`].
    VideoJoined {
        session: AppointmentId,
        peer: PeerId,
        user: UserId,
    },
    /// `peer` (signed in as `user`) is in the session: the answer to `to`'s join.
    VideoPresent {
        session: AppointmentId,
        peer: PeerId,
        user: UserId,
        to: PeerId,
    },
    /// `peer` left the session's video: `dropped` when its socket closed without a goodbye
    /// (a lost connection, for which the others show the agreed fallback).
    VideoLeft {
        session: AppointmentId,
        peer: PeerId,
        dropped: bool,
    },
    /// WebRTC signalling from one peer to another: `data` is the JSON the browser sent (a
    /// session description or an ICE candidate). Not clinical content; see the module notes.
    VideoSignal {
        session: AppointmentId,
        from: PeerId,
        to: PeerId,
        data: String,
    },
    /// Something a session's pages show changed: a check-in, an admission, the end. Pages
    /// watching the session (the waiting room, the clinician's view) re-read its status.
    SessionChanged { session: AppointmentId },
}

impl Event {
    /// The wire form: a kind word and ids separated by spaces, e.g.
    /// `message_appended <thread uuid> <message uuid>`; a signal ends with its JSON, which may
    /// hold spaces and may be longer than NOTIFY's 8,000 bytes (see [`split_wire`]).
    pub fn encode(&self) -> String {
        match self {
            Event::MessageAppended { thread, message } => {
                format!("message_appended {thread} {message}")
            }
            Event::VideoJoined {
                session,
                peer,
                user,
            } => format!("video_joined {session} {peer} {user}"),
            Event::VideoPresent {
                session,
                peer,
                user,
                to,
            } => format!("video_present {session} {peer} {user} {to}"),
            Event::VideoLeft {
                session,
                peer,
                dropped,
            } => {
                let how = if *dropped { "dropped" } else { "left" };
                format!("video_left {session} {peer} {how}")
            }
            Event::VideoSignal {
                session,
                from,
                to,
                data,
            } => format!("video_signal {session} {from} {to} {data}"),
            Event::SessionChanged { session } => format!("session_changed {session}"),
        }
    }

    /// Reads [`Event::encode`]'s form; `None` for anything else (a newer instance's new kind).
    pub fn decode(s: &str) -> Option<Event> {
        if let Some(rest) = s.strip_prefix("video_signal ") {
            let mut parts = rest.splitn(4, ' ');
            return Some(Event::VideoSignal {
                session: parts.next()?.parse().ok()?,
                from: parts.next()?.parse().ok()?,
                to: parts.next()?.parse().ok()?,
                data: parts.next().filter(|d| !d.is_empty())?.to_owned(),
            });
        }
        let mut parts = s.split(' ');
        let event = match parts.next()? {
            "message_appended" => Event::MessageAppended {
                thread: parts.next()?.parse().ok()?,
                message: parts.next()?.parse().ok()?,
            },
            "video_joined" => Event::VideoJoined {
                session: parts.next()?.parse().ok()?,
                peer: parts.next()?.parse().ok()?,
                user: parts.next()?.parse().ok()?,
            },
            "video_present" => Event::VideoPresent {
                session: parts.next()?.parse().ok()?,
                peer: parts.next()?.parse().ok()?,
                user: parts.next()?.parse().ok()?,
                to: parts.next()?.parse().ok()?,
            },
            "video_left" => Event::VideoLeft {
                session: parts.next()?.parse().ok()?,
                peer: parts.next()?.parse().ok()?,
                dropped: match parts.next()? {
                    "dropped" => true,
                    "left" => false,
                    _ => return None,
                },
            },
            "session_changed" => Event::SessionChanged {
                session: parts.next()?.parse().ok()?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(event)
    }
}

/// Splits an encoded event into pieces of at most `max` bytes each for a transport with a
/// size limit (PostgreSQL `NOTIFY`: under 8,000 bytes). A wire form that fits is returned
/// as it is; a longer one becomes `chunk <uuid> <i> <n> <piece>` parts, `i` from 0, which
/// [`Reassembly`] puts together again. `max` must leave room for the 50-byte part header.
pub fn split_wire(wire: String, max: usize) -> Vec<String> {
    if wire.len() <= max {
        return vec![wire];
    }
    let room = max.saturating_sub(CHUNK_HEADER).max(4);
    let mut pieces = Vec::new();
    let mut rest = wire.as_str();
    while !rest.is_empty() {
        // Cut on a character boundary: NOTIFY payloads are text.
        let mut cut = room.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    let id = Uuid::new_v4();
    let n = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| format!("chunk {id} {i} {n} {p}"))
        .collect()
}

/// `chunk ` + uuid + two counts and spaces, with room to spare.
const CHUNK_HEADER: usize = 64;
/// Parts that wait longer than this for the rest are dropped (the sender's browser retries).
const CHUNK_TTL: Duration = Duration::from_secs(30);
/// Events being put together at once, at most; beyond it the oldest is dropped.
const CHUNK_PENDING: usize = 256;
/// Parts one event may have: 64 parts of ~8 kB is more than any signal needs.
const CHUNK_MAX_PARTS: usize = 64;

/// Puts [`split_wire`]'s parts back together, in whatever order they arrive, and passes
/// whole wire forms through untouched.
#[derive(Default)]
pub struct Reassembly {
    pending: HashMap<Uuid, Pending>,
}

struct Pending {
    since: Instant,
    parts: Vec<Option<String>>,
}

impl Reassembly {
    /// The whole wire form once `payload` completes one (or is one); `None` while parts are
    /// missing or when a part is malformed.
    pub fn accept(&mut self, payload: &str, now: Instant) -> Option<String> {
        let Some(rest) = payload.strip_prefix("chunk ") else {
            return Some(payload.to_owned());
        };
        let mut f = rest.splitn(4, ' ');
        let id: Uuid = f.next()?.parse().ok()?;
        let i: usize = f.next()?.parse().ok()?;
        let n: usize = f.next()?.parse().ok()?;
        let piece = f.next()?;
        if n == 0 || n > CHUNK_MAX_PARTS || i >= n {
            return None;
        }
        self.pending
            .retain(|_, p| now.duration_since(p.since) < CHUNK_TTL);
        if !self.pending.contains_key(&id) && self.pending.len() >= CHUNK_PENDING {
            let oldest = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.since)
                .map(|(k, _)| *k)?;
            self.pending.remove(&oldest);
        }
        let p = self.pending.entry(id).or_insert_with(|| Pending {
            since: now,
            parts: vec![None; n],
        });
        if p.parts.len() != n {
            return None;
        }
        p.parts[i] = Some(piece.to_owned());
        if p.parts.iter().all(Option::is_some) {
            let p = self.pending.remove(&id)?;
            return Some(p.parts.into_iter().flatten().collect());
        }
        None
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
                a_large_signal_arrives_whole_on_every_instance,
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

    /// A signal as big as a browser's session description with every codec, and then some.
    fn big_signal() -> Event {
        let sdp =
            "a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host generation 0 ufrag x\\r\\n"
                .repeat(300);
        Event::VideoSignal {
            session: alcove_domain::AppointmentId(Uuid::new_v4()),
            from: alcove_domain::PeerId(Uuid::new_v4()),
            to: alcove_domain::PeerId(Uuid::new_v4()),
            data: format!("{{\"sdp\":{{\"type\":\"offer\",\"sdp\":\"{sdp}é\"}}}}"),
        }
    }

    /// A signal larger than PostgreSQL's NOTIFY allows arrives whole, in order with the rest.
    pub async fn a_large_signal_arrives_whole_on_every_instance(
        a: &dyn EventBus,
        b: &dyn EventBus,
    ) {
        let mut on_b = b.subscribe();
        let big = big_signal();
        assert!(big.encode().len() > 20_000);
        let small = appended();
        a.publish(&big).await.expect("publish");
        a.publish(&small).await.expect("publish");
        assert_eq!(next(&mut on_b, "b").await, Delivery::Event(big));
        assert_eq!(next(&mut on_b, "b").await, Delivery::Event(small));
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

    #[test]
    fn video_events_round_trip_and_a_signal_keeps_its_spaces() {
        let (s, p, q) = (
            AppointmentId(Uuid::new_v4()),
            PeerId(Uuid::new_v4()),
            PeerId(Uuid::new_v4()),
        );
        let u = UserId(Uuid::new_v4());
        for e in [
            Event::VideoJoined {
                session: s,
                peer: p,
                user: u,
            },
            Event::VideoPresent {
                session: s,
                peer: p,
                user: u,
                to: q,
            },
            Event::VideoLeft {
                session: s,
                peer: p,
                dropped: true,
            },
            Event::VideoLeft {
                session: s,
                peer: p,
                dropped: false,
            },
            Event::VideoSignal {
                session: s,
                from: p,
                to: q,
                data: r#"{"candidate": {"candidate": "a b c", "sdpMid": "0"}}"#.into(),
            },
            Event::SessionChanged { session: s },
        ] {
            assert_eq!(Event::decode(&e.encode()), Some(e.clone()), "{e:?}");
        }
        for bad in [
            format!("video_signal {s} {p} {q}"),
            format!("video_signal {s} {p} {q} "),
            format!("video_signal {s} {p} nope {{}}"),
            format!("video_left {s} {p}"),
            format!("video_left {s} {p} maybe"),
            format!("video_joined {s} {p} {u} extra"),
            format!("session_changed {s} {p}"),
            "session_changed nope".to_owned(),
        ] {
            assert_eq!(Event::decode(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_long_wire_form_is_split_under_the_limit_and_put_back_together_in_any_order() {
        let now = Instant::now();
        let wire = format!("video_signal {}", "ü-x ".repeat(9000));
        let mut parts = split_wire(wire.clone(), 7900);
        assert!(parts.len() > 4);
        assert!(parts.iter().all(|p| p.len() <= 7900), "every part fits");
        parts.reverse();
        let mut r = Reassembly::default();
        let last = parts.pop().unwrap();
        for p in &parts {
            assert_eq!(r.accept(p, now), None, "not whole yet");
        }
        assert_eq!(r.accept(&last, now), Some(wire));
        // Short forms pass through; junk parts are dropped, never a panic.
        assert_eq!(split_wire("short".into(), 7900), vec!["short".to_string()]);
        assert_eq!(r.accept("short", now), Some("short".into()));
        let id = Uuid::new_v4();
        for junk in [
            "chunk ".to_string(),
            "chunk x 0 1 a".into(),
            format!("chunk {id} 1 1 a"),
            format!("chunk {id} 0 0 a"),
            format!("chunk {id} 0 100000 a"),
            format!("chunk {id} -1 2 a"),
        ] {
            assert_eq!(r.accept(&junk, now), None, "{junk:?}");
        }
        // A part whose rest never comes is forgotten after a while.
        assert_eq!(r.accept(&format!("chunk {id} 0 2 a"), now), None);
        assert_eq!(
            r.accept(&format!("chunk {id} 1 2 b"), now + CHUNK_TTL * 2),
            None
        );
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
