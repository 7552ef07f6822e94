//! The client's emergency and contingency plan.
//!
//! Seed 002: "Emergency Plans: Establish and inform clients about clear procedures for
//! handling emergencies, including local emergency contacts." Seed 000: technology fails
//! ("computer crashes"). Standard 6: "each party should plan for technology failures by
//! providing alternate ways of making contact"; Standard 9-4: "the social worker should
//! provide a contingency plan for clinical emergencies or technology failures".
//!
//! The plan says where the client usually is during sessions (the jurisdiction decides the
//! licence needed and the emergency services to call), the local emergency number, the
//! nearest emergency facility, an emergency contact and whether the clinician may call
//! them, the number to call if the video drops, how long each side waits and how they
//! reconnect, and the crisis lines. Both client and clinician see it; the client confirms
//! it at each session (the scheduling issue).
//!
//! A plan may be saved unfinished (the client fills it in over time): [`EmergencyPlan::parse`]
//! checks what was given, and [`EmergencyPlan::is_complete`] says whether anything is still
//! missing. Blank emergency number and crisis lines take the country's defaults from
//! `data/onboarding/emergency_defaults.json` (911 and the 988 Lifeline in the US).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::profile::{Phone, PhoneError};
use crate::{Jurisdiction, JurisdictionError};

const DEFAULTS_JSON: &str = include_str!("../../../data/onboarding/emergency_defaults.json");

/// The most a free-text field of the plan may hold, in characters.
pub const MAX_TEXT: usize = 300;
/// Waiting before giving up on a dropped session: 1 to 30 minutes.
pub const WAIT_MINUTES: std::ops::RangeInclusive<u8> = 1..=30;

/// A number for emergency services: 2 to 6 digits (911, 112, 999, 000).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmergencyNumber(String);

impl EmergencyNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EmergencyNumber {
    type Err = PlanError;
    fn from_str(s: &str) -> Result<Self, PlanError> {
        let s = s.trim();
        if (2..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(EmergencyNumber(s.to_string()))
        } else {
            Err(PlanError::EmergencyNumber)
        }
    }
}

impl TryFrom<String> for EmergencyNumber {
    type Error = PlanError;
    fn try_from(s: String) -> Result<Self, PlanError> {
        s.parse()
    }
}

impl From<EmergencyNumber> for String {
    fn from(n: EmergencyNumber) -> String {
        n.0
    }
}

impl fmt::Display for EmergencyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the client allows the clinician to call their emergency contact, and when they
/// said so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPermission {
    pub granted: bool,
    pub at: DateTime<Utc>,
}

/// How client and clinician get back in touch when a session drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reconnect {
    /// The clinician calls the client's fallback phone.
    ClinicianCalls,
    /// The client calls the clinician's number.
    ClientCalls,
    /// Both rejoin the session link; if that fails, the clinician calls.
    BothRejoin,
}

impl Reconnect {
    pub const ALL: [Reconnect; 3] = [
        Reconnect::ClinicianCalls,
        Reconnect::ClientCalls,
        Reconnect::BothRejoin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reconnect::ClinicianCalls => "clinician_calls",
            Reconnect::ClientCalls => "client_calls",
            Reconnect::BothRejoin => "both_rejoin",
        }
    }

    pub fn parse(s: &str) -> Option<Reconnect> {
        Reconnect::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// A crisis line the client can reach at any hour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisLine {
    pub name: String,
    /// How to reach it, as people write it ("Call or text 988").
    pub contact: String,
}

