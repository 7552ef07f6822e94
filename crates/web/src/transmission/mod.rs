//! The Client Request for Electronic Data Transmission (seed 001) in the product: the client's
//! page to read the risks of each channel, choose, and sign (`/me/electronic-data`), and
//! [`allows`], the one function every contact outside the portal must ask first.
//!
//! The rule itself is `alcove_domain::transmission::permits`; this module keeps the signed
//! versions (sealed with the client's data key, as `DocKind::TransmissionConsent`) and audits
//! every read and change.

mod pages;

use alcove_domain::transmission::{permits, Channel, Purpose, TransmissionRequest};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner, StoreError};

use crate::error::PageError;
use crate::i18n::Tr;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

pub use pages::{choice_label, summary_of};

/// The document key of a client's request (one per client, versioned).
pub const KEY: &str = "electronic_data";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/electronic-data", pages::page)
        .post("/me/electronic-data", pages::sign)
}

#[derive(Debug, thiserror::Error)]
pub enum TransmissionError {
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<TransmissionError> for PageError {
    fn from(e: TransmissionError) -> Self {
        tracing::error!(error = %e, "electronic data transmission request");
        PageError::internal()
    }
}

/// May the practice contact this client by `channel` for `purpose`? **Every path that
/// reaches a client outside the portal calls this first** (reminders, notifications, documents
/// sent for signing, sessions by video or phone) and sends nothing on `Ok(false)` or `Err`.
///
/// With no signed request on file only the portal is allowed (see
/// `alcove_domain::transmission::permits`). Reading the request is written to the audit log
/// as `transmission.check` by the system, before the sealed request is opened, so the client
/// sees in their access history each time the practice checked how it may reach them. An
/// error (storage, or a client whose data key was destroyed) must be treated as "no".
pub async fn allows(
    state: &AppState,
    client: ClientId,
    channel: Channel,
    purpose: Purpose,
) -> Result<bool, TransmissionError> {
    // Nothing of the client's is read for a pair the channel cannot serve or for the portal.
    if !channel.serves(purpose) || channel == Channel::Portal {
        return Ok(permits(None, channel, purpose));
    }
    state
        .audit
        .record(
            By::System,
            "transmission.check",
            Some(client),
            &format!("transmission:{channel}:{purpose}"),
        )
        .await?;
    let current = latest(state, client).await?;
    Ok(permits(
        current.as_ref().map(|v| &v.value),
        channel,
        purpose,
    ))
}

/// The client's current signed request, without auditing: callers audit first.
pub(crate) async fn latest(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<TransmissionRequest>>, TransmissionError> {
    Ok(state
        .docs
        .latest(DocKind::TransmissionConsent, Owner::Client(client), KEY)
        .await?)
}

/// Every signed version, oldest first, without auditing: callers audit first.
pub(crate) async fn history(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<Version<TransmissionRequest>>, TransmissionError> {
    Ok(state
        .docs
        .history(DocKind::TransmissionConsent, Owner::Client(client), KEY)
        .await?)
}

/// The words for a channel, in the reader's language.
pub fn channel_name(tr: &Tr, c: Channel) -> String {
    match c {
        Channel::Portal => tr.t("channel-portal"),
        Channel::Email => tr.t("channel-email"),
        Channel::Text => tr.t("channel-text"),
        Channel::Video => tr.t("channel-video"),
        Channel::Phone => tr.t("channel-phone"),
    }
}

/// The words for a purpose, in the reader's language.
pub fn purpose_name(tr: &Tr, p: Purpose) -> String {
    match p {
        Purpose::AppointmentReminders => tr.t("purpose-appointment-reminders"),
        Purpose::MessageNotifications => tr.t("purpose-message-notifications"),
        Purpose::Documents => tr.t("purpose-documents"),
        Purpose::Sessions => tr.t("purpose-sessions"),
    }
}

/// The risks of a channel in plain words.
pub fn channel_risks(tr: &Tr, c: Channel) -> String {
    match c {
        Channel::Portal => tr.t("channel-portal-risks"),
        Channel::Email => tr.t("channel-email-risks"),
        Channel::Text => tr.t("channel-text-risks"),
        Channel::Video => tr.t("channel-video-risks"),
        Channel::Phone => tr.t("channel-phone-risks"),
    }
}
