//! The client's intake form (`/me/intake`): drafts saved as they type (a small script posts to
//! `/me/intake/draft` after a pause; without script, the "Save draft" button does the same) and
//! resumed on the next visit; sending checks every answer and names each problem beside its
//! question, keeping what was typed.

use std::collections::BTreeMap;

use alcove_domain::intake::{
    raw_of, validate_answers, FieldError, FieldKind, FormDefinition, RawAnswer,
};
use alcove_domain::ClientId;
use alcove_store::{ClientRecord, DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};

use super::{
    form_version, internal, open_draft, problem_text, published, submissions, Draft, DRAFT_KEY,
    INPUT_PREFIX, SUBMITTED_KEY,
};
use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

/// Choices with more options than this show as a list box instead of radio buttons.
const MOST_RADIOS: usize = 6;

/// One question as the form shows it.
pub struct Question {
    /// The element id (`q-reason`).
    pub id: String,
    /// The input name (`q.reason`).
    pub input: String,
    pub label: String,
    pub help: Option<String>,
    /// `text`, `textarea`, `date`, `number`, `tel`, `email`, `radio`, `select`, `checkbox`.
    pub widget: &'static str,
    pub required: bool,
    /// The answer typed (one-value widgets).
    pub value: String,
    /// The options chosen (choices).
    pub chosen: Vec<String>,
    /// (value, label).
    pub options: Vec<(String, String)>,
    pub maxlength: Option<u32>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub error: Option<String>,
}

impl Question {
    pub fn is_chosen(&self, value: &str) -> bool {
        self.chosen.iter().any(|c| c == value)
    }

    /// The ids that describe the question: its hint and its error, when there are any.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }

    /// Whether the question is a group of radio buttons or checkboxes (a `fieldset`).
    pub fn is_group(&self) -> bool {
        matches!(self.widget, "radio" | "checkbox")
    }
}

pub struct SectionView {
    pub title: String,
    pub questions: Vec<Question>,
}

/// The form's questions, filled with `answers` and marked with `errors`.
pub fn questions(
    tr: &Tr,
    def: &FormDefinition,
    answers: &BTreeMap<String, RawAnswer>,
    errors: &[FieldError],
) -> Vec<SectionView> {
    def.sections
        .iter()
        .map(|s| SectionView {
            title: s.title.clone(),
            questions: s
                .fields
                .iter()
                .map(|f| {
                    let given: Vec<String> = answers
                        .get(&f.name)
                        .map(|a| a.values().to_vec())
                        .unwrap_or_default();
                    let options = |o: &[alcove_domain::intake::ChoiceOption]| {
                        o.iter()
                            .map(|o| (o.value.clone(), o.label.clone()))
                            .collect::<Vec<_>>()
                    };
                    let (widget, options, maxlength, min, max) = match &f.kind {
                        FieldKind::Text { max } => ("text", vec![], Some(*max), None, None),
                        FieldKind::LongText { max } => ("textarea", vec![], Some(*max), None, None),
                        FieldKind::Date => ("date", vec![], None, None, None),
                        FieldKind::Number { min, max } => {
                            ("number", vec![], None, Some(*min), Some(*max))
                        }
                        FieldKind::Choice { options: o } if o.len() > MOST_RADIOS => {
                            ("select", options(o), None, None, None)
                        }
                        FieldKind::Choice { options: o } => ("radio", options(o), None, None, None),
                        FieldKind::MultiChoice { options: o } => {
                            ("checkbox", options(o), None, None, None)
                        }
                        FieldKind::YesNo => (
                            "radio",
                            vec![
                                ("yes".to_string(), tr.t("yes")),
                                ("no".to_string(), tr.t("no")),
                            ],
                            None,
                            None,
                            None,
                        ),
                        FieldKind::Phone => ("tel", vec![], None, None, None),
                        FieldKind::Email => ("email", vec![], None, None, None),
                    };
                    Question {
                        id: format!("q-{}", f.name),
                        input: format!("{INPUT_PREFIX}{}", f.name),
                        label: f.label.clone(),
                        help: f.help.clone(),
                        widget,
                        required: f.required,
                        value: given.first().cloned().unwrap_or_default(),
                        chosen: given,
                        options,
                        maxlength,
                        min,
                        max,
                        error: errors
                            .iter()
                            .find(|e| e.field == f.name)
                            .map(|e| problem_text(tr, &e.problem)),
                    }
                })
                .collect(),
        })
        .collect()
}

/// An entry of the error summary: (element id to jump to, question, problem).
pub struct SummaryItem {
    pub href: String,
    pub label: String,
    pub problem: String,
}

