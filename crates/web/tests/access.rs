//! Who may read what: the contract's "done when" for sign-in, isolation and access history.

mod common;

use alcove_domain::Role;
use alcove_testkit::TestApp;
use common::{assert_error_shape, get_json, thread_of};

on_both_backends!(every_demo_account_gets_a_token, |app: TestApp| async move {
    assert!(app.accounts.len() >= 9);
    for a in &app.accounts {
        let token = app.token(a).await;
        let (s, me) = get_json(&app, &token, "/api/v1/me").await;
        assert_eq!(s, 200);
        assert_eq!(me["name"], a.name.as_str());
        assert_eq!(me["role"], a.role.as_str());
    }
});

on_both_backends!(
    client_cannot_read_another_clients_thread,
    |app: TestApp| async move {
        let dana = app.token(app.account_named("Dana Whitfield")).await;
        let jordans = thread_of(&app, &dana, "Jordan Lee").await;
        let alex = app.token(app.account_named("Alex Rivera")).await;
        let r = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/threads/{jordans}/messages")))
            .bearer_auth(&alex)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("worksheet") && !body.contains("breathing"),
            "no content of Jordan's messages: {body}"
        );
        let (_, mine) = get_json(&app, &alex, "/api/v1/threads").await;
        let names: Vec<&str> = mine["threads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["client_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["Alex Rivera"],
            "a client lists only their own threads"
        );
    }
);

on_both_backends!(
    clinician_reading_a_thread_shows_in_the_clients_access_log,
    |app: TestApp| async move {
        let dana = app.token(app.account_named("Dana Whitfield")).await;
        let alexs = thread_of(&app, &dana, "Alex Rivera").await;
        let (s, msgs) = get_json(&app, &dana, &format!("/api/v1/threads/{alexs}/messages")).await;
        assert_eq!(s, 200);
        assert!(
            msgs["messages"][1]["body"]
                .as_str()
                .unwrap()
                .contains("Thursday"),
            "decrypted content: {msgs}"
        );
        let alex = app.token(app.account_named("Alex Rivera")).await;
        let (s, log) = get_json(&app, &alex, "/api/v1/me/access-log").await;
        assert_eq!(s, 200);
        let entries = log["entries"].as_array().unwrap();
        let view = entries
            .iter()
            .find(|e| e["action"] == "thread.view")
            .expect("the view is logged");
        assert_eq!(view["actor"]["name"], "Dana Whitfield");
        assert_eq!(view["actor"]["role"], "clinician");
        let times: Vec<&str> = entries.iter().map(|e| e["at"].as_str().unwrap()).collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted, "newest first");
    }
);

on_both_backends!(
    a_clinician_cannot_read_another_clinicians_client,
    |app: TestApp| async move {
        let dana = app.token(app.account_named("Dana Whitfield")).await;
        let alexs = thread_of(&app, &dana, "Alex Rivera").await;
        let sam = app.token(app.account_named("Samuel Okafor")).await;
        let (s, v) = get_json(&app, &sam, &format!("/api/v1/threads/{alexs}/messages")).await;
        assert_eq!(s, 404);
        assert_error_shape(&v, "not_found");
        let (_, list) = get_json(&app, &sam, "/api/v1/threads").await;
        assert!(list["threads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["client_name"] != "Alex Rivera"));
    }
);

#[tokio::test]
async fn admins_auditors_and_supervisors_get_no_messages() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.token(app.account_named("Dana Whitfield")).await;
    let alexs = thread_of(&app, &dana, "Alex Rivera").await;
    for role in [Role::Admin, Role::Auditor, Role::Supervisor] {
        let t = app.token(app.account(role)).await;
        for path in [
            "/api/v1/threads".to_owned(),
            format!("/api/v1/threads/{alexs}/messages"),
        ] {
            let (s, v) = get_json(&app, &t, &path).await;
            assert_eq!(s, 403, "{role} on {path}");
            assert_error_shape(&v, "forbidden");
        }
        let (s, _) = get_json(&app, &t, "/api/v1/me/access-log").await;
        assert_eq!(s, 403, "only clients have an access log");
    }
}

#[tokio::test]
async fn an_unknown_or_malformed_thread_id_is_not_found() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    for id in ["not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
        let (s, v) = get_json(&app, &alex, &format!("/api/v1/threads/{id}/messages")).await;
        assert_eq!(s, 404);
        assert_error_shape(&v, "not_found");
    }
}

#[tokio::test]
async fn the_api_ignores_cookies_and_pages_ignore_bearer_tokens() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let browser = app.web_session(&alex).await;
    let r = browser
        .get(app.url("/api/v1/threads"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "a page cookie never authorises an API call"
    );
    let token = app.token(&alex).await;
    let r = alcove_testkit::TestApp::browser()
        .get(app.url("/home"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "a token never drives a page");
}

#[tokio::test]
async fn an_admin_sees_staff_accounts_and_a_client_count_but_no_client_names() {
    let app = alcove_testkit::spawn_app().await;
    let admin = app.web_session(app.account(Role::Admin)).await;
    let (s, html) = app.page(&admin, "/home").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Dana Whitfield") && html.contains("Tom Becker"),
        "staff accounts listed"
    );
    assert!(html.contains("There are 6 client accounts"));
    for client in [
        "Alex Rivera",
        "Jordan Lee",
        "Riley Chen",
        "Casey Morgan",
        "Taylor Brooks",
        "Noor Haddad",
        "alex.rivera@",
    ] {
        assert!(!html.contains(client), "{client} shown to an admin");
    }
}

#[tokio::test]
async fn a_clinicians_thread_list_shows_in_each_listed_clients_access_log() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.token(app.account_named("Dana Whitfield")).await;
    assert_eq!(get_json(&app, &dana, "/api/v1/threads").await.0, 200);
    let alex = app.token(app.account_named("Alex Rivera")).await;
    let (_, log) = get_json(&app, &alex, "/api/v1/me/access-log").await;
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "caseload.view" && e["actor"]["name"] == "Dana Whitfield"),
        "{log}"
    );
}
