//! Outgoing email. Notifications say only that something is waiting, never what
//! (DESIGN.md, Configuration: `ALCOVE_SMTP_URL` — notifications never contain clinical content).
//!
//! That rule is kept by construction: a [`Notification`] is a closed set of kinds whose only
//! fields are numbers and validated codes, and every word of a message comes from the Fluent
//! `mail-*` templates. There is no field a caller could put a client's name or a message into.
//!
//! With `smtp_url` set, mail goes out through lettre's SMTP transport (`smtp://host:port` in
//! plain for a local relay, `smtp://…?tls=required` for STARTTLS, `smtps://` for implicit TLS).
//! Without it, messages are written as `.eml` files into `DATA_DIR/outbox/`: a development
//! outbox, so a practice without a mail server still works and nothing is silently lost.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use alcove_domain::{Email, Jurisdiction, UserId};
use fluent_templates::fluent_bundle::FluentValue;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::Tokio1Executor;
use lettre::{Address, AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message};
use url::Url;

use crate::config::WebConfig;
use crate::i18n::Tr;

/// The sender when `mail_from` is not configured.
pub const DEFAULT_FROM: &str = "alcove@localhost";
/// The folder of the data directory that holds the development outbox.
pub const OUTBOX_DIR: &str = "outbox";
/// Links point here when no `public_url` is configured (the default `--addr`).
const FALLBACK_BASE: &str = "http://127.0.0.1:8080/";
/// A notification is not worth holding a request or a CLI for longer than this.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Every kind of email this product sends. Fields are numbers and validated codes only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notification {
    /// A clinician's credential for a jurisdiction runs out in `days_left` days (Standard 5).
    CredentialExpiring {
        days_left: u32,
        jurisdiction: Jurisdiction,
    },
    /// A clinician's credential for a jurisdiction has run out.
    CredentialLapsed { jurisdiction: Jurisdiction },
    /// To the practice's admins: a clinician's credential runs out in `days_left` days. Which
    /// clinician is behind sign-in (the credentials register), not in the email.
    PracticeCredentialExpiring {
        days_left: u32,
        jurisdiction: Jurisdiction,
    },
    /// To the practice's admins: a clinician's credential has run out.
    PracticeCredentialLapsed { jurisdiction: Jurisdiction },
    /// Someone used the pseudonymous contact form (seed 001); what they wrote stays in the app.
    ContactFormReceived,
    /// The periodic review of the clinician's online listings is due (seed 001).
    ListingReviewDue,
    /// Continuing education recorded for a jurisdiction falls short of its renewal (Standard 10).
    CeShortfall { jurisdiction: Jurisdiction },
    /// A message is waiting in the portal (issue 7): never who wrote it or what it says.
    MessageWaiting,
    /// To a clinician: something in a client's message needs attention now (a crisis flag).
    /// Which client and why stay behind sign-in.
    UrgentFlag,
    /// The clinician's professional liability cover ends in `days_left` days (seed 000). The
    /// insurer and policy number stay behind sign-in.
    LiabilityCoverExpiring { days_left: u32 },
    /// The clinician's professional liability cover has ended.
    LiabilityCoverLapsed,
    /// To the practice's admins: a clinician's liability cover ends in `days_left` days.
    PracticeLiabilityCoverExpiring { days_left: u32 },
    /// To the practice's admins: a clinician's liability cover has ended.
    PracticeLiabilityCoverLapsed,
    /// A clinician invited a new client (issue 5): the single-use link to set up the account.
    /// The subject and body never name the client or say anything clinical.
    Invitation { token: String },
    /// A client's result needs the clinician's attention now (issue 5: PHQ-9 item 9). Which
    /// client and what result are behind sign-in, never in the email.
    ClientNeedsAttention,
    /// A clinician asks a minor client's parent or guardian to read and sign the consents
    /// (issue 5, part 2): the single-use link. Never names the client or says anything clinical.
    GuardianInvitation { token: String },
    /// An appointment is coming up (issue 6): "Appointment with <practice>", its time in the
    /// recipient's zone and the join link. Never who else attends or what it is about; sent
    /// with the appointment as an RFC 5545 calendar attachment.
    AppointmentReminder {
        appointment: alcove_domain::AppointmentId,
        start: chrono::DateTime<chrono::Utc>,
        zone: chrono_tz::Tz,
    },
    /// `alcove mail test`: proves the configured transport works.
    Test,
}

