//! Officials (village cadres, township officials, public employees), their terms, and the family
//! members they declared (个人有关事项报告).
//!
//! Village cadres were elected in the 2021 round (five-year terms) after a 2018 round; some were
//! re-elected (two rows), some left (an ended row), a few resigned during the window. Public
//! employees work in county-level units, so that they serve no village: they matter only to
//! SUB-WEALTH.

use crate::calendar::{add_days, add_years, fmt, ymd};
use crate::out::Sink;
use crate::world::{Cat, Declared, Official, Rel, World};
use anyhow::Result;
use chrono::NaiveDate;
use rand::Rng;
use std::path::Path;

const TOWNSHIP_POSTS: &[&str] = &[
    "党委书记",
    "乡镇长",
    "纪委书记",
    "副乡镇长",
    "财政所所长",
    "民政办主任",
];
const PUBLIC_UNITS: &[(&str, &str)] = &[
    ("第一中学", "教师"),
    ("实验小学", "教师"),
    ("人民医院", "医生"),
    ("中医院", "护士"),
    ("农业农村局", "科员"),
    ("自然资源局", "科员"),
];

impl World {
    /// A living adult of village `v`, from a household without officials or declared relatives,
    /// not already used; becomes busy and taints its household.
    fn pick_for_office(&mut self, v: u32, min_age: i32, max_age: i32) -> Option<u32> {
        let p = match self.clean_adult(v, min_age, max_age) {
            Some(p) => p,
            // A tiny village may have nobody suitable left: a family moves in.
            None => {
                let age = self
                    .rng
                    .gen_range(min_age.max(30)..=max_age.max(min_age.max(30)));
                let hh = self.fresh_household(v, age, false, None);
                self.households[hh as usize].plant = false;
                self.head_of(hh)
            }
        };
        self.persons[p as usize].busy = true;
        let hh = self.persons[p as usize].household;
        self.households[hh as usize].tainted = true;
        Some(p)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_official(
        &mut self,
        person: u32,
        cat: Cat,
        v: Option<u32>,
        t: Option<u32>,
        org: String,
        position: &'static str,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> u32 {
        let division = match cat {
            Cat::VillageCadre => self.villages[v.expect("village cadre has a village") as usize]
                .code
                .clone(),
            Cat::Township => self.townships[t.expect("township official has a township") as usize]
                .code
                .clone(),
            Cat::Public => self.county.code.clone(),
        };
        let idx = self.officials.len() as u32;
        self.officials.push(Official {
            person,
            division,
            org,
            position,
            cat,
            start,
            end,
            village: v,
            township: t,
        });
        idx
    }

    /// Declares every other member of the official's household (the law asks for all of them).
    pub fn declare_household(&mut self, official_person: u32, on: NaiveDate) {
        let hh = self.persons[official_person as usize].household;
        let me = self.persons[official_person as usize].rel;
        let members = self.households[hh as usize].members.clone();
        for m in members {
            if m == official_person {
                continue;
            }
            let relation = relation_between(me, self.persons[m as usize].rel);
            let born = self.persons[m as usize].birth;
            let d = on.max(add_days(born, 30)).min(self.win.last_date);
            self.declared.push(Declared {
                official: official_person,
                relative: m,
                relation,
                on: d,
            });
        }
        self.households[hh as usize].tainted = true;
    }

    pub fn declare(
        &mut self,
        official_person: u32,
        relative: u32,
        relation: &'static str,
        on: NaiveDate,
    ) {
        self.declared.push(Declared {
            official: official_person,
            relative,
            relation,
            on,
        });
        let hh = self.persons[relative as usize].household;
        self.households[hh as usize].tainted = true;
    }

    /// Everyone who counts as the person's relative: household members and declared relatives.
    pub fn relatives_of(&self, p: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .hh_of(p)
            .members
            .iter()
            .copied()
            .filter(|&m| m != p)
            .collect();
        out.extend(
            self.declared
                .iter()
                .filter(|d| d.official == p)
                .map(|d| d.relative),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A steady cadre of `v` and one of their adult relatives (the cadre when none), neither on a
    /// means-tested program: giving them a company role must not make a 低保 household wealthy.
    pub fn cadre_and_relative(&mut self, v: u32) -> Option<(u32, u32)> {
        let off_benefits = |w: &World, p: u32| {
            let h = w.hh_of(p);
            !h.dibao && !h.tekun
        };
        let cadres: Vec<u32> = self
            .steady_cadres(v)
            .into_iter()
            .map(|o| self.officials[o as usize].person)
            .filter(|&p| off_benefits(self, p))
            .collect();
        if cadres.is_empty() {
            return None;
        }
        let c = cadres[self.rng.gen_range(0..cadres.len())];
        let relative = self
            .relatives_of(c)
            .into_iter()
            .find(|&p| {
                (22..=65).contains(&self.age_on(p, self.win.start))
                    && self.persons[p as usize].death.is_none()
                    && off_benefits(self, p)
            })
            .unwrap_or(c);
        Some((c, relative))
    }

    /// A cadre of `v` who left office at the last election (a fresh household, fully declared),
    /// for decoys about former officials.
    pub fn new_ex_cadre(&mut self, v: u32) -> u32 {
        let hh = self.fresh_hh(v, 50, 64, false, None);
        let head = self.head_of(hh);
        let cur = self.term_start[v as usize];
        let org = format!("{}村民委员会", self.villages[v as usize].name);
        let start = add_years(cur, -3);
        self.add_official(
            head,
            Cat::VillageCadre,
            Some(v),
            None,
            org,
            "村委会委员",
            start,
            Some(add_days(cur, -1)),
        );
        self.declare_household(head, add_days(start, 30));
        head
    }
}

/// How an official is related to another member of their household, from both hukou relations.
fn relation_between(me: Rel, other: Rel) -> &'static str {
    use Rel::*;
    match (me, other) {
        (Head, Spouse) | (Spouse, Head) => "spouse",
        (Head, Child) | (Spouse, Child) => "child",
        (Head, Parent) => "parent",
        (Spouse, Parent) => "parent_in_law",
        (Head, Other) | (Spouse, Other) => "child_in_law",
        (Head, Sibling) => "sibling",
        (Child, Head) | (Child, Spouse) => "parent",
        (Child, Child) => "sibling",
        (Child, Other) => "spouse",
        (Child, Grandchild) | (Other, Grandchild) => "child",
        (Other, Child) => "spouse",
        (Other, Head) | (Other, Spouse) => "parent_in_law",
        _ => "other",
    }
}

pub fn build_officials(w: &mut World) {
    let nv = w.villages.len() as u32;
    let latest = add_days(w.win.start, -200);
    for v in 0..nv {
        let cur = add_days(ymd(2021, 1, 4), w.rng.gen_range(0..75)).min(latest);
        let prev = add_years(cur, -3);
        w.term_start.push(cur);
        let vname = w.villages[v as usize].name.clone();
        let mut posts: Vec<(String, &'static str)> = vec![
            (format!("中共{vname}支部委员会"), "党支部书记"),
            (format!("{vname}村民委员会"), "村委会主任"),
            (format!("{vname}村民委员会"), "村委会委员"),
            (format!("{vname}村民委员会"), "报账员"),
        ];
        if w.rng.gen_bool(0.5) {
            posts.push((format!("{vname}村民委员会"), "妇联主席"));
        }
        for (org, pos) in posts {
            let Some(p) = w.pick_for_office(v, 32, 62) else {
                continue;
            };
            if pos == "报账员" {
                // The accountant's household stays without cars, shops or companies, so a plant can
                // put it on 低保 and fire SUB-OFFICIAL-RELATIVE alone.
                let hh = w.persons[p as usize].household;
                w.households[hh as usize].modest = true;
            }
            if w.rng.gen_bool(0.6) {
                w.add_official(
                    p,
                    Cat::VillageCadre,
                    Some(v),
                    None,
                    org.clone(),
                    pos,
                    prev,
                    Some(add_days(cur, -1)),
                );
            } else if let Some(q) = w.pick_for_office(v, 40, 75) {
                w.add_official(
                    q,
                    Cat::VillageCadre,
                    Some(v),
                    None,
                    org.clone(),
                    pos,
                    prev,
                    Some(add_days(cur, -1)),
                );
            }
            let female_post = pos == "妇联主席";
            if female_post && w.persons[p as usize].male {
                // Keep it simple: a man may hold the post in the synthetic data.
            }
            if pos == "村委会委员" && w.win.len() >= 6 && w.rng.gen_bool(0.15) {
                // Resigned during the window; a successor takes over the next day.
                let i = w.rng.gen_range(1..w.win.len() - 2);
                let end = add_days(w.win.periods[i].first_day(), w.rng.gen_range(0..20));
                w.add_official(
                    p,
                    Cat::VillageCadre,
                    Some(v),
                    None,
                    org.clone(),
                    pos,
                    cur,
                    Some(end),
                );
                if let Some(q) = w.pick_for_office(v, 30, 55) {
                    w.add_official(
                        q,
                        Cat::VillageCadre,
                        Some(v),
                        None,
                        org,
                        pos,
                        add_days(end, 1),
                        None,
                    );
                }
            } else {
                w.add_official(p, Cat::VillageCadre, Some(v), None, org, pos, cur, None);
            }
        }
    }
    for t in 0..w.townships.len() as u32 {
        let tname = w.townships[t as usize].name.clone();
        let vs = w.townships[t as usize].villages.clone();
        for pos in TOWNSHIP_POSTS {
            let v = vs[w.rng.gen_range(0..vs.len())];
            let Some(p) = w.pick_for_office(v, 32, 58) else {
                continue;
            };
            let org = if pos.contains("书记") {
                format!("中共{tname}委员会")
            } else {
                format!("{tname}人民政府")
            };
            let start = add_days(ymd(2019, 1, 1), w.rng.gen_range(0..1500)).min(latest);
            if w.rng.gen_bool(0.2) {
                let end = add_days(
                    w.win.start,
                    w.rng.gen_range(0..(w.win.len() as i64 * 28).max(1)),
                );
                w.add_official(
                    p,
                    Cat::Township,
                    None,
                    Some(t),
                    org.clone(),
                    pos,
                    start,
                    Some(end),
                );
                if let Some(q) = w.pick_for_office(v, 32, 55) {
                    w.add_official(
                        q,
                        Cat::Township,
                        None,
                        Some(t),
                        org,
                        pos,
                        add_days(end, 1),
                        None,
                    );
                }
            } else {
                w.add_official(p, Cat::Township, None, Some(t), org, pos, start, None);
            }
        }
    }
    let adults = w.persons.len() / 2;
    let n_public = (adults as f64 * 0.006).round().max(2.0) as usize;
    for _ in 0..n_public {
        let v = w.rng.gen_range(0..nv);
        let Some(p) = w.pick_for_office(v, 26, 58) else {
            continue;
        };
        let (unit, pos) = PUBLIC_UNITS[w.rng.gen_range(0..PUBLIC_UNITS.len())];
        let org = format!("{}{unit}", w.county.name);
        let start = add_days(ymd(2000, 9, 1), w.rng.gen_range(0..7000)).min(latest);
        w.add_official(p, Cat::Public, None, None, org, pos, start, None);
    }
    // Declarations: every official declares the household, and some a relative living elsewhere.
    let mut persons: Vec<(u32, NaiveDate)> = Vec::new();
    for o in &w.officials {
        match persons.iter_mut().find(|(p, _)| *p == o.person) {
            Some(e) => e.1 = e.1.min(o.start),
            None => persons.push((o.person, o.start)),
        }
    }
    for (p, start) in persons {
        let on = add_days(start, w.rng.gen_range(10..60));
        w.declare_household(p, on);
        if w.rng.gen_bool(0.4) {
            let v = w.persons[p as usize].village;
            if let Some(r) = w.clean_adult(v, 20, 80) {
                let relation = if w.rng.gen_bool(0.6) {
                    "sibling"
                } else {
                    "other"
                };
                let d = on.min(w.win.last_date);
                w.declare(p, r, relation, d);
            }
        }
    }
}

/// OFF-UNDECLARED-RELATIVE plants and their look-alikes.
pub fn plant_officials(w: &mut World) {
    let total = w.plan.total("OFF-UNDECLARED-RELATIVE");
    let mut candidates: Vec<u32> = Vec::new();
    for (i, o) in w.officials.iter().enumerate() {
        let _ = i;
        let steady = o.end.is_none() && o.start < w.win.start && o.cat != Cat::Public;
        if steady && w.hh_of(o.person).members.len() >= 2 && !candidates.contains(&o.person) {
            candidates.push(o.person);
        }
    }
    for _ in 0..total {
        if candidates.is_empty() {
            break;
        }
        let p = candidates.swap_remove(w.rng.gen_range(0..candidates.len()));
        // OFF-UNDECLARED-RELATIVE: one household member left out of the declarations; the
        // member is still a relative (same household), so no other rule changes.
        let hidden: Vec<usize> = (0..w.declared.len())
            .filter(|&i| {
                w.declared[i].official == p && w.hh_of(w.declared[i].relative).id == w.hh_of(p).id
            })
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let i = hidden[w.rng.gen_range(0..hidden.len())];
        w.declared.remove(i);
        let id = w.persons[p as usize].id.clone();
        w.truth.one("OFF-UNDECLARED-RELATIVE", "official", &id);
    }
    // Decoy: a public employee who declared nobody; the rule covers village cadres and township
    // officials only.
    let publics: Vec<u32> = w
        .officials
        .iter()
        .filter(|o| o.cat == Cat::Public && w.hh_of(o.person).members.len() >= 2)
        .map(|o| o.person)
        .collect();
    let n = w.plan.total("decoy:public_employee_undeclared") as usize;
    for &p in publics.iter().take(n) {
        w.declared.retain(|d| d.official != p);
        let id = w.persons[p as usize].id.clone();
        w.decoys.add(
            "public_employee_undeclared",
            "official",
            [id],
            "OFF-UNDECLARED-RELATIVE",
        );
    }
}

pub fn write_officials(w: &World, dir: &Path) -> Result<Vec<(&'static str, u64)>> {
    let mut s = Sink::create(dir, "officials")?;
    for o in &w.officials {
        let p = &w.persons[o.person as usize];
        let end = o.end.map(fmt).unwrap_or_default();
        s.row([
            p.id.as_str(),
            p.name.as_str(),
            o.division.as_str(),
            o.org.as_str(),
            o.position,
            o.cat.code(),
            fmt(o.start).as_str(),
            end.as_str(),
        ])?;
    }
    let mut d = Sink::create(dir, "declared_relations")?;
    for r in &w.declared {
        let o = &w.persons[r.official as usize];
        let p = &w.persons[r.relative as usize];
        d.row([
            o.id.as_str(),
            p.id.as_str(),
            p.name.as_str(),
            r.relation,
            fmt(r.on).as_str(),
        ])?;
    }
    Ok(vec![s.finish()?, d.finish()?])
}
