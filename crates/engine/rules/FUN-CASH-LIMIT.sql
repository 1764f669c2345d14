-- id: FUN-CASH-LIMIT
-- title.zh: 村集体超限额现金支付
-- title.en: Village expense paid in cash above the cash limit
-- severity: medium
-- record: voucher
-- inputs: vouchers
-- basis: 《现金管理暂行条例》第五条(结算起点以上的支付应通过银行转账); 《农村集体经济组织财务制度》关于货币资金管理的规定; 各地村级财务管理办法规定的现金支付限额(默认2000元)
-- amount: the voucher's amount (the whole payment left no bank trace, not only the part above the limit)
-- explain.zh: {village_name}{date}以现金支付{counterparty_name|name}{amount_at_risk_fen|yuan}元(凭证{record_ids}, {category_zh}, {description}), 超过现金支付限额{cash_limit_fen|yuan}元
-- explain.en: On {date} {village_name} paid {amount_at_risk_fen|yuan} yuan in cash to {counterparty_name|name} (voucher {record_ids}, {category}, {description}), above the cash limit of {cash_limit_fen|yuan} yuan
-- param: cash_limit = 2000  largest expense, in yuan, that may be paid in cash
SELECT
    v.voucher_id AS record_ids,
    v.counterparty_id AS subject_id,
    v.village_code AS village_code,
    v.amount AS amount_at_risk_fen,
    COALESCE(dv.name, v.village_code) AS village_name,
    v."date" AS "date",
    v.category,
    CASE v.category WHEN 'operating_cost' THEN '经营支出' WHEN 'office' THEN '办公费' WHEN 'hospitality' THEN '招待费'
        WHEN 'travel' THEN '差旅费' WHEN 'cadre_pay' THEN '干部报酬' WHEN 'public_welfare' THEN '公益支出'
        WHEN 'construction' THEN '工程支出' WHEN 'labour' THEN '劳务费' WHEN 'other_expense' THEN '其他支出'
        ELSE v.category END AS category_zh,
    COALESCE(v.description, '') AS description,
    COALESCE(v.counterparty_name, '') AS counterparty_name,
    v.method,
    CAST({{cash_limit}} * 100 AS BIGINT) AS cash_limit_fen
FROM vouchers v
LEFT JOIN divisions dv ON dv.code = v.village_code
WHERE v.direction = 'expense'
  AND v.method = 'cash'
  -- Exactly the limit is still allowed; only amounts above it must go through the bank.
  AND v.amount > CAST({{cash_limit}} * 100 AS BIGINT)
