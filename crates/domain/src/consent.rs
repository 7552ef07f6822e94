//! Consent documents, signatures, and release-of-information authorisations.
//!
//! Seed 000: "Have an informed-consent discussion with the patient and document it in the
//! record." Seed 002: clients "must be made aware of their rights, the potential
//! limitations, and risks"; "use clear, written agreements". Standard 7: "obtain client
//! confirmation of notice of privacy practices and any authorizations for information
//! disclosure and consents for treatment". Standard 8: "document client authorization for
//! disclosure and informed consent". Standard 2: written so it is easily understood (the
//! shipped texts are grade 8 or below by [`crate::readability`]; a test checks it).
//!
//! A [`ConsentDocument`] is one version of one kind of document: title, text, version
//! number and the SHA-256 hash of exactly those ([`ContentHash`]). A [`Signature`] names
//! the kind, version and hash it was given to, so a changed text is a new version and must
//! be signed again before the next session (see [`crate::onboarding`]). A
//! [`ReleaseAuthorisation`] says who may receive what and why, until when, and can be
//! revoked at any time; its text is rendered from the release template with those details
//! filled in, so its signature covers them.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest document text, in characters.
pub const MAX_BODY: usize = 100_000;
/// Longest typed signer name and release field, in characters.
pub const MAX_FIELD: usize = 500;

/// The kinds of document a client signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKind {
    /// Informed consent to online therapy (telehealth).
    TelehealthInformedConsent,
    /// Confirmation that the client received the notice of privacy practices.
    PrivacyNoticeAcknowledgment,
    /// An authorisation to disclose information to someone (see [`ReleaseAuthorisation`]).
    ReleaseOfInformation,
}

impl ConsentKind {
    pub const ALL: [ConsentKind; 3] = [
        ConsentKind::TelehealthInformedConsent,
        ConsentKind::PrivacyNoticeAcknowledgment,
        ConsentKind::ReleaseOfInformation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentKind::TelehealthInformedConsent => "telehealth_informed_consent",
            ConsentKind::PrivacyNoticeAcknowledgment => "privacy_notice_acknowledgment",
            ConsentKind::ReleaseOfInformation => "release_of_information",
        }
    }

    /// Plain words for sentences: "consent to online therapy".
    pub fn label(self) -> &'static str {
        match self {
            ConsentKind::TelehealthInformedConsent => "consent to online therapy",
            ConsentKind::PrivacyNoticeAcknowledgment => {
                "acknowledgment of the notice of privacy practices"
            }
            ConsentKind::ReleaseOfInformation => "release-of-information authorisation",
        }
    }
}

impl FromStr for ConsentKind {
    type Err = ConsentError;
    fn from_str(s: &str) -> Result<Self, ConsentError> {
        ConsentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| ConsentError::UnknownKind(s.chars().take(40).collect()))
    }
}

impl fmt::Display for ConsentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A SHA-256 hash of a document version, shown as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The hash of a document version. The bytes hashed are, in UTF-8:
    ///
    /// ```text
    /// alcove-consent-v1 LF <kind> LF <version in decimal> LF <title> LF <text>
    /// ```
    ///
    /// where the title is one line and the text is the whole rest, with its line endings
    /// as LF. Anyone with the signed text can recompute it, e.g.
    /// `printf 'alcove-consent-v1\ntelehealth_informed_consent\n1\n%s\n%s' "$TITLE" "$TEXT" | sha256sum`.
    pub fn of(kind: ConsentKind, version: u32, title: &str, body: &str) -> ContentHash {
        let mut h = Sha256::new();
        h.update(b"alcove-consent-v1\n");
        h.update(kind.as_str().as_bytes());
        h.update(b"\n");
        h.update(version.to_string().as_bytes());
        h.update(b"\n");
        h.update(title.as_bytes());
        h.update(b"\n");
        h.update(body.as_bytes());
        ContentHash(h.finalize().into())
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

impl FromStr for ContentHash {
    type Err = ConsentError;
    fn from_str(s: &str) -> Result<Self, ConsentError> {
        let s = s.trim();
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ConsentError::BadHash);
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte =
                u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| ConsentError::BadHash)?;
        }
        Ok(ContentHash(out))
    }
}

