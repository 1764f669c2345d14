//! `qingfeng powers [FILE]`: the micro-power list a county would serve, checked, one line a
//! power; every problem of a county's file named with its power and step.

use anyhow::{bail, Context, Result};
use qingfeng_domain::power::PowerList;
use std::path::Path;
use std::process::ExitCode;

/// The county's list from `file`, or the default list; every problem of the file at once.
pub fn load(file: Option<&Path>) -> Result<PowerList> {
    let Some(file) = file else {
        return Ok(PowerList::default());
    };
    let bytes = std::fs::read(file)
        .with_context(|| format!("读取权力清单 / reading the power list {}", file.display()))?;
    let text = decode(&bytes);
    match PowerList::parse(&text) {
        Ok(list) => Ok(list),
        Err(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("  {} / {}", p.zh, p.en))
                .collect();
            bail!(
                "{}: {} 处问题 / {} problem(s)\n{}",
                file.display(),
                problems.len(),
                problems.len(),
                lines.join("\n")
            )
        }
    }
}

/// The file's text as a county's editor saved it: UTF-8 with or without Notepad's byte-order
/// mark, or the Windows code page of Chinese editions (GBK, read as GB18030, its superset).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

pub fn list(file: Option<&Path>) -> Result<ExitCode> {
    let list = load(file)?;
    for p in &list.powers {
        println!(
            "{:<26} {:>2} 步/steps  {} / {}",
            p.id,
            p.steps.len(),
            p.title_zh,
            p.title_en
        );
    }
    Ok(ExitCode::SUCCESS)
}
