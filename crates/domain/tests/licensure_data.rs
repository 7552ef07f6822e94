//! The licensure data in `data/licensure/` is validated at start-up; these tests hold it
//! to that, and check the validation itself refuses bad data with the field named.

mod licensure_support;

use alcove_domain::licensure::{Compact, Profession, Registry};
use alcove_domain::Jurisdiction;
use chrono::NaiveDate;
use licensure_support::{boards_json, compacts_json};
use serde_json::{json, Value};

fn j(code: &str) -> Jurisdiction {
    code.parse().unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const STATES_AND_DC: [&str; 51] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY",
];

#[test]
fn the_shipped_data_is_valid() {
    Registry::builtin().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_state_and_dc_has_a_verification_link_for_every_profession() {
    let reg = Registry::builtin().unwrap();
    for s in STATES_AND_DC {
        let code = j(&format!("US-{s}"));
        let info = reg
            .jurisdiction(&code)
            .unwrap_or_else(|| panic!("{code} is missing"));
        for p in Profession::ALL {
            let board = reg.board(&code, p).unwrap();
            let url = board
                .verify_url
                .as_deref()
                .unwrap_or_else(|| panic!("{code} {p} has no verify_url"));
            assert!(url.starts_with("https://"), "{code} {p}: {url}");
        }
        assert!(!info.source.is_empty());
    }
    for province in ["CA-ON", "CA-BC", "CA-QC", "CA-AB"] {
        assert!(
            reg.jurisdiction(&j(province)).is_some(),
            "{province} is missing"
        );
    }
}

#[test]
fn a_state_spanning_time_zones_decides_the_date_in_its_westernmost_zone() {
    let reg = Registry::builtin().unwrap();
    for (code, zone) in [
        ("US-TX", "America/Denver"),
        ("US-FL", "America/Chicago"),
        ("US-ID", "America/Los_Angeles"),
        ("US-AK", "America/Adak"),
        ("US-AZ", "America/Phoenix"),
        ("US-MA", "America/New_York"),
        ("CA-ON", "America/Winnipeg"),
    ] {
        assert_eq!(
            reg.jurisdiction(&j(code)).unwrap().date_zone.name(),
            zone,
            "{code}"
        );
    }
    // 06:30 UTC on 16 January is already the 16th in Houston but still the 15th in El Paso.
    let at = "2026-01-16T06:30:00Z".parse().unwrap();
    assert_eq!(reg.session_date(&j("US-TX"), at), date("2026-01-15"));
}

#[test]
fn the_compacts_are_profession_specific_and_only_the_social_work_compact_is_not_issuing() {
    let reg = Registry::builtin().unwrap();
    let today = date("2026-01-15");
    let psypact = reg.compact(Compact::Psypact);
    assert_eq!(psypact.profession, Profession::Psychology);
    assert!(psypact.is_issuing(today));
    let counseling = reg.compact(Compact::Counseling);
    assert_eq!(counseling.profession, Profession::Counseling);
    assert_eq!(counseling.issuing_from, Some(date("2025-09-30")));
    let social_work = reg.compact(Compact::SocialWork);
    assert_eq!(social_work.profession, Profession::SocialWork);
    assert_eq!(
        social_work.issuing_from, None,
        "the Social Work Licensure Compact is not issuing yet"
    );
    assert!(
        social_work.is_member(&j("US-MO"), today),
        "Missouri enacted the Social Work Licensure Compact first"
    );
}

#[test]
fn psypact_membership_matches_well_known_facts() {
    let reg = Registry::builtin().unwrap();
    let psypact = reg.compact(Compact::Psypact);
    let today = date("2026-01-15");
    for member in [
        "US-PA", "US-TX", "US-CO", "US-FL", "US-VA", "US-DC", "US-MP",
    ] {
        assert!(
            psypact.is_member(&j(member), today),
            "{member} is a PSYPACT member"
        );
    }
    for outside in ["US-CA", "US-NY", "US-MA", "US-OR", "US-HI", "CA-ON"] {
        assert!(
            !psypact.is_member(&j(outside), today),
            "{outside} is not a PSYPACT member"
        );
    }
}

#[test]
fn every_entry_carries_a_source_and_an_as_of_date() {
    let reg = Registry::builtin().unwrap();
    for c in reg.compacts() {
        assert!(!c.source.is_empty());
        assert!(c.as_of >= date("2025-01-01"), "{}", c.name);
        for (code, m) in &c.members {
            assert!(
                !m.source.is_empty() && m.as_of >= date("2025-01-01"),
                "{} {code}",
                c.name
            );
            assert_eq!(code.country(), "US");
        }
    }
    for info in reg.jurisdictions() {
        assert!(
            !info.source.is_empty() && info.as_of >= date("2025-01-01"),
            "{}",
            info.code
        );
    }
}

// ---- validation refuses bad data -----------------------------------------------------------

fn refused(compacts: Value, boards: Value) -> String {
    match Registry::from_json(&compacts.to_string(), &boards.to_string()) {
        Ok(_) => panic!("bad data should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_test_fixture_itself_is_valid() {
    Registry::from_json(&compacts_json().to_string(), &boards_json().to_string()).unwrap();
}

#[test]
fn a_bad_effective_date_is_refused_naming_the_field() {
    let mut c = compacts_json();
    c["compacts"][0]["members"][1]["effective"] = json!("2020-13-01");
    assert_eq!(
        refused(c, boards_json()),
        r#"data/licensure/compacts.json: compacts[0].members[1].effective: "2020-13-01" is not a date (YYYY-MM-DD)"#
    );
}

#[test]
fn a_duplicate_member_is_refused() {
    let mut c = compacts_json();
    let first = c["compacts"][1]["members"][0].clone();
    c["compacts"][1]["members"]
        .as_array_mut()
        .unwrap()
        .push(first);
    assert_eq!(
        refused(c, boards_json()),
        "data/licensure/compacts.json: compacts[1].members[4].jurisdiction: US-CO is listed twice"
    );
}

#[test]
fn a_duplicate_jurisdiction_is_refused() {
    let mut b = boards_json();
    let first = b["jurisdictions"][0].clone();
    b["jurisdictions"].as_array_mut().unwrap().push(first);
    let e = refused(compacts_json(), b);
    assert!(e.ends_with(".code: US-CA is listed twice"), "{e}");
}

#[test]
fn jurisdiction_codes_must_be_well_formed_and_written_in_capitals() {
    let mut b = boards_json();
    b["jurisdictions"][0]["code"] = json!("California");
    assert_eq!(
        refused(compacts_json(), b),
        r#"data/licensure/boards.json: jurisdictions[0].code: "California" is not an ISO 3166-2 code such as US-MA or CA-ON"#
    );
    let mut c = compacts_json();
    c["compacts"][0]["members"][0]["jurisdiction"] = json!("us-pa");
    assert_eq!(
        refused(c, boards_json()),
        r#"data/licensure/compacts.json: compacts[0].members[0].jurisdiction: "us-pa" must be written "US-PA""#
    );
}

#[test]
fn a_member_without_board_data_or_outside_the_us_is_refused() {
    let mut c = compacts_json();
    c["compacts"][0]["members"][0]["jurisdiction"] = json!("US-WY");
    assert_eq!(
        refused(c, boards_json()),
        "data/licensure/compacts.json: compacts[0].members[0].jurisdiction: US-WY has no entry in boards.json"
    );
    let mut c = compacts_json();
    c["compacts"][0]["members"][0]["jurisdiction"] = json!("CA-ON");
    assert_eq!(
        refused(c, boards_json()),
        "data/licensure/compacts.json: compacts[0].members[0].jurisdiction: CA-ON: these compacts are between US jurisdictions only"
    );
}

#[test]
fn unknown_or_missing_compacts_are_refused() {
    let mut c = compacts_json();
    c["compacts"][2]["id"] = json!("nurse_licensure");
    assert_eq!(
        refused(c, boards_json()),
        r#"data/licensure/compacts.json: compacts[2].id: "nurse_licensure" is not one of counseling, psypact, social_work"#
    );
    let mut c = compacts_json();
    c["compacts"].as_array_mut().unwrap().pop();
    assert_eq!(
        refused(c, boards_json()),
        "data/licensure/compacts.json: compacts: social_work is missing (the contract names counseling, psypact and social_work)"
    );
}

#[test]
fn time_zones_must_exist_and_the_date_zone_must_be_the_westernmost() {
    let texas = 8; // index of US-TX in the fixture
    let mut b = boards_json();
    b["jurisdictions"][texas]["time_zones"] = json!(["America/Chicago", "Mars/Olympus_Mons"]);
    assert_eq!(
        refused(compacts_json(), b),
        r#"data/licensure/boards.json: jurisdictions[8].time_zones[1]: "Mars/Olympus_Mons" is not an IANA time zone"#
    );
    let mut b = boards_json();
    b["jurisdictions"][texas]["date_zone"] = json!("America/Chicago");
    assert_eq!(
        refused(compacts_json(), b),
        "data/licensure/boards.json: jurisdictions[8].date_zone: America/Denver is west of America/Chicago; date_zone must be the westernmost zone (the latest end of day)"
    );
}

#[test]
fn every_jurisdiction_lists_all_four_professions_and_a_link_or_a_reason() {
    let mut b = boards_json();
    b["jurisdictions"][0]["boards"]
        .as_object_mut()
        .unwrap()
        .remove("psychology");
    assert_eq!(
        refused(compacts_json(), b),
        "data/licensure/boards.json: jurisdictions[0].boards.psychology: missing (every jurisdiction lists all four professions)"
    );
    let mut b = boards_json();
    b["jurisdictions"][0]["boards"]["psychology"] = json!({"board": null, "verify_url": null});
    assert_eq!(
        refused(compacts_json(), b),
        "data/licensure/boards.json: jurisdictions[0].boards.psychology.note: a board without verify_url needs a note saying why"
    );
    let mut b = boards_json();
    b["jurisdictions"][0]["boards"]["psychology"]["verify_url"] = json!("http://insecure.example");
    assert_eq!(
        refused(compacts_json(), b),
        r#"data/licensure/boards.json: jurisdictions[0].boards.psychology.verify_url: "http://insecure.example" is not an https:// URL"#
    );
}

#[test]
fn an_entry_without_a_source_or_as_of_date_is_refused() {
    let mut c = compacts_json();
    c["compacts"][0]["members"][0]
        .as_object_mut()
        .unwrap()
        .remove("as_of");
    let e = refused(c, boards_json());
    assert!(
        e.starts_with("data/licensure/compacts.json: (file): missing field `as_of`"),
        "{e}"
    );
    let mut b = boards_json();
    b["jurisdictions"][0]["source"] = json!("  ");
    assert_eq!(
        refused(compacts_json(), b),
        "data/licensure/boards.json: jurisdictions[0].source: must not be empty"
    );
}
