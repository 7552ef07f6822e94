//! Age, and whether a client is old enough to consent to outpatient mental health treatment
//! on their own where they are.
//!
//! Issue 5: "age from date of birth against an age-of-consent table per jurisdiction (data
//! with sources); below it, a guardian is invited and must consent too." The table is data
//! in `data/onboarding/age_of_consent.json` — one entry per US state and DC, each with its
//! citation, notes, source, as-of date and a `verify` mark — embedded at compile time and
//! checked once by [`AgeOfConsent::builtin`]. A jurisdiction without an entry is an error,
//! never a guess.
//!
//! Which jurisdiction? The one the client is in (Standard 5: the service is delivered where
//! the client is) — in practice the usual location of their emergency plan.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::Jurisdiction;

const AGE_OF_CONSENT_JSON: &str = include_str!("../../../data/onboarding/age_of_consent.json");

/// Where the law names no minimum age (`min_age` 0 in the data), Alcove still asks for a
/// guardian below this age. This is product policy, not law: online therapy with a young
/// child alone is not something the product should set up by default.
pub const SELF_CONSENT_FLOOR: u8 = 12;

/// The 50 states and DC: the table must cover each of them.
pub const US_JURISDICTIONS: [&str; 51] = [
    "US-AL", "US-AK", "US-AZ", "US-AR", "US-CA", "US-CO", "US-CT", "US-DE", "US-DC", "US-FL",
    "US-GA", "US-HI", "US-ID", "US-IL", "US-IN", "US-IA", "US-KS", "US-KY", "US-LA", "US-ME",
    "US-MD", "US-MA", "US-MI", "US-MN", "US-MS", "US-MO", "US-MT", "US-NE", "US-NV", "US-NH",
    "US-NJ", "US-NM", "US-NY", "US-NC", "US-ND", "US-OH", "US-OK", "US-OR", "US-PA", "US-RI",
    "US-SC", "US-SD", "US-TN", "US-TX", "US-UT", "US-VT", "US-VA", "US-WA", "US-WV", "US-WI",
    "US-WY",
];

/// Whole years of age on `on` for someone born on `dob`.
///
/// A birthday counts from its own day. Someone born on 29 February has their birthday on
/// 1 March in common years: the later of the two conventions in use, so that nobody is
/// treated as a year older a day early (some laws use 28 February instead; the difference
/// is one day, once every four years).
pub fn age_on(dob: NaiveDate, on: NaiveDate) -> Result<u32, AgeError> {
    if on < dob {
        return Err(AgeError::BeforeBirth { dob, on });
    }
    let mut years = on.year() - dob.year();
    // (month, day) comparison: 28 Feb is before 29 Feb, so a leap-day birthday is reached
    // on 1 March in a common year.
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    Ok(u32::try_from(years).unwrap_or_default())
}

/// The rule for one jurisdiction, as the data states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRule {
    pub jurisdiction: Jurisdiction,
    pub name: String,
    /// From this age a person is no longer a minor (18; 19 in Alabama and Nebraska; 21 in
    /// Mississippi).
    pub age_of_majority: u8,
    /// The age from which a minor may consent to outpatient mental health treatment on
    /// their own; 0 when the law names no minimum (see [`SELF_CONSENT_FLOOR`]).
    pub min_age: u8,
    /// The law adds conditions the clinician must check (maturity, session limits,
    /// parental involvement): the notes say which.
    pub conditional: bool,
    pub citation: Option<String>,
    pub notes: String,
    pub source: String,
    pub as_of: NaiveDate,
    /// True while no person has checked the entry against its citation: pages must say
    /// the figure is unconfirmed.
    pub verify: bool,
}

impl ConsentRule {
    /// The age from which Alcove lets a client consent without a guardian here: the law's
    /// minimum, but never below [`SELF_CONSENT_FLOOR`].
    pub fn self_consent_age(&self) -> u8 {
        self.min_age
            .max(SELF_CONSENT_FLOOR)
            .min(self.age_of_majority)
    }

