//! Live updates (issue 7): an open thread page shows a new message without a reload, on any
//! instance of the practice (events cross instances through the store's event bus).
//!
//! The WebSocket `/ws` carries only ids. A page subscribes to its thread; the server checks
//! the same rule the page itself does ([`ThreadAccess`]) and records the watch in the audit
//! log. When a message is stored the page is told its id, and fetches the rendered message
//! from `GET /messages/{id}/new?after=<last message id>` — an ordinary, audited read that
//! also moves the reader's read mark. Without JavaScript the page works as before.
//!
//! Every frame is a JSON object with a `type`. WebRTC signalling for a session's video
//! (`join`, `signal`, `leave` and their answers) shares the socket: see
//! `crate::sessions::signal`. The thread frames:
//!
//! | from   | `type`          | fields                         | meaning |
//! | ------ | --------------- | ------------------------------ | ------- |
//! | page   | `subscribe`     | `thread`, `after`?             | watch a thread; `after` is the last message the page shows |
//! | page   | `unsubscribe`   | `thread`                       | stop watching |
//! | server | `subscribed`    | `thread`                       | the watch is in place |
//! | server | `unsubscribed`  | `thread`                       | the watch ended |
//! | server | `message`       | `thread`, `message`            | a message is in the thread (fetch what follows `after`) |
//! | server | `resync`        |                                | events may have been lost: fetch what is new in every watched thread |
//! | server | `error`         | `code`, `message`              | a frame was refused (`bad_request`, `not_found`, `too_many`, `internal`) |
//!
//! A thread the caller may not open is `not_found`, like the page. The socket closes with
//! code 4401 when the session ends (sign-out, idle or absolute timeout, password change).

use std::collections::HashMap;
use std::time::Duration;

use alcove_domain::{ClientId, MessageId, ThreadId};
use alcove_store::{Delivery, Event};
use askama::Template;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::access::{PlainMessage, ThreadAccess};
use crate::auth::extract::{ClinicalActor, Why};
use crate::auth::session::has_ended;
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::services::Stamp;
use crate::sessions::signal::{self, Video};
use crate::state::AppState;

/// Threads one socket may watch at once (a page watches one).
pub const MAX_WATCHED: usize = 32;
/// Largest frame a page may send: subscribe frames are about 100 bytes, but a video
/// session description is up to `signal::MAX_SIGNAL`.
const MAX_FRAME: usize = 64 * 1024;
/// How often an idle socket re-checks that its session is still alive.
const SESSION_CHECK: Duration = Duration::from_secs(30);
/// Close code when the session has ended (4000–4999 are the application's).
pub const CLOSE_SESSION_ENDED: u16 = 4401;

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Incoming {
    Subscribe {
        thread: String,
        #[serde(default)]
        after: Option<String>,
    },
    Unsubscribe {
        thread: String,
    },
}

#[derive(Serialize, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Outgoing {
    Subscribed {
        thread: ThreadId,
    },
    Unsubscribed {
        thread: ThreadId,
    },
    Message {
        thread: ThreadId,
        message: MessageId,
    },
    Resync,
    Error {
        code: &'static str,
        message: &'static str,
    },
}

fn error(code: &'static str, message: &'static str) -> Outgoing {
    Outgoing::Error { code, message }
}

/// `GET /ws`: a client or clinician, signed in with the page cookie, from this practice's own
/// origin (`security::websocket_origin_allowed`).
pub async fn socket(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !crate::security::websocket_origin_allowed(&state, &headers) {
        return PageError::forbidden().into_response();
    }
    upgrade
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |ws| serve(ws, state, who))
}

async fn serve(ws: WebSocket, state: AppState, who: Identity) {
    let mut video = Video::default();
    run(ws, &state, &who, &mut video).await;
    // However the socket ended, the others in a video session hear this page left: without
    // a goodbye (`leave`), it is a dropped connection.
    video.leave(&state, true).await;
}

