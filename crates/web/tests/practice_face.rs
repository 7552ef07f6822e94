//! The practice's public face (issue 4): verifiable clinician profiles (Standard 6), the
//! pseudonymous contact form and the online-listings register (seed 001).

mod common;

use alcove_domain::Role;
use alcove_testkit::smtp::SmtpSink;
use alcove_testkit::{csrf_from, spawn, Options, TestApp};

/// Posts a form the way a browser does: with the page's CSRF token and the practice's Origin.
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String, Option<String>) {
    let csrf = csrf_from(&app.text(client, page).await);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = client
        .post(app.url(action))
        .form(&form)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, r.text().await.unwrap_or_default(), location)
}

fn database_bytes(app: &TestApp) -> Vec<u8> {
    let mut bytes = Vec::new();
    for f in ["alcove.db", "alcove.db-wal"] {
        if let Ok(b) = std::fs::read(app.dir.path().join(f)) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

// --- Profiles (Standard 6) --------------------------------------------------------------------

#[tokio::test]
async fn the_public_profile_shows_every_identification_item_with_board_links() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let (s, html) = app.page(&anon, "/clinicians/dana-whitfield").await;
    assert_eq!(s, 200);
    for item in [
        "Dana Whitfield",
        // every licence with jurisdiction, number and expiry
        "US-MA",
        "123456",
        "2027-06-30",
        "US-NY",
        "654321",
        "2027-12-31",
        // practice address, phone and email
        "100 Harbor Street, Suite 4",
        "href=\"tel:+16175550142\"",
        "mailto:dana.whitfield@alcove-demo.example",
        // services with training, languages, the alternate way to reach her
        "Individual therapy",
        "Gottman Method Level 2",
        "Spanish (español)",
        "If our video drops, I call you within two minutes",
        // where she can see clients, plainly
        "Massachusetts",
        "New York",
        // and the pseudonymous contact form
        "/contact?to=dana-whitfield",
    ] {
        assert!(html.contains(item), "{item:?} missing from the profile");
    }
    // Each licence links to its issuing board's verification page, from the data files.
    let reg = alcove_web::licensure::registry().unwrap();
    for j in ["US-MA", "US-NY"] {
        let board = reg
            .board(
                &j.parse().unwrap(),
                alcove_domain::licensure::Profession::SocialWork,
            )
            .expect("board data");
        let url = board.verify_url.as_deref().expect("a verification page");
        assert!(url.starts_with("https://"), "{url}");
        assert!(html.contains(url), "{j}'s board link {url} is on the page");
    }
    // The practice page lists each clinician with where they can see clients.
    let (_, home) = app.page(&anon, "/").await;
    assert!(home.contains("Sees clients who are in: Massachusetts, New York"));
    assert!(home.contains("/contact"));
}

on_both_backends!(
    a_clinician_edits_their_profile_and_cannot_list_services_outside_their_licence,
    |app: TestApp| async move {
        let dana = app.web_session(app.account_named("Dana Whitfield")).await;
        let (s, html) = app.page(&dana, "/profile").await;
        assert_eq!(s, 200);
        assert!(
            html.contains("100 Harbor Street"),
            "the saved profile is in the form"
        );
        let version = html
            .split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        assert_eq!(version, "1");

        let good = |extra: Vec<(&'static str, &'static str)>| {
            let mut f = vec![
                ("version", "1"),
                ("address", "1 New Street\nBoston, MA 02110"),
                ("phone", "617-555-0199"),
                ("email", "dana@practice.example"),
                ("service", "individual_therapy"),
                ("training-individual_therapy", "MSW 2012"),
                ("language", "en"),
                ("language", "pt"),
                ("alternate_contact", "I call you back at once."),
            ];
            f.extend(extra);
            f
        };

        // A social worker cannot list psychological testing: refused, with the field named.
        let (s, html, _) = post_form(
            &app,
            &dana,
            "/profile",
            "/profile",
            &good(vec![
                ("service", "psychological_assessment"),
                ("training-psychological_assessment", "a weekend course"),
            ]),
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("is not within the scope of your licence"));
        assert!(html.contains("id=\"services-error\""));
        let (_, public) = app
            .page(&TestApp::browser(), "/clinicians/dana-whitfield")
            .await;
        assert!(
            public.contains("100 Harbor Street"),
            "nothing was saved after a refusal"
        );

        // A bad phone number names the phone field and keeps what was typed.
        let mut bad = good(vec![]);
        bad[2] = ("phone", "call me");
        let (s, html, _) = post_form(&app, &dana, "/profile", "/profile", &bad).await;
        assert_eq!(s, 422);
        assert!(html.contains("id=\"phone-error\""));
        assert!(html.contains("value=\"call me\""));

        // A valid profile is saved and shown publicly.
        let (s, _, loc) = post_form(&app, &dana, "/profile", "/profile", &good(vec![])).await;
        assert_eq!(s, 303);
        assert_eq!(loc.as_deref(), Some("/profile?saved=1"));
        let (_, public) = app
            .page(&TestApp::browser(), "/clinicians/dana-whitfield")
            .await;
        assert!(public.contains("1 New Street"));
        assert!(public.contains("Portuguese (português)"));
        assert!(
            !public.contains("Couples therapy"),
            "an unticked service is gone"
        );

        // Saving again from the old form (version 1) would overwrite an edit unseen: refused.
        let (s, _, _) = post_form(&app, &dana, "/profile", "/profile", &good(vec![])).await;
        assert_eq!(s, 409);
    }
);

#[tokio::test]
async fn public_pages_never_name_a_client() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let clients: Vec<String> = app
        .accounts
        .iter()
        .filter(|a| a.role == Role::Client)
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(clients.len(), 6);
    for path in [
        "/",
        "/clinicians/dana-whitfield",
        "/clinicians/samuel-okafor",
        "/contact",
        "/contact?to=dana-whitfield",
    ] {
        let (s, html) = app.page(&anon, path).await;
        assert_eq!(s, 200, "{path}");
        for name in &clients {
            let first = name.split(' ').next().unwrap();
            assert!(!html.contains(first), "{path} names {name}");
        }
    }
    let (_, html) = app.page(&anon, "/clinicians/dana-whitfield").await;
    assert!(
        html.contains("This page is the current source for these details, last updated"),
        "readers are told when the profile was last reviewed"
    );
}

