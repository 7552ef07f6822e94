//! The decision: Standard 5, the service is delivered where the client is at the time of
//! the session.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use super::{Compact, Credential, CredentialKind, Credentials, Grant, Profession, Registry};
use crate::Jurisdiction;

/// May this session go ahead, and on what basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed {
        basis: Basis,
    },
    Denied {
        reason: Reason,
        would_allow: WouldAllow,
    },
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    pub fn basis(&self) -> Option<&Basis> {
        match self {
            Decision::Allowed { basis } => Some(basis),
            Decision::Denied { .. } => None,
        }
    }

    /// The contract's shape: `{"allowed":bool,"basis":{...}|null,"reason":"..."|null,"would_allow":"..."|null}`.
    pub fn to_json(&self) -> Value {
        match self {
            Decision::Allowed { basis } => json!({
                "allowed": true,
                "basis": basis.to_json(),
                "reason": null,
                "would_allow": null,
            }),
            Decision::Denied {
                reason,
                would_allow,
            } => json!({
                "allowed": false,
                "basis": null,
                "reason": reason.to_string(),
                "would_allow": would_allow.to_string(),
            }),
        }
    }
}

/// The credential that allows a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basis {
    /// Its position in the credentials file.
    pub index: usize,
    pub credential: Credential,
    /// The client's jurisdiction it covers.
    pub covers: Jurisdiction,
    /// The session date, in the client's jurisdiction.
    pub on: NaiveDate,
    /// The board page where the credential can be verified, when there is one.
    pub verify_url: Option<String>,
    /// The credential in plain words.
    pub summary: String,
}

impl Basis {
    /// The credential as the file writes it, plus `index`, `covers`, `verify_url` and `summary`.
    pub fn to_json(&self) -> Value {
        let mut v = self.credential.to_json();
        if let Value::Object(m) = &mut v {
            m.insert("index".into(), json!(self.index));
            m.insert("covers".into(), json!(self.covers.as_str()));
            m.insert("verify_url".into(), json!(self.verify_url));
            m.insert("summary".into(), json!(self.summary));
        }
        v
    }
}

/// Why a session may not go ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub location: Jurisdiction,
    pub profession: Profession,
    pub on: NaiveDate,
    /// False when Alcove has no data for the location at all.
    pub location_known: bool,
    /// Credentials that came close, and what stopped each.
    pub near_misses: Vec<NearMiss>,
}

/// A credential that would have covered the location but for one thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    pub index: usize,
    /// The credential in words, e.g. "the licence for US-CO".
    pub credential: String,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Valid through `expires`; the session is later.
    Expired { expires: NaiveDate },
    /// A permit that starts after the session date.
    NotYetValid { starts: NaiveDate },
    /// A credential for another profession does not count.
    OtherProfession {
        credential: Profession,
        wanted: Profession,
    },
    /// The compact is not issuing on the session date (`from`: when it will, if known).
    CompactNotIssuing {
        compact: Compact,
        name: String,
        from: Option<NaiveDate>,
    },
    /// The location is not a member on the session date (`from`: when it will be, if known).
    NotAMember {
        compact: Compact,
        name: String,
        jurisdiction: Jurisdiction,
        from: Option<NaiveDate>,
    },
    /// An authorisation's home state is not a member on the session date.
    HomeNotAMember {
        compact: Compact,
        name: String,
        home: Jurisdiction,
        from: Option<NaiveDate>,
    },
    /// An authorisation covers the other member states, not its home state: practice
    /// there is under the home licence.
    HomeStateNotCovered {
        compact: Compact,
        name: String,
        home: Jurisdiction,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Expired { expires } => write!(f, "expired at the end of {expires}"),
            Problem::NotYetValid { starts } => write!(f, "is not valid until {starts}"),
            Problem::OtherProfession { credential, wanted } => {
                write!(f, "is for {}, not {}", credential.words(), wanted.words())
            }
            Problem::CompactNotIssuing { from, .. } => match from {
                Some(d) => write!(f, "does not count: the compact is not issuing until {d}"),
                None => write!(f, "does not count: the compact is not issuing yet"),
            },
            Problem::NotAMember {
                name,
                jurisdiction,
                from,
                ..
            } => match from {
                Some(d) => write!(f, "does not count: {jurisdiction} joins {name} on {d}"),
                None => write!(f, "does not count: {jurisdiction} is not a {name} member"),
            },
            Problem::HomeNotAMember {
                name, home, from, ..
            } => match from {
                Some(d) => write!(f, "does not count: its home state {home} joins {name} on {d}"),
                None => write!(f, "does not count: its home state {home} is not a {name} member"),
            },
            Problem::HomeStateNotCovered { home, .. } => write!(
                f,
                "does not cover its own home state {home}; practice there is under the {home} licence"
            ),
        }
    }
}

