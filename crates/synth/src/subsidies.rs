//! Subsidy programs, land contracts, the approved rosters (entitlements) and the bank payments
//! (一卡通), with the SUB-* plants and their look-alikes.
//!
//! Rosters and payments are the big tables: they are generated per village as "streams" (one
//! beneficiary in one program over a run of periods) and written period by period, so memory
//! holds one village's streams, never the ledger. Every plant or decoy takes a stream nobody
//! else touches (`special`), so no two plants meet on one record unless truth says so.

use crate::calendar::{add_days, add_years, fmt, last_day, ymd};
use crate::names;
use crate::out::Sink;
use crate::people::account_of;
use crate::world::{Cat, World};
use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use qingfeng_domain::Money;
use rand::Rng;
use std::fmt::Write as _;
use std::path::Path;

pub struct Program {
    pub code: &'static str,
    pub name: &'static str,
    pub means_tested: bool,
    pub unit: &'static str,
    pub rate_fen: i64,
    pub frequency: &'static str,
}

pub const DB: usize = 0;
pub const TK: usize = 1;
pub const CJ: usize = 2;
pub const GL: usize = 3;
pub const YL: usize = 4;
pub const GD: usize = 5;

/// Rates are typical of a central-western county in 2025; 低保's rate is the monthly standard per
/// person (the household is paid the gap between standard and income for each member).
pub const PROGRAMS: [Program; 6] = [
    Program {
        code: "DB",
        name: "农村最低生活保障金",
        means_tested: true,
        unit: "household",
        rate_fen: 65_000,
        frequency: "monthly",
    },
    Program {
        code: "TK",
        name: "特困人员救助供养金",
        means_tested: true,
        unit: "person",
        rate_fen: 88_000,
        frequency: "monthly",
    },
    Program {
        code: "CJ",
        name: "残疾人两项补贴",
        means_tested: false,
        unit: "person",
        rate_fen: 9_000,
        frequency: "monthly",
    },
    Program {
        code: "GL",
        name: "高龄津贴",
        means_tested: false,
        unit: "person",
        rate_fen: 10_000,
        frequency: "monthly",
    },
    Program {
        code: "YL",
        name: "城乡居民基础养老金",
        means_tested: false,
        unit: "person",
        rate_fen: 18_800,
        frequency: "monthly",
    },
    Program {
        code: "GD",
        name: "耕地地力保护补贴",
        means_tested: false,
        unit: "mu",
        rate_fen: 11_050,
        frequency: "annual",
    },
];

pub fn write_programs(dir: &Path) -> Result<(&'static str, u64)> {
    let mut s = Sink::create(dir, "programs")?;
    for p in &PROGRAMS {
        s.row([
            p.code,
            p.name,
            if p.means_tested { "true" } else { "false" },
            p.unit,
            Money(p.rate_fen).to_plain_yuan().as_str(),
            p.frequency,
            "7",
        ])?;
    }
    s.finish()
}

fn centi(x: i64) -> String {
    format!("{}.{:02}", x / 100, x % 100)
}

/// Marks 低保 and 特困 households and writes the land contracts (second-round contracts from
/// 1998-2003, thirty years, all in force during the window).
pub fn assign_programs(w: &mut World, dir: &Path) -> Result<(&'static str, u64)> {
    let mut s = Sink::create(dir, "land_contracts")?;
    let mut n = 0u64;
    for h in 0..w.households.len() {
        let hh = &w.households[h];
        let head = hh.members[0];
        let head_age = w.age_on(head, w.win.start);
        let single_elder = hh.members.len() == 1 && head_age >= 60;
        let disabled = hh
            .members
            .iter()
            .any(|&m| w.persons[m as usize].disabled > 0);
        if !hh.tainted && !hh.plant {
            let p = 0.045 + if disabled { 0.05 } else { 0.0 };
            if w.chance(p) {
                w.households[h].dibao = true;
            } else if single_elder && w.chance(0.35) {
                w.households[h].tekun = true;
            }
        }
        let born = w.persons[head as usize].birth.year();
        if born <= 1980 && w.chance(0.88) {
            let v = w.households[h].village as usize;
            let parts = if w.chance(0.2) { 2 } else { 1 };
            let mut total = 0;
            for k in 0..parts {
                let area = if k == 0 {
                    w.range(150, 1200)
                } else {
                    w.range(50, 300)
                };
                total += area;
                n += 1;
                let start = ymd(w.range(1998, 2003) as i32, w.range(1, 12) as u32, 1);
                let end = add_days(add_years(start, 30), -1);
                let hh = &w.households[h];
                s.row([
                    format!("{}TC{:06}", w.villages[v].code, n).as_str(),
                    w.villages[v].code.as_str(),
                    hh.id.as_str(),
                    w.persons[head as usize].id.as_str(),
                    centi(area).as_str(),
                    fmt(start).as_str(),
                    fmt(end).as_str(),
                ])?;
            }
            w.households[h].land_centi = total;
        }
    }
    s.finish()
}

#[derive(Clone)]
enum Tweak {
    Short(i64),
    Overpay,
    Instalments,
    Account {
        acct: String,
        holder: u32,
        rule: Option<&'static str>,
    },
    BlankEntitlementId,
    PaidOn(NaiveDate),
}

#[derive(Clone)]
struct Stream {
    prog: usize,
    line: u32,
    ent_village: u32,
    person: Option<u32>,
    ben_id: String,
    ben_name: String,
    hh_id: String,
    quantity: String,
    amount: i64,
    amount_str: String,
    first: usize,
    last: usize,
    approved: String,
    pub_start: String,
    pub_end: String,
    filed: bool,
    acct: String,
    holder_id: String,
    holder_name: String,
    special: bool,
    no_entitlement: bool,
    ent_rules: Vec<&'static str>,
    first_ent_rules: Vec<&'static str>,
    pay_rules: Vec<&'static str>,
    pay_rule_after: Option<(usize, &'static str)>,
    tweaks: Vec<(usize, Tweak)>,
    decoy_ent: Option<(&'static str, &'static str)>,
    decoy_pay: Option<(&'static str, &'static str, Vec<usize>)>,
    collected: Vec<String>,
}

impl Stream {
    fn active(&self, i: usize, annual: &[bool]) -> bool {
        self.first <= i && i <= self.last && (self.prog != GD || annual[i])
    }
    fn full(&self, len: usize) -> bool {
        self.first == 0 && self.last == len - 1
    }
    fn set_amount(&mut self, fen: i64) {
        self.amount = fen;
        self.amount_str = Money(fen).to_plain_yuan();
    }
}

/// Cross-village duplicate: a stream of the previous village kept untouched for the next one.
#[derive(Clone)]
pub struct DupSource {
    stream: Stream,
}

pub struct Ledger {
    ent: Sink,
    pay: Sink,
    pay_next: u64,
    payer: String,
}

impl Ledger {
    pub fn create(w: &World, dir: &Path) -> Result<Ledger> {
        Ok(Ledger {
            ent: Sink::create(dir, "entitlements")?,
            pay: Sink::create(dir, "payments")?,
            pay_next: 0,
            payer: format!("{}农村商业银行", w.county.short),
        })
    }
    pub fn finish(self) -> Result<Vec<(&'static str, u64)>> {
        Ok(vec![self.ent.finish()?, self.pay.finish()?])
    }
}

struct Village<'a> {
    v: u32,
    streams: Vec<Stream>,
    next_line: u32,
    paydays: Vec<NaiveDate>,
    w: &'a mut World,
}

