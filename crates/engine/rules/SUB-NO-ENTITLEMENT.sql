-- id: SUB-NO-ENTITLEMENT
-- title.zh: 无审批名册的补贴发放
-- title.en: Subsidy paid without an approved entitlement
-- severity: high
-- record: payment
-- inputs: payments, entitlements
-- basis: 《社会救助暂行办法》第十一条(经审核确认并公布后方可发放); 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 按审核确认的补贴名册发放; 《社会救助暂行办法》第六十七条
-- amount: the payment's amount
-- explain.zh: {paid_on}向{beneficiary_name|name}发放{program_name}{period}补贴{amount_at_risk_fen|yuan}元(打入账户{account_number|account}), 但审批名册中没有{matched_by_zh}; 该人在此项目名册中共有{roster_entries}条记录
-- explain.en: On {paid_on}, {program_name} for {period} ({amount_at_risk_fen|yuan} yuan) was paid to {beneficiary_name|name} (account {account_number|account}), but the approved roster has no {matched_by_en}; this person has {roster_entries} roster entries in this program
WITH orphan AS (
    -- A payment names its entitlement, or (entitlement_id left empty) is matched by program,
    -- period and beneficiary; either way a match in the roster makes it legitimate here.
    SELECT p.*
    FROM payments p
    LEFT JOIN entitlements e ON e.entitlement_id = p.entitlement_id
    WHERE p.entitlement_id IS NOT NULL AND e.entitlement_id IS NULL
    UNION ALL
    SELECT p.*
    FROM payments p
    LEFT JOIN entitlements e
        ON e.program_code = p.program_code
       AND e.period = p.period
       AND e.beneficiary_id_number = p.beneficiary_id_number
    WHERE p.entitlement_id IS NULL AND e.entitlement_id IS NULL
),
counted AS (
    -- Other periods of the same person in the same program tell a roster that was not extended
    -- from a person who was never approved at all.
    SELECT
        o.payment_id, o.beneficiary_id_number, o.beneficiary_name, o.program_code, o.period,
        o.amount, o.paid_on, o.entitlement_id, o.account_number, o.account_holder_name, o.payer,
        COUNT(e.entitlement_id) AS roster_entries,
        MIN(e.period) AS roster_first_period,
        MAX(e.period) AS roster_last_period
    FROM orphan o
    LEFT JOIN entitlements e
        ON e.program_code = o.program_code AND e.beneficiary_id_number = o.beneficiary_id_number
    GROUP BY o.payment_id, o.beneficiary_id_number, o.beneficiary_name, o.program_code, o.period,
             o.amount, o.paid_on, o.entitlement_id, o.account_number, o.account_holder_name, o.payer
)
SELECT
    o.payment_id AS record_ids,
    o.beneficiary_id_number AS subject_id,
    b.village_code AS village_code,
    o.amount AS amount_at_risk_fen,
    o.beneficiary_name,
    o.paid_on,
    o.period,
    COALESCE(g.name, o.program_code) AS program_name,
    o.entitlement_id AS recorded_entitlement_id,
    CASE WHEN o.entitlement_id IS NULL
        THEN '该人本期的名册记录'
        ELSE '该笔发放所填的名册编号' || o.entitlement_id
    END AS matched_by_zh,
    CASE WHEN o.entitlement_id IS NULL
        THEN 'entry for this person, program and period'
        ELSE 'entry ' || o.entitlement_id || ', which the payment names'
    END AS matched_by_en,
    o.roster_entries,
    o.roster_first_period,
    o.roster_last_period,
    o.account_number,
    o.account_holder_name,
    o.payer
FROM counted o
LEFT JOIN persons b ON b.id_number = o.beneficiary_id_number
LEFT JOIN programs g ON g.program_code = o.program_code
