//! Continuing education (NASW/ASWB Standard 10): recording activities through the real form,
//! certificate uploads (typed by content, sealed at rest, downloaded only by the owner and
//! admins), edits and removals as versions, progress per licence, and the admin's view.

mod common;

use alcove_store::{DocKind, Owner};
use alcove_testkit::{csrf_from, Backend, TestApp};
use alcove_web::ce::StoredActivity;
use alcove_web::services::Version;
use common::{session_of, spawn_at, user_id};
use reqwest::multipart::{Form, Part};

/// 2026-11-23: Dana's Massachusetts cycle runs 2025-07-01 to 2027-06-30 (30 hours), her New
/// York one 2025-01-01 to 2027-12-31 (36 hours).
const NOW: &str = "2026-11-23T12:00:00Z";

const GOOD: &[(&str, &str)] = &[
    ("provider", "NASW Massachusetts"),
    ("provider_approval_number", "886"),
    ("title", "Ethics of telehealth practice"),
    ("completed_on", "2026-11-01"),
    ("hours", "3"),
    ("category", "technology"),
    ("format", "live_online"),
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

fn form(csrf: &str, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> Form {
    let mut f = Form::new().text("csrf", csrf.to_owned());
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    match file {
        Some((name, bytes)) => f.part(
            "certificate",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/pdf")
                .expect("mime"),
        ),
        // What a browser sends when no file was chosen.
        None => f.part("certificate", Part::bytes(Vec::new()).file_name("")),
    }
}

/// An oversized body is refused: a 413, or — when the server answers and closes before the
/// client has finished writing — the connection cut mid-body. Either way nothing was accepted.
fn refused_as_too_large(sent: reqwest::Result<reqwest::Response>) {
    match sent {
        Ok(r) => assert_eq!(r.status(), 413),
        Err(e) => {
            let mut cause: Option<&dyn std::error::Error> = Some(&e);
            let mut cut = false;
            while let Some(c) = cause {
                if let Some(io) = c.downcast_ref::<std::io::Error>() {
                    cut |= matches!(
                        io.kind(),
                        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                    );
                }
                cause = c.source();
            }
            assert!(cut, "neither a 413 nor a cut connection: {e:?}");
        }
    }
}

/// Posts the CE form as a browser would (multipart, with the page's CSRF token).
async fn post_ce(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let csrf = csrf_from(&app.text(client, "/ce").await);
    client
        .post(app.url(path))
        .multipart(form(&csrf, fields, file))
        .send()
        .await
        .expect("post")
}

async fn activity_docs(app: &TestApp, name: &str) -> Vec<Version<StoredActivity>> {
    let id = user_id(app, name).await;
    app.state
        .docs
        .all(DocKind::CeActivity, Some(Owner::User(id)))
        .await
        .expect("documents")
}

async fn certificate_count(app: &TestApp, name: &str) -> usize {
    let id = user_id(app, name).await;
    app.state
        .store
        .latest_documents(DocKind::CeCertificate, Some(&Owner::User(id)))
        .await
        .expect("documents")
        .len()
}

fn pdf_with(marker: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Title ({marker}) >> endobj\n%%EOF\n").into_bytes()
}

for_both_backends!(
    ce_progress_counts_hours_by_category_towards_each_renewal,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let (s, html) = app.page(&dana, "/ce").await;
        assert_eq!(s, 200);
        assert!(
            html.contains("LICSW licence in US-MA"),
            "one section per licence"
        );
        assert!(
            html.contains("0 of 30 hours") && html.contains("0 of 36 hours"),
            "nothing yet"
        );
        assert!(
            html.contains("marked for verification"),
            "the figures are flagged as unverified"
        );
        assert!(
            html.contains("2025-07-01 to 2027-06-30"),
            "the Massachusetts cycle window"
        );

        let r = post_ce(&app, &dana, "/ce", GOOD, None).await;
        assert_eq!(r.status(), 303, "recorded");
        assert_eq!(r.headers()["location"], "/ce");
        let later = with(
            GOOD,
            &[
                ("title", "Suicide risk assessment online"),
                ("completed_on", "2026-11-20"),
                ("hours", "1.5"),
                ("category", "suicide_prevention"),
                ("format", "self_study"),
            ],
        );
        assert_eq!(
            post_ce(&app, &dana, "/ce", &later, None).await.status(),
            303
        );

        let html = app.text(&dana, "/ce").await;
        assert!(
            html.contains("4.5 of 30 hours"),
            "Massachusetts counts both"
        );
        assert!(html.contains("4.5 of 36 hours"), "so does New York");
        assert!(
            html.contains("On track: 25.5 more hours needed, 219 days to renewal."),
            "status and what is missing"
        );
        let newer = html.find("Suicide risk assessment online").expect("listed");
        let older = html.find("Ethics of telehealth practice").expect("listed");
        assert!(newer < older, "newest first");
        assert!(
            html.contains("approval 886"),
            "the approval number is shown"
        );
        assert!(
            html.contains("Live online (interactive)")
                && html.contains("Technology and telehealth")
        );
    }
);

for_both_backends!(
    a_bad_field_is_named_next_to_it_and_nothing_is_stored,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let bad = with(
            GOOD,
            &[
                ("provider", "  "),
                ("completed_on", "2026-12-25"),
                ("hours", "lots"),
            ],
        );
        let r = post_ce(&app, &dana, "/ce", &bad, Some(("cert.pdf", pdf_with("x")))).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        for field in ["provider", "completed_on", "hours"] {
            assert!(
                html.contains(&format!("id=\"ce-{field}-error\"")),
                "{field}: an error next to it"
            );
            assert!(
                html.contains(&format!("ce-{field}-error\""))
                    && html.contains("aria-invalid=\"true\""),
                "{field}: tied to the input"
            );
        }
        assert!(
            html.contains("aria-describedby=\"ce-provider-error\""),
            "the provider input is described by its error"
        );
        assert!(html.contains("Enter this: it cannot be empty."));
        assert!(html.contains("The date is after today (2026-11-23)"));
        assert!(html.contains("Enter the hours as a number"));
        assert!(
            !html.contains("id=\"ce-title-error\""),
            "good fields have no error"
        );
        assert!(
            html.contains("value=\"Ethics of telehealth practice\""),
            "what was typed is kept"
        );
        assert!(
            activity_docs(&app, "Dana Whitfield").await.is_empty(),
            "no activity stored"
        );
        assert_eq!(
            certificate_count(&app, "Dana Whitfield").await,
            0,
            "nor its certificate"
        );
    }
);

