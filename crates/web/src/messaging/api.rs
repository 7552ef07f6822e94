use alcove_domain::risk::Level;
use alcove_domain::{ClientId, MessageId, Role, ThreadId, UserId};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::{visible_threads, ReadError, ThreadAccess};
use super::attachments::{self, AttachmentError, AttachmentInfo, Checked};
use super::crisis::{panel, CrisisOut};
use super::send::{send_with, Notice, SendError};
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
    /// Files attached to the message (download each from its `url`).
    pub attachments: Vec<AttachmentOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: String,
    pub file_name: String,
    /// The type found in the file's content: `application/pdf`, `image/png`, `image/jpeg`
    /// or `text/plain; charset=utf-8`.
    pub content_type: &'static str,
    pub size: u64,
    pub url: String,
}

impl AttachmentOut {
    fn of(a: &AttachmentInfo) -> Self {
        AttachmentOut {
            id: a.id.clone(),
            file_name: a.file_name.clone(),
            content_type: a.kind.content_type(),
            size: a.size,
            url: format!("/api/v1/threads/{}/attachments/{}", a.thread_id, a.id),
        }
    }
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
    let files = attachments::of_thread(&state, access.thread.client_id, access.thread.id)
        .await
        .map_err(doc_error)?;
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
                attachments: files
                    .iter()
                    .filter(|a| a.message_id == m.id)
                    .map(AttachmentOut::of)
                    .collect(),
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
    /// Set when a client's message showed crisis language (`concern` or `acute`): the
    /// resources to show them at once — 988 by call or text, 911, their own emergency-plan
    /// contacts and the practice's after-hours instructions. The message was delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crisis: Option<CrisisOut>,
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

/// A message with a file, as `multipart/form-data` (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SendUpload {
    /// The message text (may be empty when a file is attached).
    pub body: Option<String>,
    /// A PDF, PNG, JPEG or plain-text file, up to the practice's limit
    /// (`ALCOVE_ATTACHMENT_MAX_MIB`, 10 MiB by default). The type is read from the content.
    #[schema(value_type = String, format = Binary)]
    pub attachment: Vec<u8>,
}

fn doc_error(e: crate::services::DocError) -> ApiError {
    tracing::error!(error = %e, "message attachments");
    ApiError::for_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<AttachmentError> for ApiError {
    fn from(e: AttachmentError) -> Self {
        use axum::http::StatusCode;
        match &e {
            AttachmentError::Empty => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.code(),
                "The attached file is empty. Nothing was sent.",
            ),
            AttachmentError::TooLarge { size, limit } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                e.code(),
                format!(
                    "Attachments can be up to {} MiB; this file is {} MiB. Nothing was sent.",
                    attachments::mib(*limit),
                    attachments::mib(*size)
                ),
            ),
            AttachmentError::NotAllowed => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.code(),
                "Only PDF, PNG, JPEG and plain-text files can be attached (the type is read from \
                 the content, not the name). Nothing was sent.",
            ),
        }
    }
}

/// Reads a `multipart/form-data` body: the text `body` and an optional file `attachment`,
/// within the practice's attachment limit. Nothing else is accepted.
async fn read_upload(
    state: &AppState,
    content_type: &str,
    body: axum::body::Body,
) -> Result<(String, Option<Checked>), ApiError> {
    use axum::http::StatusCode;
    let max = state.config.attachment_max;
    let bytes = axum::body::to_bytes(body, super::upload_limit(max))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachment_too_large",
                format!(
                    "Attachments can be up to {} MiB. Nothing was sent.",
                    attachments::mib(max)
                ),
            )
        })?;
    let form = crate::upload::parse(content_type, bytes)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_multipart",
                e.to_string(),
            )
        })?;
    let known = |n: &str| matches!(n, "body" | "attachment");
    if let Some(n) = form
        .fields
        .iter()
        .map(|(n, _)| n)
        .chain(form.files.iter().map(|f| &f.field))
        .find(|n| !known(n.as_str()))
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("Unknown field `{n}`: send `body` and, if you like, one `attachment`."),
        ));
    }
    if form.files.len() > 1 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "One attachment per message.",
        ));
    }
    let checked = match form.file("attachment") {
        Some(f) => Some(attachments::check(&f.file_name, f.bytes.clone(), max)?),
        None => None,
    };
    Ok((form.text("body").to_owned(), checked))
}

/// Sends a message into the thread, as JSON `{"body"}` or as `multipart/form-data` with an
/// attachment. The length limit, the file checks and the clinician's boundaries are checked
/// before anything is stored; crisis language never blocks a message.
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "messaging", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id (UUID)")),
    request_body(content((SendIn = "application/json"), (SendUpload = "multipart/form-data"))),
    responses(
        (status = 201, body = SentOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "Not allowed, or messaging is not offered"),
        (status = 404, body = ErrorBody, description = "No such thread, or not yours"),
        (status = 409, body = ErrorBody, description = "Messaging is paused for this client"),
        (status = 413, body = ErrorBody, description = "The attachment is over the limit (named in the message)"),
        (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "Empty, over the length limit (named in the message), or a file type that is not allowed"),
        (status = 429, body = ErrorBody)))]
pub async fn post_message(
    access: ThreadAccess,
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> Result<(axum::http::StatusCode, Json<SentOut>), ApiError> {
    let headers = req.headers().clone();
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (body, file) = if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        read_upload(&state, &ct, req.into_body()).await?
    } else {
        use axum::extract::FromRequest;
        let ApiJson(input) = ApiJson::<SendIn>::from_request(req, &state).await?;
        (input.body, None)
    };
    let sent = send_with(&state, &access, &body, file.as_ref()).await?;
    let crisis = if access.actor.role == Role::Client && sent.risk != Level::None {
        let tr = crate::i18n::Tr::negotiate(
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        );
        Some(
            panel(&state, &access, sent.id, tr.t("after-hours-default"))
                .await?
                .out,
        )
    } else {
        None
    };
    Ok((
        axum::http::StatusCode::CREATED,
        Json(SentOut {
            id: sent.id,
            sent_at: sent.sent_at,
            risk: sent.risk.as_str(),
            notice: sent.notice.as_ref().map(notice_text),
            crisis,
        }),
    ))
}

/// Downloads a file attached to a message of the thread: only the client and their care team;
/// every download is recorded in the client's access history.
#[utoipa::path(get, path = "/api/v1/threads/{id}/attachments/{attachment}", tag = "messaging", security(("bearer" = [])),
    params(("id" = String, Path, description = "Thread id (UUID)"),
        ("attachment" = String, Path, description = "Attachment id (UUID)")),
    responses(
        (status = 200, description = "The file, as an attachment, with the type found in its content", content_type = "application/octet-stream"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "No such attachment in this thread, or not yours"),
        (status = 429, body = ErrorBody)))]
pub async fn attachment(
    access: ThreadAccess,
    State(state): State<AppState>,
    axum::extract::Path((_, id)): axum::extract::Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    let client = access.thread.client_id;
    let Some((info, bytes)) = attachments::fetch(&state, client, access.thread.id, &id)
        .await
        .map_err(doc_error)?
    else {
        return Err(ApiError::for_status(axum::http::StatusCode::NOT_FOUND));
    };
    state
        .audit
        .record(
            crate::services::audit_log::By::User(access.actor.user_id, access.actor.role),
            "attachment.download",
            Some(client),
            &format!("message:{} attachment:{}", info.message_id, info.id),
        )
        .await?;
    Ok(attachments::download(&info, bytes))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_threads, list_messages, post_message, attachment))]
pub struct ApiDoc;
