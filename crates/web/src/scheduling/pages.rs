//! The booking pages: my appointments (both sides), a client booking a slot in their own time
//! zone, a clinician booking for clients of their caseload (one, or several for a group),
//! cancelling and rescheduling with the late-cancel policy shown first, and the calendar feed.

use alcove_domain::scheduling::{Appointment, AppointmentStatus, Cancellation, Slot};
use alcove_domain::{AppointmentId, ClientId, Jurisdiction, Role, UserId};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;
use serde::Deserialize;

use super::booking::{self, BookError, BookRequest, Refusal};
use super::calendar;
use super::settings::{policy, settings_of};
use crate::auth::extract::{ClientActor, ClinicalActor, ClinicianActor};
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{render, Chrome};
use crate::state::AppState;

/// Zones offered in the picker (any IANA name is accepted from the address bar).
const ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Madrid",
    "UTC",
];

/// How many days of slots a page lists.
const DAYS_SHOWN: i64 = 21;

fn zone_choices(current: Tz) -> Vec<(String, bool)> {
    let mut v: Vec<(String, bool)> = ZONES
        .iter()
        .map(|z| ((*z).to_owned(), *z == current.name()))
        .collect();
    if !ZONES.contains(&current.name()) {
        v.insert(0, (current.name().to_owned(), true));
    }
    v
}

fn parse_zone(s: Option<&str>) -> Option<Tz> {
    s.and_then(|s| s.trim().parse::<Tz>().ok())
}

/// "Monday 7 December 2026".
fn day_label(t: DateTime<Tz>) -> String {
    t.format("%A %-d %B %Y").to_string()
}

/// "Monday 7 December 2026, 09:00–09:50".
fn when_label(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    format!(
        "{}, {}–{}",
        day_label(s),
        s.format("%H:%M"),
        e.format("%H:%M")
    )
}

pub struct SlotDay {
    pub label: String,
    /// (value for the form, "09:00–09:50", id)
    pub slots: Vec<(String, String, String)>,
}

fn slot_days(slots: &[Slot], tz: Tz) -> Vec<SlotDay> {
    let mut days: Vec<SlotDay> = Vec::new();
    for (i, s) in slots.iter().enumerate() {
        let (a, b) = s.local(tz);
        let label = day_label(a);
        let entry = (
            s.start.to_rfc3339(),
            format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")),
            format!("slot-{i}"),
        );
        match days.last_mut() {
            Some(d) if d.label == label => d.slots.push(entry),
            _ => days.push(SlotDay {
                label,
                slots: vec![entry],
            }),
        }
    }
    days
}

/// A refusal in words, for the page.
pub struct RefusalView {
    pub kind: &'static str,
    pub text: String,
    pub left: Vec<String>,
}

async fn name_of_client(state: &AppState, c: ClientId) -> String {
    state
        .store
        .client(c)
        .await
        .map(|r| r.name)
        .unwrap_or_default()
}

pub async fn refusal_views(state: &AppState, tr: &Tr, list: &[Refusal]) -> Vec<RefusalView> {
    let mut out = Vec::new();
    for r in list {
        match r {
            Refusal::NotReady { client, readiness } => {
                let name = name_of_client(state, *client).await;
                out.push(RefusalView {
                    kind: "not_ready",
                    text: tr.t1("booking-refused-not-ready", "name", name),
                    left: crate::onboarding::path::steps(tr, readiness)
                        .into_iter()
                        .filter(|s| !s.done)
                        .map(|s| format!("{} — {}", s.label, s.todo))
                        .collect(),
                });
            }
            Refusal::NotLicensed {
                client,
                location,
                reason,
                would_allow,
            } => {
                let name = name_of_client(state, *client).await;
                out.push(RefusalView {
                    kind: "not_licensed",
                    text: tr.tn(
                        "booking-refused-licence",
                        &[
                            ("name", FluentValue::from(name)),
                            ("location", FluentValue::from(location.to_string())),
                        ],
                    ),
                    left: vec![
                        reason.clone(),
                        tr.t1("booking-would-allow", "what", would_allow),
                    ],
                });
            }
        }
    }
    out
}

