//! Continuing education (Standard 10): activities read from a form, the requirement data,
//! and progress through a renewal cycle. Hand-checked cases run against a frozen fixture so
//! they keep meaning the same thing when the real data in `data/ce/` is reviewed.

mod licensure_support;

use alcove_domain::ce::{
    progress, progress_by_licence, ActivityError, ActivityForm, CeActivity, CeCategory, CeFormat,
    CeStatus, CycleWindow, DateError, Hours, HoursError, LicenceRef, Requirement, Requirements,
    TextError, WARNING_DAYS,
};
use alcove_domain::licensure::{Compact, Credential, Credentials, Grant, Profession, Registry};
use alcove_domain::Jurisdiction;
use chrono::{Duration, NaiveDate};
use licensure_support::registry;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn reg() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(registry)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn h(s: &str) -> Hours {
    s.parse().unwrap()
}

fn j(code: &str) -> Jurisdiction {
    code.parse().unwrap()
}

// ---- activities from a form ----------------------------------------------------------------

fn form<'a>() -> ActivityForm<'a> {
    ActivityForm {
        provider: "NASW Massachusetts",
        provider_approval_number: "D 12345",
        title: "Ethics of telehealth practice",
        completed_on: "2026-03-14",
        hours: "3",
        category: "ethics",
        format: "live_online",
    }
}

const TODAY: &str = "2026-11-23";

#[test]
fn a_complete_form_makes_an_activity() {
    let a = CeActivity::parse(&form(), date(TODAY)).unwrap();
    assert_eq!(a.provider(), "NASW Massachusetts");
    assert_eq!(a.provider_approval_number(), Some("D 12345"));
    assert_eq!(a.title(), "Ethics of telehealth practice");
    assert_eq!(a.completed_on(), date("2026-03-14"));
    assert_eq!(a.hours().hours(), Hours::whole(3));
    assert_eq!(a.category(), CeCategory::Ethics);
    assert_eq!(a.format(), CeFormat::LiveOnline);
}

#[test]
fn form_text_is_trimmed_and_the_approval_number_is_optional() {
    let f = ActivityForm {
        provider: "  Center for Ethics  ",
        provider_approval_number: "   ",
        title: " Boundaries online ",
        completed_on: " 2026-11-23 ",
        hours: " 1.25 ",
        category: " technology ",
        format: "self_study",
    };
    let a = CeActivity::parse(&f, date(TODAY)).unwrap();
    assert_eq!(a.provider(), "Center for Ethics");
    assert_eq!(a.provider_approval_number(), None);
    assert_eq!(a.title(), "Boundaries online");
    assert_eq!(
        a.completed_on(),
        date(TODAY),
        "today itself is not the future"
    );
    assert_eq!(a.hours().hours(), Hours::from_hundredths(125));
    assert_eq!(a.category(), CeCategory::Technology);
}

#[test]
fn each_bad_field_is_named() {
    let long = "x".repeat(301);
    let cases: Vec<(ActivityForm, &str, &str)> = vec![
        (
            ActivityForm {
                provider: " ",
                ..form()
            },
            "provider",
            "provider: must not be empty",
        ),
        (
            ActivityForm {
                provider: "A\nB",
                ..form()
            },
            "provider",
            "provider: must be one line of text (no line breaks or control characters)",
        ),
        (
            ActivityForm {
                provider_approval_number: &long,
                ..form()
            },
            "provider_approval_number",
            "provider_approval_number: is longer than 100 characters",
        ),
        (
            ActivityForm {
                title: "",
                ..form()
            },
            "title",
            "title: must not be empty",
        ),
        (
            ActivityForm {
                title: &long,
                ..form()
            },
            "title",
            "title: is longer than 300 characters",
        ),
        (
            ActivityForm {
                completed_on: "14/03/2026",
                ..form()
            },
            "completed_on",
            "completed_on: \"14/03/2026\" is not a date (YYYY-MM-DD)",
        ),
        (
            ActivityForm {
                completed_on: "2026-02-29",
                ..form()
            },
            "completed_on",
            "completed_on: \"2026-02-29\" is not a date (YYYY-MM-DD)",
        ),
        (
            ActivityForm {
                completed_on: "2026-11-24",
                ..form()
            },
            "completed_on",
            "completed_on: 2026-11-24 is after today (2026-11-23); record an activity once it is completed",
        ),
        (
            ActivityForm {
                hours: "",
                ..form()
            },
            "hours",
            "hours: \"\" is not a number of hours such as 1.5 or 0.25",
        ),
        (
            ActivityForm {
                hours: "0",
                ..form()
            },
            "hours",
            "hours: must be more than 0",
        ),
        (
            ActivityForm {
                hours: "-2",
                ..form()
            },
            "hours",
            "hours: must be more than 0",
        ),
        (
            ActivityForm {
                hours: "100.5",
                ..form()
            },
            "hours",
            "hours: 100.5 is more than the 100 hours one activity can carry",
        ),
        (
            ActivityForm {
                hours: "1.333",
                ..form()
            },
            "hours",
            "hours: \"1.333\" has more than two decimal places (write quarter hours as 0.25, tenths as 0.1)",
        ),
        (
            ActivityForm {
                category: "telehealth",
                ..form()
            },
            "category",
            "category: \"telehealth\" is not one of ethics, laws_and_rules, technology, clinical, cultural_competence, implicit_bias, suicide_prevention, domestic_violence, child_abuse, human_trafficking, medical_errors, substance_use, supervision, other",
        ),
        (
            ActivityForm {
                format: "webinar",
                ..form()
            },
            "format",
            "format: \"webinar\" is not one of live_in_person, live_online, self_study, academic_course, presenting",
        ),
    ];
    for (f, field, message) in cases {
        let e = CeActivity::parse(&f, date(TODAY)).unwrap_err();
        assert_eq!(e.field(), field, "{f:?}");
        assert_eq!(e.to_string(), message, "{f:?}");
    }
}

