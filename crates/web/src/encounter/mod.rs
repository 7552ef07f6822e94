//! The per-client online encounter plan (seed 001) in the product. The clinician records it on
//! the client's record (`/clients/{client}/encounter-plan`), only if on the client's care team;
//! the client reads it in the portal (`/me/encounter-plan`), since it is agreed together.
//! Kept as `DocKind::EncounterPlan`, sealed with the client's data key, one version per
//! change; every view and change is audited. The rules are `alcove_domain::encounter`.

mod pages;

use alcove_domain::encounter::{Blocker, EncounterPlan, Platform, Response};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner, StoreError};

use crate::error::PageError;
use crate::i18n::Tr;
use crate::routes::RouteTable;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// The document key of a client's plan (one per client, versioned).
pub const KEY: &str = "online";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/encounter-plan", pages::client_view)
        .get("/clients/{client}/encounter-plan", pages::edit_page)
        .post("/clients/{client}/encounter-plan", pages::save)
}

#[derive(Debug, thiserror::Error)]
pub enum EncounterError {
    #[error(transparent)]
    Docs(#[from] DocError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<EncounterError> for PageError {
    fn from(e: EncounterError) -> Self {
        tracing::error!(error = %e, "online encounter plan");
        PageError::internal()
    }
}

/// Every version of a client's plan, oldest first, without auditing: callers audit first.
pub(crate) async fn history(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<Version<EncounterPlan>>, EncounterError> {
    Ok(state
        .docs
        .history(DocKind::EncounterPlan, Owner::Client(client), KEY)
        .await?)
}

/// The current plan, without auditing: callers audit first.
pub(crate) async fn latest(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<EncounterPlan>>, EncounterError> {
    Ok(state
        .docs
        .latest(DocKind::EncounterPlan, Owner::Client(client), KEY)
        .await?)
}

pub fn platform_name(tr: &Tr, p: Platform) -> String {
    match p {
        Platform::Facebook => tr.t("platform-facebook"),
        Platform::Instagram => tr.t("platform-instagram"),
        Platform::Linkedin => tr.t("platform-linkedin"),
        Platform::X => tr.t("platform-x"),
        Platform::Tiktok => tr.t("platform-tiktok"),
        Platform::Reddit => tr.t("platform-reddit"),
        Platform::Youtube => tr.t("platform-youtube"),
        Platform::Nextdoor => tr.t("platform-nextdoor"),
        Platform::DatingApps => tr.t("platform-dating-apps"),
        Platform::OnlineGames => tr.t("platform-online-games"),
        Platform::Other => tr.t("platform-other"),
    }
}

pub fn response_text(tr: &Tr, r: Response) -> String {
    match r {
        Response::ClinicianDoesNotInteract => tr.t("response-clinician-does-not-interact"),
        Response::ClinicianDoesNotIdentify => tr.t("response-clinician-does-not-identify"),
        Response::ClientMayRaiseInSession => tr.t("response-client-may-raise-in-session"),
        Response::ClientMayUseContactForm => tr.t("response-client-may-use-contact-form"),
    }
}

pub fn blocker_text(tr: &Tr, b: Blocker) -> String {
    match b {
        Blocker::Clinician => tr.t("blocker-clinician"),
        Blocker::Client => tr.t("blocker-client"),
        Blocker::Both => tr.t("blocker-both"),
    }
}

/// A plan in words, for the read-only views (the client's portal and the record page).
pub struct PlanView {
    pub version: i64,
    pub saved_at: String,
    pub saved_by: String,
    pub platforms: Vec<String>,
    pub responses: Vec<String>,
    pub other_response: String,
    /// (who blocks whom, platform, "done on …" or "not done yet").
    pub blocks: Vec<(String, String, String)>,
    pub review_on: String,
    pub review_due: bool,
    pub notes: String,
}

impl PlanView {
    pub async fn of(
        state: &AppState,
        tr: &Tr,
        v: &Version<EncounterPlan>,
    ) -> Result<PlanView, StoreError> {
        let plan = &v.value;
        let saved_by = match v.author {
            Some(id) => state.store.user_by_id(id).await?.name,
            None => String::new(),
        };
        let mut platforms: Vec<String> = plan
            .platforms()
            .filter(|p| *p != Platform::Other)
            .map(|p| platform_name(tr, p))
            .collect();
        platforms.extend(plan.other_platforms().iter().cloned());
        let others = plan.other_platforms().join(", ");
        Ok(PlanView {
            version: v.version,
            saved_at: crate::pages::when(&v.at),
            saved_by,
            platforms,
            responses: plan.responses().map(|r| response_text(tr, r)).collect(),
            other_response: plan.other_response().to_owned(),
            blocks: plan
                .blocks()
                .iter()
                .map(|b| {
                    let place = if b.platform == Platform::Other {
                        tr.t1("platform-other-named", "names", &others)
                    } else {
                        platform_name(tr, b.platform)
                    };
                    (
                        blocker_text(tr, b.who),
                        place,
                        b.done_on.map_or_else(
                            || tr.t("plan-block-not-yet"),
                            |d| tr.t1("plan-block-done", "date", d),
                        ),
                    )
                })
                .collect(),
            review_on: plan.review_on().to_string(),
            review_due: plan.review_due(state.clock.now().date_naive()),
            notes: plan.notes().to_owned(),
        })
    }
}
