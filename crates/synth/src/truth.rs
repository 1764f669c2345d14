//! The ground truth (`truth.csv`) and the decoy list (`decoys.csv`).
//!
//! Truth must be complete and exact: every record that any rule of rules-v1 fires on is listed,
//! whether it was the intended plant or an unavoidable side effect of one. Group rules list every
//! record of the group in one row, sorted.

use anyhow::{Context, Result};
use std::path::Path;

/// Rule ids of rules-v1.md, in catalogue order.
pub const RULES: [&str; 36] = [
    "SUB-DECEASED",
    "SUB-GHOST",
    "SUB-NO-ENTITLEMENT",
    "SUB-SHORT-PAID",
    "SUB-DUPLICATE",
    "SUB-ACCOUNT-MISMATCH",
    "SUB-SHARED-ACCOUNT",
    "SUB-OFFICIAL-RELATIVE",
    "SUB-WEALTH",
    "SUB-AREA-INFLATED",
    "SUB-NOT-PUBLICIZED",
    "FUN-UNAPPROVED",
    "FUN-CASH-LIMIT",
    "FUN-NO-DECISION",
    "FUN-SPLIT",
    "FUN-SELF-DEALING",
    "FUN-RENT-MISSING",
    "FUN-CASH-ON-HAND",
    "FUN-CASH-UNBANKED",
    "PRO-DIRECT-ABOVE-THRESHOLD",
    "PRO-FEW-BIDS",
    "PRO-SHORT-NOTICE",
    "PRO-SPLIT",
    "PRO-RELATED-WINNER",
    "PRO-COLLUSION",
    "PRO-NEAR-CEILING",
    "PRO-OVERRUN",
    "PRO-NO-DECISION",
    "RES-NO-DECISION",
    "RES-SHORT-PUBLICITY",
    "RES-UNDERPRICED",
    "RES-RELATED-PARTY",
    "RES-OVERLONG-TERM",
    "RES-OUTSIDER-CONSENT",
    "DEC-INVALID",
    "OFF-UNDECLARED-RELATIVE",
];

#[derive(Default)]
pub struct Truth {
    rows: Vec<(&'static str, &'static str, String)>,
}

impl Truth {
    pub fn add<I, S>(&mut self, rule: &'static str, record_type: &'static str, ids: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        debug_assert!(RULES.contains(&rule), "unknown rule {rule}");
        let mut ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        ids.sort();
        self.rows.push((rule, record_type, ids.join(";")));
    }

    pub fn one(&mut self, rule: &'static str, record_type: &'static str, id: &str) {
        self.rows.push((rule, record_type, id.to_string()));
    }

    pub fn counts(&self) -> Vec<(&'static str, u64)> {
        RULES
            .iter()
            .map(|r| {
                (
                    *r,
                    self.rows.iter().filter(|(rule, _, _)| rule == r).count() as u64,
                )
            })
            .collect()
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("truth.csv");
        let mut w = csv::Writer::from_path(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        w.write_record(["rule_id", "record_type", "record_ids"])?;
        for (rule, rtype, ids) in &self.rows {
            w.write_record([*rule, *rtype, ids.as_str()])?;
        }
        w.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }
}

#[derive(Default)]
pub struct Decoys {
    rows: Vec<(&'static str, &'static str, String, &'static str)>,
}

impl Decoys {
    pub fn add<I, S>(
        &mut self,
        kind: &'static str,
        record_type: &'static str,
        ids: I,
        looks_like: &'static str,
    ) where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        ids.sort();
        self.rows
            .push((kind, record_type, ids.join(";"), looks_like));
    }

    pub fn len(&self) -> u64 {
        self.rows.len() as u64
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join("decoys.csv");
        let mut w = csv::Writer::from_path(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        w.write_record(["kind", "record_type", "record_ids", "looks_like_rule"])?;
        for (kind, rtype, ids, looks) in &self.rows {
            w.write_record([*kind, *rtype, ids.as_str(), *looks])?;
        }
        w.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }
}
