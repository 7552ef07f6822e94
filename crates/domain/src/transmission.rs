//! The Client Request for Electronic Data Transmission (seed 001): which ways, besides the
//! practice's secure portal, a client lets the practice reach them, and for what.
//!
//! The practice's own portal is end-to-end under the practice's control (encrypted in transit,
//! sealed at rest, behind the client's sign-in), so it needs no request. Every other channel
//! leaves that protection: an email sits in a mailbox others may open, a text shows on a lock
//! screen, a phone call can be overheard or land in a shared voicemail. A client may accept
//! those risks for some purposes and not others, so the request is a set of
//! (channel, purpose) pairs, signed with the client's typed name and dated.
//!
//! [`permits`] is the rule every contact outside the portal obeys.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A way of reaching a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Messages and notices inside the practice's secure portal (sign-in required).
    Portal,
    /// Email to the client's address.
    Email,
    /// SMS text messages to the client's phone.
    Text,
    /// Live video sessions.
    Video,
    /// Telephone calls (and the voicemail they may leave).
    Phone,
}

/// What the practice would contact the client for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// "You have an appointment on …": a time, never a reason.
    AppointmentReminders,
    /// "Something is waiting for you in the portal": never who sent it or what it says.
    MessageNotifications,
    /// Forms and consents sent for the client to read and sign.
    Documents,
    /// The therapy session itself.
    Sessions,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Portal,
        Channel::Email,
        Channel::Text,
        Channel::Video,
        Channel::Phone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Email => "email",
            Channel::Text => "text",
            Channel::Video => "video",
            Channel::Phone => "phone",
        }
    }

    /// The purposes this channel can serve at all, whatever the client chooses.
    ///
    /// - The portal carries reminders, notices and documents; a session is not held in
    ///   portal messages (sessions are live, by video or phone).
    /// - Email can carry reminders, notices and documents to sign: it is how most people
    ///   receive forms, and the risks are explained before a client accepts them.
    /// - A text never carries documents: SMS is not encrypted, is kept by carriers and on
    ///   the phone, shows on the lock screen, and clients should not learn to open links to
    ///   their health forms from texts (the usual shape of phishing). Nor is it a session:
    ///   the practice does not offer therapy by text message.
    /// - Video is only for sessions: nothing else is sent by live video.
    /// - Phone is for sessions (audio-only, or the agreed fallback when video drops) and for
    ///   reminders (a call or voicemail); there is nothing to "notify" or sign by voice.
    pub fn serves(self, purpose: Purpose) -> bool {
        use Purpose::*;
        match self {
            Channel::Portal => matches!(
                purpose,
                AppointmentReminders | MessageNotifications | Documents
            ),
            Channel::Email => matches!(
                purpose,
                AppointmentReminders | MessageNotifications | Documents
            ),
            Channel::Text => matches!(purpose, AppointmentReminders | MessageNotifications),
            Channel::Video => matches!(purpose, Sessions),
            Channel::Phone => matches!(purpose, AppointmentReminders | Sessions),
        }
    }

    /// The purposes a client may choose this channel for: none for the portal (it is always
    /// used, so there is nothing to choose), otherwise every purpose it serves.
    pub fn choosable(self) -> Vec<Purpose> {
        if self == Channel::Portal {
            return Vec::new();
        }
        Purpose::ALL
            .into_iter()
            .filter(|p| self.serves(*p))
            .collect()
    }
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::AppointmentReminders,
        Purpose::MessageNotifications,
        Purpose::Documents,
        Purpose::Sessions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::AppointmentReminders => "appointment_reminders",
            Purpose::MessageNotifications => "message_notifications",
            Purpose::Documents => "documents",
            Purpose::Sessions => "sessions",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = RequestError;
    fn from_str(s: &str) -> Result<Self, RequestError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| RequestError::Unknown(s.chars().take(40).collect()))
    }
}

impl FromStr for Purpose {
    type Err = RequestError;
    fn from_str(s: &str) -> Result<Self, RequestError> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| RequestError::Unknown(s.chars().take(40).collect()))
    }
}

/// One thing a client accepts: this channel, for this purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Choice {
    pub channel: Channel,
    pub purpose: Purpose,
}

impl Choice {
    pub fn new(channel: Channel, purpose: Purpose) -> Self {
        Self { channel, purpose }
    }

