-- id: FUN-RENT-MISSING
-- title.zh: 集体合同租金未足额入账
-- title.en: Contract rent not booked in full in the village accounts
-- severity: high
-- record: contract
-- inputs: collective_contracts, vouchers
-- basis: 《农村集体经济组织财务制度》(收入及时足额入账, 严禁账外设账、私设"小金库"); 《村民委员会组织法》第三十条(集体财务收支须公开); 《中国共产党纪律处分条例》关于私设"小金库"的规定
-- amount: the rent missing over the short contract years: the annual rent minus the contract_income booked in each such year, summed
-- explain.zh: {village_name}合同{contract_id}(对方{counterparty_name|name})年租金{annual_rent_fen|yuan}元, 但{short_years}个合同年度({short_year_starts}起)的发包收入入账合计仅{booked_fen|yuan}元, 应收{due_fen|yuan}元, 少入账{amount_at_risk_fen|yuan}元
-- explain.en: Contract {contract_id} of {village_name} (with {counterparty_name|name}) has an annual rent of {annual_rent_fen|yuan} yuan, but in {short_years} contract year(s) (starting {short_year_starts}) only {booked_fen|yuan} yuan of contract income was booked against {due_fen|yuan} yuan due: {amount_at_risk_fen|yuan} yuan missing
-- param: tolerance = 0.10  share of the annual rent by which the booked rent of a contract year may fall short
WITH digits AS (
    SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
    UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
offsets AS (
    -- Contract years 0 to 99: ten by ten rows, no table of the data is multiplied here.
    SELECT t.n * 10 + u.n AS k FROM digits t CROSS JOIN digits u
),
contract_years AS (
    SELECT
        c.contract_id,
        c.village_code,
        c.counterparty_id,
        c.counterparty_name,
        c.annual_rent,
        c.end_date,
        o.k,
        CAST(EXTRACT(YEAR FROM c.start_date) AS BIGINT) + o.k AS y,
        substr(CAST(c.start_date AS VARCHAR), 6, 5) AS md
    FROM collective_contracts c
    JOIN offsets o
      ON o.k <= CAST(EXTRACT(YEAR FROM c.end_date) AS BIGINT) - CAST(EXTRACT(YEAR FROM c.start_date) AS BIGINT)
),
bounds AS (
    -- A contract year runs from the start's anniversary to the day before the next one (a
    -- 29 February start has its anniversaries on 28 February in common years), the last one
    -- ends with the contract.
    SELECT
        cy.*,
        CASE WHEN cy.md = '02-29'
             THEN CAST(CAST(CAST(cy.y AS VARCHAR) || '-03-01' AS DATE) - INTERVAL '1 day' AS DATE)
             ELSE CAST(CAST(cy.y AS VARCHAR) || '-' || cy.md AS DATE) END AS year_start,
        CASE WHEN cy.md = '02-29'
             THEN CAST(CAST(CAST(cy.y + 1 AS VARCHAR) || '-03-01' AS DATE) - INTERVAL '1 day' AS DATE)
             ELSE CAST(CAST(cy.y + 1 AS VARCHAR) || '-' || cy.md AS DATE) END AS next_start
    FROM contract_years cy
),
years AS (
    SELECT
        b.contract_id, b.village_code, b.counterparty_id, b.counterparty_name, b.annual_rent,
        b.year_start,
        CASE WHEN b.end_date < CAST(b.next_start - INTERVAL '1 day' AS DATE)
             THEN b.end_date ELSE CAST(b.next_start - INTERVAL '1 day' AS DATE) END AS year_end
    FROM bounds b
    WHERE b.year_start <= b.end_date
),
finished AS (
    -- Only contract years over by the data's last date can be judged; the current one may
    -- still be paid.
    SELECT y.*
    FROM years y
    JOIN data_window w ON y.year_end <= w.last_date
),
booked AS (
    SELECT f.contract_id, f.year_start, f.year_end, f.annual_rent,
           COALESCE(SUM(v.amount), 0) AS got
    FROM finished f
    LEFT JOIN vouchers v
      ON v.contract_id = f.contract_id
     AND v.category = 'contract_income'
     AND v."date" >= f.year_start
     AND v."date" <= f.year_end
    GROUP BY f.contract_id, f.year_start, f.year_end, f.annual_rent
),
short AS (
    -- "Exceeds by more than the tolerance": rent > booked x (1 + tolerance), in whole numbers
    -- (basis points) so that a year exactly at the tolerance is never tipped over by rounding.
    SELECT b.*
    FROM booked b
    WHERE b.annual_rent * 10000 > b.got * (10000 + CAST(ROUND({{tolerance}} * 10000) AS BIGINT))
),
per_contract AS (
    SELECT
        s.contract_id,
        COUNT(*) AS short_years,
        array_to_string(array_agg(CAST(s.year_start AS VARCHAR) ORDER BY s.year_start), ', ') AS short_year_starts,
        SUM(s.got) AS booked_fen,
        SUM(s.annual_rent) AS due_fen
    FROM short s
    GROUP BY s.contract_id
)
SELECT
    c.contract_id AS record_ids,
    c.counterparty_id AS subject_id,
    c.village_code AS village_code,
    p.due_fen - p.booked_fen AS amount_at_risk_fen,
    COALESCE(dv.name, c.village_code) AS village_name,
    c.contract_id,
    c.kind,
    c.counterparty_name,
    c.annual_rent AS annual_rent_fen,
    c.start_date,
    c.end_date,
    p.short_years,
    p.short_year_starts,
    p.booked_fen,
    p.due_fen
FROM per_contract p
JOIN collective_contracts c ON c.contract_id = p.contract_id
LEFT JOIN divisions dv ON dv.code = c.village_code