impl fmt::Display for NearMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (credentials[{}]) {}",
            self.credential, self.index, self.problem
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location_known {
            write!(
                f,
                "No credential on file allows {} with a client in {} on {}",
                self.profession.words(),
                self.location,
                self.on
            )?;
        } else {
            write!(
                f,
                "Alcove has no licensing data for {}, so no credential on file covers a client there on {}",
                self.location, self.on
            )?;
        }
        for (i, m) in self.near_misses.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{m}")?;
        }
        f.write_str(".")
    }
}

/// What would allow a session: always a licence issued by the client's jurisdiction, and
/// any compact that is issuing there for this profession on the session date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WouldAllow {
    pub location: Jurisdiction,
    pub routes: Vec<Route>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Licence,
    Compact {
        compact: Compact,
        kind: CredentialKind,
        /// e.g. "a Counseling Compact privilege".
        words: String,
    },
}

impl Route {
    pub fn words(&self) -> &str {
        match self {
            Route::Licence => "a licence",
            Route::Compact { words, .. } => words,
        }
    }
}

impl fmt::Display for WouldAllow {
    /// "a licence issued by US-CA", or "a licence or a Counseling Compact privilege for US-CO".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.routes.len() <= 1 {
            return write!(f, "a licence issued by {}", self.location);
        }
        let n = self.routes.len();
        for (i, r) in self.routes.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == n { " or " } else { ", " })?;
            }
            f.write_str(r.words())?;
        }
        write!(f, " for {}", self.location)
    }
}

/// Standard 5: the service is delivered where the client is at the time of the session.
///
/// `at` is the session instant; the session date is taken in the client's jurisdiction
/// (its westernmost zone), and a credential is valid through the whole of its expires day.
pub fn may_practise(
    creds: &Credentials,
    registry: &Registry,
    client_at: &Jurisdiction,
    at: DateTime<Utc>,
) -> Decision {
    may_practise_on(
        creds,
        registry,
        client_at,
        registry.session_date(client_at, at),
    )
}

/// [`may_practise`] for a session date already taken in the client's jurisdiction.
pub fn may_practise_on(
    creds: &Credentials,
    registry: &Registry,
    client_at: &Jurisdiction,
    on: NaiveDate,
) -> Decision {
    let mut near_misses = Vec::new();
    let mut best: Option<(usize, &Credential)> = None;
    for (index, c) in creds.credentials().iter().enumerate() {
        match assess(c, creds.profession(), registry, client_at, on) {
            Assessment::Covers => {
                if best.is_none_or(|(bi, b)| preference(c, index) < preference(b, bi)) {
                    best = Some((index, c));
                }
            }
            Assessment::Miss(problem) => near_misses.push(NearMiss {
                index,
                credential: describe(c, registry),
                problem,
            }),
            Assessment::Irrelevant => {}
        }
    }
    match best {
        Some((index, c)) => Decision::Allowed {
            basis: basis(index, c, creds.profession(), registry, client_at, on),
        },
        None => Decision::Denied {
            reason: Reason {
                location: client_at.clone(),
                profession: creds.profession(),
                on,
                location_known: registry.jurisdiction(client_at).is_some(),
                near_misses,
            },
            would_allow: would_allow(creds.profession(), registry, client_at, on),
        },
    }
}

