-- Issue 14: decisions that gate and the township's approval chain (村账乡管).
--
-- A matter may carry an amount (a decision's, a project's budget, a request's) and the decision
-- it rests on or made; a step that signs or pays may be refused, which closes the matter with
-- the reason.
ALTER TABLE matters ADD COLUMN amount BIGINT;
ALTER TABLE matters ADD COLUMN decision_id TEXT;
ALTER TABLE matters ADD COLUMN refused_step BIGINT;
ALTER TABLE matters ADD COLUMN refused_reason TEXT;
ALTER TABLE matters ADD COLUMN refused_by TEXT;
ALTER TABLE matters ADD COLUMN refused_on TEXT;
-- How many steps are done, kept with each step: the queues ("whose step is due now") read it
-- with the power's list instead of counting every open matter's steps.
-- and the day the step due now must be done by (NULL: no limit, or closed), written with each step
-- from the power's limit and the county's calendar, so that counting the overdue is one query.
-- Matters opened before this migration get theirs with their next step.
ALTER TABLE matters ADD COLUMN steps_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE matters ADD COLUMN due_on TEXT;
UPDATE matters SET steps_done = (SELECT COUNT(*) FROM matter_steps s WHERE s.matter_id = matters.matter_id);
CREATE INDEX matters_open ON matters (closed_on, village_code, matter_id);
-- A meeting's counts (四议两公开), or the decision a step rested on.
ALTER TABLE matter_steps ADD COLUMN meeting_kind TEXT;
ALTER TABLE matter_steps ADD COLUMN notice_on TEXT;
ALTER TABLE matter_steps ADD COLUMN votes_total BIGINT;
ALTER TABLE matter_steps ADD COLUMN votes_present BIGINT;
ALTER TABLE matter_steps ADD COLUMN votes_approve BIGINT;
ALTER TABLE matter_steps ADD COLUMN households_total BIGINT;
ALTER TABLE matter_steps ADD COLUMN households_present BIGINT;
ALTER TABLE matter_steps ADD COLUMN decision_id TEXT;
-- What a village asks to pay, in the columns of the voucher it becomes.
CREATE TABLE spending_requests (
    matter_id BIGINT PRIMARY KEY,
    amount BIGINT NOT NULL,
    method TEXT NOT NULL,
    category TEXT NOT NULL,
    payee_name TEXT NOT NULL,
    payee_id TEXT,
    description TEXT NOT NULL,
    decision_id TEXT,
    contract_id TEXT,
    for_matter BIGINT,
    voucher_id TEXT
);
-- An objection the village supervision committee raises in its own name (its member's account);
-- NULL for a villager's, which is anonymous.
ALTER TABLE matter_objections ADD COLUMN raised_by TEXT;
-- Rows the workflow writes into the registers (a matter's decision, a paid request's voucher)
-- come in batches of their own, which a county's file import never deletes: a "replace" import
-- replaces what files brought.
ALTER TABLE import_batches ADD COLUMN origin TEXT NOT NULL DEFAULT 'file';
