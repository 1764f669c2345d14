//! Collective assets and resources: land and forest transfers, pond and building leases, with
//! their decisions, publicity and the yearly rent booked as `contract_income` vouchers.
//!
//! Contracts start on 1 January and end on 31 December, so contract years and calendar years
//! coincide (FUN-RENT-MISSING reads the same under either reading). Rent is booked for every
//! contract year up to and including the last one, so the current, unfinished year never
//! matters. Prices per mu are the township's base price ±10 %, so nothing is below 70 % of a
//! median unless planted at 45 %.

use crate::calendar::{add_days, add_years, ymd};
use crate::decisions;
use crate::names;
use crate::registers::{Contract, Registers};
use crate::world::World;
use chrono::Datelike;
use rand::Rng;
use std::collections::HashMap;

/// Kind, base rent per mu and year (fen), area range (centi-mu), term range (years).
type KindSpec = (&'static str, i64, (i64, i64), (i64, i64));

const KINDS: [KindSpec; 4] = [
    ("land_transfer", 70_000, (3_000, 30_000), (5, 15)),
    ("forest_transfer", 4_000, (20_000, 200_000), (15, 40)),
    ("pond_lease", 100_000, (500, 3_000), (5, 10)),
    ("building_lease", 3_000_000, (50, 200), (3, 10)),
];

struct Spec {
    kind: usize,
    start_year: i32,
    term: i32,
    price_factor: f64,
}

fn contract(w: &mut World, r: &mut Registers, v: u32, spec: Spec, base: f64) -> usize {
    let (kind, price, area, _) = KINDS[spec.kind];
    let area_centi = w.range(area.0, area.1);
    let rent = ((area_centi as f64 / 100.0) * price as f64 * base * spec.price_factor / 100.0)
        .round() as i64
        * 100;
    let start = ymd(spec.start_year, 1, 1);
    let end = add_days(add_years(start, spec.term), -1);
    let signed = ymd(
        spec.start_year - 1,
        w.range(11, 12) as u32,
        w.range(1, 20) as u32,
    );
    let subject = format!(
        "{}{}",
        w.villages[v as usize].name,
        match kind {
            "land_transfer" => "集体土地经营权流转",
            "forest_transfer" => "集体林地经营权流转",
            "pond_lease" => "集体山塘出租",
            _ => "闲置村部用房出租",
        }
    );
    let decision = decisions::valid(w, r, v, &subject, Some(rent), add_days(signed, -20));
    let meeting = r.decisions.last().expect("decision just made").meeting;
    let ps = add_days(meeting, 5);
    let pe = add_days(ps, w.range(10, 14));
    let t = w.villages[v as usize].township;
    let (cp_id, cp_name) = if kind != "building_lease" && w.chance(0.5) {
        match w.clean_adult(v, 30, 65) {
            Some(p) => (
                w.persons[p as usize].id.clone(),
                w.persons[p as usize].name.clone(),
            ),
            None => farm(w, t),
        }
    } else {
        farm(w, t)
    };
    let id = r.next_contract_id(w, v);
    let last_year = end.min(w.win.last_date).year_ce().1 as i32;
    let paid_pct = (spec.start_year..=last_year).map(|y| (y, 100)).collect();
    r.contracts.push(Contract {
        id,
        village: v,
        kind,
        cp_id,
        cp_name,
        area_centi,
        rent,
        start,
        end,
        signed,
        decision: Some(decision),
        publicity: Some((ps, pe)),
        paid_pct,
        underpriced: false,
    });
    r.contracts.len() - 1
}

fn farm(w: &mut World, t: u32) -> (String, String) {
    let pool = &w.farms[t as usize];
    let c = pool[w.rng.gen_range(0..pool.len())];
    (
        w.companies[c as usize].code.clone(),
        w.companies[c as usize].name.clone(),
    )
}

fn normal(w: &mut World, kind: usize, first_year: i32) -> Spec {
    let (_, _, _, term) = KINDS[kind];
    let end_year = crate::calendar::END.0;
    Spec {
        kind,
        start_year: w.range(i64::from(first_year), i64::from(end_year)) as i32,
        term: w.range(term.0, term.1) as i32,
        price_factor: w.rng.gen_range(0.9..1.1),
    }
}

pub fn build(w: &mut World, r: &mut Registers) {
    let end_year = crate::calendar::END.0;
    let first_year = end_year - 5;
    let nt = w.townships.len();
    let bases: Vec<f64> = (0..nt).map(|_| w.rng.gen_range(0.85..1.15)).collect();
    for v in 0..w.villages.len() as u32 {
        let t = w.villages[v as usize].township as usize;
        let base = bases[t];
        let n_land = w.range(2, 4);
        for _ in 0..n_land {
            let s = normal(w, 0, first_year);
            contract(w, r, v, s, base);
        }
        for (k, p) in [(1, 0.3), (2, 0.4), (3, 0.3)] {
            if w.chance(p) {
                let s = normal(w, k, first_year);
                contract(w, r, v, s, base);
            }
        }
    }
    // Enough land transfers per township for medians (RES-UNDERPRICED needs 5 peers).
    for (t, &base) in bases.iter().enumerate() {
        let vs = w.townships[t].villages.clone();
        let planned: u32 = vs.iter().map(|&v| w.plan.count("RES-UNDERPRICED", v)).sum();
        let need = (8 + 3 * planned) as usize;
        let mut have = r
            .contracts
            .iter()
            .filter(|c| c.kind == "land_transfer" && vs.contains(&c.village))
            .count();
        let mut i = 0;
        while have < need {
            let s = normal(w, 0, first_year);
            contract(w, r, vs[i % vs.len()], s, base);
            have += 1;
            i += 1;
        }
    }
    // Plants need a signing before the window's end with room for dated steps.
    let plant_years = (first_year, end_year - 1);
    // Contracts whose decision's consent the final pass sets (see `consent`).
    let mut consent: HashMap<usize, Consent> = HashMap::new();
    for v in 0..w.villages.len() as u32 {
        let t = w.villages[v as usize].township as usize;
        let base = bases[t];
        let cur_year = w.term_start[v as usize].year();
        let plant = |w: &mut World, kind: usize| Spec {
            kind,
            start_year: w.range(i64::from(plant_years.0), i64::from(plant_years.1)) as i32,
            term: w.range(KINDS[kind].3 .0, KINDS[kind].3 .1) as i32,
            price_factor: w.rng.gen_range(0.9..1.1),
        };

        // RES-NO-DECISION: none, an invalid one (also DEC-INVALID), or one whose meeting came
        // after signing; publicity, price, party and term are all in order.
        for _ in 0..w.plan.count("RES-NO-DECISION", v) {
            let b = w.plan.next_branch("RES-NO-DECISION", 3);
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            let signed = r.contracts[i].signed;
            let subject = "集体土地经营权流转".to_string();
            r.contracts[i].decision = match b {
                0 => None,
                1 => {
                    let k = w.plan.next_branch("DEC-INVALID", decisions::INVALID_KINDS);
                    Some(decisions::invalid(
                        w,
                        r,
                        v,
                        &subject,
                        None,
                        add_days(signed, -20),
                        k,
                    ))
                }
                _ => Some(decisions::after(w, r, v, &subject, None, signed)),
            };
            w.truth
                .one("RES-NO-DECISION", "contract", &r.contracts[i].id);
            consent.insert(i, Consent::AsDecided);
        }
        // RES-OUTSIDER-CONSENT: land to a company on a valid decision one vote short of two
        // thirds of all members; decoys exactly at two thirds, and a resident of the village
        // on a simple majority (enough for a member).
        for _ in 0..w.plan.count("RES-OUTSIDER-CONSENT", v) {
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            let (cp_id, cp_name) = farm(w, t as u32);
            r.contracts[i].cp_id = cp_id;
            r.contracts[i].cp_name = cp_name;
            consent.insert(i, Consent::OneShort);
            w.truth
                .one("RES-OUTSIDER-CONSENT", "contract", &r.contracts[i].id);
        }
        for _ in 0..w.plan.count("decoy:outsider_exactly_two_thirds", v) {
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            let (cp_id, cp_name) = farm(w, t as u32);
            r.contracts[i].cp_id = cp_id;
            r.contracts[i].cp_name = cp_name;
            consent.insert(i, Consent::Exactly);
            w.decoys.add(
                "outsider_exactly_two_thirds",
                "contract",
                [r.contracts[i].id.clone()],
                "RES-OUTSIDER-CONSENT",
            );
        }
        for _ in 0..w.plan.count("decoy:member_simple_majority", v) {
            let Some(p) = w.clean_adult(v, 30, 65) else {
                continue;
            };
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            r.contracts[i].cp_id = w.persons[p as usize].id.clone();
            r.contracts[i].cp_name = w.persons[p as usize].name.clone();
            consent.insert(i, Consent::OneShort);
            w.decoys.add(
                "member_simple_majority",
                "contract",
                [r.contracts[i].id.clone()],
                "RES-OUTSIDER-CONSENT",
            );
        }
        // RES-SHORT-PUBLICITY: none, 3 days, or still running at signing.
        for _ in 0..w.plan.count("RES-SHORT-PUBLICITY", v) {
            let b = w.plan.next_branch("RES-SHORT-PUBLICITY", 3);
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            let signed = r.contracts[i].signed;
            r.contracts[i].publicity = match b {
                0 => None,
                1 => Some((add_days(signed, -10), add_days(signed, -8))),
                _ => Some((add_days(signed, -5), add_days(signed, 5))),
            };
            w.truth
                .one("RES-SHORT-PUBLICITY", "contract", &r.contracts[i].id);
        }
        // RES-UNDERPRICED: a land transfer at 45 % of the township's price.
        for _ in 0..w.plan.count("RES-UNDERPRICED", v) {
            let mut s = plant(w, 0);
            s.price_factor = 0.45;
            let i = contract(w, r, v, s, base);
            r.contracts[i].underpriced = true;
            w.truth
                .one("RES-UNDERPRICED", "contract", &r.contracts[i].id);
        }
        // RES-RELATED-PARTY: the counterparty is a serving cadre, a relative of one, or a company
        // in which a relative holds shares; signed during the cadre's current term.
        for _ in 0..w.plan.count("RES-RELATED-PARTY", v) {
            let b = w.plan.next_branch("RES-RELATED-PARTY", 3);
            let Some((c, relative)) = w.cadre_and_relative(v) else {
                break;
            };
            let mut s = plant(w, 0);
            s.start_year = s.start_year.max(cur_year + 1);
            let i = contract(w, r, v, s, base);
            let (id, name) = match b {
                0 => (
                    w.persons[c as usize].id.clone(),
                    w.persons[c as usize].name.clone(),
                ),
                1 => (
                    w.persons[relative as usize].id.clone(),
                    w.persons[relative as usize].name.clone(),
                ),
                _ => {
                    let rep = w.business_person(t as u32);
                    let est = add_days(r.contracts[i].signed, -800);
                    let co = w.new_company(t as u32, names::FARM_KINDS, rep, "active", est, false);
                    w.company_people.push(crate::world::CompanyPerson {
                        company: co,
                        person: relative,
                        role: "shareholder",
                        share: Some(40),
                    });
                    (
                        w.companies[co as usize].code.clone(),
                        w.companies[co as usize].name.clone(),
                    )
                }
            };
            r.contracts[i].cp_id = id;
            r.contracts[i].cp_name = name;
            w.truth
                .one("RES-RELATED-PARTY", "contract", &r.contracts[i].id);
        }
        // RES-OVERLONG-TERM: building lease 25 years, land 35, forest 80.
        for _ in 0..w.plan.count("RES-OVERLONG-TERM", v) {
            let b = w.plan.next_branch("RES-OVERLONG-TERM", 3);
            let (kind, term) = [(3, 25), (0, 35), (1, 80)][b as usize];
            let mut s = plant(w, kind);
            s.term = term;
            let i = contract(w, r, v, s, base);
            w.truth
                .one("RES-OVERLONG-TERM", "contract", &r.contracts[i].id);
        }
        // FUN-RENT-MISSING: one finished contract year booked at 0 % or 50 %.
        for _ in 0..w.plan.count("FUN-RENT-MISSING", v) {
            let mut s = plant(w, 0);
            s.start_year = s.start_year.min(end_year - 2);
            let i = contract(w, r, v, s, base);
            let c = &mut r.contracts[i];
            let years: Vec<i32> = c
                .paid_pct
                .iter()
                .map(|(y, _)| *y)
                .filter(|y| *y < end_year)
                .collect();
            let y = years[w.rng.gen_range(0..years.len())];
            let pct = if w.rng.gen_bool(0.5) { 0 } else { 50 };
            for e in c.paid_pct.iter_mut() {
                if e.0 == y {
                    e.1 = pct;
                }
            }
            w.truth.one("FUN-RENT-MISSING", "contract", &c.id);
        }
        // Decoys.
        for _ in 0..w.plan.count("decoy:term_exactly_legal_limit", v) {
            let b = w.plan.next_branch("decoy:term_exactly_legal_limit", 3);
            let (kind, term) = [(3, 20), (0, 30), (1, 70)][b as usize];
            let mut s = plant(w, kind);
            s.term = term;
            let i = contract(w, r, v, s, base);
            w.decoys.add(
                "term_exactly_legal_limit",
                "contract",
                [r.contracts[i].id.clone()],
                "RES-OVERLONG-TERM",
            );
        }
        for _ in 0..w.plan.count("decoy:contract_publicity_7_days", v) {
            let s = plant(w, 0);
            let i = contract(w, r, v, s, base);
            let signed = r.contracts[i].signed;
            r.contracts[i].publicity = Some((add_days(signed, -10), add_days(signed, -3)));
            w.decoys.add(
                "contract_publicity_7_days",
                "contract",
                [r.contracts[i].id.clone()],
                "RES-SHORT-PUBLICITY",
            );
        }
        for _ in 0..w.plan.count("decoy:rent_within_tolerance", v) {
            let mut s = plant(w, 0);
            s.start_year = s.start_year.min(end_year - 2);
            let i = contract(w, r, v, s, base);
            let c = &mut r.contracts[i];
            if let Some(e) = c.paid_pct.iter_mut().find(|e| e.0 < end_year) {
                e.1 = 93;
            }
            w.decoys.add(
                "rent_within_tolerance",
                "contract",
                [c.id.clone()],
                "FUN-RENT-MISSING",
            );
        }
        for _ in 0..w.plan.count("decoy:ex_cadre_counterparty", v) {
            let p = w.new_ex_cadre(v);
            let mut s = plant(w, 0);
            s.start_year = s.start_year.max(cur_year + 1);
            let i = contract(w, r, v, s, base);
            r.contracts[i].cp_id = w.persons[p as usize].id.clone();
            r.contracts[i].cp_name = w.persons[p as usize].name.clone();
            w.decoys.add(
                "ex_cadre_counterparty",
                "contract",
                [r.contracts[i].id.clone()],
                "RES-RELATED-PARTY",
            );
        }
    }
    settle_consent(w, r, &consent);
}

/// How the final pass sets a land or forest contract's consent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Consent {
    /// Left as the decision was made (RES-NO-DECISION's plants: no decision, an invalid one, or
    /// one taken after the signing).
    AsDecided,
    /// One agreement short of two thirds of all members (a plant for an outsider, a decoy for
    /// a resident of the village).
    OneShort,
    /// Exactly two thirds (a decoy).
    Exactly,
}

