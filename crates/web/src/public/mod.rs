//! Pages anyone may see without signing in: the practice's home and each clinician's profile.

use alcove_domain::Role;
use alcove_store::User;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/", home)
        .get("/clinicians/{slug}", clinician)
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct PublicHome {
    c: Chrome,
    clinicians: Vec<User>,
}

pub async fn home(c: Chrome, State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let clinicians = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician && u.slug.is_some())
        .collect();
    render(&PublicHome { c, clinicians })
}

#[derive(Template)]
#[template(path = "public/clinician.html")]
struct ClinicianPage {
    c: Chrome,
    clinician: User,
    rows: Vec<crate::licensure::pages_rows::Row>,
}

pub async fn clinician(
    c: Chrome,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    match state.store.user_by_slug(&slug).await? {
        Some(u) if u.role == Role::Clinician => {
            let creds = crate::licensure::credentials_of(&state, u.id)
                .await
                .map_err(PageError::from)?;
            let rows = creds
                .as_ref()
                .map(crate::licensure::pages_rows::rows)
                .unwrap_or_default();
            render(&ClinicianPage {
                c,
                clinician: u,
                rows,
            })
        }
        _ => Err(PageError::not_found()),
    }
}
