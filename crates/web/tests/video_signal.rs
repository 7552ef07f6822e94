//! WebRTC signalling on `/ws` (issue 6), as the pages of a session see it: who may join a
//! session's video, that peers learn of each other and pass signals only between them, that
//! a lost connection is told apart from a goodbye, and that nobody signals once the session
//! has ended. Joins show in the audit log.

mod common;

use std::time::Duration;

use alcove_domain::scheduling::{Appointment, Modality, SessionType};
use alcove_domain::{AppointmentId, ClientId};
use alcove_testkit::TestApp;
use alcove_web::scheduling::appointments;
use common::*;
use futures::{SinkExt, StreamExt};
use reqwest::cookie::CookieStore;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const NOW: &str = "2026-12-07T14:55:00Z";

async fn socket_of(app: &TestApp, clock: &alcove_domain::ManualClock, name: &str) -> Socket {
    socket_and_browser(app, clock, name).await.0
}

/// A page's socket, and the browser session it was opened with (for the person's other tabs).
async fn socket_and_browser(
    app: &TestApp,
    clock: &alcove_domain::ManualClock,
    name: &str,
) -> (Socket, reqwest::Client) {
    clock.advance(chrono::Duration::seconds(31));
    let (web, jar) = app.web_session_with_jar(app.account_named(name)).await;
    let cookies = jar
        .cookies(&app.base.parse().expect("base url"))
        .expect("signed in: a session cookie");
    let mut req = (app.base.replacen("http://", "ws://", 1) + "/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert("cookie", cookies);
    req.headers_mut()
        .insert("origin", HeaderValue::from_str(&app.base).expect("origin"));
    let ws = tokio_tungstenite::connect_async(req)
        .await
        .expect("the handshake succeeds")
        .0;
    (ws, web)
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

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

/// Nothing arrives for a moment.
async fn quiet(ws: &mut Socket) {
    if let Ok(Some(Ok(Message::Text(t)))) =
        tokio::time::timeout(Duration::from_millis(700), ws.next()).await
    {
        panic!("expected nothing, got {t}");
    }
}

async fn join(ws: &mut Socket, session: &str) -> Value {
    send(ws, json!({"type": "join", "session": session})).await;
    next(ws).await
}

/// A group session today with Dana Whitfield and these clients, none admitted yet.
async fn group_session(app: &TestApp, clients: &[&str]) -> AppointmentId {
    let dana = user_id(app, "Dana Whitfield").await;
    let mut ids: Vec<ClientId> = Vec::new();
    for c in clients {
        ids.push(client_id(app, c).await);
    }
    let a = Appointment::book(
        AppointmentId(uuid::Uuid::new_v4()),
        dana,
        ids,
        SessionType::new("Group", 60, Modality::Group { participants: 6 }, 0, 0).unwrap(),
        "2026-12-07T15:00:00Z".parse().unwrap(),
        dana,
        "2026-12-01T09:00:00Z".parse().unwrap(),
    );
    appointments::create(&app.state, &a, dana)
        .await
        .expect("stored");
    a.id
}

async fn admit(app: &TestApp, session: AppointmentId, name: &str) {
    let c = client_id(app, name).await;
    let dana = user_id(app, "Dana Whitfield").await;
    appointments::update(&app.state, session, dana, |a| {
        if !a.session.admitted.contains(&c) {
            a.session.admitted.push(c)
        }
    })
    .await
    .expect("admitted")
    .expect("exists");
}

async fn end(app: &TestApp, session: AppointmentId, at: &str) {
    let dana = user_id(app, "Dana Whitfield").await;
    let at = at.parse().unwrap();
    appointments::update(&app.state, session, dana, |a| a.session.ended_at = Some(at))
        .await
        .expect("ended")
        .expect("exists");
}

for_both_backends!(
    only_the_clinician_and_admitted_clients_join_and_they_hear_of_each_other,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let session = group_session(&app, &["Alex Rivera", "Jordan Lee"]).await;
        let id = session.to_string();

        let mut dana = socket_of(&app, &clock, "Dana Whitfield").await;
        let joined = join(&mut dana, &id).await;
        assert_eq!(joined["type"], "joined", "{joined}");
        assert_eq!(joined["session"], id.as_str());
        let dana_peer = joined["peer"].as_str().expect("a peer id").to_owned();

        // Alex checked in but is still in the waiting room.
        let mut alex = socket_of(&app, &clock, "Alex Rivera").await;
        let refused = join(&mut alex, &id).await;
        assert_eq!(
            (refused["type"].as_str(), refused["code"].as_str()),
            (Some("error"), Some("not_admitted")),
            "{refused}"
        );
        // Riley is not in this session at all; Tom the auditor cannot open a socket at all
        // (the handshake test in live.rs); a nonsense id is no session either.
        let mut riley = socket_of(&app, &clock, "Riley Chen").await;
        assert_eq!(join(&mut riley, &id).await["code"], "not_found");
        assert_eq!(join(&mut riley, "nonsense").await["code"], "not_found");
        let other = AppointmentId(uuid::Uuid::new_v4()).to_string();
        assert_eq!(join(&mut riley, &other).await["code"], "not_found");
        // Samuel Okafor is a clinician, but not this session's.
        let mut samuel = socket_of(&app, &clock, "Samuel Okafor").await;
        assert_eq!(join(&mut samuel, &id).await["code"], "not_found");
        quiet(&mut dana).await;

        // Admitted, Alex joins: each hears of the other; Alex, the newcomer, calls.
        admit(&app, session, "Alex Rivera").await;
        let joined = join(&mut alex, &id).await;
        assert_eq!(joined["type"], "joined");
        let alex_peer = joined["peer"].as_str().unwrap().to_owned();
        assert_ne!(alex_peer, dana_peer);
        let heard = next(&mut dana).await;
        assert_eq!(heard["type"], "peers", "{heard}");
        assert_eq!(heard["peers"][0]["id"], alex_peer.as_str());
        assert_eq!(heard["peers"][0]["name"], "Alex Rivera");
        assert_eq!(heard["peers"][0]["role"], "client");
        assert_eq!(heard["peers"][0]["call"], false);
        let heard = next(&mut alex).await;
        assert_eq!(heard["type"], "peers", "{heard}");
        assert_eq!(heard["peers"][0]["id"], dana_peer.as_str());
        assert_eq!(heard["peers"][0]["name"], "Dana Whitfield");
        assert_eq!(heard["peers"][0]["call"], true);

        // A signal goes to its peer, with who sent it, and nowhere else.
        let offer = json!({"description": {"type": "offer", "sdp": "v=0\r\n".repeat(2000)}});
        send(
            &mut alex,
            json!({"type": "signal", "session": id, "to": dana_peer, "data": offer}),
        )
        .await;
        let got = next(&mut dana).await;
        assert_eq!(got["type"], "signal");
        assert_eq!(got["from"], alex_peer.as_str());
        assert_eq!(got["data"], offer);
        let candidate = json!({"candidate": {"candidate": "candidate:1 1 udp 1 192.0.2.1 5 typ host", "sdpMid": "0"}});
        send(
            &mut dana,
            json!({"type": "signal", "session": id, "to": alex_peer, "data": candidate}),
        )
        .await;
        let got = next(&mut alex).await;
        assert_eq!(
            (got["from"].as_str(), &got["data"]),
            (Some(dana_peer.as_str()), &candidate)
        );
        quiet(&mut riley).await;

        // Not to a stranger, not to a session one is not in, not junk.
        let stranger = uuid::Uuid::new_v4().to_string();
        send(
            &mut alex,
            json!({"type": "signal", "session": id, "to": stranger, "data": candidate}),
        )
        .await;
        assert_eq!(next(&mut alex).await["code"], "not_found");
        send(
            &mut riley,
            json!({"type": "signal", "session": id, "to": dana_peer, "data": candidate}),
        )
        .await;
        assert_eq!(next(&mut riley).await["code"], "not_joined");
        send(
            &mut alex,
            json!({"type": "signal", "session": id, "to": dana_peer, "data": {"sdp": 1}}),
        )
        .await;
        assert_eq!(next(&mut alex).await["code"], "bad_request");
        alex.send(Message::text("{\"type\":\"join\""))
            .await
            .unwrap();
        assert_eq!(next(&mut alex).await["code"], "bad_request");
        quiet(&mut dana).await;

        // Both joins are in the audit log, against Alex's record.
        let alex_record = client_id(&app, "Alex Rivera").await;
        let events = app.state.store.audit_events(1, 10_000).await.unwrap();
        let joins: Vec<_> = events
            .iter()
            .filter(|e| e.action == "session.video_join" && e.client_id == Some(alex_record))
            .collect();
        assert_eq!(joins.len(), 2, "Dana's join and Alex's own");
        assert!(joins
            .iter()
            .all(|e| e.object == format!("appointment:{id}")));

        // Once the clinician ends the session, nobody signals in it any more.
        end(&app, session, "2026-12-07T16:00:00Z").await;
        send(
            &mut alex,
            json!({"type": "signal", "session": id, "to": dana_peer, "data": candidate}),
        )
        .await;
        assert_eq!(next(&mut alex).await["code"], "session_ended");
        let out = next(&mut alex).await;
        assert_eq!(
            (out["type"].as_str(), out["code"].as_str()),
            (Some("ended"), Some("session_ended"))
        );
        let left = next(&mut dana).await;
        assert_eq!(
            (left["type"].as_str(), left["peer"].as_str()),
            (Some("left"), Some(alex_peer.as_str()))
        );
        assert_eq!(left["dropped"], false);
        assert_eq!(join(&mut dana, &id).await["code"], "session_ended");
    }
);

for_both_backends!(
    a_lost_connection_is_told_apart_from_a_goodbye_and_a_rejoin_is_a_new_peer,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let session = group_session(&app, &["Alex Rivera"]).await;
        admit(&app, session, "Alex Rivera").await;
        let id = session.to_string();
        let mut dana = socket_of(&app, &clock, "Dana Whitfield").await;
        join(&mut dana, &id).await;
        let mut alex = socket_of(&app, &clock, "Alex Rivera").await;
        let first = join(&mut alex, &id).await["peer"].clone();
        assert_eq!(next(&mut dana).await["peers"][0]["id"], first);
        next(&mut alex).await;

        // Alex's socket goes away without a word: Dana hears a drop.
        drop(alex);
        let left = next(&mut dana).await;
        assert_eq!(left["type"], "left");
        assert_eq!(left["peer"], first);
        assert_eq!(left["dropped"], true, "{left}");

        // Alex comes back: a new peer, which Dana hears of; then a goodbye is no drop.
        let mut alex = socket_of(&app, &clock, "Alex Rivera").await;
        let second = join(&mut alex, &id).await["peer"].clone();
        assert_ne!(second, first);
        let heard = next(&mut dana).await;
        assert_eq!(heard["peers"][0]["id"], second);
        assert_eq!(
            heard["peers"][0]["user"],
            user_id(&app, "Alex Rivera").await.to_string()
        );
        next(&mut alex).await;
        send(&mut alex, json!({"type": "leave", "session": id})).await;
        let bye = next(&mut alex).await;
        assert_eq!(
            (bye["type"].as_str(), &bye["peer"]),
            (Some("left"), &second)
        );
        let left = next(&mut dana).await;
        assert_eq!(
            (left["peer"].clone(), left["dropped"].clone()),
            (second, json!(false))
        );
    }
);

