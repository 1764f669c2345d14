//! The villagers' portal: no login, nothing that identifies a visitor is kept.

pub mod money;
pub mod powers;
pub mod report;
pub mod village;

use crate::page::{error, Page};
use askama::Template;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    page: &'a Page,
}

pub async fn home(uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    page.render(StatusCode::OK, &Home { page: &page })
}

pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    error(&page, StatusCode::NOT_FOUND, page.t.not_found)
}

/// Logs a failure without anything about the visitor, and answers with a generic page.
pub(crate) fn failure(page: &Page, e: anyhow::Error) -> Response {
    eprintln!("portal error: {e:#}");
    error(page, StatusCode::INTERNAL_SERVER_ERROR, page.t.server_error)
}
