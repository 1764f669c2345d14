//! Assigning a case across townships (交叉办案) to an official the system proposes.

use super::answered;
use crate::workspace::{auth, changed, Failure, Work};
use axum::extract::Path;
use axum::response::Response;
use axum::Form;

#[derive(serde::Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    user_id: i64,
}

pub async fn assign(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<AssignForm>,
) -> Result<Response, Failure> {
    // The official's own key of this session: a case from a report passes its key on.
    let own_key = auth::session_key(&work.state, &work.official).await?;
    let outcome = work
        .state
        .case_desk()
        .assign(
            &work.actor(),
            id,
            form.user_id,
            own_key.as_ref(),
            work.is_zh(),
        )
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}
