use anyhow::{bail, Context, Result};
use qingfeng_domain::Money;
use qingfeng_store::{Scope, Store, StoredClue};
use qingfeng_workflow::clues::{ClueDesk, Review};
use qingfeng_workflow::{Actor, Role, SystemClock};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const COLUMNS: &[&str] = &[
    "rule_id",
    "severity",
    "village_code",
    "subject_id",
    "record_type",
    "record_ids",
    "amount_at_risk_fen",
    "explanation_zh",
    "explanation_en",
    "fingerprint",
];

fn row(c: &StoredClue) -> Vec<String> {
    let k = &c.clue;
    vec![
        k.rule_id.clone(),
        k.severity.as_str().to_string(),
        k.village_code.clone().unwrap_or_default(),
        k.subject_id.clone().unwrap_or_default(),
        k.record_type.clone(),
        k.record_ids.clone(),
        k.amount_at_risk_fen.to_string(),
        k.explanation_zh.clone(),
        k.explanation_en.clone(),
        k.fingerprint.clone(),
    ]
}

pub async fn export(
    database: &str,
    format: &str,
    out: Option<PathBuf>,
    include_resolved: bool,
) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let clues = store.clues(include_resolved).await?;
    store.close().await;
    match format {
        "csv" => {
            let mut bytes = Vec::new();
            {
                let mut w = csv::Writer::from_writer(&mut bytes);
                w.write_record(COLUMNS)?;
                for c in &clues {
                    w.write_record(row(c))?;
                }
                w.flush()?;
            }
            write_out(out.as_deref(), &bytes)?;
        }
        "json" => {
            let items: Vec<serde_json::Value> = clues
                .iter()
                .map(|c| {
                    let mut obj = serde_json::Map::new();
                    for (k, v) in COLUMNS.iter().zip(row(c)) {
                        let value = if *k == "amount_at_risk_fen" {
                            serde_json::Value::from(c.clue.amount_at_risk_fen)
                        } else {
                            serde_json::Value::from(v)
                        };
                        obj.insert(k.to_string(), value);
                    }
                    obj.insert(
                        "evidence".into(),
                        serde_json::from_str(&c.clue.evidence).unwrap_or_default(),
                    );
                    obj.insert("review_status".into(), c.review_status.clone().into());
                    obj.insert("data_state".into(), c.data_state.clone().into());
                    serde_json::Value::Object(obj)
                })
                .collect();
            write_out(out.as_deref(), &serde_json::to_vec_pretty(&items)?)?;
        }
        "xlsx" => {
            let Some(path) = out else {
                bail!("--out FILE.xlsx is needed for xlsx / 导出xlsx须指定--out")
            };
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet().set_name("clues")?;
            for (c, h) in COLUMNS.iter().enumerate() {
                sheet.write_string(0, c as u16, *h)?;
            }
            for (r, clue) in clues.iter().enumerate() {
                for (c, v) in row(clue).iter().enumerate() {
                    if COLUMNS[c] == "amount_at_risk_fen" {
                        sheet.write_number(
                            r as u32 + 1,
                            c as u16,
                            clue.clue.amount_at_risk_fen as f64,
                        )?;
                    } else {
                        sheet.write_string(r as u32 + 1, c as u16, v)?;
                    }
                }
            }
            book.save(&path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        other => bail!("unknown format {other}: csv, json or xlsx"),
    }
    Ok(ExitCode::SUCCESS)
}

fn write_out(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(bytes)?;
            Ok(())
        }
    }
}

/// A review from the command line: the operator (the system account running the command, who
/// holds the database) acts as a county-wide administrator would in the workspace, through the
/// same use case and its rules.
pub async fn review(
    database: &str,
    fingerprint: &str,
    action: &str,
    corrected_amount: Option<&str>,
    recovered: Option<&str>,
) -> Result<ExitCode> {
    let yuan = |s: Option<&str>| -> Result<Option<i64>> {
        s.map(|v| {
            Money::parse_yuan(v, false)
                .map(|m| m.fen())
                .map_err(|e| anyhow::anyhow!("{}", e.en))
        })
        .transpose()
    };
    let review = match (action, yuan(corrected_amount)?) {
        ("corrected", Some(fen)) => Review::Correct(fen),
        ("corrected", None) => bail!("--corrected-amount is required / 须填写更正金额"),
        _ => Review::Confirm,
    };
    let (store, _keys) = super::open_store(database).await?;
    let calendar = qingfeng_web::default_calendar();
    let desk = ClueDesk {
        store: &store,
        clock: &SystemClock,
        calendar: &calendar,
    };
    let operator = Actor {
        user_id: 0,
        username: super::cli_actor(),
        role: Role::Admin,
        scope: Scope::County,
        id_number: None,
    };
    let outcome = desk
        .review(&operator, fingerprint, review, yuan(recovered)?)
        .await?;
    store.close().await;
    if let Some(refusal) = outcome.refusal() {
        eprintln!("{refusal}");
        return Ok(ExitCode::FAILURE);
    }
    println!("已记录 / recorded: {fingerprint} {action}");
    Ok(ExitCode::SUCCESS)
}

pub async fn eval(database: &str, truth: &Path) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let clues = store.clues(false).await?;
    store.close().await;
    let mut found: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for c in clues {
        found
            .entry(c.clue.rule_id)
            .or_default()
            .insert(c.clue.record_ids);
    }
    let truth = qingfeng_engine::eval::read_truth(truth)?;
    let quality = qingfeng_engine::eval::compare(&truth, &found);
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "rule", "planted", "found", "correct", "recall", "precision"
    );
    let mut below = Vec::new();
    for q in &quality {
        println!(
            "{:<28} {:>8} {:>8} {:>8} {:>8.3} {:>10.3}",
            q.rule_id, q.planted, q.found, q.true_positives, q.recall, q.precision
        );
        if !(q.recall >= 0.98 && q.precision >= 0.95) {
            below.push(q.rule_id.clone());
        }
    }
    if below.is_empty() {
        println!("every rule: recall ≥ 0.98 and precision ≥ 0.95 / 所有规则均达标");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("below the bar 未达标: {}", below.join(", "));
        Ok(ExitCode::from(1))
    }
}