/// For "Where can I see clients?": every jurisdiction some credential covers on `on`,
/// with the credential that does, in jurisdiction-code order.
pub fn covered_jurisdictions(
    creds: &Credentials,
    registry: &Registry,
    on: NaiveDate,
) -> Vec<(Jurisdiction, Basis)> {
    let mut places: BTreeSet<Jurisdiction> =
        registry.jurisdictions().map(|j| j.code.clone()).collect();
    for c in creds.credentials() {
        match &c.grant {
            Grant::License { jurisdiction }
            | Grant::TemporaryPermit { jurisdiction, .. }
            | Grant::CompactPrivilege { jurisdiction, .. } => {
                places.insert(jurisdiction.clone());
            }
            Grant::CompactAuthorization { .. } => {}
        }
    }
    places
        .into_iter()
        .filter_map(|j| match may_practise_on(creds, registry, &j, on) {
            Decision::Allowed { basis } => Some((j, basis)),
            Decision::Denied { .. } => None,
        })
        .collect()
}

enum Assessment {
    Covers,
    Miss(Problem),
    Irrelevant,
}

/// Does this one credential cover `loc` on `on` for `profession`? Checks run in the order
/// a board would ask: is it about this place, this profession, is the compact live, is the
/// place in it, is it in date.
fn assess(
    c: &Credential,
    profession: Profession,
    registry: &Registry,
    loc: &Jurisdiction,
    on: NaiveDate,
) -> Assessment {
    let own = c.profession.unwrap_or(profession);
    let other = |credential| {
        Assessment::Miss(Problem::OtherProfession {
            credential,
            wanted: profession,
        })
    };
    match &c.grant {
        Grant::License { jurisdiction } | Grant::TemporaryPermit { jurisdiction, .. } => {
            if jurisdiction != loc {
                return Assessment::Irrelevant;
            }
            if own != profession {
                return other(own);
            }
        }
        Grant::CompactPrivilege {
            compact,
            jurisdiction,
        } => {
            if jurisdiction != loc {
                return Assessment::Irrelevant;
            }
            let info = registry.compact(*compact);
            if info.profession != profession || own != profession {
                return other(if own != profession {
                    own
                } else {
                    info.profession
                });
            }
            if !info.is_issuing(on) {
                return Assessment::Miss(not_issuing(*compact, registry, on));
            }
            if !member(*compact, registry, loc, on) {
                return Assessment::Miss(not_a_member(*compact, registry, loc, on));
            }
        }
        Grant::CompactAuthorization { compact, home } => {
            let info = registry.compact(*compact);
            if info.profession != profession || own != profession {
                return other(if own != profession {
                    own
                } else {
                    info.profession
                });
            }
            if !info.is_issuing(on) {
                return Assessment::Miss(not_issuing(*compact, registry, on));
            }
            if !member(*compact, registry, home, on) {
                return Assessment::Miss(Problem::HomeNotAMember {
                    compact: *compact,
                    name: info.name.clone(),
                    home: home.clone(),
                    from: info.member_from(home).filter(|d| *d > on),
                });
            }
            if home == loc {
                return Assessment::Miss(Problem::HomeStateNotCovered {
                    compact: *compact,
                    name: info.name.clone(),
                    home: home.clone(),
                });
            }
            if !member(*compact, registry, loc, on) {
                return Assessment::Miss(not_a_member(*compact, registry, loc, on));
            }
        }
    }
    if let Grant::TemporaryPermit { starts, .. } = &c.grant {
        if on < *starts {
            return Assessment::Miss(Problem::NotYetValid { starts: *starts });
        }
    }
    if on > c.expires {
        return Assessment::Miss(Problem::Expired { expires: c.expires });
    }
    Assessment::Covers
}

/// Compacts here are between US jurisdictions; a place outside the US is only ever covered
/// by its own licence or permit.
fn member(compact: Compact, registry: &Registry, j: &Jurisdiction, on: NaiveDate) -> bool {
    j.country() == "US" && registry.compact(compact).is_member(j, on)
}

fn not_issuing(compact: Compact, registry: &Registry, on: NaiveDate) -> Problem {
    let info = registry.compact(compact);
    Problem::CompactNotIssuing {
        compact,
        name: info.name.clone(),
        from: info.issuing_from.filter(|d| *d > on),
    }
}