/// A client's emergency and contingency plan, possibly unfinished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyPlan {
    /// Where the client usually is during sessions.
    pub jurisdiction: Option<Jurisdiction>,
    /// The address there, as it should be given to emergency services (several lines).
    pub address: Option<String>,
    /// The local number for emergency services.
    pub emergency_number: Option<EmergencyNumber>,
    pub facility_name: Option<String>,
    pub facility_address: Option<String>,
    pub contact_name: Option<String>,
    /// How the emergency contact is related to the client ("sister", "friend").
    pub contact_relationship: Option<String>,
    pub contact_phone: Option<Phone>,
    pub contact_permission: Option<ContactPermission>,
    /// The number the clinician calls if the video drops.
    pub fallback_phone: Option<Phone>,
    /// How long the client waits for the clinician to reconnect.
    pub client_waits_minutes: Option<u8>,
    /// How long the clinician keeps trying before following the plan further.
    pub clinician_waits_minutes: Option<u8>,
    pub reconnect: Option<Reconnect>,
    /// Anything else about reconnecting ("text first, I may be on the bus").
    pub reconnect_note: Option<String>,
    pub crisis_lines: Vec<CrisisLine>,
}

/// What the plan form sends, as text. `contact_permission` is `yes`, `no` or blank;
/// `reconnect` is one of [`Reconnect::as_str`]; `crisis_lines` pairs names with contacts
/// (blank pairs are ignored).
#[derive(Clone, Debug, Default)]
pub struct EmergencyPlanForm<'a> {
    pub jurisdiction: &'a str,
    pub address: &'a str,
    pub emergency_number: &'a str,
    pub facility_name: &'a str,
    pub facility_address: &'a str,
    pub contact_name: &'a str,
    pub contact_relationship: &'a str,
    pub contact_phone: &'a str,
    pub contact_permission: &'a str,
    pub fallback_phone: &'a str,
    pub client_waits_minutes: &'a str,
    pub clinician_waits_minutes: &'a str,
    pub reconnect: &'a str,
    pub reconnect_note: &'a str,
    pub crisis_lines: Vec<(&'a str, &'a str)>,
}

/// Each problem names its field, so the form can show it beside that field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("jurisdiction: {0}")]
    Jurisdiction(JurisdictionError),
    #[error("{field}: at most {MAX_TEXT} characters")]
    TooLong { field: &'static str },
    #[error("emergency_number: the local emergency number, 2 to 6 digits such as 911 or 112")]
    EmergencyNumber,
    #[error("{field}: {error}")]
    Phone {
        field: &'static str,
        error: PhoneError,
    },
    #[error("contact_permission: answer yes or no")]
    Permission,
    #[error("{field}: a whole number of minutes from 1 to 30")]
    WaitMinutes { field: &'static str },
    #[error("reconnect: choose clinician_calls, client_calls or both_rejoin")]
    Reconnect,
    #[error("crisis_lines: line {line} needs both a name and how to reach it")]
    CrisisLine { line: usize },
}

impl PlanError {
    /// The form field the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::Jurisdiction(_) => "jurisdiction",
            PlanError::TooLong { field }
            | PlanError::Phone { field, .. }
            | PlanError::WaitMinutes { field } => field,
            PlanError::EmergencyNumber => "emergency_number",
            PlanError::Permission => "contact_permission",
            PlanError::Reconnect => "reconnect",
            PlanError::CrisisLine { .. } => "crisis_lines",
        }
    }
}

/// Text kept as typed (line breaks allowed, other control characters dropped); blank is
/// `None`.
fn text(field: &'static str, s: &str, errors: &mut Vec<PlanError>) -> Option<String> {
    let s: String = s
        .trim()
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if s.chars().count() > MAX_TEXT {
        errors.push(PlanError::TooLong { field });
        return None;
    }
    (!s.is_empty()).then_some(s)
}

fn phone(field: &'static str, s: &str, errors: &mut Vec<PlanError>) -> Option<Phone> {
    if s.trim().is_empty() {
        return None;
    }
    s.parse::<Phone>()
        .map_err(|error| errors.push(PlanError::Phone { field, error }))
        .ok()
}

fn minutes(field: &'static str, s: &str, errors: &mut Vec<PlanError>) -> Option<u8> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<u8>() {
        Ok(m) if WAIT_MINUTES.contains(&m) => Some(m),
        _ => {
            errors.push(PlanError::WaitMinutes { field });
            None
        }
    }
}

