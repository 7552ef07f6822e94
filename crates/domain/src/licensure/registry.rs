//! The repository's licensure data: interstate compacts and licensing boards.
//!
//! Compact membership and board links change with the world, so they are data in
//! `data/licensure/`, each entry with its source and as-of date (STYLE.md, "Small habits").
//! The files are embedded at compile time and checked once at start-up by [`Registry::builtin`];
//! after that the rest of the engine trusts the [`Registry`] type.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{parse_date, Compact, CredentialKind, Profession};
use crate::Jurisdiction;

const COMPACTS_JSON: &str = include_str!("../../../../data/licensure/compacts.json");
const BOARDS_JSON: &str = include_str!("../../../../data/licensure/boards.json");

/// A problem in the licensure data, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/licensure/{file}: {field}: {problem}")]
pub struct DataError {
    pub file: &'static str,
    pub field: String,
    pub problem: String,
}

/// One interstate compact, as the data describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactInfo {
    pub id: Compact,
    /// Short name used in sentences, e.g. "Counseling Compact".
    pub name: String,
    pub full_name: String,
    /// Compacts are profession-specific: PSYPACT is psychology only, and so on.
    pub profession: Profession,
    /// The credential kinds this compact grants (`compact_privilege`, `compact_authorization`).
    pub credential_kinds: Vec<CredentialKind>,
    /// What to call the compact's grant when saying what would allow a session,
    /// e.g. "privilege" or "authorisation to practise telepsychology".
    pub grant_name: String,
    /// First day the compact issues privileges or authorisations; `None`: not issuing yet.
    pub issuing_from: Option<NaiveDate>,
    pub issuing_note: String,
    pub source: String,
    pub as_of: NaiveDate,
    pub note: Option<String>,
    pub members: BTreeMap<Jurisdiction, Membership>,
}

/// A jurisdiction's membership of a compact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// First day the jurisdiction is a member.
    pub effective: NaiveDate,
    pub source: String,
    pub as_of: NaiveDate,
    pub note: Option<String>,
}

impl CompactInfo {
    /// Whether the compact is issuing privileges/authorisations on `on`.
    pub fn is_issuing(&self, on: NaiveDate) -> bool {
        self.issuing_from.is_some_and(|from| from <= on)
    }

    /// Whether `j` is a member on `on` (its membership has taken effect).
    pub fn is_member(&self, j: &Jurisdiction, on: NaiveDate) -> bool {
        self.members.get(j).is_some_and(|m| m.effective <= on)
    }

    /// When `j` becomes (or became) a member, if it is listed at all.
    pub fn member_from(&self, j: &Jurisdiction) -> Option<NaiveDate> {
        self.members.get(j).map(|m| m.effective)
    }

    pub fn grants(&self, kind: CredentialKind) -> bool {
        self.credential_kinds.contains(&kind)
    }
}

/// A jurisdiction Alcove has data for: its time zones and its boards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurisdictionInfo {
    pub code: Jurisdiction,
    pub name: String,
    pub time_zones: Vec<Tz>,
    /// The zone whose calendar decides "the session date" here: the westernmost when the
    /// jurisdiction spans zones, so a credential stays valid until its expires day has ended
    /// everywhere in the jurisdiction.
    pub date_zone: Tz,
    pub time_zone_note: Option<String>,
    pub boards: BTreeMap<Profession, Board>,
    pub source: String,
    pub as_of: NaiveDate,
}

/// Where to verify a credential for one profession in one jurisdiction (Standard 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub name: Option<String>,
    pub verify_url: Option<String>,
    pub note: Option<String>,
}

/// The validated licensure data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    compacts: [CompactInfo; 3],
    jurisdictions: BTreeMap<Jurisdiction, JurisdictionInfo>,
}

impl Registry {
    /// The data shipped in `data/licensure/`, parsed and validated. Call once at start-up.
    pub fn builtin() -> Result<Registry, DataError> {
        Registry::from_json(COMPACTS_JSON, BOARDS_JSON)
    }

