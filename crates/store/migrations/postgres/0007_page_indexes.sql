-- Every page of the portal and the workspace reads a handful of rows through an index, never a
-- whole register (issue 11; the plan test in crates/web/tests/plans checks each page's queries).
-- Indexes here are rebuilt after a bulk load like the others (bulk.rs reads them back from the
-- database), so each costs one sort of its table per import.

-- My village (/village/{code}): a village's books, roster, contracts, projects, decisions,
-- officials and disclosures. The roster's index also answers "latest period of each program".
CREATE INDEX vouchers_by_village ON vouchers (village_code, date);
CREATE INDEX entitlements_by_village ON entitlements (village_code, program_code, period);
CREATE INDEX collective_contracts_by_village ON collective_contracts (village_code);
CREATE INDEX projects_by_village ON projects (village_code, project_id);
CREATE INDEX decisions_by_village ON decisions (village_code);
CREATE INDEX disclosures_by_village ON disclosures (village_code);
CREATE INDEX officials_by_division ON officials (division_code);

-- A clue's page lists the household of each person named; a report names persons of a village.
CREATE INDEX persons_by_household ON persons (household_id);
CREATE INDEX persons_by_village ON persons (village_code, name);
-- Who may handle a report or a case: officials related to the persons named are excluded, the
-- relation looked up from either side.
CREATE INDEX declared_relations_by_relative ON declared_relations (relative_id_number);

-- The clue queue: each filter leads an index that is already in the queue's default order
-- (amount at risk, largest first), so a page of 50 reads 50 index entries, not every clue.
DROP INDEX clues_by_rule;
DROP INDEX clues_by_village;
CREATE INDEX clues_by_rule ON clues (rule_id, data_state, amount_at_risk_fen DESC, fingerprint);
CREATE INDEX clues_by_village ON clues (village_code, data_state, amount_at_risk_fen DESC, fingerprint);
-- Village and township ride along so that a township's queue (its villages' clues and those
-- handed to it) is counted from the index alone.
CREATE INDEX clues_by_amount ON clues (data_state, amount_at_risk_fen DESC, fingerprint, village_code, assigned_township);
CREATE INDEX clues_by_review ON clues (review_status, data_state, amount_at_risk_fen DESC, fingerprint);
CREATE INDEX clues_by_township ON clues (assigned_township);

-- The dashboard's counts of current clues by rule, village and month, kept per (village, rule,
-- run first found) when a check is recorded: the only moment these columns of a clue change.
-- Hand-overs to a township change who sees a clue, so clues handed outside their own township are
-- added live (they are few, and found through clues_by_township).
CREATE TABLE clue_tally (
    village_code TEXT,
    rule_id TEXT NOT NULL,
    first_run BIGINT NOT NULL,
    clues BIGINT NOT NULL,
    amount_at_risk_fen BIGINT NOT NULL
);
CREATE INDEX clue_tally_by_village ON clue_tally (village_code);
INSERT INTO clue_tally (village_code, rule_id, first_run, clues, amount_at_risk_fen)
SELECT village_code, rule_id, first_run, COUNT(*), SUM(amount_at_risk_fen) FROM clues
WHERE data_state = 'current' GROUP BY village_code, rule_id, first_run;

-- The access log narrowed to one person, and a report's or case's own history in the audit trail.
CREATE INDEX access_log_by_subject ON access_log (subject_id, entry_id);
CREATE INDEX audit_log_by_subject ON audit_log (subject_kind, subject_id, seq);
