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
        FieldKind::MultiChoice { .. } => unreachable!("handled above"),
    };
    Ok(Some(value))
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

    fn answer_for(kind: &FieldKind, pick: u8) -> Option<String> {
        Some(match kind {
            FieldKind::Text { .. } | FieldKind::LongText { .. } => format!("answer {pick}"),
            FieldKind::Date => "2020-02-29".into(),
            FieldKind::Number { min, max } => (min + i64::from(pick) % (max - min + 1)).to_string(),
            FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
                options[usize::from(pick) % options.len()].value.clone()
            }
            FieldKind::YesNo => if pick & 1 == 0 { "yes" } else { "no" }.into(),
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
