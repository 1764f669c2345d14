//! The registers the village books lacked (issue 14): the collective's asset cards, its debts and
//! borrowing, and its cash and bank balances, with FUN-CASH-ON-HAND and FUN-CASH-UNBANKED planted
//! in them. Each leased resource has its card naming its contract, each village its office and
//! square, some a machine; some villages borrowed for a road.
//!
//! The month-end cash on hand of a village only falls month by month (its cash is banked as it
//! comes), so that no ordinary cash receipt looks unbanked and no day is over the 5,000-yuan limit;
//! a plant adds the day-end balances around one day (the day before a receipt at the month's
//! level, the deadline day still holding it, or a day over the limit), each followed by a day back
//! at the level, on a day with no other cash receipt near it, so that each plant is exactly one
//! clue and touches no other receipt's before or after.

use crate::calendar::{add_days, add_years, fmt, last_day};
use crate::out::Sink;
use crate::registers::Registers;
use crate::world::World;
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::Money;
use std::path::Path;

/// The cash on hand a village may keep at the end of a day (`domain.md`; FUN-CASH-ON-HAND's
/// default `cash_limit`), in fen.
const CASH_LIMIT: i64 = 500_000;

/// Day-end balances decided before the vouchers are written: each village's month-end level
/// and the rows the plants add.
#[derive(Default)]
pub struct Cash {
    /// Per village, per month of the window: cash on hand at the month's end, in fen.
    levels: Vec<Vec<i64>>,
    /// (village, day, cash on hand in fen).
    planted: Vec<(usize, NaiveDate, i64)>,
}

impl Cash {
    /// The month-end level before `day`.
    fn level(&self, w: &World, v: usize, day: NaiveDate) -> i64 {
        let i = w.win.index_of(day).unwrap_or(0);
        self.levels[v][i.saturating_sub(1)]
    }

    /// No planted row of village `v` within 12 days of `day`, none on a month's end.
    fn free(&self, v: usize, day: NaiveDate) -> bool {
        self.planted
            .iter()
            .all(|(pv, d, _)| *pv != v || (*d - day).num_days().abs() > 12)
            && [-1, 0, 1, 3, 4].iter().all(|k| {
                add_days(day, *k) != last_day(qingfeng_domain::Period::of_date(add_days(day, *k)))
            })
    }
}

/// No cash received by village `v` from 12 days before `day` to 4 days after it: a planted
/// balance there is no other receipt's before or after.
fn quiet(r: &Registers, v: usize, day: NaiveDate) -> bool {
    r.vouchers[v]
        .iter()
        .all(|x| !(x.income && x.cash) || x.date < add_days(day, -12) || x.date > add_days(day, 4))
}

/// A day of the window with room for a plant in village `v`, if one is found.
fn room(w: &mut World, r: &Registers, cash: &Cash, v: usize) -> Option<NaiveDate> {
    let span = (w.win.last_date - w.win.start).num_days();
    for _ in 0..40 {
        let d = add_days(w.win.start, w.range(15, span - 15));
        if quiet(r, v, d) && cash.free(v, d) {
            return Some(d);
        }
    }
    None
}

/// Decides the balances and plants the cash receipts (before the vouchers are numbered).
pub fn plant(w: &mut World, r: &mut Registers) -> Cash {
    let mut cash = Cash::default();
    for _ in 0..w.villages.len() {
        let mut level = w.range(1_500, 3_000) * 100;
        let mut months = Vec::with_capacity(w.win.len());
        for _ in 0..w.win.len() {
            months.push(level);
            level = (level - w.range(0, 60) * 100).max(20_000);
        }
        cash.levels.push(months);
    }
    for v in 0..w.villages.len() {
        let held = w.plan.count("FUN-CASH-UNBANKED", v as u32);
        let banked = w.plan.count("decoy:cash_banked_in_time", v as u32);
        for k in 0..held + banked {
            let Some(d) = room(w, r, &cash, v) else {
                continue;
            };
            let level = cash.level(w, v, d);
            // What comes in keeps the till under the limit: only the deadline may look wrong.
            let amount = w.range(300, (CASH_LIMIT - 100 - level) / 100) * 100;
            let s = r.voucher(
                w,
                v as u32,
                d,
                "other_income",
                amount,
                true,
                ("废品回收站", ""),
                "废旧物资变卖收入",
            );
            cash.planted.push((v, add_days(d, -1), level));
            if k < held {
                cash.planted.push((v, add_days(d, 3), level + amount));
                r.voucher_truth
                    .push(("FUN-CASH-UNBANKED", v as u32, vec![s]));
            } else {
                // Banked on the second day: back at the level by the deadline.
                cash.planted.push((v, add_days(d, 3), level));
                r.voucher_decoys.push((
                    "cash_banked_in_time",
                    "FUN-CASH-UNBANKED",
                    v as u32,
                    vec![s],
                ));
            }
            cash.planted.push((v, add_days(d, 4), level));
        }
    }
    cash
}

