//! The authorisation matrix. It enumerates every route the router registers and, for each kind of
//! caller — anonymous; a client and a clinician *of this client*; another client; another
//! clinician's clinician; a supervisor; an admin; an auditor — asserts allowed or denied.
//! The table below is written by hand from DESIGN.md's role table, independently of the code:
//! a route missing from it fails the test.

use std::collections::BTreeMap;
use std::sync::Arc;

use alcove_domain::{Clock, ManualClock};
use alcove_testkit::{csrf_from, spawn, Options, TestApp};
use chrono::{Duration, TimeZone, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    ClientOwn,
    ClientOther,
    ClinicianOwn,
    ClinicianOther,
    Supervisor,
    Admin,
    Auditor,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::ClientOwn,
    Who::ClientOther,
    Who::ClinicianOwn,
    Who::ClinicianOther,
    Who::Supervisor,
    Who::Admin,
    Who::Auditor,
];

impl Who {
    fn person(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::ClientOwn => Some("Alex Rivera"),
            Who::ClientOther => Some("Jordan Lee"),
            Who::ClinicianOwn => Some("Dana Whitfield"),
            Who::ClinicianOther => Some("Samuel Okafor"),
            Who::Supervisor => Some("Maria Alvarez"),
            Who::Admin => Some("Priya Natarajan"),
            Who::Auditor => Some("Tom Becker"),
        }
    }
}

