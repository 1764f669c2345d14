-- id: PRO-SPLIT
-- title.zh: 化整为零规避招标
-- title.en: Projects split to stay below the tender threshold
-- severity: high
-- record: project
-- inputs: projects
-- basis: 《招标投标法》第四条(任何单位和个人不得将依法必须进行招标的项目化整为零或者以其他任何方式规避招标); 《招标投标法实施条例》第二十四条; 各省村级工程建设项目管理办法(不得拆分项目规避招标)
-- amount: the part above the tender threshold: the group's combined budget (or combined award, if larger) minus tender_threshold
-- param: tender_threshold = 100000  budget in yuan from which a village project must be tendered
-- param: window_days = 90  projects awarded within this many days of the first one are taken together
-- explain.zh: {village_name}在{first_awarded_on}至{last_awarded_on}期间将{project_count}个均低于{tender_threshold_fen|yuan}元招标限额的项目({project_names})发包给同一中标人{winner_name}, 合计预算{total_budget|yuan}元、中标{total_award|yuan}元, 超出限额{amount_at_risk_fen|yuan}元
-- explain.en: Between {first_awarded_on} and {last_awarded_on} {village_name} awarded {project_count} projects ({project_names}), each below the {tender_threshold_fen|yuan}-yuan tender threshold, to the same winner {winner_name}: {total_budget|yuan} yuan of budgets and {total_award|yuan} yuan of awards together, {amount_at_risk_fen|yuan} yuan above the threshold
WITH small AS (
    -- Projects that each escaped the tender obligation on their own.
    SELECT project_id, village_code, winner_id, winner_name, name, awarded_on, budget, award_amount
    FROM projects
    WHERE budget < {{tender_threshold}} * 100
),
windows AS (
    -- Every project opens a window of window_days; a window with two or more projects whose
    -- budgets, or awards, reach the threshold together is a split. Both sums are tried because
    -- villages sometimes record the split parts' budgets low and award above them.
    SELECT a.project_id AS anchor_id
    FROM small a
    JOIN small b
      ON b.village_code = a.village_code
     AND b.winner_id = a.winner_id
     AND b.awarded_on >= a.awarded_on
     AND b.awarded_on <= a.awarded_on + INTERVAL '{{window_days}} days'
    GROUP BY a.project_id
    HAVING COUNT(*) >= 2
       AND (SUM(b.budget) >= {{tender_threshold}} * 100 OR SUM(b.award_amount) >= {{tender_threshold}} * 100)
),
members AS (
    SELECT DISTINCT b.project_id
    FROM windows w
    JOIN small a ON a.project_id = w.anchor_id
    JOIN small b
      ON b.village_code = a.village_code
     AND b.winner_id = a.winner_id
     AND b.awarded_on >= a.awarded_on
     AND b.awarded_on <= a.awarded_on + INTERVAL '{{window_days}} days'
),
grouped AS (
    -- One clue per village and winner, listing every project caught in any of its windows.
    SELECT
        s.village_code,
        s.winner_id,
        MIN(s.winner_name) AS winner_name,
        array_to_string(array_agg(s.project_id ORDER BY s.project_id), ';') AS record_ids,
        array_to_string(array_agg(s.name ORDER BY s.project_id), '、') AS project_names,
        COUNT(*) AS project_count,
        MIN(s.awarded_on) AS first_awarded_on,
        MAX(s.awarded_on) AS last_awarded_on,
        SUM(s.budget) AS total_budget,
        SUM(s.award_amount) AS total_award
    FROM small s
    JOIN members m ON m.project_id = s.project_id
    GROUP BY s.village_code, s.winner_id
)
SELECT
    g.record_ids,
    g.winner_id AS subject_id,
    g.village_code,
    CASE WHEN g.total_budget >= g.total_award THEN g.total_budget ELSE g.total_award END
        - {{tender_threshold}} * 100 AS amount_at_risk_fen,
    COALESCE(v.name, g.village_code) AS village_name,
    g.winner_name,
    g.project_count,
    g.project_names,
    g.first_awarded_on,
    g.last_awarded_on,
    g.total_budget,
    g.total_award,
    {{tender_threshold}} * 100 AS tender_threshold_fen
FROM grouped g
LEFT JOIN divisions v ON v.code = g.village_code
