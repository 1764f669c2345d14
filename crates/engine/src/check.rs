//! One check, end to end: the catalogue (built-in, extra rules, thresholds) validated, the
//! registers loaded, every rule run, scores computed, and everything recorded in the store.

use crate::catalogue::Catalogue;
use crate::clue::Clue;
use crate::load::{load, Registers};
use crate::run::{run_rules, validate, RuleOutcome, RuleStatus};
use crate::score::{clue_weight, scores, ReviewCounts, ScoreInput, ScoreRow, Serving};
use anyhow::{bail, Result};
use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use qingfeng_store::{CheckRecord, ClueRecord, RuleResult, RunSummary, Score, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Extra or overriding rule files.
    pub rules_dir: Option<PathBuf>,
    /// Thresholds (`[rules.<ID>] param = value`).
    pub settings: Option<PathBuf>,
    /// Only these rules (all when empty).
    pub only: Vec<String>,
    /// Where Parquet snapshots of the registers are kept (none: always load from the database).
    pub cache_dir: Option<PathBuf>,
}

pub struct CheckReport {
    pub run: RunSummary,
    pub data_state: String,
    pub from_snapshot: bool,
    pub load_time: Duration,
    /// Wall time of the rules themselves (all selected rules, run concurrently).
    pub rules_time: Duration,
    pub total_time: Duration,
    pub outcomes: Vec<RuleOutcome>,
    pub scores: Vec<ScoreRow>,
}

/// The catalogue as configured, with every rule planned against the schema first.
pub async fn catalogue(opts: &CheckOptions) -> Result<Catalogue> {
    let mut cat = Catalogue::builtin()?;
    if let Some(dir) = &opts.rules_dir {
        cat.add_dir(dir)?;
    }
    if let Some(settings) = &opts.settings {
        cat.apply_settings(settings)?;
    }
    let problems = validate(&cat).await;
    if !problems.is_empty() {
        let list: Vec<String> = problems
            .iter()
            .map(|(id, e)| format!("  {id}: {e}"))
            .collect();
        bail!(
            "{} rule(s) cannot be planned / 规则无法执行:\n{}",
            problems.len(),
            list.join("\n")
        );
    }
    Ok(cat)
}

pub async fn check(
    store: &Store,
    opts: &CheckOptions,
    on_rule_done: impl Fn(&RuleOutcome),
) -> Result<CheckReport> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339();
    let cat = catalogue(opts).await?;
    let regs = load(store, opts.cache_dir.as_deref()).await?;
    let load_time = started.elapsed();
    let outcomes = run_rules(&regs, &cat, &opts.only, on_rule_done).await?;
    let rules_time = started.elapsed() - load_time;

    let clues: Vec<Clue> = outcomes
        .iter()
        .flat_map(|o| o.clues.iter().cloned())
        .collect();
    let mut reviews: ReviewCounts = BTreeMap::new();
    for s in store.rule_stats().await? {
        reviews.insert(s.rule_id.clone(), (s.confirmed, s.dismissed));
    }
    let confirmed_history = confirmed_history(store, &cat, &reviews).await?;
    let village_names = pairs(&regs, "SELECT code, name FROM divisions")
        .await?
        .into_iter()
        .collect();
    let serving = serving_officials(&regs).await?;
    let score_rows = scores(&ScoreInput {
        clues: &clues,
        reviews: &reviews,
        confirmed_history: &confirmed_history,
        village_names: &village_names,
        serving: &serving,
    });

    let results: Vec<RuleResult> = outcomes
        .iter()
        .map(|o| RuleResult {
            rule_id: o.rule_id.clone(),
            status: o.status.code().to_string(),
            message: match &o.status {
                RuleStatus::Ran => None,
                RuleStatus::NotComputable { empty_inputs } => {
                    Some(format!("empty inputs: {}", empty_inputs.join(", ")))
                }
                RuleStatus::Failed { message } => Some(message.clone()),
            },
            clues: o.clues.len() as i64,
            amount_at_risk_fen: o.amount_at_risk_fen(),
            millis: o.elapsed.as_millis() as i64,
        })
        .collect();
    // Only rules that ran can say a clue has gone; a rule that failed or could not be computed
    // leaves its earlier clues as they were.
    let rules_ran: Vec<String> = outcomes
        .iter()
        .filter(|o| o.status == RuleStatus::Ran)
        .map(|o| o.rule_id.clone())
        .collect();
    let records: Vec<ClueRecord> = clues
        .iter()
        .map(|c| ClueRecord {
            fingerprint: c.fingerprint.clone(),
            rule_id: c.rule_id.clone(),
            severity: c.severity,
            village_code: c.village_code.clone(),
            subject_id: c.subject_id.clone(),
            record_type: c.record_type.clone(),
            record_ids: c.record_ids.clone(),
            amount_at_risk_fen: c.amount_at_risk_fen,
            evidence: serde_json::to_string(&c.evidence).expect("a map of strings serialises"),
            explanation_zh: c.explanation_zh.clone(),
            explanation_en: c.explanation_en.clone(),
        })
        .collect();
    let stored_scores: Vec<Score> = score_rows
        .iter()
        .map(|s| Score {
            kind: s.kind.to_string(),
            subject: s.subject.clone(),
            label: s.label.clone(),
            score: s.score,
            clues: s.clues,
            amount_at_risk_fen: s.amount_at_risk_fen,
        })
        .collect();
    let selected = if opts.only.is_empty() {
        "all".to_string()
    } else {
        opts.only.join(",")
    };
    let run = store
        .record_check(&CheckRecord {
            started_at: &started_at,
            data_state: &regs.state,
            rules_selected: &selected,
            results: &results,
            rules_ran: &rules_ran,
            clues: &records,
            scores: &stored_scores,
        })
        .await?;
    Ok(CheckReport {
        run,
        data_state: regs.state.clone(),
        from_snapshot: regs.from_snapshot,
        load_time,
        rules_time,
        total_time: started.elapsed(),
        outcomes,
        scores: score_rows,
    })
}