#[test]
fn errors_carry_their_cause_for_callers_that_match() {
    let e = CeActivity::parse(
        &ActivityForm {
            completed_on: "2027-01-01",
            ..form()
        },
        date(TODAY),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ActivityError::CompletedOn(DateError::InTheFuture {
            date: date("2027-01-01"),
            today: date(TODAY)
        })
    );
    let e = CeActivity::parse(
        &ActivityForm {
            provider: "",
            title: "",
            ..form()
        },
        date(TODAY),
    )
    .unwrap_err();
    assert_eq!(
        e,
        ActivityError::Provider(TextError::Empty),
        "the first field wins"
    );
    assert_eq!(
        CeActivity::parse(
            &ActivityForm {
                hours: "0.00",
                ..form()
            },
            date(TODAY)
        ),
        Err(ActivityError::Hours(HoursError::NotPositive))
    );
}

// ---- requirement data ----------------------------------------------------------------------

fn entry(jur: &str, profession: &str) -> Value {
    json!({
        "jurisdiction": jur, "profession": profession, "hours": 30, "cycle_months": 24,
        "categories": [{"category": "ethics", "hours": 3}, {"category": "technology", "hours": 2}],
        "notes": ["fixture"], "source": "https://example.org/rule", "as_of": "2026-01-01", "verify": false,
    })
}

fn file(entries: Vec<Value>) -> String {
    json!({"about": "test fixture", "requirements": entries}).to_string()
}

fn fixture() -> &'static Requirements {
    static REQ: OnceLock<Requirements> = OnceLock::new();
    REQ.get_or_init(|| {
        let mut capped = entry("US-NY", "social_work");
        capped["hours"] = json!(36);
        capped["cycle_months"] = json!(36);
        capped["categories"] = json!([]);
        capped["self_study_max_hours"] = json!(12);
        let mut psych = entry("US-MA", "psychology");
        psych["hours"] = json!(20);
        psych["categories"] = json!([{"category": "ethics", "hours": 2.5}]);
        psych["verify"] = json!(true);
        Requirements::from_json(
            &file(vec![entry("US-MA", "social_work"), capped, psych]),
            reg(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    })
}

fn ma_sw() -> &'static Requirement {
    fixture()
        .requirement(&j("US-MA"), Profession::SocialWork)
        .unwrap()
}

#[test]
fn the_fixture_reads_as_written() {
    let r = ma_sw();
    assert_eq!(r.hours, Hours::whole(30));
    assert_eq!(r.cycle_months, 24);
    assert_eq!(r.minimum(CeCategory::Ethics), Some(Hours::whole(3)));
    assert_eq!(r.minimum(CeCategory::Technology), Some(Hours::whole(2)));
    assert_eq!(r.minimum(CeCategory::Clinical), None);
    assert_eq!(r.self_study_max, None);
    assert_eq!(r.as_of, date("2026-01-01"));
    assert!(!r.verify);
    let p = fixture()
        .requirement(&j("US-MA"), Profession::Psychology)
        .unwrap();
    assert_eq!(p.minimum(CeCategory::Ethics), Some(h("2.5")));
    assert!(p.verify);
    assert_eq!(fixture().len(), 3);
    assert_eq!(
        fixture().requirement(&j("US-MA"), Profession::Counseling),
        None,
        "no data, no guess"
    );
    assert_eq!(
        fixture().requirement(&j("US-CA"), Profession::SocialWork),
        None
    );
}

