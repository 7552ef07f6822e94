use alcove_domain::encounter::{
    BlockForm, Blocker, EncounterPlan, PlanError as RuleError, PlanForm, Platform, Response,
    MAX_BLOCKS,
};
use alcove_store::{ClientRecord, DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response as HttpResponse};
use axum::Form;
use chrono::{Days, NaiveDate};
use serde::Deserialize;

use super::{
    blocker_text, history, latest, platform_name, response_text, EncounterError, PlanView, KEY,
};
use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::services::audit_log::By;
use crate::services::DocError;
use crate::state::AppState;

/// Rows the form offers at most: every step a plan may hold, and two to spare.
const MAX_ROWS: usize = MAX_BLOCKS + 2;

async fn audit_view(
    state: &AppState,
    who: &Identity,
    client: &ClientRecord,
) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "encounter_plan.view",
            Some(client.id),
            &format!("encounter_plan:{}", client.id),
        )
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "encounter/client.html")]
struct ClientPlanPage {
    c: Chrome,
    plan: Option<PlanView>,
}

/// The client's own plan, read-only: it is agreed in session and changed by the clinician.
pub async fn client_view(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let me = state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?;
    audit_view(&state, &who, &me).await?;
    let plan = match latest(&state, me.id).await? {
        Some(v) => Some(PlanView::of(&state, &c.tr, &v).await?),
        None => None,
    };
    render(&ClientPlanPage { c, plan })
}

/// What the form shows: from the saved plan, from a refused submission, or the defaults.
#[derive(Clone, Debug, Default)]
struct FormState {
    platforms: Vec<String>,
    other_platforms: String,
    responses: Vec<String>,
    other_response: String,
    blocks: Vec<(String, String, String)>,
    review_on: String,
    notes: String,
}

impl FormState {
    fn of(plan: &EncounterPlan) -> Self {
        Self {
            platforms: plan.platforms().map(|p| p.as_str().to_owned()).collect(),
            other_platforms: plan.other_platforms().join(", "),
            responses: plan.responses().map(|r| r.as_str().to_owned()).collect(),
            other_response: plan.other_response().to_owned(),
            blocks: plan
                .blocks()
                .iter()
                .map(|b| {
                    (
                        b.who.as_str().to_owned(),
                        b.platform.as_str().to_owned(),
                        b.done_on.map(|d| d.to_string()).unwrap_or_default(),
                    )
                })
                .collect(),
            review_on: plan.review_on().to_string(),
            notes: plan.notes().to_owned(),
        }
    }

    /// A new plan starts from the practice's policy: the clinician neither interacts nor
    /// identifies the client, and the client may raise it in session; review in six months.
    fn new_plan(today: NaiveDate) -> Self {
        Self {
            responses: [
                Response::ClinicianDoesNotInteract,
                Response::ClinicianDoesNotIdentify,
                Response::ClientMayRaiseInSession,
            ]
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
            review_on: today
                .checked_add_days(Days::new(182))
                .unwrap_or(today)
                .to_string(),
            ..Self::default()
        }
    }

    fn from_fields(fields: &[(String, String)]) -> Self {
        let one = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map_or_else(String::new, |(_, v)| v.clone())
        };
        let many = |name: &str| {
            fields
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        let mut rows: Vec<usize> = fields
            .iter()
            .filter_map(|(k, _)| {
                k.strip_prefix("block_who_")
                    .or_else(|| k.strip_prefix("block_platform_"))
                    .or_else(|| k.strip_prefix("block_done_"))
                    .and_then(|n| n.parse().ok())
            })
            .filter(|n| (1..=MAX_ROWS).contains(n))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        Self {
            platforms: many("platform"),
            other_platforms: one("other_platforms"),
            responses: many("response"),
            other_response: one("other_response"),
            blocks: rows
                .into_iter()
                .map(|n| {
                    (
                        one(&format!("block_who_{n}")),
                        one(&format!("block_platform_{n}")),
                        one(&format!("block_done_{n}")),
                    )
                })
                .collect(),
            review_on: one("review_on"),
            notes: one("notes"),
        }
    }
}

