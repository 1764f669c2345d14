-- id: DEC-INVALID
-- title.zh: "四议两公开"决策程序无效
-- title.en: Village decision without a valid quorum, majority or published resolution
-- severity: medium
-- record: decision
-- inputs: decisions
-- basis: 《村民委员会组织法》第二十二条(村民会议须本村十八周岁以上村民过半数或三分之二以上的户代表参加, 决定须经到会人员过半数通过)、第二十五条(村民代表会议须三分之二以上组成人员参加, 决定须经到会人员过半数同意)、第三十条(村务公开); 《中国共产党农村基层组织工作条例》及各地"四议两公开"工作法(党员大会须三分之二以上党员到会, 经全体党员过半数同意)
-- amount: the decision's recorded amount (0 when none is recorded)
-- explain.zh: {village_name}决策"{subject}"({votes_zh})程序无效: {defects_zh}
-- explain.en: Decision "{subject}" of {village_name} ({votes_en}) is not valid: {defects_en}
WITH flagged AS (
    -- Validity by the one shared definition (the view decision_validity; the portal judges
    -- decisions by the same SQL), with the decision's counts for the explanation.
    SELECT d.decision_id, d.village_code, d.subject, d.amount, d.villager_meeting_on, d.meeting_kind,
           d.voters_total, d.voters_present, d.voters_approve, d.households_total, d.households_present,
           d.party_members_total, d.party_members_present, d.party_members_approve,
           d.resolution_published_on,
           (d.households_total IS NOT NULL AND d.households_present IS NOT NULL) AS households_recorded,
           v.no_quorum, v.no_majority, v.counts_contradict, v.party_recorded, v.party_no_quorum,
           v.party_no_majority, v.party_contradict, v.unpublished, v.defect
    FROM decisions d
    JOIN decision_validity v ON v.decision_id = d.decision_id
)
SELECT
    f.decision_id AS record_ids,
    CAST(NULL AS VARCHAR) AS subject_id,
    f.village_code AS village_code,
    COALESCE(f.amount, 0) AS amount_at_risk_fen,
    COALESCE(v.name, f.village_code) AS village_name,
    f.subject,
    f.meeting_kind,
    f.villager_meeting_on,
    f.voters_total,
    f.voters_present,
    f.voters_approve,
    f.party_members_total,
    f.party_members_present,
    f.party_members_approve,
    f.resolution_published_on,
    CAST(f.villager_meeting_on AS VARCHAR)
        || CASE WHEN f.meeting_kind = 'representatives' THEN '村民代表会议' ELSE '村民会议' END
        || '应到' || CAST(f.voters_total AS VARCHAR) || '人、实到' || CAST(f.voters_present AS VARCHAR)
        || '人、赞成' || CAST(f.voters_approve AS VARCHAR) || '人'
        || CASE WHEN f.households_recorded
                THEN '(应到' || CAST(f.households_total AS VARCHAR) || '户、到会'
                     || CAST(f.households_present AS VARCHAR) || '户)'
                ELSE '' END
        || CASE WHEN f.party_recorded
                THEN '; 党员大会应到' || CAST(f.party_members_total AS VARCHAR) || '人、实到'
                     || CAST(f.party_members_present AS VARCHAR) || '人、赞成'
                     || CAST(f.party_members_approve AS VARCHAR) || '人'
                ELSE '' END
        || CASE WHEN f.unpublished THEN '; 无决议公开记录'
                ELSE '; 决议于' || CAST(f.resolution_published_on AS VARCHAR) || '公开' END AS votes_zh,
    CASE WHEN f.meeting_kind = 'representatives' THEN 'representatives'' meeting' ELSE 'villagers'' meeting' END
        || ' on ' || CAST(f.villager_meeting_on AS VARCHAR) || ': '
        || CAST(f.voters_present AS VARCHAR) || ' of ' || CAST(f.voters_total AS VARCHAR) || ' present, '
        || CAST(f.voters_approve AS VARCHAR) || ' in favour'
        || CASE WHEN f.households_recorded
                THEN ' (' || CAST(f.households_present AS VARCHAR) || ' of '
                     || CAST(f.households_total AS VARCHAR) || ' households)'
                ELSE '' END
        || CASE WHEN f.party_recorded
                THEN '; party members'' meeting: ' || CAST(f.party_members_present AS VARCHAR) || ' of '
                     || CAST(f.party_members_total AS VARCHAR) || ' present, '
                     || CAST(f.party_members_approve AS VARCHAR) || ' in favour'
                ELSE '' END
        || CASE WHEN f.unpublished THEN '; no record of the resolution being published'
                ELSE '; resolution published ' || CAST(f.resolution_published_on AS VARCHAR) END AS votes_en,
    rtrim(
        CASE WHEN f.no_quorum THEN
            CASE WHEN f.meeting_kind = 'representatives' THEN '到会不足三分之二; '
                 WHEN f.households_recorded THEN '到会人数未过半数且到会户数不足三分之二; '
                 ELSE '到会未过半数; ' END
            ELSE '' END
        || CASE WHEN f.no_majority THEN '赞成未过到会人数半数; ' ELSE '' END
        || CASE WHEN f.counts_contradict THEN '表决人数自相矛盾(赞成多于实到或实到多于应到); ' ELSE '' END
        || CASE WHEN f.party_no_quorum THEN '党员大会到会不足三分之二; ' ELSE '' END
        || CASE WHEN f.party_no_majority THEN '党员大会赞成未过全体党员半数; ' ELSE '' END
        || CASE WHEN f.party_contradict THEN '党员大会人数自相矛盾; ' ELSE '' END
        || CASE WHEN f.unpublished THEN '决议未公开; ' ELSE '' END,
        '; ') AS defects_zh,
    rtrim(
        CASE WHEN f.no_quorum THEN
            CASE WHEN f.meeting_kind = 'representatives' THEN 'fewer than two thirds present; '
                 WHEN f.households_recorded THEN 'not more than half of the villagers nor two thirds of the households present; '
                 ELSE 'not more than half present; ' END
            ELSE '' END
        || CASE WHEN f.no_majority THEN 'approvals not above half of those present; ' ELSE '' END
        || CASE WHEN f.counts_contradict THEN 'counts contradict each other (more approving than present, or more present than entitled); ' ELSE '' END
        || CASE WHEN f.party_no_quorum THEN 'party members'' meeting below two thirds present; ' ELSE '' END
        || CASE WHEN f.party_no_majority THEN 'party approvals not above half of all members; ' ELSE '' END
        || CASE WHEN f.party_contradict THEN 'party members'' counts contradict each other; ' ELSE '' END
        || CASE WHEN f.unpublished THEN 'resolution never published; ' ELSE '' END,
        '; ') AS defects_en
FROM flagged f
LEFT JOIN divisions v ON v.code = f.village_code
WHERE f.defect IS NOT NULL