for_both_backends!(
    four_in_a_group_each_hear_of_the_other_three_and_signal_pairwise,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let clients = ["Alex Rivera", "Jordan Lee", "Casey Morgan"];
        let session = group_session(&app, &clients).await;
        for c in clients {
            admit(&app, session, c).await;
        }
        let id = session.to_string();
        // They join one after another; each newcomer hears of everyone already there (and is
        // to call them), and everyone there hears of the newcomer.
        let mut sockets: Vec<(Socket, String)> = Vec::new();
        for name in [
            "Dana Whitfield",
            "Alex Rivera",
            "Jordan Lee",
            "Casey Morgan",
        ] {
            let mut ws = socket_of(&app, &clock, name).await;
            let me = join(&mut ws, &id).await["peer"]
                .as_str()
                .expect("joined")
                .to_owned();
            let mut heard = Vec::new();
            for _ in 0..sockets.len() {
                let f = next(&mut ws).await;
                assert_eq!(f["type"], "peers", "{f}");
                assert_eq!(f["peers"][0]["call"], true, "the newcomer calls");
                heard.push(f["peers"][0]["id"].as_str().unwrap().to_owned());
            }
            heard.sort();
            let mut there: Vec<String> = sockets.iter().map(|(_, p)| p.clone()).collect();
            there.sort();
            assert_eq!(heard, there, "{name} hears of everyone already there");
            for (other, _) in sockets.iter_mut() {
                let f = next(other).await;
                assert_eq!(
                    (f["peers"][0]["id"].as_str(), &f["peers"][0]["call"]),
                    (Some(me.as_str()), &json!(false))
                );
            }
            sockets.push((ws, me));
        }
        // Every pair: a signal from i to j reaches j only.
        for i in 0..4 {
            for j in 0..4 {
                if i == j {
                    continue;
                }
                let to = sockets[j].1.clone();
                let data = json!({"candidate": {"candidate": format!("from {i} to {j}")}});
                send(
                    &mut sockets[i].0,
                    json!({"type": "signal", "session": id, "to": to, "data": data}),
                )
                .await;
                let got = next(&mut sockets[j].0).await;
                assert_eq!(
                    (got["from"].as_str(), &got["data"]),
                    (Some(sockets[i].1.as_str()), &data)
                );
            }
        }
        for (ws, _) in sockets.iter_mut() {
            quiet(ws).await;
        }
    }
);

