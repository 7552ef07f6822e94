//! The check-in before every session (issue 6; Standard 5, seed 002).
//!
//! The client attests, at the moment of joining, where they are now, that they are somewhere
//! private where they can speak freely, the number to call if the connection drops, and that
//! their emergency contact is still right. The licensure engine then runs on the attested
//! location at that instant: the session may start only on an allowed decision, and the
//! decision (with its basis or its reason) is what both sides are shown.

use chrono::{DateTime, Utc};

use crate::licensure::{may_practise, Credentials, Decision, Registry};
use crate::profile::{Phone, PhoneError};
use crate::{Jurisdiction, JurisdictionError};

/// The check-in form as text.
#[derive(Clone, Debug, Default)]
pub struct CheckInForm<'a> {
    pub jurisdiction: &'a str,
    /// Only when different from the address in the emergency plan.
    pub address: &'a str,
    pub private_place: bool,
    pub fallback_phone: &'a str,
    pub emergency_contact_confirmed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckIn {
    pub location: Jurisdiction,
    pub address: Option<String>,
    pub fallback_phone: Phone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInError {
    #[error("jurisdiction: {0}")]
    Jurisdiction(JurisdictionError),
    #[error("address: at most 300 characters")]
    Address,
    #[error("private_place: a session starts only once you are somewhere private where you can speak freely")]
    NotPrivate,
    #[error("fallback_phone: {0}")]
    Phone(PhoneError),
    #[error("emergency_contact_confirmed: confirm your emergency contact, or update your emergency plan first")]
    ContactUnconfirmed,
}

impl CheckInError {
    pub fn field(&self) -> &'static str {
        match self {
            CheckInError::Jurisdiction(_) => "jurisdiction",
            CheckInError::Address => "address",
            CheckInError::NotPrivate => "private_place",
            CheckInError::Phone(_) => "fallback_phone",
            CheckInError::ContactUnconfirmed => "emergency_contact_confirmed",
        }
    }
}

impl CheckIn {
    /// Every problem, each naming its field.
    pub fn parse(f: &CheckInForm<'_>) -> Result<CheckIn, Vec<CheckInError>> {
        let mut errors = Vec::new();
        let location = f
            .jurisdiction
            .trim()
            .to_ascii_uppercase()
            .parse::<Jurisdiction>()
            .map_err(|e| errors.push(CheckInError::Jurisdiction(e)))
            .ok();
        let address = f.address.trim();
        if address.chars().count() > 300 {
            errors.push(CheckInError::Address);
        }
        if !f.private_place {
            errors.push(CheckInError::NotPrivate);
        }
        let fallback_phone = f
            .fallback_phone
            .parse::<Phone>()
            .map_err(|e| errors.push(CheckInError::Phone(e)))
            .ok();
        if !f.emergency_contact_confirmed {
            errors.push(CheckInError::ContactUnconfirmed);
        }
        match (location, fallback_phone) {
            (Some(location), Some(fallback_phone)) if errors.is_empty() => Ok(CheckIn {
                location,
                address: (!address.is_empty()).then(|| address.to_owned()),
                fallback_phone,
            }),
            _ => Err(errors),
        }
    }

    /// Standard 5 at the moment of joining: may this clinician see the client where they
    /// say they are now?
    pub fn licensure(
        &self,
        clinician: &Credentials,
        registry: &Registry,
        at: DateTime<Utc>,
    ) -> Decision {
        may_practise(clinician, registry, &self.location, at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>() -> CheckInForm<'a> {
        CheckInForm {
            jurisdiction: "us-ma",
            address: "",
            private_place: true,
            fallback_phone: "+1 617 555 0100",
            emergency_contact_confirmed: true,
        }
    }

    fn massachusetts_licence(registry: &Registry) -> Credentials {
        Credentials::parse(
            r#"{"profession":"counseling","credentials":[
                {"kind":"license","jurisdiction":"US-MA","number":"LMHC-1","expires":"2027-06-30"}]}"#,
            registry,
        )
        .expect("valid credentials")
    }

    #[test]
    fn a_complete_check_in_in_a_licensed_state_may_start_on_that_licence() {
        let registry = Registry::builtin().unwrap();
        let c = CheckIn::parse(&form()).unwrap();
        assert_eq!(c.location.as_str(), "US-MA");
        let at = DateTime::parse_from_rfc3339("2026-12-07T15:00:00Z")
            .unwrap()
            .to_utc();
        let d = c.licensure(&massachusetts_licence(&registry), &registry, at);
        assert!(d.is_allowed(), "{:?}", d);
        assert_eq!(d.basis().unwrap().to_json()["jurisdiction"], "US-MA");
    }

    #[test]
    fn a_client_travelling_to_an_unlicensed_state_is_told_why_and_what_would_allow_it() {
        let registry = Registry::builtin().unwrap();
        let c = CheckIn::parse(&CheckInForm {
            jurisdiction: "US-CO",
            ..form()
        })
        .unwrap();
        let at = DateTime::parse_from_rfc3339("2026-12-07T15:00:00Z")
            .unwrap()
            .to_utc();
        let d = c.licensure(&massachusetts_licence(&registry), &registry, at);
        let json = d.to_json();
        assert_eq!(json["allowed"], false);
        assert!(json["reason"].as_str().unwrap().contains("US-CO"), "{json}");
        assert!(
            json["would_allow"].as_str().unwrap().contains("US-CO"),
            "{json}"
        );
    }

    #[test]
    fn no_session_starts_without_privacy_a_phone_and_a_confirmed_contact() {
        let errors = CheckIn::parse(&CheckInForm {
            jurisdiction: "Massachusetts",
            address: "",
            private_place: false,
            fallback_phone: "call me",
            emergency_contact_confirmed: false,
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(CheckInError::field).collect();
        assert_eq!(
            fields,
            [
                "jurisdiction",
                "private_place",
                "fallback_phone",
                "emergency_contact_confirmed"
            ]
        );
    }
}