impl EmergencyPlan {
    /// Checks a submitted plan; all problems are returned at once. Blank fields stay empty
    /// (a draft may be saved); a blank emergency number or an empty crisis-line list takes
    /// the defaults for the jurisdiction's country, when Alcove has them.
    ///
    /// `previous` is the plan as it stood before this save: if the client's answer about
    /// contacting their emergency contact has not changed, its time is kept; otherwise the
    /// answer is dated `at`.
    pub fn parse(
        form: &EmergencyPlanForm<'_>,
        previous: Option<&EmergencyPlan>,
        at: DateTime<Utc>,
    ) -> Result<EmergencyPlan, Vec<PlanError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let jurisdiction = match form.jurisdiction.trim() {
            "" => None,
            s => s
                .parse::<Jurisdiction>()
                .map_err(|err| e.push(PlanError::Jurisdiction(err)))
                .ok(),
        };
        let address = text("address", form.address, e);
        let emergency_number = match form.emergency_number.trim() {
            "" => None,
            s => s.parse::<EmergencyNumber>().map_err(|err| e.push(err)).ok(),
        };
        let facility_name = text("facility_name", form.facility_name, e);
        let facility_address = text("facility_address", form.facility_address, e);
        let contact_name = text("contact_name", form.contact_name, e);
        let contact_relationship = text("contact_relationship", form.contact_relationship, e);
        let contact_phone = phone("contact_phone", form.contact_phone, e);
        let granted = match form.contact_permission.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            _ => {
                e.push(PlanError::Permission);
                None
            }
        };
        let contact_permission =
            granted.map(
                |granted| match previous.and_then(|p| p.contact_permission) {
                    Some(old) if old.granted == granted => old,
                    _ => ContactPermission { granted, at },
                },
            );
        let fallback_phone = phone("fallback_phone", form.fallback_phone, e);
        let client_waits_minutes = minutes("client_waits_minutes", form.client_waits_minutes, e);
        let clinician_waits_minutes =
            minutes("clinician_waits_minutes", form.clinician_waits_minutes, e);
        let reconnect = match form.reconnect.trim() {
            "" => None,
            s => {
                let r = Reconnect::parse(s);
                if r.is_none() {
                    e.push(PlanError::Reconnect);
                }
                r
            }
        };
        let reconnect_note = text("reconnect_note", form.reconnect_note, e);
        let mut crisis_lines = Vec::new();
        for (i, (name, contact)) in form.crisis_lines.iter().enumerate() {
            let name = text("crisis_lines", name, e);
            let contact = text("crisis_lines", contact, e);
            match (name, contact) {
                (None, None) => {}
                (Some(name), Some(contact)) => crisis_lines.push(CrisisLine { name, contact }),
                _ => e.push(PlanError::CrisisLine { line: i + 1 }),
            }
        }

        let mut plan = EmergencyPlan {
            jurisdiction,
            address,
            emergency_number,
            facility_name,
            facility_address,
            contact_name,
            contact_relationship,
            contact_phone,
            contact_permission,
            fallback_phone,
            client_waits_minutes,
            clinician_waits_minutes,
            reconnect,
            reconnect_note,
            crisis_lines,
        };
        plan.apply_defaults();
        if errors.is_empty() {
            Ok(plan)
        } else {
            Err(errors)
        }
    }

    /// Fills a blank emergency number and empty crisis lines from the country's defaults.
    fn apply_defaults(&mut self) {
        let Some(j) = &self.jurisdiction else { return };
        let Some(d) = defaults_for(j.country()) else {
            return;
        };
        if self.emergency_number.is_none() {
            self.emergency_number = Some(d.emergency_number.clone());
        }
        if self.crisis_lines.is_empty() {
            self.crisis_lines = d.crisis_lines.clone();
        }
    }

    /// The fields still to fill in, by form name, in form order.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        let checks: [(&'static str, bool); 13] = [
            ("jurisdiction", self.jurisdiction.is_some()),
            ("address", self.address.is_some()),
            ("emergency_number", self.emergency_number.is_some()),
            ("facility_name", self.facility_name.is_some()),
            ("facility_address", self.facility_address.is_some()),
            ("contact_name", self.contact_name.is_some()),
            ("contact_relationship", self.contact_relationship.is_some()),
            ("contact_phone", self.contact_phone.is_some()),
            ("contact_permission", self.contact_permission.is_some()),
            ("fallback_phone", self.fallback_phone.is_some()),
            ("client_waits_minutes", self.client_waits_minutes.is_some()),
            (
                "clinician_waits_minutes",
                self.clinician_waits_minutes.is_some(),
            ),
            ("reconnect", self.reconnect.is_some()),
        ];
        for (field, present) in checks {
            if !present {
                m.push(field);
            }
        }
        if self.crisis_lines.is_empty() {
            m.push("crisis_lines");
        }
        m
    }

    /// Every part of the plan is there. The client's answer about contacting their
    /// emergency contact must be recorded, but may be "no": the plan then relies on
    /// emergency services and the crisis lines, and the clinician sees that.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// Whether the clinician may call the emergency contact.
    pub fn may_call_contact(&self) -> bool {
        self.contact_permission.is_some_and(|p| p.granted) && self.contact_phone.is_some()
    }
}

