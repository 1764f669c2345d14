//! Risk scores per village, per official and per program (documented in docs/scores.md).
//!
//! A clue weighs `severity weight × (1 + log10(1 + amount at risk in yuan)) × rule precision`,
//! where the rule's precision is estimated from its reviews, `(confirmed + 1) / (confirmed +
//! dismissed + 2)` (0.5 before any review), so a rule that keeps being dismissed counts for less.
//! Clues confirmed in the past add their weight again as history. Villages sum the clues in
//! them; officials sum the clues about them, half of those in the village they serve and a tenth of
//! those in the township they serve; programs
//! sum the clues on their payments and entitlements.

use crate::clue::Clue;
use std::collections::BTreeMap;

/// Review counts of one rule: (confirmed, dismissed).
pub type ReviewCounts = BTreeMap<String, (i64, i64)>;

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub kind: &'static str,
    pub subject: String,
    pub label: Option<String>,
    pub score: f64,
    pub clues: i64,
    pub amount_at_risk_fen: i64,
}

pub fn clue_weight(clue: &Clue, reviews: &ReviewCounts) -> f64 {
    let severity = clue.severity.weight();
    let yuan = clue.amount_at_risk_fen.max(0) as f64 / 100.0;
    let (confirmed, dismissed) = reviews.get(&clue.rule_id).copied().unwrap_or((0, 0));
    let precision = (confirmed as f64 + 1.0) / ((confirmed + dismissed) as f64 + 2.0);
    severity * (1.0 + (1.0 + yuan).log10()) * precision
}

/// One serving official: id number, name, the village or township code they serve.
pub struct Serving {
    pub id_number: String,
    pub name: String,
    pub division_code: String,
}

pub struct ScoreInput<'a> {
    pub clues: &'a [Clue],
    pub reviews: &'a ReviewCounts,
    /// Weight of clues confirmed in earlier runs, by village (history).
    pub confirmed_history: &'a BTreeMap<String, f64>,
    pub village_names: &'a BTreeMap<String, String>,
    pub serving: &'a [Serving],
}

pub fn scores(input: &ScoreInput<'_>) -> Vec<ScoreRow> {
    let mut acc: BTreeMap<(&'static str, String), (f64, i64, i64)> = BTreeMap::new();
    let mut add = |kind: &'static str, subject: &str, w: f64, amount: i64, count: i64| {
        let e = acc
            .entry((kind, subject.to_string()))
            .or_insert((0.0, 0, 0));
        e.0 += w;
        e.1 += count;
        e.2 += amount;
    };
    for clue in input.clues {
        let w = clue_weight(clue, input.reviews);
        if let Some(v) = &clue.village_code {
            add("village", v, w, clue.amount_at_risk_fen, 1);
            for o in input.serving {
                if clue.subject_id.as_deref() == Some(&o.id_number) {
                    continue;
                }
                // A village cadre answers for the village's affairs (half weight); a township
                // official for all villages of the township, so less per village.
                let share = if &o.division_code == v {
                    0.5
                } else if qingfeng_domain::DivisionCode::parse(v)
                    .ok()
                    .and_then(|village| village.township())
                    .is_some_and(|township| township.as_str() == o.division_code)
                {
                    0.1
                } else {
                    continue;
                };
                add(
                    "official",
                    &o.id_number,
                    w * share,
                    clue.amount_at_risk_fen,
                    1,
                );
            }
        }
        if let Some(s) = &clue.subject_id {
            if input.serving.iter().any(|o| &o.id_number == s) {
                add("official", s, w, clue.amount_at_risk_fen, 1);
            }
        }
        if let Some(p) = clue.evidence.get("program_code").filter(|p| !p.is_empty()) {
            add("program", p, w, clue.amount_at_risk_fen, 1);
        }
    }
    for (village, w) in input.confirmed_history {
        add("village", village, *w, 0, 0);
    }
    let names: BTreeMap<&str, &str> = input
        .serving
        .iter()
        .map(|o| (o.id_number.as_str(), o.name.as_str()))
        .collect();
    let mut rows: Vec<ScoreRow> = acc
        .into_iter()
        .map(|((kind, subject), (score, clues, amount))| ScoreRow {
            kind,
            label: match kind {
                "village" => input.village_names.get(&subject).cloned(),
                "official" => names
                    .get(subject.as_str())
                    .map(|n| crate::clue::mask_name(n)),
                _ => None,
            },
            subject,
            score: (score * 100.0).round() / 100.0,
            clues,
            amount_at_risk_fen: amount,
        })
        .collect();
    rows.sort_by(|a, b| {
        a.kind
            .cmp(b.kind)
            .then(b.score.total_cmp(&a.score))
            .then(a.subject.cmp(&b.subject))
    });
    rows
}
