//! The public "Contact me" form (seed 001): anyone may write to a clinician under any name,
//! with a reply address only if they want one. It is not a clinical channel, and the form
//! and the inbox both say so.

use serde::{Deserialize, Serialize};

use crate::Email;

pub const MAX_NAME: usize = 100;
pub const MAX_MESSAGE: usize = 4000;

/// A message as received, after checking. Nothing here identifies the sender unless they
/// chose to: no account, no network address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMessage {
    /// The name the sender chose (any name: a pseudonym is welcome).
    pub name: String,
    pub reply_to: Option<Email>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("name: choose any name to sign with (a made-up one is fine)")]
    NameMissing,
    #[error("name: at most {MAX_NAME} characters")]
    NameTooLong,
    #[error("reply_to: {0}")]
    ReplyTo(crate::EmailError),
    #[error("message: write a message")]
    MessageMissing,
    #[error("message: at most {MAX_MESSAGE} characters")]
    MessageTooLong,
}

impl ContactError {
    pub fn field(&self) -> &'static str {
        match self {
            ContactError::NameMissing | ContactError::NameTooLong => "name",
            ContactError::ReplyTo(_) => "reply_to",
            ContactError::MessageMissing | ContactError::MessageTooLong => "message",
        }
    }
}

/// Control characters other than line breaks are dropped: they are never text a person typed.
fn clean(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

impl ContactMessage {
    /// Checks every field; all problems are returned at once.
    pub fn parse(name: &str, reply_to: &str, message: &str) -> Result<Self, Vec<ContactError>> {
        let mut errors = Vec::new();
        let name = clean(name);
        if name.is_empty() {
            errors.push(ContactError::NameMissing);
        } else if name.chars().count() > MAX_NAME {
            errors.push(ContactError::NameTooLong);
        }
        let reply_to = match reply_to.trim() {
            "" => None,
            s => match s.parse::<Email>() {
                Ok(e) => Some(e),
                Err(e) => {
                    errors.push(ContactError::ReplyTo(e));
                    None
                }
            },
        };
        let message = clean(&message.replace("\r\n", "\n"));
        if message.is_empty() {
            errors.push(ContactError::MessageMissing);
        } else if message.chars().count() > MAX_MESSAGE {
            errors.push(ContactError::MessageTooLong);
        }
        if errors.is_empty() {
            Ok(ContactMessage {
                name,
                reply_to,
                message,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudonym_and_no_reply_address_are_enough() {
        let m = ContactMessage::parse("  Blue Heron ", "", "I saw your post and felt uneasy.\r\n")
            .unwrap();
        assert_eq!(m.name, "Blue Heron");
        assert_eq!(m.reply_to, None);
        assert_eq!(m.message, "I saw your post and felt uneasy.");
    }

    #[test]
    fn each_problem_names_its_field() {
        let errs = ContactMessage::parse("", "not-an-address", " ").unwrap_err();
        let fields: Vec<_> = errs.iter().map(ContactError::field).collect();
        assert_eq!(fields, vec!["name", "reply_to", "message"]);
        let long = "x".repeat(MAX_MESSAGE + 1);
        assert_eq!(
            ContactMessage::parse("A", "", &long).unwrap_err(),
            vec![ContactError::MessageTooLong]
        );
        assert_eq!(
            ContactMessage::parse(&"n".repeat(MAX_NAME + 1), "", "hi").unwrap_err(),
            vec![ContactError::NameTooLong]
        );
    }

    #[test]
    fn control_characters_are_not_kept() {
        let m = ContactMessage::parse("A\u{7}B", "", "line one\nline\u{0} two").unwrap();
        assert_eq!(m.name, "AB");
        assert_eq!(m.message, "line one\nline two");
    }
}
