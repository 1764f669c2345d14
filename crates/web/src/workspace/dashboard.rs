//! 概览 / Dashboard: the clues of the official's jurisdiction by rule, village and month, the
//! highest-risk villages and officials, and open reports with their deadlines. Every chart has
//! the same numbers as a table beside it.

use super::chart::{self, Bar};
use super::{yuan, Official, WorkPage};
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use qingfeng_store::{OpenReport, Score, Tally};

/// Days a report may take from filing to the end of its handling (domain spec: 60 days).
const HANDLING_DAYS: i64 = 60;

#[derive(Template)]
#[template(path = "work/dashboard.html")]
struct Dashboard<'a> {
    wp: &'a WorkPage<'a>,
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

struct ReportRow {
    report_id: i64,
    filed_at: String,
    due_by: String,
    overdue: bool,
    category: String,
    status: String,
}

pub async fn dashboard(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let scope = &official.scope;
    let figures = async {
        let by_rule = state.store.clue_tally(scope, "rule").await?;
        let by_village = state.store.clue_tally(scope, "village").await?;
        let by_month = state.store.clue_tally(scope, "month").await?;
        let villages = state.store.top_scores(scope, "village", 10).await?;
        let officials = state.store.top_scores(scope, "official", 10).await?;
        let reports = state.store.open_reports(scope).await?;
        anyhow::Ok((by_rule, by_village, by_month, villages, officials, reports))
    }
    .await;
    let (by_rule, mut by_village, by_month, villages, officials, reports) = match figures {
        Ok(f) => f,
        Err(e) => return wp.failure(e),
    };
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

    let today = chrono::Utc::now().date_naive();
    let reports = reports
        .iter()
        .map(|r| report_row(r, today, &page))
        .collect();
    page.render(
        StatusCode::OK,
        &Dashboard {
            wp: &wp,
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
        },
    )
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

fn report_row(r: &OpenReport, today: chrono::NaiveDate, page: &Page) -> ReportRow {
    let filed = chrono::DateTime::parse_from_rfc3339(&r.filed_at)
        .map(|d| d.date_naive())
        .ok();
    let due = filed.map(|d| d + chrono::Duration::days(HANDLING_DAYS));
    ReportRow {
        report_id: r.report_id,
        filed_at: filed
            .map(|d| d.to_string())
            .unwrap_or_else(|| r.filed_at.clone()),
        due_by: due.map(|d| d.to_string()).unwrap_or_default(),
        overdue: due.is_some_and(|d| d < today),
        category: crate::i18n::Texts::label(page.t.categories, &r.category).to_string(),
        status: crate::i18n::Texts::label(page.t.statuses, &r.status).to_string(),
    }
}