/// A booking error as the page's words (refusals are listed separately).
fn error_words(tr: &Tr, e: &BookError) -> Option<String> {
    let key = match e {
        BookError::Refused(_) => return None,
        BookError::SlotUnavailable => "booking-error-slot",
        BookError::NoSettings => "booking-error-no-hours",
        BookError::BadSessionType => "booking-error-type",
        BookError::Clients => "booking-error-clients",
        BookError::UnknownLocation => "booking-error-location",
        BookError::TooLate => "booking-error-too-late",
        BookError::NotBooked => "booking-error-not-booked",
        BookError::GroupMove => "booking-error-group-move",
        BookError::NotFound | BookError::Docs(_) | BookError::Store(_) | BookError::Page(_) => {
            return None
        }
    };
    Some(tr.t(key))
}

fn page_error(e: BookError) -> PageError {
    match e {
        BookError::NotFound => PageError::not_found(),
        BookError::Page(p) => p,
        e => {
            tracing::error!(error = %e, "booking");
            PageError::internal()
        }
    }
}

// ---- my appointments -------------------------------------------------------------------------

pub struct Row {
    pub id: String,
    pub when: String,
    pub kind: String,
    pub with: String,
    pub status: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "scheduling/list.html")]
struct ListPage {
    c: Chrome,
    zone: String,
    zones: Vec<(String, bool)>,
    upcoming: Vec<Row>,
    past: Vec<Row>,
    notice_hours: u32,
    done: Option<String>,
    has_feed: bool,
    feed_url: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    tz: Option<String>,
    done: Option<String>,
}

async fn zone_for(state: &AppState, who: &Identity, asked: Option<&str>) -> Tz {
    if let Some(z) = parse_zone(asked) {
        return z;
    }
    match who.role {
        Role::Client => match state.store.client_by_user(who.user_id).await {
            Ok(Some(c)) => booking::default_zone(state, c.id).await,
            _ => chrono_tz::America::New_York,
        },
        _ => booking::clinician_zone(state, who.user_id).await,
    }
}

fn status_words(tr: &Tr, a: &Appointment) -> String {
    match &a.status {
        AppointmentStatus::Booked => tr.t("appt-status-booked"),
        AppointmentStatus::Cancelled { late: true, .. } => tr.t("appt-status-cancelled-late"),
        AppointmentStatus::Cancelled { .. } => tr.t("appt-status-cancelled"),
        AppointmentStatus::Rescheduled { late: true, .. } => tr.t("appt-status-moved-late"),
        AppointmentStatus::Rescheduled { .. } => tr.t("appt-status-moved"),
    }
}

