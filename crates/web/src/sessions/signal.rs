//! WebRTC signalling for a session's video (issue 6), on the app's own WebSocket `/ws`
//! (signed-in cookie, Origin checked: `crate::messaging::live`). Browsers connect to each
//! other directly (a mesh, up to six); media never passes through Alcove. The server only
//! passes session descriptions and ICE candidates between the pages of one session, and only
//! for people the room lets in ([`SessionAccess::check`] then [`SessionAccess::may_enter`]:
//! the clinician and the clients they admitted, while the session is open), checked again on
//! every signal they send.
//!
//! | from   | `type`   | fields                          | meaning |
//! | ------ | -------- | ------------------------------- | ------- |
//! | page   | `join`   | `session`                       | join the session's video (a page is in one session at a time) |
//! | page   | `signal` | `session`, `to`, `data`         | pass `data` (`{"description":…}` or `{"candidate":…}`) to peer `to` |
//! | page   | `leave`  | `session`                       | leave the session's video |
//! | page   | `watch`  | `session`                       | hear when the session changes (waiting room, clinician's view) |
//! | server | `joined` | `session`, `peer`               | you are in, as peer `peer` (a new id on every join) |
//! | server | `peers`  | `session`, `peers`: [{`id`,`user`,`name`,`role`,`call`}] | these peers are in the session; `call: true`: it was there before you (the pages decide who offers by peer id order, so a pair never both offers) |
//! | server | `signal` | `session`, `from`, `data`       | signalling from peer `from` |
//! | server | `left`   | `session`, `peer`, `dropped`    | that peer left; `dropped`: it lost its connection (no goodbye) |
//! | server | `ended`  | `session`, `code`               | you are out: `session_ended`, `not_admitted`, … |
//! | server | `watching` | `session`                     | you will hear of changes to the session |
//! | server | `changed`  | `session`                     | the session changed: re-read `/sessions/{id}/status` |
//! | server | `error`  | `code`, `message`               | a frame was refused |
//!
//! Across instances (several `alcove serve` on one PostgreSQL) nothing is kept in memory that
//! another instance would need: a join is announced on the event bus, every peer already in
//! the session answers it (so the newcomer learns who is there), and signals travel as events
//! addressed to one peer. Each socket keeps only the peers it has heard of, and passes on
//! signals only from them and only to them.

use std::collections::HashMap;
use std::time::Duration;

use alcove_domain::{AppointmentId, PeerId, Role, UserId};
use alcove_store::Event;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;
use uuid::Uuid;

use super::SessionAccess;
use crate::auth::extract::Why;
use crate::auth::Identity;
use crate::services::audit_log::By;
use crate::state::AppState;

/// The frame types this module reads; the socket hands these here.
pub const TYPES: &[&str] = &["join", "signal", "leave", "watch"];
/// Largest `data` of one signal, as JSON text (a session description with every codec is
/// about 10 kB).
pub const MAX_SIGNAL: usize = 48 * 1024;
/// Signals one page may send in [`WINDOW`]: an offer, an answer and a few dozen candidates
/// per peer, five peers, renegotiations: far more than a browser needs, far fewer than a flood.
const SIGNALS_PER_WINDOW: u32 = 400;
const WINDOW: Duration = Duration::from_secs(10);

#[derive(Deserialize, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Incoming {
    Join {
        session: String,
    },
    Leave {
        session: String,
    },
    Signal {
        session: String,
        to: String,
        data: Value,
    },
    /// Watching needs only a seat in the session (its clinician or one of its clients), not
    /// admission: a waiting client watches for their admission. The change carries no detail;
    /// the page re-reads the status through the usual checks.
    Watch {
        session: String,
    },
}

#[derive(Serialize, Debug, PartialEq)]
pub struct PeerInfo {
    pub id: PeerId,
    pub user: UserId,
    pub name: String,
    pub role: Role,
    /// Whether this peer was there before the receiving page (true) or has just arrived.
    /// Who offers is the pages' rule (the smaller peer id), not this flag: two pages joining
    /// at the same moment each hear of the other both ways.
    pub call: bool,
}

