-- id: FUN-SELF-DEALING
-- title.zh: 村集体资金支付给在任干部本人或其亲属
-- title.en: Village expense paid to a serving official or an official's relative
-- severity: high
-- record: voucher
-- inputs: vouchers, officials, persons, declared_relations
-- basis: 《中国共产党纪律处分条例》关于利用职权为本人或亲属谋取利益的规定; 《农村基层干部廉洁履行职责若干规定(试行)》(禁止违规为本人、亲属谋取利益); 《公职人员政务处分法》关于利害关系回避的规定
-- amount: the voucher's amount
-- explain.zh: {village_name}{date}支付{payee_name|name}{amount_at_risk_fen|yuan}元(凭证{record_ids}, {category_zh}, {description}); 收款人系当日在任的{official_position}{official_name|name}{tie_zh}
-- explain.en: On {date} {village_name} paid {amount_at_risk_fen|yuan} yuan to {payee_name|name} (voucher {record_ids}, {category}, {description}); the payee is {tie_en} {official_position} {official_name|name}, serving that day
WITH circle AS (
    -- Who counts as an official's own side: the official, members of their household, and
    -- relatives declared in either direction. Never a shared surname.
    SELECT DISTINCT o.id_number AS official_id, o.id_number AS person_id, 1 AS tie_rank, 'self' AS tie
    FROM officials o
    UNION ALL
    SELECT DISTINCT o.id_number, m.id_number, 2, 'household'
    FROM (SELECT DISTINCT id_number FROM officials) o
    JOIN persons po ON po.id_number = o.id_number
    JOIN persons m ON m.household_id = po.household_id AND m.id_number <> o.id_number
    UNION ALL
    SELECT r.official_id_number, r.relative_id_number, 3, 'declared'
    FROM declared_relations r
    UNION ALL
    SELECT r.relative_id_number, r.official_id_number, 3, 'declared'
    FROM declared_relations r
),
matches AS (
    SELECT
        v.voucher_id,
        v.village_code,
        v."date" AS voucher_date,
        v.amount,
        v.category,
        v.description,
        v.counterparty_id,
        v.counterparty_name,
        o.id_number AS official_id,
        o.name AS official_name,
        o.position AS official_position,
        c.tie,
        -- One clue per voucher: the closest tie is the one shown.
        ROW_NUMBER() OVER (
            PARTITION BY v.voucher_id
            ORDER BY c.tie_rank, o.id_number, o.start_date
        ) AS pick
    FROM vouchers v
    JOIN circle c ON c.person_id = v.counterparty_id
    JOIN officials o
      ON o.id_number = c.official_id
     -- Serving the village on the voucher's date: its own cadres or its township's officials.
     AND (o.division_code = v.village_code OR o.division_code = substr(v.village_code, 1, 9) || '000')
     AND o.start_date <= v."date"
     AND (o.end_date IS NULL OR v."date" <= o.end_date)
    WHERE v.direction = 'expense'
      -- A cadre's own pay is the one payment a village must make to its officials.
      AND v.category <> 'cadre_pay'
)
SELECT
    m.voucher_id AS record_ids,
    m.counterparty_id AS subject_id,
    m.village_code AS village_code,
    m.amount AS amount_at_risk_fen,
    COALESCE(dv.name, m.village_code) AS village_name,
    m.voucher_date AS "date",
    m.category,
    CASE m.category WHEN 'operating_cost' THEN '经营支出' WHEN 'office' THEN '办公费' WHEN 'hospitality' THEN '招待费'
        WHEN 'travel' THEN '差旅费' WHEN 'cadre_pay' THEN '干部报酬' WHEN 'public_welfare' THEN '公益支出'
        WHEN 'construction' THEN '工程支出' WHEN 'labour' THEN '劳务费' WHEN 'other_expense' THEN '其他支出'
        ELSE m.category END AS category_zh,
    COALESCE(m.description, '') AS description,
    COALESCE(m.counterparty_name, '') AS payee_name,
    m.official_id,
    m.official_name,
    m.official_position,
    m.tie,
    CASE m.tie WHEN 'self' THEN '本人' WHEN 'household' THEN '的同户家庭成员' ELSE '已申报的亲属' END AS tie_zh,
    CASE m.tie WHEN 'self' THEN 'the same person as' WHEN 'household' THEN 'a member of the household of' ELSE 'a declared relative of' END AS tie_en
FROM matches m
LEFT JOIN divisions dv ON dv.code = m.village_code
WHERE m.pick = 1