/// Who may use a route, from DESIGN.md's table. The subject record is Alex Rivera's.
#[derive(Clone, Copy, Debug)]
enum Rule {
    Public,
    SignedIn,
    Only(&'static [Who]),
    /// The client themself or a clinician on their care team; nobody else (not even to learn it exists).
    CareTeam,
}

use Who::*;

fn expected() -> BTreeMap<(&'static str, &'static str), Rule> {
    use Rule::*;
    BTreeMap::from([
        (("GET", "/"), Public),
        (("GET", "/clinicians/{slug}"), Public),
        (("GET", "/healthz"), Public),
        (("GET", "/readyz"), Public),
        (("GET", "/static/{name}"), Public),
        (("GET", "/sign-in"), Public),
        (("POST", "/sign-in"), Public),
        (("GET", "/sign-in/code"), SignedIn),
        (("POST", "/sign-in/code"), SignedIn),
        (("POST", "/sign-out"), SignedIn),
        (("GET", "/home"), SignedIn),
        (("GET", "/account"), SignedIn),
        (("POST", "/account/password"), SignedIn),
        (("POST", "/account/sign-out-everywhere"), SignedIn),
        (("GET", "/account/two-factor"), SignedIn),
        (("POST", "/account/two-factor"), SignedIn),
        (("POST", "/account/recovery-codes"), SignedIn),
        (
            ("GET", "/messages"),
            Only(&[ClientOwn, ClientOther, ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/messages/{id}"), CareTeam),
        (("GET", "/me/access-log"), Only(&[ClientOwn, ClientOther])),
        (("GET", "/audit"), Only(&[Auditor])),
        (
            ("GET", "/where-can-i-see-clients"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (
            ("GET", "/credentials"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (
            ("POST", "/credentials"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/admin/credentials"), Only(&[Admin])),
        (("POST", "/admin/credentials/verify"), Only(&[Admin])),
        (
            ("GET", "/api/v1/licensure/check"),
            Only(&[ClinicianOwn, ClinicianOther, Supervisor, Admin]),
        ),
        (("POST", "/audit/verify"), Only(&[Auditor])),
        (("POST", "/api/v1/auth/token"), Public),
        (("DELETE", "/api/v1/auth/token"), SignedIn),
        (("GET", "/api/v1/me"), SignedIn),
        (("GET", "/api/v1/openapi.json"), Public),
        (
            ("GET", "/api/v1/threads"),
            Only(&[ClientOwn, ClientOther, ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/api/v1/threads/{id}/messages"), CareTeam),
        (
            ("GET", "/api/v1/me/access-log"),
            Only(&[ClientOwn, ClientOther]),
        ),
    ])
}

fn allowed(rule: Rule, who: Who) -> bool {
    match rule {
        Rule::Public => true,
        Rule::SignedIn => who != Anonymous,
        Rule::Only(list) => list.contains(&who),
        Rule::CareTeam => matches!(who, ClientOwn | ClinicianOwn),
    }
}

/// Routes that end the caller's session get a fresh one each time, so they run without
/// disturbing the rest.
fn ends_session(path: &str) -> bool {
    matches!(
        path,
        "/sign-out" | "/account/sign-out-everywhere" | "/api/v1/auth/token"
    )
}

struct Caller {
    web: reqwest::Client,
    token: Option<String>,
    csrf: String,
}

async fn caller(app: &TestApp, clock: &ManualClock, who: Who) -> Caller {
    match who.person() {
        None => {
            let web = TestApp::browser();
            let csrf = csrf_from(&app.text(&web, "/sign-in").await);
            Caller {
                web,
                token: None,
                csrf,
            }
        }
        Some(name) => {
            let a = app.account_named(name).clone();
            // Each TOTP code is accepted once: step the clock so every sign-in has a fresh code.
            clock.advance(Duration::seconds(31));
            let web = app.web_session(&a).await;
            clock.advance(Duration::seconds(31));
            let token = app.token(&a).await;
            let csrf = csrf_from(&app.text(&web, "/account").await);
            Caller {
                web,
                token: Some(token),
                csrf,
            }
        }
    }
}

/// `true` when the request reached the handler, `false` when it was turned away.
fn reached(method: &str, path: &str, status: u16, location: Option<&str>) -> bool {
    // The sign-in endpoints answer wrong credentials with 401 themselves: that is the handler.
    if status == 401 && method == "POST" && matches!(path, "/sign-in" | "/api/v1/auth/token") {
        return true;
    }
    if matches!(status, 401 | 403 | 404) {
        return false;
    }
    !(status == 303 && matches!(location, Some("/sign-in") | Some("/sign-in/code")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_enforces_the_role_and_care_relation_matrix() {
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let app = spawn(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let table = expected();
    let routes = alcove_web::route_table().list();

    let missing: Vec<_> = routes
        .iter()
        .filter(|r| !table.contains_key(&(r.method, r.path)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the authorisation matrix: {missing:?}"
    );
    let stale: Vec<_> = table
        .keys()
        .filter(|k| !routes.iter().any(|r| (r.method, r.path) == **k))
        .collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that no longer exist: {stale:?}"
    );

    let dana = app.token(app.account_named("Dana Whitfield")).await;
    let threads: serde_json::Value = reqwest::Client::new()
        .get(app.url("/api/v1/threads"))
        .bearer_auth(&dana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alex_thread = threads["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["client_name"] == "Alex Rivera")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut callers = BTreeMap::new();
    for who in EVERYONE {
        callers.insert(who, caller(&app, &clock, who).await);
    }

    let mut failures = Vec::new();
    let mut ordered = routes.clone();
    ordered.sort_by_key(|r| ends_session(r.path)); // session-ending routes last
    for route in &ordered {
        let rule = table[&(route.method, route.path)];
        let path = route
            .path
            .replace("{id}", &alex_thread)
            .replace("{slug}", "dana-whitfield")
            .replace("{name}", "app.css");
        for who in EVERYONE {
            let fresh;
            let c = if ends_session(route.path) && who != Anonymous {
                fresh = caller(&app, &clock, who).await;
                &fresh
            } else {
                &callers[&who]
            };
            let api = path.starts_with("/api/");
            let client = if api {
                reqwest::Client::new()
            } else {
                c.web.clone()
            };
            let url = app.url(&path);
            let mut req = match route.method {
                "GET" => client.get(&url),
                "DELETE" => client.delete(&url),
                _ => client.post(&url),
            };
            if api {
                if let Some(t) = &c.token {
                    req = req.bearer_auth(t);
                }
                if route.method == "POST" {
                    req = req.json(&serde_json::json!({"email": "nobody@alcove-demo.example", "password": "not it"}));
                }
            } else if route.method == "POST" {
                // A valid form token and values that change nothing (wrong password, bad code).
                req = req.form(&[
                    ("csrf", c.csrf.as_str()),
                    ("current", "not the password"),
                    ("code", "000000"),
                    ("email", "nobody@alcove-demo.example"),
                ]);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            let got = reached(route.method, route.path, status, location.as_deref());
            let want = allowed(rule, who);
            if got != want {
                failures.push(format!(
                    "{} {} as {who:?}: expected {}, got {status} {location:?}",
                    route.method,
                    route.path,
                    if want { "allowed" } else { "denied" }
                ));
            }
            if !want {
                let body = resp.text().await.unwrap_or_default();
                for secret in ["Thursday", "welcome to the portal"] {
                    if body.contains(secret) {
                        failures.push(format!(
                            "{} {} as {who:?}: denied but the body holds clinical content",
                            route.method, route.path
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation matrix failures:\n{}",
        failures.join("\n")
    );
    let _ = clock.now();
}
