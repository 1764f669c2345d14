-- Issue 14: a matter of a power that publishes (村务公开) carries what it will publish: the
-- disclosure's category and period, given when it is opened; its publication step writes the
-- disclosure register's row, after the supervision committee's review.
ALTER TABLE matters ADD COLUMN disclosure_category TEXT;
ALTER TABLE matters ADD COLUMN disclosure_period TEXT;
-- An objection the supervision committee hands to the township discipline secretary (the role
-- that answers it, instead of the village it is about).
ALTER TABLE matter_objections ADD COLUMN referred_to TEXT;
-- The scanned papers of a step (发票、会议记录、公开栏照片), attached by the account that did
-- it; each scan's SHA-256 is also written on the audit trail, whose rows the server's key file
-- MACs, so that a scan replaced in the database is found out when it is opened.
CREATE TABLE matter_papers (
    paper_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    matter_id BIGINT NOT NULL,
    step_no BIGINT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    body BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_on TEXT NOT NULL
);
CREATE INDEX matter_papers_of ON matter_papers (matter_id, step_no);
