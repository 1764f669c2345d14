//! The village registers other than rosters and payments: decisions, collective contracts,
//! projects and bids, vouchers, disclosures. They are small (tens of rows per village and year),
//! so they are kept in memory and written at the end; vouchers get their numbers only then,
//! after sorting by date, so plants refer to vouchers by a provisional serial.

use crate::calendar::fmt;
use crate::out::Sink;
use crate::world::World;
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use qingfeng_domain::Money;
use std::path::Path;

pub struct Decision {
    pub id: String,
    pub village: u32,
    pub subject: String,
    pub amount: Option<i64>,
    pub proposed: NaiveDate,
    pub committees: NaiveDate,
    pub party: Option<(NaiveDate, u32, u32, u32)>,
    pub meeting: NaiveDate,
    pub kind: &'static str,
    pub total: u32,
    pub present: u32,
    pub approve: u32,
    pub resolution: Option<NaiveDate>,
    pub result: Option<NaiveDate>,
}

pub struct Contract {
    pub id: String,
    pub village: u32,
    pub kind: &'static str,
    pub cp_id: String,
    pub cp_name: String,
    pub area_centi: i64,
    pub rent: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub signed: NaiveDate,
    pub decision: Option<String>,
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// Per contract year: share of the rent actually booked, in per cent (100 normally).
    pub paid_pct: Vec<(i32, i64)>,
    pub underpriced: bool,
}

pub struct Bid {
    pub bidder_id: String,
    pub name: String,
    pub amount: i64,
    pub submitted: Option<NaiveDate>,
    pub status: &'static str,
    pub phone: String,
    pub address: String,
}

pub struct Project {
    pub id: String,
    pub village: u32,
    pub name: String,
    pub budget: i64,
    pub method: &'static str,
    pub notice: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub awarded: NaiveDate,
    pub winner_id: String,
    pub winner_name: String,
    pub award: i64,
    pub final_amount: Option<i64>,
    pub decision: Option<String>,
    pub bids: Vec<Bid>,
}

pub struct Voucher {
    pub serial: usize,
    pub date: NaiveDate,
    pub income: bool,
    pub category: &'static str,
    pub amount: i64,
    pub cash: bool,
    pub cp_name: String,
    pub cp_id: String,
    pub contract: String,
    pub project: String,
    pub decision: String,
    pub description: String,
    pub approved_by: Option<String>,
    pub signed: bool,
}

#[derive(Default)]
pub struct Registers {
    pub decisions: Vec<Decision>,
    pub contracts: Vec<Contract>,
    pub projects: Vec<Project>,
    /// Vouchers per village.
    pub vouchers: Vec<Vec<Voucher>>,
    /// Truth and decoy rows naming vouchers by (village, serial), resolved when numbered.
    pub voucher_truth: Vec<(&'static str, u32, Vec<usize>)>,
    pub voucher_decoys: Vec<(&'static str, &'static str, u32, Vec<usize>)>,
    pub decision_seq: Vec<u32>,
    pub contract_seq: Vec<u32>,
    pub project_seq: Vec<u32>,
    /// Village-cadre rows per village, for approvals.
    pub cadres: Vec<Vec<u32>>,
}

impl Registers {
    pub fn new(w: &World) -> Registers {
        let villages = w.villages.len();
        let mut cadres = vec![Vec::new(); villages];
        for (i, o) in w.officials.iter().enumerate() {
            if let (crate::world::Cat::VillageCadre, Some(v)) = (o.cat, o.village) {
                cadres[v as usize].push(i as u32);
            }
        }
        Registers {
            cadres,
            vouchers: (0..villages).map(|_| Vec::new()).collect(),
            decision_seq: vec![0; villages],
            contract_seq: vec![0; villages],
            project_seq: vec![0; villages],
            ..Registers::default()
        }
    }

    pub fn next_decision_id(&mut self, w: &World, v: u32) -> String {
        self.decision_seq[v as usize] += 1;
        format!(
            "JC{}{:04}",
            &w.villages[v as usize].code[6..],
            self.decision_seq[v as usize]
        )
    }

    pub fn next_contract_id(&mut self, w: &World, v: u32) -> String {
        self.contract_seq[v as usize] += 1;
        format!(
            "HT{}{:03}",
            &w.villages[v as usize].code[6..],
            self.contract_seq[v as usize]
        )
    }

