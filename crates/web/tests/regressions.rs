//! Security review findings, each kept as a test that failed before its fix.

mod common;

use std::sync::Arc;

use alcove_domain::{ManualClock, Role};
use alcove_testkit::{csrf_from, rfc6238, spawn, Options, TestApp};
use chrono::{TimeZone, Utc};
use serde_json::json;

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

/// Finding (fixed): the sign-in throttle is check-then-act (`auth/throttle.rs` `retry_after` before,
/// `fail` after), so a burst of concurrent guesses all pass the check before the first failure
/// is counted. With the account limit at 5, an attacker who knows a clinician's password can
/// try many TOTP codes per pause instead of 5.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_totp_guesses_are_held_to_the_per_account_limit() {
    let (app, clock) = manual_app().await;
    let dana = app.account_named("Dana Whitfield").clone();
    let secret = dana.totp_secret.clone().unwrap();
    let now = clock.now_ts();
    let valid: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|d| rfc6238::code(&secret, now + d))
        .collect();
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap();

    let b = TestApp::browser();
    let csrf = csrf_from(&app.text(&b, "/sign-in").await);
    let r = b
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", dana.email.as_str()),
            ("password", dana.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/sign-in/code");
    let csrf = csrf_from(&app.text(&b, "/sign-in/code").await);

    let mut tasks = Vec::new();
    for _ in 0..60 {
        let (b, url, csrf, wrong) = (
            b.clone(),
            app.url("/sign-in/code"),
            csrf.clone(),
            wrong.clone(),
        );
        tasks.push(tokio::spawn(async move {
            b.post(url)
                .form(&[("csrf", csrf.as_str()), ("code", wrong.as_str())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut evaluated = 0;
    for t in tasks {
        if t.await.unwrap() == 401 {
            evaluated += 1;
        }
    }
    let limit = app.state.config.sign_in_failures_per_account;
    assert!(
        evaluated <= limit,
        "{evaluated} TOTP guesses were checked in one burst; the per-account limit is {limit}"
    );
}

/// Same race on the password step of `POST /api/v1/auth/token`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_password_guesses_are_held_to_the_per_account_limit() {
    let (app, _clock) = manual_app().await;
    let alex = app.account(Role::Client).clone();
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (url, email) = (app.url("/api/v1/auth/token"), alex.email.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"email": email, "password": format!("guess number {i}")});
            reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut evaluated = 0;
    for t in tasks {
        if t.await.unwrap() == 401 {
            evaluated += 1;
        }
    }
    let limit = app.state.config.sign_in_failures_per_account;
    assert!(
        evaluated <= limit,
        "{evaluated} password guesses were checked in one burst; the limit is {limit}"
    );
}

/// Finding (fixed): `services/audit_log.rs::verify` (behind `alcove audit verify` and /audit/verify)
/// never calls `ChainVerifier::require_checkpoint_every`, so whoever can write the database can
/// rewrite any event, recompute the (unkeyed) chain, delete the signed checkpoints, and the log
/// still verifies. Here a clinician's view of a client's messages is erased from the client's
/// "who looked at my record" history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_chain_with_its_checkpoints_deleted_does_not_verify() {
    let app = alcove_testkit::spawn_app().await;
    let samuel = app.token(app.account_named("Samuel Okafor")).await;
    let t = common::thread_of(&app, &samuel, "Riley Chen").await;
    let (s, _) = common::get_json(&app, &samuel, &format!("/api/v1/threads/{t}/messages")).await;
    assert_eq!(s, 200);
    // A signed checkpoint over the head, as at shutdown.
    app.state.audit.checkpoint_now().await.unwrap();
    let ok = app.state.audit.verify().await.unwrap();
    assert!(ok.checkpoints >= 1);

    let riley = app
        .state
        .store
        .thread(t.parse().unwrap())
        .await
        .unwrap()
        .client_id;
    let before = app.state.store.access_log(riley, 100).await.unwrap();
    assert!(
        before.iter().any(|e| e.action == "thread.view"),
        "the view is in Riley's history"
    );

    // Someone with write access to the database (not to the signing key):
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        app.dir.path().join("alcove.db").display()
    ))
    .await
    .unwrap();
    for trig in [
        "audit_events_append_only_update",
        "audit_events_append_only_delete",
        "audit_checkpoints_append_only_update",
        "audit_checkpoints_append_only_delete",
    ] {
        sqlx::query(&format!("DROP TRIGGER {trig}"))
            .execute(&db)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM audit_checkpoints")
        .execute(&db)
        .await
        .unwrap();
    let mut events = app.state.store.audit_events(1, 100_000).await.unwrap();
    let mut prev = alcove_crypto::audit::GENESIS.to_vec();
    for e in events.iter_mut() {
        if e.action == "thread.view" && e.client_id == Some(riley) {
            e.client_id = None;
            e.action = "caseload.view".into();
        }
        e.prev_hash = prev.clone();
        e.hash = alcove_crypto::audit::chain_hash(&e.prev_hash, &e.fields()).to_vec();
        prev = e.hash.clone();
        sqlx::query("UPDATE audit_events SET client_id = ?, action = ?, prev_hash = ?, hash = ? WHERE seq = ?")
            .bind(e.client_id.map(|c| c.0.hyphenated().to_string()))
            .bind(&e.action)
            .bind(e.prev_hash.as_slice())
            .bind(e.hash.as_slice())
            .bind(e.seq)
            .execute(&db)
            .await
            .unwrap();
    }
    let after = app.state.store.access_log(riley, 100).await.unwrap();
    assert!(
        !after.iter().any(|e| e.action == "thread.view"),
        "the view is gone from Riley's history"
    );

    let r = app.state.audit.verify().await;
    assert!(
        r.is_err(),
        "a rewritten log with its signed checkpoints removed must not verify, got {r:?}"
    );
}

trait NowTs {
    fn now_ts(&self) -> i64;
}

impl NowTs for ManualClock {
    fn now_ts(&self) -> i64 {
        use alcove_domain::Clock;
        self.now().timestamp()
    }
}

#[tokio::test]
async fn a_deleted_checkpoint_mirror_is_reported() {
    let app = alcove_testkit::spawn_app().await;
    app.state.audit.checkpoint_now().await.unwrap();
    assert!(app.state.audit.verify().await.is_ok());
    std::fs::remove_file(app.dir.path().join("audit-checkpoints")).unwrap();
    let err = app.state.audit.verify().await.unwrap_err().to_string();
    assert!(err.contains("missing"), "{err}");
}
