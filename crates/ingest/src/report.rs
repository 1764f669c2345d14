//! The import report: every problem with file, line, column, value and reason in zh-CN and en,
//! written as CSV (for a spreadsheet) and JSON (for programs and the web page).

use anyhow::{Context, Result};
use qingfeng_domain::Invalid;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row (and so the import) is refused.
    Error,
    /// Imported as recorded, but doubtful: the rules look at it.
    Warning,
    /// Imported after normalising the file's spelling (full-width digits, spaces in a name, a
    /// 15-digit ID number…); the report keeps the original.
    Notice,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
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
    /// For a knock-on error: the error it follows from, as `file:line` (e.g. a payment naming a
    /// program whose row in programs.csv was refused). Fix that one and this one goes away.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequence_of: Option<String>,
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
            consequence_of: None,
        }
    }

    pub fn notice(file: &str, line: u64, column: &str, value: &str, why: Invalid) -> Problem {
        Problem::new(Severity::Notice, file, line, column, value, why)
    }

    /// Marks this problem as following from the error at `file:line`.
    pub fn following(mut self, file: &str, line: u64) -> Problem {
        self.consequence_of = Some(format!("{file}:{line}"));
        self
    }

    pub fn error(file: &str, line: u64, column: &str, value: &str, why: Invalid) -> Problem {
        Problem::new(Severity::Error, file, line, column, value, why)
    }

    pub fn warning(file: &str, line: u64, column: &str, value: &str, why: Invalid) -> Problem {
        Problem::new(Severity::Warning, file, line, column, value, why)
    }
}

/// At most this many errors and warnings are kept and listed; beyond it they are only counted.
/// A file with more is not a file with a few bad rows but a file of the wrong kind.
pub const MAX_LISTED: usize = 200_000;

/// Notices are listed up to this many per file, column and kind of normalisation; the rest are
/// counted in one summary line. A county's files may hold a million full-width digits, and one
/// kind of normalisation in one column is one decision to check, not a million.
pub const NOTICES_LISTED_PER_KIND: u64 = 1_000;

#[derive(Debug, Default)]
pub struct Problems {
    pub listed: Vec<Problem>,
    pub errors: u64,
    pub warnings: u64,
    pub notices: u64,
    /// Errors that follow from another error (counted in `errors` too).
    pub consequences: u64,
    /// Notices per (file, column, code), to cap how many are listed.
    notice_kinds: std::collections::BTreeMap<(String, String, String), u64>,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
        match p.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Notice => {
                self.notices += 1;
                let n = self
                    .notice_kinds
                    .entry((p.file.clone(), p.column.clone(), p.code.clone()))
                    .or_default();
                *n += 1;
                if *n > NOTICES_LISTED_PER_KIND {
                    return;
                }
                self.listed.push(p);
                return;
            }
        }
        if p.consequence_of.is_some() {
            self.consequences += 1;
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
        self.notices += other.notices;
        self.consequences += other.consequences;
        for p in other.listed {
            match p.severity {
                Severity::Notice => {
                    let n = self
                        .notice_kinds
                        .entry((p.file.clone(), p.column.clone(), p.code.clone()))
                        .or_default();
                    *n += 1;
                    if *n <= NOTICES_LISTED_PER_KIND {
                        self.listed.push(p);
                    }
                }
                _ if self.listed.len() < MAX_LISTED => self.listed.push(p),
                _ => {}
            }
        }
        // Notices the other side counted but did not list still count towards the cap here.
        for (k, n) in other.notice_kinds {
            let listed_there = n.min(NOTICES_LISTED_PER_KIND);
            *self.notice_kinds.entry(k).or_default() += n - listed_there;
        }
    }

    /// Errors and warnings counted but not listed (notices beyond the cap are summarised).
    pub fn unlisted(&self) -> u64 {
        let listed = self
            .listed
            .iter()
            .filter(|p| p.severity != Severity::Notice)
            .count() as u64;
        self.errors + self.warnings - listed
    }

    /// One line per kind of notice listed only in part: how many more there are.
    fn notice_summaries(&self) -> Vec<Problem> {
        self.notice_kinds
            .iter()
            .filter(|(_, n)| **n > NOTICES_LISTED_PER_KIND)
            .map(|((file, column, code), n)| {
                let more = n - NOTICES_LISTED_PER_KIND;
                let mut p = Problem::notice(
                    file,
                    0,
                    column,
                    "",
                    Invalid::new(
                        "notices_not_listed",
                        format!("同类规范化({code})另有{more}处未逐一列出, 共{n}处"),
                        format!("{more} more normalisations of this kind ({code}) are not listed one by one; {n} in all"),
                    ),
                );
                p.code = code.clone();
                p
            })
            .collect()
    }

    /// Every listed problem, errors first, then warnings, then notices, each in file order.
    pub fn sorted(&self) -> Vec<Problem> {
        let mut v: Vec<Problem> = self.listed.clone();
        v.extend(self.notice_summaries());
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
                "consequence_of",
            ])?;
            for p in &sorted {
                w.write_record([
                    p.severity.as_str(),
                    &p.file,
                    &p.line.to_string(),
                    &p.column,
                    &p.value,
                    &p.code,
                    &p.reason_zh,
                    &p.reason_en,
                    p.consequence_of.as_deref().unwrap_or(""),
                ])?;
            }
            w.flush()?;
        }
        std::fs::write(&csv_path, bytes)
            .with_context(|| format!("writing {}", csv_path.display()))?;
        let json = serde_json::json!({
            "errors": self.errors,
            "warnings": self.warnings,
            "notices": self.notices,
            "consequences": self.consequences,
            "unlisted": self.unlisted(),
            "problems": sorted,
        });
        std::fs::write(&json_path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", json_path.display()))?;
        Ok((csv_path, json_path))
    }
}