fn summary(tr: &Tr, def: &FormDefinition, errors: &[FieldError]) -> Vec<SummaryItem> {
    errors
        .iter()
        .map(|e| {
            let field = def.field(&e.field);
            let href = match field.map(|f| &f.kind) {
                // A group's first input takes focus.
                Some(FieldKind::Choice { options }) if options.len() <= MOST_RADIOS => {
                    format!("#q-{}-{}", e.field, options[0].value)
                }
                Some(FieldKind::MultiChoice { options }) => {
                    format!("#q-{}-{}", e.field, options[0].value)
                }
                Some(FieldKind::YesNo) => format!("#q-{}-yes", e.field),
                Some(_) => format!("#q-{}", e.field),
                None => "#intake-form".to_string(),
            };
            SummaryItem {
                href,
                label: field.map_or_else(|| e.field.clone(), |f| f.label.clone()),
                problem: problem_text(tr, &e.problem),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "onboarding/intake_form.html")]
struct FormPage {
    c: Chrome,
    form_version: u32,
    /// The latest submission this page knows of (0: none), so a late draft save cannot
    /// reopen answers already sent.
    sent_version: i64,
    sections: Vec<SectionView>,
    errors: Vec<SummaryItem>,
    /// The draft was saved, but some answers must be fixed before sending.
    saved_with_problems: bool,
    draft_saved_at: Option<String>,
    submitted_at: Option<String>,
    just_saved: bool,
}

#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
}

async fn own_record(state: &AppState, who: &Identity) -> Result<ClientRecord, PageError> {
    state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn audit(
    state: &AppState,
    who: &Identity,
    action: &str,
    client: ClientId,
    detail: String,
) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            action,
            Some(client),
            &detail,
        )
        .await?;
    Ok(())
}

/// What a refused or re-shown submission carries back to the page.
struct Posted {
    def: FormDefinition,
    answers: BTreeMap<String, RawAnswer>,
    errors: Vec<FieldError>,
    saved_with_problems: bool,
}

async fn build(
    state: &AppState,
    c: Chrome,
    me: &ClientRecord,
    posted: Option<Posted>,
    just_saved: bool,
) -> Result<FormPage, PageError> {
    let draft = open_draft(state, me.id).await?;
    let sent = submissions(state, me.id).await?;
    let last = sent.last();
    let (def, answers, errors, saved_with_problems) = match posted {
        Some(p) => (p.def, p.answers, p.errors, p.saved_with_problems),
        None => match &draft {
            Some(d) => {
                let def = match form_version(state, d.value.form_version).await? {
                    Some(def) => def,
                    None => published(state).await?,
                };
                (def, d.value.answers.clone(), Vec::new(), false)
            }
            None => {
                let def = published(state).await?;
                let answers = last.map(|v| raw_of(&v.value, &def)).unwrap_or_default();
                (def, answers, Vec::new(), false)
            }
        },
    };
    let tr = &c.tr;
    Ok(FormPage {
        form_version: def.version,
        sent_version: last.map_or(0, |v| v.version),
        sections: questions(tr, &def, &answers, &errors),
        errors: summary(tr, &def, &errors),
        saved_with_problems,
        draft_saved_at: draft.as_ref().map(|d| when(&d.at)),
        submitted_at: last.map(|v| when(&v.at)),
        just_saved,
        c,
    })
}

/// The form, resumed from the open draft, else from the last answers sent, else empty.
pub async fn page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    audit(
        &state,
        &who,
        "intake.view",
        me.id,
        format!("intake:{}", me.id),
    )
    .await?;
    let page = build(&state, c, &me, None, q.saved.is_some()).await?;
    Ok(render(&page)?.into_response())
}

/// The posted form: the latest submission the page knew, whether the script sent it, and the
/// answers by field name (the version it answers is read first, by `read_post`).
struct Received {
    sent_version: i64,
    autosave: bool,
    answers: BTreeMap<String, RawAnswer>,
}

fn receive(fields: Vec<(String, String)>, def_kinds: impl Fn(&str) -> bool) -> Received {
    let mut sent_version = 0;
    let mut autosave = false;
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in fields {
        match k.as_str() {
            "sent_version" => sent_version = v.trim().parse().unwrap_or(0),
            "autosave" => autosave = v == "1",
            _ => {
                if let Some(name) = k.strip_prefix(INPUT_PREFIX) {
                    grouped.entry(name.to_string()).or_default().push(v);
                }
            }
        }
    }
    let answers = grouped
        .into_iter()
        .map(|(name, mut values)| {
            let raw = if def_kinds(&name) || values.len() > 1 {
                RawAnswer::Many(values)
            } else {
                RawAnswer::One(values.pop().unwrap_or_default())
            };
            (name, raw)
        })
        .collect();
    Received {
        sent_version,
        autosave,
        answers,
    }
}

