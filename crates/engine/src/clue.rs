//! A clue: what a rule found about one record (or one group), with its evidence, its
//! explanation in both languages, and its fingerprint.

use crate::rule::{Rule, Severity};
use qingfeng_domain::Money;
use std::collections::BTreeMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Clue {
    /// Identity across runs: a hash of rule, record type and record ids. Re-running a check
    /// finds the same clue again (and keeps its reviews).
    pub fingerprint: String,
    pub rule_id: String,
    pub severity: Severity,
    pub village_code: Option<String>,
    pub subject_id: Option<String>,
    pub record_type: String,
    /// Sorted, `;`-separated.
    pub record_ids: String,
    pub amount_at_risk_fen: i64,
    /// Every other column of the rule's row, as text.
    pub evidence: BTreeMap<String, String>,
    pub explanation_zh: String,
    pub explanation_en: String,
}

pub fn fingerprint(rule_id: &str, record_type: &str, record_ids: &str) -> String {
    let h = blake3::hash(format!("{rule_id}\u{1f}{record_type}\u{1f}{record_ids}").as_bytes());
    h.to_hex()[..32].to_string()
}

/// Fills `{column}` / `{column|filter}` placeholders from a clue's values.
pub fn explain(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let spec = &after[..end];
        let (name, filter) = spec.split_once('|').unwrap_or((spec, ""));
        match values.get(name.trim()) {
            Some(v) => out.push_str(&apply_filter(filter.trim(), v)),
            None => {
                out.push('{');
                out.push_str(spec);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn apply_filter(filter: &str, v: &str) -> String {
    match filter {
        "yuan" => v
            .parse::<i64>()
            .map(|fen| Money::from_fen(fen).to_string())
            .unwrap_or_else(|_| v.to_string()),
        "name" => mask_name(v),
        "id" => match v.len() {
            18 => format!("{}***********{}", &v[..3], &v[14..]),
            _ => v.to_string(),
        },
        "account" => {
            let chars: Vec<char> = v.chars().collect();
            if chars.len() > 4 {
                format!(
                    "****{}",
                    chars[chars.len() - 4..].iter().collect::<String>()
                )
            } else {
                v.to_string()
            }
        }
        _ => v.to_string(),
    }
}

pub use qingfeng_domain::mask_name;

impl Clue {
    pub fn new(
        rule: &Rule,
        record_ids: String,
        subject_id: Option<String>,
        village_code: Option<String>,
        amount_at_risk_fen: i64,
        severity: Option<Severity>,
        evidence: BTreeMap<String, String>,
    ) -> Clue {
        let mut values = evidence.clone();
        values.insert("record_ids".into(), record_ids.clone());
        values.insert("amount_at_risk_fen".into(), amount_at_risk_fen.to_string());
        if let Some(s) = &subject_id {
            values.insert("subject_id".into(), s.clone());
        }
        if let Some(v) = &village_code {
            values.insert("village_code".into(), v.clone());
        }
        Clue {
            fingerprint: fingerprint(&rule.id, &rule.record, &record_ids),
            rule_id: rule.id.clone(),
            severity: severity.unwrap_or(rule.severity),
            village_code,
            subject_id,
            record_type: rule.record.clone(),
            record_ids,
            amount_at_risk_fen,
            explanation_zh: explain(&rule.explain_zh, &values),
            explanation_en: explain(&rule.explain_en, &values),
            evidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanations_fill_and_mask() {
        let values = BTreeMap::from([
            ("name".to_string(), "张小伟".to_string()),
            ("amount".to_string(), "216000".to_string()),
            ("account".to_string(), "6217000012345678".to_string()),
        ]);
        assert_eq!(
            explain(
                "{name|name} got {amount|yuan} yuan into {account|account} ({missing})",
                &values
            ),
            "张*伟 got 2,160.00 yuan into ****5678 ({missing})"
        );
        assert_eq!(mask_name("张伟"), "张*");
        assert_ne!(
            fingerprint("A", "payment", "1"),
            fingerprint("A", "payment", "2")
        );
        assert_eq!(
            fingerprint("A", "payment", "1"),
            fingerprint("A", "payment", "1")
        );
    }
}
