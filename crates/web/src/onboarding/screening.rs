//! Screening instruments in the portal (issue 5, part 4; Standard 9-4 "valid instruments").
//!
//! The client completes PHQ-9 and GAD-7 (`/me/screening`, `/me/screening/{instrument}`), items
//! in their language from the instruments' public versions (`alcove_domain::instruments`).
//! Each completion is its own `DocKind::Screening` document (key `{instrument}:{ms}`), sealed
//! with the client's data key: the answers, the exact score and band. A PHQ-9 item 9 answered
//! above 0 needs the clinician at once: the client sees crisis resources on the result page,
//! the care team gets an urgent flag on their dashboard and the client's record that stays
//! until a clinician acknowledges it (audited), and an email that says only that something is
//! waiting (DESIGN.md, clinical safety rules). The care team reads every completion on the
//! record (`/clients/{client}/screening`).

use alcove_domain::instruments::{items, score, Instrument, Score};
use alcove_domain::onboarding::CompletedScreening;
use alcove_domain::ClientId;
use alcove_store::{ClientRecord, DocKind, Owner};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, when, Chrome};
use crate::records::CareTeamClient;
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::mailer::Notification;
use crate::services::{DocError, Version};
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/screening", list_page)
        .get("/me/screening/{instrument}", form_page)
        .post("/me/screening/{instrument}", submit)
        .get("/clients/{client}/screening", record_page)
        .post("/clients/{client}/screening/acknowledge", acknowledge)
}

/// Who acknowledged an urgent flag, and when.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Acknowledgment {
    pub by: String,
    pub at: DateTime<Utc>,
}

/// One completed instrument as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Completion {
    pub instrument: Instrument,
    pub language: String,
    pub answers: Vec<u8>,
    pub score: Score,
    pub on: NaiveDate,
    /// For an urgent result: the clinician who acknowledged it.
    pub acknowledged: Option<Acknowledgment>,
}

impl Completion {
    pub fn urgent(&self) -> bool {
        self.score.needs_urgent_follow_up()
    }
    pub fn awaiting_acknowledgment(&self) -> bool {
        self.urgent() && self.acknowledged.is_none()
    }
}

fn internal(e: DocError) -> PageError {
    tracing::error!(error = %e, "screening");
    PageError::internal()
}

