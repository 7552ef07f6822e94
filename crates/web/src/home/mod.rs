//! The page each role lands on after signing in.

use alcove_domain::Role;
use alcove_store::{ClientRecord, User};
use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::auth::extract::Actor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
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
}

pub async fn home(
    Actor(who): Actor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let mut page = HomePage {
        c,
        caseload: vec![],
        care_team: vec![],
        supervisees: vec![],
        accounts: vec![],
        client_accounts: 0,
    };
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
            }
        }
        Role::Clinician => {
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
        }
        Role::Supervisor => {
            for id in state.store.supervisees(who.user_id).await? {
                page.supervisees
                    .push(state.store.user_by_id(id).await?.name);
            }
        }
        // Staff accounts and how many clients there are: that someone is a client is itself
        // clinical information, so client names stay with their care team.
        Role::Admin => {
            let all = state.store.list_users().await?;
            page.client_accounts = all.iter().filter(|u| u.role == Role::Client).count();
            page.accounts = all.into_iter().filter(|u| u.role.is_staff()).collect();
        }
        Role::Auditor => {}
    }
    render(&page)
}
