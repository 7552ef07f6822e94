//! Credential expiry reminders at 60, 30 and 7 days, sent once each, and the lapsed list.

use std::collections::HashSet;

use alcove_domain::licensure::reminders::{
    credential_key, lapsed, reminder_key, reminders_due, reminders_to_send, Reminder, THRESHOLDS,
};
use alcove_domain::licensure::{Compact, Credential, Credentials, Grant, Profession};
use alcove_domain::Jurisdiction;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn j(code: &str) -> Jurisdiction {
    code.parse().unwrap()
}

fn licence(jur: &str, expires: &str) -> Credential {
    Credential {
        grant: Grant::License {
            jurisdiction: j(jur),
        },
        expires: date(expires),
        profession: None,
        title: Some("LICSW".into()),
        number: Some("123456".into()),
    }
}

fn one(c: Credential) -> Credentials {
    Credentials::new(Profession::SocialWork, vec![c])
}

const EXPIRES: &str = "2027-06-30";

#[test]
fn the_nearest_threshold_due_is_the_one_to_send() {
    let creds = one(licence("US-MA", EXPIRES));
    for (days_before, due) in [
        (90, None),
        (61, None),
        (60, Some(60)),
        (59, Some(60)),
        (31, Some(60)),
        (30, Some(30)),
        (8, Some(30)),
        (7, Some(7)),
        (5, Some(7)), // away until 5 days before: only the 7-day reminder, not all three
        (1, Some(7)),
        (0, Some(7)), // valid through its whole expiry day
        (-1, None),   // expired: the lapsed list, not a reminder
    ] {
        let today = date(EXPIRES) - Duration::days(days_before);
        let got: Vec<(u32, i64)> = reminders_due(&creds, today)
            .iter()
            .map(|r| (r.threshold_days, r.days_left))
            .collect();
        let want: Vec<(u32, i64)> = due.map(|t| (t, days_before)).into_iter().collect();
        assert_eq!(got, want, "{days_before} days before expiry");
    }
}

#[test]
fn days_are_counted_on_the_calendar_across_a_leap_day() {
    // 2028-01-01 to 2028-03-01 is 31 + 29 = 60 days.
    let creds = one(licence("US-MA", "2028-03-01"));
    let r = reminders_due(&creds, date("2028-01-01"));
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].threshold_days, r[0].days_left), (60, 60));
    assert!(reminders_due(&creds, date("2027-12-31")).is_empty());
}

#[test]
fn a_reminder_has_a_stable_key_naming_the_credential_expiry_and_threshold() {
    let creds = one(licence("US-MA", EXPIRES));
    let r = &reminders_due(&creds, date("2027-06-25"))[0];
    assert_eq!(r.key, "license:US-MA:social_work:LICSW:123456|2027-06-30|7");
    assert_eq!(r.index, 0);
    assert_eq!(&r.credential, &creds.credentials()[0]);
    // The same day asked again gives the same key.
    assert_eq!(reminders_due(&creds, date("2027-06-25"))[0].key, r.key);
}

#[test]
fn credential_keys_name_every_kind() {
    let cases = [
        (
            Credential {
                grant: Grant::CompactPrivilege {
                    compact: Compact::Counseling,
                    jurisdiction: j("US-OH"),
                },
                expires: date(EXPIRES),
                profession: None,
                title: None,
                number: None,
            },
            Profession::Counseling,
            "compact_privilege:counseling:US-OH:counseling::",
        ),
        (
            Credential {
                grant: Grant::CompactAuthorization {
                    compact: Compact::Psypact,
                    home: j("US-PA"),
                },
                expires: date(EXPIRES),
                profession: None,
                title: Some("APIT".into()),
                number: None,
            },
            Profession::Psychology,
            "compact_authorization:psypact:US-PA:psychology:APIT:",
        ),
        (
            Credential {
                grant: Grant::TemporaryPermit {
                    jurisdiction: j("US-CA"),
                    starts: date("2027-01-01"),
                },
                expires: date(EXPIRES),
                profession: None,
                title: None,
                number: Some("T-1".into()),
            },
            Profession::MarriageFamilyTherapy,
            "temporary_permit:US-CA:2027-01-01:marriage_family_therapy::T-1",
        ),
    ];
    for (c, p, key) in cases {
        assert_eq!(credential_key(&c, p), key);
    }
}

#[test]
fn free_text_cannot_forge_a_separator() {
    let mut c = licence("US-MA", EXPIRES);
    c.title = Some("A:B".into());
    c.number = Some("1|2%3".into());
    assert_eq!(
        credential_key(&c, Profession::SocialWork),
        "license:US-MA:social_work:A%3AB:1%7C2%253"
    );
    assert_eq!(
        reminder_key(&c, Profession::SocialWork, 30)
            .matches('|')
            .count(),
        2
    );
}

