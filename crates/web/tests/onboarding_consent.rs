//! Issue 5, parts 5 and 7 over HTTP: consent documents (versions, signing with evidence,
//! re-consent after a new version, the editor's readability grade) and readiness.
//! Storage-touching tests run on SQLite and on PostgreSQL.

mod common;

use common::client_id;

use alcove_domain::consent::{ConsentKind, Signature};
use alcove_domain::onboarding::Reason;
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use alcove_testkit::{csrf_from, TestApp};
use reqwest::Client;

/// Posts a form with the session's CSRF token (read from `page`); returns status, Location, body.
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

/// The `value` of the hidden `hash` input on a signing page.
fn hash_from(html: &str) -> String {
    let at = html.find("name=\"hash\" value=\"").expect("hash field") + 19;
    html[at..at + 64].to_owned()
}

async fn consent_reasons(app: &TestApp, client: ClientId) -> Vec<Reason> {
    let r = alcove_web::onboarding::readiness_of(&app.state, client)
        .await
        .unwrap();
    r.missing
        .into_iter()
        .map(|(_, r)| r)
        .filter(|r| {
            matches!(
                r,
                Reason::ConsentNotSigned { .. }
                    | Reason::ConsentOutdated { .. }
                    | Reason::ConsentTextChanged { .. }
            )
        })
        .collect()
}

const TELEHEALTH: &str = "telehealth_informed_consent";

async fn release_count(app: &TestApp, client: ClientId) -> usize {
    app.state
        .docs
        .all::<serde_json::Value>(DocKind::ReleaseAuthorisation, Some(Owner::Client(client)))
        .await
        .unwrap()
        .len()
}

on_both_backends!(
    signing_records_the_version_and_content_hash_as_evidence,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        assert!(
            !consent_reasons(&app, id).await.is_empty(),
            "Jordan signed nothing"
        );
        let page = format!("/me/consents/{TELEHEALTH}");
        let html = app.text(&jordan, &page).await;
        let hash = hash_from(&html);

        // Without the box ticked, nothing is signed.
        let (s, _, body) = post(
            &app,
            &jordan,
            &page,
            &page,
            &[("name", "Jordan Lee"), ("hash", &hash)],
        )
        .await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("I agree") || body.contains("I have read this and I agree"));

        let (s, loc, _) = post(
            &app,
            &jordan,
            &page,
            &page,
            &[("name", "Jordan Lee"), ("agree", "yes"), ("hash", &hash)],
        )
        .await;
        assert_eq!(s, 303);
        assert_eq!(
            loc.as_deref(),
            Some("/me/consents?signed=telehealth_informed_consent")
        );

        let sigs = app
            .state
            .docs
            .history::<Signature>(DocKind::ConsentSignature, Owner::Client(id), TELEHEALTH)
            .await
            .unwrap();
        assert_eq!(sigs.len(), 1);
        let s = &sigs[0].value;
        assert_eq!(s.kind, ConsentKind::TelehealthInformedConsent);
        assert_eq!(s.version, 1);
        assert_eq!(s.content_hash.to_string(), hash);
        assert_eq!(s.signer_name, "Jordan Lee");
        let log = app.state.store.access_log(id, 100).await.unwrap();
        assert!(log.iter().any(|e| e.action == "consent.signed"));
        assert!(!consent_reasons(&app, id).await.iter().any(|r| matches!(
            r,
            Reason::ConsentNotSigned {
                kind: ConsentKind::TelehealthInformedConsent
            }
        )));
    }
);

