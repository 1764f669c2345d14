//! Moving a case along its stages, its closing checklist and its joint discussions.

use super::{answered, date, texts};
use crate::workspace::{changed, Failure, Unchanged, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use qingfeng_domain::case::{Checklist, Stage};
use qingfeng_workflow::cases::{participants, Discussion};

#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

pub async fn move_case(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, Failure> {
    let result = match Stage::parse(&form.to) {
        None => Err(Unchanged::invalid(texts(work.is_zh()).unknown_stage)),
        Some(to) => {
            let outcome = work
                .state
                .case_desk()
                .move_to(&work.actor(), id, to, &form.reason)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}

#[derive(serde::Deserialize)]
pub struct ChecklistForm {
    #[serde(default)]
    cause_analysed: String,
    #[serde(default)]
    responsibility_handled: String,
    #[serde(default)]
    people_educated: String,
    #[serde(default)]
    prevention_in_place: String,
}

pub async fn record_checklist(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<ChecklistForm>,
) -> Result<Response, Failure> {
    let items = Checklist {
        cause_analysed: Some(form.cause_analysed),
        responsibility_handled: Some(form.responsibility_handled),
        people_educated: Some(form.people_educated),
        prevention_in_place: Some(form.prevention_in_place),
    };
    let outcome = work
        .state
        .case_desk()
        .set_checklist(&work.actor(), id, &items)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(serde::Deserialize)]
pub struct DiscussionForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    units: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    decision: String,
}

pub async fn record_discussion(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<DiscussionForm>,
) -> Result<Response, Failure> {
    let result = match date(&form.held_on) {
        None => Err(Unchanged::invalid(texts(work.is_zh()).bad_date)),
        Some(held_on) => {
            let discussion = Discussion {
                held_on,
                participants: participants(&form.participants),
                units: form.units,
                minutes: form.minutes,
                decision: form.decision,
            };
            let outcome = work
                .state
                .case_desk()
                .discuss(&work.actor(), id, &discussion)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}
