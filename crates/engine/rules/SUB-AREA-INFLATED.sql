-- id: SUB-AREA-INFLATED
-- title.zh: 按亩补贴面积超过承包面积(虚报面积)
-- title.en: Per-mu subsidy for more land than the household has contracted
-- severity: medium
-- record: entitlement
-- inputs: entitlements, programs, land_contracts
-- basis: 财政部、农业部《关于全面推开农业"三项补贴"改革工作的通知》(2016年): 耕地地力保护补贴以二轮承包耕地面积、确权登记面积等为依据核定; 《中华人民共和国农村土地承包法》(承包合同与登记); 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 严禁虚报冒领
-- amount: the part of the entitlement's amount paid for area above the contracted area: amount × (quantity − contracted) / quantity
-- explain.zh: {beneficiary_name|name}户{period}{program_name}按{quantity}亩核定{approved_amount|yuan}元, 但该户当时有效的土地承包合同合计仅{contracted_area_mu}亩({contract_count}份), 多报{excess_mu}亩, 对应{amount_at_risk_fen|yuan}元
-- explain.en: {program_name} for {period} of the household of {beneficiary_name|name} was approved for {quantity} mu ({approved_amount|yuan} yuan), but the household's land contracts in force then total only {contracted_area_mu} mu ({contract_count} contract(s)): {excess_mu} mu too many, worth {amount_at_risk_fen|yuan} yuan
-- param: tolerance = 0.05  how far (as a share of the contracted area) the quantity may exceed it before a clue is raised
WITH per_mu AS (
    SELECT
        e.*,
        CAST(e.period || '-01' AS DATE) AS period_start,
        -- The roster's household, or the beneficiary's household in the register where the
        -- roster leaves it empty.
        COALESCE(e.household_id, b.household_id) AS land_household
    FROM entitlements e
    JOIN programs g ON g.program_code = e.program_code AND g.unit = 'mu'
    LEFT JOIN persons b ON b.id_number = e.beneficiary_id_number
    WHERE e.quantity > 0
),
area AS (
    -- Grouped by the entitlement alone (its other columns come back by a join): wide
    -- group keys and ordered lists over every roster line are what make this slow.
    SELECT
        m.entitlement_id,
        COALESCE(SUM(l.area_mu), 0) AS contracted_area,
        COUNT(l.contract_id) AS contract_count
    FROM per_mu m
    LEFT JOIN land_contracts l
        ON l.household_id = m.land_household
       -- In force on the first day of the period the subsidy is for.
       AND l.start_date <= m.period_start
       AND m.period_start <= l.end_date
    GROUP BY m.entitlement_id
),
flagged AS (
    SELECT m.*, a.contracted_area, a.contract_count
    FROM per_mu m
    JOIN area a ON a.entitlement_id = m.entitlement_id
    WHERE m.quantity > a.contracted_area * (1 + {{tolerance}}) + 0.000000001
),
contract_lists AS (
    -- The contracts that were counted, listed for the flagged entitlements only.
    SELECT
        f.entitlement_id,
        array_to_string(array_agg(l.contract_id ORDER BY l.contract_id), ';') AS contract_ids
    FROM flagged f
    JOIN land_contracts l
        ON l.household_id = f.land_household
       AND l.start_date <= f.period_start
       AND f.period_start <= l.end_date
    GROUP BY f.entitlement_id
)
SELECT
    a.entitlement_id AS record_ids,
    a.beneficiary_id_number AS subject_id,
    a.village_code,
    CAST(ROUND(a.amount * (a.quantity - a.contracted_area) / a.quantity) AS BIGINT) AS amount_at_risk_fen,
    a.beneficiary_name,
    COALESCE(g.name, a.program_code) AS program_name,
    a.period,
    a.land_household AS household_id,
    a.quantity,
    a.amount AS approved_amount,
    ROUND(a.contracted_area, 2) AS contracted_area_mu,
    ROUND(a.quantity - a.contracted_area, 2) AS excess_mu,
    a.contract_count,
    COALESCE(c.contract_ids, '') AS contract_ids
FROM flagged a
LEFT JOIN contract_lists c ON c.entitlement_id = a.entitlement_id
LEFT JOIN programs g ON g.program_code = a.program_code
