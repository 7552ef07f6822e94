//! Credential expiry reminders (60/30/7 days), lapsed credentials and CE shortfalls: the job's
//! `run_reminders` on a ManualClock, the dashboards, the emails (testkit's SMTP sink), and
//! several instances racing on one database.
//!
//! Dana Whitfield's LICSW licence in US-MA expires 2027-06-30; her New York licence
//! 2027-12-31; Samuel Okafor's credentials 2027-11-30.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use alcove_crypto::audit::CheckpointSigner;
use alcove_crypto::envelope::MasterKey;
use alcove_store::{DocKind, Owner};
use alcove_testkit::smtp::{ReceivedMail, SmtpSink};
use alcove_testkit::{csrf_from, Backend, TestApp};
use alcove_web::reminders::{run_reminders, Due, ReminderRun, SentReminder};
use alcove_web::services::mailer::{self, MailTransport, Mailer};
use alcove_web::{AppState, WebConfig};
use common::{get_json, session_of, spawn_at, token_of, user_id};

const WAIT: Duration = Duration::from_secs(10);

fn expiring(run: &ReminderRun) -> Vec<&SentReminder> {
    run.sent
        .iter()
        .filter(|s| matches!(s.notice, Due::CredentialExpiring { .. }))
        .collect()
}

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

fn subjects(mails: &[ReceivedMail]) -> Vec<(String, String)> {
    mails
        .iter()
        .map(|m| (m.to.join(","), m.header("Subject").unwrap_or_default()))
        .collect()
}

const DANA: &str = "dana.whitfield@alcove-demo.example";
const PRIYA: &str = "priya.natarajan@alcove-demo.example";

async fn home_of(app: &TestApp, clock: &alcove_domain::ManualClock, name: &str) -> String {
    let c = session_of(app, clock, name).await;
    let (s, html) = app.page(&c, "/home").await;
    assert_eq!(s, 200);
    html
}

