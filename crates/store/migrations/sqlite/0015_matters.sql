-- Issue 14: each use of a power of the micro-power list (小微权力清单) is a matter, whose steps
-- are done in the list's order, each by the post the list names. A step is recorded once: the
-- key (matter_id, step_no) refuses a second record of the same step however the requests race.
CREATE TABLE matters (
    matter_id INTEGER PRIMARY KEY,
    power_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    title TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    closed_on TEXT
);
CREATE INDEX matters_by_village ON matters (village_code, matter_id);
CREATE TABLE matter_steps (
    matter_id BIGINT NOT NULL,
    step_no BIGINT NOT NULL,
    post TEXT NOT NULL,
    done_by TEXT NOT NULL,
    done_on TEXT NOT NULL,
    note TEXT NOT NULL,
    -- The step's required documents the actor confirmed in hand, one a line, as the list names
    -- them.
    documents TEXT NOT NULL,
    PRIMARY KEY (matter_id, step_no)
);
