//! 概览 / Dashboard: the clues of the official's jurisdiction by rule, village and month, the
//! highest-risk villages and officials, and open reports with their deadlines. Every chart has
//! the same numbers as a table beside it.

use super::reports::{report_row, ReportRow};
use super::request::{Failure, Work};
use super::{yuan, WorkPage};
use crate::drawing::bars::{self as chart, Bar};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_store::{Score, Tally};

#[derive(Template)]
#[template(path = "work/dashboard.html")]
struct Dashboard<'a> {
    wp: &'a WorkPage<'a>,
    /// Whether the official sees clues at all (the village officials who use the powers do
    /// not): the clue figures are left off rather than shown as zero.
    sees_clues: bool,
    /// Matters: (open in the jurisdiction, whose step due now is the official's, overdue).
    matters: Option<(i64, i64, i64)>,
    /// For those who keep the village books: rent not yet booked, contracts ending, debts
    /// falling due.
    books_due: Option<(usize, usize, usize)>,
    total_clues: i64,
    total_amount: String,
    by_rule: Vec<TallyRow>,
    by_village: Vec<TallyRow>,
    by_month: Vec<TallyRow>,
    rule_chart: String,
    village_chart: String,
    month_chart: String,
    villages: Vec<ScoreRow>,
    officials: Vec<ScoreRow>,
    reports: Vec<ReportRow>,
    overdue: usize,
    due_soon: usize,
    /// Reports for the level above still to be sent (`qingfeng upward`): how many, due when. The
    /// county sees nothing else of them.
    upward: (i64, Option<String>),
    rt: &'static super::reports::ReportTexts,
    /// Clues handed to a township and not yet answered, overdue first.
    hand_overs: Vec<HandOverRow>,
    hand_overs_overdue: usize,
    ct: &'static super::clues::ClueTexts,
    /// Talks or letters of inquiry still waiting for their reply or report (disposers only).
    inquiries: Vec<InquiryRow>,
    inquiries_overdue: usize,
    cst: &'static super::cases::CaseTexts,
}

struct InquiryRow {
    href: String,
    decision: String,
    reply_due: String,
    reply_overdue: bool,
    report_due: String,
    report_overdue: bool,
}

struct HandOverRow {
    fingerprint: String,
    rule_id: String,
    township: String,
    assigned_by: String,
    due_on: String,
    overdue: bool,
    amount: String,
}

struct TallyRow {
    key: String,
    label: String,
    clues: i64,
    amount_fen: i64,
    amount: String,
}

struct ScoreRow {
    subject: String,
    label: String,
    score: String,
    clues: i64,
    amount: String,
}

