//! Continuing education (NASW/ASWB Technology Standard 10): a clinician records the CE
//! activities they complete, keeps each certificate in Alcove as a backup ("in case of
//! technology failure"), and sees for every licence in the credentials register how far the
//! current renewal cycle's requirement is met. The rules live in `alcove_domain::ce`; this
//! module reads forms, keeps documents and shows.
//!
//! Storage: each activity is a versioned `DocKind::CeActivity` document (plain: CE records are
//! professional, not clinical) owned by the clinician and keyed by a random activity id; an
//! edit is a new version and a removal a tombstone version, so the history stays. The
//! certificate file is a `DocKind::CeCertificate` document under the same owner and key,
//! sealed with the practice key by `services::documents`.

mod form;
pub mod labels;
mod pages;

use alcove_domain::ce::{ActivityError, ActivityForm, CeActivity, LicenceRef};
use alcove_domain::{Role, UserId};
use alcove_store::{DocKind, Owner};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use form::{check_certificate, CertError};

use crate::auth::extract::{Actor, Denied, Why};
use crate::auth::Identity;
use crate::routes::RouteTable;
use crate::services::DocError;
use crate::state::AppState;

/// Largest certificate file accepted: a scanned page or an exported PDF fits easily.
pub const CERTIFICATE_MAX_BYTES: usize = 5 * 1024 * 1024;

/// The body limit of the two upload routes: the largest certificate and room for the form's
/// text fields and the multipart framing. A little over the file limit, so a file slightly too
/// large is refused by the form with its size named rather than by a bare 413.
pub const UPLOAD_BODY_LIMIT: usize = CERTIFICATE_MAX_BYTES + 512 * 1024;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/ce", pages::ce_page)
        .post_upload("/ce", pages::record, UPLOAD_BODY_LIMIT)
        .get("/ce/{activity}/edit", pages::edit_page)
        .post_upload("/ce/{activity}", pages::update, UPLOAD_BODY_LIMIT)
        .post("/ce/{activity}/remove", pages::remove)
        .get("/ce/{activity}/certificate", pages::certificate)
        .get("/admin/ce", pages::admin_page)
}

/// What a certificate file is, decided from its first bytes (never from the name or the type
/// the browser claims).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    Pdf,
    Png,
    Jpeg,
}

impl CertKind {
    /// The signatures: PDF `%PDF-` (ISO 32000-1 §7.5.2), PNG's 8-byte signature (RFC 2083 §3.1),
    /// JPEG's SOI marker followed by another marker (`FF D8 FF`, ITU T.81 Annex B).
    pub fn sniff(bytes: &[u8]) -> Option<CertKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(CertKind::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(CertKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(CertKind::Jpeg)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            CertKind::Pdf => "application/pdf",
            CertKind::Png => "image/png",
            CertKind::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            CertKind::Pdf => "pdf",
            CertKind::Png => "png",
            CertKind::Jpeg => "jpg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertKind::Pdf => "PDF",
            CertKind::Png => "PNG",
            CertKind::Jpeg => "JPEG",
        }
    }
}

/// The certificate an activity version refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateMeta {
    pub kind: CertKind,
    pub bytes: usize,
}

/// A CE activity as stored: the checked values in the form's words, so reading it back goes
/// through the same parser as the form did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRecord {
    pub provider: String,
    /// Empty when there is none.
    pub provider_approval_number: String,
    pub title: String,
    pub completed_on: NaiveDate,
    pub hours: String,
    pub category: String,
    pub format: String,
    pub certificate: Option<CertificateMeta>,
    /// The licence the activity counts towards (Standard 10). Absent, as in every activity
    /// recorded before the choice existed: every licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts_towards: Option<LicenceRef>,
}

impl ActivityRecord {
    pub fn new(a: &CeActivity, certificate: Option<CertificateMeta>) -> Self {
        Self {
            provider: a.provider().to_owned(),
            provider_approval_number: a.provider_approval_number().unwrap_or_default().to_owned(),
            title: a.title().to_owned(),
            completed_on: a.completed_on(),
            hours: a.hours().to_string(),
            category: a.category().as_str().to_owned(),
            format: a.format().as_str().to_owned(),
            certificate,
            counts_towards: a.counts_towards().cloned(),
        }
    }

    /// Reads the stored values back through the domain's parser (no date is in the future of
    /// `NaiveDate::MAX`; it was checked against the day it was recorded).
    pub fn activity(&self) -> Result<CeActivity, ActivityError> {
        let date = self.completed_on.to_string();
        CeActivity::parse(
            &ActivityForm {
                provider: &self.provider,
                provider_approval_number: &self.provider_approval_number,
                title: &self.title,
                completed_on: &date,
                hours: &self.hours,
                category: &self.category,
                format: &self.format,
            },
            NaiveDate::MAX,
        )
        .map(|a| a.counting_towards(self.counts_towards.clone()))
    }
}

/// One version of an activity document: recorded (or changed), or removed. A removal is a
/// version of its own, so the history keeps what was there and who removed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StoredActivity {
    /// Boxed: a removal carries nothing, and most versions are recordings.
    Recorded(Box<ActivityRecord>),
    Removed,
}

/// A current (not removed) activity of one clinician.
#[derive(Clone, Debug)]
pub struct Activity {
    pub id: String,
    pub owner: UserId,
    pub version: i64,
    pub at: DateTime<Utc>,
    pub record: ActivityRecord,
    pub activity: CeActivity,
}

