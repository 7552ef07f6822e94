//! The credentials file is read at the edge: every problem is refused with the field named.

mod licensure_support;

use alcove_domain::licensure::{Compact, CredentialKind, Credentials, Grant, Profession};
use licensure_support::registry;
use serde_json::json;

fn error(file: &str) -> String {
    match Credentials::parse(file, &registry()) {
        Ok(c) => panic!("{file} should be refused, parsed as {c:?}"),
        Err(e) => e.to_string(),
    }
}

/// A file with one credential, for checking that credential's fields.
fn one(credential: serde_json::Value) -> String {
    json!({"profession": "counseling", "credentials": [credential]}).to_string()
}

#[test]
fn an_impossible_date_is_refused_naming_the_field() {
    let file = json!({"profession": "social_work", "credentials": [
        {"kind": "license", "jurisdiction": "US-MA", "expires": "2027-06-30"},
        {"kind": "license", "jurisdiction": "US-NY", "expires": "2027-06-30"},
        {"kind": "license", "jurisdiction": "US-CA", "expires": "2027-13-01"},
    ]});
    assert_eq!(
        error(&file.to_string()),
        r#"credentials[2].expires: "2027-13-01" is not a date (YYYY-MM-DD)"#
    );
}

#[test]
fn dates_in_other_shapes_are_refused() {
    for bad in [
        "2027-6-30",
        "30/06/2027",
        "2027-02-29",
        "2027-06-30T00:00:00Z",
        "",
    ] {
        let e = error(&one(
            json!({"kind": "license", "jurisdiction": "US-CO", "expires": bad}),
        ));
        assert!(
            e.starts_with("credentials[0].expires: ") && e.ends_with("is not a date (YYYY-MM-DD)"),
            "{bad}: {e}"
        );
    }
    assert_eq!(
        error(&one(
            json!({"kind": "license", "jurisdiction": "US-CO", "expires": 20270630})
        )),
        "credentials[0].expires: must be a string, not a number"
    );
}

