//! Sending a message, with the boundaries the clinician set (issue 7): messaging offered or
//! not, paused for this client or not, the length limit checked before anything is stored;
//! out-of-hours and away notices; and the crisis path — a client's message with crisis
//! language is delivered as usual, and then raises an urgent flag for the care team (never
//! blocking or delaying the message).

use std::sync::OnceLock;

use alcove_domain::communication::{Arrival, Policy};
use alcove_domain::risk::{classify, Category, Level, Lexicon};
use alcove_domain::transmission::{Channel, Purpose};
use alcove_domain::{ClientId, MessageId, Role, UserId};
use alcove_store::{CareRole, DocKind, NewMessage, Owner, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::access::ThreadAccess;
use super::attachments::{self, Checked};
use super::body_place;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::services::{DocError, KeyringError, Stamp};
use crate::state::AppState;

/// The classifier's data, parsed once.
fn lexicon() -> Option<&'static Lexicon> {
    static LEXICON: OnceLock<Option<Lexicon>> = OnceLock::new();
    LEXICON
        .get_or_init(|| match Lexicon::builtin() {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::error!(error = %e, "risk lexicon does not load");
                None
            }
        })
        .as_ref()
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the message is empty")]
    Empty,
    #[error("the message is longer than {limit} characters")]
    TooLong { limit: usize },
    #[error("between-session messaging is not offered")]
    NotOffered,
    #[error("messaging is paused")]
    Paused,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] KeyringError),
    #[error(transparent)]
    Docs(#[from] DocError),
}

/// What the sender is told after sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Sent outside the clinician's hours: read from `next_open`.
    OutOfHours {
        next_open: DateTime<Utc>,
        reply_within_days: u32,
    },
    /// The clinician is away until `until`; `covering` reads it meanwhile.
    Away {
        until: NaiveDate,
        covering: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Sent {
    pub id: MessageId,
    pub sent_at: DateTime<Utc>,
    pub risk: Level,
    pub notice: Option<Notice>,
}

/// An urgent flag on a client's message, kept until a clinician acknowledges it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RiskFlag {
    pub message_id: MessageId,
    pub thread_id: alcove_domain::ThreadId,
    pub level: Level,
    pub categories: Vec<Category>,
    pub raised_at: DateTime<Utc>,
    #[serde(default)]
    pub acknowledged: Option<(UserId, DateTime<Utc>)>,
}

/// A clinician's pause of messaging with one client (a boundary decision).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pause {
    pub paused: bool,
    /// The clinician's note in the record; never shown to the client.
    pub note: String,
}

/// The client's primary clinician, whose policy governs the thread.
pub async fn primary_clinician(
    state: &AppState,
    at: Stamp,
    client: ClientId,
) -> Result<Option<UserId>, StoreError> {
    let team = state
        .recent
        .care_team(state.store.as_ref(), at, client)
        .await?;
    Ok(team
        .iter()
        .find(|m| m.role == CareRole::Primary)
        .or(team.first())
        .map(|m| m.clinician_id))
}

/// A clinician's policy, or the default when they have not set one. From memory while the
/// change stamp `at` is current (saving a policy moves it: the next message obeys the new one).
pub async fn policy_of(state: &AppState, at: Stamp, clinician: UserId) -> Result<Policy, DocError> {
    let policy = state
        .recent
        .policies
        .get_or_load(at, clinician, async {
            Ok::<_, DocError>(std::sync::Arc::new(
                state
                    .docs
                    .latest::<Policy>(
                        DocKind::CommunicationPolicy,
                        Owner::User(clinician),
                        "policy",
                    )
                    .await?
                    .map(|v| v.value)
                    .unwrap_or_default(),
            ))
        })
        .await?;
    Ok(Policy::clone(&policy))
}

/// The policy that governs a client's thread.
pub async fn thread_policy(
    state: &AppState,
    at: Stamp,
    client: ClientId,
) -> Result<Policy, SendError> {
    Ok(match primary_clinician(state, at, client).await? {
        Some(c) => policy_of(state, at, c).await?,
        None => Policy::default(),
    })
}

/// The pause of messaging with a client, with the clinician's note (read from the database).
pub async fn paused(state: &AppState, client: ClientId) -> Result<Option<Pause>, DocError> {
    Ok(state
        .docs
        .latest::<Pause>(DocKind::MessagingPause, Owner::Client(client), "pause")
        .await?
        .map(|v| v.value)
        .filter(|p| p.paused))
}