#[test]
fn bad_requirement_data_is_refused_naming_the_entry_and_field() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("unknown jurisdiction", |e| e["jurisdiction"] = json!("US-ZZ"),
         "data/ce/requirements.json: requirements[0] (US-ZZ social_work): jurisdiction: US-ZZ has no entry in data/licensure/boards.json"),
        ("malformed jurisdiction", |e| e["jurisdiction"] = json!("Massachusetts"),
         "data/ce/requirements.json: requirements[0] (Massachusetts social_work): jurisdiction: \"Massachusetts\" is not an ISO 3166-2 code such as US-MA or CA-ON"),
        ("lower-case code", |e| e["jurisdiction"] = json!("us-ma"),
         "data/ce/requirements.json: requirements[0] (us-ma social_work): jurisdiction: \"us-ma\" must be written \"US-MA\""),
        ("unknown profession", |e| e["profession"] = json!("nursing"),
         "data/ce/requirements.json: requirements[0] (US-MA nursing): profession: \"nursing\" is not one of social_work, counseling, psychology, marriage_family_therapy"),
        ("zero hours", |e| e["hours"] = json!(0),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): hours: must be more than 0"),
        ("negative hours", |e| e["hours"] = json!(-30),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): hours: must be more than 0"),
        ("hours as text", |e| e["hours"] = json!("30"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): hours: must be a number of hours, not \"30\""),
        ("hours too fine", |e| e["hours"] = json!(30.125),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): hours: \"30.125\" has more than two decimal places (write quarter hours as 0.25, tenths as 0.1)"),
        ("zero-month cycle", |e| e["cycle_months"] = json!(0),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): cycle_months: 0 is not a whole number of months from 1 to 60"),
        ("fractional cycle", |e| e["cycle_months"] = json!(24.5),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): cycle_months: 24.5 is not a whole number of months from 1 to 60"),
        ("unknown category", |e| e["categories"][1]["category"] = json!("telehealth"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): categories[1].category: \"telehealth\" is not one of ethics, laws_and_rules, technology, clinical, cultural_competence, implicit_bias, suicide_prevention, domestic_violence, child_abuse, human_trafficking, medical_errors, substance_use, supervision, other"),
        ("zero category hours", |e| e["categories"][0]["hours"] = json!(0),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): categories[0].hours: must be more than 0"),
        ("category above the total", |e| e["categories"][1]["hours"] = json!(31),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): categories[1].hours: 31 hours of technology exceeds the total of 30 hours"),
        ("categories add up to more than the total", |e| e["categories"] = json!([{"category": "ethics", "hours": 20}, {"category": "clinical", "hours": 10.5}]),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): categories: category minimums add up to 30.5 hours, more than the total of 30"),
        ("category twice", |e| e["categories"][1]["category"] = json!("ethics"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): categories[1].category: ethics is listed twice"),
        ("self-study cap not below the total", |e| e["self_study_max_hours"] = json!(30),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): self_study_max_hours: 30 is not less than the total of 30 hours; leave it out when self-study is not capped"),
        ("blank note", |e| e["notes"] = json!(["ok", " "]),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): notes[1]: must not be empty"),
        ("source not a URL", |e| e["source"] = json!("the board"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): source: \"the board\" is not an https:// URL of the board rule"),
        ("plain http", |e| e["source"] = json!("http://example.org/rule"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): source: \"http://example.org/rule\" is not an https:// URL of the board rule"),
        ("bad as_of", |e| e["as_of"] = json!("2026-13-01"),
         "data/ce/requirements.json: requirements[0] (US-MA social_work): as_of: \"2026-13-01\" is not a date (YYYY-MM-DD)"),
    ];
    for (name, edit, message) in cases {
        let mut e = entry("US-MA", "social_work");
        edit(&mut e);
        let got = Requirements::from_json(&file(vec![e]), reg())
            .err()
            .unwrap_or_else(|| panic!("{name}: should be refused"));
        assert_eq!(got.to_string(), message, "{name}");
    }
}

#[test]
fn shape_errors_in_the_file_are_refused() {
    let twice = file(vec![
        entry("US-MA", "social_work"),
        entry("US-MA", "social_work"),
    ]);
    assert_eq!(
        Requirements::from_json(&twice, reg()).unwrap_err().to_string(),
        "data/ce/requirements.json: requirements[1] (US-MA social_work): jurisdiction: US-MA social_work is listed twice"
    );
    let mut no_verify = entry("US-MA", "social_work");
    no_verify.as_object_mut().unwrap().remove("verify");
    let e = Requirements::from_json(&file(vec![no_verify]), reg()).unwrap_err();
    assert_eq!((e.entry.as_str(), e.field.as_str()), ("", "(file)"));
    assert!(e.problem.contains("missing field `verify`"), "{e}");
    let mut unknown = entry("US-MA", "social_work");
    unknown["hours_per_year"] = json!(15);
    let e = Requirements::from_json(&file(vec![unknown]), reg()).unwrap_err();
    assert!(e.problem.contains("unknown field `hours_per_year`"), "{e}");
    assert!(Requirements::from_json("not json", reg()).is_err());
    assert!(Requirements::from_json(&file(vec![]), reg())
        .unwrap()
        .is_empty());
}

// ---- the shipped data ----------------------------------------------------------------------