for_both_backends!(
    a_fake_pdf_is_refused_by_its_content_and_nothing_is_stored,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        // Named .pdf and sent as application/pdf, but HTML inside.
        let fake = b"<html><script>alert(1)</script>%PDF-1.7</html>".to_vec();
        let r = post_ce(&app, &dana, "/ce", GOOD, Some(("certificate.pdf", fake))).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"ce-certificate-error\""));
        assert!(html.contains("Only PDF, PNG or JPEG files are accepted"));
        // Just over 5 MiB: refused by the form, with its size.
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(5 * 1024 * 1024 + 1, b' ');
        let r = post_ce(&app, &dana, "/ce", GOOD, Some(("big.pdf", big))).await;
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("The file is 5.0 MiB: certificates can be up to 5 MiB."));
        assert!(activity_docs(&app, "Dana Whitfield").await.is_empty());
        assert_eq!(certificate_count(&app, "Dana Whitfield").await, 0);
        // PNG and JPEG are fine.
        for (name, bytes) in [
            ("scan.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
            (
                "scan.jpg",
                vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'],
            ),
        ] {
            let r = post_ce(&app, &dana, "/ce", GOOD, Some((name, bytes))).await;
            assert_eq!(r.status(), 303, "{name}");
        }
        assert_eq!(certificate_count(&app, "Dana Whitfield").await, 2);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ce_certificate_is_stored_sealed_and_downloads_unchanged() {
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let marker = "ALCOVE-CE-CERT-MARKER-7F3A9C";
    let pdf = pdf_with(marker);
    let r = post_ce(&app, &dana, "/ce", GOOD, Some(("cert.pdf", pdf.clone()))).await;
    assert_eq!(r.status(), 303);
    let docs = activity_docs(&app, "Dana Whitfield").await;
    let id = docs[0].key.clone();

    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 10_000, "the database files were read");
    assert!(
        !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
        "the certificate is stored in plaintext"
    );

    let html = app.text(&dana, "/ce").await;
    let link = format!("/ce/{id}/certificate");
    assert!(html.contains(&link), "the list links to the certificate");
    let r = dana.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(
        h["content-disposition"],
        format!("attachment; filename=\"ce-certificate-{id}.pdf\"").as_str()
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        pdf.as_slice(),
        "unchanged"
    );

    let admin = session_of(&app, &clock, "Priya Natarajan").await;
    assert_eq!(
        admin.get(app.url(&link)).send().await.unwrap().status(),
        200,
        "admins keep the practice's CE records"
    );
    let sam = session_of(&app, &clock, "Samuel Okafor").await;
    let r = sam.get(app.url(&link)).send().await.unwrap();
    assert_eq!(
        r.status(),
        404,
        "another clinician is told there is nothing"
    );
    assert!(!r.text().await.unwrap().contains(marker));
    let maria = session_of(&app, &clock, "Maria Alvarez").await;
    assert_eq!(
        maria.get(app.url(&link)).send().await.unwrap().status(),
        404
    );
    for name in ["Alex Rivera", "Tom Becker"] {
        let c = session_of(&app, &clock, name).await;
        assert_eq!(
            c.get(app.url(&link)).send().await.unwrap().status(),
            403,
            "{name}"
        );
    }
    let anon = TestApp::browser();
    let r = anon.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 303, "anonymous callers are sent to sign in");
}

