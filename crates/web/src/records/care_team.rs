//! A client's care team, kept by the clinicians on it (issue 7): a clinician adds a covering
//! clinician — who can then read and reply in the client's thread and is emailed an
//! out-of-hours `acute` flag — and removes them when the cover ends. Each change is audited
//! against the client. The primary clinician stays: taking them off is not done here.

use alcove_domain::{Role, UserId};
use alcove_store::{CareRole, StoreError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::CareTeamClient;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub primary: bool,
}

#[derive(Template)]
#[template(path = "records/care_team.html")]
struct CareTeamPage {
    c: Chrome,
    client_id: String,
    name: String,
    members: Vec<MemberRow>,
    /// Clinicians of the practice who are not on the team: (id, name).
    others: Vec<(String, String)>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    access: &CareTeamClient,
    c: Chrome,
    error: Option<String>,
) -> Result<Response, PageError> {
    let client = &access.client;
    let team = state.store.care_team(client.id).await?;
    let others = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician && !team.iter().any(|m| m.clinician_id == u.id))
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    let members = team
        .into_iter()
        .map(|m| MemberRow {
            id: m.clinician_id.to_string(),
            name: m.name,
            primary: m.role == CareRole::Primary,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let p = CareTeamPage {
        c,
        client_id: client.id.to_string(),
        name: client.name.clone(),
        members,
        others,
        error,
    };
    Ok((status, render(&p)?).into_response())
}

/// The care team and the forms to add or remove a covering clinician.
pub async fn care_team_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "care_team.view",
            Some(access.client.id),
            &format!("client:{}:care_team", access.client.id),
        )
        .await?;
    page(&state, &access, c, None).await
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    clinician: String,
}

/// Adds a clinician of the practice to the team as covering.
pub async fn add_covering(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let Ok(id) = f.clinician.trim().parse::<UserId>() else {
        let e = c.t("care-team-choose");
        return page(&state, &access, c, Some(e)).await;
    };
    let user = match state.store.user_by_id(id).await {
        Ok(u) if u.role == Role::Clinician => u,
        Ok(_) | Err(StoreError::NotFound) => {
            let e = c.t("care-team-choose");
            return page(&state, &access, c, Some(e)).await;
        }
        Err(e) => return Err(e.into()),
    };
    match state
        .store
        .add_to_care_team(
            access.client.id,
            user.id,
            CareRole::Covering,
            state.clock.now(),
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            let e = c.t1("care-team-already", "name", &user.name);
            return page(&state, &access, c, Some(e)).await;
        }
        Err(e) => return Err(e.into()),
    }
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "care_team.add",
            Some(access.client.id),
            &format!("user:{}:covering", user.id),
        )
        .await?;
    Ok(Redirect::to(&format!("/clients/{}/care-team", access.client.id)).into_response())
}

/// Takes a covering clinician off the team (the primary clinician stays).
pub async fn remove_covering(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let team = state.store.care_team(access.client.id).await?;
    let member = f
        .clinician
        .trim()
        .parse::<UserId>()
        .ok()
        .and_then(|id| team.into_iter().find(|m| m.clinician_id == id));
    let Some(member) = member.filter(|m| m.role == CareRole::Covering) else {
        let e = c.t("care-team-not-covering");
        return page(&state, &access, c, Some(e)).await;
    };
    match state
        .store
        .remove_from_care_team(access.client.id, member.clinician_id)
        .await
    {
        // Someone removed them a moment ago: that is what was asked.
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "care_team.remove",
            Some(access.client.id),
            &format!("user:{}:covering", member.clinician_id),
        )
        .await?;
    // A clinician who took themself off can no longer open the record.
    let to = if member.clinician_id == access.actor.user_id {
        "/home".to_owned()
    } else {
        format!("/clients/{}/care-team", access.client.id)
    };
    Ok(Redirect::to(&to).into_response())
}