#[test]
fn the_shipped_data_is_valid_and_cached() {
    let a = Requirements::builtin().unwrap_or_else(|e| panic!("{e}"));
    let b = Requirements::builtin().unwrap();
    assert!(std::ptr::eq(a, b), "parsed once per process");
}

#[test]
fn the_shipped_data_covers_the_main_jurisdictions_for_every_profession() {
    let req = Requirements::builtin().unwrap();
    for code in [
        "US-MA", "US-NY", "US-PA", "US-CA", "US-OH", "US-CO", "US-TX", "US-FL", "US-IL", "US-NJ",
        "US-WA",
    ] {
        for p in Profession::ALL {
            let r = req
                .requirement(&j(code), p)
                .unwrap_or_else(|| panic!("{code} {p} is missing"));
            assert_eq!(r.jurisdiction, j(code));
            assert_eq!(r.profession, p);
        }
    }
}

#[test]
fn every_shipped_entry_is_marked_for_review_and_cites_a_source() {
    // The figures were written without access to the boards' sites (data/ce/README.md):
    // until a person checks an entry and flips `verify`, pages must present it as unverified.
    let req = Requirements::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    assert!(req.len() >= 32);
    for r in req.iter() {
        let name = format!("{} {}", r.jurisdiction, r.profession);
        assert!(r.verify, "{name}: unreviewed figures must say verify: true");
        assert!(r.source.starts_with("https://"), "{name}");
        assert!(registry.jurisdiction(&r.jurisdiction).is_some(), "{name}");
        assert!(
            r.hours >= Hours::whole(10) && r.hours <= Hours::whole(80),
            "{name}: {} hours is implausible",
            r.hours
        );
        assert!([12, 24, 36].contains(&r.cycle_months), "{name}");
        let sum: Hours = r.categories.iter().map(|m| m.hours).sum();
        assert!(sum <= r.hours, "{name}");
    }
}

// ---- the cycle window ----------------------------------------------------------------------

#[test]
fn the_window_starts_the_day_after_the_previous_renewal() {
    for (renewal, months, starts, why) in [
        ("2027-06-30", 24, "2025-07-01", "two years back, plus a day"),
        (
            "2027-12-31",
            36,
            "2025-01-01",
            "a New York triennial registration",
        ),
        ("2027-01-31", 12, "2026-02-01", "a yearly cycle"),
        (
            "2028-02-29",
            24,
            "2026-03-01",
            "leap day renewal: the previous one was 2026-02-28",
        ),
        ("2028-02-29", 12, "2027-03-01", "leap day renewal, yearly"),
        (
            "2026-02-28",
            24,
            "2024-03-01",
            "end of February: the previous renewal was 2024-02-29",
        ),
        (
            "2025-02-28",
            12,
            "2024-03-01",
            "yearly, end of February after a leap year",
        ),
        (
            "2027-03-31",
            1,
            "2027-03-01",
            "end of March follows end of February",
        ),
        (
            "2027-04-30",
            1,
            "2027-04-01",
            "end of April follows end of March, not 30 March",
        ),
        (
            "2027-06-15",
            24,
            "2025-06-16",
            "mid-month renewals keep their day",
        ),
        (
            "2027-05-29",
            3,
            "2027-03-01",
            "the 29th of a February without one is clamped",
        ),
    ] {
        let w = CycleWindow::ending(date(renewal), months);
        assert_eq!(w.starts, date(starts), "{renewal} - {months} months: {why}");
        assert_eq!(w.ends, date(renewal));
        assert!(w.contains(date(starts)) && w.contains(date(renewal)));
        assert!(!w.contains(date(starts).pred_opt().unwrap()), "{why}");
        assert!(!w.contains(date(renewal).succ_opt().unwrap()), "{why}");
    }
}

#[test]
fn consecutive_cycles_neither_overlap_nor_leave_a_gap() {
    // Renewals at the end of February every two years, and yearly, and on the 15th:
    // every day belongs to exactly one cycle.
    for (renewals, months) in [
        (
            &["2022-02-28", "2024-02-29", "2026-02-28", "2028-02-29"][..],
            24,
        ),
        (
            &["2023-02-28", "2024-02-29", "2025-02-28", "2026-02-28"][..],
            12,
        ),
        (
            &["2024-11-30", "2025-02-28", "2025-05-31", "2025-08-31"][..],
            3,
        ),
        (&["2021-01-15", "2024-01-15", "2027-01-15"][..], 36),
    ] {
        for pair in renewals.windows(2) {
            let w = CycleWindow::ending(date(pair[1]), months);
            assert_eq!(w.starts, date(pair[0]).succ_opt().unwrap(), "{pair:?}");
        }
    }
}

// ---- progress through a cycle --------------------------------------------------------------

