-- id: SUB-SHARED-ACCOUNT
-- title.zh: 一个账户收取多户补贴
-- title.en: One account receives subsidies for several households
-- severity: medium
-- record: account
-- inputs: payments, persons
-- basis: 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 补贴资金直达享受人账户, 严禁村干部或他人代管、代领群众"一卡通"; 《社会救助暂行办法》第六十七条
-- amount: everything paid into the account in the data (the officer separates what belongs to the holder's own household)
-- explain.zh: 账户{account_number|account}在{first_paid_on}至{last_paid_on}间收到{household_count}户{beneficiary_count}人的补贴{payment_count}笔, 共{amount_at_risk_fen|yuan}元; 发放记录登记的持卡人共{holder_count}人
-- explain.en: Between {first_paid_on} and {last_paid_on}, account {account_number|account} received {payment_count} subsidy payments ({amount_at_risk_fen|yuan} yuan) for {beneficiary_count} people of {household_count} households; the payment records name {holder_count} different holders
-- param: min_households = 3  the number of distinct beneficiary households one account must serve to be flagged
WITH candidates AS (
    -- Distinct households can only reach the threshold where distinct beneficiaries do; this
    -- keeps the join with the register to the few accounts that matter.
    SELECT account_number
    FROM payments
    GROUP BY account_number
    HAVING COUNT(DISTINCT beneficiary_id_number) >= {{min_households}}
),
streams AS (
    -- One row per account, beneficiary and recorded holder, so that the account-level
    -- aggregation below reads each table once.
    SELECT
        p.account_number,
        p.beneficiary_id_number,
        p.account_holder_id_number,
        MIN(p.beneficiary_name) AS beneficiary_name,
        -- A beneficiary the register does not know is a household of their own.
        MIN(COALESCE(b.household_id, '?' || p.beneficiary_id_number)) AS household_key,
        MIN(COALESCE(e.village_code, b.village_code)) AS village_code,
        COUNT(*) AS payment_count,
        SUM(p.amount) AS amount,
        MIN(p.paid_on) AS first_paid_on,
        MAX(p.paid_on) AS last_paid_on,
        array_to_string(array_agg(p.payment_id ORDER BY p.payment_id), ';') AS payment_ids
    FROM payments p
    JOIN candidates c ON c.account_number = p.account_number
    LEFT JOIN persons b ON b.id_number = p.beneficiary_id_number
    LEFT JOIN entitlements e ON e.entitlement_id = p.entitlement_id
    GROUP BY p.account_number, p.beneficiary_id_number, p.account_holder_id_number
)
SELECT
    s.account_number AS record_ids,
    -- The account is the subject; a person only when every payment names the same holder.
    CASE WHEN COUNT(DISTINCT s.account_holder_id_number) = 1
         THEN MIN(s.account_holder_id_number) END AS subject_id,
    -- Where the account serves several villages, the clue goes to the first and lists them all.
    MIN(s.village_code) AS village_code,
    SUM(s.amount) AS amount_at_risk_fen,
    s.account_number,
    COUNT(DISTINCT s.household_key) AS household_count,
    COUNT(DISTINCT s.beneficiary_id_number) AS beneficiary_count,
    COUNT(DISTINCT s.account_holder_id_number) AS holder_count,
    COUNT(DISTINCT s.village_code) AS village_count,
    SUM(s.payment_count) AS payment_count,
    MIN(s.first_paid_on) AS first_paid_on,
    MAX(s.last_paid_on) AS last_paid_on,
    array_to_string(array_agg(s.beneficiary_name ORDER BY s.beneficiary_id_number, s.account_holder_id_number), ';') AS beneficiary_names,
    array_to_string(array_agg(s.beneficiary_id_number ORDER BY s.beneficiary_id_number, s.account_holder_id_number), ';') AS beneficiary_ids,
    array_to_string(array_agg(s.account_holder_id_number ORDER BY s.beneficiary_id_number, s.account_holder_id_number), ';') AS holder_ids,
    array_to_string(array_agg(s.household_key ORDER BY s.beneficiary_id_number, s.account_holder_id_number), ';') AS household_ids,
    array_to_string(array_agg(s.payment_ids ORDER BY s.beneficiary_id_number, s.account_holder_id_number), ';') AS payment_ids
FROM streams s
GROUP BY s.account_number
HAVING COUNT(DISTINCT s.household_key) >= {{min_households}}
