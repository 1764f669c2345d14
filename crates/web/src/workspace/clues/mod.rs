//! 问题线索 / The clue queue, a clue's page with its evidence and the people concerned, the
//! decisions on a clue, and handing clues to a township (交办) with the township's feedback.
//!
//! The handlers are adapters over the workflow crate's clue use cases (`ClueDesk`): every clue
//! comes through the official's scope and the conflict-of-interest policy, and a clue kept from
//! them is "not found", exactly like one that does not exist.

mod decide;
mod hand_over;
mod page;
mod queue;
pub(crate) mod texts;

pub(crate) use decide::{propose, review, sign};
pub(crate) use hand_over::{answer_hand_over, hand_over};
pub(crate) use page::clue;
pub(crate) use queue::queue;
pub use texts::ClueTexts;

use super::{Failure, Official, Unchanged, Work, WorkPage};
use crate::Shared;
use axum::response::{IntoResponse, Redirect, Response};
use page::ClueForms;
use qingfeng_domain::Money;
use qingfeng_store::Division;

fn ct(wp: &WorkPage<'_>) -> &'static ClueTexts {
    texts_for(wp.is_zh())
}

fn texts_for(zh: bool) -> &'static ClueTexts {
    if zh {
        &texts::ZH
    } else {
        &texts::EN
    }
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn optional_fen(s: &str) -> Result<Option<i64>, ()> {
    let s = s.trim().replace(',', "");
    if s.is_empty() {
        return Ok(None);
    }
    Money::parse_yuan(&s, false)
        .map(|m| Some(m.fen()))
        .map_err(|_| ())
}

fn allowed(official: &Official, method: &str, path: &str) -> bool {
    super::access::policy(method, path).is_some_and(|a| a.allows(official.role))
}

fn can_assign(official: &Official) -> bool {
    allowed(official, "POST", "/work/clues/assign")
}

fn in_scope_divisions(
    official: &Official,
    divisions: &[Division],
    level: &str,
) -> Vec<(String, String)> {
    divisions
        .iter()
        .filter(|d| d.level == level)
        .filter(|d| level == "township" || official.scope.covers(Some(&d.code), None))
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect()
}

/// A clue as `official` may see it (see `ClueDesk::visible`); `None` reads as "not found".
pub async fn clue_for(
    state: &Shared,
    official: &Official,
    fingerprint: &str,
) -> anyhow::Result<Option<qingfeng_store::QueueClue>> {
    state
        .clue_desk()
        .visible(&official.actor(), fingerprint)
        .await
}

/// The clue's address, for redirects.
fn clue_path(fingerprint: &str) -> String {
    format!(
        "/work/clues/{}",
        form_urlencoded::byte_serialize(fingerprint.as_bytes()).collect::<String>()
    )
}

/// After a use case: to the clue's page with what was done, or the clue again with why not
/// and what was typed.
pub(super) async fn answered<T>(
    work: &Work,
    fingerprint: &str,
    result: Result<T, Unchanged>,
    done: &str,
    form: ClueForms,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?done={done}", clue_path(fingerprint))).into_response())
        }
        Err(unchanged) => {
            page::show_clue(
                work,
                fingerprint,
                unchanged.status,
                Some(&unchanged.message),
                form,
            )
            .await
        }
    }
}
