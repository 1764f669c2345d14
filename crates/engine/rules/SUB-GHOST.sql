-- id: SUB-GHOST
-- title.zh: 补贴发放给户籍中查无此人或身份信息不符的人员
-- title.en: Subsidy paid to a person the household register does not know
-- severity: high
-- record: payment
-- inputs: payments, persons
-- basis: 《社会救助暂行办法》第六十八条(以虚报、隐瞒、伪造等手段骗取社会救助资金); 财政部等部门《关于进一步加强惠民惠农财政补贴资金"一卡通"管理的指导意见》: 补贴以享受人公民身份号码为标识发放, 发放名单须与户籍信息比对
-- amount: the payment's amount
-- explain.zh: {paid_on}发放{program_name}{period}补贴{amount_at_risk_fen|yuan}元给"{beneficiary_name|name}"(身份证号{subject_id|id}), 但{finding_zh}
-- explain.en: On {paid_on}, {program_name} for {period} ({amount_at_risk_fen|yuan} yuan) was paid to "{beneficiary_name|name}" (ID {subject_id|id}), but {finding_en}
WITH ghost AS (
    -- The household register only holds valid ID numbers, so an ID with a wrong check character
    -- or birth date is never found there; the checks further down only say what is wrong.
    SELECT
        p.payment_id,
        p.beneficiary_id_number,
        p.beneficiary_name,
        p.entitlement_id,
        p.program_code,
        p.period,
        p.amount,
        p.paid_on,
        p.account_number,
        p.account_holder_name,
        b.name AS registered_name,
        b.village_code AS registered_village,
        (b.id_number IS NOT NULL) AS registered
    FROM payments p
    LEFT JOIN persons b ON b.id_number = p.beneficiary_id_number
    WHERE b.id_number IS NULL OR b.name <> p.beneficiary_name
),
checked AS (
    SELECT
        gh.*,
        TRY_CAST(substr(gh.beneficiary_id_number, 7, 4) || '-' || substr(gh.beneficiary_id_number, 11, 2)
                 || '-' || substr(gh.beneficiary_id_number, 13, 2) AS DATE) AS id_birth_date,
        -- GB 11643-1999: weights 2^(17-i) mod 11, check character '10X98765432'[sum mod 11].
        substr('10X98765432', CAST((
              TRY_CAST(substr(gh.beneficiary_id_number, 1, 1) AS BIGINT) * 7
            + TRY_CAST(substr(gh.beneficiary_id_number, 2, 1) AS BIGINT) * 9
            + TRY_CAST(substr(gh.beneficiary_id_number, 3, 1) AS BIGINT) * 10
            + TRY_CAST(substr(gh.beneficiary_id_number, 4, 1) AS BIGINT) * 5
            + TRY_CAST(substr(gh.beneficiary_id_number, 5, 1) AS BIGINT) * 8
            + TRY_CAST(substr(gh.beneficiary_id_number, 6, 1) AS BIGINT) * 4
            + TRY_CAST(substr(gh.beneficiary_id_number, 7, 1) AS BIGINT) * 2
            + TRY_CAST(substr(gh.beneficiary_id_number, 8, 1) AS BIGINT) * 1
            + TRY_CAST(substr(gh.beneficiary_id_number, 9, 1) AS BIGINT) * 6
            + TRY_CAST(substr(gh.beneficiary_id_number, 10, 1) AS BIGINT) * 3
            + TRY_CAST(substr(gh.beneficiary_id_number, 11, 1) AS BIGINT) * 7
            + TRY_CAST(substr(gh.beneficiary_id_number, 12, 1) AS BIGINT) * 9
            + TRY_CAST(substr(gh.beneficiary_id_number, 13, 1) AS BIGINT) * 10
            + TRY_CAST(substr(gh.beneficiary_id_number, 14, 1) AS BIGINT) * 5
            + TRY_CAST(substr(gh.beneficiary_id_number, 15, 1) AS BIGINT) * 8
            + TRY_CAST(substr(gh.beneficiary_id_number, 16, 1) AS BIGINT) * 4
            + TRY_CAST(substr(gh.beneficiary_id_number, 17, 1) AS BIGINT) * 2
        ) % 11 AS BIGINT) + 1, 1) AS expected_check
    FROM ghost gh
),
classified AS (
    SELECT
        c.*,
        CASE
            WHEN c.registered THEN 'name_mismatch'
            WHEN c.id_birth_date IS NULL OR EXTRACT(YEAR FROM c.id_birth_date) < 1880 THEN 'bad_birth_date'
            WHEN c.expected_check <> substr(c.beneficiary_id_number, 18, 1) THEN 'bad_check_character'
            ELSE 'not_registered'
        END AS finding
    FROM checked c
)
SELECT
    c.payment_id AS record_ids,
    c.beneficiary_id_number AS subject_id,
    COALESCE(e.village_code, c.registered_village) AS village_code,
    c.amount AS amount_at_risk_fen,
    c.finding,
    CASE c.finding
        WHEN 'name_mismatch' THEN '户籍登记的该身份证号姓名与发放姓名不符'
        WHEN 'bad_birth_date' THEN '身份证号中的出生日期不是真实日期, 户籍中查无此人'
        WHEN 'bad_check_character' THEN '身份证号校验位错误(应为' || c.expected_check || '), 户籍中查无此人'
        ELSE '户籍人口中查无此身份证号'
    END AS finding_zh,
    CASE c.finding
        WHEN 'name_mismatch' THEN 'the household register gives another name for this ID number'
        WHEN 'bad_birth_date' THEN 'the birth date inside the ID number is not a real date and nobody has it in the household register'
        WHEN 'bad_check_character' THEN 'the ID number''s check character is wrong (it should be ' || c.expected_check || ') and nobody has it in the household register'
        ELSE 'nobody has this ID number in the household register'
    END AS finding_en,
    c.beneficiary_name,
    c.registered_name,
    -- A wrong last character often hides a real villager's number: name the one it is close to.
    n.id_number AS near_id_number,
    n.name AS near_name,
    c.paid_on,
    c.period,
    COALESCE(g.name, c.program_code) AS program_name,
    c.entitlement_id,
    c.account_number,
    c.account_holder_name
FROM classified c
LEFT JOIN persons n
    ON c.finding = 'bad_check_character'
   AND substr(n.id_number, 1, 17) = substr(c.beneficiary_id_number, 1, 17)
LEFT JOIN entitlements e ON e.entitlement_id = c.entitlement_id
LEFT JOIN programs g ON g.program_code = c.program_code
