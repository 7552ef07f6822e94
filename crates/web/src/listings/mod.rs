//! The register of online listings (seed 001): where the practice and its clinicians are
//! listed, what each listing shows, and when someone last checked it. Overdue checks appear
//! on the dashboard. The register never offers to answer reviews, and says why.

use alcove_domain::listings::{Listing, ListingError, ReviewStatus, SiteRequest};
use alcove_domain::{Role, UserId};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::extract::PracticeStaffActor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::Version;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/listings", register)
        .post("/listings", add)
        .post("/listings/{id}/review", review)
        .post("/listings/{id}/remove", remove)
}

async fn all(state: &AppState) -> Result<Vec<Version<Listing>>, PageError> {
    Ok(state
        .docs
        .all::<Listing>(DocKind::Listing, Some(Owner::Practice))
        .await?
        .into_iter()
        .filter(|v| !v.value.removed)
        .collect())
}

/// How many listings are due or overdue for a check today (for the dashboard).
pub async fn needing_review(state: &AppState) -> Result<usize, PageError> {
    let today = state.clock.now().date_naive();
    Ok(all(state)
        .await?
        .iter()
        .filter(|v| v.value.needs_review(today))
        .count())
}

pub struct Row {
    pub id: String,
    pub version: i64,
    pub site: String,
    pub url: String,
    pub shows: String,
    pub whose: String,
    pub unrequested: bool,
    /// (date, by whom, what was found or asked, note)
    pub last: Option<(String, String, String, String)>,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "listings/register.html")]
struct RegisterPage {
    c: Chrome,
    rows: Vec<Row>,
    clinicians: Vec<(UserId, String)>,
    errors: Vec<(&'static str, String)>,
    form: AddForm,
    saved: bool,
}

impl RegisterPage {
    fn error_for(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AddForm {
    #[serde(default)]
    site: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    shows: String,
    #[serde(default)]
    clinician: String,
    #[serde(default)]
    interval_months: String,
    /// "yes" when the site listed the practice without being asked.
    #[serde(default)]
    unrequested: String,
}

fn message(c: &Chrome, e: &ListingError) -> String {
    match e {
        ListingError::SiteMissing => c.t("listings-error-site"),
        ListingError::Url => c.t("listings-error-url"),
        ListingError::TooLong(_) => c.t1(
            "listings-error-too-long",
            "max",
            alcove_domain::listings::MAX_TEXT,
        ),
        ListingError::Interval => c.t("listings-error-interval"),
        ListingError::FutureReview => c.t("listings-error-future"),
    }
}

async fn page(
    state: &AppState,
    c: Chrome,
    form: AddForm,
    errors: Vec<(&'static str, String)>,
    saved: bool,
) -> Result<Response, PageError> {
    let today = state.clock.now().date_naive();
    let users = state.store.list_users().await?;
    let name = |id: UserId| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(String::new, |u| u.name.clone())
    };
    let mut rows: Vec<Row> = all(state)
        .await?
        .into_iter()
        .map(|v| {
            let l = &v.value;
            let (due, overdue) = match l.status(today) {
                ReviewStatus::NeverReviewed => (c.t("listings-never"), true),
                ReviewStatus::Current { due } => (due.to_string(), false),
                ReviewStatus::Overdue { due } => (due.to_string(), true),
            };
            Row {
                id: v.key.clone(),
                version: v.version,
                site: l.site.clone(),
                url: l.url.clone(),
                shows: l.shows.clone(),
                whose: l.clinician.map_or_else(|| c.t("listings-practice"), name),
                unrequested: l.unrequested,
                last: l.last_review().map(|r| {
                    let outcome = match (r.accurate, r.asked) {
                        (_, Some(SiteRequest::Correction)) => c.t("listings-asked-correction"),
                        (_, Some(SiteRequest::Removal)) => c.t("listings-asked-removal"),
                        (true, None) => c.t("listings-accurate"),
                        (false, None) => c.t("listings-corrected"),
                    };
                    (r.on.to_string(), name(r.by), outcome, r.note.clone())
                }),
                due,
                overdue,
            }
        })
        .collect();
    // Overdue first, then by site name: what needs doing is at the top.
    rows.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.site.cmp(&b.site)));
    let clinicians = users
        .iter()
        .filter(|u| u.role == Role::Clinician)
        .map(|u| (u.id, u.name.clone()))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let p = RegisterPage {
        c,
        rows,
        clinicians,
        errors,
        form,
        saved,
    };
    Ok((status, render(&p)?).into_response())
}

#[derive(Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn register(
    PracticeStaffActor(_who): PracticeStaffActor,
    c: Chrome,
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, PageError> {
    page(&state, c, AddForm::default(), Vec::new(), q.saved.is_some()).await
}

pub async fn add(
    PracticeStaffActor(who): PracticeStaffActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<AddForm>,
) -> Result<Response, PageError> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let clinician = match f.clinician.trim() {
        "" => None,
        s => match s.parse::<UserId>() {
            Ok(id)
                if state
                    .store
                    .user_by_id(id)
                    .await
                    .is_ok_and(|u| u.role == Role::Clinician) =>
            {
                Some(id)
            }
            _ => {
                errors.push(("clinician", c.t("listings-error-clinician")));
                None
            }
        },
    };
    let listing = match Listing::parse(
        &f.site,
        &f.url,
        &f.shows,
        clinician,
        &f.interval_months,
        f.unrequested == "yes",
    ) {
        Ok(l) if errors.is_empty() => l,
        Ok(_) => return page(&state, c, f, errors, false).await,
        Err(es) => {
            errors.extend(es.iter().map(|e| (e.field(), message(&c, e))));
            return page(&state, c, f, errors, false).await;
        }
    };
    let id = uuid::Uuid::new_v4().to_string();
    state
        .docs
        .save(
            DocKind::Listing,
            Owner::Practice,
            &id,
            0,
            &listing,
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "listing.add",
            None,
            &format!("listing:{id}"),
        )
        .await?;
    Ok(Redirect::to("/listings?saved=1").into_response())
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    version: i64,
    /// `accurate`, `corrected` (fixed by us), `asked_correction` or `asked_removal`.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn current(state: &AppState, id: &str) -> Result<Version<Listing>, PageError> {
    state
        .docs
        .latest::<Listing>(DocKind::Listing, Owner::Practice, id)
        .await?
        .filter(|v| !v.value.removed)
        .ok_or_else(PageError::not_found)
}

