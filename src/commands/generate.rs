use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Output folder (created if missing)
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 20)]
    pub villages: u32,
    #[arg(long, default_value_t = 300)]
    pub persons_per_village: u32,
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Share of eligible records given a planted anomaly
    #[arg(long, default_value_t = 0.02)]
    pub anomaly_rate: f64,
    /// 12-digit county code from the national list (default: chosen by the seed)
    #[arg(long)]
    pub county: Option<String>,
    /// Share of cells (0-1) written as county offices really export them: full-width digits,
    /// spaces in names, traditional characters, 15-digit IDs, grouped account numbers, GBK and
    /// CRLF… The content and truth.csv stay the same.
    #[arg(long, default_value_t = 0.0)]
    pub dirty: f64,
}

impl Args {
    pub fn options(&self) -> qingfeng_synth::Options {
        qingfeng_synth::Options {
            out: self.out.clone(),
            villages: self.villages,
            persons_per_village: self.persons_per_village,
            months: self.months,
            seed: self.seed,
            anomaly_rate: self.anomaly_rate,
            county: self.county.clone(),
            dirty: self.dirty,
        }
    }
}

pub fn run(args: &Args) -> Result<ExitCode> {
    anyhow::ensure!(
        (0.0..=0.5).contains(&args.anomaly_rate),
        "--anomaly-rate must be between 0 and 0.5"
    );
    let started = Instant::now();
    let summary = qingfeng_synth::generate(&args.options())?;
    print_summary(&summary, &args.out, started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

pub fn print_summary(summary: &qingfeng_synth::Summary, out: &std::path::Path, secs: f64) {
    println!(
        "模拟县 / synthetic county: {} {} → {} ({secs:.1} s)",
        summary.county_name,
        summary.county_code,
        out.display()
    );
    for (table, rows) in &summary.rows {
        println!("  {table:<22} {rows:>10}");
    }
    let planted: u64 = summary.planted.iter().map(|(_, n)| n).sum();
    println!(
        "  埋设异常 / planted anomalies: {planted} across {} rules; 干扰项 / decoys: {} (truth.csv, decoys.csv)",
        summary.planted.len(),
        summary.decoys
    );
}
