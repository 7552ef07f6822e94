//! Properties of the licensure engine over random credential sets.

mod licensure_support;

use alcove_domain::licensure::{
    covered_jurisdictions, may_practise, Compact, Credential, Credentials, Decision, Grant,
    Profession, Registry, Route,
};
use alcove_domain::Jurisdiction;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use licensure_support::{places, registry};
use proptest::prelude::*;
use std::sync::OnceLock;

fn reg() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(registry)
}

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
}

fn place() -> impl Strategy<Value = Jurisdiction> {
    prop::sample::select(places()).prop_map(|p| p.parse().unwrap())
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0i64..1500).prop_map(|d| base() + Duration::days(d))
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..1500 * 86_400).prop_map(|s| {
        Utc.from_utc_datetime(&base().and_hms_opt(0, 0, 0).unwrap()) + Duration::seconds(s)
    })
}

fn profession() -> impl Strategy<Value = Profession> {
    prop::sample::select(Profession::ALL.to_vec())
}

fn label() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[A-Z]{2,6}")
}

fn grant() -> impl Strategy<Value = Grant> {
    prop_oneof![
        place().prop_map(|jurisdiction| Grant::License { jurisdiction }),
        (
            prop::sample::select(vec![Compact::Counseling, Compact::SocialWork]),
            place()
        )
            .prop_map(|(compact, jurisdiction)| Grant::CompactPrivilege {
                compact,
                jurisdiction
            }),
        (
            prop::sample::select(vec![Compact::Psypact, Compact::SocialWork]),
            place()
        )
            .prop_map(|(compact, home)| Grant::CompactAuthorization { compact, home }),
        (place(), day()).prop_map(|(jurisdiction, starts)| Grant::TemporaryPermit {
            jurisdiction,
            starts
        }),
    ]
}

fn credential() -> impl Strategy<Value = Credential> {
    (
        grant(),
        day(),
        prop::option::of(profession()),
        label(),
        label(),
    )
        .prop_map(|(grant, expires, profession, title, number)| {
            // A permit cannot end before it starts (the parser refuses that).
            let expires = match &grant {
                Grant::TemporaryPermit { starts, .. } => expires.max(*starts),
                _ => expires,
            };
            // A compact credential's profession is its compact's, if it says one at all.
            let profession = match grant.compact() {
                Some(c) => profession.map(|_| reg().compact(c).profession),
                None => profession,
            };
            Credential {
                grant,
                expires,
                profession,
                title,
                number,
            }
        })
}

fn credentials() -> impl Strategy<Value = Credentials> {
    (profession(), prop::collection::vec(credential(), 0..8)).prop_map(|(p, list)| {
        // The parser drops a profession equal to the file's; do the same so sets compare equal.
        let list = list
            .into_iter()
            .map(|mut c| {
                c.profession = c.profession.filter(|own| *own != p);
                c
            })
            .collect();
        Credentials::new(p, list)
    })
}