#[derive(Debug, thiserror::Error)]
pub enum CeError {
    #[error(transparent)]
    Docs(#[from] DocError),
    /// A stored activity the parser now refuses: shown as an error, never guessed at.
    #[error("a stored CE activity does not read back: {0}")]
    Unreadable(String),
}

impl From<CeError> for crate::error::PageError {
    fn from(e: CeError) -> Self {
        tracing::error!(error = %e, "continuing education");
        crate::error::PageError::internal()
    }
}

fn current(
    owner: UserId,
    v: crate::services::Version<StoredActivity>,
) -> Result<Option<Activity>, CeError> {
    match v.value {
        StoredActivity::Removed => Ok(None),
        StoredActivity::Recorded(record) => {
            let record = *record;
            let activity = record
                .activity()
                .map_err(|e| CeError::Unreadable(format!("{}: {e}", v.key)))?;
            Ok(Some(Activity {
                id: v.key,
                owner,
                version: v.version,
                at: v.at,
                record,
                activity,
            }))
        }
    }
}

/// A clinician's current activities, newest first (by completion date, then by when recorded).
pub async fn activities_of(state: &AppState, who: UserId) -> Result<Vec<Activity>, CeError> {
    let mut out = Vec::new();
    for v in state
        .docs
        .all::<StoredActivity>(DocKind::CeActivity, Some(Owner::User(who)))
        .await?
    {
        if let Some(a) = current(who, v)? {
            out.push(a);
        }
    }
    out.sort_by(|a, b| {
        (b.record.completed_on, b.at, &b.id).cmp(&(a.record.completed_on, a.at, &a.id))
    });
    Ok(out)
}

/// One activity of one clinician, if it exists and is not removed.
pub async fn activity(
    state: &AppState,
    who: UserId,
    id: &str,
) -> Result<Option<Activity>, CeError> {
    match state
        .docs
        .latest::<StoredActivity>(DocKind::CeActivity, Owner::User(who), id)
        .await?
    {
        None => Ok(None),
        Some(v) => current(who, v),
    }
}

/// Activity ids are random UUIDs; anything else is not one (and is never looked up).
fn activity_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|u| u.to_string())
}

/// Who keeps a CE record: clinicians, and supervisors for themselves (Standard 10 applies to
/// every licensed social worker). Admins see the practice's view at `/admin/ce`.
#[derive(Clone, Debug)]
pub struct CeActor(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for CeActor {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Denied> {
        let Actor(id) = Actor::from_request_parts(parts, state).await?;
        if matches!(id.role, Role::Clinician | Role::Supervisor) {
            Ok(CeActor(id))
        } else {
            Err(Denied::from_parts(parts, Why::Forbidden))
        }
    }
}

/// The caller's own activity named in the path. Someone else's activity, a removed one and
/// one that never existed all answer 404 alike.
pub struct OwnActivity {
    pub who: Identity,
    pub activity: Activity,
}

impl FromRequestParts<AppState> for OwnActivity {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        let CeActor(who) = CeActor::from_request_parts(parts, state).await?;
        let not_found = |parts: &Parts| Denied::from_parts(parts, Why::NotFound);
        let Ok(Path(raw)) = Path::<String>::from_request_parts(parts, state).await else {
            return Err(not_found(parts));
        };
        let id = activity_id(&raw).ok_or_else(|| not_found(parts))?;
        match activity(state, who.user_id, &id).await {
            Ok(Some(activity)) => Ok(OwnActivity { who, activity }),
            Ok(None) => Err(not_found(parts)),
            Err(e) => {
                tracing::error!(error = %e, "continuing education");
                Err(Denied::from_parts(parts, Why::Internal))
            }
        }
    }
}

/// May download an activity's certificate: its owner, or an admin (who keeps the practice's
/// records for a board audit). Anyone else who may keep CE records gets 404, as if there
/// were nothing; other roles get 403.
pub struct CertificateAccess {
    pub who: Identity,
    pub activity: Activity,
}

impl FromRequestParts<AppState> for CertificateAccess {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Denied> {
        let Actor(who) = Actor::from_request_parts(parts, state).await?;
        if !matches!(who.role, Role::Clinician | Role::Supervisor | Role::Admin) {
            return Err(Denied::from_parts(parts, Why::Forbidden));
        }
        let not_found = |parts: &Parts| Denied::from_parts(parts, Why::NotFound);
        let Ok(Path(raw)) = Path::<String>::from_request_parts(parts, state).await else {
            return Err(not_found(parts));
        };
        let id = activity_id(&raw).ok_or_else(|| not_found(parts))?;
        let found = if who.role == Role::Admin {
            find_any(state, &id).await
        } else {
            activity(state, who.user_id, &id).await
        };
        match found {
            Ok(Some(activity)) if activity.record.certificate.is_some() => {
                Ok(CertificateAccess { who, activity })
            }
            Ok(_) => Err(not_found(parts)),
            Err(e) => {
                tracing::error!(error = %e, "continuing education");
                Err(Denied::from_parts(parts, Why::Internal))
            }
        }
    }
}

/// An activity by id, whoever owns it (for admins).
async fn find_any(state: &AppState, id: &str) -> Result<Option<Activity>, CeError> {
    for v in state
        .docs
        .all::<StoredActivity>(DocKind::CeActivity, None)
        .await?
    {
        if v.key == id {
            if let Owner::User(owner) = v.owner {
                return current(owner, v);
            }
        }
    }
    Ok(None)
}
