-- The change stamp (issue 7, speed): a counter bumped in the same transaction as every change
-- to what the web layer keeps in memory between requests (users' names, roles, addresses and
-- sign-in rules, clients, care teams, data keys, threads, communication policies and messaging
-- pauses). Every instance reads it with each session lookup and uses what it keeps only while
-- the stamp has not moved, so a change made through any instance (or a CLI command) takes
-- effect on the very next request everywhere. Triggers, not application code, bump it: no
-- write path can forget. The row lock it takes serialises these (rare) writes with each
-- other, never with messages, audit events or sessions.
CREATE TABLE change_stamp (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO change_stamp (id, n) VALUES (1, 0);

-- The function finds `change_stamp` in the schema it was created in, whatever the caller's
-- search_path.
CREATE FUNCTION bump_change_stamp() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE change_stamp SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_stamp_insert_delete AFTER INSERT OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER users_stamp_update
    AFTER UPDATE OF id, email, name, role, password_hash, password_changed_at, totp_sealed ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER clients_stamp AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER care_team_stamp AFTER INSERT OR UPDATE OR DELETE ON care_team
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER data_keys_stamp AFTER INSERT OR UPDATE OR DELETE ON data_keys
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER threads_stamp AFTER INSERT OR UPDATE OR DELETE ON threads
    FOR EACH STATEMENT EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER documents_stamp_insert AFTER INSERT ON documents
    FOR EACH ROW WHEN (NEW.kind IN ('communication_policy', 'messaging_pause'))
    EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER documents_stamp_update AFTER UPDATE ON documents
    FOR EACH ROW WHEN (OLD.kind IN ('communication_policy', 'messaging_pause')
                    OR NEW.kind IN ('communication_policy', 'messaging_pause'))
    EXECUTE FUNCTION bump_change_stamp();
CREATE TRIGGER documents_stamp_delete AFTER DELETE ON documents
    FOR EACH ROW WHEN (OLD.kind IN ('communication_policy', 'messaging_pause'))
    EXECUTE FUNCTION bump_change_stamp();
