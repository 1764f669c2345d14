-- Whether a village decision (四议两公开) was validly taken: the one definition, used by the
-- DEC-INVALID rule and the rules that need a valid decision (as the view `decision_validity`
-- of the check engine), and by the portal (as a subquery in SQLite and PostgreSQL). Plain SQL
-- that all three read alike.
--
-- 《村民委员会组织法》 art. 22: a villagers' meeting needs more than half of the adult villagers,
-- or two thirds of the households, present; art. 25: a representatives' meeting needs two
-- thirds of its members; either decides by more than half of those present. The party members'
-- meeting (where its counts are recorded): two thirds present, more than half of all members
-- approving. art. 30: the resolution is published. Counts that contradict each other prove
-- nothing.
SELECT
    d.decision_id,
    (d.voters_approve > d.voters_present OR d.voters_present > d.voters_total
     OR (d.households_present IS NOT NULL AND d.households_total IS NOT NULL
         AND d.households_present > d.households_total)) AS counts_contradict,
    CASE WHEN d.meeting_kind = 'representatives'
         THEN 3 * d.voters_present < 2 * d.voters_total
         ELSE 2 * d.voters_present <= d.voters_total
              AND NOT (d.households_present IS NOT NULL AND d.households_total IS NOT NULL
                       AND d.households_total > 0
                       AND 3 * d.households_present >= 2 * d.households_total) END AS no_quorum,
    2 * d.voters_approve <= d.voters_present AS no_majority,
    (d.party_members_total IS NOT NULL AND d.party_members_present IS NOT NULL
     AND d.party_members_approve IS NOT NULL) AS party_recorded,
    (d.party_members_total IS NOT NULL AND d.party_members_present IS NOT NULL
     AND d.party_members_approve IS NOT NULL
     AND 3 * d.party_members_present < 2 * d.party_members_total) AS party_no_quorum,
    (d.party_members_total IS NOT NULL AND d.party_members_present IS NOT NULL
     AND d.party_members_approve IS NOT NULL
     AND 2 * d.party_members_approve <= d.party_members_total) AS party_no_majority,
    (d.party_members_total IS NOT NULL AND d.party_members_present IS NOT NULL
     AND d.party_members_approve IS NOT NULL
     AND (d.party_members_approve > d.party_members_present
          OR d.party_members_present > d.party_members_total)) AS party_contradict,
    d.resolution_published_on IS NULL AS unpublished,
    -- The first defect, for the rules that only need to know whether and why a decision fails.
    CASE
        WHEN d.voters_approve > d.voters_present OR d.voters_present > d.voters_total
          OR (d.households_present IS NOT NULL AND d.households_total IS NOT NULL
              AND d.households_present > d.households_total)
            THEN 'counts'
        WHEN (d.meeting_kind = 'representatives' AND 3 * d.voters_present < 2 * d.voters_total)
          OR (d.meeting_kind <> 'representatives' AND 2 * d.voters_present <= d.voters_total
              AND NOT (d.households_present IS NOT NULL AND d.households_total IS NOT NULL
                       AND d.households_total > 0
                       AND 3 * d.households_present >= 2 * d.households_total))
            THEN 'quorum'
        WHEN 2 * d.voters_approve <= d.voters_present THEN 'majority'
        WHEN d.party_members_total IS NOT NULL AND d.party_members_present IS NOT NULL
          AND d.party_members_approve IS NOT NULL
          AND (3 * d.party_members_present < 2 * d.party_members_total
               OR 2 * d.party_members_approve <= d.party_members_total
               OR d.party_members_approve > d.party_members_present
               OR d.party_members_present > d.party_members_total)
            THEN 'party'
        WHEN d.resolution_published_on IS NULL THEN 'unpublished'
        ELSE NULL
    END AS defect
FROM decisions d
