use alcove_domain::ce::{
    progress_by_licence, CeActivity, CeCategory, CeFormat, LicenceRef, Requirements,
};
use alcove_domain::licensure::Credentials;
use alcove_domain::{Role, UserId};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use super::form::{check, FormInput};
use super::{
    activities_of, check_certificate, labels, Activity, ActivityRecord, CeActor, CertificateAccess,
    CertificateMeta, OwnActivity, StoredActivity, CERTIFICATE_MAX_BYTES,
};
use crate::auth::extract::AdminActor;
use crate::auth::Identity;
use crate::error::PageError;
use fluent_templates::fluent_bundle::FluentValue;

use crate::i18n::Tr;
use crate::licensure::credentials_of;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::services::DocError;
use crate::state::AppState;
use crate::upload::MultipartForm;

/// The clinician's date. UTC's date is never behind a US clinician's own, so an activity
/// finished "today" anywhere in the US is never refused as being in the future.
fn today(state: &AppState) -> NaiveDate {
    state.clock.now().date_naive()
}

/// A licence an activity may be named for (Standard 10: "authenticate users with professional
/// license number"): one per licence in the credentials register, renewals counted once.
pub struct LicenceChoice {
    pub licence: LicenceRef,
    pub label: String,
}

/// The clinician's licences, in register order.
fn licence_choices(tr: &Tr, creds: Option<&Credentials>) -> Vec<LicenceChoice> {
    let mut out: Vec<LicenceChoice> = Vec::new();
    for c in creds.map(Credentials::credentials).unwrap_or_default() {
        let Some(licence) = LicenceRef::of(c) else {
            continue;
        };
        if out.iter().any(|ch| ch.licence == licence) {
            continue;
        }
        let credential = ("credential", FluentValue::from(labels::credential(tr, c)));
        let place = ("place", FluentValue::from(licence.jurisdiction.to_string()));
        let label = match &licence.number {
            Some(n) => tr.tn(
                "ce-counts-licence",
                &[credential, place, ("number", FluentValue::from(n.clone()))],
            ),
            None => tr.tn("ce-counts-licence-no-number", &[credential, place]),
        };
        out.push(LicenceChoice { licence, label });
    }
    out
}

async fn choices_of(
    state: &AppState,
    tr: &Tr,
    who: UserId,
) -> Result<Vec<LicenceChoice>, PageError> {
    let creds = credentials_of(state, who).await?;
    Ok(licence_choices(tr, creds.as_ref()))
}

/// What an activity counts towards, in words: every licence, or the one it names (also when
/// that licence has since left the register).
fn counts_towards_words(
    tr: &Tr,
    licence: Option<&LicenceRef>,
    choices: &[LicenceChoice],
) -> String {
    match licence {
        None => tr.t("ce-counts-all"),
        Some(r) => choices
            .iter()
            .find(|ch| ch.licence == *r)
            .map(|ch| ch.label.clone())
            .unwrap_or_else(|| {
                tr.t2(
                    "ce-counts-licence-gone",
                    ("place", r.jurisdiction.to_string()),
                    ("number", r.number.clone().unwrap_or_default()),
                )
            }),
    }
}