async fn rows(
    state: &AppState,
    tr: &Tr,
    who: &Identity,
    list: &[Appointment],
    tz: Tz,
) -> Result<(Vec<Row>, Vec<Row>), PageError> {
    let now = state.clock.now();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for a in list {
        let with = if who.role == Role::Clinician {
            let mut names = Vec::new();
            for c in &a.clients {
                names.push(name_of_client(state, *c).await);
            }
            names.join(", ")
        } else {
            state.store.user_by_id(a.clinician).await?.name
        };
        let row = Row {
            id: a.id.to_string(),
            when: when_label(a.start, a.end, tz),
            kind: a.session_type.name.clone(),
            with,
            status: status_words(tr, a),
            live: a.is_booked() && a.end > now,
        };
        if a.end > now && a.is_booked() {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    Ok((upcoming, past))
}

async fn list_for(state: &AppState, who: &Identity) -> Result<Vec<Appointment>, PageError> {
    calendar::appointments_of_user(state, who.user_id).await
}

async fn list_page(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    tz_asked: Option<&str>,
    done: Option<String>,
    feed_url: Option<String>,
) -> Result<ListPage, PageError> {
    let tz = zone_for(state, who, tz_asked).await;
    let list = list_for(state, who).await?;
    let (upcoming, past) = rows(state, &c.tr, who, &list, tz).await?;
    let (_, p) = policy(state).await?;
    Ok(ListPage {
        zone: tz.name().to_owned(),
        zones: zone_choices(tz),
        upcoming,
        past,
        notice_hours: p.cancel.notice_hours,
        done,
        has_feed: calendar::has_feed(state, who.user_id).await?,
        feed_url,
        c,
    })
}

pub async fn list(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let done = q.done.filter(|d| {
        matches!(
            d.as_str(),
            "booked" | "cancelled" | "cancelled-late" | "moved" | "moved-late" | "feed-revoked"
        )
    });
    render(&list_page(&state, c, &who, q.tz.as_deref(), done, None).await?)
}

/// A new private feed: the page shows its address this once.
pub async fn create_feed(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
) -> Result<Html<String>, PageError> {
    let token = calendar::create_feed(&state, who.user_id, who.role).await?;
    let url = state
        .mailer
        .url_for(&format!("/calendar/{token}.ics"))
        .to_string();
    render(&list_page(&state, c, &who, None, None, Some(url)).await?)
}

pub async fn revoke_feed(
    ClinicalActor(who): ClinicalActor,
    State(state): State<AppState>,
) -> Result<Redirect, PageError> {
    calendar::revoke_feed(&state, who.user_id, who.role).await?;
    Ok(Redirect::to("/appointments?done=feed-revoked"))
}

// ---- a client books --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "scheduling/book.html")]
struct BookPage {
    c: Chrome,
    action: String,
    zone: String,
    zones: Vec<(String, bool)>,
    clinicians: Vec<(String, String, bool)>,
    clinician: String,
    types: Vec<(usize, String, bool)>,
    session_type: usize,
    days: Vec<SlotDay>,
    location: String,
    refusals: Vec<RefusalView>,
    error: Option<String>,
    /// Clinician booking: the caseload to pick from, (id, name, usual place, checked).
    caseload: Vec<(String, String, String, bool)>,
    staff: bool,
    /// Rescheduling: the appointment being moved, and what moving it now counts as.
    moving: Option<String>,
    late_notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct BookQuery {
    tz: Option<String>,
    clinician: Option<String>,
    #[serde(rename = "type")]
    session_type: Option<String>,
}

async fn type_choices(
    state: &AppState,
    clinician: UserId,
    chosen: usize,
) -> Result<Vec<(usize, String, bool)>, PageError> {
    Ok(settings_of(state, clinician)
        .await?
        .map(|(_, s)| {
            s.session_types
                .iter()
                .enumerate()
                .map(|(i, t)| (i, format!("{} ({} min)", t.name, t.minutes), i == chosen))
                .collect()
        })
        .unwrap_or_default())
}

async fn my_client(state: &AppState, who: &Identity) -> Result<ClientId, PageError> {
    Ok(state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?
        .id)
}

/// Everything the client's booking page shows, for GET and for a refused POST.
#[allow(clippy::too_many_arguments)]
async fn client_book_page(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    tz: Option<&str>,
    clinician: Option<&str>,
    session_type: usize,
    location: Option<String>,
    refusals: Vec<RefusalView>,
    error: Option<String>,
) -> Result<BookPage, PageError> {
    let me = my_client(state, who).await?;
    let team = state.store.care_team(me).await?;
    let chosen = clinician
        .and_then(|s| s.parse::<UserId>().ok())
        .filter(|id| team.iter().any(|m| m.clinician_id == *id))
        .or_else(|| team.first().map(|m| m.clinician_id));
    let tz = match parse_zone(tz) {
        Some(z) => z,
        None => booking::default_zone(state, me).await,
    };
    let location = match location {
        Some(l) => l,
        None => booking::usual_location(state, me)
            .await
            .map_err(page_error)?
            .to_string(),
    };
    let mut refusals = refusals;
    // Say up front what is left before any booking can be made (the POST refuses it too).
    if refusals.is_empty() {
        let readiness = crate::onboarding::readiness_of(state, me).await?;
        if !readiness.ready {
            refusals = refusal_views(
                state,
                &c.tr,
                &[Refusal::NotReady {
                    client: me,
                    readiness,
                }],
            )
            .await;
        }
    }
    let (types, days) = match chosen {
        Some(cl) => {
            let types = type_choices(state, cl, session_type).await?;
            let days = match booking::slots(state, cl, session_type, false, DAYS_SHOWN).await {
                Ok(s) => slot_days(&s, tz),
                Err(BookError::NoSettings | BookError::BadSessionType) => vec![],
                Err(e) => return Err(page_error(e)),
            };
            (types, days)
        }
        None => (vec![], vec![]),
    };
    Ok(BookPage {
        action: "/appointments/book".into(),
        zone: tz.name().to_owned(),
        zones: zone_choices(tz),
        clinicians: team
            .iter()
            .map(|m| {
                (
                    m.clinician_id.to_string(),
                    m.name.clone(),
                    Some(m.clinician_id) == chosen,
                )
            })
            .collect(),
        clinician: chosen.map(|c| c.to_string()).unwrap_or_default(),
        types,
        session_type,
        days,
        location,
        refusals,
        error,
        caseload: vec![],
        staff: false,
        moving: None,
        late_notice: None,
        c,
    })
}

pub async fn book_page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<BookQuery>,
) -> Result<Html<String>, PageError> {
    let t = q
        .session_type
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    render(
        &client_book_page(
            &state,
            c,
            &who,
            q.tz.as_deref(),
            q.clinician.as_deref(),
            t,
            None,
            vec![],
            None,
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
pub struct BookForm {
    #[serde(default)]
    clinician: String,
    #[serde(default)]
    session_type: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    tz: String,
}

pub async fn book(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<BookForm>,
) -> Result<Response, PageError> {
    let me = my_client(&state, &who).await?;
    let t: usize = f.session_type.trim().parse().unwrap_or(usize::MAX);
    let again = |c: Chrome, refusals: Vec<RefusalView>, error: Option<String>| {
        let state = state.clone();
        let who = who.clone();
        let f = &f;
        async move {
            let page = client_book_page(
                &state,
                c,
                &who,
                Some(&f.tz),
                Some(&f.clinician),
                if t == usize::MAX { 0 } else { t },
                Some(f.location.clone()),
                refusals,
                error,
            )
            .await?;
            Ok::<Response, PageError>(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response(),
            )
        }
    };
    let team = state.store.care_team(me).await?;
    let Some(clinician) = f
        .clinician
        .parse::<UserId>()
        .ok()
        .filter(|id| team.iter().any(|m| m.clinician_id == *id))
    else {
        let e = c.t("booking-error-clinician");
        return again(c, vec![], Some(e)).await;
    };
    let Ok(location) = f.location.trim().parse::<Jurisdiction>() else {
        let e = c.t("booking-error-location");
        return again(c, vec![], Some(e)).await;
    };
    let Ok(start) = DateTime::parse_from_rfc3339(f.start.trim()).map(|d| d.with_timezone(&Utc))
    else {
        let e = c.t("booking-error-pick");
        return again(c, vec![], Some(e)).await;
    };
    let req = BookRequest {
        clinician,
        clients: vec![(me, location)],
        session_type: t,
        start,
    };
    match booking::book(&state, &who, &req).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/appointments?done=booked&tz={}",
            parse_zone(Some(&f.tz)).map_or("", |z| z.name())
        ))
        .into_response()),
        Err(BookError::Refused(list)) => {
            let views = refusal_views(&state, &c.tr, &list).await;
            again(c, views, None).await
        }
        Err(e) => match error_words(&c.tr, &e) {
            Some(words) => again(c, vec![], Some(words)).await,
            None => Err(page_error(e)),
        },
    }
}

// ---- a clinician books for clients -----------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(rename = "type")]
    session_type: Option<String>,
    client: Option<String>,
}

