-- id: SUB-DUPLICATE
-- title.zh: 补贴重复审批或重复发放
-- title.en: Entitlement paid twice, or the same person entitled twice in one period
-- severity: medium
-- record: entitlement
-- inputs: entitlements, payments
-- basis: 《社会救助暂行办法》第六十七条、第六十八条; 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 防止重复申报、重复发放; 同一人同一项目同一期只能享受一次
-- amount: for a paid-twice entitlement, what was paid above its approved amount; for a person entitled twice in one program and period, the approved amount of every entitlement but the largest
-- explain.zh: {beneficiary_name|name}的{program_name}{period}: {finding_zh}; 名册{entitlement_count}条(编号{record_ids}, 村代码{villages}), 应发合计{approved_total|yuan}元, 实发{paid_total|yuan}元({payment_count}笔), 重复部分{amount_at_risk_fen|yuan}元
-- explain.en: {program_name} for {period} of {beneficiary_name|name}: {finding_en}; roster entries {record_ids} (village codes {villages}) approve {approved_total|yuan} yuan, {payment_count} payment(s) total {paid_total|yuan} yuan; {amount_at_risk_fen|yuan} yuan is duplicated
WITH by_key AS (
    -- A payment without entitlement_id counts for the entitlement of its program, period and
    -- beneficiary (the lowest id where the person is entitled twice).
    SELECT p.payment_id, MIN(e.entitlement_id) AS entitlement_id
    FROM payments p
    JOIN entitlements e
        ON e.program_code = p.program_code
       AND e.period = p.period
       AND e.beneficiary_id_number = p.beneficiary_id_number
    WHERE p.entitlement_id IS NULL
    GROUP BY p.payment_id
),
matched AS (
    SELECT p.entitlement_id, p.amount
    FROM payments p
    WHERE p.entitlement_id IS NOT NULL
    UNION ALL
    SELECT k.entitlement_id, p.amount
    FROM payments p
    JOIN by_key k ON k.payment_id = p.payment_id
),
paid AS (
    SELECT entitlement_id, SUM(amount) AS paid_total, COUNT(*) AS payment_count
    FROM matched
    GROUP BY entitlement_id
),
overpaid AS (
    SELECT
        e.entitlement_id AS record_ids,
        e.beneficiary_id_number AS subject_id,
        e.village_code,
        pd.paid_total - e.amount AS amount_at_risk_fen,
        'paid_twice' AS finding,
        '实发超过应发' AS finding_zh,
        'more was paid than approved' AS finding_en,
        e.beneficiary_name,
        e.program_code,
        e.period,
        CAST(1 AS BIGINT) AS entitlement_count,
        e.village_code AS villages,
        e.amount AS approved_total,
        pd.paid_total,
        pd.payment_count
    FROM entitlements e
    JOIN paid pd ON pd.entitlement_id = e.entitlement_id
    WHERE pd.paid_total > e.amount
),
twice_keys AS (
    SELECT program_code, period, beneficiary_id_number
    FROM entitlements
    GROUP BY program_code, period, beneficiary_id_number
    HAVING COUNT(*) >= 2
),
twice_paid AS (
    -- Everything paid to the person for that program and period, whichever entry it names.
    SELECT p.program_code, p.period, p.beneficiary_id_number,
           SUM(p.amount) AS paid_total, COUNT(*) AS payment_count
    FROM payments p
    JOIN twice_keys t
        ON t.program_code = p.program_code
       AND t.period = p.period
       AND t.beneficiary_id_number = p.beneficiary_id_number
    GROUP BY p.program_code, p.period, p.beneficiary_id_number
),
twice AS (
    SELECT
        array_to_string(array_agg(e.entitlement_id ORDER BY e.entitlement_id), ';') AS record_ids,
        e.beneficiary_id_number AS subject_id,
        MIN(e.village_code) AS village_code,
        SUM(e.amount) - MAX(e.amount) AS amount_at_risk_fen,
        'entitled_twice' AS finding,
        '同一人同一项目同一期重复列入名册' AS finding_zh,
        'the person is on the roster twice for the same program and period' AS finding_en,
        MIN(e.beneficiary_name) AS beneficiary_name,
        e.program_code,
        e.period,
        COUNT(*) AS entitlement_count,
        array_to_string(array_agg(e.village_code ORDER BY e.entitlement_id), ';') AS villages,
        SUM(e.amount) AS approved_total,
        MIN(COALESCE(tp.paid_total, 0)) AS paid_total,
        MIN(COALESCE(tp.payment_count, 0)) AS payment_count
    FROM entitlements e
    JOIN twice_keys t
        ON t.program_code = e.program_code
       AND t.period = e.period
       AND t.beneficiary_id_number = e.beneficiary_id_number
    LEFT JOIN twice_paid tp
        ON tp.program_code = e.program_code
       AND tp.period = e.period
       AND tp.beneficiary_id_number = e.beneficiary_id_number
    GROUP BY e.program_code, e.period, e.beneficiary_id_number
)
SELECT c.*, COALESCE(g.name, c.program_code) AS program_name
FROM (
    SELECT * FROM overpaid
    UNION ALL
    SELECT * FROM twice
) c
LEFT JOIN programs g ON g.program_code = c.program_code
