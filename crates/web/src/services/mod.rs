//! Services that combine the store and the keys: everything that encrypts, decrypts
//! or appends to the audit log goes through these, so the rules live in one place.

pub mod audit_log;
pub mod keyring;

pub use audit_log::AuditLog;
pub use keyring::{Keyring, KeyringError};
