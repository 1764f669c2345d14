//! Recording an appeal (申诉) against a case's decision, and deciding it.

use super::{answered, date, texts};
use crate::workspace::{changed, Failure, Unchanged, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use qingfeng_workflow::cases::{AppealRequest, AppealRuling};

#[derive(serde::Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    requested_on: String,
    #[serde(default)]
    reason: String,
}

pub async fn record_appeal(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<AppealForm>,
) -> Result<Response, Failure> {
    let result = match date(&form.requested_on) {
        None => Err(Unchanged::invalid(texts(work.is_zh()).bad_date)),
        Some(requested_on) => {
            let request = AppealRequest {
                requested_on,
                reason: form.reason,
            };
            let outcome = work
                .state
                .case_desk()
                .appeal(&work.actor(), id, &request)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}

#[derive(serde::Deserialize)]
pub struct RulingForm {
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    decided_on: String,
}

pub async fn decide_appeal(
    work: Work,
    Path((id, appeal_id)): Path<(i64, i64)>,
    Form(form): Form<RulingForm>,
) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let upheld = match form.upheld.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let result = match (upheld, date(&form.decided_on)) {
        (None, _) => Err(Unchanged::invalid(c.choose_status)),
        (_, None) => Err(Unchanged::invalid(c.bad_date)),
        (Some(upheld), Some(decided_on)) => {
            let ruling = AppealRuling {
                upheld,
                decision: form.decision,
                decided_on,
            };
            let outcome = work
                .state
                .case_desk()
                .decide_appeal(&work.actor(), id, appeal_id, &ruling)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}
