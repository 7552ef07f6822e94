//! Credential and liability-cover expiry reminders (60, 30 and 7 days before), lapsed
//! credentials and covers, and CE shortfalls: a background job that tells each clinician and
//! the practice's admins once, and the notices on their dashboards.
//!
//! Standard 5 (seed 003): a clinician may see a client only under a credential valid on the
//! session date, so an expiry nobody noticed cancels sessions. Seed 000: professional liability
//! cover for Internet-based therapy is part of providing services, so its expiry is tracked the
//! same way. Standard 10: CE hours missing close to a renewal are a risk to the licence.
//!
//! - [`run_reminders`] does one pass over every clinician's credentials. The job in
//!   `Application::run_until` calls it every few minutes; tests call it directly. Its time
//!   comes from `state.clock`, never from the system clock.
//! - Each reminder is sent once across every instance: its idempotency key (from
//!   `domain::licensure::reminders`) is recorded as a `DocKind::ReminderSent` document owned
//!   by the clinician, and only the instance whose version-1 insert succeeds sends it.
//! - [`notices_for_self`] and [`notices_for_admin`] are the dashboard's notices. They read the
//!   register on every view, so they are never behind the job and vanish the moment a renewed
//!   credential is added.

use std::collections::BTreeSet;

use alcove_domain::ce::{progress_by_licence, CeActivity, CeStatus, Requirements};
use alcove_domain::liability::LiabilityCover;
use alcove_domain::licensure::reminders::{
    credential_key, lapsed, reminders_due, reminders_to_send, Lapsed, Reminder,
};
use alcove_domain::licensure::{Credential, Credentials, Grant};
use alcove_domain::{Jurisdiction, Role, UserId};
use alcove_store::{DocKind, Owner, StoreError, User};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ce::{activities_of, labels, CeError};
use fluent_templates::fluent_bundle::FluentValue;

use crate::i18n::Tr;
use crate::licensure::liability::{cover_of, cover_today};
use crate::licensure::{credentials_of, RegisterError};
use crate::services::mailer::Notification;
use crate::services::DocError;
use crate::state::AppState;

/// A lapsed credential is emailed about only if it lapsed this recently: a practice that
/// starts using Alcove with old, expired entries in its register is not sent a backlog.
pub const LAPSED_EMAIL_DAYS: u32 = 30;
/// A lapsed credential stays on the dashboard this long, unless a renewal is added.
pub const LAPSED_SHOWN_DAYS: u32 = 365;

/// What one pass of [`run_reminders`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReminderRun {
    /// Clinicians (and supervisors) whose credentials were checked.
    pub checked: usize,
    /// Reminders this pass claimed and sent, in order.
    pub sent: Vec<SentReminder>,
    /// Reminders due that another instance (or an earlier pass) claimed first.
    pub claimed_elsewhere: usize,
    /// Clinicians whose register could not be read (logged): skipped when it is their
    /// credentials, checked without it when it is their liability cover.
    pub failed: usize,
}

/// One reminder sent by this pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentReminder {
    pub clinician: UserId,
    /// The idempotency key, as recorded.
    pub key: String,
    pub notice: Due,
    pub delivery: Delivery,
}

/// What a reminder says. Only codes, dates and numbers: notifications carry no clinical
/// content, and none of this is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Due {
    CredentialExpiring {
        jurisdiction: Jurisdiction,
        expires: NaiveDate,
        threshold_days: u32,
        days_left: i64,
    },
    CredentialLapsed {
        jurisdiction: Jurisdiction,
        expires: NaiveDate,
    },
    CeShortfall {
        jurisdiction: Jurisdiction,
        renewal: NaiveDate,
        still_needed: String,
    },
    /// The clinician's professional liability cover ends soon (seed 000).
    LiabilityCoverExpiring {
        expires: NaiveDate,
        threshold_days: u32,
        days_left: i64,
    },
    LiabilityCoverLapsed {
        expires: NaiveDate,
    },
}

impl Due {
    /// Credential and liability-cover reminders go to the practice's admins too: they keep the
    /// register and schedule the clinician's clients. CE is the clinician's own to arrange.
    fn tells_admins(&self) -> bool {
        !matches!(self, Due::CeShortfall { .. })
    }
}

