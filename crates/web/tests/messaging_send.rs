//! Sending messages (issue 7): the contract's `POST /api/v1/threads/{id}/messages`, the
//! clinician's boundaries enforced before anything is stored, out-of-hours notices, and the
//! crisis path (delivered as usual, crisis panel for the client, urgent flag for the care
//! team, an email without content to the covering clinician out of hours).

mod common;

use std::sync::Arc;
use std::time::Duration;

use alcove_domain::ManualClock;
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, spawn, Backend, Options, TestApp};
use chrono::{DateTime, Utc};
use common::{assert_error_shape, get_json, thread_of};
use serde_json::{json, Value};

/// Monday 23 November 2026, 10:00 in New York: within the default policy's hours.
const IN_HOURS: &str = "2026-11-23T15:00:00Z";
/// Saturday 28 November 2026: outside them.
const SATURDAY: &str = "2026-11-28T15:00:00Z";

async fn app_at(
    backend: Backend,
    at: &str,
    smtp: Option<&SmtpSink>,
) -> (TestApp, Arc<ManualClock>) {
    let t: DateTime<Utc> = at.parse().unwrap();
    let clock = Arc::new(ManualClock::at(t));
    let app = spawn(Options {
        backend,
        clock: clock.clone(),
        smtp_url: smtp.map(SmtpSink::url),
        ..Options::default()
    })
    .await;
    (app, clock)
}

/// A TOTP code is accepted once per 30-second step: on a stopped clock, each staff sign-in
/// moves it on to the next step.
async fn dana_token(app: &TestApp, clock: &ManualClock) -> String {
    let t = app.token(app.account_named("Dana Whitfield")).await;
    clock.advance(chrono::Duration::seconds(31));
    t
}

async fn dana_web(app: &TestApp, clock: &ManualClock) -> reqwest::Client {
    let c = app.web_session(app.account_named("Dana Whitfield")).await;
    clock.advance(chrono::Duration::seconds(31));
    c
}

async fn post_message(app: &TestApp, token: &str, thread: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{thread}/messages")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, token: &str, thread: &str) -> usize {
    let (_, v) = get_json(app, token, &format!("/api/v1/threads/{thread}/messages")).await;
    v["messages"].as_array().unwrap().len()
}

/// Posts a web form with the CSRF token of `page`.
async fn form(
    app: &TestApp,
    c: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let csrf = csrf_from(&app.text(c, page).await);
    let mut f = vec![("csrf", csrf.as_str())];
    f.extend_from_slice(fields);
    let r = c.post(app.url(action)).form(&f).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}

for_both_backends!(
    a_client_sends_in_hours_and_the_clinician_reads_it,
    |backend| async move {
        let (app, clock) = app_at(backend, IN_HOURS, None).await;
        let dana = dana_token(&app, &clock).await;
        let alex = app.token(app.account_named("Alex Rivera")).await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let (s, v) = post_message(
            &app,
            &alex,
            &thread,
            json!({"body": "Can we talk about Thursday?"}),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["risk"], "none");
        assert_eq!(
            v["sent_at"], "2026-11-23T15:00:31Z",
            "the time of the server's clock"
        );
        assert!(v.get("notice").is_none(), "in hours: no notice ({v})");
        let (_, msgs) = get_json(&app, &dana, &format!("/api/v1/threads/{thread}/messages")).await;
        let last = msgs["messages"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["body"], "Can we talk about Thursday?");
        assert_eq!(last["id"], v["id"]);
    }
);

#[tokio::test]
async fn out_of_hours_messages_get_a_notice_saying_when_to_expect_a_reply() {
    let (app, clock) = app_at(Backend::Sqlite, SATURDAY, None).await;
    let dana = dana_token(&app, &clock).await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let (s, v) = post_message(&app, &alex, &thread, json!({"body": "Just checking in."})).await;
    assert_eq!(s, 201);
    let notice = v["notice"].as_str().expect("a notice");
    assert!(
        notice.contains("outside your clinician's hours"),
        "{notice}"
    );
    // Monday 09:00 New York.
    assert!(notice.contains("2026-11-30 14:00"), "{notice}");
    assert!(notice.contains("988") && notice.contains("911"), "{notice}");

    // The web thread says it in words too, with the policy and the emergencies line.
    let web = app.web_session(app.account_named("Alex Rivera")).await;
    let html = app.text(&web, &format!("/messages/{thread}")).await;
    assert!(html.contains("id=\"out-of-hours-notice\""));
    assert!(
        html.contains("Monday 2026-11-30 09:00 EST"),
        "local time of the clinician"
    );
    assert!(html.contains("Not for emergencies — call 988 or 911."));
    assert!(html.contains("Expect a reply within 1 business day."));
}

