-- Issue 12: what insiders with an account or with the database could do, closed.
--
-- 1. Every person a case concerns, not only the first one named: each person a report names and
--    each person a clue's evidence names. Who may see a case, who is proposed for it and who may
--    be assigned are checked against all of them. The first is also kept on `cases` as the
--    case's subject for display.
CREATE TABLE case_subjects (
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (case_id, id_number)
);
CREATE INDEX case_subjects_by_person ON case_subjects (id_number);

-- Cases filed before this table existed had one subject: it is theirs.
INSERT INTO case_subjects (case_id, id_number, name)
SELECT case_id, subject_id_number, COALESCE(subject_name, '') FROM cases
WHERE subject_id_number IS NOT NULL AND subject_id_number <> '';

-- 2. The audit trail's rows carry a MAC of their hash under the server's audit key (kept in the
--    server's key file, not here), so that whoever holds the database cannot delete a row and
--    re-hash the rest. Rows from before this migration have none; how many there were is
--    recorded, under the key, in `audit_keying` when the key is first used.
ALTER TABLE audit_log ADD COLUMN mac TEXT;

-- 3. The access log is chained and MACed like the trail, and append-only.
ALTER TABLE access_log ADD COLUMN seq BIGINT;
ALTER TABLE access_log ADD COLUMN prev_hash TEXT;
ALTER TABLE access_log ADD COLUMN hash TEXT;
ALTER TABLE access_log ADD COLUMN mac TEXT;
CREATE UNIQUE INDEX access_log_by_seq ON access_log (seq);

CREATE TABLE audit_keying (
    log TEXT PRIMARY KEY,
    legacy_rows BIGINT NOT NULL,
    mac TEXT NOT NULL
);
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_keying_append_only BEFORE UPDATE OR DELETE ON audit_keying
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

-- 4. The reason given for asking to open a reporter's identity is sealed to the report's key,
--    like the report's own text (it often repeats it); `reason` stays empty for new requests.
ALTER TABLE identity_requests ADD COLUMN sealed_reason BYTEA;
