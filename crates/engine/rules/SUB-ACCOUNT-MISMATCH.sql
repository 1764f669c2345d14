-- id: SUB-ACCOUNT-MISMATCH
-- title.zh: 补贴打入非本人、非同户人员账户(冒领)
-- title.en: Subsidy paid into the account of someone outside the beneficiary's household
-- severity: medium
-- record: payment
-- inputs: payments, persons
-- basis: 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 补贴资金发放到享受人本人(或经备案的家庭成员)账户, 严禁代领、冒领; 《社会救助暂行办法》第六十七条、第六十八条
-- amount: the payment's amount
-- explain.zh: {beneficiary_name|name}的{program_name}{period}补贴{amount_at_risk_fen|yuan}元于{paid_on}打入{account_holder_name|name}的账户{account_number|account}, 持卡人既非享受人本人也非其同户家庭成员{holder_role_zh}
-- explain.en: {program_name} for {period} of {beneficiary_name|name} ({amount_at_risk_fen|yuan} yuan) was paid on {paid_on} into account {account_number|account} held by {account_holder_name|name}, who is neither the beneficiary nor in the beneficiary's household{holder_role_en}
WITH mismatch AS (
    -- A household head's card receiving a member's subsidy is the normal arrangement; only a
    -- holder outside the household (or a beneficiary the register does not place) is flagged.
    SELECT
        p.payment_id,
        p.beneficiary_id_number,
        p.beneficiary_name,
        p.account_holder_id_number,
        p.account_holder_name,
        p.account_number,
        p.program_code,
        p.period,
        p.amount,
        p.paid_on,
        p.entitlement_id,
        b.household_id AS beneficiary_household,
        h.household_id AS holder_household,
        COALESCE(e.village_code, b.village_code) AS village_code
    FROM payments p
    LEFT JOIN persons b ON b.id_number = p.beneficiary_id_number
    LEFT JOIN persons h ON h.id_number = p.account_holder_id_number
    LEFT JOIN entitlements e ON e.entitlement_id = p.entitlement_id
    WHERE p.account_holder_id_number <> p.beneficiary_id_number
      AND (b.household_id IS NULL OR h.household_id IS NULL OR b.household_id <> h.household_id)
),
official_kin AS (
    -- Who counts as an official's relative: the official, the official's household, and
    -- declared relations read in both directions. Never a shared surname.
    SELECT o.id_number AS official_id, o.id_number AS kin_id, 'self' AS relation
    FROM (SELECT DISTINCT id_number FROM officials) o
    UNION ALL
    SELECT o.id_number, m.id_number, 'household'
    FROM (SELECT DISTINCT id_number FROM officials) o
    JOIN persons op ON op.id_number = o.id_number
    JOIN persons m ON m.household_id = op.household_id AND m.id_number <> o.id_number
    UNION ALL
    SELECT official_id_number, relative_id_number, 'declared' FROM declared_relations
    UNION ALL
    SELECT relative_id_number, official_id_number, 'declared' FROM declared_relations
),
linked AS (
    SELECT
        m.payment_id,
        o.id_number AS official_id_number,
        o.name AS official_name,
        o.position AS official_position,
        o.org_name AS official_org,
        k.relation,
        ROW_NUMBER() OVER (
            PARTITION BY m.payment_id
            ORDER BY CASE k.relation WHEN 'self' THEN 0 WHEN 'household' THEN 1 ELSE 2 END,
                     o.id_number, o.start_date
        ) AS rn
    FROM mismatch m
    JOIN official_kin k ON k.kin_id = m.account_holder_id_number
    JOIN officials o ON o.id_number = k.official_id
    WHERE (o.division_code = m.village_code OR o.division_code = substr(m.village_code, 1, 9) || '000')
      AND o.start_date <= m.paid_on
      AND (o.end_date IS NULL OR m.paid_on <= o.end_date)
)
SELECT
    m.payment_id AS record_ids,
    m.beneficiary_id_number AS subject_id,
    m.village_code,
    m.amount AS amount_at_risk_fen,
    CASE WHEN l.payment_id IS NULL THEN 'medium' ELSE 'high' END AS severity,
    m.beneficiary_name,
    m.account_holder_name,
    m.account_holder_id_number,
    m.account_number,
    m.beneficiary_household,
    m.holder_household,
    m.paid_on,
    m.period,
    COALESCE(g.name, m.program_code) AS program_name,
    m.entitlement_id,
    l.official_id_number,
    l.official_name,
    l.official_position,
    l.official_org,
    l.relation AS official_relation,
    CASE l.relation
        WHEN 'self' THEN ', 且持卡人系在任干部(' || l.official_org || l.official_position || ')'
        WHEN 'household' THEN ', 且持卡人系在任干部(' || l.official_org || l.official_position || ')的同户家庭成员'
        WHEN 'declared' THEN ', 且持卡人系在任干部(' || l.official_org || l.official_position || ')申报的亲属'
        ELSE ''
    END AS holder_role_zh,
    CASE l.relation
        WHEN 'self' THEN '; the holder is a serving official (' || l.official_position || ', ' || l.official_org || ')'
        WHEN 'household' THEN '; the holder lives in the household of a serving official (' || l.official_position || ', ' || l.official_org || ')'
        WHEN 'declared' THEN '; the holder is a declared relative of a serving official (' || l.official_position || ', ' || l.official_org || ')'
        ELSE ''
    END AS holder_role_en
FROM mismatch m
LEFT JOIN linked l ON l.payment_id = m.payment_id AND l.rn = 1
LEFT JOIN programs g ON g.program_code = m.program_code