fn ent_id(w: &World, s: &Stream, i: usize) -> String {
    let p = w.win.periods[i];
    format!(
        "{}{:04}{:02}{}{:05}",
        PROGRAMS[s.prog].code,
        p.year,
        p.month,
        &w.villages[s.ent_village as usize].code[6..],
        s.line
    )
}

impl Village<'_> {
    fn len(&self) -> usize {
        self.w.win.len()
    }

    fn stream(
        &mut self,
        prog: usize,
        person: u32,
        first: usize,
        last: usize,
        amount: i64,
        approved: NaiveDate,
    ) -> Stream {
        let w = &*self.w;
        let p = &w.persons[person as usize];
        let hh = &w.households[p.household as usize];
        self.next_line += 1;
        Stream {
            prog,
            line: self.next_line,
            ent_village: self.v,
            person: Some(person),
            ben_id: p.id.clone(),
            ben_name: p.name.clone(),
            hh_id: hh.id.clone(),
            quantity: "1".into(),
            amount,
            amount_str: Money(amount).to_plain_yuan(),
            first,
            last,
            approved: fmt(approved),
            pub_start: String::new(),
            pub_end: String::new(),
            filed: false,
            acct: account_of(person),
            holder_id: p.id.clone(),
            holder_name: p.name.clone(),
            special: false,
            no_entitlement: false,
            ent_rules: Vec::new(),
            first_ent_rules: Vec::new(),
            pay_rules: Vec::new(),
            pay_rule_after: None,
            tweaks: Vec::new(),
            decoy_ent: None,
            decoy_pay: None,
            collected: Vec::new(),
        }
    }

    fn hold_by(&self, s: &mut Stream, holder: u32) {
        let p = &self.w.persons[holder as usize];
        s.acct = account_of(holder);
        s.holder_id = p.id.clone();
        s.holder_name = p.name.clone();
    }

    fn death_idx(&self, p: u32) -> Option<usize> {
        self.w.persons[p as usize]
            .death
            .and_then(|d| self.w.win.index_of(d))
    }

    /// Publicity of 10-15 days ending a few days before approval (valid under any day count).
    fn publicize(&mut self, s: &mut Stream, approved: NaiveDate) {
        let end = add_days(approved, -self.w.range(2, 8));
        let start = add_days(end, -self.w.range(10, 15));
        s.pub_start = fmt(start);
        s.pub_end = fmt(end);
    }

    /// A means-tested stream (低保 for a household, 特困 for one person) over the whole window,
    /// approved before it.
    fn means_stream(&mut self, hh: u32, prog: usize, approved: NaiveDate) -> Stream {
        let head = self.w.head_of(hh);
        let len = self.len();
        let last = self.death_idx(head).unwrap_or(len - 1);
        let members = self.w.households[hh as usize].members.len() as i64;
        let amount = if prog == DB {
            members * (PROGRAMS[DB].rate_fen - self.w.range(0, 6) * 5_000)
        } else {
            PROGRAMS[TK].rate_fen
        };
        let mut s = self.stream(prog, head, 0, last, amount, approved);
        if prog == DB {
            s.quantity = members.to_string();
        }
        self.publicize(&mut s, approved);
        s
    }

    fn approved_before_window(&mut self) -> NaiveDate {
        let lo = self.w.term_start[self.v as usize];
        let hi = add_days(self.w.win.start, -25);
        add_days(lo, self.w.range(40, ((hi - lo).num_days()).max(41)))
    }

    fn build_background(&mut self) {
        let len = self.len();
        let hhs = self.w.villages[self.v as usize].households.clone();
        let start = self.w.win.start;
        for h in hhs {
            if self.w.households[h as usize].plant {
                continue;
            }
            let head = self.w.head_of(h);
            if self.w.households[h as usize].dibao || self.w.households[h as usize].tekun {
                let prog = if self.w.households[h as usize].dibao {
                    DB
                } else {
                    TK
                };
                let fresh_entry = self.w.chance(0.15) && len > 2;
                let approved = if fresh_entry {
                    let f = self.w.range(1, len as i64 - 1) as usize;
                    add_days(last_day(self.w.win.periods[f - 1]), -self.w.range(0, 8))
                } else {
                    let lo = ymd(2016, 1, 1).min(add_days(start, -3000));
                    add_days(lo, self.w.range(0, (add_days(start, -60) - lo).num_days()))
                };
                let mut s = self.means_stream(h, prog, approved);
                if fresh_entry {
                    s.first = self.w.win.index_of(approved).map_or(0, |i| i + 1);
                }
                if self.w.chance(0.1) {
                    s.last = s
                        .last
                        .min(self.w.range(s.first as i64, len as i64 - 1) as usize);
                }
                if s.first <= s.last {
                    self.streams.push(s);
                }
            }
            let members = self.w.households[h as usize].members.clone();
            for m in members {
                let birth = self.w.persons[m as usize].birth;
                let last = self.death_idx(m).unwrap_or(len - 1);
                let to_head = m != head && (self.w.age_on(m, start) < 16 || self.w.chance(0.25));
                for (prog, age) in [(YL, 60), (GL, 80)] {
                    let eligible = add_years(birth, age);
                    if eligible > self.w.win.last_date {
                        continue;
                    }
                    let first = if eligible < start {
                        0
                    } else {
                        self.w.win.index_of(eligible).map_or(len, |i| i + 1)
                    };
                    if first > last || first >= len {
                        continue;
                    }
                    let approved = if eligible < start {
                        eligible.max(ymd(2014, 7, 1))
                    } else {
                        let eom = last_day(qingfeng_domain::Period::of_date(eligible));
                        add_days(eligible, self.w.range(0, (eom - eligible).num_days()))
                    };
                    let amount = if prog == YL {
                        PROGRAMS[YL].rate_fen + self.w.range(10, 200) * 100
                    } else {
                        match self.w.age_on(m, self.w.win.last_date) {
                            ..=89 => 10_000,
                            90..=99 => 20_000,
                            _ => 50_000,
                        }
                    };
                    let mut s = self.stream(prog, m, first, last, amount, approved);
                    if to_head {
                        self.hold_by(&mut s, head);
                    }
                    self.streams.push(s);
                }
                let d = self.w.persons[m as usize].disabled;
                if d > 0 {
                    let approved =
                        add_days(ymd(2017, 1, 1), self.w.range(0, 1500)).min(add_days(start, -30));
                    let mut s = self.stream(
                        CJ,
                        m,
                        0,
                        last,
                        PROGRAMS[CJ].rate_fen * i64::from(d),
                        approved,
                    );
                    if to_head {
                        self.hold_by(&mut s, head);
                    }
                    self.streams.push(s);
                }
            }
            let land = self.w.households[h as usize].land_centi;
            if land > 0 {
                let last = self
                    .death_idx(head)
                    .map_or(len - 1, |i| i.saturating_sub(1));
                if self.death_idx(head) == Some(0) {
                    continue;
                }
                let approved = ymd(2016, 5, 1);
                let amount = land * PROGRAMS[GD].rate_fen / 100;
                let mut s = self.stream(GD, head, 0, last, amount, approved);
                s.quantity = centi(land);
                self.streams.push(s);
            }
        }
    }

    /// A random untouched stream passing `ok`.
    fn pick(&mut self, ok: impl Fn(&Stream, &World) -> bool) -> Option<usize> {
        let c: Vec<usize> = (0..self.streams.len())
            .filter(|&i| !self.streams[i].special && ok(&self.streams[i], self.w))
            .collect();
        if c.is_empty() {
            None
        } else {
            Some(c[self.w.rng.gen_range(0..c.len())])
        }
    }

    /// A person none of whose streams is touched, so that a plant may change their life.
    fn person_free(&self, p: u32) -> bool {
        self.w.persons[p as usize].death.is_none()
            && !self
                .streams
                .iter()
                .any(|s| s.person == Some(p) && s.special)
            && !self.w.hh_of(p).tainted
    }

    fn monthly_full(&mut self) -> Option<usize> {
        let len = self.len();
        let i = self.pick(|s, _| s.prog != GD && s.full(len) && s.person.is_some());
        i.or_else(|| {
            // A tiny village may run out: an elder who just joined the county's rosters.
            let hh = self.w.fresh_hh(self.v, 66, 78, true, None);
            let p = self.w.head_of(hh);
            let approved = add_days(self.w.win.start, -self.w.range(100, 900));
            let s = self.stream(YL, p, 0, len - 1, PROGRAMS[YL].rate_fen + 3_000, approved);
            self.streams.push(s);
            Some(self.streams.len() - 1)
        })
    }

    fn elder_full(&mut self) -> usize {
        let len = self.len();
        let found = self.pick(|s, w| {
            (s.prog == YL || s.prog == GL)
                && s.full(len)
                && s.person
                    .is_some_and(|p| w.persons[p as usize].death.is_none())
        });
        match found {
            Some(i) if self.person_free(self.streams[i].person.expect("picked with a person")) => i,
            _ => {
                let hh = self.w.fresh_hh(self.v, 66, 80, true, None);
                let p = self.w.head_of(hh);
                let approved = add_days(self.w.win.start, -self.w.range(100, 900));
                let s = self.stream(YL, p, 0, len - 1, PROGRAMS[YL].rate_fen + 2_500, approved);
                self.streams.push(s);
                self.streams.len() - 1
            }
        }
    }

    fn kill(&mut self, p: u32, death: NaiveDate, keep: Option<usize>) {
        self.w.persons[p as usize].death = Some(death);
        let di = self.w.win.index_of(death).expect("death inside the window");
        for (i, s) in self.streams.iter_mut().enumerate() {
            if s.person == Some(p) {
                s.special = true;
                if Some(i) != keep {
                    s.last = s.last.min(di);
                }
            }
        }
    }

    fn clean_person(&mut self) -> u32 {
        let v = self.v;
        match self.w.clean_adult(v, 20, 70) {
            Some(p) if self.w.persons[p as usize].disabled == 0 && self.person_free(p) => {
                self.w.persons[p as usize].busy = true;
                p
            }
            _ => {
                let hh = self.w.fresh_hh(v, 35, 55, false, None);
                self.w.head_of(hh)
            }
        }
    }

    fn steady_cadre(&mut self) -> Option<u32> {
        let c = self.w.steady_cadres(self.v);
        if c.is_empty() {
            return None;
        }
        let o = c[self.w.rng.gen_range(0..c.len())];
        Some(self.w.officials[o as usize].person)
    }

    fn plant_all(&mut self) {
        let v = self.v;
        let len = self.len();
        let count = |w: &World, k: &str| w.plan.count(k, v);

        // SUB-DECEASED: the roster was not updated after a death; payments for 1-3 later months
        // are paid after the death date, each for a period starting after the death month.
        for _ in 0..count(self.w, "SUB-DECEASED") {
            let i = self.elder_full();
            let p = self.streams[i].person.expect("elder stream has a person");
            let dp = self.w.range(0, len as i64 - 2) as usize;
            let k = (self.w.range(1, 3) as usize).min(len - 1 - dp);
            let per = self.w.win.periods[dp];
            let death = ymd(per.year, per.month, self.w.range(1, 28) as u32);
            self.kill(p, death, Some(i));
            let s = &mut self.streams[i];
            s.last = dp + k;
            s.pay_rule_after = Some((dp, "SUB-DECEASED"));
        }

        // SUB-GHOST, one branch per instance: an ID that belongs to nobody, a real ID with a wrong
        // check character, a real ID under another name. Each ghost has its own entitlement (so no
        // SUB-NO-ENTITLEMENT) paid in full (no SHORT-PAID) into its own card held under the same
        // recorded ID (no ACCOUNT-MISMATCH); programs are not means-tested.
        for _ in 0..count(self.w, "SUB-GHOST") {
            let branch = self.w.plan.next_branch("SUB-GHOST", 3);
            let k = (self.w.range(2, 4) as usize).min(len);
            let first = len - k;
            let approved = add_days(self.w.win.periods[first].first_day(), -self.w.range(15, 40));
            let (prog, p) = if branch == 0 {
                (GL, None)
            } else {
                (CJ, Some(self.clean_person()))
            };
            let base =
                p.unwrap_or_else(|| self.w.head_of(self.w.villages[v as usize].households[0]));
            let mut s = self.stream(
                prog,
                base,
                first,
                len - 1,
                PROGRAMS[prog].rate_fen,
                approved,
            );
            match branch {
                0 => {
                    let age = self.w.range(82, 92) as i32;
                    let male = self.w.chance(0.5);
                    let birth = self.w.birth_for_age(age);
                    s.person = None;
                    s.ben_id = self.w.ghost_id(birth, male);
                    let sur = self.w.village_surname(v);
                    s.ben_name = format!(
                        "{sur}{}",
                        names::given_name(&mut self.w.rng, male, birth.year())
                    );
                    s.hh_id = String::new();
                }
                1 => {
                    let mut b = s.ben_id.clone().into_bytes();
                    let good = b[17];
                    b[17] = if good == b'9' {
                        b'X'
                    } else if good == b'X' {
                        b'0'
                    } else {
                        good + 1
                    };
                    s.ben_id = String::from_utf8(b).expect("ASCII");
                }
                _ => {
                    let real = s.ben_name.clone();
                    let male = self.w.persons[base as usize].male;
                    let by = self.w.persons[base as usize].birth.year();
                    while s.ben_name == real {
                        let sur = names::surname(&mut self.w.rng);
                        s.ben_name =
                            format!("{sur}{}", names::given_name(&mut self.w.rng, male, by));
                    }
                }
            }
            s.acct = self.w.new_account();
            s.holder_id = s.ben_id.clone();
            s.holder_name = s.ben_name.clone();
            s.special = true;
            s.pay_rules.push("SUB-GHOST");
            self.streams.push(s);
        }

        // SUB-NO-ENTITLEMENT: disability-subsidy payments to a real, living, correctly named
        // villager who is on no roster; paid into the villager's own card.
        for _ in 0..count(self.w, "SUB-NO-ENTITLEMENT") {
            let p = self.clean_person();
            let k = self.w.range(1, 2) as usize;
            let first = self.w.range(0, (len - k) as i64) as usize;
            let mut s = self.stream(
                CJ,
                p,
                first,
                first + k - 1,
                PROGRAMS[CJ].rate_fen,
                self.w.win.start,
            );
            s.no_entitlement = true;
            s.special = true;
            s.pay_rules.push("SUB-NO-ENTITLEMENT");
            self.streams.push(s);
        }

        // SUB-SHORT-PAID: one period paid 5-40 % below the approved amount (克扣).
        for _ in 0..count(self.w, "SUB-SHORT-PAID") {
            let Some(i) = self.monthly_full() else { break };
            let pi = self
                .w
                .range(self.streams[i].first as i64, self.streams[i].last as i64)
                as usize;
            let amount = self.streams[i].amount;
            let paid = (amount * self.w.range(60, 95) / 100 / 100 * 100).clamp(100, amount - 100);
            let s = &mut self.streams[i];
            s.special = true;
            s.tweaks.push((pi, Tweak::Short(paid)));
        }

        // SUB-DUPLICATE: paid twice for one entitlement, or entitled twice in one program and
        // period (in the previous village, or twice in this one).
        for _ in 0..count(self.w, "SUB-DUPLICATE") {
            let branch = self.w.plan.next_branch("SUB-DUPLICATE", 2);
            if branch == 0 {
                let Some(i) = self.monthly_full() else { break };
                let pi = self
                    .w
                    .range(self.streams[i].first as i64, self.streams[i].last as i64)
                    as usize;
                self.streams[i].special = true;
                self.streams[i].tweaks.push((pi, Tweak::Overpay));
                continue;
            }
            let src = match self.w.plan.dup_source.take() {
                Some(d) => d.stream,
                None => {
                    let i = self.elder_full();
                    self.streams[i].special = true;
                    self.streams[i].clone()
                }
            };
            let k = (self.w.range(1, 2) as usize).min(src.last - src.first + 1);
            let first = src.last + 1 - k;
            self.next_line += 1;
            let mut dup = src.clone();
            dup.line = self.next_line;
            dup.ent_village = v;
            dup.first = first;
            dup.last = src.last;
            dup.special = true;
            dup.tweaks.clear();
            for pi in first..=src.last {
                let a = ent_id(self.w, &src, pi);
                let b = ent_id(self.w, &dup, pi);
                self.w.truth.add("SUB-DUPLICATE", "entitlement", [a, b]);
            }
            self.streams.push(dup);
        }

        // SUB-ACCOUNT-MISMATCH: 1-3 payments into a card of someone outside the beneficiary's
        // household (a cadre, or another villager); the card is new, so it serves one household.
        for _ in 0..count(self.w, "SUB-ACCOUNT-MISMATCH") {
            let Some(i) = self.monthly_full() else { break };
            let ben_hh = self.w.persons[self.streams[i].person.expect("person") as usize].household;
            let holder = match self.steady_cadre() {
                Some(c) if self.w.chance(0.5) && self.w.persons[c as usize].household != ben_hh => {
                    c
                }
                _ => loop {
                    let q = self.clean_person();
                    if self.w.persons[q as usize].household != ben_hh {
                        break q;
                    }
                },
            };
            let acct = self.w.new_account();
            let k = self.w.range(1, 3) as usize;
            let s = &mut self.streams[i];
            s.special = true;
            for pi in (s.last + 1 - k.min(s.last + 1))..=s.last {
                s.tweaks.push((
                    pi,
                    Tweak::Account {
                        acct: acct.clone(),
                        holder,
                        rule: Some("SUB-ACCOUNT-MISMATCH"),
                    },
                ));
            }
        }

        // SUB-SHARED-ACCOUNT: one card receives the last 2-4 months of 3 or 4 beneficiaries of
        // distinct households. Each row names its own beneficiary as holder, so only the shared
        // card stands out (no ACCOUNT-MISMATCH).
        for _ in 0..count(self.w, "SUB-SHARED-ACCOUNT") {
            let n = self.w.range(3, 4) as usize;
            let acct = self.shared_account(n);
            self.w.truth.one("SUB-SHARED-ACCOUNT", "account", &acct);
        }

        // SUB-OFFICIAL-RELATIVE: 低保 for a serving cadre's own household (the accountant's, which
        // owns nothing SUB-WEALTH sees), or 特困 for a parent the cadre declared; not filed.
        for _ in 0..count(self.w, "SUB-OFFICIAL-RELATIVE") {
            let branch = self.w.plan.next_branch("SUB-OFFICIAL-RELATIVE", 2);
            let own = if branch == 0 {
                self.modest_cadre_household()
            } else {
                None
            };
            let mut s = match own {
                Some(hh) => {
                    let approved = self.approved_before_window();
                    self.w.households[hh as usize].dibao = true;
                    self.means_stream(hh, DB, approved)
                }
                None => {
                    let Some(c) = self.steady_cadre() else { break };
                    self.declared_elder(c, "parent")
                }
            };
            s.special = true;
            s.ent_rules.push("SUB-OFFICIAL-RELATIVE");
            self.streams.push(s);
        }

        // SUB-WEALTH, one branch per instance: a 低保 household in which someone, on the approval
        // date, owns a car, a truck, a shop, represents or holds shares in an active company, or
        // is a public employee (of a county unit, so no official serves the village through it).
        for _ in 0..count(self.w, "SUB-WEALTH") {
            let branch = self.w.plan.next_branch("SUB-WEALTH", 6);
            let hh = self.w.fresh_hh(v, 45, 58, false, None);
            self.w.households[hh as usize].dibao = true;
            let span = (add_days(self.w.win.start, -30) - ymd(2018, 1, 1))
                .num_days()
                .max(1);
            let approved = add_days(add_days(self.w.win.start, -30), -self.w.range(0, span));
            let members = self.w.households[hh as usize].members.clone();
            let owner = if branch.is_multiple_of(2) {
                members[0]
            } else {
                members[1]
            };
            let t = self.w.villages[v as usize].township;
            match branch {
                0 => {
                    let d = add_days(approved, -self.w.range(200, 1500));
                    self.w.add_vehicle(owner, "passenger_car", d, None)
                }
                1 => {
                    let d = add_days(approved, -self.w.range(200, 1500));
                    self.w.add_vehicle(owner, "truck", d, None)
                }
                2 => {
                    let d = add_days(approved, -self.w.range(200, 2000));
                    self.w.add_property(owner, "commercial", d)
                }
                3 => {
                    let est = add_days(approved, -self.w.range(300, 2000));
                    self.w
                        .new_company(t, names::OTHER_KINDS, Some(owner), "active", est, false);
                }
                4 => {
                    let est = add_days(approved, -self.w.range(300, 2000));
                    let rep = self.w.business_person(t);
                    let c = self
                        .w
                        .new_company(t, names::OTHER_KINDS, rep, "active", est, false);
                    for cp in self.w.company_people.iter_mut() {
                        if cp.company == c && cp.role == "shareholder" {
                            cp.share = Some(70);
                        }
                    }
                    self.w.company_people.push(crate::world::CompanyPerson {
                        company: c,
                        person: owner,
                        role: "shareholder",
                        share: Some(30),
                    });
                }
                _ => {
                    let start = add_days(approved, -self.w.range(400, 3000));
                    let org = format!("{}实验小学", self.w.county.name);
                    self.w
                        .add_official(owner, Cat::Public, None, None, org, "教师", start, None);
                    self.w.declare_household(owner, add_days(start, 30));
                }
            }
            let mut s = self.means_stream(hh, DB, approved);
            s.special = true;
            s.ent_rules.push("SUB-WEALTH");
            self.streams.push(s);
        }

        // SUB-AREA-INFLATED: the per-mu quantity is 20-60 % above the household's contracted area.
        for _ in 0..count(self.w, "SUB-AREA-INFLATED") {
            let Some(i) = self.pick(|s, _| s.prog == GD && s.last == len - 1) else {
                break;
            };
            let hh = self.w.persons[self.streams[i].person.expect("person") as usize].household;
            let land = self.w.households[hh as usize].land_centi;
            let q = land * self.w.range(120, 160) / 100;
            let s = &mut self.streams[i];
            s.quantity = centi(q);
            s.set_amount(q * PROGRAMS[GD].rate_fen / 100);
            s.special = true;
            s.ent_rules.push("SUB-AREA-INFLATED");
        }

        // SUB-NOT-PUBLICIZED, one branch per instance, on a household entering 低保 during the
        // window: no publicity (every entitlement fires), 3 days (every one fires), or publicity
        // still running at the first payment (only the first entitlement fires).
        for _ in 0..count(self.w, "SUB-NOT-PUBLICIZED") {
            let branch = self.w.plan.next_branch("SUB-NOT-PUBLICIZED", 3);
            let mut s = self.new_entrant();
            match branch {
                0 => {
                    s.pub_start.clear();
                    s.pub_end.clear();
                    s.ent_rules.push("SUB-NOT-PUBLICIZED");
                }
                1 => {
                    let a = crate::calendar::ymd_str(&s.approved);
                    s.pub_end = fmt(add_days(a, -3));
                    s.pub_start = fmt(add_days(a, -5));
                    s.ent_rules.push("SUB-NOT-PUBLICIZED");
                }
                _ => {
                    let a = crate::calendar::ymd_str(&s.approved);
                    s.pub_start = fmt(add_days(a, -5));
                    s.pub_end = fmt(add_days(self.paydays[s.first], 3));
                    s.first_ent_rules.push("SUB-NOT-PUBLICIZED");
                }
            }
            self.streams.push(s);
        }
    }

    fn shared_account(&mut self, n: usize) -> String {
        let len = self.len();
        let k = (self.w.range(2, 4) as usize).min(len);
        let acct = self.w.new_account();
        let mut households: Vec<u32> = Vec::new();
        let mut tries = 0;
        while households.len() < n {
            tries += 1;
            let found = if tries < 40 {
                self.pick(|s, _| s.prog != GD && s.full(len) && s.person.is_some())
            } else {
                None
            };
            let i = match found {
                Some(i) => i,
                None => {
                    let hh = self.w.fresh_hh(self.v, 66, 78, true, None);
                    let p = self.w.head_of(hh);
                    let s = self.stream(
                        YL,
                        p,
                        0,
                        len - 1,
                        PROGRAMS[YL].rate_fen + 2_000,
                        add_days(self.w.win.start, -400),
                    );
                    self.streams.push(s);
                    self.streams.len() - 1
                }
            };
            let hh = self.w.persons[self.streams[i].person.expect("person") as usize].household;
            if households.contains(&hh) {
                continue;
            }
            households.push(hh);
            let s = &mut self.streams[i];
            s.special = true;
            let holder = s.person.expect("person");
            for pi in (len - k)..len {
                s.tweaks.push((
                    pi,
                    Tweak::Account {
                        acct: acct.clone(),
                        holder,
                        rule: None,
                    },
                ));
            }
        }
        acct
    }

    fn modest_cadre_household(&mut self) -> Option<u32> {
        for o in self.w.steady_cadres(self.v) {
            let p = self.w.officials[o as usize].person;
            let hh = self.w.persons[p as usize].household;
            let h = &self.w.households[hh as usize];
            let alive = h
                .members
                .iter()
                .all(|&m| self.w.persons[m as usize].death.is_none());
            if h.modest && !h.dibao && alive {
                return Some(hh);
            }
        }
        None
    }

    /// A fresh elder the official `c` declares (as `relation`), on 特困 since before the window.
    fn declared_elder(&mut self, c: u32, relation: &'static str) -> Stream {
        let sur: String = self.w.persons[c as usize].name.chars().take(1).collect();
        let hh = self.w.fresh_hh(self.v, 72, 86, true, Some(&sur));
        let p = self.w.head_of(hh);
        self.w.households[hh as usize].tekun = true;
        let on = add_days(
            self.w.term_start[self.w.persons[c as usize].village as usize],
            20,
        );
        self.w.declare(c, p, relation, on);
        let approved = self.approved_before_window();
        self.means_stream(hh, TK, approved)
    }

    /// A fresh family entering 低保 during the window (at least two periods on it).
    fn new_entrant(&mut self) -> Stream {
        let len = self.len();
        let hh = self.w.fresh_hh(self.v, 40, 60, false, None);
        self.w.households[hh as usize].dibao = true;
        let first = self.w.range(1, len as i64 - 2) as usize;
        let approved = add_days(last_day(self.w.win.periods[first - 1]), -self.w.range(0, 5));
        let mut s = self.means_stream(hh, DB, approved);
        s.first = first;
        s.special = true;
        s
    }

    fn plant_decoys(&mut self) {
        let v = self.v;
        let len = self.len();
        let count = |w: &World, k: &str| w.plan.count(k, v);

        // Arrears: death early in a month, that month's payment made after the death (and
        // sometimes the previous month's too): periods up to the death month are legitimate.
        for _ in 0..count(self.w, "decoy:arrears_after_death") {
            let i = self.elder_full();
            let p = self.streams[i].person.expect("person");
            let dp = self.w.range(1, len as i64 - 1) as usize;
            let per = self.w.win.periods[dp];
            let day = self.w.range(1, i64::from(self.paydays[dp].day()) - 1) as u32;
            let death = ymd(per.year, per.month, day);
            self.kill(p, death, None);
            let s = &mut self.streams[i];
            let mut periods = vec![dp];
            if dp > s.first {
                s.tweaks.push((dp - 1, Tweak::PaidOn(add_days(death, 2))));
                periods.push(dp - 1);
            }
            s.decoy_pay = Some(("arrears_after_death", "SUB-DECEASED", periods));
        }
        // Household members paid into the head's card (same household: legitimate).
        for _ in 0..count(self.w, "decoy:paid_to_household_head") {
            let found =
                self.pick(|s, _| s.prog != GD && s.holder_id != s.ben_id && s.person.is_some());
            let i = match found {
                Some(i) => i,
                None => {
                    // An elderly couple: the wife's pension goes to her husband's card.
                    let hh = self.w.fresh_hh(v, 68, 78, false, None);
                    let (head, wife) = (
                        self.w.head_of(hh),
                        self.w.households[hh as usize].members[1],
                    );
                    let approved = add_days(self.w.win.start, -self.w.range(100, 900));
                    let mut s = self.stream(
                        YL,
                        wife,
                        0,
                        len - 1,
                        PROGRAMS[YL].rate_fen + 1_500,
                        approved,
                    );
                    self.hold_by(&mut s, head);
                    self.streams.push(s);
                    self.streams.len() - 1
                }
            };
            let s = &mut self.streams[i];
            s.special = true;
            s.decoy_pay = Some((
                "paid_to_household_head",
                "SUB-ACCOUNT-MISMATCH",
                vec![s.first],
            ));
        }
        // An ex-cadre (term ended at the 2021 election) whose household went on 低保 afterwards.
        for _ in 0..count(self.w, "decoy:ex_official_household_on_dibao") {
            let head = self.w.new_ex_cadre(v);
            let hh = self.w.persons[head as usize].household;
            self.w.households[hh as usize].dibao = true;
            let approved = self.approved_before_window();
            let mut s = self.means_stream(hh, DB, approved);
            s.special = true;
            s.decoy_ent = Some(("ex_official_household_on_dibao", "SUB-OFFICIAL-RELATIVE"));
            self.streams.push(s);
        }
        // A cadre's declared relative on 特困 with the relation filed (备案).
        for _ in 0..count(self.w, "decoy:relative_filed") {
            let Some(c) = self.steady_cadre() else { break };
            let mut s = self.declared_elder(c, "parent");
            s.filed = true;
            s.special = true;
            s.decoy_ent = Some(("relative_filed", "SUB-OFFICIAL-RELATIVE"));
            self.streams.push(s);
        }
        // An elder sharing a cadre's surname, in another household and undeclared.
        for _ in 0..count(self.w, "decoy:same_surname_not_relative") {
            let Some(c) = self.steady_cadre() else { break };
            let sur: String = self.w.persons[c as usize].name.chars().take(1).collect();
            let hh = self.w.fresh_hh(v, 70, 85, true, Some(&sur));
            self.w.households[hh as usize].tekun = true;
            let approved = self.approved_before_window();
            let mut s = self.means_stream(hh, TK, approved);
            s.special = true;
            s.decoy_ent = Some(("same_surname_not_relative", "SUB-OFFICIAL-RELATIVE"));
            self.streams.push(s);
        }
        // A relative declared by a cadre of another village (who does not serve this one).
        if self.w.villages.len() > 1 {
            for _ in 0..count(self.w, "decoy:relative_of_other_village_cadre") {
                let other = (v + 1) % self.w.villages.len() as u32;
                let c = self.w.steady_cadres(other);
                if c.is_empty() {
                    break;
                }
                let cadre = self.w.officials[c[0] as usize].person;
                let mut s = self.declared_elder(cadre, "sibling");
                s.special = true;
                s.decoy_ent = Some(("relative_of_other_village_cadre", "SUB-OFFICIAL-RELATIVE"));
                self.streams.push(s);
            }
        }
        // 低保 households with a tractor/farm vehicle/motorcycle, a car deregistered before the
        // approval, or a role in a deregistered company.
        for kind in [
            "farm_vehicle_on_dibao",
            "deregistered_car_on_dibao",
            "deregistered_company_on_dibao",
        ] {
            let key = match kind {
                "farm_vehicle_on_dibao" => "decoy:farm_vehicle_on_dibao",
                "deregistered_car_on_dibao" => "decoy:deregistered_car_on_dibao",
                _ => "decoy:deregistered_company_on_dibao",
            };
            for _ in 0..count(self.w, key) {
                let found = self.pick(|s, w| {
                    s.prog == DB
                        && s.person
                            .is_some_and(|p| !w.persons[p as usize].busy && !w.hh_of(p).plant)
                });
                let i = match found {
                    Some(i) => i,
                    None => {
                        let hh = self.w.fresh_hh(v, 45, 60, false, None);
                        self.w.households[hh as usize].dibao = true;
                        let approved = self.approved_before_window();
                        let s = self.means_stream(hh, DB, approved);
                        self.streams.push(s);
                        self.streams.len() - 1
                    }
                };
                let owner = self.streams[i].person.expect("person");
                let approved = crate::calendar::ymd_str(&self.streams[i].approved);
                match kind {
                    "farm_vehicle_on_dibao" => {
                        let k = *names::pick(
                            &mut self.w.rng,
                            &["tractor", "farm_vehicle", "motorcycle"],
                        );
                        let d = add_days(approved, -self.w.range(100, 2000));
                        self.w.add_vehicle(owner, k, d, None);
                    }
                    "deregistered_car_on_dibao" => {
                        let r = add_days(approved, -self.w.range(1500, 3000));
                        let d = add_days(approved, -self.w.range(30, 300));
                        self.w.add_vehicle(owner, "passenger_car", r, Some(d));
                    }
                    _ => {
                        let t = self.w.villages[v as usize].township;
                        let est = add_days(approved, -self.w.range(2500, 4000));
                        self.w.new_company(
                            t,
                            names::OTHER_KINDS,
                            Some(owner),
                            "deregistered",
                            est,
                            false,
                        );
                    }
                }
                let s = &mut self.streams[i];
                s.special = true;
                s.decoy_ent = Some((kind, "SUB-WEALTH"));
            }
        }
        // Per-mu quantity 3 % above the contracted area (inside the 5 % tolerance).
        for _ in 0..count(self.w, "decoy:area_within_tolerance") {
            let Some(i) = self.pick(|s, _| s.prog == GD && s.last == len - 1) else {
                break;
            };
            let hh = self.w.persons[self.streams[i].person.expect("person") as usize].household;
            let land = self.w.households[hh as usize].land_centi;
            let q = land * 103 / 100;
            let s = &mut self.streams[i];
            s.quantity = centi(q);
            s.set_amount(q * PROGRAMS[GD].rate_fen / 100);
            s.special = true;
            s.decoy_ent = Some(("area_within_tolerance", "SUB-AREA-INFLATED"));
        }
        // Publicity whose end is exactly 7 days after its start, ending before approval.
        for _ in 0..count(self.w, "decoy:publicity_exactly_7_days") {
            let mut s = self.new_entrant();
            let a = crate::calendar::ymd_str(&s.approved);
            let end = add_days(a, -2);
            s.pub_end = fmt(end);
            s.pub_start = fmt(add_days(end, -7));
            s.decoy_ent = Some(("publicity_exactly_7_days", "SUB-NOT-PUBLICIZED"));
            self.streams.push(s);
        }
        // One card for two households only.
        for _ in 0..count(self.w, "decoy:account_shared_by_two_households") {
            let acct = self.shared_account(2);
            self.w.decoys.add(
                "account_shared_by_two_households",
                "account",
                [acct],
                "SUB-SHARED-ACCOUNT",
            );
        }
        // Payment without entitlement_id, matched by program, period and beneficiary.
        for _ in 0..count(self.w, "decoy:payment_matched_by_key") {
            let Some(i) = self.monthly_full() else { break };
            let s = &mut self.streams[i];
            s.special = true;
            s.tweaks.push((s.last, Tweak::BlankEntitlementId));
            s.decoy_pay = Some(("payment_matched_by_key", "SUB-NO-ENTITLEMENT", vec![s.last]));
        }
        // Entitlement paid in two instalments adding up to the approved amount.
        for _ in 0..count(self.w, "decoy:paid_in_two_instalments") {
            let Some(i) = self.monthly_full() else { break };
            let s = &mut self.streams[i];
            s.special = true;
            s.tweaks.push((s.last, Tweak::Instalments));
            s.decoy_pay = Some(("paid_in_two_instalments", "SUB-SHORT-PAID", vec![s.last]));
        }
    }

    fn emit(&mut self, led: &mut Ledger) -> Result<()> {
        let len = self.len();
        let annual = self.w.win.annual.clone();
        let codes: Vec<String> = self
            .w
            .villages
            .iter()
            .map(|v| v.code[6..].to_string())
            .collect();
        let full_codes: Vec<String> = self.w.villages.iter().map(|v| v.code.clone()).collect();
        let t_day = self.w.range(20, 27) as u32;
        let mut eid = String::new();
        let mut pid = String::new();
        for i in 0..len {
            let period = self.w.win.period_str[i].clone();
            let per = self.w.win.periods[i];
            let pay_day = fmt(self.paydays[i]);
            let annual_day = fmt(ymd(per.year, per.month, t_day));
            for si in 0..self.streams.len() {
                let s = &self.streams[si];
                if !s.active(i, &annual) {
                    continue;
                }
                let code = PROGRAMS[s.prog].code;
                let mut collected: Vec<String> = Vec::new();
                eid.clear();
                if !s.no_entitlement {
                    write!(
                        eid,
                        "{}{:04}{:02}{}{:05}",
                        code, per.year, per.month, codes[s.ent_village as usize], s.line
                    )
                    .expect("writing to a String");
                    led.ent.row([
                        eid.as_str(),
                        code,
                        period.as_str(),
                        full_codes[s.ent_village as usize].as_str(),
                        s.ben_id.as_str(),
                        s.ben_name.as_str(),
                        s.hh_id.as_str(),
                        s.quantity.as_str(),
                        s.amount_str.as_str(),
                        s.approved.as_str(),
                        s.pub_start.as_str(),
                        s.pub_end.as_str(),
                        if s.filed { "true" } else { "false" },
                    ])?;
                    for r in &s.ent_rules {
                        self.w.truth.one(r, "entitlement", &eid);
                    }
                    if i == s.first {
                        for r in &s.first_ent_rules {
                            self.w.truth.one(r, "entitlement", &eid);
                        }
                    }
                    if s.decoy_ent.is_some() {
                        collected.push(eid.clone());
                    }
                }
                let date: &str = if s.prog == GD { &annual_day } else { &pay_day };
                let tweak = s.tweaks.iter().find(|(pi, _)| *pi == i).map(|(_, t)| t);
                let after = s.pay_rule_after.and_then(|(a, r)| (i > a).then_some(r));
                let collect = s
                    .decoy_pay
                    .as_ref()
                    .is_some_and(|(_, _, ps)| ps.contains(&i));
                let own = (
                    s.acct.as_str(),
                    s.holder_id.as_str(),
                    s.holder_name.as_str(),
                );
                // (amount, paid_on, account, extra rule) per payment row of this entitlement.
                let mut rows: Vec<ExtraPayment> = Vec::new();
                let mut blank = false;
                match tweak {
                    None => {
                        let pr = PayRow {
                            eid: &eid,
                            code,
                            period: &period,
                            s,
                            acct: own,
                            amount: &s.amount_str,
                            paid_on: date,
                        };
                        pay_row(led, &mut pid, &pr)?;
                        for r in s.pay_rules.iter().copied().chain(after) {
                            self.w.truth.one(r, "payment", &pid);
                        }
                        if collect {
                            collected.push(pid.clone());
                        }
                    }
                    Some(t) => {
                        let owned = (own.0.to_string(), own.1.to_string(), own.2.to_string());
                        let next = |d: &str, n: i64| fmt(add_days(crate::calendar::ymd_str(d), n));
                        match t {
                            Tweak::Short(paid) => {
                                self.w.truth.one("SUB-SHORT-PAID", "entitlement", &eid);
                                rows.push((
                                    Money(*paid).to_plain_yuan(),
                                    date.to_string(),
                                    owned,
                                    None,
                                ));
                            }
                            Tweak::Overpay => {
                                self.w.truth.one("SUB-DUPLICATE", "entitlement", &eid);
                                rows.push((
                                    s.amount_str.clone(),
                                    date.to_string(),
                                    owned.clone(),
                                    None,
                                ));
                                rows.push((s.amount_str.clone(), next(date, 3), owned, None));
                            }
                            Tweak::Instalments => {
                                let a = s.amount / 2 / 100 * 100;
                                rows.push((
                                    Money(a).to_plain_yuan(),
                                    date.to_string(),
                                    owned.clone(),
                                    None,
                                ));
                                rows.push((
                                    Money(s.amount - a).to_plain_yuan(),
                                    next(date, 4),
                                    owned,
                                    None,
                                ));
                            }
                            Tweak::Account { acct, holder, rule } => {
                                let h = &self.w.persons[*holder as usize];
                                let other = (acct.clone(), h.id.clone(), h.name.clone());
                                rows.push((s.amount_str.clone(), date.to_string(), other, *rule));
                            }
                            Tweak::BlankEntitlementId => {
                                blank = true;
                                rows.push((s.amount_str.clone(), date.to_string(), owned, None));
                            }
                            Tweak::PaidOn(d) => {
                                rows.push((s.amount_str.clone(), fmt(*d), owned, None))
                            }
                        }
                    }
                }
                for (amount, paid_on, acct, rule) in &rows {
                    let e = if blank { "" } else { eid.as_str() };
                    let pr = PayRow {
                        eid: e,
                        code,
                        period: &period,
                        s,
                        acct: (acct.0.as_str(), acct.1.as_str(), acct.2.as_str()),
                        amount,
                        paid_on,
                    };
                    pay_row(led, &mut pid, &pr)?;
                    for r in s.pay_rules.iter().copied().chain(after).chain(*rule) {
                        self.w.truth.one(r, "payment", &pid);
                    }
                    if collect {
                        collected.push(pid.clone());
                    }
                }
                if !collected.is_empty() {
                    self.streams[si].collected.extend(collected);
                }
            }
        }
        for s in &self.streams {
            if let Some((kind, looks, _)) = &s.decoy_pay {
                self.w
                    .decoys
                    .add(kind, "payment", s.collected.clone(), looks);
            }
            if let Some((kind, looks)) = &s.decoy_ent {
                if !s.collected.is_empty() {
                    self.w
                        .decoys
                        .add(kind, "entitlement", s.collected.clone(), looks);
                }
            }
        }
        Ok(())
    }
}