async fn pairs(regs: &Registers, sql: &str) -> Result<Vec<(String, String)>> {
    let batches = regs.ctx.sql(sql).await?.collect().await?;
    let mut out = Vec::new();
    for b in batches {
        let a = cast(b.column(0), &DataType::Utf8)?;
        let c = cast(b.column(1), &DataType::Utf8)?;
        let a = a.as_any().downcast_ref::<StringArray>().expect("utf8");
        let c = c.as_any().downcast_ref::<StringArray>().expect("utf8");
        for i in 0..b.num_rows() {
            if !a.is_null(i) && !c.is_null(i) {
                out.push((a.value(i).to_string(), c.value(i).to_string()));
            }
        }
    }
    Ok(out)
}

/// Village cadres and township officials serving on the data's last date.
async fn serving_officials(regs: &Registers) -> Result<Vec<Serving>> {
    let sql = "SELECT o.id_number || '|' || o.division_code, o.name FROM officials o CROSS JOIN data_window w \
               WHERE o.category IN ('village_cadre', 'township_official') AND o.start_date <= w.last_date \
               AND (o.end_date IS NULL OR o.end_date >= w.last_date)";
    Ok(pairs(regs, sql)
        .await?
        .into_iter()
        .map(|(key, name)| {
            let (id, division) = key.split_once('|').unwrap_or((&key, ""));
            Serving {
                id_number: id.to_string(),
                name,
                division_code: division.to_string(),
            }
        })
        .collect())
}

/// Weight of clues confirmed by reviewers, by village: a village with confirmed problems stays
/// higher on the list even after the data changed.
async fn confirmed_history(
    store: &Store,
    cat: &Catalogue,
    reviews: &ReviewCounts,
) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    for stored in store.clues(true).await? {
        if stored.review_status != "confirmed" {
            continue;
        }
        let Some(village) = stored.clue.village_code.clone() else {
            continue;
        };
        let Some(rule) = cat.get(&stored.clue.rule_id) else {
            continue;
        };
        let clue = Clue::new(
            rule,
            stored.clue.record_ids,
            None,
            None,
            stored.clue.amount_at_risk_fen,
            Some(stored.clue.severity),
            BTreeMap::new(),
        );
        *out.entry(village).or_insert(0.0) += clue_weight(&clue, reviews);
    }
    Ok(out)
}
