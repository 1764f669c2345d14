//! Imports a folder or workbook and prints the rate: for profiling the importer on its own.
//!
//! `cargo run --release -p qingfeng-ingest --example import_folder -- DIR [DATABASE]`

use qingfeng_ingest::{import, ImportOptions};
use qingfeng_store::Store;

// The importer allocates many small strings on three threads; mimalloc is markedly faster
// at that than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let input = args.get(1).expect("usage: import_folder DIR [DATABASE]");
    let database = args.get(2).map(String::as_str).unwrap_or("profile.sqlite");
    let store = Store::open(database).await?;
    let opts = ImportOptions {
        report_dir: ".".into(),
        progress: false,
    };
    let outcome = import(&store, std::path::Path::new(input), &opts).await?;
    let secs = outcome.elapsed.as_secs_f64();
    println!(
        "{:?}: {} rows in {secs:.2} s = {:.0} rows/s, {} errors",
        outcome.status,
        outcome.rows_read(),
        outcome.rows_read() as f64 / secs,
        outcome.problems.errors
    );
    store.close().await;
    Ok(())
}
