//! The generated files follow the data contract: headers, parseable cells, unique keys,
//! resolving references, consistent dates; determinism; every rule planted at least twice.

use crate::checker;

use qingfeng_domain::contract::{self, Kind, TABLES};
use qingfeng_domain::IdNumber;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn generate(dir: &Path, seed: u64) -> qingfeng_synth::Summary {
    let opts = qingfeng_synth::Options {
        out: dir.to_path_buf(),
        villages: 3,
        persons_per_village: 50,
        months: 12,
        seed,
        ..Default::default()
    };
    qingfeng_synth::generate(&opts).expect("generation succeeds")
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("output dir") {
        let p = e.expect("entry").path();
        out.insert(
            p.file_name().unwrap().to_string_lossy().to_string(),
            std::fs::read(&p).expect("file"),
        );
    }
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(a.path(), 42);
    generate(b.path(), 42);
    generate(c.path(), 43);
    let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
    assert_eq!(fa.len(), TABLES.len() + 2, "every table, truth and decoys");
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between two runs with the same seed"
        );
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name} has a BOM");
    }
    assert!(fa["persons.csv"] != fc["persons.csv"] && fa["payments.csv"] != fc["payments.csv"]);
}

#[test]
fn every_rule_is_planted_at_least_twice() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), 5);
    let truth = checker::load(dir.path(), "truth");
    for rule in qingfeng_synth::RULES {
        let n = truth.iter().filter(|r| r["rule_id"] == rule).count();
        assert!(n >= 2, "{rule} planted {n} times");
    }
    assert_eq!(summary.planted.len(), qingfeng_synth::RULES.len());
    let decoys = checker::load(dir.path(), "decoys");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for d in &decoys {
        *kinds.entry(d["kind"].clone()).or_default() += 1;
    }
    for (kind, n) in kinds {
        assert!(n >= 2, "decoy {kind} planted {n} times");
    }
}

#[test]
fn files_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 9);
    let dir = dir.path();
    let truth = checker::load(dir, "truth");
    let ghost_payments: HashSet<String> = truth
        .iter()
        .filter(|r| r["rule_id"] == "SUB-GHOST")
        .map(|r| r["record_ids"].clone())
        .collect();
    let mut ghost_ids: HashSet<String> = HashSet::new();
    let mut values: BTreeMap<(String, String), HashSet<String>> = BTreeMap::new();
    for t in TABLES {
        let path = dir.join(t.file_name());
        let mut rdr = csv::Reader::from_path(&path).expect("table file");
        let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let expected: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, expected, "{} header", t.name);
        let mut keys: HashSet<Vec<String>> = HashSet::new();
        for (line, rec) in rdr.records().enumerate() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), t.columns.len());
            for (c, raw) in t.columns.iter().zip(rec.iter()) {
                if raw.is_empty() {
                    assert!(
                        !c.required,
                        "{}:{} empty required {}",
                        t.name,
                        line + 2,
                        c.name
                    );
                    continue;
                }
                let parsed = contract::parse_cell(c.kind, raw).unwrap_or_else(|e| {
                    panic!("{}:{} {} = {raw:?}: {}", t.name, line + 2, c.name, e.en)
                });
                if c.kind == Kind::IdNumberAsRecorded && parsed.warning.is_some() {
                    ghost_ids.insert(raw.to_string());
                    if t.name == "payments" {
                        assert!(
                            ghost_payments.contains(&rec[0]),
                            "payment {} has an invalid ID but is no ghost plant",
                            &rec[0]
                        );
                    }
                }
                values
                    .entry((t.name.to_string(), c.name.to_string()))
                    .or_default()
                    .insert(raw.to_string());
            }
            let key: Vec<String> = t
                .key
                .iter()
                .map(|k| rec[t.column_index(k).unwrap()].to_string())
                .collect();
            assert!(
                keys.insert(key.clone()),
                "{}: duplicate key {key:?}",
                t.name
            );
            let get = |n: &str| rec[t.column_index(n).unwrap()].to_string();
            let order = |a: &str, b: &str| {
                let (x, y) = (get(a), get(b));
                assert!(
                    x.is_empty() || y.is_empty() || x <= y,
                    "{}:{} {a} {x} after {b} {y}",
                    t.name,
                    line + 2
                );
            };
            match t.name {
                "persons" => {
                    let id = IdNumber::parse(&get("id_number")).unwrap();
                    assert_eq!(get("gender"), id.gender().zh());
                    assert_eq!(
                        get("birth_date"),
                        id.birth_date().format("%Y-%m-%d").to_string()
                    );
                }
                "officials" | "land_contracts" | "collective_contracts" => {
                    order("start_date", "end_date")
                }
                "vehicles" => order("registered_on", "deregistered_on"),
                "vouchers" => {
                    let income = contract::INCOME_CATEGORIES.contains(&get("category").as_str());
                    assert_eq!(
                        income,
                        get("direction") == "income",
                        "{}:{}",
                        t.name,
                        line + 2
                    );
                }
                _ => {}
            }
            if matches!(t.name, "entitlements" | "collective_contracts") {
                order("publicity_start", "publicity_end");
            }
        }
    }
    // Every invalid ID number is a planted ghost (wrong check character), in the money columns only.
    for id in &ghost_ids {
        assert_eq!(
            IdNumber::parse(id).unwrap_err().code,
            "id_number_check",
            "{id}"
        );
    }
    for t in TABLES {
        for r in t.references {
            let targets = values
                .get(&(r.target_table.to_string(), r.target_column.to_string()))
                .cloned()
                .unwrap_or_default();
            for v in values
                .get(&(t.name.to_string(), r.column.to_string()))
                .cloned()
                .unwrap_or_default()
            {
                assert!(
                    targets.contains(&v),
                    "{}.{} = {v} not in {}.{}",
                    t.name,
                    r.column,
                    r.target_table,
                    r.target_column
                );
            }
        }
    }
    let divisions = checker::load(dir, "divisions");
    let county: Vec<_> = divisions
        .iter()
        .filter(|d| d["level"] == "county")
        .collect();
    assert_eq!(county.len(), 1);
    assert!(county[0]["parent_code"].is_empty());
    for d in &divisions {
        let code = qingfeng_domain::DivisionCode::parse(&d["code"]).unwrap();
        assert_eq!(code.level().as_str(), d["level"]);
        assert_eq!(
            code.parent().map(|p| p.to_string()).unwrap_or_default(),
            d["parent_code"]
        );
    }
    // Persons' ID numbers carry the county's division.
    let c6 = &county[0]["code"][..6];
    for p in checker::load(dir, "persons") {
        assert_eq!(&p["id_number"][..6], c6);
    }
}
