-- id: RES-OVERLONG-TERM
-- title.zh: 集体资产资源发包期限超过法定上限
-- title.en: Collective contract term longer than the legal limit
-- severity: medium
-- record: contract
-- inputs: collective_contracts
-- basis: 《民法典》第七百零五条(租赁期限不得超过二十年, 超过部分无效); 《农村土地承包法》第二十一条(耕地承包期三十年, 林地承包期三十年至七十年)、第三十八条(土地经营权流转期限不得超过承包期的剩余期限)
-- amount: the rent for the part of the term beyond the legal limit (annual rent x months beyond / 12, a started month counted whole), the part the law makes void
-- explain.zh: {village_name}合同{contract_id}({kind_zh}, 对方{counterparty_name|name}, 年租金{annual_rent_fen|yuan}元)期限为{start_date}至{end_date}, 超过法定上限{limit_years}年; {limit_date}起的期限依法无效, 涉及租金{amount_at_risk_fen|yuan}元
-- explain.en: Contract {contract_id} of {village_name} ({kind}, with {counterparty_name|name}, {annual_rent_fen|yuan} yuan a year) runs from {start_date} to {end_date}, beyond the legal limit of {limit_years} years; the term from {limit_date} on is void, {amount_at_risk_fen|yuan} yuan of rent
WITH limited AS (
    SELECT
        c.*,
        CASE c.kind WHEN 'land_transfer' THEN 30 WHEN 'forest_transfer' THEN 70 ELSE 20 END AS limit_years,
        -- The first day outside the legal term: a term of N years ends the day before.
        CAST(CASE c.kind
            WHEN 'land_transfer' THEN c.start_date + INTERVAL '30 years'
            WHEN 'forest_transfer' THEN c.start_date + INTERVAL '70 years'
            ELSE c.start_date + INTERVAL '20 years' END AS DATE) AS limit_date
    FROM collective_contracts c
)
SELECT
    l.contract_id AS record_ids,
    l.counterparty_id AS subject_id,
    l.village_code AS village_code,
    CAST(ROUND(CAST(l.annual_rent AS DOUBLE) * CAST(
        (CAST(EXTRACT(YEAR FROM l.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM l.limit_date) AS BIGINT)) * 12
        + CAST(EXTRACT(MONTH FROM l.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM l.limit_date) AS BIGINT)
        + CASE WHEN EXTRACT(DAY FROM l.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM l.limit_date) THEN 1 ELSE 0 END
        AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, l.village_code) AS village_name,
    l.contract_id,
    l.kind,
    CASE l.kind WHEN 'land_transfer' THEN '土地流转' WHEN 'forest_transfer' THEN '林地流转'
        WHEN 'pond_lease' THEN '坑塘出租' WHEN 'building_lease' THEN '房屋出租' ELSE '其他' END AS kind_zh,
    l.counterparty_name,
    l.annual_rent AS annual_rent_fen,
    l.start_date,
    l.end_date,
    l.signed_on,
    l.limit_years,
    l.limit_date
FROM limited l
LEFT JOIN divisions dv ON dv.code = l.village_code
WHERE l.end_date >= l.limit_date
