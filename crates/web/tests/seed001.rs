//! Seed 001 (a therapist's social-media policy) end to end: the Client Request for Electronic
//! Data Transmission, the online encounter plan, and the social-media policy with its versions
//! and acknowledgments. Storage-touching tests run on SQLite and on PostgreSQL.

mod common;

use common::client_id;

use alcove_domain::encounter::EncounterPlan;
use alcove_domain::transmission::{Channel, Purpose, TransmissionRequest};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use alcove_testkit::{csrf_from, TestApp};
use reqwest::Client;

/// The signed versions of a client's request, read straight from the documents service.
async fn request_versions(app: &TestApp, client: ClientId) -> Vec<i64> {
    app.state
        .docs
        .history::<TransmissionRequest>(
            DocKind::TransmissionConsent,
            Owner::Client(client),
            alcove_web::transmission::KEY,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect()
}

/// The saved versions of a client's encounter plan.
async fn plan_versions(app: &TestApp, client: ClientId) -> Vec<i64> {
    app.state
        .docs
        .history::<EncounterPlan>(
            DocKind::EncounterPlan,
            Owner::Client(client),
            alcove_web::encounter::KEY,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.version)
        .collect()
}

/// Posts a form with the session's CSRF token (read from `page`); returns status and Location.
async fn post(
    app: &TestApp,
    web: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let csrf = csrf_from(&app.text(web, page).await);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = web.post(app.url(action)).form(&form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, location, r.text().await.unwrap_or_default())
}

/// The actions written to a client's audit trail (as the client's access log shows them).
async fn actions_for(app: &TestApp, client: ClientId) -> Vec<(String, String)> {
    app.state
        .store
        .access_log(client, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.actor_role))
        .collect()
}

fn has(html: &str, needle: &str) -> bool {
    html.contains(needle)
}

// ---------------------------------------------------------------------------------------
// The Client Request for Electronic Data Transmission
// ---------------------------------------------------------------------------------------

