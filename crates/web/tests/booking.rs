//! Booking (issue 6, scheduling): slots in the client's zone across both US daylight-saving
//! transitions, double booking refused under concurrency, the late-cancel policy, readiness and
//! licensure refusals with their reasons, reminders sent once with a valid ICS, and the private
//! calendar feed revoked.
//!
//! The demo: Dana Whitfield (LICSW, US-MA and US-NY) offers weekday hours 09:00–12:00 and
//! 13:00–17:00 New York time: "Individual session" (50 min + 10 min buffer, so one an hour),
//! "Audio-only check-in" (30 + 10) and "Group session" (90 + 30). Alex Rivera (US-MA) is ready
//! for online sessions; Jordan Lee is not; Casey Morgan is in US-CA, where Dana is not licensed.

mod common;

use std::time::Duration;

use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, Backend, TestApp};
use alcove_web::scheduling::calendar::run_appointment_reminders;
use common::{assert_error_shape, client_id, get_json, session_of, spawn_at, token_of};
use serde_json::{json, Value};

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn book_as(app: &TestApp, token: &str, start: &str, session_type: u32) -> (u16, Value) {
    post_json(
        app,
        token,
        "/api/v1/appointments",
        json!({"start": start, "session_type": session_type}),
    )
    .await
}

async fn form(
    app: &TestApp,
    web: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let csrf = csrf_from(&app.text(web, page).await);
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = web
        .post(app.url(action))
        .form(&all)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, r.text().await.unwrap_or_default(), location)
}

/// "Create a calendar feed" on /appointments: the feed's path (`/calendar/{token}.ics`), from
/// the address the page shows once.
async fn create_feed(app: &TestApp, web: &reqwest::Client) -> String {
    let (s, html, _) = form(app, web, "/appointments", "/calendar/feed", &[]).await;
    assert_eq!(s, 200);
    let url = html
        .split("id=\"feed-url\" type=\"text\" readonly value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the feed address is shown once");
    url[url.find("/calendar/").expect("a feed path")..].to_owned()
}

