-- The credentials register (issue 4). Same conventions as 0001: ids as text, times as
-- BIGINT unix milliseconds. Public information, not clinical.

-- Each clinician's credentials, as one document in the contract's credentials-file JSON.
CREATE TABLE credentials (
    clinician_id TEXT   NOT NULL PRIMARY KEY REFERENCES users (id),
    document     TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL,
    updated_by   TEXT   NOT NULL REFERENCES users (id)
);

-- Evidence that someone checked a credential with its issuing board.
CREATE TABLE credential_verifications (
    id           TEXT   NOT NULL PRIMARY KEY,
    clinician_id TEXT   NOT NULL REFERENCES users (id),
    credential   TEXT   NOT NULL,
    verified_by  TEXT   NOT NULL REFERENCES users (id),
    verified_at  BIGINT NOT NULL,
    method       TEXT   NOT NULL,
    note         TEXT   NOT NULL
);
CREATE INDEX credential_verifications_by_clinician
    ON credential_verifications (clinician_id, verified_at);
