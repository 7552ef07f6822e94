//! The one test suite every storage backend runs.
//!
//! Each function checks one behaviour of the traits against a fresh, empty store and panics
//! (it is test code) when the backend gets it wrong. A backend runs all of them with one line:
//!
//! ```ignore
//! // crates/store-<backend>/tests/conformance.rs; needs `tokio` as a dev-dependency.
//! alcove_store::conformance_tests!(fresh_store());
//! ```
//!
//! where `fresh_store()` is a future resolving to anything that implements [`Fixture`]: the store
//! itself, or `(store, guard)` when something (a temporary directory) must outlive the test.
//!
//! Times used here are whole milliseconds, because that is what the stores keep.

use std::collections::HashSet;

use alcove_crypto::audit::{chain_hash, GENESIS};
use alcove_domain::{ClientId, Email, Jurisdiction, MessageId, Role, ThreadId, UserId};
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::future::join_all;
use uuid::Uuid;

use crate::*;

/// What a backend's test constructor returns.
pub trait Fixture {
    fn store(&self) -> &dyn Store;
}

impl<S: Store> Fixture for S {
    fn store(&self) -> &dyn Store {
        self
    }
}

/// A shared store, as the application holds it.
impl Fixture for std::sync::Arc<dyn Store> {
    fn store(&self) -> &dyn Store {
        self.as_ref()
    }
}

/// A store plus a guard kept alive as long as it (e.g. the `TempDir` holding an SQLite file).
impl<S: Store, G> Fixture for (S, G) {
    fn store(&self) -> &dyn Store {
        &self.0
    }
}

/// Expands to one `#[tokio::test]` per conformance function. The argument is an expression
/// whose value is a future resolving to a fresh [`Fixture`]; it is evaluated once per test.
/// Every `pub async fn` of this module must be listed here (a unit test checks).
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:expr) => {
        $crate::__conformance_tests! { $fresh;
            a_user_round_trips_and_is_found_by_email_and_slug,
            an_expired_pause_is_claimed_exactly_once_and_a_live_one_is_never_extended,
            an_email_or_slug_already_taken_is_a_conflict,
            a_missing_user_is_not_found,
            changing_the_password_records_when,
            a_session_round_trips_and_can_be_touched_and_marked_mfa_passed,
            updating_a_missing_session_is_not_found,
            signing_out_everywhere_keeps_only_the_excepted_session,
            expired_sessions_are_deleted_and_live_ones_kept,
            failures_are_counted_within_fifteen_minutes_and_reset_after,
            a_block_is_stored_and_clearing_forgets_the_key,
            a_totp_step_is_accepted_only_once,
            a_recovery_code_works_only_once,
            a_client_round_trips_with_name_and_home_jurisdiction,
            a_caseload_lists_only_clients_on_that_clinicians_care_team,
            the_care_team_lists_members_with_names_and_roles,
            a_covering_clinician_can_be_taken_off_the_care_team,
            supervision_lists_only_that_supervisors_supervisees,
            references_to_missing_rows_are_refused,
            the_current_data_key_is_the_newest_version,
            destroying_data_keys_removes_every_version,
            messages_come_back_oldest_first_with_sender_name_and_role,
            threads_of_a_client_show_message_counts_and_latest_activity,
            a_missing_thread_is_not_found,
            a_message_and_its_audit_event_are_stored_together_in_the_chain,
            a_refused_message_leaves_no_audit_event,
            concurrent_audited_messages_are_all_stored_in_one_chain,
            unread_counts_only_others_messages_after_the_users_read_mark,
            a_read_mark_only_moves_forward_and_names_a_message_of_its_thread,
            fifty_audit_appends_form_one_valid_chain,
            concurrent_audit_appends_never_fork_the_chain,
            audit_events_are_read_in_pages_from_a_sequence_number,
            audit_checkpoints_round_trip,
            the_access_log_is_newest_first_with_actor_names_and_only_that_clients_events,
            credentials_documents_are_stored_per_clinician_and_replaced_whole,
            verifications_are_kept_newest_first,
            credentials_and_verifications_refer_to_existing_users,
            meta_values_round_trip_and_can_be_replaced,
            meta_insert_keeps_the_first_value,
            document_versions_are_appended_once_and_read_newest_first,
            latest_documents_are_the_newest_version_of_each_key,
            sealed_client_documents_round_trip_and_need_the_client,
            the_database_answers_a_ping,
            the_change_stamp_moves_with_every_change_to_what_may_be_kept_in_memory,
            the_change_stamp_stays_put_for_messages_sessions_audit_and_other_documents,
            a_session_is_read_with_the_change_stamp,
            a_threads_client_is_found_without_its_messages,
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_tests {
    ($fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let fixture = $fresh.await;
                $crate::conformance::$name($crate::conformance::Fixture::store(&fixture)).await;
            }
        )*
    };
}

// ---------------------------------------------------------------------------------------------
// Builders. Each test starts from an empty store, so fixed names and emails do not collide.

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
}

fn mins(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

fn email(s: &str) -> Email {
    s.parse().expect("test email")
}

fn jurisdiction(s: &str) -> Jurisdiction {
    s.parse().expect("test jurisdiction")
}

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        id: UserId(Uuid::new_v4()),
        email: email(&format!(
            "{}@example.org",
            name.to_lowercase().replace(' ', ".")
        )),
        name: name.to_string(),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        totp_sealed: None,
        slug: None,
        credentials: None,
        created_at: t0(),
    }
}

async fn user(s: &dyn Store, name: &str, role: Role) -> UserId {
    let u = new_user(name, role);
    s.create_user(&u).await.expect("create user");
    u.id
}

async fn client(s: &dyn Store, name: &str) -> ClientId {
    let user_id = user(s, name, Role::Client).await;
    let id = ClientId(Uuid::new_v4());
    s.create_client(&NewClient {
        id,
        user_id,
        home_jurisdiction: jurisdiction("US-MA"),
        created_at: t0(),
    })
    .await
    .expect("create client");
    id
}

async fn client_user(s: &dyn Store, c: ClientId) -> UserId {
    s.client(c).await.expect("client").user_id
}

fn token(n: u8) -> Vec<u8> {
    vec![n; 32]
}

fn new_session(n: u8, user_id: UserId) -> NewSession {
    NewSession {
        token_hash: token(n),
        user_id,
        kind: SessionKind::Web,
        mfa_passed: false,
        csrf_token: format!("csrf-{n}"),
        created_at: t0(),
        expires_at: mins(12 * 60),
    }
}

fn event(n: i64, actor: Option<UserId>, client_id: Option<ClientId>) -> NewAuditEvent {
    NewAuditEvent {
        at: t0() + Duration::milliseconds(n),
        actor_id: actor,
        actor_role: if actor.is_some() {
            "clinician"
        } else {
            "system"
        }
        .into(),
        action: "thread.view".into(),
        client_id,
        object: format!("thread:{n}"),
    }
}

fn assert_conflict(r: Result<()>, column: &str) {
    match r {
        Err(StoreError::Conflict(what)) => assert!(
            what.contains(column),
            "the conflict should name {column:?}, it says {what:?}"
        ),
        other => panic!("expected a conflict on {column}, got {other:?}"),
    }
}

fn assert_not_found<T: std::fmt::Debug>(r: Result<T>, what: &str) {
    assert!(
        matches!(r, Err(StoreError::NotFound)),
        "{what}: expected NotFound, got {r:?}"
    );
}

/// Asserts that `events` are the whole log: numbered 1..=n, each hash chained to the
/// previous one and covering the event's fields. Backends' own tests use it too.
pub fn assert_valid_chain(events: &[AuditEvent]) {
    let mut prev = GENESIS.to_vec();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e.seq,
            i as i64 + 1,
            "sequence numbers are contiguous from 1"
        );
        assert_eq!(
            e.prev_hash, prev,
            "event {} chains to the one before",
            e.seq
        );
        assert_eq!(
            e.hash,
            chain_hash(&e.prev_hash, &e.fields()).to_vec(),
            "event {} hash covers its fields",
            e.seq
        );
        prev = e.hash.clone();
    }
}

// ---------------------------------------------------------------------------------------------
// Users