/// 农村土地承包法 art. 52: land or forest contracted to anyone who is not a resident of the
/// village needs two thirds of all members agreeing. Every such contract gets it, except the
/// plants and decoys in `consent`, which get what they are planted for. Run after every
/// counterparty is chosen (RES-RELATED-PARTY changes some).
fn settle_consent(w: &World, r: &mut Registers, consent: &HashMap<usize, Consent>) {
    let village_of: HashMap<&str, u32> = w
        .persons
        .iter()
        .map(|p| (p.id.as_str(), p.village))
        .collect();
    let decision_at: HashMap<String, usize> = r
        .decisions
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();
    for (i, c) in r.contracts.iter().enumerate() {
        if !matches!(c.kind, "land_transfer" | "forest_transfer") {
            continue;
        }
        let Some(&at) = c.decision.as_ref().and_then(|id| decision_at.get(id)) else {
            continue;
        };
        let d = &mut r.decisions[at];
        let two_thirds = (2 * d.total).div_ceil(3);
        match consent.get(&i) {
            Some(Consent::AsDecided) => {}
            // Still above half of those present (at least three quarters attend), so valid.
            Some(Consent::OneShort) => d.approve = two_thirds - 1,
            Some(Consent::Exactly) => d.approve = two_thirds,
            None => {
                if village_of.get(c.cp_id.as_str()) != Some(&c.village) {
                    d.approve = d.approve.max(two_thirds);
                }
            }
        }
    }
}

/// Books the rent of every contract year as `contract_income`, in spring of that year.
pub fn rent_vouchers(w: &mut World, r: &mut Registers) {
    for ci in 0..r.contracts.len() {
        let (v, id, cp_id, cp_name, rent, years) = {
            let c = &r.contracts[ci];
            (
                c.village,
                c.id.clone(),
                c.cp_id.clone(),
                c.cp_name.clone(),
                c.rent,
                c.paid_pct.clone(),
            )
        };
        for (y, pct) in years {
            if pct == 0 {
                continue;
            }
            let date = add_days(ymd(y, 3, 1), w.range(0, 100));
            if date > w.win.last_date {
                continue;
            }
            let amount = rent * pct / 100;
            let s = r.voucher(
                w,
                v,
                date,
                "contract_income",
                amount,
                false,
                (&cp_name, &cp_id),
                &format!("{y}年度承包租赁费"),
            );
            r.get(v, s).contract = id.clone();
        }
    }
}
