//! Ordering a remedy in a case and recording its progress to the end.

use super::{answered, texts};
use crate::workspace::{changed, Failure, Unchanged, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use qingfeng_domain::case::{RemedyKind, RemedyStatus};
use qingfeng_domain::Money;
use qingfeng_workflow::cases::{NewRemedy, RecallVote, RemedyProgress};
use qingfeng_workflow::recall::RecallProposal;

#[derive(serde::Deserialize, Default)]
pub struct RemedyForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    payment_ids: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    voter_signatures: String,
    #[serde(default)]
    representatives: String,
    #[serde(default)]
    representative_signatures: String,
}

/// A count as typed; nothing or not a number counts as none.
fn count(s: &str) -> u32 {
    s.trim().parse().unwrap_or(0)
}

/// An amount in yuan as typed: `Ok(None)` when left empty.
fn amount(s: &str) -> Result<Option<i64>, ()> {
    match s.trim() {
        "" => Ok(None),
        a => Money::parse_yuan(a, false)
            .map(|m| Some(m.fen()))
            .map_err(|_| ()),
    }
}

pub async fn order_remedy(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<RemedyForm>,
) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let result = match (RemedyKind::parse(&form.kind), amount(&form.amount)) {
        (None, _) => Err(Unchanged::invalid(c.choose_remedy)),
        (_, Err(())) => Err(Unchanged::invalid(c.bad_amount)),
        (Some(kind), Ok(amount_fen)) => {
            let remedy = NewRemedy {
                kind,
                amount_fen,
                payment_ids: crate::intake::names_in(&form.payment_ids.replace(['，', '、'], ",")),
                detail: form.detail,
                recall: RecallProposal {
                    voter_signatures: count(&form.voter_signatures),
                    representatives: count(&form.representatives),
                    representative_signatures: count(&form.representative_signatures),
                    reasons: String::new(),
                },
            };
            let outcome = work
                .state
                .case_desk()
                .order_remedy(&work.actor(), id, &remedy)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}

#[derive(serde::Deserialize, Default)]
pub struct RemedyUpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    recovered: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    votes_cast: String,
    #[serde(default)]
    approve: String,
    /// The recalled member's defence, or that they declined to give one.
    #[serde(default)]
    defence: String,
}

pub async fn progress_remedy(
    work: Work,
    Path((id, remedy_id)): Path<(i64, i64)>,
    Form(form): Form<RemedyUpdateForm>,
) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let status = RemedyStatus::parse(&form.status).filter(|s| *s != RemedyStatus::Ordered);
    let result = match (status, amount(&form.recovered)) {
        (None, _) => Err(Unchanged::invalid(c.choose_status)),
        (_, Err(())) => Err(Unchanged::invalid(c.bad_amount)),
        (Some(status), Ok(recovered_fen)) => {
            let progress = RemedyProgress {
                status,
                recovered_fen,
                note: form.note,
                vote: RecallVote {
                    defence: form.defence,
                    votes_cast: count(&form.votes_cast),
                    approve: count(&form.approve),
                },
            };
            let outcome = work
                .state
                .case_desk()
                .progress_remedy(&work.actor(), id, remedy_id, &progress)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}
