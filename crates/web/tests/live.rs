//! Live updates over the WebSocket `/ws` and read state (issue 7), as a page and a user see
//! them: who may connect and from where, who may watch what, a sent message arriving, the
//! socket ending with the session, and unread counts on every surface.

mod common;

use std::time::Duration;

use alcove_testkit::{csrf_from, TestApp};
use common::*;
use futures::{SinkExt, StreamExt};
use reqwest::cookie::CookieStore;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn ws_url(app: &TestApp) -> String {
    app.base.replacen("http://", "ws://", 1) + "/ws"
}

/// A handshake to `/ws` with these cookies and this Origin (or none).
async fn open(
    app: &TestApp,
    cookies: Option<HeaderValue>,
    origin: Option<&str>,
) -> Result<Socket, WsError> {
    let mut req = ws_url(app).into_client_request().expect("request");
    if let Some(c) = cookies {
        req.headers_mut().insert("cookie", c);
    }
    if let Some(o) = origin {
        req.headers_mut()
            .insert("origin", HeaderValue::from_str(o).expect("origin"));
    }
    tokio_tungstenite::connect_async(req).await.map(|(s, _)| s)
}

/// A signed-in person's page session: the HTTP client and the cookies for the handshake.
struct Person {
    web: reqwest::Client,
    cookies: HeaderValue,
}

async fn person(app: &TestApp, clock: &alcove_domain::ManualClock, name: &str) -> Person {
    clock.advance(chrono::Duration::seconds(31));
    let (web, jar) = app.web_session_with_jar(app.account_named(name)).await;
    let cookies = jar
        .cookies(&app.base.parse().expect("base url"))
        .expect("signed in: a session cookie");
    Person { web, cookies }
}

async fn connect(app: &TestApp, p: &Person) -> Socket {
    open(app, Some(p.cookies.clone()), Some(&app.base))
        .await
        .expect("the handshake from the practice's own origin succeeds")
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

/// The next JSON frame, within 10 s.
async fn next(ws: &mut Socket) -> Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        match m {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON frame"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a JSON text frame, got {other:?}"),
        }
    }
}

async fn subscribe(ws: &mut Socket, thread: &str, after: Option<&str>) -> Value {
    let mut frame = json!({"type": "subscribe", "thread": thread});
    if let Some(a) = after {
        frame["after"] = a.into();
    }
    send(ws, frame).await;
    next(ws).await
}

async fn post(app: &TestApp, token: &str, thread: &str, body: &str) -> String {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/threads/{thread}/messages")))
        .bearer_auth(token)
        .json(&json!({ "body": body }))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The id of the last message of a thread, as its reader sees it through the API.
async fn last_message(app: &TestApp, token: &str, thread: &str) -> Option<String> {
    let (s, v) = get_json(app, token, &format!("/api/v1/threads/{thread}/messages")).await;
    assert_eq!(s, 200);
    v["messages"]
        .as_array()
        .and_then(|m| m.last())
        .map(|m| m["id"].as_str().expect("id").to_owned())
}

async fn unread_via_api(app: &TestApp, token: &str, thread: &str) -> i64 {
    let (s, v) = get_json(app, token, "/api/v1/threads").await;
    assert_eq!(s, 200);
    v["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["id"] == thread)
        .expect("the thread is listed")["unread_count"]
        .as_i64()
        .expect("unread_count is a number")
}

fn handshake_status(r: Result<Socket, WsError>) -> (u16, Option<String>) {
    match r {
        Ok(_) => (101, None),
        Err(WsError::Http(resp)) => (
            resp.status().as_u16(),
            resp.headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned),
        ),
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
    }
}

for_both_backends!(
    the_socket_is_refused_from_another_origin_or_without_one,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let alex = person(&app, &clock, "Alex Rivera").await;
        for origin in [Some("http://evil.example"), Some("null"), None] {
            let (status, _) =
                handshake_status(open(&app, Some(alex.cookies.clone()), origin).await);
            assert_eq!(status, 403, "Origin {origin:?} is refused");
        }
        // Same host, other scheme or port: not this origin either.
        let other_port = app.base.rsplit_once(':').unwrap().0.to_owned() + ":1";
        let (status, _) =
            handshake_status(open(&app, Some(alex.cookies.clone()), Some(&other_port)).await);
        assert_eq!(status, 403);
        let (status, _) =
            handshake_status(open(&app, Some(alex.cookies.clone()), Some(&app.base)).await);
        assert_eq!(status, 101, "the practice's own origin is accepted");
    }
);

