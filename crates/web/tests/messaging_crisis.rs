//! The crisis path and the rest of messaging's boundaries (issue 7), end to end: the crisis
//! panel (988, 911, the client's own emergency-plan contacts, the practice's after-hours
//! instructions) on the page and in the API; the caseload's "Urgent" marker until a clinician
//! acknowledges; a covering clinician on the care team who reads, replies and is emailed an
//! out-of-hours `acute` message (through the real SMTP sink); attachments typed by content,
//! sealed with the client's key, downloaded only by the thread's participants.

mod common;

use std::time::Duration;

use alcove_domain::ManualClock;
use alcove_store::{DocBody, DocKind, Owner};
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, Backend, TestApp};
use common::{assert_error_shape, get_json, session_of, spawn_at, thread_of, token_of, user_id};
use serde_json::{json, Value};

/// Monday 23 November 2026, 10:00 in New York: within the default policy's hours.
const IN_HOURS: &str = "2026-11-23T15:00:00Z";
/// Saturday 28 November 2026: outside them.
const SATURDAY: &str = "2026-11-28T15:00:00Z";
const CRISIS: &str =
    "I can't do this anymore. I have been saving my pills and I am going to take them all tonight.";

async fn post_json(app: &TestApp, token: &str, thread: &str, body: Value) -> (u16, Value) {
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

async fn post_file(
    app: &TestApp,
    token: &str,
    thread: &str,
    text: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .text("body", text.to_owned())
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{thread}/messages")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn messages(app: &TestApp, token: &str, thread: &str) -> Vec<Value> {
    let (s, v) = get_json(app, token, &format!("/api/v1/threads/{thread}/messages")).await;
    assert_eq!(s, 200, "{v}");
    v["messages"].as_array().unwrap().clone()
}

/// Posts a web form with the CSRF token of `page`; returns the status and the body.
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

async fn client_id(app: &TestApp, name: &str) -> String {
    let user = user_id(app, name).await;
    app.state
        .store
        .client_by_user(user)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn actions(app: &TestApp) -> Vec<(String, String)> {
    app.state
        .store
        .audit_events(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.object))
        .collect()
}

async fn publish_after_hours(app: &TestApp, clock: &ManualClock, text: &str, summary: &str) {
    let admin = session_of(app, clock, "Priya Natarajan").await;
    let page = app.text(&admin, "/admin/after-hours").await;
    let after = page
        .split("name=\"after\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let (s, html) = form(
        app,
        &admin,
        "/admin/after-hours",
        "/admin/after-hours",
        &[("after", &after), ("body", text), ("summary", summary)],
    )
    .await;
    assert_eq!(s, 303, "{html}");
}

for_both_backends!(
    a_crisis_message_shows_the_clients_own_plan_and_the_practices_after_hours_instructions,
    |backend| async move {
        let (app, clock) = spawn_at(backend, SATURDAY, None, None).await;
        publish_after_hours(
            &app,
            &clock,
            "Call the practice's on-call line at 617-555-0100 after 6 pm.\n\n- If you are in danger, call 911.",
            "First version",
        )
        .await;
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;

        // No crisis language: no crisis object.
        let (s, v) = post_json(&app, &alex, &thread, json!({"body": "See you Thursday."})).await;
        assert_eq!(s, 201, "{v}");
        assert!(v.get("crisis").is_none(), "{v}");
        // A minute later (messages in the same instant have no defined order).
        clock.advance(chrono::Duration::minutes(1));

        let (s, v) = post_json(&app, &alex, &thread, json!({ "body": CRISIS })).await;
        assert_eq!(s, 201, "delivered as usual: {v}");
        assert_eq!(v["risk"], "acute");
        let crisis = &v["crisis"];
        assert_eq!(crisis["call"], "988");
        assert_eq!(crisis["text"], "988");
        assert_eq!(crisis["emergency"], "911");
        assert_eq!(crisis["emergency_contact"]["name"], "Sam Rivera");
        assert_eq!(crisis["emergency_contact"]["relationship"], "brother");
        assert_eq!(crisis["emergency_contact"]["phone"], "+1 617 555 0142");
        assert_eq!(crisis["nearest_facility"]["name"], "City General Hospital");
        assert_eq!(crisis["nearest_facility"]["address"], "400 Main Street");
        assert!(crisis["after_hours_instructions"]
            .as_str()
            .unwrap()
            .contains("on-call line at 617-555-0100"));
        assert!(v["notice"].is_string(), "out of hours: a notice too");
        // The message is there for the clinician, unchanged.
        let all = messages(&app, &dana, &thread).await;
        assert_eq!(all.last().unwrap()["body"], CRISIS);

        // The same panel on the thread page, at once.
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let html = app.text(&web, &format!("/messages/{thread}")).await;
        assert!(html.contains("id=\"crisis-panel\""));
        for part in [
            "href=\"tel:988\"",
            "href=\"sms:988\"",
            "href=\"tel:911\"",
            "Sam Rivera",
            "(brother)",
            "href=\"tel:+16175550142\"",
            "City General Hospital, 400 Main Street",
            "on-call line at 617-555-0100",
            "<li>If you are in danger, call 911.</li>",
        ] {
            assert!(html.contains(part), "{part} in the panel");
        }
        let audited = actions(&app).await;
        assert!(audited.iter().any(|(a, _)| a == "crisis.panel"));
        assert!(audited.iter().any(|(a, _)| a == "risk.flag.acute"));
    }
);

#[tokio::test]
async fn a_client_without_a_plan_sees_the_defaults_and_where_to_add_contacts() {
    let (app, clock) = spawn_at(Backend::Sqlite, IN_HOURS, None, None).await;
    let jordan = token_of(&app, &clock, "Jordan Lee").await;
    let (_, threads) = get_json(&app, &jordan, "/api/v1/threads").await;
    let thread = threads["threads"][0]["id"].as_str().unwrap().to_owned();
    let (s, v) = post_json(
        &app,
        &jordan,
        &thread,
        json!({"body": "I keep thinking about ending my life."}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_ne!(v["risk"], "none");
    let crisis = &v["crisis"];
    assert_eq!(crisis["has_emergency_plan"], false);
    assert!(crisis.get("emergency_contact").is_none());
    assert!(crisis["after_hours_instructions"]
        .as_str()
        .unwrap()
        .contains("988"));
    let web = session_of(&app, &clock, "Jordan Lee").await;
    let html = app.text(&web, &format!("/messages/{thread}")).await;
    assert!(html.contains("id=\"crisis-panel\""));
    assert!(html.contains("Your emergency plan has no contacts yet"));
    assert!(html.contains("href=\"/me/emergency-plan\""));
}

#[tokio::test]
async fn the_admin_publishes_after_hours_instructions_as_versions() {
    let (app, clock) = spawn_at(Backend::Sqlite, IN_HOURS, None, None).await;
    let admin = session_of(&app, &clock, "Priya Natarajan").await;
    let page = app.text(&admin, "/admin/after-hours").await;
    assert!(
        page.contains("If you are not safe, call or text 988"),
        "the built-in default is offered to edit"
    );
    let (s, html) = form(
        &app,
        &admin,
        "/admin/after-hours",
        "/admin/after-hours",
        &[("after", "0"), ("body", "Call 988."), ("summary", "  ")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Say in one line what changed"));
    assert!(html.contains("Call 988."), "the text is kept");
    publish_after_hours(&app, &clock, "Version one text.", "First").await;
    publish_after_hours(&app, &clock, "Version two text.", "Second").await;
    let page = app.text(&admin, "/admin/after-hours").await;
    assert!(page.contains("Version two text."));
    assert!(page.contains("First") && page.contains("Second"));
    let audited = actions(&app).await;
    assert!(audited
        .iter()
        .any(|(a, o)| a == "policy.published" && o == "policy:after_hours:v2"));
    // A stale editor does not overwrite a newer version.
    let (s, _) = form(
        &app,
        &admin,
        "/admin/after-hours",
        "/admin/after-hours",
        &[("after", "1"), ("body", "Old"), ("summary", "stale")],
    )
    .await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn the_caseload_marks_a_flagged_client_urgent_until_a_clinician_acknowledges() {
    let (app, clock) = spawn_at(Backend::Sqlite, IN_HOURS, None, None).await;
    let dana = token_of(&app, &clock, "Dana Whitfield").await;
    let alex = token_of(&app, &clock, "Alex Rivera").await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let dana_web = session_of(&app, &clock, "Dana Whitfield").await;
    let home = app.text(&dana_web, "/home").await;
    assert!(
        !home.contains("class=\"urgent-marker\""),
        "nothing urgent yet"
    );

    let (s, v) = post_json(&app, &alex, &thread, json!({ "body": CRISIS })).await;
    assert_eq!(s, 201);
    let message = v["id"].as_str().unwrap().to_owned();
    let home = app.text(&dana_web, "/home").await;
    let row = home
        .split("<tr>")
        .find(|r| r.contains(">Alex Rivera</a>"))
        .expect("Alex on the caseload");
    assert!(row.contains("class=\"urgent-marker\""), "{row}");
    assert!(row.contains(&format!("href=\"/messages/{thread}\"")));
    let others = home
        .split("<tr>")
        .filter(|r| r.contains("/clients/") && !r.contains(">Alex Rivera</a>"))
        .count();
    assert!(others > 0);
    assert!(home
        .split("<tr>")
        .filter(|r| !r.contains(">Alex Rivera</a>"))
        .all(|r| !r.contains("urgent-marker")));

    // The thread shows the flag with its button; acknowledging clears both, audited.
    let page = app.text(&dana_web, &format!("/messages/{thread}")).await;
    assert!(page.contains(&format!("id=\"flag-{message}\"")));
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
        .contains("class=\"urgent-marker\""));
    assert!(!app
        .text(&dana_web, &format!("/messages/{thread}"))
        .await
        .contains(&format!("id=\"flag-{message}\"")));
    assert!(actions(&app)
        .await
        .iter()
        .any(|(a, o)| a == "risk.flag.acknowledge" && o == &format!("message:{message}")));
    // A client cannot acknowledge their own flag.
    let (s, _) = post_json(&app, &alex, &thread, json!({ "body": CRISIS })).await;
    assert_eq!(s, 201);
    let alex_web = session_of(&app, &clock, "Alex Rivera").await;
    let (s, _) = form(
        &app,
        &alex_web,
        &format!("/messages/{thread}"),
        &format!("/messages/{thread}/flags/{message}/acknowledge"),
        &[],
    )
    .await;
    assert_eq!(s, 403);
}

for_both_backends!(
    a_covering_clinician_reads_replies_and_is_emailed_an_out_of_hours_acute_message,
    |backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, SATURDAY, Some(sink.url()), None).await;
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let samuel = token_of(&app, &clock, "Samuel Okafor").await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let alex_client = client_id(&app, "Alex Rivera").await;
        let (s, _) = get_json(&app, &samuel, &format!("/api/v1/threads/{thread}/messages")).await;
        assert_eq!(s, 404, "not on the team yet");

        // Dana adds Samuel as covering clinician.
        let dana_web = session_of(&app, &clock, "Dana Whitfield").await;
        let team_page = format!("/clients/{alex_client}/care-team");
        let page = app.text(&dana_web, &team_page).await;
        let samuel_id = user_id(&app, "Samuel Okafor").await.to_string();
        assert!(page.contains(&format!(
            "<option value=\"{samuel_id}\">Samuel Okafor</option>"
        )));
        let (s, _) = form(
            &app,
            &dana_web,
            &team_page,
            &team_page,
            &[("clinician", &samuel_id)],
        )
        .await;
        assert_eq!(s, 303);
        let page = app.text(&dana_web, &team_page).await;
        assert!(page.contains("Samuel Okafor</td><td>Covering clinician"));
        // Adding him twice says so.
        let (s, html) = form(
            &app,
            &dana_web,
            &team_page,
            &team_page,
            &[("clinician", &samuel_id)],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("is on this care team already"));

        // Samuel reads and replies.
        let (s, _) = get_json(&app, &samuel, &format!("/api/v1/threads/{thread}/messages")).await;
        assert_eq!(s, 200);
        let (s, _) = post_json(
            &app,
            &samuel,
            &thread,
            json!({"body": "I'm covering for Dana this weekend."}),
        )
        .await;
        assert_eq!(s, 201);

        // Out of hours, an acute message: the covering clinician is emailed — a link only.
        let (s, _) = post_json(&app, &alex, &thread, json!({ "body": CRISIS })).await;
        assert_eq!(s, 201);
        let mails = sink.wait_for(1, Duration::from_secs(10)).await;
        let urgent: Vec<_> = mails
            .iter()
            .filter(|m| m.header("Subject").is_some_and(|s| s.contains("Urgent")))
            .collect();
        assert_eq!(urgent.len(), 1, "one urgent email");
        assert_eq!(
            urgent[0].to,
            vec![app.account_named("Samuel Okafor").email.to_string()]
        );
        let all = format!(
            "{}\n{}",
            urgent[0].header("Subject").unwrap_or_default(),
            urgent[0].text()
        );
        for secret in ["Alex", "Rivera", "pills", "tonight", "take them"] {
            assert!(!all.contains(secret), "{secret:?} in the email");
        }
        assert!(all.contains("/home"), "a link to sign in and look");
        // Samuel sees the urgent flag on his caseload too.
        let samuel_web = session_of(&app, &clock, "Samuel Okafor").await;
        assert!(app
            .text(&samuel_web, "/home")
            .await
            .contains("class=\"urgent-marker\""));

        // The primary clinician cannot be removed here; the covering one can.
        let dana_id = user_id(&app, "Dana Whitfield").await.to_string();
        let (s, html) = form(
            &app,
            &dana_web,
            &team_page,
            &format!("{team_page}/remove"),
            &[("clinician", &dana_id)],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("Only a covering clinician can be removed"));
        let (s, _) = form(
            &app,
            &dana_web,
            &team_page,
            &format!("{team_page}/remove"),
            &[("clinician", &samuel_id)],
        )
        .await;
        assert_eq!(s, 303);
        let (s, _) = get_json(&app, &samuel, &format!("/api/v1/threads/{thread}/messages")).await;
        assert_eq!(s, 404, "off the team: the thread is gone for him");
        let audited = actions(&app).await;
        for (action, object) in [
            ("care_team.add", format!("user:{samuel_id}:covering")),
            ("care_team.remove", format!("user:{samuel_id}:covering")),
        ] {
            assert!(
                audited.iter().any(|(a, o)| a == action && *o == object),
                "{action} audited"
            );
        }
        // The client sees the change in their access history.
        let (_, log) = get_json(&app, &alex, "/api/v1/me/access-log").await;
        assert!(log.to_string().contains("care_team.add"));
    }
);

/// A tiny valid PNG (1×1), as a browser would send it.
fn png() -> Vec<u8> {
    let mut v =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    v.extend_from_slice(b"\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82");
    v
}

for_both_backends!(
    an_attachment_is_sealed_and_downloaded_only_by_the_threads_participants,
    |backend| async move {
        let (app, clock) = spawn_at(backend, IN_HOURS, None, None).await;
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let samuel = token_of(&app, &clock, "Samuel Okafor").await;
        let jordan = token_of(&app, &clock, "Jordan Lee").await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let text = "Thought record, week 3: felt anxious before the interview.\n".repeat(20);
        let (s, v) = post_file(
            &app,
            &alex,
            &thread,
            "My homework",
            "thought-record.txt",
            text.clone().into_bytes(),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        clock.advance(chrono::Duration::minutes(1));
        let (s, v) = post_file(&app, &alex, &thread, "", "drawing.png", png()).await;
        assert_eq!(s, 201, "a file alone is a message: {v}");

        let all = messages(&app, &dana, &thread).await;
        let with: Vec<&Value> = all
            .iter()
            .filter(|m| !m["attachments"].as_array().unwrap().is_empty())
            .collect();
        assert_eq!(with.len(), 2);
        let txt = &with[0]["attachments"][0];
        assert_eq!(with[0]["body"], "My homework");
        assert_eq!(txt["file_name"], "thought-record.txt");
        assert_eq!(txt["content_type"], "text/plain; charset=utf-8");
        assert_eq!(txt["size"], text.len());
        assert_eq!(with[1]["attachments"][0]["content_type"], "image/png");

        // The care team's clinician downloads it; so does Alex, on the web.
        let url = txt["url"].as_str().unwrap().to_owned();
        let r = reqwest::Client::new()
            .get(app.url(&url))
            .bearer_auth(&dana)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(
            r.headers()["content-disposition"],
            "attachment; filename=\"thought-record.txt\""
        );
        assert_eq!(r.text().await.unwrap(), text);
        let id = txt["id"].as_str().unwrap().to_owned();
        let alex_web = session_of(&app, &clock, "Alex Rivera").await;
        let page = app.text(&alex_web, &format!("/messages/{thread}")).await;
        assert!(page.contains(&format!("href=\"/messages/{thread}/attachments/{id}\"")));
        assert!(page.contains("Download thought-record.txt"));
        let r = alex_web
            .get(app.url(&format!("/messages/{thread}/attachments/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().len(), text.len());

        // Anyone else: not found, not even that it exists.
        for token in [&samuel, &jordan] {
            let r = reqwest::Client::new()
                .get(app.url(&url))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404);
            assert!(!r.text().await.unwrap().contains("Thought record"));
        }
        // Not another thread's attachment through this thread either.
        let (_, jt) = get_json(&app, &jordan, "/api/v1/threads").await;
        let jordan_thread = jt["threads"][0]["id"].as_str().unwrap();
        let r = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/threads/{jordan_thread}/attachments/{id}")))
            .bearer_auth(&jordan)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // At rest: sealed with Alex's key, no plaintext in the row.
        let alex_client: alcove_domain::ClientId =
            client_id(&app, "Alex Rivera").await.parse().unwrap();
        let stored = app
            .state
            .store
            .latest_document(
                DocKind::MessageAttachmentContent,
                &Owner::Client(alex_client),
                &id,
            )
            .await
            .unwrap()
            .unwrap();
        match stored.body {
            DocBody::Sealed(s) => {
                let raw = format!("{s:?}");
                assert!(!raw.contains("Thought record"));
            }
            DocBody::Plain(_) => panic!("an attachment stored in plain"),
        }
        let audited = actions(&app).await;
        assert_eq!(
            audited
                .iter()
                .filter(|(a, o)| a == "attachment.download" && o.contains(&id))
                .count(),
            2,
            "each download audited (Dana, Alex); refusals are not downloads"
        );
        assert!(audited.iter().any(|(a, _)| a == "attachment.upload"));
    }
);

for_both_backends!(
    a_wrong_type_or_too_large_attachment_is_refused_and_nothing_is_stored,
    |backend| async move {
        let config = alcove_web::WebConfig {
            reminder_every: None,
            attachment_max: 1024 * 1024,
            ..alcove_web::WebConfig::default()
        };
        let (app, clock) = spawn_at(backend, IN_HOURS, None, Some(config)).await;
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana, "Alex Rivera").await;
        let before = messages(&app, &dana, &thread).await.len();

        // A Windows executable named like a picture.
        let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
        exe.extend(vec![0u8; 512]);
        let (s, v) = post_file(&app, &alex, &thread, "see photo", "photo.png", exe.clone()).await;
        assert_eq!(s, 422, "{v}");
        assert_error_shape(&v, "attachment_type_not_allowed");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("PDF, PNG, JPEG"));
        // Just over the configured limit (1 MiB): refused by name, with the limit.
        let (s, v) = post_file(
            &app,
            &alex,
            &thread,
            "notes",
            "notes.txt",
            vec![b'a'; 1024 * 1024 + 1],
        )
        .await;
        assert_eq!(s, 413, "{v}");
        assert_error_shape(&v, "attachment_too_large");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("up to 1 MiB"));
        // Far over: the contract's shape, if the caller reads the answer before it has sent
        // everything. The server does not read megabytes it will refuse (`security::refuse`),
        // so a caller still writing may instead see the connection cut; either way nothing is
        // stored (checked below).
        let form = reqwest::multipart::Form::new().text("body", "notes").part(
            "attachment",
            reqwest::multipart::Part::bytes(vec![b'a'; 3 * 1024 * 1024]).file_name("notes.txt"),
        );
        let sent = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/threads/{thread}/messages")))
            .bearer_auth(&alex)
            .multipart(form)
            .send()
            .await;
        match sent {
            Ok(r) => {
                assert_eq!(r.status().as_u16(), 413);
                let v: Value = r.json().await.unwrap();
                assert_error_shape(&v, "attachment_too_large");
            }
            Err(e) => assert!(
                e.is_request(),
                "cut while sending, not another failure: {e}"
            ),
        }
        // An empty file, and an unknown field.
        let (s, v) = post_file(&app, &alex, &thread, "x", "empty.txt", Vec::new()).await;
        assert_eq!(s, 422);
        assert_error_shape(&v, "attachment_empty");
        // The web form: the same refusal in words, the text kept, nothing stored.
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let csrf = csrf_from(&app.text(&web, &format!("/messages/{thread}")).await);
        let f = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("body", "Here is the photo")
            .part(
                "attachment",
                reqwest::multipart::Part::bytes(exe).file_name("photo.png"),
            );
        let r = web
            .post(app.url(&format!("/messages/{thread}")))
            .multipart(f)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("Only PDF, PNG, JPEG and plain-text files can be attached"));
        assert!(html.contains("Here is the photo"), "what was typed is kept");

        assert_eq!(
            messages(&app, &dana, &thread).await.len(),
            before,
            "no message"
        );
        for kind in [
            DocKind::MessageAttachment,
            DocKind::MessageAttachmentContent,
        ] {
            assert!(
                app.state
                    .store
                    .latest_documents(kind, None)
                    .await
                    .unwrap()
                    .is_empty(),
                "no {kind:?} stored"
            );
        }
        // The form states the limit before sending.
        let page = app.text(&web, &format!("/messages/{thread}")).await;
        assert!(page.contains("plain-text file of up to 1 MiB"));
    }
);

#[tokio::test]
async fn the_send_form_states_the_length_limit_and_counts_as_you_type() {
    let (app, clock) = spawn_at(Backend::Sqlite, IN_HOURS, None, None).await;
    let dana = token_of(&app, &clock, "Dana Whitfield").await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    let web = session_of(&app, &clock, "Alex Rivera").await;
    let html = app.text(&web, &format!("/messages/{thread}")).await;
    assert!(html.contains("maxlength=\"2000\""));
    assert!(html.contains("data-counter=\"body-counter\""));
    assert!(html.contains("data-template=\"{count} of 2000 characters\""));
    assert!(html.contains("Messages can be up to 2000 characters."));
    assert!(html.contains("<script type=\"module\" src=\"/static/counter.js\"></script>"));
    let r = web.get(app.url("/static/counter.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    // Without the script the server still refuses, with the limit, and keeps the text.
    let long = "c".repeat(2001);
    let (s, html) = form(
        &app,
        &web,
        &format!("/messages/{thread}"),
        &format!("/messages/{thread}"),
        &[("body", &long)],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("Messages can be up to 2000 characters. Nothing was sent"));
    assert!(html.contains(&long));
}