for_both_backends!(
    an_over_length_message_is_refused_before_anything_is_stored,
    |backend| async move {
        let (app, clock) = app_at(backend, IN_HOURS, None).await;
        let dana = dana_token(&app, &clock).await;
        let alex = app.token(app.account_named("Alex Rivera")).await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let before = count(&app, &dana, &thread).await;
        let long = "a".repeat(2001);
        let (s, v) = post_message(&app, &alex, &thread, json!({ "body": long })).await;
        assert_eq!(s, 422);
        assert_error_shape(&v, "message_too_long");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2000 characters"));
        let (s, v) = post_message(&app, &alex, &thread, json!({"body": "   "})).await;
        assert_eq!(s, 422);
        assert_error_shape(&v, "empty_message");
        let (s, _) = post_message(&app, &alex, &thread, json!({"body": "x", "extra": 1})).await;
        assert_eq!(s, 422, "unknown fields are refused");
        assert_eq!(
            count(&app, &dana, &thread).await,
            before,
            "nothing was stored"
        );
        // Exactly at the limit is fine (characters, not bytes).
        let (s, _) = post_message(&app, &alex, &thread, json!({"body": "é".repeat(2000)})).await;
        assert_eq!(s, 201);
    }
);

for_both_backends!(
    a_crisis_message_is_delivered_shows_the_crisis_panel_and_flags_the_clinician,
    |backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = app_at(backend, SATURDAY, Some(&sink)).await;
        let dana = dana_token(&app, &clock).await;
        let alex_web = app.web_session(app.account_named("Alex Rivera")).await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let text = "I can't do this anymore. I have been saving my pills and I am going to take them all tonight.";
        let (s, _) = form(
            &app,
            &alex_web,
            &format!("/messages/{thread}"),
            &format!("/messages/{thread}"),
            &[("body", text)],
        )
        .await;
        assert_eq!(s, 303, "delivered like any message");
        // The client sees the crisis panel at once, after the redirect.
        let html = app.text(&alex_web, &format!("/messages/{thread}")).await;
        assert!(html.contains("id=\"crisis-panel\""));
        assert!(
            html.contains("href=\"tel:988\"")
                && html.contains("href=\"sms:988\"")
                && html.contains("href=\"tel:911\"")
        );
        // The clinician reads the message and sees the urgent flag on her dashboard and thread.
        let (_, msgs) = get_json(&app, &dana, &format!("/api/v1/threads/{thread}/messages")).await;
        assert!(msgs.to_string().contains("saving my pills"));
        let dana_web = dana_web(&app, &clock).await;
        let home = app.text(&dana_web, "/home").await;
        assert!(home.contains("A message from Alex Rivera needs your attention now"));
        let page = app.text(&dana_web, &format!("/messages/{thread}")).await;
        assert!(page.contains("Urgent flag (acute)"));
        // Out of hours and acute: the clinician (no cover set) is emailed — without content.
        let mails = sink.wait_for(1, Duration::from_secs(10)).await;
        let urgent: Vec<_> = mails
            .iter()
            .filter(|m| m.header("Subject").is_some_and(|s| s.contains("Urgent")))
            .collect();
        assert_eq!(urgent.len(), 1, "one urgent email");
        assert_eq!(
            urgent[0].to,
            vec!["dana.whitfield@alcove-demo.example".to_owned()]
        );
        let body = urgent[0].text();
        for secret in ["Alex", "Rivera", "pills", "tonight"] {
            assert!(!body.contains(secret), "{secret:?} in the email");
        }
        // Acknowledging clears the flag everywhere; it is audited.
        let message = page
            .split("/flags/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let (s, _) = form(
            &app,
            &dana_web,
            &format!("/messages/{thread}"),
            &format!("/messages/{thread}/flags/{message}/acknowledge"),
            &[],
        )
        .await;
        assert_eq!(s, 303);
        assert!(!app
            .text(&dana_web, "/home")
            .await
            .contains("needs your attention now"));
        let events = app.state.store.audit_events(0, 10_000).await.unwrap();
        for action in [
            "message.send",
            "risk.flag.acute",
            "risk.flag.notify",
            "risk.flag.acknowledge",
        ] {
            assert!(
                events.iter().any(|e| e.action == action),
                "{action} audited"
            );
        }
    }
);