for_both_backends!(
    the_socket_is_refused_to_a_caller_who_is_not_signed_in_or_not_clinical,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let (status, location) = handshake_status(open(&app, None, Some(&app.base)).await);
        assert_eq!((status, location.as_deref()), (303, Some("/sign-in")));
        let stale =
            HeaderValue::from_static("alcove_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        let (status, _) = handshake_status(open(&app, Some(stale), Some(&app.base)).await);
        assert_ne!(status, 101, "an unknown session token opens nothing");
        // An auditor has no clinical relation to anyone: no socket.
        let tom = person(&app, &clock, "Tom Becker").await;
        let (status, _) = handshake_status(open(&app, Some(tom.cookies), Some(&app.base)).await);
        assert_eq!(status, 403);
    }
);

for_both_backends!(
    nobody_can_watch_a_thread_that_is_not_theirs,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let dana_token = token_of(&app, &clock, "Dana Whitfield").await;
        let alex_thread = thread_of(&app, &dana_token, "Alex Rivera").await;
        let jordan_thread = thread_of(&app, &dana_token, "Jordan Lee").await;

        let jordan = person(&app, &clock, "Jordan Lee").await;
        let mut ws = connect(&app, &jordan).await;
        let refused = subscribe(&mut ws, &alex_thread, None).await;
        assert_eq!(refused["type"], "error");
        assert_eq!(refused["code"], "not_found", "{refused}");
        let nonsense = subscribe(&mut ws, "not-a-thread", None).await;
        assert_eq!(nonsense["code"], "not_found");
        send(&mut ws, json!({"type": "shout"})).await;
        assert_eq!(next(&mut ws).await["code"], "bad_request");
        let after = last_message(
            &app,
            &token_of(&app, &clock, "Jordan Lee").await,
            &jordan_thread,
        )
        .await;
        let ok = subscribe(&mut ws, &jordan_thread, after.as_deref()).await;
        assert_eq!(ok, json!({"type": "subscribed", "thread": jordan_thread}));

        // A message to Alex, then one to Jordan: Jordan hears only his own.
        post(&app, &dana_token, &alex_thread, "For Alex only.").await;
        let to_jordan = post(&app, &dana_token, &jordan_thread, "For Jordan.").await;
        assert_eq!(
            next(&mut ws).await,
            json!({"type": "message", "thread": jordan_thread, "message": to_jordan})
        );

        // Another clinician (not on Alex's care team) cannot watch Alex's thread either.
        let samuel = person(&app, &clock, "Samuel Okafor").await;
        let mut ws = connect(&app, &samuel).await;
        assert_eq!(
            subscribe(&mut ws, &alex_thread, None).await["code"],
            "not_found"
        );
    }
);

for_both_backends!(
    a_sent_message_arrives_on_the_readers_socket_and_the_page_fetches_it,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let dana_token = token_of(&app, &clock, "Dana Whitfield").await;
        let alex_token = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana_token, "Alex Rivera").await;
        let before = last_message(&app, &alex_token, &thread)
            .await
            .expect("demo messages");

        let alex = person(&app, &clock, "Alex Rivera").await;
        let mut ws = connect(&app, &alex).await;
        let first = subscribe(&mut ws, &thread, Some(&before)).await;
        assert_eq!(first, json!({"type": "subscribed", "thread": thread}));

        // Dana's watch is in Alex's access history, like her reading the thread would be.
        let dana = person(&app, &clock, "Dana Whitfield").await;
        let mut dana_ws = connect(&app, &dana).await;
        assert_eq!(
            subscribe(&mut dana_ws, &thread, Some(&before)).await["type"],
            "subscribed"
        );
        let alex_client = app
            .state
            .store
            .client_by_user(user_id(&app, "Alex Rivera").await)
            .await
            .unwrap()
            .unwrap()
            .id;
        let log = app.state.store.access_log(alex_client, 20).await.unwrap();
        assert!(
            log.iter().any(|e| e.action == "thread.watch"
                && e.actor_name.as_deref() == Some("Dana Whitfield")
                && e.object == format!("thread:{thread}")),
            "the watch is audited: {log:?}"
        );

        let sent = post(&app, &dana_token, &thread, "See you on Thursday at ten.").await;
        let frame = next(&mut ws).await;
        assert_eq!(
            frame,
            json!({"type": "message", "thread": thread, "message": sent})
        );
        assert!(
            !frame.to_string().contains("Thursday"),
            "the socket carries ids, never content"
        );
        assert_eq!(unread_via_api(&app, &alex_token, &thread).await, 1);

        // The page fetches what follows the last message it shows.
        let (status, html) = app
            .page(&alex.web, &format!("/messages/{thread}/new?after={before}"))
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("See you on Thursday at ten."), "{html}");
        assert!(html.contains(&format!("data-message=\"{sent}\"")));
        assert_eq!(
            html.matches("<li").count(),
            1,
            "only the new message: {html}"
        );
        assert!(
            html.contains("New message from Dana Whitfield"),
            "the announcement"
        );
        assert_eq!(
            unread_via_api(&app, &alex_token, &thread).await,
            0,
            "fetching it read it"
        );
        let (status, _) = app
            .page(
                &alex.web,
                &format!("/messages/{thread}/new?after={}", uuid::Uuid::new_v4()),
            )
            .await;
        assert_eq!(status, 404, "after a message that is not in the thread");
        let jordan = person(&app, &clock, "Jordan Lee").await;
        let (status, html) = app
            .page(
                &jordan.web,
                &format!("/messages/{thread}/new?after={before}"),
            )
            .await;
        assert_eq!(status, 404);
        assert!(!html.contains("Thursday"));

        // A message stored while the page was not watching is announced at subscription.
        let missed = post(&app, &dana_token, &thread, "Also: bring the worksheet.").await;
        assert_eq!(next(&mut ws).await["message"], missed);
        let mut late = connect(&app, &alex).await;
        assert_eq!(
            subscribe(&mut late, &thread, Some(&sent)).await["type"],
            "subscribed"
        );
        assert_eq!(
            next(&mut late).await,
            json!({"type": "message", "thread": thread, "message": missed})
        );
    }
);

