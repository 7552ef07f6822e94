//! Issue 5, part 1: a clinician invites a new client by email; the single-use, expiring link
//! sets up the account (password strength checked) and signs the client in.

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use alcove_domain::{Clock, ManualClock};
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, spawn, Backend, Options, TestApp};
use chrono::{Duration, TimeZone, Utc};

const GOOD_PASSWORD: &str = "lantern orchard pebble violin";

async fn start(backend: Backend) -> (TestApp, SmtpSink, Arc<ManualClock>) {
    let sink = SmtpSink::start().await;
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let app = spawn(Options {
        backend,
        clock: clock.clone(),
        smtp_url: Some(sink.url()),
        ..Options::default()
    })
    .await;
    (app, sink, clock)
}

/// Dana invites a new client; returns the token from the email the sink received.
async fn invite(app: &TestApp, sink: &SmtpSink, name: &str, email: &str) -> String {
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let csrf = csrf_from(&app.text(&dana, "/clients/invite").await);
    let before = sink.messages().len();
    let r = dana
        .post(app.url("/clients/invite"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("legal_name", name),
            ("email", email),
            ("home", "US-MA"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the invitation is accepted");
    let mails = sink.wait_for(before + 1, StdDuration::from_secs(10)).await;
    let mail = mails.last().expect("the invitation email arrives").clone();
    let subject = mail.header("Subject").unwrap_or_default();
    assert!(
        !subject.contains(name),
        "no client name in the subject: {subject}"
    );
    assert!(!subject.to_lowercase().contains("therapy"), "{subject}");
    let text = mail.text();
    assert!(!text.contains(name), "no client name in the email");
    let at = text.find("/invite/").expect("the email carries the link") + "/invite/".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn accept(
    app: &TestApp,
    token: &str,
    dob: &str,
    password: &str,
) -> (reqwest::Client, reqwest::Response) {
    let web = TestApp::browser();
    let page = web
        .get(app.url(&format!("/invite/{token}")))
        .send()
        .await
        .unwrap();
    let csrf = if page.status() == 200 {
        csrf_from(&page.text().await.unwrap())
    } else {
        csrf_from(&app.text(&web, "/sign-in").await)
    };
    let r = web
        .post(app.url(&format!("/invite/{token}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("preferred_name", "Sam"),
            ("date_of_birth", dob),
            ("password", password),
            ("confirm", password),
        ])
        .send()
        .await
        .unwrap();
    (web, r)
}

for_both_backends!(
    invitation_email_link_sets_up_the_account_and_signs_the_client_in_once,
    |backend| async move {
        let (app, sink, _clock) = start(backend).await;
        let token = invite(&app, &sink, "Samira Quintero", "samira@example.org").await;
        let (web, r) = accept(&app, &token, "1990-04-02", GOOD_PASSWORD).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/home");
        let home = web.get(app.url("/home")).send().await.unwrap();
        assert_eq!(home.status(), 200, "the client is signed in");

        // The account exists, on Dana's caseload, with the email verified.
        let user = app
            .state
            .store
            .user_by_email(&"samira@example.org".parse().unwrap())
            .await
            .unwrap()
            .expect("the account");
        let client = app
            .state
            .store
            .client_by_user(user.id)
            .await
            .unwrap()
            .expect("the client record");
        let facts = alcove_web::onboarding::identity::facts(&app.state, client.id)
            .await
            .unwrap();
        assert!(facts.invited_at.is_some());
        assert!(facts.account_created_at.is_some());
        assert!(facts.email_verified_at.is_some());
        assert_eq!(
            facts.guardian,
            alcove_domain::onboarding::GuardianConsent::NotRequired
        );

        // The same link again is refused, whether viewed or submitted.
        let again = TestApp::browser()
            .get(app.url(&format!("/invite/{token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 410);
        let (_, r) = accept(&app, &token, "1990-04-02", GOOD_PASSWORD).await;
        assert_eq!(r.status(), 410);
    }
);

for_both_backends!(
    the_same_link_used_concurrently_makes_one_account,
    |backend| async move {
        let (app, sink, _clock) = start(backend).await;
        let token = invite(&app, &sink, "Tomas Ferreira", "tomas@example.org").await;
        let (a, b) = tokio::join!(
            accept(&app, &token, "1985-01-20", GOOD_PASSWORD),
            accept(&app, &token, "1985-01-20", GOOD_PASSWORD),
        );
        let mut statuses = [a.1.status().as_u16(), b.1.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [303, 410], "exactly one use wins");
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_invitation_link_is_refused() {
    let (app, sink, clock) = start(Backend::Sqlite).await;
    let token = invite(&app, &sink, "Lena Park", "lena@example.org").await;
    clock.advance(Duration::days(7) + Duration::seconds(1));
    let r = TestApp::browser()
        .get(app.url(&format!("/invite/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("expired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_invitation_link_is_not_found() {
    let (app, _sink, _clock) = start(Backend::Sqlite).await;
    let r = TestApp::browser()
        .get(app.url("/invite/not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_or_common_password_is_refused_naming_the_problem() {
    let (app, sink, _clock) = start(Backend::Sqlite).await;
    let token = invite(&app, &sink, "Noor Haddad", "noor@example.org").await;
    let (_, r) = accept(&app, &token, "1992-03-03", "short").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("at least 12 characters"));
    let (_, r) = accept(&app, &token, "1992-03-03", "password1234").await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("common or leaked passwords"));
    // The link still works after a refused password.
    let (_, r) = accept(&app, &token, "1992-03-03", GOOD_PASSWORD).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clients_details_are_not_in_plaintext_in_the_sqlite_file() {
    let (app, sink, _clock) = start(Backend::Sqlite).await;
    let token = invite(&app, &sink, "Ines Okonkwo", "ines@example.org").await;
    let (_, r) = accept(&app, &token, "1979-12-31", GOOD_PASSWORD).await;
    assert_eq!(r.status(), 303);
    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    let hay = String::from_utf8_lossy(&bytes);
    assert!(!hay.contains("1979-12-31"), "date of birth in plaintext");
    assert!(!hay.contains("Sam\""), "preferred name in plaintext");
    assert!(!hay.contains(&token), "the invitation token in plaintext");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinician_records_how_a_clients_identity_was_verified() {
    let (app, _sink, clock) = start(Backend::Sqlite).await;
    let alex = app
        .state
        .store
        .user_by_email(&app.account_named("Alex Rivera").email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let client = app
        .state
        .store
        .client_by_user(alex.id)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/clients/{}/identity", client.id);
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let csrf = csrf_from(&app.text(&dana, &path).await);
    // "Other" needs a note saying how.
    let r = dana
        .post(app.url(&path))
        .form(&[("csrf", csrf.as_str()), ("method", "other"), ("note", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    clock.advance(Duration::minutes(1));
    let r = dana
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("method", "photo_id_on_camera"),
            ("note", "Passport shown at the first session"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let facts = alcove_web::onboarding::identity::facts(&app.state, client.id)
        .await
        .unwrap();
    let check = facts.identity.expect("the identity check is recorded");
    let dana_user = app
        .state
        .store
        .user_by_email(&app.account_named("Dana Whitfield").email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(check.verified_by, dana_user.id);
    assert_eq!(check.at, clock.now());
    // Another clinician cannot see or record it.
    clock.advance(Duration::seconds(31));
    let samuel = app.web_session(app.account_named("Samuel Okafor")).await;
    let r = samuel.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
