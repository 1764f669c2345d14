-- Issue 13: a villagers' meeting is quorate with more than half of the adult villagers or two
-- thirds of the households present (村民委员会组织法 art. 22). Optional in the data contract;
-- where absent, the person counts decide.
ALTER TABLE decisions ADD COLUMN households_total BIGINT;
ALTER TABLE decisions ADD COLUMN households_present BIGINT;