/// Every completion of a client, oldest first, without auditing: callers audit first.
pub(crate) async fn completions(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<Version<Completion>>, PageError> {
    let mut all: Vec<Version<Completion>> = state
        .docs
        .all(DocKind::Screening, Some(Owner::Client(client)))
        .await
        .map_err(internal)?;
    all.sort_by(|a, b| a.key.cmp(&b.key));
    all.sort_by_key(|v| v.value.on);
    Ok(all)
}

/// Every screening the client completed, with its urgent flag.
pub async fn facts(
    state: &AppState,
    client: ClientId,
) -> Result<Vec<CompletedScreening>, PageError> {
    Ok(completions(state, client)
        .await?
        .iter()
        .map(|v| CompletedScreening::of(&v.value.score, v.value.on))
        .collect())
}

/// Clients of this clinician's caseload with an urgent screening result nobody has
/// acknowledged: (client name, link to the record's screening page).
pub async fn urgent_for(
    state: &AppState,
    clinician: alcove_domain::UserId,
) -> Result<Vec<(String, String)>, PageError> {
    let mut out = Vec::new();
    for client in state.store.caseload(clinician).await? {
        let waiting = completions(state, client.id)
            .await?
            .iter()
            .any(|v| v.value.awaiting_acknowledgment());
        if waiting {
            out.push((
                client.name.clone(),
                format!("/clients/{}/screening", client.id),
            ));
        }
    }
    Ok(out)
}

/// The browser's first language (`Accept-Language`), lower-case, without weights.
fn browser_language(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .next()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The language of an instrument's items (issue 5: items in English and Spanish; Standard 2:
/// the client reads them in their language): the one the client chose with the switch on the
/// page, else the language their intake asked for in sessions, else the browser's first
/// language — the first of these the instrument has items in; English otherwise. Returns the
/// item set's own code (`en`, `es`).
async fn item_language(
    state: &AppState,
    client: ClientId,
    instrument: Instrument,
    chosen: Option<&str>,
    headers: &HeaderMap,
) -> Result<String, PageError> {
    let from_intake = super::intake::preferred_language(state, client).await?;
    let browser = browser_language(headers);
    let found = [chosen, from_intake.as_deref(), Some(browser.as_str())]
        .into_iter()
        .flatten()
        .filter(|l| !l.trim().is_empty())
        .find_map(|l| items(instrument, l))
        .map_or_else(|| "en".to_owned(), |set| set.language);
    Ok(found)
}

/// `?lang=es`: the language switch on the screening pages.
#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

/// One choice of the language switch.
pub struct LanguageChoice {
    pub code: String,
    /// The language's name in itself ("Español"), so a reader finds their own.
    pub name: String,
    pub current: bool,
}

/// The languages an instrument's items exist in, as a switch (only those with a name).
fn language_choices(c: &Chrome, instrument: Instrument, current: &str) -> Vec<LanguageChoice> {
    alcove_domain::instruments::languages(instrument)
        .into_iter()
        .filter_map(|code| {
            let key = format!("scr-language-{code}");
            c.tr.has(&key).then(|| LanguageChoice {
                name: c.t(&key),
                current: code == current,
                code,
            })
        })
        .collect()
}

fn instrument_of(raw: &str) -> Result<Instrument, PageError> {
    Instrument::ALL
        .into_iter()
        .find(|i| i.as_str() == raw)
        .ok_or_else(PageError::not_found)
}

fn band_label(tr: &Tr, s: &Score) -> String {
    use alcove_domain::instruments::Severity::*;
    match s.severity {
        Minimal => tr.t("scr-band-minimal"),
        Mild => tr.t("scr-band-mild"),
        Moderate => tr.t("scr-band-moderate"),
        ModeratelySevere => tr.t("scr-band-moderately-severe"),
        Severe => tr.t("scr-band-severe"),
        BelowCutoff => tr.t("scr-band-below-cutoff"),
        ProbablePtsd => tr.t("scr-band-probable-ptsd"),
        Negative => tr.t("scr-band-negative"),
        Positive => tr.t("scr-band-positive"),
    }
}

async fn own_record(state: &AppState, who: &Identity) -> Result<ClientRecord, PageError> {
    state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn audit(
    state: &AppState,
    who: &Identity,
    action: &str,
    client: ClientId,
    detail: &str,
) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            action,
            Some(client),
            detail,
        )
        .await?;
    Ok(())
}

pub struct ListRow {
    pub slug: &'static str,
    pub name: &'static str,
    pub last: Option<String>,
}

#[derive(Template)]
#[template(path = "onboarding/screening_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ListRow>,
}

/// The instruments the client is asked to complete, and when each was last completed.
pub async fn list_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    audit(
        &state,
        &who,
        "screening.view",
        me.id,
        &format!("screening:{}", me.id),
    )
    .await?;
    let done = completions(&state, me.id).await?;
    let rows = super::screenings_required()
        .into_iter()
        .map(|i| ListRow {
            slug: i.as_str(),
            name: i.display_name(),
            last: done
                .iter()
                .rev()
                .find(|v| v.value.instrument == i)
                .map(|v| v.value.on.to_string()),
        })
        .collect();
    Ok(render(&ListPage { c, rows })?.into_response())
}

pub struct OptionView {
    pub value: u8,
    pub label: String,
    pub checked: bool,
}

pub struct ItemView {
    pub number: u8,
    pub text: String,
    pub options: Vec<OptionView>,
    pub missing: bool,
}

#[derive(Template)]
#[template(path = "onboarding/screening_form.html")]
struct FormPage {
    c: Chrome,
    slug: &'static str,
    title: String,
    lang: String,
    instructions: Option<String>,
    stem: String,
    source: String,
    items: Vec<ItemView>,
    missing: Vec<u8>,
    missing_list: String,
    languages: Vec<LanguageChoice>,
}

