-- id: PRO-FEW-BIDS
-- title.zh: 招标项目有效投标人不足
-- title.en: Tender awarded with too few valid bids
-- severity: medium
-- record: project
-- inputs: projects, bids
-- basis: 《招标投标法》第十七条(邀请招标应当向三个以上特定的法人或者其他组织发出投标邀请书)、第二十八条(投标人少于三个的, 招标人应当依法重新招标); 《评标委员会和评标方法暂行规定》第二十七条
-- amount: the award amount of the project
-- param: min_bids_open = 2  fewest valid bids an open tender may be awarded with
-- param: min_bids_invited = 3  fewest valid bids an invited tender may be awarded with
-- explain.zh: {village_name}"{project_name}"以{method_zh}方式发包(预算{budget|yuan}元), 仅有{valid_bids}份有效投标(共{all_bids}份, 至少应有{min_bids}份), 于{awarded_on}由{winner_name}以{amount_at_risk_fen|yuan}元中标
-- explain.en: Project "{project_name}" of {village_name} ({method} tender, budget {budget|yuan} yuan) had only {valid_bids} valid bid(s) of {all_bids} received (at least {min_bids} required), yet {winner_name} was awarded it on {awarded_on} for {amount_at_risk_fen|yuan} yuan
WITH counted AS (
    SELECT
        b.project_id,
        COUNT(*) AS all_bids,
        -- Disqualified and withdrawn bids do not make a competition.
        SUM(CASE WHEN b.status = 'valid' THEN 1 ELSE 0 END) AS valid_bids
    FROM bids b
    GROUP BY b.project_id
),
judged AS (
    SELECT
        p.*,
        COALESCE(c.all_bids, 0) AS all_bids,
        COALESCE(c.valid_bids, 0) AS valid_bids,
        CASE p.method WHEN 'open' THEN {{min_bids_open}} ELSE {{min_bids_invited}} END AS min_bids
    FROM projects p
    LEFT JOIN counted c ON c.project_id = p.project_id
    WHERE p.method IN ('open', 'invited')
)
SELECT
    j.project_id AS record_ids,
    j.winner_id AS subject_id,
    j.village_code AS village_code,
    j.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, j.village_code) AS village_name,
    j.name AS project_name,
    j.method,
    CASE j.method WHEN 'open' THEN '公开招标' ELSE '邀请招标' END AS method_zh,
    j.budget,
    j.valid_bids,
    j.all_bids,
    j.min_bids,
    j.awarded_on,
    j.winner_name,
    j.award_amount
FROM judged j
LEFT JOIN divisions v ON v.code = j.village_code
WHERE j.valid_bids < j.min_bids
