//! Release-of-information authorisations (issue 5, part 7; Standards 7 and 8: "any
//! authorizations for information disclosure"; "revocation at any time"; "revoked
//! authorisations stop the disclosure they covered").
//!
//! The client makes one at `/me/releases`: recipient, purpose, scope and the last day it is in
//! force. Its text is the practice's release template with those filled in
//! (`ReleaseAuthorisation::document`), and the client signs exactly that text (kept with the
//! authorisation, so its PDF shows what was signed). The client may revoke it at any time.
//! The care team sees them at `/clients/{client}/releases`, and records a disclosure there:
//! a disclosure is recorded only while the authorisation is in force (not revoked, not past
//! its end date); otherwise it is refused, saying why. Every step is audited; nothing of what
//! was disclosed goes into the audit log.

use alcove_domain::consent::{
    ConsentDocument, ConsentError, ConsentKind, ReleaseAuthorisation, ReleaseForm, Signature,
    SignerRole,
};
use alcove_domain::policy::{blocks, Block};
use alcove_domain::{ClientId, UserId};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::current;
use super::consent::pdf::{labels, pdf_response, signed_copy};
use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// Longest description of what was disclosed.
pub const MAX_WHAT: usize = 500;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/releases", client_page)
        .post("/me/releases", create)
        .post("/me/releases/{release}/revoke", revoke)
        .get("/me/releases/{release}/pdf", pdf)
        .get("/clients/{client}/releases", team_page)
        .post("/clients/{client}/releases/disclose", disclose)
}

/// One disclosure made under an authorisation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Disclosure {
    pub at: DateTime<Utc>,
    pub by: UserId,
    /// What was sent, in the clinician's words (kept sealed, never logged).
    pub what: String,
}

/// An authorisation as stored (sealed with the client's key; every change a new version).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredRelease {
    pub authorisation: ReleaseAuthorisation,
    /// The exact text the client signed.
    pub document: ConsentDocument,
    pub signature: Signature,
    pub disclosures: Vec<Disclosure>,
}

/// Why a disclosure may not happen now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotInForce {
    Revoked(DateTime<Utc>),
    Expired(NaiveDate),
}

impl StoredRelease {
    pub fn in_force(&self, today: NaiveDate) -> Result<(), NotInForce> {
        if let Some(at) = self.authorisation.revoked_at {
            return Err(NotInForce::Revoked(at));
        }
        if !self.authorisation.is_active(today) {
            return Err(NotInForce::Expired(self.authorisation.expires));
        }
        Ok(())
    }
}

async fn me(state: &AppState, who: &Identity) -> Result<ClientId, PageError> {
    Ok(state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?
        .id)
}

async fn all(state: &AppState, client: ClientId) -> Result<Vec<Version<StoredRelease>>, PageError> {
    let mut v: Vec<Version<StoredRelease>> = state
        .docs
        .all(DocKind::ReleaseAuthorisation, Some(Owner::Client(client)))
        .await?;
    v.sort_by_key(|r| std::cmp::Reverse(r.value.signature.at));
    Ok(v)
}

async fn one(
    state: &AppState,
    client: ClientId,
    id: &str,
) -> Result<Version<StoredRelease>, PageError> {
    let id: Uuid = id.parse().map_err(|_| PageError::not_found())?;
    state
        .docs
        .latest(
            DocKind::ReleaseAuthorisation,
            Owner::Client(client),
            &id.to_string(),
        )
        .await?
        .ok_or_else(PageError::not_found)
}

/// One authorisation as a row on either page.
pub struct Row {
    pub id: String,
    pub recipient: String,
    pub purpose: String,
    pub scope: String,
    pub expires: String,
    pub signed: String,
    /// "In force", "Revoked on ..." or "Ended on ...".
    pub status: String,
    pub active: bool,
    /// (when, what) of each disclosure.
    pub disclosures: Vec<(String, String)>,
}

fn status_text(c: &Chrome, r: &StoredRelease, today: NaiveDate) -> (String, bool) {
    match r.in_force(today) {
        Ok(()) => (c.t("release-status-active"), true),
        Err(NotInForce::Revoked(at)) => (c.t1("release-status-revoked", "at", when(&at)), false),
        Err(NotInForce::Expired(d)) => (c.t1("release-status-expired", "date", d), false),
    }
}

