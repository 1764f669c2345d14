//! Market entities (companies and their people), vehicles and real estate.
//!
//! What SUB-WEALTH looks at (passenger cars, trucks, commercial property, roles in active
//! companies) is only given to households outside the means-tested programs; what it must ignore
//! (motorcycles, tractors, farm vehicles, deregistered cars and companies, residential property)
//! is spread everywhere. Every person holds at most one company role, and no two companies share
//! a phone or an address, so that PRO-COLLUSION fires only where planted.

use crate::calendar::{add_days, fmt, ymd};
use crate::names;
use crate::out::Sink;
use crate::world::{Company, CompanyPerson, Property, Vehicle, World};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::CreditCode;
use rand::Rng;
use std::path::Path;

impl World {
    fn credit_code(&mut self, kind2: &str) -> String {
        let n = self.companies.len() as u64;
        let alphabet = CreditCode::alphabet();
        let m = 31u64.pow(9);
        let mut x = crate::people::scramble(n, m);
        let mut body = [b'0'; 9];
        for slot in body.iter_mut().rev() {
            *slot = alphabet[(x % 31) as usize];
            x /= 31;
        }
        let body = std::str::from_utf8(&body)
            .expect("ASCII alphabet")
            .to_string();
        CreditCode::build(kind2, &self.county.code6, &body).to_string()
    }

    pub fn new_address(&mut self, t: u32) -> String {
        self.address_next += 1;
        let n = self.address_next;
        let road = names::ROADS[(n as usize / 7) % names::ROADS.len()];
        format!(
            "{}{}{}{}号",
            self.county.name, self.townships[t as usize].name, road, n
        )
    }

    /// A company with its legal representative (also majority shareholder) and, often, a second
    /// shareholder; each person is marked busy so that nobody holds two company roles.
    pub fn new_company(
        &mut self,
        t: u32,
        kinds: &[&str],
        rep: Option<u32>,
        status: &'static str,
        established: NaiveDate,
        second: bool,
    ) -> u32 {
        let coop = kinds == names::FARM_KINDS && self.rng.gen_bool(0.5);
        let code = self.credit_code(if coop { "93" } else { "91" });
        let kind = names::pick(&mut self.rng, kinds);
        let name = format!(
            "{}{}{}",
            self.county.short,
            names::brand(&mut self.rng),
            kind
        );
        let name = if self.companies.iter().any(|c| c.name == name) {
            format!(
                "{}{}{}{}",
                self.county.short,
                names::brand(&mut self.rng),
                self.companies.len(),
                kind
            )
        } else {
            name
        };
        let address = self.new_address(t);
        let phone = self.new_phone();
        let idx = self.companies.len() as u32;
        self.companies.push(Company {
            code,
            name,
            rep,
            address,
            phone,
            established,
            status,
        });
        if let Some(r) = rep {
            self.persons[r as usize].busy = true;
            let share = if second { 60 } else { 100 };
            self.company_people.push(CompanyPerson {
                company: idx,
                person: r,
                role: "legal_rep",
                share: None,
            });
            self.company_people.push(CompanyPerson {
                company: idx,
                person: r,
                role: "shareholder",
                share: Some(share),
            });
        }
        if second {
            if let Some(s) = self.business_person(t) {
                self.company_people.push(CompanyPerson {
                    company: idx,
                    person: s,
                    role: "shareholder",
                    share: Some(40),
                });
            }
        }
        idx
    }

    /// A clean adult of township `t` for a company role; a fresh household when the township has
    /// nobody left (tiny counties).
    pub fn business_person(&mut self, t: u32) -> Option<u32> {
        let vs = self.townships[t as usize].villages.clone();
        for _ in 0..8 {
            let v = vs[self.rng.gen_range(0..vs.len())];
            if let Some(p) = self.clean_adult(v, 26, 62) {
                self.persons[p as usize].busy = true;
                return Some(p);
            }
        }
        let v = vs[self.rng.gen_range(0..vs.len())];
        let hh = self.fresh_hh(v, 35, 55, false, None);
        Some(self.head_of(hh))
    }

    pub fn company_with_new_people(&mut self, t: u32, kinds: &[&str], status: &'static str) -> u32 {
        let rep = self.business_person(t);
        let est = add_days(ymd(2006, 1, 1), self.rng.gen_range(0..5800))
            .min(add_days(self.win.start, -400));
        let second = self.rng.gen_bool(0.5);
        self.new_company(t, kinds, rep, status, est, second)
    }

    pub fn new_plate(&mut self) -> String {
        const CH: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        let n = self.plate_next;
        self.plate_next += 1;
        let mut x = crate::people::scramble(n, 34u64.pow(5));
        let mut s = [b'0'; 5];
        for slot in s.iter_mut().rev() {
            *slot = CH[(x % 34) as usize];
            x /= 34;
        }
        let letter = (b'A' + (self.county.code6.as_bytes()[5] - b'0') % 8) as char;
        format!(
            "{}{}{}",
            self.county.plate,
            letter,
            std::str::from_utf8(&s).expect("ASCII")
        )
    }

    pub fn add_vehicle(
        &mut self,
        owner: u32,
        kind: &'static str,
        registered: NaiveDate,
        dereg: Option<NaiveDate>,
    ) {
        let plate = self.new_plate();
        self.vehicles.push(Vehicle {
            owner,
            plate,
            kind,
            registered,
            deregistered: dereg,
        });
    }

