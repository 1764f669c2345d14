-- id: RES-RELATED-PARTY
-- title.zh: 集体资产资源发包给在任干部、其亲属或其关联企业
-- title.en: Collective contract awarded to a serving official, a relative, or their company
-- severity: high
-- record: contract
-- inputs: collective_contracts, officials, persons, declared_relations, companies, company_people
-- basis: 《中国共产党纪律处分条例》关于利用职权为本人、亲属或其关联企业谋取利益的规定; 《农村基层干部廉洁履行职责若干规定(试行)》(禁止违规将集体资产资源发包给本人、亲属); 《公职人员政务处分法》关于利害关系回避的规定
-- amount: the contract's rent over its whole term (annual rent x months of the term / 12, a started month counted whole)
-- explain.zh: {village_name}于{signed_on}将合同{contract_id}({kind_zh}, 年租金{annual_rent_fen|yuan}元)发包给{counterparty_name|name}; {link_role_zh}{link_name|name}系签订时在任的{official_position}{official_name|name}{tie_zh}
-- explain.en: On {signed_on} {village_name} let contract {contract_id} ({kind}, {annual_rent_fen|yuan} yuan a year) to {counterparty_name|name}; {link_role_en} {link_name|name} is {tie_en} {official_position} {official_name|name}, serving at the signing
WITH circle AS (
    -- Who counts as an official's own side: the official, members of their household, and
    -- relatives declared in either direction. Never a shared surname.
    SELECT DISTINCT o.id_number AS official_id, o.id_number AS person_id, 1 AS tie_rank, 'self' AS tie
    FROM officials o
    UNION ALL
    SELECT DISTINCT o.id_number, m.id_number, 2, 'household'
    FROM (SELECT DISTINCT id_number FROM officials) o
    JOIN persons po ON po.id_number = o.id_number
    JOIN persons m ON m.household_id = po.household_id AND m.id_number <> o.id_number
    UNION ALL
    SELECT r.official_id_number, r.relative_id_number, 3, 'declared'
    FROM declared_relations r
    UNION ALL
    SELECT r.relative_id_number, r.official_id_number, 3, 'declared'
    FROM declared_relations r
),
links AS (
    -- The people behind a counterparty: the counterparty itself, and for a company its legal
    -- representative and shareholders (whatever the company's status: a deregistered company
    -- can still have signed).
    SELECT c.contract_id, c.counterparty_id AS person_id, c.counterparty_name AS link_name,
           1 AS link_rank, 'counterparty' AS link_role
    FROM collective_contracts c
    UNION ALL
    SELECT c.contract_id, co.legal_rep_id_number, COALESCE(co.legal_rep_name, ''), 2, 'legal_rep'
    FROM collective_contracts c
    JOIN companies co ON co.credit_code = c.counterparty_id
    WHERE co.legal_rep_id_number IS NOT NULL
    UNION ALL
    SELECT c.contract_id, cp.id_number, cp.name,
           CASE cp.role WHEN 'legal_rep' THEN 2 ELSE 3 END, cp.role
    FROM collective_contracts c
    JOIN company_people cp ON cp.credit_code = c.counterparty_id
    WHERE cp.role IN ('legal_rep', 'shareholder')
),
matches AS (
    SELECT
        c.contract_id,
        c.village_code,
        c.kind,
        c.counterparty_id,
        c.counterparty_name,
        c.annual_rent,
        c.start_date,
        c.end_date,
        c.signed_on,
        l.link_role,
        l.link_name,
        o.id_number AS official_id,
        o.name AS official_name,
        o.position AS official_position,
        k.tie,
        -- One clue per contract: the most direct link is the one shown.
        ROW_NUMBER() OVER (
            PARTITION BY c.contract_id
            ORDER BY l.link_rank, k.tie_rank, o.id_number, o.start_date
        ) AS pick
    FROM collective_contracts c
    JOIN links l ON l.contract_id = c.contract_id
    JOIN circle k ON k.person_id = l.person_id
    JOIN officials o
      ON o.id_number = k.official_id
     -- Serving the village when the contract was signed: its own cadres or its township's.
     AND (o.division_code = c.village_code OR o.division_code = substr(c.village_code, 1, 9) || '000')
     AND o.start_date <= c.signed_on
     AND (o.end_date IS NULL OR c.signed_on <= o.end_date)
)
SELECT
    m.contract_id AS record_ids,
    m.counterparty_id AS subject_id,
    m.village_code AS village_code,
    CAST(ROUND(CAST(m.annual_rent AS DOUBLE) * CAST(
        (CAST(EXTRACT(YEAR FROM m.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM m.start_date) AS BIGINT)) * 12
        + CAST(EXTRACT(MONTH FROM m.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM m.start_date) AS BIGINT)
        + CASE WHEN EXTRACT(DAY FROM m.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM m.start_date) THEN 1 ELSE 0 END
        AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, m.village_code) AS village_name,
    m.contract_id,
    m.kind,
    CASE m.kind WHEN 'land_transfer' THEN '土地流转' WHEN 'forest_transfer' THEN '林地流转'
        WHEN 'pond_lease' THEN '坑塘出租' WHEN 'building_lease' THEN '房屋出租' ELSE '其他' END AS kind_zh,
    m.counterparty_name,
    m.annual_rent AS annual_rent_fen,
    m.start_date,
    m.end_date,
    m.signed_on,
    m.link_role,
    m.link_name,
    m.official_id,
    m.official_name,
    m.official_position,
    m.tie,
    CASE m.link_role WHEN 'counterparty' THEN '承包方' WHEN 'legal_rep' THEN '该企业法定代表人' ELSE '该企业股东' END AS link_role_zh,
    CASE m.link_role WHEN 'counterparty' THEN 'the counterparty' WHEN 'legal_rep' THEN 'the company''s legal representative' ELSE 'the company''s shareholder' END AS link_role_en,
    CASE m.tie WHEN 'self' THEN '本人' WHEN 'household' THEN '的同户家庭成员' ELSE '已申报的亲属' END AS tie_zh,
    CASE m.tie WHEN 'self' THEN 'the same person as' WHEN 'household' THEN 'a member of the household of' ELSE 'a declared relative of' END AS tie_en
FROM matches m
LEFT JOIN divisions dv ON dv.code = m.village_code
WHERE m.pick = 1