pub async fn a_user_round_trips_and_is_found_by_email_and_slug(s: &dyn Store) {
    let mut u = new_user("Dana Reyes", Role::Clinician);
    u.totp_sealed = Some(vec![1, 2, 3, 0, 255]);
    u.slug = Some("dana-reyes".into());
    u.credentials = Some("LICSW".into());
    u.created_at = t0() + Duration::milliseconds(123);
    s.create_user(&u).await.unwrap();
    let other = user(s, "Alex Kim", Role::Client).await;

    let want = User {
        id: u.id,
        email: u.email.clone(),
        name: u.name.clone(),
        role: Role::Clinician,
        password_hash: u.password_hash.clone(),
        totp_sealed: u.totp_sealed.clone(),
        totp_last_step: None,
        slug: u.slug.clone(),
        credentials: u.credentials.clone(),
        created_at: u.created_at,
        password_changed_at: u.created_at,
    };
    assert_eq!(s.user_by_id(u.id).await.unwrap(), want);
    assert_eq!(
        s.user_by_email(&email("dana.reyes@example.org"))
            .await
            .unwrap(),
        Some(want.clone())
    );
    assert_eq!(
        s.user_by_slug("dana-reyes").await.unwrap(),
        Some(want.clone())
    );
    assert_eq!(
        s.user_by_email(&email("nobody@example.org")).await.unwrap(),
        None
    );
    assert_eq!(s.user_by_slug("nobody").await.unwrap(), None);

    let all = s.list_users().await.unwrap();
    let names: Vec<&str> = all.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Alex Kim", "Dana Reyes"], "ordered by name");
    assert_eq!(all[0].id, other);
    assert_eq!(all[0].slug, None);
    assert_eq!(all[0].totp_sealed, None);
}

pub async fn an_email_or_slug_already_taken_is_a_conflict(s: &dyn Store) {
    let mut first = new_user("Dana Reyes", Role::Clinician);
    first.slug = Some("dana".into());
    s.create_user(&first).await.unwrap();

    let mut same_email = new_user("Dana Reyes", Role::Client);
    same_email.slug = None;
    assert_conflict(s.create_user(&same_email).await, "email");

    let mut same_slug = new_user("Other Person", Role::Clinician);
    same_slug.slug = Some("dana".into());
    assert_conflict(s.create_user(&same_slug).await, "slug");

    // Users without a slug do not collide with each other.
    user(s, "No Slug One", Role::Client).await;
    user(s, "No Slug Two", Role::Client).await;
    assert_eq!(s.list_users().await.unwrap().len(), 3);
}

pub async fn a_missing_user_is_not_found(s: &dyn Store) {
    let nobody = UserId(Uuid::new_v4());
    assert_not_found(s.user_by_id(nobody).await, "user_by_id");
    assert_not_found(s.set_password(nobody, "x", t0()).await, "set_password");
    assert_not_found(s.set_totp(nobody, Some(b"x")).await, "set_totp");
    assert!(!s.use_totp_step(nobody, 1).await.unwrap());
}

pub async fn changing_the_password_records_when(s: &dyn Store) {
    let id = user(s, "Dana Reyes", Role::Clinician).await;
    s.set_password(id, "$argon2id$new", mins(5)).await.unwrap();
    let u = s.user_by_id(id).await.unwrap();
    assert_eq!(u.password_hash, "$argon2id$new");
    assert_eq!(u.password_changed_at, mins(5));
    assert_eq!(u.created_at, t0());
}

// ---------------------------------------------------------------------------------------------
// Sessions

pub async fn a_session_round_trips_and_can_be_touched_and_marked_mfa_passed(s: &dyn Store) {
    let u = user(s, "Dana Reyes", Role::Clinician).await;
    let mut api = new_session(2, u);
    api.kind = SessionKind::Api;
    api.mfa_passed = true;
    s.create_session(&new_session(1, u)).await.unwrap();
    s.create_session(&api).await.unwrap();

    let got = s.session(&token(1)).await.unwrap().expect("session 1");
    assert_eq!(
        got,
        SessionRecord {
            token_hash: token(1),
            user_id: u,
            kind: SessionKind::Web,
            mfa_passed: false,
            csrf_token: "csrf-1".into(),
            created_at: t0(),
            last_seen_at: t0(),
            expires_at: mins(12 * 60),
        }
    );
    let got2 = s.session(&token(2)).await.unwrap().expect("session 2");
    assert_eq!((got2.kind, got2.mfa_passed), (SessionKind::Api, true));
    assert_eq!(s.session(&token(9)).await.unwrap(), None);

    s.touch_session(&token(1), mins(3)).await.unwrap();
    s.set_session_mfa(&token(1), true).await.unwrap();
    let got = s.session(&token(1)).await.unwrap().unwrap();
    assert_eq!((got.last_seen_at, got.mfa_passed), (mins(3), true));
    assert_eq!(got.created_at, t0());

    s.set_session_mfa(&token(1), false).await.unwrap();
    assert!(!s.session(&token(1)).await.unwrap().unwrap().mfa_passed);

    assert_conflict(s.create_session(&new_session(1, u)).await, "token_hash");

    s.delete_session(&token(1)).await.unwrap();
    assert_eq!(s.session(&token(1)).await.unwrap(), None);
    s.delete_session(&token(1)).await.unwrap(); // deleting twice is fine
    assert!(s.session(&token(2)).await.unwrap().is_some());
}

pub async fn updating_a_missing_session_is_not_found(s: &dyn Store) {
    assert_not_found(s.touch_session(&token(7), t0()).await, "touch_session");
    assert_not_found(s.set_session_mfa(&token(7), true).await, "set_session_mfa");
}

pub async fn signing_out_everywhere_keeps_only_the_excepted_session(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let alex = user(s, "Alex Kim", Role::Client).await;
    for n in 1..=3 {
        s.create_session(&new_session(n, dana)).await.unwrap();
    }
    s.create_session(&new_session(10, alex)).await.unwrap();

    assert_eq!(
        s.delete_user_sessions(dana, Some(&token(2))).await.unwrap(),
        2
    );
    assert!(s.session(&token(1)).await.unwrap().is_none());
    assert!(s.session(&token(2)).await.unwrap().is_some());
    assert!(s.session(&token(3)).await.unwrap().is_none());
    assert!(
        s.session(&token(10)).await.unwrap().is_some(),
        "another user's session is untouched"
    );

    assert_eq!(s.delete_user_sessions(dana, None).await.unwrap(), 1);
    assert!(s.session(&token(2)).await.unwrap().is_none());
    assert!(s.session(&token(10)).await.unwrap().is_some());
}

