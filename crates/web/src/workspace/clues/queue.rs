//! The clue queue: one page of the clues the official may see, filtered and sorted.

use super::{can_assign, in_scope_divisions, optional_fen, some};
use crate::workspace::request::{Failure, Work};
use crate::workspace::texts::label;
use crate::workspace::{yuan, WorkPage};
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::IdNumber;
use qingfeng_store::{ClueFilter, ClueSort};

const PAGE_SIZE: u32 = 50;

#[derive(serde::Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    sort: String,
    /// Smallest amount at risk, in yuan.
    #[serde(default)]
    min_amount: String,
    #[serde(default)]
    page: u32,
    #[serde(default)]
    assigned: Option<u32>,
}

struct Row {
    fingerprint: String,
    rule_id: String,
    rule_title: String,
    severity: String,
    severity_label: String,
    village: String,
    subject: String,
    amount: String,
    status_label: String,
    assigned: Option<String>,
    explanation: String,
}

#[derive(Template)]
#[template(path = "work/queue.html")]
struct QueuePage<'a> {
    wp: &'a WorkPage<'a>,
    q: &'a QueueQuery,
    rows: Vec<Row>,
    total: i64,
    first: u64,
    last: u64,
    prev_href: Option<String>,
    next_href: Option<String>,
    rules: Vec<(String, String)>,
    villages: Vec<(String, String)>,
    townships: Vec<(String, String)>,
    can_assign: bool,
    notice: Option<String>,
    t: &'static super::ClueTexts,
}

fn sort_of(s: &str) -> ClueSort {
    match s {
        "amount_asc" => ClueSort::AmountAsc,
        "severity" => ClueSort::Severity,
        "rule" => ClueSort::Rule,
        "village" => ClueSort::Village,
        _ => ClueSort::AmountDesc,
    }
}

/// The query string of the queue with `page` replaced.
fn queue_href(q: &QueueQuery, page: u32) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("rule", &q.rule),
        ("severity", &q.severity),
        ("village", &q.village),
        ("status", &q.status),
        ("state", &q.state),
        ("sort", &q.sort),
        ("min_amount", &q.min_amount),
    ] {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    out.append_pair("page", &page.to_string());
    format!("/work/clues?{}", out.finish())
}

pub async fn queue(work: Work, Query(q): Query<QueueQuery>) -> Result<Response, Failure> {
    let (state, official, page) = (&work.state, &work.official, &work.page);
    let wp = work.wp();
    let filter = ClueFilter {
        rule_id: some(&q.rule),
        severity: qingfeng_domain::Severity::parse(&q.severity),
        village_code: some(&q.village),
        review_status: some(&q.status),
        data_state: some(&q.state),
        assigned_township: None,
        min_amount_fen: optional_fen(&q.min_amount).ok().flatten(),
        sort: sort_of(&q.sort),
        limit: PAGE_SIZE,
        offset: q.page.saturating_mul(PAGE_SIZE),
        hidden: Default::default(),
    };
    let offset = filter.offset;
    let loaded = async {
        let (clues, total) = state.clue_desk().queue(&work.actor(), filter).await?;
        let divisions = state.store.divisions().await?;
        anyhow::Ok((clues, total, divisions))
    }
    .await?;
    let (clues, total, divisions) = loaded;
    let township_name = |code: &str| {
        divisions
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let rows = clues
        .iter()
        .map(|c| Row {
            fingerprint: c.fingerprint.clone(),
            rule_id: c.rule_id.clone(),
            rule_title: state.rule_title(&c.rule_id, page.lang),
            severity: c.severity.as_str().to_string(),
            severity_label: label(wp.w.severities, c.severity.as_str()).to_string(),
            village: c
                .village_name
                .clone()
                .or_else(|| c.village_code.clone())
                .unwrap_or_default(),
            // Masked in the list: the full number is on the clue's page, whose views are logged.
            subject: c
                .subject_id
                .as_deref()
                .map(|s| {
                    IdNumber::parse(s)
                        .map(|i| i.masked())
                        .unwrap_or_else(|_| s.to_string())
                })
                .unwrap_or_default(),
            amount: yuan(c.amount_at_risk_fen),
            status_label: label(wp.w.review_statuses, &c.review_status).to_string(),
            assigned: c.assigned_township.as_deref().map(township_name),
            explanation: if wp.is_zh() {
                c.explanation_zh.clone()
            } else {
                c.explanation_en.clone()
            },
        })
        .collect::<Vec<_>>();
    let first = u64::from(offset) + 1;
    let last = u64::from(offset) + rows.len() as u64;
    let prev_href = (q.page > 0).then(|| queue_href(&q, q.page - 1));
    let next_href = ((last as i64) < total).then(|| queue_href(&q, q.page + 1));
    let notice = q.assigned.map(|n| format!("{n} {}", wp.w.assigned_n));
    let mut rules: Vec<(String, String)> = state
        .rule_ids()
        .into_iter()
        .map(|id| {
            let title = state.rule_title(&id, page.lang);
            (id, title)
        })
        .collect();
    rules.sort();
    Ok(page.render(
        StatusCode::OK,
        &QueuePage {
            wp: &wp,
            q: &q,
            rows,
            total,
            first,
            last,
            prev_href,
            next_href,
            rules,
            villages: in_scope_divisions(official, &divisions, "village"),
            townships: in_scope_divisions(official, &divisions, "township"),
            can_assign: can_assign(official),
            notice,
            t: super::ct(&wp),
        },
    ))
}
