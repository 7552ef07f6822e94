//! Hand-checked cases a licensing board would recognise (Standard 5: the service is
//! delivered where the client is at the time of the session). They run through
//! `check_json`, the `alcove licensure check` contract, against a frozen test registry.

mod licensure_support;

use alcove_domain::licensure::{
    check_json, covered_jurisdictions, may_practise, CheckError, Credentials, Decision,
};
use alcove_domain::Jurisdiction;
use chrono::NaiveDate;
use licensure_support::{at, registry};
use serde_json::{json, Value};

enum Expect {
    Allowed {
        index: usize,
    },
    Denied {
        reason_has: &'static [&'static str],
        would_allow: &'static str,
    },
}
use Expect::{Allowed, Denied};

fn lic(j: &str, expires: &str) -> Value {
    json!({"kind": "license", "jurisdiction": j, "expires": expires})
}
fn privilege(compact: &str, j: &str, expires: &str) -> Value {
    json!({"kind": "compact_privilege", "compact": compact, "jurisdiction": j, "expires": expires})
}
fn authorisation(compact: &str, home: &str, expires: &str) -> Value {
    json!({"kind": "compact_authorization", "compact": compact, "home": home, "expires": expires})
}
fn permit(j: &str, starts: &str, expires: &str) -> Value {
    json!({"kind": "temporary_permit", "jurisdiction": j, "starts": starts, "expires": expires})
}

/// Runs one case through the CLI contract and checks the whole answer.
fn check(
    name: &str,
    profession: &str,
    credentials: Value,
    location: &str,
    when: &str,
    expect: Expect,
) {
    let file = json!({"profession": profession, "credentials": credentials}).to_string();
    let got = check_json(&file, location, at(when), &registry())
        .unwrap_or_else(|e| panic!("{name}: the file and location are valid, got error {e}"));
    let keys: Vec<&str> = got
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        ["allowed", "basis", "reason", "would_allow"],
        "{name}"
    );
    match expect {
        Allowed { index } => {
            assert_eq!(got["allowed"], json!(true), "{name}: {got}");
            assert_eq!(got["basis"]["index"], json!(index), "{name}: {got}");
            assert_eq!(got["basis"]["covers"], json!(location), "{name}: {got}");
            assert!(
                got["reason"].is_null() && got["would_allow"].is_null(),
                "{name}: {got}"
            );
        }
        Denied {
            reason_has,
            would_allow,
        } => {
            assert_eq!(got["allowed"], json!(false), "{name}: {got}");
            assert!(got["basis"].is_null(), "{name}: {got}");
            let reason = got["reason"].as_str().unwrap_or_default();
            for part in reason_has {
                assert!(
                    reason.contains(part),
                    "{name}: reason {reason:?} should say {part:?}"
                );
            }
            assert_eq!(got["would_allow"], json!(would_allow), "{name}: {got}");
        }
    }
}

/// One test per case, named by its sentence.
macro_rules! cases {
    ($($name:ident: $profession:expr, $credentials:expr, $location:expr, $at:expr, => $expect:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $profession, $credentials, $location, $at, $expect);
            }
        )*
    };
}