pub struct Tick {
    pub value: &'static str,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

pub struct BlockRow {
    pub n: usize,
    pub who: Vec<(&'static str, String, bool)>,
    pub platform: Vec<(&'static str, String, bool)>,
    pub done: String,
}

pub struct HistoryRow {
    pub version: i64,
    pub saved_at: String,
    pub saved_by: String,
    pub review_on: String,
}

#[derive(Template)]
#[template(path = "encounter/edit.html")]
struct EditPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    after: i64,
    platforms: Vec<Tick>,
    other_platforms: String,
    responses: Vec<Tick>,
    other_response: String,
    blocks: Vec<BlockRow>,
    review_on: String,
    notes: String,
    history: Vec<HistoryRow>,
    saved: Option<i64>,
    error: Option<String>,
}

fn ticks(tr: &Tr, f: &FormState) -> (Vec<Tick>, Vec<Tick>) {
    let platforms = Platform::ALL
        .into_iter()
        .map(|p| Tick {
            value: p.as_str(),
            id: format!("platform-{}", p.as_str()),
            label: platform_name(tr, p),
            checked: f.platforms.iter().any(|x| x == p.as_str()),
        })
        .collect();
    let responses = Response::ALL
        .into_iter()
        .map(|r| Tick {
            value: r.as_str(),
            id: format!("response-{}", r.as_str()),
            label: response_text(tr, r),
            checked: f.responses.iter().any(|x| x == r.as_str()),
        })
        .collect();
    (platforms, responses)
}

fn block_rows(tr: &Tr, f: &FormState) -> Vec<BlockRow> {
    // The saved (or submitted, numbered as sent) steps, then empty rows for new ones, so
    // there are always two to fill in.
    let is_empty =
        |(w, p, d): &(String, String, String)| w.is_empty() && p.is_empty() && d.is_empty();
    let mut rows = f.blocks.clone();
    let empties = rows.iter().filter(|r| is_empty(r)).count();
    for _ in empties..2 {
        rows.push(Default::default());
    }
    rows.truncate(MAX_ROWS);
    rows.into_iter()
        .enumerate()
        .map(|(i, (who, platform, done))| BlockRow {
            n: i + 1,
            who: Blocker::ALL
                .into_iter()
                .map(|b| (b.as_str(), blocker_text(tr, b), b.as_str() == who))
                .collect(),
            platform: Platform::ALL
                .into_iter()
                .map(|p| (p.as_str(), platform_name(tr, p), p.as_str() == platform))
                .collect(),
            done,
        })
        .collect()
}

async fn edit_page_with(
    state: &AppState,
    c: Chrome,
    access: &CareTeamClient,
    form: Option<FormState>,
    saved: Option<i64>,
    error: Option<String>,
) -> Result<EditPage, PageError> {
    audit_view(state, &access.actor, &access.client).await?;
    let versions = history(state, access.client.id).await?;
    let today = state.clock.now().date_naive();
    let form = form.unwrap_or_else(|| match versions.last() {
        Some(v) => FormState::of(&v.value),
        None => FormState::new_plan(today),
    });
    let mut rows = Vec::new();
    for v in versions.iter().rev() {
        let saved_by = match v.author {
            Some(id) => state.store.user_by_id(id).await?.name,
            None => String::new(),
        };
        rows.push(HistoryRow {
            version: v.version,
            saved_at: when(&v.at),
            saved_by,
            review_on: v.value.review_on().to_string(),
        });
    }
    let (platforms, responses) = ticks(&c.tr, &form);
    let blocks = block_rows(&c.tr, &form);
    Ok(EditPage {
        client_id: access.client.id.to_string(),
        client_name: access.client.name.clone(),
        after: versions.last().map_or(0, |v| v.version),
        platforms,
        other_platforms: form.other_platforms,
        responses,
        other_response: form.other_response,
        blocks,
        review_on: form.review_on,
        notes: form.notes,
        history: rows,
        saved,
        error,
        c,
    })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<i64>,
}

/// The plan form on the client's record, for clinicians on the client's care team.
pub async fn edit_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    render(&edit_page_with(&state, c, &access, None, q.saved, None).await?)
}

fn error_text(tr: &Tr, e: &RuleError) -> String {
    match e {
        RuleError::Unknown(_) => tr.t("plan-error-unknown"),
        RuleError::OtherUnnamed => tr.t("plan-error-other-unnamed"),
        RuleError::OtherNotTicked => tr.t("plan-error-other-not-ticked"),
        RuleError::OtherTooLong => tr.t("plan-error-other-too-long"),
        RuleError::NoResponse => tr.t("plan-error-no-response"),
        RuleError::TextTooLong => tr.t("plan-error-text-too-long"),
        RuleError::ControlCharacters => tr.t("plan-error-control"),
        RuleError::BlockIncomplete { row } => tr.t1("plan-error-block-incomplete", "row", row),
        RuleError::BlockPlatformNotListed { row, .. } => {
            tr.t1("plan-error-block-not-listed", "row", row)
        }
        RuleError::BlockBadDate { row, .. } => tr.t1("plan-error-block-bad-date", "row", row),
        RuleError::BlockInTheFuture { row, .. } => tr.t1("plan-error-block-future", "row", row),
        RuleError::TooManyBlocks => tr.t("plan-error-too-many-blocks"),
        RuleError::ReviewBadDate(_) => tr.t("plan-error-review-bad-date"),
        RuleError::ReviewInThePast { .. } => tr.t("plan-error-review-past"),
        RuleError::ReviewTooFar { latest, .. } => {
            tr.t1("plan-error-review-too-far", "latest", latest)
        }
    }
}

/// Saves a new version of the plan (only clinicians on the client's care team).
pub async fn save(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let submitted = FormState::from_fields(&fields);
    let after: i64 = fields
        .iter()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let form = PlanForm {
        platforms: submitted.platforms.iter().map(String::as_str).collect(),
        other_platforms: &submitted.other_platforms,
        responses: submitted.responses.iter().map(String::as_str).collect(),
        other_response: &submitted.other_response,
        blocks: submitted
            .blocks
            .iter()
            .map(|(w, p, d)| BlockForm {
                who: w,
                platform: p,
                done_on: d,
            })
            .collect(),
        review_on: &submitted.review_on,
        notes: &submitted.notes,
    };
    let today = state.clock.now().date_naive();
    let plan = match EncounterPlan::parse(&form, today) {
        Ok(p) => p,
        Err(e) => {
            let msg = error_text(&c.tr, &e);
            let page = edit_page_with(&state, c, &access, Some(submitted.clone()), None, Some(msg))
                .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let client = access.client.id;
    let saved = state
        .docs
        .save(
            DocKind::EncounterPlan,
            Owner::Client(client),
            KEY,
            after,
            &plan,
            Some(access.actor.user_id),
        )
        .await;
    let version = match saved {
        Ok(v) => v,
        Err(DocError::Changed) => {
            let msg = c.t("plan-error-changed");
            let page = edit_page_with(&state, c, &access, Some(submitted.clone()), None, Some(msg))
                .await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(e) => return Err(EncounterError::from(e).into()),
    };
    state
        .audit
        .record(
            By::User(access.actor.user_id, access.actor.role),
            "encounter_plan.changed",
            Some(client),
            &format!("encounter_plan:{client}:v{version}"),
        )
        .await?;
    Ok(Redirect::to(&format!("/clients/{client}/encounter-plan?saved={version}")).into_response())
}
