//! The decisions on a clue: a reviewer's own (confirm, correct), a proposal to end it, and the
//! signatures of the collective decision. Each handler parses the form, calls one use case of
//! `ClueDesk` and renders its outcome.

use super::page::ClueForms;
use super::{answer, ct, optional_fen, unreadable};
use crate::page::Page;
use crate::workspace::{Official, WorkPage};
use crate::Shared;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use qingfeng_workflow::clues::{Ending, Proposal, Review};

/// Confirm or correct, by one reviewer.
pub async fn review(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    axum::Form(form): axum::Form<ClueForms>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let (Ok(corrected), Ok(recovered)) = (
        optional_fen(&form.corrected_amount),
        optional_fen(&form.recovered_amount),
    ) else {
        return unreadable(&state, &official, &wp, &fingerprint, wp.w.bad_amount, form).await;
    };
    let decision = match (form.action.as_str(), corrected) {
        ("confirmed", _) => Review::Confirm,
        ("corrected", Some(fen)) => Review::Correct(fen),
        ("corrected", None) => {
            return unreadable(&state, &official, &wp, &fingerprint, wp.w.bad_amount, form).await
        }
        _ => {
            let message = ct(&wp).decide_note;
            return unreadable(&state, &official, &wp, &fingerprint, message, form).await;
        }
    };
    let outcome = state
        .clue_desk()
        .review(&official.actor(), &fingerprint, decision, recovered)
        .await;
    answer(&state, &official, &wp, &fingerprint, outcome, "saved", form).await
}

/// Proposes to dismiss or close the clue (the collective decision begins).
pub async fn propose(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    axum::Form(form): axum::Form<ClueForms>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let t = ct(&wp);
    let Some(ending) = Ending::parse(&form.ending) else {
        return unreadable(&state, &official, &wp, &fingerprint, t.propose_note, form).await;
    };
    let Ok(meeting_on) = chrono::NaiveDate::parse_from_str(form.meeting_on.trim(), "%Y-%m-%d")
    else {
        return unreadable(&state, &official, &wp, &fingerprint, t.bad_date, form).await;
    };
    let proposal = Proposal {
        ending,
        meeting_on,
        reason: form.reason.clone(),
    };
    let outcome = state
        .clue_desk()
        .propose(&official.actor(), &fingerprint, &proposal)
        .await;
    answer(
        &state,
        &official,
        &wp,
        &fingerprint,
        outcome,
        "proposed",
        form,
    )
    .await
}

#[derive(serde::Deserialize, Default)]
pub struct SignForm {
    #[serde(default)]
    vote: String,
    #[serde(default)]
    remark: String,
}

/// Signs a proposal, agreeing or objecting.
pub async fn sign(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path((fingerprint, proposal)): Path<(String, i64)>,
    axum::Form(form): axum::Form<SignForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let agrees = match form.vote.as_str() {
        "agree" => true,
        "object" => false,
        _ => {
            let message = ct(&wp).propose_note;
            return unreadable(
                &state,
                &official,
                &wp,
                &fingerprint,
                message,
                ClueForms::default(),
            )
            .await;
        }
    };
    let outcome = state
        .clue_desk()
        .sign(
            &official.actor(),
            &fingerprint,
            proposal,
            agrees,
            &form.remark,
        )
        .await;
    answer(
        &state,
        &official,
        &wp,
        &fingerprint,
        outcome,
        "signed",
        ClueForms::default(),
    )
    .await
}