fn act(on: &str, hours: &str, category: &str, format: &str) -> CeActivity {
    CeActivity::parse(
        &ActivityForm {
            completed_on: on,
            hours,
            category,
            format,
            ..form()
        },
        date("2100-01-01"),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn live(on: &str, hours: &str, category: &str) -> CeActivity {
    act(on, hours, category, "live_in_person")
}

/// The renewal in most cases: US-MA social work, 30 hours every 24 months, at least 3 in
/// ethics and 2 in technology; the window is 2025-07-01 to 2027-06-30.
const RENEWAL: &str = "2027-06-30";

#[test]
fn activities_count_only_inside_the_window_both_ends_included() {
    for (on, counts) in [
        ("2025-06-30", false), // the previous renewal day: the previous cycle's
        ("2025-07-01", true),  // first day
        ("2026-06-15", true),
        ("2027-06-30", true),  // renewal day: last day
        ("2027-07-01", false), // the next cycle's
    ] {
        let p = progress(
            ma_sw(),
            date(RENEWAL),
            &[live(on, "4", "clinical")],
            date("2026-01-01"),
        );
        let expect = if counts { Hours::whole(4) } else { Hours::ZERO };
        assert_eq!(p.counted, expect, "{on}");
        assert_eq!(p.counted_activities.len(), usize::from(counts), "{on}");
    }
}

#[test]
fn leap_day_activities_count_in_the_cycle_that_contains_them() {
    let on_leap_day = [live("2024-02-29", "5", "clinical")];
    // Renewal 2024-02-29: the leap day is its renewal day, the last day of that cycle.
    let p = progress(
        ma_sw(),
        date("2024-02-29"),
        &on_leap_day,
        date("2024-01-01"),
    );
    assert_eq!(p.counted, Hours::whole(5));
    // Renewal 2026-02-28 (two-year cycle, end of February): the window opens on 2024-03-01,
    // so the leap day counted for 2024 and does not count again.
    let p = progress(
        ma_sw(),
        date("2026-02-28"),
        &on_leap_day,
        date("2025-06-01"),
    );
    assert_eq!(p.window.starts, date("2024-03-01"));
    assert_eq!(p.counted, Hours::ZERO);
    // A licence renewed on the 15th: 2024-02-29 falls inside 2024-02-16..=2026-02-15.
    let p = progress(
        ma_sw(),
        date("2026-02-15"),
        &on_leap_day,
        date("2025-06-01"),
    );
    assert_eq!(p.counted, Hours::whole(5));
    // Renewal 2028-02-29: the window opens on 2026-03-01, long after.
    let p = progress(
        ma_sw(),
        date("2028-02-29"),
        &on_leap_day,
        date("2027-01-01"),
    );
    assert_eq!(p.counted, Hours::ZERO);
    assert_eq!(p.window.starts, date("2026-03-01"));
}

struct Case {
    name: &'static str,
    activities: Vec<CeActivity>,
    today: &'static str,
    counted: &'static str,
    missing: &'static str,
    still_needed: &'static str,
    /// (category, missing) for each required category that still misses hours.
    short: &'static [(CeCategory, &'static str)],
    status: CeStatus,
}

