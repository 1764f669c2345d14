//! 查询记录 / The access log: every view of a person's personal data by an official, newest
//! first, for the administrator.

use super::request::{Failure, Work};
use super::texts::label;
use super::{when, WorkPage};
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_store::AccessEntry;

const PAGE_SIZE: u32 = 100;

#[derive(serde::Deserialize, Default)]
pub struct LogQuery {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    page: u32,
}

struct Entry {
    e: AccessEntry,
    at: String,
    action: String,
}

#[derive(Template)]
#[template(path = "work/access_log.html")]
struct LogPage<'a> {
    wp: &'a WorkPage<'a>,
    subject: &'a str,
    entries: Vec<Entry>,
    total: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

fn href(subject: &str, page: u32) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !subject.is_empty() {
        s.append_pair("subject", subject);
    }
    s.append_pair("page", &page.to_string());
    format!("/work/access-log?{}", s.finish())
}

pub async fn access_log(work: Work, Query(q): Query<LogQuery>) -> Result<Response, Failure> {
    let wp = work.wp();
    let subject = q.subject.trim();
    let offset = q.page.saturating_mul(PAGE_SIZE);
    let (entries, total) = work
        .state
        .store
        .access_log((!subject.is_empty()).then_some(subject), PAGE_SIZE, offset)
        .await?;
    let shown = u64::from(offset) + entries.len() as u64;
    Ok(work.page.render(
        StatusCode::OK,
        &LogPage {
            wp: &wp,
            subject,
            prev_href: (q.page > 0).then(|| href(subject, q.page - 1)),
            next_href: ((shown as i64) < total).then(|| href(subject, q.page + 1)),
            entries: entries
                .into_iter()
                .map(|e| Entry {
                    at: when(&e.at),
                    action: label(wp.w.access_actions, &e.action).to_string(),
                    e,
                })
                .collect(),
            total,
        },
    ))
}
