//! Measured quality: the clues of the store against a generated county's `truth.csv`.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleQuality {
    pub rule_id: String,
    pub planted: usize,
    pub found: usize,
    pub true_positives: usize,
    pub recall: f64,
    pub precision: f64,
}

/// Reads `rule_id,record_type,record_ids` rows.
pub fn read_truth(path: &Path) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in r.records() {
        let row = row?;
        out.entry(row[0].to_string())
            .or_default()
            .insert(row[2].to_string());
    }
    Ok(out)
}

/// Recall and precision per rule; `found` holds the current clues' record ids per rule.
pub fn compare(
    truth: &BTreeMap<String, BTreeSet<String>>,
    found: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<RuleQuality> {
    let rules: BTreeSet<&String> = truth.keys().chain(found.keys()).collect();
    let empty = BTreeSet::new();
    rules
        .into_iter()
        .map(|rule| {
            let t = truth.get(rule).unwrap_or(&empty);
            let f = found.get(rule).unwrap_or(&empty);
            let tp = t.intersection(f).count();
            RuleQuality {
                rule_id: rule.clone(),
                planted: t.len(),
                found: f.len(),
                true_positives: tp,
                recall: if t.is_empty() {
                    f64::NAN
                } else {
                    tp as f64 / t.len() as f64
                },
                precision: if f.is_empty() {
                    f64::NAN
                } else {
                    tp as f64 / f.len() as f64
                },
            }
        })
        .collect()
}
