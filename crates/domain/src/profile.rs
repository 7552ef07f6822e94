//! A clinician's public profile (Standard 6, identification): how to reach them, what they
//! offer, in which languages, and the other way to reach them when technology fails.
//! Licences are not here: they come from the credentials register, so the profile cannot
//! claim what the register does not hold.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::licensure::Profession;
use crate::Email;

/// The most a free-text field of the profile may hold, in characters.
pub const MAX_TEXT: usize = 600;

/// A telephone number as people write it. Kept as written, checked for plausibility:
/// 7 to 15 digits (E.164's maximum), an optional leading `+`, common separators, and an
/// optional extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For a `tel:` link: the leading `+` and the digits, without the extension.
    pub fn dial(&self) -> String {
        let main = split_extension(&self.0).0;
        let mut out = String::new();
        if main.trim_start().starts_with('+') {
            out.push('+');
        }
        out.extend(main.chars().filter(char::is_ascii_digit));
        out
    }
}

fn split_extension(s: &str) -> (&str, Option<&str>) {
    let lower = s.to_ascii_lowercase();
    for mark in ["ext.", "ext", "x"] {
        if let Some(i) = lower.find(mark) {
            return (&s[..i], Some(&s[i + mark.len()..]));
        }
    }
    (s, None)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number is needed")]
    Empty,
    #[error("a phone number has 7 to 15 digits, e.g. +1 617 555 0100")]
    Malformed,
}

impl FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, PhoneError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (main, ext) = split_extension(s);
        let main_ok = main
            .trim()
            .trim_start_matches('+')
            .chars()
            .all(|c| c.is_ascii_digit() || " -.()".contains(c));
        let digits = main.chars().filter(char::is_ascii_digit).count();
        let ext_ok = ext.is_none_or(|e| {
            let e = e.trim();
            !e.is_empty() && e.len() <= 6 && e.chars().all(|c| c.is_ascii_digit())
        });
        if !main_ok || !(7..=15).contains(&digits) || !ext_ok || main.matches('+').count() > 1 {
            return Err(PhoneError::Malformed);
        }
        Ok(Phone(s.to_string()))
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(s: String) -> Result<Self, PhoneError> {
        s.parse()
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The services a clinician may list. Each names the professions whose scope includes it:
/// a clinician lists only what their licence covers, and says how they were trained for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    IndividualTherapy,
    CouplesTherapy,
    FamilyTherapy,
    GroupTherapy,
    ChildAdolescentTherapy,
    SubstanceUseCounseling,
    PsychologicalAssessment,
    ClinicalSupervision,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::IndividualTherapy,
        Service::CouplesTherapy,
        Service::FamilyTherapy,
        Service::GroupTherapy,
        Service::ChildAdolescentTherapy,
        Service::SubstanceUseCounseling,
        Service::PsychologicalAssessment,
        Service::ClinicalSupervision,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::IndividualTherapy => "individual_therapy",
            Service::CouplesTherapy => "couples_therapy",
            Service::FamilyTherapy => "family_therapy",
            Service::GroupTherapy => "group_therapy",
            Service::ChildAdolescentTherapy => "child_adolescent_therapy",
            Service::SubstanceUseCounseling => "substance_use_counseling",
            Service::PsychologicalAssessment => "psychological_assessment",
            Service::ClinicalSupervision => "clinical_supervision",
        }
    }

    pub fn parse(s: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the profession's scope of practice includes the service. Standardised
    /// psychological testing is reserved to psychologists in US practice acts; the rest is
    /// within every listed profession's scope, given training.
    pub fn within_scope_of(self, profession: Profession) -> bool {
        match self {
            Service::PsychologicalAssessment => profession == Profession::Psychology,
            _ => true,
        }
    }
}

