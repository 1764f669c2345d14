-- The officials' workspace: accounts, sessions, the access log, and assignment of clues (交办).
-- Times that are compared (expiry, lock-outs) are Unix seconds; times that are shown are ISO text.

-- role: admin / investigator / township_secretary / township_bookkeeper / village_supervisor /
-- auditor; jurisdiction: the 12-digit division code of the county, township or village it covers.
CREATE TABLE users (
    user_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

-- Only a hash of the session token is kept: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (user_id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Every view of a person's personal data by an official (who, what, when). Append-only.
CREATE TABLE access_log (
    entry_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    detail TEXT
);

-- 交办: the township a clue is handed to, and the history of such hand-overs.
ALTER TABLE clues ADD COLUMN assigned_township TEXT;
CREATE TABLE clue_assignments (
    assignment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES clues (fingerprint),
    township_code TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL
);
CREATE INDEX clue_assignments_by_clue ON clue_assignments (fingerprint);
