-- id: PRO-RELATED-WINNER
-- title.zh: 村干部本人、亲属或其关联企业承揽本村工程
-- title.en: Project won by a serving official, a relative, or their company
-- severity: high
-- record: project
-- inputs: projects, officials, persons, declared_relations, companies, company_people
-- basis: 《村民委员会组织法》第二十四条、第三十二条; 《农村基层干部廉洁履行职责若干规定(试行)》第六条(不得利用职权为本人或特定关系人谋取利益, 不得违反规定插手工程项目); 《中国共产党纪律处分条例》第一百零二条、第一百零四条(利用职权为亲属经营活动谋取利益); 《招标投标法实施条例》第三十四条(与招标人存在利害关系可能影响公正性的不得参加投标)
-- amount: the award amount of the project
-- explain.zh: {village_name}"{project_name}"于{awarded_on}由{winner_shown}以{amount_at_risk_fen|yuan}元中标; {link_zh}{person_name|name}{relation_pre_zh}{official_org}{official_position}{official_name|name}{relation_post_zh}, 该干部当日在任(共发现{link_count}处关联)
-- explain.en: Project "{project_name}" of {village_name} was awarded to {winner_shown} on {awarded_on} for {amount_at_risk_fen|yuan} yuan; {link_en}{person_name|name} {relation_en} {official_name|name}, {official_position} at {official_org}, in office that day ({link_count} link(s) found)
WITH winner_people AS (
    -- The people behind a winner: the winner in person, or its legal representative(s) and
    -- shareholders. Directors, supervisors and managers are left out: they do not own the profit.
    SELECT p.project_id, p.winner_id AS person_id, 0 AS via_rank, 'self' AS via
    FROM projects p
    UNION ALL
    SELECT p.project_id, c.legal_rep_id_number, 1, 'legal_rep'
    FROM projects p
    JOIN companies c ON c.credit_code = p.winner_id
    WHERE c.legal_rep_id_number IS NOT NULL
    UNION ALL
    SELECT p.project_id, cp.id_number, CASE cp.role WHEN 'legal_rep' THEN 1 ELSE 2 END, cp.role
    FROM projects p
    JOIN company_people cp ON cp.credit_code = p.winner_id
    WHERE cp.role IN ('legal_rep', 'shareholder')
),
serving AS (
    -- Officials serving the project's village, or its township, on the award day.
    SELECT p.project_id, o.id_number AS official_id, o.name AS official_name, o.org_name, o.position
    FROM projects p
    JOIN officials o ON o.division_code = p.village_code
    WHERE o.start_date <= p.awarded_on AND (o.end_date IS NULL OR p.awarded_on <= o.end_date)
    UNION ALL
    SELECT p.project_id, o.id_number, o.name, o.org_name, o.position
    FROM projects p
    JOIN officials o ON o.division_code = substr(p.village_code, 1, 9) || '000'
    WHERE o.start_date <= p.awarded_on AND (o.end_date IS NULL OR p.awarded_on <= o.end_date)
),
official_ids AS (
    SELECT DISTINCT official_id FROM serving
),
kin AS (
    -- An official's circle: the official, the household (same household_id) and declared
    -- relatives in either direction. Never a shared surname.
    SELECT official_id, official_id AS kin_id, 0 AS rel_rank, 'self' AS relation
    FROM official_ids
    UNION ALL
    SELECT f.official_id, m.id_number, 2, 'household'
    FROM official_ids f
    JOIN persons me ON me.id_number = f.official_id
    JOIN persons m ON m.household_id = me.household_id
    WHERE m.id_number <> f.official_id
    UNION ALL
    SELECT f.official_id, r.relative_id_number, 1, r.relation
    FROM official_ids f
    JOIN declared_relations r ON r.official_id_number = f.official_id
    UNION ALL
    SELECT f.official_id, r.official_id_number, 1, 'declared_by_other'
    FROM official_ids f
    JOIN declared_relations r ON r.relative_id_number = f.official_id
),
links AS (
    SELECT DISTINCT
        s.project_id, w.person_id, w.via_rank, w.via, k.rel_rank, k.relation,
        s.official_id, s.official_name, s.org_name, s.position
    FROM serving s
    JOIN kin k ON k.official_id = s.official_id
    JOIN winner_people w ON w.project_id = s.project_id AND w.person_id = k.kin_id
),
link_counts AS (
    -- Distinct person-official pairs, however many ways each is recorded.
    SELECT project_id, COUNT(*) AS link_count
    FROM (SELECT DISTINCT project_id, person_id, official_id FROM links) x
    GROUP BY project_id
),
picked AS (
    -- One link is shown: the winner in person first, then its representative, then a
    -- shareholder; the official in person first, then a declared relation (it names the
    -- kinship), then a household member.
    SELECT
        l.*,
        ROW_NUMBER() OVER (
            PARTITION BY l.project_id
            ORDER BY l.via_rank, l.rel_rank, l.official_id, l.person_id, l.relation, l.position, l.org_name
        ) AS pick
    FROM links l
)
SELECT
    p.project_id AS record_ids,
    p.winner_id AS subject_id,
    p.village_code AS village_code,
    p.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, p.village_code) AS village_name,
    p.name AS project_name,
    p.awarded_on,
    p.winner_name,
    -- A person who wins in person is a relative's private name in the explanation: masked as
    -- the |name filter does (张*伟), like the linked person; company names stay whole.
    CASE WHEN l.via = 'self' THEN
        CASE WHEN length(p.winner_name) >= 3
             THEN substr(p.winner_name, 1, 1) || '*' || substr(p.winner_name, length(p.winner_name), 1)
             ELSE substr(p.winner_name, 1, 1) || '*' END
        ELSE p.winner_name END AS winner_shown,
    l.via,
    CASE l.via WHEN 'self' THEN '中标人' WHEN 'legal_rep' THEN '中标企业法定代表人'
        ELSE '中标企业股东' END AS link_zh,
    CASE l.via WHEN 'self' THEN 'the winner ' WHEN 'legal_rep' THEN 'the winning company''s legal representative '
        ELSE 'the winning company''s shareholder ' END AS link_en,
    l.person_id,
    COALESCE(pp.name, l.person_id) AS person_name,
    l.official_id,
    l.official_name,
    l.org_name AS official_org,
    l.position AS official_position,
    l.relation,
    CASE l.relation WHEN 'self' THEN '即' WHEN 'household' THEN '与' ELSE '是' END AS relation_pre_zh,
    CASE l.relation
        WHEN 'self' THEN '本人'
        WHEN 'household' THEN '同户'
        WHEN 'spouse' THEN '申报的配偶'
        WHEN 'parent' THEN '申报的父母'
        WHEN 'child' THEN '申报的子女'
        WHEN 'sibling' THEN '申报的兄弟姐妹'
        WHEN 'child_in_law' THEN '申报的子女配偶'
        WHEN 'parent_in_law' THEN '申报的配偶父母'
        WHEN 'declared_by_other' THEN '的亲属(由前者作为干部申报)'
        ELSE '申报的亲属' END AS relation_post_zh,
    CASE l.relation
        WHEN 'self' THEN 'is the same person as'
        WHEN 'household' THEN 'shares a household with'
        WHEN 'child_in_law' THEN 'is the declared son- or daughter-in-law of'
        WHEN 'parent_in_law' THEN 'is the declared parent-in-law of'
        WHEN 'declared_by_other' THEN 'is a relative (declared by the former) of'
        WHEN 'other' THEN 'is a declared relative of'
        ELSE 'is the declared ' || l.relation || ' of' END AS relation_en,
    c.link_count
FROM picked l
JOIN link_counts c ON c.project_id = l.project_id
JOIN projects p ON p.project_id = l.project_id
LEFT JOIN persons pp ON pp.id_number = l.person_id
LEFT JOIN divisions v ON v.code = p.village_code
WHERE l.pick = 1
