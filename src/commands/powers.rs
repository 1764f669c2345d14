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
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("读取权力清单 / reading the power list {}", file.display()))?;
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
