//! The generated truth is exactly what rules-v1 fires on, and no decoy fires.

use crate::checker;

use std::collections::BTreeSet;

fn county(villages: u32, persons: u32, months: u32, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = qingfeng_synth::Options {
        out: dir.path().to_path_buf(),
        villages,
        persons_per_village: persons,
        months,
        seed,
        ..Default::default()
    };
    qingfeng_synth::generate(&opts).expect("generation succeeds");
    dir
}

fn assert_exact(dir: &std::path::Path) {
    let report = checker::check(dir);
    let truth = checker::truth(dir);
    let missing: Vec<_> = truth.difference(&report.fired).collect();
    let extra: Vec<_> = report.fired.difference(&truth).collect();
    let decoy_ids: BTreeSet<String> = checker::load(dir, "decoys")
        .iter()
        .flat_map(|r| {
            r["record_ids"]
                .split(';')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let fired_ids: BTreeSet<String> = report
        .fired
        .iter()
        .flat_map(|(_, _, ids)| ids.split(';').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let decoys_fired: Vec<_> = decoy_ids.intersection(&fired_ids).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && report.ambiguous.is_empty() && decoys_fired.is_empty(),
        "truth but not fired: {missing:#?}\nfired but not in truth: {extra:#?}\nambiguous: {:#?}\ndecoys fired: {decoys_fired:#?}",
        report.ambiguous
    );
}

#[test]
fn truth_is_exact_on_a_small_county() {
    let dir = county(3, 50, 12, 7);
    assert_exact(dir.path());
}

#[test]
fn truth_is_exact_on_a_medium_county() {
    let dir = county(12, 200, 24, 11);
    assert_exact(dir.path());
}

/// `SYNTH_SWEEP="villages,persons,months,seed,rate;..." cargo test -- --ignored sweep`
#[test]
#[ignore]
fn sweep() {
    let spec = std::env::var("SYNTH_SWEEP").unwrap_or_else(|_| "1,30,6,1,0.02".into());
    for c in spec.split(';') {
        let f: Vec<&str> = c.split(',').collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = qingfeng_synth::Options {
            out: dir.path().to_path_buf(),
            villages: f[0].parse().unwrap(),
            persons_per_village: f[1].parse().unwrap(),
            months: f[2].parse().unwrap(),
            seed: f[3].parse().unwrap(),
            anomaly_rate: f[4].parse().unwrap(),
            county: None,
            dirty: 0.0,
        };
        qingfeng_synth::generate(&opts).expect("generation succeeds");
        eprintln!("checking {c}");
        assert_exact(dir.path());
    }
}