/// How the emails of one reminder went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub emailed: u32,
    pub failed: u32,
}

/// The body of a `ReminderSent` document: version 1 claims the key, version 2 says how the
/// emails went.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ReminderRecord {
    due: Due,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delivery: Option<Delivery>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error("CE requirements data: {0}")]
    Data(String),
}

/// The credential's place for a notification: where it applies, or a compact authorisation's
/// home state.
fn jurisdiction_of(c: &Credential) -> Jurisdiction {
    match &c.grant {
        Grant::License { jurisdiction }
        | Grant::TemporaryPermit { jurisdiction, .. }
        | Grant::CompactPrivilege { jurisdiction, .. } => jurisdiction.clone(),
        Grant::CompactAuthorization { home, .. } => home.clone(),
    }
}

/// Whether the register also holds this credential renewed: the same credential (kind, place,
/// profession, title, number) with a later expiry. Then the old entry's expiry is history,
/// not news.
fn renewed(creds: &Credentials, index: usize) -> bool {
    let all = creds.credentials();
    let Some(c) = all.get(index) else {
        return false;
    };
    let key = credential_key(c, c.profession.unwrap_or(creds.profession()));
    all.iter().any(|other| {
        other.expires > c.expires
            && credential_key(other, other.profession.unwrap_or(creds.profession())) == key
    })
}

/// Each credential alone, with its index and the date where it applies. The domain's rules
/// take one date for a whole set, but a set's credentials lie in different time zones, and a
/// credential is valid through the whole of its expiry day where it applies (DESIGN.md): UTC's
/// day begins while it is still the evening before in the US, and nobody may be told "you
/// cannot see clients" hours early. A one-credential set keeps the same reminder keys (they
/// depend on the credential and its profession only).
fn one_by_one(creds: &Credentials, now: DateTime<Utc>) -> Vec<(usize, Credentials, NaiveDate)> {
    let registry = crate::licensure::registry().ok();
    creds
        .credentials()
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let today = registry.map_or(now.date_naive(), |r| {
                r.session_date(&jurisdiction_of(c), now)
            });
            (
                index,
                Credentials::new(creds.profession(), vec![c.clone()]),
                today,
            )
        })
        .collect()
}

fn lapsed_key(c: &Credential, creds: &Credentials) -> String {
    format!(
        "lapsed|{}|{}",
        credential_key(c, c.profession.unwrap_or(creds.profession())),
        c.expires
    )
}

fn ce_key(c: &Credential, creds: &Credentials) -> String {
    format!(
        "ce-shortfall|{}|{}",
        credential_key(c, c.profession.unwrap_or(creds.profession())),
        c.expires
    )
}

/// Everything due for one clinician today that no pass has recorded yet.
fn due_now(
    creds: &Credentials,
    activities: &[CeActivity],
    requirements: &Requirements,
    now: DateTime<Utc>,
    recorded: &BTreeSet<String>,
) -> Vec<(String, Due)> {
    let mut due: Vec<(String, Due)> = Vec::new();
    let mut lapsed_due = Vec::new();
    for (index, alone, today) in one_by_one(creds, now) {
        if renewed(creds, index) {
            continue;
        }
        for r in reminders_to_send(&alone, today, |k| recorded.contains(k)) {
            // A credential listed twice: one reminder.
            if due.iter().any(|(k, _)| *k == r.key) {
                continue;
            }
            due.push((
                r.key,
                Due::CredentialExpiring {
                    jurisdiction: jurisdiction_of(&r.credential),
                    expires: r.credential.expires,
                    threshold_days: r.threshold_days,
                    days_left: r.days_left,
                },
            ));
        }
        for l in lapsed(&alone, today, LAPSED_EMAIL_DAYS) {
            let key = lapsed_key(&l.credential, creds);
            if recorded.contains(&key) || lapsed_due.iter().any(|(k, _)| *k == key) {
                continue;
            }
            lapsed_due.push((
                key,
                Due::CredentialLapsed {
                    jurisdiction: jurisdiction_of(&l.credential),
                    expires: l.credential.expires,
                },
            ));
        }
    }
    due.extend(lapsed_due);
    let today = now.date_naive();
    for lp in progress_by_licence(creds, requirements, activities, today) {
        let Some(p) = lp.progress else { continue };
        let key = ce_key(&lp.credential, creds);
        if p.status != CeStatus::ShortfallWarning
            || renewed(creds, lp.index)
            || recorded.contains(&key)
        {
            continue;
        }
        due.push((
            key,
            Due::CeShortfall {
                jurisdiction: lp.jurisdiction.clone(),
                renewal: p.renewal,
                still_needed: p.still_needed.to_string(),
            },
        ));
    }
    due
}

