//! Issue 6, the session: check-in before every session (licensure where the client is at that
//! instant, readiness), the waiting room, admission only after an allowed check-in, the room
//! for admitted participants only, ending for everyone, the session record, ICE servers.

mod common;

use alcove_domain::ManualClock;
use alcove_testkit::{csrf_from, Backend, TestApp};
use chrono::Duration;
use common::{assert_error_shape, client_id, session_of, spawn_at, token_of};
use serde_json::Value;

const NOW: &str = "2026-12-07T15:00:00Z";

/// The demo's one-to-one session of this client (Alex's starts now, Casey's an hour later).
async fn session_of_client(app: &TestApp, name: &str) -> String {
    let client = client_id(app, name).await;
    alcove_web::scheduling::appointments::of_client(&app.state, client)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.clients.len() == 1)
        .expect("the demo books a session")
        .id
        .to_string()
}

async fn post(
    app: &TestApp,
    web: &reqwest::Client,
    form_page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let csrf = csrf_from(&app.text(web, form_page).await);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = web.post(app.url(path)).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, location, r.text().await.unwrap_or_default())
}

async fn status(app: &TestApp, web: &reqwest::Client, id: &str) -> Value {
    web.get(app.url(&format!("/sessions/{id}/status")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn check_in(
    app: &TestApp,
    web: &reqwest::Client,
    id: &str,
    jurisdiction: &str,
) -> (u16, Option<String>, String) {
    let page = format!("/sessions/{id}");
    post(
        app,
        web,
        &page,
        &format!("/sessions/{id}/check-in"),
        &[
            ("jurisdiction", jurisdiction),
            ("address", ""),
            ("private_place", "yes"),
            ("fallback_phone", "+1 617 555 0142"),
            ("emergency_contact_confirmed", "yes"),
        ],
    )
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.state
        .store
        .audit_events(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn alex_and_dana(backend: Backend) -> (TestApp, std::sync::Arc<ManualClock>, String) {
    let (app, clock) = spawn_at(backend, NOW, None, None).await;
    let id = session_of_client(&app, "Alex Rivera").await;
    (app, clock, id)
}

for_both_backends!(
    a_client_checks_in_from_a_licensed_state_waits_and_enters_only_once_admitted,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        let page = app.text(&alex, &format!("/sessions/{id}")).await;
        assert!(page.contains(r#"id="check-in-form""#), "{page}");
        // Prefilled from the emergency plan: the fallback phone, the place, the contact.
        assert!(page.contains(r#"value="US-MA""#), "{page}");
        assert!(
            page.contains("+16175550142") || page.contains("617"),
            "{page}"
        );
        assert!(page.contains("Sam Rivera (brother)"), "{page}");
        // Seed 002: the client is reminded how to keep the session private.
        assert!(
            page.contains("private network") && page.contains("shared or work computer"),
            "{page}"
        );

        let (s, loc, _) = check_in(&app, &alex, &id, "us-ma").await;
        assert_eq!(
            (s, loc.as_deref()),
            (303, Some(format!("/sessions/{id}").as_str()))
        );
        let waiting = app.text(&alex, &format!("/sessions/{id}")).await;
        assert!(waiting.contains(r#"data-phase="waiting""#), "{waiting}");
        // Seed 001: the waiting room links the anonymous contact form.
        assert!(waiting.contains(r#"href="/contact""#), "{waiting}");
        assert_eq!(status(&app, &alex, &id).await["state"], "waiting");
        // Checked in is not admitted: the room stays shut.
        let (s, _) = app.page(&alex, &format!("/sessions/{id}/room")).await;
        assert_eq!(s, 403);

        // Dana sees the check-in before admitting: place, licence basis, phone, contact.
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let host = app.text(&dana, &format!("/sessions/{id}")).await;
        assert!(host.contains("US-MA"), "{host}");
        assert!(host.contains("LICSW") || host.contains("123456"), "{host}");
        assert!(
            host.contains("+1 617 555 0142") || host.contains("+16175550142"),
            "{host}"
        );
        assert!(host.contains("Admit Alex Rivera"), "{host}");
        let alex_client = client_id(&app, "Alex Rivera").await;
        let (s, _, _) = post(
            &app,
            &dana,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/admit/{}", alex_client.0),
            &[],
        )
        .await;
        assert_eq!(s, 303);
        let st = status(&app, &alex, &id).await;
        assert_eq!(st["state"], "admitted");
        assert_eq!(st["admitted"], true);
        let room = app.text(&alex, &format!("/sessions/{id}/room")).await;
        for needle in [
            r#"id="peers" data-session=""#,
            r#"id="mute""#,
            r#"id="camera""#,
            r#"id="audio-only""#,
            r#"id="fallback""#,
            r#"id="reconnect""#,
            r#"id="session-clock""#,
            "Nothing in this session is recorded",
            // Standard 6: the clinician's own words on what happens if the technology fails.
            "If our video drops, I call you within two minutes",
        ] {
            assert!(room.contains(needle), "{needle} in {room}");
        }
        // Only the clinician ends the session.
        assert!(!room.contains(r#"id="end-session""#));
        let actions = audit_actions(&app).await;
        for a in [
            "session.check_in.allowed",
            "session.check_in.view",
            "session.admit",
            "session.room.enter",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
    }
);

for_both_backends!(
    a_check_in_from_an_unlicensed_state_is_refused_with_why_and_what_to_do_and_cannot_be_admitted,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        let (s, _, _) = check_in(&app, &alex, &id, "US-CA").await;
        assert_eq!(s, 303, "the refusal is recorded, then shown");
        let page = app.text(&alex, &format!("/sessions/{id}")).await;
        assert!(page.contains(r#"id="check-in-denied""#), "{page}");
        assert!(
            page.contains("not licensed where you are now (US-CA)"),
            "{page}"
        );
        assert!(page.contains("referral"), "{page}");
        assert_eq!(status(&app, &alex, &id).await["state"], "scheduled");

        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let host = app.text(&dana, &format!("/sessions/{id}")).await;
        assert!(host.contains("Not licensed in US-CA"), "{host}");
        assert!(!host.contains("Admit Alex Rivera"), "{host}");
        let alex_client = client_id(&app, "Alex Rivera").await;
        let (s, _, _) = post(
            &app,
            &dana,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/admit/{}", alex_client.0),
            &[],
        )
        .await;
        assert_eq!(s, 409, "no admission on a refused check-in");
        let (s, _) = app.page(&alex, &format!("/sessions/{id}/room")).await;
        assert_eq!(s, 403);
        assert!(audit_actions(&app)
            .await
            .iter()
            .any(|a| a == "session.check_in.denied"));

        // Back home in Massachusetts, the same client checks in again and may be admitted.
        let (s, _, _) = check_in(&app, &alex, &id, "US-MA").await;
        assert_eq!(s, 303);
        assert_eq!(status(&app, &alex, &id).await["state"], "waiting");
    }
);

for_both_backends!(
    a_check_in_without_privacy_a_phone_or_a_confirmed_contact_names_each_problem_and_records_nothing,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        let (s, _, html) = post(
            &app,
            &alex,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/check-in"),
            &[("jurisdiction", "Massachusetts"), ("fallback_phone", "call me")],
        )
        .await;
        assert_eq!(s, 422);
        for e in [
            r#"id="jurisdiction-error""#,
            r#"id="fallback_phone-error""#,
            r#"id="private_place-error""#,
            r#"id="emergency_contact_confirmed-error""#,
        ] {
            assert!(html.contains(e), "{e} in {html}");
        }
        assert!(html.contains(r#"value="call me""#), "keeps what was typed");
        let client = client_id(&app, "Alex Rivera").await;
        assert!(alcove_web::sessions::checkin::latest(&app.state, client, &id)
            .await
            .unwrap()
            .is_none());
    }
);

for_both_backends!(
    casey_in_california_is_refused_at_check_in_and_told_what_is_still_to_do,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let id = session_of_client(&app, "Casey Morgan").await;
        let casey = session_of(&app, &clock, "Casey Morgan").await;
        let page = app.text(&casey, &format!("/sessions/{id}")).await;
        assert!(page.contains(r#"id="not-ready""#), "{page}");
        assert!(page.contains(r#"value="US-CA""#), "{page}");
        let (s, _, _) = check_in(&app, &casey, &id, "US-CA").await;
        assert_eq!(s, 303);
        let page = app.text(&casey, &format!("/sessions/{id}")).await;
        assert!(
            page.contains("not licensed where you are now (US-CA)"),
            "{page}"
        );
        assert!(!page.contains(r#"data-phase="waiting""#));
    }
);

for_both_backends!(
    the_clinician_ends_the_session_for_everyone_and_the_record_keeps_what_happened,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        check_in(&app, &alex, &id, "US-MA").await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let alex_client = client_id(&app, "Alex Rivera").await;
        post(
            &app,
            &dana,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/admit/{}", alex_client.0),
            &[],
        )
        .await;
        // 40 minutes in, both pages polling (staff are signed out after 15 idle minutes).
        for _ in 0..4 {
            clock.advance(Duration::minutes(10));
            status(&app, &alex, &id).await;
            status(&app, &dana, &id).await;
        }
        let room = format!("/sessions/{id}/room");
        // The same note twice in a row (a page repeating itself) is noted once.
        for what in ["connection_lost", "connection_lost", "reconnected"] {
            let (s, _, _) = post(
                &app,
                &alex,
                &room,
                &format!("/sessions/{id}/problems"),
                &[("what", what)],
            )
            .await;
            assert_eq!(s, 204, "{what}");
        }
        let (s, _, _) = post(
            &app,
            &alex,
            &room,
            &format!("/sessions/{id}/problems"),
            &[("what", "a long story")],
        )
        .await;
        assert_eq!(s, 422, "only known codes are noted");
        // A client cannot end it.
        let (s, _, _) = post(&app, &alex, &room, &format!("/sessions/{id}/end"), &[]).await;
        assert_eq!(s, 403);
        clock.advance(Duration::minutes(5));
        let (s, loc, _) = post(&app, &dana, &room, &format!("/sessions/{id}/end"), &[]).await;
        assert_eq!(
            (s, loc.as_deref()),
            (303, Some(format!("/sessions/{id}/record").as_str()))
        );

        // Everyone's room is closed.
        for web in [&alex, &dana] {
            let st = status(&app, web, &id).await;
            assert_eq!(st["state"], "ended");
            assert_eq!(st["admitted"], false);
            let r = web.get(app.url(&room)).send().await.unwrap();
            assert_eq!(r.status(), 303);
        }
        let (s, _) = common::get_json(
            &app,
            &token_of(&app, &clock, "Dana Whitfield").await,
            &format!("/api/v1/sessions/{id}/ice"),
        )
        .await;
        assert_eq!(s, 403, "no ICE servers after the end");
        let page = app.text(&alex, &format!("/sessions/{id}")).await;
        assert!(page.contains("This session has ended."), "{page}");

        let record = app.text(&dana, &format!("/sessions/{id}/record")).await;
        assert!(record.contains("2026-12-07 15:"), "actual start: {record}");
        assert!(record.contains("2026-12-07 15:46"), "actual end: {record}");
        assert!(record.contains("US-MA"), "{record}");
        assert!(
            record.contains("LICSW") || record.contains("123456"),
            "basis: {record}"
        );
        assert!(
            record.contains("Connection lost") && record.contains("Reconnected"),
            "{record}"
        );
        assert!(
            record.contains("Alex Rivera") && record.contains("Video"),
            "{record}"
        );
        let (s, _) = app.page(&alex, &format!("/sessions/{id}/record")).await;
        assert_eq!(s, 404, "the record is the clinician's");
        let stored = alcove_web::scheduling::appointments::load(
            &app.state,
            id.parse::<uuid::Uuid>()
                .map(alcove_domain::AppointmentId)
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .appointment;
        assert_eq!(stored.session.admitted, vec![alex_client]);
        assert_eq!(stored.session.problems.len(), 2);
        assert!(stored.session.started_at.is_some() && stored.session.ended_at.is_some());
        assert!(audit_actions(&app).await.iter().any(|a| a == "session.end"));
    }
);

for_both_backends!(
    the_room_closes_for_everyone_when_the_time_is_up_even_if_nobody_ends_it,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        check_in(&app, &alex, &id, "US-MA").await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let alex_client = client_id(&app, "Alex Rivera").await;
        post(
            &app,
            &dana,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/admit/{}", alex_client.0),
            &[],
        )
        .await;
        let (s, _) = app.page(&dana, &format!("/sessions/{id}/room")).await;
        assert_eq!(s, 200);
        // 50 minutes, then 10 minutes' grace (both pages polling meanwhile).
        for _ in 0..6 {
            clock.advance(Duration::minutes(10));
            status(&app, &alex, &id).await;
            status(&app, &dana, &id).await;
        }
        clock.advance(Duration::minutes(1));
        assert_eq!(status(&app, &dana, &id).await["state"], "closed");
        let r = alex
            .get(app.url(&format!("/sessions/{id}/room")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
);

for_both_backends!(
    nobody_outside_the_session_learns_it_exists,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        for name in ["Jordan Lee", "Samuel Okafor"] {
            let web = session_of(&app, &clock, name).await;
            for path in [
                format!("/sessions/{id}"),
                format!("/sessions/{id}/status"),
                format!("/sessions/{id}/room"),
            ] {
                let (s, _) = app.page(&web, &path).await;
                assert_eq!(s, 404, "{name} {path}");
            }
        }
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_servers_come_with_turn_credentials_only_for_those_in_the_room() {
    let config = alcove_web::WebConfig {
        reminder_every: None,
        ice_servers: alcove_web::sessions::ice::parse_ice_servers(
            "stun:stun.example.org:3478, turn:turn.example.org:3478?transport=udp",
        )
        .unwrap(),
        turn_secret: Some(alcove_web::sessions::ice::TurnSecret(
            b"north-wind".to_vec(),
        )),
        ..alcove_web::WebConfig::default()
    };
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, Some(config)).await;
    let id = session_of_client(&app, "Alex Rivera").await;
    let dana = token_of(&app, &clock, "Dana Whitfield").await;
    let (s, v) = common::get_json(&app, &dana, &format!("/api/v1/sessions/{id}/ice")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ice_servers"][0]["urls"][0], "stun:stun.example.org:3478");
    let turn = &v["ice_servers"][1];
    assert_eq!(turn["urls"][0], "turn:turn.example.org:3478?transport=udp");
    let username = turn["username"].as_str().unwrap();
    let (expiry, user) = username.split_once(':').unwrap();
    let dana_id = common::user_id(&app, "Dana Whitfield").await;
    assert_eq!(user, dana_id.to_string());
    let expiry: i64 = expiry.parse().unwrap();
    // An hour after the session's scheduled end (15:50 UTC).
    assert_eq!(
        expiry,
        "2026-12-07T16:50:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .timestamp()
    );
    let want = alcove_crypto::turn::turn_credential(b"north-wind", user, expiry);
    assert_eq!(turn["credential"], want.credential);

    // Alex has not been admitted: no ICE servers, in the contract's error shape.
    let alex = token_of(&app, &clock, "Alex Rivera").await;
    let (s, v) = common::get_json(&app, &alex, &format!("/api/v1/sessions/{id}/ice")).await;
    assert_eq!(s, 403);
    assert_error_shape(&v, "not_admitted");
    // Someone else's session does not exist for Jordan.
    let jordan = token_of(&app, &clock, "Jordan Lee").await;
    let (s, v) = common::get_json(&app, &jordan, &format!("/api/v1/sessions/{id}/ice")).await;
    assert_eq!(s, 404);
    assert_error_shape(&v, "not_found");
    // Dana's group is three hours away: before its check-in opens there is no room, and no
    // TURN credentials, even for her.
    let later = alcove_web::scheduling::appointments::of_client(
        &app.state,
        client_id(&app, "Jordan Lee").await,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|a| a.clients.len() == 3)
    .expect("the demo's group with Jordan")
    .id;
    let (s, v) = common::get_json(&app, &dana, &format!("/api/v1/sessions/{later}/ice")).await;
    assert_eq!(s, 403, "{v}");
    assert_error_shape(&v, "not_admitted");
    // A one-to-one session may connect directly...
    let (_, v) = common::get_json(&app, &dana, &format!("/api/v1/sessions/{id}/ice")).await;
    assert_eq!(v["ice_transport_policy"], "all", "{v}");
    // ...but in a group (Samuel's, starting now) every connection goes through TURN, so the
    // clients never learn each other's network addresses.
    let group = alcove_web::scheduling::appointments::of_client(
        &app.state,
        client_id(&app, "Riley Chen").await,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|a| a.clients.len() == 3)
    .expect("Samuel's group")
    .id;
    let samuel = token_of(&app, &clock, "Samuel Okafor").await;
    let (s, v) = common::get_json(&app, &samuel, &format!("/api/v1/sessions/{group}/ice")).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ice_transport_policy"], "relay", "{v}");
}

for_both_backends!(
    the_demos_group_of_four_can_meet_now_each_client_checking_in_from_pennsylvania,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let names = ["Riley Chen", "Taylor Brooks", "Noor Haddad"];
        let riley = client_id(&app, names[0]).await;
        let group = alcove_web::scheduling::appointments::of_client(&app.state, riley)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.clients.len() == 3)
            .expect("the demo books Samuel's group");
        let id = group.id.to_string();
        for name in names {
            let client = client_id(&app, name).await;
            assert!(group.clients.contains(&client), "{name} is in the group");
            let readiness = alcove_web::onboarding::readiness_of(&app.state, client)
                .await
                .unwrap();
            assert!(readiness.ready, "{name} is ready: {:?}", readiness.done);
            let web = session_of(&app, &clock, name).await;
            let (s, loc, _) = check_in(&app, &web, &id, "US-PA").await;
            assert_eq!((s, loc), (303, Some(format!("/sessions/{id}"))), "{name}");
            let st = status(&app, &web, &id).await;
            assert_eq!(st["admitted"], false, "{name}: {st}");
            assert_eq!(st["state"], "waiting", "{name} waits, checked in: {st}");
        }
    }
);

for_both_backends!(
    a_clinician_taken_off_the_care_team_loses_the_session_at_once,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let page = format!("/sessions/{id}");
        assert_eq!(app.page(&dana, &page).await.0, 200);
        let alex = client_id(&app, "Alex Rivera").await;
        let dana_id = common::user_id(&app, "Dana Whitfield").await;
        app.state
            .store
            .remove_from_care_team(alex, dana_id)
            .await
            .unwrap();
        for path in [
            page.clone(),
            format!("{page}/record"),
            format!("{page}/room"),
            format!("{page}/status"),
            format!("/appointments/{id}/cancel"),
        ] {
            assert_eq!(app.page(&dana, &path).await.0, 404, "{path}");
        }
    }
);

for_both_backends!(
    admission_runs_the_licence_check_again_and_refuses_when_it_no_longer_holds,
    |backend| async move {
        let (app, clock, id) = alex_and_dana(backend).await;
        let alex = session_of(&app, &clock, "Alex Rivera").await;
        let (s, _, _) = check_in(&app, &alex, &id, "US-MA").await;
        assert_eq!(s, 303);
        assert_eq!(status(&app, &alex, &id).await["state"], "waiting");
        // Between the check-in and the admission, Dana's Massachusetts licence is gone from
        // her register (it lapsed, or was recorded in error): only New York is left.
        let dana_id = common::user_id(&app, "Dana Whitfield").await;
        app.state
            .store
            .put_credentials(&alcove_store::CredentialsDoc {
                clinician_id: dana_id,
                document: r#"{"profession":"social_work","credentials":[
                    {"kind":"license","jurisdiction":"US-NY","title":"LCSW","number":"654321","expires":"2027-12-31"}]}"#
                    .into(),
                updated_at: alcove_domain::Clock::now(clock.as_ref()),
                updated_by: dana_id,
            })
            .await
            .unwrap();
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let alex_client = client_id(&app, "Alex Rivera").await;
        let (s, _, body) = post(
            &app,
            &dana,
            &format!("/sessions/{id}"),
            &format!("/sessions/{id}/admit/{}", alex_client.0),
            &[],
        )
        .await;
        assert_eq!(s, 409, "{body}");
        assert!(body.contains("can no longer start"), "{body}");
        assert_eq!(status(&app, &alex, &id).await["admitted"], false);
        let (s, _) = app.page(&alex, &format!("/sessions/{id}/room")).await;
        assert_eq!(s, 403);
    }
);