for_both_backends!(
    editing_is_a_new_version_and_removal_a_tombstone_kept_in_history,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let r = post_ce(&app, &dana, "/ce", GOOD, Some(("c.pdf", pdf_with("first")))).await;
        assert_eq!(r.status(), 303);
        let id = activity_docs(&app, "Dana Whitfield").await[0].key.clone();
        let (s, html) = app.page(&dana, &format!("/ce/{id}/edit")).await;
        assert_eq!(s, 200);
        assert!(html.contains("name=\"version\" value=\"1\""));
        assert!(html.contains("A PDF certificate is on file"));

        let mut changed = with(GOOD, &[("hours", "6")]);
        changed.push(("version", "1"));
        let r = post_ce(&app, &dana, &format!("/ce/{id}"), &changed, None).await;
        assert_eq!(r.status(), 303);
        assert!(app.text(&dana, "/ce").await.contains("6 of 30 hours"));
        // The same form again, read at version 1, must not overwrite version 2.
        let r = post_ce(&app, &dana, &format!("/ce/{id}"), &changed, None).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("changed elsewhere"));

        let csrf = csrf_from(&app.text(&dana, "/ce").await);
        let r = dana
            .post(app.url(&format!("/ce/{id}/remove")))
            .form(&[("csrf", csrf.as_str()), ("version", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let html = app.text(&dana, "/ce").await;
        assert!(
            html.contains("0 of 30 hours"),
            "a removed activity no longer counts"
        );
        assert!(!html.contains("Ethics of telehealth practice"));
        let owner = Owner::User(user_id(&app, "Dana Whitfield").await);
        let history: Vec<Version<StoredActivity>> = app
            .state
            .docs
            .history(DocKind::CeActivity, owner, &id)
            .await
            .unwrap();
        assert_eq!(history.len(), 3, "recorded, changed, removed");
        assert!(matches!(history[2].value, StoredActivity::Removed));
        assert!(matches!(&history[0].value, StoredActivity::Recorded(r) if r.hours == "3"));
        let link = format!("/ce/{id}/certificate");
        assert_eq!(dana.get(app.url(&link)).send().await.unwrap().status(), 404);
        assert_eq!(
            dana.get(app.url(&format!("/ce/{id}/edit")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // Samuel cannot change or remove Dana's activities.
        let sam = session_of(&app, &clock, "Samuel Okafor").await;
        let r = post_ce(&app, &sam, &format!("/ce/{id}"), &changed, None).await;
        assert_eq!(r.status(), 404);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_licence_without_requirement_data_says_so_and_guesses_nothing() {
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let csrf = csrf_from(&app.text(&dana, "/credentials").await);
    let r = dana
        .post(app.url("/credentials"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "license"),
            ("jurisdiction", "US-CT"),
            ("title", "LCSW"),
            ("number", "CT-1"),
            ("expires", "2028-01-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = app.text(&dana, "/ce").await;
    assert!(html.contains("LCSW licence in US-CT"));
    assert!(html.contains("No requirement data for this jurisdiction"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_sees_each_clinicians_status_per_licence_and_no_certificate_content() {
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let marker = "ADMIN-VIEW-MARKER-19C";
    let r = post_ce(&app, &dana, "/ce", GOOD, Some(("c.pdf", pdf_with(marker)))).await;
    assert_eq!(r.status(), 303);
    let admin = session_of(&app, &clock, "Priya Natarajan").await;
    let (s, html) = app.page(&admin, "/admin/ce").await;
    assert_eq!(s, 200);
    for needle in [
        "Dana Whitfield",
        "Samuel Okafor",
        "LICSW licence in US-MA",
        "3 of 30 hours",
        "On track",
        "Ethics of telehealth practice",
        "/certificate",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(
        !html.contains(marker),
        "certificates are links, never inline"
    );
    let maria = session_of(&app, &clock, "Maria Alvarez").await;
    assert_eq!(app.page(&maria, "/admin/ce").await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_larger_body_limit_holds_only_on_the_upload_routes() {
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, None).await;
    let dana = session_of(&app, &clock, "Dana Whitfield").await;
    let csrf = csrf_from(&app.text(&dana, "/ce").await);
    // 1 MiB certificate: over the default 64 KiB, fine on the upload route.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(1024 * 1024, b' ');
    let r = post_ce(&app, &dana, "/ce", GOOD, Some(("c.pdf", pdf))).await;
    assert_eq!(r.status(), 303);
    // Past the upload route's own limit: 413 before anything is read into a form.
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(7 * 1024 * 1024, b' ');
    let csrf_now = csrf_from(&app.text(&dana, "/ce").await);
    let sent = dana
        .post(app.url("/ce"))
        .multipart(form(&csrf_now, GOOD, Some(("c.pdf", huge))))
        .send()
        .await;
    refused_as_too_large(sent);
    // Elsewhere the default stands, and multipart is not a form at all.
    let padding = "x".repeat(100 * 1024);
    let sent = dana
        .post(app.url("/credentials"))
        .form(&[("csrf", csrf.as_str()), ("note", padding.as_str())])
        .send()
        .await;
    refused_as_too_large(sent);
    let r = dana
        .post(app.url("/credentials"))
        .multipart(form(&csrf, &[("kind", "license")], None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415, "only upload routes take multipart");
    // An upload without the form token is refused like any form.
    let r = dana
        .post(app.url("/ce"))
        .multipart(form("not-the-token", GOOD, None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Nobody signed out gets an upload read at all.
    let anon = TestApp::browser();
    let csrf = csrf_from(&app.text(&anon, "/sign-in").await);
    let r = anon
        .post(app.url("/ce"))
        .multipart(form(&csrf, GOOD, Some(("c.pdf", pdf_with("anon")))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/sign-in");
    assert_eq!(activity_docs(&app, "Dana Whitfield").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_keeps_a_ce_record_for_themself() {
    let (app, clock) = spawn_at(Backend::Sqlite, NOW, None, None).await;
    let maria = session_of(&app, &clock, "Maria Alvarez").await;
    let (s, html) = app.page(&maria, "/ce").await;
    assert_eq!(s, 200);
    assert!(html.contains("There are no credentials on file for you"));
    assert_eq!(post_ce(&app, &maria, "/ce", GOOD, None).await.status(), 303);
    assert!(app
        .text(&maria, "/ce")
        .await
        .contains("Ethics of telehealth practice"));
    let alex = session_of(&app, &clock, "Alex Rivera").await;
    assert_eq!(
        app.page(&alex, "/ce").await.0,
        403,
        "clients have no CE record"
    );
}

for_both_backends!(
    ce_activity_counts_towards_the_named_licence,
    |backend: Backend| async move {
        let (app, clock) = spawn_at(backend, NOW, None, None).await;
        let dana = session_of(&app, &clock, "Dana Whitfield").await;
        let html = app.text(&dana, "/ce").await;
        assert!(html.contains("<option value=\"\">All my licences</option>"));
        assert!(html.contains(
            "<option value=\"US-NY|654321\">LCSW licence in US-NY (number 654321)</option>"
        ));
        assert!(html.contains("value=\"US-MA|123456\""));

        // Standard 10: named for the New York licence, it counts there and not in Massachusetts.
        let for_ny = [GOOD, &[("counts_towards", "US-NY|654321")]].concat();
        assert_eq!(
            post_ce(&app, &dana, "/ce", &for_ny, None).await.status(),
            303
        );
        let html = app.text(&dana, "/ce").await;
        assert!(html.contains("0 of 30 hours"), "not for US-MA");
        assert!(html.contains("3 of 36 hours"), "for US-NY");
        assert!(html.contains("<td class=\"ce-counts\">LCSW licence in US-NY (number 654321)</td>"));

        // "All my licences" is the behaviour before the choice existed.
        let for_all = with(GOOD, &[("hours", "2"), ("title", "Boundaries online")]);
        assert_eq!(
            post_ce(&app, &dana, "/ce", &for_all, None).await.status(),
            303
        );
        let html = app.text(&dana, "/ce").await;
        assert!(html.contains("2 of 30 hours") && html.contains("5 of 36 hours"));
        assert!(html.contains("<td class=\"ce-counts\">All licences</td>"));

        // Someone else's licence is not a choice: named, and nothing stored.
        let for_pa = [GOOD, &[("counts_towards", "US-PA|PS012345")]].concat();
        let r = post_ce(&app, &dana, "/ce", &for_pa, None).await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("id=\"ce-counts_towards-error\""));
        assert!(page.contains("Counts towards: Choose one of your licences, or all of them."));
        assert_eq!(activity_docs(&app, "Dana Whitfield").await.len(), 2);

        // What is stored: the licence by place and number; nothing at all for every licence.
        let docs = activity_docs(&app, "Dana Whitfield").await;
        let named = docs
            .iter()
            .find_map(|d| match &d.value {
                StoredActivity::Recorded(r) if r.counts_towards.is_some() => Some(r),
                _ => None,
            })
            .expect("the New York activity");
        assert_eq!(
            serde_json::to_value(named).unwrap()["counts_towards"],
            serde_json::json!({"jurisdiction": "US-NY", "number": "654321"})
        );
        let owner = Owner::User(user_id(&app, "Dana Whitfield").await);
        for d in &docs {
            let raw = app
                .state
                .store
                .latest_document(DocKind::CeActivity, &owner, &d.key)
                .await
                .unwrap()
                .unwrap();
            let alcove_store::DocBody::Plain(bytes) = raw.body else {
                panic!("CE activities are plain");
            };
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                v.get("counts_towards").is_some(),
                v["title"] != "Boundaries online",
                "{v}"
            );
        }

        // An activity stored before the choice existed counts towards every licence.
        let old = serde_json::json!({
            "state": "recorded",
            "provider": "NASW",
            "provider_approval_number": "",
            "title": "Recorded before the choice existed",
            "completed_on": "2026-10-01",
            "hours": "3",
            "category": "clinical",
            "format": "live_in_person",
            "certificate": null
        });
        app.state
            .docs
            .save(DocKind::CeActivity, owner, &uuid_like(), 0, &old, None)
            .await
            .unwrap();
        let html = app.text(&dana, "/ce").await;
        assert!(html.contains("5 of 30 hours") && html.contains("8 of 36 hours"));

        // The edit form keeps the choice.
        let ny_id = docs
            .iter()
            .find(|d| matches!(&d.value, StoredActivity::Recorded(r) if r.counts_towards.is_some()))
            .unwrap()
            .key
            .clone();
        let html = app.text(&dana, &format!("/ce/{ny_id}/edit")).await;
        assert!(html.contains("<option value=\"US-NY|654321\" selected>"));
    }
);

fn uuid_like() -> String {
    "7a1c1d2e-0000-4000-8000-000000000001".to_owned()
}