#[test]
fn progress_cases_a_board_would_recognise() {
    use CeCategory::{Ethics, Technology};
    let done = || {
        vec![
            live("2025-09-10", "3", "ethics"),
            live("2026-02-02", "2", "technology"),
            act("2026-05-05", "25", "clinical", "live_online"),
        ]
    };
    let cases = vec![
        Case {
            name: "nothing done, two years to go",
            activities: vec![],
            today: "2025-07-01",
            counted: "0",
            missing: "30",
            still_needed: "30",
            short: &[(Ethics, "3"), (Technology, "2")],
            status: CeStatus::OnTrack,
        },
        Case {
            name: "everything done",
            activities: done(),
            today: "2026-06-01",
            counted: "30",
            missing: "0",
            still_needed: "0",
            short: &[],
            status: CeStatus::Met,
        },
        Case {
            name: "everything done, on the renewal day",
            activities: done(),
            today: RENEWAL,
            counted: "30",
            missing: "0",
            still_needed: "0",
            short: &[],
            status: CeStatus::Met,
        },
        Case {
            name: "the renewal day has passed: the cycle is over even if it was met",
            activities: done(),
            today: "2027-07-01",
            counted: "30",
            missing: "0",
            still_needed: "0",
            short: &[],
            status: CeStatus::LapsedCycle,
        },
        Case {
            name: "hours missing, 91 days to go",
            activities: vec![live("2026-01-01", "20", "clinical")],
            today: "2027-03-31",
            counted: "20",
            missing: "10",
            still_needed: "10",
            short: &[(Ethics, "3"), (Technology, "2")],
            status: CeStatus::OnTrack,
        },
        Case {
            name: "hours missing, 90 days to go",
            activities: vec![live("2026-01-01", "20", "clinical")],
            today: "2027-04-01",
            counted: "20",
            missing: "10",
            still_needed: "10",
            short: &[(Ethics, "3"), (Technology, "2")],
            status: CeStatus::ShortfallWarning,
        },
        Case {
            name: "hours missing on the renewal day",
            activities: vec![live("2026-01-01", "29.75", "clinical")],
            today: RENEWAL,
            counted: "29.75",
            missing: "0.25",
            still_needed: "5",
            short: &[(Ethics, "3"), (Technology, "2")],
            status: CeStatus::ShortfallWarning,
        },
        Case {
            name: "the total is met but a category is not",
            activities: vec![
                live("2026-01-01", "30", "clinical"),
                live("2026-02-01", "1.5", "ethics"),
            ],
            today: "2027-06-01",
            counted: "31.5",
            missing: "0",
            still_needed: "3.5",
            short: &[(Ethics, "1.5"), (Technology, "2")],
            status: CeStatus::ShortfallWarning,
        },
        Case {
            name: "category hours count towards the total too",
            activities: vec![
                live("2026-01-01", "20", "ethics"),
                live("2026-01-02", "10", "technology"),
            ],
            today: "2026-02-01",
            counted: "30",
            missing: "0",
            still_needed: "0",
            short: &[],
            status: CeStatus::Met,
        },
        Case {
            name: "an old certificate does not count",
            activities: vec![
                live("2025-06-30", "30", "clinical"),
                live("2025-07-01", "3", "ethics"),
            ],
            today: "2026-02-01",
            counted: "3",
            missing: "27",
            still_needed: "27",
            short: &[(Technology, "2")],
            status: CeStatus::OnTrack,
        },
        Case {
            name: "quarter hours and tenths add up exactly",
            activities: vec![
                live("2026-01-01", "0.1", "ethics"),
                live("2026-01-01", "0.25", "ethics"),
                live("2026-01-01", "2.65", "ethics"),
                live("2026-01-01", "2", "technology"),
                live("2026-01-01", "25", "clinical"),
            ],
            today: "2026-02-01",
            counted: "30",
            missing: "0",
            still_needed: "0",
            short: &[],
            status: CeStatus::Met,
        },
    ];
    for c in cases {
        let p = progress(ma_sw(), date(RENEWAL), &c.activities, date(c.today));
        assert_eq!(p.counted, h(c.counted), "{}: counted", c.name);
        assert_eq!(p.missing, h(c.missing), "{}: missing", c.name);
        assert_eq!(
            p.still_needed,
            h(c.still_needed),
            "{}: still needed",
            c.name
        );
        let short: Vec<(CeCategory, Hours)> = p
            .missing_by_category()
            .map(|s| (s.category, s.missing))
            .collect();
        let want: Vec<(CeCategory, Hours)> = c.short.iter().map(|(k, v)| (*k, h(v))).collect();
        assert_eq!(short, want, "{}: category shortfalls", c.name);
        assert_eq!(p.status, c.status, "{}: status", c.name);
        assert_eq!(p.required, Hours::whole(30));
        assert_eq!(p.renewal, date(RENEWAL));
        assert_eq!(
            p.days_to_renewal,
            (date(RENEWAL) - date(c.today)).num_days()
        );
    }
}

#[test]
fn the_warning_horizon_is_ninety_days() {
    assert_eq!(WARNING_DAYS, 90);
}

#[test]
fn per_category_counts_include_categories_the_board_does_not_name() {
    let p = progress(
        ma_sw(),
        date(RENEWAL),
        &[
            live("2026-01-01", "2", "ethics"),
            live("2026-01-02", "1.5", "ethics"),
            live("2026-01-03", "4", "substance_use"),
        ],
        date("2026-02-01"),
    );
    assert_eq!(
        p.by_category.into_iter().collect::<Vec<_>>(),
        vec![
            (CeCategory::Ethics, h("3.5")),
            (CeCategory::SubstanceUse, Hours::whole(4))
        ]
    );
    let ethics = &p.categories[0];
    assert_eq!(
        (
            ethics.category,
            ethics.required,
            ethics.counted,
            ethics.missing
        ),
        (CeCategory::Ethics, Hours::whole(3), h("3.5"), Hours::ZERO)
    );
}

#[test]
fn self_study_above_the_boards_cap_does_not_count_towards_the_total() {
    let ny = fixture()
        .requirement(&j("US-NY"), Profession::SocialWork)
        .unwrap();
    let activities = [
        act("2026-01-01", "20", "clinical", "self_study"),
        act("2026-01-02", "10", "clinical", "live_online"),
        act("2026-01-03", "4", "ethics", "self_study"),
    ];
    let p = progress(ny, date("2027-12-31"), &activities, date("2026-06-01"));
    assert_eq!(p.completed, Hours::whole(34));
    assert_eq!(
        p.counted,
        Hours::whole(22),
        "10 live + at most 12 self-study"
    );
    assert_eq!(p.self_study_over_cap, Hours::whole(12));
    assert_eq!(p.missing, Hours::whole(14));
    assert_eq!(p.status, CeStatus::OnTrack);
}