#[test]
fn a_missing_field_is_named_with_what_the_kind_needs() {
    assert_eq!(
        error(&one(json!({"kind": "license", "jurisdiction": "US-CO"}))),
        "credentials[0].expires: missing (a license needs jurisdiction, expires)"
    );
    assert_eq!(
        error(&one(
            json!({"kind": "compact_authorization", "compact": "psypact", "expires": "2027-01-01"})
        )),
        "credentials[0].home: missing (a compact_authorization needs compact, home, expires)"
    );
    assert_eq!(
        error(&one(
            json!({"kind": "temporary_permit", "jurisdiction": "US-NY", "expires": "2027-01-01"})
        )),
        "credentials[0].starts: missing (a temporary_permit needs jurisdiction, starts, expires)"
    );
    assert_eq!(
        error(&one(json!({"jurisdiction": "US-CO", "expires": "2027-01-01"}))),
        "credentials[0].kind: missing (one of license, compact_privilege, compact_authorization, temporary_permit)"
    );
    assert_eq!(
        error(r#"{"credentials": []}"#),
        "profession: missing (one of social_work, counseling, psychology, marriage_family_therapy)"
    );
    assert_eq!(
        error(r#"{"profession": "counseling"}"#),
        "credentials: missing (a list of credentials, which may be empty)"
    );
}

#[test]
fn unknown_kinds_compacts_and_professions_are_refused() {
    assert_eq!(
        error(&one(
            json!({"kind": "certificate", "jurisdiction": "US-CO", "expires": "2027-01-01"})
        )),
        r#"credentials[0].kind: "certificate" is not one of license, compact_privilege, compact_authorization, temporary_permit"#
    );
    assert_eq!(
        error(&one(
            json!({"kind": "compact_privilege", "compact": "nlc", "jurisdiction": "US-CO", "expires": "2027-01-01"})
        )),
        r#"credentials[0].compact: "nlc" is not one of counseling, psypact, social_work"#
    );
    assert_eq!(
        error(r#"{"profession": "nursing", "credentials": []}"#),
        r#"profession: "nursing" is not one of social_work, counseling, psychology, marriage_family_therapy"#
    );
    assert_eq!(
        error(&one(
            json!({"kind": "license", "jurisdiction": "US-CO", "expires": "2027-01-01", "profession": "dentistry"})
        )),
        r#"credentials[0].profession: "dentistry" is not one of social_work, counseling, psychology, marriage_family_therapy"#
    );
}

#[test]
fn unknown_and_malformed_jurisdiction_codes_are_refused() {
    assert_eq!(
        error(&one(
            json!({"kind": "license", "jurisdiction": "US-ZZ", "expires": "2027-01-01"})
        )),
        r#"credentials[0].jurisdiction: "US-ZZ" is not a jurisdiction in Alcove's licensure data"#
    );
    assert_eq!(
        error(&one(
            json!({"kind": "license", "jurisdiction": "Massachusetts", "expires": "2027-01-01"})
        )),
        r#"credentials[0].jurisdiction: "Massachusetts" is not an ISO 3166-2 code such as US-MA or CA-ON"#
    );
    assert_eq!(
        error(&one(
            json!({"kind": "compact_authorization", "compact": "psypact", "home": "PA", "expires": "2027-01-01"})
        )),
        r#"credentials[0].home: "PA" is not an ISO 3166-2 code such as US-MA or CA-ON"#
    );
}

#[test]
fn a_compact_credential_of_a_kind_the_compact_does_not_grant_is_refused() {
    assert_eq!(
        error(&one(
            json!({"kind": "compact_privilege", "compact": "psypact", "jurisdiction": "US-CO", "expires": "2027-01-01"})
        )),
        "credentials[0].kind: PSYPACT grants compact_authorization, not compact_privilege"
    );
    assert_eq!(
        error(&one(json!({"kind": "compact_authorization", "compact": "counseling", "home": "US-CO", "expires": "2027-01-01"}))),
        "credentials[0].kind: Counseling Compact grants compact_privilege, not compact_authorization"
    );
}

#[test]
fn a_credential_whose_profession_contradicts_its_compact_is_refused() {
    assert_eq!(
        error(&one(
            json!({"kind": "compact_privilege", "compact": "counseling", "jurisdiction": "US-CO", "expires": "2027-01-01", "profession": "psychology"})
        )),
        "credentials[0].profession: Counseling Compact is for counseling, not psychology"
    );
}

#[test]
fn fields_that_a_kind_does_not_use_are_refused_rather_than_ignored() {
    assert_eq!(
        error(&one(json!({"kind": "license", "jurisdiction": "US-CO", "expires": "2027-01-01", "compact": "counseling"}))),
        "credentials[0].compact: is not used by a license (a license has jurisdiction, expires; optionally title, number, profession)"
    );
    assert_eq!(
        error(&one(json!({"kind": "license", "jurisdiction": "US-CO", "expiry": "2027-01-01"}))),
        "credentials[0].expiry: is not used by a license (a license has jurisdiction, expires; optionally title, number, profession)"
    );
    assert_eq!(
        error(r#"{"profession": "counseling", "credentials": [], "owner": "x"}"#),
        "owner: is not a field of a credentials file (expected profession and credentials)"
    );
}

#[test]
fn a_permit_that_ends_before_it_starts_is_refused() {
    assert_eq!(
        error(&one(
            json!({"kind": "temporary_permit", "jurisdiction": "US-NY", "starts": "2026-05-01", "expires": "2026-04-01"})
        )),
        "credentials[0].starts: 2026-05-01 is after expires (2026-04-01)"
    );
}

#[test]
fn a_file_that_is_not_json_or_not_the_right_shape_is_refused_in_one_line() {
    let e = error("{\"profession\": ");
    assert!(e.starts_with("credentials file: not valid JSON ("), "{e}");
    assert!(!e.contains('\n'), "{e}");
    assert_eq!(
        error("[]"),
        "credentials file: must be an object with profession and credentials, not a list"
    );
    assert_eq!(
        error(r#"{"profession": "counseling", "credentials": {}}"#),
        "credentials: must be a list, not an object"
    );
    assert_eq!(
        error(r#"{"profession": "counseling", "credentials": [7]}"#),
        "credentials[0]: must be an object, not a number"
    );
    assert_eq!(
        error(&one(
            json!({"kind": "license", "jurisdiction": "US-CO", "expires": "2027-01-01", "number": 123456})
        )),
        "credentials[0].number: must be a string, not a number (write numbers in quotes)"
    );
}

#[test]
fn long_values_are_cut_short_in_messages() {
    let long = "X".repeat(5000);
    let e = error(&one(
        json!({"kind": "license", "jurisdiction": long, "expires": "2027-01-01"}),
    ));
    assert!(e.len() < 200, "{e}");
}

#[test]
fn a_valid_file_parses_into_typed_credentials() {
    let file = json!({"profession": "psychology", "credentials": [
        {"kind": "license", "jurisdiction": "us-pa", "title": "Psychologist", "number": "PS-1", "expires": "2027-06-30"},
        {"kind": "compact_authorization", "compact": "psypact", "home": "US-PA", "expires": "2027-12-31", "profession": "psychology"},
        {"kind": "temporary_permit", "jurisdiction": "US-NY", "starts": "2026-04-01", "expires": "2026-06-30"},
    ]});
    let creds = Credentials::parse(&file.to_string(), &registry()).unwrap();
    assert_eq!(creds.profession(), Profession::Psychology);
    let c = creds.credentials();
    assert_eq!(c.len(), 3);
    assert_eq!(
        c[0].grant,
        Grant::License {
            jurisdiction: "US-PA".parse().unwrap()
        }
    );
    assert_eq!(c[0].title.as_deref(), Some("Psychologist"));
    assert_eq!(c[1].kind(), CredentialKind::CompactAuthorization);
    assert_eq!(c[1].grant.compact(), Some(Compact::Psypact));
    assert_eq!(
        c[1].profession, None,
        "the file's own profession is not repeated"
    );
    assert_eq!(c[2].kind(), CredentialKind::TemporaryPermit);
    // What to_json writes, parse reads back.
    assert_eq!(
        Credentials::parse(&creds.to_json().to_string(), &registry()).unwrap(),
        creds
    );
}