async fn clinician_book_page(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    session_type: usize,
    checked: &[ClientId],
    refusals: Vec<RefusalView>,
    error: Option<String>,
) -> Result<BookPage, PageError> {
    let tz = booking::clinician_zone(state, who.user_id).await;
    let mut caseload = Vec::new();
    for cl in state.store.caseload(who.user_id).await? {
        let place = booking::usual_location(state, cl.id)
            .await
            .map_err(page_error)?;
        caseload.push((
            cl.id.to_string(),
            cl.name,
            place.to_string(),
            checked.contains(&cl.id),
        ));
    }
    let types = type_choices(state, who.user_id, session_type).await?;
    let days = match booking::slots(state, who.user_id, session_type, true, DAYS_SHOWN).await {
        Ok(s) => slot_days(&s, tz),
        Err(BookError::NoSettings | BookError::BadSessionType) => vec![],
        Err(e) => return Err(page_error(e)),
    };
    Ok(BookPage {
        action: "/appointments/new".into(),
        zone: tz.name().to_owned(),
        zones: vec![],
        clinicians: vec![],
        clinician: who.user_id.to_string(),
        types,
        session_type,
        days,
        location: String::new(),
        refusals,
        error,
        caseload,
        staff: true,
        moving: None,
        late_notice: None,
        c,
    })
}

