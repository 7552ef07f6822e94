//! A client's record: as the client sees it ("who has accessed my record"), and as a clinician
//! on the client's care team sees it (`/clients/{client}`: contact choices, the online
//! encounter plan, the social-media policy acknowledgment).

mod access;
mod care_team;
mod client;

pub use access::CareTeamClient;

use alcove_domain::UserId;
use alcove_store::AccessEntry;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::extract::ClientActor;
use crate::error::{ApiError, ErrorBody, PageError};
use crate::pages::{render, when, Chrome};
use crate::routes::RouteTable;
use crate::state::AppState;

/// More than a person scrolls through; the API and page show the newest this many.
const ACCESS_LOG_LIMIT: i64 = 500;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/access-log", page)
        .get("/clients/{client}", client::record_page)
        .get("/clients/{client}/care-team", care_team::care_team_page)
        .post("/clients/{client}/care-team", care_team::add_covering)
        .post(
            "/clients/{client}/care-team/remove",
            care_team::remove_covering,
        )
        .get("/api/v1/me/access-log", api)
}

async fn own_access_log(
    state: &AppState,
    who: &crate::auth::Identity,
) -> Result<Vec<AccessEntry>, alcove_store::StoreError> {
    match state.store.client_by_user(who.user_id).await? {
        Some(c) => state.store.access_log(c.id, ACCESS_LOG_LIMIT).await,
        None => Ok(Vec::new()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccessLogOut {
    /// Newest first.
    pub entries: Vec<AccessEntryOut>,
}

#[derive(Serialize, ToSchema)]
pub struct AccessEntryOut {
    pub at: DateTime<Utc>,
    pub actor: ActorOut,
    /// What was done, e.g. `thread.view`.
    pub action: String,
    pub object: String,
}

#[derive(Serialize, ToSchema)]
pub struct ActorOut {
    pub id: Option<UserId>,
    pub name: Option<String>,
    pub role: String,
}

/// Every recorded access to the caller's own record: who, in what role, what, and when.
#[utoipa::path(get, path = "/api/v1/me/access-log", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = AccessLogOut),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Only clients have an access log"),
        (status = 429, body = ErrorBody)))]
pub async fn api(
    ClientActor(who): ClientActor,
    State(state): State<AppState>,
) -> Result<Json<AccessLogOut>, ApiError> {
    let entries = own_access_log(&state, &who).await?;
    Ok(Json(AccessLogOut {
        entries: entries
            .into_iter()
            .map(|e| AccessEntryOut {
                at: e.at,
                actor: ActorOut {
                    id: e.actor_id,
                    name: e.actor_name,
                    role: e.actor_role,
                },
                action: e.action,
                object: e.object,
            })
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "records/access_log.html")]
struct AccessLogPage {
    c: Chrome,
    entries: Vec<AccessEntry>,
}

impl AccessLogPage {
    fn when(&self, e: &AccessEntry) -> String {
        when(&e.at)
    }
    fn who(&self, e: &AccessEntry) -> String {
        match &e.actor_name {
            Some(n) if e.actor_id.is_some() => n.clone(),
            _ if e.actor_role == "system" => self.c.t("access-the-system"),
            _ => self.c.t("access-someone-unknown"),
        }
    }
    fn what(&self, e: &AccessEntry) -> String {
        let key = format!("action-{}", e.action.replace(['.', '_'], "-"));
        if self.c.tr.has(&key) {
            self.c.t(&key)
        } else {
            e.action.clone()
        }
    }
}

pub async fn page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let entries = own_access_log(&state, &who).await?;
    render(&AccessLogPage { c, entries })
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct ApiDoc;
