//! Professional liability cover in the credentials register (seed 000: "Discuss your
//! professional liability coverage for Internet-based psycho-therapy with your professional
//! liability agency").
//!
//! A clinician records their policy at `/credentials/liability`; the register (`/credentials`)
//! and the admin's register (`/admin/credentials`) show it with what to take up with the
//! insurer: telehealth not explicitly covered, a jurisdiction the clinician is licensed in that
//! the policy does not list, a policy not yet in force or lapsed. The rules live in
//! `alcove_domain::liability`.
//!
//! Storage: one versioned `DocKind::LiabilityCover` document per clinician (plain: it is
//! professional, not clinical), key [`COVER_KEY`]. A renewal is a new version, so the history
//! of policies stays, and the expiry reminders (`reminders`) follow the latest one.

use alcove_domain::liability::{
    licensed_jurisdictions, CoverDateError, CoverError, CoverForm, CoverStatus, CoverWarning,
    JurisdictionsError, LiabilityCover, TelehealthCover,
};
use alcove_domain::licensure::reminders::THRESHOLDS;
use alcove_domain::licensure::Credentials;
use alcove_domain::UserId;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::{credentials_of, registry};
use crate::auth::extract::ClinicianActor;
use crate::ce::labels;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// The one liability-cover document of each clinician.
pub const COVER_KEY: &str = "cover";

/// The clinician's current cover, if they recorded one.
pub async fn cover_of(
    state: &AppState,
    clinician: UserId,
) -> Result<Option<Version<LiabilityCover>>, DocError> {
    state
        .docs
        .latest(DocKind::LiabilityCover, Owner::User(clinician), COVER_KEY)
        .await
}

/// The cover's own date at `now` (see `LiabilityCover::today`); UTC's when the licensure data
/// cannot be read.
pub fn cover_today(cover: &LiabilityCover, now: DateTime<Utc>) -> chrono::NaiveDate {
    registry().map_or(now.date_naive(), |r| cover.today(r, now))
}

fn docs_error(e: DocError) -> PageError {
    tracing::error!(error = %e, "liability cover");
    PageError::internal()
}

/// A cover as the register shows it.
pub struct CoverView {
    pub insurer: String,
    pub policy_number: String,
    pub telehealth: String,
    pub jurisdictions: String,
    pub per_claim_limit: String,
    pub aggregate_limit: String,
    pub starts: String,
    pub expires: String,
    /// `in_force`, `expiring`, `lapsed` or `not_yet` (for styling and tests).
    pub status: &'static str,
    pub status_text: String,
    pub warnings: Vec<String>,
    pub recorded: String,
}

pub fn telehealth_words(tr: &Tr, t: TelehealthCover) -> String {
    match t {
        TelehealthCover::Yes => tr.t("liability-telehealth-yes"),
        TelehealthCover::No => tr.t("liability-telehealth-no"),
        TelehealthCover::NotStated => tr.t("liability-telehealth-not-stated"),
    }
}

fn warning_words(tr: &Tr, w: &CoverWarning) -> String {
    match w {
        CoverWarning::TelehealthExcluded => tr.t("liability-warn-telehealth-excluded"),
        CoverWarning::TelehealthNotStated => tr.t("liability-warn-telehealth-not-stated"),
        CoverWarning::JurisdictionNotCovered(j) => tr.t1("liability-warn-jurisdiction", "place", j),
        CoverWarning::NotYetInForce { starts } => tr.t1("liability-warn-not-yet", "date", starts),
        CoverWarning::Lapsed { expires } => tr.t1("liability-warn-lapsed", "date", expires),
    }
}

