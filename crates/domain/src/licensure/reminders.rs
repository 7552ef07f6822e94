//! Credential expiry reminders, so a licence is renewed before it lapses.
//!
//! Standard 5 (seed 003): a clinician may see a client only under a credential that is
//! valid on the session date, so an expiry nobody noticed cancels sessions. A reminder is
//! due [`THRESHOLDS`] days (60, 30, 7) before a credential expires.
//!
//! Sending is the caller's job and happens at most once per reminder: every reminder has a
//! stable key, the caller records the keys it has sent, and [`reminders_to_send`] leaves
//! those out. Only the nearest threshold is ever offered, so a clinician who was away for
//! weeks gets one reminder, not a backlog.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{Credential, Credentials, Grant, Profession};

/// Days before expiry at which a reminder is due, furthest first.
pub const THRESHOLDS: [u32; 3] = [60, 30, 7];

/// A reminder that a credential expires soon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    /// The credential's position in the credentials file.
    pub index: usize,
    pub credential: Credential,
    /// The threshold this reminder is for: one of [`THRESHOLDS`].
    pub threshold_days: u32,
    /// `expires - today`: 0 on the expiry day itself, when the credential is still valid.
    pub days_left: i64,
    /// `{credential key}|{expires}|{threshold}`: the same reminder always has the same key,
    /// and a renewed credential (a new expiry date) gets new ones.
    pub key: String,
}

/// A credential that expired recently, for the dashboard's "lapsed" list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lapsed {
    pub index: usize,
    pub credential: Credential,
    /// Days since the expiry date: 1 on the day after it.
    pub days_ago: i64,
}

/// A stable name for a credential: kind, where it applies, profession, and the title and
/// number when the file gives them, e.g. `license:US-MA:social_work:LICSW:123456`.
/// Free text is percent-escaped so it cannot forge a separator.
pub fn credential_key(c: &Credential, profession: Profession) -> String {
    let place = match &c.grant {
        Grant::License { jurisdiction } => jurisdiction.to_string(),
        Grant::CompactPrivilege {
            compact,
            jurisdiction,
        } => format!("{compact}:{jurisdiction}"),
        Grant::CompactAuthorization { compact, home } => format!("{compact}:{home}"),
        Grant::TemporaryPermit {
            jurisdiction,
            starts,
        } => format!("{jurisdiction}:{starts}"),
    };
    let free = |s: &Option<String>| s.as_deref().map(escape).unwrap_or_default();
    format!(
        "{}:{place}:{profession}:{}:{}",
        c.kind(),
        free(&c.title),
        free(&c.number)
    )
}

/// The idempotency key of one reminder.
pub fn reminder_key(c: &Credential, profession: Profession, threshold_days: u32) -> String {
    format!(
        "{}|{}|{threshold_days}",
        credential_key(c, profession),
        c.expires
    )
}

/// Percent-escapes the key separators in free text, so it cannot forge a separator.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '%' | '|' | ':' => out.push_str(&format!("%{:02X}", u32::from(ch))),
            c => out.push(c),
        }
    }
    out
}

/// The nearest threshold due on `today` for a credential that expires on `expires`: the
/// smallest `T` with `expires - today <= T`, while the credential is still valid.
pub(crate) fn due_threshold(expires: NaiveDate, today: NaiveDate) -> Option<(u32, i64)> {
    let days_left = (expires - today).num_days();
    if days_left < 0 {
        return None;
    }
    THRESHOLDS
        .iter()
        .rev()
        .find(|&&t| days_left <= i64::from(t))
        .map(|&t| (t, days_left))
}

/// For each credential that has one, the reminder to send now: the nearest threshold due,
/// never an earlier one it has overtaken. In file order.
pub fn reminders_due(creds: &Credentials, today: NaiveDate) -> Vec<Reminder> {
    creds
        .credentials()
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let (threshold_days, days_left) = due_threshold(c.expires, today)?;
            let profession = c.profession.unwrap_or(creds.profession());
            Some(Reminder {
                index,
                credential: c.clone(),
                threshold_days,
                days_left,
                key: reminder_key(c, profession, threshold_days),
            })
        })
        .collect()
}

/// [`reminders_due`] less those already sent. `sent` answers whether a key was recorded;
/// a reminder is also held back when a nearer threshold for the same expiry was already
/// sent (a clock set back must not bring an older reminder after a newer one). A
/// credential listed twice gets one reminder: each key appears once.
pub fn reminders_to_send(
    creds: &Credentials,
    today: NaiveDate,
    sent: impl Fn(&str) -> bool,
) -> Vec<Reminder> {
    let mut keys = BTreeSet::new();
    reminders_due(creds, today)
        .into_iter()
        .filter(|r| {
            let profession = r.credential.profession.unwrap_or(creds.profession());
            !THRESHOLDS
                .iter()
                .filter(|&&t| t <= r.threshold_days)
                .any(|&t| sent(&reminder_key(&r.credential, profession, t)))
        })
        .filter(|r| keys.insert(r.key.clone()))
        .collect()
}

/// Credentials that expired within the last `within_days` days (1 = yesterday only), in
/// file order. A credential is valid through its whole expiry day, so it is lapsed from
/// the day after.
pub fn lapsed(creds: &Credentials, today: NaiveDate, within_days: u32) -> Vec<Lapsed> {
    creds
        .credentials()
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let days_ago = (today - c.expires).num_days();
            (1..=i64::from(within_days))
                .contains(&days_ago)
                .then(|| Lapsed {
                    index,
                    credential: c.clone(),
                    days_ago,
                })
        })
        .collect()
}