/// Whether messaging with a client is paused: [`paused`] without the note, kept in memory
/// while the change stamp `at` is current (pausing moves it).
pub async fn is_paused(state: &AppState, at: Stamp, client: ClientId) -> Result<bool, DocError> {
    state
        .recent
        .paused
        .get_or_load(at, client, async {
            Ok::<_, DocError>(paused(state, client).await?.is_some())
        })
        .await
}

/// Sends `body` into the thread as the caller. Every refusal happens before anything is
/// stored; after the message is stored, nothing can stop it being delivered.
pub async fn send(state: &AppState, access: &ThreadAccess, body: &str) -> Result<Sent, SendError> {
    send_with(state, access, body, None).await
}

/// [`send`], with a file that already passed `attachments::check`. A message may be a file
/// alone; the file is stored (sealed) before the message, so a message never names a missing
/// file, and nothing is stored when a boundary refuses the message.
pub async fn send_with(
    state: &AppState,
    access: &ThreadAccess,
    body: &str,
    attachment: Option<&Checked>,
) -> Result<Sent, SendError> {
    let client = access.thread.client_id;
    let body = body.trim();
    if body.is_empty() && attachment.is_none() {
        return Err(SendError::Empty);
    }
    let at = access.actor.stamp;
    let policy = thread_policy(state, at, client).await?;
    let from_client = access.actor.role == Role::Client;
    if from_client && !policy.offered {
        return Err(SendError::NotOffered);
    }
    if from_client && is_paused(state, at, client).await? {
        return Err(SendError::Paused);
    }
    if !policy.fits(body) {
        return Err(SendError::TooLong {
            limit: policy.max_length,
        });
    }

    let now = state.clock.now();
    let id = MessageId(uuid::Uuid::new_v4());
    let row = id.to_string();
    let mut attached = None;
    if let Some(file) = attachment {
        attached = Some(
            attachments::store(
                state,
                client,
                access.thread.id,
                id,
                file,
                access.actor.user_id,
            )
            .await?,
        );
    }
    let sealed = state
        .keys
        .seal_at(at, client, body_place(&row), body.as_bytes())
        .await?;
    // The message and its `message.send` audit event commit together (issue 7, speed).
    let message = NewMessage {
        id,
        thread_id: access.thread.id,
        sender_id: access.actor.user_id,
        sent_at: now,
        body: sealed,
    };
    let by = By::User(access.actor.user_id, access.actor.role);
    state
        .audit
        .record_message(by, "message.send", client, &message)
        .await?;
    if let Some(a) = &attached {
        state
            .audit
            .record(
                by,
                "attachment.upload",
                Some(client),
                &format!("message:{id} attachment:{}", a.id),
            )
            .await?;
    }
    // Stored and committed: open pages of this thread, on every instance, fetch it (ids only).
    let event = alcove_store::Event::MessageAppended {
        thread: access.thread.id,
        message: id,
    };
    if let Err(e) = state.events.publish(&event).await {
        tracing::warn!(error = %e, "the live event of a message was not published");
    }

    let arrival = policy.arrival(now);
    let mut risk = Level::None;
    if from_client {
        if let Some(lexicon) = lexicon() {
            let a = classify(body, lexicon);
            risk = a.level;
            if a.level != Level::None {
                let mut categories: Vec<Category> = a.matched.iter().map(|m| m.category).collect();
                categories.sort();
                categories.dedup();
                raise_flag(state, access, id, a.level, categories, &arrival).await?;
            }
        }
        notify_care_team(state, at, client, &arrival).await;
    } else {
        notify_client(state, at, client).await;
    }

    let notice = if from_client {
        match arrival {
            Arrival::InHours => None,
            Arrival::OutOfHours { next_open } => Some(Notice::OutOfHours {
                next_open,
                reply_within_days: policy.reply_within_days,
            }),
            Arrival::Away { until, covering } => Some(Notice::Away {
                until,
                covering: match covering {
                    Some(c) => Some(
                        state
                            .recent
                            .user(state.store.as_ref(), at, c)
                            .await?
                            .name
                            .clone(),
                    ),
                    None => None,
                },
            }),
        }
    } else {
        None
    };
    Ok(Sent {
        id,
        sent_at: now,
        risk,
        notice,
    })
}

