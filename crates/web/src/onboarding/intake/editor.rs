//! The practice's intake form editor (`/admin/intake`): a working copy of the published form
//! where fields are added, edited, moved and removed, then published as the next version.
//! Every control is a plain form and button, so the editor works from the keyboard and
//! without script. Publishing never touches earlier versions: answers given to them keep
//! being read against them.

use alcove_domain::intake::{EditError, EditProblem, FieldInput, FormDefinition, KINDS};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::{Deserialize, Serialize};

use super::{builtin, internal, published, versions, EDIT_KEY, FORM_KEY};
use crate::auth::extract::AdminActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;
use alcove_store::{DocKind, Owner};

/// The editor's working copy: the form as edited, and the published version it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditingCopy {
    pub based_on: u32,
    pub form: FormDefinition,
}

/// The working copy and the document version it was read at (0: none saved yet). A copy
/// made from an older published version is set aside: editing starts again from the
/// version clients answer now.
async fn load(state: &AppState) -> Result<(EditingCopy, FormDefinition, i64), PageError> {
    let current = published(state).await?;
    let saved: Option<Version<EditingCopy>> = state
        .docs
        .latest(DocKind::IntakeForm, Owner::Practice, EDIT_KEY)
        .await
        .map_err(internal)?;
    let at = saved.as_ref().map_or(0, |v| v.version);
    let copy = match saved {
        Some(v) if v.value.based_on == current.version => v.value,
        _ => EditingCopy {
            based_on: current.version,
            form: current.clone(),
        },
    };
    Ok((copy, current, at))
}

/// Saves the working copy after `after`; `Ok(false)` when someone else changed it first.
async fn store(
    state: &AppState,
    who: &Identity,
    copy: &EditingCopy,
    after: i64,
) -> Result<bool, PageError> {
    match state
        .docs
        .save(
            DocKind::IntakeForm,
            Owner::Practice,
            EDIT_KEY,
            after,
            copy,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => Ok(true),
        Err(DocError::Changed) => Ok(false),
        Err(e) => Err(internal(e)),
    }
}

fn kind_label(tr: &Tr, kind: &str) -> String {
    match kind {
        "text" => tr.t("intake-kind-text"),
        "long_text" => tr.t("intake-kind-long-text"),
        "date" => tr.t("intake-kind-date"),
        "number" => tr.t("intake-kind-number"),
        "choice" => tr.t("intake-kind-choice"),
        "multi_choice" => tr.t("intake-kind-multi-choice"),
        "yes_no" => tr.t("intake-kind-yes-no"),
        "phone" => tr.t("intake-kind-phone"),
        _ => tr.t("intake-kind-email"),
    }
}

fn edit_problem(tr: &Tr, p: &EditProblem) -> String {
    match p {
        EditProblem::NameInvalid => tr.t("intake-edit-error-name"),
        EditProblem::NameTaken => tr.t("intake-edit-error-name-taken"),
        EditProblem::Missing => tr.t("intake-edit-error-missing"),
        EditProblem::TooLong { max } => tr.t1("intake-edit-error-too-long", "max", max),
        EditProblem::KindUnknown => tr.t("intake-edit-error-kind"),
        EditProblem::NotAWholeNumber => tr.t("intake-edit-error-number"),
        EditProblem::LimitOutOfRange { limit } => tr.t1("intake-edit-error-limit", "limit", limit),
        EditProblem::MinAboveMax => tr.t("intake-edit-error-min-max"),
        EditProblem::TooFewOptions { least } => {
            tr.t1("intake-edit-error-few-options", "least", least)
        }
        EditProblem::TooManyOptions => tr.t("intake-edit-error-many-options"),
        EditProblem::DuplicateOption(v) => tr.t1("intake-edit-error-duplicate-option", "value", v),
        EditProblem::BadOption(l) => tr.t1("intake-edit-error-bad-option", "line", l),
        EditProblem::NoSuchField => tr.t("intake-edit-error-no-field"),
        EditProblem::NoSuchSection => tr.t("intake-edit-error-no-section"),
        EditProblem::LastField => tr.t("intake-edit-error-last-field"),
        EditProblem::CannotMove => tr.t("intake-edit-error-cannot-move"),
        EditProblem::NoChanges => tr.t("intake-edit-error-no-changes"),
        EditProblem::Broken(_) => tr.t("intake-edit-error-broken"),
    }
}

/// The field editor's inputs with their values and problems.
pub struct FieldForm {
    pub input: FieldInput,
    /// (value, label) of each kind.
    pub kinds: Vec<(&'static str, String)>,
    /// Problems by input name.
    pub errors: Vec<(&'static str, String)>,
}

impl FieldForm {
    fn new(tr: &Tr, input: FieldInput, errors: &[EditError]) -> FieldForm {
        FieldForm {
            input,
            kinds: KINDS.iter().map(|k| (*k, kind_label(tr, k))).collect(),
            errors: errors
                .iter()
                .map(|e| (e.input, edit_problem(tr, &e.problem)))
                .collect(),
        }
    }

    /// The problems with one input, joined.
    pub fn error(&self, input: &str) -> Option<String> {
        let all: Vec<&str> = self
            .errors
            .iter()
            .filter(|(i, _)| *i == input)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(" "))
    }

    /// `aria-describedby` for an input: its hint (when it has one) and its error.
    pub fn described(&self, input: &str, hint: bool) -> String {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("f-{input}-hint"));
        }
        if self.error(input).is_some() {
            ids.push(format!("f-{input}-error"));
        }
        ids.join(" ")
    }
}

