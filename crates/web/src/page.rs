//! What every page shares: the language, its texts, the language switch, and rendering.

use crate::i18n::{Lang, Texts};
use askama::Template;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

pub struct Page {
    pub lang: Lang,
    pub t: &'static Texts,
    /// The same page in the other language.
    pub switch_href: String,
    /// Set when the visitor chose a language with the switch, to remember it in a cookie.
    chosen: Option<Lang>,
}

impl Page {
    pub fn new(uri: &Uri, headers: &HeaderMap) -> Page {
        let asked = uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.strip_prefix("lang="))
                .next_back()
        });
        let lang = Lang::choose(asked, headers);
        Page {
            lang,
            t: lang.texts(),
            switch_href: format!("{}?lang={}", uri.path(), lang.other().code()),
            chosen: asked.and_then(|_| (asked == Some(lang.code())).then_some(lang)),
        }
    }

    /// Renders `template` with `status`, remembering a language chosen with the switch.
    pub fn render(&self, status: StatusCode, template: &impl Template) -> Response {
        let body = match template.render() {
            Ok(html) => html,
            Err(_) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统出错了 / Something went wrong",
                )
                    .into_response()
            }
        };
        let mut response = (status, Html(body)).into_response();
        if let Some(lang) = self.chosen {
            let cookie = format!(
                "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
                lang.code()
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
        }
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub page: &'a Page,
    pub message: &'a str,
}

/// A page saying what went wrong; internal details stay out of it.
pub fn error(page: &Page, status: StatusCode, message: &str) -> Response {
    page.render(status, &ErrorPage { page, message })
}
