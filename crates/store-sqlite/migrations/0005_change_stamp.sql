-- The change stamp (issue 7, speed): a counter bumped in the same transaction as every change
-- to what the web layer keeps in memory between requests (users' names, roles, addresses and
-- sign-in rules, clients, care teams, data keys, threads, communication policies and messaging
-- pauses). The web layer reads it with each session lookup and uses what it keeps only while
-- the stamp has not moved, so a change made by any process on this database (another
-- instance, a CLI command) takes effect on the very next request. Triggers, not application
-- code, bump it: no write path can forget.
CREATE TABLE change_stamp (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO change_stamp (id, n) VALUES (1, 0);

CREATE TRIGGER users_stamp_insert AFTER INSERT ON users
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER users_stamp_update
AFTER UPDATE OF id, email, name, role, password_hash, password_changed_at, totp_sealed ON users
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER users_stamp_delete AFTER DELETE ON users
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER clients_stamp_insert AFTER INSERT ON clients
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER clients_stamp_update AFTER UPDATE ON clients
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER clients_stamp_delete AFTER DELETE ON clients
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER care_team_stamp_insert AFTER INSERT ON care_team
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER care_team_stamp_update AFTER UPDATE ON care_team
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER care_team_stamp_delete AFTER DELETE ON care_team
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER data_keys_stamp_insert AFTER INSERT ON data_keys
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_keys_stamp_update AFTER UPDATE ON data_keys
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_keys_stamp_delete AFTER DELETE ON data_keys
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER threads_stamp_insert AFTER INSERT ON threads
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER threads_stamp_update AFTER UPDATE ON threads
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER threads_stamp_delete AFTER DELETE ON threads
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;

CREATE TRIGGER documents_stamp_insert AFTER INSERT ON documents
WHEN NEW.kind IN ('communication_policy', 'messaging_pause')
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER documents_stamp_update AFTER UPDATE ON documents
WHEN OLD.kind IN ('communication_policy', 'messaging_pause')
  OR NEW.kind IN ('communication_policy', 'messaging_pause')
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER documents_stamp_delete AFTER DELETE ON documents
WHEN OLD.kind IN ('communication_policy', 'messaging_pause')
BEGIN UPDATE change_stamp SET n = n + 1 WHERE id = 1; END;
