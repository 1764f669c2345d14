use anyhow::Result;
use qingfeng_domain::Money;
use qingfeng_ingest::Status;
use qingfeng_store::Store;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// How many clues the demo prints (the biggest amounts at risk).
const TOP_CLUES: usize = 10;

/// The main job on the embedded default: make a county, import it, check it, show the clues
/// and scores, then serve the portal over it (unless `serve` is false).
pub async fn run(database: &str, out: &Path, serve: Option<&str>) -> Result<ExitCode> {
    let opts = qingfeng_synth::Options {
        out: out.to_path_buf(),
        ..Default::default()
    };
    let started = Instant::now();
    let summary = qingfeng_synth::generate(&opts)?;
    super::generate::print_summary(&summary, out, started.elapsed().as_secs_f64());
    println!();
    let store = Store::open(database).await?;
    let outcome = super::import::import_into(&store, database, out, Path::new(out)).await?;
    if outcome.status == Status::Rejected {
        store.close().await;
        anyhow::bail!("the generated county was rejected by the importer; see the report above");
    }
    println!();
    println!("数据库内容 / in the database:");
    for t in qingfeng_domain::contract::TABLES {
        println!(
            "  {:<22} {:<16} {:>10}",
            t.name,
            t.zh,
            store.count_rows(t.name).await?
        );
    }
    println!();
    let args = super::check::Args::default();
    let failed = super::check::run_on(&store, database, &args, 5).await?;
    println!();
    print_top_clues(&store).await?;
    if failed {
        store.close().await;
        return Ok(ExitCode::from(1));
    }
    match serve {
        Some(listen) => {
            println!();
            super::serve::serve_store(store, listen, &qingfeng_web::Options::default()).await?;
        }
        None => store.close().await,
    }
    Ok(ExitCode::SUCCESS)
}

async fn print_top_clues(store: &Store) -> Result<()> {
    let mut clues = store.clues(false).await?;
    clues.sort_by(|a, b| {
        b.clue
            .amount_at_risk_fen
            .cmp(&a.clue.amount_at_risk_fen)
            .then_with(|| a.clue.fingerprint.cmp(&b.clue.fingerprint))
    });
    println!(
        "金额最大的线索 / top clues by amount at risk ({} of {}):",
        TOP_CLUES.min(clues.len()),
        clues.len()
    );
    for c in clues.iter().take(TOP_CLUES) {
        println!(
            "  [{}] {} {} yuan",
            c.clue.severity,
            c.clue.rule_id,
            Money::from_fen(c.clue.amount_at_risk_fen)
        );
        println!("      {}", c.clue.explanation_zh);
        println!("      {}", c.clue.explanation_en);
    }
    Ok(())
}
