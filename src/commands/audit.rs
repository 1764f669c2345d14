//! `qingfeng audit`: walks the audit trail's hash chain and prints its head, so that the head can
//! be written down outside the system (an edited or removed past row breaks the chain).

use anyhow::Result;
use qingfeng_store::Store;
use std::process::ExitCode;

pub async fn verify(database: &str) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let check = store.verify_audit().await;
    store.close().await;
    let check = check?;
    match check.broken {
        None => {
            println!(
                "审计记录完整 / audit trail intact: {} rows, head {}",
                check.rows, check.head
            );
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, problem)) => {
            eprintln!(
                "审计记录被改动 / audit trail broken at row {seq}: {problem} ({} rows)",
                check.rows
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