cases! {
    a_licence_covers_a_client_in_the_state_that_issued_it: "social_work", json!([{"kind": "license", "jurisdiction": "US-MA", "title": "LICSW", "number": "123456", "expires": "2027-06-30"}]), "US-MA", "2026-03-10T15:00:00Z",
        => Allowed { index: 0 };
    a_licence_does_not_cover_a_client_in_another_state: "social_work", json!([lic("US-MA", "2027-06-30")]), "US-CA", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["No credential on file allows social work with a client in US-CA on 2026-03-10."],
            would_allow: "a licence issued by US-CA",
        };
    a_licence_that_expired_yesterday_does_not_count_today: "counseling", json!([lic("US-CO", "2026-03-09")]), "US-CO", "2026-03-10T18:00:00Z",
        => Denied {
            reason_has: &["the licence for US-CO (credentials[0]) expired at the end of 2026-03-09"],
            would_allow: "a licence or a Counseling Compact privilege for US-CO",
        };
    a_california_licence_is_valid_through_its_whole_expiry_day_even_when_it_is_already_the_next_day_in_utc: "social_work", json!([lic("US-CA", "2026-06-30")]), "US-CA", "2026-07-01T05:30:00Z", // 22:30 PDT on 30 June
        => Allowed { index: 0 };
    a_california_licence_has_expired_half_an_hour_after_midnight_pacific_time: "social_work", json!([lic("US-CA", "2026-06-30")]), "US-CA", "2026-07-01T07:30:00Z", // 00:30 PDT on 1 July
        => Denied {
            reason_has: &["expired at the end of 2026-06-30"],
            would_allow: "a licence issued by US-CA",
        };
    in_a_state_with_two_time_zones_the_westernmost_decides_the_day_so_el_paso_is_still_on_the_expiry_day: "social_work", json!([lic("US-TX", "2026-01-15")]), "US-TX", "2026-01-16T06:30:00Z", // 00:30 CST in Houston, 23:30 MST in El Paso
        => Allowed { index: 0 };
    an_hour_later_it_is_the_next_day_everywhere_in_texas_and_the_licence_has_expired: "social_work", json!([lic("US-TX", "2026-01-15")]), "US-TX", "2026-01-16T07:30:00Z",
        => Denied { reason_has: &["expired at the end of 2026-01-15"], would_allow: "a licence issued by US-TX" };
    a_counseling_compact_privilege_covers_its_member_state_once_the_compact_is_issuing: "counseling", json!([privilege("counseling", "US-CO", "2027-01-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Allowed { index: 0 };
    a_counseling_compact_privilege_did_not_count_before_the_compact_began_issuing: "counseling", json!([privilege("counseling", "US-CO", "2027-01-31")]), "US-CO", "2025-06-01T15:00:00Z",
        => Denied {
            reason_has: &["the Counseling Compact privilege for US-CO (credentials[0]) does not count: the compact is not issuing until 2025-09-30"],
            would_allow: "a licence issued by US-CO",
        };
    a_counseling_compact_privilege_covers_only_the_state_it_was_granted_for: "counseling", json!([privilege("counseling", "US-CO", "2027-01-31")]), "US-OH", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["No credential on file allows counseling with a client in US-OH on 2026-03-10."],
            would_allow: "a licence or a Counseling Compact privilege for US-OH",
        };
    a_counseling_compact_privilege_for_a_state_whose_membership_has_not_taken_effect_does_not_count: "counseling", json!([privilege("counseling", "US-TX", "2027-12-31")]), "US-TX", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["does not count: US-TX joins Counseling Compact on 2026-09-01"],
            would_allow: "a licence issued by US-TX",
        };
    a_psypact_authorisation_from_a_member_home_state_covers_another_member_state: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Allowed { index: 0 };
    a_psypact_authorisation_does_not_cover_a_state_outside_psypact: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-CA", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["the PSYPACT authorisation held through US-PA (credentials[0]) does not count: US-CA is not a PSYPACT member"],
            would_allow: "a licence issued by US-CA",
        };
    a_psypact_authorisation_held_through_a_home_state_outside_psypact_does_not_count: "psychology", json!([authorisation("psypact", "US-CA", "2027-12-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["does not count: its home state US-CA is not a PSYPACT member"],
            would_allow: "a licence or a PSYPACT authorisation to practise telepsychology for US-CO",
        };
    a_psypact_authorisation_does_not_cover_its_own_home_state: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-PA", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["does not cover its own home state US-PA; practice there is under the US-PA licence"],
            would_allow: "a licence or a PSYPACT authorisation to practise telepsychology for US-PA",
        };
    with_the_home_licence_on_file_the_home_state_is_covered_by_the_licence: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31"), lic("US-PA", "2027-11-30")]), "US-PA", "2026-03-10T15:00:00Z",
        => Allowed { index: 1 };
    a_psypact_authorisation_does_not_cover_a_state_before_its_membership_takes_effect: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-MT", "2026-09-30T18:00:00Z",
        => Denied {
            reason_has: &["does not count: US-MT joins PSYPACT on 2026-10-01"],
            would_allow: "a licence issued by US-MT",
        };
    a_psypact_authorisation_covers_a_new_member_state_from_the_day_its_membership_takes_effect: "psychology", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-MT", "2026-10-01T18:00:00Z",
        => Allowed { index: 0 };
    a_social_work_compact_privilege_does_not_count_while_the_compact_is_not_issuing: "social_work", json!([privilege("social_work", "US-MO", "2027-12-31")]), "US-MO", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["the Social Work Licensure Compact privilege for US-MO (credentials[0]) does not count: the compact is not issuing yet"],
            would_allow: "a licence issued by US-MO",
        };
    a_social_work_compact_multistate_licence_does_not_count_while_the_compact_is_not_issuing: "social_work", json!([authorisation("social_work", "US-OH", "2027-12-31")]), "US-MO", "2026-03-10T15:00:00Z",
        => Denied { reason_has: &["the compact is not issuing yet"], would_allow: "a licence issued by US-MO" };
    a_psypact_authorisation_in_a_social_workers_file_is_for_another_profession_and_does_not_count: "social_work", json!([authorisation("psypact", "US-PA", "2027-12-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["the PSYPACT authorisation held through US-PA (credentials[0]) is for psychology, not social work"],
            would_allow: "a licence issued by US-CO",
        };
    a_counseling_compact_privilege_in_a_psychologists_file_does_not_count: "psychology", json!([privilege("counseling", "US-CO", "2027-12-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["is for counseling, not psychology"],
            would_allow: "a licence or a PSYPACT authorisation to practise telepsychology for US-CO",
        };
    a_licence_marked_for_another_profession_does_not_count: "counseling", json!([{"kind": "license", "jurisdiction": "US-CO", "profession": "psychology", "expires": "2027-12-31"}]), "US-CO", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["the licence for US-CO (credentials[0]) is for psychology, not counseling"],
            would_allow: "a licence or a Counseling Compact privilege for US-CO",
        };
    a_temporary_permit_does_not_count_the_day_before_it_starts: "social_work", json!([permit("US-NY", "2026-04-01", "2026-06-30")]), "US-NY", "2026-03-31T20:00:00Z", // 16:00 EDT on 31 March
        => Denied {
            reason_has: &["the temporary permit for US-NY (credentials[0]) is not valid until 2026-04-01"],
            would_allow: "a licence issued by US-NY",
        };
    a_temporary_permit_counts_from_the_start_of_its_first_day_in_the_clients_time_zone: "social_work", json!([permit("US-NY", "2026-04-01", "2026-06-30")]), "US-NY", "2026-04-01T04:30:00Z", // 00:30 EDT on 1 April
        => Allowed { index: 0 };
    a_temporary_permit_counts_within_its_window: "social_work", json!([permit("US-NY", "2026-04-01", "2026-06-30")]), "US-NY", "2026-05-15T15:00:00Z",
        => Allowed { index: 0 };
    a_temporary_permit_does_not_count_after_it_expires: "social_work", json!([permit("US-NY", "2026-04-01", "2026-06-30")]), "US-NY", "2026-07-01T12:00:00Z",
        => Denied { reason_has: &["expired at the end of 2026-06-30"], would_allow: "a licence issued by US-NY" };
    a_client_in_ontario_is_covered_by_neither_us_licences_nor_psypact: "psychology", json!([lic("US-NY", "2027-12-31"), authorisation("psypact", "US-PA", "2027-12-31")]), "CA-ON", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["No credential on file allows psychology with a client in CA-ON on 2026-03-10", "CA-ON is not a PSYPACT member"],
            would_allow: "a licence issued by CA-ON",
        };
    an_ontario_licence_covers_a_client_in_ontario: "psychology", json!([lic("US-NY", "2027-12-31"), lic("CA-ON", "2026-12-31")]), "CA-ON", "2026-03-10T15:00:00Z",
        => Allowed { index: 1 };
    a_licence_is_named_ahead_of_a_compact_privilege_that_also_covers_the_state: "counseling", json!([privilege("counseling", "US-CO", "2028-01-31"), lic("US-CO", "2027-06-30")]), "US-CO", "2026-03-10T15:00:00Z",
        => Allowed { index: 1 };
    an_expired_licence_next_to_a_valid_compact_privilege_does_not_stop_the_session: "counseling", json!([lic("US-CO", "2025-01-31"), privilege("counseling", "US-CO", "2027-01-31")]), "US-CO", "2026-03-10T15:00:00Z",
        => Allowed { index: 1 };
    with_no_credentials_every_session_is_refused: "marriage_family_therapy", json!([]), "US-MA", "2026-03-10T15:00:00Z",
        => Denied {
            reason_has: &["No credential on file allows marriage and family therapy with a client in US-MA on 2026-03-10."],
            would_allow: "a licence issued by US-MA",
        };
}

#[test]
fn a_denial_reads_as_one_plain_sentence() {
    let file = json!({"profession": "counseling", "credentials": [lic("US-CO", "2026-03-09")]})
        .to_string();
    let got = check_json(&file, "US-CO", at("2026-03-10T18:00:00Z"), &registry()).unwrap();
    assert_eq!(
        got,
        json!({
            "allowed": false,
            "basis": null,
            "reason": "No credential on file allows counseling with a client in US-CO on 2026-03-10: the licence for US-CO (credentials[0]) expired at the end of 2026-03-09.",
            "would_allow": "a licence or a Counseling Compact privilege for US-CO",
        })
    );
}

#[test]
fn the_basis_describes_the_credential_and_where_to_verify_it() {
    let file = json!({"profession": "social_work", "credentials": [
        {"kind": "license", "jurisdiction": "US-MA", "title": "LICSW", "number": "123456", "expires": "2027-06-30"}
    ]})
    .to_string();
    let got = check_json(&file, "us-ma", at("2026-03-10T15:00:00Z"), &registry()).unwrap();
    assert_eq!(
        got["basis"],
        json!({
            "kind": "license", "jurisdiction": "US-MA", "title": "LICSW", "number": "123456", "expires": "2027-06-30",
            "index": 0, "covers": "US-MA", "verify_url": "https://example.org/US-MA/social_work",
            "summary": "LICSW licence no. 123456 issued by US-MA, valid through 2027-06-30",
        })
    );
}

#[test]
fn the_design_documents_example_file_parses_and_only_its_licence_counts_for_social_work() {
    let example = r#"{"profession": "social_work",
 "credentials": [
   {"kind": "license", "jurisdiction": "US-MA", "title": "LICSW", "number": "123456", "expires": "2027-06-30"},
   {"kind": "compact_privilege", "compact": "counseling", "jurisdiction": "US-OH", "expires": "2027-01-31"},
   {"kind": "compact_authorization", "compact": "psypact", "home": "US-PA", "expires": "2027-12-31"}
 ]}"#;
    let reg = registry();
    let when = at("2026-03-10T15:00:00Z");
    assert_eq!(
        check_json(example, "US-MA", when, &reg).unwrap()["allowed"],
        json!(true)
    );
    let oh = check_json(example, "US-OH", when, &reg).unwrap();
    assert_eq!(oh["allowed"], json!(false));
    let reason = oh["reason"].as_str().unwrap();
    assert!(reason.contains("the Counseling Compact privilege for US-OH (credentials[1]) is for counseling, not social work"), "{reason}");
    assert!(reason.contains("the PSYPACT authorisation held through US-PA (credentials[2]) is for psychology, not social work"), "{reason}");
}

