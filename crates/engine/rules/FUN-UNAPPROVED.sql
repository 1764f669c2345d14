-- id: FUN-UNAPPROVED
-- title.zh: 村集体支出未经审批或未经村务监督委员会签字
-- title.en: Village expense without an approver or without the supervision committee's signature
-- severity: medium
-- record: voucher
-- inputs: vouchers
-- basis: 《村民委员会组织法》第三十二条(村务监督委员会负责村民民主理财, 监督村务公开等制度的落实); 《农村集体经济组织财务制度》(支出须经审批, 手续完备); 各地村级财务"村账乡管"与"两委"联签、监委会审核签字制度
-- amount: the voucher's amount
-- explain.zh: {village_name}{date}支出凭证{record_ids}({category_zh}, {description}, 付{counterparty_name|name}{amount_at_risk_fen|yuan}元){missing_zh}
-- explain.en: Expense voucher {record_ids} of {village_name} on {date} ({category}, {description}: {amount_at_risk_fen|yuan} yuan to {counterparty_name|name}) {missing_en}
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
    v.supervisor_signed,
    v.approved_by,
    CASE
        WHEN NOT COALESCE(v.supervisor_signed, false) AND (v.approved_by IS NULL OR trim(v.approved_by) = '')
            THEN '既无审批人, 也无村务监督委员会签字'
        WHEN NOT COALESCE(v.supervisor_signed, false) THEN '无村务监督委员会签字'
        ELSE '无审批人'
    END AS missing_zh,
    CASE
        WHEN NOT COALESCE(v.supervisor_signed, false) AND (v.approved_by IS NULL OR trim(v.approved_by) = '')
            THEN 'has neither an approver nor the supervision committee''s signature'
        WHEN NOT COALESCE(v.supervisor_signed, false) THEN 'lacks the supervision committee''s signature'
        ELSE 'names no approver'
    END AS missing_en
FROM vouchers v
LEFT JOIN divisions dv ON dv.code = v.village_code
WHERE v.direction = 'expense'
  -- Income is not approved the same way: only money going out needs the sign-offs.
  AND (NOT COALESCE(v.supervisor_signed, false) OR v.approved_by IS NULL OR trim(v.approved_by) = '')