/// The form as shown: values, a message next to each bad field, and the choices.
pub struct FormView {
    pub input: FormInput,
    /// (field, message), in form order.
    pub errors: Vec<(&'static str, String)>,
    /// (field, "Label: message") for the summary above the form.
    pub summary: Vec<(&'static str, String)>,
    pub today: String,
    /// (value, label, selected)
    pub categories: Vec<(String, String, bool)>,
    pub formats: Vec<(String, String, bool)>,
    /// The licences it may count towards, after "all my licences" (value "").
    pub licences: Vec<(String, String, bool)>,
}

impl FormView {
    fn new(
        tr: &Tr,
        input: FormInput,
        errors: Vec<(&'static str, String)>,
        today: NaiveDate,
        choices: &[LicenceChoice],
    ) -> Self {
        let chosen = input.counts_towards.trim().parse::<LicenceRef>().ok();
        let mut licences: Vec<(String, String, bool)> = choices
            .iter()
            .map(|ch| {
                let selected = chosen.as_ref() == Some(&ch.licence);
                (ch.licence.to_string(), ch.label.clone(), selected)
            })
            .collect();
        // An activity named for a licence no longer in the register keeps its choice on edit.
        if let Some(r) = chosen.filter(|r| !choices.iter().any(|ch| ch.licence == *r)) {
            licences.push((
                r.to_string(),
                counts_towards_words(tr, Some(&r), choices),
                true,
            ));
        }
        let categories = CeCategory::ALL
            .into_iter()
            .map(|c| {
                let v = c.as_str().to_owned();
                let selected = v == input.category.trim();
                (v, labels::category(tr, c), selected)
            })
            .collect();
        let formats = CeFormat::ALL
            .into_iter()
            .map(|f| {
                let v = f.as_str().to_owned();
                let selected = v == input.format.trim();
                (v, labels::format(tr, f), selected)
            })
            .collect();
        let summary = errors
            .iter()
            .map(|(f, m)| {
                let line = tr.tn(
                    "ce-error-line",
                    &[
                        ("field", FluentValue::from(labels::field(tr, f))),
                        ("message", FluentValue::from(m.clone())),
                    ],
                );
                (*f, line)
            })
            .collect();
        Self {
            input,
            errors,
            summary,
            today: today.to_string(),
            categories,
            formats,
            licences,
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
            ids.push(format!("ce-{field}-hint"));
        }
        if self.err(field).is_some() {
            ids.push(format!("ce-{field}-error"));
        }
        ids.join(" ")
    }
}

/// One activity in the list.
pub struct ActivityRow {
    pub id: String,
    pub version: i64,
    pub completed_on: String,
    pub title: String,
    pub provider: String,
    pub approval_number: String,
    pub hours: String,
    pub category: String,
    pub format: String,
    pub certificate: Option<String>,
    pub counts_towards: String,
}

fn rows(tr: &Tr, activities: &[Activity], choices: &[LicenceChoice]) -> Vec<ActivityRow> {
    activities
        .iter()
        .map(|a| ActivityRow {
            id: a.id.clone(),
            version: a.version,
            completed_on: a.activity.completed_on().to_string(),
            title: a.activity.title().to_owned(),
            provider: a.activity.provider().to_owned(),
            approval_number: a
                .activity
                .provider_approval_number()
                .unwrap_or_default()
                .to_owned(),
            hours: a.activity.hours().to_string(),
            category: labels::category(tr, a.activity.category()),
            format: labels::format(tr, a.activity.format()),
            certificate: a
                .record
                .certificate
                .as_ref()
                .map(|m| m.kind.label().to_owned()),
            counts_towards: counts_towards_words(tr, a.record.counts_towards.as_ref(), choices),
        })
        .collect()
}

/// One required subject in a cycle.
pub struct CategoryRow {
    pub name: String,
    pub required: String,
    pub counted: String,
    pub missing: String,
    pub done: bool,
}

/// One licence's renewal cycle, in words.
pub struct ProgressView {
    pub window: String,
    /// "3 of 30 hours"
    pub counted_text: String,
    pub self_study_over_cap: Option<String>,
    pub still_needed: String,
    pub categories: Vec<CategoryRow>,
    pub missing_summary: Vec<String>,
    /// `met`, `on_track`, `shortfall_warning`, `lapsed_cycle` (for styling).
    pub status: String,
    pub status_text: String,
    pub verify: bool,
    pub source: String,
    pub as_of: String,
    pub notes: Vec<String>,
}

pub struct LicenceView {
    pub heading: String,
    pub renewal: String,
    pub progress: Option<ProgressView>,
}

fn licence_views(
    tr: &Tr,
    creds: &Credentials,
    activities: &[CeActivity],
    today: NaiveDate,
) -> Result<Vec<LicenceView>, PageError> {
    let reqs = Requirements::builtin().map_err(|e| {
        tracing::error!(error = %e, "CE requirements data");
        PageError::internal()
    })?;
    Ok(progress_by_licence(creds, reqs, activities, today)
        .into_iter()
        .map(|lp| {
            let heading = tr.tn(
                "ce-licence-heading",
                &[
                    (
                        "credential",
                        FluentValue::from(labels::credential(tr, &lp.credential)),
                    ),
                    ("place", FluentValue::from(lp.jurisdiction.to_string())),
                ],
            );
            let progress = lp.progress.map(|p| {
                let requirement = reqs.requirement(&p.jurisdiction, p.profession);
                let categories = p
                    .categories
                    .iter()
                    .map(|c| CategoryRow {
                        name: labels::category(tr, c.category),
                        required: c.required.to_string(),
                        counted: c.counted.to_string(),
                        missing: c.missing.to_string(),
                        done: c.missing.is_zero(),
                    })
                    .collect();
                // The total still needed is shown above; this lists the subjects short.
                let mut missing_summary = Vec::new();
                for c in p.missing_by_category() {
                    missing_summary.push(tr.tn(
                        "ce-missing-category",
                        &[
                            ("hours", FluentValue::from(c.missing.to_string())),
                            (
                                "category",
                                FluentValue::from(labels::category(tr, c.category)),
                            ),
                        ],
                    ));
                }
                let status_text = match p.status {
                    alcove_domain::ce::CeStatus::ShortfallWarning
                    | alcove_domain::ce::CeStatus::OnTrack => tr.tn(
                        "ce-status-line-missing",
                        &[
                            ("status", FluentValue::from(labels::status(tr, p.status))),
                            ("hours", FluentValue::from(p.still_needed.to_string())),
                            ("days", FluentValue::from(p.days_to_renewal)),
                        ],
                    ),
                    _ => labels::status(tr, p.status),
                };
                ProgressView {
                    window: tr.tn(
                        "ce-window",
                        &[
                            ("starts", FluentValue::from(p.window.starts.to_string())),
                            ("ends", FluentValue::from(p.window.ends.to_string())),
                        ],
                    ),
                    counted_text: tr.tn(
                        "ce-hours-of",
                        &[
                            ("counted", FluentValue::from(p.counted.to_string())),
                            ("required", FluentValue::from(p.required.to_string())),
                        ],
                    ),
                    self_study_over_cap: (!p.self_study_over_cap.is_zero())
                        .then(|| p.self_study_over_cap.to_string()),
                    still_needed: p.still_needed.to_string(),
                    categories,
                    missing_summary,
                    status: p.status.as_str().to_owned(),
                    status_text,
                    verify: p.verify,
                    source: requirement.map(|r| r.source.clone()).unwrap_or_default(),
                    as_of: requirement.map(|r| r.as_of.to_string()).unwrap_or_default(),
                    notes: requirement.map(|r| r.notes.clone()).unwrap_or_default(),
                }
            });
            LicenceView {
                heading,
                renewal: lp.credential.expires.to_string(),
                progress,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "ce/page.html")]
struct CePage {
    c: Chrome,
    form: FormView,
    activities: Vec<ActivityRow>,
    licences: Vec<LicenceView>,
    has_credentials: bool,
    max_mib: String,
}

async fn ce_page_with(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    form: FormView,
) -> Result<Html<String>, PageError> {
    let today = today(state);
    let activities = activities_of(state, who.user_id).await?;
    let creds = credentials_of(state, who.user_id).await?;
    let choices = licence_choices(&c.tr, creds.as_ref());
    let parsed: Vec<CeActivity> = activities.iter().map(|a| a.activity.clone()).collect();
    let licences = match &creds {
        Some(cr) => licence_views(&c.tr, cr, &parsed, today)?,
        None => vec![],
    };
    render(&CePage {
        activities: rows(&c.tr, &activities, &choices),
        licences,
        has_credentials: creds.is_some(),
        max_mib: labels::mib(CERTIFICATE_MAX_BYTES),
        form,
        c,
    })
}

/// The clinician's CE: the record form, their activities, and progress for each licence.
pub async fn ce_page(
    CeActor(who): CeActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let choices = choices_of(&state, &c.tr, who.user_id).await?;
    let form = FormView::new(&c.tr, FormInput::default(), vec![], today(&state), &choices);
    ce_page_with(&state, c, &who, form).await
}

/// What a submitted form turned into: an activity and its certificate, or the form again.
enum Checked {
    Good(CeActivity, Option<(CertificateMeta, axum::body::Bytes)>),
    Bad(FormView),
}

/// Checks a submission. `choices` are the clinician's licences; `keep` is the licence the
/// activity already names (on an edit), accepted even if it has left the register since.
fn check_submission(
    tr: &Tr,
    m: &MultipartForm,
    today: NaiveDate,
    choices: &[LicenceChoice],
    keep: Option<&LicenceRef>,
) -> Checked {
    let input = FormInput::from_multipart(m);
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let activity = match check(&input, today) {
        Ok(a) => Some(a),
        Err(es) => {
            errors.extend(
                es.iter()
                    .map(|e| (e.field(), labels::activity_error(tr, e))),
            );
            None
        }
    };
    // Standard 10: an activity may be named for one of the clinician's own licences only.
    let counts_towards = match input.counts_towards.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<LicenceRef>()
            .ok()
            .filter(|r| keep == Some(r) || choices.iter().any(|ch| ch.licence == *r))
            .map(Some)
            .ok_or(()),
    };
    let counts_towards = match counts_towards {
        Ok(r) => r,
        Err(()) => {
            errors.push(("counts_towards", tr.t("ce-err-counts-towards")));
            None
        }
    };
    let certificate = match m.file("certificate") {
        None => Ok(None),
        Some(f) => check_certificate(&f.bytes).map(|meta| Some((meta, f.bytes.clone()))),
    };
    let certificate = match certificate {
        Ok(c) => c,
        Err(e) => {
            errors.push(("certificate", labels::certificate_error(tr, &e)));
            None
        }
    };
    match activity {
        Some(a) if errors.is_empty() => {
            Checked::Good(a.counting_towards(counts_towards), certificate)
        }
        _ => Checked::Bad(FormView::new(tr, input, errors, today, choices)),
    }
}

/// Records a new activity (and its certificate, when one is chosen). Any bad field shows the
/// form again with the message next to the field, and nothing is stored.
pub async fn record(
    CeActor(who): CeActor,
    c: Chrome,
    State(state): State<AppState>,
    m: MultipartForm,
) -> Result<Response, PageError> {
    let choices = choices_of(&state, &c.tr, who.user_id).await?;
    let (activity, certificate) = match check_submission(&c.tr, &m, today(&state), &choices, None) {
        Checked::Good(a, cert) => (a, cert),
        Checked::Bad(form) => {
            let page = ce_page_with(&state, c, &who, form).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    let owner = Owner::User(who.user_id);
    // The certificate first: an activity never points at a file that is not there.
    let meta = match certificate {
        Some((meta, bytes)) => {
            state
                .docs
                .save_bytes(
                    DocKind::CeCertificate,
                    owner,
                    &id,
                    0,
                    &bytes,
                    Some(who.user_id),
                )
                .await
                .map_err(docs_error)?;
            Some(meta)
        }
        None => None,
    };
    let record = StoredActivity::Recorded(Box::new(ActivityRecord::new(&activity, meta)));
    state
        .docs
        .save(
            DocKind::CeActivity,
            owner,
            &id,
            0,
            &record,
            Some(who.user_id),
        )
        .await
        .map_err(docs_error)?;
    audit(&state, &who, "ce.recorded", &id).await?;
    Ok(Redirect::to("/ce").into_response())
}

fn docs_error(e: DocError) -> PageError {
    tracing::error!(error = %e, "continuing education documents");
    PageError::internal()
}

async fn audit(state: &AppState, who: &Identity, action: &str, id: &str) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            action,
            None,
            &format!("ce:{id}"),
        )
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "ce/edit.html")]
struct EditPage {
    c: Chrome,
    id: String,
    version: i64,
    form: FormView,
    certificate: Option<String>,
    conflict: bool,
    max_mib: String,
}

fn input_of(a: &Activity) -> FormInput {
    FormInput {
        provider: a.record.provider.clone(),
        provider_approval_number: a.record.provider_approval_number.clone(),
        title: a.record.title.clone(),
        completed_on: a.record.completed_on.to_string(),
        hours: a.record.hours.clone(),
        category: a.record.category.clone(),
        format: a.record.format.clone(),
        counts_towards: a
            .record
            .counts_towards
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

fn edit_page_of(
    c: Chrome,
    a: &Activity,
    form: FormView,
    version: i64,
    conflict: bool,
) -> Result<Html<String>, PageError> {
    render(&EditPage {
        id: a.id.clone(),
        version,
        form,
        certificate: a
            .record
            .certificate
            .as_ref()
            .map(|m| m.kind.label().to_owned()),
        conflict,
        max_mib: labels::mib(CERTIFICATE_MAX_BYTES),
        c,
    })
}

/// The form to change (or remove) one of the caller's activities.
pub async fn edit_page(
    own: OwnActivity,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let choices = choices_of(&state, &c.tr, own.who.user_id).await?;
    let form = FormView::new(
        &c.tr,
        input_of(&own.activity),
        vec![],
        today(&state),
        &choices,
    );
    let version = own.activity.version;
    edit_page_of(c, &own.activity, form, version, false)
}

/// The version the form was read at; a form without one changes nothing.
fn read_version(raw: &str) -> Result<i64, PageError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-bad-request"))
}

/// Saves a change as a new version. Someone else's change since the form was read (another tab)
/// is never overwritten: the form comes back, saying so.
pub async fn update(
    own: OwnActivity,
    c: Chrome,
    State(state): State<AppState>,
    m: MultipartForm,
) -> Result<Response, PageError> {
    let OwnActivity {
        who,
        activity: current,
    } = own;
    let version = read_version(m.text("version"))?;
    let choices = choices_of(&state, &c.tr, who.user_id).await?;
    let keep = current.record.counts_towards.clone();
    let (activity, certificate) =
        match check_submission(&c.tr, &m, today(&state), &choices, keep.as_ref()) {
            Checked::Good(a, cert) => (a, cert),
            Checked::Bad(form) => {
                let page = edit_page_of(c, &current, form, version, false)?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        };
    let conflict = |c: Chrome, current: &Activity| -> Result<Response, PageError> {
        let form = FormView::new(&c.tr, input_of(current), vec![], today(&state), &choices);
        let page = edit_page_of(c, current, form, current.version, true)?;
        Ok((StatusCode::CONFLICT, page).into_response())
    };
    if version != current.version {
        return conflict(c, &current);
    }
    let owner = Owner::User(who.user_id);
    let meta = match certificate {
        Some((meta, bytes)) => {
            // A new certificate is a new version of the file; the old one stays in its history.
            let latest = state
                .docs
                .latest_bytes(DocKind::CeCertificate, owner, &current.id)
                .await
                .map_err(docs_error)?
                .map_or(0, |v| v.version);
            state
                .docs
                .save_bytes(
                    DocKind::CeCertificate,
                    owner,
                    &current.id,
                    latest,
                    &bytes,
                    Some(who.user_id),
                )
                .await
                .map_err(docs_error)?;
            Some(meta)
        }
        None => current.record.certificate.clone(),
    };
    let record = StoredActivity::Recorded(Box::new(ActivityRecord::new(&activity, meta)));
    match state
        .docs
        .save(
            DocKind::CeActivity,
            owner,
            &current.id,
            version,
            &record,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => {}
        Err(DocError::Changed) => return conflict(c, &current),
        Err(e) => return Err(docs_error(e)),
    }
    audit(&state, &who, "ce.changed", &current.id).await?;
    Ok(Redirect::to("/ce").into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    version: String,
}

/// Removes an activity: a tombstone version, so the record of what was there is kept.
pub async fn remove(
    own: OwnActivity,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let OwnActivity { who, activity } = own;
    let version = read_version(&f.version)?;
    let choices = choices_of(&state, &c.tr, who.user_id).await?;
    let conflict = |c: Chrome| -> Result<Response, PageError> {
        let form = FormView::new(&c.tr, input_of(&activity), vec![], today(&state), &choices);
        let page = edit_page_of(c, &activity, form, activity.version, true)?;
        Ok((StatusCode::CONFLICT, page).into_response())
    };
    if version != activity.version {
        return conflict(c);
    }
    match state
        .docs
        .save(
            DocKind::CeActivity,
            Owner::User(who.user_id),
            &activity.id,
            version,
            &StoredActivity::Removed,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => {}
        Err(DocError::Changed) => return conflict(c),
        Err(e) => return Err(docs_error(e)),
    }
    audit(&state, &who, "ce.removed", &activity.id).await?;
    Ok(Redirect::to("/ce").into_response())
}

/// The certificate file, as an attachment with its real type: never shown inline, never
/// sniffed by the browser as anything else.
pub async fn certificate(
    access: CertificateAccess,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let CertificateAccess { who, activity } = access;
    let file = state
        .docs
        .latest_bytes(
            DocKind::CeCertificate,
            Owner::User(activity.owner),
            &activity.id,
        )
        .await
        .map_err(docs_error)?
        .ok_or_else(PageError::not_found)?;
    // The type comes from the bytes themselves, as when they were accepted.
    let kind = super::CertKind::sniff(&file.value).ok_or_else(PageError::internal)?;
    audit(&state, &who, "ce.certificate.download", &activity.id).await?;
    let disposition = format!(
        "attachment; filename=\"ce-certificate-{}.{}\"",
        activity.id,
        kind.extension()
    );
    let mut resp = file.value.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(resp)
}

/// One licence of one person on the admin's view.
pub struct AdminRow {
    pub licence: String,
    pub renewal: String,
    pub hours: String,
    pub status: String,
    pub status_text: String,
}

pub struct AdminPerson {
    pub id: String,
    pub name: String,
    pub role: String,
    pub has_credentials: bool,
    pub licences: Vec<AdminRow>,
    pub activities: Vec<ActivityRow>,
}

#[derive(Template)]
#[template(path = "ce/admin.html")]
struct AdminPage {
    c: Chrome,
    people: Vec<AdminPerson>,
    any_verify: bool,
}

/// The practice's view: each clinician's CE status for every licence, and their activities with
/// a link to each certificate (the files are never shown inline).
pub async fn admin_page(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let today = today(&state);
    let mut people = Vec::new();
    let mut any_verify = false;
    for u in state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| matches!(u.role, Role::Clinician | Role::Supervisor))
    {
        let activities = activities_of(&state, u.id).await?;
        let creds = credentials_of(&state, u.id).await?;
        let choices = licence_choices(&c.tr, creds.as_ref());
        let parsed: Vec<CeActivity> = activities.iter().map(|a| a.activity.clone()).collect();
        let views = match &creds {
            Some(cr) => licence_views(&c.tr, cr, &parsed, today)?,
            None => vec![],
        };
        let licences = views
            .into_iter()
            .map(|l| {
                let (hours, status, status_text) = match &l.progress {
                    Some(p) => {
                        any_verify |= p.verify;
                        (
                            p.counted_text.clone(),
                            p.status.clone(),
                            p.status_text.clone(),
                        )
                    }
                    None => (
                        String::new(),
                        "no_data".to_owned(),
                        c.t("ce-no-requirement"),
                    ),
                };
                AdminRow {
                    licence: l.heading,
                    renewal: l.renewal,
                    hours,
                    status,
                    status_text,
                }
            })
            .collect();
        people.push(AdminPerson {
            id: user_anchor(u.id),
            name: u.name,
            role: u.role.as_str().to_owned(),
            has_credentials: creds.is_some(),
            licences,
            activities: rows(&c.tr, &activities, &choices),
        });
    }
    render(&AdminPage {
        c,
        people,
        any_verify,
    })
}

fn user_anchor(id: UserId) -> String {
    format!("ce-{id}")
}
