//! Issue 5 in the product, parts 3, 4 and 6: the client's emergency and contingency plan
//! (`/me/emergency-plan`) and the care team's view of it. Storage-touching tests run on SQLite
//! and on PostgreSQL.

mod common;

use common::client_id;

use alcove_domain::emergency::EmergencyPlan;
use alcove_domain::onboarding::PlanState;
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use alcove_testkit::{csrf_from, TestApp};
use reqwest::Client;

/// Posts a form with the session's CSRF token (read from `page`); returns status and body.
async fn post(
    app: &TestApp,
    web: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let csrf = csrf_from(&app.text(web, page).await);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = web.post(app.url(action)).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

async fn plan_versions(app: &TestApp, client: ClientId) -> Vec<i64> {
    app.state
        .docs
        .history::<EmergencyPlan>(
            DocKind::EmergencyPlan,
            Owner::Client(client),
            alcove_web::onboarding::emergency::KEY,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect()
}

async fn actions_for(app: &TestApp, client: ClientId) -> Vec<String> {
    app.state
        .store
        .access_log(client, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

const FULL_PLAN: &[(&str, &str)] = &[
    ("after", "0"),
    ("jurisdiction", "US-NY"),
    ("address", "88 Quillfeather Lane, Apt 2"),
    ("emergency_number", ""),
    ("facility_name", "Mount Sinai West"),
    ("facility_address", "1000 10th Avenue"),
    ("contact_name", "Tamsin Lee"),
    ("contact_relationship", "sister"),
    ("contact_phone", "+1 212 555 0123"),
    ("contact_permission", "yes"),
    ("fallback_phone", "+1 212 555 0199"),
    ("client_waits_minutes", "5"),
    ("clinician_waits_minutes", "10"),
    ("reconnect", "both_rejoin"),
    ("reconnect_note", "Text first"),
];

on_both_backends!(
    the_emergency_plan_requires_its_fields_and_keeps_each_version,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        let facts = alcove_web::onboarding::emergency::facts(&app.state, id)
            .await
            .unwrap();
        assert_eq!(facts, PlanState::Missing);

        // A malformed phone is named beside its field, and nothing is stored.
        let (s, html) = post(
            &app,
            &jordan,
            "/me/emergency-plan",
            "/me/emergency-plan",
            &[
                ("after", "0"),
                ("jurisdiction", "US-NY"),
                ("contact_phone", "call me"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains(r#"id="contact_phone-error""#), "{html}");
        assert!(html.contains(r#"aria-describedby="contact_phone-hint contact_phone-error""#));
        assert!(
            html.contains(r#"value="call me""#),
            "the answer is kept to fix"
        );
        assert!(plan_versions(&app, id).await.is_empty());

        // An unfinished plan is saved, and the page lists what is still missing.
        let (s, _) = post(
            &app,
            &jordan,
            "/me/emergency-plan",
            "/me/emergency-plan",
            &[("after", "0"), ("jurisdiction", "US-NY")],
        )
        .await;
        assert_eq!(s, 303);
        let (_, html) = app.page(&jordan, "/me/emergency-plan").await;
        assert!(html.contains(r#"id="ep-missing""#), "{html}");
        assert!(
            html.contains("Emergency contact&#39;s name")
                || html.contains("Emergency contact's name")
        );
        // The country's defaults were filled in: 911 and 988.
        assert!(html.contains(r#"value="911""#), "{html}");
        assert!(html.contains("988"));
        match alcove_web::onboarding::emergency::facts(&app.state, id)
            .await
            .unwrap()
        {
            PlanState::Incomplete { missing } => {
                assert!(missing.contains(&"contact_name".to_string()), "{missing:?}");
                assert!(missing.contains(&"fallback_phone".to_string()));
            }
            other => panic!("expected an incomplete plan, got {other:?}"),
        }

        // The full plan completes it, as version 2.
        let mut full = FULL_PLAN.to_vec();
        full[0] = ("after", "1");
        let (s, _) = post(
            &app,
            &jordan,
            "/me/emergency-plan",
            "/me/emergency-plan",
            &full,
        )
        .await;
        assert_eq!(s, 303);
        assert_eq!(plan_versions(&app, id).await, vec![1, 2]);
        assert_eq!(
            alcove_web::onboarding::emergency::facts(&app.state, id)
                .await
                .unwrap(),
            PlanState::Complete
        );
        let (_, html) = app.page(&jordan, "/me/emergency-plan?saved=2").await;
        assert!(html.contains(r#"id="ep-complete""#));
        assert!(html.contains("Tamsin Lee"));

        // Dana, on Jordan's care team, reads it on the record.
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, html) = app
            .page(&dana, &format!("/clients/{id}/emergency-plan"))
            .await;
        assert_eq!(s, 200);
        assert!(html.contains("Tamsin Lee") && html.contains("Mount Sinai West"));
        let (_, record) = app.page(&dana, &format!("/clients/{id}")).await;
        assert!(record.contains(&format!("/clients/{id}/emergency-plan")));
        let actions = actions_for(&app, id).await;
        assert!(actions.iter().any(|a| a == "emergency_plan.changed"));
        assert!(actions.iter().any(|a| a == "emergency_plan.view"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_see_another_clients_emergency_plan() {
    let app = alcove_testkit::spawn_app().await;
    let alex_id = client_id(&app, "Alex Rivera").await;
    // The demo gave Alex a complete plan naming his brother.
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    assert!(app
        .text(&alex, "/me/emergency-plan")
        .await
        .contains("Sam Rivera"));

    let jordan = app.web_session(app.account_named("Jordan Lee")).await;
    let (s, html) = app
        .page(&jordan, &format!("/clients/{alex_id}/emergency-plan"))
        .await;
    assert_eq!(s, 403);
    assert!(!html.contains("Sam Rivera"));
    let (s, html) = app.page(&jordan, "/me/emergency-plan").await;
    assert_eq!(s, 200);
    assert!(
        !html.contains("Sam Rivera"),
        "Jordan sees only their own plan"
    );

    // A clinician outside Alex's care team is told there is nothing there.
    let samuel = app.web_session(app.account_named("Samuel Okafor")).await;
    let (s, html) = app
        .page(&samuel, &format!("/clients/{alex_id}/emergency-plan"))
        .await;
    assert_eq!(s, 404);
    assert!(!html.contains("Sam Rivera"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emergency_plan_is_not_stored_in_plaintext() {
    let app = alcove_testkit::spawn_app().await;
    let jordan = app.web_session(app.account_named("Jordan Lee")).await;
    let (s, _) = post(
        &app,
        &jordan,
        "/me/emergency-plan",
        "/me/emergency-plan",
        FULL_PLAN,
    )
    .await;
    assert_eq!(s, 303);
    assert!(app
        .text(&jordan, "/me/emergency-plan")
        .await
        .contains("Quillfeather"));
    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "the database files were read");
    for needle in ["Quillfeather", "Tamsin", "Sam Rivera", "contact_phone"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is stored in plaintext"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Screening
// ---------------------------------------------------------------------------------------

async fn screening_count(app: &TestApp, client: ClientId) -> usize {
    app.state
        .docs
        .all::<serde_json::Value>(DocKind::Screening, Some(Owner::Client(client)))
        .await
        .unwrap()
        .len()
}

on_both_backends!(
    a_screening_with_an_unanswered_item_names_it_and_stores_nothing,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        let before = screening_count(&app, id).await;
        let (s, html) = app.page(&jordan, "/me/screening/gad7").await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"type="radio" name="item_7""#), "{html}");
        let (s, html) = post(
            &app,
            &jordan,
            "/me/screening/gad7",
            "/me/screening/gad7",
            &[
                ("item_1", "1"),
                ("item_2", "1"),
                ("item_3", "1"),
                ("item_4", "1"),
                ("item_5", "1"),
                ("item_6", "1"),
            ],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("Not answered: 7."), "{html}");
        assert!(html.contains(r#"aria-describedby="item-7-error""#));
        assert!(
            html.contains(r#"value="1" id="item_1_1" required checked"#),
            "answers kept"
        );
        assert_eq!(screening_count(&app, id).await, before);

        let mut all: Vec<(&str, &str)> = [
            "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7",
        ]
        .into_iter()
        .map(|k| (k, "2"))
        .collect();
        all[0].1 = "3";
        let (s, html) = post(
            &app,
            &jordan,
            "/me/screening/gad7",
            "/me/screening/gad7",
            &all,
        )
        .await;
        assert_eq!(s, 200);
        assert!(
            html.contains("GAD-7 score: 15 / 21") || html.contains("15 / 21"),
            "{html}"
        );
        assert!(html.contains("Severe"));
        assert!(!html.contains(r#"id="crisis-resources""#));
        assert_eq!(screening_count(&app, id).await, before + 1);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phq9_item_9_above_zero_flags_the_care_team_at_once_and_shows_the_client_crisis_resources()
{
    let sink = alcove_testkit::smtp::SmtpSink::start().await;
    let app = alcove_testkit::spawn(alcove_testkit::Options {
        smtp_url: Some(sink.url()),
        ..alcove_testkit::Options::default()
    })
    .await;
    let jordan = app.web_session(app.account_named("Jordan Lee")).await;
    let id = client_id(&app, "Jordan Lee").await;
    let mut answers: Vec<(String, String)> =
        (1..=9).map(|n| (format!("item_{n}"), "0".into())).collect();
    answers[8].1 = "1".into();
    let fields: Vec<(&str, &str)> = answers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (s, html) = post(
        &app,
        &jordan,
        "/me/screening/phq9",
        "/me/screening/phq9",
        &fields,
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains(r#"id="crisis-resources""#), "{html}");
    assert!(html.contains("988") && html.contains("911"));
    assert!(html.contains("Talk to your clinician"));

    // Dana (Jordan's clinician) is emailed at once, with no content.
    let got = sink.wait_for(1, std::time::Duration::from_secs(10)).await;
    let m = &got[0];
    assert_eq!(m.to, vec!["dana.whitfield@alcove-demo.example".to_owned()]);
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Something needs your attention")
    );
    let body = m.text();
    assert!(!body.contains("Jordan") && !body.contains("PHQ"), "{body}");

    // The dashboard and the record carry the flag until acknowledged.
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let home = app.text(&dana, "/home").await;
    assert!(home.contains(r#"id="urgent-screening""#), "{home}");
    assert!(home.contains(&format!("/clients/{id}/screening")));
    let page = format!("/clients/{id}/screening");
    let record = app.text(&dana, &page).await;
    assert!(record.contains(r#"id="urgent-flag""#));
    let key = record
        .split(r#"name="key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let (s, _) = post(
        &app,
        &dana,
        &page,
        &format!("/clients/{id}/screening/acknowledge"),
        &[("key", &key)],
    )
    .await;
    assert_eq!(s, 303);
    let record = app.text(&dana, &page).await;
    assert!(!record.contains(r#"id="urgent-flag""#));
    assert!(record.contains("Acknowledged by Dana Whitfield"));
    assert!(!app
        .text(&dana, "/home")
        .await
        .contains(r#"id="urgent-screening""#));
    let actions = actions_for(&app, id).await;
    for a in [
        "screening.completed",
        "screening.urgent_flag",
        "screening.urgent_acknowledged",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    // Readiness sees the completion with its urgent flag.
    let facts = alcove_web::onboarding::screening::facts(&app.state, id)
        .await
        .unwrap();
    assert!(facts.iter().any(|f| f.urgent));

    // Another client never reaches the care team's page.
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let (s, html) = app.page(&alex, &page).await;
    assert_eq!(s, 403);
    assert!(!html.contains("PHQ-9"));
}

/// The numbers in `data-total="…"` attributes inside the element that starts at `from`.
fn totals_in(html: &str, from: &str, until: &str) -> Vec<String> {
    let start = html.find(from).expect(from);
    let rest = &html[start..];
    let part = &rest[..rest.find(until).expect(until)];
    part.split(r#"data-total=""#)
        .skip(1)
        .map(|r| r.split('"').next().unwrap().to_owned())
        .collect()
}

on_both_backends!(
    the_score_chart_and_its_data_table_carry_the_same_numbers,
    |app: TestApp| async move {
        let alex_id = client_id(&app, "Alex Rivera").await;
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, html) = app
            .page(&dana, &format!("/clients/{alex_id}/screening"))
            .await;
        assert_eq!(s, 200);
        assert!(
            html.contains(r#"<svg role="img" aria-labelledby="chart-phq9-title chart-phq9-desc""#),
            "{html}"
        );
        let svg = totals_in(&html, r#"id="chart-phq9""#, "</svg>");
        let table = totals_in(&html, r#"id="chart-phq9-data""#, "</table>");
        // The demo's PHQ-9 totals, oldest first: 11, 7, 3.
        assert_eq!(svg, vec!["11", "7", "3"]);
        assert_eq!(svg, table);
        assert!(
            html.contains("oldest first: "),
            "the description lists them too"
        );
        let gad_svg = totals_in(&html, r#"id="chart-gad7""#, "</svg>");
        let gad_table = totals_in(&html, r#"id="chart-gad7-data""#, "</table>");
        assert_eq!(gad_svg, gad_table);
        assert_eq!(gad_svg.len(), 3);
        assert!(html.contains("Moderate") && html.contains("Minimal"));
    }
);