    pub fn add_property(&mut self, owner: u32, kind: &'static str, registered: NaiveDate) {
        let hh = self.persons[owner as usize].household;
        let v = self.persons[owner as usize].village as usize;
        let n = self.properties.len();
        let id = format!("{}GB{:05}F{:08}", self.villages[v].code, n % 100_000, n);
        let (location, area) = if kind == "commercial" {
            let t = self.villages[v].township;
            (self.new_address(t), self.rng.gen_range(40..=260))
        } else {
            (self.address_of(hh), self.rng.gen_range(90..=240))
        };
        self.properties.push(Property {
            owner,
            id,
            kind,
            location,
            area_m2: area,
            registered,
        });
    }
}

pub fn build_companies(w: &mut World) {
    for t in 0..w.townships.len() as u32 {
        let nv = w.townships[t as usize].villages.len();
        let mut b = Vec::new();
        for _ in 0..nv.max(6) {
            b.push(w.company_with_new_people(t, names::CONSTRUCTION_KINDS, "active"));
        }
        let mut s = Vec::new();
        for _ in 0..(nv / 2).max(5) {
            s.push(w.company_with_new_people(t, names::SUPPLIER_KINDS, "active"));
        }
        let mut f = Vec::new();
        for _ in 0..(nv / 2).max(4) {
            f.push(w.company_with_new_people(t, names::FARM_KINDS, "active"));
        }
        w.company_with_new_people(t, names::OTHER_KINDS, "active");
        w.company_with_new_people(t, names::OTHER_KINDS, "revoked");
        w.company_with_new_people(t, names::OTHER_KINDS, "deregistered");
        w.builders.push(b);
        w.suppliers.push(s);
        w.farms.push(f);
    }
    let code = w.credit_code("91");
    let address = w.new_address(0);
    w.power_company = w.companies.len() as u32;
    w.companies.push(crate::world::Company {
        code,
        name: format!("国网{}供电公司", w.county.name),
        rep: None,
        address,
        phone: format!("95598{:03}", w.companies.len() % 1000),
        established: ymd(2003, 6, 1),
        status: "active",
    });
}

pub fn build_wealth(w: &mut World) {
    let last = w.win.last_date;
    for h in 0..w.households.len() {
        let hh = &w.households[h];
        if hh.plant {
            continue;
        }
        let means = hh.dibao || hh.tekun;
        let may_be_rich = !means && !hh.modest;
        let members = hh.members.clone();
        let head = members[0];
        let adults: Vec<u32> = members
            .iter()
            .copied()
            .filter(|&m| (20..=72).contains(&w.age_on(m, w.win.start)))
            .collect();
        let owner = adults.first().copied().unwrap_or(head);
        let reg = |w: &mut World| {
            add_days(ymd(2008, 1, 1), w.rng.gen_range(0..6000)).min(add_days(last, -30))
        };
        if may_be_rich && w.chance(0.25) {
            let r = reg(w);
            let dereg = if w.chance(0.1) {
                Some(add_days(r, w.range(400, 2500)).min(last))
            } else {
                None
            };
            w.add_vehicle(owner, "passenger_car", r, dereg);
        }
        if may_be_rich && w.chance(0.04) {
            let r = reg(w);
            w.add_vehicle(owner, "truck", r, None);
        }
        if w.chance(0.2) {
            let r = reg(w);
            w.add_vehicle(owner, "motorcycle", r, None);
        }
        if w.chance(0.08) {
            let r = reg(w);
            let kind = if w.chance(0.5) {
                "tractor"
            } else {
                "farm_vehicle"
            };
            w.add_vehicle(owner, kind, r, None);
        }
        if w.chance(0.4) {
            let r = add_days(ymd(2016, 1, 1), w.range(0, 3000)).min(last);
            w.add_property(head, "residential", r);
        }
        if may_be_rich && w.chance(0.015) {
            let r = add_days(ymd(2012, 1, 1), w.range(0, 4000)).min(last);
            w.add_property(owner, "commercial", r);
        }
    }
}

pub fn write_market(w: &World, dir: &Path) -> Result<Vec<(&'static str, u64)>> {
    let mut c = Sink::create(dir, "companies")?;
    for co in &w.companies {
        let (rid, rname) = match co.rep {
            Some(r) => (
                w.persons[r as usize].id.as_str(),
                w.persons[r as usize].name.as_str(),
            ),
            None => ("", ""),
        };
        c.row([
            co.code.as_str(),
            co.name.as_str(),
            rid,
            rname,
            co.address.as_str(),
            co.phone.as_str(),
            fmt(co.established).as_str(),
            co.status,
        ])?;
    }
    let mut cp = Sink::create(dir, "company_people")?;
    for r in &w.company_people {
        let p = &w.persons[r.person as usize];
        let share = r.share.map(|s| s.to_string()).unwrap_or_default();
        cp.row([
            w.companies[r.company as usize].code.as_str(),
            p.id.as_str(),
            p.name.as_str(),
            r.role,
            share.as_str(),
        ])?;
    }
    let mut v = Sink::create(dir, "vehicles")?;
    for x in &w.vehicles {
        let dereg = x.deregistered.map(fmt).unwrap_or_default();
        v.row([
            w.persons[x.owner as usize].id.as_str(),
            x.plate.as_str(),
            x.kind,
            fmt(x.registered).as_str(),
            dereg.as_str(),
        ])?;
    }
    let mut p = Sink::create(dir, "properties")?;
    for x in &w.properties {
        p.row([
            w.persons[x.owner as usize].id.as_str(),
            x.id.as_str(),
            x.kind,
            x.location.as_str(),
            x.area_m2.to_string().as_str(),
            fmt(x.registered).as_str(),
        ])?;
    }
    Ok(vec![c.finish()?, cp.finish()?, v.finish()?, p.finish()?])
}