pub async fn review(
    PracticeStaffActor(who): PracticeStaffActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let v = current(&state, &id).await?;
    let today = state.clock.now().date_naive();
    let mut listing = v.value;
    let (accurate, asked) = match f.outcome.as_str() {
        "accurate" => (true, None),
        "corrected" => (false, None),
        "asked_correction" => (false, Some(SiteRequest::Correction)),
        "asked_removal" => (false, Some(SiteRequest::Removal)),
        _ => return Err(PageError::new(StatusCode::BAD_REQUEST, "error-bad-request")),
    };
    if let Err(e) = listing.reviewed(today, today, who.user_id, accurate, asked, &f.note) {
        let errors = vec![(e.field(), message(&c, &e))];
        return page(&state, c, AddForm::default(), errors, false).await;
    }
    state
        .docs
        .save(
            DocKind::Listing,
            Owner::Practice,
            &id,
            f.version,
            &listing,
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "listing.review",
            None,
            &format!("listing:{id}"),
        )
        .await?;
    Ok(Redirect::to("/listings?saved=1").into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    version: i64,
}

pub async fn remove(
    PracticeStaffActor(who): PracticeStaffActor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let mut listing = current(&state, &id).await?.value;
    listing.removed = true;
    state
        .docs
        .save(
            DocKind::Listing,
            Owner::Practice,
            &id,
            f.version,
            &listing,
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "listing.remove",
            None,
            &format!("listing:{id}"),
        )
        .await?;
    Ok(Redirect::to("/listings?saved=1").into_response())
}
