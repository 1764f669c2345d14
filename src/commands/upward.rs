//! `qingfeng upward --out DIR`: hands the reports that belong to the level above (they name one
//! of the county's own leaders) to the higher commission, within the 5 working days the rules
//! allow. Each report is written as age files sealed to the higher commission's key (the county
//! cannot open them: `age -d -i commission.key report-12.age`), then marked as sent up.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub async fn export(database: &str, out: &Path, actor: &str) -> Result<ExitCode> {
    let (store, _keys) = super::open_store(database).await?;
    let done = async {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let pending = store.upward_pending().await?;
        for r in &pending {
            let write = |name: String, bytes: &[u8]| {
                let path = out.join(name);
                std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
            };
            write(format!("report-{}.age", r.report_id), &r.sealed_content)?;
            if let Some(reporter) = &r.sealed_reporter {
                write(format!("report-{}-reporter.age", r.report_id), reporter)?;
            }
            for (i, (name, body)) in r.attachments.iter().enumerate() {
                write(
                    format!("report-{}-attachment-{}-name.age", r.report_id, i + 1),
                    name,
                )?;
                write(
                    format!("report-{}-attachment-{}.age", r.report_id, i + 1),
                    body,
                )?;
            }
            store.mark_sent_upward(r.report_id, actor).await?;
            println!(
                "已转送 / sent up: report {} (received {}, due {})",
                r.report_id, r.received_on, r.upward_due
            );
        }
        println!(
            "{} 件转送上级 / {} report(s) for the level above written to {}",
            pending.len(),
            pending.len(),
            out.display()
        );
        anyhow::Ok(())
    }
    .await;
    store.close().await;
    done?;
    Ok(ExitCode::SUCCESS)
}
