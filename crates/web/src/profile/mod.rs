//! A clinician's public profile (Standard 6): they keep their contact details, services,
//! languages and the alternate way to reach them; the public reads them at
//! `/clinicians/{slug}` next to the licences from the credentials register.

use alcove_domain::licensure::Profession;
use alcove_domain::profile::{Language, Profile, ProfileError, ProfileForm, Service};
use alcove_domain::UserId;
use alcove_store::{DocKind, Owner};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::extract::ClinicianActor;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::routes::RouteTable;
use crate::services::audit_log::By;
use crate::services::{DocError, Version};
use crate::state::AppState;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/profile", edit)
        .post("/profile", save)
}

const KEY: &str = "profile";

/// The clinician's profile as last saved, if they have one.
pub async fn profile_of(
    state: &AppState,
    clinician: UserId,
) -> Result<Option<Version<Profile>>, DocError> {
    state
        .docs
        .latest(DocKind::ClinicianProfile, Owner::User(clinician), KEY)
        .await
}

/// The profession on the clinician's credentials, which decides what they may offer.
async fn profession_of(
    state: &AppState,
    clinician: UserId,
) -> Result<Option<Profession>, PageError> {
    Ok(crate::licensure::credentials_of(state, clinician)
        .await?
        .map(|c| c.profession()))
}

/// One tick-box row of the form.
pub struct ServiceRow {
    pub code: &'static str,
    pub checked: bool,
    pub training: String,
    pub in_scope: bool,
}

pub struct LanguageRow {
    pub code: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "profile/edit.html")]
struct EditPage {
    c: Chrome,
    version: i64,
    address: String,
    phone: String,
    email: String,
    alternate: String,
    practice_jurisdiction: String,
    services: Vec<ServiceRow>,
    languages: Vec<LanguageRow>,
    /// (field, message) for each problem, shown beside its field.
    errors: Vec<(&'static str, String)>,
    saved: bool,
    slug: String,
}

impl EditPage {
    fn error_for(&self, field: &str) -> Option<&String> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
    }
}

struct Submitted {
    version: i64,
    address: String,
    phone: String,
    email: String,
    alternate: String,
    practice_jurisdiction: String,
    services: Vec<(String, String)>,
    languages: Vec<String>,
}

fn rows(
    profession: Option<Profession>,
    services: &[(String, String)],
    languages: &[String],
) -> (Vec<ServiceRow>, Vec<LanguageRow>) {
    let s = Service::ALL
        .into_iter()
        .map(|s| {
            let picked = services.iter().find(|(code, _)| code == s.as_str());
            ServiceRow {
                code: s.as_str(),
                checked: picked.is_some(),
                training: picked.map(|(_, t)| t.clone()).unwrap_or_default(),
                in_scope: profession.is_some_and(|p| s.within_scope_of(p)),
            }
        })
        .collect();
    let l = Language::ALL
        .into_iter()
        .map(|l| LanguageRow {
            code: l.code(),
            checked: languages.iter().any(|c| c == l.code()),
        })
        .collect();
    (s, l)
}

fn message(c: &Chrome, e: &ProfileError) -> String {
    match e {
        ProfileError::AddressMissing => c.t("profile-error-address"),
        ProfileError::TooLong { .. } => c.t1(
            "profile-error-too-long",
            "max",
            alcove_domain::profile::MAX_TEXT,
        ),
        ProfileError::Phone(_) => c.t("profile-error-phone"),
        ProfileError::Email(_) => c.t("profile-error-email"),
        ProfileError::UnknownService(_) => c.t("profile-error-unknown"),
        ProfileError::OutOfScope { service, .. } => c.t1(
            "profile-error-scope",
            "service",
            c.t(&format!("service-{service}")),
        ),
        ProfileError::NoLicence => c.t("profile-error-no-licence"),
        ProfileError::TrainingMissing(service) => c.t1(
            "profile-error-training",
            "service",
            c.t(&format!("service-{service}")),
        ),
        ProfileError::UnknownLanguage(_) => c.t("profile-error-unknown"),
        ProfileError::NoLanguage => c.t("profile-error-language"),
        ProfileError::AlternateMissing => c.t("profile-error-alternate"),
        ProfileError::Jurisdiction(_) => c.t("profile-error-jurisdiction"),
    }
}

