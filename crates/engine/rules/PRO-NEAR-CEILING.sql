-- id: PRO-NEAR-CEILING
-- title.zh: 中标价贴近预算上限
-- title.en: Winning bid at the budget ceiling despite competing bids
-- severity: medium
-- record: project
-- inputs: projects, bids
-- basis: 《招标投标法》第三十二条(投标人不得相互串通投标报价, 不得与招标人串通投标)、第四十一条; 《招标投标法实施条例》第三十九条、第四十条(标底或最高投标限价泄露、投标报价呈规律性差异等视为串通投标)
-- amount: the award amount of the project
-- param: ceiling_ratio = 0.99  award at or above this share of the budget is "at the ceiling"
-- explain.zh: {village_name}"{project_name}"预算{budget|yuan}元, 有{valid_bids}份有效投标, {winner_name}却以{amount_at_risk_fen|yuan}元(预算的{award_pct}%)于{awarded_on}中标, 其他有效报价最低{lowest_other_bid|yuan}元
-- explain.en: Project "{project_name}" of {village_name} had a budget of {budget|yuan} yuan and {valid_bids} valid bids, yet {winner_name} won it on {awarded_on} at {amount_at_risk_fen|yuan} yuan ({award_pct} % of the budget); the lowest other valid bid was {lowest_other_bid|yuan} yuan
WITH counted AS (
    SELECT
        p.project_id,
        SUM(CASE WHEN b.status = 'valid' THEN 1 ELSE 0 END) AS valid_bids,
        MIN(CASE WHEN b.status = 'valid' AND b.bidder_id <> p.winner_id THEN b.amount END) AS lowest_other_bid
    FROM projects p
    JOIN bids b ON b.project_id = p.project_id
    GROUP BY p.project_id
)
SELECT
    p.project_id AS record_ids,
    p.winner_id AS subject_id,
    p.village_code AS village_code,
    p.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, p.village_code) AS village_name,
    p.name AS project_name,
    p.method,
    p.budget,
    p.award_amount,
    -- Shown with two decimals, truncated, so 99.99 % never reads as 100 %.
    floor(CAST(p.award_amount AS DOUBLE) * 10000 / CAST(p.budget AS DOUBLE)) / 100 AS award_pct,
    c.valid_bids,
    c.lowest_other_bid,
    p.awarded_on,
    p.winner_name
FROM projects p
JOIN counted c ON c.project_id = p.project_id
LEFT JOIN divisions v ON v.code = p.village_code
-- With a single valid bid an award at the budget is what one would expect (a direct award is
-- usually priced at the budget), so only competitions are judged.
WHERE c.valid_bids >= 2
  AND p.budget > 0
  -- In integers (ratio to four decimals) so that an award of exactly 99 % is judged exactly.
  AND p.award_amount * 10000 >= p.budget * CAST(ROUND({{ceiling_ratio}} * 10000) AS BIGINT)
