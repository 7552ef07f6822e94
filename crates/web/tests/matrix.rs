//! The authorisation matrix. It enumerates every route the router registers and, for each kind of
//! caller — anonymous; a client and a clinician *of this client*; another client; another
//! clinician's clinician; a supervisor; an admin; an auditor — asserts allowed or denied.
//! The table below is written by hand from DESIGN.md's role table, independently of the code:
//! a route missing from it fails the test.

use std::collections::BTreeMap;
use std::sync::Arc;

use alcove_domain::contact::ContactMessage;
use alcove_domain::{Clock, ManualClock};
use alcove_store::{DocKind, Owner};
use alcove_testkit::{csrf_from, spawn, Options, TestApp};
use alcove_web::contact::Received;
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
    /// A link whose token is the only key (an invitation): an unknown token is 404 to everyone,
    /// signed in or not.
    TokenLink,
    /// Only a clinician on the client's care team (the record as the team sees it; the client
    /// has their own pages under `/me`).
    CareTeamClinician,
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
        // Live updates (issue 7): the rendered new messages of a thread, like the thread; the
        // WebSocket for anyone with threads (each subscription is checked like the thread).
        (("GET", "/messages/{id}/new"), CareTeam),
        (
            ("GET", "/ws"),
            Only(&[ClientOwn, ClientOther, ClinicianOwn, ClinicianOther]),
        ),
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
        // Professional liability cover (seed 000): each clinician's own, like the register.
        (
            ("GET", "/credentials/liability"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (
            ("POST", "/credentials/liability"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/admin/credentials"), Only(&[Admin])),
        (("POST", "/admin/credentials/verify"), Only(&[Admin])),
        (
            ("GET", "/api/v1/licensure/check"),
            Only(&[ClinicianOwn, ClinicianOther, Supervisor, Admin]),
        ),
        (("POST", "/audit/verify"), Only(&[Auditor])),
        // Sending (issue 7): the client themself or the care team; the urgent-flag and pause
        // decisions belong to the care team's clinicians; each clinician keeps their policy.
        (("POST", "/api/v1/threads/{id}/messages"), CareTeam),
        (("POST", "/messages/{id}"), CareTeam),
        (
            ("POST", "/messages/{id}/flags/{message}/acknowledge"),
            CareTeamClinician,
        ),
        (("POST", "/messages/{id}/pause"), CareTeamClinician),
        (
            ("GET", "/messaging/policy"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (
            ("POST", "/messaging/policy"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/profile"), Only(&[ClinicianOwn, ClinicianOther])),
        (("POST", "/profile"), Only(&[ClinicianOwn, ClinicianOther])),
        (("GET", "/contact"), Public),
        (("POST", "/contact"), Public),
        (("GET", "/inbox"), Only(&[ClinicianOwn, ClinicianOther])),
        // A message reaches one clinician; another one cannot even find it.
        (("POST", "/inbox/{id}/handled"), Only(&[ClinicianOwn])),
        (
            ("GET", "/listings"),
            Only(&[ClinicianOwn, ClinicianOther, Admin]),
        ),
        (
            ("POST", "/listings"),
            Only(&[ClinicianOwn, ClinicianOther, Admin]),
        ),
        (
            ("POST", "/listings/{id}/review"),
            Only(&[ClinicianOwn, ClinicianOther, Admin]),
        ),
        (
            ("POST", "/listings/{id}/remove"),
            Only(&[ClinicianOwn, ClinicianOther, Admin]),
        ),
        // Continuing education: clinicians, and supervisors for themselves. The activity in
        // the path is Dana's: only she may change it; she and admins may download its
        // certificate; another clinician is told it does not exist.
        (
            ("GET", "/ce"),
            Only(&[ClinicianOwn, ClinicianOther, Supervisor]),
        ),
        (
            ("POST", "/ce"),
            Only(&[ClinicianOwn, ClinicianOther, Supervisor]),
        ),
        (("GET", "/ce/{activity}/edit"), Only(&[ClinicianOwn])),
        (("POST", "/ce/{activity}"), Only(&[ClinicianOwn])),
        (("POST", "/ce/{activity}/remove"), Only(&[ClinicianOwn])),
        (
            ("GET", "/ce/{activity}/certificate"),
            Only(&[ClinicianOwn, Admin]),
        ),
        (("GET", "/admin/ce"), Only(&[Admin])),
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
        // Seed 001: the client's own request and plan, the care team's record, the policy.
        (
            ("GET", "/me/electronic-data"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("POST", "/me/electronic-data"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("GET", "/me/encounter-plan"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (("GET", "/clients/{client}"), CareTeamClinician),
        (
            ("GET", "/clients/{client}/encounter-plan"),
            CareTeamClinician,
        ),
        (
            ("POST", "/clients/{client}/encounter-plan"),
            CareTeamClinician,
        ),
        // Issue 5: the clinician invites; the invitation link is its own key.
        (
            ("GET", "/clients/invite"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (
            ("POST", "/clients/invite"),
            Only(&[ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/invite/{token}"), TokenLink),
        (("GET", "/clients/{client}/identity"), CareTeamClinician),
        (("POST", "/clients/{client}/identity"), CareTeamClinician),
        (("POST", "/invite/{token}"), TokenLink),
        // Issue 5: the client's emergency plan, and the care team's view of it.
        (
            ("GET", "/me/emergency-plan"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("POST", "/me/emergency-plan"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("GET", "/clients/{client}/emergency-plan"),
            CareTeamClinician,
        ),
        (("GET", "/me/screening"), Only(&[ClientOwn, ClientOther])),
        (
            ("GET", "/me/screening/{instrument}"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("POST", "/me/screening/{instrument}"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (("GET", "/clients/{client}/screening"), CareTeamClinician),
        (
            ("POST", "/clients/{client}/screening/acknowledge"),
            CareTeamClinician,
        ),
        (("GET", "/policies/social-media"), Public),
        (("GET", "/admin/policies/social-media"), Only(&[Admin])),
        (("POST", "/admin/policies/social-media"), Only(&[Admin])),
        (
            ("POST", "/me/policies/social-media/acknowledge"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (("GET", "/me/consents"), Only(&[ClientOwn, ClientOther])),
        (
            ("GET", "/me/consents/{kind}"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("POST", "/me/consents/{kind}"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (("GET", "/admin/consents/{kind}"), Only(&[Admin])),
        (("GET", "/clients/{client}/assessment"), CareTeamClinician),
        (
            ("GET", "/api/v1/clients/{client}/readiness"),
            CareTeamClinician,
        ),
        (("POST", "/clients/{client}/assessment"), CareTeamClinician),
        (("POST", "/admin/consents/{kind}"), Only(&[Admin])),
        // Issue 7: attachments only for the thread's participants; the practice's after-hours
        // instructions are the admin's; the care team is kept by its clinicians.
        (("GET", "/messages/{id}/attachments/{attachment}"), CareTeam),
        (
            ("GET", "/api/v1/threads/{id}/attachments/{attachment}"),
            CareTeam,
        ),
        (("GET", "/admin/after-hours"), Only(&[Admin])),
        (("POST", "/admin/after-hours"), Only(&[Admin])),
        (("GET", "/clients/{client}/care-team"), CareTeamClinician),
        (("POST", "/clients/{client}/care-team"), CareTeamClinician),
        (
            ("POST", "/clients/{client}/care-team/remove"),
            CareTeamClinician,
        ),
        // Issue 5 parts 2 and 7: phone verification, guardians, signed PDFs, releases. A PDF
        // or release in the path is Alex's: another client is told it does not exist.
        (("GET", "/me/contact"), Only(&[ClientOwn, ClientOther])),
        (("POST", "/me/contact"), Only(&[ClientOwn, ClientOther])),
        (
            ("POST", "/me/contact/verify"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (
            ("GET", "/me/consents/{kind}/{signature}/pdf"),
            Only(&[ClientOwn]),
        ),
        (("GET", "/clients/{client}/guardian"), CareTeamClinician),
        (("POST", "/clients/{client}/guardian"), CareTeamClinician),
        (("GET", "/guardian/{token}"), TokenLink),
        (("POST", "/guardian/{token}"), TokenLink),
        (("GET", "/guardian/{token}/consents/{kind}/pdf"), TokenLink),
        (("GET", "/me/releases"), Only(&[ClientOwn, ClientOther])),
        (("POST", "/me/releases"), Only(&[ClientOwn, ClientOther])),
        (("GET", "/me/releases/{release}/pdf"), Only(&[ClientOwn])),
        (
            ("POST", "/me/releases/{release}/revoke"),
            Only(&[ClientOwn]),
        ),
        (("GET", "/clients/{client}/releases"), CareTeamClinician),
        (
            ("POST", "/clients/{client}/releases/disclose"),
            CareTeamClinician,
        ),
        // Issue 5, part 3: the client's intake form, the care team's view, the practice's editor.
        (("GET", "/me/intake"), Only(&[ClientOwn, ClientOther])),
        (("POST", "/me/intake"), Only(&[ClientOwn, ClientOther])),
        (
            ("POST", "/me/intake/draft"),
            Only(&[ClientOwn, ClientOther]),
        ),
        (("GET", "/clients/{client}/intake"), CareTeamClinician),
        (("GET", "/admin/intake"), Only(&[Admin])),
        (("POST", "/admin/intake/fields"), Only(&[Admin])),
        (("GET", "/admin/intake/fields/{field}"), Only(&[Admin])),
        (("POST", "/admin/intake/fields/{field}"), Only(&[Admin])),
        (("POST", "/admin/intake/publish"), Only(&[Admin])),
        (("POST", "/admin/intake/discard"), Only(&[Admin])),
        // Issue 6, sessions: the session in the path is Alex's with Dana, starting now; Alex has
        // not checked in, so only Dana may enter the room or get ICE servers.
        (
            ("GET", "/sessions"),
            Only(&[ClientOwn, ClientOther, ClinicianOwn, ClinicianOther]),
        ),
        (
            ("GET", "/device-check"),
            Only(&[ClientOwn, ClientOther, ClinicianOwn, ClinicianOther]),
        ),
        (("GET", "/sessions/{id}"), CareTeam),
        (("GET", "/sessions/{id}/status"), CareTeam),
        (("POST", "/sessions/{id}/check-in"), Only(&[ClientOwn])),
        (("POST", "/sessions/{id}/admit/{client}"), CareTeamClinician),
        (("POST", "/sessions/{id}/end"), CareTeamClinician),
        (("GET", "/sessions/{id}/room"), CareTeamClinician),
        (("POST", "/sessions/{id}/problems"), CareTeamClinician),
        (("GET", "/sessions/{id}/record"), CareTeamClinician),
        (("GET", "/sessions/{id}/ice"), CareTeamClinician),
        (("GET", "/api/v1/sessions/{id}/ice"), CareTeamClinician),
    ])
}

fn allowed(rule: Rule, who: Who) -> bool {
    match rule {
        Rule::Public => true,
        Rule::SignedIn => who != Anonymous,
        Rule::Only(list) => list.contains(&who),
        Rule::CareTeam => matches!(who, ClientOwn | ClinicianOwn),
        Rule::CareTeamClinician => who == ClinicianOwn,
        Rule::TokenLink => false,
    }
}

/// Routes that end the caller's session get a fresh one each time, so they run without
/// disturbing the rest.
fn ends_session(path: &str) -> bool {
    matches!(
        path,
        "/sign-out" | "/account/sign-out-everywhere" | "/api/v1/auth/token"
            // Ending the video session closes its room: after every other session route.
            | "/sessions/{id}/end"
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

    let alex_user = app
        .state
        .store
        .user_by_email(&app.account_named("Alex Rivera").email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let alex_client = app
        .state
        .store
        .client_by_user(alex_user.id)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // A contact-form message to Dana and a listing of the demo practice, for their routes.
    let dana_id = app
        .state
        .store
        .user_by_slug("dana-whitfield")
        .await
        .unwrap()
        .unwrap()
        .id;
    let to_dana = Received {
        message: ContactMessage::parse("Anonymous", "", "hello").unwrap(),
        handled: false,
    };
    let contact_id = "matrix-contact";
    app.state
        .docs
        .save(
            DocKind::ContactMessage,
            Owner::User(dana_id),
            contact_id,
            0,
            &to_dana,
            None,
        )
        .await
        .unwrap();
    let listing_id = app
        .state
        .store
        .latest_documents(DocKind::Listing, Some(&Owner::Practice))
        .await
        .unwrap()[0]
        .key
        .clone();

    let mut callers = BTreeMap::new();
    for who in EVERYONE {
        callers.insert(who, caller(&app, &clock, who).await);
    }

    // A CE activity of Dana's with a certificate, recorded through the real upload form.
    // A message of Alex's with crisis language, so its urgent flag can be acknowledged.
    let alex_token = app.token(app.account_named("Alex Rivera")).await;
    let flagged_message = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{alex_thread}/messages")))
        .bearer_auth(&alex_token)
        .json(
            &serde_json::json!({"body": "I want to kill myself tonight, I have the pills ready."}),
        )
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .expect("the message was sent")
        .to_owned();
    // A file attached to a message of Alex's, for the download routes.
    let attachment: serde_json::Value = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{alex_thread}/messages")))
        .bearer_auth(&alex_token)
        .multipart(
            reqwest::multipart::Form::new()
                .text("body", "My homework sheet")
                .part(
                    "attachment",
                    reqwest::multipart::Part::bytes(b"%PDF-1.7 matrix".to_vec())
                        .file_name("sheet.pdf"),
                ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(attachment["id"].is_string(), "{attachment}");
    let (_, msgs) = {
        let r = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/threads/{alex_thread}/messages")))
            .bearer_auth(&alex_token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    let attachment_id = msgs["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == attachment["id"])
        .unwrap()["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let dana_activity = {
        let dana_web = &callers[&ClinicianOwn];
        let form = reqwest::multipart::Form::new()
            .text("csrf", dana_web.csrf.clone())
            .text("provider", "NASW")
            .text("provider_approval_number", "886")
            .text("title", "Telehealth ethics")
            .text("completed_on", "2026-11-01")
            .text("hours", "3")
            .text("category", "technology")
            .text("format", "live_online")
            .part(
                "certificate",
                reqwest::multipart::Part::bytes(b"%PDF-1.7 matrix".to_vec())
                    .file_name("certificate.pdf"),
            );
        let r = dana_web
            .web
            .post(app.url("/ce"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "Dana records a CE activity");
        let dana_id = app
            .state
            .store
            .user_by_email(&app.account_named("Dana Whitfield").email.parse().unwrap())
            .await
            .unwrap()
            .unwrap()
            .id;
        let docs: Vec<alcove_web::services::Version<alcove_web::ce::StoredActivity>> = app
            .state
            .docs
            .all(
                alcove_store::DocKind::CeActivity,
                Some(alcove_store::Owner::User(dana_id)),
            )
            .await
            .unwrap();
        docs[0].key.clone()
    };

    // Alex's release authorisation from the demo, for its routes.
    let alex_release = app
        .state
        .store
        .latest_documents(
            DocKind::ReleaseAuthorisation,
            Some(&Owner::Client(alex_client.parse().unwrap())),
        )
        .await
        .unwrap()[0]
        .key
        .clone();

    // Alex's demo session with Dana (issue 6), starting now.
    let alex_session = alcove_web::scheduling::appointments::of_client(
        &app.state,
        alcove_domain::ClientId(alex_client.parse().unwrap()),
    )
    .await
    .unwrap()
    .into_iter()
    .find(|a| a.clients.len() == 1)
    .expect("the demo books Alex a session")
    .id
    .to_string();

    let mut failures = Vec::new();
    let mut ordered = routes.clone();
    ordered.sort_by_key(|r| ends_session(r.path)); // session-ending routes last
    for route in &ordered {
        let rule = table[&(route.method, route.path)];
        let id = if route.path.starts_with("/inbox/") {
            contact_id
        } else if route.path.starts_with("/listings/") {
            listing_id.as_str()
        } else if route.path.starts_with("/sessions/")
            || route.path.starts_with("/api/v1/sessions/")
        {
            alex_session.as_str()
        } else {
            alex_thread.as_str()
        };
        let path = route
            .path
            .replace("{id}", id)
            .replace("{client}", &alex_client)
            .replace("{activity}", &dana_activity)
            .replace("{message}", &flagged_message)
            .replace("{attachment}", &attachment_id)
            .replace("{slug}", "dana-whitfield")
            .replace("{name}", "app.css")
            .replace("{field}", "reason")
            .replace("{instrument}", "phq9")
            .replace("{kind}", "telehealth_informed_consent")
            .replace("{signature}", "1")
            .replace("{release}", &alex_release);
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
                // Alex's messages, and the online encounter plan Dana agreed with Alex.
                for secret in ["Thursday", "welcome to the portal", "climbing gym"] {
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
