//! What sending keeps in memory between requests (issue 7, speed: care teams, policies,
//! pauses, users, data keys) never outlives a change: a change made through one instance —
//! or straight in the database, as a CLI command would — applies to the very next send on
//! every instance. Each test warms both instances' memory first, then changes one thing
//! through instance A and sends at once through B (and A).

mod common;

use std::sync::Arc;
use std::time::Duration;

use alcove_domain::communication::Policy;
use alcove_domain::{ClientId, ManualClock, UserId};
use alcove_store::{CareRole, DocKind, Owner};
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{spawn, spawn_beside, Backend, Options, TestApp};
use alcove_web::messaging::send::Pause;
use chrono::{DateTime, Utc};
use common::{get_json, thread_of};
use serde_json::{json, Value};

/// Monday 23 November 2026, 10:00 in New York: within the default policy's hours.
const IN_HOURS: &str = "2026-11-23T15:00:00Z";

async fn two_instances(backend: Backend) -> (TestApp, TestApp, Arc<ManualClock>) {
    let t: DateTime<Utc> = IN_HOURS.parse().unwrap();
    let clock = Arc::new(ManualClock::at(t));
    let a = spawn(Options {
        backend,
        clock: clock.clone(),
        ..Options::default()
    })
    .await;
    let b = spawn_beside(&a, clock.clone()).await;
    (a, b, clock)
}

/// A staff token; the stopped clock moves on past the TOTP step just used.
async fn staff_token(app: &TestApp, clock: &ManualClock, name: &str) -> String {
    let t = app.token(app.account_named(name)).await;
    clock.advance(chrono::Duration::seconds(31));
    t
}

