//! Running the rules: each rule's SQL over the registers, concurrently, each result row turned
//! into a clue. A rule whose inputs are empty is "not computable" — never silently clean.

use crate::catalogue::Catalogue;
use crate::clue::Clue;
use crate::load::{new_context, schema_of, Registers};
use crate::rule::{Rule, Severity};
use anyhow::{anyhow, bail, Result};
use datafusion::arrow::array::{Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use futures_util::StreamExt;
use qingfeng_domain::contract::TABLES;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const REQUIRED_COLUMNS: &[&str] = &[
    "record_ids",
    "subject_id",
    "village_code",
    "amount_at_risk_fen",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleStatus {
    Ran,
    /// Some input table is empty: the rule cannot say anything, and says so.
    NotComputable {
        empty_inputs: Vec<String>,
    },
    Failed {
        message: String,
    },
}

impl RuleStatus {
    pub fn code(&self) -> &'static str {
        match self {
            RuleStatus::Ran => "ran",
            RuleStatus::NotComputable { .. } => "not_computable",
            RuleStatus::Failed { .. } => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub rule_id: String,
    pub status: RuleStatus,
    pub clues: Vec<Clue>,
    pub elapsed: Duration,
}

impl RuleOutcome {
    pub fn amount_at_risk_fen(&self) -> i64 {
        self.clues.iter().map(|c| c.amount_at_risk_fen).sum()
    }
}

/// How many rules run at once (each query gets the cores left over: see `load::new_context`).
/// `QINGFENG_CHECK_CONCURRENCY` overrides it (for tuning on other machines).
pub(crate) fn concurrent_rules() -> usize {
    std::env::var("QINGFENG_CHECK_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(4)
}

/// Runs the selected rules (all when `only` is empty); `on_done` is called as each finishes.
pub async fn run_rules(
    regs: &Registers,
    catalogue: &Catalogue,
    only: &[String],
    on_done: impl Fn(&RuleOutcome),
) -> Result<Vec<RuleOutcome>> {
    for id in only {
        if catalogue.get(id).is_none() {
            bail!("unknown rule {id} / 未知规则 {id}");
        }
    }
    let selected: Vec<&Rule> = catalogue
        .rules
        .iter()
        .filter(|r| only.is_empty() || only.contains(&r.id))
        .collect();
    let mut outcomes: Vec<RuleOutcome> = futures_util::stream::iter(selected)
        .map(|rule| run_one(regs, catalogue, rule))
        .buffer_unordered(concurrent_rules())
        .inspect(&on_done)
        .collect()
        .await;
    outcomes.sort_by(|a, b| a.rule_id.cmp(&b.rule_id));
    Ok(outcomes)
}

pub(crate) async fn run_one(regs: &Registers, catalogue: &Catalogue, rule: &Rule) -> RuleOutcome {
    let started = Instant::now();
    let empty_inputs: Vec<String> = rule
        .inputs
        .iter()
        .filter(|t| {
            regs.counts.get(t.as_str()).copied().unwrap_or(0) == 0 && t.as_str() != "data_window"
        })
        .cloned()
        .collect();
    if !empty_inputs.is_empty() {
        return RuleOutcome {
            rule_id: rule.id.clone(),
            status: RuleStatus::NotComputable { empty_inputs },
            clues: Vec::new(),
            elapsed: started.elapsed(),
        };
    }
    let result = async {
        let batches = regs
            .ctx
            .sql(&catalogue.sql_of(rule))
            .await?
            .collect()
            .await?;
        let mut clues = Vec::new();
        for b in &batches {
            clues.extend(clues_of_batch(rule, b)?);
        }
        Ok::<_, anyhow::Error>(clues)
    }
    .await;
    let (status, clues) = match result {
        Ok(clues) => (RuleStatus::Ran, clues),
        Err(e) => (
            RuleStatus::Failed {
                message: format!("{e:#}"),
            },
            Vec::new(),
        ),
    };
    RuleOutcome {
        rule_id: rule.id.clone(),
        status,
        clues,
        elapsed: started.elapsed(),
    }
}

fn text_column(batch: &RecordBatch, name: &str) -> Result<Option<StringArray>> {
    let Some(col) = batch.column_by_name(name) else {
        return Ok(None);
    };
    let as_text = cast(col, &DataType::Utf8)?;
    Ok(Some(
        as_text
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("cast to Utf8")
            .clone(),
    ))
}

fn clues_of_batch(rule: &Rule, batch: &RecordBatch) -> Result<Vec<Clue>> {
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| batch.column_by_name(c).is_none())
        .collect();
    if !missing.is_empty() {
        bail!(
            "{}: the query must return the columns {}",
            rule.id,
            missing.join(", ")
        );
    }
    let ids = text_column(batch, "record_ids")?.expect("checked");
    let subjects = text_column(batch, "subject_id")?.expect("checked");
    let villages = text_column(batch, "village_code")?.expect("checked");
    let amount_col = cast(
        batch.column_by_name("amount_at_risk_fen").expect("checked"),
        &DataType::Int64,
    )?;
    let amounts = amount_col
        .as_any()
        .downcast_ref::<Int64Array>()
        .expect("cast to Int64")
        .clone();
    let severities = text_column(batch, "severity")?;
    let options = FormatOptions::default().with_null("");
    let schema = batch.schema();
    let evidence_columns: Vec<(String, ArrayFormatter)> = schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !REQUIRED_COLUMNS.contains(&f.name().as_str()) && f.name() != "severity")
        .map(|(i, f)| {
            Ok((
                f.name().clone(),
                ArrayFormatter::try_new(batch.column(i).as_ref(), &options)?,
            ))
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(batch.num_rows());
    for row in 0..batch.num_rows() {
        if ids.is_null(row) {
            bail!("{}: a row has no record_ids", rule.id);
        }
        let opt = |a: &StringArray| (!a.is_null(row)).then(|| a.value(row).to_string());
        let severity = match severities.as_ref().and_then(opt) {
            None => None,
            Some(s) => match Severity::parse(&s) {
                Some(severity) => Some(severity),
                None => bail!("{}: severity `{s}` is not high, medium or low", rule.id),
            },
        };
        let evidence: BTreeMap<String, String> = evidence_columns
            .iter()
            .map(|(name, f)| (name.clone(), f.value(row).to_string()))
            .collect();
        out.push(Clue::new(
            rule,
            ids.value(row).to_string(),
            opt(&subjects),
            opt(&villages),
            if amounts.is_null(row) {
                0
            } else {
                amounts.value(row)
            },
            severity,
            evidence,
        ));
    }
    Ok(out)
}

/// Plans every rule against empty registers: bad SQL, unknown tables or columns and missing
/// output columns are reported per rule before anything runs.
pub async fn validate(catalogue: &Catalogue) -> Vec<(String, String)> {
    let ctx = empty_context().await;
    let mut problems = Vec::new();
    for rule in &catalogue.rules {
        match ctx.sql(&catalogue.sql_of(rule)).await {
            Ok(df) => {
                let schema = df.schema();
                let missing: Vec<&str> = REQUIRED_COLUMNS
                    .iter()
                    .copied()
                    .filter(|c| schema.field_with_unqualified_name(c).is_err())
                    .collect();
                if !missing.is_empty() {
                    problems.push((
                        rule.id.clone(),
                        format!(
                            "{}: the query must return {}",
                            rule.origin,
                            missing.join(", ")
                        ),
                    ));
                }
            }
            Err(e) => problems.push((rule.id.clone(), format!("{}: {e}", rule.origin))),
        }
    }
    problems
}

async fn empty_context() -> SessionContext {
    let ctx = new_context();
    for t in TABLES {
        let mem = MemTable::try_new(schema_of(t), vec![vec![]]).expect("empty table");
        ctx.register_table(t.name, Arc::new(mem)).expect("register");
    }
    let _ = ctx
        .sql("CREATE VIEW data_window AS SELECT CAST(NULL AS DATE) AS first_date, CAST(NULL AS DATE) AS last_date")
        .await
        .map_err(|e| anyhow!(e));
    crate::load::register_views(&ctx)
        .await
        .expect("the shared views plan over empty registers");
    ctx
}
