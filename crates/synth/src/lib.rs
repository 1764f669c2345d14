//! A synthetic county for Qingfeng: realistic registers in the data contract (v1), with planted
//! anomalies for every rule of rules-v1, legitimate decoys that must not be flagged, and the
//! ground truth.
//!
//! `generate` writes into `Options::out`:
//! - the 19 contract tables (`divisions.csv` … `disclosures.csv`), UTF-8 without BOM, headers in
//!   the contract's column order;
//! - `truth.csv` (`rule_id,record_type,record_ids`): every record any rule fires on, including
//!   side effects of plants (listed below), one row per record or per group;
//! - `decoys.csv` (`kind,record_type,record_ids,looks_like_rule`): look-alikes that fire no rule.
//!
//! # Window
//! The data cover `months` months ending 2025-12 (fixed, never the wall clock); the data's last
//! date is 2025-12-31. Rent of collective contracts is booked from each contract's start (at
//! most five years back), so completed contract years always have their vouchers.
//!
//! # Size
//! Monthly programs (basic pension 60+, old-age allowance 80+, disability subsidies, 低保, 特困)
//! reach about 30 % of persons, so
//!
//! ```text
//! payments ≈ entitlements ≈ villages × persons_per_village × 0.30 × months
//!            + villages × persons_per_village × 0.18 × ceil(months / 12)   (annual per-mu subsidy)
//! ```
//!
//! e.g. 200 × 2000 × 36 gives about 4.6 million payments (measured: 4,588,966, in 8 s on one
//! core); 1 million needs about `villages 100, persons_per_village 1000, months 33`, 10 million
//! about `villages 400, persons_per_village 2000, months 40`. Entitlements and payments are streamed
//! village by village; memory holds the persons (≈150 bytes each) and small registers only.
//!
//! # Rates
//! `anomaly_rate` is applied per eligible unit of each rule (a beneficiary's stream for SUB-*,
//! an expense voucher, project, contract, decision or official), with at least two instances of
//! every rule and at least one of every branch of rules with several (SUB-GHOST's three, SUB-WEALTH's
//! six, DEC-INVALID's seven…). Decoys use the same rate, at least two of each kind.
//!
//! # Interactions listed in truth
//! - PRO-NO-DECISION without a decision or with an invalid one: its payment voucher (≥ 50,000
//!   yuan) is also FUN-NO-DECISION; the invalid decision is DEC-INVALID.
//! - RES-NO-DECISION and FUN-NO-DECISION with an invalid decision: that decision is DEC-INVALID.
//! - PRO-RELATED-WINNER won by a cadre's relative in person: the payment voucher is also
//!   FUN-SELF-DEALING.
//! - SUB-DUPLICATE (entitled twice) lists both entitlements of each period as one group.

mod calendar;
mod decisions;
pub mod dirt;
mod names;
mod officials;
mod out;
mod people;
mod projects;
mod registers;
mod resources;
mod subsidies;
mod truth;
mod village_books;
mod village_funds;
mod wealth;
mod world;

use anyhow::{bail, Context, Result};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::PathBuf;
use world::{Plan, World};