async fn send(app: &TestApp, token: &str, thread: &str, body: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{thread}/messages")))
        .bearer_auth(token)
        .json(&json!({ "body": body }))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn message_count(app: &TestApp, token: &str, thread: &str) -> usize {
    let (_, v) = get_json(app, token, &format!("/api/v1/threads/{thread}/messages")).await;
    v["messages"].as_array().unwrap().len()
}

async fn user_id(app: &TestApp, name: &str) -> UserId {
    let email = app.account_named(name).email.parse().unwrap();
    app.state
        .store
        .user_by_email(&email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn client_id(app: &TestApp, name: &str) -> ClientId {
    let user = user_id(app, name).await;
    app.state
        .store
        .client_by_user(user)
        .await
        .unwrap()
        .unwrap()
        .id
}

for_both_backends!(
    a_clinician_taken_off_the_care_team_cannot_send_one_more_message_on_either_instance,
    |backend| async move {
        let (a, b, clock) = two_instances(backend).await;
        let dana = staff_token(&a, &clock, "Dana Whitfield").await;
        let samuel = staff_token(&a, &clock, "Samuel Okafor").await;
        let thread = thread_of(&a, &dana, "Alex Rivera").await;
        let alex = client_id(&a, "Alex Rivera").await;
        let samuel_id = user_id(&a, "Samuel Okafor").await;
        a.state
            .store
            .add_to_care_team(alex, samuel_id, CareRole::Covering, a.state.clock.now())
            .await
            .unwrap();
        // Covering: Samuel sends through both instances (and both now hold the care team).
        for app in [&a, &b, &a, &b] {
            let (s, v) = send(app, &samuel, &thread, "Covering this week.").await;
            assert_eq!(s, 201, "{v}");
        }
        let before = message_count(&a, &dana, &thread).await;

        // Cover ends, through instance A's store: the very next send is refused on both.
        a.state
            .store
            .remove_from_care_team(alex, samuel_id)
            .await
            .unwrap();
        for app in [&b, &a] {
            let (s, v) = send(app, &samuel, &thread, "One more?").await;
            assert_eq!(s, 404, "not on the care team any more: {v}");
        }
        assert_eq!(message_count(&b, &dana, &thread).await, before);
    }
);

for_both_backends!(
    a_policy_change_applies_to_the_very_next_message_on_either_instance,
    |backend| async move {
        let (a, b, clock) = two_instances(backend).await;
        let dana = staff_token(&a, &clock, "Dana Whitfield").await;
        let alex = a.token(a.account_named("Alex Rivera")).await;
        let thread = thread_of(&a, &dana, "Alex Rivera").await;
        let long = "a".repeat(301);
        for app in [&a, &b] {
            let (s, v) = send(app, &alex, &thread, &long).await;
            assert_eq!(s, 201, "the default limit allows 301 characters: {v}");
        }

        // Dana shortens the limit to 300 (through A's documents, as the policy page does).
        let dana_id = user_id(&a, "Dana Whitfield").await;
        let owner = Owner::User(dana_id);
        let latest = a
            .state
            .docs
            .latest::<Policy>(DocKind::CommunicationPolicy, owner, "policy")
            .await
            .unwrap()
            .map_or(0, |v| v.version);
        let policy = Policy {
            max_length: 300,
            ..Policy::default()
        };
        a.state
            .docs
            .save(
                DocKind::CommunicationPolicy,
                owner,
                "policy",
                latest,
                &policy,
                Some(dana_id),
            )
            .await
            .unwrap();
        for app in [&b, &a] {
            let (s, v) = send(app, &alex, &thread, &long).await;
            assert_eq!(s, 422, "the new limit applies at once: {v}");
            assert!(
                v["error"]["message"].as_str().unwrap().contains("300"),
                "{v}"
            );
        }

        // Messaging withdrawn: the next message is refused too.
        a.state
            .docs
            .save(
                DocKind::CommunicationPolicy,
                owner,
                "policy",
                latest + 1,
                &Policy {
                    offered: false,
                    ..policy
                },
                Some(dana_id),
            )
            .await
            .unwrap();
        let (s, v) = send(&b, &alex, &thread, "short").await;
        assert_eq!(s, 403, "{v}");
    }
);

for_both_backends!(
    a_pause_applies_to_the_very_next_message_on_either_instance,
    |backend| async move {
        let (a, b, clock) = two_instances(backend).await;
        let dana = staff_token(&a, &clock, "Dana Whitfield").await;
        let alex = a.token(a.account_named("Alex Rivera")).await;
        let thread = thread_of(&a, &dana, "Alex Rivera").await;
        for app in [&a, &b] {
            let (s, v) = send(app, &alex, &thread, "Before the pause.").await;
            assert_eq!(s, 201, "{v}");
        }
        let alex_id = client_id(&a, "Alex Rivera").await;
        let pause = |paused| Pause {
            paused,
            note: "Agreed in session: we talk on Thursdays.".into(),
        };
        a.state
            .docs
            .append(
                DocKind::MessagingPause,
                Owner::Client(alex_id),
                "pause",
                &pause(true),
                None,
            )
            .await
            .unwrap();
        for app in [&b, &a] {
            let (s, v) = send(app, &alex, &thread, "During the pause.").await;
            assert_eq!(s, 409, "{v}");
        }
        a.state
            .docs
            .append(
                DocKind::MessagingPause,
                Owner::Client(alex_id),
                "pause",
                &pause(false),
                None,
            )
            .await
            .unwrap();
        let (s, v) = send(&b, &alex, &thread, "After the pause.").await;
        assert_eq!(s, 201, "{v}");
    }
);

for_both_backends!(
    a_destroyed_data_key_is_never_used_from_memory,
    |backend| async move {
        let (a, b, clock) = two_instances(backend).await;
        let dana = staff_token(&a, &clock, "Dana Whitfield").await;
        let alex = a.token(a.account_named("Alex Rivera")).await;
        let thread = thread_of(&a, &dana, "Alex Rivera").await;
        for app in [&a, &b] {
            let (s, v) = send(app, &alex, &thread, "Sealed with my key.").await;
            assert_eq!(s, 201, "{v}");
        }
        assert!(b.state.keys.keys_in_memory() >= 1, "B holds Alex's key");
        // Crypto-shredding (as erasure does): nothing more is sealed with the old key.
        let alex_id = client_id(&a, "Alex Rivera").await;
        a.state.store.destroy_data_keys(alex_id).await.unwrap();
        for app in [&b, &a] {
            let (s, v) = send(app, &alex, &thread, "After the shredding.").await;
            assert_eq!(s, 404, "{v}");
            assert_eq!(v["error"]["code"], "record_destroyed", "{v}");
        }
    }
);

for_both_backends!(
    a_changed_password_ends_sessions_on_the_very_next_request_of_either_instance,
    |backend| async move {
        let (a, b, _clock) = two_instances(backend).await;
        let alex = a.token(a.account_named("Alex Rivera")).await;
        for app in [&a, &b] {
            let (s, _) = get_json(app, &alex, "/api/v1/threads").await;
            assert_eq!(s, 200);
        }
        let alex_user = user_id(&a, "Alex Rivera").await;
        let later = a.state.clock.now() + chrono::Duration::seconds(1);
        a.state
            .store
            .set_password(alex_user, "$argon2id$changed", later)
            .await
            .unwrap();
        for app in [&b, &a] {
            let (s, _) = get_json(app, &alex, "/api/v1/threads").await;
            assert_eq!(s, 401, "the session started before the change");
        }
    }
);

#[tokio::test]
async fn message_waiting_emails_are_one_per_quiet_spell_and_reading_resets_it() {
    let sink = SmtpSink::start().await;
    let t: DateTime<Utc> = IN_HOURS.parse().unwrap();
    let clock = Arc::new(ManualClock::at(t));
    let app = spawn(Options {
        clock: clock.clone(),
        smtp_url: Some(sink.url()),
        ..Options::default()
    })
    .await;
    let dana = staff_token(&app, &clock, "Dana Whitfield").await;
    let alex = app.token(app.account_named("Alex Rivera")).await;
    let thread = thread_of(&app, &dana, "Alex Rivera").await;
    for n in 0..3 {
        let (s, v) = send(&app, &alex, &thread, &format!("Message {n}")).await;
        assert_eq!(s, 201, "{v}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.wait_for(1, Duration::from_secs(10)).await.len(),
        1,
        "three messages in a row: one email that messages are waiting"
    );

    // Dana reads the thread: the next message is news again.
    let (s, _) = get_json(&app, &dana, &format!("/api/v1/threads/{thread}/messages")).await;
    assert_eq!(s, 200);
    let (s, _) = send(&app, &alex, &thread, "After you read.").await;
    assert_eq!(s, 201);
    assert_eq!(sink.wait_for(2, Duration::from_secs(10)).await.len(), 2);

    // Unread, but the quiet spell is over: told again.
    clock.advance(chrono::Duration::minutes(6));
    let (s, _) = send(&app, &alex, &thread, "Much later.").await;
    assert_eq!(s, 201);
    let mails = sink.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 3);
    assert!(mails
        .iter()
        .all(|m| m.to == vec!["dana.whitfield@alcove-demo.example".to_owned()]));
}