/// The form version a post answers, and the answers read against it.
async fn read_post(
    state: &AppState,
    fields: Vec<(String, String)>,
) -> Result<(FormDefinition, Received), PageError> {
    let version = fields
        .iter()
        .find(|(k, _)| k == "form_version")
        .and_then(|(_, v)| v.trim().parse::<u32>().ok());
    let def = match version {
        Some(v) => form_version(state, v).await?,
        None => None,
    }
    .ok_or_else(|| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, "intake-error-version"))?;
    let received = receive(fields, |name| {
        matches!(
            def.field(name).map(|f| &f.kind),
            Some(FieldKind::MultiChoice { .. })
        )
    });
    Ok((def, received))
}

#[derive(Serialize)]
struct DraftSaved {
    saved_at: chrono::DateTime<chrono::Utc>,
    /// "Draft saved at ...", for the page's status line.
    message: String,
    /// Answers that must be fixed before the form can be sent: (element id, problem).
    problems: Vec<(String, String)>,
}

/// Saves the answers as typed, to resume later. Answers to questions the form does not have
/// are dropped; an answer that does not fit its question is kept (the client is still
/// typing) and named, and must be fixed before sending.
pub async fn save_draft(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let (def, mut received) = read_post(&state, fields).await?;
    // The answers were sent after this page was loaded: a late save must not reopen them.
    let last_sent = submissions(&state, me.id)
        .await?
        .last()
        .map_or(0, |v| v.version);
    if last_sent > received.sent_version {
        return Err(PageError::new(
            StatusCode::CONFLICT,
            "intake-error-already-sent",
        ));
    }
    received.answers.retain(|name, _| def.field(name).is_some());
    let errors = validate_answers(&def, &received.answers, false)
        .err()
        .unwrap_or_default();
    let draft = Draft {
        form_id: def.id.clone(),
        form_version: def.version,
        answers: received.answers.clone(),
        open: true,
    };
    let version = state
        .docs
        .append(
            DocKind::IntakeAnswers,
            Owner::Client(me.id),
            DRAFT_KEY,
            &draft,
            Some(who.user_id),
        )
        .await
        .map_err(internal)?;
    audit(
        &state,
        &who,
        "intake.draft_saved",
        me.id,
        format!("intake:{}:draft:v{version}", me.id),
    )
    .await?;
    if received.autosave {
        let now = state.clock.now();
        return Ok(Json(DraftSaved {
            saved_at: now,
            message: c.t1("intake-draft-saved-at", "time", when(&now)),
            problems: errors
                .iter()
                .map(|e| (format!("q-{}", e.field), problem_text(&c.tr, &e.problem)))
                .collect(),
        })
        .into_response());
    }
    if errors.is_empty() {
        return Ok(Redirect::to("/me/intake?saved=draft").into_response());
    }
    let posted = Posted {
        def,
        answers: received.answers,
        errors,
        saved_with_problems: true,
    };
    let page = build(&state, c, &me, Some(posted), false).await?;
    Ok(render(&page)?.into_response())
}

/// Sends the answers: every answer must fit its question and every required question be
/// answered; otherwise nothing is stored and each problem is named beside its question.
pub async fn submit(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let (def, received) = read_post(&state, fields).await?;
    let answers = match validate_answers(&def, &received.answers, true) {
        Ok(a) => a,
        Err(errors) => {
            let posted = Posted {
                def,
                answers: received.answers,
                errors,
                saved_with_problems: false,
            };
            let page = build(&state, c, &me, Some(posted), false).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let version = state
        .docs
        .append(
            DocKind::IntakeAnswers,
            Owner::Client(me.id),
            SUBMITTED_KEY,
            &answers,
            Some(who.user_id),
        )
        .await
        .map_err(internal)?;
    // The draft is spent: the next visit starts from what was sent.
    let spent = Draft {
        form_id: def.id.clone(),
        form_version: def.version,
        answers: BTreeMap::new(),
        open: false,
    };
    state
        .docs
        .append(
            DocKind::IntakeAnswers,
            Owner::Client(me.id),
            DRAFT_KEY,
            &spent,
            Some(who.user_id),
        )
        .await
        .map_err(internal)?;
    audit(
        &state,
        &who,
        "intake.submitted",
        me.id,
        format!("intake:{}:v{version}:form_v{}", me.id, def.version),
    )
    .await?;
    Ok(Redirect::to("/home?intake=sent#path").into_response())
}
