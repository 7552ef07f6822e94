use alcove_domain::transmission::{Channel, Choice, RequestError, TransmissionRequest};
use alcove_store::{ClientRecord, DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{channel_name, channel_risks, history, purpose_name, TransmissionError, KEY};
use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// "Email: appointment reminders".
pub fn choice_label(tr: &Tr, c: &Choice) -> String {
    tr.t2(
        "edt-choice",
        ("channel", channel_name(tr, c.channel)),
        ("purpose", purpose_name(tr, c.purpose)),
    )
}

/// Each accepted pair in words, in form order; empty for "only the portal".
pub fn summary_of(tr: &Tr, r: &TransmissionRequest) -> Vec<String> {
    r.accepted().map(|c| choice_label(tr, c)).collect()
}

pub struct PurposeBox {
    pub value: String,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

pub struct ChannelBox {
    pub key: &'static str,
    pub name: String,
    pub risks: String,
    pub purposes: Vec<PurposeBox>,
}

pub struct HistoryRow {
    pub version: i64,
    pub signed_on: String,
    pub signed_by: String,
    pub saved_at: String,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "transmission/request.html")]
struct RequestPage {
    c: Chrome,
    name_on_record: String,
    portal_risks: String,
    channels: Vec<ChannelBox>,
    current: Option<(i64, String, String, Vec<String>)>,
    after: i64,
    history: Vec<HistoryRow>,
    saved: Option<i64>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<i64>,
}

async fn own_record(state: &AppState, who: &Identity) -> Result<ClientRecord, PageError> {
    state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)
}

/// Builds the page from the stored versions; `ticked` overrides the boxes (a refused form is
/// shown again as the client left it).
async fn build(
    state: &AppState,
    c: Chrome,
    me: &ClientRecord,
    who: &Identity,
    ticked: Option<Vec<Choice>>,
    saved: Option<i64>,
    error: Option<String>,
) -> Result<RequestPage, PageError> {
    // Logged before the sealed versions are opened: the client's own views show too.
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "transmission.view",
            Some(me.id),
            &format!("transmission:{}", me.id),
        )
        .await?;
    let versions: Vec<Version<TransmissionRequest>> = history(state, me.id).await?;
    let latest = versions.last();
    let is_ticked = |ch: &Choice| match &ticked {
        Some(t) => t.contains(ch),
        None => latest.is_some_and(|v| v.value.accepts(ch.channel, ch.purpose)),
    };
    let tr = &c.tr;
    let channels = Channel::ALL
        .into_iter()
        .filter(|ch| !ch.choosable().is_empty())
        .map(|ch| ChannelBox {
            key: ch.as_str(),
            name: channel_name(tr, ch),
            risks: channel_risks(tr, ch),
            purposes: ch
                .choosable()
                .into_iter()
                .map(|p| {
                    let choice = Choice::new(ch, p);
                    PurposeBox {
                        value: choice.key(),
                        id: format!("accept-{}-{}", ch.as_str(), p.as_str()),
                        label: purpose_name(tr, p),
                        checked: is_ticked(&choice),
                    }
                })
                .collect(),
        })
        .collect();
    let mut rows = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| &versions[j].value);
        let ch = v.value.changes_from(before);
        let mut changes: Vec<String> = Vec::new();
        if i == 0 && ch.is_empty() {
            changes.push(tr.t("edt-change-portal-only"));
        } else if ch.is_empty() {
            changes.push(tr.t("edt-change-none"));
        }
        for a in &ch.added {
            changes.push(tr.t1("edt-change-added", "choice", choice_label(tr, a)));
        }
        for r in &ch.removed {
            changes.push(tr.t1("edt-change-removed", "choice", choice_label(tr, r)));
        }
        rows.push(HistoryRow {
            version: v.version,
            signed_on: v.value.signed_on().to_string(),
            signed_by: v.value.signed_by().to_owned(),
            saved_at: when(&v.at),
            changes,
        });
    }
    rows.reverse();
    let current = latest.map(|v| {
        (
            v.version,
            v.value.signed_on().to_string(),
            v.value.signed_by().to_owned(),
            summary_of(tr, &v.value),
        )
    });
    Ok(RequestPage {
        portal_risks: channel_risks(tr, Channel::Portal),
        name_on_record: me.name.clone(),
        channels,
        after: latest.map_or(0, |v| v.version),
        current,
        history: rows,
        saved,
        error,
        c,
    })
}

/// The client's Request for Electronic Data Transmission: each channel with its risks, the
/// choices on file, a form to sign new ones, and every signed version.
pub async fn page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let page = build(&state, c, &me, &who, None, q.saved, None).await?;
    Ok(render(&page)?.into_response())
}

fn error_key(e: &RequestError) -> &'static str {
    match e {
        RequestError::Unknown(_) | RequestError::NotOffered(_) => "edt-error-not-offered",
        RequestError::Unsigned => "edt-error-unsigned",
        RequestError::SignatureTooLong | RequestError::SignatureControlCharacters => {
            "edt-error-signature"
        }
        RequestError::NameMismatch => "edt-error-name-mismatch",
    }
}

/// Signs a new version. The form is read as pairs because a checkbox group repeats its name.
pub async fn sign(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let after: i64 = field("after").trim().parse().unwrap_or(0);
    let parsed: Result<Vec<Choice>, RequestError> = fields
        .iter()
        .filter(|(k, _)| k == "accept")
        .map(|(_, v)| v.parse::<Choice>())
        .collect();
    let ticked: Vec<Choice> = parsed.clone().unwrap_or_default();
    let today = state.clock.now().date_naive();
    let request = parsed.and_then(|choices| {
        TransmissionRequest::sign(choices, field("signature"), &me.name, today)
    });
    let refuse = |status: StatusCode, key: &'static str, c: Chrome, ticked| {
        let state = state.clone();
        let me = me.clone();
        let who = who.clone();
        async move {
            let msg = c.t(key);
            let page = build(&state, c, &me, &who, Some(ticked), None, Some(msg)).await?;
            Ok::<Response, PageError>((status, render(&page)?).into_response())
        }
    };
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, error_key(&e), c, ticked).await;
        }
    };
    let saved = state
        .docs
        .save(
            DocKind::TransmissionConsent,
            Owner::Client(me.id),
            KEY,
            after,
            &request,
            Some(who.user_id),
        )
        .await;
    let version = match saved {
        Ok(v) => v,
        Err(DocError::Changed) => {
            return refuse(StatusCode::CONFLICT, "edt-error-changed", c, ticked).await;
        }
        Err(e) => return Err(TransmissionError::from(e).into()),
    };
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "transmission.changed",
            Some(me.id),
            &format!("transmission:{}:v{version}", me.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/me/electronic-data?saved={version}#history")).into_response())
}
