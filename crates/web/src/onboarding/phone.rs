//! Phone verification (issue 5, part 2; Standard 6: identification and verification).
//!
//! `/me/contact`: the client's verified email, and the phone number they want to be reached
//! on. Entering a number (parsed and checked with `domain::phone`) sends a random 6-digit code
//! through the practice's SMS gateway (`services::sms`, `ALCOVE_SMS`). The code is kept only
//! as a salted hash in a `PhoneCode` document (sealed with the client's key) with its expiry
//! (10 minutes), the wrong tries left (5) and the send times (one a minute, five an hour).
//! Entering the right code saves the number and `phone_verified_at` in the client's details,
//! which completes the "contact verified" step of readiness. Every send, failed try and
//! verification is audited; the code and the number are never in the audit log.

use alcove_domain::phone::{CodeError, PhoneChallenge, PhoneError, PhoneNumber, ResendError};
use alcove_domain::ClientId;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use rand::Rng;
use serde::Deserialize;

use super::identity::{save_details, ClientDetails, DETAILS_KEY};
use crate::auth::extract::ClientActor;
use crate::auth::Identity;
use crate::error::PageError;
use crate::pages::{render, when, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

/// The document key of a client's current phone challenge.
pub const CODE_KEY: &str = "phone";

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/me/contact", page)
        .post("/me/contact", send_code)
        .post("/me/contact/verify", verify)
}

async fn me(state: &AppState, who: &Identity) -> Result<ClientId, PageError> {
    Ok(state
        .store
        .client_by_user(who.user_id)
        .await?
        .ok_or_else(PageError::not_found)?
        .id)
}