async fn page(
    state: &AppState,
    c: Chrome,
    who: UserId,
    form: Submitted,
    errors: Vec<ProfileError>,
    saved: bool,
) -> Result<Response, PageError> {
    let profession = profession_of(state, who).await?;
    let (services, languages) = rows(profession, &form.services, &form.languages);
    let slug = state.store.user_by_id(who).await?.slug.unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = errors.iter().map(|e| (e.field(), message(&c, e))).collect();
    let p = EditPage {
        c,
        version: form.version,
        address: form.address,
        phone: form.phone,
        email: form.email,
        alternate: form.alternate,
        practice_jurisdiction: form.practice_jurisdiction,
        services,
        languages,
        errors,
        saved,
        slug,
    };
    Ok((status, render(&p)?).into_response())
}

fn from_saved(v: Option<Version<Profile>>) -> Submitted {
    match v {
        None => Submitted {
            version: 0,
            address: String::new(),
            phone: String::new(),
            email: String::new(),
            alternate: String::new(),
            practice_jurisdiction: String::new(),
            services: Vec::new(),
            languages: Vec::new(),
        },
        Some(v) => Submitted {
            version: v.version,
            address: v.value.address,
            phone: v.value.phone.to_string(),
            email: v.value.email.to_string(),
            alternate: v.value.alternate_contact,
            practice_jurisdiction: v
                .value
                .practice_jurisdiction
                .map(|j| j.to_string())
                .unwrap_or_default(),
            services: v
                .value
                .services
                .into_iter()
                .map(|o| (o.service.as_str().to_owned(), o.training))
                .collect(),
            languages: v
                .value
                .languages
                .into_iter()
                .map(|l| l.code().to_owned())
                .collect(),
        },
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn edit(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, PageError> {
    let current = profile_of(&state, who.user_id).await?;
    page(
        &state,
        c,
        who.user_id,
        from_saved(current),
        Vec::new(),
        q.saved.is_some(),
    )
    .await
}

/// The form repeats `service` and `language`, which a plain `Form` cannot hold, so the
/// body is read as pairs.
fn parse_body(body: &[u8]) -> Submitted {
    let mut f = from_saved(None);
    let mut trainings: Vec<(String, String)> = Vec::new();
    let mut ticked: Vec<String> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "version" => f.version = v.trim().parse().unwrap_or(-1),
            "address" => f.address = v,
            "phone" => f.phone = v,
            "email" => f.email = v,
            "alternate_contact" => f.alternate = v,
            "practice_jurisdiction" => f.practice_jurisdiction = v,
            "service" => ticked.push(v),
            "language" => f.languages.push(v),
            k => {
                if let Some(code) = k.strip_prefix("training-") {
                    trainings.push((code.to_owned(), v));
                }
            }
        }
    }
    f.services = ticked
        .into_iter()
        .map(|code| {
            let t = trainings
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (code, t)
        })
        .collect();
    f
}

pub async fn save(
    ClinicianActor(who): ClinicianActor,
    c: Chrome,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = parse_body(&body);
    let profession = profession_of(&state, who.user_id).await?;
    let form = ProfileForm {
        address: &f.address,
        phone: &f.phone,
        email: &f.email,
        services: f
            .services
            .iter()
            .map(|(s, t)| (s.as_str(), t.as_str()))
            .collect(),
        languages: f.languages.iter().map(String::as_str).collect(),
        alternate_contact: &f.alternate,
        practice_jurisdiction: &f.practice_jurisdiction,
    };
    let profile = match Profile::parse(&form, profession) {
        Ok(p) => p,
        Err(errors) => return page(&state, c, who.user_id, f, errors, false).await,
    };
    if f.version < 0 {
        return Err(PageError::new(StatusCode::BAD_REQUEST, "error-bad-request"));
    }
    match state
        .docs
        .save(
            DocKind::ClinicianProfile,
            Owner::User(who.user_id),
            KEY,
            f.version,
            &profile,
            Some(who.user_id),
        )
        .await
    {
        Ok(_) => {}
        Err(DocError::Changed) => {
            return Err(PageError::new(StatusCode::CONFLICT, "error-changed"));
        }
        Err(e) => return Err(e.into()),
    }
    state
        .audit
        .record(
            By::User(who.user_id, who.role),
            "profile.update",
            None,
            &format!("user:{}", who.user_id),
        )
        .await?;
    Ok(Redirect::to("/profile?saved=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Tr;

    #[test]
    fn every_service_and_language_has_a_name() {
        let tr = Tr::default();
        for s in Service::ALL {
            assert!(tr.has(&format!("service-{}", s.as_str())), "{s:?}");
        }
        for l in Language::ALL {
            assert!(tr.has(&format!("language-{}", l.code())), "{l:?}");
        }
    }
}
