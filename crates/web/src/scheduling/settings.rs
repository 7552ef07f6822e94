//! A clinician's availability page (weekly hours, exceptions, session types, booking window),
//! kept as their `ScheduleSettings` document, and the practice's scheduling policy
//! (late-cancellation notice, reminder times), kept as the `SchedulingPolicy` document.

use alcove_domain::communication::WEEKDAYS;
use alcove_domain::scheduling::{
    format_session_types, parse_session_types, Availability, BookingWindow, ScheduleSettings,
    SchedulingPolicy,
};
use alcove_domain::UserId;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::extract::{AdminActor, ClinicianActor};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::services::DocError;
use crate::state::AppState;

const SETTINGS_KEY: &str = "settings";
const POLICY_KEY: &str = "policy";

/// A clinician's settings with their version; `None` when they have not set their hours yet.
pub async fn settings_of(
    state: &AppState,
    clinician: UserId,
) -> Result<Option<(i64, ScheduleSettings)>, DocError> {
    Ok(state
        .docs
        .latest::<ScheduleSettings>(
            DocKind::ScheduleSettings,
            Owner::User(clinician),
            SETTINGS_KEY,
        )
        .await?
        .map(|v| (v.version, v.value)))
}

/// Saves a clinician's settings after version `after` (0 for the first), audited.
pub async fn save_settings(
    state: &AppState,
    clinician: UserId,
    after: i64,
    s: &ScheduleSettings,
    by: By,
) -> Result<i64, DocError> {
    let v = state
        .docs
        .save(
            DocKind::ScheduleSettings,
            Owner::User(clinician),
            SETTINGS_KEY,
            after,
            s,
            Some(clinician),
        )
        .await?;
    state
        .audit
        .record(
            by,
            "schedule.settings_saved",
            None,
            &format!("user:{clinician}"),
        )
        .await?;
    Ok(v)
}

/// The practice's scheduling policy (the default until an admin saves one), with its version.
pub async fn policy(state: &AppState) -> Result<(i64, SchedulingPolicy), DocError> {
    Ok(state
        .docs
        .latest::<SchedulingPolicy>(DocKind::SchedulingPolicy, Owner::Practice, POLICY_KEY)
        .await?
        .map_or((0, SchedulingPolicy::default()), |v| (v.version, v.value)))
}

pub async fn save_policy(
    state: &AppState,
    after: i64,
    p: &SchedulingPolicy,
    by: By,
) -> Result<i64, DocError> {
    let author = match by {
        By::User(u, _) => Some(u),
        _ => None,
    };
    let v = state
        .docs
        .save(
            DocKind::SchedulingPolicy,
            Owner::Practice,
            POLICY_KEY,
            after,
            p,
            author,
        )
        .await?;
    state
        .audit
        .record(by, "schedule.policy_saved", None, "scheduling_policy")
        .await?;
    Ok(v)
}

// ---- the clinician's page --------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    after: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    monday: String,
    #[serde(default)]
    tuesday: String,
    #[serde(default)]
    wednesday: String,
    #[serde(default)]
    thursday: String,
    #[serde(default)]
    friday: String,
    #[serde(default)]
    saturday: String,
    #[serde(default)]
    sunday: String,
    #[serde(default)]
    exceptions: String,
    #[serde(default)]
    session_types: String,
    #[serde(default)]
    min_notice_hours: String,
    #[serde(default)]
    max_days_ahead: String,
}