fn resource(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "land_transfer" => ("集体耕地", "land"),
        "forest_transfer" => ("集体林地", "forest"),
        "pond_lease" => ("集体鱼塘", "water"),
        "building_lease" => ("集体厂房", "building"),
        _ => ("集体资产", "other"),
    }
}

pub fn write(
    w: &mut World,
    r: &Registers,
    mut cash: Cash,
    dir: &Path,
) -> Result<Vec<(&'static str, u64)>> {
    let villages = w.villages.len();
    let mut seq = vec![0u32; villages];
    let mut next_id = |w: &World, v: usize| {
        seq[v] += 1;
        format!("ZC{}{:03}", &w.villages[v].code[6..], seq[v])
    };
    let mut out = Vec::new();

    let mut s = Sink::create(dir, "assets")?;
    for c in &r.contracts {
        let v = c.village as usize;
        let (name, category) = resource(c.kind);
        let group = w.range(1, 8);
        let id = next_id(w, v);
        s.row([
            id.as_str(),
            w.villages[v].code.as_str(),
            name,
            category,
            format!("{}第{group}村民小组", w.villages[v].name).as_str(),
            // A resource's book value: some years of its rent.
            Money(c.rent * 8).to_plain_yuan().as_str(),
            "",
            "leased",
            format!("{}.{:02}", c.area_centi / 100, c.area_centi % 100).as_str(),
            c.id.as_str(),
            "",
        ])?;
    }
    let start = w.win.start;
    for v in 0..villages {
        let mut own = vec![
            (
                "村委会办公楼",
                "building",
                w.range(30, 80) * 1_000_000,
                "in_use",
            ),
            (
                "村文化广场",
                "facility",
                w.range(10, 40) * 1_000_000,
                "in_use",
            ),
        ];
        if w.chance(0.5) {
            let status = if w.chance(0.3) { "idle" } else { "in_use" };
            own.push((
                "小型挖掘机",
                "equipment",
                w.range(8, 20) * 1_000_000,
                status,
            ));
        }
        for (name, category, value, status) in own {
            let acquired = add_years(start, -(w.range(2, 15) as i32));
            let id = next_id(w, v);
            s.row([
                id.as_str(),
                w.villages[v].code.as_str(),
                name,
                category,
                w.villages[v].name.as_str(),
                Money(value).to_plain_yuan().as_str(),
                fmt(acquired).as_str(),
                status,
                "",
                "",
                "",
            ])?;
        }
    }
    out.push(s.finish()?);

    let mut s = Sink::create(dir, "debts")?;
    for v in 0..villages {
        if !w.chance(0.4) {
            continue;
        }
        let incurred = add_years(start, -1);
        let code = w.villages[v].code.clone();
        s.row([
            format!("ZW{}001", &code[6..]).as_str(),
            code.as_str(),
            "payable",
            "县农村信用合作联社",
            "",
            Money(w.range(5, 20) * 1_000_000).to_plain_yuan().as_str(),
            fmt(incurred).as_str(),
            fmt(add_years(incurred, 3)).as_str(),
            "",
            "",
            "村道硬化工程借款",
        ])?;
    }
    out.push(s.finish()?);

    // Days over the limit (one per village and month at most: the rule gives one clue per
    // month) and days exactly at it, each with the next day back at the level.
    for v in 0..villages {
        let over = w.plan.count("FUN-CASH-ON-HAND", v as u32);
        let at = w.plan.count("decoy:cash_at_limit", v as u32);
        let mut months = Vec::new();
        for k in 0..over + at {
            let Some(d) = room(w, r, &cash, v).filter(|d| !months.contains(&w.win.index_of(*d)))
            else {
                continue;
            };
            months.push(w.win.index_of(d));
            let level = cash.level(w, v, d);
            let code = &w.villages[v].code;
            let id = format!("{code}/{}", fmt(d));
            if k < over {
                cash.planted
                    .push((v, d, CASH_LIMIT + w.range(1, 3_000) * 100));
                w.truth.add("FUN-CASH-ON-HAND", "balance", [id]);
            } else {
                cash.planted.push((v, d, CASH_LIMIT));
                w.decoys
                    .add("cash_at_limit", "balance", [id], "FUN-CASH-ON-HAND");
            }
            cash.planted.push((v, add_days(d, 1), level));
        }
    }
    let mut s = Sink::create(dir, "cash_balances")?;
    let periods = w.win.periods.clone();
    for v in 0..villages {
        let code = w.villages[v].code.clone();
        let mut days: Vec<(NaiveDate, i64)> = periods
            .iter()
            .enumerate()
            .map(|(i, p)| (last_day(*p), cash.levels[v][i]))
            .chain(
                cash.planted
                    .iter()
                    .filter(|(pv, _, _)| *pv == v)
                    .map(|(_, d, c)| (*d, *c)),
            )
            .collect();
        days.sort();
        for (day, on_hand) in days {
            s.row([
                code.as_str(),
                fmt(day).as_str(),
                Money(on_hand).to_plain_yuan().as_str(),
                Money(w.range(50_000, 600_000) * 100)
                    .to_plain_yuan()
                    .as_str(),
            ])?;
        }
    }
    out.push(s.finish()?);
    Ok(out)
}