/// The liability cover's reminder and lapsed notice due now that no pass has recorded yet.
/// The cover's date is its own (see `LiabilityCover::today`), so it is not called lapsed while
/// its expiry day lasts anywhere it covers.
fn cover_due(
    cover: &LiabilityCover,
    now: DateTime<Utc>,
    recorded: &BTreeSet<String>,
) -> Vec<(String, Due)> {
    let today = cover_today(cover, now);
    let mut due = Vec::new();
    if let Some(r) = cover.reminder_to_send(today, |k| recorded.contains(k)) {
        due.push((
            r.key,
            Due::LiabilityCoverExpiring {
                expires: cover.expires(),
                threshold_days: r.threshold_days,
                days_left: r.days_left,
            },
        ));
    }
    let key = cover.lapsed_key();
    if cover.lapsed_days(today, LAPSED_EMAIL_DAYS).is_some() && !recorded.contains(&key) {
        due.push((
            key,
            Due::LiabilityCoverLapsed {
                expires: cover.expires(),
            },
        ));
    }
    due
}

/// One pass: for every clinician with credentials or liability cover, claim and send each
/// reminder that is due and not yet recorded. Safe to run on several instances at once, and
/// again at any time.
pub async fn run_reminders(state: &AppState) -> Result<ReminderRun, ReminderError> {
    let now = state.clock.now();
    let requirements = Requirements::builtin().map_err(|e| ReminderError::Data(e.to_string()))?;
    let users = state.store.list_users().await?;
    let admins: Vec<&User> = users.iter().filter(|u| u.role == Role::Admin).collect();
    let mut run = ReminderRun::default();
    for u in users
        .iter()
        .filter(|u| matches!(u.role, Role::Clinician | Role::Supervisor))
    {
        let creds = match credentials_of(state, u.id).await {
            Ok(c) => c,
            Err(e) => {
                // One unreadable register must not stop everyone else's reminders.
                tracing::warn!(user = %u.id, error = %e, "reminders: credentials unreadable");
                run.failed += 1;
                continue;
            }
        };
        let cover = match cover_of(state, u.id).await {
            Ok(c) => c.map(|v| v.value),
            Err(e) => {
                // The credentials' reminders still go out.
                tracing::warn!(user = %u.id, error = %e, "reminders: liability cover unreadable");
                run.failed += 1;
                None
            }
        };
        if creds.is_none() && cover.is_none() {
            continue;
        }
        run.checked += 1;
        let owner = Owner::User(u.id);
        let recorded: BTreeSet<String> = state
            .docs
            .all::<serde_json::Value>(DocKind::ReminderSent, Some(owner))
            .await?
            .into_iter()
            .map(|v| v.key)
            .collect();
        let mut due_list = Vec::new();
        if let Some(creds) = &creds {
            let activities: Vec<CeActivity> = match activities_of(state, u.id).await {
                Ok(list) => list.into_iter().map(|a| a.activity).collect(),
                Err(e) => {
                    tracing::warn!(user = %u.id, error = %e, "reminders: CE record unreadable");
                    Vec::new()
                }
            };
            due_list = due_now(creds, &activities, requirements, now, &recorded);
        }
        if let Some(cover) = &cover {
            due_list.extend(cover_due(cover, now, &recorded));
        }
        for (key, due) in due_list {
            // Record first, then send. Inserting version 1 of the ReminderSent document is the
            // lock: of several instances (or overlapping passes) exactly one succeeds, and only
            // it sends. Sending first could not be made exclusive — two instances would both
            // send before either recorded — and a crash after sending but before recording
            // would send again on the next pass. The price of this order is that a crash
            // between the two loses those emails (at most once, never twice); the dashboard
            // still shows the notice, as it reads the register itself, and a record left
            // without its version 2 shows that its delivery never finished.
            let claim = ReminderRecord {
                due: due.clone(),
                delivery: None,
            };
            match state
                .docs
                .save(DocKind::ReminderSent, owner, &key, 0, &claim, None)
                .await
            {
                Ok(_) => {}
                Err(DocError::Changed) => {
                    run.claimed_elsewhere += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            let mut delivery = Delivery::default();
            let mut recipients = vec![u];
            if due.tells_admins() {
                recipients.extend(admins.iter().copied());
            }
            for to in recipients {
                match email(state, to, &due).await {
                    Emailed::Sent => delivery.emailed += 1,
                    Emailed::Failed => delivery.failed += 1,
                }
            }
            let done = ReminderRecord {
                due: due.clone(),
                delivery: Some(delivery.clone()),
            };
            if let Err(e) = state
                .docs
                .save(DocKind::ReminderSent, owner, &key, 1, &done, None)
                .await
            {
                tracing::warn!(user = %u.id, error = %e, "reminders: delivery not recorded");
            }
            run.sent.push(SentReminder {
                clinician: u.id,
                key,
                notice: due,
                delivery,
            });
        }
    }
    Ok(run)
}

/// How one email went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Emailed {
    Sent,
    Failed,
}

/// THE one place where a reminder becomes an email. The email says only what kind of notice,
/// which jurisdiction and how many days (`services::mailer::Notification` has no field for
/// anything else; a liability-cover email names no insurer or policy); the details are behind
/// sign-in. Admins get the practice's wording ("a clinician's credential"), not the
/// clinician's ("your credential").
async fn email(state: &AppState, to: &User, due: &Due) -> Emailed {
    let for_practice = to.role == Role::Admin;
    let n = match due {
        Due::CredentialExpiring {
            jurisdiction,
            days_left,
            ..
        } => {
            let days_left = u32::try_from(*days_left).unwrap_or(0);
            let jurisdiction = jurisdiction.clone();
            if for_practice {
                Notification::PracticeCredentialExpiring {
                    days_left,
                    jurisdiction,
                }
            } else {
                Notification::CredentialExpiring {
                    days_left,
                    jurisdiction,
                }
            }
        }
        Due::CredentialLapsed { jurisdiction, .. } => {
            let jurisdiction = jurisdiction.clone();
            if for_practice {
                Notification::PracticeCredentialLapsed { jurisdiction }
            } else {
                Notification::CredentialLapsed { jurisdiction }
            }
        }
        Due::CeShortfall { jurisdiction, .. } => Notification::CeShortfall {
            jurisdiction: jurisdiction.clone(),
        },
        Due::LiabilityCoverExpiring { days_left, .. } => {
            let days_left = u32::try_from(*days_left).unwrap_or(0);
            if for_practice {
                Notification::PracticeLiabilityCoverExpiring { days_left }
            } else {
                Notification::LiabilityCoverExpiring { days_left }
            }
        }
        Due::LiabilityCoverLapsed { .. } => {
            if for_practice {
                Notification::PracticeLiabilityCoverLapsed
            } else {
                Notification::LiabilityCoverLapsed
            }
        }
    };
    // `notify` logs a failure by kind and user id only.
    match state.mailer.notify(to.id, &to.email, &n).await {
        Ok(()) => Emailed::Sent,
        Err(_) => Emailed::Failed,
    }
}

/// Starts the reminders job: a pass now, then one every `every`.
pub fn spawn_job(state: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_reminders(&state).await {
                Ok(run) if !run.sent.is_empty() => {
                    tracing::info!(sent = run.sent.len(), "reminders sent");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminders pass failed"),
            }
            // Appointment reminders (issue 6) on the same beat.
            match crate::scheduling::calendar::run_appointment_reminders(&state).await {
                Ok(sent) if !sent.is_empty() => {
                    tracing::info!(sent = sent.len(), "appointment reminders sent");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "appointment reminders pass failed"),
            }
        }
    })
}

