-- Issue 13: a report the county does not handle itself is transferred (转送) to the body that
-- does, within 15 days of registration (5 working days for a report forwarded to the county);
-- where it went and when are recorded, and the reporter is told.
ALTER TABLE reports ADD COLUMN transferred_to TEXT;
ALTER TABLE reports ADD COLUMN transferred_on TEXT;
