//! Every user-facing string goes through Fluent (`locales/<lang>/main.ftl`).

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would end up inside attributes and e-mail subjects.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A translator for one request's language.
#[derive(Clone, Debug)]
pub struct Tr {
    lang: LanguageIdentifier,
}

impl Default for Tr {
    fn default() -> Self {
        Self {
            lang: "en".parse().expect("static language tag"),
        }
    }
}

impl Tr {
    /// Picks the first supported language from an `Accept-Language` header value.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let supported: Vec<&LanguageIdentifier> = LOCALES.locales().collect();
        let wanted = accept_language.unwrap_or("").split(',').filter_map(|part| {
            let tag = part.split(';').next()?.trim();
            tag.parse::<LanguageIdentifier>().ok()
        });
        for w in wanted {
            if let Some(l) = supported.iter().find(|l| l.language == w.language) {
                return Self { lang: (*l).clone() };
            }
        }
        Self::default()
    }

    pub fn lang(&self) -> String {
        self.lang.to_string()
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.lang, key)
    }

    /// One named argument, e.g. `tr.t1("signed-in-as", "name", "Dana")`.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(
            Cow::Owned(name.to_owned()),
            FluentValue::from(value.to_string()),
        );
        LOCALES.lookup_with_args(&self.lang, key, &args)
    }

    /// Two named arguments, e.g. `tr.t2("edt-choice", "channel", "Email", "purpose", "reminders")`.
    pub fn t2(
        &self,
        key: &str,
        (n1, v1): (&str, impl ToString),
        (n2, v2): (&str, impl ToString),
    ) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Owned(n1.to_owned()), FluentValue::from(v1.to_string()));
        args.insert(Cow::Owned(n2.to_owned()), FluentValue::from(v2.to_string()));
        LOCALES.lookup_with_args(&self.lang, key, &args)
    }

    /// Several named arguments; numbers stay numbers so Fluent can pick plural forms,
    /// e.g. `tr.tn("mail-credential-expiring-body", &[("days", 30u32.into()), ...])`.
    pub fn tn(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(&self.lang, key, &args)
    }

    /// Whether a key exists (used by the completeness test).
    pub fn has(&self, key: &str) -> bool {
        LOCALES.try_lookup(&self.lang, key).is_some()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let al = parts
            .headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Ok(Tr::negotiate(al))
    }
}