    /// The form value `channel:purpose`, e.g. `email:appointment_reminders`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.channel, self.purpose)
    }

    /// Every pair a client may choose, in form order (channel, then purpose).
    pub fn all_choosable() -> Vec<Choice> {
        Channel::ALL
            .into_iter()
            .flat_map(|c| c.choosable().into_iter().map(move |p| Choice::new(c, p)))
            .collect()
    }
}

impl FromStr for Choice {
    type Err = RequestError;
    /// Reads `channel:purpose`.
    fn from_str(s: &str) -> Result<Self, RequestError> {
        let (c, p) = s
            .split_once(':')
            .ok_or_else(|| RequestError::Unknown(s.chars().take(40).collect()))?;
        Ok(Choice::new(c.parse()?, p.parse()?))
    }
}

/// Longest typed signature accepted.
pub const MAX_SIGNATURE: usize = 120;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0:?} is not a channel, purpose or channel:purpose pair")]
    Unknown(String),
    /// A pair that is not on offer (e.g. documents by text, or video for reminders), or the
    /// portal, which is always used and so is not a choice.
    #[error("{} cannot be chosen for {}", .0.channel, .0.purpose)]
    NotOffered(Choice),
    #[error("the request must be signed by typing your full name")]
    Unsigned,
    #[error("the signature is longer than {MAX_SIGNATURE} characters")]
    SignatureTooLong,
    #[error("the signature must be one line of text")]
    SignatureControlCharacters,
    /// The typed name is not the name on the client's record.
    #[error("the typed name does not match the name on the record")]
    NameMismatch,
}

/// A signed request: the pairs the client accepts, the name they typed, and the date.
/// Only [`TransmissionRequest::new`] and [`TransmissionRequest::sign`] make one (and the stored
/// form is read back through `new`), so a request never holds a pair that is not offered.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "StoredRequest")]
pub struct TransmissionRequest {
    accepted: BTreeSet<Choice>,
    signed_by: String,
    signed_on: NaiveDate,
}

#[derive(Deserialize)]
struct StoredRequest {
    accepted: Vec<Choice>,
    signed_by: String,
    signed_on: NaiveDate,
}

impl TryFrom<StoredRequest> for TransmissionRequest {
    type Error = RequestError;
    fn try_from(s: StoredRequest) -> Result<Self, RequestError> {
        TransmissionRequest::new(s.accepted, &s.signed_by, s.signed_on)
    }
}

impl TransmissionRequest {
    /// A request accepting `accepted`, signed `signed_by` on `signed_on`. Accepting nothing is
    /// a valid answer ("only the portal"); it is still signed, so the record shows the choice.
    pub fn new(
        accepted: impl IntoIterator<Item = Choice>,
        signed_by: &str,
        signed_on: NaiveDate,
    ) -> Result<Self, RequestError> {
        let mut set = BTreeSet::new();
        for c in accepted {
            if c.channel == Channel::Portal || !c.channel.serves(c.purpose) {
                return Err(RequestError::NotOffered(c));
            }
            set.insert(c);
        }
        let signed_by = signature(signed_by)?;
        Ok(Self {
            accepted: set,
            signed_by,
            signed_on,
        })
    }

    /// As [`new`](Self::new), from the form: the typed name must be the name on the record
    /// (ignoring case and repeated spaces), so the signature is the client's own, typed on
    /// purpose, and not a stray word.
    pub fn sign(
        accepted: impl IntoIterator<Item = Choice>,
        typed_name: &str,
        name_on_record: &str,
        signed_on: NaiveDate,
    ) -> Result<Self, RequestError> {
        let req = Self::new(accepted, typed_name, signed_on)?;
        if normalise(&req.signed_by) != normalise(name_on_record) {
            return Err(RequestError::NameMismatch);
        }
        Ok(req)
    }

    pub fn accepts(&self, channel: Channel, purpose: Purpose) -> bool {
        self.accepted.contains(&Choice::new(channel, purpose))
    }

    pub fn accepted(&self) -> impl Iterator<Item = &Choice> {
        self.accepted.iter()
    }

    pub fn signed_by(&self) -> &str {
        &self.signed_by
    }

    pub fn signed_on(&self) -> NaiveDate {
        self.signed_on
    }