impl TryFrom<String> for ContentHash {
    type Error = ConsentError;
    fn try_from(s: String) -> Result<Self, ConsentError> {
        s.parse()
    }
}

impl From<ContentHash> for String {
    fn from(h: ContentHash) -> String {
        h.to_string()
    }
}

/// One version of a consent document, with the hash of exactly what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDocument {
    pub kind: ConsentKind,
    /// 1, 2, 3...: a new version for any change to the title or the text.
    pub version: u32,
    pub title: String,
    /// Markdown, line endings LF.
    pub body: String,
    pub content_hash: ContentHash,
}

impl ConsentDocument {
    /// A document version. The title is trimmed; the text's line endings become LF and
    /// trailing white space at its end is dropped, so the same words always hash the same.
    pub fn new(
        kind: ConsentKind,
        version: u32,
        title: &str,
        body: &str,
    ) -> Result<ConsentDocument, ConsentError> {
        if version == 0 {
            return Err(ConsentError::Version);
        }
        let title = title.trim();
        if title.is_empty() {
            return Err(ConsentError::TitleMissing);
        }
        if title.contains(['\n', '\r']) || title.chars().count() > MAX_TITLE {
            return Err(ConsentError::TitleTooLong);
        }
        let body = body.replace("\r\n", "\n").replace('\r', "\n");
        let body = body.trim_end();
        if body.trim().is_empty() {
            return Err(ConsentError::BodyMissing);
        }
        if body.chars().count() > MAX_BODY {
            return Err(ConsentError::BodyTooLong);
        }
        Ok(ConsentDocument {
            kind,
            version,
            title: title.to_string(),
            body: body.to_string(),
            content_hash: ContentHash::of(kind, version, title, body),
        })
    }

    /// Whether the stored hash still matches the title and text (a check on storage).
    pub fn hash_is_intact(&self) -> bool {
        self.content_hash == ContentHash::of(self.kind, self.version, &self.title, &self.body)
    }

    /// The Flesch–Kincaid grade of the title and text (Standard 2).
    pub fn readability(&self) -> crate::readability::Readability {
        crate::readability::analyse(&format!("# {}\n\n{}", self.title, self.body))
    }
}

/// Who signed: the client, or a guardian for a client who is a minor (see
/// [`crate::age`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    Client,
    Guardian,
}

/// How the signature was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMethod {
    /// The signer typed their name and ticked "I have read and agree".
    TypedNameAndCheckbox,
}

impl SignatureMethod {
    /// As shown on the signed copy.
    pub fn describe(self) -> &'static str {
        match self {
            SignatureMethod::TypedNameAndCheckbox => "typed name + checkbox",
        }
    }
}

/// Evidence that someone agreed to one exact version of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub kind: ConsentKind,
    pub version: u32,
    pub content_hash: ContentHash,
    /// The name as the signer typed it.
    pub signer_name: String,
    pub role: SignerRole,
    pub method: SignatureMethod,
    pub at: DateTime<Utc>,
}

impl Signature {
    /// Signs `doc`: the signer typed `typed_name` and ticked the box (`agreed`).
    pub fn sign(
        doc: &ConsentDocument,
        typed_name: &str,
        agreed: bool,
        role: SignerRole,
        at: DateTime<Utc>,
    ) -> Result<Signature, Vec<ConsentError>> {
        let mut errors = Vec::new();
        let name: String = typed_name
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if name.is_empty() {
            errors.push(ConsentError::SignerNameMissing);
        } else if name.chars().count() > MAX_FIELD {
            errors.push(ConsentError::SignerNameTooLong);
        }
        if !agreed {
            errors.push(ConsentError::NotAgreed);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Signature {
            kind: doc.kind,
            version: doc.version,
            content_hash: doc.content_hash,
            signer_name: name,
            role,
            method: SignatureMethod::TypedNameAndCheckbox,
            at,
        })
    }

