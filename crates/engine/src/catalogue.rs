//! The rules a check runs: the built-in catalogue, rules added or overridden from a folder, and
//! thresholds from a TOML file.

use crate::rule::{check_number, Rule};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub rules: Vec<Rule>,
    /// Parameter values by rule id, overriding the defaults of the rule files.
    pub settings: BTreeMap<String, BTreeMap<String, String>>,
}

impl Catalogue {
    pub fn builtin() -> Result<Catalogue> {
        let mut rules = Vec::new();
        for (name, text) in BUILTIN_RULES {
            let rule = Rule::parse(text, &format!("built-in {name}"))?;
            check_file_name(&rule, name)?;
            rules.push(rule);
        }
        Ok(Catalogue {
            rules,
            settings: BTreeMap::new(),
        })
    }

    /// Adds the rules of `dir` (`*.sql`); a rule with a built-in's id replaces it.
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("reading rules folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let rule = Rule::parse(&text, &path.display().to_string())?;
            check_file_name(
                &rule,
                &path.file_name().unwrap_or_default().to_string_lossy(),
            )?;
            match self.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(existing) => *existing = rule,
                None => self.rules.push(rule),
            }
        }
        self.rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }

    /// Reads thresholds: `[rules.<ID>]` tables of `param = number`. Unknown rules, unknown
    /// parameters and any other key are errors, so a typo never silently keeps a default.
    pub fn apply_settings(&mut self, path: &Path) -> Result<()> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: toml::Table = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        for (key, value) in &doc {
            if key != "rules" {
                bail!(
                    "{}: unknown key `{key}` (only [rules.<ID>] tables are allowed)",
                    path.display()
                );
            }
            let Some(rules) = value.as_table() else {
                bail!("{}: `rules` must be a table", path.display())
            };
            for (id, params) in rules {
                let Some(rule) = self.rules.iter().find(|r| &r.id == id) else {
                    bail!("{}: unknown rule `{id}`", path.display());
                };
                let Some(params) = params.as_table() else {
                    bail!("{}: [rules.{id}] must be a table", path.display())
                };
                for (name, v) in params {
                    if !rule.params.iter().any(|p| &p.name == name) {
                        let known: Vec<&str> =
                            rule.params.iter().map(|p| p.name.as_str()).collect();
                        bail!(
                            "{}: rule {id} has no parameter `{name}` (it has: {})",
                            path.display(),
                            known.join(", ")
                        );
                    }
                    let text = match v {
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::Float(f) => f.to_string(),
                        other => bail!("{}: {id}.{name} = {other} is not a number", path.display()),
                    };
                    check_number(name, &text)?;
                    self.settings
                        .entry(id.clone())
                        .or_default()
                        .insert(name.clone(), text);
                }
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The SQL of a rule with its parameters as configured.
    pub fn sql_of(&self, rule: &Rule) -> String {
        let empty = BTreeMap::new();
        rule.sql_with(self.settings.get(&rule.id).unwrap_or(&empty))
    }
}

fn check_file_name(rule: &Rule, file: &str) -> Result<()> {
    if file.trim_end_matches(".sql") != rule.id {
        bail!(
            "{}: the file of rule {} must be named {}.sql",
            rule.origin,
            rule.id,
            rule.id
        );
    }
    Ok(())
}
