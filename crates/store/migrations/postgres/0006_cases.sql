-- From clue to closed case: disposals, cases and their stages, assignments across townships,
-- joint discussions, sanctions with their periods, remedies followed to the end.

-- 处置: how a clue or a report was disposed of (谈话函询 / 初步核实 / 暂存待查 / 予以了结, or
-- 立案), decided collectively: the meeting's date, who took part, and the decision as minuted.
CREATE TABLE dispositions (
    disposition_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    way TEXT NOT NULL,
    meeting_on TEXT NOT NULL,
    participants TEXT NOT NULL,
    decision TEXT NOT NULL,
    reply_due TEXT,
    case_id BIGINT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX dispositions_by_source ON dispositions (source_kind, source_id);

-- 案件. stage: filed / investigation / trial_review / decided / execution / appeal / closed (the
-- state machine is in the domain crate). The four closing items (四不放过) with their evidence.
CREATE TABLE cases (
    case_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    village_code TEXT,
    subject_id_number TEXT,
    subject_name TEXT,
    source_kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    important BOOLEAN NOT NULL DEFAULT FALSE,
    filed_on TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    cause_analysed TEXT,
    responsibility_handled TEXT,
    people_educated TEXT,
    prevention_in_place TEXT,
    closed_on TEXT
);

-- Every move of a case: who, when, why.
CREATE TABLE case_transitions (
    transition_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX case_transitions_by_case ON case_transitions (case_id, transition_id);

-- 交叉办案: the officials assigned to a case, with the system's explanation of the proposal.
CREATE TABLE case_assignments (
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    user_id BIGINT NOT NULL REFERENCES users (user_id),
    explanation TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- 联席会议 on important cases.
CREATE TABLE joint_discussions (
    discussion_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    held_on TEXT NOT NULL,
    participants TEXT NOT NULL,
    units TEXT NOT NULL,
    minutes TEXT NOT NULL,
    decision TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

-- Sanctions and lighter measures (codes in the domain crate), with the last day they take effect
-- (NULL: for good, or no period).
CREATE TABLE sanctions (
    sanction_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    effective_until TEXT,
    recorded_by TEXT NOT NULL
);
CREATE INDEX sanctions_by_person ON sanctions (id_number);

-- Remedies: refund to the villagers (linked to the payments concerned), compensation ordered,
-- wage deduction through the township when compensation is refused, civil suit, recall.
-- status: ordered / in_progress / done / refused / failed.
CREATE TABLE remedies (
    remedy_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (case_id),
    kind TEXT NOT NULL,
    amount_fen BIGINT,
    recovered_fen BIGINT NOT NULL DEFAULT 0,
    payment_ids TEXT,
    detail TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);
CREATE TABLE remedy_events (
    event_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    remedy_id BIGINT NOT NULL REFERENCES remedies (remedy_id),
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    status TEXT NOT NULL,
    recovered_fen BIGINT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX remedy_events_by_remedy ON remedy_events (remedy_id);

-- The one extension of a report's handling (at most 30 days), with the reason told to the reporter.
ALTER TABLE reports ADD COLUMN extension_days BIGINT;
ALTER TABLE reports ADD COLUMN extension_reason TEXT;

-- The public half of each report's key, so that what comes later (a review request's reason) is
-- sealed to it too.
ALTER TABLE reports ADD COLUMN report_recipient TEXT;

-- 复查 (level 1) and 复核 (level 2) requested by the reporter with the receipt code, within 30
-- days of the answer, decided within 30 days; after a second review the same facts are not
-- accepted again.
CREATE TABLE report_reviews (
    review_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (report_id),
    level BIGINT NOT NULL,
    requested_on TEXT NOT NULL,
    sealed_reason BYTEA NOT NULL,
    decision_due TEXT NOT NULL,
    decided_on TEXT,
    decided_by TEXT
);
CREATE INDEX report_reviews_by_report ON report_reviews (report_id);
