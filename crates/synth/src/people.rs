//! The county, its townships and villages, households, persons and deaths.
//!
//! Households follow the shapes of rural China today: many elderly living alone or as a couple
//! (the young work in the cities), three-generation households, nuclear families. Every person
//! gets a valid resident ID number under the county's six-digit division code, with the gender
//! digit matching.

use crate::calendar::{add_days, ymd};
use crate::names;
use crate::world::{County, Household, Person, Rel, Township, Village, World};
use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use qingfeng_domain::{DivisionCode, DivisionLevel, IdNumber};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

const COUNTIES: &str = include_str!("../data/cn-adcodes-county.csv");

/// The reference date ages are counted at (the window's last day).
pub fn reference() -> NaiveDate {
    ymd(crate::calendar::END.0, crate::calendar::END.1, 31)
}

pub fn choose_county(rng: &mut ChaCha8Rng, wanted: Option<&str>) -> Result<County> {
    let mut all: Vec<(String, String)> = Vec::new();
    for line in COUNTIES.lines().skip(1) {
        let mut cols = line.split(',');
        let (Some(code), Some(name)) = (cols.next(), cols.next()) else {
            continue;
        };
        let ok = DivisionCode::parse(code).is_ok_and(|c| c.level() == DivisionLevel::County);
        if ok {
            all.push((code.to_string(), name.to_string()));
        }
    }
    let (code, name) = match wanted {
        Some(w) => match all.iter().find(|(c, _)| c == w.trim()) {
            Some(found) => found.clone(),
            None => bail!(
                "{w} is not a county code of cn-adcodes-county.csv (12 digits, ending in 000000)"
            ),
        },
        None => {
            // Rural counties (县) are where village registers matter; districts are urban.
            let rural: Vec<&(String, String)> =
                all.iter().filter(|(_, n)| n.ends_with('县')).collect();
            if rural.is_empty() {
                bail!("the embedded county list holds no county");
            }
            rural[rng.gen_range(0..rural.len())].clone()
        }
    };
    let code6 = code[..6].to_string();
    let plate = names::plate_prefix(&code[..2]);
    Ok(County {
        short: names::county_short(&name),
        code,
        code6,
        name,
        plate,
    })
}

pub fn build_divisions(w: &mut World) {
    let nv = w.opts.villages;
    let nt = (nv / 5).clamp(1, 8);
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut unique_stem = |rng: &mut ChaCha8Rng| loop {
        let s = names::place_stem(rng);
        if used.insert(s.clone()) {
            return s;
        }
    };
    for t in 0..nt {
        let xiang = w.rng.gen_bool(0.3);
        let num = if xiang { 200 + t } else { 100 + t };
        let stem = unique_stem(&mut w.rng);
        w.townships.push(Township {
            code: format!("{}{:03}000", w.county.code6, num),
            name: format!("{stem}{}", if xiang { "乡" } else { "镇" }),
            villages: Vec::new(),
        });
    }
    for v in 0..nv {
        let t = (v * nt / nv) as usize;
        let n_in_t = w.townships[t].villages.len();
        let code = format!("{}{:03}", &w.townships[t].code[..9], 200 + n_in_t);
        let stem = unique_stem(&mut w.rng);
        let clans = (0..3).map(|_| names::surname(&mut w.rng)).collect();
        w.townships[t].villages.push(v);
        w.villages.push(Village {
            code,
            name: format!("{stem}村"),
            township: t as u32,
            households: Vec::new(),
            clans,
        });
    }
}

pub fn scramble(x: u64, modulus: u64) -> u64 {
    // An affine map with a multiplier coprime with the modulus (odd, not a multiple of 5 or of
    // 17 or 31) is a bijection: distinct counters give distinct, unordered-looking numbers.
    ((u128::from(x) * 738_219_504_871_239 + 104_729_357) % u128::from(modulus)) as u64
}

/// The bank card (一卡通) of person `p`: unique per person.
pub fn account_of(p: u32) -> String {
    format!("6217{:015}", scramble(u64::from(p), 1_000_000_000_000_000))
}

