-- The credentials register (issue 4). Same conventions as 0001: ids as text, times as
-- unix milliseconds (INTEGER, i.e. 64-bit), STRICT tables. Public information, not clinical.

-- Each clinician's credentials, as one document in the contract's credentials-file JSON.
CREATE TABLE credentials (
    clinician_id TEXT    NOT NULL PRIMARY KEY REFERENCES users (id),
    document     TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL REFERENCES users (id)
) STRICT;

-- Evidence that someone checked a credential with its issuing board.
CREATE TABLE credential_verifications (
    id           TEXT    NOT NULL PRIMARY KEY,
    clinician_id TEXT    NOT NULL REFERENCES users (id),
    credential   TEXT    NOT NULL,
    verified_by  TEXT    NOT NULL REFERENCES users (id),
    verified_at  INTEGER NOT NULL,
    method       TEXT    NOT NULL,
    note         TEXT    NOT NULL
) STRICT;
CREATE INDEX credential_verifications_by_clinician
    ON credential_verifications (clinician_id, verified_at);