    /// Whether this signature is for exactly `doc` (kind, version and hash).
    pub fn covers(&self, doc: &ConsentDocument) -> bool {
        self.kind == doc.kind
            && self.version == doc.version
            && self.content_hash == doc.content_hash
    }
}

/// Who may receive what, why and until when. Standard 7 ("any authorizations for
/// information disclosure"); the client may revoke it at any time, and a revoked or expired
/// authorisation stops the disclosures it covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseAuthorisation {
    /// The person or organisation that may receive the information.
    pub recipient: String,
    /// Why it is shared.
    pub purpose: String,
    /// What may be shared ("dates of sessions and attendance"; "diagnosis and treatment plan").
    pub scope: String,
    /// The last day on which the authorisation is in force.
    pub expires: NaiveDate,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What the release form sends, as text.
#[derive(Clone, Debug, Default)]
pub struct ReleaseForm<'a> {
    pub recipient: &'a str,
    pub purpose: &'a str,
    pub scope: &'a str,
    /// `YYYY-MM-DD`.
    pub expires: &'a str,
}

impl ReleaseAuthorisation {
    /// Checks a release form; `today` is the client's date. The expiry may be today or
    /// later (the law asks for an end date; this product does not choose one for the
    /// client).
    pub fn parse(
        form: &ReleaseForm<'_>,
        today: NaiveDate,
    ) -> Result<ReleaseAuthorisation, Vec<ConsentError>> {
        let mut errors = Vec::new();
        let mut field = |name: &'static str, s: &str| {
            let s: String = s.trim().chars().filter(|c| !c.is_control()).collect();
            if s.is_empty() {
                errors.push(ConsentError::ReleaseFieldMissing(name));
            } else if s.chars().count() > MAX_FIELD {
                errors.push(ConsentError::ReleaseFieldTooLong(name));
            }
            s
        };
        let recipient = field("recipient", form.recipient);
        let purpose = field("purpose", form.purpose);
        let scope = field("scope", form.scope);
        let expires = match NaiveDate::parse_from_str(form.expires.trim(), "%Y-%m-%d") {
            Ok(d) if d >= today => Some(d),
            Ok(_) => {
                errors.push(ConsentError::ExpiresInPast);
                None
            }
            Err(_) => {
                errors.push(ConsentError::ExpiresMissing);
                None
            }
        };
        match expires {
            Some(expires) if errors.is_empty() => Ok(ReleaseAuthorisation {
                recipient,
                purpose,
                scope,
                expires,
                revoked_at: None,
            }),
            _ => Err(errors),
        }
    }

    /// Whether disclosures under this authorisation may happen on `today`: not revoked,
    /// and not past its expiry date. A revocation ends it at once, whatever the dates.
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.revoked_at.is_none() && today <= self.expires
    }

    /// Records the client's revocation. Revoking twice keeps the first time.
    pub fn revoke(&mut self, at: DateTime<Utc>) {
        if self.revoked_at.is_none() {
            self.revoked_at = Some(at);
        }
    }

    /// The document the client signs for this authorisation: the release template
    /// (`template`, a [`ConsentKind::ReleaseOfInformation`] document) with `{{scope}}`,
    /// `{{recipient}}`, `{{purpose}}` and `{{expires}}` filled in. Its hash covers the
    /// details, so a signature cannot be moved to another recipient.
    pub fn document(&self, template: &ConsentDocument) -> Result<ConsentDocument, ConsentError> {
        if template.kind != ConsentKind::ReleaseOfInformation {
            return Err(ConsentError::NotAReleaseTemplate);
        }
        let expires = self.expires.format("%B %-d, %Y").to_string();
        // Placeholders are replaced in one pass, so text a client typed that happens to
        // contain "{{...}}" is never expanded.
        let mut body = String::with_capacity(template.body.len() + 200);
        let mut rest = template.body.as_str();
        while let Some(i) = rest.find("{{") {
            body.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find("}}") else {
                body.push_str(&rest[i..]);
                rest = "";
                break;
            };
            match &after[..j] {
                "scope" => body.push_str(&self.scope),
                "recipient" => body.push_str(&self.recipient),
                "purpose" => body.push_str(&self.purpose),
                "expires" => body.push_str(&expires),
                other => {
                    return Err(ConsentError::UnknownPlaceholder(
                        other.chars().take(40).collect(),
                    ))
                }
            }
            rest = &after[j + 2..];
        }
        body.push_str(rest);
        ConsentDocument::new(template.kind, template.version, &template.title, &body)
    }
}

