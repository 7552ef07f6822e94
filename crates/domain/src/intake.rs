//! Intake forms the practice can configure, and the answers a client gives.
//!
//! Issue 5: "forms the practice can configure (versioned; fields typed and validated):
//! demographics, reason for seeking help, history, medications, current supports, preferred
//! language, accessibility needs; drafts autosave and resume". Standard 9-4: "It is
//! critical to obtain client background, history of presenting problem". Standards 2 and 3:
//! language and accessibility needs are asked, so they can be met.
//!
//! A [`FormDefinition`] is data (JSON), checked by [`FormDefinition::from_json`]: unique
//! field names, non-empty labels and options, sensible limits. The default is
//! `data/onboarding/intake_default.json` ([`FormDefinition::builtin_default`]).
//! [`validate_answers`] types and checks a client's answers against a definition: a draft
//! may leave required questions blank, but every answer given must still fit its field; a
//! final submission must answer every required question.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::profile::Phone;
use crate::Email;

const DEFAULT_JSON: &str = include_str!("../../../data/onboarding/intake_default.json");

/// Limits a definition may set for text answers, in characters.
pub const MAX_TEXT_LIMIT: u32 = 1_000;
pub const MAX_LONG_TEXT_LIMIT: u32 = 20_000;
/// Most options a choice may offer.
pub const MAX_OPTIONS: usize = 100;

/// A versioned intake form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// A stable identifier (`intake_default`): lower case, digits and `_`.
    pub id: String,
    /// 1, 2, 3...: any change to the form is a new version.
    pub version: u32,
    pub title: String,
    /// What the form is for, for the practice (not shown to clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Who wrote the form and from what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Unique within the form: lower case, digits and `_`, starting with a letter.
    pub name: String,
    /// The question as the client reads it.
    pub label: String,
    /// A hint shown under the question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
}

/// What kind of answer a field takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// One line of text, at most `max` characters.
    Text { max: u32 },
    /// Several lines of text, at most `max` characters.
    LongText { max: u32 },
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A whole number from `min` to `max`.
    Number { min: i64, max: i64 },
    /// One of the options.
    Choice { options: Vec<ChoiceOption> },
    /// Any of the options (possibly none).
    MultiChoice { options: Vec<ChoiceOption> },
    /// `yes` or `no`.
    YesNo,
    /// A telephone number as people write it (see [`Phone`]).
    Phone,
    /// An email address (see [`Email`]).
    Email,
}