impl Notification {
    /// A stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CredentialExpiring { .. } => "credential_expiring",
            Self::CredentialLapsed { .. } => "credential_lapsed",
            Self::PracticeCredentialExpiring { .. } => "practice_credential_expiring",
            Self::PracticeCredentialLapsed { .. } => "practice_credential_lapsed",
            Self::ContactFormReceived => "contact_form_received",
            Self::ListingReviewDue => "listing_review_due",
            Self::CeShortfall { .. } => "ce_shortfall",
            Self::MessageWaiting => "message_waiting",
            Self::UrgentFlag => "urgent_flag",
            Self::LiabilityCoverExpiring { .. } => "liability_cover_expiring",
            Self::LiabilityCoverLapsed => "liability_cover_lapsed",
            Self::PracticeLiabilityCoverExpiring { .. } => "practice_liability_cover_expiring",
            Self::PracticeLiabilityCoverLapsed => "practice_liability_cover_lapsed",
            Self::Invitation { .. } => "invitation",
            Self::ClientNeedsAttention => "client_needs_attention",
            Self::GuardianInvitation { .. } => "guardian_invitation",
            Self::AppointmentReminder { .. } => "appointment_reminder",
            Self::Test => "test",
        }
    }

    /// Where in the product the reader finds the details, after signing in.
    pub fn path(&self) -> &'static str {
        match self {
            Self::CredentialExpiring { .. } | Self::CredentialLapsed { .. } => "/credentials",
            Self::PracticeCredentialExpiring { .. }
            | Self::PracticeCredentialLapsed { .. }
            | Self::PracticeLiabilityCoverExpiring { .. }
            | Self::PracticeLiabilityCoverLapsed => "/admin/credentials",
            Self::LiabilityCoverExpiring { .. } | Self::LiabilityCoverLapsed => {
                "/credentials/liability"
            }
            Self::CeShortfall { .. } => "/ce",
            Self::ContactFormReceived
            | Self::ListingReviewDue
            | Self::UrgentFlag
            | Self::ClientNeedsAttention => "/home",
            Self::MessageWaiting => "/messages",
            Self::Invitation { .. } => "/invite",
            Self::GuardianInvitation { .. } => "/guardian",
            Self::AppointmentReminder { .. } => "/appointments",
            Self::Test => "/",
        }
    }
}

/// A notification in words: what goes into the subject and the plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// How mail leaves: an SMTP server, or the development outbox.
#[derive(Clone)]
pub enum MailTransport {
    /// `smtp://`, `smtp://…?tls=required` or `smtps://` (may hold credentials: never logged).
    Smtp(String),
    /// A folder that receives one `.eml` file per message.
    Outbox(PathBuf),
}

impl MailTransport {
    /// `smtp_url` when configured, otherwise `DATA_DIR/outbox`.
    pub fn from_config(smtp_url: Option<&str>, data_dir: &Path) -> Self {
        match smtp_url {
            Some(u) => Self::Smtp(u.to_owned()),
            None => Self::Outbox(data_dir.join(OUTBOX_DIR)),
        }
    }
}

impl fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Smtp(<redacted>)"),
            Self::Outbox(dir) => f.debug_tuple("Outbox").field(dir).finish(),
        }
    }
}

/// A mailer that cannot be built: bad configuration, named by its key.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("configuration key `mail_from`: {0}")]
    From(String),
    #[error("configuration key `smtp_url`: {0}")]
    SmtpUrl(String),
}

/// Why a message was not sent. Never holds the message, the recipient's address or anything
/// the server said back (a server may quote the message or the address in its reply).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the recipient's address cannot be used for email")]
    Recipient,
    #[error("the message could not be put together")]
    Build,
    #[error("cannot reach the SMTP server: {0}")]
    Unreachable(String),
    #[error("timed out talking to the SMTP server")]
    Timeout,
    #[error("TLS with the SMTP server failed")]
    Tls,
    #[error("the SMTP server refused the message for now (reply {0}); try again later")]
    Deferred(String),
    #[error("the SMTP server refused the message (reply {0})")]
    Rejected(String),
    #[error("the SMTP conversation failed")]
    Protocol,
    #[error("cannot write to the outbox {}: {kind}", dir.display())]
    Outbox {
        dir: PathBuf,
        kind: std::io::ErrorKind,
    },
}

