-- id: SUB-NOT-PUBLICIZED
-- title.zh: 低保、特困等审批未按规定公示
-- title.en: Means-tested entitlement not publicized for the required days before its first payment
-- severity: low
-- record: entitlement
-- inputs: entitlements, programs
-- basis: 《社会救助暂行办法》第十一条(审核意见在申请人所在村、社区公示); 《最低生活保障审核确认办法》(民发〔2021〕57号): 公示期为7天, 公示无异议后方可审核确认; 《中华人民共和国村民委员会组织法》第三十条(村务公开)
-- amount: the entitlement's amount
-- explain.zh: {beneficiary_name|name}的{program_name}({period}, {amount_at_risk_fen|yuan}元)于{approved_on}审批, {finding_zh}
-- explain.en: {program_name} for {beneficiary_name|name} ({period}, {amount_at_risk_fen|yuan} yuan) was approved on {approved_on}, but {finding_en}
-- param: publicity_days = 7  the days of publicity required where the program register gives none
WITH means AS (
    SELECT
        e.*,
        COALESCE(g.publicity_days, {{publicity_days}}) AS required_days,
        g.name AS program_name
    FROM entitlements e
    JOIN programs g ON g.program_code = e.program_code AND g.means_tested
),
by_key AS (
    -- A payment without entitlement_id counts for the entitlement of its program, period and
    -- beneficiary (the lowest id where there are several).
    SELECT p.payment_id, MIN(m.entitlement_id) AS entitlement_id
    FROM payments p
    JOIN means m
        ON m.program_code = p.program_code
       AND m.period = p.period
       AND m.beneficiary_id_number = p.beneficiary_id_number
    WHERE p.entitlement_id IS NULL
    GROUP BY p.payment_id
),
first_paid AS (
    SELECT entitlement_id, MIN(paid_on) AS first_paid_on
    FROM (
        SELECT p.entitlement_id, p.paid_on
        FROM payments p
        JOIN programs g ON g.program_code = p.program_code AND g.means_tested
        WHERE p.entitlement_id IS NOT NULL
        UNION ALL
        SELECT k.entitlement_id, p.paid_on
        FROM payments p
        JOIN by_key k ON k.payment_id = p.payment_id
    ) x
    GROUP BY entitlement_id
),
judged AS (
    SELECT
        m.*,
        f.first_paid_on,
        (m.publicity_start IS NULL OR m.publicity_end IS NULL) AS missing,
        -- "At least N days": the end must be N days or more after the start (a publicity from
        -- the 1st to the 8th is 7 days); counting both ends would let 6 days pass.
        (m.publicity_end < m.publicity_start
             + CAST(CAST(m.required_days AS VARCHAR) || ' days' AS INTERVAL)) AS too_short,
        (m.publicity_end >= f.first_paid_on) AS running_at_payment
    FROM means m
    LEFT JOIN first_paid f ON f.entitlement_id = m.entitlement_id
)
SELECT
    j.entitlement_id AS record_ids,
    j.beneficiary_id_number AS subject_id,
    j.village_code,
    j.amount AS amount_at_risk_fen,
    CASE
        WHEN j.missing THEN 'missing'
        WHEN j.too_short AND COALESCE(j.running_at_payment, false) THEN 'too_short_and_running_at_payment'
        WHEN j.too_short THEN 'too_short'
        ELSE 'running_at_payment'
    END AS finding,
    CASE
        WHEN j.missing THEN '名册没有公示记录'
        WHEN j.too_short AND COALESCE(j.running_at_payment, false)
            THEN '公示期' || CAST(j.publicity_start AS VARCHAR) || '至' || CAST(j.publicity_end AS VARCHAR)
                 || '不足' || CAST(j.required_days AS VARCHAR) || '天, 且首次发放日' || CAST(j.first_paid_on AS VARCHAR) || '公示尚未结束'
        WHEN j.too_short
            THEN '公示期' || CAST(j.publicity_start AS VARCHAR) || '至' || CAST(j.publicity_end AS VARCHAR)
                 || '不足' || CAST(j.required_days AS VARCHAR) || '天'
        ELSE '公示期' || CAST(j.publicity_start AS VARCHAR) || '至' || CAST(j.publicity_end AS VARCHAR)
             || ', 首次发放日' || CAST(j.first_paid_on AS VARCHAR) || '公示尚未结束'
    END AS finding_zh,
    CASE
        WHEN j.missing THEN 'the roster records no publicity'
        WHEN j.too_short AND COALESCE(j.running_at_payment, false)
            THEN 'its publicity from ' || CAST(j.publicity_start AS VARCHAR) || ' to ' || CAST(j.publicity_end AS VARCHAR)
                 || ' is shorter than ' || CAST(j.required_days AS VARCHAR) || ' days and had not ended at the first payment on ' || CAST(j.first_paid_on AS VARCHAR)
        WHEN j.too_short
            THEN 'its publicity from ' || CAST(j.publicity_start AS VARCHAR) || ' to ' || CAST(j.publicity_end AS VARCHAR)
                 || ' is shorter than ' || CAST(j.required_days AS VARCHAR) || ' days'
        ELSE 'its publicity from ' || CAST(j.publicity_start AS VARCHAR) || ' to ' || CAST(j.publicity_end AS VARCHAR)
             || ' had not ended at the first payment on ' || CAST(j.first_paid_on AS VARCHAR)
    END AS finding_en,
    j.beneficiary_name,
    COALESCE(j.program_name, j.program_code) AS program_name,
    j.period,
    j.approved_on,
    j.publicity_start,
    j.publicity_end,
    j.required_days,
    j.first_paid_on
FROM judged j
WHERE j.missing OR j.too_short OR COALESCE(j.running_at_payment, false)