// --- The pseudonymous contact form (seed 001) --------------------------------------------------

#[tokio::test]
async fn anyone_can_write_under_any_name_and_only_the_chosen_clinician_reads_it() {
    let sink = SmtpSink::start().await;
    let app = spawn(Options {
        smtp_url: Some(sink.url()),
        ..Options::default()
    })
    .await;
    let anon = TestApp::browser();
    let (s, html) = app.page(&anon, "/contact?to=dana-whitfield").await;
    assert_eq!(s, 200);
    assert!(html.contains("not for therapy or for emergencies"));
    assert!(html.contains("name=\"website\""), "the honeypot is there");

    let (s, html, _) = post_form(
        &app,
        &anon,
        "/contact",
        "/contact",
        &[
            ("to", "dana-whitfield"),
            ("name", "Quiet Heron"),
            ("reply_to", ""),
            (
                "message",
                "I saw your article about grief and it stirred things up.",
            ),
            ("website", ""),
        ],
    )
    .await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Your message was delivered"));

    // Dana sees it, marked as pseudonymous and not a clinical channel; Samuel does not.
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (_, inbox) = app.page(&dana, "/inbox").await;
    assert!(inbox.contains("Quiet Heron"));
    assert!(inbox.contains("stirred things up"));
    assert!(inbox.contains("pseudonymous"));
    assert!(inbox.contains("This is not a clinical channel"));
    assert!(inbox.contains("no reply address"));
    let (_, home) = app.page(&dana, "/home").await;
    assert!(home.contains("One message in your contact inbox."));
    let sam = app.web_session(app.account_named("Samuel Okafor")).await;
    assert!(!app.text(&sam, "/inbox").await.contains("Quiet Heron"));

    // Dana is told by email that something is waiting, and nothing of what it says.
    let mails = sink.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(
        mail.to,
        vec!["dana.whitfield@alcove-demo.example".to_owned()]
    );
    let text = mail.text();
    for secret in ["Quiet Heron", "grief", "stirred"] {
        assert!(!text.contains(secret), "{secret:?} is in the email");
    }

    // Stored sealed: neither the name nor the words are in the database files.
    let bytes = database_bytes(&app);
    assert!(bytes.len() > 10_000);
    for needle in ["Quiet Heron", "stirred things up"] {
        assert!(
            !contains(&bytes, needle),
            "{needle:?} is stored in plaintext"
        );
    }

    // Marking it dealt with clears the dashboard; another clinician cannot touch it.
    let id = inbox
        .split("action=\"/inbox/")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_owned();
    let (s, _, _) = post_form(
        &app,
        &sam,
        "/home",
        &format!("/inbox/{id}/handled"),
        &[("version", "1")],
    )
    .await;
    assert_eq!(s, 404, "Samuel cannot find Dana's message");
    let (s, _, _) = post_form(
        &app,
        &dana,
        "/inbox",
        &format!("/inbox/{id}/handled"),
        &[("version", "1")],
    )
    .await;
    assert_eq!(s, 303);
    assert!(app.text(&dana, "/inbox").await.contains("dealt with"));
    assert!(!app
        .text(&dana, "/home")
        .await
        .contains("in your contact inbox"));
}

