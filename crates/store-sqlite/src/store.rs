//! The storage traits, implemented on SQLite. Every statement is a runtime query with bound
//! parameters; nothing from outside is ever formatted into SQL.

use alcove_crypto::audit::{chain_hash, GENESIS};
use alcove_domain::{ClientId, Email, MessageId, ThreadId, UserId};
use alcove_store::codec::{self, millis};
use alcove_store::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;

use crate::rows::{db_err, Cols};
use crate::SqliteStore;

/// Failures count within this window from the first one (`Throttle::record_failure`).
const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Exactly one row was meant to change; none did.
fn one_row(affected: u64) -> Result<()> {
    if affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub(crate) fn id_text(u: uuid::Uuid) -> String {
    u.hyphenated().to_string()
}

fn clamp(limit: i64) -> i64 {
    limit.max(0)
}

// --- rows ----------------------------------------------------------------------------------------

const USER_COLUMNS: &str = "id, email, name, role, password_hash, totp_sealed, totp_last_step, \
                            slug, credentials, created_at, password_changed_at";

fn user(row: &SqliteRow) -> Result<User> {
    let c = Cols::of(row, "users");
    Ok(User {
        id: c.id("id")?,
        email: codec::email(c.table(), "email", &c.text("email")?)?,
        name: c.text("name")?,
        role: codec::role(c.table(), "role", &c.text("role")?)?,
        password_hash: c.text("password_hash")?,
        totp_sealed: c.get("totp_sealed")?,
        totp_last_step: c.get("totp_last_step")?,
        slug: c.get("slug")?,
        credentials: c.get("credentials")?,
        created_at: c.time("created_at")?,
        password_changed_at: c.time("password_changed_at")?,
    })
}

const SESSION_COLUMNS: &str =
    "token_hash, user_id, kind, mfa_passed, csrf_token, created_at, last_seen_at, expires_at";

fn session(row: &SqliteRow) -> Result<SessionRecord> {
    let c = Cols::of(row, "sessions");
    Ok(SessionRecord {
        token_hash: c.get("token_hash")?,
        user_id: c.id("user_id")?,
        kind: codec::session_kind(c.table(), "kind", &c.text("kind")?)?,
        mfa_passed: c.get("mfa_passed")?,
        csrf_token: c.text("csrf_token")?,
        created_at: c.time("created_at")?,
        last_seen_at: c.time("last_seen_at")?,
        expires_at: c.time("expires_at")?,
    })
}

fn throttle(row: &SqliteRow) -> Result<ThrottleState> {
    let c = Cols::of(row, "throttle");
    Ok(ThrottleState {
        key: c.text("key")?,
        failures: c.get("failures")?,
        window_started_at: c.time("window_started_at")?,
        blocked_until: c.opt_time("blocked_until")?,
    })
}

/// Clients with their name, from `clients c JOIN users u`.
const CLIENT_SELECT: &str = "SELECT c.id, c.user_id, u.name, c.home_jurisdiction, c.created_at \
                             FROM clients c JOIN users u ON u.id = c.user_id";

fn client(row: &SqliteRow) -> Result<ClientRecord> {
    let c = Cols::of(row, "clients");
    Ok(ClientRecord {
        id: c.id("id")?,
        user_id: c.id("user_id")?,
        name: c.joined("users").text("name")?,
        home_jurisdiction: codec::jurisdiction(
            c.table(),
            "home_jurisdiction",
            &c.text("home_jurisdiction")?,
        )?,
        created_at: c.time("created_at")?,
    })
}

fn data_key(row: &SqliteRow) -> Result<WrappedDataKey> {
    let c = Cols::of(row, "data_keys");
    Ok(WrappedDataKey {
        client_id: c.id("client_id")?,
        version: c.get("version")?,
        wrapped: c.get("wrapped")?,
        created_at: c.time("created_at")?,
    })
}

/// Threads with their message count and latest message, newest activity first.
const THREAD_SELECT: &str = "SELECT t.id, t.client_id, t.created_at, \
        MAX(m.sent_at) AS last_message_at, COUNT(m.id) AS message_count \
     FROM threads t LEFT JOIN messages m ON m.thread_id = t.id";
const THREAD_GROUP: &str = "GROUP BY t.id, t.client_id, t.created_at \
     ORDER BY COALESCE(MAX(m.sent_at), t.created_at) DESC, t.id";

fn thread(row: &SqliteRow) -> Result<ThreadRecord> {
    let c = Cols::of(row, "threads");
    let m = c.joined("messages");
    Ok(ThreadRecord {
        id: c.id("id")?,
        client_id: c.id("client_id")?,
        created_at: c.time("created_at")?,
        last_message_at: m.opt_time("last_message_at")?,
        message_count: m.get("message_count")?,
    })
}

fn message(row: &SqliteRow) -> Result<MessageRecord> {
    let c = Cols::of(row, "messages");
    let u = c.joined("users");
    Ok(MessageRecord {
        id: c.id("id")?,
        thread_id: c.id("thread_id")?,
        sender_id: c.id("sender_id")?,
        sender_name: u.text("sender_name")?,
        sender_role: codec::role("users", "role", &u.text("sender_role")?)?,
        sent_at: c.time("sent_at")?,
        body: Sealed {
            key_version: c.get("key_version")?,
            ciphertext: c.get("body")?,
        },
    })
}

pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor_id, actor_role, action, client_id, object, prev_hash, hash";

fn audit_event(row: &SqliteRow) -> Result<AuditEvent> {
    let c = Cols::of(row, "audit_events");
    Ok(AuditEvent {
        seq: c.get("seq")?,
        at: c.time("at")?,
        actor_id: c.opt_id("actor_id")?,
        actor_role: c.text("actor_role")?,
        action: c.text("action")?,
        client_id: c.opt_id("client_id")?,
        object: c.text("object")?,
        prev_hash: c.get("prev_hash")?,
        hash: c.get("hash")?,
    })
}

fn checkpoint(row: &SqliteRow) -> Result<Checkpoint> {
    let c = Cols::of(row, "audit_checkpoints");
    Ok(Checkpoint {
        seq: c.get("seq")?,
        hash: c.get("hash")?,
        signature: c.get("signature")?,
        at: c.time("at")?,
    })
}

fn access_entry(row: &SqliteRow) -> Result<AccessEntry> {
    let c = Cols::of(row, "audit_events");
    Ok(AccessEntry {
        seq: c.get("seq")?,
        at: c.time("at")?,
        actor_id: c.opt_id("actor_id")?,
        actor_name: c.joined("users").get("actor_name")?,
        actor_role: c.text("actor_role")?,
        action: c.text("action")?,
        object: c.text("object")?,
    })
}

const CREDENTIALS_COLUMNS: &str = "clinician_id, document, updated_at, updated_by";

fn credentials_doc(row: &SqliteRow) -> Result<CredentialsDoc> {
    let c = Cols::of(row, "credentials");
    Ok(CredentialsDoc {
        clinician_id: c.id("clinician_id")?,
        document: c.text("document")?,
        updated_at: c.time("updated_at")?,
        updated_by: c.id("updated_by")?,
    })
}

const VERIFICATION_COLUMNS: &str =
    "id, clinician_id, credential, verified_by, verified_at, method, note";

fn verification(row: &SqliteRow) -> Result<Verification> {
    let c = Cols::of(row, "credential_verifications");
    Ok(Verification {
        id: c.id("id")?,
        clinician_id: c.id("clinician_id")?,
        credential: c.text("credential")?,
        verified_by: c.id("verified_by")?,
        verified_at: c.time("verified_at")?,
        method: c.text("method")?,
        note: c.text("note")?,
    })
}

// --- traits --------------------------------------------------------------------------------------

#[async_trait]
impl Meta for SqliteStore {
    async fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| Cols::of(&r, "meta").get("value")).transpose()
    }

    async fn meta_put(&self, key: &str, value: &[u8]) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn meta_insert(&self, key: &str, value: &[u8]) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn change_stamp(&self) -> Result<i64> {
        let row = sqlx::query("SELECT n FROM change_stamp WHERE id = 1")
            .fetch_one(&self.reader)
            .await
            .map_err(db_err)?;
        Cols::of(&row, "change_stamp").get("n")
    }
}