fn form_view(
    c: Chrome,
    instrument: Instrument,
    lang: &str,
    given: &[Option<u8>],
    show_missing: bool,
) -> Result<FormPage, PageError> {
    let set = items(instrument, lang)
        .or_else(|| items(instrument, "en"))
        .ok_or_else(PageError::not_found)?;
    let mut missing = Vec::new();
    let views = set
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let chosen = given.get(i).copied().flatten();
            let is_missing = show_missing && chosen.is_none();
            if is_missing {
                missing.push(it.number);
            }
            ItemView {
                number: it.number,
                text: it.text.clone(),
                options: it
                    .response_options
                    .iter()
                    .map(|o| OptionView {
                        value: o.value,
                        label: o.label.clone(),
                        checked: chosen == Some(o.value),
                    })
                    .collect(),
                missing: is_missing,
            }
        })
        .collect();
    Ok(FormPage {
        languages: language_choices(&c, instrument, &set.language),
        c,
        slug: instrument.as_str(),
        title: set.title,
        lang: set.language,
        instructions: set.instructions,
        stem: set.stem,
        source: set.source,
        items: views,
        missing_list: missing
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        missing,
    })
}

/// One instrument's items, each a group of radio buttons with its published answers.
pub async fn form_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    headers: HeaderMap,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let instrument = instrument_of(&raw)?;
    if instrument.needs_sex() {
        // AUDIT-C's bands depend on sex, which the portal does not ask yet.
        return Err(PageError::not_found());
    }
    let lang = item_language(&state, me.id, instrument, q.lang.as_deref(), &headers).await?;
    let page = form_view(c, instrument, &lang, &[], false)?;
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "onboarding/screening_done.html")]
struct DonePage {
    c: Chrome,
    result: String,
    band: String,
    urgent: bool,
}

/// Scores and stores a completed instrument. Every item must be answered; the missing ones
/// are named and nothing is stored.
pub async fn submit(
    ClientActor(who): ClientActor,
    c: Chrome,
    headers: HeaderMap,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let me = own_record(&state, &who).await?;
    let instrument = instrument_of(&raw)?;
    if instrument.needs_sex() {
        return Err(PageError::not_found());
    }
    // The language the form was shown in (its hidden `lang`), so that the answers are kept
    // with the wording the client read.
    let shown = fields
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.as_str());
    let lang = item_language(&state, me.id, instrument, shown, &headers).await?;
    let lang = lang.as_str();
    let given: Vec<Option<u8>> = (1..=instrument.item_count())
        .map(|n| {
            let name = format!("item_{n}");
            fields
                .iter()
                .find(|(k, _)| *k == name)
                .and_then(|(_, v)| v.trim().parse::<u8>().ok())
                .filter(|v| *v <= instrument.max_answer())
        })
        .collect();
    if given.iter().any(Option::is_none) {
        let page = form_view(c, instrument, lang, &given, true)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let answers: Vec<u8> = given.into_iter().flatten().collect();
    let scored = score(instrument, &answers, None).map_err(|e| {
        tracing::error!(error = %e, "screening answers checked but not scored");
        PageError::internal()
    })?;
    let now = state.clock.now();
    let completion = Completion {
        instrument,
        language: lang.to_string(),
        answers,
        score: scored.clone(),
        on: now.date_naive(),
        acknowledged: None,
    };
    let key = format!("{}:{}", instrument.as_str(), now.timestamp_millis());
    state
        .docs
        .save(
            DocKind::Screening,
            Owner::Client(me.id),
            &key,
            0,
            &completion,
            Some(who.user_id),
        )
        .await
        .map_err(internal)?;
    audit(
        &state,
        &who,
        "screening.completed",
        me.id,
        &format!("screening:{}:{key}", me.id),
    )
    .await?;
    let urgent = completion.urgent();
    if urgent {
        flag_care_team(&state, me.id, &key).await?;
    }
    let page = DonePage {
        result: c.tr.t2(
            "scr-done-score",
            ("name", instrument.display_name().to_string()),
            (
                "total",
                format!("{} / {}", scored.total, instrument.max_total()),
            ),
        ),
        band: band_label(&c.tr, &scored),
        urgent,
        c,
    };
    Ok(render(&page)?.into_response())
}