#[derive(Serialize, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing {
    Joined {
        session: AppointmentId,
        peer: PeerId,
    },
    Peers {
        session: AppointmentId,
        peers: Vec<PeerInfo>,
    },
    Signal {
        session: AppointmentId,
        from: PeerId,
        data: Value,
    },
    Left {
        session: AppointmentId,
        peer: PeerId,
        dropped: bool,
    },
    Ended {
        session: AppointmentId,
        code: &'static str,
    },
    Watching {
        session: AppointmentId,
    },
    Changed {
        session: AppointmentId,
    },
    Error {
        code: &'static str,
        message: &'static str,
    },
}

fn error(code: &'static str, message: &'static str) -> Outgoing {
    Outgoing::Error { code, message }
}

/// Reads a frame of one of [`TYPES`]; a malformed one is an error frame, never a panic.
pub fn parse(frame: Value) -> Result<Incoming, Outgoing> {
    let incoming: Incoming = serde_json::from_value(frame).map_err(|_| {
        error(
            "bad_request",
            "Send {\"type\":\"join\",\"session\":\"<id>\"}, leave, or signal with to and data.",
        )
    })?;
    if let Incoming::Signal { data, .. } = &incoming {
        let ok = data.as_object().is_some_and(|o| {
            o.len() == 1 && (o.contains_key("description") || o.contains_key("candidate"))
        });
        if !ok {
            return Err(error(
                "bad_request",
                "A signal's data is {\"description\":…} or {\"candidate\":…}.",
            ));
        }
        if data.to_string().len() > MAX_SIGNAL {
            return Err(error("too_large", "That signal is too large."));
        }
    }
    Ok(incoming)
}

/// Why a page may not be in a session's video now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    /// Not this session's clinician nor one of its clients (or no such session).
    NotFound,
    /// A client the clinician has not admitted from the waiting room.
    NotAdmitted,
    /// Cancelled or moved to another time.
    NotBooked,
    /// Ended by the clinician, or its time (and grace) is over.
    Ended,
}

fn refusal(r: Refusal) -> Outgoing {
    match r {
        Refusal::NotFound => error("not_found", "No such session."),
        Refusal::NotAdmitted => error("not_admitted", "The clinician has not admitted you yet."),
        Refusal::NotBooked => error("not_booked", "This appointment was cancelled or moved."),
        Refusal::Ended => error("session_ended", "This session has ended."),
    }
}

/// Whether `who` may be in `session`'s video now: the room's own rule
/// ([`SessionAccess::may_enter`]), with the reason when not.
async fn check(
    state: &AppState,
    session: AppointmentId,
    who: &Identity,
) -> Result<SessionAccess, Outgoing> {
    let access = match SessionAccess::check(state, who.clone(), session).await {
        Ok(a) => a,
        Err(Why::Internal) => return Err(error("internal", "Please try again.")),
        Err(_) => return Err(refusal(Refusal::NotFound)),
    };
    if access.may_enter(state.clock.now()) {
        return Ok(access);
    }
    let why = if !access.appointment.is_booked() {
        Refusal::NotBooked
    } else if !access.open(state.clock.now()) {
        Refusal::Ended
    } else {
        Refusal::NotAdmitted
    };
    Err(refusal(why))
}

/// At most `LIMIT` frames of a kind per [`WINDOW`] on one socket (a page needs far fewer; a
/// script repeating itself is refused with `too_many`).
#[derive(Default)]
pub struct FrameBudget<const LIMIT: u32> {
    window_start: Option<Instant>,
    spent: u32,
}

impl<const LIMIT: u32> FrameBudget<LIMIT> {
    pub fn spend(&mut self) -> bool {
        let now = Instant::now();
        match self.window_start {
            Some(t) if now.duration_since(t) < WINDOW => {}
            _ => {
                self.window_start = Some(now);
                self.spent = 0;
            }
        }
        self.spent += 1;
        self.spent <= LIMIT
    }
}

