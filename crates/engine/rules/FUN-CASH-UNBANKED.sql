-- id: FUN-CASH-UNBANKED
-- title.zh: 现金收入未在3日内存入银行
-- title.en: Cash received not banked within 3 days
-- severity: medium
-- record: voucher
-- inputs: vouchers, cash_balances
-- basis: 《现金管理暂行条例》第十一条(收入的现金应于当日送存开户银行); 《农村集体经济组织财务制度》关于现金收入及时存入银行、严禁坐收坐支的规定; 村账乡管制度(村级现金收入3日内存入银行)
-- amount: the cash received (still held at the deadline)
-- explain.zh: {village_name}{date}收到现金{amount_at_risk_fen|yuan}元(凭证{record_ids}, {description}, 交款人{counterparty_name|name}), 收款前日终库存现金{before_fen|yuan}元, {deadline}(3日期满)后首个日终余额({checked_on})仍为{after_fen|yuan}元: 这笔现金未按时存入银行
-- explain.en: On {date} {village_name} received {amount_at_risk_fen|yuan} yuan in cash (voucher {record_ids}, {description}, from {counterparty_name|name}); cash on hand was {before_fen|yuan} yuan at the end of the day before, and still {after_fen|yuan} yuan at the first day-end on or after {deadline} ({checked_on}), when the 3 days to bank it were over
-- param: days = 3  days within which cash received must be in the bank
WITH receipts AS (
    SELECT v.voucher_id, v.village_code, v."date", v.amount, v.description, v.counterparty_name,
        CAST(v."date" + INTERVAL '{{days}} days' AS DATE) AS deadline
    FROM vouchers v
    WHERE v.direction = 'income' AND v.method = 'cash'
),
before AS (
    -- The day-end balance of the last day before the receipt.
    SELECT r.voucher_id, b.cash_on_hand,
        ROW_NUMBER() OVER (PARTITION BY r.voucher_id ORDER BY b."date" DESC) AS pick
    FROM receipts r
    JOIN cash_balances b ON b.village_code = r.village_code AND b."date" < r."date"
),
after AS (
    -- The first day-end balance once the days to bank it are over.
    SELECT r.voucher_id, b."date" AS checked_on, b.cash_on_hand,
        ROW_NUMBER() OVER (PARTITION BY r.voucher_id ORDER BY b."date") AS pick
    FROM receipts r
    JOIN cash_balances b ON b.village_code = r.village_code AND b."date" >= r.deadline
)
SELECT
    r.voucher_id AS record_ids,
    CAST(NULL AS VARCHAR) AS subject_id,
    r.village_code AS village_code,
    r.amount AS amount_at_risk_fen,
    COALESCE(dv.name, r.village_code) AS village_name,
    r."date" AS "date",
    r.deadline,
    a.checked_on,
    COALESCE(r.description, '') AS description,
    COALESCE(r.counterparty_name, '') AS counterparty_name,
    b.cash_on_hand AS before_fen,
    a.cash_on_hand AS after_fen
FROM receipts r
JOIN before b ON b.voucher_id = r.voucher_id AND b.pick = 1
JOIN after a ON a.voucher_id = r.voucher_id AND a.pick = 1
LEFT JOIN divisions dv ON dv.code = r.village_code
-- The receipt is still in the till: cash on hand has not come down below what it was before
-- plus what came in. Only judged where the book has a balance within a week of the deadline.
WHERE a.cash_on_hand >= b.cash_on_hand + r.amount
  AND a.checked_on <= CAST(r.deadline + INTERVAL '7 days' AS DATE)
