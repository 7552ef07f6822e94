//! Reading the credentials file at the edge: everything is checked here, with the field
//! named, so the decision code can trust [`Credentials`].

use std::str::FromStr;

use serde_json::{Map, Value};

use super::{
    parse_date, Compact, Credential, CredentialKind, Credentials, Grant, Profession, Registry,
};
use crate::Jurisdiction;

/// More credentials than any clinician holds; a bound so a hostile file cannot make the
/// engine do unbounded work per decision.
pub const MAX_CREDENTIALS: usize = 500;
/// Longest `title` or `number` accepted.
pub const MAX_TEXT: usize = 200;

/// A problem in a credentials file: the field and what is wrong with it, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct CredentialsError {
    /// e.g. `credentials[2].expires`, or `credentials file` for the file as a whole.
    pub field: String,
    pub problem: String,
}

fn err(field: impl Into<String>, problem: impl Into<String>) -> CredentialsError {
    CredentialsError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// A value quoted for an error message, cut short so messages stay one readable line.
fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut:?}…")
    } else {
        format!("{s:?}")
    }
}

/// A key from the file, as a field name: plain when it looks like one, quoted otherwise.
fn field_name(k: &str) -> String {
    let plain =
        !k.is_empty() && k.len() <= 40 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        k.to_owned()
    } else {
        quoted(k)
    }
}

fn what(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

const TOP_FIELDS: &[&str] = &["profession", "credentials"];
const OPTIONAL: &[&str] = &["title", "number", "profession"];

fn required(kind: CredentialKind) -> &'static [&'static str] {
    match kind {
        CredentialKind::License => &["jurisdiction", "expires"],
        CredentialKind::CompactPrivilege => &["compact", "jurisdiction", "expires"],
        CredentialKind::CompactAuthorization => &["compact", "home", "expires"],
        CredentialKind::TemporaryPermit => &["jurisdiction", "starts", "expires"],
    }
}

pub(super) fn parse(json: &str, registry: &Registry) -> Result<Credentials, CredentialsError> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| err("credentials file", format!("not valid JSON ({e})")))?;
    let Value::Object(top) = value else {
        return Err(err(
            "credentials file",
            format!(
                "must be an object with profession and credentials, not {}",
                what(&value)
            ),
        ));
    };
    if let Some(k) = top.keys().find(|k| !TOP_FIELDS.contains(&k.as_str())) {
        return Err(err(
            field_name(k),
            "is not a field of a credentials file (expected profession and credentials)",
        ));
    }
    let profession = profession_field(&top, "profession", "profession")?.ok_or_else(|| {
        err(
            "profession",
            "missing (one of social_work, counseling, psychology, marriage_family_therapy)",
        )
    })?;
    let list = match top.get("credentials") {
        None => {
            return Err(err(
                "credentials",
                "missing (a list of credentials, which may be empty)",
            ))
        }
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(err(
                "credentials",
                format!("must be a list, not {}", what(other)),
            ))
        }
    };
    if list.len() > MAX_CREDENTIALS {
        return Err(err(
            "credentials",
            format!(
                "has {} entries; at most {MAX_CREDENTIALS} are accepted",
                list.len()
            ),
        ));
    }
    let mut credentials = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        credentials.push(credential(i, v, profession, registry)?);
    }
    Ok(Credentials::new(profession, credentials))
}