/// The cover in words, with its warnings against the clinician's current credentials.
pub fn cover_view(
    tr: &Tr,
    v: &Version<LiabilityCover>,
    creds: Option<&Credentials>,
    now: DateTime<Utc>,
) -> CoverView {
    let cover = &v.value;
    let today = cover_today(cover, now);
    let licensed_in = creds
        .map(|c| licensed_jurisdictions(c, today))
        .unwrap_or_default();
    let expires = cover.expires().to_string();
    let warn_days = i64::from(THRESHOLDS[0]);
    let (status, status_text) = match cover.status(today) {
        CoverStatus::InForce { days_left } if days_left <= warn_days => (
            "expiring",
            tr.tn(
                "liability-status-expiring",
                &[
                    ("days", FluentValue::from(days_left)),
                    ("date", FluentValue::from(expires.clone())),
                ],
            ),
        ),
        CoverStatus::InForce { .. } => (
            "in_force",
            tr.t1("liability-status-in-force", "date", &expires),
        ),
        CoverStatus::Lapsed { .. } => {
            ("lapsed", tr.t1("liability-status-lapsed", "date", &expires))
        }
        CoverStatus::NotYetInForce { starts } => {
            ("not_yet", tr.t1("liability-status-not-yet", "date", starts))
        }
    };
    CoverView {
        insurer: cover.insurer().to_owned(),
        policy_number: cover.policy_number().to_owned(),
        telehealth: telehealth_words(tr, cover.telehealth()),
        jurisdictions: cover
            .jurisdictions()
            .iter()
            .map(|j| j.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        per_claim_limit: cover.per_claim_limit().unwrap_or_default().to_owned(),
        aggregate_limit: cover.aggregate_limit().unwrap_or_default().to_owned(),
        starts: cover.starts().to_string(),
        expires,
        status,
        status_text,
        warnings: cover
            .warnings(&licensed_in, today)
            .iter()
            .map(|w| warning_words(tr, w))
            .collect(),
        recorded: when(&v.at),
    }
}

/// The form's fields as sent, kept to show them again next to their errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CoverInput {
    #[serde(default)]
    insurer: String,
    #[serde(default)]
    policy_number: String,
    #[serde(default)]
    telehealth: String,
    #[serde(default)]
    jurisdictions: String,
    #[serde(default)]
    per_claim_limit: String,
    #[serde(default)]
    aggregate_limit: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    expires: String,
    /// The version the form was read at (0: no cover yet).
    #[serde(default)]
    version: String,
}

impl CoverInput {
    fn of(c: &LiabilityCover) -> Self {
        CoverInput {
            insurer: c.insurer().to_owned(),
            policy_number: c.policy_number().to_owned(),
            telehealth: c.telehealth().as_str().to_owned(),
            jurisdictions: c
                .jurisdictions()
                .iter()
                .map(|j| j.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            per_claim_limit: c.per_claim_limit().unwrap_or_default().to_owned(),
            aggregate_limit: c.aggregate_limit().unwrap_or_default().to_owned(),
            starts: c.starts().to_string(),
            expires: c.expires().to_string(),
            version: String::new(),
        }
    }

    fn as_form(&self) -> CoverForm<'_> {
        CoverForm {
            insurer: &self.insurer,
            policy_number: &self.policy_number,
            telehealth: &self.telehealth,
            jurisdictions: &self.jurisdictions,
            per_claim_limit: &self.per_claim_limit,
            aggregate_limit: &self.aggregate_limit,
            starts: &self.starts,
            expires: &self.expires,
        }
    }
}

fn field_label(tr: &Tr, field: &str) -> String {
    match field {
        "insurer" => tr.t("liability-insurer"),
        "policy_number" => tr.t("liability-policy-number"),
        "telehealth" => tr.t("liability-telehealth"),
        "jurisdictions" => tr.t("liability-jurisdictions"),
        "per_claim_limit" => tr.t("liability-per-claim"),
        "aggregate_limit" => tr.t("liability-aggregate"),
        "starts" => tr.t("liability-starts"),
        _ => tr.t("liability-expires"),
    }
}

/// A field's problem in words, without the field's name (it sits next to the field).
fn error_words(tr: &Tr, e: &CoverError) -> String {
    match e {
        CoverError::Insurer(t)
        | CoverError::PolicyNumber(t)
        | CoverError::PerClaimLimit(t)
        | CoverError::AggregateLimit(t) => labels::text_error(tr, t),
        CoverError::Telehealth(_) => tr.t("liability-err-telehealth"),
        CoverError::Jurisdictions(JurisdictionsError::Empty) => {
            tr.t("liability-err-jurisdictions-empty")
        }
        CoverError::Jurisdictions(JurisdictionsError::NotCodes(words)) => tr.t1(
            "liability-err-jurisdictions-codes",
            "codes",
            words.join(", "),
        ),
        CoverError::Jurisdictions(JurisdictionsError::TooMany { max }) => {
            tr.t1("liability-err-jurisdictions-too-many", "max", max)
        }
        CoverError::Starts(CoverDateError::NotADate(_))
        | CoverError::Expires(CoverDateError::NotADate(_)) => tr.t("ce-err-date"),
        CoverError::Starts(CoverDateError::BeforeStart { starts, .. })
        | CoverError::Expires(CoverDateError::BeforeStart { starts, .. }) => {
            tr.t1("liability-err-before-start", "starts", starts)
        }
    }
}

