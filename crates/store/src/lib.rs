//! Alcove's storage: one set of traits, two backends (`store-sqlite`, `store-postgres`),
//! and one conformance suite ([`conformance`]) that both must pass.
//!
//! Clinical content reaches the store already sealed ([`Sealed`]): the store never sees plaintext.
//! Times are passed in by the caller (from its `Clock`) as UTC; the store never reads the clock.

pub mod codec;
pub mod conformance;
pub mod events;
pub mod group;
mod model;

pub use events::{split_wire, Delivery, Event, EventBus, LocalBus, Reassembly, Subscription};

pub use model::*;

use alcove_domain::{ClientId, Email, MessageId, ThreadId, UserId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist: a single-row getter or an update of one row
    /// (e.g. `set_password`, `touch_session`) found nothing, or a write refers to a row
    /// that does not exist (a foreign key, e.g. a message for a missing thread).
    #[error("not found")]
    NotFound,
    /// A unique value is already taken (e.g. an email address); the text names the column.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database holds something this version cannot read (a corrupt or tampered row).
    #[error("the database holds an unreadable value in {table}.{column}: {why}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        why: String,
    },
    #[error("database error: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[async_trait]
pub trait Meta: Send + Sync {
    /// Small practice-wide values (e.g. the master-key check value).
    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>>;
    async fn meta_put(&self, key: &str, value: &[u8]) -> Result<()>;
    /// Stores the value only if the key is new; `false` when it was there already (the value
    /// is left alone), so several instances can race to create the same thing safely.
    async fn meta_insert(&self, key: &str, value: &[u8]) -> Result<bool>;
    /// `true` when the database answers (for `/readyz`).
    async fn ping(&self) -> Result<()>;
    /// The change stamp: a counter the database itself (by trigger) moves forward in the same
    /// transaction as any change to users, clients, care teams, data keys, threads, or the
    /// documents of kinds `communication_policy` and `messaging_pause`. Whoever keeps any of
    /// those in memory may use them only while the stamp has not moved (issue 7, speed).
    async fn change_stamp(&self) -> Result<i64>;
}

#[async_trait]
pub trait Users: Send + Sync {
    async fn create_user(&self, u: &NewUser) -> Result<()>;
    async fn user_by_id(&self, id: UserId) -> Result<User>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>>;
    async fn user_by_slug(&self, slug: &str) -> Result<Option<User>>;
    /// Everyone, ordered by name.
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn set_password(&self, id: UserId, password_hash: &str, at: DateTime<Utc>) -> Result<()>;
    /// Stores (or clears) the sealed TOTP secret; resets the last-used step.
    async fn set_totp(&self, id: UserId, sealed_secret: Option<&[u8]>) -> Result<()>;
    /// Records that `step` was used; returns `false` (and changes nothing) when a step
    /// at or after it was already used, so a code is accepted at most once.
    async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool>;
    /// Replaces all recovery codes of a user with these hashes.
    async fn replace_recovery_codes(&self, id: UserId, hashes: &[Vec<u8>]) -> Result<()>;
    /// Marks a matching, unused recovery code as used; `false` when none matched.
    async fn use_recovery_code(&self, id: UserId, hash: &[u8], at: DateTime<Utc>) -> Result<bool>;
    async fn unused_recovery_codes(&self, id: UserId) -> Result<u32>;
}

#[async_trait]
pub trait Sessions: Send + Sync {
    async fn create_session(&self, s: &NewSession) -> Result<()>;
    /// Looks a session up by the hash of its token.
    async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>>;
    /// [`Sessions::session`] and [`Meta::change_stamp`] read together, in one statement (one
    /// snapshot, one round trip): what every request does first.
    async fn session_stamped(&self, token_hash: &[u8]) -> Result<Option<(SessionRecord, i64)>>;
    async fn touch_session(&self, token_hash: &[u8], at: DateTime<Utc>) -> Result<()>;
    async fn set_session_mfa(&self, token_hash: &[u8], passed: bool) -> Result<()>;
    async fn delete_session(&self, token_hash: &[u8]) -> Result<()>;
    /// Sign-out everywhere; `except` keeps the caller's own session when given.
    async fn delete_user_sessions(&self, user: UserId, except: Option<&[u8]>) -> Result<u64>;
    /// Deletes sessions whose `expires_at` is strictly before `before`.
    async fn delete_expired_sessions(&self, before: DateTime<Utc>) -> Result<u64>;
}