pub struct FieldRow {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub first: bool,
    pub last: bool,
}

pub struct SectionRows {
    pub title: String,
    pub rows: Vec<FieldRow>,
}

#[derive(Template)]
#[template(path = "onboarding/intake_editor.html")]
struct EditorPage {
    c: Chrome,
    after: i64,
    published_version: u32,
    published_at: Option<String>,
    /// (version, published at) of every stored version, newest first.
    history: Vec<(u32, String)>,
    next_version: u32,
    changed: bool,
    sections: Vec<SectionRows>,
    /// (index, title) of each section, for the add form.
    section_choices: Vec<(usize, String)>,
    chosen_section: String,
    section_title: String,
    /// The add-a-question form.
    form: FieldForm,
    notice: Option<String>,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "onboarding/intake_field.html")]
struct FieldPage {
    c: Chrome,
    after: i64,
    name: String,
    form: FieldForm,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

fn notice_text(tr: &Tr, done: &str, version: u32) -> Option<String> {
    Some(match done {
        "added" => tr.t("intake-edit-added"),
        "saved" => tr.t("intake-edit-saved"),
        "moved" => tr.t("intake-edit-moved"),
        "removed" => tr.t("intake-edit-removed"),
        "discarded" => tr.t("intake-edit-discarded"),
        "published" => tr.t1("intake-edit-published", "version", version),
        _ => return None,
    })
}

struct AddState {
    input: FieldInput,
    section: String,
    section_title: String,
    errors: Vec<EditError>,
}

async fn editor(
    state: &AppState,
    c: Chrome,
    notice: Option<&str>,
    add: Option<AddState>,
    problem: Option<EditProblem>,
) -> Result<EditorPage, PageError> {
    let (copy, current, after) = load(state).await?;
    let stored = versions(state).await?;
    let tr = &c.tr;
    let sections = copy
        .form
        .sections
        .iter()
        .enumerate()
        .map(|(si, s)| SectionRows {
            title: s.title.clone(),
            rows: s
                .fields
                .iter()
                .enumerate()
                .map(|(fi, f)| FieldRow {
                    name: f.name.clone(),
                    label: f.label.clone(),
                    kind: kind_label(tr, f.kind.as_str()),
                    required: f.required,
                    first: si == 0 && fi == 0,
                    last: si + 1 == copy.form.sections.len() && fi + 1 == s.fields.len(),
                })
                .collect(),
        })
        .collect();
    let add = add.unwrap_or(AddState {
        input: FieldInput {
            kind: "text".into(),
            ..FieldInput::default()
        },
        section: "0".into(),
        section_title: String::new(),
        errors: Vec::new(),
    });
    Ok(EditorPage {
        after,
        published_version: current.version,
        published_at: stored
            .iter()
            .find(|v| v.value.version == current.version)
            .map(|v| when(&v.at)),
        history: stored
            .iter()
            .rev()
            .map(|v| (v.value.version, when(&v.at)))
            .collect(),
        next_version: current.version + 1,
        changed: copy.form.as_next_version(&current).is_ok(),
        sections,
        section_choices: copy
            .form
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.title.clone()))
            .collect(),
        chosen_section: add.section,
        section_title: add.section_title,
        form: FieldForm::new(tr, add.input, &add.errors),
        notice: notice.and_then(|d| notice_text(tr, d, current.version)),
        problem: problem.map(|p| edit_problem(tr, &p)),
        c,
    })
}