pub async fn expired_sessions_are_deleted_and_live_ones_kept(s: &dyn Store) {
    let u = user(s, "Dana Reyes", Role::Clinician).await;
    for (n, expires) in [(1, mins(10)), (2, mins(20)), (3, mins(30))] {
        let mut sess = new_session(n, u);
        sess.expires_at = expires;
        s.create_session(&sess).await.unwrap();
    }
    assert_eq!(s.delete_expired_sessions(mins(20)).await.unwrap(), 1);
    assert!(s.session(&token(1)).await.unwrap().is_none());
    assert!(s.session(&token(2)).await.unwrap().is_some());
    assert_eq!(s.delete_expired_sessions(mins(31)).await.unwrap(), 2);
    assert_eq!(s.delete_expired_sessions(mins(31)).await.unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------
// Throttle

pub async fn failures_are_counted_within_fifteen_minutes_and_reset_after(s: &dyn Store) {
    let key = "sign_in:dana@example.org";
    assert_eq!(s.throttle_state(key).await.unwrap(), None);

    let first = s.record_failure(key, mins(0)).await.unwrap();
    assert_eq!(
        first,
        ThrottleState {
            key: key.into(),
            failures: 1,
            window_started_at: mins(0),
            blocked_until: None,
        }
    );
    s.record_failure(key, mins(5)).await.unwrap();
    let third = s.record_failure(key, mins(15)).await.unwrap();
    assert_eq!((third.failures, third.window_started_at), (3, mins(0)));
    assert_eq!(s.throttle_state(key).await.unwrap(), Some(third));

    // Other keys are counted apart.
    assert_eq!(
        s.record_failure("sign_in:other", mins(1))
            .await
            .unwrap()
            .failures,
        1
    );

    // More than 15 minutes after the window opened, a failure opens a new window.
    let reset = s
        .record_failure(key, mins(15) + Duration::milliseconds(1))
        .await
        .unwrap();
    assert_eq!(
        (reset.failures, reset.window_started_at),
        (1, mins(15) + Duration::milliseconds(1))
    );
}

pub async fn a_block_is_stored_and_clearing_forgets_the_key(s: &dyn Store) {
    let key = "sign_in:dana@example.org";
    s.record_failure(key, mins(0)).await.unwrap();
    s.set_blocked_until(key, mins(30)).await.unwrap();
    let st = s.throttle_state(key).await.unwrap().unwrap();
    assert_eq!((st.failures, st.blocked_until), (1, Some(mins(30))));
    // The block survives further failures.
    let st = s.record_failure(key, mins(1)).await.unwrap();
    assert_eq!((st.failures, st.blocked_until), (2, Some(mins(30))));

    // A block can be set for a key that has no failures yet.
    s.set_blocked_until("ip:192.0.2.1", mins(10)).await.unwrap();
    let st = s.throttle_state("ip:192.0.2.1").await.unwrap().unwrap();
    assert_eq!(st.blocked_until, Some(mins(10)));

    s.clear_failures(key).await.unwrap();
    assert_eq!(s.throttle_state(key).await.unwrap(), None);
    s.clear_failures(key).await.unwrap();
    assert_eq!(s.record_failure(key, mins(2)).await.unwrap().failures, 1);
}

pub async fn an_expired_pause_is_claimed_exactly_once_and_a_live_one_is_never_extended(
    s: &dyn Store,
) {
    let key = "acct:claim";
    s.record_failure(key, mins(0)).await.unwrap();
    assert!(
        !s.claim_expired_block(key, mins(1)).await.unwrap(),
        "nothing to claim without a pause"
    );
    s.block_if_unblocked(key, mins(1), mins(5)).await.unwrap();
    s.block_if_unblocked(key, mins(2), mins(20)).await.unwrap();
    let st = s.throttle_state(key).await.unwrap().unwrap();
    assert_eq!(
        st.blocked_until,
        Some(mins(5)),
        "a live pause is not extended"
    );
    assert!(
        !s.claim_expired_block(key, mins(4)).await.unwrap(),
        "not before it runs out"
    );
    let claims = futures_claims(s, key, mins(6)).await;
    assert_eq!(claims, 1, "of many concurrent claimants exactly one wins");
    assert_eq!(
        s.throttle_state(key).await.unwrap().unwrap().blocked_until,
        None
    );
    s.block_if_unblocked(key, mins(7), mins(9)).await.unwrap();
    assert_eq!(
        s.throttle_state(key).await.unwrap().unwrap().blocked_until,
        Some(mins(9))
    );
}

async fn futures_claims(s: &dyn Store, key: &str, at: DateTime<Utc>) -> usize {
    let all = futures::future::join_all((0..10).map(|_| s.claim_expired_block(key, at))).await;
    all.into_iter().filter(|r| *r.as_ref().unwrap()).count()
}

// ---------------------------------------------------------------------------------------------
// Second factor

pub async fn a_totp_step_is_accepted_only_once(s: &dyn Store) {
    let u = user(s, "Dana Reyes", Role::Clinician).await;
    s.set_totp(u, Some(b"sealed secret")).await.unwrap();
    assert_eq!(
        s.user_by_id(u).await.unwrap().totp_sealed.as_deref(),
        Some(&b"sealed secret"[..])
    );

    assert!(s.use_totp_step(u, 100).await.unwrap());
    assert!(
        !s.use_totp_step(u, 100).await.unwrap(),
        "the same step again"
    );
    assert!(!s.use_totp_step(u, 99).await.unwrap(), "an earlier step");
    assert_eq!(s.user_by_id(u).await.unwrap().totp_last_step, Some(100));
    assert!(s.use_totp_step(u, 101).await.unwrap());

    // Racing uses of one step: exactly one wins.
    let wins = join_all((0..8).map(|_| s.use_totp_step(u, 200))).await;
    let wins = wins.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(wins, 1);

    // Enrolling again (or removing TOTP) resets the last used step.
    s.set_totp(u, Some(b"new secret")).await.unwrap();
    assert_eq!(s.user_by_id(u).await.unwrap().totp_last_step, None);
    assert!(s.use_totp_step(u, 50).await.unwrap());
    s.set_totp(u, None).await.unwrap();
    let after = s.user_by_id(u).await.unwrap();
    assert_eq!((after.totp_sealed, after.totp_last_step), (None, None));
}

pub async fn a_recovery_code_works_only_once(s: &dyn Store) {
    let u = user(s, "Dana Reyes", Role::Clinician).await;
    let other = user(s, "Alex Kim", Role::Clinician).await;
    let codes: Vec<Vec<u8>> = (1..=10u8).map(|n| vec![n; 32]).collect();
    s.replace_recovery_codes(u, &codes).await.unwrap();
    s.replace_recovery_codes(other, &codes[..2]).await.unwrap();
    assert_eq!(s.unused_recovery_codes(u).await.unwrap(), 10);

    assert!(s.use_recovery_code(u, &codes[3], mins(1)).await.unwrap());
    assert!(!s.use_recovery_code(u, &codes[3], mins(2)).await.unwrap());
    assert!(!s.use_recovery_code(u, &[0xAB; 32], mins(2)).await.unwrap());
    assert_eq!(s.unused_recovery_codes(u).await.unwrap(), 9);
    assert_eq!(
        s.unused_recovery_codes(other).await.unwrap(),
        2,
        "one user's code is not another's"
    );

    // Racing uses of one code: exactly one wins.
    let wins = join_all((0..8).map(|_| s.use_recovery_code(u, &codes[5], mins(3)))).await;
    assert_eq!(wins.into_iter().filter(|r| *r.as_ref().unwrap()).count(), 1);

    // New codes replace every old one, used or not.
    let fresh: Vec<Vec<u8>> = (50..55u8).map(|n| vec![n; 32]).collect();
    s.replace_recovery_codes(u, &fresh).await.unwrap();
    assert_eq!(s.unused_recovery_codes(u).await.unwrap(), 5);
    assert!(!s.use_recovery_code(u, &codes[0], mins(4)).await.unwrap());
    assert!(s.use_recovery_code(u, &fresh[0], mins(4)).await.unwrap());
}

// ---------------------------------------------------------------------------------------------
// Clients, care teams, supervision

pub async fn a_client_round_trips_with_name_and_home_jurisdiction(s: &dyn Store) {
    let user_id = user(s, "Alex Kim", Role::Client).await;
    let id = ClientId(Uuid::new_v4());
    s.create_client(&NewClient {
        id,
        user_id,
        home_jurisdiction: jurisdiction("CA-ON"),
        created_at: mins(1),
    })
    .await
    .unwrap();
    let want = ClientRecord {
        id,
        user_id,
        name: "Alex Kim".into(),
        home_jurisdiction: jurisdiction("CA-ON"),
        created_at: mins(1),
    };
    assert_eq!(s.client(id).await.unwrap(), want);
    assert_eq!(s.client_by_user(user_id).await.unwrap(), Some(want));
    assert_not_found(s.client(ClientId(Uuid::new_v4())).await, "client");
    assert_eq!(
        s.client_by_user(UserId(Uuid::new_v4())).await.unwrap(),
        None
    );

    // One record per account.
    let second = NewClient {
        id: ClientId(Uuid::new_v4()),
        user_id,
        home_jurisdiction: jurisdiction("US-MA"),
        created_at: mins(2),
    };
    assert_conflict(s.create_client(&second).await, "user_id");
}

pub async fn a_caseload_lists_only_clients_on_that_clinicians_care_team(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let zoe = client(s, "Zoe Park").await;
    let alex = client(s, "Alex Kim").await;
    let kit = client(s, "Kit Moss").await;
    s.add_to_care_team(zoe, dana, CareRole::Primary, t0())
        .await
        .unwrap();
    s.add_to_care_team(alex, dana, CareRole::Covering, t0())
        .await
        .unwrap();
    s.add_to_care_team(kit, sam, CareRole::Primary, t0())
        .await
        .unwrap();

    let dana_caseload = s.caseload(dana).await.unwrap();
    let ids: Vec<ClientId> = dana_caseload.iter().map(|c| c.id).collect();
    assert_eq!(ids, [alex, zoe], "ordered by name, and not Kit");
    assert_eq!(dana_caseload[0].name, "Alex Kim");
    assert_eq!(
        s.caseload(sam)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        [kit]
    );
    assert!(s.caseload(UserId(Uuid::new_v4())).await.unwrap().is_empty());
}

pub async fn the_care_team_lists_members_with_names_and_roles(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let other = client(s, "Alex Kim").await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let lee = user(s, "Lee Chan", Role::Clinician).await;
    s.add_to_care_team(zoe, sam, CareRole::Covering, mins(1))
        .await
        .unwrap();
    s.add_to_care_team(zoe, dana, CareRole::Primary, mins(2))
        .await
        .unwrap();
    s.add_to_care_team(zoe, lee, CareRole::Covering, mins(3))
        .await
        .unwrap();
    s.add_to_care_team(other, lee, CareRole::Primary, mins(3))
        .await
        .unwrap();

    assert_eq!(
        s.care_team(zoe).await.unwrap(),
        [
            CareTeamMember {
                clinician_id: dana,
                name: "Dana Reyes".into(),
                role: CareRole::Primary
            },
            CareTeamMember {
                clinician_id: sam,
                name: "Sam Ortiz".into(),
                role: CareRole::Covering
            },
            CareTeamMember {
                clinician_id: lee,
                name: "Lee Chan".into(),
                role: CareRole::Covering
            },
        ]
    );
    assert!(s
        .care_team(ClientId(Uuid::new_v4()))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.add_to_care_team(zoe, sam, CareRole::Primary, mins(4))
            .await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn a_covering_clinician_can_be_taken_off_the_care_team(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let zoe = client(s, "Zoe Park").await;
    s.add_to_care_team(zoe, dana, CareRole::Primary, t0())
        .await
        .unwrap();
    s.add_to_care_team(zoe, sam, CareRole::Covering, mins(1))
        .await
        .unwrap();
    assert_eq!(s.caseload(sam).await.unwrap().len(), 1);
    s.remove_from_care_team(zoe, sam).await.unwrap();
    let team = s.care_team(zoe).await.unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].clinician_id, dana, "the primary clinician stays");
    assert!(
        s.caseload(sam).await.unwrap().is_empty(),
        "off the caseload"
    );
    assert!(matches!(
        s.remove_from_care_team(zoe, sam).await,
        Err(StoreError::NotFound)
    ));
    // Added again later: a new membership.
    s.add_to_care_team(zoe, sam, CareRole::Covering, mins(2))
        .await
        .unwrap();
    assert_eq!(s.care_team(zoe).await.unwrap().len(), 2);
}

pub async fn supervision_lists_only_that_supervisors_supervisees(s: &dyn Store) {
    let sup = user(s, "Pat Supervisor", Role::Supervisor).await;
    let other_sup = user(s, "Ray Supervisor", Role::Supervisor).await;
    let zed = user(s, "Zed Young", Role::Clinician).await;
    let amy = user(s, "Amy Old", Role::Clinician).await;
    let bo = user(s, "Bo Mid", Role::Clinician).await;
    s.add_supervision(sup, zed).await.unwrap();
    s.add_supervision(sup, amy).await.unwrap();
    s.add_supervision(other_sup, bo).await.unwrap();
    assert_eq!(
        s.supervisees(sup).await.unwrap(),
        [amy, zed],
        "ordered by name"
    );
    assert_eq!(s.supervisees(other_sup).await.unwrap(), [bo]);
    assert!(s.supervisees(zed).await.unwrap().is_empty());
    assert!(matches!(
        s.add_supervision(sup, zed).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn references_to_missing_rows_are_refused(s: &dyn Store) {
    let nobody = UserId(Uuid::new_v4());
    let no_client = ClientId(Uuid::new_v4());
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let zoe = client(s, "Zoe Park").await;

    let r = s
        .create_client(&NewClient {
            id: ClientId(Uuid::new_v4()),
            user_id: nobody,
            home_jurisdiction: jurisdiction("US-MA"),
            created_at: t0(),
        })
        .await;
    assert_not_found(r, "client of a missing user");
    assert_not_found(
        s.create_session(&new_session(1, nobody)).await,
        "session of a missing user",
    );
    assert_not_found(
        s.add_to_care_team(no_client, dana, CareRole::Primary, t0())
            .await,
        "care team of a missing client",
    );
    assert_not_found(
        s.add_to_care_team(zoe, nobody, CareRole::Primary, t0())
            .await,
        "missing clinician on a care team",
    );
    assert_not_found(s.add_supervision(dana, nobody).await, "missing supervisee");
    let key = WrappedDataKey {
        client_id: no_client,
        version: 1,
        wrapped: vec![1],
        created_at: t0(),
    };
    assert_not_found(s.put_data_key(&key).await, "data key of a missing client");
    let thread = NewThread {
        id: ThreadId(Uuid::new_v4()),
        client_id: no_client,
        created_at: t0(),
    };
    assert_not_found(s.create_thread(&thread).await, "thread of a missing client");
    let msg = NewMessage {
        id: MessageId(Uuid::new_v4()),
        thread_id: ThreadId(Uuid::new_v4()),
        sender_id: dana,
        sent_at: t0(),
        body: Sealed {
            key_version: 1,
            ciphertext: vec![1, 2, 3],
        },
    };
    assert_not_found(s.append_message(&msg).await, "message in a missing thread");
}

// ---------------------------------------------------------------------------------------------
// Data keys

pub async fn the_current_data_key_is_the_newest_version(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let other = client(s, "Alex Kim").await;
    assert_eq!(s.current_data_key(zoe).await.unwrap(), None);
    let key = |client_id, version: i32| WrappedDataKey {
        client_id,
        version,
        wrapped: vec![version as u8; 60],
        created_at: mins(version.into()),
    };
    for v in [1, 3, 2] {
        s.put_data_key(&key(zoe, v)).await.unwrap();
    }
    s.put_data_key(&key(other, 7)).await.unwrap();

    assert_eq!(s.current_data_key(zoe).await.unwrap(), Some(key(zoe, 3)));
    assert_eq!(s.data_key(zoe, 2).await.unwrap(), Some(key(zoe, 2)));
    assert_eq!(s.data_key(zoe, 7).await.unwrap(), None);
    assert_eq!(
        s.current_data_key(other).await.unwrap(),
        Some(key(other, 7))
    );
    assert!(matches!(
        s.put_data_key(&key(zoe, 3)).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn destroying_data_keys_removes_every_version(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let other = client(s, "Alex Kim").await;
    for (c, v) in [(zoe, 1), (zoe, 2), (other, 1)] {
        s.put_data_key(&WrappedDataKey {
            client_id: c,
            version: v,
            wrapped: vec![9; 60],
            created_at: t0(),
        })
        .await
        .unwrap();
    }
    assert_eq!(s.destroy_data_keys(zoe).await.unwrap(), 2);
    assert_eq!(s.current_data_key(zoe).await.unwrap(), None);
    assert_eq!(s.data_key(zoe, 1).await.unwrap(), None);
    assert_eq!(s.data_key(zoe, 2).await.unwrap(), None);
    assert!(s.current_data_key(other).await.unwrap().is_some());
    assert_eq!(s.destroy_data_keys(zoe).await.unwrap(), 0);
}

// ---------------------------------------------------------------------------------------------
// Messages

pub async fn messages_come_back_oldest_first_with_sender_name_and_role(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let zoe_user = client_user(s, zoe).await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let thread = ThreadId(Uuid::new_v4());
    s.create_thread(&NewThread {
        id: thread,
        client_id: zoe,
        created_at: t0(),
    })
    .await
    .unwrap();
    let other_thread = ThreadId(Uuid::new_v4());
    s.create_thread(&NewThread {
        id: other_thread,
        client_id: zoe,
        created_at: t0(),
    })
    .await
    .unwrap();

    // Appended out of order; read back by time sent.
    let msg = |sender, at, n: u8| NewMessage {
        id: MessageId(Uuid::new_v4()),
        thread_id: thread,
        sender_id: sender,
        sent_at: at,
        body: Sealed {
            key_version: i32::from(n),
            // Arbitrary bytes, NULs and all: the store keeps ciphertext exactly.
            ciphertext: vec![0, n, 255, n, 0],
        },
    };
    let m2 = msg(dana, mins(2), 2);
    let m1 = msg(zoe_user, mins(1), 1);
    let m3 = msg(zoe_user, mins(3), 3);
    for m in [&m2, &m1, &m3] {
        s.append_message(m).await.unwrap();
    }
    let mut elsewhere = msg(dana, mins(0), 9);
    elsewhere.thread_id = other_thread;
    s.append_message(&elsewhere).await.unwrap();

    let got = s.messages(thread).await.unwrap();
    assert_eq!(
        got.iter().map(|m| m.id).collect::<Vec<_>>(),
        [m1.id, m2.id, m3.id]
    );
    assert_eq!(
        got[1],
        MessageRecord {
            id: m2.id,
            thread_id: thread,
            sender_id: dana,
            sender_name: "Dana Reyes".into(),
            sender_role: Role::Clinician,
            sent_at: mins(2),
            body: m2.body.clone(),
        }
    );
    assert_eq!(
        (got[0].sender_name.as_str(), got[0].sender_role),
        ("Zoe Park", Role::Client)
    );
    assert_eq!(got[2].body, m3.body);
    assert!(s
        .messages(ThreadId(Uuid::new_v4()))
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        s.append_message(&m1).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn threads_of_a_client_show_message_counts_and_latest_activity(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let alex = client(s, "Alex Kim").await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let new_thread = |client_id, at| NewThread {
        id: ThreadId(Uuid::new_v4()),
        client_id,
        created_at: at,
    };
    let busy = new_thread(zoe, mins(0));
    let quiet = new_thread(zoe, mins(5));
    let empty = new_thread(zoe, mins(30));
    let not_zoes = new_thread(alex, mins(1));
    for t in [&busy, &quiet, &empty, &not_zoes] {
        s.create_thread(t).await.unwrap();
    }
    let say = |thread_id, at| NewMessage {
        id: MessageId(Uuid::new_v4()),
        thread_id,
        sender_id: dana,
        sent_at: at,
        body: Sealed {
            key_version: 1,
            ciphertext: vec![7; 40],
        },
    };
    for at in [mins(10), mins(40), mins(20)] {
        s.append_message(&say(busy.id, at)).await.unwrap();
    }
    s.append_message(&say(quiet.id, mins(6))).await.unwrap();
    s.append_message(&say(not_zoes.id, mins(50))).await.unwrap();

    let threads = s.threads_of_client(zoe).await.unwrap();
    let summary: Vec<(ThreadId, Option<DateTime<Utc>>, i64)> = threads
        .iter()
        .map(|t| (t.id, t.last_message_at, t.message_count))
        .collect();
    assert_eq!(
        summary,
        [
            (busy.id, Some(mins(40)), 3),
            (empty.id, None, 0),
            (quiet.id, Some(mins(6)), 1),
        ],
        "most recent activity first, only Zoe's threads"
    );
    assert_eq!(threads[0].client_id, zoe);
    assert_eq!(threads[0].created_at, mins(0));

    assert_eq!(
        s.thread(quiet.id).await.unwrap(),
        ThreadRecord {
            id: quiet.id,
            client_id: zoe,
            created_at: mins(5),
            last_message_at: Some(mins(6)),
            message_count: 1,
        }
    );
    let e = s.thread(empty.id).await.unwrap();
    assert_eq!((e.last_message_at, e.message_count), (None, 0));
}

pub async fn a_missing_thread_is_not_found(s: &dyn Store) {
    assert_not_found(s.thread(ThreadId(Uuid::new_v4())).await, "thread");
    assert!(s
        .threads_of_client(ClientId(Uuid::new_v4()))
        .await
        .unwrap()
        .is_empty());
}

/// A thread of a new client with its clinician, for the audited-message tests.
async fn thread_with_clinician(s: &dyn Store) -> (ClientId, UserId, ThreadId) {
    let zoe = client(s, "Zoe Park").await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let thread = ThreadId(Uuid::new_v4());
    s.create_thread(&NewThread {
        id: thread,
        client_id: zoe,
        created_at: t0(),
    })
    .await
    .unwrap();
    (zoe, dana, thread)
}

fn sealed_message(thread_id: ThreadId, sender_id: UserId, n: i64) -> NewMessage {
    NewMessage {
        id: MessageId(Uuid::new_v4()),
        thread_id,
        sender_id,
        sent_at: mins(n),
        body: Sealed {
            key_version: 1,
            ciphertext: vec![n as u8; 24],
        },
    }
}

fn send_event(m: &NewMessage, sender: UserId, client_id: ClientId) -> NewAuditEvent {
    NewAuditEvent {
        at: m.sent_at,
        actor_id: Some(sender),
        actor_role: "clinician".into(),
        action: "message.send".into(),
        client_id: Some(client_id),
        object: format!("message:{}", m.id),
    }
}

pub async fn a_message_and_its_audit_event_are_stored_together_in_the_chain(s: &dyn Store) {
    let (zoe, dana, thread) = thread_with_clinician(s).await;
    let before = s.append_audit(&event(0, None, Some(zoe))).await.unwrap();

    let m = sealed_message(thread, dana, 1);
    let got = s
        .append_message_audited(&m, &send_event(&m, dana, zoe))
        .await
        .unwrap();
    assert_eq!(got.seq, before.seq + 1, "the send is the next event");
    assert_eq!(got.prev_hash, before.hash, "chained to the event before");
    assert_eq!(
        (got.action.as_str(), got.object.clone(), got.client_id),
        ("message.send", format!("message:{}", m.id), Some(zoe))
    );
    let after = s.append_audit(&event(2, None, None)).await.unwrap();
    assert_eq!(after.prev_hash, got.hash, "and the next event chains to it");

    let stored = s.messages(thread).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].id, &stored[0].body), (m.id, &m.body));
    let log = s.audit_events(1, 100).await.unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1], got, "what was returned is what was stored");
    assert_valid_chain(&log);
    let history = s.access_log(zoe, 10).await.unwrap();
    assert!(
        history.iter().any(|a| a.action == "message.send"),
        "the send shows in the client's access history"
    );
}

pub async fn a_refused_message_leaves_no_audit_event(s: &dyn Store) {
    let (zoe, dana, thread) = thread_with_clinician(s).await;
    let first = sealed_message(thread, dana, 1);
    s.append_message_audited(&first, &send_event(&first, dana, zoe))
        .await
        .unwrap();

    let nowhere = sealed_message(ThreadId(Uuid::new_v4()), dana, 2);
    assert_not_found(
        s.append_message_audited(&nowhere, &send_event(&nowhere, dana, zoe))
            .await,
        "a message to a missing thread",
    );
    let again = s
        .append_message_audited(&first, &send_event(&first, dana, zoe))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "the same message id twice is a conflict, got {again:?}"
    );
    let log = s.audit_events(1, 100).await.unwrap();
    assert_eq!(log.len(), 1, "refused messages left no audit event");
    assert_eq!(s.messages(thread).await.unwrap().len(), 1);

    let next = sealed_message(thread, dana, 3);
    let got = s
        .append_message_audited(&next, &send_event(&next, dana, zoe))
        .await
        .unwrap();
    assert_eq!(got.seq, 2, "the chain goes on with no gap");
    assert_valid_chain(&s.audit_events(1, 100).await.unwrap());
}

pub async fn concurrent_audited_messages_are_all_stored_in_one_chain(s: &dyn Store) {
    let (zoe, dana, thread) = thread_with_clinician(s).await;
    // Forty good messages, with a refused one (missing thread) after every fourth, all at once.
    let mut jobs = Vec::new();
    for n in 0..50 {
        let target = if n % 5 == 4 {
            ThreadId(Uuid::new_v4())
        } else {
            thread
        };
        let m = sealed_message(target, dana, n);
        let e = send_event(&m, dana, zoe);
        jobs.push((m, e));
    }
    let plain: Vec<NewAuditEvent> = (0..10).map(|n| event(100 + n, None, None)).collect();
    let (sent, logged) = futures::join!(
        join_all(jobs.iter().map(|(m, e)| s.append_message_audited(m, e))),
        join_all(plain.iter().map(|e| s.append_audit(e))),
    );
    for ((m, _), r) in jobs.iter().zip(&sent) {
        if m.thread_id == thread {
            assert!(r.is_ok(), "a good message was stored: {r:?}");
        } else {
            assert!(matches!(r, Err(StoreError::NotFound)), "refused: {r:?}");
        }
    }
    for r in &logged {
        assert!(r.is_ok(), "plain appends go on beside: {r:?}");
    }
    let stored = s.messages(thread).await.unwrap();
    assert_eq!(stored.len(), 40);
    let log = s.audit_events(1, 1000).await.unwrap();
    assert_eq!(
        log.len(),
        50,
        "forty sends and ten other events, nothing else"
    );
    assert_valid_chain(&log);
    let objects: HashSet<String> = log.iter().map(|e| e.object.clone()).collect();
    for m in stored {
        assert!(
            objects.contains(&format!("message:{}", m.id)),
            "every stored message has its audit event"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Read marks

async fn thread_with_messages(
    s: &dyn Store,
    client_id: ClientId,
    said: &[(UserId, DateTime<Utc>)],
) -> (ThreadId, Vec<MessageId>) {
    let thread = ThreadId(Uuid::new_v4());
    s.create_thread(&NewThread {
        id: thread,
        client_id,
        created_at: t0(),
    })
    .await
    .unwrap();
    let mut ids = Vec::new();
    for (sender, at) in said {
        let id = MessageId(Uuid::new_v4());
        s.append_message(&NewMessage {
            id,
            thread_id: thread,
            sender_id: *sender,
            sent_at: *at,
            body: Sealed {
                key_version: 1,
                ciphertext: vec![1, 2, 3],
            },
        })
        .await
        .unwrap();
        ids.push(id);
    }
    (thread, ids)
}

pub async fn unread_counts_only_others_messages_after_the_users_read_mark(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let zoe_user = client_user(s, zoe).await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    // Two of Dana's messages share a millisecond: the mark is a message, not a time.
    let (thread, m) = thread_with_messages(
        s,
        zoe,
        &[
            (dana, mins(1)),
            (zoe_user, mins(2)),
            (dana, mins(3)),
            (dana, mins(3)),
            (dana, mins(4)),
        ],
    )
    .await;
    let (other, _) = thread_with_messages(s, zoe, &[(dana, mins(1))]).await;

    assert_eq!(
        s.unread_count(zoe_user, thread).await.unwrap(),
        4,
        "no mark: every message of others"
    );
    assert_eq!(
        s.unread_count(dana, thread).await.unwrap(),
        1,
        "one's own messages are never unread"
    );

    // Read up to the first of the two messages at minute 3.
    let order = s.messages(thread).await.unwrap();
    let first_at_3 = order[2].id;
    s.mark_read(zoe_user, thread, first_at_3, mins(5))
        .await
        .unwrap();
    assert_eq!(s.unread_count(zoe_user, thread).await.unwrap(), 2);
    assert_eq!(
        s.unread_count(zoe_user, other).await.unwrap(),
        1,
        "a mark is per thread"
    );
    assert_eq!(
        s.unread_count(dana, thread).await.unwrap(),
        1,
        "and per user"
    );

    s.mark_read(zoe_user, thread, m[4], mins(6)).await.unwrap();
    assert_eq!(s.unread_count(zoe_user, thread).await.unwrap(), 0);
    s.mark_read(dana, thread, m[1], mins(6)).await.unwrap();
    assert_eq!(s.unread_count(dana, thread).await.unwrap(), 0);

    // A new message from someone else is unread again.
    let later = MessageId(Uuid::new_v4());
    s.append_message(&NewMessage {
        id: later,
        thread_id: thread,
        sender_id: dana,
        sent_at: mins(7),
        body: Sealed {
            key_version: 1,
            ciphertext: vec![9],
        },
    })
    .await
    .unwrap();
    assert_eq!(s.unread_count(zoe_user, thread).await.unwrap(), 1);
    assert_eq!(
        s.unread_count(zoe_user, ThreadId(Uuid::new_v4()))
            .await
            .unwrap(),
        0
    );
}

pub async fn a_read_mark_only_moves_forward_and_names_a_message_of_its_thread(s: &dyn Store) {
    let zoe = client(s, "Zoe Park").await;
    let zoe_user = client_user(s, zoe).await;
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let (thread, m) =
        thread_with_messages(s, zoe, &[(dana, mins(1)), (dana, mins(2)), (dana, mins(3))]).await;
    let (other, o) = thread_with_messages(s, zoe, &[(dana, mins(1))]).await;

    s.mark_read(zoe_user, thread, m[2], mins(4)).await.unwrap();
    // A slower tab reports an older message afterwards: the mark stays where it was.
    s.mark_read(zoe_user, thread, m[0], mins(5)).await.unwrap();
    assert_eq!(s.unread_count(zoe_user, thread).await.unwrap(), 0);

    assert_not_found(
        s.mark_read(zoe_user, thread, o[0], mins(6)).await,
        "a message of another thread",
    );
    assert_not_found(
        s.mark_read(zoe_user, thread, MessageId(Uuid::new_v4()), mins(6))
            .await,
        "a message that does not exist",
    );
    assert_eq!(
        s.unread_count(zoe_user, other).await.unwrap(),
        1,
        "nothing was marked there"
    );
    assert!(
        s.mark_read(UserId(Uuid::new_v4()), thread, m[0], mins(6))
            .await
            .is_err(),
        "a mark of a user who does not exist is refused"
    );
}

// ---------------------------------------------------------------------------------------------
// Audit

pub async fn fifty_audit_appends_form_one_valid_chain(s: &dyn Store) {
    assert_eq!(s.audit_head().await.unwrap(), None);
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let zoe = client(s, "Zoe Park").await;
    let mut appended = Vec::new();
    for n in 0..50 {
        let actor = (n % 3 != 0).then_some(dana);
        let client_id = (n % 2 == 0).then_some(zoe);
        let mut e = event(n, actor, client_id);
        // Sub-millisecond precision is dropped consistently: the hash covers what is kept.
        e.at += Duration::microseconds(500);
        let got = s.append_audit(&e).await.unwrap();
        assert_eq!(got.seq, n + 1);
        assert_eq!(
            (got.actor_id, got.client_id, &got.action, &got.object),
            (actor, client_id, &e.action, &e.object)
        );
        assert_eq!(got.at, t0() + Duration::milliseconds(n));
        appended.push(got);
    }
    assert_valid_chain(&appended);
    let stored = s.audit_events(1, 1000).await.unwrap();
    assert_eq!(stored, appended, "what append returned is what was stored");
    assert_eq!(s.audit_head().await.unwrap().as_ref(), appended.last());
}

pub async fn concurrent_audit_appends_never_fork_the_chain(s: &dyn Store) {
    let events: Vec<NewAuditEvent> = (0..20).map(|n| event(n, None, None)).collect();
    let results = join_all(events.iter().map(|e| s.append_audit(e))).await;
    let mut seqs: Vec<i64> = results
        .into_iter()
        .map(|r| r.expect("concurrent append").seq)
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());

    let stored = s.audit_events(1, 100).await.unwrap();
    assert_eq!(stored.len(), 20);
    assert_valid_chain(&stored);
    let objects: HashSet<&str> = stored.iter().map(|e| e.object.as_str()).collect();
    assert_eq!(objects.len(), 20, "every event is there once");

    // And a second wave on top of the first.
    let more: Vec<NewAuditEvent> = (20..40).map(|n| event(n, None, None)).collect();
    for r in join_all(more.iter().map(|e| s.append_audit(e))).await {
        r.expect("concurrent append");
    }
    let stored = s.audit_events(1, 100).await.unwrap();
    assert_eq!(stored.len(), 40);
    assert_valid_chain(&stored);
}

pub async fn audit_events_are_read_in_pages_from_a_sequence_number(s: &dyn Store) {
    for n in 0..10 {
        s.append_audit(&event(n, None, None)).await.unwrap();
    }
    let seqs = |v: Vec<AuditEvent>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(seqs(s.audit_events(4, 3).await.unwrap()), [4, 5, 6]);
    assert_eq!(seqs(s.audit_events(9, 100).await.unwrap()), [9, 10]);
    assert!(s.audit_events(11, 100).await.unwrap().is_empty());
    assert!(s.audit_events(1, 0).await.unwrap().is_empty());
    assert_eq!(s.audit_head().await.unwrap().unwrap().seq, 10);
}

pub async fn audit_checkpoints_round_trip(s: &dyn Store) {
    assert!(s.checkpoints().await.unwrap().is_empty());
    let cp = |seq: i64| Checkpoint {
        seq,
        hash: vec![seq as u8; 32],
        signature: vec![0xEE; 64],
        at: mins(seq),
    };
    s.put_checkpoint(&cp(2000)).await.unwrap();
    s.put_checkpoint(&cp(1000)).await.unwrap();
    assert_eq!(s.checkpoints().await.unwrap(), [cp(1000), cp(2000)]);
    assert!(matches!(
        s.put_checkpoint(&cp(1000)).await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn the_access_log_is_newest_first_with_actor_names_and_only_that_clients_events(
    s: &dyn Store,
) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let zoe = client(s, "Zoe Park").await;
    let alex = client(s, "Alex Kim").await;
    let unknown_actor = UserId(Uuid::new_v4());

    s.append_audit(&event(1, Some(dana), Some(zoe)))
        .await
        .unwrap();
    s.append_audit(&event(2, Some(dana), Some(alex)))
        .await
        .unwrap();
    s.append_audit(&event(3, None, Some(zoe))).await.unwrap();
    s.append_audit(&event(4, Some(dana), None)).await.unwrap();
    let mut admin = event(5, Some(unknown_actor), Some(zoe));
    admin.actor_role = "admin".into();
    admin.action = "record.break_glass".into();
    s.append_audit(&admin).await.unwrap();

    let log = s.access_log(zoe, 100).await.unwrap();
    assert_eq!(
        log,
        [
            AccessEntry {
                seq: 5,
                at: t0() + Duration::milliseconds(5),
                actor_id: Some(unknown_actor),
                actor_name: None,
                actor_role: "admin".into(),
                action: "record.break_glass".into(),
                object: "thread:5".into(),
            },
            AccessEntry {
                seq: 3,
                at: t0() + Duration::milliseconds(3),
                actor_id: None,
                actor_name: None,
                actor_role: "system".into(),
                action: "thread.view".into(),
                object: "thread:3".into(),
            },
            AccessEntry {
                seq: 1,
                at: t0() + Duration::milliseconds(1),
                actor_id: Some(dana),
                actor_name: Some("Dana Reyes".into()),
                actor_role: "clinician".into(),
                action: "thread.view".into(),
                object: "thread:1".into(),
            },
        ]
    );
    let latest: Vec<i64> = s
        .access_log(zoe, 2)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(latest, [5, 3], "the limit keeps the newest");
    let alex_log = s.access_log(alex, 100).await.unwrap();
    assert_eq!(alex_log.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
    assert!(s
        .access_log(ClientId(Uuid::new_v4()), 100)
        .await
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------------------------------------
// Licences

fn credentials_doc(
    clinician_id: UserId,
    document: &str,
    at: DateTime<Utc>,
    by: UserId,
) -> CredentialsDoc {
    CredentialsDoc {
        clinician_id,
        document: document.into(),
        updated_at: at,
        updated_by: by,
    }
}

fn verification(
    clinician_id: UserId,
    by: UserId,
    at: DateTime<Utc>,
    credential: &str,
) -> Verification {
    Verification {
        id: Uuid::new_v4(),
        clinician_id,
        credential: credential.into(),
        verified_by: by,
        verified_at: at,
        method: "board website lookup".into(),
        note: format!("checked {credential}"),
    }
}

pub async fn credentials_documents_are_stored_per_clinician_and_replaced_whole(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let admin = user(s, "Pat Admin", Role::Admin).await;
    assert_eq!(s.credentials_of(dana).await.unwrap(), None);

    // Stored exactly: the store does not parse or normalise the document.
    let first = credentials_doc(
        dana,
        "{\"profession\": \"LICSW\",\n \"credentials\": [{\"kind\": \"license\", \
         \"jurisdiction\": \"US-MA\", \"number\": \"123456\", \"note\": \"Zoë \\\"quoted\\\"\"}]}",
        t0() + Duration::milliseconds(7),
        admin,
    );
    s.put_credentials(&first).await.unwrap();
    let sams = credentials_doc(
        sam,
        "{\"profession\": \"LMHC\", \"credentials\": []}",
        mins(1),
        sam,
    );
    s.put_credentials(&sams).await.unwrap();
    assert_eq!(s.credentials_of(dana).await.unwrap(), Some(first.clone()));
    assert_eq!(s.credentials_of(sam).await.unwrap(), Some(sams.clone()));

    // Replaced whole: document, time and author all change; nothing of the old one is kept.
    let second = credentials_doc(
        dana,
        "{\"profession\": \"LICSW\", \"credentials\": []}",
        mins(30),
        dana,
    );
    s.put_credentials(&second).await.unwrap();
    assert_eq!(s.credentials_of(dana).await.unwrap(), Some(second));
    assert_eq!(
        s.credentials_of(sam).await.unwrap(),
        Some(sams),
        "another clinician's document is untouched"
    );
    assert_eq!(
        s.credentials_of(UserId(Uuid::new_v4())).await.unwrap(),
        None
    );
}

pub async fn verifications_are_kept_newest_first(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let admin = user(s, "Pat Admin", Role::Admin).await;
    assert!(s.verifications_of(dana).await.unwrap().is_empty());

    // Added out of order; two at the same moment are ordered by id.
    let old = verification(dana, admin, mins(1), "license US-MA 123456");
    let newest = verification(dana, admin, mins(90), "license US-NH 555");
    let mut same_a = verification(dana, sam, mins(30), "license US-MA 123456");
    let mut same_b = verification(dana, admin, mins(30), "license US-RI 42");
    same_b.method = "primary-source letter".into();
    same_b.note = String::new();
    if same_a.id.hyphenated().to_string() > same_b.id.hyphenated().to_string() {
        std::mem::swap(&mut same_a.id, &mut same_b.id);
    }
    let sams = verification(sam, admin, mins(100), "license US-MA 999");
    for v in [&same_b, &old, &sams, &newest, &same_a] {
        s.add_verification(v).await.unwrap();
    }

    let got = s.verifications_of(dana).await.unwrap();
    assert_eq!(
        got.iter().map(|v| v.id).collect::<Vec<_>>(),
        [newest.id, same_a.id, same_b.id, old.id],
        "newest first, then by id; only Dana's"
    );
    assert_eq!(got[2], same_b, "every field round-trips, an empty note too");
    assert_eq!(got[0], newest);
    assert_eq!(s.verifications_of(sam).await.unwrap(), [sams]);
    assert!(s
        .verifications_of(UserId(Uuid::new_v4()))
        .await
        .unwrap()
        .is_empty());

    // A verification is evidence: it is added once, never overwritten.
    let mut again = old.clone();
    again.note = "overwritten?".into();
    assert_conflict(s.add_verification(&again).await, "id");
    assert_eq!(s.verifications_of(dana).await.unwrap()[3], old);
}

pub async fn credentials_and_verifications_refer_to_existing_users(s: &dyn Store) {
    let nobody = UserId(Uuid::new_v4());
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let doc = "{\"profession\": \"LICSW\", \"credentials\": []}";

    assert_not_found(
        s.put_credentials(&credentials_doc(nobody, doc, t0(), dana))
            .await,
        "credentials of a missing clinician",
    );
    assert_not_found(
        s.put_credentials(&credentials_doc(dana, doc, t0(), nobody))
            .await,
        "credentials updated by a missing user",
    );
    assert_eq!(s.credentials_of(dana).await.unwrap(), None);
    // Also when replacing an existing document.
    s.put_credentials(&credentials_doc(dana, doc, t0(), dana))
        .await
        .unwrap();
    assert_not_found(
        s.put_credentials(&credentials_doc(dana, "{}", mins(1), nobody))
            .await,
        "replacement by a missing user",
    );
    assert_eq!(s.credentials_of(dana).await.unwrap().unwrap().document, doc);

    assert_not_found(
        s.add_verification(&verification(nobody, dana, t0(), "license US-MA 1"))
            .await,
        "verification of a missing clinician",
    );
    assert_not_found(
        s.add_verification(&verification(dana, nobody, t0(), "license US-MA 1"))
            .await,
        "verification by a missing user",
    );
    assert!(s.verifications_of(dana).await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Meta

pub async fn meta_values_round_trip_and_can_be_replaced(s: &dyn Store) {
    assert_eq!(s.meta_get("master_key_check").await.unwrap(), None);
    s.meta_put("master_key_check", &[0, 1, 2, 255])
        .await
        .unwrap();
    s.meta_put("other", b"x").await.unwrap();
    assert_eq!(
        s.meta_get("master_key_check").await.unwrap(),
        Some(vec![0, 1, 2, 255])
    );
    s.meta_put("master_key_check", b"").await.unwrap();
    assert_eq!(
        s.meta_get("master_key_check").await.unwrap(),
        Some(Vec::new())
    );
    assert_eq!(s.meta_get("other").await.unwrap(), Some(b"x".to_vec()));
}

pub async fn the_database_answers_a_ping(s: &dyn Store) {
    s.ping().await.unwrap();
    assert!(["sqlite", "postgres"].contains(&s.backend_name()));
}

// ---------------------------------------------------------------------------------------------
// Documents

fn doc(kind: DocKind, owner: Owner, key: &str, version: i64, body: &str, at: i64) -> Document {
    Document {
        kind,
        owner,
        key: key.into(),
        version,
        body: DocBody::Plain(body.as_bytes().to_vec()),
        author: None,
        at: mins(at),
    }
}

pub async fn meta_insert_keeps_the_first_value(s: &dyn Store) {
    assert!(s.meta_insert("practice-key", b"first").await.unwrap());
    assert!(!s.meta_insert("practice-key", b"second").await.unwrap());
    assert_eq!(
        s.meta_get("practice-key").await.unwrap().as_deref(),
        Some(&b"first"[..])
    );
}

pub async fn document_versions_are_appended_once_and_read_newest_first(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let owner = Owner::User(dana);
    let kind = DocKind::ClinicianProfile;
    assert_eq!(
        s.latest_document(kind, &owner, "profile").await.unwrap(),
        None
    );

    let mut v1 = doc(kind, owner, "profile", 1, "{\"phone\":\"1\"}", 1);
    v1.author = Some(dana);
    s.put_document(&v1).await.unwrap();
    let v2 = doc(kind, owner, "profile", 2, "{\"phone\":\"2\"}", 2);
    s.put_document(&v2).await.unwrap();
    assert_eq!(
        s.latest_document(kind, &owner, "profile").await.unwrap(),
        Some(v2.clone())
    );
    assert_eq!(
        s.document_history(kind, &owner, "profile").await.unwrap(),
        vec![v1.clone(), v2.clone()],
        "every version is kept, oldest first, with its author"
    );

    // A version is written once: a second writer of version 2 is told, and nothing changes.
    let racer = doc(kind, owner, "profile", 2, "{\"phone\":\"3\"}", 3);
    assert!(matches!(
        s.put_document(&racer).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.latest_document(kind, &owner, "profile").await.unwrap(),
        Some(v2)
    );

    // Kinds, owners and keys are separate documents.
    assert_eq!(
        s.latest_document(DocKind::PracticePolicy, &owner, "profile")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.latest_document(kind, &Owner::Practice, "profile")
            .await
            .unwrap(),
        None
    );
    // An author that does not exist is refused.
    let mut ghost = doc(kind, owner, "other", 1, "{}", 4);
    ghost.author = Some(UserId(Uuid::new_v4()));
    assert!(s.put_document(&ghost).await.is_err());
}

pub async fn latest_documents_are_the_newest_version_of_each_key(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    let sam = user(s, "Sam Ortiz", Role::Clinician).await;
    let kind = DocKind::CeActivity;
    for d in [
        doc(kind, Owner::User(dana), "a", 1, "a1", 1),
        doc(kind, Owner::User(dana), "a", 2, "a2", 2),
        doc(kind, Owner::User(dana), "b", 1, "b1", 3),
        doc(kind, Owner::User(sam), "a", 1, "sam-a1", 4),
        doc(DocKind::Listing, Owner::User(dana), "a", 1, "listing", 5),
    ] {
        s.put_document(&d).await.unwrap();
    }
    let bodies = |docs: Vec<Document>| -> Vec<String> {
        docs.into_iter()
            .map(|d| match d.body {
                DocBody::Plain(b) => String::from_utf8(b).unwrap(),
                DocBody::Sealed(_) => "sealed".into(),
            })
            .collect()
    };
    assert_eq!(
        bodies(
            s.latest_documents(kind, Some(&Owner::User(dana)))
                .await
                .unwrap()
        ),
        vec!["a2", "b1"]
    );
    let mut everyone = bodies(s.latest_documents(kind, None).await.unwrap());
    everyone.sort();
    assert_eq!(everyone, vec!["a2", "b1", "sam-a1"]);
}

pub async fn sealed_client_documents_round_trip_and_need_the_client(s: &dyn Store) {
    let c = client(s, "Alex Kim").await;
    let sealed = Document {
        body: DocBody::Sealed(Sealed {
            key_version: 3,
            ciphertext: vec![0, 1, 2, 255],
        }),
        ..doc(DocKind::EncounterPlan, Owner::Client(c), "plan", 1, "", 1)
    };
    s.put_document(&sealed).await.unwrap();
    assert_eq!(
        s.latest_document(DocKind::EncounterPlan, &Owner::Client(c), "plan")
            .await
            .unwrap(),
        Some(sealed)
    );
    let nobody = doc(
        DocKind::EncounterPlan,
        Owner::Client(ClientId(Uuid::new_v4())),
        "plan",
        1,
        "{}",
        2,
    );
    assert!(
        s.put_document(&nobody).await.is_err(),
        "a document of a client that does not exist is refused"
    );
}

// ---------------------------------------------------------------------------------------------
// The change stamp (issue 7, speed): what the web layer keeps in memory is only used while it
// has not moved.

/// Runs `change`, then asserts that the stamp moved forward.
async fn moves<F: std::future::Future<Output = ()>>(s: &dyn Store, what: &str, change: F) {
    let before = s.change_stamp().await.unwrap();
    change.await;
    let after = s.change_stamp().await.unwrap();
    assert!(
        after > before,
        "{what} must move the change stamp ({before} → {after})"
    );
}

/// Runs `change`, then asserts that the stamp did not move.
async fn stays<F: std::future::Future<Output = ()>>(s: &dyn Store, what: &str, change: F) {
    let before = s.change_stamp().await.unwrap();
    change.await;
    let after = s.change_stamp().await.unwrap();
    assert_eq!(before, after, "{what} must leave the change stamp alone");
}

pub async fn the_change_stamp_moves_with_every_change_to_what_may_be_kept_in_memory(s: &dyn Store) {
    let dana = new_user("Dana Reyes", Role::Clinician);
    moves(s, "a new user", async {
        s.create_user(&dana).await.unwrap()
    })
    .await;
    let dana = dana.id;
    moves(s, "a password change", async {
        s.set_password(dana, "$argon2id$new", mins(1))
            .await
            .unwrap()
    })
    .await;
    moves(s, "a second factor set up", async {
        s.set_totp(dana, Some(&[1, 2, 3])).await.unwrap()
    })
    .await;
    let zoe_user = user(s, "Zoe Park", Role::Client).await;
    let zoe = ClientId(Uuid::new_v4());
    moves(s, "a new client", async {
        s.create_client(&NewClient {
            id: zoe,
            user_id: zoe_user,
            home_jurisdiction: jurisdiction("US-MA"),
            created_at: t0(),
        })
        .await
        .unwrap()
    })
    .await;
    moves(s, "a care-team member added", async {
        s.add_to_care_team(zoe, dana, CareRole::Primary, t0())
            .await
            .unwrap()
    })
    .await;
    moves(s, "a care-team member removed", async {
        s.remove_from_care_team(zoe, dana).await.unwrap()
    })
    .await;
    moves(s, "a data key stored", async {
        s.put_data_key(&WrappedDataKey {
            client_id: zoe,
            version: 1,
            wrapped: vec![9; 60],
            created_at: t0(),
        })
        .await
        .unwrap()
    })
    .await;
    moves(s, "data keys destroyed", async {
        s.destroy_data_keys(zoe).await.unwrap();
    })
    .await;
    moves(s, "a new thread", async {
        s.create_thread(&NewThread {
            id: ThreadId(Uuid::new_v4()),
            client_id: zoe,
            created_at: t0(),
        })
        .await
        .unwrap()
    })
    .await;
    moves(s, "a communication policy saved", async {
        s.put_document(&doc(
            DocKind::CommunicationPolicy,
            Owner::User(dana),
            "policy",
            1,
            "{}",
            1,
        ))
        .await
        .unwrap()
    })
    .await;
    moves(s, "a messaging pause saved", async {
        s.put_document(&Document {
            body: DocBody::Sealed(Sealed {
                key_version: 1,
                ciphertext: vec![1; 40],
            }),
            ..doc(
                DocKind::MessagingPause,
                Owner::Client(zoe),
                "pause",
                1,
                "",
                1,
            )
        })
        .await
        .unwrap()
    })
    .await;
}

pub async fn the_change_stamp_stays_put_for_messages_sessions_audit_and_other_documents(
    s: &dyn Store,
) {
    let (zoe, dana, thread) = thread_with_clinician(s).await;
    let m = sealed_message(thread, dana, 1);
    stays(s, "a message", async {
        s.append_message_audited(&m, &send_event(&m, dana, zoe))
            .await
            .unwrap();
    })
    .await;
    stays(s, "an audit event", async {
        s.append_audit(&event(1, Some(dana), Some(zoe)))
            .await
            .unwrap();
    })
    .await;
    stays(s, "a session and its touch", async {
        s.create_session(&new_session(1, dana)).await.unwrap();
        s.touch_session(&token(1), mins(5)).await.unwrap();
    })
    .await;
    stays(s, "a used TOTP step", async {
        s.use_totp_step(dana, 1000).await.unwrap();
    })
    .await;
    stays(s, "a read mark", async {
        s.mark_read(dana, thread, m.id, mins(2)).await.unwrap()
    })
    .await;
    stays(s, "a clinician profile", async {
        s.put_document(&doc(
            DocKind::ClinicianProfile,
            Owner::User(dana),
            "profile",
            1,
            "{}",
            1,
        ))
        .await
        .unwrap()
    })
    .await;
}

pub async fn a_session_is_read_with_the_change_stamp(s: &dyn Store) {
    let dana = user(s, "Dana Reyes", Role::Clinician).await;
    assert_eq!(s.session_stamped(&token(1)).await.unwrap(), None);
    s.create_session(&new_session(1, dana)).await.unwrap();
    let (session, stamp) = s
        .session_stamped(&token(1))
        .await
        .unwrap()
        .expect("session");
    assert_eq!(Some(session), s.session(&token(1)).await.unwrap());
    assert_eq!(stamp, s.change_stamp().await.unwrap());
    s.add_to_care_team(client(s, "Zoe Park").await, dana, CareRole::Primary, t0())
        .await
        .unwrap();
    let (_, later) = s
        .session_stamped(&token(1))
        .await
        .unwrap()
        .expect("session");
    assert!(
        later > stamp,
        "the stamp read with a session is the current one"
    );
}

pub async fn a_threads_client_is_found_without_its_messages(s: &dyn Store) {
    let (zoe, _, thread) = thread_with_clinician(s).await;
    assert_eq!(s.thread_client(thread).await.unwrap(), zoe);
    assert_not_found(s.thread_client(ThreadId(Uuid::new_v4())).await, "thread");
}

#[cfg(test)]
mod tests {
    /// A conformance function missing from the macro would silently never run.
    #[test]
    fn every_conformance_function_is_run_by_the_macro() {
        let src = include_str!("conformance.rs");
        let (macro_part, rest) = src
            .split_once("macro_rules! __conformance_tests")
            .expect("macro");
        let needle = ["pub async fn", " "].concat();
        let mut count = 0;
        for chunk in rest.split(needle.as_str()).skip(1) {
            let name: String = chunk
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                macro_part.contains(&format!("            {name},\n")),
                "{name} is not listed in conformance_tests!"
            );
            count += 1;
        }
        assert!(count >= 25, "found only {count} conformance functions");
    }
}
