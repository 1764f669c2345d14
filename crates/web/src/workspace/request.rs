//! One workspace request as a handler needs it ([`Work`]: the server, the signed-in official,
//! the page's language) and the one error type of workspace handlers ([`Failure`]), so that a
//! handler reads `let case = work.case_desk().visible(..).await?.ok_or(Failure::NotFound)?`
//! and never spells out how an error looks.
//!
//! A `Failure` renders itself in two steps: as a response it carries only what went wrong (a
//! marker in its extensions); the gate (`auth::gate`), which knows the official and the
//! language, turns the marker into the workspace's error page with the official's menu. A
//! failure that escapes the gate (it cannot: every workspace route passes it) still shows a
//! bilingual page.

use super::{Official, WorkPage};
use crate::page::Page;
use crate::Shared;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qingfeng_workflow::{Actor, Outcome, Refusal};

/// A signed-in workspace request.
pub struct Work {
    pub state: Shared,
    pub official: Official,
    pub page: Page,
}

impl FromRequestParts<Shared> for Work {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Response> {
        let official = Official::from_request_parts(parts, state).await?;
        Ok(Work {
            state: state.clone(),
            official,
            page: Page::new(&parts.uri, &parts.headers),
        })
    }
}

impl Work {
    /// The page's frame: menu, language, form token.
    pub fn wp(&self) -> WorkPage<'_> {
        WorkPage::new(&self.page, &self.official)
    }

    /// The official as the use cases take them.
    pub fn actor(&self) -> Actor {
        self.official.actor()
    }

    pub fn is_zh(&self) -> bool {
        self.page.lang == crate::i18n::Lang::Zh
    }
}

/// Why a workspace handler gives up.
#[derive(Debug)]
pub enum Failure {
    /// The thing does not exist for this official (absent, out of scope, or kept from them).
    NotFound,
    /// Something underneath failed (the database, a key); logged, never shown.
    Internal(anyhow::Error),
    /// A rule refused and there is no form to show it on.
    Refused(StatusCode, Refusal),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Internal(e)
    }
}

/// The marker a [`Failure`] leaves on its response for the gate to render.
#[derive(Debug, Clone)]
pub(crate) struct FailurePage {
    pub status: StatusCode,
    /// The message in both languages; `None` for the standard text of the status.
    pub message: Option<Refusal>,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let marker = match self {
            Failure::NotFound => FailurePage {
                status: StatusCode::NOT_FOUND,
                message: None,
            },
            Failure::Internal(e) => {
                eprintln!("workspace error: {e:#}");
                FailurePage {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: None,
                }
            }
            Failure::Refused(status, refusal) => FailurePage {
                status,
                message: Some(refusal),
            },
        };
        let text = marker
            .message
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_else(|| match marker.status {
                StatusCode::NOT_FOUND => "未找到 / Not found".to_string(),
                _ => "系统出错了 / Something went wrong".to_string(),
            });
        let mut response = (marker.status, text).into_response();
        response.extensions_mut().insert(marker);
        response
    }
}

impl FailurePage {
    /// The workspace's error page for this failure, in the official's language.
    pub(crate) fn render(&self, wp: &WorkPage<'_>) -> Response {
        let text = match (&self.message, self.status) {
            (Some(r), _) => r.text(wp.is_zh()).to_string(),
            (None, StatusCode::NOT_FOUND) => wp.page.t.not_found.to_string(),
            (None, _) => wp.page.t.server_error.to_string(),
        };
        wp.error(self.status, &text)
    }
}

/// A use case's outcome for a handler: what it made, or why nothing changed (the status and
/// the message to show on the form again); `NotFound` fails the request.
pub fn changed<T>(outcome: Outcome<T>, zh: bool) -> Result<Result<T, Unchanged>, Failure> {
    match outcome {
        Outcome::Changed(t) => Ok(Ok(t)),
        Outcome::NotFound => Err(Failure::NotFound),
        Outcome::AlreadyDone(r) => Ok(Err(Unchanged {
            status: StatusCode::CONFLICT,
            message: r.text(zh).to_string(),
        })),
        Outcome::Refused(r) => Ok(Err(Unchanged {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: r.text(zh).to_string(),
        })),
    }
}

/// Why a step changed nothing: 409 when it was done already, 422 when a rule refused it.
#[derive(Debug, Clone)]
pub struct Unchanged {
    pub status: StatusCode,
    pub message: String,
}

impl Unchanged {
    /// A form that could not be read as typed (a date, an amount, a choice).
    pub fn invalid(message: &str) -> Unchanged {
        Unchanged {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.to_string(),
        }
    }
}
