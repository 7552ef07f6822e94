//! The clinician's communication policy page (issue 7): whether they offer messaging between
//! sessions, their hours and time zone, the reply time they promise, the length limit, and
//! away periods with a covering clinician. Every thread shows it to the client.

use alcove_domain::communication::{Policy, PolicyError, PolicyForm, WEEKDAYS};
use alcove_domain::{Role, UserId};
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::send::policy_of;
use crate::auth::extract::ClinicianActor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::services::audit_log::By;
use crate::state::AppState;

/// The away periods the form offers at once.
const AWAY_ROWS: usize = 2;

#[derive(Template)]
#[template(path = "messaging/policy.html")]
struct PolicyPage {
    c: Chrome,
    version: i64,
    offered: bool,
    time_zone: String,
    week: Vec<(&'static str, String, String)>,
    reply_within_days: String,
    max_length: String,
    away: Vec<(usize, String, String, Option<UserId>)>,
    colleagues: Vec<(UserId, String)>,
    errors: Vec<String>,
    saved: bool,
}

struct Fields {
    version: i64,
    offered: bool,
    time_zone: String,
    week: Vec<(String, String)>,
    reply_within_days: String,
    max_length: String,
    away: Vec<(String, String, Option<UserId>)>,
}

fn from_policy(p: &Policy, version: i64) -> Fields {
    let mut away: Vec<(String, String, Option<UserId>)> = p
        .away
        .iter()
        .map(|a| (a.from.to_string(), a.until.to_string(), a.covering))
        .collect();
    away.resize(
        away.len().max(AWAY_ROWS),
        (String::new(), String::new(), None),
    );
    Fields {
        version,
        offered: p.offered,
        time_zone: p.time_zone.name().to_owned(),
        week: p
            .week
            .iter()
            .map(|h| match h {
                Some(h) => (
                    h.opens.format("%H:%M").to_string(),
                    h.closes.format("%H:%M").to_string(),
                ),
                None => (String::new(), String::new()),
            })
            .collect(),
        reply_within_days: p.reply_within_days.to_string(),
        max_length: p.max_length.to_string(),
        away,
    }
}

fn message(c: &Chrome, e: &PolicyError) -> String {
    match e {
        PolicyError::TimeZone(_) => c.t("policy-error-zone"),
        PolicyError::Hours { day } | PolicyError::Time { day } => {
            c.t1("policy-error-hours", "day", c.t(&format!("weekday-{day}")))
        }
        PolicyError::ReplyDays => c.t("policy-error-reply"),
        PolicyError::MaxLength => c.t("policy-error-length"),
        PolicyError::AwayOrder => c.t("policy-error-away"),
    }
}

async fn page(
    state: &AppState,
    c: Chrome,
    me: UserId,
    f: Fields,
    errors: Vec<String>,
    saved: bool,
) -> Result<Response, PageError> {
    let colleagues = state
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Clinician && u.id != me)
        .map(|u| (u.id, u.name))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let p = PolicyPage {
        c,
        version: f.version,
        offered: f.offered,
        time_zone: f.time_zone,
        week: WEEKDAYS
            .iter()
            .zip(f.week)
            .map(|(d, (o, cl))| (*d, o, cl))
            .collect(),
        reply_within_days: f.reply_within_days,
        max_length: f.max_length,
        away: f
            .away
            .into_iter()
            .enumerate()
            .map(|(i, (a, b, cov))| (i, a, b, cov))
            .collect(),
        colleagues,
        errors,
        saved,
    };
    Ok((status, render(&p)?).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn edit(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, PageError> {
    let version = state
        .docs
        .latest::<Policy>(
            DocKind::CommunicationPolicy,
            Owner::User(who.user_id),
            "policy",
        )
        .await?
        .map_or(0, |v| v.version);
    let policy = policy_of(&state, who.stamp, who.user_id).await?;
    page(
        &state,
        c,
        who.user_id,
        from_policy(&policy, version),
        Vec::new(),
        q.saved.is_some(),
    )
    .await
}

pub async fn save(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, PageError> {
    let mut f = Fields {
        version: -1,
        offered: false,
        time_zone: String::new(),
        week: vec![(String::new(), String::new()); 7],
        reply_within_days: String::new(),
        max_length: String::new(),
        away: vec![(String::new(), String::new(), None); AWAY_ROWS],
    };
    for (k, v) in url::form_urlencoded::parse(&body) {
        let v = v.into_owned();
        match k.as_ref() {
            "version" => f.version = v.parse().unwrap_or(-1),
            "offered" => f.offered = v == "yes",
            "time_zone" => f.time_zone = v,
            "reply_within_days" => f.reply_within_days = v,
            "max_length" => f.max_length = v,
            k => {
                if let Some((field, idx)) = k.rsplit_once('-') {
                    if let Some(d) = WEEKDAYS.iter().position(|d| *d == idx) {
                        match field {
                            "opens" => f.week[d].0 = v,
                            "closes" => f.week[d].1 = v,
                            _ => {}
                        }
                    } else if let Ok(i) = idx.parse::<usize>() {
                        if i < AWAY_ROWS {
                            match field {
                                "away_from" => f.away[i].0 = v,
                                "away_until" => f.away[i].1 = v,
                                "covering" => f.away[i].2 = v.parse().ok(),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
    }
    if f.version < 0 {
        return Err(PageError::new(StatusCode::BAD_REQUEST, "error-bad-request"));
    }
    let mut week = [("", ""); 7];
    for (i, (o, cl)) in f.week.iter().enumerate() {
        week[i] = (o.as_str(), cl.as_str());
    }
    let form = PolicyForm {
        offered: f.offered,
        time_zone: &f.time_zone,
        week,
        reply_within_days: &f.reply_within_days,
        max_length: &f.max_length,
        away: f
            .away
            .iter()
            .map(|(a, b, cov)| (a.as_str(), b.as_str(), *cov))
            .collect(),
    };
    let policy = match Policy::parse(&form) {
        Ok(p) => p,
        Err(es) => {
            let errors = es.iter().map(|e| message(&c, e)).collect();
            return page(&state, c, who.user_id, f, errors, false).await;
        }
    };
    state
        .docs
        .save(
            DocKind::CommunicationPolicy,
            Owner::User(who.user_id),
            "policy",
            f.version,
            &policy,
            Some(who.user_id),
        )
        .await?;
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "messaging.policy.update",
            None,
            &format!("user:{}", who.user_id),
        )
        .await?;
    Ok(Redirect::to("/messaging/policy?saved=1").into_response())
}