for_both_backends!(
    reminders_start_sixty_days_before_expiry_and_are_sent_once,
    |backend: Backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, "2027-04-30T12:00:00Z", Some(sink.url()), None).await;

        // 61 days before: nothing yet.
        let run = run_reminders(&app.state).await.unwrap();
        assert!(expiring(&run).is_empty(), "{run:?}");
        assert!(run.checked >= 2, "both clinicians were checked");
        assert!(!home_of(&app, &clock, "Dana Whitfield")
            .await
            .contains("expires in"));

        // 60 days before: one reminder, to Dana and to the admin.
        clock.set(at("2027-05-01T12:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        let e = expiring(&run);
        assert_eq!(e.len(), 1, "{run:?}");
        assert_eq!(e[0].clinician, user_id(&app, "Dana Whitfield").await);
        assert!(
            e[0].key.contains("US-MA") && e[0].key.ends_with("|2027-06-30|60"),
            "{}",
            e[0].key
        );
        assert_eq!(e[0].delivery.emailed, 2, "Dana and the practice's admin");
        let html = home_of(&app, &clock, "Dana Whitfield").await;
        assert!(
            html.contains(
                "Your LICSW licence in US-MA expires in 60 days (2027-06-30) — renew and update the register"
            ),
            "Dana's dashboard"
        );
        assert!(
            !html.contains("in US-NY expires"),
            "New York is months away"
        );
        let html = home_of(&app, &clock, "Priya Natarajan").await;
        assert!(
            html.contains("Dana Whitfield: LICSW licence in US-MA expires in 60 days (2027-06-30)"),
            "the admin's dashboard"
        );

        // Running again sends nothing new.
        let again = run_reminders(&app.state).await.unwrap();
        assert!(again.sent.is_empty(), "{again:?}");

        // Six days before: only the 7-day reminder; the 30-day one was overtaken.
        clock.set(at("2027-06-24T12:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        let e = expiring(&run);
        assert_eq!(e.len(), 1, "{run:?}");
        assert!(e[0].key.ends_with("|7"), "{}", e[0].key);
        assert!(matches!(
            e[0].notice,
            Due::CredentialExpiring {
                days_left: 6,
                threshold_days: 7,
                ..
            }
        ));
        assert!(home_of(&app, &clock, "Dana Whitfield")
            .await
            .contains("expires in 6 days (2027-06-30)"));

        let mails = sink.wait_for(4, WAIT).await;
        let got = subjects(&mails);
        let count =
            |to: &str, subject: &str| got.iter().filter(|(t, s)| t == to && s == subject).count();
        assert_eq!(count(DANA, "A credential expires in 60 days"), 1, "{got:?}");
        assert_eq!(
            count(PRIYA, "A clinician's credential expires in 60 days"),
            1,
            "{got:?}"
        );
        assert_eq!(count(DANA, "A credential expires in 6 days"), 1, "{got:?}");
        assert_eq!(
            count(PRIYA, "A clinician's credential expires in 6 days"),
            1,
            "{got:?}"
        );
        assert!(!got.iter().any(|(_, s)| s.contains("30 days")), "{got:?}");
        for m in &mails {
            let text = m.text();
            for private in ["Alex", "Jordan", "Casey", "Thursday", "LICSW", "123456"] {
                assert!(
                    !text.contains(private),
                    "an email holds {private:?}: {text}"
                );
            }
        }
    }
);

for_both_backends!(
    concurrent_runs_on_several_instances_send_each_reminder_once,
    |backend: Backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, "2027-05-01T12:00:00Z", Some(sink.url()), None).await;
        // A second instance: its own state and mailer, the same database.
        let config = WebConfig {
            reminder_every: None,
            ..WebConfig::default()
        };
        let mailer = Mailer::new(
            MailTransport::Smtp(sink.url()),
            mailer::DEFAULT_FROM,
            &config,
        )
        .unwrap();
        let other = AppState::new(
            app.state.store.clone(),
            MasterKey::generate(),
            CheckpointSigner::generate(),
            clock.clone(),
            config,
            mailer,
        );
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = if i % 2 == 0 {
                app.state.clone()
            } else {
                other.clone()
            };
            tasks.push(tokio::spawn(async move { run_reminders(&s).await }));
        }
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        let mut claimed_elsewhere = 0;
        for t in tasks {
            let run = t.await.unwrap().unwrap();
            claimed_elsewhere += run.claimed_elsewhere;
            for s in run.sent {
                *by_key.entry(s.key).or_default() += 1;
            }
        }
        assert!(!by_key.is_empty());
        assert!(
            by_key.values().all(|n| *n == 1),
            "each key sent once: {by_key:?}"
        );
        assert_eq!(
            by_key
                .keys()
                .filter(|k| k.starts_with("license:US-MA") && k.ends_with("|60"))
                .count(),
            1
        );
        // Each document was claimed once: version 1 by the winner, version 2 by the same.
        let owner = Owner::User(user_id(&app, "Dana Whitfield").await);
        for key in by_key.keys() {
            let versions = app
                .state
                .store
                .document_history(DocKind::ReminderSent, &owner, key)
                .await
                .unwrap();
            assert!(versions.len() <= 2, "{key}: {} versions", versions.len());
        }
        // How many passes lost the race on the insert depends on scheduling; what must hold
        // is above (each key once) and below (each email once).
        let _ = claimed_elsewhere;
        // Every run awaited its sends, so whatever was sent has arrived.
        let mails = sink.messages();
        let got = subjects(&mails);
        let n = |to: &str, s: &str| got.iter().filter(|(t, x)| t == to && x == s).count();
        assert_eq!(n(DANA, "A credential expires in 60 days"), 1, "{got:?}");
        assert_eq!(
            n(PRIYA, "A clinician's credential expires in 60 days"),
            1,
            "{got:?}"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reminders_job_runs_by_itself_on_the_apps_clock() {
    let config = WebConfig {
        reminder_every: Some(Duration::from_millis(200)),
        ..WebConfig::default()
    };
    let (app, _clock) = spawn_at(Backend::Sqlite, "2027-05-01T12:00:00Z", None, Some(config)).await;
    let owner = Owner::User(user_id(&app, "Dana Whitfield").await);
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let docs = app
            .state
            .store
            .latest_documents(DocKind::ReminderSent, Some(&owner))
            .await
            .unwrap();
        if docs
            .iter()
            .any(|d| d.key.starts_with("license:US-MA") && d.key.ends_with("|60"))
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the job recorded no reminder"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Without a mail server, the email went to the outbox (the development transport).
    let outbox = app.dir.path().join("outbox");
    let deadline = std::time::Instant::now() + WAIT;
    while std::fs::read_dir(&outbox).map_or(0, |d| d.count()) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no email in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

for_both_backends!(
    a_lapsed_credential_stops_practice_in_that_jurisdiction,
    |backend: Backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, "2027-06-30T12:00:00Z", Some(sink.url()), None).await;
        let dana_id = user_id(&app, "Dana Whitfield").await;
        let check = format!("/api/v1/licensure/check?clinician={dana_id}&location=US-MA");

        // The expiry day itself: still valid.
        let admin = token_of(&app, &clock, "Priya Natarajan").await;
        let (s, v) = get_json(&app, &admin, &check).await;
        assert_eq!(s, 200);
        assert_eq!(v["allowed"], true, "{v}");
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        assert!(app
            .text(&dana, "/where-can-i-see-clients")
            .await
            .contains("(US-MA)"));

        // The day after: the licensure check denies with the reason, the where page drops it.
        clock.set(at("2027-07-01T12:00:00Z"));
        let admin = token_of(&app, &clock, "Priya Natarajan").await;
        let (s, v) = get_json(&app, &admin, &check).await;
        assert_eq!(s, 200);
        assert_eq!(v["allowed"], false, "{v}");
        let reason = v["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("US-MA"), "the reason names the place: {v}");
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let html = app.text(&dana, "/where-can-i-see-clients").await;
        assert!(
            !html.contains("(US-MA)"),
            "Massachusetts is no longer listed"
        );
        assert!(html.contains("(US-NY)"), "New York still is");

        let html = app.text(&dana, "/home").await;
        assert!(
            html.contains(
                "lapsed after 2027-06-30 — you cannot see clients in US-MA on this credential"
            ),
            "Dana's dashboard"
        );
        assert!(home_of(&app, &clock, "Priya Natarajan")
            .await
            .contains("Dana Whitfield: LICSW licence in US-MA lapsed after 2027-06-30"));

        let run = run_reminders(&app.state).await.unwrap();
        let lapsed: Vec<_> = run
            .sent
            .iter()
            .filter(|s| matches!(s.notice, Due::CredentialLapsed { .. }))
            .collect();
        assert_eq!(lapsed.len(), 1, "{run:?}");
        assert_eq!(lapsed[0].delivery.emailed, 2);
        assert!(run_reminders(&app.state).await.unwrap().sent.is_empty());
        let mails = sink.wait_for(2, WAIT).await;
        let got = subjects(&mails);
        assert!(
            got.contains(&(DANA.into(), "A credential has lapsed".into())),
            "{got:?}"
        );
        assert!(
            got.contains(&(PRIYA.into(), "A clinician's credential has lapsed".into())),
            "{got:?}"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ce_shortfall_is_warned_before_the_renewal_date() {
    let (app, clock) = spawn_at(Backend::Sqlite, "2027-05-01T12:00:00Z", None, None).await;
    let html = home_of(&app, &clock, "Dana Whitfield").await;
    assert!(
        html.contains(
            "Continuing education for your LICSW licence in US-MA: 30 more hours needed before 2027-06-30 (60 days left)."
        ),
        "a shortfall 60 days before renewal"
    );
    assert!(
        !html.contains("LCSW licence in US-NY: "),
        "New York's renewal is months away"
    );
    let run = run_reminders(&app.state).await.unwrap();
    assert_eq!(
        run.sent
            .iter()
            .filter(|s| matches!(s.notice, Due::CeShortfall { .. }))
            .count(),
        1,
        "{run:?}"
    );

    // Thirty hours in the cycle: the warning goes.
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let csrf = csrf_from(&app.text(&dana, "/ce").await);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("provider", "NASW")
        .text("title", "Clinical practice intensive")
        .text("completed_on", "2027-04-20")
        .text("hours", "30")
        .text("category", "clinical")
        .text("format", "live_in_person");
    let r = dana
        .post(app.url("/ce"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = app.text(&dana, "/home").await;
    assert!(!html.contains("Continuing education for your LICSW licence in US-MA"));
    assert!(app.text(&dana, "/ce").await.contains("Met: every hour"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_in_the_register_stops_the_old_entrys_reminders() {
    let (app, clock) = spawn_at(Backend::Sqlite, "2027-05-01T12:00:00Z", None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    assert!(app
        .text(&dana, "/home")
        .await
        .contains("in US-MA expires in 60 days"));
    let csrf = csrf_from(&app.text(&dana, "/credentials").await);
    let r = dana
        .post(app.url("/credentials"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "license"),
            ("jurisdiction", "US-MA"),
            ("title", "LICSW"),
            ("number", "123456"),
            ("expires", "2029-06-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(!app.text(&dana, "/home").await.contains("in US-MA expires"));
    let run = run_reminders(&app.state).await.unwrap();
    assert!(expiring(&run).is_empty(), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_is_not_called_lapsed_while_its_expiry_day_lasts_where_it_applies() {
    // 02:00 UTC on 1 July is still 30 June (22:00) in Massachusetts.
    let (app, clock) = spawn_at(Backend::Sqlite, "2027-07-01T02:00:00Z", None, None).await;
    let html = home_of(&app, &clock, "Dana Whitfield").await;
    assert!(!html.contains("lapsed after"), "not lapsed yet in US-MA");
    assert!(html.contains("in US-MA expires today (2027-06-30)"));
    let run = run_reminders(&app.state).await.unwrap();
    assert!(
        !run.sent
            .iter()
            .any(|s| matches!(s.notice, Due::CredentialLapsed { .. })),
        "{run:?}"
    );
    // 05:00 UTC is 01:00 on 1 July there.
    clock.set(at("2027-07-01T05:00:00Z"));
    let html = home_of(&app, &clock, "Dana Whitfield").await;
    assert!(html.contains("you cannot see clients in US-MA on this credential"));
    let run = run_reminders(&app.state).await.unwrap();
    assert_eq!(
        run.sent
            .iter()
            .filter(|s| matches!(s.notice, Due::CredentialLapsed { .. }))
            .count(),
        1
    );
}

for_both_backends!(
    an_assessment_past_its_revisit_date_shows_on_the_clinicians_dashboard,
    |backend| async move {
        let (app, clock) = spawn_at(backend, "2026-12-07T15:00:00Z", None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let (_, home) = app.page(&dana, "/home").await;
        assert!(!home.contains("was due for review"), "nothing due yet");
        // A year on, Alex's assessment (made at the demo's start) is past its revisit date.
        clock.advance(chrono::Duration::days(366));
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let (s, home) = app.page(&dana, "/home").await;
        assert_eq!(s, 200);
        let alex = common::client_id(&app, "Alex Rivera").await;
        assert!(
            home.contains("The appropriateness assessment of Alex Rivera was due for review"),
            "{home}"
        );
        assert!(
            home.contains(&format!("/clients/{alex}/assessment")),
            "{home}"
        );
        // Samuel's clients are not on Dana's dashboard.
        assert!(!home.contains("of Riley Chen"), "{home}");
    }
);