/// An independent statement of "this credential covers this place on this date".
fn covers(c: &Credential, profession: Profession, loc: &Jurisdiction, on: NaiveDate) -> bool {
    let reg = reg();
    let in_date = on <= c.expires;
    let own = c.profession.unwrap_or(profession) == profession;
    let member = |compact: Compact, j: &Jurisdiction| {
        let info = reg.compact(compact);
        info.profession == profession
            && info.issuing_from.is_some_and(|d| d <= on)
            && info.members.get(j).is_some_and(|m| m.effective <= on)
    };
    in_date
        && own
        && match &c.grant {
            Grant::License { jurisdiction } => jurisdiction == loc,
            Grant::TemporaryPermit {
                jurisdiction,
                starts,
            } => jurisdiction == loc && *starts <= on,
            Grant::CompactPrivilege {
                compact,
                jurisdiction,
            } => jurisdiction == loc && member(*compact, loc),
            Grant::CompactAuthorization { compact, home } => {
                home != loc && member(*compact, home) && member(*compact, loc)
            }
        }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn adding_a_credential_never_turns_allowed_into_denied(creds in credentials(), extra in credential(), loc in place(), at in instant()) {
        let before = may_practise(&creds, reg(), &loc, at).is_allowed();
        let mut more = creds.credentials().to_vec();
        more.push(extra);
        let after = may_practise(&Credentials::new(creds.profession(), more), reg(), &loc, at).is_allowed();
        prop_assert!(!before || after);
    }

    #[test]
    fn an_expired_only_set_is_always_denied(creds in credentials(), loc in place(), at in instant()) {
        // Every zone in the fixture is at or behind UTC, so the session date is the UTC date or the day before.
        let last_day = at.date_naive() - Duration::days(2);
        let expired: Vec<Credential> = creds.credentials().iter().cloned().map(|mut c| {
            c.expires = c.expires.min(last_day);
            if let Grant::TemporaryPermit { starts, .. } = &mut c.grant {
                *starts = (*starts).min(c.expires);
            }
            c
        }).collect();
        let d = may_practise(&Credentials::new(creds.profession(), expired), reg(), &loc, at);
        prop_assert!(!d.is_allowed(), "{:?}", d);
    }

    #[test]
    fn allowed_always_names_a_basis_that_covers_the_location(creds in credentials(), loc in place(), at in instant()) {
        let on = reg().session_date(&loc, at);
        match may_practise(&creds, reg(), &loc, at) {
            Decision::Allowed { basis } => {
                prop_assert_eq!(&basis.covers, &loc);
                prop_assert_eq!(basis.on, on);
                prop_assert_eq!(creds.credentials().get(basis.index), Some(&basis.credential));
                prop_assert!(covers(&basis.credential, creds.profession(), &loc, on), "{:?}", basis);
            }
            Decision::Denied { .. } => {
                // ...and a denial means no credential covers it.
                for c in creds.credentials() {
                    prop_assert!(!covers(c, creds.profession(), &loc, on), "{:?} covers {} on {}", c, loc, on);
                }
            }
        }
    }

    #[test]
    fn the_order_of_the_credentials_does_not_change_the_answer(creds in credentials(), loc in place(), at in instant()) {
        let mut reversed = creds.credentials().to_vec();
        reversed.reverse();
        let a = may_practise(&creds, reg(), &loc, at);
        let b = may_practise(&Credentials::new(creds.profession(), reversed), reg(), &loc, at);
        prop_assert_eq!(a.is_allowed(), b.is_allowed());
        if let (Some(x), Some(y)) = (a.basis(), b.basis()) {
            prop_assert_eq!(x.credential.kind(), y.credential.kind());
            prop_assert_eq!(x.credential.expires, y.credential.expires);
        }
    }

    #[test]
    fn a_denial_always_offers_a_licence_issued_by_the_location(creds in credentials(), loc in place(), at in instant()) {
        if let Decision::Denied { reason, would_allow } = may_practise(&creds, reg(), &loc, at) {
            prop_assert_eq!(would_allow.routes.first(), Some(&Route::Licence));
            let words = would_allow.to_string();
            prop_assert!(words.starts_with("a licence") && words.ends_with(loc.as_str()), "{}", words);
            let reason = reason.to_string();
            prop_assert!(reason.contains(loc.as_str()) && reason.ends_with('.') && !reason.contains('\n'), "{}", reason);
            if loc.country() != "US" {
                prop_assert_eq!(would_allow.routes.len(), 1, "only a licence covers a place outside the US");
            }
        }
    }

    #[test]
    fn where_can_i_see_clients_agrees_with_the_session_check(creds in credentials(), at in instant()) {
        for p in places() {
            let loc: Jurisdiction = p.parse().unwrap();
            let on = reg().session_date(&loc, at);
            let listed = covered_jurisdictions(&creds, reg(), on).iter().any(|(j, _)| *j == loc);
            prop_assert_eq!(listed, may_practise(&creds, reg(), &loc, at).is_allowed(), "{}", loc);
        }
    }

    #[test]
    fn credentials_survive_a_round_trip_through_the_file_format(creds in credentials()) {
        let text = creds.to_json().to_string();
        prop_assert_eq!(Credentials::parse(&text, reg()), Ok(creds));
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Credentials::parse(&text, reg());
    }

    #[test]
    fn the_parser_never_panics_on_json_shaped_text(text in r#"[\[\]{}":,a-z0-9_ .-]{0,300}"#) {
        if let Err(e) = Credentials::parse(&text, reg()) {
            prop_assert!(!e.to_string().contains('\n'));
        }
    }
}