pub async fn new_page(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    let t = q
        .session_type
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let checked: Vec<ClientId> = q.client.iter().filter_map(|s| s.parse().ok()).collect();
    render(&clinician_book_page(&state, c, &who, t, &checked, vec![], None).await?)
}

/// The clinician's form: `client` may repeat (a group), so it is read by hand.
pub async fn new_book(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    RawForm(raw): RawForm,
) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&raw).into_owned().collect();
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let caseload = state.store.caseload(who.user_id).await?;
    // Only clients of this clinician's caseload; anything else is ignored.
    let chosen: Vec<ClientId> = pairs
        .iter()
        .filter(|(n, _)| n == "client")
        .filter_map(|(_, v)| v.parse::<ClientId>().ok())
        .filter(|id| caseload.iter().any(|c| c.id == *id))
        .collect();
    let t: usize = one("session_type").trim().parse().unwrap_or(usize::MAX);
    let shown_t = if t == usize::MAX { 0 } else { t };
    let start = DateTime::parse_from_rfc3339(one("start").trim()).map(|d| d.with_timezone(&Utc));
    let fail = |c: Chrome, refusals: Vec<RefusalView>, error: Option<String>| {
        let state = state.clone();
        let who = who.clone();
        let chosen = chosen.clone();
        async move {
            let page =
                clinician_book_page(&state, c, &who, shown_t, &chosen, refusals, error).await?;
            Ok::<Response, PageError>(
                (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response(),
            )
        }
    };
    if chosen.is_empty() {
        let e = c.t("booking-error-clients");
        return fail(c, vec![], Some(e)).await;
    }
    let Ok(start) = start else {
        let e = c.t("booking-error-pick");
        return fail(c, vec![], Some(e)).await;
    };
    let mut clients = Vec::new();
    for id in &chosen {
        clients.push((
            *id,
            booking::usual_location(&state, *id)
                .await
                .map_err(page_error)?,
        ));
    }
    let req = BookRequest {
        clinician: who.user_id,
        clients,
        session_type: t,
        start,
    };
    match booking::book(&state, &who, &req).await {
        Ok(_) => Ok(Redirect::to("/appointments?done=booked").into_response()),
        Err(BookError::Refused(list)) => {
            let views = refusal_views(&state, &c.tr, &list).await;
            fail(c, views, None).await
        }
        Err(e) => match error_words(&c.tr, &e) {
            Some(words) => fail(c, vec![], Some(words)).await,
            None => Err(page_error(e)),
        },
    }
}

// ---- cancel and reschedule -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "scheduling/cancel.html")]
struct CancelPage {
    c: Chrome,
    id: String,
    when: String,
    zone: String,
    judgement: String,
    late: bool,
    error: Option<String>,
}

fn judgement_words(tr: &Tr, j: Cancellation, hours: u32) -> String {
    match j {
        Cancellation::WithNotice => tr.t1("appt-cancel-with-notice", "hours", hours),
        Cancellation::Late => tr.t1("appt-cancel-late", "hours", hours),
        Cancellation::TooLate => tr.t("booking-error-too-late"),
    }
}

fn appointment_id(s: &str) -> Result<AppointmentId, PageError> {
    s.parse().map_err(|_| PageError::not_found())
}

pub async fn cancel_page(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let id = appointment_id(&id)?;
    let a = booking::visible_to(&state, &who, id)
        .await
        .map_err(page_error)?;
    let tz = zone_for(&state, &who, None).await;
    let (_, p) = policy(&state).await?;
    let j = p.cancel.judge(state.clock.now(), a.start);
    render(&CancelPage {
        id: a.id.to_string(),
        when: when_label(a.start, a.end, tz),
        zone: tz.name().to_owned(),
        judgement: judgement_words(&c.tr, j, p.cancel.notice_hours),
        late: j == Cancellation::Late,
        error: (!a.is_booked()).then(|| c.t("booking-error-not-booked")),
        c,
    })
}