#[tokio::test]
async fn a_pause_or_no_messaging_stops_the_client_with_a_kind_explanation() {
    let (app, clock) = app_at(Backend::Sqlite, IN_HOURS, None).await;
    let dana = dana_token(&app, &clock).await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let dana_web = dana_web(&app, &clock).await;
    let (s, _) = form(
        &app,
        &dana_web,
        &format!("/messages/{thread}"),
        &format!("/messages/{thread}/pause"),
        &[
            ("paused", "yes"),
            (
                "note",
                "Agreed in session: we use sessions only for a month.",
            ),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let before = count(&app, &dana, &thread).await;
    let (s, v) = post_message(&app, &alex, &thread, json!({"body": "Hello?"})).await;
    assert_eq!(s, 409);
    assert_error_shape(&v, "messaging_paused");
    assert_eq!(count(&app, &dana, &thread).await, before);
    let alex_web = app.web_session(app.account_named("Alex Rivera")).await;
    let html = app.text(&alex_web, &format!("/messages/{thread}")).await;
    assert!(html.contains("id=\"paused-explanation\""));
    assert!(
        !html.contains("Agreed in session"),
        "the clinician's note stays in the record"
    );
    assert!(!html.contains("action=\"/messages/"), "no form to send");
    // The clinician can still write, and resumes.
    let (s, _) = post_message(&app, &dana, &thread, json!({"body": "See you Thursday."})).await;
    assert_eq!(s, 201);
    let (s, _) = form(
        &app,
        &dana_web,
        &format!("/messages/{thread}"),
        &format!("/messages/{thread}/pause"),
        &[("paused", "no")],
    )
    .await;
    assert_eq!(s, 303);
    let (s, _) = post_message(&app, &alex, &thread, json!({"body": "Thanks!"})).await;
    assert_eq!(s, 201);

    // A policy without between-session messaging: refused, and the thread says so.
    let (s, html) = form(
        &app,
        &dana_web,
        "/messaging/policy",
        "/messaging/policy",
        &[
            ("version", "0"),
            ("time_zone", "America/New_York"),
            ("reply_within_days", "2"),
            ("max_length", "500"),
            ("opens-monday", "09:00"),
            ("closes-monday", "12:00"),
        ],
    )
    .await;
    assert_eq!(s, 303, "{html}");
    let (s, v) = post_message(&app, &alex, &thread, json!({"body": "Hi"})).await;
    assert_eq!(s, 403);
    assert_error_shape(&v, "messaging_not_offered");
    let html = app.text(&alex_web, &format!("/messages/{thread}")).await;
    assert!(html.contains("does not offer messaging between sessions"));
}

#[tokio::test]
async fn the_policy_form_names_its_problems_and_the_thread_shows_the_new_limits() {
    let (app, clock) = app_at(Backend::Sqlite, IN_HOURS, None).await;
    let dana_web = dana_web(&app, &clock).await;
    let (s, html) = form(
        &app,
        &dana_web,
        "/messaging/policy",
        "/messaging/policy",
        &[
            ("version", "0"),
            ("offered", "yes"),
            ("time_zone", "Mars/Olympus"),
            ("reply_within_days", "1"),
            ("max_length", "50"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Enter a time zone name"));
    assert!(html.contains("from 200 to 10000 characters"));
    let (s, _) = form(
        &app,
        &dana_web,
        "/messaging/policy",
        "/messaging/policy",
        &[
            ("version", "0"),
            ("offered", "yes"),
            ("time_zone", "America/Chicago"),
            ("reply_within_days", "3"),
            ("max_length", "300"),
            ("opens-friday", "08:00"),
            ("closes-friday", "11:00"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let dana = dana_token(&app, &clock).await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let alex_web = app.web_session(app.account_named("Alex Rivera")).await;
    let html = app.text(&alex_web, &format!("/messages/{thread}")).await;
    assert!(html.contains("Expect a reply within 3 business days."));
    assert!(html.contains("Messages can be up to 300 characters."));
    assert!(html.contains("maxlength=\"300\""));
    assert!(html.contains("America/Chicago"));
    // The web form refuses an over-length message and keeps what was typed.
    let long = "b".repeat(301);
    let (s, html) = form(
        &app,
        &alex_web,
        &format!("/messages/{thread}"),
        &format!("/messages/{thread}"),
        &[("body", &long)],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Messages can be up to 300 characters. Nothing was sent"));
    assert!(html.contains(&long));
}

#[tokio::test]
async fn a_message_notification_names_neither_the_client_nor_the_content() {
    let sink = SmtpSink::start().await;
    let (app, clock) = app_at(Backend::Sqlite, IN_HOURS, Some(&sink)).await;
    let dana = dana_token(&app, &clock).await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let (s, _) = post_message(
        &app,
        &alex,
        &thread,
        json!({"body": "My sister's wedding is stressing me out"}),
    )
    .await;
    assert_eq!(s, 201);
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].to,
        vec!["dana.whitfield@alcove-demo.example".to_owned()]
    );
    let all = format!(
        "{}\n{}",
        mails[0].header("Subject").unwrap_or_default(),
        mails[0].text()
    );
    for secret in ["Alex", "Rivera", "sister", "wedding"] {
        assert!(!all.contains(secret), "{secret:?} in the notification");
    }
    assert!(all.contains("/messages"));

    // The clinician's reply: Alex has not accepted email notifications (no request signed),
    // so nothing is emailed to Alex — the portal only.
    let (s, _) = post_message(
        &app,
        &dana,
        &thread,
        json!({"body": "Let's talk about it Thursday."}),
    )
    .await;
    assert_eq!(s, 201);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let to_alex = sink
        .messages()
        .iter()
        .filter(|m| m.to.iter().any(|t| t.starts_with("alex")))
        .count();
    assert_eq!(to_alex, 0, "no email to a client who did not accept email");
}