/// Problems with a document, a signature or a release form. Each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("kind: {0:?} is not telehealth_informed_consent, privacy_notice_acknowledgment or release_of_information")]
    UnknownKind(String),
    #[error("version: versions start at 1")]
    Version,
    #[error("title: a title is needed")]
    TitleMissing,
    #[error("title: one line of at most {MAX_TITLE} characters")]
    TitleTooLong,
    #[error("body: the document has no text")]
    BodyMissing,
    #[error("body: at most {MAX_BODY} characters")]
    BodyTooLong,
    #[error("content_hash: 64 hexadecimal digits")]
    BadHash,
    #[error("signer_name: type your full name to sign")]
    SignerNameMissing,
    #[error("signer_name: at most {MAX_FIELD} characters")]
    SignerNameTooLong,
    #[error("agree: tick the box to say you have read this and agree")]
    NotAgreed,
    #[error("{0}: this is needed")]
    ReleaseFieldMissing(&'static str),
    #[error("{0}: at most {MAX_FIELD} characters")]
    ReleaseFieldTooLong(&'static str),
    #[error("expires: the date this permission ends (YYYY-MM-DD)")]
    ExpiresMissing,
    #[error("expires: the end date cannot be in the past")]
    ExpiresInPast,
    #[error("body: the release template has an unknown placeholder {{{{{0}}}}}")]
    UnknownPlaceholder(String),
    #[error("kind: a release is rendered from a release_of_information template")]
    NotAReleaseTemplate,
}

impl ConsentError {
    pub fn field(&self) -> &'static str {
        match self {
            ConsentError::UnknownKind(_) | ConsentError::NotAReleaseTemplate => "kind",
            ConsentError::Version => "version",
            ConsentError::TitleMissing | ConsentError::TitleTooLong => "title",
            ConsentError::BodyMissing
            | ConsentError::BodyTooLong
            | ConsentError::UnknownPlaceholder(_) => "body",
            ConsentError::BadHash => "content_hash",
            ConsentError::SignerNameMissing | ConsentError::SignerNameTooLong => "signer_name",
            ConsentError::NotAgreed => "agree",
            ConsentError::ReleaseFieldMissing(f) | ConsentError::ReleaseFieldTooLong(f) => f,
            ConsentError::ExpiresMissing | ConsentError::ExpiresInPast => "expires",
        }
    }
}

// ---- the shipped documents -----------------------------------------------------------------

const INDEX_JSON: &str = include_str!("../../../data/onboarding/consents.json");

fn shipped_file(name: &str) -> Option<&'static str> {
    Some(match name {
        "consent_telehealth_v1.md" => {
            include_str!("../../../data/onboarding/consent_telehealth_v1.md")
        }
        "consent_privacy_ack_v1.md" => {
            include_str!("../../../data/onboarding/consent_privacy_ack_v1.md")
        }
        "consent_release_v1.md" => include_str!("../../../data/onboarding/consent_release_v1.md"),
        _ => return None,
    })
}

/// A shipped document with where its text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShippedDocument {
    pub document: ConsentDocument,
    pub file: String,
    pub source: String,
    pub as_of: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndex {
    #[allow(dead_code)]
    about: String,
    documents: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    kind: String,
    version: u32,
    title: String,
    file: String,
    source: String,
    as_of: NaiveDate,
}