pub async fn cancel(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = appointment_id(&id)?;
    match booking::cancel(&state, &who, id).await {
        Ok(a) => {
            let late = matches!(a.status, AppointmentStatus::Cancelled { late: true, .. });
            Ok(Redirect::to(if late {
                "/appointments?done=cancelled-late"
            } else {
                "/appointments?done=cancelled"
            })
            .into_response())
        }
        Err(e) => match error_words(&c.tr, &e) {
            Some(words) => {
                let a = booking::visible_to(&state, &who, id)
                    .await
                    .map_err(page_error)?;
                let tz = zone_for(&state, &who, None).await;
                let page = CancelPage {
                    id: a.id.to_string(),
                    when: when_label(a.start, a.end, tz),
                    zone: tz.name().to_owned(),
                    judgement: String::new(),
                    late: false,
                    error: Some(words),
                    c,
                };
                Ok((StatusCode::CONFLICT, render(&page)?).into_response())
            }
            None => Err(page_error(e)),
        },
    }
}

#[derive(Deserialize, Default)]
pub struct MoveQuery {
    tz: Option<String>,
}

async fn move_page(
    state: &AppState,
    c: Chrome,
    who: &Identity,
    id: AppointmentId,
    tz: Option<&str>,
    error: Option<String>,
) -> Result<BookPage, PageError> {
    let a = booking::visible_to(state, who, id)
        .await
        .map_err(page_error)?;
    let tz = zone_for(state, who, tz).await;
    let staff = who.role == Role::Clinician;
    let (_, settings) = settings_of(state, a.clinician)
        .await?
        .ok_or_else(PageError::not_found)?;
    let t = settings
        .session_types
        .iter()
        .position(|t| t.name == a.session_type.name)
        .unwrap_or(0);
    let days = match booking::slots(state, a.clinician, t, staff, DAYS_SHOWN).await {
        Ok(s) => slot_days(&s, tz),
        Err(_) => vec![],
    };
    let (_, p) = policy(state).await?;
    let j = p.cancel.judge(state.clock.now(), a.start);
    Ok(BookPage {
        action: format!("/appointments/{}/reschedule", a.id),
        zone: tz.name().to_owned(),
        zones: if staff { vec![] } else { zone_choices(tz) },
        clinicians: vec![],
        clinician: a.clinician.to_string(),
        types: vec![],
        session_type: t,
        days,
        location: String::new(),
        refusals: vec![],
        error,
        caseload: vec![],
        staff,
        moving: Some(when_label(a.start, a.end, tz)),
        late_notice: Some(judgement_words(&c.tr, j, p.cancel.notice_hours)),
        c,
    })
}

pub async fn reschedule_page(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<MoveQuery>,
) -> Result<Html<String>, PageError> {
    let id = appointment_id(&id)?;
    render(&move_page(&state, c, &who, id, q.tz.as_deref(), None).await?)
}

pub async fn reschedule(
    ClinicalActor(who): ClinicalActor,
    c: Chrome,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(f): Form<BookForm>,
) -> Result<Response, PageError> {
    let id = appointment_id(&id)?;
    // Not found (or not the caller's) before anything else.
    booking::visible_to(&state, &who, id)
        .await
        .map_err(page_error)?;
    let Ok(start) = DateTime::parse_from_rfc3339(f.start.trim()).map(|d| d.with_timezone(&Utc))
    else {
        let e = c.t("booking-error-pick");
        let page = move_page(&state, c, &who, id, Some(&f.tz), Some(e)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    match booking::reschedule(&state, &who, id, start).await {
        Ok(_) => {
            let old = booking::visible_to(&state, &who, id)
                .await
                .map_err(page_error)?;
            let late = matches!(
                old.status,
                AppointmentStatus::Rescheduled { late: true, .. }
            );
            Ok(Redirect::to(if late {
                "/appointments?done=moved-late"
            } else {
                "/appointments?done=moved"
            })
            .into_response())
        }
        Err(BookError::Refused(list)) => {
            let views = refusal_views(&state, &c.tr, &list).await;
            let mut page = move_page(&state, c, &who, id, Some(&f.tz), None).await?;
            page.refusals = views;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => match error_words(&c.tr, &e) {
            Some(words) => {
                let page = move_page(&state, c, &who, id, Some(&f.tz), Some(words)).await?;
                Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
            }
            None => Err(page_error(e)),
        },
    }
}
