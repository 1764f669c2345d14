-- id: SUB-WEALTH
-- title.zh: 低保、特困家庭有车、有商铺、办企业或有财政供养人员
-- title.en: Means-tested benefit for a household owning a car, a shop, a company or with a public employee
-- severity: medium
-- record: entitlement
-- inputs: entitlements, programs, persons
-- basis: 《社会救助暂行办法》第九条(家庭财产状况须符合当地规定); 《最低生活保障审核确认办法》(民发〔2021〕57号)关于家庭财产状况核查的规定, 及各省据此规定的认定条件: 拥有非营运机动车辆(残疾人功能性补偿代步车除外)、非居住类房屋, 开办或投资企业, 家庭成员为财政供养人员的, 原则上不认定为低保、特困对象; 《社会救助暂行办法》第六十六条
-- amount: the entitlement's amount
-- explain.zh: {beneficiary_name|name}户的{program_name}({period}, {amount_at_risk_fen|yuan}元)于{approved_on}审批, 但审批时家庭成员{member_name|name}{asset_zh}{more_zh}
-- explain.en: {program_name} for the household of {beneficiary_name|name} ({period}, {amount_at_risk_fen|yuan} yuan) was approved on {approved_on}, when household member {member_name|name} {asset_en}{more_en}
WITH assets AS (
    -- What a person held, and from when to when (until: the first day no longer held).
    SELECT owner_id_number AS person_id, vehicle_type AS kind, plate AS detail, CAST(NULL AS VARCHAR) AS detail2,
           registered_on AS since, deregistered_on AS until
    FROM vehicles
    WHERE vehicle_type IN ('passenger_car', 'truck')
    UNION
    SELECT owner_id_number, 'commercial_property', property_id, location, registered_on, CAST(NULL AS DATE)
    FROM properties
    WHERE kind = 'commercial'
    UNION
    -- The register only tells a company's present status, so a deregistered or revoked company
    -- counts at no date; an active one from its establishment.
    SELECT c.legal_rep_id_number, 'company_legal_rep', c.name, c.credit_code, c.established_on, CAST(NULL AS DATE)
    FROM companies c
    WHERE c.status = 'active' AND c.legal_rep_id_number IS NOT NULL
    UNION
    SELECT cp.id_number, 'company_' || cp.role, c.name, c.credit_code, c.established_on, CAST(NULL AS DATE)
    FROM company_people cp
    JOIN companies c ON c.credit_code = cp.credit_code
    WHERE c.status = 'active' AND cp.role IN ('legal_rep', 'shareholder')
    UNION
    SELECT id_number, 'public_employee', org_name, position, start_date, end_date + INTERVAL '1 day'
    FROM officials
    WHERE category = 'public_employee'
),
held AS (
    -- Everyone is judged with the household the register puts them in; a person the register
    -- does not know is a household of their own.
    SELECT COALESCE(m.household_id, '?' || a.person_id) AS household_key,
           a.person_id, m.name AS person_name, a.kind, a.detail, a.detail2, a.since, a.until
    FROM assets a
    LEFT JOIN persons m ON m.id_number = a.person_id
),
hits AS (
    SELECT
        e.entitlement_id,
        h.person_id,
        h.person_name,
        h.kind,
        h.detail,
        h.detail2,
        h.since,
        ROW_NUMBER() OVER (
            PARTITION BY e.entitlement_id
            ORDER BY CASE h.kind
                         WHEN 'passenger_car' THEN 0 WHEN 'truck' THEN 1
                         WHEN 'commercial_property' THEN 2 WHEN 'company_legal_rep' THEN 3
                         WHEN 'company_shareholder' THEN 4 ELSE 5 END,
                     h.person_id, h.detail
        ) AS rn,
        COUNT(*) OVER (PARTITION BY e.entitlement_id) AS finding_count
    FROM entitlements e
    JOIN programs g ON g.program_code = e.program_code AND g.means_tested
    LEFT JOIN persons b ON b.id_number = e.beneficiary_id_number
    JOIN held h ON h.household_key = COALESCE(b.household_id, '?' || e.beneficiary_id_number)
    WHERE h.since <= e.approved_on
      AND (h.until IS NULL OR h.until > e.approved_on)
)
SELECT
    e.entitlement_id AS record_ids,
    e.beneficiary_id_number AS subject_id,
    e.village_code,
    e.amount AS amount_at_risk_fen,
    e.beneficiary_name,
    COALESCE(g.name, e.program_code) AS program_name,
    e.period,
    e.approved_on,
    h.person_id AS member_id_number,
    COALESCE(h.person_name, e.beneficiary_name) AS member_name,
    h.kind AS finding,
    h.detail,
    h.detail2,
    h.since,
    h.finding_count,
    CASE h.kind
        WHEN 'passenger_car' THEN '名下登记有小型汽车' || h.detail || '(' || CAST(h.since AS VARCHAR) || '登记)'
        WHEN 'truck' THEN '名下登记有货车' || h.detail || '(' || CAST(h.since AS VARCHAR) || '登记)'
        WHEN 'commercial_property' THEN '名下有商业用房' || h.detail || '(' || CAST(h.since AS VARCHAR) || '登记)'
        WHEN 'company_legal_rep' THEN '是存续企业' || h.detail || '的法定代表人'
        WHEN 'company_shareholder' THEN '是存续企业' || h.detail || '的股东'
        ELSE '是财政供养人员(' || h.detail || h.detail2 || ')'
    END AS asset_zh,
    CASE h.kind
        WHEN 'passenger_car' THEN 'owned passenger car ' || h.detail || ' (registered ' || CAST(h.since AS VARCHAR) || ')'
        WHEN 'truck' THEN 'owned truck ' || h.detail || ' (registered ' || CAST(h.since AS VARCHAR) || ')'
        WHEN 'commercial_property' THEN 'owned commercial property ' || h.detail || ' (registered ' || CAST(h.since AS VARCHAR) || ')'
        WHEN 'company_legal_rep' THEN 'was legal representative of the active company ' || h.detail
        WHEN 'company_shareholder' THEN 'was a shareholder of the active company ' || h.detail
        ELSE 'was a public employee (' || h.detail2 || ', ' || h.detail || ')'
    END AS asset_en,
    CASE WHEN h.finding_count > 1
        THEN ', 另有' || CAST(h.finding_count - 1 AS VARCHAR) || '项同类情形' ELSE '' END AS more_zh,
    CASE WHEN h.finding_count > 1
        THEN ', and ' || CAST(h.finding_count - 1 AS VARCHAR) || ' more such findings' ELSE '' END AS more_en
FROM hits h
JOIN entitlements e ON e.entitlement_id = h.entitlement_id
LEFT JOIN programs g ON g.program_code = e.program_code
WHERE h.rn = 1
