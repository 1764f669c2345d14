-- id: PRO-OVERRUN
-- title.zh: 工程决算超出中标金额
-- title.en: Final account of a project well above its award
-- severity: medium
-- record: project
-- inputs: projects
-- basis: 《招标投标法》第四十六条(招标人和中标人不得再行订立背离合同实质性内容的其他协议); 《招标投标法实施条例》第五十七条; 《政府投资条例》第二十三条(政府投资项目不得超概算, 确需增加的应报原审批部门); 各地村级工程变更须经"四议两公开"的规定
-- amount: the part of the final account above the award (final amount minus award amount)
-- param: overrun = 0.10  share of the award by which the final account may exceed it (variations)
-- explain.zh: {village_name}"{project_name}"由{winner_name}以{award_amount|yuan}元中标, 决算却为{final_amount|yuan}元, 超出{amount_at_risk_fen|yuan}元({overrun_pct}%), 超过允许的{allowed_pct}%
-- explain.en: Project "{project_name}" of {village_name} was awarded to {winner_name} for {award_amount|yuan} yuan, but its final account is {final_amount|yuan} yuan, {amount_at_risk_fen|yuan} yuan ({overrun_pct} %) more, beyond the {allowed_pct} % allowed
SELECT
    p.project_id AS record_ids,
    p.winner_id AS subject_id,
    p.village_code AS village_code,
    p.final_amount - p.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, p.village_code) AS village_name,
    p.name AS project_name,
    p.winner_name,
    p.award_amount,
    p.final_amount,
    p.awarded_on,
    CASE WHEN p.award_amount > 0
         THEN floor(CAST(p.final_amount - p.award_amount AS DOUBLE) * 10000 / CAST(p.award_amount AS DOUBLE)) / 100 END AS overrun_pct,
    CAST(ROUND({{overrun}} * 10000) AS DOUBLE) / 100 AS allowed_pct
FROM projects p
LEFT JOIN divisions v ON v.code = p.village_code
-- No final account yet: nothing to judge. In integers (tolerance to four decimals) so that
-- exactly +10 % is judged exactly.
WHERE p.final_amount IS NOT NULL
  AND p.final_amount * 10000 > p.award_amount * CAST(ROUND((1 + {{overrun}}) * 10000) AS BIGINT)
