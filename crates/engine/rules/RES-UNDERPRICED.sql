-- id: RES-UNDERPRICED
-- title.zh: 集体资产资源发包价格明显偏低
-- title.en: Collective contract rent far below the township's going price
-- severity: medium
-- record: contract
-- inputs: collective_contracts
-- basis: 各地农村集体"三资"管理办法(资产资源发包应公开竞价, 防止低价发包造成集体资产流失); 《农村土地经营权流转管理办法》(流转价格遵循市场行情); 《中国共产党纪律处分条例》关于违规处置集体资产的规定
-- amount: the rent below the median over the whole term: (median price per mu x area - annual rent) x months of the term / 12, a started month counted whole
-- explain.zh: {village_name}合同{contract_id}({kind_zh}, 对方{counterparty_name|name}, {area_mu}亩)年租金{annual_rent_fen|yuan}元, 合每亩{price_fen_per_mu|yuan}元, 低于本乡镇其他{peer_count}份同类合同中位数每亩{median_fen_per_mu|yuan}元的{price_ratio_pct}%
-- explain.en: Contract {contract_id} of {village_name} ({kind}, with {counterparty_name|name}, {area_mu} mu) has an annual rent of {annual_rent_fen|yuan} yuan, {price_fen_per_mu|yuan} yuan per mu: below {price_ratio_pct}% of the median of {median_fen_per_mu|yuan} yuan per mu over {peer_count} other contracts of its kind in the township
-- param: price_ratio = 0.7  share of the township median price per mu below which a contract is flagged
-- param: min_peers = 5  least number of other contracts of the same kind in the township for a median
WITH priced AS (
    -- A price needs an area: contracts without one (a building let as a whole) have no price.
    SELECT
        c.contract_id,
        c.village_code,
        substr(c.village_code, 1, 9) AS township,
        c.kind,
        c.counterparty_id,
        c.counterparty_name,
        c.area_mu,
        c.annual_rent,
        c.start_date,
        c.end_date,
        CAST(c.annual_rent AS DOUBLE) / c.area_mu AS price
    FROM collective_contracts c
    WHERE c.area_mu > 0
),
peers AS (
    -- The median of the other contracts, so that the contract does not pull its own yardstick.
    SELECT
        p.contract_id,
        COUNT(*) AS peer_count,
        median(o.price) AS median_price
    FROM priced p
    JOIN priced o
      ON o.township = p.township
     AND o.kind = p.kind
     AND o.contract_id <> p.contract_id
    GROUP BY p.contract_id
    HAVING COUNT(*) >= {{min_peers}}
)
SELECT
    p.contract_id AS record_ids,
    p.counterparty_id AS subject_id,
    p.village_code AS village_code,
    CAST(ROUND((q.median_price * p.area_mu - CAST(p.annual_rent AS DOUBLE)) * CAST(
        (CAST(EXTRACT(YEAR FROM p.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM p.start_date) AS BIGINT)) * 12
        + CAST(EXTRACT(MONTH FROM p.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM p.start_date) AS BIGINT)
        + CASE WHEN EXTRACT(DAY FROM p.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM p.start_date) THEN 1 ELSE 0 END
        AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, p.village_code) AS village_name,
    p.contract_id,
    p.kind,
    CASE p.kind WHEN 'land_transfer' THEN '土地流转' WHEN 'forest_transfer' THEN '林地流转'
        WHEN 'pond_lease' THEN '坑塘出租' WHEN 'building_lease' THEN '房屋出租' ELSE '其他' END AS kind_zh,
    p.counterparty_name,
    p.area_mu,
    p.annual_rent AS annual_rent_fen,
    p.start_date,
    p.end_date,
    CAST(ROUND(p.price) AS BIGINT) AS price_fen_per_mu,
    CAST(ROUND(q.median_price) AS BIGINT) AS median_fen_per_mu,
    q.peer_count,
    CAST(ROUND({{price_ratio}} * 100) AS BIGINT) AS price_ratio_pct
FROM priced p
JOIN peers q ON q.contract_id = p.contract_id
LEFT JOIN divisions dv ON dv.code = p.village_code
WHERE p.price < {{price_ratio}} * q.median_price