impl SettingsForm {
    fn of(after: i64, s: Option<&ScheduleSettings>) -> SettingsForm {
        let Some(s) = s else {
            return SettingsForm {
                after: after.to_string(),
                time_zone: "America/New_York".into(),
                session_types: "Individual session | 50 | video | 0 | 10".into(),
                min_notice_hours: "24".into(),
                max_days_ahead: "60".into(),
                ..SettingsForm::default()
            };
        };
        let day =
            |i: usize| alcove_domain::scheduling::availability::format_day(&s.availability.week[i]);
        SettingsForm {
            after: after.to_string(),
            time_zone: s.availability.time_zone.name().to_owned(),
            monday: day(0),
            tuesday: day(1),
            wednesday: day(2),
            thursday: day(3),
            friday: day(4),
            saturday: day(5),
            sunday: day(6),
            exceptions: s
                .availability
                .exceptions
                .iter()
                .map(|e| {
                    format!(
                        "{}: {}",
                        e.date,
                        alcove_domain::scheduling::availability::format_day(&e.hours)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            session_types: format_session_types(&s.session_types),
            min_notice_hours: s.window.min_notice_hours.to_string(),
            max_days_ahead: s.window.max_days_ahead.to_string(),
        }
    }

    fn day(&self, i: usize) -> &str {
        match i {
            0 => &self.monday,
            1 => &self.tuesday,
            2 => &self.wednesday,
            3 => &self.thursday,
            4 => &self.friday,
            5 => &self.saturday,
            _ => &self.sunday,
        }
    }

    /// The settings, or every error as (field, words).
    fn parse(&self) -> Result<ScheduleSettings, Vec<(String, String)>> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let week = [0, 1, 2, 3, 4, 5, 6].map(|i| self.day(i));
        let availability = Availability::parse(&self.time_zone, week, &self.exceptions)
            .map_err(|es| {
                errors.extend(es.iter().map(|e| (e.field(), e.to_string())));
            })
            .ok();
        let types = parse_session_types(&self.session_types)
            .map_err(|es| {
                errors.extend(
                    es.iter()
                        .map(|e| ("session_types".to_owned(), e.to_string())),
                );
            })
            .ok();
        let notice = match self.min_notice_hours.trim().parse::<u32>() {
            Ok(n) if n <= 336 => Some(n),
            _ => {
                errors.push((
                    "min_notice_hours".into(),
                    "min_notice_hours: from 0 to 336 hours".into(),
                ));
                None
            }
        };
        let ahead = match self.max_days_ahead.trim().parse::<u32>() {
            Ok(n) if (1..=365).contains(&n) => Some(n),
            _ => {
                errors.push((
                    "max_days_ahead".into(),
                    "max_days_ahead: from 1 to 365 days".into(),
                ));
                None
            }
        };
        match (availability, types, notice, ahead) {
            (Some(availability), Some(session_types), Some(n), Some(a)) if errors.is_empty() => {
                Ok(ScheduleSettings {
                    availability,
                    session_types,
                    window: BookingWindow {
                        min_notice_hours: n,
                        max_days_ahead: a,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

pub struct DayField {
    pub name: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "scheduling/settings.html")]
struct SettingsPage {
    c: Chrome,
    f: SettingsForm,
    days: Vec<DayField>,
    errors: Vec<(String, String)>,
    saved: bool,
}

impl SettingsPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, e)| e.as_str())
    }
}

fn settings_page(
    c: Chrome,
    f: SettingsForm,
    errors: Vec<(String, String)>,
    saved: bool,
) -> SettingsPage {
    let days = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(i, name)| DayField {
            name,
            value: f.day(i).to_owned(),
        })
        .collect();
    SettingsPage {
        c,
        f,
        days,
        errors,
        saved,
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn page(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    let current = settings_of(&state, who.user_id).await?;
    let f = SettingsForm::of(
        current.as_ref().map_or(0, |(v, _)| *v),
        current.as_ref().map(|(_, s)| s),
    );
    render(&settings_page(c, f, vec![], q.saved.is_some()))
}

pub async fn save(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let after: i64 = f.after.trim().parse().unwrap_or(0);
    match f.parse() {
        Err(errors) => {
            let page = settings_page(c, f, errors, false);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Ok(s) => {
            match save_settings(
                &state,
                who.user_id,
                after,
                &s,
                By::User(who.user_id, who.role),
            )
            .await
            {
                Ok(_) => Ok(Redirect::to("/schedule?saved=1").into_response()),
                Err(DocError::Changed) => {
                    let msg = c.t("schedule-error-changed");
                    let page = settings_page(c, f, vec![("form".into(), msg)], false);
                    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

// ---- the admin's policy page -----------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PolicyForm {
    #[serde(default)]
    after: String,
    #[serde(default)]
    notice_hours: String,
    #[serde(default)]
    reminder_hours: String,
}

#[derive(Template)]
#[template(path = "scheduling/policy.html")]
struct PolicyPage {
    c: Chrome,
    f: PolicyForm,
    errors: Vec<(String, String)>,
    saved: bool,
}

impl PolicyPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, e)| e.as_str())
    }
}

pub async fn policy_page(
    AdminActor(_): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<SavedQuery>,
) -> Result<Html<String>, PageError> {
    let (v, p) = policy(&state).await?;
    let f = PolicyForm {
        after: v.to_string(),
        notice_hours: p.cancel.notice_hours.to_string(),
        reminder_hours: p
            .reminder_hours
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    render(&PolicyPage {
        c,
        f,
        errors: vec![],
        saved: q.saved.is_some(),
    })
}

pub async fn policy_save(
    AdminActor(who): AdminActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let after: i64 = f.after.trim().parse().unwrap_or(0);
    match SchedulingPolicy::parse(&f.notice_hours, &f.reminder_hours) {
        Err(es) => {
            let errors = es
                .iter()
                .map(|e| (e.field().to_owned(), e.to_string()))
                .collect();
            let page = PolicyPage {
                c,
                f,
                errors,
                saved: false,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Ok(p) => match save_policy(&state, after, &p, By::User(who.user_id, who.role)).await {
            Ok(_) => Ok(Redirect::to("/admin/scheduling?saved=1").into_response()),
            Err(DocError::Changed) => {
                let errors = vec![("form".into(), c.t("schedule-error-changed"))];
                let page = PolicyPage {
                    c,
                    f,
                    errors,
                    saved: false,
                };
                Ok((StatusCode::CONFLICT, render(&page)?).into_response())
            }
            Err(e) => Err(e.into()),
        },
    }
}

/// The demo: both clinicians offer weekday hours in New York time, three session types, and
/// the practice's default policy (24 hours' notice; reminders 24 hours and 1 hour before).
pub async fn seed_demo(state: &AppState) -> Result<(), String> {
    let weekday = "09:00-12:00, 13:00-17:00";
    let settings = ScheduleSettings {
        availability: Availability::parse(
            "America/New_York",
            [weekday, weekday, weekday, weekday, weekday, "", ""],
            "",
        )
        .map_err(|e| format!("{e:?}"))?,
        session_types: parse_session_types(
            "Individual session | 50 | video | 0 | 10\nAudio-only check-in | 30 | audio | 0 | 10\nGroup session | 90 | group:6 | 0 | 30",
        )
        .map_err(|e| format!("{e:?}"))?,
        window: BookingWindow::default(),
    };
    for u in state.store.list_users().await.map_err(|e| e.to_string())? {
        if u.role == alcove_domain::Role::Clinician {
            save_settings(state, u.id, 0, &settings, By::System)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