// ---- dashboard notices ---------------------------------------------------------------------

/// A notice on a dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `expiring`, `lapsed` or `ce` (for styling and tests).
    pub kind: &'static str,
    pub text: String,
    /// Where to act on it.
    pub href: String,
    /// The link's words.
    pub action: String,
}

/// Notices about one person's credentials. `name` is `None` for their own dashboard ("Your
/// LICSW licence …"), and their name on an admin's ("Dana Whitfield: LICSW licence …").
fn credential_notices(
    tr: &Tr,
    creds: &Credentials,
    now: DateTime<Utc>,
    name: Option<&str>,
) -> Vec<Notice> {
    let mut out = Vec::new();
    let mut lapsed_out = Vec::new();
    for (index, alone, today) in one_by_one(creds, now) {
        if renewed(creds, index) {
            continue;
        }
        out.extend(
            reminders_due(&alone, today)
                .iter()
                .map(|r| expiring_notice(tr, r, name)),
        );
        lapsed_out.extend(
            lapsed(&alone, today, LAPSED_SHOWN_DAYS)
                .iter()
                .map(|l| lapsed_notice(tr, l, name)),
        );
    }
    out.extend(lapsed_out);
    out
}

fn expiring_notice(tr: &Tr, r: &Reminder, name: Option<&str>) -> Notice {
    let mut args = vec![
        (
            "credential",
            FluentValue::from(labels::credential(tr, &r.credential)),
        ),
        ("place", FluentValue::from(labels::place(tr, &r.credential))),
        ("days", FluentValue::from(r.days_left)),
        ("date", FluentValue::from(r.credential.expires.to_string())),
    ];
    let text = match name {
        None => tr.tn("notice-expiring", &args),
        Some(n) => {
            args.push(("name", FluentValue::from(n.to_owned())));
            tr.tn("notice-expiring-staff", &args)
        }
    };
    Notice {
        kind: "expiring",
        text,
        href: "/credentials".into(),
        action: tr.t("notices-open-register"),
    }
}