#[test]
fn progress_carries_the_review_flag_of_its_data() {
    let psych = fixture()
        .requirement(&j("US-MA"), Profession::Psychology)
        .unwrap();
    assert!(progress(psych, date(RENEWAL), &[], date("2026-01-01")).verify);
    assert!(!progress(ma_sw(), date(RENEWAL), &[], date("2026-01-01")).verify);
}

// ---- every licence in a credentials set ----------------------------------------------------

fn licence(jur: &str, expires: &str, profession: Option<Profession>) -> Credential {
    Credential {
        grant: Grant::License {
            jurisdiction: j(jur),
        },
        expires: date(expires),
        profession,
        title: None,
        number: None,
    }
}

#[test]
fn each_licence_gets_its_progress_and_no_data_is_never_guessed() {
    let creds = Credentials::new(
        Profession::SocialWork,
        vec![
            licence("US-MA", RENEWAL, None),
            Credential {
                grant: Grant::CompactPrivilege {
                    compact: Compact::SocialWork,
                    jurisdiction: j("US-OH"),
                },
                expires: date("2027-01-31"),
                profession: None,
                title: None,
                number: None,
            },
            licence("US-CA", "2027-03-31", None),
            licence("US-MA", "2028-01-31", Some(Profession::Psychology)),
            licence("CA-ON", "2027-12-31", None),
            Credential {
                grant: Grant::TemporaryPermit {
                    jurisdiction: j("US-NY"),
                    starts: date("2026-01-01"),
                },
                expires: date("2026-12-31"),
                profession: None,
                title: None,
                number: None,
            },
        ],
    );
    let activities = [live("2026-03-01", "3", "ethics")];
    let got = progress_by_licence(&creds, fixture(), &activities, date("2026-06-01"));
    let summary: Vec<(usize, &str, Profession, Option<Hours>)> = got
        .iter()
        .map(|l| {
            (
                l.index,
                l.jurisdiction.as_str(),
                l.profession,
                l.progress.as_ref().map(|p| p.missing),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (0, "US-MA", Profession::SocialWork, Some(Hours::whole(27))),
            (2, "US-CA", Profession::SocialWork, None),
            (3, "US-MA", Profession::Psychology, Some(Hours::whole(17))),
            (4, "CA-ON", Profession::SocialWork, None),
        ],
        "licences only (not the compact privilege or the permit); None where there is no data"
    );
    assert_eq!(got[0].credential, creds.credentials()[0]);
    let psych = got[2].progress.as_ref().unwrap();
    assert_eq!(psych.renewal, date("2028-01-31"));
    assert_eq!(psych.window.starts, date("2026-02-01"));
}

/// Standard 10: an activity named for one licence (by jurisdiction and number) counts towards
/// that licence and its renewals only; one named for none counts towards every licence.
#[test]
fn an_activity_named_for_one_licence_counts_only_towards_it() {
    let numbered = |jur: &str, number: &str, expires: &str| Credential {
        number: Some(number.to_owned()),
        ..licence(jur, expires, None)
    };
    let creds = Credentials::new(
        Profession::SocialWork,
        vec![
            numbered("US-MA", "123456", RENEWAL),
            numbered("US-NY", "654321", "2027-12-31"),
        ],
    );
    let ny: LicenceRef = "US-NY|654321".parse().unwrap();
    assert_eq!(ny.to_string(), "US-NY|654321");
    assert!(ny.matches(&creds.credentials()[1]));
    assert!(!ny.matches(&creds.credentials()[0]));
    assert!(
        ny.matches(&numbered("US-NY", "654321", "2030-12-31")),
        "a renewal is the same licence"
    );
    assert!(!ny.matches(&numbered("US-NY", "999", "2027-12-31")));
    let activities = [
        live("2026-03-01", "3", "ethics").counting_towards(Some(ny.clone())),
        live("2026-04-01", "2", "clinical"),
    ];
    let got = progress_by_licence(&creds, fixture(), &activities, date("2026-06-01"));
    let ma = got[0].progress.as_ref().unwrap();
    let ny_p = got[1].progress.as_ref().unwrap();
    assert_eq!(
        ma.counted,
        Hours::whole(2),
        "the New York activity is not Massachusetts'"
    );
    assert_eq!(ma.counted_activities, [1], "positions in the caller's list");
    assert_eq!(ny_p.counted, Hours::whole(5));
    assert_eq!(ny_p.counted_activities, [0, 1]);
    for bad in ["US-NY", "New York|1", "US-NY|1\n2", ""] {
        assert!(bad.parse::<LicenceRef>().is_err(), "{bad:?}");
    }
    let blank: LicenceRef = "us-ma|".parse().unwrap();
    assert_eq!((blank.jurisdiction.as_str(), blank.number), ("US-MA", None));
}

// ---- properties ----------------------------------------------------------------------------

fn base() -> NaiveDate {
    date("2024-01-01")
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0i64..1500).prop_map(|d| base() + Duration::days(d))
}

