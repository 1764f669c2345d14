//! Democratic decisions (四议两公开) and the DEC-INVALID plants.
//!
//! A valid decision keeps clear margins: at least three quarters present at meetings, comfortable
//! majorities, every step dated before the event it authorises, resolution and result published.
//! Decoys sit exactly on the quorum boundaries and are still valid.

use crate::calendar::add_days;
use crate::names;
use crate::registers::{Decision, Registers};
use crate::world::World;
use chrono::NaiveDate;

/// The ways a decision can fail DEC-INVALID, one per plant branch.
pub const INVALID_KINDS: u32 = 7;

/// A valid decision whose whole procedure (proposal to published result) ends before `before`.
pub fn valid(
    w: &mut World,
    r: &mut Registers,
    v: u32,
    subject: &str,
    amount: Option<i64>,
    before: NaiveDate,
) -> String {
    let meeting = add_days(before, -w.range(12, 30));
    push(w, r, v, subject, amount, meeting, None)
}

/// A decision whose every date falls after `after` (valid otherwise).
pub fn after(
    w: &mut World,
    r: &mut Registers,
    v: u32,
    subject: &str,
    amount: Option<i64>,
    after: NaiveDate,
) -> String {
    // The proposal comes at most 35 days before the meeting, so every step is after `after`.
    let meeting = add_days(after, w.range(40, 50));
    push(w, r, v, subject, amount, meeting, None)
}

/// An invalid decision of the given kind (0..INVALID_KINDS), dated before `before`.
pub fn invalid(
    w: &mut World,
    r: &mut Registers,
    v: u32,
    subject: &str,
    amount: Option<i64>,
    before: NaiveDate,
    kind: u32,
) -> String {
    let meeting = add_days(before, -w.range(12, 30));
    let id = push(w, r, v, subject, amount, meeting, Some(kind));
    w.truth.one("DEC-INVALID", "decision", &id);
    id
}

fn push(
    w: &mut World,
    r: &mut Registers,
    v: u32,
    subject: &str,
    amount: Option<i64>,
    meeting: NaiveDate,
    invalid: Option<u32>,
) -> String {
    let id = r.next_decision_id(w, v);
    let proposed = add_days(meeting, -w.range(20, 30));
    let committees = add_days(proposed, w.range(2, 5));
    let party_on = add_days(committees, w.range(3, 8));
    let pt = w.range(18, 60) as u32;
    let pp = (pt * 3).div_ceil(4) + w.range(0, i64::from(pt / 5)) as u32;
    let pp = pp.min(pt);
    let pa = (pt / 2 + 2 + w.range(0, i64::from(pt / 4)) as u32).min(pp);
    let representatives = w.chance(0.6);
    let (kind, total) = if representatives {
        ("representatives", w.range(25, 60) as u32)
    } else {
        (
            "villagers",
            (w.opts.persons_per_village as f64 * 0.7) as u32 + w.range(0, 30) as u32,
        )
    };
    let present = (total * 3).div_ceil(4) + w.range(0, i64::from(total / 6)) as u32;
    let present = present.min(total);
    let approve =
        ((present * 3).div_ceil(5) + w.range(0, i64::from(present / 4)) as u32).min(present);
    let resolution = add_days(meeting, w.range(1, 3));
    let result = add_days(resolution, w.range(1, 3));
    let mut d = Decision {
        id: id.clone(),
        village: v,
        subject: subject.to_string(),
        amount,
        proposed,
        committees,
        party: Some((party_on, pt, pp, pa)),
        meeting,
        kind,
        total,
        present,
        approve,
        resolution: Some(resolution),
        result: Some(result),
    };
    match invalid {
        // Villagers' meeting with exactly half present: "not above half".
        Some(0) => {
            d.kind = "villagers";
            d.total = 2 * w.range(100, 200) as u32;
            d.present = d.total / 2;
            d.approve = d.present * 3 / 4;
        }
        // Representatives' meeting one short of two thirds (29 of 45).
        Some(1) => {
            d.kind = "representatives";
            d.total = 45;
            d.present = 29;
            d.approve = 20;
        }
        // Approvals exactly half of those present.
        Some(2) => {
            d.present = d.present / 2 * 2;
            d.approve = d.present / 2;
        }
        // Party members' meeting with 19 of 30 present (below two thirds), approvals fine.
        Some(3) => d.party = Some((party_on, 30, 19, 16)),
        // Party approvals exactly half of all members.
        Some(4) => d.party = Some((party_on, 30, 25, 15)),
        // Counts that contradict each other: more approvals than people present.
        Some(5) => d.approve = d.present + w.range(1, 5) as u32,
        // Resolution never published.
        Some(_) => {
            d.resolution = None;
            d.result = None;
        }
        None => {}
    }
    r.decisions.push(d);
    id
}

/// Standalone background decisions, DEC-INVALID plants and boundary decoys for village `v`.
pub fn village(w: &mut World, r: &mut Registers, v: u32) {
    let last = w.win.last_date;
    let span = (last - w.win.start).num_days();
    let n = ((w.win.len() as f64 / 12.0) * 2.0).round().max(1.0) as u32;
    for _ in 0..n {
        let subject = names::pick(&mut w.rng, names::DECISION_SUBJECTS).to_string();
        let before = add_days(w.win.start, w.range(40, span));
        valid(w, r, v, &subject, None, before);
    }
    // DEC-INVALID: one failure per instance, cycling through every kind.
    for _ in 0..w.plan.count("DEC-INVALID", v) {
        let kind = w.plan.next_branch("DEC-INVALID", INVALID_KINDS);
        let subject = names::pick(&mut w.rng, names::DECISION_SUBJECTS).to_string();
        let before = add_days(w.win.start, w.range(40, span));
        invalid(w, r, v, &subject, None, before, kind);
    }
    for _ in 0..w.plan.count("decoy:decision_at_quorum_boundary", v) {
        let b = w.plan.next_branch("decoy:decision_at_quorum_boundary", 5);
        let subject = names::pick(&mut w.rng, names::DECISION_SUBJECTS).to_string();
        let before = add_days(w.win.start, w.range(40, span));
        let id = valid(w, r, v, &subject, None, before);
        let d = r.decisions.last_mut().expect("just pushed");
        let kind = match b {
            0 => {
                d.kind = "representatives";
                (d.total, d.present, d.approve) = (45, 30, 16);
                "representatives_exactly_two_thirds"
            }
            1 => {
                d.kind = "villagers";
                (d.total, d.present, d.approve) = (300, 151, 76);
                "villagers_half_plus_one"
            }
            2 => {
                d.kind = "representatives";
                (d.total, d.present, d.approve) = (48, 40, 21);
                "approvals_half_plus_one"
            }
            3 => {
                let on = d.party.expect("party meeting recorded").0;
                d.party = Some((on, 30, 20, 16));
                "party_exactly_two_thirds"
            }
            _ => {
                let on = d.party.expect("party meeting recorded").0;
                d.party = Some((on, 30, 25, 16));
                "party_approvals_half_plus_one"
            }
        };
        w.decoys.add(kind, "decision", [id], "DEC-INVALID");
    }
}
