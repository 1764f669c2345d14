use anyhow::Result;
use qingfeng_ingest::{ImportOptions, ImportOutcome, Severity, Status};
use qingfeng_store::{describe_url, Store};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

/// Exit code of an import that was refused because of problems in the data.
pub const EXIT_REJECTED: u8 = 2;

pub async fn run(database: &str, input: &Path, report_dir: &Path) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let outcome = import_into(&store, database, input, report_dir).await?;
    store.close().await;
    Ok(match outcome.status {
        Status::Rejected => ExitCode::from(EXIT_REJECTED),
        _ => ExitCode::SUCCESS,
    })
}

pub async fn import_into(
    store: &Store,
    database: &str,
    input: &Path,
    report_dir: &Path,
) -> Result<ImportOutcome> {
    let opts = ImportOptions {
        report_dir: report_dir.to_path_buf(),
        progress: std::io::stderr().is_terminal(),
    };
    let outcome = qingfeng_ingest::import(store, input, &opts).await?;
    print_outcome(&outcome, database, input);
    Ok(outcome)
}

fn print_outcome(o: &ImportOutcome, database: &str, input: &Path) {
    println!(
        "导入 / import: {} → {}",
        input.display(),
        describe_url(database)
    );
    println!(
        "  {:<22} {:<28} {:<12} {:>10} {:>10} {:>9} {:>9}",
        "table", "file", "encoding", "read", "added", "skipped", "removed"
    );
    for f in &o.files {
        match f.unchanged_since {
            Some(batch) => println!(
                "  {:<22} {:<28} 未变化, 与批次{batch}相同 / unchanged since batch {batch}",
                f.table, f.label
            ),
            None => println!(
                "  {:<22} {:<28} {:<12} {:>10} {:>10} {:>9} {:>9}",
                f.table,
                f.label,
                f.encoding,
                f.rows_read,
                f.rows_added,
                f.rows_skipped,
                f.rows_removed
            ),
        }
    }
    let secs = o.elapsed.as_secs_f64();
    let rate = o.rows_read() as f64 / secs.max(1e-9);
    match &o.status {
        Status::Imported { batch_id } => println!(
            "已导入, 批次 {batch_id} / imported as batch {batch_id}: {} rows in {secs:.1} s ({rate:.0} rows/s)",
            o.rows_read()
        ),
        Status::Unchanged => println!("所有文件均与上次导入相同, 数据库未改变 / every file is identical to its last import: nothing changed"),
        Status::Rejected => println!(
            "已拒绝: 发现{}个错误, 数据库未改变 / REJECTED: {} errors found, nothing was imported",
            o.problems.errors, o.problems.errors
        ),
    }
    if o.problems.errors + o.problems.warnings + o.problems.notices > 0 {
        println!(
            "  错误 / errors: {} (其中{}个是其他错误的后果 / {} of them consequences of others), 警告 / warnings: {}, 规范化 / normalised: {}",
            o.problems.errors,
            o.problems.consequences,
            o.problems.consequences,
            o.problems.warnings,
            o.problems.notices
        );
        // The errors to fix first: those that are not consequences of another.
        let shown: Vec<_> = o
            .problems
            .listed
            .iter()
            .filter(|p| p.severity == Severity::Error && p.consequence_of.is_none())
            .take(20)
            .collect();
        for p in &shown {
            println!(
                "  ✗ {}:{} [{}] “{}”: {} / {}",
                p.file, p.line, p.column, p.value, p.reason_zh, p.reason_en
            );
        }
        let root_errors = o.problems.errors - o.problems.consequences;
        if (shown.len() as u64) < root_errors {
            println!(
                "  … {} more errors in the report / 其余错误见报告",
                root_errors - shown.len() as u64
            );
        }
        if o.problems.consequences > 0 {
            println!(
                "  … {} errors follow from those above (column consequence_of of the report) / {}个错误是上述错误的后果(见报告consequence_of列)",
                o.problems.consequences, o.problems.consequences
            );
        }
    }
    if let Some((csv, json)) = &o.report {
        println!("  报告 / report: {} , {}", csv.display(), json.display());
    }
}

pub async fn list_batches(database: &str) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let batches = store.batches().await?;
    if batches.is_empty() {
        println!("尚无导入 / no imports yet");
    }
    for b in batches {
        println!(
            "批次 / batch {} · {} · {} · added {} skipped {} removed {}",
            b.batch_id, b.finished_at, b.source, b.rows_added, b.rows_skipped, b.rows_removed
        );
        for f in store.batch_files(b.batch_id).await? {
            println!(
                "  {:<22} {:<28} {:<12} {:<8} sha256 {} read {} added {}",
                f.table_name,
                f.file_name,
                f.encoding,
                f.loading,
                &f.sha256[..16],
                f.rows_read,
                f.rows_added
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