const MOBILE: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "152", "157", "158", "159", "182", "183",
    "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181",
    "189", "177", "199",
];

impl World {
    pub fn new_phone(&mut self) -> String {
        let n = self.phone_next;
        self.phone_next += 1;
        format!(
            "{}{:08}",
            MOBILE[(n % MOBILE.len() as u64) as usize],
            scramble(n, 100_000_000)
        )
    }

    /// A second bank card, never shared with anyone's regular card.
    pub fn new_account(&mut self) -> String {
        let n = self.account_next;
        self.account_next += 1;
        format!("6230{:015}", scramble(n, 1_000_000_000_000_000))
    }

    pub fn new_id(&mut self, birth: NaiveDate, male: bool) -> (String, NaiveDate) {
        let mut b = birth;
        loop {
            let c = self.id_next.entry((b, male)).or_insert(0);
            if *c < 450 {
                let seq = *c * 2 + u16::from(male);
                *c += 1;
                return (IdNumber::build(&self.county.code6, b, seq).to_string(), b);
            }
            b = add_days(b, 1);
        }
    }

    /// A valid ID number that belongs to nobody: sequences 900-999 are never given to persons.
    pub fn ghost_id(&mut self, birth: NaiveDate, male: bool) -> String {
        let k = self.ghost_next % 50;
        self.ghost_next += 1;
        IdNumber::build(&self.county.code6, birth, 900 + k * 2 + u16::from(male)).to_string()
    }

    pub fn birth_for_age(&mut self, age: i32) -> NaiveDate {
        let y = reference().year() - age;
        add_days(ymd(y, 1, 1), self.rng.gen_range(0..365))
    }

    pub fn add_person(&mut self, hh: u32, rel: Rel, male: bool, age: i32, surname: &str) -> u32 {
        let birth = self.birth_for_age(age.max(0));
        let (id, birth) = self.new_id(birth, male);
        let name = format!(
            "{surname}{}",
            names::given_name(&mut self.rng, male, birth.year())
        );
        let phone = if (16..=78).contains(&age) && self.rng.gen_bool(0.85) {
            self.new_phone()
        } else {
            String::new()
        };
        let village = self.households[hh as usize].village;
        let idx = self.persons.len() as u32;
        self.persons.push(Person {
            id,
            name,
            male,
            birth,
            village,
            household: hh,
            rel,
            phone,
            death: None,
            busy: false,
            disabled: 0,
        });
        self.households[hh as usize].members.push(idx);
        idx
    }

    fn new_household(&mut self, v: u32, plant: bool) -> u32 {
        let vil = &self.villages[v as usize];
        let n = vil.households.len();
        let id = format!("{}{:04}", &vil.code[6..], n + 1);
        let idx = self.households.len() as u32;
        let group = (n / 25) as u32 + 1;
        self.households.push(Household {
            id,
            village: v,
            members: Vec::new(),
            tainted: false,
            dibao: false,
            tekun: false,
            modest: false,
            plant,
            group,
            door: (n % 25) as u32 + 1,
            land_centi: 0,
        });
        self.villages[v as usize].households.push(idx);
        idx
    }

