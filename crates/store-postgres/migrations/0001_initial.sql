-- Alcove's schema (PostgreSQL). The SQLite backend has the same tables and columns.
--
-- Conventions, shared with SQLite:
--   * ids are UUIDs as text (hyphenated, lower case);
--   * times are BIGINT unix milliseconds, UTC;
--   * clinical content arrives sealed (ciphertext) and is stored as BYTEA; the store never sees plaintext.
-- Unqualified names: the tables are created in the first schema of the connection's search_path.

CREATE TABLE users (
    id                  TEXT   NOT NULL PRIMARY KEY,
    email               TEXT   NOT NULL UNIQUE,
    name                TEXT   NOT NULL,
    role                TEXT   NOT NULL,
    password_hash       TEXT   NOT NULL,
    totp_sealed         BYTEA,
    totp_last_step      BIGINT,
    slug                TEXT   UNIQUE,
    credentials         TEXT,
    created_at          BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA  NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- token_hash is SHA-256 of the session token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   BYTEA   NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    mfa_passed   BOOLEAN NOT NULL,
    csrf_token   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE throttle (
    key               TEXT   NOT NULL PRIMARY KEY,
    failures          BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    blocked_until     BIGINT
);

CREATE TABLE clients (
    id                TEXT   NOT NULL PRIMARY KEY,
    user_id           TEXT   NOT NULL UNIQUE REFERENCES users (id),
    home_jurisdiction TEXT   NOT NULL,
    created_at        BIGINT NOT NULL
);

CREATE TABLE care_team (
    client_id    TEXT   NOT NULL REFERENCES clients (id),
    clinician_id TEXT   NOT NULL REFERENCES users (id),
    role         TEXT   NOT NULL,
    added_at     BIGINT NOT NULL,
    PRIMARY KEY (client_id, clinician_id)
);
CREATE INDEX care_team_by_clinician ON care_team (clinician_id);

CREATE TABLE supervision (
    supervisor_id TEXT NOT NULL REFERENCES users (id),
    supervisee_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (supervisor_id, supervisee_id)
);
CREATE INDEX supervision_by_supervisee ON supervision (supervisee_id);

-- Crypto-shredding deletes rows here (see PgStore::destroy_data_keys).
CREATE TABLE data_keys (
    client_id  TEXT    NOT NULL REFERENCES clients (id),
    version    INTEGER NOT NULL,
    wrapped    BYTEA   NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (client_id, version)
);

CREATE TABLE threads (
    id         TEXT   NOT NULL PRIMARY KEY,
    client_id  TEXT   NOT NULL REFERENCES clients (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX threads_by_client ON threads (client_id);

CREATE TABLE messages (
    id          TEXT    NOT NULL PRIMARY KEY,
    thread_id   TEXT    NOT NULL REFERENCES threads (id),
    sender_id   TEXT    NOT NULL REFERENCES users (id),
    sent_at     BIGINT  NOT NULL,
    key_version INTEGER NOT NULL,
    body        BYTEA   NOT NULL
);
CREATE INDEX messages_by_thread ON messages (thread_id, sent_at);

-- The audit log. No foreign keys: the log must outlive (and never block changes to) the
-- rows it mentions. seq is the primary key, so two appends can never take the same place.
CREATE TABLE audit_events (
    seq        BIGINT NOT NULL PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor_id   TEXT,
    actor_role TEXT   NOT NULL,
    action     TEXT   NOT NULL,
    client_id  TEXT,
    object     TEXT   NOT NULL,
    prev_hash  BYTEA  NOT NULL,
    hash       BYTEA  NOT NULL
);
CREATE INDEX audit_events_by_client ON audit_events (client_id, seq);

CREATE TABLE audit_checkpoints (
    seq       BIGINT NOT NULL PRIMARY KEY,
    hash      BYTEA  NOT NULL,
    signature BYTEA  NOT NULL,
    at        BIGINT NOT NULL
);

-- Append-only, as a guard against application bugs: the hash chain and signed checkpoints
-- are what detect deliberate tampering (`alcove audit verify`). A test that tampers on
-- purpose drops these triggers first. Deployments can go further and grant the
-- application's role only SELECT and INSERT on these two tables.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate
    BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE meta (
    key   TEXT  NOT NULL PRIMARY KEY,
    value BYTEA NOT NULL
);