#[test]
fn a_location_that_is_not_a_code_or_not_in_the_data_is_an_error_not_a_denial() {
    let file = json!({"profession": "social_work", "credentials": []}).to_string();
    let when = at("2026-03-10T15:00:00Z");
    let reg = registry();
    assert_eq!(
        check_json(&file, "Massachusetts", when, &reg)
            .unwrap_err()
            .to_string(),
        "location: \"Massachusetts\" is not an ISO 3166-2 code such as US-MA or CA-ON"
    );
    assert_eq!(
        check_json(&file, "US-ZZ", when, &reg)
            .unwrap_err()
            .to_string(),
        "location: \"US-ZZ\" is not a jurisdiction in Alcove's licensure data"
    );
    let bad = check_json("{", "US-MA", when, &reg).unwrap_err();
    assert!(matches!(bad, CheckError::Credentials(_)));
    assert!(
        bad.to_string()
            .starts_with("credentials file: not valid JSON"),
        "{bad}"
    );
}

#[test]
fn a_client_somewhere_without_data_is_refused_with_a_reason_that_says_so() {
    let reg = registry();
    let creds = Credentials::parse(
        &json!({"profession": "psychology", "credentials": [authorisation("psypact", "US-PA", "2027-12-31")]}).to_string(),
        &reg,
    )
    .unwrap();
    let paris: Jurisdiction = "FR-75".parse().unwrap();
    let d = may_practise(&creds, &reg, &paris, at("2026-03-10T15:00:00Z"));
    let Decision::Denied {
        reason,
        would_allow,
    } = d
    else {
        panic!("a client in Paris cannot be covered")
    };
    assert!(!reason.location_known);
    assert!(
        reason
            .to_string()
            .starts_with("Alcove has no licensing data for FR-75"),
        "{reason}"
    );
    assert_eq!(would_allow.to_string(), "a licence issued by FR-75");
}

#[test]
fn where_can_i_see_clients_lists_every_covered_jurisdiction_with_its_basis() {
    let reg = registry();
    let creds = Credentials::parse(
        &json!({"profession": "psychology", "credentials": [
            authorisation("psypact", "US-PA", "2027-12-31"),
            lic("US-PA", "2027-11-30"),
            lic("US-NY", "2025-12-31"),
        ]})
        .to_string(),
        &reg,
    )
    .unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let table: Vec<(String, usize)> = covered_jurisdictions(&creds, &reg, on)
        .into_iter()
        .map(|(j, b)| (j.to_string(), b.index))
        .collect();
    // PSYPACT members except Montana (from 2026-10-01); Pennsylvania by its licence; the New York licence has lapsed.
    let expect: Vec<(String, usize)> = [
        ("US-CO", 0),
        ("US-MO", 0),
        ("US-OH", 0),
        ("US-PA", 1),
        ("US-TX", 0),
    ]
    .iter()
    .map(|(j, i)| (j.to_string(), *i))
    .collect();
    assert_eq!(table, expect);
}
