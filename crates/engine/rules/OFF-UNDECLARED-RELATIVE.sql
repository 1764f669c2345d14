-- id: OFF-UNDECLARED-RELATIVE
-- title.zh: 干部未如实报告同户家庭成员
-- title.en: Official whose household members are missing from their declared relatives
-- severity: medium
-- record: official
-- inputs: officials, persons, declared_relations
-- basis: 《领导干部报告个人有关事项规定》第三条、第四条(报告配偶、子女等家庭成员情况)及各地村干部个人有关事项报告制度; 《中国共产党纪律处分条例》第七十九条(不按照规定报告个人有关事项, 隐瞒不报); 村干部近亲属回避及"关系保"备案要求以申报的亲属为依据
-- amount: none (0): the clue is about a missing declaration, not a payment
-- explain.zh: {official_position}{official_name|name}({official_org})的户籍同户成员中有{missing_count}人未在其个人有关事项报告中申报, 如{first_missing_name|name}(与户主关系: {first_missing_relation_zh}); 该干部已申报{declared_count}名亲属
-- explain.en: {official_name|name}, {official_position} at {official_org}, has {missing_count} member(s) of their own household not in their declared relatives, e.g. {first_missing_name|name} ({first_missing_relation} of the household head); {declared_count} relative(s) declared
WITH covered AS (
    -- Village cadres and township officials must declare their relatives; public employees
    -- (teachers, doctors …) are in the register for other rules and are not bound here. A
    -- former official stays in scope: the declarations are what every relatives check of their
    -- years in office relies on.
    SELECT
        o.id_number,
        MIN(o.name) AS official_name,
        -- The most recent post is shown.
        MAX(CAST(o.start_date AS VARCHAR) || '|' || o.org_name || '|' || o.position) AS latest_post,
        MAX(CASE WHEN o.category = 'village_cadre' THEN o.division_code END) AS cadre_village
    FROM officials o
    WHERE o.category IN ('village_cadre', 'township_official')
    GROUP BY o.id_number
),
missing AS (
    SELECT
        c.id_number AS official_id,
        m.id_number AS member_id,
        m.name AS member_name,
        m.relation_to_head,
        me.village_code AS home_village,
        ROW_NUMBER() OVER (PARTITION BY c.id_number ORDER BY m.id_number) AS pick,
        COUNT(*) OVER (PARTITION BY c.id_number) AS missing_count
    FROM covered c
    JOIN persons me ON me.id_number = c.id_number
    JOIN persons m ON m.household_id = me.household_id AND m.id_number <> me.id_number
    LEFT JOIN declared_relations r
           ON r.official_id_number = c.id_number AND r.relative_id_number = m.id_number
    WHERE r.relative_id_number IS NULL
),
declared AS (
    SELECT official_id_number, COUNT(*) AS declared_count
    FROM declared_relations
    GROUP BY official_id_number
)
SELECT
    c.id_number AS record_ids,
    c.id_number AS subject_id,
    -- A village cadre's clue goes to the village served; a township official's to the village
    -- where the household is registered.
    COALESCE(c.cadre_village, m.home_village) AS village_code,
    CAST(0 AS BIGINT) AS amount_at_risk_fen,
    c.official_name,
    split_part(c.latest_post, '|', 2) AS official_org,
    split_part(c.latest_post, '|', 3) AS official_position,
    m.missing_count,
    m.member_id AS first_missing_id,
    m.member_name AS first_missing_name,
    m.relation_to_head AS first_missing_relation,
    CASE m.relation_to_head
        WHEN 'head' THEN '户主' WHEN 'spouse' THEN '配偶' WHEN 'child' THEN '子女'
        WHEN 'parent' THEN '父母' WHEN 'grandchild' THEN '孙子女' WHEN 'sibling' THEN '兄弟姐妹'
        ELSE '其他' END AS first_missing_relation_zh,
    COALESCE(d.declared_count, 0) AS declared_count
FROM covered c
JOIN missing m ON m.official_id = c.id_number AND m.pick = 1
LEFT JOIN declared d ON d.official_id_number = c.id_number
