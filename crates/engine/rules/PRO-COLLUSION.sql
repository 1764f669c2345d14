-- id: PRO-COLLUSION
-- title.zh: 投标人之间存在关联(疑似围标串标)
-- title.en: Bidders of one project sharing a phone, address, legal representative or shareholder
-- severity: high
-- record: project
-- inputs: projects, bids, companies, company_people
-- basis: 《招标投标法》第三十二条(投标人不得相互串通投标报价); 《招标投标法实施条例》第三十九条、第四十条(不同投标人的投标文件由同一单位或者个人编制、委托同一单位或者个人办理投标事宜、联系人为同一人等, 视为投标人相互串通投标); 《刑法》第二百二十三条(串通投标罪)
-- amount: the award amount of the project
-- explain.zh: {village_name}"{project_name}"的投标人{bidder_a}与{bidder_b}{shared_zh}(共{pair_count}对关联投标人), 该项目于{awarded_on}由{winner_name}以{amount_at_risk_fen|yuan}元中标
-- explain.en: In project "{project_name}" of {village_name}, bidders {bidder_a} and {bidder_b} {shared_en} ({pair_count} linked pair(s) of bidders); {winner_name} won it on {awarded_on} for {amount_at_risk_fen|yuan} yuan
WITH marks AS (
    -- Every trace a bidder leaves: the phone and address on its bid and in the company register,
    -- and the people who control it (legal representative or shareholder). A phone is a phone
    -- wherever it was written, so bid and register values are compared with each other too, and
    -- one person controlling two bidders counts whether as representative or as shareholder
    -- (《招标投标法实施条例》第三十四条 bars bidders under common control from one tender).
    -- Withdrawn and disqualified bids count: accompanying bidders (陪标) often withdraw.
    SELECT project_id, bidder_id, bidder_name, 1 AS kind_rank, 'phone' AS kind, phone AS mark,
           phone AS shown, CAST(NULL AS VARCHAR) AS role
    FROM bids WHERE phone IS NOT NULL
    UNION ALL
    SELECT project_id, bidder_id, bidder_name, 2 AS kind_rank, 'address' AS kind, address AS mark,
           address AS shown, CAST(NULL AS VARCHAR) AS role
    FROM bids WHERE address IS NOT NULL
    UNION ALL
    SELECT b.project_id, b.bidder_id, b.bidder_name, 1 AS kind_rank, 'phone' AS kind, c.phone AS mark,
           c.phone AS shown, CAST(NULL AS VARCHAR) AS role
    FROM bids b JOIN companies c ON c.credit_code = b.bidder_id
    WHERE c.phone IS NOT NULL
    UNION ALL
    SELECT b.project_id, b.bidder_id, b.bidder_name, 2 AS kind_rank, 'address' AS kind, c.address AS mark,
           c.address AS shown, CAST(NULL AS VARCHAR) AS role
    FROM bids b JOIN companies c ON c.credit_code = b.bidder_id
    WHERE c.address IS NOT NULL
    UNION ALL
    SELECT b.project_id, b.bidder_id, b.bidder_name, 3 AS kind_rank, 'person' AS kind,
           c.legal_rep_id_number AS mark, COALESCE(c.legal_rep_name, c.legal_rep_id_number) AS shown,
           'legal_rep' AS role
    FROM bids b JOIN companies c ON c.credit_code = b.bidder_id
    WHERE c.legal_rep_id_number IS NOT NULL
    UNION ALL
    SELECT b.project_id, b.bidder_id, b.bidder_name, 3 AS kind_rank, 'person' AS kind,
           cp.id_number AS mark, cp.name AS shown, cp.role
    FROM bids b JOIN company_people cp ON cp.credit_code = b.bidder_id
    WHERE cp.role IN ('legal_rep', 'shareholder')
),
pairs AS (
    SELECT DISTINCT
        a.project_id,
        a.bidder_id AS bidder_a_id,
        a.bidder_name AS bidder_a,
        b.bidder_id AS bidder_b_id,
        b.bidder_name AS bidder_b,
        a.kind_rank,
        a.kind,
        a.shown,
        a.role AS role_a,
        b.role AS role_b
    FROM marks a
    JOIN marks b
      ON b.project_id = a.project_id
     AND b.kind = a.kind
     AND b.mark = a.mark
     AND b.bidder_id > a.bidder_id
),
pair_counts AS (
    SELECT project_id, COUNT(*) AS pair_count
    FROM (SELECT DISTINCT project_id, bidder_a_id, bidder_b_id FROM pairs) x
    GROUP BY project_id
),
bidders AS (
    SELECT project_id, bidder_a_id AS bidder_id FROM pairs
    UNION
    SELECT project_id, bidder_b_id FROM pairs
),
picked AS (
    SELECT
        x.*,
        ROW_NUMBER() OVER (
            PARTITION BY x.project_id
            ORDER BY x.kind_rank, x.bidder_a_id, x.bidder_b_id, x.shown, x.role_a, x.role_b
        ) AS pick,
        -- The explanation is shown beyond the reviewer, so a person's name is masked here the
        -- way the |name filter does (张*伟); the full name stays in shared_value.
        CASE WHEN x.kind = 'person' THEN
            CASE WHEN length(x.shown) >= 3 THEN substr(x.shown, 1, 1) || '*' || substr(x.shown, length(x.shown), 1)
                 ELSE substr(x.shown, 1, 1) || '*' END
        END AS masked
    FROM pairs x
),
subjects AS (
    -- The clue is about the winner when the winner is one of the linked bidders, otherwise
    -- about the first linked bidder (the winner may be an outsider the ring bid against).
    SELECT
        p.project_id,
        COALESCE(MAX(CASE WHEN k.bidder_id = p.winner_id THEN k.bidder_id END), MIN(k.bidder_id)) AS subject_id
    FROM projects p
    JOIN bidders k ON k.project_id = p.project_id
    GROUP BY p.project_id
)
SELECT
    p.project_id AS record_ids,
    s.subject_id,
    p.village_code AS village_code,
    p.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, p.village_code) AS village_name,
    p.name AS project_name,
    p.awarded_on,
    p.winner_id,
    p.winner_name,
    x.bidder_a_id,
    x.bidder_a,
    x.bidder_b_id,
    x.bidder_b,
    x.kind AS shared_kind,
    x.shown AS shared_value,
    x.role_a,
    x.role_b,
    CASE x.kind
        WHEN 'phone' THEN '使用同一联系电话' || x.shown
        WHEN 'address' THEN '登记同一地址' || x.shown
        ELSE '受同一人' || x.masked || CASE WHEN x.role_a = x.role_b
                 THEN '控制(同为两家的' || CASE x.role_a WHEN 'legal_rep' THEN '法定代表人' ELSE '股东' END || ')'
                 ELSE '控制(分别为两家的' || CASE x.role_a WHEN 'legal_rep' THEN '法定代表人' ELSE '股东' END
                      || '和' || CASE x.role_b WHEN 'legal_rep' THEN '法定代表人' ELSE '股东' END || ')' END
        END AS shared_zh,
    CASE x.kind
        WHEN 'phone' THEN 'give the same phone number ' || x.shown
        WHEN 'address' THEN 'give the same address ' || x.shown
        ELSE 'are controlled by the same person, ' || x.masked || CASE WHEN x.role_a = x.role_b
                 THEN ', ' || CASE x.role_a WHEN 'legal_rep' THEN 'legal representative' ELSE 'shareholder' END || ' of both'
                 ELSE ', ' || CASE x.role_a WHEN 'legal_rep' THEN 'legal representative' ELSE 'shareholder' END
                      || ' of the first and ' || CASE x.role_b WHEN 'legal_rep' THEN 'legal representative' ELSE 'shareholder' END
                      || ' of the second' END
        END AS shared_en,
    c.pair_count
FROM picked x
JOIN projects p ON p.project_id = x.project_id
JOIN pair_counts c ON c.project_id = x.project_id
JOIN subjects s ON s.project_id = x.project_id
LEFT JOIN divisions v ON v.code = p.village_code
WHERE x.pick = 1
