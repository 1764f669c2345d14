-- id: SUB-OFFICIAL-RELATIVE
-- title.zh: 干部本人或亲属享受低保、特困等未备案("关系保")
-- title.en: Means-tested benefit for a serving official or an official's relative, not filed
-- severity: high
-- record: entitlement
-- inputs: entitlements, programs, officials
-- basis: 《最低生活保障审核确认办法》(民发〔2021〕57号)、《特困人员认定办法》(民发〔2021〕43号): 乡镇(街道)经办人员和村(居)民委员会成员的近亲属申请的, 应当如实申明并单独登记备案; 《社会救助暂行办法》第六十六条(对不符合条件的申请予以批准); 中央纪委国家监委关于整治"关系保""人情保"的要求
-- amount: the entitlement's amount
-- explain.zh: {beneficiary_name|name}享受{program_name}({period}, {amount_at_risk_fen|yuan}元, {approved_on}审批), 系在任干部{official_name|name}({official_org}{official_position}){relation_zh}, 但名册未作近亲属备案
-- explain.en: {beneficiary_name|name} receives {program_name} ({period}, {amount_at_risk_fen|yuan} yuan, approved on {approved_on}) and is {relation_en} {official_name|name} ({official_position}, {official_org}), but the roster does not file the relation
WITH official_kin AS (
    -- The official, the official's household, and declared relations read in both directions;
    -- never a shared surname.
    SELECT o.id_number AS official_id, o.id_number AS kin_id, 'self' AS relation
    FROM (SELECT DISTINCT id_number FROM officials) o
    UNION ALL
    SELECT o.id_number, m.id_number, 'household'
    FROM (SELECT DISTINCT id_number FROM officials) o
    JOIN persons op ON op.id_number = o.id_number
    JOIN persons m ON m.household_id = op.household_id AND m.id_number <> o.id_number
    UNION ALL
    SELECT official_id_number, relative_id_number, relation FROM declared_relations
    UNION ALL
    -- Read backwards: the relative declared the serving official (parent <-> child, ...).
    SELECT relative_id_number, official_id_number,
           CASE relation
               WHEN 'parent' THEN 'child' WHEN 'child' THEN 'parent'
               WHEN 'parent_in_law' THEN 'child_in_law' WHEN 'child_in_law' THEN 'parent_in_law'
               ELSE relation
           END
    FROM declared_relations
),
hits AS (
    SELECT
        e.entitlement_id,
        o.id_number AS official_id_number,
        o.name AS official_name,
        o.position AS official_position,
        o.org_name AS official_org,
        o.start_date AS official_start_date,
        o.end_date AS official_end_date,
        k.relation,
        ROW_NUMBER() OVER (
            PARTITION BY e.entitlement_id
            ORDER BY CASE k.relation WHEN 'self' THEN 0 WHEN 'household' THEN 1 ELSE 2 END,
                     o.id_number, o.start_date
        ) AS rn,
        COUNT(*) OVER (PARTITION BY e.entitlement_id) AS link_count
    FROM entitlements e
    JOIN programs g ON g.program_code = e.program_code AND g.means_tested
    JOIN official_kin k ON k.kin_id = e.beneficiary_id_number
    JOIN officials o ON o.id_number = k.official_id
    WHERE NOT COALESCE(e.relative_filed, false)
      AND (o.division_code = e.village_code OR o.division_code = substr(e.village_code, 1, 9) || '000')
      -- Serving when the entitlement was approved, or in the month it pays for: a relation that
      -- began after approval still had to be filed before the benefit continued.
      AND (
            (o.start_date <= e.approved_on AND (o.end_date IS NULL OR e.approved_on <= o.end_date))
         OR (o.start_date <= CAST(e.period || '-01' AS DATE)
             AND (o.end_date IS NULL OR CAST(e.period || '-01' AS DATE) <= o.end_date))
      )
)
SELECT
    e.entitlement_id AS record_ids,
    e.beneficiary_id_number AS subject_id,
    e.village_code,
    e.amount AS amount_at_risk_fen,
    e.beneficiary_name,
    COALESCE(g.name, e.program_code) AS program_name,
    e.period,
    e.approved_on,
    e.relative_filed,
    h.official_id_number,
    h.official_name,
    h.official_position,
    h.official_org,
    h.official_start_date,
    h.official_end_date,
    h.relation,
    h.link_count,
    CASE h.relation
        WHEN 'self' THEN '本人'
        WHEN 'household' THEN '的同户家庭成员'
        WHEN 'spouse' THEN '的配偶'
        WHEN 'parent' THEN '的父母'
        WHEN 'child' THEN '的子女'
        WHEN 'sibling' THEN '的兄弟姐妹'
        WHEN 'child_in_law' THEN '的子女配偶'
        WHEN 'parent_in_law' THEN '的配偶父母'
        ELSE '申报的亲属'
    END AS relation_zh,
    CASE h.relation
        WHEN 'self' THEN 'the serving official'
        WHEN 'household' THEN 'in the household of the serving official'
        WHEN 'spouse' THEN 'the declared spouse of the serving official'
        WHEN 'parent' THEN 'a declared parent of the serving official'
        WHEN 'child' THEN 'a declared child of the serving official'
        WHEN 'sibling' THEN 'a declared sibling of the serving official'
        WHEN 'child_in_law' THEN 'a declared child-in-law of the serving official'
        WHEN 'parent_in_law' THEN 'a declared parent-in-law of the serving official'
        ELSE 'a declared relative of the serving official'
    END AS relation_en
FROM hits h
JOIN entitlements e ON e.entitlement_id = h.entitlement_id
LEFT JOIN programs g ON g.program_code = e.program_code
WHERE h.rn = 1
