//! An independent implementation of rules-v1 over the generated CSVs, used by the tests to
//! check that truth.csv is exactly what the rules fire on and that no decoy fires.
//!
//! Where a rule's text leaves a reading open (which date an official must serve on, how
//! publicity days are counted, contract years versus calendar years), the checker evaluates
//! every reading and reports records on which the readings disagree, so the data stays exact
//! whichever one the rule engine picks.

#![allow(dead_code)] // each test binary uses a part

use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::IdNumber;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

pub type Row = HashMap<String, String>;

pub fn load(dir: &Path, table: &str) -> Vec<Row> {
    let mut r = csv::Reader::from_path(dir.join(format!("{table}.csv"))).expect("readable csv");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn d(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
fn fen(s: &str) -> i64 {
    qingfeng_domain::Money::parse_yuan(s, false)
        .map(|m| m.fen())
        .unwrap_or(0)
}
fn period_first(s: &str) -> NaiveDate {
    d(&format!("{s}-01")).expect("period")
}
fn add_years(x: NaiveDate, n: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(x.year() + n, x.month(), x.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(x.year() + n, x.month(), 28).unwrap())
}

pub type Fired = BTreeSet<(String, String, String)>;
/// (date, amount, record id)
type Dated = (NaiveDate, i64, String);
/// (date, budget, award, record id)
type DatedPair = (NaiveDate, i64, i64, String);

pub struct Report {
    pub fired: Fired,
    pub ambiguous: Vec<String>,
}

pub fn check(dir: &Path) -> Report {
    let last_date = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    let persons = load(dir, "persons");
    let mut person: HashMap<String, (String, String, String)> = HashMap::new();
    let mut hh_members: HashMap<String, Vec<String>> = HashMap::new();
    for p in &persons {
        person.insert(
            p["id_number"].clone(),
            (
                p["name"].clone(),
                p["household_id"].clone(),
                p["village_code"].clone(),
            ),
        );
        hh_members
            .entry(p["household_id"].clone())
            .or_default()
            .push(p["id_number"].clone());
    }
    let deaths: HashMap<String, NaiveDate> = load(dir, "deaths")
        .iter()
        .map(|r| (r["id_number"].clone(), d(&r["death_date"]).unwrap()))
        .collect();
    let officials = load(dir, "officials");
    let mut declared: HashMap<String, HashSet<String>> = HashMap::new();
    for r in load(dir, "declared_relations") {
        declared
            .entry(r["official_id_number"].clone())
            .or_default()
            .insert(r["relative_id_number"].clone());
    }
    let hh_of = |id: &str| person.get(id).map(|p| p.1.clone());
    let relatives = |o: &str| -> HashSet<String> {
        let mut s: HashSet<String> = declared.get(o).cloned().unwrap_or_default();
        if let Some(h) = hh_of(o) {
            for m in &hh_members[&h] {
                if m != o {
                    s.insert(m.clone());
                }
            }
        }
        s
    };
    let serving = |village: &str, on: NaiveDate| -> Vec<String> {
        let town = format!("{}000", &village[..9]);
        officials
            .iter()
            .filter(|o| {
                let here = match o["category"].as_str() {
                    "village_cadre" => o["division_code"] == village,
                    "township_official" => o["division_code"] == town,
                    _ => false,
                };
                let s = d(&o["start_date"]).unwrap();
                let e = d(&o["end_date"]);
                here && s <= on && e.is_none_or(|e| on <= e)
            })
            .map(|o| o["id_number"].clone())
            .collect()
    };
    let companies = load(dir, "companies");
    let company_people = load(dir, "company_people");
    let mut company_persons: HashMap<String, HashSet<String>> = HashMap::new();
    let mut company_reps: HashMap<String, HashSet<String>> = HashMap::new();
    let mut company_holders: HashMap<String, HashSet<String>> = HashMap::new();
    for c in &companies {
        if !c["legal_rep_id_number"].is_empty() {
            company_persons
                .entry(c["credit_code"].clone())
                .or_default()
                .insert(c["legal_rep_id_number"].clone());
            company_reps
                .entry(c["credit_code"].clone())
                .or_default()
                .insert(c["legal_rep_id_number"].clone());
        }
    }
    for cp in &company_people {
        if cp["role"] == "legal_rep" || cp["role"] == "shareholder" {
            company_persons
                .entry(cp["credit_code"].clone())
                .or_default()
                .insert(cp["id_number"].clone());
        }
        if cp["role"] == "legal_rep" {
            company_reps
                .entry(cp["credit_code"].clone())
                .or_default()
                .insert(cp["id_number"].clone());
        }
        if cp["role"] == "shareholder" {
            company_holders
                .entry(cp["credit_code"].clone())
                .or_default()
                .insert(cp["id_number"].clone());
        }
    }
    let related = |party: &str, village: &str, on: NaiveDate, with_companies: bool| -> bool {
        let offs = serving(village, on);
        let mut people: Vec<String> = vec![party.to_string()];
        if with_companies {
            if let Some(ps) = company_persons.get(party) {
                people.extend(ps.iter().cloned());
            }
        }
        offs.iter()
            .any(|o| people.iter().any(|p| p == o || relatives(o).contains(p)))
    };

    let mut fired: Fired = BTreeSet::new();
    let ambiguous: std::cell::RefCell<Vec<String>> = std::cell::RefCell::new(Vec::new());
    let mut fire = |rule: &str, t: &str, ids: String| {
        fired.insert((rule.to_string(), t.to_string(), ids));
    };

    // ---- Subsidies
    let programs: HashMap<String, Row> = load(dir, "programs")
        .into_iter()
        .map(|r| (r["program_code"].clone(), r))
        .collect();
    let ents = load(dir, "entitlements");
    let pays = load(dir, "payments");
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_key: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    for (i, e) in ents.iter().enumerate() {
        by_id.insert(e["entitlement_id"].clone(), i);
        by_key
            .entry((
                e["program_code"].clone(),
                e["period"].clone(),
                e["beneficiary_id_number"].clone(),
            ))
            .or_default()
            .push(i);
    }
    let mut paid: Vec<i64> = vec![0; ents.len()];
    let mut first_paid: Vec<Option<NaiveDate>> = vec![None; ents.len()];
    let mut account_hh: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in &pays {
        let pid = p["payment_id"].clone();
        let ben = p["beneficiary_id_number"].as_str();
        let paid_on = d(&p["paid_on"]).unwrap();
        let matched: Option<usize> = if p["entitlement_id"].is_empty() {
            by_key
                .get(&(
                    p["program_code"].clone(),
                    p["period"].clone(),
                    ben.to_string(),
                ))
                .map(|v| v[0])
        } else {
            by_id.get(&p["entitlement_id"]).copied()
        };
        match matched {
            Some(i) => {
                paid[i] += fen(&p["amount"]);
                first_paid[i] = Some(first_paid[i].map_or(paid_on, |x: NaiveDate| x.min(paid_on)));
            }
            None => fire("SUB-NO-ENTITLEMENT", "payment", pid.clone()),
        }
        if let Some(dd) = deaths.get(ben) {
            let pf = period_first(&p["period"]);
            if *dd < paid_on && (pf.year(), pf.month()) > (dd.year(), dd.month()) {
                fire("SUB-DECEASED", "payment", pid.clone());
            }
        }
        let ghost = match person.get(ben) {
            None => true,
            Some((name, _, _)) => IdNumber::parse(ben).is_err() || *name != p["beneficiary_name"],
        };
        if ghost {
            fire("SUB-GHOST", "payment", pid.clone());
        }
        let holder = p["account_holder_id_number"].as_str();
        let same_hh = hh_of(ben).is_some() && hh_of(ben) == hh_of(holder);
        if holder != ben && !same_hh {
            fire("SUB-ACCOUNT-MISMATCH", "payment", pid.clone());
        }
        account_hh
            .entry(p["account_number"].clone())
            .or_default()
            .insert(hh_of(ben).unwrap_or_else(|| format!("?{ben}")));
    }
    for (acct, hhs) in &account_hh {
        if hhs.len() >= 3 {
            fire("SUB-SHARED-ACCOUNT", "account", acct.clone());
        }
    }
    let land = load(dir, "land_contracts");
    let vehicles = load(dir, "vehicles");
    let properties = load(dir, "properties");
    let active: HashSet<String> = companies
        .iter()
        .filter(|c| c["status"] == "active")
        .map(|c| c["credit_code"].clone())
        .collect();
    for (key, list) in &by_key {
        if list.len() >= 2 {
            let mut ids: Vec<String> = list
                .iter()
                .map(|&i| ents[i]["entitlement_id"].clone())
                .collect();
            ids.sort();
            fire("SUB-DUPLICATE", "entitlement", ids.join(";"));
            let _ = key;
        }
    }
    for (i, e) in ents.iter().enumerate() {
        let eid = e["entitlement_id"].clone();
        let amount = fen(&e["amount"]);
        if paid[i] < amount {
            fire("SUB-SHORT-PAID", "entitlement", eid.clone());
        }
        if paid[i] > amount {
            fire("SUB-DUPLICATE", "entitlement", eid.clone());
        }
        let prog = &programs[&e["program_code"]];
        let ben = e["beneficiary_id_number"].as_str();
        let approved = d(&e["approved_on"]).unwrap();
        let pf = period_first(&e["period"]);
        if prog["means_tested"] == "true" {
            if e["relative_filed"] != "true" {
                let a = related(ben, &e["village_code"], approved, false);
                let b = related(ben, &e["village_code"], pf, false);
                if a != b {
                    ambiguous.borrow_mut().push(format!(
                        "SUB-OFFICIAL-RELATIVE {eid}: approved_on {a}, period {b}"
                    ));
                }
                if a || b {
                    fire("SUB-OFFICIAL-RELATIVE", "entitlement", eid.clone());
                }
            }
            let members: Vec<String> = match hh_of(ben) {
                Some(h) => hh_members[&h].clone(),
                None => vec![ben.to_string()],
            };
            let wealthy = members.iter().any(|m| {
                vehicles.iter().any(|x| {
                    x["owner_id_number"] == *m
                        && (x["vehicle_type"] == "passenger_car" || x["vehicle_type"] == "truck")
                        && d(&x["registered_on"]).unwrap() <= approved
                        && d(&x["deregistered_on"]).is_none_or(|z| z > approved)
                }) || properties.iter().any(|x| {
                    x["owner_id_number"] == *m
                        && x["kind"] == "commercial"
                        && d(&x["registered_on"]).unwrap() <= approved
                }) || company_persons
                    .iter()
                    .any(|(c, ps)| active.contains(c) && ps.contains(m))
                    || officials
                        .iter()
                        .any(|o| o["id_number"] == *m && o["category"] == "public_employee")
            });
            if wealthy {
                fire("SUB-WEALTH", "entitlement", eid.clone());
            }
            let days = match (d(&e["publicity_start"]), d(&e["publicity_end"])) {
                (Some(s), Some(x)) => Some(((x - s).num_days(), (x - s).num_days() + 1, x)),
                _ => None,
            };
            let min = prog["publicity_days"].parse::<i64>().unwrap_or(7);
            let fp = first_paid[i];
            let bad = |n: i64| match days {
                None => true,
                Some((_, _, end)) if fp.is_some_and(|f| end >= f) => true,
                Some(_) => n < min,
            };
            let (a, b) = match days {
                Some((diff, incl, _)) => (bad(diff), bad(incl)),
                None => (true, true),
            };
            if a != b {
                ambiguous.borrow_mut().push(format!(
                    "SUB-NOT-PUBLICIZED {eid}: difference {a}, inclusive {b}"
                ));
            }
            if a || b {
                fire("SUB-NOT-PUBLICIZED", "entitlement", eid.clone());
            }
        }
        if prog["unit"] == "mu" {
            let q: f64 = e["quantity"].parse().unwrap_or(0.0);
            let area: f64 = land
                .iter()
                .filter(|l| {
                    l["household_id"] == e["household_id"]
                        && d(&l["start_date"]).unwrap() <= pf
                        && pf <= d(&l["end_date"]).unwrap()
                })
                .map(|l| l["area_mu"].parse::<f64>().unwrap())
                .sum();
            if q > area * 1.05 + 1e-9 {
                fire("SUB-AREA-INFLATED", "entitlement", eid.clone());
            }
        }
    }

    // ---- Decisions
    let decisions = load(dir, "decisions");
    let mut dec_valid: HashMap<String, bool> = HashMap::new();
    // (members entitled, agreeing) of each decision, for the two-thirds consent of art. 52.
    let mut dec_votes: HashMap<String, (i64, i64)> = HashMap::new();
    let mut dec_dates: HashMap<String, (NaiveDate, NaiveDate)> = HashMap::new();
    for x in &decisions {
        let n = |k: &str| x[k].parse::<i64>().ok();
        let (t, p, a) = (
            n("voters_total").unwrap(),
            n("voters_present").unwrap(),
            n("voters_approve").unwrap(),
        );
        let mut bad = if x["meeting_kind"] == "representatives" {
            3 * p < 2 * t
        } else {
            2 * p <= t
        };
        bad |= 2 * a <= p || a > p || p > t;
        if let (Some(pt), Some(pp), Some(pa)) = (
            n("party_members_total"),
            n("party_members_present"),
            n("party_members_approve"),
        ) {
            bad |= 3 * pp < 2 * pt || 2 * pa <= pt || pa > pp || pp > pt;
        }
        bad |= x["resolution_published_on"].is_empty();
        if bad {
            fire("DEC-INVALID", "decision", x["decision_id"].clone());
        }
        dec_valid.insert(x["decision_id"].clone(), !bad);
        dec_votes.insert(x["decision_id"].clone(), (t, a));
        let dates: Vec<NaiveDate> = [
            "proposed_on",
            "committees_on",
            "party_meeting_on",
            "villager_meeting_on",
            "resolution_published_on",
            "result_published_on",
        ]
        .iter()
        .filter_map(|k| d(&x[*k]))
        .collect();
        dec_dates.insert(
            x["decision_id"].clone(),
            (*dates.iter().min().unwrap(), *dates.iter().max().unwrap()),
        );
        let _ = d(&x["villager_meeting_on"]);
    }
    let meeting: HashMap<String, NaiveDate> = decisions
        .iter()
        .map(|x| {
            (
                x["decision_id"].clone(),
                d(&x["villager_meeting_on"]).unwrap(),
            )
        })
        .collect();
    // A decision "dated before/after" X: the meeting, with every other date agreeing.
    let dated_after = |id: &str, x: NaiveDate, what: &str| -> bool {
        let m = meeting[id] > x;
        let (lo, hi) = dec_dates[id];
        if (hi > x) != m || (lo > x) != m {
            ambiguous
                .borrow_mut()
                .push(format!("{what}: decision {id} straddles {x}"));
        }
        m
    };

    // ---- Vouchers
    let vouchers = load(dir, "vouchers");
    let mut groups: BTreeMap<(String, String), Vec<Dated>> = BTreeMap::new();
    for x in vouchers.iter().filter(|x| x["direction"] == "expense") {
        let id = x["voucher_id"].clone();
        let amount = fen(&x["amount"]);
        let date = d(&x["date"]).unwrap();
        if x["supervisor_signed"] != "true" || x["approved_by"].is_empty() {
            fire("FUN-UNAPPROVED", "voucher", id.clone());
        }
        if x["method"] == "cash" && amount > 200_000 {
            fire("FUN-CASH-LIMIT", "voucher", id.clone());
        }
        if amount >= 5_000_000 {
            let dec = x["decision_id"].as_str();
            if dec.is_empty() || !dec_valid[dec] || dated_after(dec, date, "FUN-NO-DECISION") {
                fire("FUN-NO-DECISION", "voucher", id.clone());
            }
        } else {
            let cp = if x["counterparty_id"].is_empty() {
                x["counterparty_name"].clone()
            } else {
                x["counterparty_id"].clone()
            };
            groups
                .entry((x["village_code"].clone(), cp))
                .or_default()
                .push((date, amount, id.clone()));
        }
        if x["category"] != "cadre_pay"
            && !x["counterparty_id"].is_empty()
            && related(&x["counterparty_id"], &x["village_code"], date, false)
        {
            fire("FUN-SELF-DEALING", "voucher", id.clone());
        }
    }
    for list in groups.values_mut() {
        list.sort();
        let mut marked: BTreeSet<usize> = BTreeSet::new();
        for i in 0..list.len() {
            let mut sum = 0;
            let mut j = i;
            while j < list.len() && (list[j].0 - list[i].0).num_days() <= 30 {
                sum += list[j].1;
                j += 1;
            }
            if j - i >= 2 && sum >= 5_000_000 {
                marked.extend(i..j);
            }
        }
        let ids: Vec<String> = marked.iter().map(|&k| list[k].2.clone()).collect();
        if !ids.is_empty() {
            let mut ids = ids;
            ids.sort();
            fire("FUN-SPLIT", "voucher", ids.join(";"));
        }
    }
    let mut income: HashMap<String, Vec<(NaiveDate, i64)>> = HashMap::new();
    for x in vouchers
        .iter()
        .filter(|x| x["category"] == "contract_income" && !x["contract_id"].is_empty())
    {
        income
            .entry(x["contract_id"].clone())
            .or_default()
            .push((d(&x["date"]).unwrap(), fen(&x["amount"])));
    }

    // ---- Collective contracts
    let contracts = load(dir, "collective_contracts");
    for c in &contracts {
        let id = c["contract_id"].clone();
        let start = d(&c["start_date"]).unwrap();
        let end = d(&c["end_date"]).unwrap();
        let signed = d(&c["signed_on"]).unwrap();
        let rent = fen(&c["annual_rent"]);
        let mut k = 0;
        let mut missing = false;
        loop {
            let ys = add_years(start, k);
            let ye = (add_years(start, k + 1) - Duration::days(1)).min(end);
            if ys > end || ye > last_date {
                break;
            }
            let got: i64 = income.get(&id).map_or(0, |v| {
                v.iter()
                    .filter(|(x, _)| ys <= *x && *x <= ye)
                    .map(|(_, a)| a)
                    .sum()
            });
            let a = rent * 10 > got * 11;
            let b = (rent - got) * 10 > rent;
            if a != b {
                ambiguous.borrow_mut().push(format!(
                    "FUN-RENT-MISSING {id} {ys}: tolerance readings differ"
                ));
            }
            missing |= a || b;
            k += 1;
        }
        if missing {
            fire("FUN-RENT-MISSING", "contract", id.clone());
        }
        let dec = c["decision_id"].as_str();
        if dec.is_empty() || !dec_valid[dec] || dated_after(dec, signed, "RES-NO-DECISION") {
            fire("RES-NO-DECISION", "contract", id.clone());
        } else if matches!(c["kind"].as_str(), "land_transfer" | "forest_transfer") {
            // 农村土地承包法 art. 52: to someone who is not a resident of the village, two
            // thirds of all members must agree.
            let member = person
                .get(&c["counterparty_id"])
                .is_some_and(|p| p.2 == c["village_code"]);
            let (total, agreeing) = dec_votes[dec];
            if !member && 3 * agreeing < 2 * total {
                fire("RES-OUTSIDER-CONSENT", "contract", id.clone());
            }
        }
        match (d(&c["publicity_start"]), d(&c["publicity_end"])) {
            (Some(s), Some(e)) => {
                let a = (e - s).num_days() < 7 || e > signed;
                let b = (e - s).num_days() + 1 < 7 || e > signed;
                if a != b {
                    ambiguous
                        .borrow_mut()
                        .push(format!("RES-SHORT-PUBLICITY {id}: day counts differ"));
                }
                if a || b {
                    fire("RES-SHORT-PUBLICITY", "contract", id.clone());
                }
            }
            _ => fire("RES-SHORT-PUBLICITY", "contract", id.clone()),
        }
        if related(&c["counterparty_id"], &c["village_code"], signed, true) {
            fire("RES-RELATED-PARTY", "contract", id.clone());
        }
        let limit = match c["kind"].as_str() {
            "land_transfer" => 30,
            "forest_transfer" => 70,
            _ => 20,
        };
        if end >= add_years(start, limit) {
            fire("RES-OVERLONG-TERM", "contract", id.clone());
        }
        let price = |c: &Row| -> Option<f64> {
            let a: f64 = c["area_mu"].parse().ok()?;
            (a > 0.0).then(|| fen(&c["annual_rent"]) as f64 / a)
        };
        if let Some(mine) = price(c) {
            let mut others: Vec<f64> = contracts
                .iter()
                .filter(|o| {
                    o["contract_id"] != c["contract_id"]
                        && o["kind"] == c["kind"]
                        && o["village_code"][..9] == c["village_code"][..9]
                })
                .filter_map(price)
                .collect();
            if others.len() >= 5 {
                others.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let n = others.len();
                let median = if n % 2 == 1 {
                    others[n / 2]
                } else {
                    (others[n / 2 - 1] + others[n / 2]) / 2.0
                };
                if mine < 0.7 * median {
                    fire("RES-UNDERPRICED", "contract", id.clone());
                }
            }
        }
    }

    // ---- Projects
    let projects = load(dir, "projects");
    let bids = load(dir, "bids");
    let mut pro_groups: BTreeMap<(String, String), Vec<DatedPair>> = BTreeMap::new();
    let company: HashMap<String, &Row> = companies
        .iter()
        .map(|c| (c["credit_code"].clone(), c))
        .collect();
    for p in &projects {
        let id = p["project_id"].clone();
        let budget = fen(&p["budget"]);
        let award = fen(&p["award_amount"]);
        let awarded = d(&p["awarded_on"]).unwrap();
        let method = p["method"].as_str();
        let pb: Vec<&Row> = bids.iter().filter(|b| b["project_id"] == id).collect();
        let valid = pb.iter().filter(|b| b["status"] == "valid").count();
        if (method == "inquiry" || method == "direct") && budget >= 10_000_000 {
            fire("PRO-DIRECT-ABOVE-THRESHOLD", "project", id.clone());
        }
        if (method == "open" && valid < 2) || (method == "invited" && valid < 3) {
            fire("PRO-FEW-BIDS", "project", id.clone());
        }
        if let (Some(n), Some(dl)) = (d(&p["notice_on"]), d(&p["bid_deadline"])) {
            let min = match method {
                "open" | "invited" => 20,
                "inquiry" => 3,
                _ => 0,
            };
            if (dl - n).num_days() < min {
                fire("PRO-SHORT-NOTICE", "project", id.clone());
            }
        }
        if budget < 10_000_000 {
            pro_groups
                .entry((p["village_code"].clone(), p["winner_id"].clone()))
                .or_default()
                .push((awarded, budget, award, id.clone()));
        }
        let town = format!("{}000", &p["village_code"][..9]);
        let _ = town;
        if related(&p["winner_id"], &p["village_code"], awarded, true) {
            fire("PRO-RELATED-WINNER", "project", id.clone());
        }
        let mut collusion = false;
        for (i, a) in pb.iter().enumerate() {
            for b in pb.iter().skip(i + 1) {
                let same = |k: &str| !a[k].is_empty() && a[k] == b[k];
                let reps = |x: &Row| {
                    company_reps
                        .get(&x["bidder_id"])
                        .cloned()
                        .unwrap_or_default()
                };
                let holders = |x: &Row| {
                    company_holders
                        .get(&x["bidder_id"])
                        .cloned()
                        .unwrap_or_default()
                };
                let cphone = |x: &Row| {
                    company
                        .get(&x["bidder_id"])
                        .map(|c| c["phone"].clone())
                        .unwrap_or_default()
                };
                let caddr = |x: &Row| {
                    company
                        .get(&x["bidder_id"])
                        .map(|c| c["address"].clone())
                        .unwrap_or_default()
                };
                if same("phone")
                    || same("address")
                    || (!cphone(a).is_empty() && cphone(a) == cphone(b))
                    || (!caddr(a).is_empty() && caddr(a) == caddr(b))
                    || !reps(a).is_disjoint(&reps(b))
                    || !holders(a).is_disjoint(&holders(b))
                {
                    collusion = true;
                }
            }
        }
        if collusion {
            fire("PRO-COLLUSION", "project", id.clone());
        }
        if award * 100 >= budget * 99 && valid >= 2 {
            fire("PRO-NEAR-CEILING", "project", id.clone());
        }
        if !p["final_amount"].is_empty() && fen(&p["final_amount"]) * 10 > award * 11 {
            fire("PRO-OVERRUN", "project", id.clone());
        }
        if budget >= 5_000_000 {
            let dec = p["decision_id"].as_str();
            if dec.is_empty()
                || !dec_valid[dec]
                || dated_after(dec, awarded - Duration::days(1), "PRO-NO-DECISION")
            {
                fire("PRO-NO-DECISION", "project", id.clone());
            }
        }
    }
    for list in pro_groups.values_mut() {
        list.sort();
        let mut marked: BTreeSet<usize> = BTreeSet::new();
        for i in 0..list.len() {
            let (mut sb, mut sa, mut j) = (0, 0, i);
            while j < list.len() && (list[j].0 - list[i].0).num_days() <= 90 {
                sb += list[j].1;
                sa += list[j].2;
                j += 1;
            }
            if j - i >= 2 && (sb >= 10_000_000) != (sa >= 10_000_000) {
                ambiguous.borrow_mut().push(format!(
                    "PRO-SPLIT {}: budget and award sums disagree",
                    list[i].3
                ));
            }
            if j - i >= 2 && (sb >= 10_000_000 || sa >= 10_000_000) {
                marked.extend(i..j);
            }
        }
        if !marked.is_empty() {
            let mut ids: Vec<String> = marked.iter().map(|&k| list[k].3.clone()).collect();
            ids.sort();
            fire("PRO-SPLIT", "project", ids.join(";"));
        }
    }

    // ---- Officials
    let mut seen: HashSet<String> = HashSet::new();
    for o in &officials {
        let id = o["id_number"].clone();
        if o["category"] == "public_employee" || !seen.insert(id.clone()) {
            continue;
        }
        let h = hh_of(&id).expect("official is a person");
        let dec = declared.get(&id).cloned().unwrap_or_default();
        if hh_members[&h].iter().any(|m| *m != id && !dec.contains(m)) {
            fire("OFF-UNDECLARED-RELATIVE", "official", id);
        }
    }
    // ---- Cash balances
    let balances = load(dir, "cash_balances");
    let mut by_village: BTreeMap<String, Vec<(NaiveDate, i64)>> = BTreeMap::new();
    for b in &balances {
        by_village
            .entry(b["village_code"].clone())
            .or_default()
            .push((d(&b["date"]).unwrap(), fen(&b["cash_on_hand"])));
    }
    for days in by_village.values_mut() {
        days.sort();
    }
    // FUN-CASH-ON-HAND: per village and month, the worst day above 5,000 yuan.
    let mut worst: BTreeMap<(String, String), (i64, NaiveDate)> = BTreeMap::new();
    for (v, days) in &by_village {
        for (day, cash) in days {
            if *cash > 500_000 {
                let month = day.format("%Y-%m").to_string();
                let e = worst.entry((v.clone(), month)).or_insert((*cash, *day));
                if (-*cash, *day) < (-e.0, e.1) {
                    *e = (*cash, *day);
                }
            }
        }
    }
    for ((v, _), (_, day)) in worst {
        fire("FUN-CASH-ON-HAND", "balance", format!("{v}/{day}"));
    }
    // FUN-CASH-UNBANKED: cash received still held at the first balance 3 days on (judged
    // where that balance is within a week of the deadline).
    for x in vouchers
        .iter()
        .filter(|x| x["direction"] == "income" && x["method"] == "cash")
    {
        let date = d(&x["date"]).unwrap();
        let Some(days) = by_village.get(&x["village_code"]) else {
            continue;
        };
        let deadline = date + chrono::Days::new(3);
        let before = days.iter().rev().find(|(day, _)| *day < date);
        let after = days.iter().find(|(day, _)| *day >= deadline);
        if let (Some((_, b)), Some((day, a))) = (before, after) {
            if *day <= deadline + chrono::Days::new(7) && *a >= b + fen(&x["amount"]) {
                fire("FUN-CASH-UNBANKED", "voucher", x["voucher_id"].clone());
            }
        }
    }
    Report {
        fired,
        ambiguous: ambiguous.into_inner(),
    }
}

pub fn truth(dir: &Path) -> Fired {
    load(dir, "truth")
        .into_iter()
        .map(|r| {
            (
                r["rule_id"].clone(),
                r["record_type"].clone(),
                r["record_ids"].clone(),
            )
        })
        .collect()
}
