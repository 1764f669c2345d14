//! What "My village" (村务公开) shows of one village: its books, contracts, projects and bids,
//! decisions, subsidy rosters, officials and disclosures. Everything here is public by law;
//! masking of villagers' names and ID numbers is the page's job, on top of these rows.

use crate::{on_pool, Store};
use anyhow::Result;

#[derive(Debug, Clone)]
pub struct VoucherLine {
    pub voucher_id: String,
    pub date: String,
    pub direction: String,
    pub category: String,
    pub amount: i64,
    pub method: String,
    pub counterparty_name: Option<String>,
    pub counterparty_id: Option<String>,
    pub description: Option<String>,
    pub contract_id: Option<String>,
    pub project_id: Option<String>,
    pub decision_id: Option<String>,
}
crate::row::from_row!(VoucherLine {
    voucher_id,
    date,
    direction,
    category,
    amount,
    method,
    counterparty_name,
    counterparty_id,
    description,
    contract_id,
    project_id,
    decision_id,
});

const VOUCHER_SELECT: &str = "SELECT voucher_id, date, direction, category, amount, method, \
     counterparty_name, counterparty_id, description, contract_id, project_id, decision_id FROM vouchers";

/// Income or spending of one category in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthTotal {
    pub month: String,
    pub direction: String,
    pub category: String,
    pub vouchers: i64,
    pub amount: i64,
}

