//! Village construction projects, their bids and payments, with the PRO-* plants.
//!
//! Background projects follow the rules with margins: open or invited tendering from 100,000
//! yuan, 22+ days' notice (5+ for inquiries), three or more valid bids from unrelated companies
//! with their own phones, addresses and people, awards at 86-97 % of budget, final accounts
//! within +8 %, a valid decision before the notice when the budget reaches 50,000 yuan. A
//! company wins at most once per village, so neither PRO-SPLIT nor FUN-SPLIT can arise by chance.

use crate::calendar::add_days;
use crate::decisions;
use crate::names;
use crate::registers::{Bid, Project, Registers};
use crate::world::World;
use chrono::{Datelike, NaiveDate};
use rand::Rng;

#[derive(Clone, Copy)]
enum Party {
    Company(u32),
    Person(u32),
}

struct Spec {
    budget: i64,
    method: &'static str,
    notice_days: Option<i64>,
    awarded: NaiveDate,
    valid_bids: usize,
    extra_bid: Option<&'static str>,
    award_ratio: (i64, i64),
    winner: Option<Party>,
    others: Vec<Party>,
    decision: DecisionKind,
    overrun_pct: Option<i64>,
}

#[derive(Clone, Copy, PartialEq)]
enum DecisionKind {
    Valid,
    None,
    Invalid(u32),
    After,
}

struct Village {
    v: u32,
    won: Vec<u32>,
}

fn party_fields(w: &mut World, p: Party) -> (String, String, String, String) {
    match p {
        Party::Company(c) => {
            let co = &w.companies[c as usize];
            (
                co.code.clone(),
                co.name.clone(),
                co.phone.clone(),
                co.address.clone(),
            )
        }
        Party::Person(q) => {
            if w.persons[q as usize].phone.is_empty() {
                w.persons[q as usize].phone = w.new_phone();
            }
            let hh = w.persons[q as usize].household;
            let addr = w.address_of(hh);
            let pp = &w.persons[q as usize];
            (pp.id.clone(), pp.name.clone(), pp.phone.clone(), addr)
        }
    }
}

impl Village {
    /// A builder of the township that has not yet won in this village (a new one if none is left).
    fn fresh_winner(&mut self, w: &mut World) -> u32 {
        let t = w.villages[self.v as usize].township as usize;
        let free: Vec<u32> = w.builders[t]
            .iter()
            .copied()
            .filter(|c| !self.won.contains(c))
            .collect();
        let c = if free.is_empty() {
            let c = w.company_with_new_people(t as u32, names::CONSTRUCTION_KINDS, "active");
            w.builders[t].push(c);
            c
        } else {
            free[w.rng.gen_range(0..free.len())]
        };
        self.won.push(c);
        c
    }

    fn other_bidders(&mut self, w: &mut World, n: usize, exclude: &[u32]) -> Vec<Party> {
        let t = w.villages[self.v as usize].township as usize;
        let mut pool: Vec<u32> = w.builders[t]
            .iter()
            .copied()
            .filter(|c| !exclude.contains(c))
            .collect();
        while pool.len() < n {
            let c = w.company_with_new_people(t as u32, names::CONSTRUCTION_KINDS, "active");
            w.builders[t].push(c);
            pool.push(c);
        }
        let mut out = Vec::new();
        for _ in 0..n {
            let i = w.rng.gen_range(0..pool.len());
            out.push(Party::Company(pool.swap_remove(i)));
        }
        out
    }

    fn spec(
        &mut self,
        w: &mut World,
        budget: i64,
        method: &'static str,
        awarded: NaiveDate,
    ) -> Spec {
        let (notice, bids) = match method {
            "open" => (Some(w.range(22, 30)), w.range(3, 5) as usize),
            "invited" => (Some(w.range(21, 25)), w.range(3, 4) as usize),
            "inquiry" => (Some(w.range(5, 7)), 3),
            _ => (None, 1),
        };
        Spec {
            budget,
            method,
            notice_days: notice,
            awarded,
            valid_bids: bids,
            extra_bid: if method == "open" && w.chance(0.25) {
                Some("disqualified")
            } else {
                None
            },
            award_ratio: (86, 97),
            winner: None,
            others: Vec::new(),
            decision: DecisionKind::Valid,
            overrun_pct: None,
        }
    }

