-- The villagers' portal: "my money" finds a person's roster lines and payments by ID number.
CREATE INDEX entitlements_beneficiary ON entitlements (beneficiary_id_number);
CREATE INDEX payments_beneficiary ON payments (beneficiary_id_number);

-- Reports (举报) filed through the portal. The receipt code is never stored: only its Argon2id
-- hash (with the installation's salt, so that the hash can be looked up).
CREATE TABLE reports (
    report_id INTEGER PRIMARY KEY,
    receipt_hash TEXT NOT NULL UNIQUE,
    filed_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    village_code TEXT,
    category TEXT NOT NULL,
    subject TEXT,
    content TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    reporter_name TEXT,
    reporter_contact TEXT,
    related_payment_id TEXT,
    status TEXT NOT NULL
);

-- Replies and status changes the reporter sees through the receipt code.
CREATE TABLE report_replies (
    report_id BIGINT NOT NULL REFERENCES reports (report_id),
    replied_at TEXT NOT NULL,
    status TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL
);
CREATE INDEX report_replies_by_report ON report_replies (report_id, replied_at);

-- Installation secrets generated on first use (e.g. the receipt-hash salt).
CREATE TABLE installation_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