for_both_backends!(
    the_socket_closes_when_its_session_signs_out,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let dana_token = token_of(&app, &clock, "Dana Whitfield").await;
        let thread = thread_of(&app, &dana_token, "Alex Rivera").await;
        let alex = person(&app, &clock, "Alex Rivera").await;
        let mut ws = connect(&app, &alex).await;
        assert_eq!(
            subscribe(&mut ws, &thread, None).await["type"],
            "subscribed"
        );
        // Whatever the subscription reported about earlier messages, drain it.
        while let Ok(Some(Ok(_))) =
            tokio::time::timeout(Duration::from_millis(300), ws.next()).await
        {}

        let csrf = csrf_from(&app.text(&alex.web, "/account").await);
        let r = alex
            .web
            .post(app.url("/sign-out"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        post(&app, &dana_token, &thread, "Are you there?").await;
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("the server acts within 10 s")
            .expect("a close frame")
            .expect("a frame");
        match m {
            Message::Close(Some(f)) => assert_eq!(u16::from(f.code), 4401),
            other => panic!("expected the session-ended close, got {other:?}"),
        }
    }
);

for_both_backends!(
    unread_counts_show_on_messages_home_and_the_api_and_opening_the_thread_reads_them,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T15:00:00Z", None, None).await;
        let dana_token = token_of(&app, &clock, "Dana Whitfield").await;
        let alex_token = token_of(&app, &clock, "Alex Rivera").await;
        let thread = thread_of(&app, &dana_token, "Alex Rivera").await;
        let alex = person(&app, &clock, "Alex Rivera").await;

        // Opening the thread reads whatever the demo left unread.
        assert_eq!(
            app.page(&alex.web, &format!("/messages/{thread}")).await.0,
            200
        );
        assert_eq!(unread_via_api(&app, &alex_token, &thread).await, 0);
        assert!(!app
            .text(&alex.web, "/home")
            .await
            .contains("unread message"));

        post(&app, &dana_token, &thread, "First.").await;
        post(&app, &dana_token, &thread, "Second.").await;
        // Alex's own message is never unread for Alex; for Dana it is.
        post(&app, &alex_token, &thread, "Got them.").await;
        assert_eq!(unread_via_api(&app, &alex_token, &thread).await, 2);
        assert!(app.text(&alex.web, "/messages").await.contains("2 unread"));
        assert!(app
            .text(&alex.web, "/home")
            .await
            .contains("You have 2 unread messages."));
        let dana_unread = unread_via_api(&app, &dana_token, &thread).await;
        assert!(dana_unread >= 1, "Dana has Alex's reply to read");

        let (status, page) = app.page(&alex.web, &format!("/messages/{thread}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("Second."));
        assert_eq!(unread_via_api(&app, &alex_token, &thread).await, 0);
        assert!(!app.text(&alex.web, "/messages").await.contains("unread"));
        assert!(!app
            .text(&alex.web, "/home")
            .await
            .contains("unread message"));
        assert_eq!(
            unread_via_api(&app, &dana_token, &thread).await,
            dana_unread,
            "Alex reading changes nothing for Dana"
        );
        // Reading through the API reads too.
        get_json(
            &app,
            &dana_token,
            &format!("/api/v1/threads/{thread}/messages"),
        )
        .await;
        assert_eq!(unread_via_api(&app, &dana_token, &thread).await, 0);
    }
);