/// The urgent flag: audited, and an email to each clinician on the care team saying only
/// that something needs their attention (the details are behind sign-in).
async fn flag_care_team(state: &AppState, client: ClientId, key: &str) -> Result<(), PageError> {
    state
        .audit
        .record(
            By::System,
            "screening.urgent_flag",
            Some(client),
            &format!("screening:{client}:{key}"),
        )
        .await?;
    for member in state.store.care_team(client).await? {
        let user = state.store.user_by_id(member.clinician_id).await?;
        let mailer = state.mailer.clone();
        if let Err(e) = mailer
            .notify(user.id, &user.email, &Notification::ClientNeedsAttention)
            .await
        {
            // The flag on the dashboard and record stands whether or not the mail went.
            tracing::warn!(error = %e, "urgent screening notification not sent");
        }
    }
    Ok(())
}

pub struct RecordRow {
    pub key: String,
    pub name: &'static str,
    pub on: String,
    pub total: u16,
    pub max: u16,
    pub band: String,
    pub urgent: bool,
    pub awaiting: bool,
    pub acknowledged: Option<String>,
    pub urgent_text: String,
}

/// One point of a chart: where it sits, and the numbers it stands for.
pub struct ChartPoint {
    pub x: u32,
    pub y: u32,
    pub on: String,
    pub total: u16,
    pub band: String,
}

/// Scores of one instrument over time, drawn on the server as SVG (no script), with a table
/// of the same numbers beside it for screen readers and for anyone who prefers numbers.
pub struct Chart {
    pub slug: &'static str,
    pub title: String,
    pub desc: String,
    pub max: u16,
    pub line: String,
    pub points: Vec<ChartPoint>,
}

const CHART_W: u32 = 480;
const CHART_H: u32 = 200;
const PAD: u32 = 30;

