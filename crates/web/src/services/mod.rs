//! Services that combine the store and the keys: everything that encrypts, decrypts
//! or appends to the audit log goes through these, so the rules live in one place.

pub mod audit_log;
pub mod documents;
pub mod keyring;
pub mod mailer;
pub mod once_per;
pub mod recent;
pub mod sms;

pub use audit_log::AuditLog;
pub use documents::{DocError, Documents, Version};
pub use keyring::{Keyring, KeyringError};
pub use mailer::{MailError, MailTransport, Mailer, Notification};
pub use once_per::OncePer;
pub use recent::{Recent, Stamp};
pub use sms::{Sms, SmsGateway};
