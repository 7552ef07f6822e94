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