/// One socket's part in a session's video.
struct InSession {
    session: AppointmentId,
    peer: PeerId,
    /// The peers this page has been told of, by the user they are signed in as.
    known: HashMap<PeerId, UserId>,
}

/// The video side of one `/ws` socket.
#[derive(Default)]
pub struct Video {
    current: Option<InSession>,
    /// The session whose changes this page hears of (one at a time).
    watched: Option<AppointmentId>,
    signals: FrameBudget<SIGNALS_PER_WINDOW>,
}

impl Video {
    /// A page's frame of one of [`TYPES`].
    pub async fn on_frame(
        &mut self,
        state: &AppState,
        who: &Identity,
        frame: Value,
    ) -> Vec<Outgoing> {
        let incoming = match parse(frame) {
            Ok(i) => i,
            Err(e) => return vec![e],
        };
        match incoming {
            Incoming::Join { session } => self.join(state, who, &session).await,
            Incoming::Leave { session } => match self.current_of(&session) {
                Some(s) => {
                    let (session, peer) = (s.session, s.peer);
                    self.leave(state, false).await;
                    vec![Outgoing::Left {
                        session,
                        peer,
                        dropped: false,
                    }]
                }
                None => vec![error("not_joined", "Not in that session.")],
            },
            Incoming::Signal {
                session, to, data, ..
            } => self.signal(state, who, &session, &to, data).await,
            Incoming::Watch { session } => self.watch(state, who, &session).await,
        }
    }

    async fn watch(&mut self, state: &AppState, who: &Identity, session: &str) -> Vec<Outgoing> {
        let Ok(id) = session.parse::<AppointmentId>() else {
            return vec![refusal(Refusal::NotFound)];
        };
        match SessionAccess::check(state, who.clone(), id).await {
            Ok(_) => {
                self.watched = Some(id);
                vec![Outgoing::Watching { session: id }]
            }
            Err(Why::Internal) => vec![error("internal", "Please try again.")],
            Err(_) => vec![refusal(Refusal::NotFound)],
        }
    }

    fn current_of(&self, session: &str) -> Option<&InSession> {
        let id = session.parse::<AppointmentId>().ok()?;
        self.current.as_ref().filter(|s| s.session == id)
    }

    async fn join(&mut self, state: &AppState, who: &Identity, session: &str) -> Vec<Outgoing> {
        let Ok(id) = session.parse::<AppointmentId>() else {
            return vec![refusal(Refusal::NotFound)];
        };
        let access = match check(state, id, who).await {
            Ok(a) => a,
            Err(e) => return vec![e],
        };
        // Joining a session's video is contact with each client in it: it shows in their
        // access history (a client joining shows in their own).
        let clients = match access.client() {
            Some(c) => vec![c.id],
            None => access.appointment.clients.clone(),
        };
        for c in clients {
            if let Err(e) = state
                .audit
                .record(
                    By::User(who.user_id, who.role),
                    "session.video_join",
                    Some(c),
                    &format!("appointment:{id}"),
                )
                .await
            {
                tracing::error!(error = %e, "could not audit a video join");
                return vec![error("internal", "Please try again.")];
            }
        }
        // A page is in one session at a time: joining again (reconnecting) leaves first.
        self.leave(state, false).await;
        let peer = PeerId(Uuid::new_v4());
        self.current = Some(InSession {
            session: id,
            peer,
            known: HashMap::new(),
        });
        if let Err(e) = state
            .events
            .publish(&Event::VideoJoined {
                session: id,
                peer,
                user: who.user_id,
            })
            .await
        {
            tracing::error!(error = %e, "could not announce a video join");
            self.current = None;
            return vec![error("internal", "Please try again.")];
        }
        vec![Outgoing::Joined { session: id, peer }]
    }