    pub fn village_surname(&mut self, v: u32) -> &'static str {
        if self.rng.gen_bool(0.55) {
            let clans = &self.villages[v as usize].clans;
            clans[self.rng.gen_range(0..clans.len())]
        } else {
            names::surname(&mut self.rng)
        }
    }

    /// One household of a randomly drawn shape; returns its size.
    fn random_household(&mut self, v: u32) -> usize {
        let hh = self.new_household(v, false);
        let sur = self.village_surname(v);
        let roll: f64 = self.rng.gen();
        if roll < 0.14 {
            let male = self.rng.gen_bool(0.4);
            let age = self.rng.gen_range(63..=93);
            self.add_person(hh, Rel::Head, male, age, sur);
        } else if roll < 0.32 {
            let age = self.rng.gen_range(60..=88);
            self.add_person(hh, Rel::Head, true, age, sur);
            let s = names::surname(&mut self.rng);
            let sa = (age - self.rng.gen_range(0..=5)).max(55);
            self.add_person(hh, Rel::Spouse, false, sa, s);
        } else if roll < 0.62 {
            let age = self.rng.gen_range(28..=58);
            self.add_person(hh, Rel::Head, true, age, sur);
            let s = names::surname(&mut self.rng);
            let sa = (age - self.rng.gen_range(-2..=5)).max(22);
            self.add_person(hh, Rel::Spouse, false, sa, s);
            let kids = self.rng.gen_range(1..=3);
            for k in 0..kids {
                let ka = (age - self.rng.gen_range(22..=30) - 2 * k).max(0);
                let male = self.rng.gen_bool(0.52);
                self.add_person(hh, Rel::Child, male, ka, sur);
            }
            if self.rng.gen_bool(0.08) {
                // An unmarried brother still registered with the household.
                let ba = (age + self.rng.gen_range(-6..=6)).max(20);
                self.add_person(hh, Rel::Sibling, true, ba, sur);
            }
            if self.rng.gen_bool(0.25) {
                let pa = (age + self.rng.gen_range(24..=32)).min(99);
                let male = self.rng.gen_bool(0.35);
                let ps = if male {
                    sur
                } else {
                    names::surname(&mut self.rng)
                };
                self.add_person(hh, Rel::Parent, male, pa, ps);
            }
        } else {
            let age = self.rng.gen_range(48..=68);
            self.add_person(hh, Rel::Head, true, age, sur);
            let s = names::surname(&mut self.rng);
            let sa = (age - self.rng.gen_range(-2..=5)).max(40);
            self.add_person(hh, Rel::Spouse, false, sa, s);
            let ca = age - self.rng.gen_range(22..=28);
            self.add_person(hh, Rel::Child, true, ca, sur);
            let ds = names::surname(&mut self.rng);
            let oa = ca - self.rng.gen_range(0..=3);
            self.add_person(hh, Rel::Other, false, oa, ds);
            for k in 0..self.rng.gen_range(1..=2) {
                let ga = (ca - self.rng.gen_range(22..=30) - 2 * k).max(0);
                let male = self.rng.gen_bool(0.52);
                self.add_person(hh, Rel::Grandchild, male, ga, sur);
            }
            if self.rng.gen_bool(0.4) {
                let pa = (age + self.rng.gen_range(24..=30)).min(100);
                let male = self.rng.gen_bool(0.3);
                let ps = if male {
                    sur
                } else {
                    names::surname(&mut self.rng)
                };
                self.add_person(hh, Rel::Parent, male, pa, ps);
            }
        }
        self.households[hh as usize].members.len()
    }

    /// A household made for one plant or decoy, so that its facts are exactly what the plant
    /// needs. `head_age` sets the shape: 60+ makes an elderly couple (or a single elder when
    /// `alone`), younger makes a family with children.
    pub fn fresh_household(
        &mut self,
        v: u32,
        head_age: i32,
        alone: bool,
        surname: Option<&str>,
    ) -> u32 {
        let hh = self.new_household(v, true);
        let sur = surname
            .map(str::to_string)
            .unwrap_or_else(|| self.village_surname(v).to_string());
        let male = !alone || self.rng.gen_bool(0.5);
        let head = self.add_person(hh, Rel::Head, male, head_age, &sur);
        if !alone {
            let s = names::surname(&mut self.rng);
            self.add_person(hh, Rel::Spouse, false, (head_age - 2).max(20), s);
            if head_age < 60 {
                for k in 0..self.rng.gen_range(1..=2) {
                    let male = self.rng.gen_bool(0.5);
                    self.add_person(hh, Rel::Child, male, (head_age - 24 - 3 * k).max(1), &sur);
                }
            }
        }
        let _ = head;
        for &m in &self.households[hh as usize].members {
            self.persons[m as usize].busy = true;
        }
        hh
    }

    pub fn fresh_hh(
        &mut self,
        v: u32,
        lo: i32,
        hi: i32,
        alone: bool,
        surname: Option<&str>,
    ) -> u32 {
        let age = self.rng.gen_range(lo..=hi);
        self.fresh_household(v, age, alone, surname)
    }

    pub fn address_of(&self, hh: u32) -> String {
        let h = &self.households[hh as usize];
        let v = &self.villages[h.village as usize];
        let t = &self.townships[v.township as usize];
        format!(
            "{}{}{}{}组{}号",
            self.county.name, t.name, v.name, h.group, h.door
        )
    }
}

