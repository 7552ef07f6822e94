//! The pseudonymous "Contact me" form (seed 001): anyone may write to a clinician without an
//! account, under any name. Messages are sealed with the practice key; the sender's network
//! address is used only to slow floods, through a keyed hash whose key lives in memory and
//! changes every day, so nothing stored can be traced back to an address. Bots are turned
//! away by a honeypot field and that rate limit, with no third-party service.

use std::sync::Mutex;

use alcove_domain::contact::{ContactError, ContactMessage, MAX_MESSAGE, MAX_NAME};
use alcove_domain::UserId;
use alcove_store::{DocKind, Owner, User};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::auth::extract::{ClientAddr, ClinicianActor};
use crate::auth::throttle;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/contact", form)
        .post("/contact", send)
        .get("/inbox", inbox)
        .post("/inbox/{id}/handled", mark_handled)
}

/// Messages per address within the throttle window (15 minutes) before a pause.
const PER_ADDRESS: i64 = 5;

/// What is kept: the message as the sender wrote it, and whether the clinician dealt with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Received {
    pub message: ContactMessage,
    #[serde(default)]
    pub handled: bool,
}

/// The throttle key for an address: HMAC with a random key that exists only in this process
/// and is replaced each day (by the clock), so stored keys cannot be linked to an address.
fn address_key(addr: &str, today: NaiveDate) -> String {
    static DAILY: Mutex<Option<(NaiveDate, [u8; 32])>> = Mutex::new(None);
    let key = {
        let mut g = DAILY.lock().unwrap_or_else(|p| p.into_inner());
        match *g {
            Some((day, k)) if day == today => k,
            _ => {
                let k: [u8; 32] = rand::random();
                *g = Some((today, k));
                k
            }
        }
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(addr.as_bytes());
    format!("contact:{}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Template)]
#[template(path = "contact/form.html")]
struct FormPage {
    c: Chrome,
    clinicians: Vec<User>,
    to: String,
    name: String,
    reply_to: String,
    message: String,
    errors: Vec<(&'static str, String)>,
    max_name: usize,
    max_message: usize,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }
}

#[derive(Template)]
#[template(path = "contact/sent.html")]
struct SentPage {
    c: Chrome,
}

#[derive(Deserialize, Default)]
pub struct To {
    #[serde(default)]
    to: String,
}

pub async fn form(
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<To>,
) -> Result<Response, PageError> {
    let clinicians = crate::public::public_clinicians(&state).await?;
    let page = FormPage {
        c,
        clinicians,
        to: q.to,
        name: String::new(),
        reply_to: String::new(),
        message: String::new(),
        errors: Vec::new(),
        max_name: MAX_NAME,
        max_message: MAX_MESSAGE,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct SendForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    message: String,
    /// The honeypot: hidden from people, filled in by bots.
    #[serde(default)]
    website: String,
}

fn message_for(c: &Chrome, e: &ContactError) -> String {
    match e {
        ContactError::NameMissing => c.t("contact-error-name"),
        ContactError::NameTooLong => c.t1("contact-error-too-long", "max", MAX_NAME),
        ContactError::ReplyTo(_) => c.t("contact-error-reply"),
        ContactError::MessageMissing => c.t("contact-error-message"),
        ContactError::MessageTooLong => c.t1("contact-error-too-long", "max", MAX_MESSAGE),
    }
}

pub async fn send(
    c: Chrome,
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<SendForm>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let key = address_key(&addr, now.date_naive());
    if let Some(wait) = throttle::retry_after(&state, &[(&key, PER_ADDRESS)]).await? {
        let mut e = PageError::new(StatusCode::TOO_MANY_REQUESTS, "contact-too-many");
        e.retry_after = Some(wait);
        return Err(e);
    }
    throttle::fail(&state, &[(&key, PER_ADDRESS)]).await?;
    // A bot gets the same thank-you page as a person, and nothing is stored or sent.
    if !f.website.trim().is_empty() {
        return Ok(render(&SentPage { c })?.into_response());
    }
    let clinicians = crate::public::public_clinicians(&state).await?;
    let recipient = clinicians
        .iter()
        .find(|u| u.slug.as_deref() == Some(f.to.trim()))
        .cloned();
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if recipient.is_none() {
        errors.push(("to", c.t("contact-error-to")));
    }
    let parsed = match ContactMessage::parse(&f.name, &f.reply_to, &f.message) {
        Ok(m) => Some(m),
        Err(es) => {
            errors.extend(es.iter().map(|e| (e.field(), message_for(&c, e))));
            None
        }
    };
    let (Some(to), Some(message), true) = (recipient, parsed, errors.is_empty()) else {
        let page = FormPage {
            c,
            clinicians,
            to: f.to,
            name: f.name,
            reply_to: f.reply_to,
            message: f.message,
            errors,
            max_name: MAX_NAME,
            max_message: MAX_MESSAGE,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let id = uuid::Uuid::new_v4().to_string();
    state
        .docs
        .save(
            DocKind::ContactMessage,
            Owner::User(to.id),
            &id,
            0,
            &Received {
                message,
                handled: false,
            },
            None,
        )
        .await?;
    state
        .audit
        .record(
            By::Anonymous,
            "contact.receive",
            None,
            &format!("contact:{id} to user:{}", to.id),
        )
        .await?;
    // Sent after replying, so how long the mail server takes tells the sender nothing.
    let mailer = state.mailer.clone();
    tokio::spawn(async move {
        let _ = mailer
            .notify(to.id, &to.email, &Notification::ContactFormReceived)
            .await;
    });
    Ok(render(&SentPage { c })?.into_response())
}

/// A message as the inbox shows it.
pub struct InboxItem {
    pub id: String,
    pub version: i64,
    pub at: String,
    pub name: String,
    pub reply_to: Option<String>,
    pub message: String,
    pub handled: bool,
}

#[derive(Template)]
#[template(path = "contact/inbox.html")]
struct InboxPage {
    c: Chrome,
    items: Vec<InboxItem>,
}

/// When a message first arrived: the first version's time (marking it handled adds versions).
async fn received_at(state: &AppState, owner: Owner, id: &str) -> Result<DateTime<Utc>, PageError> {
    Ok(state
        .store
        .document_history(DocKind::ContactMessage, &owner, id)
        .await?
        .first()
        .map(|d| d.at)
        .unwrap_or_default())
}

/// Messages waiting in the clinician's contact inbox (for the dashboard).
pub async fn unhandled(state: &AppState, clinician: UserId) -> Result<usize, PageError> {
    let all: Vec<crate::services::Version<Received>> = state
        .docs
        .all(DocKind::ContactMessage, Some(Owner::User(clinician)))
        .await?;
    Ok(all.iter().filter(|v| !v.value.handled).count())
}

pub async fn inbox(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let owner = Owner::User(who.user_id);
    let all: Vec<crate::services::Version<Received>> =
        state.docs.all(DocKind::ContactMessage, Some(owner)).await?;
    let mut items = Vec::new();
    for v in all {
        let at = received_at(&state, owner, &v.key).await?;
        items.push((
            at,
            InboxItem {
                id: v.key,
                version: v.version,
                at: when(&at),
                name: v.value.message.name,
                reply_to: v.value.message.reply_to.map(|e| e.to_string()),
                message: v.value.message.message,
                handled: v.value.handled,
            },
        ));
    }
    items.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "contact.inbox.view",
            None,
            &format!("user:{}", who.user_id),
        )
        .await?;
    let page = InboxPage {
        c,
        items: items.into_iter().map(|(_, i)| i).collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct Handled {
    #[serde(default)]
    version: i64,
}

pub async fn mark_handled(
    ClinicianActor(who): ClinicianActor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<Handled>,
) -> Result<Response, PageError> {
    let owner = Owner::User(who.user_id);
    // Only the recipient's own messages are found: another clinician's id is simply absent.
    let Some(v) = state
        .docs
        .latest::<Received>(DocKind::ContactMessage, owner, &id)
        .await?
    else {
        return Err(PageError::not_found());
    };
    if !v.value.handled {
        let mut value = v.value;
        value.handled = true;
        state
            .docs
            .save(
                DocKind::ContactMessage,
                owner,
                &id,
                f.version,
                &value,
                Some(who.user_id),
            )
            .await?;
        state
            .audit
            .record(
                By::User(who.user_id, who.role),
                "contact.handled",
                None,
                &format!("contact:{id}"),
            )
            .await?;
    }
    Ok(Redirect::to("/inbox").into_response())
}
