use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::{visible_threads, ReadError, ThreadAccess};
use crate::auth::extract::ClinicalActor;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ThreadsOut {
    pub threads: Vec<ThreadOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadOut {
    pub id: ThreadId,
    pub client_id: ClientId,
    pub client_name: String,
    pub message_count: i64,
    pub last_message_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagesOut {
    pub thread_id: ThreadId,
    pub messages: Vec<MessageOut>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    pub id: MessageId,
    pub sender: SenderOut,
    pub sent_at: DateTime<Utc>,
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct SenderOut {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

impl From<ReadError> for ApiError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Store(e) => e.into(),
            ReadError::Keys(e) => e.into(),
        }
    }
}

/// Threads the caller may read: a client's own, or those of a clinician's caseload.
#[utoipa::path(get, path = "/api/v1/threads", tag = "messaging", security(("bearer" = [])),
    responses(
        (status = 200, body = ThreadsOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn list_threads(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
) -> Result<Json<ThreadsOut>, ApiError> {
    let threads = visible_threads(&state, &who).await?;
    Ok(Json(ThreadsOut {
        threads: threads
            .into_iter()
            .map(|t| ThreadOut {
                id: t.id,
                client_id: t.client_id,
                client_name: t.client_name,
                message_count: t.message_count,
                last_message_at: t.last_message_at,
            })
            .collect(),
    }))
}

/// A thread's messages, oldest first. Reading is recorded in the client's access history.
#[utoipa::path(get, path = "/api/v1/threads/{id}/messages", tag = "messaging", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id (UUID)")),
    responses(
        (status = 200, body = MessagesOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such thread, or not yours"), (status = 429, body = ErrorBody)))]
pub async fn list_messages(
    access: ThreadAccess,
    State(state): State<AppState>,
) -> Result<Json<MessagesOut>, ApiError> {
    let messages = access.read(&state).await?;
    Ok(Json(MessagesOut {
        thread_id: access.thread.id,
        messages: messages
            .into_iter()
            .map(|m| MessageOut {
                id: m.id,
                sender: SenderOut {
                    id: m.sender_id,
                    name: m.sender_name,
                    role: m.sender_role,
                },
                sent_at: m.sent_at,
                body: m.body,
            })
            .collect(),
    }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_threads, list_messages))]
pub struct ApiDoc;