    fn build(&mut self, w: &mut World, r: &mut Registers, mut s: Spec) -> usize {
        let v = self.v;
        let winner = s
            .winner
            .unwrap_or_else(|| Party::Company(self.fresh_winner(w)));
        let mut exclude: Vec<u32> = self.won.clone();
        for p in s.others.iter().chain([&winner]) {
            if let Party::Company(c) = p {
                exclude.push(*c);
            }
        }
        let needed = s.valid_bids + usize::from(s.extra_bid.is_some());
        let missing = needed.saturating_sub(1 + s.others.len());
        let mut others = std::mem::take(&mut s.others);
        others.extend(self.other_bidders(w, missing, &exclude));
        let deadline = s.notice_days.map(|_| add_days(s.awarded, -w.range(1, 5)));
        let notice = s.notice_days.zip(deadline).map(|(d, dl)| add_days(dl, -d));
        let award = (s.budget * w.range(s.award_ratio.0, s.award_ratio.1) / 100 / 100) * 100;
        let first_step = notice.unwrap_or(add_days(s.awarded, -10));
        let subject = names::pick(&mut w.rng, names::PROJECT_NAMES).to_string();
        let group = w.range(1, 8);
        let name = format!("{}{}组{}", w.villages[v as usize].name, group, subject);
        let decision = if s.budget >= 5_000_000 || s.decision != DecisionKind::Valid {
            match s.decision {
                DecisionKind::Valid => Some(decisions::valid(
                    w,
                    r,
                    v,
                    &name,
                    Some(s.budget),
                    add_days(first_step, -3),
                )),
                DecisionKind::None => None,
                DecisionKind::Invalid(k) => Some(decisions::invalid(
                    w,
                    r,
                    v,
                    &name,
                    Some(s.budget),
                    add_days(first_step, -3),
                    k,
                )),
                DecisionKind::After => {
                    Some(decisions::after(w, r, v, &name, Some(s.budget), s.awarded))
                }
            }
        } else {
            None
        };
        let mut bids = Vec::new();
        let (wid, wname, wphone, waddr) = party_fields(w, winner);
        bids.push(Bid {
            bidder_id: wid.clone(),
            name: wname.clone(),
            amount: award,
            submitted: deadline,
            status: "valid",
            phone: wphone,
            address: waddr,
        });
        for (k, o) in others.iter().enumerate() {
            let (id, nm, ph, ad) = party_fields(w, *o);
            let valid = k + 1 < s.valid_bids;
            let amount = award + w.range(1, 40) * s.budget / 1000 / 100 * 100 + 100;
            bids.push(Bid {
                bidder_id: id,
                name: nm,
                amount: amount.min(s.budget.max(award + 100)),
                submitted: deadline,
                status: if valid {
                    "valid"
                } else {
                    s.extra_bid.unwrap_or("withdrawn")
                },
                phone: ph,
                address: ad,
            });
        }
        let pay_date = add_days(s.awarded, w.range(60, 70));
        let final_amount = if pay_date <= w.win.last_date {
            let pct = s.overrun_pct.unwrap_or_else(|| w.range(96, 108));
            Some(award * pct / 100 / 100 * 100)
        } else {
            None
        };
        let id = r.next_project_id(w, v, s.awarded.year());
        if let Some(f) = final_amount {
            let sv = r.voucher(
                w,
                v,
                pay_date,
                "construction",
                f,
                false,
                (&wname, &wid),
                &format!("{name}工程款"),
            );
            let x = r.get(v, sv);
            x.project = id.clone();
            x.decision = decision.clone().unwrap_or_default();
            if f >= 5_000_000 && matches!(s.decision, DecisionKind::None | DecisionKind::Invalid(_))
            {
                // FUN-NO-DECISION follows from PRO-NO-DECISION: the payment has no valid decision.
                r.voucher_truth.push(("FUN-NO-DECISION", v, vec![sv]));
            }
            if matches!(winner, Party::Person(_)) {
                // Person winners are only planted as a serving cadre's relative: the payment is
                // then also FUN-SELF-DEALING.
                r.voucher_truth.push(("FUN-SELF-DEALING", v, vec![sv]));
            }
        }
        r.projects.push(Project {
            id,
            village: v,
            name,
            budget: s.budget,
            method: s.method,
            notice,
            deadline,
            awarded: s.awarded,
            winner_id: wid,
            winner_name: wname,
            award,
            final_amount,
            decision,
            bids,
        });
        r.projects.len() - 1
    }
}