on_both_backends!(
    a_client_signs_the_request_and_each_signed_version_appears_in_the_history,
    |app: TestApp| async move {
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let id = client_id(&app, "Alex Rivera").await;
        let (s, html) = app.page(&alex, "/me/electronic-data").await;
        assert_eq!(s, 200);
        assert!(has(&html, "You have not signed a request yet"), "{html}");
        assert!(
            has(&html, "not encrypted from end to end"),
            "the risks of email are shown"
        );
        assert!(has(&html, "lock screen"), "the risks of texts are shown");

        let (s, loc, _) = post(
            &app,
            &alex,
            "/me/electronic-data",
            "/me/electronic-data",
            &[
                ("after", "0"),
                ("accept", "email:appointment_reminders"),
                ("accept", "text:appointment_reminders"),
                ("signature", "Alex Rivera"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        assert_eq!(loc.as_deref(), Some("/me/electronic-data?saved=1#history"));
        assert!(alcove_web::transmission::allows(
            &app.state,
            id,
            Channel::Email,
            Purpose::AppointmentReminders
        )
        .await
        .unwrap());
        assert!(!alcove_web::transmission::allows(
            &app.state,
            id,
            Channel::Email,
            Purpose::Documents
        )
        .await
        .unwrap());

        let (s, _, _) = post(
            &app,
            &alex,
            "/me/electronic-data",
            "/me/electronic-data",
            &[
                ("after", "1"),
                ("accept", "email:appointment_reminders"),
                ("accept", "video:sessions"),
                ("signature", "alex rivera"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let html = app.text(&alex, "/me/electronic-data?saved=2").await;
        assert!(has(&html, "signed and saved as version 2"), "{html}");
        assert!(has(&html, "Version 2, signed on"));
        assert!(
            has(&html, "Allowed: Video: Therapy sessions"),
            "what version 2 added"
        );
        assert!(
            has(
                &html,
                "Withdrawn: Text messages (SMS): Appointment reminders"
            ),
            "what version 2 removed"
        );
        assert!(
            has(&html, "Allowed: Text messages (SMS): Appointment reminders"),
            "version 1 is still listed"
        );
        let history = &html[html.find("id=\"history\"").unwrap()..];
        assert!(
            history.find("<td>2</td>").unwrap() < history.find("<td>1</td>").unwrap(),
            "newest first"
        );
        assert!(
            !alcove_web::transmission::allows(
                &app.state,
                id,
                Channel::Text,
                Purpose::AppointmentReminders
            )
            .await
            .unwrap(),
            "a withdrawn choice is no longer allowed"
        );

        let log = actions_for(&app, id).await;
        assert_eq!(
            log.iter()
                .filter(|(a, _)| a == "transmission.changed")
                .count(),
            2
        );
        assert!(log
            .iter()
            .any(|(a, r)| a == "transmission.view" && r == "client"));
        assert!(
            log.iter()
                .any(|(a, r)| a == "transmission.check" && r == "system"),
            "allows() is audited"
        );
    }
);

on_both_backends!(
    without_a_request_on_file_only_the_portal_is_allowed,
    |app: TestApp| async move {
        let jordan = client_id(&app, "Jordan Lee").await;
        for c in Channel::ALL {
            for p in Purpose::ALL {
                let allowed = alcove_web::transmission::allows(&app.state, jordan, c, p)
                    .await
                    .unwrap();
                assert_eq!(allowed, c == Channel::Portal && c.serves(p), "{c} for {p}");
            }
        }
        let checks = actions_for(&app, jordan)
            .await
            .into_iter()
            .filter(|(a, _)| a == "transmission.check")
            .count();
        // One check per pair a channel outside the portal can serve: 3 email + 2 text + 1 video + 2 phone.
        assert_eq!(checks, 8);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_that_is_not_the_clients_name_or_an_unoffered_choice_is_refused() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let id = client_id(&app, "Alex Rivera").await;
    for (fields, says) in [
        (
            vec![("accept", "email:appointment_reminders"), ("signature", "")],
            "Please type your full name to sign.",
        ),
        (
            vec![
                ("accept", "email:appointment_reminders"),
                ("signature", "Jordan Lee"),
            ],
            "not the name on your account",
        ),
        (
            vec![("accept", "text:documents"), ("signature", "Alex Rivera")],
            "not on offer",
        ),
    ] {
        let mut f = vec![("after", "0")];
        f.extend(fields);
        let (s, _, html) = post(
            &app,
            &alex,
            "/me/electronic-data",
            "/me/electronic-data",
            &f,
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains(says), "{says}: {html}");
    }
    assert!(request_versions(&app, id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_signed_in_a_stale_window_does_not_overwrite_the_newer_one() {
    let app = alcove_testkit::spawn_app().await;
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let sign = [
        ("after", "0"),
        ("accept", "phone:sessions"),
        ("signature", "Alex Rivera"),
    ];
    let (s, _, _) = post(
        &app,
        &alex,
        "/me/electronic-data",
        "/me/electronic-data",
        &sign,
    )
    .await;
    assert_eq!(s, 303);
    let (s, _, html) = post(
        &app,
        &alex,
        "/me/electronic-data",
        "/me/electronic-data",
        &sign,
    )
    .await;
    assert_eq!(s, 409);
    assert!(html.contains("changed in another window"));
    let id = client_id(&app, "Alex Rivera").await;
    assert_eq!(request_versions(&app, id).await, vec![1]);
}

// ---------------------------------------------------------------------------------------
// The online encounter plan
// ---------------------------------------------------------------------------------------

on_both_backends!(
    online_encounter_plan_lists_platforms_response_and_block_plan,
    |app: TestApp| async move {
        let alex_id = client_id(&app, "Alex Rivera").await;
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let plan_page = format!("/clients/{alex_id}/encounter-plan");
        let (s, html) = app.page(&dana, &plan_page).await;
        assert_eq!(s, 200);
        assert!(
            html.contains("climbing gym"),
            "the demo plan is in the form"
        );

        let (s, loc, _) = post(
            &app,
            &dana,
            &plan_page,
            &plan_page,
            &[
                ("after", "1"),
                ("platform", "instagram"),
                ("platform", "facebook"),
                ("response", "clinician_does_not_interact"),
                ("response", "client_may_raise_in_session"),
                (
                    "other_response",
                    "If we are both at a community event online, Dana leaves it.",
                ),
                ("block_who_1", "clinician"),
                ("block_platform_1", "facebook"),
                ("block_done_1", "2020-01-02"),
                ("block_who_2", "client"),
                ("block_platform_2", "instagram"),
                ("block_done_2", ""),
                (
                    "review_on",
                    &(chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string(),
                ),
                ("notes", "Reviewed together in session."),
            ],
        )
        .await;
        assert_eq!(s, 303, "saved");
        assert_eq!(loc.unwrap(), format!("{plan_page}?saved=2"));

        // The client reads the agreed plan in the portal, read-only.
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let (s, html) = app.page(&alex, "/me/encounter-plan").await;
        assert_eq!(s, 200);
        for words in [
            "Facebook",
            "Instagram",
            "The clinician does not interact",
            "community event online",
            "The clinician blocks the client on Facebook — done on 2020-01-02",
            "The client blocks the clinician on Instagram — not done yet",
            "Reviewed together in session.",
            "Version 2",
        ] {
            assert!(
                html.contains(words),
                "{words:?} in the client's view:\n{html}"
            );
        }
        assert!(
            !html.contains("climbing gym"),
            "the old version is not the current plan"
        );
        assert!(
            !html.contains("<form method=\"post\" action=\"/clients"),
            "the client cannot edit"
        );

        let log = actions_for(&app, alex_id).await;
        assert!(log
            .iter()
            .any(|(a, r)| a == "encounter_plan.changed" && r == "clinician"));
        assert!(log
            .iter()
            .any(|(a, r)| a == "encounter_plan.view" && r == "clinician"));
        assert!(log
            .iter()
            .any(|(a, r)| a == "encounter_plan.view" && r == "client"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encounter_plan_refuses_a_block_on_a_platform_it_does_not_list() {
    let app = alcove_testkit::spawn_app().await;
    let alex_id = client_id(&app, "Alex Rivera").await;
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let plan_page = format!("/clients/{alex_id}/encounter-plan");
    let review = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let (s, _, html) = post(
        &app,
        &dana,
        &plan_page,
        &plan_page,
        &[
            ("after", "1"),
            ("platform", "instagram"),
            ("response", "clinician_does_not_interact"),
            ("block_who_1", "clinician"),
            ("block_platform_1", "tiktok"),
            ("review_on", &review),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        html.contains("Block step 1: that platform is not ticked"),
        "{html}"
    );
    assert!(
        html.contains("value=\"tiktok\" selected"),
        "the form comes back as it was sent"
    );
    let (s, _, html) = post(
        &app,
        &dana,
        &plan_page,
        &plan_page,
        &[
            ("after", "0"),
            ("response", "clinician_does_not_interact"),
            ("review_on", &review),
        ],
    )
    .await;
    assert_eq!(s, 409, "a form read before version 1 does not overwrite it");
    assert!(html.contains("newer version"));
    assert_eq!(plan_versions(&app, alex_id).await, vec![1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_see_or_change_another_clients_plan_or_request() {
    let app = alcove_testkit::spawn_app().await;
    let alex_id = client_id(&app, "Alex Rivera").await;
    let jordan = app.web_session(app.account_named("Jordan Lee")).await;
    let plan_page = format!("/clients/{alex_id}/encounter-plan");

    // Alex signs a request with a choice nobody else made.
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let (s, _, _) = post(
        &app,
        &alex,
        "/me/electronic-data",
        "/me/electronic-data",
        &[
            ("after", "0"),
            ("accept", "phone:appointment_reminders"),
            ("signature", "Alex Rivera"),
        ],
    )
    .await;
    assert_eq!(s, 303);

    // A client never reaches the care team's pages: 403, with nothing of Alex's in it.
    for path in [format!("/clients/{alex_id}"), plan_page.clone()] {
        let (s, html) = app.page(&jordan, &path).await;
        assert_eq!(s, 403, "{path}");
        assert!(
            !html.contains("climbing gym") && !html.contains("Alex"),
            "{path}"
        );
    }
    let (s, _, _) = post(
        &app,
        &jordan,
        "/me/encounter-plan",
        &plan_page,
        &[
            ("after", "1"),
            ("response", "clinician_does_not_interact"),
            ("review_on", "2099-01-01"),
        ],
    )
    .await;
    assert_eq!(s, 403);
    // Their own pages show only their own (empty) plan and request.
    let (_, html) = app.page(&jordan, "/me/encounter-plan").await;
    assert!(html.contains("have not made an online encounter plan yet"));
    assert!(!html.contains("climbing gym"));
    let (_, html) = app.page(&jordan, "/me/electronic-data").await;
    assert!(html.contains("You have not signed a request yet"));
    assert!(!html.contains("Alex Rivera"), "not Alex's signature");

    // Another clinician (not on Alex's care team) is told there is nothing there.
    let samuel = app.web_session(app.account_named("Samuel Okafor")).await;
    for path in [format!("/clients/{alex_id}"), plan_page.clone()] {
        let (s, html) = app.page(&samuel, &path).await;
        assert_eq!(s, 404, "{path}");
        assert!(!html.contains("climbing gym"));
    }
    let (s, _, _) = post(
        &app,
        &samuel,
        "/home",
        &plan_page,
        &[
            ("after", "1"),
            ("response", "clinician_does_not_interact"),
            ("review_on", "2099-01-01"),
        ],
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(plan_versions(&app, alex_id).await, vec![1]);
    let (s, _) = app.page(&samuel, "/clients/not-a-uuid").await;
    assert_eq!(s, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_encounter_plan_and_the_request_are_not_stored_in_plaintext() {
    let app = alcove_testkit::spawn_app().await;
    let alex_id = client_id(&app, "Alex Rivera").await;
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let (s, _, _) = post(
        &app,
        &alex,
        "/me/electronic-data",
        "/me/electronic-data",
        &[
            ("after", "0"),
            ("accept", "email:message_notifications"),
            ("signature", "Alex Rivera"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let plan_page = format!("/clients/{alex_id}/encounter-plan");
    let review = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let (s, _, _) = post(
        &app,
        &dana,
        &plan_page,
        &plan_page,
        &[
            ("after", "1"),
            ("platform", "other"),
            ("other_platforms", "Marmalade Lighthouse forum"),
            ("response", "clinician_does_not_interact"),
            ("review_on", &review),
            ("notes", "We both read the Marmalade Lighthouse forum."),
        ],
    )
    .await;
    assert_eq!(s, 303);
    // Both read back through the app.
    assert!(app
        .text(&dana, &format!("/clients/{alex_id}"))
        .await
        .contains("Marmalade Lighthouse"));
    assert!(app
        .text(&alex, "/me/electronic-data")
        .await
        .contains("Notices that a new message is waiting"));

    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "the database files were read");
    for needle in [
        "Marmalade Lighthouse",
        "climbing gym",
        "message_notifications",
        "signed_by",
        "clinician_does_not_interact",
        "review_on",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is stored in plaintext"
        );
    }
}

on_both_backends!(
    the_clinicians_record_shows_the_clients_choices_plan_and_acknowledged_policy_version,
    |app: TestApp| async move {
        let alex_id = client_id(&app, "Alex Rivera").await;
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let record = format!("/clients/{alex_id}");
        let (s, html) = app.page(&dana, &record).await;
        assert_eq!(s, 200);
        assert!(html.contains("No Request for Electronic Data Transmission on file"));
        assert!(html.contains("Not acknowledged yet."));
        assert!(html.contains("climbing gym"));
        assert!(
            app.text(&dana, "/home")
                .await
                .contains(&format!("href=\"/clients/{alex_id}\"")),
            "the caseload links the record"
        );

        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let (s, _, _) = post(
            &app,
            &alex,
            "/me/electronic-data",
            "/me/electronic-data",
            &[
                ("after", "0"),
                ("accept", "email:documents"),
                ("accept", "video:sessions"),
                ("signature", "Alex Rivera"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let (s, _, _) = post(
            &app,
            &alex,
            "/home",
            "/me/policies/social-media/acknowledge",
            &[("version", "1")],
        )
        .await;
        assert_eq!(s, 303);

        let html = app.text(&dana, &record).await;
        assert!(
            html.contains("Email: Forms and consents to read and sign"),
            "{html}"
        );
        assert!(html.contains("Video: Therapy sessions"));
        assert!(html.contains("Acknowledged version 1 on"));
        let log = actions_for(&app, alex_id).await;
        assert!(
            log.iter()
                .filter(|(a, r)| a == "record.view" && r == "clinician")
                .count()
                >= 2
        );
    }
);

// ---------------------------------------------------------------------------------------
// The social-media policy
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_social_media_policy_is_public_with_its_version_and_effective_date() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let (s, html) = app.page(&anon, "/policies/social-media").await;
    assert_eq!(s, 200);
    let today = app.state.clock.now().date_naive();
    assert!(
        html.contains(&format!("Version 1, in effect from {today}.")),
        "{html}"
    );
    assert!(html.contains("<h2>We do not connect with clients online</h2>"));
    assert!(html.contains("Request for Electronic Data Transmission"));
    assert!(
        !html.contains("/me/policies/social-media/acknowledge"),
        "no acknowledgment form for the public"
    );
    for page in ["/", "/clinicians/dana-whitfield"] {
        assert!(
            app.text(&anon, page)
                .await
                .contains("href=\"/policies/social-media\""),
            "{page} links the policy"
        );
    }
    for missing in [
        "/policies/social-media?version=2",
        "/policies/social-media?version=one",
    ] {
        assert_eq!(app.page(&anon, missing).await.0, 404, "{missing}");
    }
}

/// Seed 001: a client who met the clinician online, or was bothered by a post, is encouraged to
/// raise it directly, or anonymously through the Contact form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_media_policy_page_links_the_contact_form_and_messages() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let (s, html) = app.page(&anon, "/policies/social-media").await;
    assert_eq!(s, 200);
    // It names no client, and says where to raise a concern: messages, or the pseudonymous form.
    for a in &app.accounts {
        if a.role == alcove_domain::Role::Client {
            let first = a.name.split(' ').next().unwrap();
            assert!(!html.contains(first), "the policy page names {}", a.name);
        }
    }
    assert!(html.contains("href=\"/contact\""), "links the Contact form");
    assert!(html.contains("href=\"/messages\""), "links portal messages");
    assert_eq!(
        app.page(&anon, "/contact").await.0,
        200,
        "the form is there, no account needed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn social_media_policy_versions_are_kept_and_publishing_needs_an_admin() {
    let app = alcove_testkit::spawn_app().await;
    let body = "# Changed\n\nWe still never friend clients.\n\n- <script>alert(1)</script>";
    let fields = [("after", "1"), ("body", body), ("summary", "Shorter.")];
    // Not an admin: turned away, nothing published.
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let (s, _, _) = post(
        &app,
        &alex,
        "/home",
        "/admin/policies/social-media",
        &fields,
    )
    .await;
    assert_eq!(s, 403);
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (s, _, _) = post(
        &app,
        &dana,
        "/home",
        "/admin/policies/social-media",
        &fields,
    )
    .await;
    assert_eq!(s, 403);
    let anon = TestApp::browser();
    let (s, loc, _) = post(
        &app,
        &anon,
        "/sign-in",
        "/admin/policies/social-media",
        &fields,
    )
    .await;
    assert_eq!((s, loc.as_deref()), (303, Some("/sign-in")));
    assert_eq!(
        alcove_web::policies::current_version(&app.state)
            .await
            .unwrap(),
        Some(1)
    );

    let priya = app.web_session(app.account_named("Priya Natarajan")).await;
    let (s, html) = app.page(&priya, "/admin/policies/social-media").await;
    assert_eq!(s, 200);
    assert!(html.contains("Publish as version 2"));
    let (s, _, html) = post(
        &app,
        &priya,
        "/admin/policies/social-media",
        "/admin/policies/social-media",
        &[("after", "1"), ("body", body), ("summary", " ")],
    )
    .await;
    assert_eq!(s, 422, "a version needs a summary of changes");
    assert!(html.contains("Say in one line what changed"));
    let (s, loc, _) = post(
        &app,
        &priya,
        "/admin/policies/social-media",
        "/admin/policies/social-media",
        &fields,
    )
    .await;
    assert_eq!(
        (s, loc.as_deref()),
        (303, Some("/admin/policies/social-media?published=2"))
    );
    let (s, _, _) = post(
        &app,
        &priya,
        "/admin/policies/social-media",
        "/admin/policies/social-media",
        &fields,
    )
    .await;
    assert_eq!(
        s, 409,
        "publishing over a version the admin has not seen is refused"
    );

    let (_, html) = app.page(&anon, "/policies/social-media").await;
    assert!(html.contains("Version 2, in effect from"));
    assert!(html.contains("<h2>Changed</h2>"));
    // askama escapes `<` and `>` as numeric references.
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "markup is shown as text: {html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(
        html.contains("href=\"/policies/social-media?version=1\""),
        "version 1 is listed"
    );
    assert!(html.contains("Shorter."));
    let (_, old) = app.page(&anon, "/policies/social-media?version=1").await;
    assert!(old.contains("Version 1, in effect from"));
    assert!(old.contains("This is an earlier version. It was replaced on"));
    assert!(old.contains("We do not connect with clients online"));
    let published = app
        .state
        .store
        .audit_events(1, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "policy.published")
        .map(|e| (e.object, e.actor_role))
        .collect::<Vec<_>>();
    assert_eq!(
        published,
        vec![
            ("policy:social_media:v1".to_owned(), "admin".to_owned()),
            ("policy:social_media:v2".to_owned(), "admin".to_owned())
        ]
    );
}

on_both_backends!(
    social_media_policy_acknowledgment_records_the_version_and_resets_on_a_new_version,
    |app: TestApp| async move {
        let alex_id = client_id(&app, "Alex Rivera").await;
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let due1 = "Please read and acknowledge the social-media policy (version 1).";
        assert!(app.text(&alex, "/home").await.contains(due1));
        let html = app.text(&alex, "/policies/social-media").await;
        assert!(html.contains("I have read and accept version 1"));

        let (s, _, _) = post(
            &app,
            &alex,
            "/home",
            "/me/policies/social-media/acknowledge",
            &[],
        )
        .await;
        assert_eq!(s, 422, "which version was read must be said");
        let (s, loc, _) = post(
            &app,
            &alex,
            "/home",
            "/me/policies/social-media/acknowledge",
            &[("version", "1")],
        )
        .await;
        assert_eq!(
            (s, loc.as_deref()),
            (303, Some("/policies/social-media#acknowledgment"))
        );
        assert!(!app
            .text(&alex, "/home")
            .await
            .contains("Please read and acknowledge"));
        let today = app.state.clock.now().date_naive();
        assert!(app
            .text(&alex, "/policies/social-media")
            .await
            .contains(&format!("You acknowledged version 1 on {today}.")));
        let ack = alcove_web::policies::acknowledged(&app.state, alex_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ack.value.version, 1);

        // A new version asks again.
        let text =
            alcove_domain::policy::PolicyText::parse("# New\n\nChanged text.", "Changed.").unwrap();
        alcove_web::policies::publish_social_media(
            &app.state,
            1,
            &text,
            alcove_web::services::audit_log::By::System,
        )
        .await
        .unwrap();
        assert!(app
            .text(&alex, "/home")
            .await
            .contains("Please read and acknowledge the social-media policy (version 2)."));
        let html = app.text(&alex, "/policies/social-media").await;
        assert!(html.contains("You acknowledged version 1. The policy has changed since"));
        let (s, _, html) = post(
            &app,
            &alex,
            "/home",
            "/me/policies/social-media/acknowledge",
            &[("version", "1")],
        )
        .await;
        assert_eq!(s, 409, "a superseded version cannot be acknowledged");
        assert!(html.contains("The policy changed while you were reading it"));
        let (s, _, _) = post(
            &app,
            &alex,
            "/home",
            "/me/policies/social-media/acknowledge",
            &[("version", "2")],
        )
        .await;
        assert_eq!(s, 303);
        assert!(!app
            .text(&alex, "/home")
            .await
            .contains("Please read and acknowledge"));
        let log = actions_for(&app, alex_id).await;
        assert_eq!(
            log.iter()
                .filter(|(a, _)| a == "policy.acknowledged")
                .count(),
            2
        );
        // The other clients still have to acknowledge.
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        assert!(app.text(&jordan, "/home").await.contains("(version 2)"));
    }
);
