//! 交办: handing clues to a township with the day its feedback is due, and the township's
//! feedback. Adapters over `ClueDesk::hand_over` and `ClueDesk::answer_hand_over`.

use super::page::ClueForms;
use super::{answer, ct};
use crate::page::Page;
use crate::workspace::{Official, WorkPage};
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use qingfeng_workflow::Outcome;

/// Hands the selected clues to a township. The form repeats `fingerprint`, which is why the
/// body is parsed here rather than by `Form`.
pub async fn hand_over(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let mut fingerprints = Vec::new();
    let mut township = String::new();
    let mut due_on = String::new();
    let mut back = String::from("/work/clues");
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "fingerprint" => fingerprints.push(v.into_owned()),
            "township" => township = v.into_owned(),
            "due_on" => due_on = v.trim().to_string(),
            "back" if v.starts_with("/work/clues") => back = v.into_owned(),
            _ => {}
        }
    }
    let due_on = if due_on.is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(&due_on, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return wp.error(StatusCode::UNPROCESSABLE_ENTITY, ct(&wp).bad_date),
        }
    };
    let outcome = state
        .clue_desk()
        .hand_over(&official.actor(), &fingerprints, &township, due_on)
        .await;
    match outcome {
        Ok(Outcome::Changed(n)) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Redirect::to(&format!("{back}{sep}assigned={n}")).into_response()
        }
        Ok(Outcome::NotFound) => wp.error(StatusCode::NOT_FOUND, page.t.not_found),
        Ok(other) => {
            let message = other
                .refusal()
                .map(|r| r.text(wp.is_zh()).to_string())
                .unwrap_or_default();
            wp.error(super::status_of(&other), &message)
        }
        Err(e) => wp.failure(e),
    }
}

/// The township's feedback on a clue handed to it.
pub async fn answer_hand_over(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    axum::Form(form): axum::Form<ClueForms>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let outcome = state
        .clue_desk()
        .answer_hand_over(&official.actor(), &fingerprint, &form.feedback)
        .await;
    answer(
        &state,
        &official,
        &wp,
        &fingerprint,
        outcome,
        "answered",
        form,
    )
    .await
}