#[async_trait]
pub trait Throttle: Send + Sync {
    /// Records a failure for `key` and returns the state after it. Failures count within a
    /// window of 15 minutes from the first one; a failure after that opens a new window.
    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> Result<ThrottleState>;
    async fn throttle_state(&self, key: &str) -> Result<Option<ThrottleState>>;
    async fn clear_failures(&self, key: &str) -> Result<()>;
    async fn set_blocked_until(&self, key: &str, until: DateTime<Utc>) -> Result<()>;
    /// Clears a pause that has run out, atomically: exactly one caller gets `true`, so after
    /// each served pause exactly one more attempt is let through, however many arrive at once.
    async fn claim_expired_block(&self, key: &str, at: DateTime<Utc>) -> Result<bool>;
    /// Pauses the key until `until` unless it is already paused at `at` (never extends a pause).
    async fn block_if_unblocked(
        &self,
        key: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<()>;
}

#[async_trait]
pub trait Clients: Send + Sync {
    async fn create_client(&self, c: &NewClient) -> Result<()>;
    async fn client(&self, id: ClientId) -> Result<ClientRecord>;
    async fn client_by_user(&self, user: UserId) -> Result<Option<ClientRecord>>;
    async fn add_to_care_team(
        &self,
        client: ClientId,
        clinician: UserId,
        role: CareRole,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Takes a clinician off a client's care team (e.g. a covering clinician whose cover
    /// ended). `NotFound` when they were not on it.
    async fn remove_from_care_team(&self, client: ClientId, clinician: UserId) -> Result<()>;
    /// Clients on whose care team this clinician is, ordered by name.
    async fn caseload(&self, clinician: UserId) -> Result<Vec<ClientRecord>>;
    /// The primary clinician first, then others in the order they were added.
    async fn care_team(&self, client: ClientId) -> Result<Vec<CareTeamMember>>;
    async fn add_supervision(&self, supervisor: UserId, supervisee: UserId) -> Result<()>;
    /// Ordered by name.
    async fn supervisees(&self, supervisor: UserId) -> Result<Vec<UserId>>;
}

#[async_trait]
pub trait DataKeys: Send + Sync {
    async fn put_data_key(&self, k: &WrappedDataKey) -> Result<()>;
    /// The newest live data key of a client.
    async fn current_data_key(&self, client: ClientId) -> Result<Option<WrappedDataKey>>;
    async fn data_key(&self, client: ClientId, version: i32) -> Result<Option<WrappedDataKey>>;
    /// Crypto-shredding: removes every data key of the client; their content can never be read again.
    async fn destroy_data_keys(&self, client: ClientId) -> Result<u64>;
}

#[async_trait]
pub trait Messages: Send + Sync {
    async fn create_thread(&self, t: &NewThread) -> Result<()>;
    async fn thread(&self, id: ThreadId) -> Result<ThreadRecord>;
    /// Whose thread it is, without counting its messages (`NotFound` when there is none).
    async fn thread_client(&self, id: ThreadId) -> Result<ClientId>;
    /// Most recent activity (last message, or creation when empty) first.
    async fn threads_of_client(&self, client: ClientId) -> Result<Vec<ThreadRecord>>;
    async fn append_message(&self, m: &NewMessage) -> Result<()>;
    /// Stores a message and the audit event of its sending in one transaction: both are
    /// durable when this returns, or neither was stored. The event is chained exactly as
    /// [`Audit::append_audit`] chains it. Backends may commit several concurrent calls in
    /// one transaction (group commit); each caller still gets its answer only after that
    /// commit, and a caller whose message is refused (a missing thread: `NotFound`; a
    /// duplicate id: `Conflict`) leaves no trace and does not affect the others.
    async fn append_message_audited(&self, m: &NewMessage, e: &NewAuditEvent)
        -> Result<AuditEvent>;
    /// Oldest first.
    async fn messages(&self, thread: ThreadId) -> Result<Vec<MessageRecord>>;
}

#[async_trait]
pub trait Audit: Send + Sync {
    /// Appends one event: assigns the next sequence number and chains its hash to the
    /// previous event's, serialised in the database so concurrent appends never fork the chain.
    async fn append_audit(&self, e: &NewAuditEvent) -> Result<AuditEvent>;
    /// Events with `seq >= from`, in order, at most `limit`.
    async fn audit_events(&self, from: i64, limit: i64) -> Result<Vec<AuditEvent>>;
    async fn audit_head(&self) -> Result<Option<AuditEvent>>;
    async fn put_checkpoint(&self, c: &Checkpoint) -> Result<()>;
    /// Oldest first.
    async fn checkpoints(&self) -> Result<Vec<Checkpoint>>;
    /// A client's access history, newest first, joined with the actor's name.
    async fn access_log(&self, client: ClientId, limit: i64) -> Result<Vec<AccessEntry>>;
}

/// The credentials register (issue 4): each clinician's credentials as one document in the
/// contract's credentials-file format (DESIGN.md), parsed by `domain::licensure` on read, and
/// the evidence of each verification (who checked, when, how). Public information, not clinical.
#[async_trait]
pub trait Licences: Send + Sync {
    /// Replaces the clinician's credentials document.
    async fn put_credentials(&self, doc: &CredentialsDoc) -> Result<()>;
    async fn credentials_of(&self, clinician: UserId) -> Result<Option<CredentialsDoc>>;
    async fn add_verification(&self, v: &Verification) -> Result<()>;
    /// Newest first.
    async fn verifications_of(&self, clinician: UserId) -> Result<Vec<Verification>>;
}

/// Versioned documents (issue 4 onwards): profiles, practice policies and their
/// acknowledgments, listings, encounter plans, channel consents, CE records, contact-form
/// messages, sent reminders. Append-only: each change is a new version.
#[async_trait]
pub trait Documents: Send + Sync {
    /// Appends a version. `Conflict` when that version exists already: someone else changed
    /// the document first, and the caller decides (re-read, or tell the user).
    async fn put_document(&self, d: &Document) -> Result<()>;
    /// The newest version, if any.
    async fn latest_document(
        &self,
        kind: DocKind,
        owner: &Owner,
        key: &str,
    ) -> Result<Option<Document>>;
    /// Every version, oldest first.
    async fn document_history(
        &self,
        kind: DocKind,
        owner: &Owner,
        key: &str,
    ) -> Result<Vec<Document>>;
    /// The newest version of each document of this kind (of one owner, or of everyone),
    /// ordered by owner then key.
    async fn latest_documents(&self, kind: DocKind, owner: Option<&Owner>)
        -> Result<Vec<Document>>;
}

/// Who has read how far in each thread (issue 7: read state). A mark is a position in the
/// thread — a message — so "unread" is exact even when several messages share a millisecond.
/// Marks hold ids and times only, never content.
#[async_trait]
pub trait ReadMarks: Send + Sync {
    /// Records that `user` has read `thread` up to and including `message`, at `at`. A mark
    /// only moves forward: an older message (a slow second tab) leaves a later mark alone.
    /// `NotFound` when the message is not in that thread.
    async fn mark_read(
        &self,
        user: UserId,
        thread: ThreadId,
        message: MessageId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// How many messages of the thread, written by someone else, come after the user's mark
    /// (all of them when the user has none).
    async fn unread_count(&self, user: UserId, thread: ThreadId) -> Result<i64>;
}

/// Everything a backend provides. Both backends implement it; the web layer holds `Arc<dyn Store>`.
pub trait Store:
    Meta
    + Users
    + Sessions
    + Throttle
    + Clients
    + DataKeys
    + Messages
    + Audit
    + Licences
    + Documents
    + ReadMarks
    + Send
    + Sync
{
    fn backend_name(&self) -> &'static str;
}
