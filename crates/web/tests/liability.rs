//! Professional liability cover in the credentials register (seed 000: "Discuss your
//! professional liability coverage for Internet-based psycho-therapy with your professional
//! liability agency"): recorded through the real form, its warnings, its expiry reminders at
//! 60/30/7 days and the lapsed notice (sent once, to the clinician and the admins), and the
//! admin's view.
//!
//! The demo practice gives Dana a policy (Harbor Mutual, telehealth covered, US-MA and US-NY,
//! to 2028-03-31) and Samuel one that does not say whether it covers telehealth.

mod common;

use std::time::Duration;

use alcove_domain::liability::LiabilityCover;
use alcove_store::{DocKind, Owner};
use alcove_testkit::smtp::{ReceivedMail, SmtpSink};
use alcove_testkit::{csrf_from, Backend, TestApp};
use alcove_web::licensure::liability::COVER_KEY;
use alcove_web::reminders::{run_reminders, Due, ReminderRun, SentReminder};
use alcove_web::services::Version;
use common::{session_of, spawn_at, user_id};

const WAIT: Duration = Duration::from_secs(10);
const DANA: &str = "dana.whitfield@alcove-demo.example";
const PRIYA: &str = "priya.natarajan@alcove-demo.example";

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

/// A policy that ends 2027-03-31: its 60-day reminder is due on 2027-01-30.
const COVER: &[(&str, &str)] = &[
    ("insurer", "Cobalt Professional Liability"),
    ("policy_number", "PL-2027-0042"),
    ("telehealth", "yes"),
    ("jurisdictions", "us-ny, US-MA"),
    ("per_claim_limit", "$1,000,000"),
    ("aggregate_limit", "$3,000,000"),
    ("starts", "2026-04-01"),
    ("expires", "2027-03-31"),
];

fn with(
    fields: &[(&'static str, &'static str)],
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    fields
        .iter()
        .map(|(k, v)| {
            let v = changes
                .iter()
                .find(|(ck, _)| ck == k)
                .map_or(*v, |(_, cv)| *cv);
            (*k, v)
        })
        .collect()
}

/// The version the cover form was read at, as the page carries it.
fn version_in(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let i = html.find(marker).expect("a version field") + marker.len();
    html[i..].chars().take_while(|c| *c != '"').collect()
}