#[tokio::test]
async fn bad_contact_input_names_the_field_and_bots_store_nothing() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let (s, html, _) = post_form(
        &app,
        &anon,
        "/contact",
        "/contact",
        &[
            ("to", "nobody"),
            ("name", ""),
            ("reply_to", "not-an-address"),
            ("message", "Hello"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    for id in ["to-error", "name-error", "reply-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains(">Hello</textarea>"), "what was typed is kept");

    // The honeypot filled in: the same thank-you page, and nothing reaches anyone.
    let (s, html, _) = post_form(
        &app,
        &anon,
        "/contact",
        "/contact",
        &[
            ("to", "dana-whitfield"),
            ("name", "Bot"),
            ("message", "Cheap pills"),
            ("website", "http://spam.example"),
        ],
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("Your message was delivered"));
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    assert!(!app.text(&dana, "/inbox").await.contains("Cheap pills"));
}

#[tokio::test]
async fn a_flood_from_one_address_is_paused_and_the_address_is_not_kept() {
    let app = alcove_testkit::spawn_app().await;
    let anon = TestApp::browser();
    let mut statuses = Vec::new();
    for n in 0..6 {
        let msg = format!("message {n}");
        let (s, _, _) = post_form(
            &app,
            &anon,
            "/contact",
            "/contact",
            &[
                ("to", "samuel-okafor"),
                ("name", "A"),
                ("message", msg.as_str()),
            ],
        )
        .await;
        statuses.push(s);
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 200, 429]);
    let bytes = database_bytes(&app);
    assert!(
        !contains(&bytes, "127.0.0.1"),
        "the sender's address is stored"
    );
}

// --- Online listings (seed 001) ----------------------------------------------------------------

on_both_backends!(
    listings_are_kept_reviewed_and_overdue_checks_reach_the_dashboard,
    |app: TestApp| async move {
        let admin = app.web_session(app.account(Role::Admin)).await;
        let (s, html) = app.page(&admin, "/listings").await;
        assert_eq!(s, 200);
        assert!(html.contains("Why Alcove never offers to answer reviews"));
        assert!(
            !html.to_lowercase().contains("reply to review") && !html.contains("Respond"),
            "no offer to answer reviews anywhere"
        );
        // The demo's directory listing was last checked 220 days ago: overdue, first in the table.
        let first_row = html.split("<tbody>").nth(1).unwrap();
        assert!(first_row.trim_start().contains("Local business directory"));
        let (_, home) = app.page(&admin, "/home").await;
        assert!(home.contains("One online listing is due for a check."));

        // A bad address is refused with the field named; a good listing is added, due at once.
        let (s, html, _) = post_form(
            &app,
            &admin,
            "/listings",
            "/listings",
            &[
                ("site", "Yelp"),
                ("url", "javascript:alert(1)"),
                ("shows", ""),
            ],
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("starting with https://"));
        let (s, _, _) = post_form(
            &app,
            &admin,
            "/listings",
            "/listings",
            &[
                ("site", "Therapy Finder"),
                ("url", "https://finder.example/alcove"),
                ("shows", "phone, ratings"),
                ("interval_months", "3"),
            ],
        )
        .await;
        assert_eq!(s, 303);
        let (_, home) = app.page(&admin, "/home").await;
        assert!(home.contains("2 online listings are due for a check."));

        // Recording checks clears them from the dashboard.
        let html = app.text(&admin, "/listings").await;
        let forms: Vec<(String, String)> = html
            .split("action=\"/listings/")
            .skip(1)
            .filter(|r| r.split('"').next().unwrap().ends_with("/review"))
            .map(|r| {
                let id = r.split('/').next().unwrap().to_owned();
                let version = r
                    .split("name=\"version\" value=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned();
                (id, version)
            })
            .collect();
        assert_eq!(forms.len(), 3);
        let clinician = app.web_session(app.account_named("Dana Whitfield")).await;
        for (id, version) in &forms {
            let (s, _, _) = post_form(
                &app,
                &clinician,
                "/listings",
                &format!("/listings/{id}/review"),
                &[
                    ("version", version),
                    ("outcome", "asked_correction"),
                    ("note", "old phone number"),
                ],
            )
            .await;
            assert_eq!(s, 303);
        }
        let html = app.text(&admin, "/listings").await;
        assert!(
            html.contains("Dana Whitfield · we asked the site to correct it · old phone number")
        );
        // The directory listed the practice by itself: the register says so.
        assert!(html.contains("listed without asking"));
        assert!(!app.text(&admin, "/home").await.contains("due for a check"));

        // Clients have no business here.
        let client = app.web_session(app.account(Role::Client)).await;
        assert_eq!(app.page(&client, "/listings").await.0, 403);
    }
);

#[tokio::test]
async fn where_can_i_see_clients_shows_the_clinicians_own_practice_jurisdiction() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (s, html) = app.page(&dana, "/where-can-i-see-clients").await;
    assert_eq!(s, 200);
    let own = html.split("id=\"own-place\"").nth(1).unwrap();
    assert!(
        own.starts_with(">You practise from US-MA, and you hold a credential that covers it"),
        "{own:.200}"
    );

    // She moves her practice to Vermont, where she holds nothing: she is warned.
    let (s, _, _) = post_form(
        &app,
        &dana,
        "/profile",
        "/profile",
        &[
            ("version", "1"),
            ("address", "1 Main St\nBurlington, VT"),
            ("practice_jurisdiction", "us-vt"),
            ("phone", "802-555-0100"),
            ("email", "dana@practice.example"),
            ("language", "en"),
            ("alternate_contact", "I call you back."),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let html = app.text(&dana, "/where-can-i-see-clients").await;
    assert!(html.contains("You practise from US-VT, and no credential on file covers it today"));

    // A practice place that is not a code is refused with the field named.
    let (s, html, _) = post_form(
        &app,
        &dana,
        "/profile",
        "/profile",
        &[
            ("version", "2"),
            ("address", "1 Main St"),
            ("practice_jurisdiction", "Vermont"),
            ("phone", "802-555-0100"),
            ("email", "dana@practice.example"),
            ("language", "en"),
            ("alternate_contact", "I call you back."),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("id=\"jurisdiction-error\""));
}