fn award_date(w: &mut World, lo: i64, room: i64) -> NaiveDate {
    let span = (w.win.last_date - w.win.start).num_days();
    add_days(w.win.start, w.range(lo, (span - room).max(lo)))
}

pub fn build(w: &mut World, r: &mut Registers) {
    for v in 0..w.villages.len() as u32 {
        let mut vil = Village { v, won: Vec::new() };
        let n = ((w.win.len() as f64 / 12.0) * w.rng.gen_range(1.0..3.0))
            .round()
            .max(1.0) as u32;
        for _ in 0..n {
            let roll: f64 = w.rng.gen();
            let (budget, method) = if roll < 0.35 {
                (
                    w.range(10, 45) * 100_000,
                    if w.chance(0.6) { "inquiry" } else { "direct" },
                )
            } else if roll < 0.65 {
                (
                    w.range(55, 95) * 100_000,
                    if w.chance(0.5) { "inquiry" } else { "open" },
                )
            } else {
                (
                    w.range(10, 80) * 1_000_000,
                    if w.chance(0.7) { "open" } else { "invited" },
                )
            };
            let awarded = award_date(w, 45, 5);
            let s = vil.spec(w, budget, method, awarded);
            vil.build(w, r, s);
        }
        plants(w, r, &mut vil);
    }
}

fn large(w: &mut World) -> i64 {
    w.range(15, 40) * 1_000_000
}

fn mark(w: &mut World, r: &Registers, rule: &'static str, i: usize) {
    w.truth.one(rule, "project", &r.projects[i].id);
}