    async fn signal(
        &mut self,
        state: &AppState,
        who: &Identity,
        session: &str,
        to: &str,
        data: Value,
    ) -> Vec<Outgoing> {
        let Some(s) = self.current_of(session) else {
            return vec![error("not_joined", "Join the session first.")];
        };
        let (id, from) = (s.session, s.peer);
        let Some(to) = to
            .parse::<PeerId>()
            .ok()
            .filter(|p| s.known.contains_key(p))
        else {
            return vec![error("not_found", "No such peer in this session.")];
        };
        if !self.signals.spend() {
            return vec![error("too_many", "Too many signals; slow down.")];
        }
        // Admission can be withdrawn and the session ended at any moment: check every time.
        if let Err(e) = check(state, id, who).await {
            let out = self.ended_by(state, &e).await;
            return vec![e].into_iter().chain(out).collect();
        }
        let event = Event::VideoSignal {
            session: id,
            from,
            to,
            data: data.to_string(),
        };
        if let Err(e) = state.events.publish(&event).await {
            tracing::error!(error = %e, "could not pass a signal on");
            return vec![error("internal", "Please try again.")];
        }
        vec![]
    }

    /// After a refusal of someone who was in: they are out, and the others hear they left.
    async fn ended_by(&mut self, state: &AppState, e: &Outgoing) -> Option<Outgoing> {
        let session = self.current.as_ref()?.session;
        let code = match e {
            Outgoing::Error { code, .. } if *code != "internal" => *code,
            _ => return None,
        };
        self.leave(state, false).await;
        Some(Outgoing::Ended { session, code })
    }

    /// Leaves the current session, if any, telling the others; `dropped` when the socket
    /// closed without the page saying goodbye.
    pub async fn leave(&mut self, state: &AppState, dropped: bool) {
        if let Some(s) = self.current.take() {
            let left = Event::VideoLeft {
                session: s.session,
                peer: s.peer,
                dropped,
            };
            if let Err(e) = state.events.publish(&left).await {
                tracing::warn!(error = %e, "could not announce a video leave");
            }
        }
    }

    /// Every so often (the socket's session check): is this page still allowed in?
    pub async fn recheck(&mut self, state: &AppState, who: &Identity) -> Option<Outgoing> {
        let id = self.current.as_ref().map(|s| s.session)?;
        match check(state, id, who).await {
            Ok(_) => None,
            Err(e) => self.ended_by(state, &e).await,
        }
    }

    /// What this page hears of an event on the bus: only its own session's, from peers it
    /// knows, addressed to it.
    pub async fn on_event(
        &mut self,
        state: &AppState,
        who: &Identity,
        e: &Event,
    ) -> Option<Outgoing> {
        if let Event::SessionChanged { session } = e {
            return (self.watched == Some(*session))
                .then_some(Outgoing::Changed { session: *session });
        }
        let s = self.current.as_mut()?;
        match e {
            Event::VideoJoined {
                session,
                peer,
                user,
            } if *session == s.session && *peer != s.peer => {
                let (me, id) = (s.peer, s.session);
                s.known.insert(*peer, *user);
                let info = peer_info(state, *peer, *user, false).await?;
                // Tell the newcomer this page is here (it will call).
                let present = Event::VideoPresent {
                    session: id,
                    peer: me,
                    user: who.user_id,
                    to: *peer,
                };
                if let Err(err) = state.events.publish(&present).await {
                    tracing::warn!(error = %err, "could not answer a video join");
                }
                Some(Outgoing::Peers {
                    session: id,
                    peers: vec![info],
                })
            }
            Event::VideoPresent {
                session,
                peer,
                user,
                to,
            } if *session == s.session && *to == s.peer => {
                let id = s.session;
                s.known.insert(*peer, *user);
                let info = peer_info(state, *peer, *user, true).await?;
                Some(Outgoing::Peers {
                    session: id,
                    peers: vec![info],
                })
            }
            Event::VideoLeft {
                session,
                peer,
                dropped,
            } if *session == s.session => s.known.remove(peer).map(|_| Outgoing::Left {
                session: *session,
                peer: *peer,
                dropped: *dropped,
            }),
            Event::VideoSignal {
                session,
                from,
                to,
                data,
            } if *session == s.session && *to == s.peer && s.known.contains_key(from) => {
                let data = serde_json::from_str(data).ok()?;
                Some(Outgoing::Signal {
                    session: *session,
                    from: *from,
                    data,
                })
            }
            _ => None,
        }
    }
}

