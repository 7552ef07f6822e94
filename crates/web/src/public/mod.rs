//! Pages anyone may see without signing in: the practice's home and each clinician's profile.

use alcove_domain::licensure::covered_jurisdictions;
use alcove_domain::profile::Profile;
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
    /// Each clinician with the names of the jurisdictions they can see clients in today.
    clinicians: Vec<(User, Vec<String>)>,
}

/// Clinicians with a public profile handle, in name order.
pub async fn public_clinicians(state: &AppState) -> Result<Vec<User>, PageError> {
    let mut all: Vec<User> = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician && u.slug.is_some())
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// Where the clinician can see clients today, by name, from the licensure engine.
async fn places(state: &AppState, clinician: &User) -> Result<Vec<String>, PageError> {
    let Ok(reg) = crate::licensure::registry() else {
        return Err(PageError::internal());
    };
    let today = state.clock.now().date_naive();
    Ok(crate::licensure::credentials_of(state, clinician.id)
        .await?
        .map(|cr| {
            covered_jurisdictions(&cr, reg, today)
                .into_iter()
                .map(|(j, _)| {
                    reg.jurisdiction(&j)
                        .map_or_else(|| j.to_string(), |i| i.name.clone())
                })
                .collect()
        })
        .unwrap_or_default())
}

pub async fn home(c: Chrome, State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let mut clinicians = Vec::new();
    for u in public_clinicians(&state).await? {
        let p = places(&state, &u).await?;
        clinicians.push((u, p));
    }
    render(&PublicHome { c, clinicians })
}

#[derive(Template)]
#[template(path = "public/clinician.html")]
struct ClinicianPage {
    c: Chrome,
    clinician: User,
    rows: Vec<crate::licensure::pages_rows::Row>,
    profile: Option<Profile>,
    /// When the profile was last saved (shown so readers can judge other sources).
    updated: String,
    places: Vec<String>,
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
            // Services outside the current licence's scope are not shown to the public.
            let profession = creds.as_ref().map(|c| c.profession());
            let saved = crate::profile::profile_of(&state, u.id).await?;
            let updated = saved
                .as_ref()
                .map(|v| v.at.date_naive().to_string())
                .unwrap_or_default();
            let profile = saved.map(|v| {
                let mut p = v.value;
                let hidden = p.out_of_scope(profession);
                p.services.retain(|o| !hidden.contains(&o.service));
                p
            });
            let places = places(&state, &u).await?;
            render(&ClinicianPage {
                c,
                clinician: u,
                rows,
                profile,
                updated,
                places,
            })
        }
        _ => Err(PageError::not_found()),
    }
}
