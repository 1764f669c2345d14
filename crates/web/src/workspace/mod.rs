//! The officials' workspace (工作台): signed-in pages for the county commission, township
//! discipline secretaries and bookkeepers, village supervision committees and auditors.

pub mod access;
pub mod auth;
pub mod books;
pub mod cases;
mod clues;
mod dashboard;
mod data;
mod intake;
mod log;
pub mod matters;
pub mod reports;
pub mod request;
pub mod statistics;
pub mod texts;

pub use access::Role;
pub(crate) use clues::{answer_hand_over, clue, hand_over, propose, queue, review, sign};
pub(crate) use dashboard::dashboard;
pub(crate) use data::{data, run_checks, upload};
pub(crate) use intake::{file as intake_file, form as intake_form, MAX_INTAKE_BYTES};
pub(crate) use log::access_log;
pub use request::{changed, Failure, Unchanged, Work};

use crate::page::Page;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingfeng_store::{Scope, User};
use texts::WorkTexts;

/// The signed-in official of a request, put there by the gate (`auth::gate`).
#[derive(Clone)]
pub struct Official {
    pub user: User,
    pub role: Role,
    pub scope: Scope,
    pub csrf: String,
    /// The session token from the cookie: opens the official's key sealed with the session.
    pub token: SessionToken,
}

impl Official {
    /// The official as the procedure's use cases take them.
    pub fn actor(&self) -> qingfeng_workflow::Actor {
        qingfeng_workflow::Actor::of(&self.user, self.scope.clone())
    }
}

/// A session token, kept out of `Debug` output.
#[derive(Clone)]
pub struct SessionToken(pub(crate) String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Official {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Only reachable if a signed-in route forgot the gate: refuse rather than guess.
        parts
            .extensions
            .get::<Official>()
            .cloned()
            .ok_or_else(|| StatusCode::FORBIDDEN.into_response())
    }
}

/// What every workspace page shows around its content: who is signed in, the menu their role
/// allows, the token of their forms.
pub struct WorkPage<'a> {
    pub page: &'a Page,
    pub w: &'static WorkTexts,
    pub display_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub can_see_clues: bool,
    pub can_read_log: bool,
    pub can_see_data: bool,
    pub can_see_reports: bool,
    pub can_see_cases: bool,
    pub can_see_matters: bool,
    pub can_see_books: bool,
    pub can_read_audit: bool,
    pub can_dispose: bool,
    pub can_see_statistics: bool,
}

impl<'a> WorkPage<'a> {
    pub fn new(page: &'a Page, official: &Official) -> WorkPage<'a> {
        let allowed =
            |path: &str| access::policy("GET", path).is_some_and(|a| a.allows(official.role));
        WorkPage {
            page,
            w: WorkTexts::of(page.lang),
            display_name: official.user.display_name.clone(),
            role_label: match page.lang {
                crate::i18n::Lang::Zh => official.role.label_zh(),
                crate::i18n::Lang::En => official.role.label_en(),
            },
            csrf: official.csrf.clone(),
            can_see_clues: allowed("/work/clues"),
            can_read_log: allowed("/work/access-log"),
            can_see_data: allowed("/work/data"),
            can_see_reports: allowed("/work/reports"),
            can_see_cases: allowed("/work/cases"),
            can_see_matters: allowed("/work/matters"),
            can_see_books: allowed("/work/books"),
            can_dispose: allowed("/work/dispose"),
            can_see_statistics: allowed("/work/statistics"),
            can_read_audit: allowed("/work/audit"),
        }
    }

    pub fn error(&self, status: StatusCode, message: &str) -> Response {
        self.page.render(status, &WorkError { wp: self, message })
    }

    /// Logs the cause and shows a generic error.
    pub fn failure(&self, e: anyhow::Error) -> Response {
        eprintln!("workspace error: {e:#}");
        self.error(StatusCode::INTERNAL_SERVER_ERROR, self.page.t.server_error)
    }

    pub fn is_zh(&self) -> bool {
        self.page.lang == crate::i18n::Lang::Zh
    }
}

#[derive(Template)]
#[template(path = "work/error.html")]
struct WorkError<'a> {
    wp: &'a WorkPage<'a>,
    message: &'a str,
}

/// A stored RFC 3339 time as people read it: "2026-11-28 08:18" (UTC, as stored).
pub fn when(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(minute) if rfc3339.as_bytes().get(10) == Some(&b'T') => minute.replacen('T', " ", 1),
        _ => rfc3339.to_string(),
    }
}

/// Yuan with two decimals and thousands separators, from fen.
pub fn yuan(fen: i64) -> String {
    qingfeng_domain::Money::from_fen(fen).to_string()
}
