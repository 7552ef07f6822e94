//! Extractors that say what a handler needs. A handler that takes [`Actor`] cannot run for an
//! anonymous caller; one that takes a role guard cannot run for another role; one that takes a
//! capability from `messaging` cannot run unless the caller is on that client's care team.

use alcove_domain::Role;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::session::is_api;
use super::Identity;
use crate::error::{ApiError, PageError};

/// Why a request was turned away, rendered for the surface it came from.
#[derive(Debug)]
pub struct Denied {
    pub api: bool,
    pub why: Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    SignedOut,
    SecondFactorPending,
    Forbidden,
    /// Not there, or not yours: the two are deliberately indistinguishable.
    NotFound,
    Internal,
}

impl Denied {
    pub fn from_parts(parts: &Parts, why: Why) -> Self {
        Self {
            api: is_api(parts.uri.path()),
            why,
        }
    }
}

impl IntoResponse for Denied {
    fn into_response(self) -> Response {
        if self.api {
            return match self.why {
                Why::SignedOut => ApiError::unauthorized(),
                Why::SecondFactorPending => ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "mfa_required",
                    "This account needs a code from its authenticator app.",
                ),
                Why::Forbidden => ApiError::forbidden(),
                Why::NotFound => ApiError::not_found(),
                Why::Internal => ApiError::internal(),
            }
            .into_response();
        }
        match self.why {
            Why::SignedOut => Redirect::to("/sign-in").into_response(),
            Why::SecondFactorPending => Redirect::to("/sign-in/code").into_response(),
            Why::Forbidden => PageError::forbidden().into_response(),
            Why::NotFound => PageError::not_found().into_response(),
            Why::Internal => PageError::internal().into_response(),
        }
    }
}

/// A signed-in caller who has passed every factor their account requires.
#[derive(Clone, Debug)]
pub struct Actor(pub Identity);

impl std::ops::Deref for Actor {
    type Target = Identity;
    fn deref(&self) -> &Identity {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Denied> {
        match parts.extensions.get::<Identity>() {
            None => Err(Denied::from_parts(parts, Why::SignedOut)),
            Some(id) if id.mfa_pending => Err(Denied::from_parts(parts, Why::SecondFactorPending)),
            Some(id) => Ok(Actor(id.clone())),
        }
    }
}

/// A signed-in caller who may still owe their second factor: only the code and enrolment pages take this.
#[derive(Clone, Debug)]
pub struct PendingActor(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for PendingActor {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Denied> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(PendingActor)
            .ok_or_else(|| Denied::from_parts(parts, Why::SignedOut))
    }
}

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, [$($role:path),+]) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub Identity);

        impl std::ops::Deref for $name {
            type Target = Identity;
            fn deref(&self) -> &Identity { &self.0 }
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Denied;
            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Denied> {
                let Actor(id) = Actor::from_request_parts(parts, state).await?;
                if matches!(id.role, $($role)|+) {
                    Ok($name(id))
                } else {
                    Err(Denied::from_parts(parts, Why::Forbidden))
                }
            }
        }
    };
}

role_guard!(
    /// A client, in their own portal.
    ClientActor,
    [Role::Client]
);
role_guard!(
    /// A clinician (ownership of a particular client is checked separately).
    ClinicianActor,
    [Role::Clinician]
);
role_guard!(SupervisorActor, [Role::Supervisor]);
role_guard!(
    /// Staff who keep the practice's public face (its online listings): clinicians and admins.
    PracticeStaffActor,
    [Role::Clinician, Role::Admin]
);
role_guard!(AdminActor, [Role::Admin]);
role_guard!(
    /// Auditors read the log and compliance reports, never clinical content.
    AuditorActor,
    [Role::Auditor]
);
role_guard!(
    /// Anyone who may ever see clinical content, subject to the care-relation check.
    ClinicalActor,
    [Role::Client, Role::Clinician]
);

/// The CSRF token a form must carry, put in place by the CSRF middleware.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = Denied;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Denied> {
        parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .ok_or_else(|| Denied::from_parts(parts, Why::Internal))
    }
}

/// The peer's network address, for sign-in throttling only (hashed before it is stored).
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| address_label(c.0.ip()))
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(ClientAddr(addr))
    }
}

/// The address a throttle counts: IPv4 as is, IPv6 by its /64 (one user usually holds a whole
/// /64, so counting single addresses would give an attacker 2^64 of them).
pub fn address_label(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let seg = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", seg[0], seg[1], seg[2], seg[3])
        }
        ip => ip.to_canonical().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::address_label;

    #[test]
    fn ipv6_addresses_are_counted_by_their_slash_64_and_ipv4_as_is() {
        let a = address_label("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address_label("2001:db8:1:2:bbbb:cccc:dddd:eeee".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, address_label("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(address_label("192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(
            address_label("::ffff:192.0.2.7".parse().unwrap()),
            "192.0.2.7"
        );
    }
}
