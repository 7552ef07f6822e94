//! Signing in and out on the web. The rules themselves live in `auth::sign_in`, shared with the API.

use alcove_store::{SessionKind, User};
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::auth::extract::{ClientAddr, PendingActor};
use crate::auth::session::{self, clear_session_cookie, session_cookie};
use crate::auth::sign_in::{check_code, check_password, record_success, Outcome, SignInError};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/sign-in", form)
        .post("/sign-in", submit)
        .get("/sign-in/code", code_form)
        .post("/sign-in/code", code_submit)
        .post("/sign-out", sign_out)
}

#[derive(Template)]
#[template(path = "sign_in/form.html")]
struct SignInPage {
    c: Chrome,
    email: String,
    error: Option<String>,
}

pub async fn form(c: Chrome) -> Result<Html<String>, PageError> {
    render(&SignInPage {
        c,
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn with_cookie(to: &str, cookie: axum::http::HeaderValue) -> Response {
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    r
}

async fn begin(state: &AppState, user: &User, complete: bool) -> Result<String, PageError> {
    let (tok, _) = session::start(state, user, SessionKind::Web, complete).await?;
    if complete {
        record_success(state, user, "web").await?;
    }
    Ok(tok)
}

pub async fn submit(
    State(state): State<AppState>,
    c: Chrome,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<SignInForm>,
) -> Result<Response, PageError> {
    let again = |c: Chrome, key: &str, status: StatusCode| -> Result<Response, PageError> {
        let error = Some(c.t(key));
        Ok((
            status,
            render(&SignInPage {
                c,
                email: f.email.clone(),
                error,
            })?,
        )
            .into_response())
    };
    match check_password(&state, &f.email, &f.password, &addr).await {
        Ok(Outcome::SignedIn(user)) => Ok(with_cookie(
            "/home",
            session_cookie(&state, &begin(&state, &user, true).await?),
        )),
        Ok(Outcome::CodeNeeded(user)) => Ok(with_cookie(
            "/sign-in/code",
            session_cookie(&state, &begin(&state, &user, false).await?),
        )),
        Ok(Outcome::MustEnrol(user)) => Ok(with_cookie(
            "/account/two-factor",
            session_cookie(&state, &begin(&state, &user, false).await?),
        )),
        Err(SignInError::BadCredentials | SignInError::BadCode) => {
            again(c, "sign-in-failed", StatusCode::UNAUTHORIZED)
        }
        Err(SignInError::Throttled(secs)) => {
            let mut r = again(c, "sign-in-throttled", StatusCode::TOO_MANY_REQUESTS)?;
            r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            Ok(r)
        }
        Err(SignInError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "sign_in/code.html")]
struct CodePage {
    c: Chrome,
    error: Option<String>,
}

pub async fn code_form(PendingActor(who): PendingActor, c: Chrome) -> Result<Response, PageError> {
    if !who.mfa_pending {
        return Ok(Redirect::to("/home").into_response());
    }
    if !who.has_totp {
        return Ok(Redirect::to("/account/two-factor").into_response());
    }
    Ok(render(&CodePage { c, error: None })?.into_response())
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn code_submit(
    PendingActor(who): PendingActor,
    State(state): State<AppState>,
    c: Chrome,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    if !who.mfa_pending {
        return Ok(Redirect::to("/home").into_response());
    }
    let user = state.store.user_by_id(who.user_id).await?;
    match check_code(&state, &user, &f.code, &addr).await {
        Ok(()) => {
            // A new token once the second factor is passed: the half-signed-in one is retired.
            state.store.delete_session(&who.session.token_hash).await?;
            let tok = begin(&state, &user, true).await?;
            Ok(with_cookie("/home", session_cookie(&state, &tok)))
        }
        Err(SignInError::Throttled(secs)) => {
            let error = Some(c.t("sign-in-throttled"));
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                render(&CodePage { c, error })?,
            )
                .into_response();
            r.headers_mut().insert(header::RETRY_AFTER, secs.into());
            Ok(r)
        }
        Err(SignInError::BadCode | SignInError::BadCredentials) => {
            let error = Some(c.t("sign-in-code-failed"));
            Ok((StatusCode::UNAUTHORIZED, render(&CodePage { c, error })?).into_response())
        }
        Err(SignInError::Store(e)) => Err(e.into()),
    }
}

pub async fn sign_out(
    PendingActor(who): PendingActor,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    state.store.delete_session(&who.session.token_hash).await?;
    Ok(with_cookie("/", clear_session_cookie(&state)))
}