/// Languages a clinician may offer sessions in (a closed list so each has a translated name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Language {
    #[serde(rename = "en")]
    English,
    #[serde(rename = "es")]
    Spanish,
    #[serde(rename = "fr")]
    French,
    #[serde(rename = "pt")]
    Portuguese,
    #[serde(rename = "zh")]
    Chinese,
    #[serde(rename = "vi")]
    Vietnamese,
    #[serde(rename = "ar")]
    Arabic,
    #[serde(rename = "ru")]
    Russian,
    #[serde(rename = "ko")]
    Korean,
    #[serde(rename = "ht")]
    HaitianCreole,
    #[serde(rename = "tl")]
    Tagalog,
    #[serde(rename = "ase")]
    AmericanSignLanguage,
}

impl Language {
    pub const ALL: [Language; 12] = [
        Language::English,
        Language::Spanish,
        Language::French,
        Language::Portuguese,
        Language::Chinese,
        Language::Vietnamese,
        Language::Arabic,
        Language::Russian,
        Language::Korean,
        Language::HaitianCreole,
        Language::Tagalog,
        Language::AmericanSignLanguage,
    ];

    /// The BCP 47 tag.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
            Language::French => "fr",
            Language::Portuguese => "pt",
            Language::Chinese => "zh",
            Language::Vietnamese => "vi",
            Language::Arabic => "ar",
            Language::Russian => "ru",
            Language::Korean => "ko",
            Language::HaitianCreole => "ht",
            Language::Tagalog => "tl",
            Language::AmericanSignLanguage => "ase",
        }
    }

    pub fn parse(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A service offered, with how the clinician was trained for it (shown publicly).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offered {
    pub service: Service,
    pub training: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The practice address as it should be printed (several lines).
    pub address: String,
    pub phone: Phone,
    /// The public contact address (not necessarily the sign-in address).
    pub email: Email,
    pub services: Vec<Offered>,
    pub languages: Vec<Language>,
    /// How clients reach the clinician when the video or the portal fails (Standard 6).
    pub alternate_contact: String,
    /// Where the clinician practises from (Standard 5: both the client's jurisdiction and
    /// the clinician's own may regulate a session).
    #[serde(default)]
    pub practice_jurisdiction: Option<crate::Jurisdiction>,
}

/// What the profile form sends, as text. `services` pairs each ticked service with its
/// training line; `languages` are codes.
#[derive(Clone, Debug, Default)]
pub struct ProfileForm<'a> {
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub services: Vec<(&'a str, &'a str)>,
    pub languages: Vec<&'a str>,
    pub alternate_contact: &'a str,
    /// An ISO 3166-2 code, or empty.
    pub practice_jurisdiction: &'a str,
}

/// Each problem names its field, so the form can show it beside that field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("address: the practice address is needed")]
    AddressMissing,
    #[error("{field}: at most {MAX_TEXT} characters")]
    TooLong { field: &'static str },
    #[error("phone: {0}")]
    Phone(PhoneError),
    #[error("email: {0}")]
    Email(crate::EmailError),
    #[error("services: {0} is not a service this product knows")]
    UnknownService(String),
    #[error("services: {service} is outside the scope of a {profession} licence")]
    OutOfScope {
        service: &'static str,
        profession: &'static str,
    },
    #[error("services: no services can be listed before a licence is in the credentials register")]
    NoLicence,
    #[error("services: say how you were trained for {0}")]
    TrainingMissing(&'static str),
    #[error("languages: {0} is not a language this product knows")]
    UnknownLanguage(String),
    #[error("languages: at least one language is needed")]
    NoLanguage,
    #[error("alternate_contact: say how clients reach you if the technology fails")]
    AlternateMissing,
    #[error("practice_jurisdiction: {0}")]
    Jurisdiction(crate::JurisdictionError),
}

impl ProfileError {
    /// The form field the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            ProfileError::AddressMissing => "address",
            ProfileError::TooLong { field } => field,
            ProfileError::Phone(_) => "phone",
            ProfileError::Email(_) => "email",
            ProfileError::UnknownService(_)
            | ProfileError::OutOfScope { .. }
            | ProfileError::NoLicence
            | ProfileError::TrainingMissing(_) => "services",
            ProfileError::UnknownLanguage(_) | ProfileError::NoLanguage => "languages",
            ProfileError::AlternateMissing => "alternate_contact",
            ProfileError::Jurisdiction(_) => "practice_jurisdiction",
        }
    }
}