fn credential(
    i: usize,
    v: &Value,
    file_profession: Profession,
    registry: &Registry,
) -> Result<Credential, CredentialsError> {
    let at = format!("credentials[{i}]");
    let Value::Object(obj) = v else {
        return Err(err(&at, format!("must be an object, not {}", what(v))));
    };
    let kind_field = format!("{at}.kind");
    let kind = match obj.get("kind") {
        None => return Err(err(
            kind_field,
            "missing (one of license, compact_privilege, compact_authorization, temporary_permit)",
        )),
        Some(Value::String(s)) => {
            CredentialKind::from_str(s).map_err(|e| err(&kind_field, e.to_string()))?
        }
        Some(other) => {
            return Err(err(
                kind_field,
                format!("must be a string, not {}", what(other)),
            ))
        }
    };
    let needs = required(kind);
    if let Some(k) = obj.keys().find(|k| {
        k.as_str() != "kind" && !needs.contains(&k.as_str()) && !OPTIONAL.contains(&k.as_str())
    }) {
        return Err(err(
            format!("{at}.{}", field_name(k)),
            format!(
                "is not used by a {kind} (a {kind} has {}; optionally {})",
                needs.join(", "),
                OPTIONAL.join(", ")
            ),
        ));
    }
    for field in needs {
        if !obj.contains_key(*field) {
            return Err(err(
                format!("{at}.{field}"),
                format!("missing (a {kind} needs {})", needs.join(", ")),
            ));
        }
    }
    let expires = date(obj, "expires", &at)?;
    let grant = match kind {
        CredentialKind::License => Grant::License {
            jurisdiction: jurisdiction(obj, "jurisdiction", &at, registry)?,
        },
        CredentialKind::TemporaryPermit => {
            let starts = date(obj, "starts", &at)?;
            if starts > expires {
                return Err(err(
                    format!("{at}.starts"),
                    format!("{starts} is after expires ({expires})"),
                ));
            }
            Grant::TemporaryPermit {
                jurisdiction: jurisdiction(obj, "jurisdiction", &at, registry)?,
                starts,
            }
        }
        CredentialKind::CompactPrivilege => Grant::CompactPrivilege {
            compact: compact(obj, kind, &at, registry)?,
            jurisdiction: jurisdiction(obj, "jurisdiction", &at, registry)?,
        },
        CredentialKind::CompactAuthorization => Grant::CompactAuthorization {
            compact: compact(obj, kind, &at, registry)?,
            home: jurisdiction(obj, "home", &at, registry)?,
        },
    };
    let profession = profession_field(obj, "profession", &format!("{at}.profession"))?;
    if let (Some(c), Some(p)) = (grant.compact(), profession) {
        let info = registry.compact(c);
        if info.profession != p {
            return Err(err(
                format!("{at}.profession"),
                format!(
                    "{} is for {}, not {}",
                    info.name,
                    info.profession.words(),
                    p.words()
                ),
            ));
        }
    }
    // A profession equal to the file's says nothing more; keep the set canonical.
    let profession = profession.filter(|p| *p != file_profession);
    Ok(Credential {
        grant,
        expires,
        profession,
        title: text(obj, "title", &at)?,
        number: text(obj, "number", &at)?,
    })
}

/// The `compact` of a compact credential, which must grant this kind.
fn compact(
    obj: &Map<String, Value>,
    kind: CredentialKind,
    at: &str,
    registry: &Registry,
) -> Result<Compact, CredentialsError> {
    let field = format!("{at}.compact");
    let c = Compact::from_str(string(obj, "compact", &field)?)
        .map_err(|e| err(&field, e.to_string()))?;
    let info = registry.compact(c);
    if !info.grants(kind) {
        let grants: Vec<&str> = info.credential_kinds.iter().map(|k| k.as_str()).collect();
        return Err(err(
            format!("{at}.kind"),
            format!("{} grants {}, not {kind}", info.name, grants.join(" or ")),
        ));
    }
    Ok(c)
}

fn string<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<&'a str, CredentialsError> {
    match obj.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(err(field, format!("must be a string, not {}", what(other)))),
        None => Err(err(field, "missing")),
    }
}

fn date(
    obj: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<chrono::NaiveDate, CredentialsError> {
    let field = format!("{at}.{key}");
    let s = string(obj, key, &field)?;
    parse_date(s).ok_or_else(|| err(&field, format!("{} is not a date (YYYY-MM-DD)", quoted(s))))
}

fn jurisdiction(
    obj: &Map<String, Value>,
    key: &str,
    at: &str,
    registry: &Registry,
) -> Result<Jurisdiction, CredentialsError> {
    let field = format!("{at}.{key}");
    let s = string(obj, key, &field)?;
    let j = Jurisdiction::from_str(s).map_err(|_| {
        err(
            &field,
            format!(
                "{} is not an ISO 3166-2 code such as US-MA or CA-ON",
                quoted(s)
            ),
        )
    })?;
    if registry.jurisdiction(&j).is_none() {
        return Err(err(
            &field,
            format!(
                "{} is not a jurisdiction in Alcove's licensure data",
                quoted(s)
            ),
        ));
    }
    Ok(j)
}

fn profession_field(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<Profession>, CredentialsError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Profession::from_str(s)
            .map(Some)
            .map_err(|e| err(field, e.to_string())),
        Some(other) => Err(err(field, format!("must be a string, not {}", what(other)))),
    }
}

fn text(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, CredentialsError> {
    let field = format!("{at}.{key}");
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() > MAX_TEXT => {
            Err(err(field, format!("is longer than {MAX_TEXT} characters")))
        }
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(other) => Err(err(
            field,
            format!(
                "must be a string, not {} (write numbers in quotes)",
                what(other)
            ),
        )),
    }
}