pub async fn dashboard(work: Work) -> Result<Response, Failure> {
    let (state, official, page) = (&work.state, &work.official, &work.page);
    let wp = work.wp();
    let actor = work.actor();
    let desk = state.clue_desk();
    let figures = async {
        let by_rule = desk.tally(&actor, "rule").await?;
        let by_village = desk.tally(&actor, "village").await?;
        let by_month = desk.tally(&actor, "month").await?;
        let waiting = desk.waiting(&actor).await?;
        // Inquiries, for those who dispose: each only if its clue or report is theirs to see.
        let mut inquiries = Vec::new();
        if wp.can_dispose {
            for d in state.store.open_inquiries().await? {
                if super::cases::source_of(state, official, &d.source_kind, &d.source_id)
                    .await?
                    .is_some()
                {
                    inquiries.push(d);
                }
            }
        }
        let villages = desk.top_scores(&actor, "village", 10).await?;
        let officials = desk.top_scores(&actor, "official", 10).await?;
        // The open reports this official holds a key to (no other report is listed).
        let mut reports = state.store.reports_of(official.user.user_id).await?;
        let upward = if actor.is(qingfeng_workflow::role::UPWARD_WATCHERS) {
            state.store.upward_waiting().await?
        } else {
            (0, None)
        };
        // Open, or concluded with the real-name reporter not yet told of the result.
        reports.retain(|r| {
            r.closed_on.is_none()
                || (r.result_notice_due.is_some() && r.result_notified_on.is_none())
        });
        anyhow::Ok((
            by_rule, by_village, by_month, villages, officials, reports, upward, waiting, inquiries,
        ))
    }
    .await?;
    let (
        by_rule,
        mut by_village,
        by_month,
        villages,
        officials,
        reports,
        upward,
        waiting,
        inquiries,
    ) = figures;
    let total_clues = by_rule.iter().map(|t| t.clues).sum();
    let total_amount = yuan(by_rule.iter().map(|t| t.amount_at_risk_fen).sum());

    let rule_label = |t: &Tally| state.rule_title(&t.key, page.lang);
    let by_rule: Vec<TallyRow> = by_rule
        .iter()
        .map(|t| tally_row(t, format!("{} {}", t.key, rule_label(t))))
        .collect();
    by_village.sort_by(|a, b| {
        b.amount_at_risk_fen
            .cmp(&a.amount_at_risk_fen)
            .then(a.key.cmp(&b.key))
    });
    by_village.truncate(15);
    let by_village: Vec<TallyRow> = by_village
        .iter()
        .map(|t| tally_row(t, t.label.clone().unwrap_or_else(|| t.key.clone())))
        .collect();
    let by_month: Vec<TallyRow> = by_month
        .iter()
        .map(|t| tally_row(t, t.key.clone()))
        .collect();

    let count_bars = |rows: &[TallyRow]| -> Vec<Bar> {
        rows.iter()
            .map(|r| Bar {
                label: r.label.clone(),
                value: r.clues,
                shown: r.clues.to_string(),
            })
            .collect()
    };
    let rule_chart = chart::bars(wp.w.by_rule, &count_bars(&by_rule));
    let month_chart = chart::bars(wp.w.by_month, &count_bars(&by_month));
    let village_bars: Vec<Bar> = by_village
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            value: r.amount_fen,
            shown: r.amount.clone(),
        })
        .collect();
    let village_chart = chart::bars(wp.w.by_village, &village_bars);

    let rt = if wp.is_zh() {
        &super::reports::ZH
    } else {
        &super::reports::EN
    };
    let today = state.today();
    let mut reports: Vec<ReportRow> = reports
        .iter()
        .map(|r| report_row(r, today, page, rt))
        .collect();
    // The most urgent first: overdue, then due soon, then the rest (oldest first).
    reports.sort_by_key(|r| {
        let rank = if r.deadlines.iter().any(|d| d.class == "overdue") {
            0
        } else if r.urgent {
            1
        } else {
            2
        };
        (rank, r.report_id)
    });
    let overdue = reports
        .iter()
        .filter(|r| r.deadlines.iter().any(|d| d.class == "overdue"))
        .count();
    let due_soon = reports.iter().filter(|r| r.urgent).count() - overdue;
    let mut hand_overs: Vec<HandOverRow> = waiting
        .iter()
        .map(|w| HandOverRow {
            fingerprint: w.hand_over.fingerprint.clone(),
            rule_id: w.clue.rule_id.clone(),
            township: w
                .hand_over
                .township_name
                .clone()
                .unwrap_or_else(|| w.hand_over.township_code.clone()),
            assigned_by: w.hand_over.assigned_by.clone(),
            due_on: w.hand_over.due_on.clone().unwrap_or_default(),
            overdue: w.overdue,
            amount: yuan(w.clue.amount_at_risk_fen),
        })
        .collect();
    hand_overs.sort_by_key(|h| !h.overdue);
    let today_text = today.to_string();
    let inquiries: Vec<InquiryRow> = inquiries
        .iter()
        .map(|d| {
            let late = qingfeng_workflow::inquiries::overdue(d, &today_text);
            InquiryRow {
                href: format!(
                    "/work/dispose?kind={}&id={}",
                    d.source_kind,
                    form_urlencoded::byte_serialize(d.source_id.as_bytes()).collect::<String>()
                ),
                decision: d.decision.clone(),
                reply_due: d.reply_due.clone().unwrap_or_default(),
                reply_overdue: late.reply,
                report_due: d.report_due.clone().unwrap_or_default(),
                report_overdue: late.report,
            }
        })
        .collect();
    let inquiries_overdue = inquiries
        .iter()
        .filter(|i| i.reply_overdue || i.report_overdue)
        .count();
    let hand_overs_overdue = hand_overs.iter().filter(|h| h.overdue).count();
    let sees_clues = actor.is(qingfeng_workflow::role::CLUE_SEERS);
    let matters = if wp.can_see_matters {
        let counts = state.matter_desk().counts(&actor).await?;
        Some((counts.open, counts.mine, counts.overdue))
    } else {
        None
    };
    let books_due = if qingfeng_workflow::village_books::BooksDesk::keeps_books(&actor) {
        let due = state.books_desk().reminders(&actor).await?;
        Some((due.rent.len(), due.ending.len(), due.debts.len()))
    } else {
        None
    };
    Ok(page.render(
        StatusCode::OK,
        &Dashboard {
            wp: &wp,
            sees_clues,
            matters,
            books_due,
            total_clues,
            total_amount,
            by_rule,
            by_village,
            by_month,
            rule_chart,
            village_chart,
            month_chart,
            villages: villages.iter().map(score_row).collect(),
            officials: officials.iter().map(score_row).collect(),
            reports,
            overdue,
            due_soon,
            upward,
            rt,
            hand_overs,
            hand_overs_overdue,
            ct: if wp.is_zh() {
                &super::clues::texts::ZH
            } else {
                &super::clues::texts::EN
            },
            inquiries,
            inquiries_overdue,
            cst: super::cases::texts_of(&wp),
        },
    ))
}

fn tally_row(t: &Tally, label: String) -> TallyRow {
    TallyRow {
        key: t.key.clone(),
        label,
        clues: t.clues,
        amount_fen: t.amount_at_risk_fen,
        amount: yuan(t.amount_at_risk_fen),
    }
}

fn score_row(s: &Score) -> ScoreRow {
    ScoreRow {
        subject: s.subject.clone(),
        label: s.label.clone().unwrap_or_default(),
        score: format!("{:.1}", s.score),
        clues: s.clues,
        amount: yuan(s.amount_at_risk_fen),
    }
}
