//! Generates a county from the command line and prints its summary and the time taken:
//! `cargo run --release -p qingfeng-synth --example synth -- OUT VILLAGES PERSONS MONTHS [SEED] [RATE]`.

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = qingfeng_synth::Options::default();
    let num = |i: usize| args.get(i).and_then(|s| s.parse::<u64>().ok());
    if let Some(out) = args.first() {
        o.out = out.into();
    }
    if let Some(v) = num(1) {
        o.villages = v as u32;
    }
    if let Some(v) = num(2) {
        o.persons_per_village = v as u32;
    }
    if let Some(v) = num(3) {
        o.months = v as u32;
    }
    if let Some(v) = num(4) {
        o.seed = v;
    }
    if let Some(r) = args.get(5).and_then(|s| s.parse::<f64>().ok()) {
        o.anomaly_rate = r;
    }
    let t = Instant::now();
    let s = qingfeng_synth::generate(&o)?;
    println!("{} {} in {:.2?}", s.county_code, s.county_name, t.elapsed());
    for (table, n) in &s.rows {
        println!("  {table:22} {n:>10}");
    }
    for (rule, n) in &s.planted {
        println!("  {rule:28} {n:>8}");
    }
    println!("  decoys {}", s.decoys);
    Ok(())
}
