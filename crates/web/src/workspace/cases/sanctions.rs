//! Recording a sanction decided in a case.

use super::{answered, date, texts};
use crate::workspace::{changed, Failure, Unchanged, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;
use qingfeng_domain::sanction::SanctionKind;
use qingfeng_workflow::cases::NewSanction;

#[derive(serde::Deserialize)]
pub struct SanctionForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    decided_on: String,
}

pub async fn record_sanction(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<SanctionForm>,
) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let result = match (SanctionKind::parse(&form.kind), date(&form.decided_on)) {
        (None, _) => Err(Unchanged::invalid(c.choose_sanction)),
        (_, None) => Err(Unchanged::invalid(c.bad_date)),
        (Some(kind), Some(decided_on)) => {
            let sanction = NewSanction {
                id_number: Some(form.id_number),
                name: Some(form.name),
                kind,
                decided_on,
            };
            let outcome = work
                .state
                .case_desk()
                .sanction(&work.actor(), id, &sanction)
                .await?;
            changed(outcome, work.is_zh())?
        }
    };
    answered(&work, id, result).await
}
