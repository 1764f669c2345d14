-- Issue 13: clues decided like reports.
--
-- 1. Every person a clue names (its subject and each ID number in its evidence), so that the
--    queue and the dashboard can leave out, in SQL, the clues naming an official, a member of
--    their household or a declared relative. Kept by `record_check`; clues found before this
--    table existed are indexed once by the store after migrating (the `backfills` row below).
CREATE TABLE clue_persons (
    fingerprint TEXT NOT NULL REFERENCES clues (fingerprint),
    id_number TEXT NOT NULL,
    PRIMARY KEY (fingerprint, id_number)
);
CREATE INDEX clue_persons_by_person ON clue_persons (id_number);

-- Work the store does in Rust once after a migration (what SQL alone cannot compute).
CREATE TABLE backfills (
    name TEXT PRIMARY KEY
);
INSERT INTO backfills (name) VALUES ('clue_persons');

-- 2. Dismissing or closing a clue is a collective decision: one official proposes (with the
--    meeting's date and the minuted reason), the others who took part sign it in their own
--    accounts, agreeing or not; it takes effect when three have agreed and the agreements
--    outnumber the objections. A later proposal supersedes an open one.
CREATE TABLE clue_proposals (
    proposal_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES clues (fingerprint),
    outcome TEXT NOT NULL,
    meeting_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    decided_at TEXT
);
CREATE INDEX clue_proposals_by_clue ON clue_proposals (fingerprint, proposal_id);

CREATE TABLE clue_proposal_votes (
    proposal_id BIGINT NOT NULL REFERENCES clue_proposals (proposal_id),
    username TEXT NOT NULL,
    agrees BOOLEAN NOT NULL,
    remark TEXT NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, username)
);

-- 3. A hand-over (交办) carries the date the township's feedback is due, and the feedback.
ALTER TABLE clue_assignments ADD COLUMN due_on TEXT;
ALTER TABLE clue_assignments ADD COLUMN feedback TEXT;
ALTER TABLE clue_assignments ADD COLUMN feedback_by TEXT;
ALTER TABLE clue_assignments ADD COLUMN feedback_at TEXT;
CREATE INDEX clue_assignments_open ON clue_assignments (township_code, due_on);