/// Posts the cover form as a browser would: the page's CSRF token and version, then `fields`
/// (a `version` among them wins).
async fn post_cover(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let html = app.text(client, "/credentials/liability").await;
    let csrf = csrf_from(&html);
    let version = version_in(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    if !fields.iter().any(|(k, _)| *k == "version") {
        form.push(("version", &version));
    }
    form.extend_from_slice(fields);
    client
        .post(app.url("/credentials/liability"))
        .form(&form)
        .send()
        .await
        .expect("post")
}

async fn cover_history(app: &TestApp, name: &str) -> Vec<Version<LiabilityCover>> {
    let id = user_id(app, name).await;
    app.state
        .docs
        .history(DocKind::LiabilityCover, Owner::User(id), COVER_KEY)
        .await
        .expect("documents")
}

fn cover_reminders(run: &ReminderRun) -> Vec<&SentReminder> {
    run.sent
        .iter()
        .filter(|s| {
            matches!(
                s.notice,
                Due::LiabilityCoverExpiring { .. } | Due::LiabilityCoverLapsed { .. }
            )
        })
        .collect()
}

fn subjects(mails: &[ReceivedMail]) -> Vec<(String, String)> {
    mails
        .iter()
        .map(|m| (m.to.join(","), m.header("Subject").unwrap_or_default()))
        .collect()
}

async fn home_of(app: &TestApp, clock: &alcove_domain::ManualClock, name: &str) -> String {
    let c = session_of(app, clock, name).await;
    let (s, html) = app.page(&c, "/home").await;
    assert_eq!(s, 200);
    html
}

for_both_backends!(
    liability_cover_is_kept_in_the_register_with_expiry_reminders,
    |backend: Backend| async move {
        let sink = SmtpSink::start().await;
        let (app, clock) = spawn_at(backend, "2026-12-01T12:00:00Z", Some(sink.url()), None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;

        // The demo policy is on file; Dana records her renewed one.
        let (s, html) = app.page(&dana, "/credentials/liability").await;
        assert_eq!(s, 200);
        assert!(html.contains("Harbor Mutual Professional Liability"));
        assert_eq!(version_in(&html), "1");
        let r = post_cover(&app, &dana, COVER).await;
        assert_eq!(r.status(), 303, "recorded");
        assert_eq!(r.headers()["location"], "/credentials");

        let html = app.text(&dana, "/credentials").await;
        for shown in [
            "Professional liability cover",
            "Cobalt Professional Liability",
            "PL-2027-0042",
            "Yes: the policy states that telehealth is covered",
            "US-MA, US-NY",
            "$1,000,000",
            "2026-04-01 to 2027-03-31",
            "In force through 2027-03-31",
        ] {
            assert!(html.contains(shown), "the register shows {shown:?}");
        }
        assert!(
            !html.contains("cover-warnings"),
            "telehealth and both licensed states are covered"
        );
        // A change is a new version; the earlier policy stays in the history.
        let history = cover_history(&app, "Dana Whitfield").await;
        assert_eq!(history.len(), 2);
        assert_eq!(
            history[0].value.insurer(),
            "Harbor Mutual Professional Liability"
        );
        assert_eq!(history[1].value.policy_number(), "PL-2027-0042");
        assert!(app
            .text(&dana, "/credentials/liability")
            .await
            .contains("Earlier versions"));
        // The practice sees it too.
        let admin = session_of(&app, &clock, "Priya Natarajan").await;
        let html = app.text(&admin, "/admin/credentials").await;
        assert!(html.contains("Liability cover of Dana Whitfield"));
        assert!(html.contains("Cobalt Professional Liability"));

        // 61 days before: nothing yet.
        clock.set(at("2027-01-29T12:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        assert!(cover_reminders(&run).is_empty(), "{run:?}");
        assert!(!home_of(&app, &clock, "Dana Whitfield")
            .await
            .contains("professional liability cover"));

        // 60 days before: one reminder, to Dana and to the admin.
        clock.set(at("2027-01-30T12:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        let sent = cover_reminders(&run);
        assert_eq!(sent.len(), 1, "{run:?}");
        assert_eq!(sent[0].clinician, user_id(&app, "Dana Whitfield").await);
        assert_eq!(
            sent[0].key,
            "liability:Cobalt Professional Liability:PL-2027-0042|2027-03-31|60"
        );
        assert!(matches!(
            sent[0].notice,
            Due::LiabilityCoverExpiring {
                threshold_days: 60,
                days_left: 60,
                ..
            }
        ));
        assert_eq!(sent[0].delivery.emailed, 2, "Dana and the practice's admin");
        let mut emailed: u32 = run.sent.iter().map(|s| s.delivery.emailed).sum();
        assert!(home_of(&app, &clock, "Dana Whitfield").await.contains(
            "Your professional liability cover (Cobalt Professional Liability, policy PL-2027-0042) ends in 60 days (2027-03-31) — record the renewed policy."
        ));
        assert!(home_of(&app, &clock, "Priya Natarajan").await.contains(
            "Dana Whitfield: professional liability cover ends in 60 days (2027-03-31)."
        ));

        // Once only.
        let again = run_reminders(&app.state).await.unwrap();
        assert!(again.sent.is_empty(), "{again:?}");
        clock.set(at("2027-02-15T12:00:00Z"));
        assert!(cover_reminders(&run_reminders(&app.state).await.unwrap()).is_empty());

        let mails = sink.wait_for(emailed as usize, WAIT).await;
        let got = subjects(&mails);
        assert!(
            got.contains(&(
                DANA.into(),
                "Your professional liability cover ends in 60 days".into()
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                PRIYA.into(),
                "A clinician's professional liability cover ends in 60 days".into()
            )),
            "{got:?}"
        );
        for m in &mails {
            let text = m.text();
            for private in ["Cobalt", "PL-2027-0042", "Dana"] {
                assert!(
                    !text.contains(private),
                    "an email holds {private:?}: {text}"
                );
            }
        }

        // The expiry day lasts until midnight where the policy applies: 02:00 UTC on 1 April is
        // still 31 March in Massachusetts and New York.
        clock.set(at("2027-04-01T02:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        emailed += run.sent.iter().map(|s| s.delivery.emailed).sum::<u32>();
        assert!(
            !run.sent
                .iter()
                .any(|s| matches!(s.notice, Due::LiabilityCoverLapsed { .. })),
            "{run:?}"
        );
        assert!(home_of(&app, &clock, "Dana Whitfield")
            .await
            .contains("ends today (2027-03-31)"));

        // The day after: lapsed, said once.
        clock.set(at("2027-04-01T12:00:00Z"));
        let run = run_reminders(&app.state).await.unwrap();
        let lapsed: Vec<_> = run
            .sent
            .iter()
            .filter(|s| matches!(s.notice, Due::LiabilityCoverLapsed { .. }))
            .collect();
        assert_eq!(lapsed.len(), 1, "{run:?}");
        assert_eq!(
            lapsed[0].key,
            "liability-lapsed|liability:Cobalt Professional Liability:PL-2027-0042|2027-03-31"
        );
        assert_eq!(lapsed[0].delivery.emailed, 2);
        emailed += run.sent.iter().map(|s| s.delivery.emailed).sum::<u32>();
        assert!(cover_reminders(&run_reminders(&app.state).await.unwrap()).is_empty());
        let html = home_of(&app, &clock, "Dana Whitfield").await;
        assert!(html.contains(
            "Your professional liability cover (Cobalt Professional Liability, policy PL-2027-0042) lapsed after 2027-03-31"
        ));
        assert!(home_of(&app, &clock, "Priya Natarajan")
            .await
            .contains("Dana Whitfield: professional liability cover lapsed after 2027-03-31."));
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let html = app.text(&dana, "/credentials").await;
        assert!(html.contains("Lapsed after 2027-03-31"));
        assert!(html.contains("The policy lapsed after 2027-03-31. Record the renewed policy."));

        let mails = sink.wait_for(emailed as usize, WAIT).await;
        let got = subjects(&mails);
        assert!(
            got.contains(&(
                DANA.into(),
                "Professional liability cover has lapsed".into()
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                PRIYA.into(),
                "A clinician's professional liability cover has lapsed".into()
            )),
            "{got:?}"
        );
        let count = |subject: &str| got.iter().filter(|(_, s)| s == subject).count();
        assert_eq!(
            count("Your professional liability cover ends in 60 days"),
            1
        );
        assert_eq!(count("Professional liability cover has lapsed"), 1);

        // Recording the renewal ends the notice.
        let renewed = with(
            COVER,
            &[("starts", "2027-04-01"), ("expires", "2028-03-31")],
        );
        assert_eq!(post_cover(&app, &dana, &renewed).await.status(), 303);
        assert!(!app
            .text(&dana, "/home")
            .await
            .contains("professional liability cover"));
    }
);

for_both_backends!(
    a_bad_cover_field_is_named_next_to_it_and_nothing_is_stored,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, "2026-12-01T12:00:00Z", None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let bad = with(
            COVER,
            &[
                ("insurer", "  "),
                ("telehealth", "maybe"),
                ("jurisdictions", "Massachusetts, US-NY"),
                ("starts", "2027-04-01"),
                ("expires", "2027-03-31"),
            ],
        );
        let r = post_cover(&app, &dana, &bad).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for field in ["insurer", "telehealth", "jurisdictions", "expires"] {
            assert!(
                html.contains(&format!("id=\"cover-{field}-error\"")),
                "{field}: an error next to it"
            );
            assert!(
                html.contains(&format!("href=\"#cover-{field}\"")),
                "{field}: in the summary, linked to the field"
            );
        }
        assert!(html.contains("aria-describedby=\"cover-insurer-error\""));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains("Insurer: Enter this: it cannot be empty."));
        assert!(html.contains("Choose yes, no or not stated."));
        assert!(html.contains("These are not ISO 3166-2 codes: Massachusetts."));
        assert!(html.contains("The policy cannot expire before it starts (2027-04-01)."));
        assert!(
            !html.contains("id=\"cover-policy_number-error\""),
            "good fields have no error"
        );
        assert!(
            html.contains("value=\"Massachusetts, US-NY\""),
            "what was typed is kept"
        );
        assert_eq!(
            cover_history(&app, "Dana Whitfield").await.len(),
            1,
            "nothing stored: only the demo policy"
        );

        // A form read before someone else's change overwrites nothing.
        let mut stale = COVER.to_vec();
        stale.push(("version", "0"));
        let r = post_cover(&app, &dana, &stale).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("changed elsewhere"));
        assert_eq!(cover_history(&app, "Dana Whitfield").await.len(), 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_register_warns_when_telehealth_or_a_licensed_jurisdiction_is_not_covered() {
    let (app, clock) = spawn_at(Backend::Sqlite, "2026-12-01T12:00:00Z", None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let not_stated = with(
        COVER,
        &[("telehealth", "not_stated"), ("jurisdictions", "US-MA")],
    );
    assert_eq!(post_cover(&app, &dana, &not_stated).await.status(), 303);
    let html = app.text(&dana, "/credentials").await;
    assert!(html.contains("cover-warnings"));
    assert!(html.contains(
        "The policy does not state that telehealth is covered. Ask your agency to confirm cover for Internet-based therapy in writing."
    ));
    assert!(html.contains(
        "You are licensed in US-NY, but the policy does not list it: clients located there are outside this cover."
    ));
    assert!(!html.contains("licensed in US-MA, but"));

    let excluded = with(COVER, &[("telehealth", "no")]);
    assert_eq!(post_cover(&app, &dana, &excluded).await.status(), 303);
    let html = app.text(&dana, "/credentials").await;
    assert!(html.contains("The policy excludes telehealth: online sessions are not covered by it."));
    assert!(!html.contains("but the policy does not list it"));

    assert_eq!(post_cover(&app, &dana, COVER).await.status(), 303);
    assert!(!app
        .text(&dana, "/credentials")
        .await
        .contains("cover-warnings"));

    // The practice sees each clinician's cover and what to take up: Samuel's demo policy does
    // not say whether it covers telehealth.
    let admin = session_of(&app, &clock, "Priya Natarajan").await;
    let (s, html) = app.page(&admin, "/admin/credentials").await;
    assert_eq!(s, 200);
    let samuel = html
        .find("Liability cover of Samuel Okafor")
        .expect("Samuel's cover");
    assert!(html[samuel..].contains("Keystone Professional Insurance"));
    assert!(html[samuel..].contains("The policy does not state that telehealth is covered."));
    // Someone else cannot use Dana's register.
    let alex = session_of(&app, &clock, "Alex Rivera").await;
    assert_eq!(app.page(&alex, "/credentials/liability").await.0, 403);
}