/// A payment row that departs from the stream: amount, date, (account, holder id, holder name),
/// and the rule it fires, if any.
type ExtraPayment = (
    String,
    String,
    (String, String, String),
    Option<&'static str>,
);

struct PayRow<'a> {
    eid: &'a str,
    code: &'a str,
    period: &'a str,
    s: &'a Stream,
    acct: (&'a str, &'a str, &'a str),
    amount: &'a str,
    paid_on: &'a str,
}

fn pay_row(led: &mut Ledger, pid: &mut String, r: &PayRow) -> Result<()> {
    led.pay_next += 1;
    pid.clear();
    write!(pid, "PAY{:010}", led.pay_next).expect("writing to a String");
    led.pay.row([
        pid.as_str(),
        r.eid,
        r.code,
        r.period,
        r.s.ben_id.as_str(),
        r.s.ben_name.as_str(),
        r.acct.0,
        r.acct.1,
        r.acct.2,
        r.amount,
        r.paid_on,
        led.payer.as_str(),
    ])
}

/// Builds, plants and writes one village's rosters and payments.
pub fn village(w: &mut World, led: &mut Ledger, v: u32) -> Result<()> {
    let paydays: Vec<NaiveDate> = w
        .win
        .periods
        .clone()
        .iter()
        .map(|p| ymd(p.year, p.month, w.rng.gen_range(8..=18)))
        .collect();
    let mut vil = Village {
        v,
        streams: Vec::new(),
        next_line: 0,
        paydays,
        w,
    };
    vil.build_background();
    vil.plant_all();
    vil.plant_decoys();
    // Keep one untouched elder's stream for the next village's cross-village duplicate.
    let len = vil.len();
    let src = vil.pick(|s, w| {
        (s.prog == YL || s.prog == GL)
            && s.full(len)
            && s.person
                .is_some_and(|p| w.persons[p as usize].death.is_none())
    });
    if let Some(i) = src {
        vil.streams[i].special = true;
        vil.w.plan.dup_source = Some(DupSource {
            stream: vil.streams[i].clone(),
        });
    }
    vil.emit(led)?;
    Ok(())
}