    /// What this request changed from the one before it (`None`: the first request, whose
    /// "before" is the portal-only default).
    pub fn changes_from(&self, before: Option<&TransmissionRequest>) -> Changes {
        let empty = BTreeSet::new();
        let old = before.map_or(&empty, |b| &b.accepted);
        Changes {
            added: self.accepted.difference(old).copied().collect(),
            removed: old.difference(&self.accepted).copied().collect(),
        }
    }
}

impl Serialize for TransmissionRequest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("TransmissionRequest", 3)?;
        st.serialize_field("accepted", &self.accepted)?;
        st.serialize_field("signed_by", &self.signed_by)?;
        st.serialize_field("signed_on", &self.signed_on)?;
        st.end()
    }
}

/// What one signed version added and removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<Choice>,
    pub removed: Vec<Choice>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// May the practice reach this client by `channel` for `purpose`?
///
/// - Never for a pair the channel cannot serve (documents by text, reminders by video).
/// - Always by the secure portal, for what the portal serves: it is the practice's own
///   encrypted channel behind the client's sign-in.
/// - Otherwise only if the client's signed request accepts the pair. With **no request on
///   file**, nothing leaves the portal: the conservative default. Until a client has read the
///   risks of email, texts, video and phone and said yes in writing, an email or a text could
///   reveal to whoever shares their mailbox or sees their phone that they are in therapy —
///   the very disclosure seed 001 asks the practice to avoid.
pub fn permits(request: Option<&TransmissionRequest>, channel: Channel, purpose: Purpose) -> bool {
    if !channel.serves(purpose) {
        return false;
    }
    if channel == Channel::Portal {
        return true;
    }
    request.is_some_and(|r| r.accepts(channel, purpose))
}

