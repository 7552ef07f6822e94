//! Issue 5, parts 2 and 7: the phone checked by a texted code (Standard 6), a guardian's
//! consent for a minor, the PDF of exactly what was signed, and release-of-information
//! authorisations that stop disclosures once revoked or ended.

#[macro_use]
mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use alcove_domain::consent::ConsentKind;
use alcove_domain::{ClientId, Clock, ManualClock};
use alcove_testkit::sms::SmsCapture;
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, spawn, Backend, Options, TestApp};
use alcove_web::onboarding::release::StoredRelease;
use alcove_web::WebConfig;
use chrono::{Duration, TimeZone, Utc};

const GOOD_PASSWORD: &str = "lantern orchard pebble violin";

struct World {
    app: TestApp,
    sink: SmtpSink,
    sms: Arc<SmsCapture>,
    clock: Arc<ManualClock>,
}

async fn start(backend: Backend) -> World {
    let sink = SmtpSink::start().await;
    let sms = SmsCapture::new();
    let clock = Arc::new(ManualClock::at(
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
    ));
    let app = spawn(Options {
        backend,
        clock: clock.clone(),
        smtp_url: Some(sink.url()),
        config: WebConfig {
            reminder_every: None,
            sms: sms.setting(),
            ..WebConfig::default()
        },
    })
    .await;
    World {
        app,
        sink,
        sms,
        clock,
    }
}

/// The first link in the latest email to `to` that starts with `prefix` (e.g. "/invite/").
async fn link_in_mail(sink: &SmtpSink, count: usize, to: &str, prefix: &str) -> String {
    let mails = sink.wait_for(count, StdDuration::from_secs(10)).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to.iter().any(|t| t.as_str() == to))
        .expect("an email to the address");
    let text = mail.text();
    let at = text.find(prefix).expect("the email carries the link") + prefix.len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Dana invites a new client living in `home`; they accept with this date of birth. Returns