    /// Where a client of `age` stands under this rule.
    pub fn status_at(&self, age: u32) -> ConsentStatus {
        if age >= u32::from(self.age_of_majority) {
            ConsentStatus::Adult
        } else if age >= u32::from(self.self_consent_age()) {
            ConsentStatus::MinorMayConsent {
                conditional: self.conditional,
            }
        } else {
            ConsentStatus::GuardianRequired
        }
    }
}

/// Whether a client may consent on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStatus {
    /// At or above the age of majority.
    Adult,
    /// A minor the law lets consent alone; `conditional`: only under the conditions in the
    /// rule's notes, which the clinician must check and record.
    MinorMayConsent { conditional: bool },
    /// A minor who needs a guardian's consent too.
    GuardianRequired,
}

impl ConsentStatus {
    pub fn needs_guardian(self) -> bool {
        matches!(self, ConsentStatus::GuardianRequired)
    }

    pub fn is_minor(self) -> bool {
        !matches!(self, ConsentStatus::Adult)
    }
}

/// Why an age or a consent status could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    #[error("date_of_birth: {dob} is after {on}")]
    BeforeBirth { dob: NaiveDate, on: NaiveDate },
    #[error("jurisdiction: Alcove has no age-of-consent data for {0}, so it cannot say whether a guardian must consent; a person must decide")]
    UnknownJurisdiction(Jurisdiction),
    #[error("{0}")]
    Data(AgeDataError),
}

/// A problem in the age-of-consent data, naming the entry and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("data/onboarding/age_of_consent.json: {field}: {problem}")]
pub struct AgeDataError {
    /// e.g. `jurisdictions[3].min_age`.
    pub field: String,
    pub problem: String,
}

/// The validated age-of-consent table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeOfConsent {
    rules: BTreeMap<Jurisdiction, ConsentRule>,
}

impl AgeOfConsent {
    /// The table shipped in `data/onboarding/`, parsed and validated once per process. The
    /// data is compiled in, so an error here is a bug in the data that the tests catch.
    pub fn builtin() -> Result<&'static AgeOfConsent, &'static AgeDataError> {
        static CACHE: OnceLock<Result<AgeOfConsent, AgeDataError>> = OnceLock::new();
        CACHE
            .get_or_init(|| AgeOfConsent::from_json(AGE_OF_CONSENT_JSON))
            .as_ref()
    }

    /// Parses and validates the contents of `age_of_consent.json`.
    pub fn from_json(json: &str) -> Result<AgeOfConsent, AgeDataError> {
        parse(json)
    }

    pub fn rule(&self, j: &Jurisdiction) -> Option<&ConsentRule> {
        self.rules.get(j)
    }

    /// Every rule, in jurisdiction-code order.
    pub fn iter(&self) -> impl Iterator<Item = &ConsentRule> {
        self.rules.values()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Where a client born on `dob` stands in `jurisdiction` on `today`.
    pub fn status(
        &self,
        dob: NaiveDate,
        jurisdiction: &Jurisdiction,
        today: NaiveDate,
    ) -> Result<ConsentStatus, AgeError> {
        let rule = self
            .rule(jurisdiction)
            .ok_or_else(|| AgeError::UnknownJurisdiction(jurisdiction.clone()))?;
        Ok(rule.status_at(age_on(dob, today)?))
    }
}

/// Where a client born on `dob` stands in `jurisdiction` on `today`, by the built-in table.
pub fn consent_status(
    dob: NaiveDate,
    jurisdiction: &Jurisdiction,
    today: NaiveDate,
) -> Result<ConsentStatus, AgeError> {
    AgeOfConsent::builtin()
        .map_err(|e| AgeError::Data(e.clone()))?
        .status(dob, jurisdiction, today)
}

/// Whether a guardian must consent too for a client born on `dob` who is in `jurisdiction`
/// on `today`. A jurisdiction without data is an error, never a guess.
pub fn needs_guardian(
    dob: NaiveDate,
    jurisdiction: &Jurisdiction,
    today: NaiveDate,
) -> Result<bool, AgeError> {
    consent_status(dob, jurisdiction, today).map(ConsentStatus::needs_guardian)
}

// ---- the file ------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    about: String,
    jurisdictions: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    jurisdiction: String,
    name: String,
    age_of_majority: u8,
    min_age: u8,
    conditional: bool,
    citation: Option<String>,
    notes: String,
    source: String,
    as_of: String,
    verify: bool,
}