impl FieldKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::LongText { .. } => "long_text",
            FieldKind::Date => "date",
            FieldKind::Number { .. } => "number",
            FieldKind::Choice { .. } => "choice",
            FieldKind::MultiChoice { .. } => "multi_choice",
            FieldKind::YesNo => "yes_no",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
        }
    }

    fn options(&self) -> Option<&[ChoiceOption]> {
        match self {
            FieldKind::Choice { options } | FieldKind::MultiChoice { options } => Some(options),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// What is stored: no spaces.
    pub value: String,
    /// What the client reads.
    pub label: String,
}

/// A problem in a form definition, naming where it is (`sections[1].fields[2].kind.options`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct DefinitionError {
    pub path: String,
    pub problem: String,
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl FormDefinition {
    /// Parses and checks a definition; every problem found is returned.
    pub fn from_json(json: &str) -> Result<FormDefinition, Vec<DefinitionError>> {
        let def: FormDefinition = serde_json::from_str(json).map_err(|e| {
            vec![DefinitionError {
                path: "(file)".into(),
                problem: e.to_string(),
            }]
        })?;
        def.check()?;
        Ok(def)
    }

    /// The default intake form shipped in `data/onboarding/intake_default.json`, checked
    /// once. It is compiled in, so an error is a bug in the data that the tests catch.
    pub fn builtin_default() -> Result<&'static FormDefinition, &'static [DefinitionError]> {
        static CACHE: OnceLock<Result<FormDefinition, Vec<DefinitionError>>> = OnceLock::new();
        CACHE
            .get_or_init(|| FormDefinition::from_json(DEFAULT_JSON))
            .as_ref()
            .map_err(Vec::as_slice)
    }

    /// Every rule a definition must keep.
    pub fn check(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        let mut err = |path: String, problem: &str| {
            errors.push(DefinitionError {
                path,
                problem: problem.to_string(),
            })
        };
        if !is_identifier(&self.id) {
            err(
                "id".into(),
                "lower case letters, digits and _, starting with a letter",
            );
        }
        if self.version == 0 {
            err("version".into(), "versions start at 1");
        }
        if self.title.trim().is_empty() {
            err("title".into(), "must not be empty");
        }
        if self.sections.is_empty() {
            err("sections".into(), "a form needs at least one section");
        }
        let mut names = BTreeSet::new();
        for (si, section) in self.sections.iter().enumerate() {
            let sp = format!("sections[{si}]");
            if section.title.trim().is_empty() {
                err(format!("{sp}.title"), "must not be empty");
            }
            if section.fields.is_empty() {
                err(format!("{sp}.fields"), "a section needs at least one field");
            }
            for (fi, field) in section.fields.iter().enumerate() {
                let fp = format!("{sp}.fields[{fi}]");
                if !is_identifier(&field.name) {
                    err(
                        format!("{fp}.name"),
                        "lower case letters, digits and _, starting with a letter",
                    );
                } else if !names.insert(field.name.as_str()) {
                    err(
                        format!("{fp}.name"),
                        &format!("{:?} is used by another field", field.name),
                    );
                }
                if field.label.trim().is_empty() {
                    err(format!("{fp}.label"), "must not be empty");
                }
                let kp = format!("{fp}.kind");
                match &field.kind {
                    FieldKind::Text { max } if !(1..=MAX_TEXT_LIMIT).contains(max) => err(
                        format!("{kp}.max"),
                        &format!("1 to {MAX_TEXT_LIMIT} characters"),
                    ),
                    FieldKind::LongText { max } if !(1..=MAX_LONG_TEXT_LIMIT).contains(max) => err(
                        format!("{kp}.max"),
                        &format!("1 to {MAX_LONG_TEXT_LIMIT} characters"),
                    ),
                    FieldKind::Number { min, max } if min > max => {
                        err(format!("{kp}.min"), "must not be above max")
                    }
                    _ => {}
                }
                if let Some(options) = field.kind.options() {
                    let least = if matches!(field.kind, FieldKind::Choice { .. }) {
                        2
                    } else {
                        1
                    };
                    if options.len() < least {
                        err(
                            format!("{kp}.options"),
                            &format!("a {} needs at least {least} options", field.kind.as_str()),
                        );
                    }
                    if options.len() > MAX_OPTIONS {
                        err(
                            format!("{kp}.options"),
                            &format!("at most {MAX_OPTIONS} options"),
                        );
                    }
                    let mut values = BTreeSet::new();
                    for (oi, o) in options.iter().enumerate() {
                        let op = format!("{kp}.options[{oi}]");
                        if o.value.trim().is_empty() || o.value.contains(char::is_whitespace) {
                            err(format!("{op}.value"), "a value without spaces is needed");
                        } else if !values.insert(o.value.as_str()) {
                            err(
                                format!("{op}.value"),
                                &format!("{:?} is used by another option", o.value),
                            );
                        }
                        if o.label.trim().is_empty() {
                            err(format!("{op}.label"), "must not be empty");
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Every field, in form order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| s.fields.iter())
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields().find(|f| f.name == name)
    }
}

/// An answer as the form sends it: one value, or several (a multi-choice, or a field
/// repeated in the submission).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawAnswer {
    One(String),
    Many(Vec<String>),
}

/// A checked answer, typed by its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Text(String),
    Date(NaiveDate),
    Number(i64),
    Choice(String),
    /// In the order the options are listed in the form.
    MultiChoice(Vec<String>),
    YesNo(bool),
    Phone(Phone),
    Email(Email),
}

/// A client's checked answers to one version of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub form_id: String,
    pub form_version: u32,
    /// Only answered fields appear; a blank answer is no answer.
    pub values: BTreeMap<String, Value>,
    /// Every required field is answered (a final submission is always complete).
    pub complete: bool,
}

/// What is wrong with one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    /// The form has no such field.
    Unknown,
    Required,
    TooLong {
        max: u32,
    },
    /// A one-line text field was given several lines.
    NotOneLine,
    NotADate,
    NotAWholeNumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    NotAnOption(String),
    OneAnswerExpected,
    NotYesNo,
    NotAPhone,
    NotAnEmail,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldProblem::Unknown => f.write_str("this form has no such question"),
            FieldProblem::Required => f.write_str("please answer this question"),
            FieldProblem::TooLong { max } => write!(f, "at most {max} characters"),
            FieldProblem::NotOneLine => f.write_str("one line only"),
            FieldProblem::NotADate => f.write_str("a date such as 2026-11-23"),
            FieldProblem::NotAWholeNumber => f.write_str("a whole number"),
            FieldProblem::OutOfRange { min, max } => write!(f, "a number from {min} to {max}"),
            FieldProblem::NotAnOption(v) => write!(f, "{v:?} is not one of the choices"),
            FieldProblem::OneAnswerExpected => f.write_str("choose one answer"),
            FieldProblem::NotYesNo => f.write_str("answer yes or no"),
            FieldProblem::NotAPhone => f.write_str("a phone number such as +1 617 555 0100"),
            FieldProblem::NotAnEmail => f.write_str("an email address such as name@example.org"),
        }
    }
}

/// A problem with one answer, naming its field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

/// Text as typed: line endings LF, control characters other than line breaks dropped,
/// trimmed.
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_string()
}

/// Checks `answers` against `def`. Blank answers count as unanswered. A draft
/// (`final_submit` false) may leave required fields unanswered; every answer given must
/// still fit its field. All problems are returned at once, in form order (unknown fields
/// last).
pub fn validate_answers(
    def: &FormDefinition,
    answers: &BTreeMap<String, RawAnswer>,
    final_submit: bool,
) -> Result<Answers, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut values = BTreeMap::new();
    let mut complete = true;
    for field in def.fields() {
        let raw = answers.get(&field.name);
        let typed = match raw {
            None => Ok(None),
            Some(raw) => typed_answer(&field.kind, raw),
        };
        match typed {
            Ok(Some(v)) => {
                values.insert(field.name.clone(), v);
            }
            Ok(None) => {
                if field.required {
                    complete = false;
                    if final_submit {
                        errors.push(FieldError {
                            field: field.name.clone(),
                            problem: FieldProblem::Required,
                        });
                    }
                }
            }
            Err(problem) => errors.push(FieldError {
                field: field.name.clone(),
                problem,
            }),
        }
    }
    for name in answers.keys() {
        if def.field(name).is_none() {
            errors.push(FieldError {
                field: name.chars().take(64).collect(),
                problem: FieldProblem::Unknown,
            });
        }
    }
    if errors.is_empty() {
        Ok(Answers {
            form_id: def.id.clone(),
            form_version: def.version,
            values,
            complete,
        })
    } else {
        Err(errors)
    }
}