#[test]
fn a_credential_with_its_own_profession_is_keyed_by_it() {
    let mut c = licence("US-NY", EXPIRES);
    c.profession = Some(Profession::Psychology);
    let r = &reminders_due(&one(c), date("2027-06-01"))[0];
    assert!(r.key.starts_with("license:US-NY:psychology:"), "{}", r.key);
}

#[test]
fn two_licences_in_one_state_get_separate_reminders() {
    let mut lmsw = licence("US-NY", EXPIRES);
    lmsw.title = Some("LMSW".into());
    lmsw.number = Some("1".into());
    let mut lcsw = licence("US-NY", EXPIRES);
    lcsw.title = Some("LCSW".into());
    lcsw.number = Some("2".into());
    let creds = Credentials::new(Profession::SocialWork, vec![lmsw, lcsw]);
    let due = reminders_due(&creds, date("2027-06-01"));
    assert_eq!(due.len(), 2);
    assert_ne!(due[0].key, due[1].key);
}

#[test]
fn keys_already_sent_are_not_sent_again() {
    let creds = one(licence("US-MA", EXPIRES));
    let mut sent: HashSet<String> = HashSet::new();
    let today = date("2027-05-20"); // 41 days before: the 60-day reminder
    let first = reminders_to_send(&creds, today, |k| sent.contains(k));
    assert_eq!(first.len(), 1);
    sent.insert(first[0].key.clone());
    assert!(reminders_to_send(&creds, today, |k| sent.contains(k)).is_empty());
    assert!(reminders_to_send(&creds, date("2027-05-21"), |k| sent.contains(k)).is_empty());
    // 30 days before, the next one is new.
    let next = reminders_to_send(&creds, date("2027-05-31"), |k| sent.contains(k));
    assert_eq!(
        next.iter().map(|r| r.threshold_days).collect::<Vec<_>>(),
        [30]
    );
}

#[test]
fn a_clock_set_back_does_not_bring_an_older_reminder_after_a_newer_one() {
    let creds = one(licence("US-MA", EXPIRES));
    let sent: HashSet<String> = [reminder_key(
        &creds.credentials()[0],
        Profession::SocialWork,
        30,
    )]
    .into_iter()
    .collect();
    // 45 days before: 60 is the nearest due threshold, but the 30-day one already went out.
    assert!(reminders_to_send(&creds, date("2027-05-16"), |k| sent.contains(k)).is_empty());
    // ...while the 7-day one still will.
    let later = reminders_to_send(&creds, date("2027-06-26"), |k| sent.contains(k));
    assert_eq!(
        later.iter().map(|r| r.threshold_days).collect::<Vec<_>>(),
        [7]
    );
}

#[test]
fn a_renewed_credential_gets_fresh_reminders() {
    let old = one(licence("US-MA", EXPIRES));
    let sent: HashSet<String> = THRESHOLDS
        .iter()
        .map(|&t| reminder_key(&old.credentials()[0], Profession::SocialWork, t))
        .collect();
    let renewed = one(licence("US-MA", "2029-06-30"));
    let due = reminders_to_send(&renewed, date("2029-05-01"), |k| sent.contains(k));
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0].key,
        "license:US-MA:social_work:LICSW:123456|2029-06-30|60"
    );
}

#[test]
fn a_credential_listed_twice_gets_one_reminder() {
    let c = licence("US-MA", EXPIRES);
    let creds = Credentials::new(Profession::SocialWork, vec![c.clone(), c]);
    assert_eq!(reminders_due(&creds, date("2027-06-01")).len(), 2);
    let send = reminders_to_send(&creds, date("2027-06-01"), |_| false);
    assert_eq!(send.iter().map(|r| r.index).collect::<Vec<_>>(), [0]);
}

#[test]
fn recently_expired_credentials_are_listed_as_lapsed() {
    let creds = Credentials::new(
        Profession::SocialWork,
        vec![
            licence("US-MA", "2027-06-30"), // expires today: still valid
            licence("US-NY", "2027-06-29"), // yesterday
            licence("US-PA", "2027-05-31"), // 30 days ago
            licence("US-CA", "2027-05-30"), // 31 days ago
        ],
    );
    let today = date("2027-06-30");
    let got: Vec<(usize, i64)> = lapsed(&creds, today, 30)
        .iter()
        .map(|l| (l.index, l.days_ago))
        .collect();
    assert_eq!(got, [(1, 1), (2, 30)]);
    assert!(lapsed(&creds, today, 0).is_empty());
    let due: Vec<usize> = reminders_due(&creds, today)
        .iter()
        .map(|r| r.index)
        .collect();
    assert_eq!(due, [0], "only the credential still valid gets a reminder");
}

// ---- properties ----------------------------------------------------------------------------

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (0i64..3650).prop_map(|d| date("2024-01-01") + Duration::days(d))
}

