-- Versioned documents (issue 4 onwards): profiles, practice policies and acknowledgments,
-- listings, encounter plans, channel consents, CE records, contact-form messages, sent
-- reminders. Same conventions as 0001. Append-only: a change is a new version.
CREATE TABLE documents (
    kind        TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- Set for a client's documents: sealed with that client's data key, shredded with it.
    client_id   TEXT    REFERENCES clients (id),
    body        BLOB    NOT NULL,
    -- NULL for a plain body; the data key version for a sealed one.
    key_version INTEGER,
    author_id   TEXT    REFERENCES users (id),
    at          INTEGER NOT NULL,
    PRIMARY KEY (kind, owner, key, version)
) STRICT;

CREATE TRIGGER documents_append_only_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'documents are append-only: write a new version'); END;