fn activity() -> impl Strategy<Value = CeActivity> {
    (
        day(),
        1u32..=2000,
        prop::sample::select(CeCategory::ALL.to_vec()),
        prop::sample::select(CeFormat::ALL.to_vec()),
    )
        .prop_map(|(on, hundredths, category, format)| {
            let hours = Hours::from_hundredths(hundredths).to_string();
            let on = on.to_string();
            act(&on, &hours, category.as_str(), format.as_str())
        })
}

fn requirement() -> impl Strategy<Value = &'static Requirement> {
    prop::sample::select(fixture().iter().collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn counted_hours_never_exceed_the_hours_done(
        r in requirement(),
        activities in prop::collection::vec(activity(), 0..30),
        renewal in day(),
        today in day(),
    ) {
        let p = progress(r, renewal, &activities, today);
        let all: Hours = activities.iter().map(|a| a.hours().hours()).sum();
        let in_window: Hours = activities
            .iter()
            .filter(|a| p.window.contains(a.completed_on()))
            .map(|a| a.hours().hours())
            .sum();
        prop_assert!(p.counted <= p.completed);
        prop_assert_eq!(p.completed, in_window);
        prop_assert!(p.completed <= all);
        prop_assert_eq!(p.by_category.values().copied().sum::<Hours>(), in_window);
        prop_assert_eq!(p.counted + p.self_study_over_cap, p.completed);
        let expected: Vec<usize> = (0..activities.len())
            .filter(|&i| p.window.contains(activities[i].completed_on()))
            .collect();
        prop_assert_eq!(&p.counted_activities, &expected);
        prop_assert_eq!(p.missing, r.hours.shortfall_from(p.counted));
        prop_assert!(p.still_needed >= p.missing);
        prop_assert_eq!(p.status == CeStatus::Met, today <= renewal && p.still_needed.is_zero());
    }

    #[test]
    fn adding_an_activity_never_increases_the_shortfall(
        r in requirement(),
        activities in prop::collection::vec(activity(), 0..30),
        extra in activity(),
        at in 0..31usize,
        renewal in day(),
        today in day(),
    ) {
        let before = progress(r, renewal, &activities, today);
        let mut more = activities.clone();
        more.insert(at.min(more.len()), extra);
        let after = progress(r, renewal, &more, today);
        prop_assert!(after.missing <= before.missing);
        prop_assert!(after.still_needed <= before.still_needed);
        prop_assert!(after.counted >= before.counted);
        for (b, a) in before.categories.iter().zip(&after.categories) {
            prop_assert_eq!(a.category, b.category);
            prop_assert!(a.missing <= b.missing, "{}", a.category);
        }
        // Status can only improve: a shortfall can become met, never the reverse.
        if before.status == CeStatus::Met {
            prop_assert_eq!(after.status, CeStatus::Met);
        }
    }

    #[test]
    fn activities_outside_the_window_change_nothing(
        r in requirement(),
        activities in prop::collection::vec(activity(), 0..20),
        renewal in day(),
        today in day(),
        beyond in 1i64..400,
    ) {
        let window = CycleWindow::ending(renewal, r.cycle_months);
        let outside = [
            live(&(window.starts - Duration::days(beyond)).to_string(), "50", "ethics"),
            live(&(window.ends + Duration::days(beyond)).to_string(), "50", "technology"),
        ];
        let before = progress(r, renewal, &activities, today);
        let mut more = activities.clone();
        more.extend(outside);
        let after = progress(r, renewal, &more, today);
        prop_assert_eq!(
            (before.counted, before.missing, before.still_needed, before.status),
            (after.counted, after.missing, after.still_needed, after.status)
        );
    }

    #[test]
    fn written_hours_read_back_unchanged(hundredths in 0u32..=1_000_000) {
        let hours = Hours::from_hundredths(hundredths);
        prop_assert_eq!(hours.to_string().parse::<Hours>(), Ok(hours));
    }

    #[test]
    fn the_form_reader_never_panics(
        provider in ".{0,40}",
        title in ".{0,40}",
        completed_on in "[0-9 -]{0,12}",
        hours in "[0-9.+-]{0,8}",
        category in "[a-z_]{0,20}",
        format in "[a-z_]{0,16}",
    ) {
        let f = ActivityForm {
            provider: &provider,
            provider_approval_number: "",
            title: &title,
            completed_on: &completed_on,
            hours: &hours,
            category: &category,
            format: &format,
        };
        match CeActivity::parse(&f, date(TODAY)) {
            Ok(a) => {
                prop_assert!(a.completed_on() <= date(TODAY));
                prop_assert!(!a.hours().hours().is_zero() && a.hours().hours() <= Hours::whole(100));
                prop_assert_eq!(a.provider(), provider.trim());
            }
            Err(e) => prop_assert!(!e.to_string().contains('\n')),
        }
    }
}
