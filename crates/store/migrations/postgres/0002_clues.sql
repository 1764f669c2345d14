-- Clues and their history: check runs, per-rule results, clues identified by fingerprint,
-- reviews (append-only), and risk scores per run.

CREATE TABLE check_runs (
    run_id BIGSERIAL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    data_state TEXT NOT NULL,
    rules_selected TEXT NOT NULL,
    clues BIGINT NOT NULL,
    amount_at_risk_fen BIGINT NOT NULL
);

CREATE TABLE rule_results (
    run_id BIGINT NOT NULL REFERENCES check_runs (run_id),
    rule_id TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    clues BIGINT NOT NULL,
    amount_at_risk_fen BIGINT NOT NULL,
    millis BIGINT NOT NULL,
    PRIMARY KEY (run_id, rule_id)
);

-- review_status: open / confirmed / dismissed / corrected (what people decided);
-- data_state: current / resolved_by_data (whether the latest run of its rule still finds it).
CREATE TABLE clues (
    fingerprint TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    village_code TEXT,
    subject_id TEXT,
    record_type TEXT NOT NULL,
    record_ids TEXT NOT NULL,
    amount_at_risk_fen BIGINT NOT NULL,
    evidence TEXT NOT NULL,
    explanation_zh TEXT NOT NULL,
    explanation_en TEXT NOT NULL,
    review_status TEXT NOT NULL,
    data_state TEXT NOT NULL,
    first_run BIGINT NOT NULL,
    last_run BIGINT NOT NULL,
    resolved_run BIGINT
);
CREATE INDEX clues_by_rule ON clues (rule_id, data_state);
CREATE INDEX clues_by_village ON clues (village_code);

CREATE TABLE clue_reviews (
    review_id BIGSERIAL PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES clues (fingerprint),
    action TEXT NOT NULL,
    reason TEXT,
    corrected_amount_fen BIGINT,
    recovered_fen BIGINT,
    reviewer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX clue_reviews_by_clue ON clue_reviews (fingerprint);

CREATE TABLE risk_scores (
    run_id BIGINT NOT NULL REFERENCES check_runs (run_id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    label TEXT,
    score DOUBLE PRECISION NOT NULL,
    clues BIGINT NOT NULL,
    amount_at_risk_fen BIGINT NOT NULL,
    PRIMARY KEY (run_id, kind, subject)
);