/// One answer typed by its field; `Ok(None)` when blank.
fn typed_answer(kind: &FieldKind, raw: &RawAnswer) -> Result<Option<Value>, FieldProblem> {
    let many: Vec<String> = match raw {
        RawAnswer::One(s) => vec![clean(s)],
        RawAnswer::Many(v) => v.iter().map(|s| clean(s)).collect(),
    };
    let given: Vec<String> = many.into_iter().filter(|s| !s.is_empty()).collect();
    if given.is_empty() {
        return Ok(None);
    }
    if let FieldKind::MultiChoice { options } = kind {
        for g in &given {
            if !options.iter().any(|o| &o.value == g) {
                return Err(FieldProblem::NotAnOption(g.chars().take(40).collect()));
            }
        }
        // Duplicates collapse; order follows the form.
        let chosen = options
            .iter()
            .filter(|o| given.contains(&o.value))
            .map(|o| o.value.clone())
            .collect();
        return Ok(Some(Value::MultiChoice(chosen)));
    }
    let [one] = given.as_slice() else {
        return Err(FieldProblem::OneAnswerExpected);
    };
    let value = match kind {
        FieldKind::Text { max } => {
            if one.contains('\n') {
                return Err(FieldProblem::NotOneLine);
            }
            if one.chars().count() > *max as usize {
                return Err(FieldProblem::TooLong { max: *max });
            }
            Value::Text(one.clone())
        }
        FieldKind::LongText { max } => {
            if one.chars().count() > *max as usize {
                return Err(FieldProblem::TooLong { max: *max });
            }
            Value::Text(one.clone())
        }
        FieldKind::Date => Value::Date(
            NaiveDate::parse_from_str(one, "%Y-%m-%d").map_err(|_| FieldProblem::NotADate)?,
        ),
        FieldKind::Number { min, max } => {
            let n: i64 = one.parse().map_err(|_| FieldProblem::NotAWholeNumber)?;
            if n < *min || n > *max {
                return Err(FieldProblem::OutOfRange {
                    min: *min,
                    max: *max,
                });
            }
            Value::Number(n)
        }
        FieldKind::Choice { options } => {
            if !options.iter().any(|o| &o.value == one) {
                return Err(FieldProblem::NotAnOption(one.chars().take(40).collect()));
            }
            Value::Choice(one.clone())
        }
        FieldKind::YesNo => match one.to_ascii_lowercase().as_str() {
            "yes" => Value::YesNo(true),
            "no" => Value::YesNo(false),
            _ => return Err(FieldProblem::NotYesNo),
        },
        FieldKind::Phone => {
            Value::Phone(one.parse::<Phone>().map_err(|_| FieldProblem::NotAPhone)?)
        }
        FieldKind::Email => {
            Value::Email(one.parse::<Email>().map_err(|_| FieldProblem::NotAnEmail)?)
        }
        FieldKind::MultiChoice { .. } => unreachable!("handled above"),
    };
    Ok(Some(value))
}

// ---------------------------------------------------------------------------------------
// Editing a form (the practice's editor)
// ---------------------------------------------------------------------------------------

/// Longest question, hint and section title, in characters.
pub const MAX_LABEL: usize = 500;
pub const MAX_HELP: usize = 500;
pub const MAX_SECTION_TITLE: usize = 200;
/// Limits a new text field gets when the editor leaves them blank.
pub const DEFAULT_TEXT_MAX: u32 = 200;
pub const DEFAULT_LONG_TEXT_MAX: u32 = 2_000;

/// One field as the editor's form sends it: every value a string as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldInput {
    pub name: String,
    pub label: String,
    pub help: String,
    /// `text`, `long_text`, `date`, `number`, `choice`, `multi_choice`, `yes_no`, `phone`,
    /// `email`.
    pub kind: String,
    pub required: bool,
    /// Choices, one a line: `label`, or `value | label` to choose the stored value.
    pub options: String,
    /// Text: the most characters. Number: the largest allowed.
    pub max: String,
    /// Number: the smallest allowed.
    pub min: String,
}

/// Every kind of field, in the order the editor offers them.
pub const KINDS: [&str; 9] = [
    "text",
    "long_text",
    "date",
    "number",
    "choice",
    "multi_choice",
    "yes_no",
    "phone",
    "email",
];

impl FieldInput {
    /// The editor's form filled in from an existing field.
    pub fn of(field: &Field) -> FieldInput {
        let (max, min) = match &field.kind {
            FieldKind::Text { max } | FieldKind::LongText { max } => {
                (max.to_string(), String::new())
            }
            FieldKind::Number { min, max } => (max.to_string(), min.to_string()),
            _ => (String::new(), String::new()),
        };
        let options = field
            .kind
            .options()
            .map(|o| {
                o.iter()
                    .map(|o| format!("{} | {}", o.value, o.label))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        FieldInput {
            name: field.name.clone(),
            label: field.label.clone(),
            help: field.help.clone().unwrap_or_default(),
            kind: field.kind.as_str().to_string(),
            required: field.required,
            options,
            max,
            min,
        }
    }
}

/// What is wrong with one input of the editor's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditProblem {
    /// Not lower case letters, digits and `_` starting with a letter (at most 64).
    NameInvalid,
    /// Another field of the form has this name.
    NameTaken,
    Missing,
    TooLong {
        max: usize,
    },
    KindUnknown,
    NotAWholeNumber,
    /// A text limit outside 1 to `limit`.
    LimitOutOfRange {
        limit: u32,
    },
    MinAboveMax,
    TooFewOptions {
        least: usize,
    },
    TooManyOptions,
    /// Two options with this stored value.
    DuplicateOption(String),
    /// An option line whose value has spaces or whose label is empty.
    BadOption(String),
    NoSuchField,
    NoSuchSection,
    /// The only field of the only section cannot be removed: a form asks something.
    LastField,
    /// The field is already first (or last) in the form.
    CannotMove,
    /// Publishing a copy identical to the published version.
    NoChanges,
    /// The copy breaks a rule of [`FormDefinition::check`] (the first problem).
    Broken(String),
}

impl fmt::Display for EditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditProblem::NameInvalid => {
                f.write_str("lower case letters, digits and _, starting with a letter")
            }
            EditProblem::NameTaken => f.write_str("another field has this name"),
            EditProblem::Missing => f.write_str("this is needed"),
            EditProblem::TooLong { max } => write!(f, "at most {max} characters"),
            EditProblem::KindUnknown => f.write_str("choose a kind of answer"),
            EditProblem::NotAWholeNumber => f.write_str("a whole number"),
            EditProblem::LimitOutOfRange { limit } => write!(f, "from 1 to {limit}"),
            EditProblem::MinAboveMax => f.write_str("the smallest is above the largest"),
            EditProblem::TooFewOptions { least } => write!(f, "at least {least} choices"),
            EditProblem::TooManyOptions => write!(f, "at most {MAX_OPTIONS} choices"),
            EditProblem::DuplicateOption(v) => write!(f, "{v:?} is used twice"),
            EditProblem::BadOption(l) => write!(f, "{l:?}: a value without spaces and a label"),
            EditProblem::NoSuchField => f.write_str("no such field"),
            EditProblem::NoSuchSection => f.write_str("no such section"),
            EditProblem::LastField => f.write_str("a form needs at least one question"),
            EditProblem::CannotMove => f.write_str("it cannot move further"),
            EditProblem::NoChanges => {
                f.write_str("nothing has changed since the published version")
            }
            EditProblem::Broken(why) => f.write_str(why),
        }
    }
}

