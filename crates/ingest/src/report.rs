//! The import report: every problem with file, line, column, value and reason in zh-CN and en,
//! written as CSV (for a spreadsheet) and JSON (for programs and the web page).

use anyhow::{Context, Result};
use qingfeng_domain::Invalid;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The file (or `workbook.xlsx#sheet`) the problem is in.
    pub file: String,
    /// 1-based line (row) number; 0 when the problem concerns the whole file.
    pub line: u64,
    /// The column as the file names it, or empty.
    pub column: String,
    pub value: String,
    /// Stable snake_case code, usable as a translation key.
    pub code: String,
    pub reason_zh: String,
    pub reason_en: String,
}

impl Problem {
    pub fn new(
        severity: Severity,
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        why: Invalid,
    ) -> Problem {
        Problem {
            severity,
            file: file.to_string(),
            line,
            column: column.to_string(),
            value: value.to_string(),
            code: why.code.to_string(),
            reason_zh: why.zh,
            reason_en: why.en,
        }
    }

    pub fn error(file: &str, line: u64, column: &str, value: &str, why: Invalid) -> Problem {
        Problem::new(Severity::Error, file, line, column, value, why)
    }

    pub fn warning(file: &str, line: u64, column: &str, value: &str, why: Invalid) -> Problem {
        Problem::new(Severity::Warning, file, line, column, value, why)
    }
}

/// At most this many problems are kept and listed; beyond it they are only counted. A file with
/// more is not a file with a few bad rows but a file of the wrong kind.
pub const MAX_LISTED: usize = 200_000;

#[derive(Debug, Default)]
pub struct Problems {
    pub listed: Vec<Problem>,
    pub errors: u64,
    pub warnings: u64,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
        match p.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.listed.len() < MAX_LISTED {
            self.listed.push(p);
        }
    }

    pub fn extend(&mut self, ps: impl IntoIterator<Item = Problem>) {
        for p in ps {
            self.push(p);
        }
    }

    /// Takes in problems counted elsewhere (e.g. by the parser thread).
    pub fn merge(&mut self, other: Problems) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        let room = MAX_LISTED.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
    }

    pub fn unlisted(&self) -> u64 {
        self.errors + self.warnings - self.listed.len() as u64
    }

    fn sorted(&self) -> Vec<&Problem> {
        let mut v: Vec<&Problem> = self.listed.iter().collect();
        v.sort_by(|a, b| {
            (a.severity, &a.file, a.line, &a.column).cmp(&(b.severity, &b.file, b.line, &b.column))
        });
        v
    }

    /// Writes `import-report.csv` and `import-report.json` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let csv_path = dir.join("import-report.csv");
        let json_path = dir.join("import-report.json");
        let sorted = self.sorted();
        // The BOM makes Excel on Chinese Windows open the UTF-8 file correctly.
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut bytes);
            w.write_record([
                "severity",
                "file",
                "line",
                "column",
                "value",
                "code",
                "reason_zh",
                "reason_en",
            ])?;
            for p in &sorted {
                let sev = match p.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                w.write_record([
                    sev,
                    &p.file,
                    &p.line.to_string(),
                    &p.column,
                    &p.value,
                    &p.code,
                    &p.reason_zh,
                    &p.reason_en,
                ])?;
            }
            w.flush()?;
        }
        std::fs::write(&csv_path, bytes)
            .with_context(|| format!("writing {}", csv_path.display()))?;
        let json = serde_json::json!({
            "errors": self.errors,
            "warnings": self.warnings,
            "unlisted": self.unlisted(),
            "problems": sorted,
        });
        std::fs::write(&json_path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", json_path.display()))?;
        Ok((csv_path, json_path))
    }
}