on_both_backends!(
    a_new_version_makes_the_consent_step_missing_until_the_client_signs_again,
    |app: TestApp| async move {
        let id = client_id(&app, "Alex Rivera").await;
        assert!(
            consent_reasons(&app, id).await.is_empty(),
            "the demo signed Alex's consents"
        );

        let admin = app.web_session(app.account_named("Priya Natarajan")).await;
        let editor = format!("/admin/consents/{TELEHEALTH}");
        let (s, loc, body) = post(
            &app,
            &admin,
            &editor,
            &editor,
            &[
                ("after", "1"),
                ("title", "Consent to online therapy"),
                (
                    "body",
                    "# What we agree\n\nWe meet by video. You can stop at any time.",
                ),
                ("action", "publish"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{body}");
        assert_eq!(
            loc.as_deref(),
            Some("/admin/consents/telehealth_informed_consent?published=2")
        );

        let reasons = consent_reasons(&app, id).await;
        assert_eq!(
            reasons,
            vec![Reason::ConsentOutdated {
                kind: ConsentKind::TelehealthInformedConsent,
                signed_version: 1,
                current_version: 2
            }]
        );

        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let record = app.text(&dana, &format!("/clients/{id}")).await;
        assert!(
            record.contains("A consent form has changed and must be signed again."),
            "{record}"
        );

        // The caseload says re-consent is needed, not merely "getting ready".
        let caseload = app.text(&dana, "/home").await;
        assert!(
            caseload.contains(r#"<td class="path-status">Re-consent needed: 8 of 9</td>"#),
            "{caseload}"
        );

        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        // The client's path says so too, naming the consent to sign again.
        let home = app.text(&alex, "/home").await;
        assert!(
            home.contains("A consent form was updated. Please read it and sign it again"),
            "{home}"
        );
        assert!(
            home.contains("please read and sign again: Consent to online therapy."),
            "{home}"
        );
        let list = app.text(&alex, "/me/consents").await;
        assert!(
            list.contains("please read and sign version 2 again"),
            "{list}"
        );
        let page = format!("/me/consents/{TELEHEALTH}");
        let hash = hash_from(&app.text(&alex, &page).await);
        let (s, _, _) = post(
            &app,
            &alex,
            &page,
            &page,
            &[("name", "Alex Rivera"), ("agree", "yes"), ("hash", &hash)],
        )
        .await;
        assert_eq!(s, 303);
        assert!(consent_reasons(&app, id).await.is_empty());
        let caseload = app.text(&dana, "/home").await;
        assert!(
            caseload.contains(r#"<td class="path-status">Ready</td>"#),
            "{caseload}"
        );
    }
);

on_both_backends!(
    a_signature_of_a_version_the_client_did_not_see_is_refused,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let page = format!("/me/consents/{TELEHEALTH}");
        let (s, _, body) = post(
            &app,
            &jordan,
            &page,
            &page,
            &[
                ("name", "Jordan Lee"),
                ("agree", "yes"),
                ("hash", &"0".repeat(64)),
            ],
        )
        .await;
        assert_eq!(s, 409);
        assert!(body.contains("published a new version"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_shows_the_grade_and_flags_a_long_sentence() {
    let app = alcove_testkit::spawn_app().await;
    let admin = app.web_session(app.account_named("Priya Natarajan")).await;
    let editor = format!("/admin/consents/{TELEHEALTH}");
    let html = app.text(&admin, &editor).await;
    assert!(html.contains("Flesch–Kincaid grade:"), "{html}");
    let long = "Notwithstanding the aforementioned considerations regarding confidentiality, the practitioner's statutory obligations concerning mandatory reporting of suspected maltreatment necessarily supersede the presumptive confidentiality otherwise characterising therapeutic communications.";
    let body = format!("# Short\n\nWe meet by video. {long}");
    let (s, _, html) = post(
        &app,
        &admin,
        &editor,
        &editor,
        &[
            ("after", "1"),
            ("title", "Draft"),
            ("body", &body),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"hard-sentences\""), "{html}");
    assert!(html.contains("Notwithstanding the aforementioned"));
    assert!(html.contains("harder to read than the aim"));
    // A preview publishes nothing.
    let id = client_id(&app, "Alex Rivera").await;
    assert!(consent_reasons(&app, id).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// The appropriateness assessment
// ---------------------------------------------------------------------------------------

fn assessment_fields<'a>(
    risk: &'a str,
    outcome: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("current_risk", risk),
        ("psychosis_or_severe_impairment", "none"),
        ("substance_use", "none"),
        ("home_safety", "none"),
        ("intimate_partner_violence", "no"),
        ("privacy", "none"),
        ("technology", "some"),
        ("sensory_or_cognitive_needs", "none"),
        ("client_preference", "online"),
        ("outcome", outcome),
        ("signed_name", "Dana Whitfield"),
    ];
    v.extend_from_slice(extra);
    v
}

on_both_backends!(
    the_assessment_refuses_suitable_with_high_risk_and_no_safeguards,
    |app: TestApp| async move {
        let id = client_id(&app, "Alex Rivera").await;
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let page = format!("/clients/{id}/assessment");
        let before = alcove_web::onboarding::assessment::history(&app.state, id)
            .await
            .unwrap()
            .len();
        let (s, _, body) = post(
            &app,
            &dana,
            &page,
            &page,
            &assessment_fields("high", "suitable", &[]),
        )
        .await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("with high current risk"), "{body}");
        let after = alcove_web::onboarding::assessment::history(&app.state, id)
            .await
            .unwrap()
            .len();
        assert_eq!(before, after, "nothing was saved");

        let (s, loc, body) = post(
            &app,
            &dana,
            &page,
            &page,
            &assessment_fields(
                "high",
                "suitable_with_safeguards",
                &[("safeguards", "Weekly safety check-in\nCode word agreed")],
            ),
        )
        .await;
        assert_eq!(s, 303, "{body}");
        assert_eq!(loc, Some(format!("/clients/{id}/assessment?saved=1")));
        let h = alcove_web::onboarding::assessment::history(&app.state, id)
            .await
            .unwrap();
        assert_eq!(h.len(), after + 1);
        assert_eq!(h.last().unwrap().value.signed_name, "Dana Whitfield");
        let log = app.state.store.access_log(id, 100).await.unwrap();
        assert!(log.iter().any(|e| e.action == "assessment.signed"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_the_assessment_is_in_plaintext_in_the_sqlite_file() {
    let app = alcove_testkit::spawn_app().await;
    let id = client_id(&app, "Alex Rivera").await;
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let page = format!("/clients/{id}/assessment");
    let (s, _, body) = post(
        &app,
        &dana,
        &page,
        &page,
        &assessment_fields(
            "low",
            "suitable_with_safeguards",
            &[
                ("safeguards", "Marmalade Lighthouse code word"),
                ("notes", "Quokka harbour notes"),
            ],
        ),
    )
    .await;
    assert_eq!(s, 303, "{body}");
    assert!(app
        .text(&dana, &page)
        .await
        .contains("Marmalade Lighthouse"));
    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "the database files were read");
    for needle in [
        "Marmalade Lighthouse",
        "Quokka harbour",
        "suitable_with_safeguards",
        "intimate_partner_violence",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} is stored in plaintext"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The readiness API
// ---------------------------------------------------------------------------------------

on_both_backends!(
    the_readiness_api_answers_the_care_team_and_hides_the_client_from_others,
    |app: TestApp| async move {
        let id = client_id(&app, "Alex Rivera").await;
        let path = format!("/api/v1/clients/{id}/readiness");
        let dana = app.token(app.account_named("Dana Whitfield")).await;
        let (s, v) = common::get_json(&app, &dana, &path).await;
        assert_eq!(s, 200, "{v}");
        // The demo walked Alex through every step, intake included.
        assert_eq!(v["ready"], true, "{v}");
        let missing = v["missing"].as_array().unwrap();
        assert!(
            missing.iter().all(|m| m["code"] != "consent_not_signed"),
            "{v}"
        );
        assert!(
            missing.iter().all(|m| m["code"] != "assessment_missing"),
            "{v}"
        );
        assert!(
            v["done"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == "consents"),
            "{v}"
        );

        let samuel = app.token(app.account_named("Samuel Okafor")).await;
        let (s, v) = common::get_json(&app, &samuel, &path).await;
        assert_eq!(s, 404);
        assert!(v["error"]["code"].is_string(), "{v}");
        let alex = app.token(app.account_named("Alex Rivera")).await;
        let (s, _) = common::get_json(&app, &alex, &path).await;
        assert_eq!(s, 403);
    }
);

on_both_backends!(
    the_release_template_is_never_shown_or_signed_blank_and_its_text_can_be_read_filled_in,
    |app: TestApp| async move {
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let id = client_id(&app, "Jordan Lee").await;
        // The generic consent page does not show the template with its {{placeholders}}: a
        // release is made, filled in, at /me/releases.
        let r = jordan
            .get(app.url("/me/consents/release_of_information"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(r.headers()["location"], "/me/releases");
        // Nor does it sign the blank template.
        let (s, loc, _) = post(
            &app,
            &jordan,
            "/me/consents",
            "/me/consents/release_of_information",
            &[("name", "Jordan Lee"), ("agree", "yes"), ("hash", "0")],
        )
        .await;
        assert_eq!((s, loc.as_deref()), (303, Some("/me/releases")));
        let blank = app
            .state
            .docs
            .history::<serde_json::Value>(
                DocKind::ConsentSignature,
                Owner::Client(id),
                "release_of_information",
            )
            .await
            .unwrap();
        assert!(blank.is_empty(), "the blank template was not signed");

        // The release page shows no raw placeholders.
        let (_, html) = app.page(&jordan, "/me/releases").await;
        assert!(!html.contains("{{"), "{html}");
        let before = release_count(&app, id).await;
        // "Show the text with my answers": the exact text to sign, filled in; nothing stored.
        let (s, _, html) = post(
            &app,
            &jordan,
            "/me/releases",
            "/me/releases",
            &[
                ("recipient", "Lakeside University counselling service"),
                ("purpose", "Arranging exam accommodations"),
                ("scope", "Dates of sessions"),
                ("expires", "2099-06-30"),
                ("action", "preview"),
            ],
        )
        .await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains(r#"id="release-preview-note""#), "{html}");
        assert!(html.contains("They may share it with: Lakeside University counselling service"));
        assert!(html.contains("This permission ends on June 30, 2099"));
        assert!(!html.contains("{{") && !html.contains("[Why]"), "{html}");
        assert!(
            html.contains(r#"value="Arranging exam accommodations""#),
            "answers kept"
        );
        assert_eq!(
            release_count(&app, id).await,
            before,
            "a preview stores nothing"
        );
    }
);