fn credential() -> impl Strategy<Value = Credential> {
    (
        prop::sample::select(vec!["US-MA", "US-NY", "US-OH", "US-CA"]),
        any_day(),
        prop::option::of("[A-Z|:%]{1,6}"),
        prop::option::of("[0-9|:%]{1,6}"),
        0..3u8,
    )
        .prop_map(|(jur, expires, title, number, kind)| Credential {
            grant: match kind {
                0 => Grant::License {
                    jurisdiction: j(jur),
                },
                1 => Grant::CompactPrivilege {
                    compact: Compact::SocialWork,
                    jurisdiction: j(jur),
                },
                _ => Grant::TemporaryPermit {
                    jurisdiction: j(jur),
                    starts: expires - Duration::days(180),
                },
            },
            expires,
            profession: None,
            title,
            number,
        })
}

/// A caller that sends what [`reminders_to_send`] offers and records each key.
fn walk(creds: &Credentials, days: impl Iterator<Item = NaiveDate>) -> Vec<Reminder> {
    let mut sent: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for today in days {
        for r in reminders_to_send(creds, today, |k| sent.contains(k)) {
            assert!(sent.insert(r.key.clone()), "{} offered twice", r.key);
            out.push(r);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn walking_every_day_to_expiry_sends_exactly_60_30_7(c in credential(), after in 0i64..30) {
        let expires = c.expires;
        let creds = one(c);
        let days = (-90..=after).map(|d| expires + Duration::days(d));
        let sent = walk(&creds, days);
        let thresholds: Vec<u32> = sent.iter().map(|r| r.threshold_days).collect();
        prop_assert_eq!(thresholds, vec![60, 30, 7]);
        let lefts: Vec<i64> = sent.iter().map(|r| r.days_left).collect();
        prop_assert_eq!(lefts, vec![60, 30, 7], "each on the day its threshold is reached");
    }

    #[test]
    fn each_credential_of_a_set_is_reminded_on_its_own(list in prop::collection::vec(credential(), 1..6)) {
        let first = list.iter().map(|c| c.expires).min().unwrap() - Duration::days(90);
        let last = list.iter().map(|c| c.expires).max().unwrap();
        let creds = Credentials::new(Profession::SocialWork, list.clone());
        let sent = walk(&creds, (0..=(last - first).num_days()).map(|d| first + Duration::days(d)));
        // Credentials with the same key and expiry share reminders; all others get three each.
        let distinct: HashSet<String> = list
            .iter()
            .map(|c| reminder_key(c, Profession::SocialWork, 7))
            .collect();
        prop_assert_eq!(sent.len(), 3 * distinct.len());
        for (i, c) in list.iter().enumerate() {
            let key = reminder_key(c, Profession::SocialWork, 7);
            let first = list.iter().position(|o| reminder_key(o, Profession::SocialWork, 7) == key);
            let mine: Vec<u32> = sent.iter().filter(|r| r.index == i).map(|r| r.threshold_days).collect();
            let want: Vec<u32> = if first == Some(i) { vec![60, 30, 7] } else { vec![] };
            prop_assert_eq!(mine, want, "credentials[{}]", i);
        }
    }

    #[test]
    fn a_clinician_who_is_away_gets_fewer_reminders_never_a_backlog(
        c in credential(),
        visits in prop::collection::btree_set(-90i64..=5, 0..20),
    ) {
        let expires = c.expires;
        let creds = one(c);
        let sent = walk(&creds, visits.iter().map(|d| expires + Duration::days(*d)));
        let thresholds: Vec<u32> = sent.iter().map(|r| r.threshold_days).collect();
        // Strictly nearer each time, at most one per visit, and none out of range.
        prop_assert!(thresholds.windows(2).all(|w| w[0] > w[1]), "{:?}", thresholds);
        prop_assert!(sent.len() <= visits.len());
        for r in &sent {
            prop_assert!((0..=i64::from(r.threshold_days)).contains(&r.days_left));
        }
        // Whoever looks in during the last week hears about it.
        let in_last_week = visits.iter().any(|d| (-7..=0).contains(d));
        prop_assert_eq!(thresholds.last() == Some(&7), in_last_week);
    }

    #[test]
    fn reminders_and_lapses_never_overlap(list in prop::collection::vec(credential(), 0..6), today in any_day()) {
        let creds = Credentials::new(Profession::Counseling, list);
        let due: HashSet<usize> = reminders_due(&creds, today).iter().map(|r| r.index).collect();
        for l in lapsed(&creds, today, 10_000) {
            prop_assert!(!due.contains(&l.index));
            prop_assert!(l.credential.expires < today);
        }
        for r in reminders_due(&creds, today) {
            prop_assert!(r.credential.expires >= today);
            prop_assert!(THRESHOLDS.contains(&r.threshold_days));
        }
    }
}
