-- Protected reports (举报) and the audit trail.
--
-- What a reporter writes (content, the persons named, the payment concerned) and who the reporter
-- is are stored only encrypted (see the vault crate): the plaintext columns of 0003 are dropped.
-- Rows filed before this migration lose their text: no installation had been put to use yet.
ALTER TABLE reports DROP COLUMN subject;
ALTER TABLE reports DROP COLUMN content;
ALTER TABLE reports DROP COLUMN reporter_name;
ALTER TABLE reports DROP COLUMN reporter_contact;
ALTER TABLE reports DROP COLUMN related_payment_id;

-- Content sealed to the report's own key pair; the reporter's name and contact sealed to a second
-- key pair (NULL when anonymous). routing: county / upward (about the county's own leaders: sealed
-- to the higher commission's key only, never shown to the county).
ALTER TABLE reports ADD COLUMN sealed_content BYTEA;
ALTER TABLE reports ADD COLUMN sealed_reporter BYTEA;
ALTER TABLE reports ADD COLUMN routing TEXT NOT NULL DEFAULT 'county';
ALTER TABLE reports ADD COLUMN entered_by TEXT;
-- Repeat reports on the same matter: a keyed hash of village, category and persons named (the key
-- is an installation secret, so the hash does not tell who was named), the first report of the
-- matter and this report's rank (1st, 2nd, 3rd time …).
ALTER TABLE reports ADD COLUMN matter_hash TEXT;
ALTER TABLE reports ADD COLUMN first_report_id BIGINT;
ALTER TABLE reports ADD COLUMN repeat_number BIGINT NOT NULL DEFAULT 1;
-- Dates of the procedure (ISO dates) and the deadlines computed from them on the working-day
-- calendar in force when they were set.
ALTER TABLE reports ADD COLUMN received_on TEXT;
ALTER TABLE reports ADD COLUMN transfer_due TEXT;
ALTER TABLE reports ADD COLUMN handle_due TEXT;
ALTER TABLE reports ADD COLUMN acceptance_notice_due TEXT;
ALTER TABLE reports ADD COLUMN upward_due TEXT;
ALTER TABLE reports ADD COLUMN accepted_on TEXT;
ALTER TABLE reports ADD COLUMN closed_on TEXT;
CREATE INDEX reports_by_matter ON reports (matter_hash);

-- Officials' key pairs: the public half in clear, the secret half locked with the password.
-- id_number links an account to the registers, for conflict-of-interest exclusion.
ALTER TABLE users ADD COLUMN id_number TEXT;
ALTER TABLE users ADD COLUMN public_key TEXT;
ALTER TABLE users ADD COLUMN locked_key BYTEA;
-- The secret half, sealed with the session token (held only by the browser) while logged in.
ALTER TABLE sessions ADD COLUMN sealed_key BYTEA;

-- A report key copy per official allowed to handle it. purpose: content / reporter.
CREATE TABLE report_keys (
    report_id BIGINT NOT NULL REFERENCES reports (report_id),
    user_id BIGINT NOT NULL REFERENCES users (user_id),
    purpose TEXT NOT NULL,
    wrapped_key BYTEA NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (report_id, user_id, purpose)
);
CREATE INDEX report_keys_by_user ON report_keys (user_id, purpose);

-- Files attached to a report: name, type and bytes, all sealed to the report's key.
CREATE TABLE report_attachments (
    attachment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (report_id),
    sealed_name BYTEA NOT NULL,
    sealed_body BYTEA NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX report_attachments_by_report ON report_attachments (report_id);

-- Opening a reporter's identity: asked for by a handler, approved or refused by a second, senior
-- official.
CREATE TABLE identity_requests (
    request_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (report_id),
    requested_by BIGINT NOT NULL REFERENCES users (user_id),
    reason TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by BIGINT REFERENCES users (user_id),
    decided_at TEXT,
    approved BOOLEAN
);
CREATE INDEX identity_requests_by_report ON identity_requests (report_id);

-- The audit trail: every state change and every access to a report. Append-only and hash-chained:
-- hash = BLAKE3(previous hash, this row's fields), so an edited or deleted row breaks the chain.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only / 审计记录只能追加';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