#[derive(Debug, Clone)]
pub struct CollectiveContract {
    pub contract_id: String,
    pub kind: String,
    pub counterparty_id: String,
    pub counterparty_name: String,
    pub area_mu: Option<f64>,
    pub annual_rent: i64,
    pub start_date: String,
    pub end_date: String,
    pub signed_on: String,
    pub decision_id: Option<String>,
    pub publicity_start: Option<String>,
    pub publicity_end: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Bid {
    pub bidder_name: String,
    pub amount: i64,
    pub submitted_on: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub project_id: String,
    pub name: String,
    pub budget: i64,
    pub method: String,
    pub notice_on: Option<String>,
    pub bid_deadline: Option<String>,
    pub awarded_on: String,
    pub winner_name: String,
    pub award_amount: i64,
    pub final_amount: Option<i64>,
    pub decision_id: Option<String>,
    pub bids: Vec<Bid>,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub decision_id: String,
    pub subject: String,
    pub amount: Option<i64>,
    pub proposed_on: Option<String>,
    pub committees_on: Option<String>,
    pub party_meeting_on: Option<String>,
    pub party_members_total: Option<i64>,
    pub party_members_present: Option<i64>,
    pub party_members_approve: Option<i64>,
    pub villager_meeting_on: String,
    pub meeting_kind: String,
    pub voters_total: i64,
    pub voters_present: i64,
    pub voters_approve: i64,
    pub resolution_published_on: Option<String>,
    pub result_published_on: Option<String>,
    /// Why the decision is not valid (`counts`, `quorum`, `majority`, `party`, `unpublished`),
    /// by the one definition the DEC-INVALID rule uses; `None` for a valid decision.
    pub defect: Option<String>,
}

#[derive(Debug, Clone)]
pub struct RosterLine {
    pub program_code: String,
    pub program_name: Option<String>,
    pub period: String,
    pub beneficiary_id_number: String,
    pub beneficiary_name: String,
    pub amount: i64,
}

#[derive(Debug, Clone)]
pub struct VillageOfficial {
    pub name: String,
    pub org_name: String,
    pub position: String,
    pub start_date: String,
}

#[derive(Debug, Clone)]
pub struct Disclosure {
    pub category: String,
    pub period: String,
    pub published_on: String,
    pub title: String,
}

/// Everything about one village the portal shows.
#[derive(Debug, Clone, Default)]
pub struct VillageRecords {
    pub months: Vec<MonthTotal>,
    pub contracts: Vec<CollectiveContract>,
    pub projects: Vec<Project>,
    pub decisions: Vec<Decision>,
    /// The latest period of each program's roster.
    pub roster: Vec<RosterLine>,
    pub officials: Vec<VillageOfficial>,
    pub disclosures: Vec<Disclosure>,
}

impl Store {
    /// The village's public records; `today` (ISO date) decides who is currently in office.
    pub async fn village_records(&self, village: &str, today: &str) -> Result<VillageRecords> {
        let months: Vec<(String, String, String, i64, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT substr(date, 1, 7), direction, category, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM vouchers \
             WHERE village_code = $1 GROUP BY substr(date, 1, 7), direction, category ORDER BY 1 DESC, 2, 3",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        type ContractRow = (
            String,
            String,
            String,
            String,
            Option<f64>,
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let contracts: Vec<ContractRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT contract_id, kind, counterparty_id, counterparty_name, area_mu, annual_rent, start_date, end_date, \
             signed_on, decision_id, publicity_start, publicity_end FROM collective_contracts \
             WHERE village_code = $1 ORDER BY signed_on DESC, contract_id",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        type ProjectRow = (
            String,
            String,
            i64,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
            i64,
            Option<i64>,
            Option<String>,
        );
        let projects: Vec<ProjectRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT project_id, name, budget, method, notice_on, bid_deadline, awarded_on, winner_name, award_amount, \
             final_amount, decision_id FROM projects WHERE village_code = $1 ORDER BY awarded_on DESC, project_id",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        let bids: Vec<(String, String, i64, Option<String>, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT b.project_id, b.bidder_name, b.amount, b.submitted_on, b.status FROM bids b \
             WHERE b.project_id IN (SELECT project_id FROM projects WHERE village_code = $1) \
             ORDER BY b.project_id, b.amount, b.bidder_name",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        type DecisionRow = (
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            String,
            String,
            i64,
            i64,
            i64,
            Option<String>,
            Option<String>,
        );
        let decisions: Vec<DecisionRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT decision_id, subject, amount, proposed_on, committees_on, party_meeting_on, party_members_total, \
             party_members_present, party_members_approve, villager_meeting_on, meeting_kind, voters_total, \
             voters_present, voters_approve, resolution_published_on, result_published_on FROM decisions \
             WHERE village_code = $1 ORDER BY villager_meeting_on DESC, decision_id",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        // The validity of the village's decisions, by the definition the rules use.
        let validity_sql = format!(
            "SELECT v.decision_id, v.defect FROM ({}\nWHERE d.village_code = $1) v",
            qingfeng_domain::decision::VALIDITY_SQL
        );
        let defects: std::collections::HashMap<String, Option<String>> =
            on_pool!(self, pool => sqlx::query_as::<_, (String, Option<String>)>(&validity_sql)
            .bind(village)
            .fetch_all(pool)
            .await)?
            .into_iter()
            .collect();
        let roster: Vec<(String, Option<String>, String, String, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            // The latest period of each program is found once per program (a grouped read of
            // the village's entries in entitlements_by_village), not once per roster line: the
            // correlated form took two minutes a page on a county of a million payments. CROSS
            // JOIN keeps SQLite from reading the village's every roster line to match them to
            // the few latest periods (it reads only the latest periods' lines, half the time).
            "SELECT e.program_code, (SELECT MAX(p.name) FROM programs p WHERE p.program_code = e.program_code), \
             e.period, e.beneficiary_id_number, e.beneficiary_name, e.amount \
             FROM (SELECT program_code, MAX(period) AS period FROM entitlements WHERE village_code = $1 \
                   GROUP BY program_code) l \
             CROSS JOIN entitlements e \
             WHERE e.village_code = $1 AND e.program_code = l.program_code AND e.period = l.period \
             ORDER BY e.program_code, e.beneficiary_name, e.beneficiary_id_number",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        let officials: Vec<(String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT name, org_name, position, start_date FROM officials WHERE division_code = $1 \
             AND start_date <= $2 AND (end_date IS NULL OR end_date >= $2) ORDER BY start_date, name",
        )
        .bind(village)
        .bind(today)
        .fetch_all(pool)
        .await)?;
        let disclosures: Vec<(String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT category, period, published_on, title FROM disclosures WHERE village_code = $1 \
             ORDER BY period DESC, category, published_on",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;

        let mut projects: Vec<Project> = projects
            .into_iter()
            .map(|r| Project {
                project_id: r.0,
                name: r.1,
                budget: r.2,
                method: r.3,
                notice_on: r.4,
                bid_deadline: r.5,
                awarded_on: r.6,
                winner_name: r.7,
                award_amount: r.8,
                final_amount: r.9,
                decision_id: r.10,
                bids: Vec::new(),
            })
            .collect();
        for (project_id, bidder_name, amount, submitted_on, status) in bids {
            if let Some(p) = projects.iter_mut().find(|p| p.project_id == project_id) {
                p.bids.push(Bid {
                    bidder_name,
                    amount,
                    submitted_on,
                    status,
                });
            }
        }
        Ok(VillageRecords {
            months: months
                .into_iter()
                .map(|r| MonthTotal {
                    month: r.0,
                    direction: r.1,
                    category: r.2,
                    vouchers: r.3,
                    amount: r.4,
                })
                .collect(),
            contracts: contracts
                .into_iter()
                .map(|r| CollectiveContract {
                    contract_id: r.0,
                    kind: r.1,
                    counterparty_id: r.2,
                    counterparty_name: r.3,
                    area_mu: r.4,
                    annual_rent: r.5,
                    start_date: r.6,
                    end_date: r.7,
                    signed_on: r.8,
                    decision_id: r.9,
                    publicity_start: r.10,
                    publicity_end: r.11,
                })
                .collect(),
            projects,
            decisions: decisions
                .into_iter()
                .map(|r| Decision {
                    defect: defects.get(&r.0).cloned().flatten(),
                    decision_id: r.0,
                    subject: r.1,
                    amount: r.2,
                    proposed_on: r.3,
                    committees_on: r.4,
                    party_meeting_on: r.5,
                    party_members_total: r.6,
                    party_members_present: r.7,
                    party_members_approve: r.8,
                    villager_meeting_on: r.9,
                    meeting_kind: r.10,
                    voters_total: r.11,
                    voters_present: r.12,
                    voters_approve: r.13,
                    resolution_published_on: r.14,
                    result_published_on: r.15,
                })
                .collect(),
            roster: roster
                .into_iter()
                .map(|r| RosterLine {
                    program_code: r.0,
                    program_name: r.1,
                    period: r.2,
                    beneficiary_id_number: r.3,
                    beneficiary_name: r.4,
                    amount: r.5,
                })
                .collect(),
            officials: officials
                .into_iter()
                .map(|r| VillageOfficial {
                    name: r.0,
                    org_name: r.1,
                    position: r.2,
                    start_date: r.3,
                })
                .collect(),
            disclosures: disclosures
                .into_iter()
                .map(|r| Disclosure {
                    category: r.0,
                    period: r.1,
                    published_on: r.2,
                    title: r.3,
                })
                .collect(),
        })
    }

    /// The vouchers of one village in one month (YYYY-MM), by date.
    pub async fn village_vouchers(&self, village: &str, month: &str) -> Result<Vec<VoucherLine>> {
        let sql = format!(
            "{VOUCHER_SELECT} WHERE village_code = $1 AND substr(date, 1, 7) = $2 ORDER BY date, voucher_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(village)
            .bind(month)
            .fetch_all(pool)
            .await)?)
    }

    /// The village's major expenses, newest first: at least `from_fen`, or made under a
    /// decision (村务公开 publishes them at once). At most `limit`.
    pub async fn village_major_expenses(
        &self,
        village: &str,
        from_fen: i64,
        limit: i64,
    ) -> Result<Vec<VoucherLine>> {
        let sql = format!(
            "{VOUCHER_SELECT} WHERE village_code = $1 AND direction = 'expense' \
             AND (amount >= $2 OR decision_id IS NOT NULL) ORDER BY date DESC, voucher_id LIMIT $3"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(village)
            .bind(from_fen)
            .bind(limit)
            .fetch_all(pool)
            .await)?)
    }
}