/// A problem with one input of the editor's form, naming the input (`name`, `label`, `help`,
/// `kind`, `max`, `min`, `options`, `section`, `title`, or `form`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {problem}")]
pub struct EditError {
    pub input: &'static str,
    pub problem: EditProblem,
}

fn edit_err(input: &'static str, problem: EditProblem) -> EditError {
    EditError { input, problem }
}

/// A value for an option from its label: lower case ASCII letters and digits joined by `_`.
fn slug(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').chars().take(40).collect()
}

fn parse_options(text: &str, errors: &mut Vec<EditError>) -> Vec<ChoiceOption> {
    let mut options = Vec::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (value, label) = match line.split_once('|') {
            Some((v, l)) => (v.trim().to_string(), l.trim().to_string()),
            None => {
                let v = slug(line);
                let v = if v.is_empty() {
                    format!("option_{}", i + 1)
                } else {
                    v
                };
                (v, line.to_string())
            }
        };
        if value.is_empty() || value.contains(char::is_whitespace) || label.is_empty() {
            errors.push(edit_err(
                "options",
                EditProblem::BadOption(line.chars().take(40).collect()),
            ));
            continue;
        }
        if label.chars().count() > MAX_LABEL {
            errors.push(edit_err("options", EditProblem::TooLong { max: MAX_LABEL }));
            continue;
        }
        if options.iter().any(|o: &ChoiceOption| o.value == value) {
            errors.push(edit_err("options", EditProblem::DuplicateOption(value)));
            continue;
        }
        options.push(ChoiceOption { value, label });
    }
    options
}

impl FieldInput {
    /// Checks the input and builds the field. `taken` says whether another field of the form
    /// already uses a name. Every problem is returned, each naming its input.
    pub fn to_field(&self, taken: impl Fn(&str) -> bool) -> Result<Field, Vec<EditError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(edit_err("name", EditProblem::Missing));
        } else if !is_identifier(&name) {
            errors.push(edit_err("name", EditProblem::NameInvalid));
        } else if taken(&name) {
            errors.push(edit_err("name", EditProblem::NameTaken));
        }
        let label = clean(&self.label).replace('\n', " ");
        if label.is_empty() {
            errors.push(edit_err("label", EditProblem::Missing));
        } else if label.chars().count() > MAX_LABEL {
            errors.push(edit_err("label", EditProblem::TooLong { max: MAX_LABEL }));
        }
        let help = clean(&self.help).replace('\n', " ");
        if help.chars().count() > MAX_HELP {
            errors.push(edit_err("help", EditProblem::TooLong { max: MAX_HELP }));
        }
        let number = |input: &'static str, s: &str, errors: &mut Vec<EditError>| -> Option<i64> {
            match s.trim() {
                "" => None,
                t => t
                    .parse::<i64>()
                    .map_err(|_| errors.push(edit_err(input, EditProblem::NotAWholeNumber)))
                    .ok(),
            }
        };
        let limit = |default: u32, most: u32, errors: &mut Vec<EditError>| -> u32 {
            match number("max", &self.max, errors) {
                None => default,
                Some(n) if (1..=i64::from(most)).contains(&n) => n as u32,
                Some(_) => {
                    errors.push(edit_err(
                        "max",
                        EditProblem::LimitOutOfRange { limit: most },
                    ));
                    default
                }
            }
        };
        let kind = match self.kind.trim() {
            "text" => Some(FieldKind::Text {
                max: limit(DEFAULT_TEXT_MAX, MAX_TEXT_LIMIT, &mut errors),
            }),
            "long_text" => Some(FieldKind::LongText {
                max: limit(DEFAULT_LONG_TEXT_MAX, MAX_LONG_TEXT_LIMIT, &mut errors),
            }),
            "date" => Some(FieldKind::Date),
            "number" => {
                let min = number("min", &self.min, &mut errors).unwrap_or(0);
                let max = number("max", &self.max, &mut errors).unwrap_or(999);
                if min > max {
                    errors.push(edit_err("min", EditProblem::MinAboveMax));
                }
                Some(FieldKind::Number { min, max })
            }
            k @ ("choice" | "multi_choice") => {
                let options = parse_options(&self.options, &mut errors);
                let least = if k == "choice" { 2 } else { 1 };
                if options.len() < least {
                    errors.push(edit_err("options", EditProblem::TooFewOptions { least }));
                } else if options.len() > MAX_OPTIONS {
                    errors.push(edit_err("options", EditProblem::TooManyOptions));
                }
                Some(if k == "choice" {
                    FieldKind::Choice { options }
                } else {
                    FieldKind::MultiChoice { options }
                })
            }
            "yes_no" => Some(FieldKind::YesNo),
            "phone" => Some(FieldKind::Phone),
            "email" => Some(FieldKind::Email),
            _ => {
                errors.push(edit_err("kind", EditProblem::KindUnknown));
                None
            }
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(Field {
                name,
                label,
                help: (!help.is_empty()).then_some(help),
                kind,
                required: self.required,
            }),
            _ => Err(errors),
        }
    }
}