fn text(field: &'static str, s: &str) -> Result<String, ProfileError> {
    let s = s.trim();
    if s.chars().count() > MAX_TEXT {
        return Err(ProfileError::TooLong { field });
    }
    // Line breaks are kept (an address has lines); other control characters are not text.
    Ok(s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .replace("\r", ""))
}

impl Profile {
    /// Checks a submitted profile against the clinician's profession (from the credentials
    /// register; `None` when they hold no credential yet). Every problem found is returned.
    pub fn parse(
        form: &ProfileForm<'_>,
        profession: Option<Profession>,
    ) -> Result<Profile, Vec<ProfileError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, ProfileError>| match r {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        };
        let address = keep(text("address", form.address));
        let alternate_contact = keep(text("alternate_contact", form.alternate_contact));
        if address.is_empty() && !errors.iter().any(|e| e.field() == "address") {
            errors.push(ProfileError::AddressMissing);
        }
        if alternate_contact.is_empty() && !errors.iter().any(|e| e.field() == "alternate_contact")
        {
            errors.push(ProfileError::AlternateMissing);
        }
        let phone = form
            .phone
            .parse::<Phone>()
            .map_err(|e| errors.push(ProfileError::Phone(e)))
            .ok();
        let email = form
            .email
            .parse::<Email>()
            .map_err(|e| errors.push(ProfileError::Email(e)))
            .ok();

        let mut services: Vec<Offered> = Vec::new();
        for (name, training) in &form.services {
            let Some(service) = Service::parse(name) else {
                errors.push(ProfileError::UnknownService(
                    name.chars().take(40).collect(),
                ));
                continue;
            };
            if services.iter().any(|o| o.service == service) {
                continue;
            }
            match profession {
                None => {
                    if !errors.contains(&ProfileError::NoLicence) {
                        errors.push(ProfileError::NoLicence);
                    }
                    continue;
                }
                Some(p) if !service.within_scope_of(p) => {
                    errors.push(ProfileError::OutOfScope {
                        service: service.as_str(),
                        profession: p.as_str(),
                    });
                    continue;
                }
                Some(_) => {}
            }
            match text("services", training) {
                Ok(t) if t.is_empty() => {
                    errors.push(ProfileError::TrainingMissing(service.as_str()))
                }
                Ok(training) => services.push(Offered { service, training }),
                Err(e) => errors.push(e),
            }
        }
        services.sort_by_key(|o| o.service);

        let mut languages = Vec::new();
        for code in &form.languages {
            match Language::parse(code) {
                Some(l) if !languages.contains(&l) => languages.push(l),
                Some(_) => {}
                None => errors.push(ProfileError::UnknownLanguage(
                    code.chars().take(12).collect(),
                )),
            }
        }
        languages.sort();
        if languages.is_empty() && form.languages.is_empty() {
            errors.push(ProfileError::NoLanguage);
        }

        let practice_jurisdiction = match form.practice_jurisdiction.trim() {
            "" => None,
            code => code
                .to_uppercase()
                .parse::<crate::Jurisdiction>()
                .map_err(|e| errors.push(ProfileError::Jurisdiction(e)))
                .ok(),
        };

