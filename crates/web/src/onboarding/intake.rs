//! Intake forms (issue 5, part 3; Standard 9-4 "client background, history of presenting
//! problem"; Standards 2 and 3: language and accessibility needs are asked so they can be met).
//!
//! What is kept, and how (`services::documents` decides the sealing per kind):
//!
//! | document | owner | key | holds |
//! | --- | --- | --- | --- |
//! | `IntakeForm` (plain) | practice | [`FORM_KEY`] | each published version; document version = form version |
//! | `IntakeForm` (plain) | practice | [`EDIT_KEY`] | the editor's working copy ([`EditingCopy`]) |
//! | `IntakeAnswers` (sealed with the client's data key) | client | [`DRAFT_KEY`] | the draft ([`Draft`]), saved as typed |
//! | `IntakeAnswers` (sealed) | client | [`SUBMITTED_KEY`] | each final submission (`domain::intake::Answers`) |
//!
//! Until the practice publishes its own, the form is the built-in default
//! (`data/onboarding/intake_default.json`, version 1). Answers name the form version they
//! answer, and are always shown against that version: publishing a new version never
//! changes what an earlier answer meant. The rules (field kinds, validation, editing) are
//! `alcove_domain::intake`.
//!
//! Pages: the client's form (`client.rs`: `/me/intake`, drafts at `/me/intake/draft`), the
//! care team's view (`record.rs`: `/clients/{client}/intake`), the practice's editor
//! (`editor.rs`: `/admin/intake`).

mod client;
mod editor;
mod record;

use std::collections::BTreeMap;

use alcove_domain::intake::{Answers, FieldProblem, FormDefinition, RawAnswer};
use alcove_domain::onboarding::IntakeSubmission;
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use serde::{Deserialize, Serialize};

use crate::error::PageError;
use crate::i18n::Tr;
use crate::routes::RouteTable;
use crate::services::{DocError, Version};
use crate::state::AppState;

pub use editor::EditingCopy;

/// Published versions of the practice's intake form.
pub const FORM_KEY: &str = "form";
/// The editor's working copy.
pub const EDIT_KEY: &str = "editing";
/// A client's draft answers.
pub const DRAFT_KEY: &str = "draft";
/// A client's submitted answers, one version per submission.
pub const SUBMITTED_KEY: &str = "submitted";

/// The prefix of every answer's input name (`q.reason`): a field may be called anything,
/// `csrf` included, without colliding with the form's own inputs.
pub const INPUT_PREFIX: &str = "q.";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/intake", client::page)
        .post("/me/intake", client::submit)
        .post("/me/intake/draft", client::save_draft)
        .get("/clients/{client}/intake", record::page)
        .get("/admin/intake", editor::page)
        .post("/admin/intake/fields", editor::add)
        .get("/admin/intake/fields/{field}", editor::field_page)
        .post("/admin/intake/fields/{field}", editor::change)
        .post("/admin/intake/publish", editor::publish)
        .post("/admin/intake/discard", editor::discard)
}

/// A client's answers in progress, as typed (a draft may hold an answer that does not fit its
/// field yet; it is checked again, and must fit, when the form is sent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub form_id: String,
    pub form_version: u32,
    pub answers: BTreeMap<String, RawAnswer>,
    /// False once the answers were sent: the draft is spent.
    pub open: bool,
}

pub(crate) fn internal(e: DocError) -> PageError {
    tracing::error!(error = %e, "intake");
    PageError::internal()
}

/// The form clients answer now: the latest published version, or the built-in default.
pub async fn published(state: &AppState) -> Result<FormDefinition, PageError> {
    let stored: Option<Version<FormDefinition>> = state
        .docs
        .latest(DocKind::IntakeForm, Owner::Practice, FORM_KEY)
        .await
        .map_err(internal)?;
    match stored {
        Some(v) => Ok(v.value),
        None => builtin(),
    }
}

fn builtin() -> Result<FormDefinition, PageError> {
    FormDefinition::builtin_default().cloned().map_err(|e| {
        tracing::error!(problems = ?e, "the built-in intake form does not load");
        PageError::internal()
    })
}

/// Every published version, oldest first (the built-in default as version 1 when the
/// practice has published nothing yet).
pub async fn versions(state: &AppState) -> Result<Vec<Version<FormDefinition>>, PageError> {
    state
        .docs
        .history(DocKind::IntakeForm, Owner::Practice, FORM_KEY)
        .await
        .map_err(internal)
}

/// The form as it was in `version`, to check or show answers given to it.
pub async fn form_version(
    state: &AppState,
    version: u32,
) -> Result<Option<FormDefinition>, PageError> {
    let all = versions(state).await?;
    if let Some(v) = all.into_iter().find(|v| v.value.version == version) {
        return Ok(Some(v.value));
    }
    let default = builtin()?;
    Ok((default.version == version).then_some(default))
}

