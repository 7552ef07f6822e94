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
