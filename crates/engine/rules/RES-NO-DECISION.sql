-- id: RES-NO-DECISION
-- title.zh: 集体资产资源发包未经"四议两公开"有效决策
-- title.en: Collective asset or resource contract without a valid prior decision
-- severity: high
-- record: contract
-- inputs: collective_contracts, decisions
-- basis: 《村民委员会组织法》第二十四条(集体经济项目的承包方案、集体财产的使用和处分等须经村民会议讨论决定); 《农村土地承包法》第五十二条(发包给本集体经济组织以外的单位或个人须经村民会议三分之二以上成员或三分之二以上村民代表同意); "四议两公开"工作法
-- amount: the contract's rent over its whole term (annual rent x months of the term / 12, a started month counted whole)
-- explain.zh: {village_name}于{signed_on}签订合同{contract_id}({kind_zh}, 对方{counterparty_name|name}, 年租金{annual_rent_fen|yuan}元, {start_date}至{end_date}), 但{problem_zh}
-- explain.en: {village_name} signed contract {contract_id} ({kind}, with {counterparty_name|name}, {annual_rent_fen|yuan} yuan a year, {start_date} to {end_date}) on {signed_on}, but {problem_en}
WITH decision_check AS (
    -- Validity by the one shared definition (the view decision_validity: quorum of persons or
    -- households, majority, party members' meeting where recorded, consistent counts,
    -- published resolution), as DEC-INVALID and the portal judge it.
    SELECT d.decision_id, d.villager_meeting_on, v.defect
    FROM decisions d
    JOIN decision_validity v ON v.decision_id = d.decision_id
),
judged AS (
    SELECT
        c.*,
        k.villager_meeting_on,
        CASE
            WHEN c.decision_id IS NULL THEN 'none'
            -- A decision id that names no decision in the register proves nothing.
            WHEN k.decision_id IS NULL THEN 'unknown'
            WHEN k.defect IS NOT NULL THEN k.defect
            -- The villagers must have resolved before the contract binds them; a meeting on
            -- the signing day is still in time.
            WHEN k.villager_meeting_on > c.signed_on THEN 'after'
            ELSE NULL
        END AS problem,
        (CAST(EXTRACT(YEAR FROM c.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM c.start_date) AS BIGINT)) * 12
          + CAST(EXTRACT(MONTH FROM c.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM c.start_date) AS BIGINT)
          + CASE WHEN EXTRACT(DAY FROM c.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM c.start_date) THEN 1 ELSE 0 END
          AS term_months
    FROM collective_contracts c
    LEFT JOIN decision_check k ON k.decision_id = c.decision_id
)
SELECT
    j.contract_id AS record_ids,
    j.counterparty_id AS subject_id,
    j.village_code AS village_code,
    CAST(ROUND(CAST(j.annual_rent AS DOUBLE) * CAST(j.term_months AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, j.village_code) AS village_name,
    j.contract_id,
    j.kind,
    CASE j.kind WHEN 'land_transfer' THEN '土地流转' WHEN 'forest_transfer' THEN '林地流转'
        WHEN 'pond_lease' THEN '坑塘出租' WHEN 'building_lease' THEN '房屋出租' ELSE '其他' END AS kind_zh,
    j.counterparty_name,
    j.annual_rent AS annual_rent_fen,
    j.start_date,
    j.end_date,
    j.signed_on,
    j.decision_id,
    j.villager_meeting_on,
    j.problem,
    CASE j.problem
        WHEN 'none' THEN '合同未关联任何决策'
        WHEN 'unknown' THEN '所关联的决策' || j.decision_id || '在决策登记中不存在'
        WHEN 'counts' THEN '所依据的决策' || j.decision_id || '表决人数自相矛盾, 决策无效'
        WHEN 'quorum' THEN '所依据的决策' || j.decision_id || '到会人数不足法定人数, 决策无效'
        WHEN 'majority' THEN '所依据的决策' || j.decision_id || '赞成未过到会人数半数, 决策无效'
        WHEN 'party' THEN '所依据的决策' || j.decision_id || '党员大会到会或赞成人数不足, 决策无效'
        WHEN 'unpublished' THEN '所依据的决策' || j.decision_id || '决议未公开, 决策无效'
        ELSE '所依据的决策' || j.decision_id || '的村民(代表)会议' || CAST(j.villager_meeting_on AS VARCHAR) || '才召开, 晚于签订'
    END AS problem_zh,
    CASE j.problem
        WHEN 'none' THEN 'the contract names no decision'
        WHEN 'unknown' THEN 'its decision ' || j.decision_id || ' is not in the decisions register'
        WHEN 'counts' THEN 'its decision ' || j.decision_id || ' is invalid: the vote counts contradict each other'
        WHEN 'quorum' THEN 'its decision ' || j.decision_id || ' is invalid: the meeting lacked its quorum'
        WHEN 'majority' THEN 'its decision ' || j.decision_id || ' is invalid: not approved by more than half of those present'
        WHEN 'party' THEN 'its decision ' || j.decision_id || ' is invalid: the party members'' meeting lacked its quorum or majority'
        WHEN 'unpublished' THEN 'its decision ' || j.decision_id || ' is invalid: the resolution was never published'
        ELSE 'the meeting of its decision ' || j.decision_id || ' was held only on ' || CAST(j.villager_meeting_on AS VARCHAR) || ', after the signing'
    END AS problem_en
FROM judged j
LEFT JOIN divisions dv ON dv.code = j.village_code
WHERE j.problem IS NOT NULL