for_both_backends!(
    a_waiting_client_hears_at_once_that_they_were_admitted_and_a_stranger_cannot_watch,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let session = group_session(&app, &["Alex Rivera"]).await;
        let id = session.to_string();

        // Alex waits and watches the session: a seat is enough, admission is not needed.
        let mut alex = socket_of(&app, &clock, "Alex Rivera").await;
        send(&mut alex, json!({"type": "watch", "session": id})).await;
        let watching = next(&mut alex).await;
        assert_eq!(watching["type"], "watching", "{watching}");
        assert_eq!(watching["session"], id.as_str());

        // Jordan is not in this session: watching it is "no such session", as for a join.
        let mut jordan = socket_of(&app, &clock, "Jordan Lee").await;
        send(&mut jordan, json!({"type": "watch", "session": id})).await;
        let refused = next(&mut jordan).await;
        assert_eq!(
            (refused["type"].as_str(), refused["code"].as_str()),
            (Some("error"), Some("not_found")),
            "{refused}"
        );
        send(
            &mut jordan,
            json!({"type": "watch", "session": "not-an-id"}),
        )
        .await;
        assert_eq!(next(&mut jordan).await["code"], "not_found");

        // Dana admits Alex: Alex hears the session changed, with nothing but its id.
        admit(&app, session, "Alex Rivera").await;
        let changed = next(&mut alex).await;
        assert_eq!(changed, json!({"type": "changed", "session": id}));
        // And Jordan, who tried to watch it, hears nothing.
        quiet(&mut jordan).await;

        // The end is a change too.
        end(&app, session, "2026-12-07T15:30:00Z").await;
        assert_eq!(next(&mut alex).await["type"], "changed");
    }
);