fn lapsed_notice(tr: &Tr, l: &Lapsed, name: Option<&str>) -> Notice {
    let mut args = vec![
        (
            "credential",
            FluentValue::from(labels::credential(tr, &l.credential)),
        ),
        ("place", FluentValue::from(labels::place(tr, &l.credential))),
        ("date", FluentValue::from(l.credential.expires.to_string())),
    ];
    let text = match name {
        None => tr.tn("notice-lapsed", &args),
        Some(n) => {
            args.push(("name", FluentValue::from(n.to_owned())));
            tr.tn("notice-lapsed-staff", &args)
        }
    };
    Notice {
        kind: "lapsed",
        text,
        href: "/credentials".into(),
        action: tr.t("notices-open-register"),
    }
}

/// Notices about one person's liability cover: ending within 60 days, or lapsed within the
/// last year. `name` as for [`credential_notices`]; the insurer and policy number are named on
/// the clinician's own dashboard only.
fn cover_notices(
    tr: &Tr,
    cover: &LiabilityCover,
    now: DateTime<Utc>,
    name: Option<&str>,
) -> Vec<Notice> {
    let today = cover_today(cover, now);
    let date = ("date", FluentValue::from(cover.expires().to_string()));
    let mut args = match name {
        None => vec![
            ("insurer", FluentValue::from(cover.insurer().to_owned())),
            (
                "policy",
                FluentValue::from(cover.policy_number().to_owned()),
            ),
            date,
        ],
        Some(n) => vec![("name", FluentValue::from(n.to_owned())), date],
    };
    let action = tr.t("notices-open-liability");
    if let Some(r) = cover.reminder_due(today) {
        args.push(("days", FluentValue::from(r.days_left)));
        let text = match name {
            None => tr.tn("notice-liability-expiring", &args),
            Some(_) => tr.tn("notice-liability-expiring-staff", &args),
        };
        return vec![Notice {
            kind: "expiring",
            text,
            href: "/credentials/liability".into(),
            action,
        }];
    }
    if cover.lapsed_days(today, LAPSED_SHOWN_DAYS).is_some() {
        let text = match name {
            None => tr.tn("notice-liability-lapsed", &args),
            Some(_) => tr.tn("notice-liability-lapsed-staff", &args),
        };
        return vec![Notice {
            kind: "lapsed",
            text,
            href: "/credentials/liability".into(),
            action,
        }];
    }
    Vec::new()
}

