use anyhow::{bail, Result};
use qingfeng_domain::Money;
use qingfeng_engine::check::{catalogue, CheckOptions};
use qingfeng_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// A rule fires for an implausible share of its records when it flags more than this.
const IMPLAUSIBLE_SHARE: f64 = 0.2;

pub async fn list(rules: Option<PathBuf>) -> Result<ExitCode> {
    let cat = catalogue(&CheckOptions {
        rules_dir: rules,
        ..Default::default()
    })
    .await?;
    for r in &cat.rules {
        println!(
            "{:<28} {:<7} {:<12} {} / {}",
            r.id,
            r.severity.as_str(),
            r.record,
            r.title_zh,
            r.title_en
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn show(id: &str, rules: Option<PathBuf>) -> Result<ExitCode> {
    let cat = catalogue(&CheckOptions {
        rules_dir: rules,
        ..Default::default()
    })
    .await?;
    let Some(r) = cat.get(id) else {
        bail!("unknown rule {id} / 未知规则 {id}")
    };
    println!("{} — {} / {}", r.id, r.title_zh, r.title_en);
    println!(
        "severity 严重程度: {}   record 对象: {}   inputs 数据: {}",
        r.severity.as_str(),
        r.record,
        r.inputs.join(", ")
    );
    println!("basis 依据: {}", r.basis);
    println!("amount at risk 涉及金额: {}", r.amount);
    for p in &r.params {
        println!("param 参数: {} = {}  {}", p.name, p.default, p.description);
    }
    println!(
        "docs 文档: docs/rules/{}.md   source 来源: {}",
        r.id, r.origin
    );
    println!("\n{}", r.sql.trim_end());
    Ok(ExitCode::SUCCESS)
}

pub async fn stats(database: &str) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let stats = store.rule_stats().await?;
    let records = record_counts(&store).await?;
    println!(
        "{:<28} {:>8} {:>9} {:>9} {:>9} {:>9} {:>11} {:>16} {:>14}",
        "rule",
        "current",
        "resolved",
        "confirmed",
        "dismissed",
        "corrected",
        "confirm %",
        "at risk (yuan)",
        "recovered"
    );
    for s in &stats {
        let reviewed = s.confirmed + s.dismissed + s.corrected;
        let rate = if reviewed > 0 {
            format!(
                "{:.0}%",
                100.0 * (s.confirmed + s.corrected) as f64 / reviewed as f64
            )
        } else {
            "-".into()
        };
        println!(
            "{:<28} {:>8} {:>9} {:>9} {:>9} {:>9} {:>11} {:>16} {:>14}",
            s.rule_id,
            s.current,
            s.resolved_by_data,
            s.confirmed,
            s.dismissed,
            s.corrected,
            rate,
            Money::from_fen(s.amount_at_risk_fen).to_string(),
            Money::from_fen(s.recovered_fen).to_string()
        );
    }
    let cat = catalogue(&CheckOptions::default()).await?;
    for s in &stats {
        let Some(rule) = cat.get(&s.rule_id) else {
            continue;
        };
        let Some(total) = records
            .get(rule.record.as_str())
            .copied()
            .filter(|n| *n > 0)
        else {
            continue;
        };
        let share = s.current as f64 / total as f64;
        if share > IMPLAUSIBLE_SHARE {
            println!(
                "⚠ {} flags {:.0}% of all {} records: check the data or the rule's thresholds / 命中比例异常高, 请检查数据或阈值",
                s.rule_id,
                share * 100.0,
                rule.record
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn record_counts(store: &Store) -> Result<std::collections::BTreeMap<&'static str, i64>> {
    let mut out = std::collections::BTreeMap::new();
    for (record, table) in [
        ("payment", "payments"),
        ("entitlement", "entitlements"),
        ("voucher", "vouchers"),
        ("contract", "collective_contracts"),
        ("project", "projects"),
        ("decision", "decisions"),
        ("official", "officials"),
    ] {
        out.insert(record, store.count_rows(table).await?);
    }
    Ok(out)
}