/// The documents in `data/onboarding/consents.json`, checked once. An error names the
/// entry and field.
pub fn shipped() -> Result<&'static [ShippedDocument], &'static String> {
    static CACHE: OnceLock<Result<Vec<ShippedDocument>, String>> = OnceLock::new();
    CACHE
        .get_or_init(|| load_index(INDEX_JSON))
        .as_ref()
        .map(Vec::as_slice)
}

/// The latest shipped version of `kind`.
pub fn default_document(kind: ConsentKind) -> Option<&'static ConsentDocument> {
    shipped()
        .ok()?
        .iter()
        .filter(|d| d.document.kind == kind)
        .max_by_key(|d| d.document.version)
        .map(|d| &d.document)
}

fn load_index(json: &str) -> Result<Vec<ShippedDocument>, String> {
    let file = "data/onboarding/consents.json";
    let raw: RawIndex = serde_json::from_str(json).map_err(|e| format!("{file}: {e}"))?;
    let mut out: Vec<ShippedDocument> = Vec::new();
    for (i, e) in raw.documents.into_iter().enumerate() {
        let at = format!("{file}: documents[{i}]");
        let kind: ConsentKind = e.kind.parse().map_err(|err| format!("{at}.{err}"))?;
        let text = shipped_file(&e.file)
            .ok_or_else(|| format!("{at}.file: {:?} is not embedded in domain::consent", e.file))?;
        if e.source.trim().is_empty() {
            return Err(format!("{at}.source: must not be empty"));
        }
        let document = ConsentDocument::new(kind, e.version, &e.title, text)
            .map_err(|err| format!("{at}.{err}"))?;
        if out
            .iter()
            .any(|d| d.document.kind == kind && d.document.version == e.version)
        {
            return Err(format!(
                "{at}: {kind} version {} is listed twice",
                e.version
            ));
        }
        out.push(ShippedDocument {
            document,
            file: e.file,
            source: e.source,
            as_of: e.as_of,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readability::TARGET_GRADE;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn doc(version: u32, body: &str) -> ConsentDocument {
        ConsentDocument::new(
            ConsentKind::TelehealthInformedConsent,
            version,
            "Consent",
            body,
        )
        .unwrap()
    }

    #[test]
    fn the_hash_is_sha256_of_the_documented_layout() {
        let doc = doc(1, "Hello.\n");
        // echo -n 'alcove-consent-v1\ntelehealth_informed_consent\n1\nConsent\nHello.' | sha256sum
        let mut h = Sha256::new();
        h.update(b"alcove-consent-v1\ntelehealth_informed_consent\n1\nConsent\nHello.");
        let expected: [u8; 32] = h.finalize().into();
        assert_eq!(doc.content_hash.as_bytes(), &expected);
        assert_eq!(doc.content_hash.to_string().len(), 64);
        assert_eq!(
            doc.content_hash.to_string().parse::<ContentHash>(),
            Ok(doc.content_hash)
        );
        assert!(doc.hash_is_intact());
    }

    #[test]
    fn line_endings_and_trailing_space_do_not_change_the_hash_but_words_do() {
        let a = doc(1, "One.\nTwo.\n");
        let b = doc(1, "One.\r\nTwo.  \r\n\r\n");
        assert_eq!(a.content_hash, b.content_hash);
        assert_ne!(a.content_hash, doc(1, "One.\nTwo!").content_hash);
        assert_ne!(a.content_hash, doc(2, "One.\nTwo.").content_hash);
        let other_kind = ConsentDocument::new(
            ConsentKind::PrivacyNoticeAcknowledgment,
            1,
            "Consent",
            "One.\nTwo.",
        )
        .unwrap();
        assert_ne!(a.content_hash, other_kind.content_hash);
    }

    #[test]
    fn a_tampered_document_is_detected() {
        let mut d = doc(1, "You can stop at any time.");
        d.body = "You can never stop.".into();
        assert!(!d.hash_is_intact());
    }

    #[test]
    fn bad_documents_name_their_field() {
        let k = ConsentKind::TelehealthInformedConsent;
        assert_eq!(
            ConsentDocument::new(k, 0, "T", "B").unwrap_err().field(),
            "version"
        );
        assert_eq!(
            ConsentDocument::new(k, 1, " ", "B").unwrap_err(),
            ConsentError::TitleMissing
        );
        assert_eq!(
            ConsentDocument::new(k, 1, "A\nB", "B").unwrap_err(),
            ConsentError::TitleTooLong
        );
        assert_eq!(
            ConsentDocument::new(k, 1, "T", "\n \n").unwrap_err(),
            ConsentError::BodyMissing
        );
        assert_eq!("nope".parse::<ConsentKind>().unwrap_err().field(), "kind");
        assert_eq!("abc".parse::<ContentHash>(), Err(ConsentError::BadHash));
    }

    #[test]
    fn signing_needs_a_typed_name_and_the_box_ticked_and_records_the_exact_version() {
        let d1 = doc(1, "Text one.");
        let errs = Signature::sign(&d1, "  ", false, SignerRole::Client, t(9)).unwrap_err();
        assert_eq!(
            errs,
            vec![ConsentError::SignerNameMissing, ConsentError::NotAgreed]
        );
        let s = Signature::sign(&d1, " Dana Whitfield ", true, SignerRole::Client, t(9)).unwrap();
        assert_eq!(s.signer_name, "Dana Whitfield");
        assert_eq!(s.method.describe(), "typed name + checkbox");
        assert!(s.covers(&d1));
        // A new version, or the same number with other words, is not covered.
        assert!(!s.covers(&doc(2, "Text one.")));
        assert!(!s.covers(&doc(1, "Text one, changed.")));
    }

    #[test]
    fn a_release_is_active_until_it_expires_or_is_revoked() {
        let form = ReleaseForm {
            recipient: "Dr. Ana Lopez, primary care",
            purpose: "coordinate care",
            scope: "dates of sessions and the treatment plan",
            expires: "2027-11-23",
        };
        let mut r = ReleaseAuthorisation::parse(&form, d("2026-11-23")).unwrap();
        assert!(r.is_active(d("2026-11-23")));
        assert!(r.is_active(d("2027-11-23")));
        assert!(!r.is_active(d("2027-11-24")));
        r.revoke(t(10));
        assert!(!r.is_active(d("2026-11-23")));
        r.revoke(t(12));
        assert_eq!(r.revoked_at, Some(t(10)));
    }

    #[test]
    fn release_form_problems_name_their_fields() {
        let errs =
            ReleaseAuthorisation::parse(&ReleaseForm::default(), d("2026-11-23")).unwrap_err();
        let fields: Vec<_> = errs.iter().map(ConsentError::field).collect();
        assert_eq!(fields, vec!["recipient", "purpose", "scope", "expires"]);
        let past = ReleaseForm {
            recipient: "A",
            purpose: "B",
            scope: "C",
            expires: "2026-11-22",
        };
        assert_eq!(
            ReleaseAuthorisation::parse(&past, d("2026-11-23")).unwrap_err(),
            vec![ConsentError::ExpiresInPast]
        );
    }

    #[test]
    fn a_release_document_carries_its_details_so_its_signature_cannot_move() {
        let template = default_document(ConsentKind::ReleaseOfInformation).unwrap();
        let form = |recipient| ReleaseForm {
            recipient,
            purpose: "coordinate care",
            scope: "session dates",
            expires: "2027-11-23",
        };
        let a = ReleaseAuthorisation::parse(&form("Dr. Lopez"), d("2026-11-23")).unwrap();
        let b =
            ReleaseAuthorisation::parse(&form("An employer {{scope}}"), d("2026-11-23")).unwrap();
        let da = a.document(template).unwrap();
        let db = b.document(template).unwrap();
        assert!(da.body.contains("They may share it with: Dr. Lopez"));
        assert!(da.body.contains("November 23, 2027"));
        assert!(!da.body.contains("{{"));
        // Text the client typed is not expanded.
        assert!(db.body.contains("An employer {{scope}}"));
        let sig = Signature::sign(&da, "Dana", true, SignerRole::Client, t(9)).unwrap();
        assert!(sig.covers(&da) && !sig.covers(&db));
        assert_eq!(
            a.document(default_document(ConsentKind::TelehealthInformedConsent).unwrap()),
            Err(ConsentError::NotAReleaseTemplate)
        );
    }

    #[test]
    fn the_shipped_documents_load_one_of_each_kind() {
        let all = shipped().unwrap();
        for kind in ConsentKind::ALL {
            let d = default_document(kind).unwrap();
            assert_eq!(d.version, 1);
            assert!(d.hash_is_intact());
        }
        assert_eq!(all.len(), 3);
        assert!(load_index(r#"{"about":"x","documents":[{"kind":"telehealth_informed_consent","version":1,"title":"T","file":"missing.md","source":"s","as_of":"2026-11-23"}]}"#)
            .unwrap_err()
            .contains("documents[0].file"));
    }

    #[test]
    fn the_shipped_texts_read_at_grade_8_or_below() {
        let release = ReleaseAuthorisation::parse(
            &ReleaseForm {
                recipient: "your doctor",
                purpose: "to plan your care together",
                scope: "the dates of your sessions",
                expires: "2027-11-23",
            },
            d("2026-11-23"),
        )
        .unwrap();
        for s in shipped().unwrap() {
            let doc = match s.document.kind {
                ConsentKind::ReleaseOfInformation => release.document(&s.document).unwrap(),
                _ => s.document.clone(),
            };
            let r = doc.readability();
            let grade = r.grade.unwrap();
            assert!(grade <= TARGET_GRADE, "{}: grade {grade:.1}", s.file);
        }
    }

    #[test]
    fn the_telehealth_consent_covers_every_element_the_issue_names() {
        let body = default_document(ConsentKind::TelehealthInformedConsent)
            .unwrap()
            .body
            .to_lowercase();
        for heading in [
            "## what online therapy can do",
            "## what online therapy cannot do",
            "## risks",
            "## benefits",
            "## other choices",
            "## privacy and its limits",
            "## if the technology fails",
            "## in an emergency",
            "## fees and cancellation",
            "## how we stay in touch",
            "## social media",
        ] {
            assert!(body.contains(heading), "missing {heading}");
        }
        // Mandated reporting and the crisis numbers are spelled out.
        for phrase in [
            "abused or neglected",
            "court orders",
            "911",
            "988",
            "not for emergencies",
        ] {
            assert!(body.contains(phrase), "missing {phrase}");
        }
    }

    proptest! {
        #[test]
        fn different_texts_have_different_hashes_and_the_same_text_the_same(
            a in "[a-zA-Z .,\\n]{1,200}", b in "[a-zA-Z .,\\n]{1,200}"
        ) {
            let (da, db) = (
                ConsentDocument::new(ConsentKind::TelehealthInformedConsent, 1, "T", &a),
                ConsentDocument::new(ConsentKind::TelehealthInformedConsent, 1, "T", &b),
            );
            if let (Ok(da), Ok(db)) = (da, db) {
                prop_assert_eq!(da.body == db.body, da.content_hash == db.content_hash);
                prop_assert!(da.hash_is_intact());
            }
        }

        #[test]
        fn a_release_is_never_active_after_revocation_or_expiry(
            days_to_expiry in 0i64..800, check in 0i64..900, revoked in any::<bool>()
        ) {
            let today = d("2026-11-23");
            let expires = (today + chrono::Duration::days(days_to_expiry)).to_string();
            let form = ReleaseForm { recipient: "A", purpose: "B", scope: "C", expires: &expires };
            let mut r = ReleaseAuthorisation::parse(&form, today).unwrap();
            if revoked { r.revoke(t(9)); }
            let on = today + chrono::Duration::days(check);
            prop_assert_eq!(r.is_active(on), !revoked && check <= days_to_expiry);
        }
    }
}
