-- id: RES-OUTSIDER-CONSENT
-- title.zh: 土地林地发包给本集体以外的单位或个人未获三分之二以上同意
-- title.en: Land or forest contracted to an outsider without two thirds' consent
-- severity: high
-- record: contract
-- inputs: collective_contracts, decisions, persons
-- basis: 《农村土地承包法》第五十二条(发包方将农村土地发包给本集体经济组织以外的单位或者个人承包, 应当事先经本集体经济组织成员的村民会议三分之二以上成员或者三分之二以上村民代表的同意, 并报乡(镇)人民政府批准)
-- amount: the contract's rent over its whole term (annual rent x months of the term / 12, a started month counted whole)
-- explain.zh: {village_name}于{signed_on}将{kind_zh}合同{contract_id}发包给本集体以外的{counterparty_name|name}(年租金{annual_rent_fen|yuan}元, {start_date}至{end_date}), 所依据的决策{decision_id}在{meeting_zh}应到{voters_total}人中仅{voters_approve}人同意, 未达三分之二
-- explain.en: {village_name} contracted {kind} {contract_id} to {counterparty_name|name}, who is outside the collective, on {signed_on} ({annual_rent_fen|yuan} yuan a year, {start_date} to {end_date}); its decision {decision_id} had only {voters_approve} of the {voters_total} members of the {meeting_en} agreeing, below two thirds
WITH decided AS (
    -- Only contracts on a valid decision taken in time: the others are RES-NO-DECISION's (one
    -- clue per fault). Validity by the one shared definition (the view decision_validity).
    SELECT c.*, d.villager_meeting_on, d.meeting_kind, d.voters_total, d.voters_approve
    FROM collective_contracts c
    JOIN decisions d ON d.decision_id = c.decision_id
    JOIN decision_validity v ON v.decision_id = d.decision_id
    WHERE c.kind IN ('land_transfer', 'forest_transfer')
      AND v.defect IS NULL
      AND d.villager_meeting_on <= c.signed_on
),
outside AS (
    -- Outside the collective: not a person registered in the contract's village (a company,
    -- or a resident of another village). Two thirds of all members, not of those present.
    SELECT k.*,
        (CAST(EXTRACT(YEAR FROM k.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM k.start_date) AS BIGINT)) * 12
          + CAST(EXTRACT(MONTH FROM k.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM k.start_date) AS BIGINT)
          + CASE WHEN EXTRACT(DAY FROM k.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM k.start_date) THEN 1 ELSE 0 END
          AS term_months
    FROM decided k
    WHERE 3 * k.voters_approve < 2 * k.voters_total
      AND NOT EXISTS (
          SELECT 1 FROM persons p
          WHERE p.id_number = k.counterparty_id AND p.village_code = k.village_code
      )
)
SELECT
    o.contract_id AS record_ids,
    o.counterparty_id AS subject_id,
    o.village_code AS village_code,
    CAST(ROUND(CAST(o.annual_rent AS DOUBLE) * CAST(o.term_months AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, o.village_code) AS village_name,
    o.contract_id,
    o.kind,
    CASE o.kind WHEN 'land_transfer' THEN '土地流转' ELSE '林地流转' END AS kind_zh,
    o.counterparty_name,
    o.annual_rent AS annual_rent_fen,
    o.start_date,
    o.end_date,
    o.signed_on,
    o.decision_id,
    o.voters_total,
    o.voters_approve,
    CAST(o.villager_meeting_on AS VARCHAR)
        || CASE WHEN o.meeting_kind = 'representatives' THEN '召开的村民代表会议' ELSE '召开的村民会议' END AS meeting_zh,
    CASE WHEN o.meeting_kind = 'representatives' THEN 'representatives'' meeting' ELSE 'villagers'' meeting' END
        || ' of ' || CAST(o.villager_meeting_on AS VARCHAR) AS meeting_en
FROM outside o
LEFT JOIN divisions dv ON dv.code = o.village_code
