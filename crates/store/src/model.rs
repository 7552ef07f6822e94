use alcove_domain::{ClientId, Email, Jurisdiction, MessageId, Role, ThreadId, UserId};
use chrono::{DateTime, Utc};

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// TOTP secret sealed with the master key (AAD binds it to this user).
    pub totp_sealed: Option<Vec<u8>>,
    /// Public profile handle for clinicians (`/clinicians/{slug}`).
    pub slug: Option<String>,
    /// Public credentials line, e.g. "LICSW" (clinicians only).
    pub credentials: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_sealed: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub slug: Option<String>,
    pub credentials: Option<String>,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// Browser session carried by a cookie; needs CSRF tokens on forms.
    Web,
    /// API bearer token.
    Api,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "web" => Some(SessionKind::Web),
            "api" => Some(SessionKind::Api),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewSession {
    /// SHA-256 of the token; the token itself is never stored.
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub kind: SessionKind,
    /// Whether the second factor was passed (staff sessions without it can only enrol).
    pub mfa_passed: bool,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SessionRecord {
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub kind: SessionKind,
    pub mfa_passed: bool,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThrottleState {
    pub key: String,
    /// Failures since the window opened.
    pub failures: i64,
    pub window_started_at: DateTime<Utc>,
    pub blocked_until: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct NewClient {
    pub id: ClientId,
    pub user_id: UserId,
    /// Where the client usually lives (sessions re-check where they are at the time).
    pub home_jurisdiction: Jurisdiction,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientRecord {
    pub id: ClientId,
    pub user_id: UserId,
    pub name: String,
    pub home_jurisdiction: Jurisdiction,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CareRole {
    Primary,
    Covering,
}

impl CareRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CareRole::Primary => "primary",
            CareRole::Covering => "covering",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "primary" => Some(CareRole::Primary),
            "covering" => Some(CareRole::Covering),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CareTeamMember {
    pub clinician_id: UserId,
    pub name: String,
    pub role: CareRole,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WrappedDataKey {
    pub client_id: ClientId,
    pub version: i32,
    /// The data key sealed with the master key.
    pub wrapped: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewThread {
    pub id: ThreadId,
    pub client_id: ClientId,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ThreadRecord {
    pub id: ThreadId,
    pub client_id: ClientId,
    pub created_at: DateTime<Utc>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub message_count: i64,
}

/// Ciphertext plus the version of the client's data key that sealed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sealed {
    pub key_version: i32,
    pub ciphertext: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct NewMessage {
    pub id: MessageId,
    pub thread_id: ThreadId,
    pub sender_id: UserId,
    pub sent_at: DateTime<Utc>,
    pub body: Sealed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MessageRecord {
    pub id: MessageId,
    pub thread_id: ThreadId,
    pub sender_id: UserId,
    pub sender_name: String,
    pub sender_role: Role,
    pub sent_at: DateTime<Utc>,
    pub body: Sealed,
}

/// What happened, before the log gives it a place in the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAuditEvent {
    pub at: DateTime<Utc>,
    /// `None` for the system itself or an unauthenticated caller.
    pub actor_id: Option<UserId>,
    /// The actor's role at the time, or "system" / "anonymous".
    pub actor_role: String,
    /// snake_case verb, e.g. `thread.view`, `sign_in.succeeded`.
    pub action: String,
    pub client_id: Option<ClientId>,
    /// What was touched, e.g. `thread:<uuid>`; never clinical content.
    pub object: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_role: String,
    pub action: String,
    pub client_id: Option<ClientId>,
    pub object: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

impl AuditEvent {
    pub fn fields(&self) -> alcove_crypto::audit::EventFields<'_> {
        alcove_crypto::audit::EventFields {
            seq: self.seq,
            at_ms: self.at.timestamp_millis(),
            actor_id: self.actor_id.map(|u| u.0),
            actor_role: &self.actor_role,
            action: &self.action,
            client_id: self.client_id.map(|c| c.0),
            object: &self.object,
        }
    }
}

/// A signed statement "the chain up to `seq` ends in `hash`".
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: Vec<u8>,
    pub signature: Vec<u8>,
    pub at: DateTime<Utc>,
}

/// One line of "who has accessed my record".
#[derive(Clone, Debug, PartialEq)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub object: String,
}

/// A clinician's credentials, as the contract's credentials-file JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct CredentialsDoc {
    pub clinician_id: UserId,
    /// `{"profession": ..., "credentials": [...]}` exactly as DESIGN.md's credentials file.
    pub document: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserId,
}

/// Evidence that someone checked a credential with its issuing board.
#[derive(Clone, Debug, PartialEq)]
pub struct Verification {
    pub id: uuid::Uuid,
    pub clinician_id: UserId,
    /// Which credential, in words that survive edits, e.g. `license US-MA 123456`.
    pub credential: String,
    pub verified_by: UserId,
    pub verified_at: DateTime<Utc>,
    /// How it was checked, e.g. "board website lookup", "primary-source letter".
    pub method: String,
    pub note: String,
}

/// The kinds of record kept as versioned documents (issue 4 onwards). Each kind decides who
/// owns it and whether its body is sealed; see `alcove_web::services::documents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A clinician's public profile: contact details, services, languages, alternate contact.
    ClinicianProfile,
    /// A practice document clients read and acknowledge (the social-media policy).
    PracticePolicy,
    /// A client's acknowledgment of a practice policy version.
    PolicyAcknowledgment,
    /// An external site where the practice is listed, with its review history.
    Listing,
    /// A client's plan for unplanned online encounters (seed 001).
    EncounterPlan,
    /// A client's Request for Electronic Data Transmission: which channels for what.
    TransmissionConsent,
    /// A continuing-education activity of a clinician.
    CeActivity,
    /// The certificate file of a continuing-education activity.
    CeCertificate,
    /// A message sent through the public pseudonymous contact form.
    ContactMessage,
    /// A reminder that was sent, kept so it is sent once (idempotency key as the key).
    ReminderSent,
    // Onboarding (issue 5).
    /// An invitation to a new client (single use: accepting it writes version 2).
    Invitation,
    /// A client's legal and preferred name, date of birth, verified email and phone.
    ClientDetails,
    /// A phone verification code sent to a client (its hash, tries, expiry).
    PhoneCode,
    /// How the clinician verified a client's identity, by whom and when.
    IdentityCheck,
    /// A guardian's invitation and consent for a minor client.
    GuardianConsent,
    /// The practice's intake form definition (versioned).
    IntakeForm,
    /// A client's intake answers: the draft and each submission.
    IntakeAnswers,
    /// A completed screening instrument (answers and score).
    Screening,
    /// A client's emergency and contingency plan.
    EmergencyPlan,
    /// A consent document the practice asks clients to sign (versioned).
    ConsentTemplate,
    /// A client's (or guardian's) signature of one consent version, with its evidence.
    ConsentSignature,
    /// A release-of-information authorisation (revocable).
    ReleaseAuthorisation,
    /// The clinician's appropriateness-for-online-care assessment.
    Assessment,
    // Messaging (issue 7).
    /// A clinician's communication policy for between-session messages.
    CommunicationPolicy,
    /// A clinician's pause of messaging with one client, with the note why.
    MessagingPause,
    /// An urgent flag raised by crisis language in a client's message (acknowledged as version 2).
    RiskFlag,
    /// A clinician's professional liability cover (seed 000), kept in the credentials register.
    LiabilityCover,
    /// What an attachment to a message is: its message, thread, file name, type and size.
    MessageAttachment,
    /// The bytes of an attachment to a message (sealed with the client's data key).
    MessageAttachmentContent,
    // Scheduling and sessions (issue 6).
    /// A clinician's weekly hours, exceptions, session types and booking window.
    ScheduleSettings,
    /// The practice's scheduling policy (late-cancellation window, reminder offsets).
    SchedulingPolicy,
    /// One appointment: who, when, which session type, its status and its session record.
    Appointment,
    /// A clinician's bookings, one document per clinician, so that two bookings of the same
    /// time cannot both succeed (each booking is the next version).
    BookingLedger,
    /// A client's check-in before one session (location, private place, fallback phone).
    SessionCheckIn,
    /// A private calendar feed: keyed by the hash of its token, revoked as a new version.
    CalendarFeed,
}

impl DocKind {
    pub const ALL: [DocKind; 35] = [
        DocKind::ClinicianProfile,
        DocKind::PracticePolicy,
        DocKind::PolicyAcknowledgment,
        DocKind::Listing,
        DocKind::EncounterPlan,
        DocKind::TransmissionConsent,
        DocKind::CeActivity,
        DocKind::CeCertificate,
        DocKind::ContactMessage,
        DocKind::ReminderSent,
        DocKind::Invitation,
        DocKind::ClientDetails,
        DocKind::PhoneCode,
        DocKind::IdentityCheck,
        DocKind::GuardianConsent,
        DocKind::IntakeForm,
        DocKind::IntakeAnswers,
        DocKind::Screening,
        DocKind::EmergencyPlan,
        DocKind::ConsentTemplate,
        DocKind::ConsentSignature,
        DocKind::ReleaseAuthorisation,
        DocKind::Assessment,
        DocKind::CommunicationPolicy,
        DocKind::MessagingPause,
        DocKind::RiskFlag,
        DocKind::LiabilityCover,
        DocKind::MessageAttachment,
        DocKind::MessageAttachmentContent,
        DocKind::ScheduleSettings,
        DocKind::SchedulingPolicy,
        DocKind::Appointment,
        DocKind::BookingLedger,
        DocKind::SessionCheckIn,
        DocKind::CalendarFeed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::ClinicianProfile => "clinician_profile",
            DocKind::PracticePolicy => "practice_policy",
            DocKind::PolicyAcknowledgment => "policy_acknowledgment",
            DocKind::Listing => "listing",
            DocKind::EncounterPlan => "encounter_plan",
            DocKind::TransmissionConsent => "transmission_consent",
            DocKind::CeActivity => "ce_activity",
            DocKind::CeCertificate => "ce_certificate",
            DocKind::ContactMessage => "contact_message",
            DocKind::ReminderSent => "reminder_sent",
            DocKind::Invitation => "invitation",
            DocKind::ClientDetails => "client_details",
            DocKind::PhoneCode => "phone_code",
            DocKind::IdentityCheck => "identity_check",
            DocKind::GuardianConsent => "guardian_consent",
            DocKind::IntakeForm => "intake_form",
            DocKind::IntakeAnswers => "intake_answers",
            DocKind::Screening => "screening",
            DocKind::EmergencyPlan => "emergency_plan",
            DocKind::ConsentTemplate => "consent_template",
            DocKind::ConsentSignature => "consent_signature",
            DocKind::ReleaseAuthorisation => "release_authorisation",
            DocKind::Assessment => "assessment",
            DocKind::CommunicationPolicy => "communication_policy",
            DocKind::MessagingPause => "messaging_pause",
            DocKind::RiskFlag => "risk_flag",
            DocKind::LiabilityCover => "liability_cover",
            DocKind::MessageAttachment => "message_attachment",
            DocKind::MessageAttachmentContent => "message_attachment_content",
            DocKind::ScheduleSettings => "schedule_settings",
            DocKind::SchedulingPolicy => "scheduling_policy",
            DocKind::Appointment => "appointment",
            DocKind::BookingLedger => "booking_ledger",
            DocKind::SessionCheckIn => "session_check_in",
            DocKind::CalendarFeed => "calendar_feed",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whose document it is: the practice, a staff member, or a client (whose data key seals it
/// and whose erasure shreds it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Practice,
    User(UserId),
    Client(ClientId),
}

impl Owner {
    /// The stored form: `practice`, `user:<uuid>` or `client:<uuid>`.
    pub fn encode(&self) -> String {
        match self {
            Owner::Practice => "practice".into(),
            Owner::User(u) => format!("user:{}", u.0),
            Owner::Client(c) => format!("client:{}", c.0),
        }
    }

    pub fn decode(s: &str) -> Option<Owner> {
        if s == "practice" {
            return Some(Owner::Practice);
        }
        let (tag, id) = s.split_once(':')?;
        match tag {
            "user" => id.parse().ok().map(Owner::User),
            "client" => id.parse().ok().map(Owner::Client),
            _ => None,
        }
    }

    pub fn client(&self) -> Option<ClientId> {
        match self {
            Owner::Client(c) => Some(*c),
            _ => None,
        }
    }
}

/// A document body: plain JSON for what is public or administrative, sealed otherwise.
#[derive(Clone, Debug, PartialEq)]
pub enum DocBody {
    Plain(Vec<u8>),
    Sealed(Sealed),
}

/// One version of a document. Versions are append-only: a change is a new version, so the
/// history (a policy's versions, a client's signed channel choices) is never lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub kind: DocKind,
    pub owner: Owner,
    pub key: String,
    /// 1 for the first version, then one more for each change.
    pub version: i64,
    pub body: DocBody,
    /// Who wrote it; `None` for the public (the pseudonymous contact form).
    pub author: Option<UserId>,
    pub at: DateTime<Utc>,
}