fn plants(w: &mut World, r: &mut Registers, vil: &mut Village) {
    let v = vil.v;
    // PRO-DIRECT-ABOVE-THRESHOLD: an inquiry (5 days' notice, 3 bids) or a direct award on a
    // budget of 120,000-300,000 yuan, with a valid decision.
    for _ in 0..w.plan.count("PRO-DIRECT-ABOVE-THRESHOLD", v) {
        let b = w.plan.next_branch("PRO-DIRECT-ABOVE-THRESHOLD", 2);
        let budget = w.range(12, 30) * 1_000_000;
        let a = award_date(w, 45, 5);
        let s = vil.spec(w, budget, if b == 0 { "inquiry" } else { "direct" }, a);
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-DIRECT-ABOVE-THRESHOLD", i);
    }
    // PRO-FEW-BIDS: an open tender with one valid bid (and one disqualified), or an invited
    // one with two valid bids.
    for _ in 0..w.plan.count("PRO-FEW-BIDS", v) {
        let b = w.plan.next_branch("PRO-FEW-BIDS", 2);
        let budget = large(w);
        let a = award_date(w, 45, 5);
        let mut s = vil.spec(w, budget, if b == 0 { "open" } else { "invited" }, a);
        s.valid_bids = if b == 0 { 1 } else { 2 };
        s.extra_bid = if b == 0 { Some("disqualified") } else { None };
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-FEW-BIDS", i);
    }
    // PRO-SHORT-NOTICE: open 8-15 days, invited 10-15, inquiry 1-2 (budget below 100,000).
    for _ in 0..w.plan.count("PRO-SHORT-NOTICE", v) {
        let b = w.plan.next_branch("PRO-SHORT-NOTICE", 3);
        let a = award_date(w, 45, 5);
        let (budget, method, days) = match b {
            0 => (large(w), "open", w.range(8, 15)),
            1 => (large(w), "invited", w.range(10, 15)),
            _ => (w.range(60, 95) * 100_000, "inquiry", w.range(1, 2)),
        };
        let mut s = vil.spec(w, budget, method, a);
        s.notice_days = Some(days);
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-SHORT-NOTICE", i);
    }
    // PRO-SPLIT: two inquiries of 62,000-95,000 yuan won by one company 20-70 days apart; each is
    // paid at least 50,000 with its valid decision, so FUN-SPLIT and FUN-NO-DECISION stay quiet.
    for _ in 0..w.plan.count("PRO-SPLIT", v) {
        let c = vil.fresh_winner(w);
        let a1 = award_date(w, 45, 150);
        let a2 = add_days(a1, w.range(20, 70));
        let mut ids = Vec::new();
        for a in [a1, a2] {
            let budget = w.range(62, 95) * 100_000;
            let mut s = vil.spec(w, budget, "inquiry", a);
            s.winner = Some(Party::Company(c));
            s.award_ratio = (88, 95);
            s.overrun_pct = Some(w.range(97, 104));
            let i = vil.build(w, r, s);
            ids.push(r.projects[i].id.clone());
        }
        w.truth.add("PRO-SPLIT", "project", ids);
    }
    // PRO-RELATED-WINNER: a company represented by a cadre's relative, a company in which a
    // township official holds shares, or the cadre's relative in person (then the payment is
    // also FUN-SELF-DEALING).
    for _ in 0..w.plan.count("PRO-RELATED-WINNER", v) {
        let b = w.plan.next_branch("PRO-RELATED-WINNER", 3);
        let Some((c, relative)) = w.cadre_and_relative(v) else {
            break;
        };
        let t = w.villages[v as usize].township;
        let est = add_days(w.win.start, -900);
        let winner = match b {
            0 => Party::Company(w.new_company(
                t,
                names::CONSTRUCTION_KINDS,
                Some(relative),
                "active",
                est,
                false,
            )),
            1 => {
                let town: Vec<u32> = w
                    .officials
                    .iter()
                    .filter(|o| o.township == Some(t) && o.end.is_none() && o.start < w.win.start)
                    .map(|o| o.person)
                    .collect();
                let rep = w.business_person(t);
                let co = w.new_company(t, names::CONSTRUCTION_KINDS, rep, "active", est, false);
                let holder = town.first().copied().unwrap_or(c);
                w.company_people.push(crate::world::CompanyPerson {
                    company: co,
                    person: holder,
                    role: "shareholder",
                    share: Some(30),
                });
                Party::Company(co)
            }
            _ => Party::Person(relative),
        };
        let budget = large(w);
        let a = award_date(w, 45, 5);
        let mut s = vil.spec(w, budget, "open", a);
        s.winner = Some(winner);
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-RELATED-WINNER", i);
    }
    // PRO-COLLUSION: two new companies sharing a phone, an address, a legal representative or a
    // shareholder bid together; an unrelated builder wins.
    for _ in 0..w.plan.count("PRO-COLLUSION", v) {
        let b = w.plan.next_branch("PRO-COLLUSION", 4);
        let t = w.villages[v as usize].township;
        let est = add_days(w.win.start, -1500);
        let x = w.business_person(t);
        let ca = w.new_company(t, names::CONSTRUCTION_KINDS, x, "active", est, false);
        let y = if b == 2 { x } else { w.business_person(t) };
        let cb = w.new_company(t, names::CONSTRUCTION_KINDS, y, "active", est, false);
        match b {
            0 => w.companies[cb as usize].phone = w.companies[ca as usize].phone.clone(),
            1 => w.companies[cb as usize].address = w.companies[ca as usize].address.clone(),
            3 => {
                if let Some(z) = w.business_person(t) {
                    for co in [ca, cb] {
                        w.company_people.push(crate::world::CompanyPerson {
                            company: co,
                            person: z,
                            role: "shareholder",
                            share: Some(30),
                        });
                    }
                }
            }
            _ => {}
        }
        let budget = large(w);
        let a = award_date(w, 45, 5);
        let mut s = vil.spec(w, budget, "open", a);
        s.valid_bids = 3;
        s.extra_bid = None;
        s.others = vec![Party::Company(ca), Party::Company(cb)];
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-COLLUSION", i);
    }
    // PRO-NEAR-CEILING: three valid bids, the winning one at 99.5-100 % of the budget.
    for _ in 0..w.plan.count("PRO-NEAR-CEILING", v) {
        let budget = large(w);
        let a = award_date(w, 45, 5);
        let mut s = vil.spec(w, budget, "open", a);
        s.award_ratio = (100, 100);
        s.valid_bids = 3;
        s.extra_bid = None;
        let i = vil.build(w, r, s);
        let p = &mut r.projects[i];
        p.award = (p.budget * 995 / 1000).max(p.budget - 100_000) / 100 * 100 + 100;
        p.award = p.award.min(p.budget);
        p.bids[0].amount = p.award;
        for x in p.bids.iter_mut().skip(1) {
            x.amount = p.budget;
        }
        mark(w, r, "PRO-NEAR-CEILING", i);
    }
    // PRO-OVERRUN: final accounts 20-40 % above the award (paid with the project's decision).
    for _ in 0..w.plan.count("PRO-OVERRUN", v) {
        let budget = large(w);
        let a = award_date(w, 45, 75);
        let mut s = vil.spec(w, budget, "open", a);
        s.overrun_pct = Some(w.range(120, 140));
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-OVERRUN", i);
    }
    // PRO-NO-DECISION: no decision, an invalid one (also DEC-INVALID; the payment then also
    // FUN-NO-DECISION), or one taken after the award (the payment comes after it, so it is fine).
    for _ in 0..w.plan.count("PRO-NO-DECISION", v) {
        let b = w.plan.next_branch("PRO-NO-DECISION", 3);
        let budget = large(w);
        let a = award_date(w, 45, 75);
        let mut s = vil.spec(w, budget, "open", a);
        s.decision = match b {
            0 => DecisionKind::None,
            1 => DecisionKind::Invalid(w.plan.next_branch("DEC-INVALID", decisions::INVALID_KINDS)),
            _ => DecisionKind::After,
        };
        let i = vil.build(w, r, s);
        mark(w, r, "PRO-NO-DECISION", i);
    }
    decoys(w, r, vil);
}