for_both_backends!(
    slots_keep_nine_oclock_for_the_clinician_across_both_us_transitions_and_move_for_the_client,
    |backend: Backend| async move {
        // Spring: US clocks go forward on Sunday 8 March 2026, the UK's not until the 29th.
        let (app, clock) = spawn_at(backend, "2026-02-20T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let (s, v) = get_json(&app, &alex, "/api/v1/appointments/slots?days=30").await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["clinician_time_zone"], "America/New_York");
        let starts: Vec<&str> = v["slots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["start"].as_str().unwrap())
            .collect();
        assert!(starts.contains(&"2026-03-06T14:00:00Z"), "Friday 09:00 EST");
        assert!(starts.contains(&"2026-03-09T13:00:00Z"), "Monday 09:00 EDT");
        assert!(
            !starts.contains(&"2026-03-09T14:00:00Z") || starts.contains(&"2026-03-09T15:00:00Z")
        );

        // The client sees them in the zone they pick, with the zone named.
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let (s, html) = app.page(&web, "/appointments/book?tz=Europe/London").await;
        assert_eq!(s, 200);
        assert!(html.contains("Choose a time (Europe/London)"), "{html}");
        assert!(html.contains("Friday 6 March 2026"));
        assert!(html.contains("value=\"2026-03-06T14:00:00+00:00\""));
        assert!(html.contains("value=\"2026-03-09T13:00:00+00:00\""));
        // 09:00 in New York is 14:00 in London before the US change and 13:00 after it.
        let friday = html.split("Friday 6 March 2026").nth(1).unwrap();
        assert!(friday.contains("14:00–14:50"), "{friday}");
        let monday = html.split("Monday 9 March 2026").nth(1).unwrap();
        assert!(monday.contains("13:00–13:50"), "{monday}");

        // Booking through the form, the Monday after the change.
        let (s, _, loc) = form(
            &app,
            &web,
            "/appointments/book",
            "/appointments/book",
            &[
                ("clinician", v["clinician"].as_str().unwrap()),
                ("session_type", "0"),
                ("start", "2026-03-09T13:00:00Z"),
                ("location", "US-MA"),
                ("tz", "Europe/London"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        assert!(loc.unwrap().starts_with("/appointments?done=booked"));
        let (_, html) = app.page(&web, "/appointments?tz=America/New_York").await;
        assert!(
            html.contains("Monday 9 March 2026, 09:00–09:50"),
            "09:00 on the clinician's clock: {html}"
        );
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let (_, html) = app.page(&dana, "/appointments").await;
        assert!(html.contains("Monday 9 March 2026, 09:00–09:50") && html.contains("Alex Rivera"));

        // Autumn: US clocks go back on Sunday 1 November 2026 (the UK's went back on 25 October).
        // A practice started then (the demo's onboarding facts are dated from its start).
        let (app, clock) = spawn_at(backend, "2026-10-20T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let (s, v) = book_as(&app, &alex, "2026-10-30T13:00:00Z", 0).await;
        assert_eq!(s, 201, "Friday 09:00 EDT: {v}");
        let (s, v) = book_as(&app, &alex, "2026-11-02T14:00:00Z", 0).await;
        assert_eq!(s, 201, "Monday 09:00 EST: {v}");
        let (s, v) = book_as(&app, &alex, "2026-11-02T13:00:00Z", 0).await;
        assert_eq!(s, 409, "08:00 EST is outside the hours: {v}");
        assert_error_shape(&v, "slot_unavailable");
        let (_, html) = app.page(&web, "/appointments?tz=Europe/London").await;
        assert!(
            html.contains("Friday 30 October 2026, 13:00–13:50"),
            "{html}"
        );
        assert!(
            html.contains("Monday 2 November 2026, 14:00–14:50"),
            "{html}"
        );
        assert!(html.contains("Times are shown in Europe/London."));
    }
);

for_both_backends!(
    two_concurrent_bookings_of_overlapping_time_cannot_both_succeed,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let alex_id = client_id(&app, "Alex Rivera").await.to_string();
        // The demo's own sessions with Alex (today's) are there already.
        let (_, v) = get_json(&app, &alex, "/api/v1/appointments").await;
        let before = v["appointments"].as_array().unwrap().len();
        // Each day: the client books the 10:00 individual session while the clinician books a
        // check-in at 10:20 (overlapping it) for the same client, at the same moment.
        for day in [
            "2026-11-30",
            "2026-12-01",
            "2026-12-02",
            "2026-12-03",
            "2026-12-04",
        ] {
            let first = format!("{day}T15:00:00Z");
            let a = book_as(&app, &alex, &first, 0);
            let b = post_json(
                &app,
                &dana,
                "/api/v1/appointments",
                json!({"start": format!("{day}T15:20:00Z"), "session_type": 1, "clients": [alex_id]}),
            );
            let ((sa, va), (sb, vb)) = tokio::join!(a, b);
            let won = [sa, sb].iter().filter(|s| **s == 201).count();
            assert_eq!(won, 1, "{day}: exactly one wins: {va} {vb}");
            let lost = if sa == 201 { vb } else { va };
            assert_error_shape(&lost, "slot_unavailable");
        }
        let (_, v) = get_json(&app, &alex, "/api/v1/appointments").await;
        assert_eq!(v["appointments"].as_array().unwrap().len(), before + 5);
    }
);

for_both_backends!(
    a_late_cancellation_is_shown_before_and_recorded_after,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let (s, early) = book_as(&app, &alex, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{early}");
        let (s, late) = book_as(&app, &alex, "2026-12-02T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{late}");

        // 23 hours before the second one, 47 before the first.
        clock.set(at("2026-12-01T15:00:00Z"));
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let (_, html) = app.page(&web, "/appointments").await;
        assert!(html.contains("at least 24 hours"), "{html}");
        let id = late["id"].as_str().unwrap();
        let page = format!("/appointments/{id}/cancel");
        let (s, html) = app.page(&web, &page).await;
        assert_eq!(s, 200);
        assert!(html.contains("recorded as a late cancellation"), "{html}");
        let (s, _, loc) = form(&app, &web, &page, &page, &[]).await;
        assert_eq!(s, 303);
        assert_eq!(loc.as_deref(), Some("/appointments?done=cancelled-late"));

        // The first is past: too late to cancel.
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let first = early["id"].as_str().unwrap();
        let (s, v) = post_json(
            &app,
            &alex,
            &format!("/api/v1/appointments/{first}/cancel"),
            json!({}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        assert_error_shape(&v, "too_late");

        let (_, v) = get_json(&app, &alex, "/api/v1/appointments").await;
        let cancelled = v["appointments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(cancelled["status"], "cancelled");
        assert_eq!(cancelled["late"], true);

        // With notice: a week ahead; moved rather than cancelled, through the API.
        let (s, a) = book_as(&app, &alex, "2026-12-09T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{a}");
        let aid = a["id"].as_str().unwrap();
        let (s, moved) = post_json(
            &app,
            &alex,
            &format!("/api/v1/appointments/{aid}/reschedule"),
            json!({"start": "2026-12-10T14:00:00Z"}),
        )
        .await;
        assert_eq!(s, 201, "{moved}");
        assert_eq!(moved["rescheduled_from"], aid);
        let (_, v) = get_json(&app, &alex, "/api/v1/appointments").await;
        let old = v["appointments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == aid)
            .unwrap()
            .clone();
        assert_eq!(old["status"], "rescheduled");
        assert_eq!(old["late"], false);
        // The old time is free again.
        let (s, v) = book_as(&app, &alex, "2026-12-09T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{v}");

        let events = app.state.store.audit_events(0, 100_000).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"appointment.booked"));
        assert!(actions.contains(&"appointment.cancelled_late"));
        assert!(actions.contains(&"appointment.rescheduled"));
    }
);

for_both_backends!(
    booking_is_refused_with_the_reason_when_not_ready_or_not_licensed_there,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        // Jordan has not finished the path: what is left is listed.
        let jordan = token_of(&app, &clock, "Jordan Lee").await;
        let (s, v) = book_as(&app, &jordan, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 409, "{v}");
        assert_error_shape(&v, "booking_refused");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not ready"),
            "{v}"
        );
        let web = session_of(&app, &clock, "Jordan Lee").await;
        let (s, html) = app.page(&web, "/appointments/book").await;
        assert_eq!(s, 200);
        assert!(html.contains("id=\"booking-refused\""), "{html}");
        assert!(html.contains("is not ready for online sessions yet"));
        assert!(html.contains("Still to do"));

        // Alex is ready, but Dana is not licensed in California.
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let (s, v) = post_json(
            &app,
            &alex,
            "/api/v1/appointments",
            json!({"start": "2026-12-01T14:00:00Z", "location": "US-CA"}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("not licensed in US-CA") && msg.contains("US-CA"),
            "{msg}"
        );
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let (s, html, _) = form(
            &app,
            &web,
            "/appointments/book",
            "/appointments/book",
            &[
                (
                    "clinician",
                    &common::user_id(&app, "Dana Whitfield").await.to_string(),
                ),
                ("session_type", "0"),
                ("start", "2026-12-01T14:00:00Z"),
                ("location", "US-CA"),
                ("tz", "America/New_York"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("not licensed in US-CA"), "{html}");
        assert!(html.contains("What would allow it"));

        // Casey (US-CA) booked by Dana: both reasons.
        let dana = token_of(&app, &clock, "Dana Whitfield").await;
        let casey = client_id(&app, "Casey Morgan").await.to_string();
        let (s, v) = post_json(
            &app,
            &dana,
            "/api/v1/appointments",
            json!({"start": "2026-12-01T14:00:00Z", "clients": [casey]}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not licensed in US-CA"),
            "{v}"
        );
        // Nothing was booked; the time is still free for Alex.
        let (s, v) = book_as(&app, &alex, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{v}");
        let events = app.state.store.audit_events(0, 100_000).await.unwrap();
        assert!(events.iter().any(|e| e.action == "appointment.refused"));
    }
);

/// Quoted-printable (RFC 2045 §6.7) decoded: soft line breaks joined, `=XX` turned to bytes.
fn unquote(s: &str) -> String {
    let joined = s.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// The part of a multipart email with this content type, decoded.
fn part(data: &str, content_type: &str) -> String {
    let i = data
        .find(&format!("Content-Type: {content_type}"))
        .expect("the part");
    let start = data[..i].rfind("\r\n--").unwrap_or(0);
    let part = &data[start..];
    let (headers, body) = part
        .trim_start_matches("\r\n")
        .split_once("\r\n\r\n")
        .unwrap();
    let body = body.split("\r\n--").next().unwrap();
    let h = headers.to_ascii_lowercase();
    if h.contains("base64") {
        use base64::Engine;
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(body.split_whitespace().collect::<String>())
                .unwrap(),
        )
        .unwrap()
    } else if h.contains("quoted-printable") {
        unquote(body)
    } else {
        body.to_owned()
    }
}

/// The `text/calendar` part of a reminder email, decoded.
fn calendar_part(data: &str) -> String {
    part(data, "text/calendar")
}

for_both_backends!(
    reminders_go_once_at_each_offset_with_a_calendar_entry_and_nothing_clinical,
    |backend: Backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", Some(sink.url()), None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let (s, first) = book_as(&app, &alex, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{first}");
        let (s, a) = book_as(&app, &alex, "2026-12-08T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{a}");
        assert!(run_appointment_reminders(&app.state)
            .await
            .unwrap()
            .is_empty());

        // Seed 001: with no Request for Electronic Data Transmission on file, only the
        // clinician is emailed; the client sees the appointment in the portal.
        clock.set(at("2026-11-30T14:00:00Z"));
        let sent = run_appointment_reminders(&app.state).await.unwrap();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert_eq!(sent[0].to, common::user_id(&app, "Dana Whitfield").await);
        sink.wait_for(1, Duration::from_secs(10)).await;
        // Alex allows email reminders: the next appointment's reach him too.
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let (s, _, _) = form(
            &app,
            &web,
            "/me/electronic-data",
            "/me/electronic-data",
            &[
                ("after", "0"),
                ("accept", "email:appointment_reminders"),
                ("signature", "Alex Rivera"),
            ],
        )
        .await;
        assert_eq!(s, 303);

        clock.set(at("2026-12-07T14:00:00Z"));
        let sent = run_appointment_reminders(&app.state).await.unwrap();
        assert_eq!(sent.len(), 2, "Alex and Dana: {sent:?}");
        assert!(sent.iter().all(|s| s.hours == 24 && s.emailed));
        assert!(
            run_appointment_reminders(&app.state)
                .await
                .unwrap()
                .is_empty(),
            "once"
        );
        let all = sink.wait_for(3, Duration::from_secs(10)).await;
        let mails = &all[1..];
        for m in mails {
            assert_eq!(
                m.header("Subject").as_deref(),
                Some("Appointment with Alcove")
            );
            assert!(
                !m.data.contains("Alex") && !m.data.contains("Individual"),
                "{}",
                m.data
            );
            let ics = calendar_part(&m.data);
            let cal: icalendar::Calendar = ics.parse().expect("RFC 5545");
            assert_eq!(cal.components.len(), 1);
            assert!(
                ics.contains("BEGIN:VEVENT") && ics.contains("DTSTART:20261208T140000Z"),
                "{ics}"
            );
            assert!(ics.contains("DTEND:20261208T145000Z"));
            assert!(ics.contains("SUMMARY:Appointment with Alcove"));
            assert!(ics.contains(&format!("/sessions/{}", a["id"].as_str().unwrap())));
        }
        // Alex's is in his zone (New York for Massachusetts).
        let to_alex = mails
            .iter()
            .find(|m| m.to.iter().any(|t| t.starts_with("alex.rivera")))
            .expect("an email to Alex");
        let words = part(&to_alex.data, "text/plain");
        assert!(
            words.contains("Tuesday 8 December 2026, 09:00 (America/New_York)"),
            "{words}"
        );
        assert!(words.contains(&format!("/sessions/{}", a["id"].as_str().unwrap())));

        clock.set(at("2026-12-08T13:00:00Z"));
        let sent = run_appointment_reminders(&app.state).await.unwrap();
        assert_eq!(sent.len(), 2);
        assert!(sent.iter().all(|s| s.hours == 1));
        clock.set(at("2026-12-08T13:30:00Z"));
        assert!(run_appointment_reminders(&app.state)
            .await
            .unwrap()
            .is_empty());
    }
);

for_both_backends!(
    the_calendar_feed_shows_the_appointments_until_revoked,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        let (s, a) = book_as(&app, &alex, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{a}");
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let path = &create_feed(&app, &web).await;
        assert!(path.ends_with(".ics"));
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar"));
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("UID:{}@alcove", a["id"].as_str().unwrap())),
            "{body}"
        );
        assert!(!body.contains("Alex") && !body.contains("Dana"));
        let _: icalendar::Calendar = body.parse().expect("RFC 5545");
        // Shown once: the page does not show it again.
        let (_, html) = app.page(&web, "/appointments").await;
        assert!(!html.contains(path.as_str()));

        let (s, _, loc) = form(&app, &web, "/appointments", "/calendar/feed/revoke", &[]).await;
        assert_eq!(s, 303);
        assert_eq!(loc.as_deref(), Some("/appointments?done=feed-revoked"));
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            reqwest::get(app.url("/calendar/nonsense.ics"))
                .await
                .unwrap()
                .status(),
            404
        );
    }
);

for_both_backends!(
    a_password_change_ends_the_calendar_feed_and_its_reads_are_recorded,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let web = session_of(&app, &clock, "Alex Rivera").await;
        let path = create_feed(&app, &web).await;
        let reads = async || {
            app.state
                .store
                .audit_events(1, 100_000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "calendar.feed_read")
                .map(|e| (e.actor_role, e.client_id, e.object))
                .collect::<Vec<_>>()
        };
        assert!(reads().await.is_empty());
        assert_eq!(reqwest::get(app.url(&path)).await.unwrap().status(), 200);
        let alex = common::user_id(&app, "Alex Rivera").await;
        let alex_client = client_id(&app, "Alex Rivera").await;
        assert_eq!(
            reads().await,
            vec![(
                "anonymous".to_owned(),
                Some(alex_client),
                format!("user:{alex}")
            )],
            "the read is in the audit log, without a who, in Alex's access history"
        );

        clock.advance(chrono::Duration::minutes(1));
        let new = "a quiet harbour at dawn";
        let current = app.account_named("Alex Rivera").password.clone();
        let (s, html, _) = form(
            &app,
            &web,
            "/account",
            "/account/password",
            &[("current", &current), ("new", new), ("confirm", new)],
        )
        .await;
        assert_eq!(s, 200, "{html}");
        assert_eq!(
            reqwest::get(app.url(&path)).await.unwrap().status(),
            404,
            "a feed made before the password change is ended by it"
        );
        assert_eq!(
            reads().await.len(),
            1,
            "a refused read shows nothing and records nothing"
        );

        // A new feed, made after the change, works; a calendar app polling it leaves one entry
        // per quarter hour, not one per poll.
        let path = create_feed(&app, &web).await;
        for _ in 0..3 {
            assert_eq!(reqwest::get(app.url(&path)).await.unwrap().status(), 200);
        }
        assert_eq!(reads().await.len(), 2);
        clock.advance(chrono::Duration::minutes(16));
        assert_eq!(reqwest::get(app.url(&path)).await.unwrap().status(), 200);
        assert_eq!(reads().await.len(), 3);
    }
);

for_both_backends!(
    the_clinician_sets_hours_and_books_a_group_from_the_caseload,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let (s, html) = app.page(&dana, "/schedule").await;
        assert_eq!(s, 200);
        assert!(html.contains("America/New_York"));
        // A bad field is named; nothing is saved.
        let mut fields = vec![
            ("time_zone", "America/Chicago"),
            ("monday", "9-5"),
            ("tuesday", "09:00-12:00"),
            ("exceptions", ""),
            (
                "session_types",
                "Individual | 50 | video | 0 | 10\nGroup | 90 | group:4 | 0 | 30",
            ),
            ("min_notice_hours", "0"),
            ("max_days_ahead", "30"),
        ];
        let after = html
            .split("name=\"after\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        fields.push(("after", &after));
        let (s, html, _) = form(&app, &dana, "/schedule", "/schedule", &fields).await;
        assert_eq!(s, 422);
        assert!(html.contains("9-5"), "{html}");
        fields[1] = ("monday", "");
        let (s, _, _) = form(&app, &dana, "/schedule", "/schedule", &fields).await;
        assert_eq!(s, 303);
        // Tuesday 09:00 Chicago = 15:00Z; a group (type 1) for Alex alone, then Casey refused.
        let alex = client_id(&app, "Alex Rivera").await.to_string();
        let casey = client_id(&app, "Casey Morgan").await.to_string();
        let body = format!(
            "csrf={}&session_type=1&client={alex}&client={casey}&start=2026-12-01T15%3A00%3A00Z",
            csrf_from(&app.text(&dana, "/appointments/new").await)
        );
        let r = dana
            .post(app.url("/appointments/new"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Casey Morgan is not ready") || html.contains("not licensed in US-CA"),
            "{html}"
        );
        let body = format!(
            "csrf={}&session_type=1&client={alex}&start=2026-12-01T15%3A00%3A00Z",
            csrf_from(&app.text(&dana, "/appointments/new").await)
        );
        let r = dana
            .post(app.url("/appointments/new"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, html) = app.page(&dana, "/appointments").await;
        assert!(
            html.contains("Tuesday 1 December 2026, 09:00–10:30") && html.contains("Group"),
            "{html}"
        );
        // Admin: the practice's policy.
        let admin = session_of(&app, &clock, "Priya Natarajan").await;
        let (s, _, _) = form(
            &app,
            &admin,
            "/admin/scheduling",
            "/admin/scheduling",
            &[
                ("after", "0"),
                ("notice_hours", "48"),
                ("reminder_hours", "48, 2"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let (_, html) = app.page(&dana, "/appointments").await;
        assert!(html.contains("at least 48 hours"));
    }
);

for_both_backends!(
    bad_booking_input_gets_the_contract_error_shape_never_a_server_error,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let alex = token_of(&app, &clock, "Alex Rivera").await;
        for (body, status, code) in [
            (
                json!({"start": "9999-12-31T23:59:59Z"}),
                409,
                "slot_unavailable",
            ),
            (
                json!({"start": "0001-01-01T00:00:00Z"}),
                409,
                "slot_unavailable",
            ),
            (json!({"start": "tomorrow"}), 422, "invalid_field"),
            (
                json!({"start": "2026-12-01T14:00:00Z", "location": "Narnia"}),
                422,
                "invalid_field",
            ),
            (
                json!({"start": "2026-12-01T14:00:00Z", "location": "XX-ZZ"}),
                422,
                "invalid_field",
            ),
            (
                json!({"start": "2026-12-01T14:00:00Z", "session_type": 99}),
                422,
                "invalid_field",
            ),
            (
                json!({"start": "2026-12-01T14:00:00Z", "clients": ["x"]}),
                422,
                "invalid_field",
            ),
            (
                json!({"start": "2026-12-01T14:00:00Z", "surprise": 1}),
                422,
                "invalid_field",
            ),
        ] {
            let (s, v) = post_json(&app, &alex, "/api/v1/appointments", body.clone()).await;
            assert_eq!(s, status, "{body} → {v}");
            assert_error_shape(&v, code);
        }
        let (s, v) = get_json(&app, &alex, "/api/v1/appointments/slots?days=9999").await;
        assert_eq!(s, 422, "{v}");
        let (s, v) = get_json(&app, &alex, "/api/v1/appointments/slots?clinician=nope").await;
        assert_eq!(s, 422, "{v}");
        // Someone else's appointment, or none at all: not found, whoever asks.
        let (s, a) = book_as(&app, &alex, "2026-12-01T14:00:00Z", 0).await;
        assert_eq!(s, 201, "{a}");
        let id = a["id"].as_str().unwrap();
        let jordan = token_of(&app, &clock, "Jordan Lee").await;
        let samuel = token_of(&app, &clock, "Samuel Okafor").await;
        for t in [&jordan, &samuel] {
            let (s, v) = post_json(
                &app,
                t,
                &format!("/api/v1/appointments/{id}/cancel"),
                json!({}),
            )
            .await;
            assert_eq!(s, 404, "{v}");
            assert_error_shape(&v, "not_found");
        }
        let (s, _) = post_json(
            &app,
            &alex,
            "/api/v1/appointments/not-an-id/cancel",
            json!({}),
        )
        .await;
        assert_eq!(s, 404);
        // Jordan's own list (the demo's group) never shows Alex's appointment.
        let (_, v) = get_json(&app, &jordan, "/api/v1/appointments").await;
        let listed = v["appointments"].as_array().unwrap();
        assert!(listed.iter().all(|x| x["id"] != id), "{v}");
        // The OpenAPI document describes the booking operations.
        let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for p in [
            "/api/v1/appointments",
            "/api/v1/appointments/slots",
            "/api/v1/appointments/{appointment}/cancel",
        ] {
            assert!(doc["paths"][p].is_object(), "{p} in the OpenAPI document");
        }
    }
);

for_both_backends!(
    a_client_cancelling_a_group_session_leaves_it_and_cannot_move_it_for_the_others,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-11-23T12:00:00Z", None, None).await;
        let samuel = token_of(&app, &clock, "Samuel Okafor").await;
        let mut ids = Vec::new();
        for name in ["Riley Chen", "Taylor Brooks", "Noor Haddad"] {
            ids.push(client_id(&app, name).await.to_string());
        }
        // Monday 09:00 in New York; the demo's third session type is its group.
        let (s, g) = post_json(
            &app,
            &samuel,
            "/api/v1/appointments",
            json!({"start": "2026-11-30T14:00:00Z", "session_type": 2, "clients": ids}),
        )
        .await;
        assert_eq!(s, 201, "{g}");
        let gid = g["id"].as_str().unwrap().to_owned();

        // Moving a group is the clinician's: a client is told so, and nothing moves.
        let taylor = token_of(&app, &clock, "Taylor Brooks").await;
        let (s, v) = post_json(
            &app,
            &taylor,
            &format!("/api/v1/appointments/{gid}/reschedule"),
            json!({"start": "2026-12-01T14:00:00Z"}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        assert_error_shape(&v, "group_session");

        // Cancelling takes Taylor alone out of the group.
        let (s, v) = post_json(
            &app,
            &taylor,
            &format!("/api/v1/appointments/{gid}/cancel"),
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["status"], "cancelled", "{v}");
        let (_, mine) = get_json(&app, &taylor, "/api/v1/appointments").await;
        assert!(
            mine["appointments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["id"] != gid.as_str()),
            "{mine}"
        );
        let riley = token_of(&app, &clock, "Riley Chen").await;
        let (_, theirs) = get_json(&app, &riley, "/api/v1/appointments").await;
        let kept = theirs["appointments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == gid.as_str())
            .cloned()
            .expect("Riley keeps the group");
        assert_eq!(kept["status"], "booked", "{kept}");
        assert_eq!(kept["clients"].as_array().unwrap().len(), 2, "{kept}");
        // Taylor is no longer in it: a second cancel finds nothing of Taylor's.
        let (s, v) = post_json(
            &app,
            &taylor,
            &format!("/api/v1/appointments/{gid}/cancel"),
            json!({}),
        )
        .await;
        assert_eq!(s, 404, "{v}");
        // Only Taylor's history shows the leaving.
        let taylor_id = client_id(&app, "Taylor Brooks").await;
        let events = app.state.store.audit_events(0, 100_000).await.unwrap();
        let left: Vec<_> = events
            .iter()
            .filter(|e| e.action.starts_with("appointment.left_group"))
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0].client_id, Some(taylor_id));
    }
);