/// A clinician's (or supervisor's) own notices: credentials and liability cover expiring or
/// lapsed, and CE hours missing close to a renewal.
pub async fn notices_for_self(
    state: &AppState,
    tr: &Tr,
    who: UserId,
) -> Result<Vec<Notice>, NoticeError> {
    let now = state.clock.now();
    let today = now.date_naive();
    let creds = credentials_of(state, who).await?;
    let mut out = match &creds {
        Some(creds) => credential_notices(tr, creds, now, None),
        None => Vec::new(),
    };
    if let Some(cover) = cover_of(state, who).await? {
        out.extend(cover_notices(tr, &cover.value, now, None));
    }
    // Seed 003 9-4: an appropriateness assessment past its revisit date is due again (the
    // client's readiness has lapsed until it is).
    for (client, on) in crate::onboarding::assessment::revisits_due(state, who)
        .await
        .map_err(|_| NoticeError::Data("assessment revisits".into()))?
    {
        let name = state.store.user_by_id(client.user_id).await?.name;
        out.push(Notice {
            kind: "revisit",
            text: tr.tn(
                "notice-assessment-revisit",
                &[
                    ("name", FluentValue::from(name)),
                    ("date", FluentValue::from(on.to_string())),
                ],
            ),
            href: format!("/clients/{}/assessment", client.id),
            action: tr.t("notices-open-assessment"),
        });
    }
    let Some(creds) = creds else {
        return Ok(out);
    };
    let requirements = Requirements::builtin().map_err(|e| NoticeError::Data(e.to_string()))?;
    let activities: Vec<CeActivity> = activities_of(state, who)
        .await?
        .into_iter()
        .map(|a| a.activity)
        .collect();
    for lp in progress_by_licence(&creds, requirements, &activities, today) {
        let Some(p) = lp.progress else { continue };
        if p.status != CeStatus::ShortfallWarning || renewed(&creds, lp.index) {
            continue;
        }
        out.push(Notice {
            kind: "ce",
            text: tr.tn(
                "notice-ce-shortfall",
                &[
                    (
                        "credential",
                        FluentValue::from(labels::credential(tr, &lp.credential)),
                    ),
                    ("place", FluentValue::from(lp.jurisdiction.to_string())),
                    ("hours", FluentValue::from(p.still_needed.to_string())),
                    ("days", FluentValue::from(p.days_to_renewal)),
                    ("date", FluentValue::from(p.renewal.to_string())),
                ],
            ),
            href: "/ce".into(),
            action: tr.t("notices-open-ce"),
        });
    }
    Ok(out)
}

/// The admins' notices: every clinician's and supervisor's credentials and liability cover
/// expiring or lapsed.
pub async fn notices_for_admin(state: &AppState, tr: &Tr) -> Result<Vec<Notice>, NoticeError> {
    let now = state.clock.now();
    let mut out = Vec::new();
    for u in state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| matches!(u.role, Role::Clinician | Role::Supervisor))
    {
        let mut theirs = Vec::new();
        if let Some(creds) = credentials_of(state, u.id).await? {
            theirs.extend(credential_notices(tr, &creds, now, Some(&u.name)));
        }
        if let Some(cover) = cover_of(state, u.id).await? {
            theirs.extend(cover_notices(tr, &cover.value, now, Some(&u.name)));
        }
        out.extend(theirs.into_iter().map(|n| Notice {
            href: "/admin/credentials".into(),
            action: tr.t("notices-open-register"),
            ..n
        }));
    }
    Ok(out)
}

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Ce(#[from] CeError),
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error("CE requirements data: {0}")]
    Data(String),
}

impl From<NoticeError> for crate::error::PageError {
    fn from(e: NoticeError) -> Self {
        tracing::error!(error = %e, "dashboard notices");
        crate::error::PageError::internal()
    }
}