    /// Parses and validates the two data files (the contents of `compacts.json` and `boards.json`).
    pub fn from_json(compacts_json: &str, boards_json: &str) -> Result<Registry, DataError> {
        let jurisdictions = parse_boards(boards_json)?;
        let compacts = parse_compacts(compacts_json, &jurisdictions)?;
        Ok(Registry {
            compacts,
            jurisdictions,
        })
    }

    pub fn compact(&self, c: Compact) -> &CompactInfo {
        match c {
            Compact::Counseling => &self.compacts[0],
            Compact::Psypact => &self.compacts[1],
            Compact::SocialWork => &self.compacts[2],
        }
    }

    pub fn compacts(&self) -> impl Iterator<Item = &CompactInfo> {
        self.compacts.iter()
    }

    pub fn jurisdiction(&self, j: &Jurisdiction) -> Option<&JurisdictionInfo> {
        self.jurisdictions.get(j)
    }

    /// Every jurisdiction with data, in code order.
    pub fn jurisdictions(&self) -> impl Iterator<Item = &JurisdictionInfo> {
        self.jurisdictions.values()
    }

    pub fn board(&self, j: &Jurisdiction, p: Profession) -> Option<&Board> {
        self.jurisdictions
            .get(j)
            .and_then(|info| info.boards.get(&p))
    }

    /// The calendar date of the instant `at` for a client in `j`: in the jurisdiction's
    /// westernmost zone (see [`JurisdictionInfo::date_zone`]); in UTC for a jurisdiction
    /// without data (no credential can name one, so the choice never allows anything).
    pub fn session_date(&self, j: &Jurisdiction, at: DateTime<Utc>) -> NaiveDate {
        match self.jurisdictions.get(j) {
            Some(info) => at.with_timezone(&info.date_zone).date_naive(),
            None => at.date_naive(),
        }
    }
}