#[derive(Template)]
#[template(path = "onboarding/contact.html")]
struct ContactPage {
    c: Chrome,
    email: String,
    email_verified: Option<String>,
    phone: Option<String>,
    phone_verified: Option<String>,
    /// A code is waiting to be entered: (masked number, E.164, expires at).
    pending: Option<(String, String, String)>,
    sms_enabled: bool,
    entered_phone: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn details(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<ClientDetails>>, PageError> {
    Ok(state
        .docs
        .latest::<ClientDetails>(DocKind::ClientDetails, Owner::Client(client), DETAILS_KEY)
        .await?)
}

async fn challenge(
    state: &AppState,
    client: ClientId,
) -> Result<Option<Version<PhoneChallenge>>, PageError> {
    Ok(state
        .docs
        .latest::<PhoneChallenge>(DocKind::PhoneCode, Owner::Client(client), CODE_KEY)
        .await?)
}

async fn show(
    state: &AppState,
    who: &Identity,
    c: Chrome,
    entered_phone: String,
    notice: Option<String>,
    error: Option<String>,
) -> Result<ContactPage, PageError> {
    let client = me(state, who).await?;
    let user = state.store.user_by_id(who.user_id).await?;
    let d = details(state, client).await?.map(|v| v.value);
    let now = state.clock.now();
    let pending = challenge(state, client).await?.and_then(|v| {
        let ch = v.value;
        (ch.verified_at.is_none()
            && now < ch.expires_at
            && ch.failed_attempts < alcove_domain::phone::MAX_ATTEMPTS)
            .then(|| {
                (
                    ch.phone.masked(),
                    ch.phone.as_str().to_owned(),
                    when(&ch.expires_at),
                )
            })
    });
    Ok(ContactPage {
        email: user.email.as_str().to_owned(),
        email_verified: d
            .as_ref()
            .and_then(|d| d.email_verified_at)
            .map(|t| when(&t)),
        phone: d.as_ref().and_then(|d| d.phone.clone()),
        phone_verified: d
            .as_ref()
            .and_then(|d| d.phone_verified_at)
            .map(|t| when(&t)),
        pending,
        sms_enabled: state.sms.enabled(),
        entered_phone,
        notice,
        error,
        c,
    })
}

#[derive(Deserialize)]
pub struct Done {
    sent: Option<String>,
    verified: Option<String>,
}

/// The client's contact details and the phone verification forms.
pub async fn page(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let notice = if q.verified.is_some() {
        Some(c.t("contact-phone-verified-notice"))
    } else if q.sent.is_some() {
        Some(c.t("contact-code-sent"))
    } else {
        None
    };
    let page = show(&state, &who, c, String::new(), notice, None).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
}

fn phone_error_key(e: &PhoneError) -> &'static str {
    match e {
        PhoneError::Missing => "contact-error-phone-missing",
        PhoneError::Unparsable => "contact-error-phone-unparsable",
        PhoneError::Invalid => "contact-error-phone-invalid",
    }
}

/// Sends a new code to the number given (also "send a new code" for the pending number).
pub async fn send_code(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<PhoneForm>,
) -> Result<Response, PageError> {
    let client = me(&state, &who).await?;
    let refuse = |status: StatusCode, c: Chrome, msg: String| {
        let state = state.clone();
        let who = who.clone();
        let entered = f.phone.clone();
        async move {
            let page = show(&state, &who, c, entered, None, Some(msg)).await?;
            Ok::<Response, PageError>((status, render(&page)?).into_response())
        }
    };
    if !state.sms.enabled() {
        let msg = c.t("contact-sms-off");
        return refuse(StatusCode::SERVICE_UNAVAILABLE, c, msg).await;
    }
    let phone = match PhoneNumber::parse(&f.phone) {
        Ok(p) => p,
        Err(e) => {
            let msg = c.t(phone_error_key(&e));
            return refuse(StatusCode::UNPROCESSABLE_ENTITY, c, msg).await;
        }
    };
    let now = state.clock.now();
    let previous = challenge(&state, client).await?;
    let (code, salt) = {
        let mut rng = rand::rngs::OsRng;
        let code = format!("{:06}", rng.gen_range(0..1_000_000u32));
        let salt: [u8; 16] = rng.gen();
        (code, hex::encode(salt))
    };
    let next = match PhoneChallenge::issue(
        phone.clone(),
        &code,
        &salt,
        previous.as_ref().map(|v| &v.value),
        now,
    ) {
        Ok(n) => n,
        Err(e) => {
            let msg = match e {
                ResendError::TooSoon { seconds } => c.t1("contact-error-wait", "seconds", seconds),
                ResendError::HourlyLimit { minutes } => {
                    c.t1("contact-error-hourly", "minutes", minutes)
                }
            };
            return refuse(StatusCode::TOO_MANY_REQUESTS, c, msg).await;
        }
    };
    // Saved before sending, so the resend limits count even a send that fails.
    match state
        .docs
        .save(
            DocKind::PhoneCode,
            Owner::Client(client),
            CODE_KEY,
            previous.as_ref().map_or(0, |v| v.version),
            &next,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => {}
        Err(DocError::Changed) => {
            let msg = c.t1("contact-error-wait", "seconds", 60);
            return refuse(StatusCode::TOO_MANY_REQUESTS, c, msg).await;
        }
        Err(e) => return Err(e.into()),
    }
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "phone.code_sent",
            Some(client),
            &format!("client:{client}:phone"),
        )
        .await?;
    let text = c.tr.tn(
        "sms-phone-code",
        &[
            ("practice", state.config.practice_name.clone().into()),
            ("code", code.clone().into()),
            (
                "minutes",
                (alcove_domain::phone::CODE_VALID_MINUTES as u64).into(),
            ),
        ],
    );
    if let Err(e) = state.sms.send(&phone, &text).await {
        tracing::warn!(gateway = state.sms.name(), client = %client, error = %e, "verification text not sent");
        let msg = c.t("contact-error-not-sent");
        return refuse(StatusCode::BAD_GATEWAY, c, msg).await;
    }
    Ok(Redirect::to("/me/contact?sent=1").into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Checks the code; the right one verifies the number.
pub async fn verify(
    ClientActor(who): ClientActor,
    c: Chrome,
    State(state): State<AppState>,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let client = me(&state, &who).await?;
    let now = state.clock.now();
    let Some(v) = challenge(&state, client).await? else {
        let msg = c.t("contact-error-no-code");
        let page = show(&state, &who, c, String::new(), None, Some(msg)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let mut ch = v.value;
    let result = ch.check(&f.code, now);
    let counted = !matches!(
        result,
        Err(CodeError::Malformed) | Err(CodeError::AlreadyVerified)
    );
    if counted {
        match state
            .docs
            .save(
                DocKind::PhoneCode,
                Owner::Client(client),
                CODE_KEY,
                v.version,
                &ch,
                Some(who.user_id),
            )
            .await
        {
            Ok(_) => {}
            // Another try landed meanwhile: this one is not counted twice, nor accepted.
            Err(DocError::Changed) => {
                let msg = c.t("contact-error-try-again");
                let page = show(&state, &who, c, String::new(), None, Some(msg)).await?;
                return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let by = By::User(who.user_id, who.role);
    let object = format!("client:{client}:phone");
    match result {
        Ok(()) => {
            let current = details(&state, client).await?;
            let (after, mut d) = match current {
                Some(v) => (v.version, v.value),
                None => {
                    let user = state.store.user_by_id(who.user_id).await?;
                    (
                        0,
                        ClientDetails {
                            legal_name: user.name,
                            preferred_name: None,
                            date_of_birth: None,
                            invited_at: None,
                            account_created_at: None,
                            email_verified_at: None,
                            phone: None,
                            phone_verified_at: None,
                        },
                    )
                }
            };
            d.phone = Some(ch.phone.as_str().to_owned());
            d.phone_verified_at = Some(now);
            save_details(&state, client, after, &d, who.user_id).await?;
            state
                .audit
                .record(by, "phone.verified", Some(client), &object)
                .await?;
            Ok(Redirect::to("/me/contact?verified=1").into_response())
        }
        Err(e) => {
            if counted {
                state
                    .audit
                    .record(by, "phone.code_rejected", Some(client), &object)
                    .await?;
            }
            let msg = match e {
                CodeError::Malformed => c.t("contact-error-code-malformed"),
                CodeError::Wrong { left } => c.t1("contact-error-code-wrong", "left", left),
                CodeError::TooManyAttempts => c.t("contact-error-code-attempts"),
                CodeError::Expired => c.t("contact-error-code-expired"),
                CodeError::AlreadyVerified => c.t("contact-error-code-used"),
            };
            let page = show(&state, &who, c, String::new(), None, Some(msg)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}
