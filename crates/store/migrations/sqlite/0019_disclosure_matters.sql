-- Issue 14: a matter of a power that publishes (村务公开) carries what it will publish: the
-- disclosure's category and period, given when it is opened; its publication step writes the
-- disclosure register's row, after the supervision committee's review.
ALTER TABLE matters ADD COLUMN disclosure_category TEXT;
ALTER TABLE matters ADD COLUMN disclosure_period TEXT;
-- An objection the supervision committee hands to the township discipline secretary (the role
-- that answers it, instead of the village it is about).
ALTER TABLE matter_objections ADD COLUMN referred_to TEXT;
