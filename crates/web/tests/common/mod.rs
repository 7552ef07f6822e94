#![allow(dead_code)]

use alcove_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// Runs an async test body once per storage backend, as separate named tests.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(alcove_testkit::spawn_on(alcove_testkit::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(alcove_testkit::spawn_on(alcove_testkit::Backend::Postgres).await).await
            }
        }
    };
}

/// Like `on_both_backends!`, for tests that start their own app: the body gets the backend.
#[macro_export]
macro_rules! for_both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(alcove_testkit::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(alcove_testkit::Backend::Postgres).await
            }
        }
    };
}

pub async fn get_json(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The id of the thread whose client has this name, as the client's clinician sees it.
pub async fn thread_of(app: &TestApp, clinician_token: &str, client_name: &str) -> String {
    let (s, v) = get_json(app, clinician_token, "/api/v1/threads").await;
    assert_eq!(s, 200);
    v["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["client_name"] == client_name)
        .expect("thread for client")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

pub fn assert_error_shape(v: &Value, code: &str) {
    assert_eq!(v["error"]["code"], code, "body: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "message in {v}"
    );
}

/// An app on `backend` whose clock stands at `at` (UTC) until the test moves it, with mail
/// going to `smtp_url` (or the outbox) and the reminders job off unless `config` turns it on.
pub async fn spawn_at(
    backend: alcove_testkit::Backend,
    at: &str,
    smtp_url: Option<String>,
    config: Option<alcove_web::WebConfig>,
) -> (TestApp, std::sync::Arc<alcove_domain::ManualClock>) {
    let t: chrono::DateTime<chrono::Utc> = at.parse().expect("an RFC 3339 time");
    let clock = std::sync::Arc::new(alcove_domain::ManualClock::at(t));
    let config = config.unwrap_or_else(|| alcove_web::WebConfig {
        reminder_every: None,
        ..alcove_web::WebConfig::default()
    });
    let app = alcove_testkit::spawn(alcove_testkit::Options {
        backend,
        clock: clock.clone(),
        config,
        smtp_url,
    })
    .await;
    (app, clock)
}

/// A web session for the demo person `name`, after stepping the clock past the last TOTP
/// step used (a code is accepted once).
pub async fn session_of(
    app: &TestApp,
    clock: &alcove_domain::ManualClock,
    name: &str,
) -> reqwest::Client {
    clock.advance(chrono::Duration::seconds(31));
    app.web_session(app.account_named(name)).await
}

/// A bearer token for the demo person `name` (stepping the clock like [`session_of`]).
pub async fn token_of(app: &TestApp, clock: &alcove_domain::ManualClock, name: &str) -> String {
    clock.advance(chrono::Duration::seconds(31));
    app.token(app.account_named(name)).await
}

/// The user id of a demo person.
pub async fn user_id(app: &TestApp, name: &str) -> alcove_domain::UserId {
    app.state
        .store
        .user_by_email(&app.account_named(name).email.parse().expect("email"))
        .await
        .expect("store")
        .expect("demo person")
        .id
}

/// The client record id of a demo client.
pub async fn client_id(app: &TestApp, name: &str) -> alcove_domain::ClientId {
    let user = user_id(app, name).await;
    app.state
        .store
        .client_by_user(user)
        .await
        .expect("store")
        .expect("demo client record")
        .id
}
