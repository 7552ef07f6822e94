//! Licensure in the product: the register, "Where can I see clients?", the staff API, the profile.

mod common;

use alcove_domain::Role;
use alcove_testkit::{csrf_from, TestApp};
use common::{assert_error_shape, get_json};

#[tokio::test]
async fn a_clinician_sees_where_they_may_see_clients_and_checks_a_location() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (s, html) = app.page(&dana, "/where-can-i-see-clients").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("(US-MA)") && html.contains("(US-NY)"),
        "both licences listed"
    );
    assert!(!html.contains("(US-CA)"), "California is not covered");
    let (s, html) = app
        .page(
            &dana,
            "/where-can-i-see-clients?location=US-CA&date=2026-12-01",
        )
        .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("you may not see a client in US-CA"),
        "Casey's state is refused"
    );
    assert!(
        html.contains("a licence issued by US-CA"),
        "and says what would allow it"
    );
    let (_, html) = app
        .page(
            &dana,
            "/where-can-i-see-clients?location=US-MA&date=2027-06-30",
        )
        .await;
    assert!(
        html.contains("you may see a client in US-MA"),
        "valid through the expiry day"
    );
    let (_, html) = app
        .page(
            &dana,
            "/where-can-i-see-clients?location=US-MA&date=2027-07-01",
        )
        .await;
    assert!(
        html.contains("you may not see a client in US-MA"),
        "not the day after"
    );
    let (s, _) = app
        .page(&dana, "/where-can-i-see-clients?location=Boston")
        .await;
    assert_eq!(s, 422);
}

#[tokio::test]
async fn the_staff_licensure_check_follows_the_contract() {
    let app = alcove_testkit::spawn_app().await;
    let sam_id = app
        .state
        .store
        .user_by_email(&app.account_named("Samuel Okafor").email.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = app.token(app.account(Role::Admin)).await;
    let (s, v) = get_json(
        &app,
        &admin,
        &format!(
            "/api/v1/licensure/check?clinician={sam_id}&location=US-TX&at=2026-12-01T15:00:00Z"
        ),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        v["allowed"], true,
        "PSYPACT authorisation covers a member state: {v}"
    );
    assert_eq!(v["basis"]["kind"], "compact_authorization");
    let (_, v) = get_json(
        &app,
        &admin,
        &format!(
            "/api/v1/licensure/check?clinician={sam_id}&location=US-CA&at=2026-12-01T15:00:00Z"
        ),
    )
    .await;
    assert_eq!(v["allowed"], false, "not into a non-member state: {v}");
    assert!(v["reason"].as_str().unwrap().contains("US-CA"));
    let (s, v) = get_json(
        &app,
        &admin,
        &format!("/api/v1/licensure/check?clinician={sam_id}&location=Texas"),
    )
    .await;
    assert_eq!(s, 422);
    assert_error_shape(&v, "invalid_field");
    let client = app.token(app.account(Role::Client)).await;
    let (s, _) = get_json(
        &app,
        &client,
        &format!("/api/v1/licensure/check?clinician={sam_id}&location=US-TX"),
    )
    .await;
    assert_eq!(
        s, 403,
        "clients do not query clinicians' licences through the staff API"
    );
}

#[tokio::test]
async fn a_clinician_adds_a_credential_and_a_mistake_names_the_field() {
    let app = alcove_testkit::spawn_app().await;
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (_, html) = app.page(&dana, "/credentials").await;
    let csrf = csrf_from(&html);
    let bad = [
        ("csrf", csrf.as_str()),
        ("kind", "license"),
        ("jurisdiction", "US-CT"),
        ("number", "CT-1"),
        ("expires", "2027-13-40"),
    ];
    let r = dana
        .post(app.url("/credentials"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text().await.unwrap().contains("expires"),
        "the field is named"
    );
    let good = [
        ("csrf", csrf.as_str()),
        ("kind", "license"),
        ("jurisdiction", "US-CT"),
        ("title", "LCSW"),
        ("number", "CT-1"),
        ("expires", "2028-01-31"),
    ];
    let r = dana
        .post(app.url("/credentials"))
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = app.page(&dana, "/where-can-i-see-clients").await;
    assert!(
        html.contains("(US-CT)"),
        "the new licence now covers Connecticut"
    );
}

#[tokio::test]
async fn the_public_profile_lists_each_licence_with_its_board_link() {
    let app = alcove_testkit::spawn_app().await;
    let (s, html) = app
        .page(&TestApp::browser(), "/clinicians/dana-whitfield")
        .await;
    assert_eq!(s, 200);
    for needle in [
        "123456",
        "654321",
        "US-MA",
        "US-NY",
        "2027-06-30",
        "https://",
    ] {
        assert!(html.contains(needle), "{needle} on the profile");
    }
}

#[tokio::test]
async fn an_admin_records_who_checked_a_credential_and_how() {
    let app = alcove_testkit::spawn_app().await;
    let admin = app.web_session(app.account(Role::Admin)).await;
    let (s, html) = app.page(&admin, "/admin/credentials").await;
    assert_eq!(s, 200);
    let dana_id = app
        .state
        .store
        .user_by_email(&app.account_named("Dana Whitfield").email.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let form = [
        ("csrf", csrf_from(&html)),
        ("clinician", dana_id.to_string()),
        ("credential", "license US-NY 654321".into()),
        ("method", "Board website lookup".into()),
        ("note", "".into()),
    ];
    let r = admin
        .post(app.url("/admin/credentials/verify"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v = app.state.store.verifications_of(dana_id).await.unwrap();
    assert_eq!(v[0].credential, "license US-NY 654321");
    assert_eq!(v[0].method, "Board website lookup");
    let dana = app.web_session(app.account_named("Dana Whitfield")).await;
    let (_, html) = app.page(&dana, "/credentials").await;
    assert!(
        html.contains("Priya Natarajan") && html.contains("Board website lookup"),
        "the clinician sees who checked"
    );
}
