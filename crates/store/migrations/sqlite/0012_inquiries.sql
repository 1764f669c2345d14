-- Issue 13: 谈话函询 (talk or letter of inquiry): the written reply within 15 working days and the
-- handling department's report within one month; when each came is recorded, so that an
-- overdue one shows.
ALTER TABLE dispositions ADD COLUMN report_due TEXT;
ALTER TABLE dispositions ADD COLUMN replied_on TEXT;
ALTER TABLE dispositions ADD COLUMN reported_on TEXT;
