-- Issue 14: a villager's objection to a step of a matter (村务监督), answered by the village
-- within 10 days or escalated to the township. Public, anonymous: nothing about the villager is
-- kept but what they wrote.
CREATE TABLE matter_objections (
    objection_id INTEGER PRIMARY KEY,
    matter_id BIGINT NOT NULL,
    step_no BIGINT NOT NULL,
    content TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    answer_due TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_on TEXT
);
CREATE INDEX matter_objections_by_matter ON matter_objections (matter_id, objection_id);
