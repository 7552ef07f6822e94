//! The CE activity form: every field's problem at once, and the certificate file's checks.

use alcove_domain::ce::{ActivityError, ActivityForm, CeActivity};
use chrono::NaiveDate;

use super::{CertKind, CertificateMeta, CERTIFICATE_MAX_BYTES};
use crate::upload::MultipartForm;

/// The form's text fields as sent, kept to show them again next to their errors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormInput {
    pub provider: String,
    pub provider_approval_number: String,
    pub title: String,
    pub completed_on: String,
    pub hours: String,
    pub category: String,
    pub format: String,
    /// `JURISDICTION|NUMBER` of the licence it counts towards; empty for every licence.
    pub counts_towards: String,
}

impl FormInput {
    pub fn from_multipart(f: &MultipartForm) -> Self {
        Self {
            provider: f.text("provider").to_owned(),
            provider_approval_number: f.text("provider_approval_number").to_owned(),
            title: f.text("title").to_owned(),
            completed_on: f.text("completed_on").to_owned(),
            hours: f.text("hours").to_owned(),
            category: f.text("category").to_owned(),
            format: f.text("format").to_owned(),
            counts_towards: f.text("counts_towards").to_owned(),
        }
    }

    fn as_form(&self) -> ActivityForm<'_> {
        ActivityForm {
            provider: &self.provider,
            provider_approval_number: &self.provider_approval_number,
            title: &self.title,
            completed_on: &self.completed_on,
            hours: &self.hours,
            category: &self.category,
            format: &self.format,
        }
    }

    /// Puts a value the parser accepts into one field, to look past its error to the next.
    fn stand_in(&mut self, field: &str, today: NaiveDate) {
        match field {
            "provider" => self.provider = "-".into(),
            "provider_approval_number" => self.provider_approval_number.clear(),
            "title" => self.title = "-".into(),
            "completed_on" => self.completed_on = today.to_string(),
            "hours" => self.hours = "1".into(),
            "category" => self.category = "other".into(),
            _ => self.format = "self_study".into(),
        }
    }
}

/// Checks the form with the domain's parser and returns every field's problem, in form order,
/// not just the first: the parser stops at the first bad field, so each bad field in turn is
/// given a stand-in value and the parser asked again (at most once per field).
pub fn check(input: &FormInput, today: NaiveDate) -> Result<CeActivity, Vec<ActivityError>> {
    let mut errors: Vec<ActivityError> = Vec::new();
    let mut probe = input.clone();
    loop {
        match CeActivity::parse(&probe.as_form(), today) {
            Ok(a) if errors.is_empty() => return Ok(a),
            Ok(_) => return Err(errors),
            Err(e) => {
                let field = e.field();
                if errors.iter().any(|seen| seen.field() == field) {
                    // A stand-in the parser refused: never loop.
                    return Err(errors);
                }
                probe.stand_in(field, today);
                errors.push(e);
            }
        }
    }
}

/// Why a certificate file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {bytes} bytes; the most is {CERTIFICATE_MAX_BYTES}")]
    TooLarge { bytes: usize },
    #[error("the file is not a PDF, PNG or JPEG")]
    NotAllowed,
}

/// A certificate must be a PDF, PNG or JPEG by its content, and at most 5 MiB.
pub fn check_certificate(bytes: &[u8]) -> Result<CertificateMeta, CertError> {
    if bytes.is_empty() {
        return Err(CertError::Empty);
    }
    if bytes.len() > CERTIFICATE_MAX_BYTES {
        return Err(CertError::TooLarge { bytes: bytes.len() });
    }
    let kind = CertKind::sniff(bytes).ok_or(CertError::NotAllowed)?;
    Ok(CertificateMeta {
        kind,
        bytes: bytes.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_bad_field_is_reported_in_form_order() {
        let input = FormInput {
            provider: "".into(),
            provider_approval_number: "".into(),
            title: "Telehealth ethics".into(),
            completed_on: "2027-01-01".into(),
            hours: "lots".into(),
            category: "ethics".into(),
            format: "webinar".into(),
            counts_towards: String::new(),
        };
        let errs = check(&input, day("2026-11-23")).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(ActivityError::field).collect();
        assert_eq!(fields, ["provider", "completed_on", "hours", "format"]);
    }

    #[test]
    fn a_good_form_parses() {
        let input = FormInput {
            provider: "NASW".into(),
            provider_approval_number: "886".into(),
            title: "Ethics online".into(),
            completed_on: "2026-11-01".into(),
            hours: "3".into(),
            category: "technology".into(),
            format: "live_online".into(),
            counts_towards: String::new(),
        };
        let a = check(&input, day("2026-11-23")).unwrap();
        assert_eq!(a.hours().to_string(), "3");
    }

    #[test]
    fn certificates_are_typed_by_their_first_bytes() {
        assert_eq!(
            check_certificate(b"%PDF-1.7\n...").map(|m| m.kind),
            Ok(CertKind::Pdf)
        );
        assert_eq!(
            check_certificate(b"\x89PNG\r\n\x1a\n\0\0").map(|m| m.kind),
            Ok(CertKind::Png)
        );
        assert_eq!(
            check_certificate(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).map(|m| m.kind),
            Ok(CertKind::Jpeg)
        );
        assert_eq!(
            check_certificate(b"<html>%PDF-1.7"),
            Err(CertError::NotAllowed)
        );
        assert_eq!(check_certificate(b"PK\x03\x04"), Err(CertError::NotAllowed));
        assert_eq!(check_certificate(b""), Err(CertError::Empty));
        let big = [b"%PDF-".as_slice(), &vec![b' '; CERTIFICATE_MAX_BYTES]].concat();
        assert_eq!(
            check_certificate(&big),
            Err(CertError::TooLarge { bytes: big.len() })
        );
    }
}
