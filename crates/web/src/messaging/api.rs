use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::{visible_threads, ReadError, ThreadAccess};
use super::send::{send, Notice, SendError};
use crate::api::json::ApiJson;
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
    /// Messages written by others that the caller has not read yet (opening the thread, on
    /// the web or through `GET /api/v1/threads/{id}/messages`, reads them all).
    pub unread_count: i64,
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

/// Threads the caller may read: a client's own, or those of a clinician's caseload, each with
/// how many messages of others the caller has not read yet (`unread_count`).
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
                unread_count: t.unread,
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

#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendIn {
    /// The message, in plain text, up to the clinician's length limit.
    pub body: String,
}

#[derive(Serialize, ToSchema)]
pub struct SentOut {
    pub id: MessageId,
    pub sent_at: DateTime<Utc>,
    /// `none`, `concern` or `acute`: crisis language in a client's message. It never blocks
    /// the message; `concern` and `acute` show the crisis resources and flag the care team.
    #[schema(value_type = String, example = "none")]
    pub risk: &'static str,
    /// Set when the message arrives outside the clinician's hours or while they are away:
    /// when to expect a reply and what to do if it cannot wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl From<SendError> for ApiError {
    fn from(e: SendError) -> Self {
        use axum::http::StatusCode;
        match e {
            SendError::Empty => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_message",
                "The message is empty.",
            ),
            SendError::TooLong { limit } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "message_too_long",
                format!("Messages can be up to {limit} characters. Nothing was sent."),
            ),
            SendError::NotOffered => ApiError::new(
                StatusCode::FORBIDDEN,
                "messaging_not_offered",
                "Your clinician does not offer messaging between sessions. Nothing was sent. \
                 Not for emergencies: call or text 988, or call 911.",
            ),
            SendError::Paused => ApiError::new(
                StatusCode::CONFLICT,
                "messaging_paused",
                "Messaging with your clinician is paused for now. Nothing was sent; please raise \
                 it at your next session. Not for emergencies: call or text 988, or call 911.",
            ),
            SendError::Store(e) => e.into(),
            SendError::Keys(e) => e.into(),
            SendError::Docs(e) => {
                tracing::error!(error = %e, "message send");
                ApiError::for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// The notice in words (English in the API; the web page uses Fluent).
pub fn notice_text(n: &Notice) -> String {
    let urgent = "If it cannot wait, call or text 988, or call 911 in an emergency.";
    match n {
        Notice::OutOfHours {
            next_open,
            reply_within_days,
        } => format!(
            "Sent outside your clinician's hours. They read messages from {} (UTC) and reply within {} business day(s). {urgent}",
            next_open.format("%Y-%m-%d %H:%M"),
            reply_within_days
        ),
        Notice::Away { until, covering } => match covering {
            Some(name) => format!(
                "Your clinician is away until {until}; {name} is covering and will read it. {urgent}"
            ),
            None => format!("Your clinician is away until {until}. {urgent}"),
        },
    }
}

/// Sends a message into the thread. The length limit and the clinician's boundaries are
/// checked before anything is stored; crisis language never blocks a message.
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "messaging", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id (UUID)")),
    request_body = SendIn,
    responses(
        (status = 201, body = SentOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not allowed, or messaging is not offered"),
        (status = 404, body = ErrorBody, description = "No such thread, or not yours"),
        (status = 409, body = ErrorBody, description = "Messaging is paused for this client"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Empty, or over the length limit (named in the message)"),
        (status = 429, body = ErrorBody)))]
pub async fn post_message(
    access: ThreadAccess,
    State(state): State<AppState>,
    ApiJson(input): ApiJson<SendIn>,
) -> Result<(axum::http::StatusCode, Json<SentOut>), ApiError> {
    let sent = send(&state, &access, &input.body).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SentOut {
            id: sent.id,
            sent_at: sent.sent_at,
            risk: sent.risk.as_str(),
            notice: sent.notice.as_ref().map(notice_text),
        }),
    ))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_threads, list_messages, post_message))]
pub struct ApiDoc;