    pub fn next_project_id(&mut self, w: &World, v: u32, year: i32) -> String {
        self.project_seq[v as usize] += 1;
        format!(
            "XM{}{}{:03}",
            &w.villages[v as usize].code[6..],
            year,
            self.project_seq[v as usize]
        )
    }

    /// Adds a voucher (approved by the village's serving secretary and director, signed by the
    /// supervision committee) and returns its serial.
    #[allow(clippy::too_many_arguments)]
    pub fn voucher(
        &mut self,
        w: &World,
        v: u32,
        date: NaiveDate,
        category: &'static str,
        amount: i64,
        cash: bool,
        cp: (&str, &str),
        description: &str,
    ) -> usize {
        let income = qingfeng_domain::contract::INCOME_CATEGORIES.contains(&category);
        let list = &mut self.vouchers[v as usize];
        let serial = list.len();
        let approvers: Vec<String> = self.cadres[v as usize]
            .iter()
            .copied()
            .filter(|&o| {
                let o = &w.officials[o as usize];
                o.serving_on(date)
            })
            .filter(|&o| {
                let o = &w.officials[o as usize];
                o.cat == crate::world::Cat::VillageCadre
                    && (o.position == "党支部书记" || o.position == "村委会主任")
            })
            .map(|o| {
                w.persons[w.officials[o as usize].person as usize]
                    .id
                    .clone()
            })
            .collect();
        list.push(Voucher {
            serial,
            date,
            income,
            category,
            amount,
            cash,
            cp_name: cp.0.to_string(),
            cp_id: cp.1.to_string(),
            contract: String::new(),
            project: String::new(),
            decision: String::new(),
            description: description.to_string(),
            approved_by: if approvers.is_empty() {
                None
            } else {
                Some(approvers.join(";"))
            },
            signed: true,
        });
        serial
    }

