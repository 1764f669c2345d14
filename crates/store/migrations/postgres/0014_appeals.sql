-- Issue 13: 申诉 against a case's decision, at two levels (监察法实施条例: a review requested within
-- one month of the decision and decided within one month; a second review by the level above
-- requested within one month of that and decided within two months). Each with its days.
CREATE TABLE case_appeals (
    appeal_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL,
    level BIGINT NOT NULL,
    requested_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    decide_due TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    decided_on TEXT,
    upheld BOOLEAN,
    decision TEXT,
    decided_by TEXT
);
CREATE INDEX case_appeals_by_case ON case_appeals (case_id, level);
