//! Quarterly figures reported upward (received, accepted, concluded, substantiated, cases,
//! sanctions, money recovered, overdue): a printable page and the same table as XLSX.

use super::request::{Failure, Work};
use super::{yuan, WorkPage};
use crate::Shared;
use askama::Template;
use axum::extract::Query;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use qingfeng_domain::sanction::SanctionKind;
use qingfeng_store::statistics::PeriodFigures;

#[derive(serde::Deserialize, Default)]
pub struct QuarterQuery {
    #[serde(default)]
    quarter: String,
}

/// A quarter "2026Q4" → its first and last day; anything else → the current quarter.
pub fn quarter(text: &str, today: NaiveDate) -> (String, NaiveDate, NaiveDate) {
    let parsed = text
        .trim()
        .split_once(['Q', 'q'])
        .and_then(|(y, q)| Some((y.parse::<i32>().ok()?, q.parse::<u32>().ok()?)))
        .filter(|(y, q)| (2000..=2100).contains(y) && (1..=4).contains(q));
    let (year, q) = parsed.unwrap_or((today.year(), (today.month() - 1) / 3 + 1));
    let first = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).expect("valid quarter");
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)
    }
    .expect("valid quarter");
    (
        format!("{year}Q{q}"),
        first,
        next.pred_opt().expect("a day before"),
    )
}

/// The figures as (label, value) rows, in the order of the report upward.
fn rows(f: &PeriodFigures, zh: bool) -> Vec<(String, String)> {
    let l = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let mut rows = vec![
        (
            l("受理信访举报(件)", "Reports received"),
            f.reports_received.to_string(),
        ),
        (
            l("其中: 转送上级", "of which sent up"),
            f.reports_upward.to_string(),
        ),
        (
            l("其中: 重复举报", "of which repeat reports"),
            f.reports_repeated.to_string(),
        ),
        (l("已受理", "Accepted"), f.reports_accepted.to_string()),
        (l("已办结", "Concluded"), f.reports_concluded.to_string()),
        (l("查实(件)", "Substantiated"), f.substantiated.to_string()),
        (
            l("其中: 核实属实的线索", "of which clues confirmed"),
            f.clues_confirmed.to_string(),
        ),
        (l("立案(件)", "Cases filed"), f.cases_filed.to_string()),
        (l("结案(件)", "Cases closed"), f.cases_closed.to_string()),
    ];
    let total: i64 = f.sanctions.values().sum();
    rows.push((
        l("处分与处理(人次)", "Sanctions and measures"),
        total.to_string(),
    ));
    for (code, n) in &f.sanctions {
        let name = SanctionKind::parse(code)
            .map(|k| if zh { k.zh } else { k.en })
            .unwrap_or(code);
        rows.push((format!("  {name}"), n.to_string()));
    }
    rows.push((
        l("追缴退还金额(元)", "Money recovered (yuan)"),
        yuan(f.recovered_fen),
    ));
    rows.push((l("超期(件)", "Overdue"), f.overdue.to_string()));
    rows
}

#[derive(Template)]
#[template(path = "work/statistics.html")]
struct StatisticsPage<'a> {
    wp: &'a WorkPage<'a>,
    title: &'static str,
    quarter: String,
    from: String,
    to: String,
    rows: Vec<(String, String)>,
    previous: String,
    next: String,
}

/// The audit trail's head as of now, published with the quarter's figures (printed and sent
/// upward): a head written down outside the system is what shows a trail cut short later
/// (`qingfeng audit --head`).
async fn audit_head(state: &Shared, zh: bool) -> anyhow::Result<(String, String)> {
    let head = state.store.audit_recent(1).await?;
    let label = if zh {
        "审计记录链头(请另行留存)"
    } else {
        "Audit trail head (keep a copy elsewhere)"
    };
    Ok((
        label.to_string(),
        head.first()
            .map(|r| format!("#{} {}", r.seq, r.hash))
            .unwrap_or_default(),
    ))
}

async fn figures(
    state: &Shared,
    q: &QuarterQuery,
) -> anyhow::Result<(String, NaiveDate, NaiveDate, PeriodFigures)> {
    let (name, from, to) = quarter(&q.quarter, crate::intake::today());
    let f = state
        .store
        .period_figures(&from.to_string(), &to.to_string())
        .await?;
    Ok((name, from, to, f))
}

pub async fn page(work: Work, Query(q): Query<QuarterQuery>) -> Result<Response, Failure> {
    let wp = work.wp();
    let (name, from, to, f) = figures(&work.state, &q).await?;
    let head = audit_head(&work.state, wp.is_zh()).await?;
    let today = crate::intake::today();
    let previous = quarter("", from.pred_opt().unwrap_or(from)).0;
    let next = quarter("", to.succ_opt().unwrap_or(to)).0;
    Ok(work.page.render(
        StatusCode::OK,
        &StatisticsPage {
            title: if wp.is_zh() {
                "季度统计(向上级报告)"
            } else {
                "Quarterly figures (reported upward)"
            },
            rows: rows(&f, wp.is_zh()).into_iter().chain([head]).collect(),
            quarter: name,
            from: from.to_string(),
            to: to.to_string(),
            previous,
            next: if to < today { next } else { String::new() },
            wp: &wp,
        },
    ))
}

pub async fn xlsx(work: Work, Query(q): Query<QuarterQuery>) -> Result<Response, Failure> {
    let state = &work.state;
    let (name, bytes) = async {
        let (name, from, to, f) = figures(state, &q).await?;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        sheet.write_with_format(0, 0, format!("{name} ({from} – {to})"), &bold)?;
        sheet.write_with_format(1, 0, "项目 / Item", &bold)?;
        sheet.write_with_format(1, 1, "数值 / Value", &bold)?;
        let mut zh = rows(&f, true);
        let mut en = rows(&f, false);
        zh.push(audit_head(state, true).await?);
        en.push(audit_head(state, false).await?);
        for (i, ((label_zh, value), (label_en, _))) in zh.iter().zip(&en).enumerate() {
            let row = i as u32 + 2;
            sheet.write(row, 0, format!("{label_zh} / {}", label_en.trim()))?;
            // Numbers as numbers, so the sheet adds up upward.
            match value.replace(',', "").parse::<f64>() {
                Ok(n) => sheet.write(row, 1, n)?,
                Err(_) => sheet.write(row, 1, value.as_str())?,
            };
        }
        sheet.set_column_width(0, 48)?;
        sheet.set_column_width(1, 16)?;
        anyhow::Ok((name, book.save_to_buffer()?))
    }
    .await?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"qingfeng-{name}.xlsx\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_read_or_default_to_the_current_one() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let q = |s: &str| {
            let (n, a, b) = quarter(s, today);
            (n, a.to_string(), b.to_string())
        };
        assert_eq!(
            q("2026Q4"),
            ("2026Q4".into(), "2026-10-01".into(), "2026-12-31".into())
        );
        assert_eq!(
            q("2025q1"),
            ("2025Q1".into(), "2025-01-01".into(), "2025-03-31".into())
        );
        assert_eq!(q(""), q("2026Q4"));
        assert_eq!(q("2026Q5"), q("2026Q4"));
        assert_eq!(q("2024Q2").2, "2024-06-30");
    }
}