fn add(w: &mut World, r: &Registers, kind: &'static str, i: usize, looks: &'static str) {
    w.decoys
        .add(kind, "project", [r.projects[i].id.clone()], looks);
}

fn decoys(w: &mut World, r: &mut Registers, vil: &mut Village) {
    let v = vil.v;
    for _ in 0..w.plan.count("decoy:open_two_valid_bids", v) {
        let a = award_date(w, 45, 5);
        let budget = large(w);
        let mut s = vil.spec(w, budget, "open", a);
        s.valid_bids = 2;
        s.extra_bid = Some("withdrawn");
        let i = vil.build(w, r, s);
        add(w, r, "open_two_valid_bids", i, "PRO-FEW-BIDS");
    }
    for _ in 0..w.plan.count("decoy:invited_three_valid_bids", v) {
        let a = award_date(w, 45, 5);
        let budget = large(w);
        let mut s = vil.spec(w, budget, "invited", a);
        s.valid_bids = 3;
        s.extra_bid = Some("disqualified");
        let i = vil.build(w, r, s);
        add(w, r, "invited_three_valid_bids", i, "PRO-FEW-BIDS");
    }
    for _ in 0..w.plan.count("decoy:notice_exactly_minimum", v) {
        let b = w.plan.next_branch("decoy:notice_exactly_minimum", 2);
        let a = award_date(w, 45, 5);
        let (budget, method, days) = if b == 0 {
            (large(w), "open", 20)
        } else {
            (w.range(20, 45) * 100_000, "inquiry", 3)
        };
        let mut s = vil.spec(w, budget, method, a);
        s.notice_days = Some(days);
        let i = vil.build(w, r, s);
        add(w, r, "notice_exactly_minimum", i, "PRO-SHORT-NOTICE");
    }
    for _ in 0..w.plan.count("decoy:direct_award_at_budget", v) {
        let a = award_date(w, 45, 5);
        let budget = w.range(20, 45) * 100_000;
        let mut s = vil.spec(w, budget, "direct", a);
        s.award_ratio = (100, 100);
        s.overrun_pct = Some(100);
        let i = vil.build(w, r, s);
        add(w, r, "direct_award_at_budget", i, "PRO-NEAR-CEILING");
    }
    for _ in 0..w.plan.count("decoy:award_98_percent", v) {
        let a = award_date(w, 45, 5);
        let budget = large(w);
        let mut s = vil.spec(w, budget, "open", a);
        s.award_ratio = (98, 98);
        let i = vil.build(w, r, s);
        add(w, r, "award_98_percent", i, "PRO-NEAR-CEILING");
    }
    for _ in 0..w.plan.count("decoy:overrun_within_tolerance", v) {
        let a = award_date(w, 45, 75);
        let budget = large(w);
        let mut s = vil.spec(w, budget, "open", a);
        s.overrun_pct = Some(109);
        let i = vil.build(w, r, s);
        add(w, r, "overrun_within_tolerance", i, "PRO-OVERRUN");
    }
    for _ in 0..w.plan.count("decoy:same_winner_far_apart", v) {
        let c = vil.fresh_winner(w);
        let a1 = add_days(w.win.start, 10);
        let gap = ((w.win.last_date - a1).num_days() - 15).clamp(95, 160);
        let a2 = add_days(a1, gap);
        let mut ids = Vec::new();
        for a in [a1, a2] {
            let budget = w.range(60, 90) * 100_000;
            let mut s = vil.spec(w, budget, "inquiry", a);
            s.winner = Some(Party::Company(c));
            s.award_ratio = (90, 95);
            let i = vil.build(w, r, s);
            ids.push(r.projects[i].id.clone());
        }
        w.decoys
            .add("same_winner_far_apart", "project", ids, "PRO-SPLIT");
    }
    for _ in 0..w.plan.count("decoy:same_winner_small_total", v) {
        let c = vil.fresh_winner(w);
        let a1 = award_date(w, 10, 130);
        let a2 = add_days(a1, 45);
        let mut ids = Vec::new();
        for (a, lo, hi) in [(a1, 25, 35), (a2, 30, 40)] {
            let budget = w.range(lo, hi) * 100_000;
            let mut s = vil.spec(w, budget, "inquiry", a);
            s.winner = Some(Party::Company(c));
            let i = vil.build(w, r, s);
            ids.push(r.projects[i].id.clone());
        }
        w.decoys
            .add("same_winner_small_total", "project", ids, "PRO-SPLIT");
    }
    for _ in 0..w.plan.count("decoy:ex_cadre_company_wins", v) {
        let p = w.new_ex_cadre(v);
        let t = w.villages[v as usize].township;
        let est = add_days(w.win.start, -300);
        let co = w.new_company(t, names::CONSTRUCTION_KINDS, Some(p), "active", est, false);
        let a = award_date(w, 45, 5);
        let budget = large(w);
        let mut s = vil.spec(w, budget, "open", a);
        s.winner = Some(Party::Company(co));
        let i = vil.build(w, r, s);
        add(w, r, "ex_cadre_company_wins", i, "PRO-RELATED-WINNER");
    }
}