/// Checks a `mail_from` value the way the mailer will use it.
pub fn check_from(from: &str) -> Result<(), String> {
    from.parse::<Address>()
        .map(|_| ())
        .map_err(|_| format!("{from:?} is not an email address such as alcove@practice.example"))
}

/// Sends [`Notification`]s. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    from: Mailbox,
    practice: String,
    base: Url,
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox {
        dir: PathBuf,
        files: AsyncFileTransport<Tokio1Executor>,
    },
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let transport = match &self.inner.transport {
            Transport::Smtp(_) => "smtp".to_owned(),
            Transport::Outbox { dir, .. } => format!("outbox {}", dir.display()),
        };
        f.debug_struct("Mailer")
            .field("transport", &transport)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `transport`, sending as `from` with the practice's name as display name,
    /// linking to the practice's `public_url`.
    pub fn new(
        transport: MailTransport,
        from: &str,
        web: &WebConfig,
    ) -> Result<Self, MailSetupError> {
        let address: Address = from.parse().map_err(|_| {
            MailSetupError::From(format!(
                "{from:?} is not an email address such as alcove@practice.example"
            ))
        })?;
        let transport = match transport {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    // lettre's message may quote the URL, which can hold a password.
                    .map_err(|_| {
                        MailSetupError::SmtpUrl(
                            "must be smtp://HOST:PORT, smtp://HOST:PORT?tls=required or smtps://HOST:PORT (with USER:PASSWORD@ if the server needs it)".into(),
                        )
                    })?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            MailTransport::Outbox(dir) => Transport::Outbox {
                files: AsyncFileTransport::new(&dir),
                dir,
            },
        };
        let mut base = web
            .public_url
            .clone()
            .unwrap_or_else(|| Url::parse(FALLBACK_BASE).expect("static URL"));
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                from: Mailbox::new(Some(web.practice_name.clone()), address),
                practice: web.practice_name.clone(),
                base,
            }),
        })
    }

    /// The development outbox, when mail is written to files instead of sent.
    pub fn outbox(&self) -> Option<&Path> {
        match &self.inner.transport {
            Transport::Outbox { dir, .. } => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// The link a notification carries: the public URL with the notification's path.
    pub fn link(&self, n: &Notification) -> Url {
        if let Notification::Invitation { token } = n {
            if let Ok(u) = self.inner.base.join(&format!("invite/{token}")) {
                return u;
            }
        }
        if let Notification::GuardianInvitation { token } = n {
            if let Ok(u) = self.inner.base.join(&format!("guardian/{token}")) {
                return u;
            }
        }
        if let Notification::AppointmentReminder { appointment, .. } = n {
            return self.url_for(&format!("/sessions/{appointment}"));
        }
        self.url_for(n.path())
    }

    /// An absolute link to a path of the product (the public URL with the path).
    pub fn url_for(&self, path: &str) -> Url {
        self.inner
            .base
            .join(path.trim_start_matches('/'))
            .unwrap_or_else(|_| self.inner.base.clone())
    }

    /// The practice's name, as emails and calendar entries say it.
    pub fn practice(&self) -> &str {
        &self.inner.practice
    }

    /// The notification in words, from the Fluent `mail-*` templates.
    pub fn render(&self, n: &Notification, tr: &Tr) -> Rendered {
        let practice = || ("practice", FluentValue::from(self.inner.practice.clone()));
        let days = |d: &u32| ("days", FluentValue::from(*d));
        let place = |j: &Jurisdiction| ("jurisdiction", FluentValue::from(j.as_str().to_owned()));
        let (subject, line) = match n {
            Notification::CredentialExpiring {
                days_left,
                jurisdiction,
            } => (
                tr.tn("mail-credential-expiring-subject", &[days(days_left)]),
                tr.tn(
                    "mail-credential-expiring-body",
                    &[days(days_left), place(jurisdiction)],
                ),
            ),
            Notification::CredentialLapsed { jurisdiction } => (
                tr.t("mail-credential-lapsed-subject"),
                tr.tn("mail-credential-lapsed-body", &[place(jurisdiction)]),
            ),
            Notification::PracticeCredentialExpiring {
                days_left,
                jurisdiction,
            } => (
                tr.tn(
                    "mail-practice-credential-expiring-subject",
                    &[days(days_left)],
                ),
                tr.tn(
                    "mail-practice-credential-expiring-body",
                    &[days(days_left), place(jurisdiction)],
                ),
            ),
            Notification::PracticeCredentialLapsed { jurisdiction } => (
                tr.t("mail-practice-credential-lapsed-subject"),
                tr.tn(
                    "mail-practice-credential-lapsed-body",
                    &[place(jurisdiction)],
                ),
            ),
            Notification::ContactFormReceived => (
                tr.t("mail-contact-form-subject"),
                tr.t("mail-contact-form-body"),
            ),
            Notification::MessageWaiting => (
                tr.t("mail-message-waiting-subject"),
                tr.t("mail-message-waiting-body"),
            ),
            Notification::UrgentFlag => (
                tr.t("mail-urgent-flag-subject"),
                tr.t("mail-urgent-flag-body"),
            ),
            Notification::ListingReviewDue => (
                tr.t("mail-listing-review-subject"),
                tr.t("mail-listing-review-body"),
            ),
            Notification::CeShortfall { jurisdiction } => (
                tr.t("mail-ce-shortfall-subject"),
                tr.tn("mail-ce-shortfall-body", &[place(jurisdiction)]),
            ),
            Notification::LiabilityCoverExpiring { days_left } => (
                tr.tn("mail-liability-expiring-subject", &[days(days_left)]),
                tr.tn("mail-liability-expiring-body", &[days(days_left)]),
            ),
            Notification::LiabilityCoverLapsed => (
                tr.t("mail-liability-lapsed-subject"),
                tr.t("mail-liability-lapsed-body"),
            ),
            Notification::PracticeLiabilityCoverExpiring { days_left } => (
                tr.tn(
                    "mail-practice-liability-expiring-subject",
                    &[days(days_left)],
                ),
                tr.tn("mail-practice-liability-expiring-body", &[days(days_left)]),
            ),
            Notification::PracticeLiabilityCoverLapsed => (
                tr.t("mail-practice-liability-lapsed-subject"),
                tr.t("mail-practice-liability-lapsed-body"),
            ),
            Notification::Invitation { .. } => (
                tr.tn("mail-invitation-subject", &[practice()]),
                tr.tn("mail-invitation-body", &[practice()]),
            ),
            Notification::ClientNeedsAttention => {
                (tr.t("mail-attention-subject"), tr.t("mail-attention-body"))
            }
            Notification::GuardianInvitation { .. } => (
                tr.tn("mail-guardian-subject", &[practice()]),
                tr.tn("mail-guardian-body", &[practice()]),
            ),
            Notification::AppointmentReminder { start, zone, .. } => {
                let local = start.with_timezone(zone);
                let time = (
                    "time",
                    FluentValue::from(format!(
                        "{} ({})",
                        local.format("%A %-d %B %Y, %H:%M"),
                        zone.name()
                    )),
                );
                (
                    tr.tn("mail-appointment-subject", &[practice()]),
                    tr.tn("mail-appointment-body", &[practice(), time]),
                )
            }
            Notification::Test => (
                tr.tn("mail-test-subject", &[practice()]),
                tr.tn("mail-test-body", &[practice()]),
            ),
        };
        let open_key = match n {
            Notification::Invitation { .. } => "mail-invitation-link",
            Notification::GuardianInvitation { .. } => "mail-guardian-link",
            Notification::AppointmentReminder { .. } => "mail-appointment-link",
            _ => "mail-open-link",
        };
        let open = tr.tn(
            open_key,
            &[("link", FluentValue::from(self.link(n).to_string()))],
        );
        let footer = tr.tn("mail-footer", &[practice()]);
        Rendered {
            subject,
            body: format!("{line}\n\n{open}\n\n{footer}"),
        }
    }

    /// Sends one notification to one address. The caller logs the notification's kind and the
    /// recipient's user id on failure — never the address, never the content.
    pub async fn send(&self, to: &Email, n: &Notification) -> Result<(), MailError> {
        self.send_with(to, n, None).await
    }

    /// Sends one notification with an optional calendar attachment (RFC 5545 text).
    async fn send_with(
        &self,
        to: &Email,
        n: &Notification,
        calendar: Option<String>,
    ) -> Result<(), MailError> {
        let to: Address = to.as_str().parse().map_err(|_| MailError::Recipient)?;
        let words = self.render(n, &Tr::default());
        // RFC 5322 §3.6.4: a unique id on the right of `@` that is ours — the sender's domain.
        let message_id = format!(
            "<{}@{}>",
            uuid::Uuid::new_v4().simple(),
            self.inner.from.email.domain()
        );
        let builder = Message::builder()
            .message_id(Some(message_id))
            .from(self.inner.from.clone())
            .to(Mailbox::new(None, to))
            .subject(words.subject);
        let message = match calendar {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(words.body)
                .map_err(|_| MailError::Build)?,
            Some(ics) => {
                use lettre::message::{Attachment, MultiPart, SinglePart};
                let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|_| MailError::Build)?;
                builder
                    .multipart(
                        MultiPart::mixed()
                            .singlepart(SinglePart::plain(words.body))
                            .singlepart(
                                Attachment::new("appointment.ics".to_owned()).body(ics, kind),
                            ),
                    )
                    .map_err(|_| MailError::Build)?
            }
        };
        match &self.inner.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(smtp_error),
            Transport::Outbox { dir, files } => {
                let failed = |e: std::io::Error| MailError::Outbox {
                    dir: dir.clone(),
                    kind: e.kind(),
                };
                create_private_dir(dir).await.map_err(failed)?;
                files.send(message).await.map(|_| ()).map_err(|e| {
                    let kind = std::error::Error::source(&e)
                        .and_then(|s| s.downcast_ref::<std::io::Error>())
                        .map_or(std::io::ErrorKind::Other, std::io::Error::kind);
                    MailError::Outbox {
                        dir: dir.clone(),
                        kind,
                    }
                })
            }
        }
    }
}

