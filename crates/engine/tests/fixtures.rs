//! Golden fixtures: every case folder under `rules/fixtures/<RULE>/<case>/` becomes one test per
//! database backend. The case's CSV files are imported exactly as agencies' files are, the rule
//! runs alone, and its clues must equal `expected.csv` — no more, no fewer.

use libtest_mimic::{Arguments, Failed, Trial};
use qingfeng_engine::check::{catalogue, CheckOptions};
use qingfeng_engine::Catalogue;
use qingfeng_engine::{load, run_rules, RuleStatus};
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_test_support::{Backend, TestDb};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type ClueKey = (String, String, String, i64, String);

fn expected(case: &Path) -> BTreeSet<ClueKey> {
    let mut r = csv::Reader::from_path(case.join("expected.csv")).expect("expected.csv");
    r.records()
        .map(|row| {
            let row = row.expect("row");
            (
                row[0].to_string(),
                row[1].to_string(),
                row[2].to_string(),
                row[3]
                    .parse()
                    .expect("amount_at_risk_fen is a whole number of fen"),
                row[4].to_string(),
            )
        })
        .collect()
}

async fn run_case(
    cat: &Catalogue,
    rule: &str,
    case: &Path,
    backend: Backend,
) -> Result<(), Failed> {
    let db = TestDb::new(backend).await;
    let reports = tempfile::tempdir().map_err(|e| e.to_string())?;
    let opts = ImportOptions {
        report_dir: reports.path().to_path_buf(),
        progress: false,
    };
    let outcome = import(&db.store, case, &opts)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if !matches!(outcome.status, Status::Imported { .. }) {
        return Err(format!(
            "the fixture was not imported: {:?}",
            outcome.problems.listed
        )
        .into());
    }
    let regs = load(&db.store, None).await.map_err(|e| format!("{e:#}"))?;
    let outcomes = run_rules(&regs, cat, &[rule.to_string()], |_| {})
        .await
        .map_err(|e| format!("{e:#}"))?;
    let o = &outcomes[0];
    let got: BTreeSet<ClueKey> = match &o.status {
        RuleStatus::Ran => o
            .clues
            .iter()
            .map(|c| {
                (
                    c.record_ids.clone(),
                    c.subject_id.clone().unwrap_or_default(),
                    c.village_code.clone().unwrap_or_default(),
                    c.amount_at_risk_fen,
                    c.severity.as_str().to_string(),
                )
            })
            .collect(),
        RuleStatus::NotComputable { .. } => BTreeSet::new(),
        RuleStatus::Failed { message } => return Err(message.clone().into()),
    };
    let want = expected(case);
    db.drop_db().await;
    if got != want {
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        return Err(format!("missing: {missing:#?}\nunexpected: {extra:#?}").into());
    }
    Ok(())
}

/// The portal's "passed / not validly passed" and the DEC-INVALID rule answer alike for every
/// decision of every DEC-INVALID case: they are one definition (issue 13).
async fn portal_agrees_with_the_rule(cat: &Catalogue, backend: Backend) -> Result<(), Failed> {
    for (rule, case) in cases() {
        if rule != "DEC-INVALID" {
            continue;
        }
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().map_err(|e| e.to_string())?;
        let opts = ImportOptions {
            report_dir: reports.path().to_path_buf(),
            progress: false,
        };
        import(&db.store, &case, &opts)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let regs = load(&db.store, None).await.map_err(|e| format!("{e:#}"))?;
        let outcomes = run_rules(&regs, cat, std::slice::from_ref(&rule), |_| {})
            .await
            .map_err(|e| format!("{e:#}"))?;
        let flagged: BTreeSet<String> = outcomes[0]
            .clues
            .iter()
            .map(|c| c.record_ids.clone())
            .collect();
        let mut portal = BTreeSet::new();
        let mut seen = 0;
        let villages: Vec<String> = csv::Reader::from_path(case.join("divisions.csv"))
            .map_err(|e| e.to_string())?
            .records()
            .map(|r| r.expect("row")[0].to_string())
            .collect();
        for village in villages {
            let records = db
                .store
                .village_records(&village, "2026-12-01")
                .await
                .map_err(|e| format!("{e:#}"))?;
            for d in records.decisions {
                seen += 1;
                if d.defect.is_some() {
                    portal.insert(d.decision_id);
                }
            }
        }
        db.drop_db().await;
        if seen == 0 || portal != flagged {
            return Err(format!(
                "{}: the portal finds {portal:?} not validly passed, the rule {flagged:?}",
                case.display()
            )
            .into());
        }
    }
    Ok(())
}

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).expect("fixtures folder") {
        let rule = rule.expect("entry").path();
        for case in std::fs::read_dir(&rule).expect("rule folder") {
            let case = case.expect("entry").path();
            if case.join("expected.csv").exists() {
                out.push((
                    rule.file_name().unwrap().to_string_lossy().to_string(),
                    case,
                ));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let args = Arguments::from_args();
    // The catalogue is loaded and every rule planned once (the check's own validation), not once
    // per case: 366 cases each planning all 33 rules were most of this test's time.
    let cat = std::sync::Arc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(catalogue(&CheckOptions::default()))
            .expect("the catalogue plans"),
    );
    let mut trials = Vec::new();
    for (rule, case) in cases() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let name = format!(
                "{rule}/{}/{backend:?}",
                case.file_name().unwrap().to_string_lossy()
            )
            .to_lowercase();
            let (rule, case, cat) = (rule.clone(), case.clone(), cat.clone());
            trials.push(Trial::test(name, move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(run_case(&cat, &rule, &case, backend))
            }));
        }
    }
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let cat = cat.clone();
        trials.push(Trial::test(
            format!("dec-invalid/the-portal-agrees-with-the-rule/{backend:?}").to_lowercase(),
            move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(portal_agrees_with_the_rule(&cat, backend))
            },
        ));
    }
    // Each rule of the catalogue has its docs page and at least one positive and one negative case.
    trials.push(Trial::test(
        "catalogue/every-rule-documented-and-fixtured",
        || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let cat = rt
                .block_on(catalogue(&CheckOptions::default()))
                .map_err(|e| format!("{e:#}"))?;
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let mut problems = Vec::new();
            for r in &cat.rules {
                if !root.join(format!("../../docs/rules/{}.md", r.id)).exists() {
                    problems.push(format!("{}: no docs page", r.id));
                }
                let cases: Vec<_> = cases().into_iter().filter(|(id, _)| id == &r.id).collect();
                let positive = cases
                    .iter()
                    .filter(|(_, c)| !expected(c).is_empty())
                    .count();
                if positive == 0 || positive == cases.len() {
                    problems.push(format!(
                        "{}: needs positive and negative fixture cases ({} of {} positive)",
                        r.id,
                        positive,
                        cases.len()
                    ));
                }
            }
            // rules-v1's 33, RES-OUTSIDER-CONSENT, and the village books' FUN-CASH-ON-HAND and
            // FUN-CASH-UNBANKED (issue 14).
            if cat.rules.len() != 36 {
                problems.push(format!(
                    "the catalogue has 36 rules, found {}",
                    cat.rules.len()
                ));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n").into())
            }
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}