fn parse(json: &str) -> Result<AgeOfConsent, AgeDataError> {
    let err = |field: String, problem: String| AgeDataError { field, problem };
    let raw: RawFile =
        serde_json::from_str(json).map_err(|e| err("(file)".into(), e.to_string()))?;
    let mut rules = BTreeMap::new();
    for (i, r) in raw.jurisdictions.into_iter().enumerate() {
        let at = |f: &str| format!("jurisdictions[{i}].{f}");
        let j = match Jurisdiction::from_str(&r.jurisdiction) {
            Ok(j) if j.as_str() == r.jurisdiction => j,
            Ok(j) => {
                return Err(err(
                    at("jurisdiction"),
                    format!("{:?} must be written {:?}", r.jurisdiction, j.as_str()),
                ))
            }
            Err(e) => return Err(err(at("jurisdiction"), e.to_string())),
        };
        for (field, text) in [("name", &r.name), ("notes", &r.notes)] {
            if text.trim().is_empty() {
                return Err(err(at(field), "must not be empty".into()));
            }
        }
        if !(18..=21).contains(&r.age_of_majority) {
            return Err(err(
                at("age_of_majority"),
                format!("{} is not 18 to 21", r.age_of_majority),
            ));
        }
        if r.min_age > r.age_of_majority {
            return Err(err(
                at("min_age"),
                format!(
                    "{} is above the age of majority ({})",
                    r.min_age, r.age_of_majority
                ),
            ));
        }
        let citation = r.citation.filter(|c| !c.trim().is_empty());
        if (r.min_age < r.age_of_majority || r.conditional) && citation.is_none() {
            return Err(err(
                at("citation"),
                "a minor's own consent below the age of majority needs the law it rests on".into(),
            ));
        }
        let url_ok = r.source.starts_with("https://")
            && r.source.len() > 12
            && !r.source.contains(char::is_whitespace);
        if !url_ok {
            return Err(err(
                at("source"),
                format!("{:?} is not an https:// URL", r.source),
            ));
        }
        let as_of = NaiveDate::parse_from_str(&r.as_of, "%Y-%m-%d").map_err(|_| {
            err(
                at("as_of"),
                format!("{:?} is not a date (YYYY-MM-DD)", r.as_of),
            )
        })?;
        let rule = ConsentRule {
            jurisdiction: j.clone(),
            name: r.name,
            age_of_majority: r.age_of_majority,
            min_age: r.min_age,
            conditional: r.conditional,
            citation,
            notes: r.notes,
            source: r.source,
            as_of,
            verify: r.verify,
        };
        if rules.insert(j.clone(), rule).is_some() {
            return Err(err(at("jurisdiction"), format!("{j} is listed twice")));
        }
    }
    if let Some(missing) = US_JURISDICTIONS
        .iter()
        .find(|code| !rules.keys().any(|j| j.as_str() == **code))
    {
        return Err(err(
            "jurisdictions".into(),
            format!("{missing} is missing (every state and DC must have an entry)"),
        ));
    }
    Ok(AgeOfConsent { rules })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn j(s: &str) -> Jurisdiction {
        s.parse().unwrap()
    }

    #[test]
    fn age_counts_whole_years_from_the_birthday_itself() {
        let dob = d("2010-06-15");
        assert_eq!(age_on(dob, d("2010-06-15")), Ok(0));
        assert_eq!(age_on(dob, d("2028-06-14")), Ok(17));
        assert_eq!(age_on(dob, d("2028-06-15")), Ok(18));
        assert_eq!(age_on(dob, d("2028-12-31")), Ok(18));
        assert_eq!(
            age_on(dob, d("2010-06-14")),
            Err(AgeError::BeforeBirth {
                dob,
                on: d("2010-06-14")
            })
        );
    }

    #[test]
    fn a_leap_day_birthday_comes_on_1_march_in_common_years() {
        let dob = d("2008-02-29");
        assert_eq!(age_on(dob, d("2026-02-28")), Ok(17));
        assert_eq!(age_on(dob, d("2026-03-01")), Ok(18));
        // In a leap year the birthday is the day itself.
        assert_eq!(age_on(dob, d("2028-02-28")), Ok(19));
        assert_eq!(age_on(dob, d("2028-02-29")), Ok(20));
        // Born on 1 March: 28 and 29 February are both before the birthday.
        assert_eq!(age_on(d("2008-03-01"), d("2028-02-29")), Ok(19));
    }

    #[test]
    fn the_builtin_table_loads_and_covers_every_state_and_dc() {
        let t = AgeOfConsent::builtin().unwrap();
        assert_eq!(t.len(), 51);
        for code in US_JURISDICTIONS {
            let r = t.rule(&j(code)).unwrap();
            assert!(r.source.starts_with("https://"), "{code}");
            assert!(r.min_age <= r.age_of_majority, "{code}");
        }
        // Every entry is unconfirmed until a person checks it (see the data README).
        assert!(t.iter().all(|r| r.verify));
    }

    #[test]
    fn a_guardian_is_needed_below_the_age_the_rule_names() {
        let t = AgeOfConsent::builtin().unwrap();
        let today = d("2026-11-23");
        // Pennsylvania: 14.
        let pa = j("US-PA");
        assert_eq!(
            t.status(d("2012-11-24"), &pa, today),
            Ok(ConsentStatus::GuardianRequired)
        );
        assert_eq!(
            t.status(d("2012-11-23"), &pa, today),
            Ok(ConsentStatus::MinorMayConsent { conditional: false })
        );
        assert_eq!(
            t.status(d("2008-11-23"), &pa, today),
            Ok(ConsentStatus::Adult)
        );
        // Ohio: 14 with conditions (six sessions or 30 days).
        assert_eq!(
            t.status(d("2010-01-01"), &j("US-OH"), today),
            Ok(ConsentStatus::MinorMayConsent { conditional: true })
        );
        // Massachusetts: no minor-consent statute, so 18.
        assert_eq!(
            t.status(d("2009-01-01"), &j("US-MA"), today),
            Ok(ConsentStatus::GuardianRequired)
        );
        // Alabama: a minor until 19, but may consent from 14.
        let al = t.status(d("2008-01-01"), &j("US-AL"), today).unwrap();
        assert_eq!(al, ConsentStatus::MinorMayConsent { conditional: false });
        assert!(al.is_minor() && !al.needs_guardian());
    }

    #[test]
    fn where_the_law_names_no_age_alcove_still_asks_for_a_guardian_below_its_floor() {
        let t = AgeOfConsent::builtin().unwrap();
        let va = t.rule(&j("US-VA")).unwrap();
        assert_eq!(va.min_age, 0);
        assert_eq!(va.self_consent_age(), SELF_CONSENT_FLOOR);
        assert_eq!(va.status_at(11), ConsentStatus::GuardianRequired);
        assert_eq!(
            va.status_at(12),
            ConsentStatus::MinorMayConsent { conditional: false }
        );
    }

    #[test]
    fn an_unknown_jurisdiction_is_an_error_not_a_guess() {
        let today = d("2026-11-23");
        assert_eq!(
            needs_guardian(d("2012-01-01"), &j("CA-ON"), today),
            Err(AgeError::UnknownJurisdiction(j("CA-ON")))
        );
        assert_eq!(
            needs_guardian(d("2000-01-01"), &j("US-NY"), today),
            Ok(false)
        );
        assert_eq!(
            needs_guardian(d("2012-01-01"), &j("US-NY"), today),
            Ok(true)
        );
        assert!(needs_guardian(d("2030-01-01"), &j("US-NY"), today).is_err());
    }

    fn sample(entries: serde_json::Value) -> String {
        serde_json::json!({"about": "test", "jurisdictions": entries}).to_string()
    }

    fn full_table() -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(AGE_OF_CONSENT_JSON).unwrap();
        v["jurisdictions"].clone()
    }

    #[test]
    fn bad_data_is_refused_naming_the_entry_and_field() {
        let mut rows = full_table();
        rows[2]["min_age"] = 20.into();
        let e = AgeOfConsent::from_json(&sample(rows)).unwrap_err();
        assert_eq!(e.field, "jurisdictions[2].min_age");

        let mut rows = full_table();
        rows[1]["min_age"] = 15.into();
        rows[1]["citation"] = serde_json::Value::Null;
        let e = AgeOfConsent::from_json(&sample(rows)).unwrap_err();
        assert_eq!(e.field, "jurisdictions[1].citation");

        let mut rows = full_table();
        rows[0]["jurisdiction"] = "us-al".into();
        let e = AgeOfConsent::from_json(&sample(rows)).unwrap_err();
        assert!(e.to_string().contains("must be written \"US-AL\""), "{e}");

        let mut rows = full_table();
        rows[5]["source"] = "http://example.org".into();
        assert_eq!(
            AgeOfConsent::from_json(&sample(rows)).unwrap_err().field,
            "jurisdictions[5].source"
        );

        let mut rows = full_table();
        rows.as_array_mut().unwrap().remove(8);
        let e = AgeOfConsent::from_json(&sample(rows)).unwrap_err();
        assert!(e.problem.contains("US-DC is missing"), "{e}");

        let mut rows = full_table();
        let dup = rows[0].clone();
        rows.as_array_mut().unwrap().push(dup);
        let e = AgeOfConsent::from_json(&sample(rows)).unwrap_err();
        assert!(e.problem.contains("listed twice"), "{e}");

        let mut rows = full_table();
        rows[3]["as_of"] = "23/11/2026".into();
        assert_eq!(
            AgeOfConsent::from_json(&sample(rows)).unwrap_err().field,
            "jurisdictions[3].as_of"
        );
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        (1900i32..2100, 1u32..=366).prop_map(|(y, doy)| {
            NaiveDate::from_yo_opt(y, doy)
                .unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap())
        })
    }

    proptest! {
        #[test]
        fn age_never_decreases_and_grows_by_one_a_year(dob in date(), days in 0i64..40_000, step in 0i64..400) {
            let a = dob + chrono::Duration::days(days);
            let b = a + chrono::Duration::days(step);
            let (x, y) = (age_on(dob, a).unwrap(), age_on(dob, b).unwrap());
            prop_assert!(y >= x);
            prop_assert!(y - x <= 2);
            // Exactly n years later (same month and day) the age is n.
            let n = (days / 366) as i32;
            if let Some(later) = dob.with_year(dob.year() + n) {
                prop_assert_eq!(age_on(dob, later).unwrap(), n as u32);
            }
        }

        #[test]
        fn needing_a_guardian_stops_once_and_for_all(dob in date(), code in 0usize..51, days in 0i64..9000) {
            let t = AgeOfConsent::builtin().unwrap();
            let jur = j(US_JURISDICTIONS[code]);
            let start = dob + chrono::Duration::days(days);
            let now = t.status(dob, &jur, start).unwrap();
            let later = t.status(dob, &jur, start + chrono::Duration::days(400)).unwrap();
            prop_assert!(now.needs_guardian() || !later.needs_guardian());
        }
    }
}