// ---- raw shapes of the files -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompactsFile {
    #[allow(dead_code)]
    about: String,
    compacts: Vec<RawCompact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompact {
    id: String,
    name: String,
    full_name: String,
    profession: String,
    credential_kinds: Vec<String>,
    grant_name: String,
    issuing_from: Option<String>,
    issuing_note: String,
    source: String,
    as_of: String,
    #[serde(default)]
    note: Option<String>,
    members: Vec<RawMember>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    jurisdiction: String,
    effective: String,
    source: String,
    as_of: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoardsFile {
    #[allow(dead_code)]
    about: String,
    jurisdictions: Vec<RawJurisdiction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJurisdiction {
    code: String,
    name: String,
    time_zones: Vec<String>,
    date_zone: String,
    #[serde(default)]
    time_zone_note: Option<String>,
    boards: BTreeMap<String, RawBoard>,
    source: String,
    as_of: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoard {
    board: Option<String>,
    verify_url: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

// ---- validation ----------------------------------------------------------------------------

struct Ctx {
    file: &'static str,
}

impl Ctx {
    fn err(&self, field: impl Into<String>, problem: impl Into<String>) -> DataError {
        DataError {
            file: self.file,
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn date(&self, field: &str, s: &str) -> Result<NaiveDate, DataError> {
        parse_date(s).ok_or_else(|| self.err(field, format!("{s:?} is not a date (YYYY-MM-DD)")))
    }

    /// A jurisdiction code exactly as ISO 3166-2 writes it (no lower case, no spaces).
    fn code(&self, field: &str, s: &str) -> Result<Jurisdiction, DataError> {
        match Jurisdiction::from_str(s) {
            Ok(j) if j.as_str() == s => Ok(j),
            Ok(j) => Err(self.err(field, format!("{s:?} must be written {:?}", j.as_str()))),
            Err(e) => Err(self.err(field, e.to_string())),
        }
    }

    fn text(&self, field: &str, s: &str) -> Result<(), DataError> {
        if s.trim().is_empty() {
            Err(self.err(field, "must not be empty"))
        } else {
            Ok(())
        }
    }
}

fn parse_boards(json: &str) -> Result<BTreeMap<Jurisdiction, JurisdictionInfo>, DataError> {
    let cx = Ctx {
        file: "boards.json",
    };
    let raw: RawBoardsFile =
        serde_json::from_str(json).map_err(|e| cx.err("(file)", e.to_string()))?;
    let mut out = BTreeMap::new();
    for (i, rj) in raw.jurisdictions.into_iter().enumerate() {
        let at = format!("jurisdictions[{i}]");
        let code = cx.code(&format!("{at}.code"), &rj.code)?;
        cx.text(&format!("{at}.name"), &rj.name)?;
        cx.text(&format!("{at}.source"), &rj.source)?;
        let as_of = cx.date(&format!("{at}.as_of"), &rj.as_of)?;
        if rj.time_zones.is_empty() {
            return Err(cx.err(format!("{at}.time_zones"), "needs at least one IANA zone"));
        }
        let mut zones = Vec::new();
        for (k, z) in rj.time_zones.iter().enumerate() {
            let tz = Tz::from_str(z).map_err(|_| {
                cx.err(
                    format!("{at}.time_zones[{k}]"),
                    format!("{z:?} is not an IANA time zone"),
                )
            })?;
            if zones.contains(&tz) {
                return Err(cx.err(
                    format!("{at}.time_zones[{k}]"),
                    format!("{z:?} is listed twice"),
                ));
            }
            zones.push(tz);
        }
        let date_zone = Tz::from_str(&rj.date_zone)
            .ok()
            .filter(|tz| zones.contains(tz))
            .ok_or_else(|| {
                cx.err(
                    format!("{at}.date_zone"),
                    format!("{:?} must be one of time_zones", rj.date_zone),
                )
            })?;
        if let Some(west) = zones.iter().find(|z| is_west_of(**z, date_zone)) {
            return Err(cx.err(
                format!("{at}.date_zone"),
                format!(
                    "{} is west of {}; date_zone must be the westernmost zone (the latest end of day)",
                    west.name(),
                    date_zone.name()
                ),
            ));
        }
        if zones.len() > 1
            && rj
                .time_zone_note
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
        {
            return Err(cx.err(
                format!("{at}.time_zone_note"),
                "a jurisdiction with several zones needs a note saying which parts use which",
            ));
        }
        let mut boards = BTreeMap::new();
        for (key, rb) in rj.boards {
            let field = format!("{at}.boards.{key}");
            let p = Profession::from_str(&key).map_err(|e| cx.err(&field, e.to_string()))?;
            if let Some(url) = &rb.verify_url {
                if !url.starts_with("https://")
                    || url.len() < 12
                    || url.contains(char::is_whitespace)
                {
                    return Err(cx.err(
                        format!("{field}.verify_url"),
                        format!("{url:?} is not an https:// URL"),
                    ));
                }
            } else if rb.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(cx.err(
                    format!("{field}.note"),
                    "a board without verify_url needs a note saying why",
                ));
            }
            boards.insert(
                p,
                Board {
                    name: rb.board,
                    verify_url: rb.verify_url,
                    note: rb.note,
                },
            );
        }
        if let Some(missing) = Profession::ALL.iter().find(|p| !boards.contains_key(p)) {
            return Err(cx.err(
                format!("{at}.boards.{}", missing.as_str()),
                "missing (every jurisdiction lists all four professions)",
            ));
        }
        let info = JurisdictionInfo {
            code: code.clone(),
            name: rj.name,
            time_zones: zones,
            date_zone,
            time_zone_note: rj.time_zone_note,
            boards,
            source: rj.source,
            as_of,
        };
        if out.insert(code.clone(), info).is_some() {
            return Err(cx.err(format!("{at}.code"), format!("{code} is listed twice")));
        }
    }
    Ok(out)
}

/// Whether zone `a` is ever behind zone `b` (further west) at a reference instant in
/// winter or summer: offsets differ with daylight saving, so both are checked.
fn is_west_of(a: Tz, b: Tz) -> bool {
    [(2025, 1, 15), (2025, 7, 15)].iter().any(|&(y, m, d)| {
        let Some(t) = Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single() else {
            return false;
        };
        let off = |z: Tz| {
            z.offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc()
        };
        off(a) < off(b)
    })
}

fn parse_compacts(
    json: &str,
    jurisdictions: &BTreeMap<Jurisdiction, JurisdictionInfo>,
) -> Result<[CompactInfo; 3], DataError> {
    let cx = Ctx {
        file: "compacts.json",
    };
    let raw: RawCompactsFile =
        serde_json::from_str(json).map_err(|e| cx.err("(file)", e.to_string()))?;
    let mut found: BTreeMap<Compact, CompactInfo> = BTreeMap::new();
    for (i, rc) in raw.compacts.into_iter().enumerate() {
        let at = format!("compacts[{i}]");
        let id =
            Compact::from_str(&rc.id).map_err(|e| cx.err(format!("{at}.id"), e.to_string()))?;
        let profession = Profession::from_str(&rc.profession)
            .map_err(|e| cx.err(format!("{at}.profession"), e.to_string()))?;
        for (field, s) in [
            ("name", &rc.name),
            ("full_name", &rc.full_name),
            ("grant_name", &rc.grant_name),
            ("issuing_note", &rc.issuing_note),
            ("source", &rc.source),
        ] {
            cx.text(&format!("{at}.{field}"), s)?;
        }
        let mut kinds = Vec::new();
        for (k, s) in rc.credential_kinds.iter().enumerate() {
            let field = format!("{at}.credential_kinds[{k}]");
            let kind = CredentialKind::from_str(s).map_err(|e| cx.err(&field, e.to_string()))?;
            if !matches!(
                kind,
                CredentialKind::CompactPrivilege | CredentialKind::CompactAuthorization
            ) {
                return Err(cx.err(
                    &field,
                    format!("a compact grants compact_privilege or compact_authorization, not {s}"),
                ));
            }
            if kinds.contains(&kind) {
                return Err(cx.err(&field, format!("{s} is listed twice")));
            }
            kinds.push(kind);
        }
        if kinds.is_empty() {
            return Err(cx.err(format!("{at}.credential_kinds"), "needs at least one kind"));
        }
        let issuing_from = match &rc.issuing_from {
            Some(s) => Some(cx.date(&format!("{at}.issuing_from"), s)?),
            None => None,
        };
        let as_of = cx.date(&format!("{at}.as_of"), &rc.as_of)?;
        let mut members = BTreeMap::new();
        for (k, rm) in rc.members.into_iter().enumerate() {
            let mat = format!("{at}.members[{k}]");
            let j = cx.code(&format!("{mat}.jurisdiction"), &rm.jurisdiction)?;
            if j.country() != "US" {
                return Err(cx.err(
                    format!("{mat}.jurisdiction"),
                    format!("{j}: these compacts are between US jurisdictions only"),
                ));
            }
            if !jurisdictions.contains_key(&j) {
                return Err(cx.err(
                    format!("{mat}.jurisdiction"),
                    format!("{j} has no entry in boards.json"),
                ));
            }
            cx.text(&format!("{mat}.source"), &rm.source)?;
            let m = Membership {
                effective: cx.date(&format!("{mat}.effective"), &rm.effective)?,
                as_of: cx.date(&format!("{mat}.as_of"), &rm.as_of)?,
                source: rm.source,
                note: rm.note,
            };
            if members.insert(j.clone(), m).is_some() {
                return Err(cx.err(
                    format!("{mat}.jurisdiction"),
                    format!("{j} is listed twice"),
                ));
            }
        }
        let info = CompactInfo {
            id,
            name: rc.name,
            full_name: rc.full_name,
            profession,
            credential_kinds: kinds,
            grant_name: rc.grant_name,
            issuing_from,
            issuing_note: rc.issuing_note,
            source: rc.source,
            as_of,
            note: rc.note,
            members,
        };
        if found.insert(id, info).is_some() {
            return Err(cx.err(
                format!("{at}.id"),
                format!("{} is listed twice", id.as_str()),
            ));
        }
    }
    let mut take = |c: Compact| {
        found.remove(&c).ok_or_else(|| {
            cx.err(
                "compacts",
                format!(
                    "{} is missing (the contract names counseling, psypact and social_work)",
                    c.as_str()
                ),
            )
        })
    };
    Ok([
        take(Compact::Counseling)?,
        take(Compact::Psypact)?,
        take(Compact::SocialWork)?,
    ])
}