pub async fn page(
    AdminActor(_who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let page = editor(&state, c, q.done.as_deref(), None, None).await?;
    Ok(render(&page)?.into_response())
}

/// The posted inputs of a field form.
fn field_input(fields: &[(String, String)]) -> FieldInput {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    FieldInput {
        name: get("name"),
        label: get("label"),
        help: get("help"),
        kind: get("kind"),
        required: fields.iter().any(|(n, v)| n == "required" && v == "yes"),
        options: get("options"),
        max: get("max"),
        min: get("min"),
    }
}

fn posted(fields: &[(String, String)], key: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn after_of(fields: &[(String, String)]) -> i64 {
    posted(fields, "after").trim().parse().unwrap_or(-1)
}

/// Someone else changed the working copy since this page was read: show it afresh.
async fn changed_meanwhile(state: &AppState, c: Chrome) -> Result<Response, PageError> {
    let mut page = editor(state, c, None, None, None).await?;
    page.problem = Some(page.c.t("intake-edit-changed-meanwhile"));
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}

/// Adds a field to a section, or to a new section at the end.
pub async fn add(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (mut copy, _, at) = load(&state).await?;
    if after_of(&fields) != at {
        return changed_meanwhile(&state, c).await;
    }
    let input = field_input(&fields);
    let section = posted(&fields, "section");
    let section_title = posted(&fields, "section_title");
    let result = if section == "new" {
        copy.form.add_section(&section_title, &input)
    } else {
        let index = section.trim().parse().unwrap_or(usize::MAX);
        copy.form.add_field(index, &input)
    };
    if let Err(errors) = result {
        let add = AddState {
            input,
            section,
            section_title,
            errors,
        };
        let page = editor(&state, c, None, Some(add), None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    if !store(&state, &who, &copy, at).await? {
        return changed_meanwhile(&state, c).await;
    }
    let name = input.name.trim().to_string();
    Ok(Redirect::to(&format!("/admin/intake?done=added#field-{name}")).into_response())
}

/// The editor of one field of the working copy.
pub async fn field_page(
    AdminActor(_who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let (copy, _, at) = load(&state).await?;
    let field = copy.form.field(&name).ok_or_else(PageError::not_found)?;
    let page = FieldPage {
        after: at,
        name: name.clone(),
        form: FieldForm::new(&c.tr, FieldInput::of(field), &[]),
        problem: None,
        c,
    };
    Ok(render(&page)?.into_response())
}

/// Saves, moves (`op=up`, `op=down`) or removes (`op=remove`) a field of the working copy.
pub async fn change(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(name): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (mut copy, _, at) = load(&state).await?;
    if copy.form.field(&name).is_none() {
        return Err(PageError::not_found());
    }
    if after_of(&fields) != at {
        return changed_meanwhile(&state, c).await;
    }
    let op = posted(&fields, "op");
    let (done, anchor) = match op.as_str() {
        "save" => {
            let input = field_input(&fields);
            if let Err(errors) = copy.form.update_field(&name, &input) {
                let page = FieldPage {
                    after: at,
                    name,
                    form: FieldForm::new(&c.tr, input, &errors),
                    problem: None,
                    c,
                };
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
            }
            ("saved", input.name.trim().to_string())
        }
        "up" | "down" | "remove" => {
            let result = if op == "remove" {
                copy.form.remove_field(&name)
            } else {
                copy.form.move_field(&name, op == "up")
            };
            if let Err(p) = result {
                let page = editor(&state, c, None, None, Some(p)).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
            }
            if op == "remove" {
                ("removed", "fields".to_string())
            } else {
                ("moved", name.clone())
            }
        }
        _ => return Err(PageError::new(StatusCode::BAD_REQUEST, "error-bad-request")),
    };
    if !store(&state, &who, &copy, at).await? {
        return changed_meanwhile(&state, c).await;
    }
    let anchor = if done == "removed" {
        "fields".to_string()
    } else {
        format!("field-{anchor}")
    };
    Ok(Redirect::to(&format!("/admin/intake?done={done}#{anchor}")).into_response())
}

/// Publishes the working copy as the next version. Earlier versions stay as they were.
pub async fn publish(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (copy, current, at) = load(&state).await?;
    if after_of(&fields) != at {
        return changed_meanwhile(&state, c).await;
    }
    let next = match copy.form.as_next_version(&current) {
        Ok(n) => n,
        Err(p) => {
            let page = editor(&state, c, None, None, Some(p)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let stored = versions(&state).await?;
    // The built-in default is version 1 until something is published; it is stored first so
    // every version answers were given to stays readable from the store.
    if stored.is_empty() {
        let default = builtin()?;
        if default.version + 1 == next.version {
            save_version(&state, &who, &default).await?;
        }
    }
    if !save_version(&state, &who, &next).await? {
        return changed_meanwhile(&state, c).await;
    }
    let fresh = EditingCopy {
        based_on: next.version,
        form: next.clone(),
    };
    // A failure here only leaves a stale copy, which `load` sets aside.
    let _ = store(&state, &who, &fresh, at).await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "intake_form.published",
            None,
            &format!("intake_form:{}:v{}", next.id, next.version),
        )
        .await?;
    Ok(Redirect::to("/admin/intake?done=published").into_response())
}

/// Stores a published version as document version = form version; `false` when that
/// version exists already (someone published first).
async fn save_version(
    state: &AppState,
    who: &Identity,
    def: &FormDefinition,
) -> Result<bool, PageError> {
    match state
        .docs
        .save(
            DocKind::IntakeForm,
            Owner::Practice,
            FORM_KEY,
            i64::from(def.version) - 1,
            def,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => Ok(true),
        Err(DocError::Changed) => Ok(false),
        Err(e) => Err(internal(e)),
    }
}

/// Throws the working copy's changes away: editing starts again from the published version.
pub async fn discard(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (_, current, at) = load(&state).await?;
    if after_of(&fields) != at {
        return changed_meanwhile(&state, c).await;
    }
    let fresh = EditingCopy {
        based_on: current.version,
        form: current,
    };
    if !store(&state, &who, &fresh, at).await? {
        return changed_meanwhile(&state, c).await;
    }
    Ok(Redirect::to("/admin/intake?done=discarded").into_response())
}
