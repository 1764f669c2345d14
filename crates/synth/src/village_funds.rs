//! Village collective funds (村集体"三资"): the monthly vouchers, with the FUN-* plants.
//!
//! Background expenses are small and spread: no counterparty receives more than 15,000 yuan of
//! sub-threshold expenses in a calendar month, so no 30-day window (which touches at most three
//! months) reaches the 50,000-yuan decision threshold; cash is used only up to 1,500 yuan; every
//! expense carries the serving secretary's and director's approval and the supervisors' signature;
//! villagers paid for labour come from households no official touches.

use crate::calendar::{add_days, ymd};
use crate::decisions;
use crate::names;
use crate::registers::Registers;
use crate::world::World;
use chrono::NaiveDate;
use rand::Rng;
use std::collections::BTreeMap;

const CAP: i64 = 1_500_000;

struct Funds {
    v: u32,
    cap: BTreeMap<(String, usize), i64>,
}

impl Funds {
    fn month(&self, w: &World, d: NaiveDate) -> usize {
        w.win.index_of(d).unwrap_or(usize::MAX)
    }

    /// A township supplier that stays under the monthly cap with this amount.
    fn supplier(&mut self, w: &mut World, d: NaiveDate, amount: i64) -> Option<(String, String)> {
        let t = w.villages[self.v as usize].township as usize;
        for _ in 0..10 {
            let pool = &w.suppliers[t];
            let c = pool[w.rng.gen_range(0..pool.len())];
            let co = &w.companies[c as usize];
            let key = (co.code.clone(), self.month(w, d));
            let used = self.cap.get(&key).copied().unwrap_or(0);
            if used + amount <= CAP {
                self.cap.insert(key, used + amount);
                return Some((co.name.clone(), co.code.clone()));
            }
        }
        None
    }

    fn villager(&mut self, w: &mut World, d: NaiveDate, amount: i64) -> Option<(String, String)> {
        let p = w.clean_adult(self.v, 18, 68)?;
        let key = (w.persons[p as usize].id.clone(), self.month(w, d));
        let used = self.cap.get(&key).copied().unwrap_or(0);
        if used + amount > CAP {
            return None;
        }
        self.cap.insert(key, used + amount);
        Some((
            w.persons[p as usize].name.clone(),
            w.persons[p as usize].id.clone(),
        ))
    }
}

fn day_in(w: &mut World, i: usize) -> NaiveDate {
    let p = w.win.periods[i];
    ymd(p.year, p.month, w.rng.gen_range(1..=28))
}

fn any_day(w: &mut World, room_after: i64) -> NaiveDate {
    let span = (w.win.last_date - w.win.start).num_days();
    add_days(w.win.start, w.range(5, (span - room_after).max(6)))
}

pub fn build(w: &mut World, r: &mut Registers) {
    for v in 0..w.villages.len() as u32 {
        let mut f = Funds {
            v,
            cap: BTreeMap::new(),
        };
        background(w, r, &mut f);
        plants(w, r, &mut f);
    }
}

