//! The decisions on a clue: a reviewer's own (confirm, correct), a proposal to end it, and the
//! signatures of the collective decision. Each handler parses the form, calls one use case of
//! `ClueDesk` and renders its outcome.

use super::page::ClueForms;
use super::{answered, optional_fen, texts_for};
use crate::workspace::{changed, Failure, Unchanged, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use qingfeng_workflow::clues::{Ending, Proposal, Review};

/// Confirm or correct, by one reviewer.
pub async fn review(
    work: Work,
    Path(fingerprint): Path<String>,
    Form(form): Form<ClueForms>,
) -> Result<Response, Failure> {
    let w = work.wp().w;
    let amounts = (
        optional_fen(&form.corrected_amount),
        optional_fen(&form.recovered_amount),
    );
    let decision = match (form.action.as_str(), amounts) {
        (_, (Err(()), _) | (_, Err(()))) => Err(w.bad_amount),
        ("confirmed", _) => Ok(Review::Confirm),
        ("corrected", (Ok(Some(fen)), _)) => Ok(Review::Correct(fen)),
        ("corrected", _) => Err(w.bad_amount),
        _ => Err(texts_for(work.is_zh()).decide_note),
    };
    let result = match (decision, amounts.1) {
        (Err(message), _) => Err(Unchanged::invalid(message)),
        (Ok(decision), recovered) => {
            let outcome = work
                .state
                .clue_desk()
                .review(
                    &work.actor(),
                    &fingerprint,
                    decision,
                    recovered.ok().flatten(),
                )
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, &fingerprint, result, "saved", form).await
}

/// Proposes to dismiss or close the clue (the collective decision begins).
pub async fn propose(
    work: Work,
    Path(fingerprint): Path<String>,
    Form(form): Form<ClueForms>,
) -> Result<Response, Failure> {
    let t = texts_for(work.is_zh());
    let meeting_on = chrono::NaiveDate::parse_from_str(form.meeting_on.trim(), "%Y-%m-%d");
    let result = match (Ending::parse(&form.ending), meeting_on) {
        (None, _) => Err(Unchanged::invalid(t.propose_note)),
        (_, Err(_)) => Err(Unchanged::invalid(t.bad_date)),
        (Some(ending), Ok(meeting_on)) => {
            let proposal = Proposal {
                ending,
                meeting_on,
                reason: form.reason.clone(),
            };
            let outcome = work
                .state
                .clue_desk()
                .propose(&work.actor(), &fingerprint, &proposal)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, &fingerprint, result, "proposed", form).await
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
    work: Work,
    Path((fingerprint, proposal)): Path<(String, i64)>,
    Form(form): Form<SignForm>,
) -> Result<Response, Failure> {
    let agrees = match form.vote.as_str() {
        "agree" => Some(true),
        "object" => Some(false),
        _ => None,
    };
    let result = match agrees {
        None => Err(Unchanged::invalid(texts_for(work.is_zh()).propose_note)),
        Some(agrees) => {
            let outcome = work
                .state
                .clue_desk()
                .sign(&work.actor(), &fingerprint, proposal, agrees, &form.remark)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, &fingerprint, result, "signed", ClueForms::default()).await
}
