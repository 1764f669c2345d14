-- id: FUN-NO-DECISION
-- title.zh: 大额支出未经"四议两公开"有效决策
-- title.en: Large village expense without a valid prior decision
-- severity: high
-- record: voucher
-- inputs: vouchers, decisions
-- basis: 《村民委员会组织法》第二十四条(涉及村民利益的重大事项须经村民会议讨论决定); 《中国共产党农村基层组织工作条例》及"四议两公开"工作法; 《农村集体经济组织财务制度》关于重大财务事项民主决策的规定
-- amount: the voucher's amount
-- explain.zh: {village_name}{date}支付{counterparty_name|name}{amount_at_risk_fen|yuan}元(凭证{record_ids}, {description}), 达到{decision_threshold_fen|yuan}元须经民主决策, 但{problem_zh}
-- explain.en: On {date} {village_name} paid {amount_at_risk_fen|yuan} yuan to {counterparty_name|name} (voucher {record_ids}, {description}); expenses of {decision_threshold_fen|yuan} yuan or more need a democratic decision, but {problem_en}
-- param: decision_threshold = 50000  expense, in yuan, from which a villagers' (representatives') meeting decision is required
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
        v.voucher_id,
        v.village_code,
        v."date" AS voucher_date,
        v.amount,
        v.counterparty_id,
        v.counterparty_name,
        v.description,
        v.decision_id,
        c.villager_meeting_on,
        CASE
            WHEN v.decision_id IS NULL THEN 'none'
            -- A decision id that names no decision in the register proves nothing.
            WHEN c.decision_id IS NULL THEN 'unknown'
            WHEN c.defect IS NOT NULL THEN c.defect
            -- Decided on the day of payment is in time; a meeting after it only ratifies.
            WHEN c.villager_meeting_on > v."date" THEN 'after'
            ELSE NULL
        END AS problem
    FROM vouchers v
    LEFT JOIN decision_check c ON c.decision_id = v.decision_id
    WHERE v.direction = 'expense'
      AND v.amount >= CAST({{decision_threshold}} * 100 AS BIGINT)
)
SELECT
    j.voucher_id AS record_ids,
    j.counterparty_id AS subject_id,
    j.village_code AS village_code,
    j.amount AS amount_at_risk_fen,
    COALESCE(dv.name, j.village_code) AS village_name,
    j.voucher_date AS "date",
    COALESCE(j.description, '') AS description,
    COALESCE(j.counterparty_name, '') AS counterparty_name,
    j.decision_id,
    j.villager_meeting_on,
    j.problem,
    CAST({{decision_threshold}} * 100 AS BIGINT) AS decision_threshold_fen,
    CASE j.problem
        WHEN 'none' THEN '凭证未关联任何决策'
        WHEN 'unknown' THEN '所关联的决策' || j.decision_id || '在决策登记中不存在'
        WHEN 'counts' THEN '所依据的决策' || j.decision_id || '表决人数自相矛盾, 决策无效'
        WHEN 'quorum' THEN '所依据的决策' || j.decision_id || '到会人数不足法定人数, 决策无效'
        WHEN 'majority' THEN '所依据的决策' || j.decision_id || '赞成未过到会人数半数, 决策无效'
        WHEN 'party' THEN '所依据的决策' || j.decision_id || '党员大会到会或赞成人数不足, 决策无效'
        WHEN 'unpublished' THEN '所依据的决策' || j.decision_id || '决议未公开, 决策无效'
        ELSE '所依据的决策' || j.decision_id || '的村民(代表)会议' || CAST(j.villager_meeting_on AS VARCHAR) || '才召开, 晚于支付'
    END AS problem_zh,
    CASE j.problem
        WHEN 'none' THEN 'the voucher names no decision'
        WHEN 'unknown' THEN 'its decision ' || j.decision_id || ' is not in the decisions register'
        WHEN 'counts' THEN 'its decision ' || j.decision_id || ' is invalid: the vote counts contradict each other'
        WHEN 'quorum' THEN 'its decision ' || j.decision_id || ' is invalid: the meeting lacked its quorum'
        WHEN 'majority' THEN 'its decision ' || j.decision_id || ' is invalid: not approved by more than half of those present'
        WHEN 'party' THEN 'its decision ' || j.decision_id || ' is invalid: the party members'' meeting lacked its quorum or majority'
        WHEN 'unpublished' THEN 'its decision ' || j.decision_id || ' is invalid: the resolution was never published'
        ELSE 'the meeting of its decision ' || j.decision_id || ' was held only on ' || CAST(j.villager_meeting_on AS VARCHAR) || ', after the payment'
    END AS problem_en
FROM judged j
LEFT JOIN divisions dv ON dv.code = j.village_code
WHERE j.problem IS NOT NULL
