use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qingfeng_domain::Money;
use qingfeng_engine::check::{catalogue, check, CheckOptions};
use qingfeng_engine::load::default_cache_dir;
use qingfeng_engine::{RuleOutcome, RuleStatus};
use qingfeng_store::Store;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Clone, Default)]
pub struct Args {
    /// A folder of extra or overriding rule files (*.sql)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Thresholds in TOML: [rules.FUN-SPLIT] window_days = 30
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated ids)
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Where Parquet snapshots of the registers are kept (default: beside the database)
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// Always load the registers from the database, without snapshots
    #[arg(long)]
    pub no_cache: bool,
}

impl Args {
    pub fn options(&self, database: &str) -> CheckOptions {
        CheckOptions {
            rules_dir: self.rules.clone(),
            settings: self.config.clone(),
            only: self.only.clone(),
            cache_dir: if self.no_cache {
                None
            } else {
                Some(
                    self.cache_dir
                        .clone()
                        .unwrap_or_else(|| default_cache_dir(database)),
                )
            },
        }
    }
}

pub async fn run(database: &str, args: &Args) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let failed = run_on(&store, database, args, 10).await?;
    store.close().await;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs a check and prints its summary; returns whether any rule failed.
pub async fn run_on(store: &Store, database: &str, args: &Args, top: usize) -> Result<bool> {
    let opts = args.options(database);
    let rules = catalogue(&opts).await?.rules.len();
    let total = if opts.only.is_empty() {
        rules
    } else {
        opts.only.len()
    };
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total as u64), target);
    bar.set_style(
        ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len} rules ({elapsed})")?
            .progress_chars("=> "),
    );
    bar.set_message("核查 / checking");
    let report = check(store, &opts, |o: &RuleOutcome| {
        bar.set_message(o.rule_id.clone());
        bar.inc(1);
    })
    .await?;
    bar.finish_and_clear();

    println!(
        "核查 / check run {} over {} ({}; registers loaded in {:.1} s, rules ran in {:.1} s)",
        report.run.run_id,
        report.data_state,
        if report.from_snapshot {
            "from snapshot"
        } else {
            "from the database"
        },
        report.load_time.as_secs_f64(),
        report.rules_time.as_secs_f64()
    );
    println!(
        "  {:<28} {:>8} {:>18} {:>9}  status",
        "rule", "clues", "amount at risk", "ms"
    );
    let mut failed = false;
    for o in &report.outcomes {
        let status = match &o.status {
            RuleStatus::Ran => "ok".to_string(),
            RuleStatus::NotComputable { empty_inputs } => {
                format!(
                    "无法计算 / not computable (empty: {})",
                    empty_inputs.join(", ")
                )
            }
            RuleStatus::Failed { message } => {
                failed = true;
                format!("失败 / FAILED: {message}")
            }
        };
        println!(
            "  {:<28} {:>8} {:>18} {:>9}  {}",
            o.rule_id,
            o.clues.len(),
            Money::from_fen(o.amount_at_risk_fen()).to_string(),
            o.elapsed.as_millis(),
            status
        );
    }
    let clues: usize = report.outcomes.iter().map(|o| o.clues.len()).sum();
    let amount: i64 = report.outcomes.iter().map(|o| o.amount_at_risk_fen()).sum();
    println!(
        "  合计 / total: {clues} clues, {} yuan at risk; new {}, found again {}, resolved by data {}; {:.1} s",
        Money::from_fen(amount),
        report.run.new,
        report.run.kept,
        report.run.resolved_by_data,
        report.total_time.as_secs_f64()
    );
    for (kind, title) in [
        ("village", "村风险 / village risk"),
        ("official", "干部风险 / official risk"),
        ("program", "项目风险 / program risk"),
    ] {
        let rows: Vec<_> = report
            .scores
            .iter()
            .filter(|s| s.kind == kind)
            .take(top)
            .collect();
        if rows.is_empty() {
            continue;
        }
        println!("  {title} (top {}):", rows.len());
        for s in rows {
            println!(
                "    {:<20} {:<14} score {:>8.2}  {:>5} clues  {:>16} yuan",
                s.subject,
                s.label.clone().unwrap_or_default(),
                s.score,
                s.clues,
                Money::from_fen(s.amount_at_risk_fen).to_string()
            );
        }
    }
    Ok(failed)
}