for_both_backends!(
    a_socket_repeating_frames_is_told_to_slow_down_before_it_can_flood_the_audit_log,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let session = group_session(&app, &["Alex Rivera"]).await;
        let id = session.to_string();
        let mut alex = socket_of(&app, &clock, "Alex Rivera").await;
        let mut refused = 0;
        for _ in 0..40 {
            send(&mut alex, json!({"type": "watch", "session": id})).await;
            let reply = next(&mut alex).await;
            match reply["type"].as_str() {
                Some("watching") => {}
                Some("error") if reply["code"] == "too_many" => refused += 1,
                _ => panic!("unexpected {reply}"),
            }
        }
        // 30 frames in 10 s are a page's; the rest are refused.
        assert_eq!(refused, 10);
    }
);

for_both_backends!(
    a_page_signed_out_elsewhere_hears_no_more_signals,
    |backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let session = group_session(&app, &["Alex Rivera"]).await;
        admit(&app, session, "Alex Rivera").await;
        let id = session.to_string();
        let mut dana = socket_of(&app, &clock, "Dana Whitfield").await;
        let dana_peer = join(&mut dana, &id).await["peer"].clone();

        // Alex's room page, and the same browser session's sign-out from another tab.
        let (mut alex, web) = socket_and_browser(&app, &clock, "Alex Rivera").await;
        let alex_peer = join(&mut alex, &id).await["peer"].clone();
        next(&mut alex).await; // Dana is there
        next(&mut dana).await; // Alex arrived
        assert_ne!(alex_peer, dana_peer);

        let csrf = alcove_testkit::csrf_from(&app.text(&web, "/account").await);
        let r = web
            .post(app.url("/sign-out"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);

        // Dana's next signal (an ICE candidate: an address) is not delivered; the socket closes.
        let candidate = json!({"candidate": {"candidate": "candidate:1 1 udp 1 192.0.2.1 5 typ host", "sdpMid": "0"}});
        send(
            &mut dana,
            json!({"type": "signal", "session": id, "to": alex_peer, "data": candidate}),
        )
        .await;
        loop {
            let m = tokio::time::timeout(Duration::from_secs(10), alex.next())
                .await
                .expect("the server acts within 10 s (not at the 30 s session check)")
                .expect("a close frame")
                .expect("a frame");
            match m {
                Message::Close(Some(f)) => {
                    assert_eq!(u16::from(f.code), 4401);
                    break;
                }
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("expected the session-ended close, got {other:?}"),
            }
        }
    }
);
