-- Issue 13: a real-name reporter is told of the result within 15 working days of the closing
-- (纪检监察机关处理检举控告工作规则); the deadline, and the day it was done, are recorded.
ALTER TABLE reports ADD COLUMN result_notice_due TEXT;
ALTER TABLE reports ADD COLUMN result_notified_on TEXT;
