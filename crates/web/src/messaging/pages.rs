use alcove_domain::communication::{Arrival, Policy, WEEKDAYS};
use alcove_domain::policy::Block;
use alcove_domain::risk::Level;
use alcove_domain::{MessageId, Role};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::attachments::{self, AttachmentError, AttachmentInfo};
use crate::upload::MultipartForm;

use super::access::{visible_threads, PlainMessage, ReadError, ThreadAccess, ThreadSummary};
use super::crisis::CrisisPanel;
use super::send::{self, open_flags, paused, thread_policy, Pause, RiskFlag, SendError};
use crate::auth::extract::ClinicalActor;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "messaging/threads.html")]
struct ThreadsPage {
    c: Chrome,
    threads: Vec<ThreadSummary>,
    show_client: bool,
}

pub async fn threads(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let threads = visible_threads(&state, &who).await?;
    render(&ThreadsPage {
        show_client: who.role.is_staff(),
        c,
        threads,
    })
}

/// One line of the policy's hours, e.g. ("Monday", "09:00–17:00").
pub struct HoursLine {
    pub day: &'static str,
    pub hours: Option<String>,
}

#[derive(Template)]
#[template(path = "messaging/thread.html")]
struct ThreadPage {
    c: Chrome,
    id: String,
    messages: Vec<PlainMessage>,
    is_client: bool,
    policy: Policy,
    hours: Vec<HoursLine>,
    /// For the client: messaging is paused (a boundary decision of the clinician).
    paused: bool,
    /// For the clinician: the pause note, when paused.
    pause_note: Option<String>,
    /// For the client: their last message showed crisis language — the crisis panel.
    crisis: Option<CrisisPanel>,
    /// For the client: their last message arrived out of hours (with no reply since).
    notice: Option<String>,
    /// For the care team: open urgent flags (message id, level, when).
    flags: Vec<(String, &'static str, String)>,
    error: Option<String>,
    draft: String,
    /// The thread's attachments (descriptions only).
    attachments: Vec<AttachmentInfo>,
    /// The attachment limit in MiB, for the form's hint.
    attachment_max_mib: String,
}

impl ThreadPage {
    fn when(&self, m: &PlainMessage) -> String {
        when(&m.sent_at)
    }
    fn attachments_of(&self, m: &PlainMessage) -> Vec<&AttachmentInfo> {
        attachments::of_message(&self.attachments, m)
    }
    fn size(&self, a: &AttachmentInfo) -> String {
        attachments::size_label(&self.c, a)
    }
}

impl From<ReadError> for PageError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Store(e) => e.into(),
            ReadError::Keys(e) => e.into(),
        }
    }
}

impl From<SendError> for PageError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Store(e) => e.into(),
            SendError::Keys(e) => e.into(),
            SendError::Docs(e) => e.into(),
            SendError::Empty | SendError::TooLong { .. } => {
                PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-bad-request")
            }
            SendError::NotOffered => PageError::forbidden(),
            SendError::Paused => PageError::new(StatusCode::CONFLICT, "messages-paused"),
        }
    }
}

/// The notice a client sees after writing outside hours or while the clinician is away.
fn notice_words(
    c: &Chrome,
    policy: &Policy,
    arrival: &Arrival,
    covering: Option<String>,
) -> Option<String> {
    match arrival {
        Arrival::InHours => None,
        Arrival::OutOfHours { next_open } => {
            let local = next_open.with_timezone(&policy.time_zone);
            Some(c.t2(
                "messages-notice-out-of-hours",
                "when",
                local.format("%A %Y-%m-%d %H:%M %Z"),
                "days",
                policy.reply_within_days,
            ))
        }
        Arrival::Away { until, .. } => Some(match covering {
            Some(name) => c.t2("messages-notice-away-covered", "until", until, "name", name),
            None => c.t1("messages-notice-away", "until", until),
        }),
    }
}

async fn page(
    access: &ThreadAccess,
    c: Chrome,
    state: &AppState,
    error: Option<String>,
    draft: String,
) -> Result<Response, PageError> {
    let client = access.thread.client_id;
    let messages = access.read(state).await?;
    let files = attachments::of_thread(state, client, access.thread.id).await?;
    let policy = thread_policy(state, access.actor.stamp, client).await?;
    let is_client = access.actor.role == Role::Client;
    let pause = paused(state, client).await?;
    let hours = policy
        .week
        .iter()
        .zip(WEEKDAYS)
        .map(|(h, day)| HoursLine {
            day,
            hours: h.map(|h| format!("{}–{}", h.opens.format("%H:%M"), h.closes.format("%H:%M"))),
        })
        .collect();

    let mut crisis = None;
    let mut notice = None;
    let mut flags = Vec::new();
    if is_client {
        // What the client's last message set off, as long as nobody has replied since.
        if let Some(last) = messages
            .last()
            .filter(|m| m.sender_id == access.actor.user_id)
        {
            let flagged = state
                .docs
                .latest::<RiskFlag>(
                    DocKind::RiskFlag,
                    Owner::Client(client),
                    &last.id.to_string(),
                )
                .await?
                .is_some_and(|f| f.value.level != Level::None);
            if flagged {
                crisis = Some(
                    super::crisis::panel(state, access, last.id, c.t("after-hours-default"))
                        .await?,
                );
            }
            let arrival = policy.arrival(last.sent_at);
            let covering = match &arrival {
                Arrival::Away {
                    covering: Some(u), ..
                } => Some(state.store.user_by_id(*u).await?.name),
                _ => None,
            };
            notice = notice_words(&c, &policy, &arrival, covering);
        }
    } else {
        for f in open_flags(state, client).await? {
            flags.push((
                f.value.message_id.to_string(),
                f.value.level.as_str(),
                when(&f.value.raised_at),
            ));
        }
    }
    let p = ThreadPage {
        c,
        id: access.thread.id.to_string(),
        messages,
        is_client,
        hours,
        paused: pause.is_some(),
        pause_note: if is_client {
            None
        } else {
            pause.map(|p| p.note)
        },
        policy,
        crisis,
        notice,
        flags,
        error: error.clone(),
        draft,
        attachments: files,
        attachment_max_mib: attachments::mib(state.config.attachment_max),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&p)?).into_response())
}

