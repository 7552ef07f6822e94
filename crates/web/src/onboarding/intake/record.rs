//! The care team's view of a client's intake (`/clients/{client}/intake`): the answers sent,
//! each shown against the form version it answered, and whether a draft is in progress (its
//! content stays the client's until they send it). Every view is audited.

use alcove_domain::intake::{Answers, Field, FieldKind, FormDefinition, Value};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{form_version, open_draft, submissions};
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::services::audit_log::By;
use crate::services::Version;
use crate::state::AppState;

/// One answered question, in words.
pub struct AnswerRow {
    pub label: String,
    pub value: String,
    /// Several lines of text.
    pub long: bool,
}

pub struct AnsweredSection {
    pub title: String,
    pub rows: Vec<AnswerRow>,
}

pub struct SubmissionRow {
    pub version: i64,
    pub at: String,
    pub form_version: u32,
    pub shown: bool,
}

#[derive(Template)]
#[template(path = "onboarding/intake_record.html")]
struct RecordPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    /// The submission shown: (when, form version).
    shown: Option<(String, u32)>,
    sections: Vec<AnsweredSection>,
    /// Questions of that form version left blank.
    unanswered: usize,
    submissions: Vec<SubmissionRow>,
    draft_saved_at: Option<String>,
}

#[derive(Deserialize)]
pub struct Which {
    /// A submission's version; the latest when absent.
    v: Option<i64>,
}

/// An answer in words, by its question's kind.
pub fn answer_text(tr: &Tr, field: &Field, value: &Value) -> String {
    let label_of = |v: &str| match &field.kind {
        FieldKind::Choice { options } | FieldKind::MultiChoice { options } => options
            .iter()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_string(), |o| o.label.clone()),
        _ => v.to_string(),
    };
    match value {
        Value::Text(s) => s.clone(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Number(n) => n.to_string(),
        Value::Choice(v) => label_of(v),
        Value::MultiChoice(vs) => vs
            .iter()
            .map(|v| label_of(v))
            .collect::<Vec<_>>()
            .join("; "),
        Value::YesNo(true) => tr.t("yes"),
        Value::YesNo(false) => tr.t("no"),
        Value::Phone(p) => p.as_str().to_string(),
        Value::Email(e) => e.as_str().to_string(),
    }
}

/// The answers by section of the form they answered; blank questions are counted, not shown.
pub fn answered(tr: &Tr, def: &FormDefinition, answers: &Answers) -> (Vec<AnsweredSection>, usize) {
    let mut unanswered = 0;
    let sections = def
        .sections
        .iter()
        .map(|s| AnsweredSection {
            title: s.title.clone(),
            rows: s
                .fields
                .iter()
                .filter_map(|f| match answers.values.get(&f.name) {
                    Some(v) => Some(AnswerRow {
                        label: f.label.clone(),
                        value: answer_text(tr, f, v),
                        long: matches!(f.kind, FieldKind::LongText { .. }),
                    }),
                    None => {
                        unanswered += 1;
                        None
                    }
                })
                .collect(),
        })
        .filter(|s| !s.rows.is_empty())
        .collect();
    (sections, unanswered)
}

pub async fn page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Query(which): Query<Which>,
) -> Result<Response, PageError> {
    let client = &access.client;
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "intake.view",
            Some(client.id),
            &format!("intake:{}", client.id),
        )
        .await?;
    let all: Vec<Version<Answers>> = submissions(&state, client.id).await?;
    let chosen = match which.v {
        Some(v) => Some(
            all.iter()
                .find(|s| s.version == v)
                .ok_or_else(PageError::not_found)?,
        ),
        None => all.last(),
    };
    let (sections, unanswered, shown) = match chosen {
        Some(s) => {
            // Shown against the version it answered, never a later one.
            let def = form_version(&state, s.value.form_version)
                .await?
                .ok_or_else(PageError::internal)?;
            let (sections, unanswered) = answered(&c.tr, &def, &s.value);
            (
                sections,
                unanswered,
                Some((when(&s.at), s.value.form_version)),
            )
        }
        None => (Vec::new(), 0, None),
    };
    let shown_version = chosen.map(|s| s.version);
    let draft = open_draft(&state, client.id).await?;
    let page = RecordPage {
        client_id: client.id.to_string(),
        client_name: client.name.clone(),
        shown,
        sections,
        unanswered,
        submissions: all
            .iter()
            .rev()
            .map(|s| SubmissionRow {
                version: s.version,
                at: when(&s.at),
                form_version: s.value.form_version,
                shown: Some(s.version) == shown_version,
            })
            .collect(),
        draft_saved_at: draft.map(|d| when(&d.at)),
        c,
    };
    Ok(render(&page)?.into_response())
}
