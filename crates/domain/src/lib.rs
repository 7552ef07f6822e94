//! Alcove's domain: the rules the seeds state, as types and pure functions.
//!
//! Nothing here performs I/O or reads the clock; time is passed in through [`clock::Clock`].

pub mod age;
pub mod assessment;
pub mod ce;
pub mod clock;
pub mod communication;
pub mod consent;
pub mod contact;
pub mod email;
pub mod emergency;
pub mod encounter;
pub mod ids;
pub mod instruments;
pub mod intake;
pub mod jurisdiction;
pub mod liability;
pub mod licensure;
pub mod listings;
pub mod onboarding;
pub mod password;
pub mod phone;
pub mod policy;
pub mod profile;
pub mod readability;
pub mod risk;
pub mod role;
pub mod scheduling;
pub mod transmission;

pub use clock::{Clock, ManualClock};
pub use email::{Email, EmailError};
pub use ids::{AppointmentId, ClientId, MessageId, PeerId, ThreadId, UserId};
pub use jurisdiction::{Jurisdiction, JurisdictionError};
pub use role::{Role, RoleError};