impl Mailer {
    /// Sends to a user and, on failure, logs what may be logged: the notification's kind, the
    /// user's id and why — never the address, never the words. Callers use this one.
    pub async fn notify(
        &self,
        user: UserId,
        to: &Email,
        n: &Notification,
    ) -> Result<(), MailError> {
        let sent = self.send(to, n).await;
        if let Err(e) = &sent {
            tracing::warn!(kind = n.kind(), user = %user, error = %e, "notification not sent");
        }
        sent
    }

    /// [`Mailer::notify`] with a calendar attachment (an appointment reminder's).
    pub async fn notify_with_calendar(
        &self,
        user: UserId,
        to: &Email,
        n: &Notification,
        ics: String,
    ) -> Result<(), MailError> {
        let sent = self.send_with(to, n, Some(ics)).await;
        if let Err(e) = &sent {
            tracing::warn!(kind = n.kind(), user = %user, error = %e, "notification not sent");
        }
        sent
    }
}

/// The outbox holds addresses: readable by the practice's user only, like the data directory.
async fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if tokio::fs::metadata(dir).await.is_ok() {
        return Ok(());
    }
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).await
}

/// Maps lettre's error to ours, keeping only what is safe to log: the reply code, and the
/// operating system's words for a network failure. The server's reply text is dropped.
fn smtp_error(e: lettre::transport::smtp::Error) -> MailError {
    if e.is_timeout() {
        return MailError::Timeout;
    }
    if e.is_tls() {
        return MailError::Tls;
    }
    if let Some(code) = e.status() {
        return if e.is_transient() {
            MailError::Deferred(code.to_string())
        } else {
            MailError::Rejected(code.to_string())
        };
    }
    let io = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<std::io::Error>());
    match io {
        Some(io) if io.kind() == std::io::ErrorKind::TimedOut => MailError::Timeout,
        Some(io) => MailError::Unreachable(io.kind().to_string()),
        None if e.is_client() || e.is_response() => MailError::Protocol,
        None => MailError::Unreachable("connection failed".into()),
    }
}
