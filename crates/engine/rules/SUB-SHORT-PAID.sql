-- id: SUB-SHORT-PAID
-- title.zh: 补贴少发(克扣、截留)
-- title.en: Entitlement paid less than approved (withheld or skimmed)
-- severity: high
-- record: entitlement
-- inputs: entitlements, payments
-- basis: 《社会救助暂行办法》第六十七条(截留、挤占、挪用、私分社会救助资金); 《中华人民共和国监察法》第十一条; 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 补贴足额直达享受人, 严禁克扣、截留
-- amount: the shortfall: approved amount minus everything paid for the entitlement
-- explain.zh: {beneficiary_name|name}的{program_name}{period}应发{approved_amount|yuan}元, 实发{paid_total|yuan}元({payment_count}笔), 少发{amount_at_risk_fen|yuan}元
-- explain.en: {beneficiary_name|name} was approved {approved_amount|yuan} yuan of {program_name} for {period} but was paid {paid_total|yuan} yuan in {payment_count} payment(s), {amount_at_risk_fen|yuan} yuan short
WITH by_key AS (
    -- A payment without entitlement_id counts for the entitlement of its program, period and
    -- beneficiary (the lowest id if the roster holds several: SUB-DUPLICATE reports those).
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
    SELECT p.entitlement_id, p.amount, p.paid_on
    FROM payments p
    WHERE p.entitlement_id IS NOT NULL
    UNION ALL
    SELECT k.entitlement_id, p.amount, p.paid_on
    FROM payments p
    JOIN by_key k ON k.payment_id = p.payment_id
),
paid AS (
    SELECT entitlement_id, SUM(amount) AS paid_total, COUNT(*) AS payment_count,
           MAX(paid_on) AS last_paid_on
    FROM matched
    GROUP BY entitlement_id
)
SELECT
    e.entitlement_id AS record_ids,
    e.beneficiary_id_number AS subject_id,
    e.village_code,
    e.amount - COALESCE(pd.paid_total, 0) AS amount_at_risk_fen,
    e.beneficiary_name,
    e.program_code,
    COALESCE(g.name, e.program_code) AS program_name,
    e.period,
    e.amount AS approved_amount,
    e.approved_on,
    COALESCE(pd.paid_total, 0) AS paid_total,
    COALESCE(pd.payment_count, 0) AS payment_count,
    pd.last_paid_on
FROM entitlements e
LEFT JOIN paid pd ON pd.entitlement_id = e.entitlement_id
LEFT JOIN programs g ON g.program_code = e.program_code
WHERE COALESCE(pd.paid_total, 0) < e.amount