/// A country's defaults, from `data/onboarding/emergency_defaults.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryDefaults {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub emergency_number: EmergencyNumber,
    pub crisis_lines: Vec<CrisisLine>,
    pub source: String,
    pub as_of: NaiveDate,
    pub verify: bool,
}

/// The defaults for `country` (`US`, `CA`), if Alcove has them.
pub fn defaults_for(country: &str) -> Option<&'static CountryDefaults> {
    builtin_defaults().ok()?.get(country)
}

/// All the shipped defaults, checked once. An error names the entry and field.
pub fn builtin_defaults() -> Result<&'static BTreeMap<String, CountryDefaults>, &'static String> {
    static CACHE: OnceLock<Result<BTreeMap<String, CountryDefaults>, String>> = OnceLock::new();
    CACHE.get_or_init(|| load_defaults(DEFAULTS_JSON)).as_ref()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaultsFile {
    #[allow(dead_code)]
    about: String,
    countries: Vec<RawDefaults>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    country: String,
    emergency_number: String,
    crisis_lines: Vec<CrisisLine>,
    source: String,
    as_of: NaiveDate,
    verify: bool,
}

fn load_defaults(json: &str) -> Result<BTreeMap<String, CountryDefaults>, String> {
    let file = "data/onboarding/emergency_defaults.json";
    let raw: RawDefaultsFile = serde_json::from_str(json).map_err(|e| format!("{file}: {e}"))?;
    let mut out = BTreeMap::new();
    for (i, r) in raw.countries.into_iter().enumerate() {
        let at = format!("{file}: countries[{i}]");
        if r.country.len() != 2 || !r.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "{at}.country: {:?} is not a two-letter code",
                r.country
            ));
        }
        let emergency_number = r
            .emergency_number
            .parse::<EmergencyNumber>()
            .map_err(|e| format!("{at}.{e}"))?;
        if r.crisis_lines.is_empty()
            || r.crisis_lines
                .iter()
                .any(|l| l.name.trim().is_empty() || l.contact.trim().is_empty())
        {
            return Err(format!(
                "{at}.crisis_lines: at least one, each with a name and a contact"
            ));
        }
        if !r.source.starts_with("https://") {
            return Err(format!("{at}.source: not an https:// URL"));
        }
        let d = CountryDefaults {
            country: r.country.clone(),
            emergency_number,
            crisis_lines: r.crisis_lines,
            source: r.source,
            as_of: r.as_of,
            verify: r.verify,
        };
        if out.insert(r.country.clone(), d).is_some() {
            return Err(format!("{at}.country: {} is listed twice", r.country));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
    }

    fn full() -> EmergencyPlanForm<'static> {
        EmergencyPlanForm {
            jurisdiction: "US-MA",
            address: "12 Elm St, Apt 3\nSomerville, MA 02144",
            emergency_number: "",
            facility_name: "Somerville Hospital",
            facility_address: "230 Highland Ave, Somerville, MA 02143",
            contact_name: "Jo Rivera",
            contact_relationship: "sister",
            contact_phone: "+1 617 555 0142",
            contact_permission: "yes",
            fallback_phone: "617-555-0199",
            client_waits_minutes: "5",
            clinician_waits_minutes: "10",
            reconnect: "clinician_calls",
            reconnect_note: "",
            crisis_lines: vec![],
        }
    }

    #[test]
    fn a_full_us_plan_is_complete_with_911_and_988_by_default() {
        let p = EmergencyPlan::parse(&full(), None, t(9)).unwrap();
        assert!(p.is_complete(), "{:?}", p.missing());
        assert_eq!(p.emergency_number.as_ref().unwrap().as_str(), "911");
        assert_eq!(p.crisis_lines.len(), 1);
        assert!(p.crisis_lines[0].contact.contains("988"));
        assert_eq!(
            p.contact_permission,
            Some(ContactPermission {
                granted: true,
                at: t(9)
            })
        );
        assert!(p.may_call_contact());
        assert_eq!(p.address.as_deref().unwrap().lines().count(), 2);
    }

    #[test]
    fn given_numbers_and_lines_replace_the_defaults() {
        let mut f = full();
        f.emergency_number = "112";
        f.crisis_lines = vec![("Local crisis team", "617-555-0111"), ("", "")];
        let p = EmergencyPlan::parse(&f, None, t(9)).unwrap();
        assert_eq!(p.emergency_number.unwrap().as_str(), "112");
        assert_eq!(
            p.crisis_lines,
            vec![CrisisLine {
                name: "Local crisis team".into(),
                contact: "617-555-0111".into()
            }]
        );
    }

    #[test]
    fn a_draft_saves_and_lists_what_is_missing() {
        let f = EmergencyPlanForm {
            jurisdiction: "US-OR",
            contact_name: "Sam",
            ..Default::default()
        };
        let p = EmergencyPlan::parse(&f, None, t(9)).unwrap();
        assert!(!p.is_complete());
        let m = p.missing();
        assert!(m.contains(&"address") && m.contains(&"fallback_phone"));
        // The US defaults are in, so these are not missing.
        assert!(!m.contains(&"emergency_number") && !m.contains(&"crisis_lines"));
        assert!(!p.may_call_contact());
    }

    #[test]
    fn outside_countries_with_defaults_the_number_and_lines_must_be_given() {
        let mut f = full();
        f.jurisdiction = "GB-LND";
        let p = EmergencyPlan::parse(&f, None, t(9)).unwrap();
        assert_eq!(p.missing(), vec!["emergency_number", "crisis_lines"]);
        f.emergency_number = "999";
        f.crisis_lines = vec![("Samaritans", "Call 116 123")];
        assert!(EmergencyPlan::parse(&f, None, t(9)).unwrap().is_complete());
    }

    #[test]
    fn declining_permission_is_an_answer_and_its_time_is_kept_until_it_changes() {
        let mut f = full();
        f.contact_permission = "no";
        let first = EmergencyPlan::parse(&f, None, t(9)).unwrap();
        assert!(first.is_complete());
        assert!(!first.may_call_contact());
        // Saved again with the same answer: the time of the decision stays.
        let again = EmergencyPlan::parse(&f, Some(&first), t(15)).unwrap();
        assert_eq!(again.contact_permission.unwrap().at, t(9));
        // The answer changes: it is dated now.
        f.contact_permission = "yes";
        let changed = EmergencyPlan::parse(&f, Some(&again), t(16)).unwrap();
        assert_eq!(
            changed.contact_permission,
            Some(ContactPermission {
                granted: true,
                at: t(16)
            })
        );
    }

    #[test]
    fn every_problem_names_its_field() {
        let long = "x".repeat(MAX_TEXT + 1);
        let f = EmergencyPlanForm {
            jurisdiction: "Massachusetts",
            address: &long,
            emergency_number: "9-1-1",
            contact_phone: "call me",
            contact_permission: "maybe",
            fallback_phone: "12",
            client_waits_minutes: "0",
            clinician_waits_minutes: "45",
            reconnect: "carrier pigeon",
            crisis_lines: vec![("Crisis line", "")],
            ..Default::default()
        };
        let errs = EmergencyPlan::parse(&f, None, t(9)).unwrap_err();
        let fields: Vec<_> = errs.iter().map(PlanError::field).collect();
        assert_eq!(
            fields,
            vec![
                "jurisdiction",
                "address",
                "emergency_number",
                "contact_phone",
                "contact_permission",
                "fallback_phone",
                "client_waits_minutes",
                "clinician_waits_minutes",
                "reconnect",
                "crisis_lines"
            ]
        );
        assert!(
            errs.iter()
                .any(|e| e.to_string()
                    == "crisis_lines: line 1 needs both a name and how to reach it")
        );
    }

    #[test]
    fn the_defaults_data_loads() {
        let d = builtin_defaults().unwrap();
        assert_eq!(d["US"].emergency_number.as_str(), "911");
        assert!(!d["US"].verify);
        assert!(load_defaults(r#"{"about":"x","countries":[{"country":"usa","emergency_number":"911","crisis_lines":[{"name":"a","contact":"b"}],"source":"https://x.org","as_of":"2026-01-01","verify":true}]}"#)
            .unwrap_err()
            .contains("countries[0].country"));
    }

    proptest! {
        #[test]
        fn wait_minutes_are_accepted_exactly_from_1_to_30(m in 0u32..200) {
            let s = m.to_string();
            let mut f = full();
            f.client_waits_minutes = &s;
            let r = EmergencyPlan::parse(&f, None, t(9));
            if (1..=30).contains(&m) {
                prop_assert_eq!(r.unwrap().client_waits_minutes, Some(m as u8));
            } else {
                prop_assert_eq!(r.unwrap_err(), vec![PlanError::WaitMinutes { field: "client_waits_minutes" }]);
            }
        }

        #[test]
        fn a_parsed_plan_is_complete_exactly_when_nothing_is_missing(
            blank in proptest::collection::vec(any::<bool>(), 13)
        ) {
            let base = full();
            let pick = |i: usize, s: &'static str| if blank[i] { "" } else { s };
            let f = EmergencyPlanForm {
                jurisdiction: pick(0, base.jurisdiction),
                address: pick(1, base.address),
                emergency_number: "",
                facility_name: pick(2, base.facility_name),
                facility_address: pick(3, base.facility_address),
                contact_name: pick(4, base.contact_name),
                contact_relationship: pick(5, base.contact_relationship),
                contact_phone: pick(6, base.contact_phone),
                contact_permission: pick(7, base.contact_permission),
                fallback_phone: pick(8, base.fallback_phone),
                client_waits_minutes: pick(9, base.client_waits_minutes),
                clinician_waits_minutes: pick(10, base.clinician_waits_minutes),
                reconnect: pick(11, base.reconnect),
                reconnect_note: pick(12, "text first"),
                crisis_lines: vec![],
            };
            let p = EmergencyPlan::parse(&f, None, t(9)).unwrap();
            // The note is optional; every other blank leaves something missing.
            let required_blank = blank[..12].iter().any(|b| *b);
            prop_assert_eq!(p.is_complete(), !required_blank);
            prop_assert_eq!(p.missing().is_empty(), p.is_complete());
        }
    }
}