pub async fn thread(
    access: ThreadAccess,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    page(&access, c, &state, None, String::new()).await
}

/// Sends from the web form (URL-encoded, or multipart with an attachment); a refusal keeps
/// what was typed and says why. A refused file stores nothing, not even the text.
pub async fn send_form(
    access: ThreadAccess,
    c: Chrome,
    State(state): State<AppState>,
    upload: Option<Extension<MultipartForm>>,
    raw: Bytes,
) -> Result<Response, PageError> {
    let (text, file) = match &upload {
        Some(Extension(form)) => (form.text("body").to_owned(), form.file("attachment")),
        None => (
            url::form_urlencoded::parse(&raw)
                .find(|(k, _)| k == "body")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default(),
            None,
        ),
    };
    let checked = match file {
        None => None,
        Some(f) => {
            match attachments::check(&f.file_name, f.bytes.clone(), state.config.attachment_max) {
                Ok(ok) => Some(ok),
                Err(e) => {
                    let msg = attachment_error_words(&c, &e);
                    return page(&access, c, &state, Some(msg), text).await;
                }
            }
        }
    };
    match send::send_with(&state, &access, &text, checked.as_ref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/messages/{}", access.thread.id)).into_response()),
        Err(SendError::TooLong { limit }) => {
            let e = c.t1("messages-too-long", "limit", limit);
            page(&access, c, &state, Some(e), text).await
        }
        Err(SendError::Empty) => {
            let e = c.t("messages-empty");
            page(&access, c, &state, Some(e), text).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Why a file was refused, in the reader's language.
fn attachment_error_words(c: &Chrome, e: &AttachmentError) -> String {
    match e {
        AttachmentError::Empty => c.t("attachment-empty"),
        AttachmentError::TooLarge { size, limit } => c.t2(
            "attachment-too-large",
            "size",
            attachments::mib(*size),
            "limit",
            attachments::mib(*limit),
        ),
        AttachmentError::NotAllowed => c.t("attachment-not-allowed"),
    }
}

/// Downloads an attachment: only the thread's participants (the extractor), audited first.
pub async fn attachment(
    access: ThreadAccess,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let client = access.thread.client_id;
    let Some((info, bytes)) = attachments::fetch(&state, client, access.thread.id, &id).await?
    else {
        return Err(PageError::not_found());
    };
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "attachment.download",
            Some(client),
            &format!("message:{} attachment:{}", info.message_id, info.id),
        )
        .await?;
    Ok(attachments::download(&info, bytes))
}

/// A clinician on the care team acknowledges an urgent flag (audited).
pub async fn acknowledge(
    access: ThreadAccess,
    State(state): State<AppState>,
    Path((_, message)): Path<(String, String)>,
) -> Result<Response, PageError> {
    if access.actor.role != Role::Clinician {
        return Err(PageError::forbidden());
    }
    let client = access.thread.client_id;
    let Ok(message) = message.parse::<MessageId>() else {
        return Err(PageError::not_found());
    };
    let key = message.to_string();
    let Some(v) = state
        .docs
        .latest::<RiskFlag>(DocKind::RiskFlag, Owner::Client(client), &key)
        .await?
        .filter(|v| v.value.thread_id == access.thread.id)
    else {
        return Err(PageError::not_found());
    };
    if v.value.acknowledged.is_none() {
        let mut flag = v.value;
        flag.acknowledged = Some((access.actor.user_id, state.clock.now()));
        match state
            .docs
            .save(
                DocKind::RiskFlag,
                Owner::Client(client),
                &key,
                v.version,
                &flag,
                Some(access.actor.user_id),
            )
            .await
        {
            // Someone else acknowledged it a moment ago: that is what was asked.
            Ok(_) | Err(crate::services::DocError::Changed) => {}
            Err(e) => return Err(e.into()),
        }
        state
            .audit
            .record(
                By::User(access.actor.user_id, access.actor.role),
                "risk.flag.acknowledge",
                Some(client),
                &format!("message:{message}"),
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/messages/{}", access.thread.id)).into_response())
}

#[derive(Deserialize)]
pub struct PauseForm {
    #[serde(default)]
    paused: String,
    #[serde(default)]
    note: String,
}

/// A clinician pauses (or resumes) messaging for this client, with a note in the record.
pub async fn set_pause(
    access: ThreadAccess,
    State(state): State<AppState>,
    Form(f): Form<PauseForm>,
) -> Result<Response, PageError> {
    if access.actor.role != Role::Clinician {
        return Err(PageError::forbidden());
    }
    let client = access.thread.client_id;
    let pause = Pause {
        paused: f.paused == "yes",
        note: f.note.trim().chars().take(2000).collect(),
    };
    state
        .docs
        .append(
            DocKind::MessagingPause,
            Owner::Client(client),
            "pause",
            &pause,
            Some(access.actor.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            if pause.paused {
                "messaging.pause"
            } else {
                "messaging.resume"
            },
            Some(client),
            &format!("thread:{}", access.thread.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/messages/{}", access.thread.id)).into_response())
}
