//! A rule file: its header (what the rule is, why, how to explain a clue) and its SQL.

use anyhow::{anyhow, bail, Result};
use std::collections::BTreeMap;

pub use qingfeng_domain::Severity;

pub const RECORD_TYPES: &[&str] = &[
    "payment",
    "entitlement",
    "account",
    "voucher",
    "contract",
    "project",
    "decision",
    "official",
    // A village's day-end cash and bank balance (`<village>/<date>`).
    "balance",
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Param {
    pub name: String,
    pub default: String,
    pub description: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Rule {
    pub id: String,
    pub title_zh: String,
    pub title_en: String,
    pub severity: Severity,
    pub record: String,
    pub inputs: Vec<String>,
    pub basis: String,
    pub amount: String,
    pub explain_zh: String,
    pub explain_en: String,
    pub params: Vec<Param>,
    /// The query with `{{param}}` placeholders.
    pub sql: String,
    /// Where the rule came from: `built-in` or a file path.
    pub origin: String,
}

const KEYS: &[&str] = &[
    "id",
    "title.zh",
    "title.en",
    "severity",
    "record",
    "inputs",
    "basis",
    "amount",
    "explain.zh",
    "explain.en",
    "param",
];

impl Rule {
    /// Parses a rule file; every error names the file and what is wrong with it.
    pub fn parse(text: &str, origin: &str) -> Result<Rule> {
        let err = |msg: String| anyhow!("{origin}: {msg}");
        let mut header: BTreeMap<&str, String> = BTreeMap::new();
        let mut params = Vec::new();
        let mut sql = String::new();
        let mut in_header = true;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if in_header {
                if trimmed.is_empty() {
                    continue;
                }
                if let Some(rest) = trimmed.strip_prefix("--") {
                    let Some((key, value)) = rest.split_once(':') else {
                        return Err(err(format!(
                            "line {}: a header line is `-- key: value`",
                            n + 1
                        )));
                    };
                    let key = key.trim();
                    if !KEYS.contains(&key) {
                        return Err(err(format!(
                            "line {}: unknown header field `{key}` (known: {})",
                            n + 1,
                            KEYS.join(", ")
                        )));
                    }
                    let value = value.trim().to_string();
                    if key == "param" {
                        params.push(
                            parse_param(&value).map_err(|e| err(format!("line {}: {e}", n + 1)))?,
                        );
                    } else if header
                        .insert(KEYS.iter().find(|k| **k == key).expect("known"), value)
                        .is_some()
                    {
                        return Err(err(format!(
                            "line {}: header field `{key}` given twice",
                            n + 1
                        )));
                    }
                    continue;
                }
                in_header = false;
            }
            sql.push_str(line);
            sql.push('\n');
        }
        let mut take = |key: &str| {
            header
                .remove(key)
                .ok_or_else(|| err(format!("missing header field `{key}`")))
        };
        let rule = Rule {
            id: take("id")?,
            title_zh: take("title.zh")?,
            title_en: take("title.en")?,
            severity: {
                let s = take("severity")?;
                Severity::parse(&s)
                    .ok_or_else(|| err(format!("severity `{s}` is not high, medium or low")))?
            },
            record: take("record")?,
            inputs: take("inputs")?
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            basis: take("basis")?,
            amount: take("amount")?,
            explain_zh: take("explain.zh")?,
            explain_en: take("explain.en")?,
            params,
            sql,
            origin: origin.to_string(),
        };
        if !RECORD_TYPES.contains(&rule.record.as_str()) {
            bail!(
                "{origin}: record `{}` is not one of {}",
                rule.record,
                RECORD_TYPES.join(", ")
            );
        }
        for input in &rule.inputs {
            if qingfeng_domain::contract::table(input).is_none() && input != "data_window" {
                bail!("{origin}: input `{input}` is no table of the data contract");
            }
        }
        if rule.sql.trim().is_empty() {
            bail!("{origin}: the rule has no SQL after its header");
        }
        // Every placeholder must be a declared parameter, and every parameter used.
        for name in placeholders(&rule.sql) {
            if !rule.params.iter().any(|p| p.name == name) {
                bail!("{origin}: the SQL uses `{{{{{name}}}}}` but no `-- param: {name} = …` declares it");
            }
        }
        for p in &rule.params {
            if !rule.sql.contains(&format!("{{{{{}}}}}", p.name)) {
                bail!(
                    "{origin}: parameter `{}` is declared but the SQL never uses it",
                    p.name
                );
            }
        }
        Ok(rule)
    }

    /// The SQL with parameters filled in: defaults, overridden by `values`.
    pub fn sql_with(&self, values: &BTreeMap<String, String>) -> String {
        let mut sql = self.sql.clone();
        for p in &self.params {
            let v = values.get(&p.name).unwrap_or(&p.default);
            sql = sql.replace(&format!("{{{{{}}}}}", p.name), v);
        }
        sql
    }
}

fn parse_param(value: &str) -> Result<Param> {
    let (name, rest) = value
        .split_once('=')
        .ok_or_else(|| anyhow!("a parameter is `name = default  description`"))?;
    let name = name.trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    {
        bail!("parameter name `{name}` must be lower_snake_case");
    }
    let rest = rest.trim();
    let (default, description) = match rest.split_once(char::is_whitespace) {
        Some((d, desc)) => (d, desc.trim()),
        None => (rest, ""),
    };
    check_number(name, default)?;
    Ok(Param {
        name: name.to_string(),
        default: default.to_string(),
        description: description.to_string(),
    })
}

/// Parameter values are spliced into SQL, so they must be plain numbers.
pub fn check_number(name: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value.parse::<f64>().is_ok()
        && value
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-');
    if !ok {
        bail!("value `{value}` of parameter `{name}` is not a plain number");
    }
    Ok(())
}

fn placeholders(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end + 2..];
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "-- id: X-TEST\n-- title.zh: 测试\n-- title.en: Test\n-- severity: low\n-- record: payment\n\
        -- inputs: payments\n-- basis: none\n-- amount: the payment\n-- explain.zh: {a}\n-- explain.en: {a}\n\
        -- param: limit = 2000  yuan\nSELECT payment_id AS record_ids FROM payments WHERE amount > {{limit}}\n";

    #[test]
    fn parses_a_rule_and_fills_parameters() {
        let r = Rule::parse(GOOD, "test").unwrap();
        assert_eq!(r.params[0].default, "2000");
        assert!(r.sql_with(&BTreeMap::new()).contains("amount > 2000"));
        let custom = BTreeMap::from([("limit".to_string(), "5".to_string())]);
        assert!(r.sql_with(&custom).contains("amount > 5"));
    }

    #[test]
    fn explains_what_is_wrong() {
        let missing = GOOD.replace("-- basis: none\n", "");
        assert!(Rule::parse(&missing, "f.sql")
            .unwrap_err()
            .to_string()
            .contains("missing header field `basis`"));
        let unknown = GOOD.replace("-- basis: none", "-- basis: none\n-- colour: red");
        assert!(Rule::parse(&unknown, "f.sql")
            .unwrap_err()
            .to_string()
            .contains("unknown header field `colour`"));
        let undeclared = GOOD.replace("{{limit}}", "{{limits}}");
        assert!(Rule::parse(&undeclared, "f.sql")
            .unwrap_err()
            .to_string()
            .contains("`{{limits}}`"));
        let injected = GOOD.replace("limit = 2000", "limit = 1;DROP");
        assert!(Rule::parse(&injected, "f.sql").is_err());
    }
}
