-- id: PRO-SHORT-NOTICE
-- title.zh: 招标公告期过短
-- title.en: Bid deadline too soon after the tender notice
-- severity: medium
-- record: project
-- inputs: projects
-- basis: 《招标投标法》第二十四条(依法必须进行招标的项目, 自招标文件开始发出之日起至投标人提交投标文件截止之日止, 最短不得少于二十日); 《政府采购非招标采购方式管理办法》第四十五条(询价: 从询价通知书发出之日起至供应商提交响应文件截止之日止不得少于3个工作日)
-- amount: the award amount of the project
-- param: min_notice_days_open = 20  fewest days from notice to bid deadline for an open tender
-- param: min_notice_days_invited = 20  fewest days from notice to bid deadline for an invited tender
-- param: min_notice_days_inquiry = 3  fewest days from notice to bid deadline for an inquiry
-- explain.zh: {village_name}"{project_name}"以{method_zh}方式发包, {notice_on}发布公告, {bid_deadline}即截止投标, 不足{min_notice_days}天; 于{awarded_on}由{winner_name}以{amount_at_risk_fen|yuan}元中标
-- explain.en: Project "{project_name}" of {village_name} ({method_en}) was announced on {notice_on} with a bid deadline of {bid_deadline}, less than the {min_notice_days} days required; {winner_name} was awarded it on {awarded_on} for {amount_at_risk_fen|yuan} yuan
WITH judged AS (
    SELECT
        p.*,
        CASE p.method
            WHEN 'open' THEN {{min_notice_days_open}}
            WHEN 'invited' THEN {{min_notice_days_invited}}
            WHEN 'inquiry' THEN {{min_notice_days_inquiry}}
            ELSE 0 END AS min_notice_days,
        -- Days are counted as the difference of the two dates (notice 1st, deadline 21st = 20
        -- days); dates cannot be subtracted portably, so the deadline is compared with the
        -- notice date moved forward by the minimum.
        CASE p.method
            WHEN 'open' THEN p.bid_deadline < p.notice_on + INTERVAL '{{min_notice_days_open}} days'
            WHEN 'invited' THEN p.bid_deadline < p.notice_on + INTERVAL '{{min_notice_days_invited}} days'
            WHEN 'inquiry' THEN p.bid_deadline < p.notice_on + INTERVAL '{{min_notice_days_inquiry}} days'
            -- A direct award has no notice period, but a deadline before its own notice is a
            -- back-dated record whatever the method.
            ELSE p.bid_deadline < p.notice_on END AS too_short
    FROM projects p
    -- Without both dates there is nothing to count (direct awards usually have neither).
    WHERE p.notice_on IS NOT NULL AND p.bid_deadline IS NOT NULL
)
SELECT
    j.project_id AS record_ids,
    j.winner_id AS subject_id,
    j.village_code AS village_code,
    j.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, j.village_code) AS village_name,
    j.name AS project_name,
    j.method,
    CASE j.method WHEN 'open' THEN '公开招标' WHEN 'invited' THEN '邀请招标' WHEN 'inquiry' THEN '询价'
        ELSE '直接发包' END AS method_zh,
    CASE j.method WHEN 'open' THEN 'open tender' WHEN 'invited' THEN 'invited tender' WHEN 'inquiry' THEN 'inquiry'
        ELSE 'direct award' END AS method_en,
    j.notice_on,
    j.bid_deadline,
    j.min_notice_days,
    j.budget,
    j.awarded_on,
    j.winner_name,
    j.award_amount
FROM judged j
LEFT JOIN divisions v ON v.code = j.village_code
WHERE j.too_short
