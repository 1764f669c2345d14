-- id: FUN-SPLIT
-- title.zh: 拆分支出规避民主决策
-- title.en: Expenses split to stay below the decision threshold
-- severity: high
-- record: voucher
-- inputs: vouchers
-- basis: 《村民委员会组织法》第二十四条(重大事项须经村民会议讨论决定); "四议两公开"工作法; 《农村集体经济组织财务制度》关于重大财务事项民主决策的规定; 各地村级小微权力清单"不得化整为零规避决策"的要求
-- amount: the group's total minus the decision threshold (the part that should have been decided by the villagers)
-- explain.zh: {village_name}在{first_date}至{last_date}间向{counterparty_name|name}支付{voucher_count}笔、合计{total_fen|yuan}元(凭证{record_ids}), 每笔均低于{decision_threshold_fen|yuan}元, 但{window_days}天内合计达到须民主决策的金额
-- explain.en: Between {first_date} and {last_date} {village_name} paid {counterparty_name|name} {voucher_count} times, {total_fen|yuan} yuan in all (vouchers {record_ids}); each payment is below {decision_threshold_fen|yuan} yuan but within {window_days} days together they reach the amount that needs a democratic decision
-- param: decision_threshold = 50000  expense, in yuan, from which a villagers' (representatives') meeting decision is required
-- param: window_days = 30  days after a payment within which further payments to the same party are added to it
WITH small AS (
    -- Only payments that each escape the threshold can be a split; one counterparty is its
    -- credit code or ID number, or its name when no number is recorded.
    SELECT
        v.voucher_id,
        v.village_code,
        v."date" AS d,
        v.amount,
        COALESCE(v.counterparty_id, v.counterparty_name) AS party,
        v.counterparty_id,
        v.counterparty_name
    FROM vouchers v
    WHERE v.direction = 'expense'
      AND v.amount < CAST({{decision_threshold}} * 100 AS BIGINT)
      AND (v.counterparty_id IS NOT NULL OR v.counterparty_name IS NOT NULL)
),
windows AS (
    -- Every payment opens a window of window_days days; a window with two or more payments
    -- that together reach the threshold is a split.
    SELECT a.voucher_id AS anchor_id, a.village_code, a.party, a.d AS anchor_date
    FROM small a
    JOIN small b
      ON b.village_code = a.village_code
     AND b.party = a.party
     AND b.d >= a.d
     AND b.d <= a.d + INTERVAL '{{window_days}} days'
    GROUP BY a.voucher_id, a.village_code, a.party, a.d
    HAVING COUNT(*) >= 2 AND SUM(b.amount) >= CAST({{decision_threshold}} * 100 AS BIGINT)
),
members AS (
    -- Overlapping windows of one village and party make one clue.
    SELECT DISTINCT b.voucher_id, b.village_code, b.party, b.d, b.amount, b.counterparty_id, b.counterparty_name
    FROM windows w
    JOIN small b
      ON b.village_code = w.village_code
     AND b.party = w.party
     AND b.d >= w.anchor_date
     AND b.d <= w.anchor_date + INTERVAL '{{window_days}} days'
),
grouped AS (
    SELECT
        m.village_code,
        m.party,
        array_to_string(array_agg(m.voucher_id ORDER BY m.voucher_id), ';') AS record_ids,
        MAX(m.counterparty_id) AS counterparty_id,
        MAX(m.counterparty_name) AS counterparty_name,
        COUNT(*) AS voucher_count,
        SUM(m.amount) AS total_fen,
        MIN(m.d) AS first_date,
        MAX(m.d) AS last_date
    FROM members m
    GROUP BY m.village_code, m.party
)
SELECT
    g.record_ids,
    g.counterparty_id AS subject_id,
    g.village_code,
    g.total_fen - CAST({{decision_threshold}} * 100 AS BIGINT) AS amount_at_risk_fen,
    COALESCE(dv.name, g.village_code) AS village_name,
    COALESCE(g.counterparty_name, '') AS counterparty_name,
    g.voucher_count,
    g.total_fen,
    g.first_date,
    g.last_date,
    CAST({{window_days}} AS BIGINT) AS window_days,
    CAST({{decision_threshold}} * 100 AS BIGINT) AS decision_threshold_fen
FROM grouped g
LEFT JOIN divisions dv ON dv.code = g.village_code