async fn run(mut ws: WebSocket, state: &AppState, who: &Identity, video: &mut Video) {
    let state = state.clone();
    let who = who.clone();
    // Subscribe before anything else, so nothing published from now on is missed.
    let mut events = state.events.subscribe();
    let mut watching: HashMap<ThreadId, ClientId> = HashMap::new();
    let mut budget = FrameBudget::default();
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.tick().await; // the first tick is immediate; the session was just checked
    loop {
        tokio::select! {
            frame = ws.recv() => {
                let reply = match frame {
                    Some(Ok(Message::Text(text))) => {
                        on_text(&state, &who, &mut watching, video, &mut budget, text.as_str()).await
                    }
                    Some(Ok(Message::Binary(_))) => {
                        vec![text_of(&error("bad_request", "Frames are JSON text."))]
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => vec![],
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                };
                for r in reply {
                    if ws.send(Message::text(r)).await.is_err() {
                        return;
                    }
                }
            }
            delivery = events.recv() => {
                let Some(delivery) = delivery else {
                    // The bus shut down (the server is stopping): the page will reconnect.
                    let _ = ws.send(Message::Close(Some(CloseFrame {
                        code: 1012,
                        reason: "restarting".into(),
                    }))).await;
                    return;
                };
                if let Delivery::Event(e) = &delivery {
                    if let Some(out) = video.on_event(&state, &who, e).await {
                        // As for messages: a page signed out elsewhere hears nothing more (not
                        // even another peer's addresses), not only at the next session check.
                        if session_ended(&state, &who).await {
                            return close_session_ended(ws).await;
                        }
                        if ws.send(Message::text(text_of(&out))).await.is_err() {
                            return;
                        }
                    }
                }
                if let Some(out) = on_delivery(&state, &who, &mut watching, delivery).await {
                    if session_ended(&state, &who).await {
                        return close_session_ended(ws).await;
                    }
                    if send(&mut ws, &out).await.is_err() {
                        return;
                    }
                }
            }
            _ = check.tick() => {
                if session_ended(&state, &who).await {
                    return close_session_ended(ws).await;
                }
                if let Some(out) = video.recheck(&state, &who).await {
                    if ws.send(Message::text(text_of(&out))).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

async fn send(ws: &mut WebSocket, out: &Outgoing) -> Result<(), axum::Error> {
    ws.send(Message::text(text_of(out))).await
}

fn text_of(out: &impl Serialize) -> String {
    serde_json::to_string(out).unwrap_or_else(|_| "{\"type\":\"resync\"}".into())
}

/// A page's frame: video signalling goes to `signal`, the rest is about threads.
async fn on_text(
    state: &AppState,
    who: &Identity,
    watching: &mut HashMap<ThreadId, ClientId>,
    video: &mut Video,
    budget: &mut FrameBudget,
    text: &str,
) -> Vec<String> {
    let frame: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => return vec![text_of(&error("bad_request", "Frames are JSON objects."))],
    };
    let kind = frame.get("type").and_then(|t| t.as_str()).unwrap_or("");
    // Signals have their own, larger budget (`signal`); every other frame may write an audit
    // event (a watch, a join), so a page gets only what it could need.
    if kind != "signal" && !budget.spend() {
        return vec![text_of(&error("too_many", "Too many requests; slow down."))];
    }
    if signal::TYPES.contains(&kind) {
        let out = video.on_frame(state, who, frame).await;
        return out.iter().map(text_of).collect();
    }
    let out = on_frame(state, who, watching, frame).await;
    out.iter().map(text_of).collect()
}

/// Frames other than signals one socket may send in 10 s.
const FRAMES_PER_WINDOW: u32 = 30;
type FrameBudget = signal::FrameBudget<FRAMES_PER_WINDOW>;

async fn close_session_ended(mut ws: WebSocket) {
    let _ = ws
        .send(Message::Close(Some(CloseFrame {
            code: CLOSE_SESSION_ENDED,
            reason: "signed out".into(),
        })))
        .await;
}

async fn on_frame(
    state: &AppState,
    who: &Identity,
    watching: &mut HashMap<ThreadId, ClientId>,
    frame: serde_json::Value,
) -> Vec<Outgoing> {
    let Ok(frame) = serde_json::from_value::<Incoming>(frame) else {
        return vec![error(
            "bad_request",
            "Send {\"type\":\"subscribe\",\"thread\":\"<id>\"} or unsubscribe (or join, signal, leave).",
        )];
    };
    match frame {
        Incoming::Subscribe { thread, after } => {
            subscribe(state, who, watching, &thread, after).await
        }
        Incoming::Unsubscribe { thread } => match thread.parse::<ThreadId>() {
            Ok(id) if watching.remove(&id).is_some() => vec![Outgoing::Unsubscribed { thread: id }],
            _ => vec![error("not_found", "Not watching that thread.")],
        },
    }
}

async fn subscribe(
    state: &AppState,
    who: &Identity,
    watching: &mut HashMap<ThreadId, ClientId>,
    thread: &str,
    after: Option<String>,
) -> Vec<Outgoing> {
    let not_found = || vec![error("not_found", "No such thread.")];
    let Ok(id) = thread.parse::<ThreadId>() else {
        return not_found();
    };
    if !watching.contains_key(&id) && watching.len() >= MAX_WATCHED {
        return vec![error("too_many", "Too many threads on one connection.")];
    }
    let access = match ThreadAccess::check(state, restamped(state, who).await, id).await {
        Ok(a) => a,
        Err(Why::Internal) => return vec![error("internal", "Please try again.")],
        Err(_) => return not_found(),
    };
    let client = access.thread.client_id;
    // Watching a thread is a look at the client's record: it shows in their access history
    // (once per socket: asking again on the same one is not a new look).
    let again = watching.contains_key(&id);
    if !again {
        if let Err(e) = state
            .audit
            .record(
                By::User(who.user_id, who.role),
                "thread.watch",
                Some(client),
                &format!("thread:{id}"),
            )
            .await
        {
            tracing::error!(error = %e, "could not audit a thread watch");
            return vec![error("internal", "Please try again.")];
        }
    }
    watching.insert(id, client);
    let mut out = vec![Outgoing::Subscribed { thread: id }];
    // A message stored between the page's render and this watch: say so now.
    match state.store.messages(id).await {
        Ok(all) => {
            if let Some(last) = all.last() {
                if after.as_deref() != Some(last.id.to_string().as_str()) {
                    out.push(Outgoing::Message {
                        thread: id,
                        message: last.id,
                    });
                }
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not look for messages missed before a watch");
            out.push(Outgoing::Resync);
        }
    }
    out
}

/// What the page hears of a delivery: only events of threads it watches and may still open.
async fn on_delivery(
    state: &AppState,
    who: &Identity,
    watching: &mut HashMap<ThreadId, ClientId>,
    d: Delivery,
) -> Option<Outgoing> {
    match d {
        Delivery::Missed => (!watching.is_empty()).then_some(Outgoing::Resync),
        Delivery::Event(Event::MessageAppended { thread, message }) => {
            watching.get(&thread)?;
            // The care team may have changed since the watch began.
            match ThreadAccess::check(state, restamped(state, who).await, thread).await {
                Ok(_) => Some(Outgoing::Message { thread, message }),
                Err(Why::Internal) => Some(Outgoing::Resync),
                Err(_) => {
                    watching.remove(&thread);
                    Some(Outgoing::Unsubscribed { thread })
                }
            }
        }
        // Video events are the video side's (`signal::Video::on_event`).
        Delivery::Event(_) => None,
    }
}

/// The socket's identity with the change stamp read now: the stamp read when the socket
/// opened says nothing of changes since, so checks on a long-lived socket must not use it
/// (`services::recent`). Without a stamp, the check reads the database.
async fn restamped(state: &AppState, who: &Identity) -> Identity {
    let mut who = who.clone();
    who.stamp = Stamp::now(state.store.as_ref())
        .await
        .unwrap_or_else(|_| Stamp::none());
    who
}

/// Whether the socket's session has ended (signed out, or `auth::session::has_ended`): the
/// socket lives only as long as the session that opened it. A read that fails is not an
/// ending (the next delivery or check asks again): closing a video call on a passing database
/// error would look like a sign-out, and a signed-out page does not reconnect.
async fn session_ended(state: &AppState, who: &Identity) -> bool {
    let (s, stamp) = match state.store.session_stamped(&who.session.token_hash).await {
        Ok(Some(found)) => found,
        Ok(None) => return true,
        Err(e) => {
            tracing::warn!(error = %e, "a live socket could not check its session");
            return false;
        }
    };
    match state
        .recent
        .user(state.store.as_ref(), Stamp::read(stamp), who.user_id)
        .await
    {
        Ok(u) => has_ended(
            state,
            &s,
            who.role,
            u.password_changed_at,
            state.clock.now(),
        ),
        Err(alcove_store::StoreError::NotFound) => true,
        Err(e) => {
            tracing::warn!(error = %e, "a live socket could not check its session");
            false
        }
    }
}

#[derive(Deserialize)]
pub struct After {
    #[serde(default)]
    after: Option<String>,
}

#[derive(Template)]
#[template(path = "messaging/new.html")]
struct NewMessages {
    c: Chrome,
    /// The thread, for attachment links.
    id: String,
    messages: Vec<PlainMessage>,
    attachments: Vec<super::attachments::AttachmentInfo>,
}

impl NewMessages {
    fn when(&self, m: &PlainMessage) -> String {
        when(&m.sent_at)
    }
    fn attachments_of(&self, m: &PlainMessage) -> Vec<&super::attachments::AttachmentInfo> {
        super::attachments::of_message(&self.attachments, m)
    }
    fn size(&self, a: &super::attachments::AttachmentInfo) -> String {
        super::attachments::size_label(&self.c, a)
    }
}

/// `GET /messages/{id}/new?after=<message id>`: the messages after that one, rendered as on the
/// thread page (list items only). Audited like opening the thread, and marks them read.
pub async fn new_messages(
    access: ThreadAccess,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<After>,
) -> Result<Html<String>, PageError> {
    let after = match q.after.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<MessageId>().map_err(|_| PageError::not_found())?),
    };
    let messages = access.read_after(&state, after).await?;
    let attachments =
        super::attachments::of_thread(&state, access.thread.client_id, access.thread.id).await?;
    render(&NewMessages {
        c,
        id: access.thread.id.to_string(),
        messages,
        attachments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_json_objects_with_a_type() {
        let t = ThreadId(uuid::Uuid::nil());
        let m = MessageId(uuid::Uuid::nil());
        let nil = "00000000-0000-0000-0000-000000000000";
        assert_eq!(
            serde_json::to_string(&Outgoing::Message {
                thread: t,
                message: m
            })
            .unwrap(),
            format!("{{\"type\":\"message\",\"thread\":\"{nil}\",\"message\":\"{nil}\"}}")
        );
        assert_eq!(
            serde_json::to_string(&Outgoing::Resync).unwrap(),
            "{\"type\":\"resync\"}"
        );
        assert!(matches!(
            serde_json::from_str::<Incoming>(&format!(
                "{{\"type\":\"subscribe\",\"thread\":\"{nil}\"}}"
            )),
            Ok(Incoming::Subscribe { after: None, .. })
        ));
        assert!(serde_json::from_str::<Incoming>("{\"type\":\"offer\"}").is_err());
        assert!(serde_json::from_str::<Incoming>("{\"thread\":\"x\"}").is_err());
    }
}