pub fn build_people(w: &mut World) -> Result<()> {
    for v in 0..w.villages.len() as u32 {
        let mut n = 0usize;
        while n < w.opts.persons_per_village as usize {
            n += w.random_household(v);
        }
    }
    // Disability: about 2.5 % of persons, older people more often.
    for i in 0..w.persons.len() {
        let age = w.age_on(i as u32, reference());
        let p = if age >= 60 { 0.04 } else { 0.015 };
        if w.rng.gen_bool(p) {
            w.persons[i].disabled = if w.rng.gen_bool(0.4) { 2 } else { 1 };
        }
    }
    // Deaths during the window: a monthly hazard by age, drawn once per person.
    let months = w.win.len() as f64;
    for i in 0..w.persons.len() {
        let age = w.age_on(i as u32, w.win.start);
        let h: f64 = match age {
            ..=59 => 0.000_08,
            60..=69 => 0.001,
            70..=79 => 0.003,
            80..=89 => 0.008,
            _ => 0.018,
        };
        let u: f64 = w.rng.gen_range(f64::MIN_POSITIVE..1.0);
        let k = (u.ln() / (1.0 - h).ln()).floor();
        if k < months {
            let p = w.win.periods[k as usize];
            let last = crate::calendar::last_day(p).day();
            let d = ymd(p.year, p.month, w.rng.gen_range(1..=last));
            if d > w.persons[i].birth {
                w.persons[i].death = Some(d);
            }
        }
    }
    if w.persons.is_empty() {
        bail!("no persons were generated");
    }
    Ok(())
}

pub fn write_divisions(w: &World, dir: &std::path::Path) -> Result<(&'static str, u64)> {
    let mut s = crate::out::Sink::create(dir, "divisions")?;
    s.row([w.county.code.as_str(), w.county.name.as_str(), "county", ""])?;
    for t in &w.townships {
        s.row([
            t.code.as_str(),
            t.name.as_str(),
            "township",
            w.county.code.as_str(),
        ])?;
    }
    for v in &w.villages {
        let t = &w.townships[v.township as usize];
        s.row([v.code.as_str(), v.name.as_str(), "village", t.code.as_str()])?;
    }
    s.finish()
}

pub fn write_persons(w: &World, dir: &std::path::Path) -> Result<Vec<(&'static str, u64)>> {
    let mut s = crate::out::Sink::create(dir, "persons")?;
    let mut d = crate::out::Sink::create(dir, "deaths")?;
    let sources = ["funeral", "health", "police"];
    for v in &w.villages {
        for &h in &v.households {
            let hh = &w.households[h as usize];
            for &m in &hh.members {
                let p = &w.persons[m as usize];
                let birth = crate::calendar::fmt(p.birth);
                s.row([
                    p.id.as_str(),
                    p.name.as_str(),
                    if p.male { "男" } else { "女" },
                    birth.as_str(),
                    v.code.as_str(),
                    hh.id.as_str(),
                    p.rel.code(),
                    p.phone.as_str(),
                ])?;
                if let Some(dd) = p.death {
                    let src = sources[(m as usize) % sources.len()];
                    d.row([
                        p.id.as_str(),
                        p.name.as_str(),
                        crate::calendar::fmt(dd).as_str(),
                        src,
                    ])?;
                }
            }
        }
    }
    Ok(vec![
        s.finish().context("persons")?,
        d.finish().context("deaths")?,
    ])
}