/// the client's signed-in browser and id.
async fn new_client(
    w: &World,
    name: &str,
    email: &str,
    home: &str,
    dob: &str,
) -> (reqwest::Client, ClientId) {
    let app = &w.app;
    w.clock.advance(Duration::seconds(31));
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let csrf = csrf_from(&app.text(&dana, "/clients/invite").await);
    let before = w.sink.messages().len();
    let r = dana
        .post(app.url("/clients/invite"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("legal_name", name),
            ("email", email),
            ("home", home),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = link_in_mail(&w.sink, before + 1, email, "/invite/").await;
    let web = TestApp::browser();
    let csrf = csrf_from(&app.text(&web, &format!("/invite/{token}")).await);
    let r = web
        .post(app.url(&format!("/invite/{token}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("preferred_name", ""),
            ("date_of_birth", dob),
            ("password", GOOD_PASSWORD),
            ("confirm", GOOD_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the account is set up");
    let user = app
        .state
        .store
        .user_by_email(&email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let client = app
        .state
        .store
        .client_by_user(user.id)
        .await
        .unwrap()
        .unwrap()
        .id;
    (web, client)
}

async fn client_of(app: &TestApp, name: &str) -> ClientId {
    let user = app
        .state
        .store
        .user_by_email(&app.account_named(name).email.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    app.state
        .store
        .client_by_user(user.id)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn codes(app: &TestApp, client: ClientId) -> Vec<&'static str> {
    alcove_web::onboarding::readiness_of(&app.state, client)
        .await
        .unwrap()
        .missing
        .iter()
        .map(|(_, r)| r.code())
        .collect()
}

async fn audited(app: &TestApp, action: &str, client: ClientId) -> usize {
    app.state
        .store
        .audit_events(0, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action && e.client_id == Some(client))
        .count()
}

async fn post(
    app: &TestApp,
    web: &reqwest::Client,
    page: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let csrf = csrf_from(&app.text(web, page).await);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = web.post(app.url(path)).form(&form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

for_both_backends!(
    a_client_checks_their_phone_with_the_texted_code_and_readiness_counts_it,
    |backend| async move {
        let w = start(backend).await;
        let app = &w.app;
        let (web, client) = new_client(
            &w,
            "Priyanka Dsouza",
            "priyanka@example.org",
            "US-MA",
            "1990-02-03",
        )
        .await;
        assert!(codes(app, client).await.contains(&"phone_not_verified"));

        let (s, _) = post(
            app,
            &web,
            "/me/contact",
            "/me/contact",
            &[("phone", "(617) 555-0199")],
        )
        .await;
        assert_eq!(s, 303, "the code is sent");
        let texts = w.sms.texts();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].to, "+16175550199", "the number is kept in E.164");
        assert!(!texts[0].body.contains("Priyanka"), "no name in the text");
        let code = w.sms.last_code_to("+16175550199").expect("a 6-digit code");
        let page = app.text(&web, "/me/contact").await;
        assert!(page.contains("+1••••••••99"), "the pending number, masked");

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (s, body) = post(
            app,
            &web,
            "/me/contact",
            "/me/contact/verify",
            &[("code", wrong)],
        )
        .await;
        assert_eq!(s, 422);
        assert!(body.contains("4 tries left"), "{body}");
        assert!(codes(app, client).await.contains(&"phone_not_verified"));

        w.clock.advance(Duration::minutes(3));
        let (s, _) = post(
            app,
            &web,
            "/me/contact",
            "/me/contact/verify",
            &[("code", code.as_str())],
        )
        .await;
        assert_eq!(s, 303, "the right code verifies the phone");
        let facts = alcove_web::onboarding::identity::facts(&app.state, client)
            .await
            .unwrap();
        assert_eq!(facts.phone_verified_at, Some(w.clock.now()));
        let missing = codes(app, client).await;
        assert!(!missing.contains(&"phone_not_verified"), "{missing:?}");
        assert!(!missing.contains(&"email_not_verified"), "{missing:?}");
        let page = app.text(&web, "/me/contact").await;
        assert!(page.contains("+16175550199"));

        // The same code does not work twice; every step is in the audit log.
        let (s, _) = post(
            app,
            &web,
            "/me/contact",
            "/me/contact/verify",
            &[("code", code.as_str())],
        )
        .await;
        assert_eq!(s, 422);
        assert_eq!(audited(app, "phone.code_sent", client).await, 1);
        assert_eq!(audited(app, "phone.code_rejected", client).await, 1);
        assert_eq!(audited(app, "phone.verified", client).await, 1);
        // The code is stored only as a salted hash.
        let stored = app
            .state
            .docs
            .latest::<alcove_domain::phone::PhoneChallenge>(
                alcove_store::DocKind::PhoneCode,
                alcove_store::Owner::Client(client),
                "phone",
            )
            .await
            .unwrap()
            .unwrap()
            .value;
        assert!(!stored.code_hash.contains(&code));
        assert_ne!(stored.code_hash.len(), 6);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_wrong_tries_run_out_and_resends_are_limited() {
    let w = start(Backend::Sqlite).await;
    let app = &w.app;
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let number = "+1 212 555 0142";
    let (s, _) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", number)],
    )
    .await;
    assert_eq!(s, 303);
    // Not a number, and a number its country does not have.
    let (s, body) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", "call me")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("not a phone number"), "{body}");
    let (s, _) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", "+1 123")],
    )
    .await;
    assert_eq!(s, 422);
    // A second code within the minute is refused.
    let (s, body) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", number)],
    )
    .await;
    assert_eq!(s, 429);
    assert!(body.contains("wait 60 seconds"), "{body}");
    // Ten minutes on, the code has expired.
    let first = w.sms.last_code_to("+12125550142").unwrap();
    w.clock.advance(Duration::minutes(10));
    let (s, body) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact/verify",
        &[("code", first.as_str())],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("expired"), "{body}");
    // A new code; five wrong tries and even the right code is refused.
    let (s, _) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", number)],
    )
    .await;
    assert_eq!(s, 303);
    let code = w.sms.last_code_to("+12125550142").unwrap();
    let wrong = if code == "999999" { "888888" } else { "999999" };
    for _ in 0..5 {
        let (s, _) = post(
            app,
            &alex,
            "/me/contact",
            "/me/contact/verify",
            &[("code", wrong)],
        )
        .await;
        assert_eq!(s, 422);
    }
    let (s, body) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact/verify",
        &[("code", code.as_str())],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("Too many wrong codes"), "{body}");
    // At most five codes an hour.
    for _ in 0..3 {
        w.clock.advance(Duration::seconds(61));
        let (s, _) = post(
            app,
            &alex,
            "/me/contact",
            "/me/contact",
            &[("phone", number)],
        )
        .await;
        assert_eq!(s, 303);
    }
    w.clock.advance(Duration::seconds(61));
    let (s, body) = post(
        app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", number)],
    )
    .await;
    assert_eq!(s, 429, "{body}");
    assert!(body.contains("last hour"), "{body}");
    assert_eq!(w.sms.texts().len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_texts_turned_off_the_page_says_so_and_nothing_is_sent() {
    let app = spawn(Options::default()).await;
    let alex = app.web_session(app.account_named("Alex Rivera")).await;
    let page = app.text(&alex, "/me/contact").await;
    assert!(page.contains("has not set up text messages"), "{page}");
    let (s, body) = post(
        &app,
        &alex,
        "/me/contact",
        "/me/contact",
        &[("phone", "+1 617 555 0123")],
    )
    .await;
    assert_eq!(s, 503);
    assert!(body.contains("has not set up text messages"));
}

for_both_backends!(
    a_minor_needs_a_guardian_who_signs_through_a_single_use_emailed_link,
    |backend| async move {
        let w = start(backend).await;
        let app = &w.app;
        // 15 in New York, where a guardian must consent (data/onboarding/age_of_consent.json).
        let (_web, client) =
            new_client(&w, "Theo Marsh", "theo@example.org", "US-NY", "2011-06-01").await;
        assert!(codes(app, client)
            .await
            .contains(&"guardian_consent_missing"));

        w.clock.advance(Duration::seconds(31));
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let path = format!("/clients/{client}/guardian");
        let page = app.text(&dana, &path).await;
        assert!(page.contains("must consent, and has not yet"), "{page}");
        let before = w.sink.messages().len();
        let (s, body) = post(
            app,
            &dana,
            &path,
            &path,
            &[("name", "Rosa Marsh"), ("email", "rosa@example.org")],
        )
        .await;
        assert_eq!(s, 200, "{body}");
        let token = link_in_mail(&w.sink, before + 1, "rosa@example.org", "/guardian/").await;
        let mail = w.sink.messages().last().unwrap().clone();
        assert!(
            !mail.text().contains("Theo"),
            "the email does not name the client"
        );
        assert!(!mail.header("Subject").unwrap_or_default().contains("Theo"));

        // The guardian reads every required consent and signs them as guardian.
        let g = TestApp::browser();
        let gpath = format!("/guardian/{token}");
        let page = app.text(&g, &gpath).await;
        let telehealth = alcove_web::onboarding::consent::current(
            &app.state,
            ConsentKind::TelehealthInformedConsent,
        )
        .await
        .unwrap()
        .unwrap();
        let privacy = alcove_web::onboarding::consent::current(
            &app.state,
            ConsentKind::PrivacyNoticeAcknowledgment,
        )
        .await
        .unwrap()
        .unwrap();
        assert!(page.contains(&telehealth.title) && page.contains(&privacy.title));
        let hashes = format!("{},{}", telehealth.content_hash, privacy.content_hash);
        let (s, _) = post(
            app,
            &g,
            &gpath,
            &gpath,
            &[("name", "Rosa Marsh"), ("hashes", hashes.as_str())],
        )
        .await;
        assert_eq!(s, 422, "the box must be ticked");
        let (s, _) = post(
            app,
            &g,
            &gpath,
            &gpath,
            &[
                ("name", "Rosa Marsh"),
                ("agree", "yes"),
                ("hashes", hashes.as_str()),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let missing = codes(app, client).await;
        assert!(
            !missing.contains(&"guardian_consent_missing"),
            "{missing:?}"
        );
        assert!(
            missing.contains(&"consent_not_signed"),
            "the client still signs too: {missing:?}"
        );
        // The link signs once (the page no longer offers the form; a replayed post is refused).
        let page = app.text(&g, &gpath).await;
        assert!(
            !page.contains("name=\"hashes\""),
            "no signing form once used"
        );
        let csrf = csrf_from(&app.text(&g, "/sign-in").await);
        let s = g
            .post(app.url(&gpath))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "Rosa Marsh"),
                ("agree", "yes"),
                ("hashes", hashes.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(s, 410);
        // The guardian's copy: the PDF of exactly what they signed.
        let r = g
            .get(app.url(&format!(
                "/guardian/{token}/consents/telehealth_informed_consent/pdf"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let text = pdf_text(&r.bytes().await.unwrap());
        assert!(
            text.contains(&telehealth.content_hash.to_string()),
            "{text}"
        );
        assert!(text.contains("Rosa Marsh"), "{text}");
        assert!(text.contains("parent or legal guardian"), "{text}");
        assert_eq!(audited(app, "consent.signed", client).await, 2);
        assert_eq!(audited(app, "guardian.invited", client).await, 1);

        // A new version of a consent needs the guardian again.
        alcove_web::onboarding::consent::publish(
            &app.state,
            ConsentKind::PrivacyNoticeAcknowledgment,
            1,
            "I received the Notice of Privacy Practices",
            "Version two of the words.",
            alcove_web::services::audit_log::By::System,
        )
        .await
        .map_err(|_| "publish")
        .unwrap();
        assert!(codes(app, client)
            .await
            .contains(&"guardian_consent_missing"));
        // An unknown link is not found.
        let r = g
            .get(app.url("/guardian/not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaaa"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
);

/// The text of every page of a PDF, as a reader extracts it.
fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(!pages.is_empty());
    // Lines come out one per line; a phrase may wrap, so compare with single spaces.
    doc.extract_text(&pages)
        .expect("text extracts")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

for_both_backends!(
    the_client_downloads_a_pdf_of_exactly_what_they_signed,
    |backend| async move {
        let w = start(backend).await;
        let app = &w.app;
        let alex_id = client_of(app, "Alex Rivera").await;
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let list = app.text(&alex, "/me/consents").await;
        let href = "/me/consents/telehealth_informed_consent/1/pdf";
        assert!(list.contains(href), "the list links the signed copy");
        let r = alex.get(app.url(href)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_text(&r.bytes().await.unwrap());
        let sig = alcove_web::onboarding::consent::signatures(
            &app.state,
            alex_id,
            ConsentKind::TelehealthInformedConsent,
        )
        .await
        .unwrap()
        .remove(0)
        .value;
        let doc = alcove_web::onboarding::consent::signed_document(&app.state, &sig)
            .await
            .unwrap()
            .unwrap();
        assert!(text.contains(&sig.content_hash.to_string()), "{text}");
        assert!(text.contains("Alex Rivera"), "{text}");
        assert!(text.contains(&sig.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()));
        // The document's words are there: its first sentence of body text.
        let first = doc
            .body
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap();
        let first_words: String = first
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&first_words), "{first_words:?} in {text}");
        assert_eq!(audited(app, "consent.pdf_downloaded", alex_id).await, 1);

        // Another client cannot fetch it: to them it does not exist.
        w.clock.advance(Duration::seconds(1));
        let jordan = app.web_session(app.account_named("Jordan Lee")).await;
        let r = jordan.get(app.url(href)).send().await.unwrap();
        assert_eq!(r.status(), 404);
    }
);

for_both_backends!(
    a_revoked_or_ended_release_stops_the_disclosure_it_covered,
    |backend| async move {
        let w = start(backend).await;
        let app = &w.app;
        let alex_id = client_of(app, "Alex Rivera").await;
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let (s, body) = post(
            app,
            &alex,
            "/me/releases",
            "/me/releases",
            &[
                ("recipient", "Lakeside School counsellor"),
                ("purpose", "Planning support at school"),
                ("scope", "Attendance only"),
                ("expires", "2026-11-24"),
                ("name", "Alex Rivera"),
            ],
        )
        .await;
        assert_eq!(s, 422, "signing needs the box ticked");
        assert!(body.contains("I have read this and I agree"));
        let (s, _) = post(
            app,
            &alex,
            "/me/releases",
            "/me/releases",
            &[
                ("recipient", "Lakeside School counsellor"),
                ("purpose", "Planning support at school"),
                ("scope", "Attendance only"),
                ("expires", "2026-11-24"),
                ("name", "Alex Rivera"),
                ("agree", "yes"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let releases: Vec<alcove_web::services::Version<StoredRelease>> = app
            .state
            .docs
            .all(
                alcove_store::DocKind::ReleaseAuthorisation,
                Some(alcove_store::Owner::Client(alex_id)),
            )
            .await
            .unwrap();
        let id_of = |recipient: &str| {
            releases
                .iter()
                .find(|v| v.value.authorisation.recipient.starts_with(recipient))
                .unwrap()
                .key
                .clone()
        };
        let school = id_of("Lakeside");
        let doctor = id_of("Dr. Morgan Patel");
        let school_doc = &releases
            .iter()
            .find(|v| v.key == school)
            .unwrap()
            .value
            .document;
        assert!(school_doc.body.contains("Lakeside School counsellor"));

        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let team = format!("/clients/{alex_id}/releases");
        let disclose = format!("/clients/{alex_id}/releases/disclose");
        let page = app.text(&dana, &team).await;
        assert!(page.contains("Lakeside School counsellor"));
        let (s, _) = post(
            app,
            &dana,
            &team,
            &disclose,
            &[("release", doctor.as_str()), ("what", "Attendance letter")],
        )
        .await;
        assert_eq!(s, 303, "an authorisation in force allows the disclosure");

        // Alex revokes the doctor's authorisation; the next disclosure is refused.
        let (s, _) = post(
            app,
            &alex,
            "/me/releases",
            &format!("/me/releases/{doctor}/revoke"),
            &[],
        )
        .await;
        assert_eq!(s, 303);
        let (s, body) = post(
            app,
            &dana,
            &team,
            &disclose,
            &[("release", doctor.as_str()), ("what", "Second letter")],
        )
        .await;
        assert_eq!(s, 409);
        assert!(body.contains("stopped this authorisation"), "{body}");

        // The school's ends after 24 November: allowed on that day, refused the day after.
        // (A day later every session has timed out: sign in again.)
        w.clock.advance(Duration::days(1));
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, _) = post(
            app,
            &dana,
            &team,
            &disclose,
            &[("release", school.as_str()), ("what", "Attendance")],
        )
        .await;
        assert_eq!(s, 303);
        w.clock.advance(Duration::days(1));
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let alex = app.web_session(app.account_named("Alex Rivera")).await;
        let (s, body) = post(
            app,
            &dana,
            &team,
            &disclose,
            &[("release", school.as_str()), ("what", "Attendance")],
        )
        .await;
        assert_eq!(s, 409);
        assert!(body.contains("ended on 2026-11-24"), "{body}");

        assert_eq!(audited(app, "release.authorised", alex_id).await, 1);
        assert_eq!(audited(app, "release.revoked", alex_id).await, 1);
        assert_eq!(audited(app, "release.disclosed", alex_id).await, 2);
        assert_eq!(audited(app, "release.disclosure_refused", alex_id).await, 2);

        // The signed authorisation's PDF names the recipient and the hash.
        let r = alex
            .get(app.url(&format!("/me/releases/{school}/pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let text = pdf_text(&r.bytes().await.unwrap());
        assert!(text.contains("Lakeside School counsellor"), "{text}");
        assert!(
            text.contains(&school_doc.content_hash.to_string()),
            "{text}"
        );
    }
);