fn signature(raw: &str) -> Result<String, RequestError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(RequestError::Unsigned);
    }
    if t.chars().any(char::is_control) {
        return Err(RequestError::SignatureControlCharacters);
    }
    if t.chars().count() > MAX_SIGNATURE {
        return Err(RequestError::SignatureTooLong);
    }
    Ok(t.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn req(pairs: &[(Channel, Purpose)]) -> TransmissionRequest {
        TransmissionRequest::new(
            pairs.iter().map(|(c, p)| Choice::new(*c, *p)),
            "Alex Rivera",
            day(),
        )
        .unwrap()
    }

    #[test]
    fn with_no_request_on_file_only_the_portal_is_used() {
        for c in Channel::ALL {
            for p in Purpose::ALL {
                assert_eq!(
                    permits(None, c, p),
                    c == Channel::Portal && c.serves(p),
                    "{c} for {p}"
                );
            }
        }
        assert!(permits(
            None,
            Channel::Portal,
            Purpose::AppointmentReminders
        ));
        assert!(!permits(
            None,
            Channel::Email,
            Purpose::AppointmentReminders
        ));
        assert!(!permits(None, Channel::Video, Purpose::Sessions));
    }

    #[test]
    fn a_signed_request_permits_exactly_the_pairs_it_accepts() {
        let r = req(&[
            (Channel::Email, Purpose::AppointmentReminders),
            (Channel::Video, Purpose::Sessions),
        ]);
        assert!(permits(
            Some(&r),
            Channel::Email,
            Purpose::AppointmentReminders
        ));
        assert!(permits(Some(&r), Channel::Video, Purpose::Sessions));
        assert!(!permits(
            Some(&r),
            Channel::Email,
            Purpose::MessageNotifications
        ));
        assert!(!permits(
            Some(&r),
            Channel::Text,
            Purpose::AppointmentReminders
        ));
        assert!(!permits(Some(&r), Channel::Phone, Purpose::Sessions));
    }

    #[test]
    fn the_portal_stays_open_whatever_the_request_says() {
        let nothing = req(&[]);
        for p in [
            Purpose::AppointmentReminders,
            Purpose::MessageNotifications,
            Purpose::Documents,
        ] {
            assert!(permits(Some(&nothing), Channel::Portal, p));
        }
        assert!(!permits(Some(&nothing), Channel::Portal, Purpose::Sessions));
        assert!(!permits(
            Some(&nothing),
            Channel::Email,
            Purpose::AppointmentReminders
        ));
    }

    #[test]
    fn texts_never_carry_documents_and_video_is_only_for_sessions() {
        for (c, p) in [
            (Channel::Text, Purpose::Documents),
            (Channel::Text, Purpose::Sessions),
            (Channel::Video, Purpose::AppointmentReminders),
            (Channel::Video, Purpose::MessageNotifications),
            (Channel::Video, Purpose::Documents),
            (Channel::Email, Purpose::Sessions),
            (Channel::Phone, Purpose::Documents),
            (Channel::Phone, Purpose::MessageNotifications),
        ] {
            let err = TransmissionRequest::new([Choice::new(c, p)], "Alex Rivera", day());
            assert_eq!(
                err,
                Err(RequestError::NotOffered(Choice::new(c, p))),
                "{c} for {p}"
            );
            assert!(!permits(None, c, p));
        }
    }

    #[test]
    fn the_portal_is_not_a_choice() {
        assert!(Channel::Portal.choosable().is_empty());
        assert!(matches!(
            TransmissionRequest::new(
                [Choice::new(Channel::Portal, Purpose::Documents)],
                "Alex Rivera",
                day()
            ),
            Err(RequestError::NotOffered(_))
        ));
    }

    #[test]
    fn every_choosable_pair_is_accepted_and_round_trips_as_a_form_value() {
        let all = Choice::all_choosable();
        assert_eq!(all.len(), 3 + 2 + 1 + 2);
        let r = TransmissionRequest::new(all.clone(), "Alex Rivera", day()).unwrap();
        for c in &all {
            assert!(r.accepts(c.channel, c.purpose));
            assert_eq!(c.key().parse::<Choice>().unwrap(), *c);
        }
        assert!("email:nonsense".parse::<Choice>().is_err());
        assert!("carrier-pigeon:documents".parse::<Choice>().is_err());
        assert!("email".parse::<Choice>().is_err());
    }

    #[test]
    fn a_request_must_be_signed_with_the_name_on_the_record() {
        let pairs = [Choice::new(Channel::Email, Purpose::AppointmentReminders)];
        assert_eq!(
            TransmissionRequest::sign(pairs, "   ", "Alex Rivera", day()),
            Err(RequestError::Unsigned)
        );
        assert_eq!(
            TransmissionRequest::sign(pairs, "Jordan Lee", "Alex Rivera", day()),
            Err(RequestError::NameMismatch)
        );
        assert_eq!(
            TransmissionRequest::sign(pairs, "Alex\u{7}Rivera", "Alex Rivera", day()),
            Err(RequestError::SignatureControlCharacters)
        );
        assert_eq!(
            TransmissionRequest::sign(pairs, &"A".repeat(121), "Alex Rivera", day()),
            Err(RequestError::SignatureTooLong)
        );
        let ok =
            TransmissionRequest::sign(pairs, "  alex   RIVERA ", "Alex Rivera", day()).unwrap();
        assert_eq!(
            ok.signed_by(),
            "alex RIVERA",
            "kept as typed, spaces tidied"
        );
        assert_eq!(ok.signed_on(), day());
    }

    #[test]
    fn changes_name_what_was_added_and_removed() {
        let a = req(&[
            (Channel::Email, Purpose::AppointmentReminders),
            (Channel::Text, Purpose::AppointmentReminders),
        ]);
        let b = req(&[
            (Channel::Email, Purpose::AppointmentReminders),
            (Channel::Video, Purpose::Sessions),
        ]);
        let first = a.changes_from(None);
        assert_eq!(first.added.len(), 2);
        assert!(first.removed.is_empty());
        let second = b.changes_from(Some(&a));
        assert_eq!(
            second.added,
            vec![Choice::new(Channel::Video, Purpose::Sessions)]
        );
        assert_eq!(
            second.removed,
            vec![Choice::new(Channel::Text, Purpose::AppointmentReminders)]
        );
        assert!(b.changes_from(Some(&b)).is_empty());
    }

    #[test]
    fn the_stored_form_reads_back_and_a_tampered_pair_is_refused() {
        let r = req(&[(Channel::Phone, Purpose::Sessions)]);
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            serde_json::from_str::<TransmissionRequest>(&json).unwrap(),
            r
        );
        let tampered = json
            .replace("\"phone\"", "\"text\"")
            .replace("sessions", "documents");
        assert!(serde_json::from_str::<TransmissionRequest>(&tampered).is_err());
    }
}