/// The form as shown: values, a message next to each bad field, and the choices.
pub struct CoverFormView {
    pub input: CoverInput,
    pub version: i64,
    /// (field, message), in form order.
    pub errors: Vec<(&'static str, String)>,
    /// (field, "Label: message") for the summary above the form.
    pub summary: Vec<(&'static str, String)>,
    /// (value, label, selected)
    pub telehealth: Vec<(String, String, bool)>,
}

impl CoverFormView {
    fn new(tr: &Tr, input: CoverInput, version: i64, errors: Vec<(&'static str, String)>) -> Self {
        let telehealth = TelehealthCover::ALL
            .into_iter()
            .map(|t| {
                let v = t.as_str().to_owned();
                let selected = v == input.telehealth.trim();
                (v, telehealth_words(tr, t), selected)
            })
            .collect();
        let summary = errors
            .iter()
            .map(|(f, m)| {
                let line = tr.tn(
                    "ce-error-line",
                    &[
                        ("field", FluentValue::from(field_label(tr, f))),
                        ("message", FluentValue::from(m.clone())),
                    ],
                );
                (*f, line)
            })
            .collect();
        Self {
            input,
            version,
            errors,
            summary,
            telehealth,
        }
    }

    pub fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `aria-describedby` for a field: its hint (when it has one) and its error (when shown).
    pub fn described_by(&self, field: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("cover-{field}-hint"));
        }
        if self.err(field).is_some() {
            ids.push(format!("cover-{field}-error"));
        }
        ids.join(" ")
    }
}

/// One earlier version of the cover.
pub struct HistoryRow {
    pub recorded: String,
    pub insurer: String,
    pub policy_number: String,
    pub starts: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "licensure/liability.html")]
struct CoverPage {
    c: Chrome,
    current: Option<CoverView>,
    form: CoverFormView,
    licensed_in: String,
    history: Vec<HistoryRow>,
    conflict: bool,
}

async fn cover_page(
    state: &AppState,
    c: Chrome,
    clinician: UserId,
    form: Option<CoverFormView>,
    conflict: bool,
) -> Result<Html<String>, PageError> {
    let now = state.clock.now();
    let current = cover_of(state, clinician).await.map_err(docs_error)?;
    let creds = credentials_of(state, clinician).await?;
    let history = state
        .docs
        .history::<LiabilityCover>(DocKind::LiabilityCover, Owner::User(clinician), COVER_KEY)
        .await
        .map_err(docs_error)?
        .into_iter()
        .rev()
        .skip(1)
        .map(|v| HistoryRow {
            recorded: when(&v.at),
            insurer: v.value.insurer().to_owned(),
            policy_number: v.value.policy_number().to_owned(),
            starts: v.value.starts().to_string(),
            expires: v.value.expires().to_string(),
        })
        .collect();
    let form = form.unwrap_or_else(|| {
        let (input, version) = match &current {
            Some(v) => (CoverInput::of(&v.value), v.version),
            None => (CoverInput::default(), 0),
        };
        CoverFormView::new(&c.tr, input, version, vec![])
    });
    let licensed_in = creds
        .as_ref()
        .map(|cr| {
            licensed_jurisdictions(cr, now.date_naive())
                .iter()
                .map(|j| j.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    render(&CoverPage {
        current: current
            .as_ref()
            .map(|v| cover_view(&c.tr, v, creds.as_ref(), now)),
        form,
        licensed_in,
        history,
        conflict,
        c,
    })
}

/// The clinician's liability cover: what is on file, its warnings, the form to record or renew
/// it, and the earlier policies.
pub async fn page(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    cover_page(&state, c, who.user_id, None, false).await
}

/// Records the cover as a new version. Every bad field is named next to it and nothing is
/// stored; a change made elsewhere since the form was read is never overwritten.
pub async fn save(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(input): Form<CoverInput>,
) -> Result<Response, PageError> {
    let version = input
        .version
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-bad-request"))?;
    let cover = match LiabilityCover::parse(&input.as_form()) {
        Ok(cover) => cover,
        Err(errors) => {
            let errors = errors
                .iter()
                .map(|e| (e.field(), error_words(&c.tr, e)))
                .collect();
            let form = CoverFormView::new(&c.tr, input, version, errors);
            let page = cover_page(&state, c, who.user_id, Some(form), false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    // The form must have been read at the latest version: a tab left open over a renewal
    // recorded elsewhere gets the page back, as it is now, and overwrites nothing.
    let latest = cover_of(&state, who.user_id)
        .await
        .map_err(docs_error)?
        .map_or(0, |v| v.version);
    if version != latest {
        let page = cover_page(&state, c, who.user_id, None, true).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    match state
        .docs
        .save(
            DocKind::LiabilityCover,
            Owner::User(who.user_id),
            COVER_KEY,
            version,
            &cover,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => {}
        Err(DocError::Changed) => {
            let page = cover_page(&state, c, who.user_id, None, true).await?;
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
        Err(e) => return Err(docs_error(e)),
    }
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "liability.changed",
            None,
            &format!("clinician:{}", who.user_id),
        )
        .await?;
    Ok(Redirect::to("/credentials").into_response())
}
