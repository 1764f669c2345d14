//! The county being built: every register kept in memory except the big ledgers (entitlements,
//! payments), which are streamed village by village.

use crate::calendar::Window;
use crate::truth::{Decoys, Truth};
use crate::Options;
use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

pub struct County {
    pub code: String,
    pub code6: String,
    pub name: String,
    pub short: String,
    pub plate: &'static str,
}

pub struct Township {
    pub code: String,
    pub name: String,
    pub villages: Vec<u32>,
}

pub struct Village {
    pub code: String,
    pub name: String,
    pub township: u32,
    pub households: Vec<u32>,
    pub clans: Vec<&'static str>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rel {
    Head,
    Spouse,
    Child,
    Parent,
    Grandchild,
    Sibling,
    Other,
}

impl Rel {
    pub fn code(self) -> &'static str {
        match self {
            Rel::Head => "head",
            Rel::Spouse => "spouse",
            Rel::Child => "child",
            Rel::Parent => "parent",
            Rel::Grandchild => "grandchild",
            Rel::Sibling => "sibling",
            Rel::Other => "other",
        }
    }
}

pub struct Person {
    pub id: String,
    pub name: String,
    pub male: bool,
    pub birth: NaiveDate,
    pub village: u32,
    pub household: u32,
    pub rel: Rel,
    pub phone: String,
    pub death: Option<NaiveDate>,
    /// Already given a role that another use could contradict (company role, plant, official).
    pub busy: bool,
    /// Number of disability subsidies (0, 1 or 2).
    pub disabled: u8,
}

pub struct Household {
    pub id: String,
    pub village: u32,
    pub members: Vec<u32>,
    /// Holds an official, or a relative an official declared: such households are kept out of
    /// means-tested programs, company roles and village payments unless a plant says otherwise.
    pub tainted: bool,
    pub dibao: bool,
    pub tekun: bool,
    /// Must never own anything SUB-WEALTH looks at (a means-tested plant may use it).
    pub modest: bool,
    /// Created by a plant or decoy: background draws never use it.
    pub plant: bool,
    pub group: u32,
    pub door: u32,
    pub land_centi: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Cat {
    VillageCadre,
    Township,
    Public,
}

impl Cat {
    pub fn code(self) -> &'static str {
        match self {
            Cat::VillageCadre => "village_cadre",
            Cat::Township => "township_official",
            Cat::Public => "public_employee",
        }
    }
}

pub struct Official {
    pub person: u32,
    pub division: String,
    pub org: String,
    pub position: &'static str,
    pub cat: Cat,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub village: Option<u32>,
    pub township: Option<u32>,
}

impl Official {
    pub fn serving_on(&self, d: NaiveDate) -> bool {
        self.start <= d && self.end.is_none_or(|e| d <= e)
    }
}

pub struct Declared {
    pub official: u32,
    pub relative: u32,
    pub relation: &'static str,
    pub on: NaiveDate,
}

pub struct Company {
    pub code: String,
    pub name: String,
    pub rep: Option<u32>,
    pub address: String,
    pub phone: String,
    pub established: NaiveDate,
    pub status: &'static str,
}

pub struct CompanyPerson {
    pub company: u32,
    pub person: u32,
    pub role: &'static str,
    pub share: Option<u32>,
}

pub struct Vehicle {
    pub owner: u32,
    pub plate: String,
    pub kind: &'static str,
    pub registered: NaiveDate,
    pub deregistered: Option<NaiveDate>,
}

pub struct Property {
    pub owner: u32,
    pub id: String,
    pub kind: &'static str,
    pub location: String,
    pub area_m2: u32,
    pub registered: NaiveDate,
}

/// How many plants (or decoys) of one kind each village hosts.
pub struct Plan {
    pub per_village: HashMap<&'static str, Vec<u32>>,
    /// Global instance counter per kind, so that branches cycle across villages.
    pub seq: HashMap<&'static str, u32>,
    /// A stream of the previous village kept untouched for a cross-village SUB-DUPLICATE.
    pub dup_source: Option<crate::subsidies::DupSource>,
}

impl Plan {
    pub fn total(&self, kind: &str) -> u32 {
        self.per_village.get(kind).map_or(0, |c| c.iter().sum())
    }

    pub fn count(&self, kind: &str, v: u32) -> u32 {
        self.per_village.get(kind).map_or(0, |c| c[v as usize])
    }

    /// The branch number of the next instance of `kind`.
    pub fn next_branch(&mut self, kind: &'static str, branches: u32) -> u32 {
        let s = self.seq.entry(kind).or_insert(0);
        let b = *s % branches;
        *s += 1;
        b
    }
}

pub struct World {
    pub rng: ChaCha8Rng,
    pub opts: Options,
    pub win: Window,
    pub county: County,
    pub townships: Vec<Township>,
    pub villages: Vec<Village>,
    pub persons: Vec<Person>,
    pub households: Vec<Household>,
    pub id_next: HashMap<(NaiveDate, bool), u16>,
    pub ghost_next: u16,
    pub phone_next: u64,
    pub account_next: u64,
    pub plate_next: u64,
    pub address_next: u32,
    pub officials: Vec<Official>,
    pub declared: Vec<Declared>,
    pub companies: Vec<Company>,
    pub company_people: Vec<CompanyPerson>,
    pub vehicles: Vec<Vehicle>,
    pub properties: Vec<Property>,
    /// Per township: construction companies, suppliers, farm businesses.
    pub builders: Vec<Vec<u32>>,
    pub suppliers: Vec<Vec<u32>>,
    pub farms: Vec<Vec<u32>>,
    pub power_company: u32,
    pub truth: Truth,
    pub decoys: Decoys,
    pub plan: Plan,
    /// The current term's start per village (the 2021 elections).
    pub term_start: Vec<NaiveDate>,
}

impl World {
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.gen_range(lo..=hi)
    }

    pub fn age_on(&self, p: u32, d: NaiveDate) -> i32 {
        let b = self.persons[p as usize].birth;
        d.years_since(b).map_or(0, |y| y as i32)
    }

    pub fn hh_of(&self, p: u32) -> &Household {
        &self.households[self.persons[p as usize].household as usize]
    }

    pub fn head_of(&self, hh: u32) -> u32 {
        self.households[hh as usize].members[0]
    }

    /// Village cadres of `v` in office for the whole window (open term begun before it).
    pub fn steady_cadres(&self, v: u32) -> Vec<u32> {
        (0..self.officials.len() as u32)
            .filter(|&i| {
                let o = &self.officials[i as usize];
                o.cat == Cat::VillageCadre
                    && o.village == Some(v)
                    && o.end.is_none()
                    && o.start < self.win.start
            })
            .collect()
    }

    /// Random living adult of village `v` from a household no official touches and no program
    /// or plant uses: safe as a counterparty, a company person or a plant's victim.
    pub fn clean_adult(&mut self, v: u32, min_age: i32, max_age: i32) -> Option<u32> {
        let hhs = &self.villages[v as usize].households;
        if hhs.is_empty() {
            return None;
        }
        for _ in 0..60 {
            let h = hhs[self.rng.gen_range(0..hhs.len())];
            let hh = &self.households[h as usize];
            if hh.tainted || hh.dibao || hh.tekun || hh.plant || hh.modest {
                continue;
            }
            let m = hh.members[self.rng.gen_range(0..hh.members.len())];
            let p = &self.persons[m as usize];
            let age = self.age_on(m, self.win.last_date);
            if p.death.is_none() && !p.busy && (min_age..=max_age).contains(&age) {
                return Some(m);
            }
        }
        None
    }
}
