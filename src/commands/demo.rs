use anyhow::Result;
use qingfeng_ingest::Status;
use qingfeng_store::Store;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// The main job on the embedded default: make a county, import it, say what is there.
pub async fn run(database: &str, out: &Path) -> Result<ExitCode> {
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
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
