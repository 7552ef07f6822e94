//! CE and credential words for people, all through Fluent. Each key is written out in full so
//! the i18n test finds it.

use alcove_domain::ce::{
    ActivityError, CeCategory, CeFormat, CeStatus, DateError, HoursError, TextError,
};
use alcove_domain::licensure::{Compact, Credential, CredentialKind, Grant};

use super::CertError;
use fluent_templates::fluent_bundle::FluentValue;

use crate::i18n::Tr;

pub fn category(tr: &Tr, c: CeCategory) -> String {
    match c {
        CeCategory::Ethics => tr.t("ce-cat-ethics"),
        CeCategory::LawsAndRules => tr.t("ce-cat-laws-and-rules"),
        CeCategory::Technology => tr.t("ce-cat-technology"),
        CeCategory::Clinical => tr.t("ce-cat-clinical"),
        CeCategory::CulturalCompetence => tr.t("ce-cat-cultural-competence"),
        CeCategory::ImplicitBias => tr.t("ce-cat-implicit-bias"),
        CeCategory::SuicidePrevention => tr.t("ce-cat-suicide-prevention"),
        CeCategory::DomesticViolence => tr.t("ce-cat-domestic-violence"),
        CeCategory::ChildAbuse => tr.t("ce-cat-child-abuse"),
        CeCategory::HumanTrafficking => tr.t("ce-cat-human-trafficking"),
        CeCategory::MedicalErrors => tr.t("ce-cat-medical-errors"),
        CeCategory::SubstanceUse => tr.t("ce-cat-substance-use"),
        CeCategory::Supervision => tr.t("ce-cat-supervision"),
        CeCategory::Other => tr.t("ce-cat-other"),
    }
}

pub fn format(tr: &Tr, f: CeFormat) -> String {
    match f {
        CeFormat::LiveInPerson => tr.t("ce-format-live-in-person"),
        CeFormat::LiveOnline => tr.t("ce-format-live-online"),
        CeFormat::SelfStudy => tr.t("ce-format-self-study"),
        CeFormat::AcademicCourse => tr.t("ce-format-academic-course"),
        CeFormat::Presenting => tr.t("ce-format-presenting"),
    }
}

pub fn status(tr: &Tr, s: CeStatus) -> String {
    match s {
        CeStatus::Met => tr.t("ce-status-met"),
        CeStatus::OnTrack => tr.t("ce-status-on-track"),
        CeStatus::ShortfallWarning => tr.t("ce-status-shortfall-warning"),
        CeStatus::LapsedCycle => tr.t("ce-status-lapsed-cycle"),
    }
}

/// A line of text's problem (also used by the liability-cover form).
pub fn text_error(tr: &Tr, e: &TextError) -> String {
    match e {
        TextError::Empty => tr.t("ce-err-empty"),
        TextError::TooLong { max } => tr.tn(
            "ce-err-too-long",
            &[("max", FluentValue::from(*max as i64))],
        ),
        TextError::ControlCharacters => tr.t("ce-err-one-line"),
    }
}

/// A form field's problem in words, without the field's name (it sits next to the field).
pub fn activity_error(tr: &Tr, e: &ActivityError) -> String {
    match e {
        ActivityError::Provider(t)
        | ActivityError::ProviderApprovalNumber(t)
        | ActivityError::Title(t) => text_error(tr, t),
        ActivityError::CompletedOn(DateError::NotADate(_)) => tr.t("ce-err-date"),
        ActivityError::CompletedOn(DateError::InTheFuture { today, .. }) => {
            tr.t1("ce-err-future", "today", today)
        }
        ActivityError::Hours(HoursError::NotANumber(_)) => tr.t("ce-err-hours-number"),
        ActivityError::Hours(HoursError::TooPrecise(_)) => tr.t("ce-err-hours-precise"),
        ActivityError::Hours(HoursError::NotPositive) => tr.t("ce-err-hours-positive"),
        ActivityError::Hours(HoursError::TooMany { max, .. }) => {
            tr.t1("ce-err-hours-too-many", "max", max)
        }
        ActivityError::Category(_) => tr.t("ce-err-category"),
        ActivityError::Format(_) => tr.t("ce-err-format"),
    }
}

pub fn certificate_error(tr: &Tr, e: &CertError) -> String {
    match e {
        CertError::Empty => tr.t("ce-err-cert-empty"),
        CertError::TooLarge { bytes } => tr.t1("ce-err-cert-too-large", "size", mib(*bytes)),
        CertError::NotAllowed => tr.t("ce-err-cert-type"),
    }
}

/// A size in MiB: whole when it is (`5`), else with one decimal (`5.2`).
pub fn mib(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes.checked_rem(MIB) == Some(0) {
        (bytes / MIB).to_string()
    } else {
        format!("{:.1}", bytes as f64 / MIB as f64)
    }
}

/// A form field's label, for the error summary ("Hours: …").
pub fn field(tr: &Tr, field: &str) -> String {
    match field {
        "provider" => tr.t("ce-provider"),
        "provider_approval_number" => tr.t("ce-approval-number"),
        "title" => tr.t("ce-activity-title"),
        "completed_on" => tr.t("ce-completed-on"),
        "hours" => tr.t("ce-hours"),
        "category" => tr.t("ce-category"),
        "format" => tr.t("ce-format"),
        "counts_towards" => tr.t("ce-counts-towards"),
        _ => tr.t("ce-certificate"),
    }
}

fn kind_word(tr: &Tr, k: CredentialKind) -> String {
    match k {
        CredentialKind::License => tr.t("credential-kind-license"),
        CredentialKind::CompactPrivilege => tr.t("credential-kind-compact-privilege"),
        CredentialKind::CompactAuthorization => tr.t("credential-kind-compact-authorization"),
        CredentialKind::TemporaryPermit => tr.t("credential-kind-temporary-permit"),
    }
}

fn compact_name(tr: &Tr, c: Compact) -> String {
    match c {
        Compact::Counseling => tr.t("compact-counseling"),
        Compact::Psypact => tr.t("compact-psypact"),
        Compact::SocialWork => tr.t("compact-social-work"),
    }
}

/// A credential as people name it: "LICSW licence", or "licence" when it has no title.
pub fn credential(tr: &Tr, c: &Credential) -> String {
    let kind = kind_word(tr, c.kind());
    match c.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => tr.tn(
            "credential-titled",
            &[
                ("title", FluentValue::from(title.to_owned())),
                ("kind", FluentValue::from(kind)),
            ],
        ),
        None => kind,
    }
}

/// Where a credential lets its holder see clients: a jurisdiction code, or for a compact
/// authorisation the compact's member states.
pub fn place(tr: &Tr, c: &Credential) -> String {
    match &c.grant {
        Grant::License { jurisdiction }
        | Grant::TemporaryPermit { jurisdiction, .. }
        | Grant::CompactPrivilege { jurisdiction, .. } => jurisdiction.to_string(),
        Grant::CompactAuthorization { compact, .. } => tr.t1(
            "compact-member-states",
            "compact",
            compact_name(tr, *compact),
        ),
    }
}