fn background(w: &mut World, r: &mut Registers, f: &mut Funds) {
    let v = f.v;
    let t = w.villages[v as usize].township as usize;
    let tname = w.townships[t].name.clone();
    let power = w.companies[w.power_company as usize].code.clone();
    let power_name = w.companies[w.power_company as usize].name.clone();
    for i in 0..w.win.len() {
        let p = w.win.periods[i];
        let pay_day = ymd(p.year, p.month, 15);
        let cadres: Vec<u32> = r.cadres[v as usize].clone();
        let mut pay_decoys = if i == 0 {
            w.plan.count("decoy:cadre_pay_to_cadre", v)
        } else {
            0
        };
        for o in cadres {
            let off = &w.officials[o as usize];
            if !off.serving_on(pay_day) {
                continue;
            }
            let person = &w.persons[off.person as usize];
            let amount = (2_000 + i64::from(o * 37 % 16) * 100) * 100;
            let (name, id) = (person.name.clone(), person.id.clone());
            let s = r.voucher(
                w,
                v,
                pay_day,
                "cadre_pay",
                amount,
                false,
                (&name, &id),
                &format!("{}月村干部报酬", p.month),
            );
            if pay_decoys > 0 {
                pay_decoys -= 1;
                r.voucher_decoys
                    .push(("cadre_pay_to_cadre", "FUN-SELF-DEALING", v, vec![s]));
            }
        }
        let elec = w.range(200, 900) * 100;
        let d = day_in(w, i);
        r.voucher(
            w,
            v,
            d,
            "other_expense",
            elec,
            false,
            (&power_name, &power),
            "村部电费",
        );
        let items: [(&'static str, f64, i64, i64, &str); 6] = [
            ("office", 1.0, 150, 1_800, "办公用品"),
            ("office", 0.5, 150, 1_800, "打印复印"),
            ("hospitality", 0.4, 200, 800, "公务接待工作餐"),
            ("travel", 0.3, 100, 600, "到县乡开会交通费"),
            ("public_welfare", 0.25, 2_000, 12_000, "村内公益设施维护"),
            ("operating_cost", 0.15, 1_000, 8_000, "集体经营支出"),
        ];
        for (cat, p_, lo, hi, desc) in items {
            if !w.chance(p_) {
                continue;
            }
            let amount = w.range(lo, hi) * 100;
            let d = day_in(w, i);
            if let Some((name, id)) = f.supplier(w, d, amount) {
                let cash = amount <= 150_000 && w.chance(0.5);
                r.voucher(w, v, d, cat, amount, cash, (&name, &id), desc);
            }
        }
        for _ in 0..w.range(0, 2) {
            let amount = w.range(300, 1_800) * 100;
            let d = day_in(w, i);
            if let Some((name, id)) = f.villager(w, d, amount) {
                let cash = amount <= 150_000 && w.chance(0.4);
                r.voucher(
                    w,
                    v,
                    d,
                    "labour",
                    amount,
                    cash,
                    (&name, &id),
                    "村内道路清扫劳务费",
                );
            }
        }
        if p.month.is_multiple_of(3) {
            let amount = w.range(200, 800) * 10_000;
            let d = day_in(w, i);
            r.voucher(
                w,
                v,
                d,
                "subsidy_income",
                amount,
                false,
                (&format!("{tname}财政所"), ""),
                "村级组织运转经费",
            );
        }
        if w.chance(0.2) {
            let pool = &w.farms[t];
            let c = pool[w.rng.gen_range(0..pool.len())];
            let (name, id) = (
                w.companies[c as usize].name.clone(),
                w.companies[c as usize].code.clone(),
            );
            let amount = w.range(10, 100) * 10_000;
            let d = day_in(w, i);
            r.voucher(
                w,
                v,
                d,
                "operating_income",
                amount,
                false,
                (&name, &id),
                "集体经营收入",
            );
        }
        if p.month == 7 && w.chance(0.5) {
            // A large purchase, decided first.
            let amount = w.range(60, 150) * 100_000;
            let d = day_in(w, i);
            let co = w.company_with_new_people(t as u32, names::SUPPLIER_KINDS, "active");
            let (name, id) = (
                w.companies[co as usize].name.clone(),
                w.companies[co as usize].code.clone(),
            );
            let dec = decisions::valid(w, r, v, "购置村集体公共设施设备", Some(amount), d);
            let s = r.voucher(
                w,
                v,
                d,
                "public_welfare",
                amount,
                false,
                (&name, &id),
                "购置公共设施设备",
            );
            r.get(v, s).decision = dec;
        }
    }
}

fn plants(w: &mut World, r: &mut Registers, f: &mut Funds) {
    let v = f.v;
    let t = w.villages[v as usize].township;
    // FUN-UNAPPROVED: an ordinary small bank expense without the supervisors' signature, or
    // without any approver.
    for _ in 0..w.plan.count("FUN-UNAPPROVED", v) {
        let b = w.plan.next_branch("FUN-UNAPPROVED", 2);
        let amount = w.range(300, 1_500) * 100;
        let d = any_day(w, 0);
        let (name, id) = f
            .supplier(w, d, amount)
            .unwrap_or_else(|| fresh_supplier(w, t));
        let s = r.voucher(w, v, d, "office", amount, false, (&name, &id), "办公用品");
        if b == 0 {
            r.get(v, s).signed = false;
        } else {
            r.get(v, s).approved_by = None;
        }
        r.voucher_truth.push(("FUN-UNAPPROVED", v, vec![s]));
    }
    // FUN-CASH-LIMIT: cash above 2,000 yuan (up to 4,800), otherwise ordinary.
    for _ in 0..w.plan.count("FUN-CASH-LIMIT", v) {
        let amount = w.range(200_001, 480_000);
        let d = any_day(w, 0);
        let (name, id) = f
            .villager(w, d, amount)
            .unwrap_or_else(|| fresh_supplier(w, t));
        let s = r.voucher(
            w,
            v,
            d,
            "labour",
            amount,
            true,
            (&name, &id),
            "临时用工劳务费",
        );
        r.voucher_truth.push(("FUN-CASH-LIMIT", v, vec![s]));
    }
    // FUN-NO-DECISION: 55,000-120,000 yuan paid with no decision, an invalid one (also
    // DEC-INVALID), or one taken after the payment.
    for _ in 0..w.plan.count("FUN-NO-DECISION", v) {
        let b = w.plan.next_branch("FUN-NO-DECISION", 3);
        let amount = w.range(550, 1_200) * 10_000;
        let d = any_day(w, 60);
        let (name, id) = fresh_supplier(w, t);
        let dec = match b {
            0 => String::new(),
            1 => {
                let k = w.plan.next_branch("DEC-INVALID", decisions::INVALID_KINDS);
                decisions::invalid(w, r, v, "村内公益设施建设", Some(amount), d, k)
            }
            _ => decisions::after(w, r, v, "村内公益设施建设", Some(amount), d),
        };
        let s = r.voucher(
            w,
            v,
            d,
            "public_welfare",
            amount,
            false,
            (&name, &id),
            "公益设施建设款",
        );
        r.get(v, s).decision = dec;
        r.voucher_truth.push(("FUN-NO-DECISION", v, vec![s]));
    }
    // FUN-SPLIT: two or three payments to one new supplier within 25 days, each below 50,000
    // yuan and together above it.
    for _ in 0..w.plan.count("FUN-SPLIT", v) {
        let n = w.range(2, 3) as usize;
        let (name, id) = fresh_supplier(w, t);
        let mut d = any_day(w, 30);
        let mut serials = Vec::new();
        for _ in 0..n {
            let amount = if n == 2 {
                w.range(260, 450)
            } else {
                w.range(180, 300)
            } * 10_000;
            let s = r.voucher(
                w,
                v,
                d,
                "operating_cost",
                amount,
                false,
                (&name, &id),
                "购置集体经营物资",
            );
            serials.push(s);
            d = add_days(d, w.range(3, 12));
        }
        r.voucher_truth.push(("FUN-SPLIT", v, serials));
    }
    // FUN-SELF-DEALING: a labour payment to a serving cadre, a member of the cadre's household,
    // or a relative the cadre declared outside it.
    for _ in 0..w.plan.count("FUN-SELF-DEALING", v) {
        let b = w.plan.next_branch("FUN-SELF-DEALING", 3);
        let cadres = w.steady_cadres(v);
        if cadres.is_empty() {
            break;
        }
        let c = w.officials[cadres[w.rng.gen_range(0..cadres.len())] as usize].person;
        let hh = w.persons[c as usize].household;
        let in_hh: Vec<u32> = w.households[hh as usize]
            .members
            .iter()
            .copied()
            .filter(|&m| m != c && w.persons[m as usize].death.is_none())
            .collect();
        let outside: Vec<u32> = w
            .declared
            .iter()
            .filter(|d| d.official == c && w.persons[d.relative as usize].household != hh)
            .map(|d| d.relative)
            .collect();
        let target = match b {
            2 if !outside.is_empty() => outside[0],
            1 | 2 if !in_hh.is_empty() => in_hh[0],
            _ => c,
        };
        let amount = w.range(500, 4_000) * 100;
        let d = any_day(w, 0);
        let (name, id) = (
            w.persons[target as usize].name.clone(),
            w.persons[target as usize].id.clone(),
        );
        let s = r.voucher(
            w,
            v,
            d,
            "labour",
            amount,
            false,
            (&name, &id),
            "村内工程劳务费",
        );
        r.voucher_truth.push(("FUN-SELF-DEALING", v, vec![s]));
    }
    // Decoys.
    for _ in 0..w.plan.count("decoy:cash_exactly_2000", v) {
        let d = any_day(w, 0);
        let (name, id) = f
            .villager(w, d, 200_000)
            .unwrap_or_else(|| fresh_supplier(w, t));
        let s = r.voucher(
            w,
            v,
            d,
            "labour",
            200_000,
            true,
            (&name, &id),
            "临时用工劳务费",
        );
        r.voucher_decoys
            .push(("cash_exactly_2000", "FUN-CASH-LIMIT", v, vec![s]));
    }
    for _ in 0..w.plan.count("decoy:split_below_threshold", v) {
        let (name, id) = fresh_supplier(w, t);
        let d = any_day(w, 15);
        let mut serials = Vec::new();
        for k in 0..2 {
            let amount = w.range(150, 240) * 10_000;
            serials.push(r.voucher(
                w,
                v,
                add_days(d, k * 7),
                "operating_cost",
                amount,
                false,
                (&name, &id),
                "购置集体经营物资",
            ));
        }
        r.voucher_decoys
            .push(("split_below_threshold", "FUN-SPLIT", v, serials));
    }
    for _ in 0..w.plan.count("decoy:split_outside_window", v) {
        let (name, id) = fresh_supplier(w, t);
        let d = any_day(w, 65);
        let gap = w.range(45, 60);
        let mut serials = Vec::new();
        for k in 0..2 {
            let amount = w.range(260, 400) * 10_000;
            serials.push(r.voucher(
                w,
                v,
                add_days(d, k * gap),
                "operating_cost",
                amount,
                false,
                (&name, &id),
                "购置集体经营物资",
            ));
        }
        r.voucher_decoys
            .push(("split_outside_window", "FUN-SPLIT", v, serials));
    }
    for _ in 0..w.plan.count("decoy:ex_cadre_labour", v) {
        let p = w.new_ex_cadre(v);
        let d = any_day(w, 0);
        let (name, id) = (
            w.persons[p as usize].name.clone(),
            w.persons[p as usize].id.clone(),
        );
        let amount = w.range(800, 1_500) * 100;
        let s = r.voucher(
            w,
            v,
            d,
            "labour",
            amount,
            false,
            (&name, &id),
            "村内道路清扫劳务费",
        );
        r.voucher_decoys
            .push(("ex_cadre_labour", "FUN-SELF-DEALING", v, vec![s]));
    }
}

fn fresh_supplier(w: &mut World, t: u32) -> (String, String) {
    let c = w.company_with_new_people(t, names::SUPPLIER_KINDS, "active");
    (
        w.companies[c as usize].name.clone(),
        w.companies[c as usize].code.clone(),
    )
}
