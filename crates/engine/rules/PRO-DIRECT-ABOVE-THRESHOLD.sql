-- id: PRO-DIRECT-ABOVE-THRESHOLD
-- title.zh: 达到招标限额的村级工程未招标
-- title.en: Village project at or above the tender threshold awarded by inquiry or direct award
-- severity: high
-- record: project
-- inputs: projects
-- basis: 《招标投标法》第三条、第四条(不得将依法必须招标的项目化整为零或以其他方式规避招标); 《村民委员会组织法》第二十四条; 各省村级工程建设项目管理办法(村级工程达到限额的须公开或邀请招标, 常见限额10万元)
-- amount: the award amount of the project
-- param: tender_threshold = 100000  budget in yuan from which a village project must be tendered (open or invited)
-- explain.zh: {village_name}"{project_name}"预算{budget|yuan}元, 达到{tender_threshold_fen|yuan}元招标限额, 却以{method_zh}方式于{awarded_on}发包给{winner_name}, 中标金额{amount_at_risk_fen|yuan}元
-- explain.en: Project "{project_name}" of {village_name} has a budget of {budget|yuan} yuan, at or above the {tender_threshold_fen|yuan}-yuan tender threshold, yet it was awarded by {method_en} to {winner_name} on {awarded_on} for {amount_at_risk_fen|yuan} yuan
SELECT
    p.project_id AS record_ids,
    p.winner_id AS subject_id,
    p.village_code AS village_code,
    p.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, p.village_code) AS village_name,
    p.name AS project_name,
    p.method,
    CASE p.method WHEN 'inquiry' THEN '询价' WHEN 'direct' THEN '直接发包' ELSE p.method END AS method_zh,
    CASE p.method WHEN 'inquiry' THEN 'inquiry' WHEN 'direct' THEN 'direct award' ELSE p.method END AS method_en,
    p.budget,
    {{tender_threshold}} * 100 AS tender_threshold_fen,
    p.awarded_on,
    p.winner_name,
    p.award_amount,
    p.decision_id
FROM projects p
LEFT JOIN divisions v ON v.code = p.village_code
-- Only open and invited tendering count as tendering; the threshold is on the budget, the
-- amount the village planned to spend, so a low award cannot bring a project under it.
WHERE p.method IN ('inquiry', 'direct')
  AND p.budget >= {{tender_threshold}} * 100