impl FormDefinition {
    /// Where a field is: (section index, index in the section).
    pub fn locate(&self, name: &str) -> Option<(usize, usize)> {
        self.sections.iter().enumerate().find_map(|(si, s)| {
            s.fields
                .iter()
                .position(|f| f.name == name)
                .map(|fi| (si, fi))
        })
    }

    /// Adds a field at the end of section `section`.
    pub fn add_field(&mut self, section: usize, input: &FieldInput) -> Result<(), Vec<EditError>> {
        let field = input.to_field(|n| self.field(n).is_some());
        let Some(s) = self.sections.get_mut(section) else {
            let mut errors = field.err().unwrap_or_default();
            errors.insert(0, edit_err("section", EditProblem::NoSuchSection));
            return Err(errors);
        };
        s.fields.push(field?);
        Ok(())
    }

    /// Replaces the field called `name` (its name may change too).
    pub fn update_field(&mut self, name: &str, input: &FieldInput) -> Result<(), Vec<EditError>> {
        let Some((si, fi)) = self.locate(name) else {
            return Err(vec![edit_err("form", EditProblem::NoSuchField)]);
        };
        let field = input.to_field(|n| n != name && self.field(n).is_some())?;
        self.sections[si].fields[fi] = field;
        Ok(())
    }

    /// Moves a field one place up or down; past the edge of its section it joins the end of
    /// the section before (or the start of the one after).
    pub fn move_field(&mut self, name: &str, up: bool) -> Result<(), EditProblem> {
        let (si, fi) = self.locate(name).ok_or(EditProblem::NoSuchField)?;
        let len = self.sections[si].fields.len();
        match (up, fi) {
            (true, 0) if si == 0 => return Err(EditProblem::CannotMove),
            (true, 0) => {
                let f = self.sections[si].fields.remove(0);
                self.sections[si - 1].fields.push(f);
            }
            (true, _) => self.sections[si].fields.swap(fi, fi - 1),
            (false, i) if i + 1 == len && si + 1 == self.sections.len() => {
                return Err(EditProblem::CannotMove)
            }
            (false, i) if i + 1 == len => {
                let f = self.sections[si].fields.remove(i);
                self.sections[si + 1].fields.insert(0, f);
            }
            (false, _) => self.sections[si].fields.swap(fi, fi + 1),
        }
        self.sections.retain(|s| !s.fields.is_empty());
        Ok(())
    }

    /// Removes a field; a section left without fields goes too.
    pub fn remove_field(&mut self, name: &str) -> Result<(), EditProblem> {
        let (si, fi) = self.locate(name).ok_or(EditProblem::NoSuchField)?;
        if self.fields().count() == 1 {
            return Err(EditProblem::LastField);
        }
        self.sections[si].fields.remove(fi);
        self.sections.retain(|s| !s.fields.is_empty());
        Ok(())
    }

    /// Adds a section at the end, holding its first field (a section is never empty).
    pub fn add_section(&mut self, title: &str, first: &FieldInput) -> Result<(), Vec<EditError>> {
        let title = clean(title).replace('\n', " ");
        let mut errors = Vec::new();
        if title.is_empty() {
            errors.push(edit_err("title", EditProblem::Missing));
        } else if title.chars().count() > MAX_SECTION_TITLE {
            errors.push(edit_err(
                "title",
                EditProblem::TooLong {
                    max: MAX_SECTION_TITLE,
                },
            ));
        }
        match first.to_field(|n| self.field(n).is_some()) {
            Ok(field) if errors.is_empty() => {
                self.sections.push(Section {
                    title,
                    fields: vec![field],
                });
                Ok(())
            }
            Ok(_) => Err(errors),
            Err(e) => {
                errors.extend(e);
                Err(errors)
            }
        }
    }

    /// The edited copy as the next version after `published`: refused when nothing changed,
    /// and checked whole before it may be published.
    pub fn as_next_version(
        &self,
        published: &FormDefinition,
    ) -> Result<FormDefinition, EditProblem> {
        if self.title == published.title && self.sections == published.sections {
            return Err(EditProblem::NoChanges);
        }
        let next = FormDefinition {
            id: published.id.clone(),
            version: published.version + 1,
            ..self.clone()
        };
        // The editor builds fields through `FieldInput::to_field`, which keeps the rules
        // `check` holds; anything else is refused rather than published.
        next.check().map_err(|e| {
            EditProblem::Broken(e.first().map(ToString::to_string).unwrap_or_default())
        })?;
        Ok(next)
    }
}

/// Answers as the form shows them again: what was typed, for a draft to resume or a
/// submission to revise. Fields that no longer exist in `def` are left out.
pub fn raw_of(answers: &Answers, def: &FormDefinition) -> BTreeMap<String, RawAnswer> {
    answers
        .values
        .iter()
        .filter(|(name, _)| def.field(name).is_some())
        .map(|(name, v)| (name.clone(), v.raw()))
        .collect()
}

