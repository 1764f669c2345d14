//! Clues in the store: recording a check run (new clues added, known ones kept with their
//! reviews, vanished ones marked resolved by data — never deleted), reviews, and statistics.

pub mod procedure;
pub mod queue;

use crate::audit::{audited, Entry};
use crate::{on_pool, Store};
use anyhow::{bail, Result};
use qingfeng_domain::Severity;
use sqlx::Connection;
use std::collections::HashSet;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ClueRecord {
    pub fingerprint: String,
    pub rule_id: String,
    pub severity: Severity,
    pub village_code: Option<String>,
    pub subject_id: Option<String>,
    pub record_type: String,
    pub record_ids: String,
    pub amount_at_risk_fen: i64,
    /// JSON object of evidence columns.
    pub evidence: String,
    pub explanation_zh: String,
    pub explanation_en: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredClue {
    #[serde(flatten)]
    pub clue: ClueRecord,
    pub review_status: String,
    pub data_state: String,
    pub first_run: i64,
    pub last_run: i64,
}

#[derive(Debug, Clone)]
pub struct RuleResult {
    pub rule_id: String,
    pub status: String,
    pub message: Option<String>,
    pub clues: i64,
    pub amount_at_risk_fen: i64,
    pub millis: i64,
}

#[derive(Debug, Clone)]
pub struct Score {
    pub kind: String,
    pub subject: String,
    pub label: Option<String>,
    pub score: f64,
    pub clues: i64,
    pub amount_at_risk_fen: i64,
}

/// Everything one check run leaves in the store.
#[derive(Clone, Copy)]
pub struct CheckRecord<'a> {
    pub started_at: &'a str,
    /// The import state the registers reflected.
    pub data_state: &'a str,
    pub rules_selected: &'a str,
    pub results: &'a [RuleResult],
    /// Rules that ran to the end: only they can resolve their earlier clues.
    pub rules_ran: &'a [String],
    pub clues: &'a [ClueRecord],
    pub scores: &'a [Score],
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    pub new: u64,
    pub kept: u64,
    pub resolved_by_data: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleStat {
    pub rule_id: String,
    pub current: i64,
    pub resolved_by_data: i64,
    pub confirmed: i64,
    pub dismissed: i64,
    pub corrected: i64,
    pub amount_at_risk_fen: i64,
    pub recovered_fen: i64,
}

type ClueRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
);

type StatRow = (String, i64, i64, i64, i64, i64, i64, i64);

/// What one reviewer decides alone. Dismissing or closing a clue is a collective decision (see
/// `procedure`), never a single review.
pub const REVIEW_ACTIONS: &[&str] = &["confirmed", "corrected"];

const ROWS_PER_INSERT: usize = 200;

/// Every person a clue names: its subject and each valid ID number anywhere in its evidence
/// (beneficiary, payee, official, relative…). Conflict-of-interest exclusion and a case filed
/// from the clue follow all of them, not only the subject.
pub fn persons_in_clue(subject_id: Option<&str>, evidence: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => {
                if let Ok(id) = qingfeng_domain::IdNumber::parse(s) {
                    let id = id.as_str().to_string();
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            serde_json::Value::Object(map) => map.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut ids: Vec<String> = subject_id.into_iter().map(str::to_string).collect();
    if let Ok(evidence) = serde_json::from_str::<serde_json::Value>(evidence) {
        walk(&evidence, &mut ids);
    }
    ids
}

/// The `(fingerprint, person)` pairs of `clues`, for `clue_persons`.
fn clue_person_pairs<'a>(
    clues: impl Iterator<Item = (&'a str, Option<&'a str>, &'a str)>,
) -> Vec<(String, String)> {
    clues
        .flat_map(|(fp, subject, evidence)| {
            persons_in_clue(subject, evidence)
                .into_iter()
                .map(move |id| (fp.to_string(), id))
        })
        .collect()
}

/// Inserts `(fingerprint, id_number)` pairs into `clue_persons` on the transaction `$tx`.
macro_rules! insert_clue_persons {
    ($tx:expr, $pairs:expr) => {
        for chunk in $pairs.chunks(ROWS_PER_INSERT * 3) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO clue_persons (fingerprint, id_number) VALUES {} ON CONFLICT DO NOTHING",
                values.join(",")
            );
            let mut q = sqlx::query(&sql);
            for (fp, id) in chunk {
                q = q.bind(fp).bind(id);
            }
            q.execute(&mut *$tx).await?;
        }
    };
}