/// The client's draft, if they have one open.
pub async fn open_draft(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<Draft>>, PageError> {
    let d: Option<Version<Draft>> = state
        .docs
        .latest(DocKind::IntakeAnswers, Owner::Client(client), DRAFT_KEY)
        .await
        .map_err(internal)?;
    Ok(d.filter(|d| d.value.open))
}

/// Every submission, oldest first.
pub async fn submissions(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<Version<Answers>>, PageError> {
    state
        .docs
        .history(DocKind::IntakeAnswers, Owner::Client(client), SUBMITTED_KEY)
        .await
        .map_err(internal)
}

/// The latest final submission of the intake form.
pub async fn facts(
    state: &AppState,
    client: ClientId,
) -> Result<Option<IntakeSubmission>, PageError> {
    let latest: Option<Version<Answers>> = state
        .docs
        .latest(DocKind::IntakeAnswers, Owner::Client(client), SUBMITTED_KEY)
        .await
        .map_err(internal)?;
    Ok(latest.map(|v| IntakeSubmission {
        form_id: v.value.form_id,
        version: v.value.form_version,
        at: v.at,
    }))
}

/// The language the client asked to use in sessions, from their latest submitted intake
/// (`preferred_language`, a language code such as `es`); `None` before they sent the form or
/// when they did not say.
pub async fn preferred_language(
    state: &AppState,
    client: ClientId,
) -> Result<Option<String>, PageError> {
    let latest: Option<Version<Answers>> = state
        .docs
        .latest(DocKind::IntakeAnswers, Owner::Client(client), SUBMITTED_KEY)
        .await
        .map_err(internal)?;
    Ok(
        latest.and_then(|v| match v.value.values.get("preferred_language") {
            Some(alcove_domain::intake::Value::Choice(code)) => Some(code.clone()),
            _ => None,
        }),
    )
}

/// A problem with an answer, in the reader's language.
pub fn problem_text(tr: &Tr, p: &FieldProblem) -> String {
    match p {
        FieldProblem::Unknown => tr.t("intake-error-unknown"),
        FieldProblem::Required => tr.t("intake-error-required"),
        FieldProblem::TooLong { max } => tr.t1("intake-error-too-long", "max", max),
        FieldProblem::NotOneLine => tr.t("intake-error-one-line"),
        FieldProblem::NotADate => tr.t("intake-error-date"),
        FieldProblem::NotAWholeNumber => tr.t("intake-error-number"),
        FieldProblem::OutOfRange { min, max } => {
            tr.t2("intake-error-range", ("min", min), ("max", max))
        }
        FieldProblem::NotAnOption(_) => tr.t("intake-error-option"),
        FieldProblem::OneAnswerExpected => tr.t("intake-error-one-answer"),
        FieldProblem::NotYesNo => tr.t("intake-error-yes-no"),
        FieldProblem::NotAPhone => tr.t("intake-error-phone"),
        FieldProblem::NotAnEmail => tr.t("intake-error-email"),
    }
}

/// Demo: Alex Rivera, Riley Chen, Taylor Brooks and Noor Haddad sent the default form weeks ago; Jordan Lee is part-way
/// through it, with a draft that still lacks the reason for seeking help.
pub async fn seed_demo(state: &AppState) -> Result<(), String> {
    let def = builtin().map_err(|_| "the built-in intake form does not load".to_string())?;
    let one = |pairs: &[(&str, &str)]| -> BTreeMap<String, RawAnswer> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), RawAnswer::One(v.to_string())))
            .collect()
    };
    let sent = [
        (
            "alex.rivera@alcove-demo.example",
            one(&[
                ("pronouns", "he/him"),
                ("relationship_status", "single"),
                ("occupation", "Nurse, night shifts"),
                (
                    "reason",
                    "Since a difficult year at work I sleep badly and feel on edge most days.",
                ),
                ("duration", "six_to_twelve_months"),
                ("goals", "Sleep better and stop dreading my shifts."),
                ("previous_therapy", "no"),
                ("takes_medication", "no"),
                ("preferred_language", "en"),
            ]),
        ),
        (
            "riley.chen@alcove-demo.example",
            one(&[
                ("pronouns", "they/them"),
                ("relationship_status", "partnered"),
                (
                    "reason",
                    "Panic attacks on the commute; I have started avoiding the train.",
                ),
                ("duration", "one_to_six_months"),
                ("previous_therapy", "yes"),
                (
                    "previous_therapy_details",
                    "Counselling at university; breathing exercises helped.",
                ),
                ("takes_medication", "no"),
                ("preferred_language", "en"),
                ("interpreter", "no"),
            ]),
        ),
        (
            "taylor.brooks@alcove-demo.example",
            one(&[
                (
                    "reason",
                    "Low mood since moving cities; a group sounded less daunting.",
                ),
                ("duration", "one_to_six_months"),
                ("previous_therapy", "no"),
                ("takes_medication", "no"),
                ("preferred_language", "en"),
            ]),
        ),
        (
            "noor.haddad@alcove-demo.example",
            one(&[
                (
                    "reason",
                    "Worry that keeps me up at night, mostly about exams.",
                ),
                ("duration", "six_to_twelve_months"),
                ("previous_therapy", "no"),
                ("takes_medication", "no"),
                ("preferred_language", "en"),
            ]),
        ),
    ];
    for (email, answers) in sent {
        let Some((client, author)) = super::emergency::demo_client(state, email).await? else {
            continue;
        };
        let checked = alcove_domain::intake::validate_answers(&def, &answers, true)
            .map_err(|e| format!("demo intake for {email}: {e:?}"))?;
        state
            .docs
            .append(
                DocKind::IntakeAnswers,
                Owner::Client(client),
                SUBMITTED_KEY,
                &checked,
                Some(author),
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    if let Some((client, author)) =
        super::emergency::demo_client(state, "jordan.lee@alcove-demo.example").await?
    {
        let mut answers = one(&[
            ("pronouns", "she/her"),
            ("living_with", "My partner and our dog"),
            ("occupation", "Graduate student"),
            ("previous_therapy", "no"),
        ]);
        answers.insert(
            "supports".into(),
            RawAnswer::Many(vec!["partner".into(), "friends".into()]),
        );
        let draft = Draft {
            form_id: def.id.clone(),
            form_version: def.version,
            answers,
            open: true,
        };
        state
            .docs
            .append(
                DocKind::IntakeAnswers,
                Owner::Client(client),
                DRAFT_KEY,
                &draft,
                Some(author),
            )
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
