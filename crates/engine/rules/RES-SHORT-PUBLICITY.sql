-- id: RES-SHORT-PUBLICITY
-- title.zh: 集体资产资源发包未公示或公示期不足
-- title.en: Collective contract not publicized, or publicized too briefly
-- severity: medium
-- record: contract
-- inputs: collective_contracts
-- basis: 《村民委员会组织法》第三十条(集体经济项目的承包方案及收益须公开); "四议两公开"工作法(决议公开、实施结果公开); 各地农村集体资产资源发包管理办法(发包方案公示不少于7日, 公示期满后方可签订合同)
-- amount: the contract's rent over its whole term (annual rent x months of the term / 12, a started month counted whole)
-- explain.zh: {village_name}于{signed_on}签订合同{contract_id}({kind_zh}, 对方{counterparty_name|name}, 年租金{annual_rent_fen|yuan}元), 但{problem_zh}
-- explain.en: {village_name} signed contract {contract_id} ({kind}, with {counterparty_name|name}, {annual_rent_fen|yuan} yuan a year) on {signed_on}, but {problem_en}
-- param: publicity_days = 7  least number of days between the first and the last day of publicity
WITH judged AS (
    SELECT
        c.*,
        CASE
            WHEN c.publicity_start IS NULL OR c.publicity_end IS NULL THEN 'missing'
            -- Days are counted as the difference from start to end (a 7-day publicity that
            -- starts on the 1st ends on the 8th at the earliest), the stricter of the two usual
            -- counts, so that neither count ever calls a flagged publicity long enough.
            WHEN c.publicity_end < c.publicity_start + INTERVAL '{{publicity_days}} days' THEN 'short'
            -- Publicity exists so that objections come before the village is bound.
            WHEN c.publicity_end > c.signed_on THEN 'after'
            ELSE NULL
        END AS problem,
        (CAST(EXTRACT(YEAR FROM c.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(YEAR FROM c.start_date) AS BIGINT)) * 12
          + CAST(EXTRACT(MONTH FROM c.end_date + INTERVAL '1 day') AS BIGINT) - CAST(EXTRACT(MONTH FROM c.start_date) AS BIGINT)
          + CASE WHEN EXTRACT(DAY FROM c.end_date + INTERVAL '1 day') > EXTRACT(DAY FROM c.start_date) THEN 1 ELSE 0 END
          AS term_months
    FROM collective_contracts c
)
SELECT
    j.contract_id AS record_ids,
    j.counterparty_id AS subject_id,
    j.village_code AS village_code,
    CAST(ROUND(CAST(j.annual_rent AS DOUBLE) * CAST(j.term_months AS DOUBLE) / 12.0) AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, j.village_code) AS village_name,
    j.contract_id,
    j.kind,
    CASE j.kind WHEN 'land_transfer' THEN '土地流转' WHEN 'forest_transfer' THEN '林地流转'
        WHEN 'pond_lease' THEN '坑塘出租' WHEN 'building_lease' THEN '房屋出租' ELSE '其他' END AS kind_zh,
    j.counterparty_name,
    j.annual_rent AS annual_rent_fen,
    j.start_date,
    j.end_date,
    j.signed_on,
    j.publicity_start,
    j.publicity_end,
    j.problem,
    CASE j.problem
        WHEN 'missing' THEN '没有公示记录'
        WHEN 'short' THEN '公示期' || CAST(j.publicity_start AS VARCHAR) || '至' || CAST(j.publicity_end AS VARCHAR)
                          || '不足' || CAST({{publicity_days}} AS VARCHAR) || '天'
        ELSE '公示期' || CAST(j.publicity_start AS VARCHAR) || '至' || CAST(j.publicity_end AS VARCHAR)
             || '在签订时尚未结束'
    END AS problem_zh,
    CASE j.problem
        WHEN 'missing' THEN 'there is no record of its publicity'
        WHEN 'short' THEN 'it was publicized only from ' || CAST(j.publicity_start AS VARCHAR) || ' to '
                          || CAST(j.publicity_end AS VARCHAR) || ', less than ' || CAST({{publicity_days}} AS VARCHAR) || ' days'
        ELSE 'its publicity (' || CAST(j.publicity_start AS VARCHAR) || ' to ' || CAST(j.publicity_end AS VARCHAR)
             || ') had not ended when it was signed'
    END AS problem_en
FROM judged j
LEFT JOIN divisions dv ON dv.code = j.village_code
WHERE j.problem IS NOT NULL
