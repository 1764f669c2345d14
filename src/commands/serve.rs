use anyhow::{Context, Result};
use qingfeng_domain::Money;
use qingfeng_engine::check::{catalogue, check, CheckOptions};
use qingfeng_store::Store;
use qingfeng_web::{CheckProgress, Checker};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The working-day calendar: the file given, or the one shipped with Qingfeng.
pub fn calendar(path: Option<&std::path::Path>) -> Result<qingfeng_domain::WorkCalendar> {
    let Some(path) = path else {
        return Ok(qingfeng_web::default_calendar());
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    qingfeng_domain::WorkCalendar::from_csv(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

pub async fn run(
    database: &str,
    listen: &str,
    mut opts: qingfeng_web::Options,
) -> Result<ExitCode> {
    let (store, keys) = super::open_store(database).await?;
    opts.keys = Some(keys);
    serve_store(store, database, listen, opts).await?;
    Ok(ExitCode::SUCCESS)
}

/// The web options with what the workspace needs of the engine: the titles of the rules, and
/// "run checks now" (the same check as `qingfeng check`, snapshots beside the database).
pub async fn with_engine(
    mut opts: qingfeng_web::Options,
    database: &str,
) -> Result<qingfeng_web::Options> {
    let cat = catalogue(&CheckOptions::default()).await?;
    opts.rule_titles = cat
        .rules
        .iter()
        .map(|r| (r.id.clone(), (r.title_zh.clone(), r.title_en.clone())))
        .collect();
    let check_opts = super::check::Args::default().options(database);
    let checker: Checker = Arc::new(move |store: Store, progress: CheckProgress| {
        let check_opts = check_opts.clone();
        Box::pin(async move {
            let total = catalogue(&check_opts).await?.rules.len();
            progress.1.store(total, Ordering::Relaxed);
            let report = check(&store, &check_opts, |_| {
                progress.0.fetch_add(1, Ordering::Relaxed);
            })
            .await?;
            let clues: usize = report.outcomes.iter().map(|o| o.clues.len()).sum();
            let amount: i64 = report.outcomes.iter().map(|o| o.amount_at_risk_fen()).sum();
            Ok(format!(
                "{clues} 条线索 / clues, {} 元 / yuan; 新增 / new {}, 数据已消除 / resolved by data {}; {:.1} s",
                Money::from_fen(amount),
                report.run.new,
                report.run.resolved_by_data,
                report.total_time.as_secs_f64()
            ))
        })
    });
    opts.checker = Some(checker);
    // Before payment, the rules run with the thresholds the checks use (the same options).
    let payment_cat = Arc::new(catalogue(&super::check::Args::default().options(database)).await?);
    opts.payment_check = Some(Arc::new(move |store: Store, draft| {
        let cat = payment_cat.clone();
        Box::pin(async move { qingfeng_engine::precheck::precheck(&store, &cat, &draft).await })
    }));
    Ok(opts)
}

/// Serves the web application over `store` until the process is stopped.
pub async fn serve_store(
    store: Store,
    database: &str,
    listen: &str,
    opts: qingfeng_web::Options,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} / 无法监听 {listen}"))?;
    let address = listener.local_addr()?;
    let opts = with_engine(opts, database).await?;
    let state = qingfeng_web::AppState::new(store, &opts).await?;
    println!("清风门户 / Qingfeng portal: http://{address}/");
    println!("  我的补贴 / My money:   http://{address}/money");
    println!("  村务公开 / My village: http://{address}/village");
    println!("  我要举报 / Report:     http://{address}/report");
    println!("  工作台 / Workspace:    http://{address}/work");
    println!("按 Ctrl+C 停止 / press Ctrl+C to stop");
    qingfeng_web::serve(state, listener).await
}
