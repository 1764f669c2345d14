-- id: FUN-CASH-ON-HAND
-- title.zh: 村级库存现金超过限额
-- title.en: Village cash on hand above the limit
-- severity: medium
-- record: balance
-- inputs: cash_balances
-- basis: 《现金管理暂行条例》第十一条(库存现金不得超过核定限额, 超过部分应及时送存银行); 《农村集体经济组织财务制度》关于货币资金管理的规定; 各地村级财务管理办法规定的村级库存现金限额(默认5000元)
-- amount: the largest day-end excess over the limit in the month: cash that should have been in the bank
-- explain.zh: {village_name}{month}有{days_over}天的日终库存现金超过限额{cash_limit_fen|yuan}元, 最高为{date}的{cash_on_hand_fen|yuan}元, 超出{amount_at_risk_fen|yuan}元
-- explain.en: On {days_over} day(s) of {month} the day-end cash on hand of {village_name} was above the limit of {cash_limit_fen|yuan} yuan, at most {cash_on_hand_fen|yuan} yuan on {date}: {amount_at_risk_fen|yuan} yuan too much
-- param: cash_limit = 5000  the most cash, in yuan, a village may keep on hand at the end of a day
WITH over AS (
    SELECT
        b.village_code,
        b."date",
        b.cash_on_hand,
        substr(CAST(b."date" AS VARCHAR), 1, 7) AS month,
        -- One clue per village and month, shown by its worst day.
        ROW_NUMBER() OVER (
            PARTITION BY b.village_code, substr(CAST(b."date" AS VARCHAR), 1, 7)
            ORDER BY b.cash_on_hand DESC, b."date"
        ) AS pick,
        COUNT(*) OVER (
            PARTITION BY b.village_code, substr(CAST(b."date" AS VARCHAR), 1, 7)
        ) AS days_over
    FROM cash_balances b
    -- Exactly the limit is allowed.
    WHERE b.cash_on_hand > CAST({{cash_limit}} * 100 AS BIGINT)
)
SELECT
    o.village_code || '/' || CAST(o."date" AS VARCHAR) AS record_ids,
    CAST(NULL AS VARCHAR) AS subject_id,
    o.village_code AS village_code,
    o.cash_on_hand - CAST({{cash_limit}} * 100 AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, o.village_code) AS village_name,
    o."date" AS "date",
    o.month,
    o.cash_on_hand AS cash_on_hand_fen,
    CAST({{cash_limit}} * 100 AS BIGINT) AS cash_limit_fen,
    o.days_over
FROM over o
LEFT JOIN divisions dv ON dv.code = o.village_code
WHERE o.pick = 1