fn charts_of(tr: &Tr, all: &[Version<Completion>]) -> Vec<Chart> {
    let mut out = Vec::new();
    for i in [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Pcl5,
        Instrument::AuditC,
    ] {
        let mine: Vec<&Completion> = all
            .iter()
            .map(|v| &v.value)
            .filter(|c| c.instrument == i)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let max = i.max_total();
        let n = mine.len() as u32;
        let step = if n > 1 {
            (CHART_W - 2 * PAD) / (n - 1)
        } else {
            0
        };
        let points: Vec<ChartPoint> = mine
            .iter()
            .enumerate()
            .map(|(k, c)| ChartPoint {
                x: PAD + step * k as u32,
                y: CHART_H
                    - PAD
                    - (u32::from(c.score.total) * (CHART_H - 2 * PAD)) / u32::from(max),
                on: c.on.to_string(),
                total: c.score.total,
                band: band_label(tr, &c.score),
            })
            .collect();
        let line = points
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ");
        let listed = points
            .iter()
            .map(|p| format!("{} {}", p.on, p.total))
            .collect::<Vec<_>>()
            .join("; ");
        out.push(Chart {
            slug: i.as_str(),
            title: tr.t1("scr-chart-title", "name", i.display_name()),
            desc: tr.t2("scr-chart-desc", ("max", max), ("points", listed)),
            max,
            line,
            points,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "onboarding/screening_record.html")]
struct RecordPage {
    c: Chrome,
    client_id: String,
    client_name: String,
    rows: Vec<RecordRow>,
    charts: Vec<Chart>,
}

/// Every completion on the client's record, urgent ones first to acknowledge.
pub async fn record_page(
    access: CareTeamClient,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    let client = &access.client;
    audit(
        &state,
        &access.actor,
        "screening.view",
        client.id,
        &format!("screening:{}", client.id),
    )
    .await?;
    let all = completions(&state, client.id).await?;
    let charts = charts_of(&c.tr, &all);
    let rows = all
        .iter()
        .rev()
        .map(|v| RecordRow {
            key: v.key.clone(),
            name: v.value.instrument.display_name(),
            on: v.value.on.to_string(),
            total: v.value.score.total,
            max: v.value.instrument.max_total(),
            band: band_label(&c.tr, &v.value.score),
            urgent: v.value.urgent(),
            awaiting: v.value.awaiting_acknowledgment(),
            acknowledged: v
                .value
                .acknowledged
                .as_ref()
                .map(|a| format!("{} ({})", a.by, when(&a.at))),
            urgent_text: c.tr.t2(
                "scr-urgent-item9",
                ("name", v.value.instrument.display_name().to_string()),
                ("on", v.value.on.to_string()),
            ),
        })
        .collect();
    let page = RecordPage {
        client_id: client.id.to_string(),
        client_name: client.name.clone(),
        rows,
        charts,
        c,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct AckForm {
    key: String,
}

/// A clinician on the care team acknowledges an urgent result (audited).
pub async fn acknowledge(
    access: CareTeamClient,
    State(state): State<AppState>,
    Form(form): Form<AckForm>,
) -> Result<Response, PageError> {
    let client = &access.client;
    let owner = Owner::Client(client.id);
    let current: Option<Version<Completion>> = state
        .docs
        .latest(DocKind::Screening, owner, &form.key)
        .await
        .map_err(internal)?;
    let Some(current) = current else {
        return Err(PageError::not_found());
    };
    if current.value.awaiting_acknowledgment() {
        let mut value = current.value.clone();
        value.acknowledged = Some(Acknowledgment {
            by: access.actor.name.clone(),
            at: state.clock.now(),
        });
        match state
            .docs
            .save(
                DocKind::Screening,
                owner,
                &form.key,
                current.version,
                &value,
                Some(access.actor.user_id),
            )
            .await
        {
            Ok(_) | Err(DocError::Changed) => {}
            Err(e) => return Err(internal(e)),
        }
        audit(
            &state,
            &access.actor,
            "screening.urgent_acknowledged",
            client.id,
            &format!("screening:{}:{}", client.id, form.key),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/clients/{}/screening", client.id)).into_response())
}

/// Demo: the ready clients (Alex, Riley, Taylor, Noor) completed PHQ-9 and GAD-7 three times, two weeks apart,
/// improving (for the charts); nothing urgent.
pub async fn seed_demo(state: &AppState) -> Result<(), String> {
    let people = [
        "alex.rivera@alcove-demo.example",
        "riley.chen@alcove-demo.example",
        "taylor.brooks@alcove-demo.example",
        "noor.haddad@alcove-demo.example",
    ];
    let phq = [
        [2u8, 2, 1, 2, 1, 1, 1, 1, 0],
        [1, 1, 1, 1, 1, 1, 0, 1, 0],
        [1, 0, 1, 1, 0, 0, 0, 0, 0],
    ];
    let gad = [
        [2u8, 2, 2, 1, 1, 2, 1],
        [1, 1, 2, 1, 1, 1, 1],
        [1, 0, 1, 1, 0, 1, 0],
    ];
    for email in people {
        let Some((client, author)) = super::emergency::demo_client(state, email).await? else {
            continue;
        };
        for (k, weeks_ago) in [4i64, 2, 0].into_iter().enumerate() {
            let at = state.clock.now() - chrono::Duration::weeks(weeks_ago);
            for (instrument, answers) in [
                (Instrument::Phq9, phq[k].to_vec()),
                (Instrument::Gad7, gad[k].to_vec()),
            ] {
                let scored = score(instrument, &answers, None).map_err(|e| e.to_string())?;
                let completion = Completion {
                    instrument,
                    language: "en".into(),
                    answers,
                    score: scored,
                    on: at.date_naive(),
                    acknowledged: None,
                };
                let key = format!("{}:{}", instrument.as_str(), at.timestamp_millis());
                state
                    .docs
                    .save(
                        DocKind::Screening,
                        Owner::Client(client),
                        &key,
                        0,
                        &completion,
                        Some(author),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}
