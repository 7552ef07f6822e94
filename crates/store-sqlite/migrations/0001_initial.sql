-- Alcove's schema (SQLite). The PostgreSQL backend has the same tables and columns.
--
-- Conventions, shared with PostgreSQL:
--   * ids are UUIDs as text (hyphenated, lower case);
--   * times are unix milliseconds, UTC (INTEGER is 64-bit in SQLite, i.e. BIGINT);
--   * clinical content arrives sealed (ciphertext) and is stored as BLOB; the store never sees plaintext.
-- Tables are STRICT so a value of the wrong type is refused on write rather than read back as something else.

CREATE TABLE users (
    id                  TEXT    NOT NULL PRIMARY KEY,
    email               TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    role                TEXT    NOT NULL,
    password_hash       TEXT    NOT NULL,
    totp_sealed         BLOB,
    totp_last_step      INTEGER,
    slug                TEXT    UNIQUE,
    credentials         TEXT,
    created_at          INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
    user_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB    NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- token_hash is SHA-256 of the session token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   BLOB    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    mfa_passed   INTEGER NOT NULL CHECK (mfa_passed IN (0, 1)),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE throttle (
    key               TEXT    NOT NULL PRIMARY KEY,
    failures          INTEGER NOT NULL,
    window_started_at INTEGER NOT NULL,
    blocked_until     INTEGER
) STRICT;

CREATE TABLE clients (
    id                TEXT    NOT NULL PRIMARY KEY,
    user_id           TEXT    NOT NULL UNIQUE REFERENCES users (id),
    home_jurisdiction TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE care_team (
    client_id    TEXT    NOT NULL REFERENCES clients (id),
    clinician_id TEXT    NOT NULL REFERENCES users (id),
    role         TEXT    NOT NULL,
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (client_id, clinician_id)
) STRICT;
CREATE INDEX care_team_by_clinician ON care_team (clinician_id);

CREATE TABLE supervision (
    supervisor_id TEXT NOT NULL REFERENCES users (id),
    supervisee_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (supervisor_id, supervisee_id)
) STRICT;
CREATE INDEX supervision_by_supervisee ON supervision (supervisee_id);

-- Crypto-shredding deletes rows here; the connection runs with secure_delete so the
-- wrapped key bytes are overwritten, not just unlinked (see SqliteStore::destroy_data_keys).
CREATE TABLE data_keys (
    client_id  TEXT    NOT NULL REFERENCES clients (id),
    version    INTEGER NOT NULL,
    wrapped    BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, version)
) STRICT;

CREATE TABLE threads (
    id         TEXT    NOT NULL PRIMARY KEY,
    client_id  TEXT    NOT NULL REFERENCES clients (id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX threads_by_client ON threads (client_id);

CREATE TABLE messages (
    id          TEXT    NOT NULL PRIMARY KEY,
    thread_id   TEXT    NOT NULL REFERENCES threads (id),
    sender_id   TEXT    NOT NULL REFERENCES users (id),
    sent_at     INTEGER NOT NULL,
    key_version INTEGER NOT NULL,
    body        BLOB    NOT NULL
) STRICT;
CREATE INDEX messages_by_thread ON messages (thread_id, sent_at);

-- The audit log. No foreign keys: the log must outlive (and never block changes to) the
-- rows it mentions. seq is the primary key, so two appends can never take the same place.
CREATE TABLE audit_events (
    seq        INTEGER NOT NULL PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   TEXT,
    actor_role TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    client_id  TEXT,
    object     TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL,
    hash       BLOB    NOT NULL
) STRICT;
CREATE INDEX audit_events_by_client ON audit_events (client_id, seq);

CREATE TABLE audit_checkpoints (
    seq       INTEGER NOT NULL PRIMARY KEY,
    hash      BLOB    NOT NULL,
    signature BLOB    NOT NULL,
    at        INTEGER NOT NULL
) STRICT;

-- Append-only, as a guard against application bugs: the hash chain and signed checkpoints
-- are what detect deliberate tampering (`alcove audit verify`). A test that tampers on
-- purpose drops these triggers first.
CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;

CREATE TABLE meta (
    key   TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