        match (phone, email) {
            (Some(phone), Some(email)) if errors.is_empty() => Ok(Profile {
                address,
                phone,
                email,
                services,
                languages,
                alternate_contact,
                practice_jurisdiction,
            }),
            _ => Err(errors),
        }
    }

    /// Services the profile lists that the clinician's current profession does not cover
    /// (e.g. after a credentials change): shown to the clinician, hidden from the public.
    pub fn out_of_scope(&self, profession: Option<Profession>) -> Vec<Service> {
        self.services
            .iter()
            .map(|o| o.service)
            .filter(|s| profession.is_none_or(|p| !s.within_scope_of(p)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProfileForm<'static> {
        ProfileForm {
            address: "12 Elm St\nSuite 3\nBoston, MA 02110",
            phone: "+1 (617) 555-0100",
            email: "dana@practice.example",
            services: vec![("individual_therapy", "MSW, 2015; CBT certificate 2018")],
            languages: vec!["en", "es"],
            alternate_contact: "If the video drops I call you at the number you confirmed.",
            practice_jurisdiction: "US-MA",
        }
    }

    #[test]
    fn a_complete_profile_parses_and_keeps_the_address_lines() {
        let p = Profile::parse(&form(), Some(Profession::SocialWork)).unwrap();
        assert_eq!(p.address.lines().count(), 3);
        assert_eq!(p.phone.dial(), "+16175550100");
        assert_eq!(p.languages, vec![Language::English, Language::Spanish]);
        assert_eq!(p.services.len(), 1);
    }

    #[test]
    fn phone_numbers_are_checked_for_plausibility() {
        for ok in [
            "617-555-0100",
            "+44 20 7946 0958",
            "(617) 555.0100 ext. 12",
            "6175550100x3",
        ] {
            assert!(ok.parse::<Phone>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "555",
            "call me",
            "+1 617 555 0100 ext",
            "1234567890123456",
            "++16175550100",
        ] {
            assert!(bad.parse::<Phone>().is_err(), "{bad}");
        }
        assert_eq!(
            "(617) 555.0100 ext. 12".parse::<Phone>().unwrap().dial(),
            "6175550100"
        );
    }

    #[test]
    fn assessment_is_only_for_psychologists_and_needs_a_licence() {
        let mut f = form();
        f.services = vec![("psychological_assessment", "Doctoral training")];
        let errs = Profile::parse(&f, Some(Profession::SocialWork)).unwrap_err();
        assert_eq!(
            errs,
            vec![ProfileError::OutOfScope {
                service: "psychological_assessment",
                profession: "social_work"
            }]
        );
        assert!(Profile::parse(&f, Some(Profession::Psychology)).is_ok());
        assert_eq!(
            Profile::parse(&f, None).unwrap_err(),
            vec![ProfileError::NoLicence]
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let f = ProfileForm {
            address: " ",
            phone: "nope",
            email: "x",
            services: vec![("astrology", ""), ("couples_therapy", " ")],
            languages: vec!["xx"],
            alternate_contact: "",
            practice_jurisdiction: "Boston",
        };
        let errs = Profile::parse(&f, Some(Profession::Counseling)).unwrap_err();
        let fields: Vec<_> = errs.iter().map(ProfileError::field).collect();
        for field in [
            "address",
            "phone",
            "email",
            "services",
            "languages",
            "alternate_contact",
            "practice_jurisdiction",
        ] {
            assert!(fields.contains(&field), "{field} missing from {errs:?}");
        }
        assert!(errs.contains(&ProfileError::TrainingMissing("couples_therapy")));
    }

    #[test]
    fn over_long_text_is_refused_not_cut() {
        let long = "a".repeat(MAX_TEXT + 1);
        let mut f = form();
        f.alternate_contact = &long;
        let errs = Profile::parse(&f, Some(Profession::SocialWork)).unwrap_err();
        assert_eq!(
            errs,
            vec![ProfileError::TooLong {
                field: "alternate_contact"
            }]
        );
    }

    #[test]
    fn a_licence_change_shows_which_listed_services_fall_out_of_scope() {
        let mut f = form();
        f.services.push(("psychological_assessment", "PhD"));
        let p = Profile::parse(&f, Some(Profession::Psychology)).unwrap();
        assert_eq!(
            p.out_of_scope(Some(Profession::Counseling)),
            vec![Service::PsychologicalAssessment]
        );
        assert!(p.out_of_scope(Some(Profession::Psychology)).is_empty());
    }
}
