//! Who is calling, and what they may do.
//!
//! The identity middleware ([`session::resolve_identity`]) turns a cookie or bearer token into an
//! [`Identity`] once per request. Handlers never look at cookies: they ask for an extractor
//! ([`extract::Actor`], a role guard, or a care-relation capability) that says what they need.

pub mod care;
pub mod extract;
pub mod session;
pub mod sign_in;
pub mod throttle;

use alcove_domain::{Role, UserId};
use alcove_store::SessionRecord;

/// A resolved, valid session.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user_id: UserId,
    pub name: String,
    pub role: Role,
    pub session: SessionRecord,
    /// Staff who have not yet passed (or set up) their second factor.
    pub mfa_pending: bool,
    pub has_totp: bool,
    /// The database's change stamp, read with the session at the start of this request: what
    /// this request may take from memory (`services::recent`).
    pub stamp: crate::services::Stamp,
}