fn not_a_member(compact: Compact, registry: &Registry, j: &Jurisdiction, on: NaiveDate) -> Problem {
    let info = registry.compact(compact);
    Problem::NotAMember {
        compact,
        name: info.name.clone(),
        jurisdiction: j.clone(),
        from: info
            .member_from(j)
            .filter(|d| *d > on && j.country() == "US"),
    }
}

/// Which covering credential to name: the place's own licence first, then a permit, then a
/// compact privilege, then an authorisation; among equals the one that lasts longest, then
/// the first in the file.
fn preference(c: &Credential, index: usize) -> (u8, Reverse<NaiveDate>, usize) {
    let rank = match c.kind() {
        CredentialKind::License => 0,
        CredentialKind::TemporaryPermit => 1,
        CredentialKind::CompactPrivilege => 2,
        CredentialKind::CompactAuthorization => 3,
    };
    (rank, Reverse(c.expires), index)
}

fn would_allow(
    profession: Profession,
    registry: &Registry,
    loc: &Jurisdiction,
    on: NaiveDate,
) -> WouldAllow {
    let mut routes = vec![Route::Licence];
    for info in registry.compacts() {
        let Some(kind) = info.credential_kinds.first() else {
            continue;
        };
        if info.profession == profession
            && info.is_issuing(on)
            && member(info.id, registry, loc, on)
        {
            routes.push(Route::Compact {
                compact: info.id,
                kind: *kind,
                words: format!("a {} {}", info.name, info.grant_name),
            });
        }
    }
    WouldAllow {
        location: loc.clone(),
        routes,
    }
}

/// The credential in words, for reasons: "the licence for US-CO".
fn describe(c: &Credential, registry: &Registry) -> String {
    match &c.grant {
        Grant::License { jurisdiction } => match &c.title {
            Some(t) => format!("the {t} licence for {jurisdiction}"),
            None => format!("the licence for {jurisdiction}"),
        },
        Grant::TemporaryPermit { jurisdiction, .. } => {
            format!("the temporary permit for {jurisdiction}")
        }
        Grant::CompactPrivilege {
            compact,
            jurisdiction,
        } => format!(
            "the {} privilege for {jurisdiction}",
            registry.compact(*compact).name
        ),
        Grant::CompactAuthorization { compact, home } => format!(
            "the {} authorisation held through {home}",
            registry.compact(*compact).name
        ),
    }
}

fn basis(
    index: usize,
    c: &Credential,
    profession: Profession,
    registry: &Registry,
    loc: &Jurisdiction,
    on: NaiveDate,
) -> Basis {
    let mut held = String::new();
    if let Some(t) = &c.title {
        held.push_str(t);
        held.push(' ');
    }
    let summary = match &c.grant {
        Grant::License { jurisdiction } => {
            let no = c
                .number
                .as_deref()
                .map(|n| format!(" no. {n}"))
                .unwrap_or_default();
            format!(
                "{held}licence{no} issued by {jurisdiction}, valid through {}",
                c.expires
            )
        }
        Grant::TemporaryPermit {
            jurisdiction,
            starts,
        } => format!(
            "{held}temporary permit issued by {jurisdiction}, valid {starts} to {}",
            c.expires
        ),
        Grant::CompactPrivilege {
            compact,
            jurisdiction,
        } => format!(
            "{} privilege to practise in {jurisdiction}, valid through {}",
            registry.compact(*compact).name,
            c.expires
        ),
        Grant::CompactAuthorization { compact, home } => format!(
            "{} authorisation (home state {home}) covering {loc}, valid through {}",
            registry.compact(*compact).name,
            c.expires
        ),
    };
    let verify_url = match &c.grant {
        Grant::License { jurisdiction }
        | Grant::TemporaryPermit { jurisdiction, .. }
        | Grant::CompactPrivilege { jurisdiction, .. } => registry
            .board(jurisdiction, c.profession.unwrap_or(profession))
            .and_then(|b| b.verify_url.clone()),
        Grant::CompactAuthorization { .. } => None,
    };
    Basis {
        index,
        credential: c.clone(),
        covers: loc.clone(),
        on,
        verify_url,
        summary,
    }
}