#[async_trait]
impl Users for SqliteStore {
    async fn create_user(&self, u: &NewUser) -> Result<()> {
        sqlx::query(
            "INSERT INTO users (id, email, name, role, password_hash, totp_sealed, \
                totp_last_step, slug, credentials, created_at, password_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $9)",
        )
        .bind(id_text(u.id.0))
        .bind(u.email.as_str())
        .bind(&u.name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(u.totp_sealed.as_deref())
        .bind(u.slug.as_deref())
        .bind(u.credentials.as_deref())
        .bind(millis(u.created_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn user_by_id(&self, id: UserId) -> Result<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id_text(id.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        user(&row.ok_or(StoreError::NotFound)?)
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(user).transpose()
    }

    async fn user_by_slug(&self, slug: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user).transpose()
    }

    async fn list_users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
        ))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(user).collect()
    }

    async fn set_password(&self, id: UserId, password_hash: &str, at: DateTime<Utc>) -> Result<()> {
        let r = sqlx::query(
            "UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1",
        )
        .bind(id_text(id.0))
        .bind(password_hash)
        .bind(millis(at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        one_row(r.rows_affected())
    }

    async fn set_totp(&self, id: UserId, sealed_secret: Option<&[u8]>) -> Result<()> {
        let r =
            sqlx::query("UPDATE users SET totp_sealed = $2, totp_last_step = NULL WHERE id = $1")
                .bind(id_text(id.0))
                .bind(sealed_secret)
                .execute(&self.writer)
                .await
                .map_err(db_err)?;
        one_row(r.rows_affected())
    }

    async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool> {
        // One conditional UPDATE: two racing sign-ins with the same code cannot both see
        // the step as unused (RFC 6238 §5.2: a code is accepted at most once).
        let r = sqlx::query(
            "UPDATE users SET totp_last_step = $2 \
             WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(id_text(id.0))
        .bind(step)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn replace_recovery_codes(&self, id: UserId, hashes: &[Vec<u8>]) -> Result<()> {
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id_text(id.0))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for h in hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
            )
            .bind(id_text(id.0))
            .bind(h.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn use_recovery_code(&self, id: UserId, hash: &[u8], at: DateTime<Utc>) -> Result<bool> {
        let r = sqlx::query(
            "UPDATE recovery_codes SET used_at = $3 \
             WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(id_text(id.0))
        .bind(hash)
        .bind(millis(at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn unused_recovery_codes(&self, id: UserId) -> Result<u32> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS unused FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(id_text(id.0))
        .fetch_one(&self.reader)
        .await
        .map_err(db_err)?;
        let c = Cols::of(&row, "recovery_codes");
        codec::count_u32(c.table(), "used_at", c.get("unused")?)
    }
}

#[async_trait]
impl Sessions for SqliteStore {
    async fn create_session(&self, s: &NewSession) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, mfa_passed, csrf_token, \
                created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(s.token_hash.as_slice())
        .bind(id_text(s.user_id.0))
        .bind(s.kind.as_str())
        .bind(s.mfa_passed)
        .bind(&s.csrf_token)
        .bind(millis(s.created_at))
        .bind(millis(s.expires_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(session).transpose()
    }

    async fn session_stamped(&self, token_hash: &[u8]) -> Result<Option<(SessionRecord, i64)>> {
        if let Some(read) = self.inline.session_stamped(token_hash) {
            return read;
        }
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS}, (SELECT n FROM change_stamp WHERE id = 1) AS stamp \
             FROM sessions WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref()
            .map(|r| Ok((session(r)?, Cols::of(r, "change_stamp").get("stamp")?)))
            .transpose()
    }

    async fn touch_session(&self, token_hash: &[u8], at: DateTime<Utc>) -> Result<()> {
        let r = sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(millis(at))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        one_row(r.rows_affected())
    }

    async fn set_session_mfa(&self, token_hash: &[u8], passed: bool) -> Result<()> {
        let r = sqlx::query("UPDATE sessions SET mfa_passed = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(passed)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        one_row(r.rows_affected())
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user: UserId, except: Option<&[u8]>) -> Result<u64> {
        let r = sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
        )
        .bind(id_text(user.0))
        .bind(except)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected())
    }

    async fn delete_expired_sessions(&self, before: DateTime<Utc>) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(millis(before))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl Throttle for SqliteStore {
    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> Result<ThrottleState> {
        // One atomic upsert, so concurrent failures are all counted. The SET expressions
        // all see the row as it was before the update.
        let row = sqlx::query(
            "INSERT INTO throttle (key, failures, window_started_at, blocked_until) \
             VALUES ($1, 1, $2, NULL) \
             ON CONFLICT (key) DO UPDATE SET \
                failures = CASE WHEN throttle.window_started_at < $3 \
                                THEN 1 ELSE throttle.failures + 1 END, \
                window_started_at = CASE WHEN throttle.window_started_at < $3 \
                                THEN $2 ELSE throttle.window_started_at END \
             RETURNING key, failures, window_started_at, blocked_until",
        )
        .bind(key)
        .bind(millis(at))
        .bind(millis(at) - THROTTLE_WINDOW_MS)
        .fetch_one(&self.writer)
        .await
        .map_err(db_err)?;
        throttle(&row)
    }

    async fn throttle_state(&self, key: &str) -> Result<Option<ThrottleState>> {
        let row = sqlx::query(
            "SELECT key, failures, window_started_at, blocked_until FROM throttle WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(throttle).transpose()
    }

    async fn clear_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM throttle WHERE key = $1")
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn set_blocked_until(&self, key: &str, until: DateTime<Utc>) -> Result<()> {
        // A key blocked before any failure gets an empty window that started at the epoch,
        // so its first failure opens a fresh window.
        sqlx::query(
            "INSERT INTO throttle (key, failures, window_started_at, blocked_until) \
             VALUES ($1, 0, 0, $2) \
             ON CONFLICT (key) DO UPDATE SET blocked_until = excluded.blocked_until",
        )
        .bind(key)
        .bind(millis(until))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn claim_expired_block(&self, key: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE throttle SET blocked_until = NULL \
             WHERE key = $1 AND blocked_until IS NOT NULL AND blocked_until <= $2",
        )
        .bind(key)
        .bind(millis(at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn block_if_unblocked(
        &self,
        key: &str,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE throttle SET blocked_until = $3 \
             WHERE key = $1 AND (blocked_until IS NULL OR blocked_until <= $2)",
        )
        .bind(key)
        .bind(millis(at))
        .bind(millis(until))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

#[async_trait]
impl Clients for SqliteStore {
    async fn create_client(&self, c: &NewClient) -> Result<()> {
        sqlx::query(
            "INSERT INTO clients (id, user_id, home_jurisdiction, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id_text(c.id.0))
        .bind(id_text(c.user_id.0))
        .bind(c.home_jurisdiction.as_str())
        .bind(millis(c.created_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn client(&self, id: ClientId) -> Result<ClientRecord> {
        let row = sqlx::query(&format!("{CLIENT_SELECT} WHERE c.id = $1"))
            .bind(id_text(id.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        client(&row.ok_or(StoreError::NotFound)?)
    }

    async fn client_by_user(&self, user: UserId) -> Result<Option<ClientRecord>> {
        let row = sqlx::query(&format!("{CLIENT_SELECT} WHERE c.user_id = $1"))
            .bind(id_text(user.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.as_ref().map(client).transpose()
    }

    async fn add_to_care_team(
        &self,
        client: ClientId,
        clinician: UserId,
        role: CareRole,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO care_team (client_id, clinician_id, role, added_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id_text(client.0))
        .bind(id_text(clinician.0))
        .bind(role.as_str())
        .bind(millis(at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn remove_from_care_team(&self, client: ClientId, clinician: UserId) -> Result<()> {
        let done = sqlx::query("DELETE FROM care_team WHERE client_id = $1 AND clinician_id = $2")
            .bind(id_text(client.0))
            .bind(id_text(clinician.0))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn caseload(&self, clinician: UserId) -> Result<Vec<ClientRecord>> {
        let rows = sqlx::query(&format!(
            "{CLIENT_SELECT} JOIN care_team t ON t.client_id = c.id \
             WHERE t.clinician_id = $1 ORDER BY u.name, c.id"
        ))
        .bind(id_text(clinician.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(client).collect()
    }

    async fn care_team(&self, client: ClientId) -> Result<Vec<CareTeamMember>> {
        let rows = sqlx::query(
            "SELECT t.clinician_id, u.name, t.role \
             FROM care_team t JOIN users u ON u.id = t.clinician_id \
             WHERE t.client_id = $1 \
             ORDER BY CASE t.role WHEN 'primary' THEN 0 ELSE 1 END, t.added_at, t.clinician_id",
        )
        .bind(id_text(client.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|row| {
                let c = Cols::of(row, "care_team");
                Ok(CareTeamMember {
                    clinician_id: c.id("clinician_id")?,
                    name: c.joined("users").text("name")?,
                    role: codec::care_role(c.table(), "role", &c.text("role")?)?,
                })
            })
            .collect()
    }

    async fn add_supervision(&self, supervisor: UserId, supervisee: UserId) -> Result<()> {
        sqlx::query("INSERT INTO supervision (supervisor_id, supervisee_id) VALUES ($1, $2)")
            .bind(id_text(supervisor.0))
            .bind(id_text(supervisee.0))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn supervisees(&self, supervisor: UserId) -> Result<Vec<UserId>> {
        let rows = sqlx::query(
            "SELECT s.supervisee_id FROM supervision s JOIN users u ON u.id = s.supervisee_id \
             WHERE s.supervisor_id = $1 ORDER BY u.name, u.id",
        )
        .bind(id_text(supervisor.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|row| Cols::of(row, "supervision").id("supervisee_id"))
            .collect()
    }
}

#[async_trait]
impl DataKeys for SqliteStore {
    async fn put_data_key(&self, k: &WrappedDataKey) -> Result<()> {
        sqlx::query(
            "INSERT INTO data_keys (client_id, version, wrapped, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id_text(k.client_id.0))
        .bind(k.version)
        .bind(k.wrapped.as_slice())
        .bind(millis(k.created_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn current_data_key(&self, client: ClientId) -> Result<Option<WrappedDataKey>> {
        let row = sqlx::query(
            "SELECT client_id, version, wrapped, created_at FROM data_keys \
             WHERE client_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(id_text(client.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(data_key).transpose()
    }

    async fn data_key(&self, client: ClientId, version: i32) -> Result<Option<WrappedDataKey>> {
        let row = sqlx::query(
            "SELECT client_id, version, wrapped, created_at FROM data_keys \
             WHERE client_id = $1 AND version = $2",
        )
        .bind(id_text(client.0))
        .bind(version)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(data_key).transpose()
    }

    async fn destroy_data_keys(&self, client: ClientId) -> Result<u64> {
        let r = sqlx::query("DELETE FROM data_keys WHERE client_id = $1")
            .bind(id_text(client.0))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        if r.rows_affected() > 0 {
            // secure_delete zeroed the rows in their page, but until the WAL is checkpointed
            // the main file still holds the old page, and the WAL holds the frames that first
            // wrote the keys. Checkpoint and truncate the WAL so no copy of a wrapped key is
            // left in either file. (The delete itself is committed either way; a checkpoint
            // blocked by a long reader is retried by SQLite's automatic checkpoints.)
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.writer)
                .await
                .map_err(db_err)?;
            let busy: i64 = Cols::of(&row, "data_keys").get("busy")?;
            if busy != 0 {
                tracing::warn!(
                    "data keys destroyed, but the WAL could not be truncated yet (readers busy)"
                );
            }
        }
        Ok(r.rows_affected())
    }
}

#[async_trait]
impl Messages for SqliteStore {
    async fn create_thread(&self, t: &NewThread) -> Result<()> {
        sqlx::query("INSERT INTO threads (id, client_id, created_at) VALUES ($1, $2, $3)")
            .bind(id_text(t.id.0))
            .bind(id_text(t.client_id.0))
            .bind(millis(t.created_at))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn thread(&self, id: ThreadId) -> Result<ThreadRecord> {
        let row = sqlx::query(&format!("{THREAD_SELECT} WHERE t.id = $1 {THREAD_GROUP}"))
            .bind(id_text(id.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        thread(&row.ok_or(StoreError::NotFound)?)
    }

    async fn thread_client(&self, id: ThreadId) -> Result<ClientId> {
        let row = sqlx::query("SELECT client_id FROM threads WHERE id = $1")
            .bind(id_text(id.0))
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        Cols::of(&row.ok_or(StoreError::NotFound)?, "threads").id("client_id")
    }

    async fn threads_of_client(&self, client: ClientId) -> Result<Vec<ThreadRecord>> {
        let rows = sqlx::query(&format!(
            "{THREAD_SELECT} WHERE t.client_id = $1 {THREAD_GROUP}"
        ))
        .bind(id_text(client.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(thread).collect()
    }

    async fn append_message(&self, m: &NewMessage) -> Result<()> {
        let mut conn = self.writer.acquire().await.map_err(db_err)?;
        insert_message(&mut conn, m).await
    }

    async fn append_message_audited(
        &self,
        m: &NewMessage,
        e: &NewAuditEvent,
    ) -> Result<AuditEvent> {
        crate::group::submit(self, m, e).await
    }

    async fn messages(&self, thread: ThreadId) -> Result<Vec<MessageRecord>> {
        let rows = sqlx::query(
            "SELECT m.id, m.thread_id, m.sender_id, u.name AS sender_name, \
                u.role AS sender_role, m.sent_at, m.key_version, m.body \
             FROM messages m JOIN users u ON u.id = m.sender_id \
             WHERE m.thread_id = $1 ORDER BY m.sent_at, m.id",
        )
        .bind(id_text(thread.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(message).collect()
    }
}

#[async_trait]
impl ReadMarks for SqliteStore {
    async fn mark_read(
        &self,
        user: UserId,
        thread: ThreadId,
        message: MessageId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let sent_at: Option<i64> =
            sqlx::query_scalar("SELECT sent_at FROM messages WHERE id = $1 AND thread_id = $2")
                .bind(id_text(message.0))
                .bind(id_text(thread.0))
                .fetch_optional(&self.reader)
                .await
                .map_err(db_err)?;
        let sent_at = sent_at.ok_or(StoreError::NotFound)?;
        // Messages are ordered by (sent_at, id); the mark moves only to a later position.
        sqlx::query(
            "INSERT INTO read_marks (user_id, thread_id, message_id, sent_at, marked_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, thread_id) DO UPDATE SET \
                message_id = excluded.message_id, sent_at = excluded.sent_at, \
                marked_at = excluded.marked_at \
             WHERE excluded.sent_at > read_marks.sent_at \
                OR (excluded.sent_at = read_marks.sent_at \
                    AND excluded.message_id > read_marks.message_id)",
        )
        .bind(id_text(user.0))
        .bind(id_text(thread.0))
        .bind(id_text(message.0))
        .bind(sent_at)
        .bind(millis(at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn unread_count(&self, user: UserId, thread: ThreadId) -> Result<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m \
             LEFT JOIN read_marks r ON r.user_id = $1 AND r.thread_id = m.thread_id \
             WHERE m.thread_id = $2 AND m.sender_id <> $1 \
               AND (r.user_id IS NULL OR m.sent_at > r.sent_at \
                    OR (m.sent_at = r.sent_at AND m.id > r.message_id))",
        )
        .bind(id_text(user.0))
        .bind(id_text(thread.0))
        .fetch_one(&self.reader)
        .await
        .map_err(db_err)
    }
}

#[async_trait]
impl Audit for SqliteStore {
    async fn append_audit(&self, e: &NewAuditEvent) -> Result<AuditEvent> {
        // BEGIN IMMEDIATE takes the database's write lock before the head is read, so no
        // other connection (in this process or another) can append between our read of
        // the head and our insert. See the crate docs.
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        let head = audit_head_in(&mut tx).await?;
        let event = chained(head, e);
        insert_audit(&mut tx, &event).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(event)
    }

    async fn audit_events(&self, from: i64, limit: i64) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2"
        ))
        .bind(from)
        .bind(clamp(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(audit_event).collect()
    }

    async fn audit_head(&self) -> Result<Option<AuditEvent>> {
        let row = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT 1"
        ))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(audit_event).transpose()
    }

    async fn put_checkpoint(&self, c: &Checkpoint) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, signature, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(c.seq)
        .bind(c.hash.as_slice())
        .bind(c.signature.as_slice())
        .bind(millis(c.at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn checkpoints(&self) -> Result<Vec<Checkpoint>> {
        let rows =
            sqlx::query("SELECT seq, hash, signature, at FROM audit_checkpoints ORDER BY seq")
                .fetch_all(&self.reader)
                .await
                .map_err(db_err)?;
        rows.iter().map(checkpoint).collect()
    }

    async fn access_log(&self, client: ClientId, limit: i64) -> Result<Vec<AccessEntry>> {
        let rows = sqlx::query(
            "SELECT a.seq, a.at, a.actor_id, u.name AS actor_name, a.actor_role, a.action, a.object \
             FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id \
             WHERE a.client_id = $1 ORDER BY a.seq DESC LIMIT $2",
        )
        .bind(id_text(client.0))
        .bind(clamp(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(access_entry).collect()
    }
}

#[async_trait]
impl Licences for SqliteStore {
    async fn put_credentials(&self, doc: &CredentialsDoc) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO credentials ({CREDENTIALS_COLUMNS}) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (clinician_id) DO UPDATE SET document = excluded.document, \
                updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        ))
        .bind(id_text(doc.clinician_id.0))
        .bind(&doc.document)
        .bind(millis(doc.updated_at))
        .bind(id_text(doc.updated_by.0))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn credentials_of(&self, clinician: UserId) -> Result<Option<CredentialsDoc>> {
        let row = sqlx::query(&format!(
            "SELECT {CREDENTIALS_COLUMNS} FROM credentials WHERE clinician_id = $1"
        ))
        .bind(id_text(clinician.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(credentials_doc).transpose()
    }

    async fn add_verification(&self, v: &Verification) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO credential_verifications ({VERIFICATION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(id_text(v.id))
        .bind(id_text(v.clinician_id.0))
        .bind(&v.credential)
        .bind(id_text(v.verified_by.0))
        .bind(millis(v.verified_at))
        .bind(&v.method)
        .bind(&v.note)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn verifications_of(&self, clinician: UserId) -> Result<Vec<Verification>> {
        let rows = sqlx::query(&format!(
            "SELECT {VERIFICATION_COLUMNS} FROM credential_verifications \
             WHERE clinician_id = $1 ORDER BY verified_at DESC, id"
        ))
        .bind(id_text(clinician.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(verification).collect()
    }
}

const DOCUMENT_COLUMNS: &str = "kind, owner, key, version, body, key_version, author_id, at";

fn document(row: &SqliteRow) -> Result<Document> {
    let c = Cols::of(row, "documents");
    let kind: String = c.text("kind")?;
    let owner: String = c.text("owner")?;
    let body: Vec<u8> = c.get("body")?;
    Ok(Document {
        kind: DocKind::parse(&kind)
            .ok_or_else(|| codec::corrupt("documents", "kind", "not a known kind"))?,
        owner: Owner::decode(&owner)
            .ok_or_else(|| codec::corrupt("documents", "owner", "not an owner"))?,
        key: c.text("key")?,
        version: c.get("version")?,
        body: match c.get::<Option<i32>>("key_version")? {
            None => DocBody::Plain(body),
            Some(key_version) => DocBody::Sealed(Sealed {
                key_version,
                ciphertext: body,
            }),
        },
        author: c.opt_id("author_id")?,
        at: c.time("at")?,
    })
}

#[async_trait]
impl Documents for SqliteStore {
    async fn put_document(&self, d: &Document) -> Result<()> {
        let (body, key_version) = match &d.body {
            DocBody::Plain(b) => (b.as_slice(), None),
            DocBody::Sealed(s) => (s.ciphertext.as_slice(), Some(s.key_version)),
        };
        sqlx::query(
            "INSERT INTO documents \
             (kind, owner, key, version, client_id, body, key_version, author_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(d.kind.as_str())
        .bind(d.owner.encode())
        .bind(&d.key)
        .bind(d.version)
        .bind(d.owner.client().map(|c| id_text(c.0)))
        .bind(body)
        .bind(key_version)
        .bind(d.author.map(|a| id_text(a.0)))
        .bind(millis(d.at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn latest_document(
        &self,
        kind: DocKind,
        owner: &Owner,
        key: &str,
    ) -> Result<Option<Document>> {
        let row = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents \
             WHERE kind = $1 AND owner = $2 AND key = $3 ORDER BY version DESC LIMIT 1"
        ))
        .bind(kind.as_str())
        .bind(owner.encode())
        .bind(key)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(document).transpose()
    }

    async fn document_history(
        &self,
        kind: DocKind,
        owner: &Owner,
        key: &str,
    ) -> Result<Vec<Document>> {
        let rows = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents \
             WHERE kind = $1 AND owner = $2 AND key = $3 ORDER BY version"
        ))
        .bind(kind.as_str())
        .bind(owner.encode())
        .bind(key)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(document).collect()
    }

    async fn latest_documents(
        &self,
        kind: DocKind,
        owner: Option<&Owner>,
    ) -> Result<Vec<Document>> {
        const NEWEST: &str = "version = (SELECT MAX(n.version) FROM documents n \
             WHERE n.kind = d.kind AND n.owner = d.owner AND n.key = d.key)";
        let rows = match owner {
            Some(owner) => {
                sqlx::query(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM documents d \
                 WHERE kind = $1 AND owner = $2 AND {NEWEST} ORDER BY owner, key"
                ))
                .bind(kind.as_str())
                .bind(owner.encode())
                .fetch_all(&self.reader)
                .await
            }
            None => {
                sqlx::query(&format!(
                    "SELECT {DOCUMENT_COLUMNS} FROM documents d \
                 WHERE kind = $1 AND {NEWEST} ORDER BY owner, key"
                ))
                .bind(kind.as_str())
                .fetch_all(&self.reader)
                .await
            }
        }
        .map_err(db_err)?;
        rows.iter().map(document).collect()
    }
}

impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
}

// --- writes shared by the single and the grouped paths ------------------------------------------

pub(crate) async fn insert_message(
    conn: &mut sqlx::SqliteConnection,
    m: &NewMessage,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, thread_id, sender_id, sent_at, key_version, body) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id_text(m.id.0))
    .bind(id_text(m.thread_id.0))
    .bind(id_text(m.sender_id.0))
    .bind(millis(m.sent_at))
    .bind(m.body.key_version)
    .bind(m.body.ciphertext.as_slice())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The chain head as (next seq, its prev hash), read inside the caller's write transaction.
pub(crate) async fn audit_head_in(conn: &mut sqlx::SqliteConnection) -> Result<(i64, Vec<u8>)> {
    let head = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(conn)
        .await
        .map_err(db_err)?;
    Ok(match head {
        None => (1, GENESIS.to_vec()),
        Some(row) => {
            let c = Cols::of(&row, "audit_events");
            (c.get::<i64>("seq")? + 1, c.get::<Vec<u8>>("hash")?)
        }
    })
}

/// The event `e` placed at `(seq, prev_hash)` in the chain, with its hash.
pub(crate) fn chained((seq, prev_hash): (i64, Vec<u8>), e: &NewAuditEvent) -> AuditEvent {
    let mut event = AuditEvent {
        seq,
        at: codec::to_millis_precision(e.at),
        actor_id: e.actor_id,
        actor_role: e.actor_role.clone(),
        action: e.action.clone(),
        client_id: e.client_id,
        object: e.object.clone(),
        prev_hash,
        hash: Vec::new(),
    };
    event.hash = chain_hash(&event.prev_hash, &event.fields()).to_vec();
    event
}

pub(crate) async fn insert_audit(
    conn: &mut sqlx::SqliteConnection,
    event: &AuditEvent,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO audit_events ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(event.seq)
    .bind(millis(event.at))
    .bind(event.actor_id.map(|u| id_text(u.0)))
    .bind(&event.actor_role)
    .bind(&event.action)
    .bind(event.client_id.map(|c| id_text(c.0)))
    .bind(&event.object)
    .bind(event.prev_hash.as_slice())
    .bind(event.hash.as_slice())
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}
