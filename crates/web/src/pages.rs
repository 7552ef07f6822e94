//! What every page shares: language, practice name, who is signed in, the form token.

use alcove_domain::Role;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;

use crate::auth::extract::CsrfToken;
use crate::auth::Identity;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;

#[derive(Clone, Debug)]
pub struct NavUser {
    pub name: String,
    pub role: Role,
    pub complete: bool,
}

/// The frame around each page.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub tr: Tr,
    pub practice: String,
    pub user: Option<NavUser>,
    pub csrf: String,
}

impl Chrome {
    /// For error pages rendered outside a request's context.
    pub fn bare(tr: Tr) -> Self {
        Self {
            tr,
            practice: String::new(),
            user: None,
            csrf: String::new(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.tr.t1(key, name, value)
    }

    /// Two named arguments, e.g. `c.t2("policy-version-line", "version", 2, "date", d)`.
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl ToString,
        n2: &str,
        v2: impl ToString,
    ) -> String {
        self.tr.t2(key, (n1, v1), (n2, v2))
    }

    /// A message with a `$count` that picks its plural form.
    pub fn tcount(&self, key: &str, count: impl std::borrow::Borrow<usize>) -> String {
        self.tr
            .tn(key, &[("count", (*count.borrow() as u64).into())])
    }

    pub fn lang(&self) -> String {
        self.tr.lang()
    }

    pub fn role_is(&self, role: &str) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.complete && u.role.as_str() == role)
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// Role names as people read them.
    pub fn role_label(&self, role: &str) -> String {
        self.tr.t(&format!("role-{role}"))
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tr = Tr::from_request_parts(parts, state).await?;
        let user = parts.extensions.get::<Identity>().map(|i| NavUser {
            name: i.name.clone(),
            role: i.role,
            complete: !i.mfa_pending,
        });
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        Ok(Self {
            tr,
            practice: state.config.practice_name.clone(),
            user,
            csrf,
        })
    }
}

pub fn render(t: &impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(t.render()?))
}

/// Formats a time for people: UTC, to the minute, with the zone named.
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
