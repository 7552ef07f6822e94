//! A small, frozen registry for the licensure tests, so the hand-checked cases keep meaning
//! the same thing when the real data in `data/licensure/` is reviewed and changes.
#![allow(dead_code)]

use alcove_domain::licensure::Registry;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// (code, name, zones, westernmost zone)
const PLACES: &[(&str, &str, &[&str], &str)] = &[
    (
        "US-CA",
        "California",
        &["America/Los_Angeles"],
        "America/Los_Angeles",
    ),
    ("US-CO", "Colorado", &["America/Denver"], "America/Denver"),
    (
        "US-MA",
        "Massachusetts",
        &["America/New_York"],
        "America/New_York",
    ),
    ("US-MO", "Missouri", &["America/Chicago"], "America/Chicago"),
    ("US-MT", "Montana", &["America/Denver"], "America/Denver"),
    (
        "US-NY",
        "New York",
        &["America/New_York"],
        "America/New_York",
    ),
    ("US-OH", "Ohio", &["America/New_York"], "America/New_York"),
    (
        "US-PA",
        "Pennsylvania",
        &["America/New_York"],
        "America/New_York",
    ),
    (
        "US-TX",
        "Texas",
        &["America/Chicago", "America/Denver"],
        "America/Denver",
    ),
    (
        "CA-ON",
        "Ontario",
        &["America/Toronto", "America/Winnipeg"],
        "America/Winnipeg",
    ),
];

pub fn boards_json() -> Value {
    let jurisdictions: Vec<Value> = PLACES
        .iter()
        .map(|(code, name, zones, west)| {
            let board = |p: &str| json!({"board": format!("{name} {p} board"), "verify_url": format!("https://example.org/{code}/{p}")});
            let mut j = json!({
                "code": code, "name": name, "time_zones": zones, "date_zone": west,
                "boards": {
                    "social_work": board("social_work"), "counseling": board("counseling"),
                    "psychology": board("psychology"), "marriage_family_therapy": board("marriage_family_therapy"),
                },
                "source": "test fixture", "as_of": "2026-01-01",
            });
            if zones.len() > 1 {
                j["time_zone_note"] = json!("spans two zones; westernmost decides the date");
            }
            j
        })
        .collect();
    json!({"about": "test fixture", "jurisdictions": jurisdictions})
}

fn members(list: &[(&str, &str)]) -> Vec<Value> {
    list.iter()
        .map(|(j, from)| json!({"jurisdiction": j, "effective": from, "source": "test fixture", "as_of": "2026-01-01"}))
        .collect()
}

pub fn compacts_json() -> Value {
    json!({"about": "test fixture", "compacts": [
        {"id": "psypact", "name": "PSYPACT", "full_name": "Psychology Interjurisdictional Compact",
         "profession": "psychology", "credential_kinds": ["compact_authorization"],
         "grant_name": "authorisation to practise telepsychology",
         "issuing_from": "2020-07-01", "issuing_note": "fixture", "source": "test fixture", "as_of": "2026-01-01",
         "members": members(&[("US-PA", "2021-03-01"), ("US-CO", "2020-07-01"), ("US-TX", "2020-07-01"),
                              ("US-OH", "2021-07-01"), ("US-MO", "2020-07-01"), ("US-MT", "2026-10-01")])},
        {"id": "counseling", "name": "Counseling Compact", "full_name": "Interstate Counseling Compact",
         "profession": "counseling", "credential_kinds": ["compact_privilege"], "grant_name": "privilege",
         "issuing_from": "2025-09-30", "issuing_note": "fixture", "source": "test fixture", "as_of": "2026-01-01",
         "members": members(&[("US-CO", "2022-06-01"), ("US-OH", "2022-06-01"), ("US-MO", "2023-08-28"), ("US-TX", "2026-09-01")])},
        {"id": "social_work", "name": "Social Work Licensure Compact", "full_name": "Social Work Licensure Compact",
         "profession": "social_work", "credential_kinds": ["compact_privilege", "compact_authorization"],
         "grant_name": "multistate licence",
         "issuing_from": null, "issuing_note": "fixture: enacted, not issuing", "source": "test fixture", "as_of": "2026-01-01",
         "members": members(&[("US-MO", "2023-08-28"), ("US-OH", "2024-05-31"), ("US-CO", "2024-06-01")])},
    ]})
}

pub fn registry() -> Registry {
    Registry::from_json(&compacts_json().to_string(), &boards_json().to_string())
        .expect("the fixture registry is valid")
}

/// The fixture's jurisdictions, for generators.
pub fn places() -> Vec<&'static str> {
    PLACES.iter().map(|p| p.0).collect()
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instants are RFC 3339")
        .with_timezone(&Utc)
}
