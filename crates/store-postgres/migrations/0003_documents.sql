-- Versioned documents (issue 4 onwards): profiles, practice policies and acknowledgments,
-- listings, encounter plans, channel consents, CE records, contact-form messages, sent
-- reminders. Same conventions as 0001. Append-only: a change is a new version.
CREATE TABLE documents (
    kind        TEXT   NOT NULL,
    owner       TEXT   NOT NULL,
    key         TEXT   NOT NULL,
    version     BIGINT NOT NULL CHECK (version >= 1),
    -- Set for a client's documents: sealed with that client's data key, shredded with it.
    client_id   TEXT   REFERENCES clients (id),
    body        BYTEA  NOT NULL,
    -- NULL for a plain body; the data key version for a sealed one.
    key_version INTEGER,
    author_id   TEXT   REFERENCES users (id),
    at          BIGINT NOT NULL,
    PRIMARY KEY (kind, owner, key, version)
);

CREATE FUNCTION documents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'documents are append-only: write a new version';
END $$;
CREATE TRIGGER documents_append_only_update BEFORE UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_append_only();
