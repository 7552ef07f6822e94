//! Headers, CSRF, the contract's error shapes, and encryption at rest.

mod common;

use alcove_testkit::{csrf_from, TestApp};
use common::{assert_error_shape, thread_of};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

#[tokio::test]
async fn every_response_carries_the_csp_and_security_headers() {
    let app = alcove_testkit::spawn_app().await;
    for path in [
        "/",
        "/sign-in",
        "/no/such/page",
        "/api/v1/threads",
        "/api/v1/openapi.json",
        "/static/app.css",
        "/healthz",
    ] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        let h = r.headers();
        assert_eq!(h["content-security-policy"], CSP, "{path}");
        assert!(!h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("unsafe-inline"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
    let r = reqwest::get(app.url("/sign-in")).await.unwrap();
    assert_eq!(
        r.headers()["cache-control"],
        "no-store",
        "pages are never cached"
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let b = TestApp::browser();
    let page = b.get(app.url("/sign-in")).send().await.unwrap();
    let csrf_cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"),
        "{csrf_cookie}"
    );
    let csrf = csrf_from(&page.text().await.unwrap());
    let r = b
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", &alex.email),
            ("password", &alex.password),
        ])
        .send()
        .await
        .unwrap();
    let c = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        c.starts_with("alcove_session=") && c.contains("HttpOnly") && c.contains("SameSite=Strict"),
        "{c}"
    );
    assert!(!c.contains("Secure"), "not Secure on plain http");
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.account_named("Alex Rivera").clone();
    let b = TestApp::browser();
    let _ = b.get(app.url("/sign-in")).send().await.unwrap();
    for csrf in ["", "forged-token-value"] {
        let r = b
            .post(app.url("/sign-in"))
            .form(&[
                ("csrf", csrf),
                ("email", &alex.email),
                ("password", &alex.password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "csrf {csrf:?}");
        assert!(r.text().await.unwrap().contains("This form has expired"));
    }
    let signed_in = app.web_session(&alex).await;
    let r = signed_in
        .post(app.url("/account/sign-out-everywhere"))
        .form(&[("csrf", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        signed_in
            .get(app.url("/home"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "still signed in: nothing happened"
    );
}

#[tokio::test]
async fn a_form_posted_from_another_origin_or_an_opaque_one_is_refused() {
    let app = alcove_testkit::spawn_app().await;
    let b = TestApp::browser();
    let csrf = csrf_from(&app.text(&b, "/sign-in").await);
    for origin in ["https://evil.example", "null"] {
        let r = b
            .post(app.url("/sign-in"))
            .header("origin", origin)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "a@b.co"),
                ("password", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{origin}");
    }
    let same = app.base.clone();
    let r = b
        .post(app.url("/sign-in"))
        .header("origin", same)
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "a@b.co"),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "our own origin passes the check and reaches sign-in"
    );
}

#[tokio::test]
async fn api_errors_always_have_the_contract_shape() {
    let app = alcove_testkit::spawn_app().await;
    let c = reqwest::Client::new();
    let url = app.url("/api/v1/auth/token");
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            c.post(&url)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "malformed_json",
        ),
        (
            c.post(&url).header("content-type", "text/plain").body("{}"),
            415,
            "unsupported_media_type",
        ),
        (
            c.post(&url)
                .json(&serde_json::json!({"email": "a@b.co", "password": "x", "admin": true})),
            422,
            "invalid_field",
        ),
        (
            c.post(&url).json(&serde_json::json!({"email": "a@b.co"})),
            422,
            "invalid_field",
        ),
        (c.get(app.url("/api/v1/no-such-thing")), 404, "not_found"),
        (c.put(app.url("/api/v1/threads")), 405, "method_not_allowed"),
        (c.get(app.url("/api/v1/threads")), 401, "unauthorized"),
        (
            c.get(app.url("/api/v1/threads")).bearer_auth("garbage"),
            401,
            "unauthorized",
        ),
    ];
    for (req, status, code) in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{code}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        assert_error_shape(&r.json().await.unwrap(), code);
    }
}

#[tokio::test]
async fn an_oversize_body_is_refused_with_the_limit_in_the_message() {
    let app = alcove_testkit::spawn_app().await;
    let big = format!(
        "{{\"email\":\"a@b.co\",\"password\":\"{}\"}}",
        "x".repeat(100_000)
    );
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_error_shape(&v, "payload_too_large");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("65536"),
        "{v}"
    );
}

#[tokio::test]
async fn error_pages_are_friendly_and_reveal_no_internals() {
    let app = alcove_testkit::spawn_app().await;
    let r = reqwest::get(app.url("/no/such/page")).await.unwrap();
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("We could not find this page"));
    let alex = app.account_named("Alex Rivera").clone();
    let b = app.web_session(&alex).await;
    let r = b.get(app.url("/audit")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("does not have access"));
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = alcove_testkit::spawn_app().await;
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        200
    );
    assert_eq!(
        reqwest::get(app.url("/readyz")).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn no_message_plaintext_is_in_the_database_file() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.token(app.account_named("Samuel Okafor")).await;
    let t = thread_of(&app, &dana, "Riley Chen").await;
    let (s, v) = common::get_json(&app, &dana, &format!("/api/v1/threads/{t}/messages")).await;
    assert_eq!(s, 200);
    assert!(v.to_string().contains("patchy"), "the message reads back");
    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "the database files were read");
    for needle in ["patchy", "Thursday", "breathing exercise", "worksheet"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is stored in plaintext"
        );
    }
}

#[tokio::test]
async fn a_ciphertext_copied_onto_another_row_does_not_decrypt() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.token(app.account_named("Samuel Okafor")).await;
    let t = thread_of(&app, &dana, "Riley Chen").await;
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        app.dir.path().join("alcove.db").display()
    ))
    .await
    .unwrap();
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM messages WHERE thread_id = ? ORDER BY sent_at")
            .bind(&t)
            .fetch_all(&db)
            .await
            .unwrap();
    sqlx::query("UPDATE messages SET body = (SELECT body FROM messages WHERE id = ?) WHERE id = ?")
        .bind(&ids[0].0)
        .bind(&ids[1].0)
        .execute(&db)
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/threads/{t}/messages")))
        .bearer_auth(&dana)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        500,
        "a moved ciphertext must not open as if it belonged there"
    );
    let v: serde_json::Value = r.json().await.unwrap();
    assert_error_shape(&v, "internal_error");
    assert!(
        !v.to_string().contains("video"),
        "no content leaks in the error"
    );

    // At the keyring the failure names the place, never the content.
    let client = app
        .state
        .store
        .thread(t.parse().unwrap())
        .await
        .unwrap()
        .client_id;
    let sealed = app
        .state
        .keys
        .seal(
            client,
            alcove_web::messaging::body_place("row-a"),
            b"secret words",
        )
        .await
        .unwrap();
    let err = app
        .state
        .keys
        .open(client, alcove_web::messaging::body_place("row-b"), &sealed)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("messages.body") && !err.contains("secret words"),
        "{err}"
    );
}
