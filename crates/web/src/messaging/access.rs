use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use alcove_store::{Sealed, StoreError};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};

use super::body_place;
use crate::auth::care::{relation, Relation};
use crate::auth::extract::{ClinicalActor, Denied, Why};
use crate::auth::Identity;
use crate::services::audit_log::By;
use crate::services::KeyringError;
use crate::state::AppState;

/// Proof that the caller may read this thread: the client themself, or a clinician on the
/// client's care team. Anyone else gets "not found", so a thread's existence is not revealed.
pub struct ThreadAccess {
    pub actor: Identity,
    pub thread: ThreadRef,
}

/// Which thread, and whose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadRef {
    pub id: ThreadId,
    pub client_id: ClientId,
}

#[derive(Clone, Debug)]
pub struct PlainMessage {
    pub id: MessageId,
    pub sender_id: UserId,
    pub sender_name: String,
    pub sender_role: Role,
    pub sent_at: DateTime<Utc>,
    pub body: String,
}

#[derive(Clone, Debug)]
pub struct ThreadSummary {
    pub id: ThreadId,
    pub client_id: ClientId,
    pub client_name: String,
    pub message_count: i64,
    pub last_message_at: Option<DateTime<Utc>>,
    /// Messages of others after the caller's read mark.
    pub unread: i64,
}

impl FromRequestParts<AppState> for ThreadAccess {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        let ClinicalActor(actor) = ClinicalActor::from_request_parts(parts, state).await?;
        let api = crate::auth::session::is_api(parts.uri.path());
        let not_found = || Denied {
            api,
            why: Why::NotFound,
        };
        // The thread is the `{id}` of the path (some routes name more, e.g. a flag).
        let Ok(Path(params)) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
        else {
            return Err(not_found());
        };
        let Some(Ok(id)) = params.get("id").map(|raw| raw.parse::<ThreadId>()) else {
            return Err(not_found());
        };
        Self::check(state, actor, id)
            .await
            .map_err(|why| Denied { api, why })
    }
}

impl ThreadAccess {
    /// The rule itself, for a thread named elsewhere than the path (a WebSocket subscription):
    /// the client themself or a clinician on their care team; anyone else `NotFound`.
    pub async fn check(state: &AppState, actor: Identity, id: ThreadId) -> Result<Self, Why> {
        // A thread's client never changes; whether the caller may open it is decided afresh
        // (from what is current as of this request's change stamp).
        let thread = match state
            .recent
            .thread_client(state.store.as_ref(), actor.stamp, id)
            .await
        {
            Ok(client_id) => ThreadRef { id, client_id },
            Err(StoreError::NotFound) => return Err(Why::NotFound),
            Err(e) => {
                tracing::error!(error = %e, "thread lookup failed");
                return Err(Why::Internal);
            }
        };
        match relation(state, &actor, thread.client_id).await {
            Ok(Relation::Themself | Relation::CareTeam(_)) => Ok(Self { actor, thread }),
            Ok(_) => Err(Why::NotFound),
            Err(e) => {
                tracing::error!(error = %e, "care relation lookup failed");
                Err(Why::Internal)
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
}

impl ThreadAccess {
    /// The thread's messages, oldest first. The read is logged before anything is decrypted,
    /// so it shows in the client's access history; the reader's read mark moves to the end.
    pub async fn read(&self, state: &AppState) -> Result<Vec<PlainMessage>, ReadError> {
        self.read_after(state, None).await
    }

    /// Like [`ThreadAccess::read`], only the messages after `after` (all when `None`);
    /// `NotFound` when `after` is not a message of this thread.
    pub async fn read_after(
        &self,
        state: &AppState,
        after: Option<MessageId>,
    ) -> Result<Vec<PlainMessage>, ReadError> {
        let by = By::User(self.actor.user_id, self.actor.role);
        state
            .audit
            .record(
                by,
                "thread.view",
                Some(self.thread.client_id),
                &format!("thread:{}", self.thread.id),
            )
            .await?;
        let mut records = state.store.messages(self.thread.id).await?;
        if let Some(after) = after {
            let at = records
                .iter()
                .position(|m| m.id == after)
                .ok_or(StoreError::NotFound)?;
            records.drain(..=at);
        }
        let items: Vec<(String, &Sealed)> = records
            .iter()
            .map(|m| (m.id.to_string(), &m.body))
            .collect();
        let place = body_place("");
        let bodies = state
            .keys
            .open_all(self.thread.client_id, place.table, place.column, &items)
            .await?;
        // Opening a thread reads it: the mark moves to its last message (never back).
        if let Some(last) = records.last() {
            if let Err(e) = state
                .store
                .mark_read(
                    self.actor.user_id,
                    self.thread.id,
                    last.id,
                    state.clock.now(),
                )
                .await
            {
                tracing::warn!(error = %e, "could not move a read mark");
            }
            // Read: the next message waiting for this reader is news worth an email again.
            state.waiting_told.forget(&self.actor.user_id);
        }
        Ok(records
            .into_iter()
            .zip(bodies)
            .map(|(m, b)| PlainMessage {
                id: m.id,
                sender_id: m.sender_id,
                sender_name: m.sender_name,
                sender_role: m.sender_role,
                sent_at: m.sent_at,
                body: String::from_utf8_lossy(&b).into_owned(),
            })
            .collect())
    }
}

/// The clients whose threads the caller may open: their own record, or a clinician's caseload.
async fn thread_clients(
    state: &AppState,
    who: &Identity,
) -> Result<Vec<alcove_store::ClientRecord>, StoreError> {
    Ok(match who.role {
        Role::Client => state
            .store
            .client_by_user(who.user_id)
            .await?
            .into_iter()
            .collect(),
        Role::Clinician => state.store.caseload(who.user_id).await?,
        _ => Vec::new(),
    })
}

/// How many messages wait unread for the caller, across every thread they may open. A number
/// only (no names), so it is not a look at any one record.
pub async fn unread_total(state: &AppState, who: &Identity) -> Result<i64, StoreError> {
    let mut total = 0;
    for c in thread_clients(state, who).await? {
        for t in state.store.threads_of_client(c.id).await? {
            total += state.store.unread_count(who.user_id, t.id).await?;
        }
    }
    Ok(total)
}

/// The threads a client or clinician may open (no message content).
pub async fn visible_threads(
    state: &AppState,
    who: &Identity,
) -> Result<Vec<ThreadSummary>, StoreError> {
    let clients = thread_clients(state, who).await?;
    let mut out = Vec::new();
    for c in clients {
        // A clinician's list names each client: that is a look at the client's record.
        if who.role == Role::Clinician {
            let by = crate::services::audit_log::By::User(who.user_id, who.role);
            state
                .audit
                .record(by, "caseload.view", Some(c.id), "threads")
                .await?;
        }
        for t in state.store.threads_of_client(c.id).await? {
            out.push(ThreadSummary {
                id: t.id,
                client_id: c.id,
                client_name: c.name.clone(),
                message_count: t.message_count,
                last_message_at: t.last_message_at,
                unread: state.store.unread_count(who.user_id, t.id).await?,
            });
        }
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.last_message_at));
    Ok(out)
}