fn rows(c: &Chrome, list: &[Version<StoredRelease>], today: NaiveDate) -> Vec<Row> {
    list.iter()
        .map(|v| {
            let r = &v.value;
            let (status, active) = status_text(c, r, today);
            Row {
                id: v.key.clone(),
                recipient: r.authorisation.recipient.clone(),
                purpose: r.authorisation.purpose.clone(),
                scope: r.authorisation.scope.clone(),
                expires: r.authorisation.expires.to_string(),
                signed: when(&r.signature.at),
                status,
                active,
                disclosures: r
                    .disclosures
                    .iter()
                    .map(|d| (when(&d.at), d.what.clone()))
                    .collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "onboarding/releases.html")]
struct ClientPage {
    c: Chrome,
    rows: Vec<Row>,
    template_title: String,
    template: Vec<Block>,
    form: (String, String, String, String, String),
    notice: Option<String>,
    errors: Vec<String>,
    /// The text shown is the client's own, filled in with their answers ("Show the text with
    /// my answers"): exactly what signing will sign.
    previewing: bool,
}

/// The release template with its placeholders shown as the fields the client fills in.
async fn template_view(state: &AppState, c: &Chrome) -> Result<(String, Vec<Block>), PageError> {
    let Some(t) = current(state, ConsentKind::ReleaseOfInformation).await? else {
        return Ok((String::new(), Vec::new()));
    };
    let body = t
        .body
        .replace("{{recipient}}", &format!("[{}]", c.t("release-recipient")))
        .replace("{{purpose}}", &format!("[{}]", c.t("release-purpose")))
        .replace("{{scope}}", &format!("[{}]", c.t("release-scope")))
        .replace("{{expires}}", &format!("[{}]", c.t("release-expires")));
    Ok((t.title, blocks(&body)))
}

async fn client_view(
    state: &AppState,
    who: &Identity,
    c: Chrome,
    form: (String, String, String, String, String),
    notice: Option<String>,
    errors: Vec<String>,
    filled: Option<ConsentDocument>,
) -> Result<ClientPage, PageError> {
    let client = me(state, who).await?;
    let today = state.clock.now().date_naive();
    let list = all(state, client).await?;
    let previewing = filled.is_some();
    let (template_title, template) = match filled {
        Some(doc) => (doc.title, blocks(&doc.body)),
        None => template_view(state, &c).await?,
    };
    Ok(ClientPage {
        previewing,
        rows: rows(&c, &list, today),
        template_title,
        template,
        form,
        notice,
        errors,
        c,
    })
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The client's authorisations, and the form to make one.
pub async fn client_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("created") => Some(c.t("release-created")),
        Some("revoked") => Some(c.t("release-revoked")),
        _ => None,
    };
    let page = client_view(
        &state,
        &who,
        c,
        Default::default(),
        notice,
        Vec::new(),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    agree: Option<String>,
    /// "preview" shows the text filled in with the answers, signing nothing.
    #[serde(default)]
    action: String,
}

fn error_key(e: &ConsentError) -> &'static str {
    match e {
        ConsentError::ReleaseFieldMissing("recipient") => "release-error-recipient",
        ConsentError::ReleaseFieldMissing("purpose") => "release-error-purpose",
        ConsentError::ReleaseFieldMissing(_) => "release-error-scope",
        ConsentError::ReleaseFieldTooLong(_) => "release-error-too-long",
        ConsentError::ExpiresMissing => "release-error-expires",
        ConsentError::ExpiresInPast => "release-error-expires-past",
        ConsentError::SignerNameMissing => "consent-error-name-missing",
        ConsentError::SignerNameTooLong => "consent-error-name-too-long",
        ConsentError::NotAgreed => "consent-error-not-agreed",
        _ => "error-bad-request",
    }
}

/// Makes and signs an authorisation (audited as `release.authorised`).
pub async fn create(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<CreateForm>,
) -> Result<Response, PageError> {
    let client = me(&state, &who).await?;
    let now = state.clock.now();
    let today = now.date_naive();
    let form = (
        f.recipient.clone(),
        f.purpose.clone(),
        f.scope.clone(),
        f.expires.clone(),
        f.name.clone(),
    );
    let parsed = ReleaseAuthorisation::parse(
        &ReleaseForm {
            recipient: &f.recipient,
            purpose: &f.purpose,
            scope: &f.scope,
            expires: &f.expires,
        },
        today,
    );
    let template = current(&state, ConsentKind::ReleaseOfInformation)
        .await?
        .ok_or_else(PageError::internal)?;
    if f.action == "preview" {
        // The text with the client's answers, before they sign it; nothing is stored.
        let filled = parsed.and_then(|a| a.document(&template).map_err(|e| vec![e]));
        return Ok(match filled {
            Ok(doc) => {
                let page = client_view(&state, &who, c, form, None, Vec::new(), Some(doc)).await?;
                render(&page)?.into_response()
            }
            Err(errs) => {
                let errors = errs.iter().map(|e| c.t(error_key(e))).collect();
                let page = client_view(&state, &who, c, form, None, errors, None).await?;
                (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response()
            }
        });
    }
    let (auth, doc, sig) = match parsed {
        Err(errs) => (None, None, Err(errs)),
        Ok(a) => match a.document(&template) {
            Err(e) => (None, None, Err(vec![e])),
            Ok(doc) => {
                let sig =
                    Signature::sign(&doc, &f.name, f.agree.is_some(), SignerRole::Client, now);
                (Some(a), Some(doc), sig)
            }
        },
    };
    let (Some(authorisation), Some(document), Ok(signature)) = (auth, doc, sig.clone()) else {
        let mut errors: Vec<String> = Vec::new();
        if let Err(errs) = &sig {
            errors.extend(errs.iter().map(|e| c.t(error_key(e))));
        }
        // Field errors hide the signature's; show those too when the fields were fine.
        if f.name.trim().is_empty()
            && !errors
                .iter()
                .any(|e| *e == c.t(error_key(&ConsentError::SignerNameMissing)))
        {
            errors.push(c.t(error_key(&ConsentError::SignerNameMissing)));
        }
        if f.agree.is_none()
            && !errors
                .iter()
                .any(|e| *e == c.t(error_key(&ConsentError::NotAgreed)))
        {
            errors.push(c.t(error_key(&ConsentError::NotAgreed)));
        }
        let page = client_view(&state, &who, c, form, None, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let id = Uuid::new_v4().to_string();
    let stored = StoredRelease {
        authorisation,
        document,
        signature,
        disclosures: Vec::new(),
    };
    state
        .docs
        .save(
            DocKind::ReleaseAuthorisation,
            Owner::Client(client),
            &id,
            0,
            &stored,
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "release.authorised",
            Some(client),
            &format!("release:{id}:{}", stored.document.content_hash),
        )
        .await?;
    Ok(Redirect::to("/me/releases?done=created").into_response())
}

/// Revokes an authorisation at once (audited as `release.revoked`).
pub async fn revoke(
    ClientActor(who): ClientActor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = me(&state, &who).await?;
    let v = one(&state, client, &id).await?;
    if v.value.authorisation.revoked_at.is_none() {
        let mut r = v.value.clone();
        r.authorisation.revoke(state.clock.now());
        save_after(&state, client, &v, &r, who.user_id).await?;
        state
            .audit
            .record(
                By::User(who.user_id, who.role),
                "release.revoked",
                Some(client),
                &format!("release:{}", v.key),
            )
            .await?;
    }
    Ok(Redirect::to("/me/releases?done=revoked").into_response())
}

/// Saves the next version; a change made meanwhile (a revocation racing a disclosure) is
/// re-read and refused rather than overwritten.
async fn save_after(
    state: &AppState,
    client: ClientId,
    v: &Version<StoredRelease>,
    next: &StoredRelease,
    author: UserId,
) -> Result<(), PageError> {
    match state
        .docs
        .save(
            DocKind::ReleaseAuthorisation,
            Owner::Client(client),
            &v.key,
            v.version,
            next,
            Some(author),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(DocError::Changed) => Err(PageError::new(StatusCode::CONFLICT, "release-changed")),
        Err(e) => Err(e.into()),
    }
}

/// The client's PDF of the authorisation they signed (audited).
pub async fn pdf(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = me(&state, &who).await?;
    let v = one(&state, client, &id).await?;
    let user = state.store.user_by_id(who.user_id).await?;
    let account = format!("{} <{}>", user.name, user.email.as_str());
    let r = &v.value;
    let l = labels(
        &c,
        &state.config.practice_name,
        &r.document,
        &r.signature,
        Some(&account),
    );
    let bytes = signed_copy(&r.document, &l).map_err(|e| {
        tracing::error!(error = %e, "release PDF could not be written");
        PageError::internal()
    })?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "consent.pdf_downloaded",
            Some(client),
            &format!("release:{}:{}", v.key, r.document.content_hash),
        )
        .await?;
    Ok(pdf_response(bytes, "release-of-information-signed.pdf"))
}

#[derive(Template)]
#[template(path = "onboarding/releases_team.html")]
struct TeamPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    rows: Vec<Row>,
    notice: Option<String>,
    error: Option<String>,
}

async fn team_view(
    state: &AppState,
    access: &CareTeamClient,
    c: Chrome,
    notice: Option<String>,
    error: Option<String>,
) -> Result<TeamPage, PageError> {
    let today = state.clock.now().date_naive();
    let list = all(state, access.client.id).await?;
    Ok(TeamPage {
        client_id: access.client.id.to_string(),
        client_name: access.client.name.clone(),
        rows: rows(&c, &list, today),
        notice,
        error,
        c,
    })
}

#[derive(Deserialize)]
pub struct TeamDone {
    disclosed: Option<String>,
}

/// The care team's view of a client's authorisations and the disclosures made under them.
pub async fn team_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<TeamDone>,
) -> Result<Response, PageError> {
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "record.view",
            Some(access.client.id),
            &format!("client:{}:releases", access.client.id),
        )
        .await?;
    let notice = q.disclosed.map(|_| c.t("release-disclosed"));
    let page = team_view(&state, &access, c, notice, None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct DiscloseForm {
    /// The authorisation's id (`CareTeamClient` owns the path; the id travels in the form).
    #[serde(default)]
    release: String,
    #[serde(default)]
    what: String,
}

/// Records that records were sent to the authorisation's recipient — only while it is in
/// force. A revoked or ended authorisation refuses, saying why (audited either way).
pub async fn disclose(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<DiscloseForm>,
) -> Result<Response, PageError> {
    let client = access.client.id;
    let who = &access.actor;
    let by = By::User(who.user_id, who.role);
    if f.release.trim().is_empty() {
        let msg = c.t("release-error-which");
        let page = team_view(&state, &access, c, None, Some(msg)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let v = one(&state, client, f.release.trim()).await?;
    let now = state.clock.now();
    if let Err(why) = v.value.in_force(now.date_naive()) {
        state
            .audit
            .record(
                by,
                "release.disclosure_refused",
                Some(client),
                &format!("release:{}", v.key),
            )
            .await?;
        let msg = match why {
            NotInForce::Revoked(at) => c.t1("release-refused-revoked", "at", when(&at)),
            NotInForce::Expired(d) => c.t1("release-refused-expired", "date", d),
        };
        let page = team_view(&state, &access, c, None, Some(msg)).await?;
        return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
    }
    let what: String = f.what.trim().chars().filter(|c| !c.is_control()).collect();
    if what.is_empty() || what.chars().count() > MAX_WHAT {
        let msg = c.t("release-error-what");
        let page = team_view(&state, &access, c, None, Some(msg)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let mut next = v.value.clone();
    next.disclosures.push(Disclosure {
        at: now,
        by: who.user_id,
        what,
    });
    save_after(&state, client, &v, &next, who.user_id).await?;
    state
        .audit
        .record(
            by,
            "release.disclosed",
            Some(client),
            &format!("release:{}", v.key),
        )
        .await?;
    Ok(Redirect::to(&format!("/clients/{client}/releases?disclosed=1")).into_response())
}

/// Demo: Alex Rivera lets the practice tell his family doctor that he attends (so the matrix
/// and a visitor have one authorisation to look at).
pub async fn seed_demo(state: &AppState) -> Result<(), PageError> {
    let now = state.clock.now();
    for user in state.store.list_users().await? {
        if user.name != "Alex Rivera" {
            continue;
        }
        let Some(client) = state.store.client_by_user(user.id).await? else {
            continue;
        };
        if !all(state, client.id).await?.is_empty() {
            continue;
        }
        let expires = (now + chrono::Duration::days(180)).date_naive().to_string();
        let Ok(authorisation) = ReleaseAuthorisation::parse(
            &ReleaseForm {
                recipient: "Dr. Morgan Patel, family doctor, Harbor Health Clinic",
                purpose: "Coordinating care",
                scope: "Dates of sessions and attendance",
                expires: &expires,
            },
            now.date_naive(),
        ) else {
            continue;
        };
        let Some(template) = current(state, ConsentKind::ReleaseOfInformation).await? else {
            continue;
        };
        let Ok(document) = authorisation.document(&template) else {
            continue;
        };
        let Ok(signature) = Signature::sign(&document, &user.name, true, SignerRole::Client, now)
        else {
            continue;
        };
        let stored = StoredRelease {
            authorisation,
            document,
            signature,
            disclosures: Vec::new(),
        };
        state
            .docs
            .save(
                DocKind::ReleaseAuthorisation,
                Owner::Client(client.id),
                &Uuid::new_v4().to_string(),
                0,
                &stored,
                Some(user.id),
            )
            .await?;
    }
    Ok(())
}