/// How a peer is shown on a tile: the name the practice knows them by, and their role.
async fn peer_info(state: &AppState, id: PeerId, user: UserId, call: bool) -> Option<PeerInfo> {
    match state.store.user_by_id(user).await {
        Ok(u) => Some(PeerInfo {
            id,
            user,
            name: u.name,
            role: u.role,
            call,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "could not name a video peer");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_parse_and_bad_ones_get_an_error_frame() {
        let nil = "00000000-0000-0000-0000-000000000000";
        assert_eq!(
            parse(json!({"type": "join", "session": nil})),
            Ok(Incoming::Join {
                session: nil.into()
            })
        );
        let offer = json!({"description": {"type": "offer", "sdp": "v=0\r\n"}});
        assert!(matches!(
            parse(json!({"type": "signal", "session": nil, "to": nil, "data": offer})),
            Ok(Incoming::Signal { .. })
        ));
        for bad in [
            json!({"type": "join"}),
            json!({"type": "join", "session": 5}),
            json!({"type": "join", "session": nil, "extra": true}),
            json!({"type": "signal", "session": nil, "to": nil}),
            json!({"type": "signal", "session": nil, "to": nil, "data": "x"}),
            json!({"type": "signal", "session": nil, "to": nil, "data": {}}),
            json!({"type": "signal", "session": nil, "to": nil, "data": {"sdp": "x"}}),
            json!({"type": "signal", "session": nil, "to": nil,
                   "data": {"candidate": {}, "description": {}}}),
            json!({"type": "signal", "session": nil, "to": nil,
                   "data": {"candidate": "x".repeat(MAX_SIGNAL)}}),
            json!({"type": "dance"}),
            json!([]),
            json!(null),
        ] {
            match parse(bad.clone()) {
                Err(Outgoing::Error { code, .. }) => {
                    assert!(code == "bad_request" || code == "too_large", "{bad}")
                }
                other => panic!("{bad} was {other:?}"),
            }
        }
    }

    #[test]
    fn server_frames_are_json_objects_with_a_type() {
        let id = AppointmentId(Uuid::nil());
        let peer = PeerId(Uuid::nil());
        let nil = "00000000-0000-0000-0000-000000000000";
        assert_eq!(
            serde_json::to_value(Outgoing::Joined { session: id, peer }).unwrap(),
            json!({"type": "joined", "session": nil, "peer": nil})
        );
        assert_eq!(
            serde_json::to_value(Outgoing::Peers {
                session: id,
                peers: vec![PeerInfo {
                    id: peer,
                    user: UserId(Uuid::nil()),
                    name: "Dana Whitfield".into(),
                    role: Role::Clinician,
                    call: true
                }]
            })
            .unwrap(),
            json!({"type": "peers", "session": nil, "peers": [
                {"id": nil, "user": nil, "name": "Dana Whitfield", "role": "clinician", "call": true}
            ]})
        );
        assert_eq!(
            serde_json::to_value(Outgoing::Ended {
                session: id,
                code: "session_ended"
            })
            .unwrap(),
            json!({"type": "ended", "session": nil, "code": "session_ended"})
        );
    }

    proptest::proptest! {
        /// Whatever a page sends, the decoder answers with a frame or an error, never a panic.
        #[test]
        fn the_decoder_never_panics(text in ".{0,300}", t in proptest::sample::select(vec!["join", "leave", "signal", "x"])) {
            let _ = serde_json::from_str::<Value>(&text).map(parse);
            let _ = parse(json!({"type": t, "session": text.clone(), "to": text.clone(), "data": {"candidate": text}}));
        }
    }
}