pub use truth::RULES;

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub villages: u32,
    pub persons_per_village: u32,
    pub months: u32,
    pub seed: u64,
    pub anomaly_rate: f64,
    /// A 12-digit county code of cn-adcodes-county.csv; drawn from the seed when `None`.
    pub county: Option<String>,
    /// Share of cells written the way county offices really export them (see `dirt`); 0 writes
    /// clean files. The content, and so the truth, is the same either way.
    pub dirty: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            out: PathBuf::from("demo-county"),
            villages: 20,
            persons_per_village: 300,
            months: 12,
            seed: 1,
            anomaly_rate: 0.02,
            county: None,
            dirty: 0.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub county_code: String,
    pub county_name: String,
    /// Rows written per contract table, in contract order.
    pub rows: Vec<(&'static str, u64)>,
    /// Truth rows per rule id, in catalogue order.
    pub planted: Vec<(&'static str, u64)>,
    pub decoys: u64,
}

/// Rule (or decoy kind), the eligible unit it is counted on, and its minimum count.
#[derive(Clone, Copy)]
enum Unit {
    Streams,
    Accounts,
    MeansTested,
    Land,
    Expenses,
    LargeExpenses,
    Projects,
    Contracts,
    Decisions,
    Officials,
}

const PLAN: &[(&str, Unit, u32)] = &[
    ("SUB-DECEASED", Unit::Streams, 2),
    ("SUB-GHOST", Unit::Streams, 3),
    ("SUB-NO-ENTITLEMENT", Unit::Streams, 2),
    ("SUB-SHORT-PAID", Unit::Streams, 2),
    ("SUB-DUPLICATE", Unit::Streams, 2),
    ("SUB-ACCOUNT-MISMATCH", Unit::Streams, 2),
    ("SUB-SHARED-ACCOUNT", Unit::Accounts, 2),
    ("SUB-OFFICIAL-RELATIVE", Unit::MeansTested, 2),
    ("SUB-WEALTH", Unit::MeansTested, 6),
    ("SUB-AREA-INFLATED", Unit::Land, 2),
    ("SUB-NOT-PUBLICIZED", Unit::MeansTested, 3),
    ("FUN-UNAPPROVED", Unit::Expenses, 2),
    ("FUN-CASH-LIMIT", Unit::Expenses, 2),
    ("FUN-NO-DECISION", Unit::LargeExpenses, 3),
    ("FUN-SPLIT", Unit::LargeExpenses, 2),
    ("FUN-SELF-DEALING", Unit::Expenses, 3),
    ("FUN-RENT-MISSING", Unit::Contracts, 2),
    ("PRO-DIRECT-ABOVE-THRESHOLD", Unit::Projects, 2),
    ("PRO-FEW-BIDS", Unit::Projects, 2),
    ("PRO-SHORT-NOTICE", Unit::Projects, 3),
    ("PRO-SPLIT", Unit::Projects, 2),
    ("PRO-RELATED-WINNER", Unit::Projects, 3),
    ("PRO-COLLUSION", Unit::Projects, 4),
    ("PRO-NEAR-CEILING", Unit::Projects, 2),
    ("PRO-OVERRUN", Unit::Projects, 2),
    ("PRO-NO-DECISION", Unit::Projects, 3),
    ("RES-NO-DECISION", Unit::Contracts, 3),
    ("RES-SHORT-PUBLICITY", Unit::Contracts, 3),
    ("RES-UNDERPRICED", Unit::Contracts, 2),
    ("RES-RELATED-PARTY", Unit::Contracts, 3),
    ("RES-OVERLONG-TERM", Unit::Contracts, 3),
    ("RES-OUTSIDER-CONSENT", Unit::Contracts, 2),
    ("DEC-INVALID", Unit::Decisions, 7),
    ("OFF-UNDECLARED-RELATIVE", Unit::Officials, 2),
    ("decoy:arrears_after_death", Unit::Streams, 2),
    ("decoy:paid_to_household_head", Unit::Streams, 2),
    ("decoy:ex_official_household_on_dibao", Unit::MeansTested, 2),
    ("decoy:relative_filed", Unit::MeansTested, 2),
    ("decoy:same_surname_not_relative", Unit::MeansTested, 2),
    (
        "decoy:relative_of_other_village_cadre",
        Unit::MeansTested,
        2,
    ),
    ("decoy:farm_vehicle_on_dibao", Unit::MeansTested, 2),
    ("decoy:deregistered_car_on_dibao", Unit::MeansTested, 2),
    ("decoy:deregistered_company_on_dibao", Unit::MeansTested, 2),
    ("decoy:area_within_tolerance", Unit::Land, 2),
    ("decoy:publicity_exactly_7_days", Unit::MeansTested, 2),
    ("decoy:account_shared_by_two_households", Unit::Accounts, 2),
    ("decoy:payment_matched_by_key", Unit::Streams, 2),
    ("decoy:paid_in_two_instalments", Unit::Streams, 2),
    ("decoy:public_employee_undeclared", Unit::Officials, 2),
    ("decoy:cash_exactly_2000", Unit::Expenses, 2),
    ("decoy:split_below_threshold", Unit::LargeExpenses, 2),
    ("decoy:split_outside_window", Unit::LargeExpenses, 2),
    ("decoy:cadre_pay_to_cadre", Unit::Expenses, 2),
    ("decoy:ex_cadre_labour", Unit::Expenses, 2),
    ("decoy:open_two_valid_bids", Unit::Projects, 2),
    ("decoy:invited_three_valid_bids", Unit::Projects, 2),
    ("decoy:notice_exactly_minimum", Unit::Projects, 4),
    ("decoy:direct_award_at_budget", Unit::Projects, 2),
    ("decoy:award_98_percent", Unit::Projects, 2),
    ("decoy:overrun_within_tolerance", Unit::Projects, 2),
    ("decoy:same_winner_far_apart", Unit::Projects, 2),
    ("decoy:same_winner_small_total", Unit::Projects, 2),
    ("decoy:ex_cadre_company_wins", Unit::Projects, 2),
    ("decoy:term_exactly_legal_limit", Unit::Contracts, 3),
    ("decoy:contract_publicity_7_days", Unit::Contracts, 2),
    ("decoy:rent_within_tolerance", Unit::Contracts, 2),
    ("decoy:ex_cadre_counterparty", Unit::Contracts, 2),
    ("decoy:outsider_exactly_two_thirds", Unit::Contracts, 2),
    ("decoy:member_simple_majority", Unit::Contracts, 2),
    ("decoy:decision_at_quorum_boundary", Unit::Decisions, 10),
    // Added after the others, so that their villages stay where they were.
    ("FUN-CASH-ON-HAND", Unit::Contracts, 2),
    ("FUN-CASH-UNBANKED", Unit::Contracts, 2),
    ("decoy:cash_at_limit", Unit::Contracts, 2),
    ("decoy:cash_banked_in_time", Unit::Contracts, 2),
];

fn make_plan(w: &World) -> Plan {
    let v = w.villages.len() as u64;
    let months = w.win.len() as u64;
    let last = w.win.last_date;
    let mut streams = 0u64;
    let mut means = 0u64;
    let mut land = 0u64;
    for p in 0..w.persons.len() as u32 {
        let age = w.age_on(p, last);
        streams += u64::from(age >= 60)
            + u64::from(age >= 80)
            + u64::from(w.persons[p as usize].disabled > 0);
    }
    for h in &w.households {
        means += u64::from(h.dibao || h.tekun);
        land += u64::from(h.land_centi > 0);
    }
    streams += means;
    let officials = w
        .officials
        .iter()
        .filter(|o| o.cat != world::Cat::Public)
        .count() as u64;
    let count = |u: Unit| -> u64 {
        match u {
            Unit::Streams => streams,
            Unit::Accounts => streams / 10,
            Unit::MeansTested => means,
            Unit::Land => land,
            Unit::Expenses => v * months * 9,
            Unit::LargeExpenses => v * months / 2,
            Unit::Projects => (v * months * 2 / 12).max(v),
            Unit::Contracts => v * 4,
            Unit::Decisions => v * months * 4 / 12,
            Unit::Officials => officials,
        }
    };
    let mut per_village = HashMap::new();
    for (k, (kind, unit, min)) in PLAN.iter().enumerate() {
        let n = ((w.opts.anomaly_rate * count(*unit) as f64).round() as u64).max(u64::from(*min));
        let mut c = vec![0u32; v as usize];
        let offset = (k as u64 * 7) % v;
        for i in 0..n {
            c[((offset + i) % v) as usize] += 1;
        }
        per_village.insert(*kind, c);
    }
    Plan {
        per_village,
        seq: HashMap::new(),
        dup_source: None,
    }
}

pub fn generate(opts: &Options) -> Result<Summary> {
    if opts.villages == 0 || opts.persons_per_village < 20 {
        bail!("a county needs at least 1 village of at least 20 persons");
    }
    if !(6..=120).contains(&opts.months) {
        bail!("months must be between 6 and 120 (every rule needs room to be planted)");
    }
    if !(0.0..=0.5).contains(&opts.anomaly_rate) {
        bail!("anomaly_rate must be between 0 and 0.5");
    }
    if !(0.0..=1.0).contains(&opts.dirty) {
        bail!("dirty must be between 0 and 1");
    }
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("creating {}", opts.out.display()))?;
    let dir = opts.out.as_path();
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let county = people::choose_county(&mut rng, opts.county.as_deref())?;
    let mut w = World {
        rng,
        opts: opts.clone(),
        win: calendar::Window::new(opts.months),
        county,
        townships: Vec::new(),
        villages: Vec::new(),
        persons: Vec::new(),
        households: Vec::new(),
        id_next: HashMap::new(),
        ghost_next: 0,
        phone_next: 0,
        account_next: 0,
        plate_next: 0,
        address_next: 0,
        officials: Vec::new(),
        declared: Vec::new(),
        companies: Vec::new(),
        company_people: Vec::new(),
        vehicles: Vec::new(),
        properties: Vec::new(),
        builders: Vec::new(),
        suppliers: Vec::new(),
        farms: Vec::new(),
        power_company: 0,
        truth: truth::Truth::default(),
        decoys: truth::Decoys::default(),
        plan: Plan {
            per_village: HashMap::new(),
            seq: HashMap::new(),
            dup_source: None,
        },
        term_start: Vec::new(),
    };
    let mut rows: Vec<(&'static str, u64)> = Vec::new();
    people::build_divisions(&mut w);
    people::build_people(&mut w)?;
    officials::build_officials(&mut w);
    rows.push(subsidies::assign_programs(&mut w, dir)?);
    wealth::build_companies(&mut w);
    wealth::build_wealth(&mut w);
    w.plan = make_plan(&w);
    officials::plant_officials(&mut w);

    let mut ledger = subsidies::Ledger::create(&w, dir)?;
    for v in 0..w.villages.len() as u32 {
        subsidies::village(&mut w, &mut ledger, v)?;
    }
    rows.extend(ledger.finish()?);

    let mut reg = registers::Registers::new(&w);
    resources::build(&mut w, &mut reg);
    projects::build(&mut w, &mut reg);
    resources::rent_vouchers(&mut w, &mut reg);
    village_funds::build(&mut w, &mut reg);
    for v in 0..w.villages.len() as u32 {
        decisions::village(&mut w, &mut reg, v);
    }
    let cash = village_books::plant(&mut w, &mut reg);
    rows.extend(registers::write(&mut w, &mut reg, dir)?);
    rows.push(registers::write_disclosures(&mut w, dir)?);

    rows.push(people::write_divisions(&w, dir)?);
    rows.extend(people::write_persons(&w, dir)?);
    rows.extend(officials::write_officials(&w, dir)?);
    rows.extend(wealth::write_market(&w, dir)?);
    rows.push(subsidies::write_programs(dir)?);
    rows.extend(village_books::write(&mut w, &reg, cash, dir)?);
    w.truth.write(dir)?;
    w.decoys.write(dir)?;
    dirt::soil(dir, opts.dirty, opts.seed)?;

    let order: Vec<&'static str> = qingfeng_domain::contract::TABLES
        .iter()
        .map(|t| t.name)
        .collect();
    rows.sort_by_key(|(name, _)| order.iter().position(|o| o == name));
    Ok(Summary {
        county_code: w.county.code.clone(),
        county_name: w.county.name.clone(),
        rows,
        planted: w.truth.counts(),
        decoys: w.decoys.len(),
    })
}