    pub fn get(&mut self, v: u32, serial: usize) -> &mut Voucher {
        &mut self.vouchers[v as usize][serial]
    }
}

pub fn write(w: &mut World, r: &mut Registers, dir: &Path) -> Result<Vec<(&'static str, u64)>> {
    let mut out = Vec::new();
    let mut s = Sink::create(dir, "decisions")?;
    for d in &r.decisions {
        let v = &w.villages[d.village as usize];
        let (pon, pt, pp, pa) = match d.party {
            Some((on, t, p, a)) => (fmt(on), t.to_string(), p.to_string(), a.to_string()),
            None => Default::default(),
        };
        s.row([
            d.id.as_str(),
            v.code.as_str(),
            d.subject.as_str(),
            d.amount
                .map(|a| Money(a).to_plain_yuan())
                .unwrap_or_default()
                .as_str(),
            fmt(d.proposed).as_str(),
            fmt(d.committees).as_str(),
            pon.as_str(),
            pt.as_str(),
            pp.as_str(),
            pa.as_str(),
            fmt(d.meeting).as_str(),
            d.kind,
            d.total.to_string().as_str(),
            d.present.to_string().as_str(),
            d.approve.to_string().as_str(),
            // Households (optional in the contract): the generated meetings count persons.
            "",
            "",
            d.resolution.map(fmt).unwrap_or_default().as_str(),
            d.result.map(fmt).unwrap_or_default().as_str(),
        ])?;
    }
    out.push(s.finish()?);
    let mut s = Sink::create(dir, "collective_contracts")?;
    for c in &r.contracts {
        let (ps, pe) = c
            .publicity
            .map(|(a, b)| (fmt(a), fmt(b)))
            .unwrap_or_default();
        s.row([
            c.id.as_str(),
            w.villages[c.village as usize].code.as_str(),
            c.kind,
            c.cp_id.as_str(),
            c.cp_name.as_str(),
            format!("{}.{:02}", c.area_centi / 100, c.area_centi % 100).as_str(),
            Money(c.rent).to_plain_yuan().as_str(),
            fmt(c.start).as_str(),
            fmt(c.end).as_str(),
            fmt(c.signed).as_str(),
            c.decision.as_deref().unwrap_or(""),
            ps.as_str(),
            pe.as_str(),
        ])?;
    }
    out.push(s.finish()?);
    let mut s = Sink::create(dir, "projects")?;
    let mut b = Sink::create(dir, "bids")?;
    for p in &r.projects {
        s.row([
            p.id.as_str(),
            w.villages[p.village as usize].code.as_str(),
            p.name.as_str(),
            Money(p.budget).to_plain_yuan().as_str(),
            p.method,
            p.notice.map(fmt).unwrap_or_default().as_str(),
            p.deadline.map(fmt).unwrap_or_default().as_str(),
            fmt(p.awarded).as_str(),
            p.winner_id.as_str(),
            p.winner_name.as_str(),
            Money(p.award).to_plain_yuan().as_str(),
            p.final_amount
                .map(|a| Money(a).to_plain_yuan())
                .unwrap_or_default()
                .as_str(),
            p.decision.as_deref().unwrap_or(""),
        ])?;
        for x in &p.bids {
            b.row([
                p.id.as_str(),
                x.bidder_id.as_str(),
                x.name.as_str(),
                Money(x.amount).to_plain_yuan().as_str(),
                x.submitted.map(fmt).unwrap_or_default().as_str(),
                x.status,
                x.phone.as_str(),
                x.address.as_str(),
            ])?;
        }
    }
    out.push(s.finish()?);
    out.push(b.finish()?);
    // Vouchers: numbered per village and month after sorting by date.
    let mut s = Sink::create(dir, "vouchers")?;
    let mut ids: Vec<Vec<String>> = Vec::new();
    for (v, list) in r.vouchers.iter_mut().enumerate() {
        list.sort_by_key(|x| (x.date, x.serial));
        let mut by_serial = vec![String::new(); list.len()];
        let mut month = (0, 0);
        let mut n = 0;
        let code = &w.villages[v].code;
        for x in list.iter() {
            let m = (x.date.year(), x.date.month());
            if m != month {
                month = m;
                n = 0;
            }
            n += 1;
            let id = format!("PZ{}{:04}{:02}{:03}", &code[6..], m.0, m.1, n);
            s.row([
                id.as_str(),
                code.as_str(),
                fmt(x.date).as_str(),
                if x.income { "income" } else { "expense" },
                x.category,
                Money(x.amount).to_plain_yuan().as_str(),
                if x.cash { "cash" } else { "bank" },
                x.cp_name.as_str(),
                x.cp_id.as_str(),
                x.contract.as_str(),
                x.project.as_str(),
                x.decision.as_str(),
                x.description.as_str(),
                x.approved_by.as_deref().unwrap_or(""),
                if x.signed { "true" } else { "false" },
            ])?;
            by_serial[x.serial] = id;
        }
        ids.push(by_serial);
    }
    out.push(s.finish()?);
    for (rule, v, serials) in &r.voucher_truth {
        let list: Vec<String> = serials
            .iter()
            .map(|&k| ids[*v as usize][k].clone())
            .collect();
        w.truth.add(rule, "voucher", list);
    }
    for (kind, looks, v, serials) in &r.voucher_decoys {
        let list: Vec<String> = serials
            .iter()
            .map(|&k| ids[*v as usize][k].clone())
            .collect();
        w.decoys.add(kind, "voucher", list, looks);
    }
    Ok(out)
}

pub fn write_disclosures(w: &mut World, dir: &Path) -> Result<(&'static str, u64)> {
    use rand::Rng;
    let mut s = Sink::create(dir, "disclosures")?;
    for v in 0..w.villages.len() {
        let code = w.villages[v].code.clone();
        let vname = w.villages[v].name.clone();
        let mut n = 0;
        for i in 0..w.win.len() {
            let p = w.win.periods[i];
            let mut items: Vec<(&str, &str)> = vec![("finance", "财务收支情况公开")];
            if p.month.is_multiple_of(3) {
                items.extend([
                    ("affairs", "村务公开"),
                    ("party", "党务公开"),
                    ("subsidy_roster", "惠民惠农补贴发放名册公示"),
                    ("project", "村级工程项目实施情况公开"),
                    ("contract", "集体资产资源发包租赁情况公开"),
                ]);
            }
            for (cat, title) in items {
                let published = if cat == "finance" {
                    crate::calendar::add_days(crate::calendar::last_day(p), w.rng.gen_range(3..=10))
                } else {
                    crate::calendar::ymd(p.year, p.month, w.rng.gen_range(20..=28))
                };
                if published > w.win.last_date {
                    continue;
                }
                n += 1;
                s.row([
                    format!("GK{}{:05}", &code[6..], n).as_str(),
                    code.as_str(),
                    cat,
                    w.win.period_str[i].as_str(),
                    fmt(published).as_str(),
                    format!("{vname}{}年{}月{title}", p.year, p.month).as_str(),
                    "",
                ])?;
            }
        }
    }
    s.finish()
}