impl Value {
    /// The value as the form sends it.
    pub fn raw(&self) -> RawAnswer {
        match self {
            Value::Text(s) | Value::Choice(s) => RawAnswer::One(s.clone()),
            Value::Date(d) => RawAnswer::One(d.format("%Y-%m-%d").to_string()),
            Value::Number(n) => RawAnswer::One(n.to_string()),
            Value::MultiChoice(v) => RawAnswer::Many(v.clone()),
            Value::YesNo(b) => RawAnswer::One(if *b { "yes" } else { "no" }.into()),
            Value::Phone(p) => RawAnswer::One(p.as_str().to_string()),
            Value::Email(e) => RawAnswer::One(e.as_str().to_string()),
        }
    }
}

impl RawAnswer {
    /// Every value given, in order.
    pub fn values(&self) -> &[String] {
        match self {
            RawAnswer::One(s) => std::slice::from_ref(s),
            RawAnswer::Many(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, RawAnswer> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), RawAnswer::One(v.to_string())))
            .collect()
    }

    fn default() -> &'static FormDefinition {
        FormDefinition::builtin_default().unwrap()
    }

    #[test]
    fn the_default_intake_loads_and_asks_what_the_issue_names() {
        let def = default();
        assert_eq!((def.id.as_str(), def.version), ("intake_default", 1));
        for name in [
            "gender",
            "reason",
            "previous_therapy",
            "medications",
            "supports",
            "preferred_language",
            "accessibility_needs",
        ] {
            assert!(def.field(name).is_some(), "{name}");
        }
        let required: Vec<_> = def
            .fields()
            .filter(|f| f.required)
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(required, vec!["reason", "preferred_language"]);
        assert!(def.source.is_some() && def.as_of.is_some());
    }

    #[test]
    fn a_draft_may_be_partial_but_a_final_submission_must_answer_required_fields() {
        let def = default();
        let draft = validate_answers(def, &answers(&[("pronouns", "they/them")]), false).unwrap();
        assert!(!draft.complete);
        assert_eq!(draft.values["pronouns"], Value::Text("they/them".into()));
        let errs = validate_answers(def, &answers(&[("pronouns", "they/them")]), true).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["reason", "preferred_language"]);
        assert!(errs.iter().all(|e| e.problem == FieldProblem::Required));
        let done = validate_answers(
            def,
            &answers(&[
                ("reason", "I can't sleep and I worry all day."),
                ("preferred_language", "es"),
            ]),
            true,
        )
        .unwrap();
        assert!(done.complete);
        assert_eq!(done.form_version, 1);
    }

    #[test]
    fn drafts_still_type_check_every_answer() {
        let def = default();
        let mut a = answers(&[
            ("children", "three"),
            ("last_hospital_discharge", "last spring"),
            ("previous_therapy", "maybe"),
            ("relationship_status", "complicated"),
            ("pronouns", "she/her\nand more"),
            ("not_a_field", "x"),
        ]);
        a.insert(
            "preferred_language".into(),
            RawAnswer::Many(vec!["en".into(), "es".into()]),
        );
        let errs = validate_answers(def, &a, false).unwrap_err();
        let got: Vec<(&str, &FieldProblem)> = errs
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                ("pronouns", &FieldProblem::NotOneLine),
                (
                    "relationship_status",
                    &FieldProblem::NotAnOption("complicated".into())
                ),
                ("children", &FieldProblem::NotAWholeNumber),
                ("previous_therapy", &FieldProblem::NotYesNo),
                ("last_hospital_discharge", &FieldProblem::NotADate),
                ("preferred_language", &FieldProblem::OneAnswerExpected),
                ("not_a_field", &FieldProblem::Unknown),
            ]
        );
        assert_eq!(errs[2].to_string(), "children: a whole number");
    }

    #[test]
    fn answers_are_typed_and_multi_choices_follow_the_form_order() {
        let def = default();
        let mut a = answers(&[
            ("children", " 2 "),
            ("previous_therapy", "Yes"),
            ("last_hospital_discharge", "2019-04-30"),
            (
                "reason",
                "  Panic attacks at work.\r\nThey started in May.  ",
            ),
        ]);
        a.insert(
            "supports".into(),
            RawAnswer::Many(vec![
                "friends".into(),
                "family".into(),
                "friends".into(),
                "".into(),
            ]),
        );
        let v = validate_answers(def, &a, false).unwrap().values;
        assert_eq!(v["children"], Value::Number(2));
        assert_eq!(v["previous_therapy"], Value::YesNo(true));
        assert_eq!(
            v["last_hospital_discharge"],
            Value::Date("2019-04-30".parse().unwrap())
        );
        assert_eq!(
            v["reason"],
            Value::Text("Panic attacks at work.\nThey started in May.".into())
        );
        assert_eq!(
            v["supports"],
            Value::MultiChoice(vec!["family".into(), "friends".into()])
        );
        // A single value for a multi-choice, and blanks, are fine.
        let v = validate_answers(
            def,
            &answers(&[("supports", "partner"), ("gender", "  ")]),
            false,
        )
        .unwrap()
        .values;
        assert_eq!(v["supports"], Value::MultiChoice(vec!["partner".into()]));
        assert!(!v.contains_key("gender"));
    }

    #[test]
    fn limits_are_enforced_in_characters() {
        let def = default();
        let long = "é".repeat(51);
        let errs = validate_answers(def, &answers(&[("pronouns", &long)]), false).unwrap_err();
        assert_eq!(errs[0].problem, FieldProblem::TooLong { max: 50 });
        let ok = "é".repeat(50);
        assert!(validate_answers(def, &answers(&[("pronouns", &ok)]), false).is_ok());
        let errs = validate_answers(def, &answers(&[("children", "21")]), false).unwrap_err();
        assert_eq!(
            errs[0].problem,
            FieldProblem::OutOfRange { min: 0, max: 20 }
        );
    }

    #[test]
    fn bad_definitions_are_refused_with_every_problem_located() {
        let json = r#"{
          "id": "Intake 2", "version": 0, "title": " ",
          "sections": [
            {"title": "A", "fields": [
              {"name": "age", "label": "Age", "kind": {"type": "number", "min": 10, "max": 1}},
              {"name": "age", "label": "", "kind": {"type": "text", "max": 0}},
              {"name": "Lang", "label": "L", "kind": {"type": "choice", "options": [{"value": "en", "label": "English"}]}},
              {"name": "needs", "label": "N", "kind": {"type": "multi_choice", "options": [
                 {"value": "a", "label": "A"}, {"value": "a", "label": ""}, {"value": "b c", "label": "B"}]}}
            ]},
            {"title": "Empty", "fields": []}
          ]}"#;
        let errs = FormDefinition::from_json(json).unwrap_err();
        let paths: Vec<_> = errs.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "id",
                "version",
                "title",
                "sections[0].fields[0].kind.min",
                "sections[0].fields[1].name",
                "sections[0].fields[1].label",
                "sections[0].fields[1].kind.max",
                "sections[0].fields[2].name",
                "sections[0].fields[2].kind.options",
                "sections[0].fields[3].kind.options[1].value",
                "sections[0].fields[3].kind.options[1].label",
                "sections[0].fields[3].kind.options[2].value",
                "sections[1].fields",
            ]
        );
        assert!(errs[4].problem.contains("\"age\" is used by another field"));
        assert!(FormDefinition::from_json(
            r#"{"id":"x","version":1,"title":"T","sections":[],"extra":1}"#
        )
        .unwrap_err()[0]
            .problem
            .contains("unknown field"));
    }

    #[test]
    fn a_definition_round_trips_through_json() {
        let def = default();
        let json = serde_json::to_string(def).unwrap();
        assert_eq!(&FormDefinition::from_json(&json).unwrap(), def);
    }

    fn input(name: &str, label: &str, kind: &str) -> FieldInput {
        FieldInput {
            name: name.into(),
            label: label.into(),
            kind: kind.into(),
            ..FieldInput::default()
        }
    }

    #[test]
    fn phone_and_email_answers_are_checked_and_kept_typed() {
        let mut def = default().clone();
        def.add_field(0, &input("work_email", "Work email", "email"))
            .unwrap();
        let ok = validate_answers(
            &def,
            &answers(&[
                ("primary_care_phone", "+1 (617) 555-0100 ext. 12"),
                ("work_email", " Sam@Example.ORG "),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(
            ok.values["primary_care_phone"],
            Value::Phone("+1 (617) 555-0100 ext. 12".parse().unwrap())
        );
        assert_eq!(
            ok.values["work_email"],
            Value::Email("sam@example.org".parse().unwrap())
        );
        let errs = validate_answers(
            &def,
            &answers(&[
                ("primary_care_phone", "call me"),
                ("work_email", "sam at home"),
            ]),
            false,
        )
        .unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                ("work_email", &FieldProblem::NotAnEmail),
                ("primary_care_phone", &FieldProblem::NotAPhone)
            ]
        );
        // What was given reads back as the form sends it.
        let raw = raw_of(&ok, &def);
        assert_eq!(raw["work_email"], RawAnswer::One("sam@example.org".into()));
        assert_eq!(validate_answers(&def, &raw, false).unwrap(), ok);
    }

    #[test]
    fn the_editor_builds_each_kind_of_field_and_names_every_bad_input() {
        let def = default();
        let taken = |n: &str| def.field(n).is_some();
        let mut choice = input("contact_time", "Best time to call", "choice");
        choice.options = "Morning\nafternoon | In the afternoon\n\n Evening ".into();
        choice.required = true;
        let f = choice.to_field(taken).unwrap();
        assert!(f.required);
        assert_eq!(
            f.kind,
            FieldKind::Choice {
                options: vec![
                    ChoiceOption {
                        value: "morning".into(),
                        label: "Morning".into()
                    },
                    ChoiceOption {
                        value: "afternoon".into(),
                        label: "In the afternoon".into()
                    },
                    ChoiceOption {
                        value: "evening".into(),
                        label: "Evening".into()
                    },
                ]
            }
        );
        let mut n = input("sleep_hours", "Hours of sleep", "number");
        n.min = "0".into();
        n.max = "24".into();
        assert_eq!(
            n.to_field(taken).unwrap().kind,
            FieldKind::Number { min: 0, max: 24 }
        );
        assert_eq!(
            input("notes", "Notes", "long_text")
                .to_field(taken)
                .unwrap()
                .kind,
            FieldKind::LongText {
                max: DEFAULT_LONG_TEXT_MAX
            }
        );
        for k in KINDS {
            let mut i = input("q", "Q", k);
            i.options = "A\nB".into();
            assert_eq!(i.to_field(taken).unwrap().kind.as_str(), k);
        }

        let mut bad = input("Reason 2", " ", "choice");
        bad.options = "only one".into();
        bad.help = "h".repeat(MAX_HELP + 1);
        let errs = bad.to_field(taken).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.input, e.problem.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("name", EditProblem::NameInvalid),
                ("label", EditProblem::Missing),
                ("help", EditProblem::TooLong { max: MAX_HELP }),
                ("options", EditProblem::TooFewOptions { least: 2 }),
            ]
        );
        let mut dup = input("reason", "Why", "multi_choice");
        dup.options = "a | A\na | Again\nb c | B".into();
        let got: Vec<_> = dup
            .to_field(taken)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.input, e.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                ("name", EditProblem::NameTaken),
                ("options", EditProblem::DuplicateOption("a".into())),
                ("options", EditProblem::BadOption("b c | B".into())),
            ]
        );
        let mut range = input("x", "X", "number");
        range.min = "5".into();
        range.max = "1".into();
        assert_eq!(
            range.to_field(taken).unwrap_err()[0].problem,
            EditProblem::MinAboveMax
        );
        let mut long = input("x", "X", "text");
        long.max = "5000".into();
        assert_eq!(
            long.to_field(taken).unwrap_err()[0].problem,
            EditProblem::LimitOutOfRange {
                limit: MAX_TEXT_LIMIT
            }
        );
        assert_eq!(
            input("x", "X", "essay").to_field(taken).unwrap_err()[0].problem,
            EditProblem::KindUnknown
        );
        // A field read back into the editor builds the same field again.
        for f in def.fields() {
            assert_eq!(&FieldInput::of(f).to_field(|_| false).unwrap(), f);
        }
    }

    #[test]
    fn fields_are_added_edited_moved_and_removed_and_published_as_the_next_version() {
        let published = default();
        let mut copy = published.clone();
        assert_eq!(copy.as_next_version(published), Err(EditProblem::NoChanges));

        copy.add_field(1, &input("referral", "Who referred you?", "text"))
            .unwrap();
        assert_eq!(copy.locate("referral"), Some((1, 3)));
        assert!(copy
            .add_field(99, &input("x", "X", "text"))
            .unwrap_err()
            .iter()
            .any(|e| e.problem == EditProblem::NoSuchSection));

        // Up within the section, then across into the section before.
        copy.move_field("reason", true).unwrap();
        assert_eq!(copy.locate("reason"), Some((0, 7)));
        copy.move_field("reason", false).unwrap();
        assert_eq!(copy.locate("reason"), Some((1, 0)));
        assert_eq!(
            copy.move_field("pronouns", true),
            Err(EditProblem::CannotMove)
        );
        assert_eq!(
            copy.move_field("accessibility_details", false),
            Err(EditProblem::CannotMove)
        );

        let mut edit = FieldInput::of(copy.field("goals").unwrap());
        edit.name = "hopes".into();
        edit.required = true;
        copy.update_field("goals", &edit).unwrap();
        assert!(copy.field("goals").is_none() && copy.field("hopes").unwrap().required);
        let mut clash = edit.clone();
        clash.name = "reason".into();
        assert_eq!(
            copy.update_field("hopes", &clash).unwrap_err()[0].problem,
            EditProblem::NameTaken
        );

        copy.remove_field("medications").unwrap();
        assert!(copy.field("medications").is_none());
        // Emptying a section removes it.
        let sections = copy.sections.len();
        for f in ["accessibility_needs", "accessibility_details"] {
            copy.remove_field(f).unwrap();
        }
        assert_eq!(copy.sections.len(), sections - 1);
        copy.add_section(
            "Access",
            &input("access", "Anything we should change?", "long_text"),
        )
        .unwrap();
        assert_eq!(
            copy.add_section(" ", &input("x", "X", "text")).unwrap_err()[0].input,
            "title"
        );

        let next = copy.as_next_version(published).unwrap();
        assert_eq!((next.id.as_str(), next.version), ("intake_default", 2));
        assert!(next.check().is_ok());
        // The published version is untouched: answers given to it still check against it.
        assert!(published.field("medications").is_some());

        let mut one = default().clone();
        let names: Vec<String> = one.fields().map(|f| f.name.clone()).collect();
        for n in &names[1..] {
            one.remove_field(n).unwrap();
        }
        assert_eq!(one.remove_field(&names[0]), Err(EditProblem::LastField));
    }

    fn answer_for(kind: &FieldKind, pick: u8) -> Option<String> {
        Some(match kind {
            FieldKind::Text { .. } | FieldKind::LongText { .. } => format!("answer {pick}"),
            FieldKind::Date => "2020-02-29".into(),
            FieldKind::Number { min, max } => (min + i64::from(pick) % (max - min + 1)).to_string(),
            FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
                options[usize::from(pick) % options.len()].value.clone()
            }
            FieldKind::YesNo => if pick & 1 == 0 { "yes" } else { "no" }.into(),
            FieldKind::Phone => format!("+1 617 555 01{:02}", pick % 100),
            FieldKind::Email => format!("person{pick}@example.org"),
        })
    }

    proptest! {
        #[test]
        fn any_subset_of_valid_answers_is_a_valid_draft_and_final_needs_only_the_required(
            mask in proptest::collection::vec(any::<bool>(), 30),
            picks in proptest::collection::vec(any::<u8>(), 30),
        ) {
            let def = default();
            let mut a = BTreeMap::new();
            for (i, f) in def.fields().enumerate() {
                if mask[i % mask.len()] {
                    if let Some(v) = answer_for(&f.kind, picks[i % picks.len()]) {
                        a.insert(f.name.clone(), RawAnswer::One(v));
                    }
                }
            }
            let draft = validate_answers(def, &a, false).unwrap();
            prop_assert_eq!(draft.values.len(), a.len());
            let all_required = def.fields().filter(|f| f.required).all(|f| a.contains_key(&f.name));
            prop_assert_eq!(draft.complete, all_required);
            prop_assert_eq!(validate_answers(def, &a, true).is_ok(), all_required);
        }

        #[test]
        fn arbitrary_text_never_panics(name in "[a-z_]{1,20}", value in "\\PC{0,60}") {
            let _ = validate_answers(default(), &answers(&[(&name, &value)]), true);
        }
    }
}