impl Store {
    /// Fills `clue_persons` for the clues recorded before it existed (a backfill of migration
    /// 9, run once, in one transaction with the removal of its `backfills` row).
    pub(crate) async fn backfill_clue_persons(&self) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let pending: Option<String> =
                sqlx::query_scalar("SELECT name FROM backfills WHERE name = 'clue_persons'")
                    .fetch_optional(&mut *tx)
                    .await?;
            if pending.is_none() {
                return Ok(());
            }
            let rows: Vec<(String, Option<String>, String)> =
                sqlx::query_as("SELECT fingerprint, subject_id, evidence FROM clues")
                    .fetch_all(&mut *tx)
                    .await?;
            let pairs = clue_person_pairs(
                rows.iter()
                    .map(|(fp, subject, evidence)| (fp.as_str(), subject.as_deref(), evidence.as_str())),
            );
            insert_clue_persons!(tx, pairs);
            sqlx::query("DELETE FROM backfills WHERE name = 'clue_persons'")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records one check: the run, each rule's result, the clues found (by the rules in
    /// `rules_ran`, whose earlier clues not found again become `resolved_by_data`) and scores.
    pub async fn record_check(&self, check: &CheckRecord<'_>) -> Result<RunSummary> {
        let CheckRecord {
            started_at,
            data_state,
            rules_selected,
            results,
            rules_ran,
            clues,
            scores,
        } = *check;
        let total_amount: i64 = clues.iter().map(|c| c.amount_at_risk_fen).sum();
        let finished_at = chrono::Utc::now().to_rfc3339();
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            let mut tx = conn.begin().await?;
            let run_id: i64 = sqlx::query_scalar(
                "INSERT INTO check_runs (started_at, finished_at, data_state, rules_selected, clues, amount_at_risk_fen) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING run_id",
            )
            .bind(started_at)
            .bind(&finished_at)
            .bind(data_state)
            .bind(rules_selected)
            .bind(clues.len() as i64)
            .bind(total_amount)
            .fetch_one(&mut *tx)
            .await?;
            for r in results {
                sqlx::query(
                    "INSERT INTO rule_results (run_id, rule_id, status, message, clues, amount_at_risk_fen, millis) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(run_id)
                .bind(&r.rule_id)
                .bind(&r.status)
                .bind(&r.message)
                .bind(r.clues)
                .bind(r.amount_at_risk_fen)
                .bind(r.millis)
                .execute(&mut *tx)
                .await?;
            }
            let mut known: HashSet<String> = HashSet::new();
            for rule in rules_ran {
                let fps: Vec<String> = sqlx::query_scalar("SELECT fingerprint FROM clues WHERE rule_id = $1")
                    .bind(rule)
                    .fetch_all(&mut *tx)
                    .await?;
                known.extend(fps);
            }
            let mut summary = RunSummary { run_id, ..Default::default() };
            for chunk in clues.chunks(ROWS_PER_INSERT) {
                let mut sql = String::from(
                    "INSERT INTO clues (fingerprint, rule_id, severity, village_code, subject_id, record_type, record_ids, \
                     amount_at_risk_fen, evidence, explanation_zh, explanation_en, review_status, data_state, first_run, last_run) VALUES ",
                );
                for i in 0..chunk.len() {
                    let b = i * 12;
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!(
                        "(${},${},${},${},${},${},${},${},${},${},${},'open','current',${},${})",
                        b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 12
                    ));
                }
                // A clue found again keeps its reviews and first sighting; its evidence is refreshed.
                sql.push_str(
                    " ON CONFLICT (fingerprint) DO UPDATE SET severity = excluded.severity, village_code = excluded.village_code, \
                     subject_id = excluded.subject_id, amount_at_risk_fen = excluded.amount_at_risk_fen, evidence = excluded.evidence, \
                     explanation_zh = excluded.explanation_zh, explanation_en = excluded.explanation_en, data_state = 'current', \
                     last_run = excluded.last_run, resolved_run = NULL",
                );
                let mut q = sqlx::query(&sql);
                for c in chunk {
                    if known.contains(&c.fingerprint) {
                        summary.kept += 1;
                    } else {
                        summary.new += 1;
                    }
                    q = q
                        .bind(&c.fingerprint)
                        .bind(&c.rule_id)
                        .bind(c.severity.as_str())
                        .bind(&c.village_code)
                        .bind(&c.subject_id)
                        .bind(&c.record_type)
                        .bind(&c.record_ids)
                        .bind(c.amount_at_risk_fen)
                        .bind(&c.evidence)
                        .bind(&c.explanation_zh)
                        .bind(&c.explanation_en)
                        .bind(run_id);
                }
                q.execute(&mut *tx).await?;
            }
            // The persons each clue names, for the conflict-of-interest filter of the queue. A
            // clue found again keeps the persons it named before: hiding it from one more
            // related official errs on the safe side.
            let pairs = clue_person_pairs(
                clues
                    .iter()
                    .map(|c| (c.fingerprint.as_str(), c.subject_id.as_deref(), c.evidence.as_str())),
            );
            insert_clue_persons!(tx, pairs);
            for rule in rules_ran {
                let n = sqlx::query(
                    "UPDATE clues SET data_state = 'resolved_by_data', resolved_run = $1 \
                     WHERE rule_id = $2 AND data_state = 'current' AND last_run < $1",
                )
                .bind(run_id)
                .bind(rule)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                summary.resolved_by_data += n;
            }
            // The dashboard's counts (see `clue_tally`): a check is the only change to the
            // current clues' rule, village, run and amount, so they are recounted here, once.
            sqlx::query("DELETE FROM clue_tally").execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO clue_tally (village_code, rule_id, first_run, clues, amount_at_risk_fen) \
                 SELECT village_code, rule_id, first_run, COUNT(*), SUM(amount_at_risk_fen) FROM clues \
                 WHERE data_state = 'current' GROUP BY village_code, rule_id, first_run",
            )
            .execute(&mut *tx)
            .await?;
            for s in scores {
                sqlx::query(
                    "INSERT INTO risk_scores (run_id, kind, subject, label, score, clues, amount_at_risk_fen) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(run_id)
                .bind(&s.kind)
                .bind(&s.subject)
                .bind(&s.label)
                .bind(s.score)
                .bind(s.clues)
                .bind(s.amount_at_risk_fen)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(summary)
        })
    }

    /// Clues, current ones first, by rule and record.
    pub async fn clues(&self, include_resolved: bool) -> Result<Vec<StoredClue>> {
        let sql = format!(
            "SELECT fingerprint, rule_id, severity, village_code, subject_id, record_type, record_ids, amount_at_risk_fen, \
             evidence, explanation_zh, explanation_en, review_status, data_state, first_run, last_run FROM clues {} \
             ORDER BY data_state, rule_id, record_ids",
            if include_resolved { "" } else { "WHERE data_state = 'current'" }
        );
        let rows: Vec<ClueRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(StoredClue {
                    clue: ClueRecord {
                        fingerprint: r.0,
                        rule_id: r.1,
                        severity: crate::row::decoded("severity", r.2.as_str(), Severity::parse)?,
                        village_code: r.3,
                        subject_id: r.4,
                        record_type: r.5,
                        record_ids: r.6,
                        amount_at_risk_fen: r.7,
                        evidence: r.8,
                        explanation_zh: r.9,
                        explanation_en: r.10,
                    },
                    review_status: r.11,
                    data_state: r.12,
                    first_run: r.13,
                    last_run: r.14,
                })
            })
            .collect()
    }

    /// Records a reviewer's decision on a clue (the history is kept; the clue shows the latest).
    pub async fn review_clue(
        &self,
        fingerprint: &str,
        action: &str,
        reason: Option<&str>,
        corrected_amount_fen: Option<i64>,
        recovered_fen: Option<i64>,
        reviewer: &str,
    ) -> Result<()> {
        if !REVIEW_ACTIONS.contains(&action) {
            bail!("unknown review action {action} (confirmed, corrected)");
        }
        let now = chrono::Utc::now().to_rfc3339();
        audited!(self, reviewer, tx => {
            let updated = sqlx::query("UPDATE clues SET review_status = $1 WHERE fingerprint = $2")
                .bind(action)
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                bail!("no clue with fingerprint {fingerprint} / 无此线索");
            }
            // Confirming keeps a clue alive: it withdraws an open proposal to end it.
            sqlx::query("UPDATE clue_proposals SET state = 'superseded' WHERE fingerprint = $1 AND state = 'open'")
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO clue_reviews (fingerprint, action, reason, corrected_amount_fen, recovered_fen, reviewer, reviewed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(fingerprint)
            .bind(action)
            .bind(reason)
            .bind(corrected_amount_fen)
            .bind(recovered_fen)
            .bind(reviewer)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            let detail = format!("{action}: {}", reason.unwrap_or(""));

            ((), [Entry::new("clue.reviewed", "clue", fingerprint, detail)])
        })
    }

    /// Per rule: clues now and in the past, how reviews went, and money recovered.
    pub async fn rule_stats(&self) -> Result<Vec<RuleStat>> {
        let sql = "SELECT c.rule_id, \
             SUM(CASE WHEN c.data_state = 'current' THEN 1 ELSE 0 END) AS current, \
             SUM(CASE WHEN c.data_state = 'resolved_by_data' THEN 1 ELSE 0 END) AS resolved_by_data, \
             SUM(CASE WHEN c.review_status IN ('confirmed', 'closed') THEN 1 ELSE 0 END) AS confirmed, \
             SUM(CASE WHEN c.review_status = 'dismissed' THEN 1 ELSE 0 END) AS dismissed, \
             SUM(CASE WHEN c.review_status = 'corrected' THEN 1 ELSE 0 END) AS corrected, \
             SUM(CASE WHEN c.data_state = 'current' THEN c.amount_at_risk_fen ELSE 0 END) AS amount_at_risk_fen, \
             COALESCE(SUM((SELECT SUM(r.recovered_fen) FROM clue_reviews r WHERE r.fingerprint = c.fingerprint)), 0) AS recovered_fen \
             FROM clues c GROUP BY c.rule_id ORDER BY c.rule_id";
        let rows: Vec<StatRow> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| RuleStat {
                rule_id: r.0,
                current: r.1,
                resolved_by_data: r.2,
                confirmed: r.3,
                dismissed: r.4,
                corrected: r.5,
                amount_at_risk_fen: r.6,
                recovered_fen: r.7,
            })
            .collect())
    }
}
