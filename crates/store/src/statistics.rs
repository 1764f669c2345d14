//! The quarterly figures reported upward (结果按季度向上级报告): reports received, accepted,
//! concluded and substantiated, cases filed and closed, sanctions, money recovered, deadlines
//! missed. Each figure is counted from the dated records, so any period can be asked for.

use crate::{on_pool, Store};
use anyhow::Result;
use std::collections::BTreeMap;

/// The figures of one period, `from` to `to` inclusive (ISO dates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    pub reports_received: i64,
    /// Of which sent up to the level above.
    pub reports_upward: i64,
    /// Of which the 2nd or later report on the same matter.
    pub reports_repeated: i64,
    pub reports_accepted: i64,
    pub reports_concluded: i64,
    /// Reports whose disposal filed a case, and clues confirmed on review.
    pub substantiated: i64,
    pub clues_confirmed: i64,
    pub cases_filed: i64,
    pub cases_closed: i64,
    /// Sanction kind code → number decided in the period.
    pub sanctions: BTreeMap<String, i64>,
    /// Money recovered in the period: remedies' progress and clue reviews' recovered amounts.
    pub recovered_fen: i64,
    /// Reports whose transfer, acceptance-notice or handling deadline fell in the period and was
    /// not met on time.
    pub overdue: i64,
}

impl Store {
    pub async fn period_figures(&self, from: &str, to: &str) -> Result<PeriodFigures> {
        let count = |sql: &'static str| async move {
            let n: i64 = on_pool!(self, pool => sqlx::query_scalar(sql).bind(from).bind(to).fetch_one(pool).await)?;
            anyhow::Ok(n)
        };
        let mut f = PeriodFigures {
            reports_received: count("SELECT COUNT(*) FROM reports WHERE received_on BETWEEN $1 AND $2").await?,
            reports_upward: count(
                "SELECT COUNT(*) FROM reports WHERE received_on BETWEEN $1 AND $2 AND routing = 'upward'",
            )
            .await?,
            reports_repeated: count(
                "SELECT COUNT(*) FROM reports WHERE received_on BETWEEN $1 AND $2 AND repeat_number > 1",
            )
            .await?,
            reports_accepted: count("SELECT COUNT(*) FROM reports WHERE accepted_on BETWEEN $1 AND $2").await?,
            reports_concluded: count("SELECT COUNT(*) FROM reports WHERE closed_on BETWEEN $1 AND $2").await?,
            clues_confirmed: count(
                "SELECT COUNT(DISTINCT fingerprint) FROM clue_reviews WHERE action = 'confirmed' \
                 AND substr(reviewed_at, 1, 10) BETWEEN $1 AND $2",
            )
            .await?,
            cases_filed: count("SELECT COUNT(*) FROM cases WHERE filed_on BETWEEN $1 AND $2").await?,
            cases_closed: count("SELECT COUNT(*) FROM cases WHERE closed_on BETWEEN $1 AND $2").await?,
            overdue: count(
                "SELECT COUNT(*) FROM reports WHERE routing = 'county' AND ( \
                 (transfer_due BETWEEN $1 AND $2 AND (accepted_on IS NULL OR accepted_on > transfer_due) \
                  AND (transferred_on IS NULL OR transferred_on > transfer_due)) \
                 OR (acceptance_notice_due BETWEEN $1 AND $2 AND (accepted_on IS NULL OR accepted_on > acceptance_notice_due)) \
                 OR (handle_due BETWEEN $1 AND $2 AND (closed_on IS NULL OR closed_on > handle_due)))",
            )
            .await?,
            ..Default::default()
        };
        let reports_with_case = count(
            "SELECT COUNT(DISTINCT source_id) FROM cases WHERE source_kind = 'report' AND filed_on BETWEEN $1 AND $2",
        )
        .await?;
        f.substantiated = reports_with_case + f.clues_confirmed;
        let sanctions: Vec<(String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, COUNT(*) FROM sanctions WHERE decided_on BETWEEN $1 AND $2 GROUP BY kind ORDER BY kind",
        )
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await)?;
        f.sanctions = sanctions.into_iter().collect();
        // A remedy's events carry the running total recovered: the period's part is the total at
        // its end less the total before it.
        let events: Vec<(i64, String, i64)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT remedy_id, substr(at, 1, 10), recovered_fen FROM remedy_events ORDER BY remedy_id, event_id",
        )
        .fetch_all(pool)
        .await)?;
        let mut by_remedy: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for (remedy, day, total) in events {
            let e = by_remedy.entry(remedy).or_default();
            if day.as_str() < from {
                e.0 = total;
                e.1 = total;
            } else if day.as_str() <= to {
                e.1 = total;
            }
        }
        let from_remedies: i64 = by_remedy.values().map(|(before, end)| end - before).sum();
        let from_reviews: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(recovered_fen), 0) AS BIGINT) FROM clue_reviews WHERE substr(reviewed_at, 1, 10) BETWEEN $1 AND $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(pool)
        .await)?;
        f.recovered_fen = from_remedies + from_reviews;
        Ok(f)
    }
}
