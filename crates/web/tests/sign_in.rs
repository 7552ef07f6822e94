//! Sign-in: second factor, replay, throttling, timing-neutral answers, sessions.

mod common;

use std::sync::Arc;

use alcove_domain::{Clock, ManualClock, Role};
use alcove_testkit::{csrf_from, rfc6238, spawn, Options, TestApp};
use chrono::{Duration, TimeZone, Utc};
use common::{assert_error_shape, get_json};
use serde_json::json;

async fn post_token(
    app: &TestApp,
    body: serde_json::Value,
) -> (
    reqwest::StatusCode,
    reqwest::header::HeaderMap,
    serde_json::Value,
) {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    (s, h, r.json().await.unwrap_or_default())
}

async fn manual_app() -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap(),
    ));
    let app = spawn(Options {
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    (app, clock)
}

#[tokio::test]
async fn staff_without_a_valid_code_get_mfa_required() {
    let app = alcove_testkit::spawn_app().await;
    for role in [
        Role::Clinician,
        Role::Supervisor,
        Role::Admin,
        Role::Auditor,
    ] {
        let a = app.account(role);
        let (s, _, v) = post_token(&app, json!({"email": a.email, "password": a.password})).await;
        assert_eq!(s, 401, "{role}");
        assert_error_shape(&v, "mfa_required");
        let (s, _, v) = post_token(
            &app,
            json!({"email": a.email, "password": a.password, "totp": "000000"}),
        )
        .await;
        assert_eq!(s, 401);
        assert_error_shape(&v, "mfa_required");
    }
}

#[tokio::test]
async fn a_totp_code_once_used_is_refused_again() {
    let (app, clock) = manual_app().await;
    let dana = app.account_named("Dana Whitfield");
    let code = rfc6238::code(
        dana.totp_secret.as_deref().unwrap(),
        clock.now().timestamp(),
    );
    let body = json!({"email": dana.email, "password": dana.password, "totp": code});
    assert_eq!(post_token(&app, body.clone()).await.0, 200);
    let (s, _, v) = post_token(&app, body).await;
    assert_eq!(s, 401, "the same code a second time");
    assert_error_shape(&v, "mfa_required");
    // The next step's code works: the refusal is about reuse, not about the account.
    clock.advance(Duration::seconds(30));
    let code = rfc6238::code(
        dana.totp_secret.as_deref().unwrap(),
        clock.now().timestamp(),
    );
    assert_eq!(
        post_token(
            &app,
            json!({"email": dana.email, "password": dana.password, "totp": code})
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn codes_one_step_off_are_accepted_and_two_steps_off_are_not() {
    let (app, clock) = manual_app().await;
    let dana = app.account_named("Dana Whitfield");
    let secret = dana.totp_secret.as_deref().unwrap();
    let old = rfc6238::code(secret, clock.now().timestamp() - 60);
    let (s, _, _) = post_token(
        &app,
        json!({"email": dana.email, "password": dana.password, "totp": old}),
    )
    .await;
    assert_eq!(s, 401, "two steps old");
    let prev = rfc6238::code(secret, clock.now().timestamp() - 30);
    let (s, _, _) = post_token(
        &app,
        json!({"email": dana.email, "password": dana.password, "totp": prev}),
    )
    .await;
    assert_eq!(s, 200, "one step old (clock drift)");
}

#[tokio::test]
async fn unknown_emails_and_wrong_passwords_get_the_same_answer() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera");
    let (s1, _, v1) = post_token(
        &app,
        json!({"email": alex.email, "password": "wrong password here"}),
    )
    .await;
    let (s2, _, v2) = post_token(
        &app,
        json!({"email": "nobody@alcove-demo.example", "password": "wrong password here"}),
    )
    .await;
    let (s3, _, v3) = post_token(&app, json!({"email": "not an email", "password": "x"})).await;
    assert_eq!(
        (s1, s2, s3),
        (
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::UNAUTHORIZED,
            reqwest::StatusCode::UNAUTHORIZED
        )
    );
    assert_eq!(v1, v2);
    assert_eq!(v2, v3);
    assert_error_shape(&v1, "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_are_paused_with_retry_after_but_never_locked_forever() {
    let (app, clock) = manual_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    for _ in 0..5 {
        assert_eq!(
            post_token(
                &app,
                json!({"email": alex.email, "password": "wrong password here"})
            )
            .await
            .0,
            401
        );
    }
    let (s, h, v) = post_token(
        &app,
        json!({"email": alex.email, "password": alex.password}),
    )
    .await;
    assert_eq!(s, 429, "even the right password waits during the pause");
    assert_error_shape(&v, "too_many_attempts");
    let wait: i64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    // An unknown email is paused the same way, so the pause reveals nothing.
    for _ in 0..5 {
        post_token(
            &app,
            json!({"email": "nobody@alcove-demo.example", "password": "x"}),
        )
        .await;
    }
    assert_eq!(
        post_token(
            &app,
            json!({"email": "nobody@alcove-demo.example", "password": "x"})
        )
        .await
        .0,
        429
    );
    clock.advance(Duration::seconds(wait + 1));
    assert_eq!(
        post_token(
            &app,
            json!({"email": alex.email, "password": alex.password})
        )
        .await
        .0,
        200,
        "the real user gets back in"
    );
}

#[tokio::test]
async fn staff_sessions_end_after_fifteen_idle_minutes_and_client_sessions_after_thirty() {
    let (app, clock) = manual_app().await;
    let dana = app.token(app.account_named("Dana Whitfield")).await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    clock.advance(Duration::minutes(14));
    assert_eq!(
        get_json(&app, &dana, "/api/v1/me").await.0,
        200,
        "activity within 15 minutes keeps it alive"
    );
    clock.advance(Duration::minutes(16));
    assert_eq!(
        get_json(&app, &dana, "/api/v1/me").await.0,
        401,
        "16 idle minutes end a staff session"
    );
    assert_eq!(
        get_json(&app, &alex, "/api/v1/me").await.0,
        401,
        "30 idle minutes end a client session"
    );
    let alex = app.token(app.account_named("Alex Rivera")).await;
    clock.advance(Duration::minutes(20));
    assert_eq!(get_json(&app, &alex, "/api/v1/me").await.0, 200);
}

#[tokio::test]
async fn no_session_outlives_its_absolute_lifetime() {
    let (app, clock) = manual_app().await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    for _ in 0..25 {
        clock.advance(Duration::minutes(29));
        let _ = get_json(&app, &alex, "/api/v1/me").await;
    }
    assert_eq!(
        get_json(&app, &alex, "/api/v1/me").await.0,
        401,
        "12 hours is the limit however active"
    );
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let token = app.token(&alex).await;
    let browser = app.web_session(&alex).await;
    let page = app.text(&browser, "/account").await;
    let r = browser
        .post(app.url("/account/sign-out-everywhere"))
        .form(&[("csrf", csrf_from(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(get_json(&app, &token, "/api/v1/me").await.0, 401);
    assert_eq!(
        browser.get(app.url("/home")).send().await.unwrap().status(),
        303,
        "the browser is signed out too"
    );
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_the_new_one_works() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let other = app.token(&alex).await;
    let browser = app.web_session(&alex).await;
    let page = app.text(&browser, "/account").await;
    let new = "a quiet harbour at dawn";
    let form = [
        ("csrf", csrf_from(&page)),
        ("current", alex.password.clone()),
        ("new", new.into()),
        ("confirm", new.into()),
    ];
    let r = browser
        .post(app.url("/account/password"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Your password is changed"));
    assert_eq!(
        get_json(&app, &other, "/api/v1/me").await.0,
        401,
        "other sessions ended"
    );
    assert_eq!(
        browser.get(app.url("/home")).send().await.unwrap().status(),
        200,
        "this browser stays signed in"
    );
    let (s, _, _) = post_token(&app, json!({"email": alex.email, "password": new})).await;
    assert_eq!(s, 200);
    let (s, _, _) = post_token(
        &app,
        json!({"email": alex.email, "password": alex.password}),
    )
    .await;
    assert_eq!(s, 401, "the old password no longer works");
}

#[tokio::test]
async fn a_weak_or_mismatched_new_password_is_refused() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let browser = app.web_session(&alex).await;
    let page = app.text(&browser, "/account").await;
    let csrf = csrf_from(&page);
    for (new, confirm) in [
        ("short", "short"),
        ("a long enough phrase", "a different phrase!!"),
    ] {
        let form = [
            ("csrf", csrf.as_str()),
            ("current", alex.password.as_str()),
            ("new", new),
            ("confirm", confirm),
        ];
        assert_eq!(
            browser
                .post(app.url("/account/password"))
                .form(&form)
                .send()
                .await
                .unwrap()
                .status(),
            422
        );
    }
    let (s, _, _) = post_token(
        &app,
        json!({"email": alex.email, "password": alex.password}),
    )
    .await;
    assert_eq!(s, 200, "nothing changed");
}

#[tokio::test]
async fn web_sign_in_asks_staff_for_the_code_before_anything_else() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.account_named("Dana Whitfield").clone();
    let b = TestApp::browser();
    let csrf = csrf_from(&app.text(&b, "/sign-in").await);
    let r = b
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", &dana.email),
            ("password", &dana.password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/sign-in/code");
    let r = b.get(app.url("/home")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/sign-in/code",
        "half signed in reaches nothing"
    );
    let r = b.get(app.url("/messages")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let session = app.web_session(&dana).await;
    let home = app.text(&session, "/home").await;
    assert!(
        home.contains("Alex Rivera") && home.contains("Casey Morgan"),
        "caseload on the clinician's home"
    );
}

#[tokio::test]
async fn a_new_staff_member_enrols_with_a_qr_code_and_gets_single_use_recovery_codes() {
    use alcove_store::NewUser;
    let app = alcove_testkit::spawn_app().await;
    let password = "correct horse battery staple";
    let email = "new.admin@alcove-demo.example";
    app.state
        .store
        .create_user(&NewUser {
            id: alcove_domain::UserId(uuid::Uuid::new_v4()),
            email: email.parse().unwrap(),
            name: "New Admin".into(),
            role: Role::Admin,
            password_hash: app.state.passwords.hash(password),
            totp_sealed: None,
            slug: None,
            credentials: None,
            created_at: app.state.clock.now(),
        })
        .await
        .unwrap();
    let (s, _, v) = post_token(&app, json!({"email": email, "password": password})).await;
    assert_eq!(s, 401);
    assert_error_shape(&v, "mfa_required");

    let b = TestApp::browser();
    let csrf = csrf_from(&app.text(&b, "/sign-in").await);
    let r = b
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/account/two-factor");
    let page = app.text(&b, "/account/two-factor").await;
    assert!(
        page.contains("src=\"data:image/svg+xml;base64,"),
        "QR code drawn on the server as SVG"
    );
    let secret: String = between(&page, "<code class=\"secret\">", "</code>")
        .split_whitespace()
        .collect();
    let token = between(&page, "name=\"enrol_token\" value=\"", "\"");
    let code = rfc6238::code(&secret, app.state.clock.now().timestamp());
    let r = b
        .post(app.url("/account/two-factor"))
        .form(&[
            ("csrf", csrf_from(&page).as_str()),
            ("enrol_token", token.as_str()),
            ("code", code.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let codes_page = r.text().await.unwrap();
    let codes: Vec<String> = codes_page
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        b.get(app.url("/home")).send().await.unwrap().status(),
        200,
        "fully signed in after enrolling"
    );

    // A recovery code works once, in place of the authenticator code.
    let (s, _, _) = post_token(
        &app,
        json!({"email": email, "password": password, "totp": codes[0]}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, _) = post_token(
        &app,
        json!({"email": email, "password": password, "totp": codes[0]}),
    )
    .await;
    assert_eq!(s, 401, "a recovery code is single-use");
    let user = app
        .state
        .store
        .user_by_email(&email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(alcove_crypto::password::params_are_strong_enough(
        &user.password_hash
    ));
}

fn between(s: &str, a: &str, b: &str) -> String {
    let start = s
        .find(a)
        .map(|i| i + a.len())
        .unwrap_or_else(|| panic!("{a} in page"));
    s[start..].split(b).next().unwrap().to_owned()
}

#[tokio::test]
async fn new_recovery_codes_need_the_current_password() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.account_named("Dana Whitfield").clone();
    let b = app.web_session(&dana).await;
    let page = app.text(&b, "/account").await;
    let csrf = csrf_from(&page);
    let r = b
        .post(app.url("/account/recovery-codes"))
        .form(&[("csrf", csrf.as_str()), ("current", "not my password")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "a hijacked session cannot mint a way around the second factor"
    );
    let r = b
        .post(app.url("/account/recovery-codes"))
        .form(&[("csrf", csrf.as_str()), ("current", dana.password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap().matches("<li><code>").count(), 10);
}
