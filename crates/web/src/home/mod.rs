//! The page each role lands on after signing in.

use alcove_domain::Role;
use alcove_store::{ClientRecord, User};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

use crate::auth::extract::Actor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::reminders::{notices_for_admin, notices_for_self, Notice};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new().get("/home", home)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    caseload: Vec<ClientRecord>,
    care_team: Vec<String>,
    supervisees: Vec<String>,
    accounts: Vec<User>,
    client_accounts: usize,
    /// Urgent flags on clients' messages, to acknowledge: (client name, thread link).
    urgent: Vec<(String, String)>,
    /// Clients on the caseload with an unacknowledged urgent flag: (client, thread link).
    urgent_clients: Vec<(alcove_domain::ClientId, String)>,
    /// Messages waiting in the contact inbox (clinicians).
    contact_waiting: usize,
    /// Online listings due for a check (clinicians and admins).
    listings_due: usize,
    /// The social-media policy version a client still has to acknowledge (seed 001).
    policy_to_acknowledge: Option<i64>,
    /// Credentials expiring or lapsed, CE shortfalls (staff only; never clinical).
    notices: Vec<Notice>,
    /// Clients with an urgent screening result nobody has acknowledged (issue 5): (name, link).
    urgent_screening: Vec<(String, String)>,
    /// Messages waiting unread for a client or clinician, across their threads (a count only).
    unread: usize,
    /// The client's path to online sessions (issue 5), from `onboarding::readiness_of`.
    path: Vec<crate::onboarding::path::PathStep>,
    path_ready: bool,
    path_status: String,
    /// The client has just sent their intake form.
    intake_sent: bool,
    /// Each caseload client's place on the path ("Ready", "Getting ready: 6 of 9"), in
    /// caseload order, from the same `readiness_of`.
    caseload_status: Vec<String>,
}

impl HomePage {
    /// The thread to open for a caseload client's unacknowledged urgent flag, if any.
    fn urgent_href(&self, client: &ClientRecord) -> Option<&str> {
        self.urgent_clients
            .iter()
            .find(|(c, _)| *c == client.id)
            .map(|(_, h)| h.as_str())
    }
    /// The path status of the caseload's `i`th client.
    fn status_at(&self, i: &usize) -> &str {
        self.caseload_status.get(*i).map_or("", String::as_str)
    }
}

#[derive(Deserialize)]
pub struct HomeQuery {
    intake: Option<String>,
}

pub async fn home(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<HomeQuery>,
) -> Result<Html<String>, PageError> {
    let mut page = HomePage {
        c,
        caseload: vec![],
        care_team: vec![],
        supervisees: vec![],
        accounts: vec![],
        client_accounts: 0,
        urgent: vec![],
        urgent_clients: vec![],
        contact_waiting: 0,
        listings_due: 0,
        policy_to_acknowledge: None,
        notices: vec![],
        urgent_screening: vec![],
        unread: 0,
        path: vec![],
        path_ready: false,
        path_status: String::new(),
        intake_sent: q.intake.as_deref() == Some("sent"),
        caseload_status: vec![],
    };
    if matches!(who.role, Role::Client | Role::Clinician) {
        page.unread =
            usize::try_from(crate::messaging::unread_total(&state, &who).await?).unwrap_or(0);
    }
    if matches!(who.role, Role::Clinician | Role::Admin) {
        page.listings_due = crate::listings::needing_review(&state).await?;
    }
    if who.role == Role::Clinician {
        page.contact_waiting = crate::contact::unhandled(&state, who.user_id).await?;
        for client in state.store.caseload(who.user_id).await? {
            for f in crate::messaging::send::open_flags(&state, client.id).await? {
                let href = format!("/messages/{}", f.value.thread_id);
                if !page.urgent_clients.iter().any(|(c, _)| *c == client.id) {
                    page.urgent_clients.push((client.id, href.clone()));
                }
                page.urgent.push((client.name.clone(), href));
            }
        }
    }
    match who.role {
        Role::Client => {
            if let Some(me) = state.store.client_by_user(who.user_id).await? {
                page.care_team = state
                    .store
                    .care_team(me.id)
                    .await?
                    .into_iter()
                    .map(|m| m.name)
                    .collect();
                let current = crate::policies::current_version(&state).await?;
                let done = crate::policies::acknowledged(&state, me.id)
                    .await?
                    .map(|v| v.value.version);
                if alcove_domain::policy::needs_acknowledgment(current, done) {
                    page.policy_to_acknowledge = current;
                }
                let readiness = crate::onboarding::readiness_of(&state, me.id).await?;
                page.path = crate::onboarding::path::steps(&page.c.tr, &readiness);
                page.path_ready = readiness.ready;
                page.path_status =
                    crate::onboarding::path::status_for_client(&page.c.tr, &readiness);
            }
        }
        Role::Clinician => {
            page.notices = notices_for_self(&state, &page.c.tr, who.user_id).await?;
            page.urgent_screening =
                crate::onboarding::screening::urgent_for(&state, who.user_id).await?;
            page.caseload = state.store.caseload(who.user_id).await?;
            // Names and states of clients are record data: looking at the list is logged per client.
            for client in &page.caseload {
                state
                    .audit
                    .record(
                        By::User(who.user_id, who.role),
                        "caseload.view",
                        Some(client.id),
                        "caseload",
                    )
                    .await?;
            }
            // Where each client stands on the path, after the views above are logged.
            for client in &page.caseload {
                let readiness = crate::onboarding::readiness_of(&state, client.id).await?;
                page.caseload_status
                    .push(crate::onboarding::path::status(&page.c.tr, &readiness));
            }
        }
        Role::Supervisor => {
            page.notices = notices_for_self(&state, &page.c.tr, who.user_id).await?;
            for id in state.store.supervisees(who.user_id).await? {
                page.supervisees
                    .push(state.store.user_by_id(id).await?.name);
            }
        }
        // Staff accounts and how many clients there are: that someone is a client is itself
        // clinical information, so client names stay with their care team.
        Role::Admin => {
            page.notices = notices_for_admin(&state, &page.c.tr).await?;
            let all = state.store.list_users().await?;
            page.client_accounts = all.iter().filter(|u| u.role == Role::Client).count();
            page.accounts = all.into_iter().filter(|u| u.role.is_staff()).collect();
        }
        Role::Auditor => {}
    }
    render(&page)
}