/// Records the urgent flag, audits it, and — for an `acute` message out of hours — emails
/// the covering clinician (see [`covering_of`]) that something is waiting. The email says
/// nothing of who or what: a link only.
async fn raise_flag(
    state: &AppState,
    access: &ThreadAccess,
    message: MessageId,
    level: Level,
    categories: Vec<Category>,
    arrival: &Arrival,
) -> Result<(), SendError> {
    let client = access.thread.client_id;
    let flag = RiskFlag {
        message_id: message,
        thread_id: access.thread.id,
        level,
        categories,
        raised_at: state.clock.now(),
        acknowledged: None,
    };
    state
        .docs
        .save(
            DocKind::RiskFlag,
            Owner::Client(client),
            &message.to_string(),
            0,
            &flag,
            None,
        )
        .await?;
    state
        .audit
        .record(
            By::System,
            &format!("risk.flag.{}", level.as_str()),
            Some(client),
            &format!("message:{message}"),
        )
        .await?;
    let out_of_hours = !matches!(arrival, Arrival::InHours);
    if level == Level::Acute && out_of_hours {
        for to in covering_of(state, access.actor.stamp, client, arrival).await? {
            let user = state.store.user_by_id(to).await?;
            let _ = state
                .mailer
                .notify(user.id, &user.email, &Notification::UrgentFlag)
                .await;
            state
                .audit
                .record(
                    By::System,
                    "risk.flag.notify",
                    Some(client),
                    &format!("message:{message} to user:{to}"),
                )
                .await?;
        }
    }
    Ok(())
}

/// Who covers out of hours: the clinician named for the current away period; otherwise the
/// covering clinicians on the client's care team; with neither, the primary clinician.
async fn covering_of(
    state: &AppState,
    at: Stamp,
    client: ClientId,
    arrival: &Arrival,
) -> Result<Vec<UserId>, StoreError> {
    if let Arrival::Away {
        covering: Some(c), ..
    } = arrival
    {
        return Ok(vec![*c]);
    }
    let team = state
        .recent
        .care_team(state.store.as_ref(), at, client)
        .await?;
    let covering: Vec<UserId> = team
        .iter()
        .filter(|m| m.role == CareRole::Covering)
        .map(|m| m.clinician_id)
        .collect();
    if !covering.is_empty() {
        return Ok(covering);
    }
    Ok(primary_clinician(state, at, client)
        .await?
        .into_iter()
        .collect())
}

/// Recipients are told that a message is waiting at most once in this long (per instance):
/// a conversation of ten messages is one email, not ten, and writing an email per message
/// would cost more than storing the message. Reading the messages (on this instance) makes
/// the next message news again.
pub const WAITING_QUIET: chrono::Duration = chrono::Duration::minutes(5);

/// When each recipient was last told that a message is waiting (see [`WAITING_QUIET`]).
pub type WaitingNotices = crate::services::OncePer<UserId>;

/// Emails `to` that a message is waiting (a link only), unless they were told lately.
async fn tell_waiting(state: &AppState, at: Stamp, to: UserId) {
    if !state.waiting_told.claim(to, state.clock.now()) {
        return;
    }
    if let Ok(user) = state.recent.user(state.store.as_ref(), at, to).await {
        let mailer = state.mailer.clone();
        tokio::spawn(async move {
            let _ = mailer
                .notify(user.id, &user.email, &Notification::MessageWaiting)
                .await;
        });
    }
}

/// Tells the care team a message is waiting (in hours; out of hours it waits for them).
async fn notify_care_team(state: &AppState, at: Stamp, client: ClientId, arrival: &Arrival) {
    if !matches!(arrival, Arrival::InHours) {
        return;
    }
    let Ok(Some(primary)) = primary_clinician(state, at, client).await else {
        return;
    };
    tell_waiting(state, at, primary).await;
}

/// Tells the client a message is waiting — only if they accepted email for that (seed 001).
async fn notify_client(state: &AppState, at: Stamp, client: ClientId) {
    let allowed =
        crate::transmission::allows(state, client, Channel::Email, Purpose::MessageNotifications)
            .await
            .unwrap_or(false);
    if !allowed {
        return;
    }
    let Ok(record) = state.store.client(client).await else {
        return;
    };
    tell_waiting(state, at, record.user_id).await;
}

/// Open flags of a client, oldest first.
pub async fn open_flags(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<crate::services::Version<RiskFlag>>, DocError> {
    let mut flags: Vec<_> = state
        .docs
        .all::<RiskFlag>(DocKind::RiskFlag, Some(Owner::Client(client)))
        .await?
        .into_iter()
        .filter(|v| v.value.acknowledged.is_none())
        .collect();
    flags.sort_by_key(|v| v.value.raised_at);
    Ok(flags)
}
