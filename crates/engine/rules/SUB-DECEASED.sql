-- id: SUB-DECEASED
-- title.zh: 死亡人员仍在领取补贴
-- title.en: Subsidy paid for months after the beneficiary's death
-- severity: high
-- record: payment
-- inputs: payments, deaths
-- basis: 《社会救助暂行办法》第十二条、《最低生活保障审核确认办法》第三十二条: 享受人死亡的, 自次月起停发; 《民政部关于加强困难群众基本生活保障工作的通知》
-- amount: the payment's amount
-- explain.zh: {beneficiary_name|name}已于{death_date}死亡, 但{paid_on}仍发放其{program_name}{period}补贴{amount_at_risk_fen|yuan}元, 打入账户{account_number|account}
-- explain.en: {beneficiary_name|name} died on {death_date}, yet on {paid_on} {program_name} for {period} ({amount_at_risk_fen|yuan} yuan) was paid into account {account_number|account}
SELECT
    p.payment_id AS record_ids,
    p.beneficiary_id_number AS subject_id,
    -- A payment without entitlement_id still belongs to the village the person is registered in.
    COALESCE(e.village_code, b.village_code) AS village_code,
    p.amount AS amount_at_risk_fen,
    p.beneficiary_name,
    d.death_date,
    d.source AS death_source,
    p.paid_on,
    p.period,
    COALESCE(g.name, p.program_code) AS program_name,
    p.entitlement_id,
    p.account_number,
    p.account_holder_name
FROM payments p
JOIN deaths d ON d.id_number = p.beneficiary_id_number
LEFT JOIN entitlements e ON e.entitlement_id = p.entitlement_id
LEFT JOIN persons b ON b.id_number = p.beneficiary_id_number
LEFT JOIN programs g ON g.program_code = p.program_code
WHERE d.death_date < p.paid_on
  -- Arrears for months up to and including the month of death are legitimate.
  AND p.period > substr(CAST(d.death_date AS VARCHAR), 1, 7)
