//! The registers the village books lacked (issue 14): the collective's asset cards, its debts and
//! borrowing, and its month-end cash and bank balances. Background only — no rule reads them
//! yet, so nothing is planted: each leased resource has its card naming its contract, each
//! village its office and square, some a machine; some villages borrowed for a road; cash on
//! hand stays under the 5,000-yuan limit of `domain.md`.
//!
//! Written after every other table, so that the draws here change nothing generated before.

use crate::calendar::{add_years, fmt, last_day};
use crate::out::Sink;
use crate::registers::Registers;
use crate::world::World;
use anyhow::Result;
use qingfeng_domain::Money;
use std::path::Path;

fn resource(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "land_transfer" => ("集体耕地", "land"),
        "forest_transfer" => ("集体林地", "forest"),
        "pond_lease" => ("集体鱼塘", "water"),
        "building_lease" => ("集体厂房", "building"),
        _ => ("集体资产", "other"),
    }
}

pub fn write(w: &mut World, r: &Registers, dir: &Path) -> Result<Vec<(&'static str, u64)>> {
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

    let mut s = Sink::create(dir, "cash_balances")?;
    let periods = w.win.periods.clone();
    for v in 0..villages {
        let code = w.villages[v].code.clone();
        for p in &periods {
            s.row([
                code.as_str(),
                fmt(last_day(*p)).as_str(),
                Money(w.range(300, 4_500) * 100).to_plain_yuan().as_str(),
                Money(w.range(50_000, 600_000) * 100)
                    .to_plain_yuan()
                    .as_str(),
            ])?;
        }
    }
    out.push(s.finish()?);
    Ok(out)
}
