//! Alcove's domain: the rules the seeds state, as types and pure functions.
//!
//! Nothing here performs I/O or reads the clock; time is passed in through [`clock::Clock`].

pub mod clock;
pub mod email;
pub mod ids;
pub mod instruments;
pub mod jurisdiction;
pub mod licensure;
pub mod risk;
pub mod role;

pub use clock::{Clock, ManualClock};
pub use email::{Email, EmailError};
pub use ids::{ClientId, MessageId, ThreadId, UserId};
pub use jurisdiction::{Jurisdiction, JurisdictionError};
pub use role::{Role, RoleError};
