//! 交办: handing clues to a township with the day its feedback is due, and the township's
//! feedback. Adapters over `ClueDesk::hand_over` and `ClueDesk::answer_hand_over`.

use super::page::ClueForms;
use super::{answered, texts_for};
use crate::workspace::{changed, Failure, Work};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_workflow::Refusal;

/// Hands the selected clues to a township. The form repeats `fingerprint`, which is why the
/// body is parsed here rather than by `Form`.
pub async fn hand_over(work: Work, body: Bytes) -> Result<Response, Failure> {
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
    let due_on = match due_on.as_str() {
        "" => None,
        typed => Some(
            chrono::NaiveDate::parse_from_str(typed, "%Y-%m-%d").map_err(|_| {
                let (zh, en) = (texts_for(true).bad_date, texts_for(false).bad_date);
                Failure::Refused(StatusCode::UNPROCESSABLE_ENTITY, Refusal::new(zh, en))
            })?,
        ),
    };
    let outcome = work
        .state
        .clue_desk()
        .hand_over(&work.actor(), &fingerprints, &township, due_on)
        .await?;
    // No form to show a refusal on: the workspace's error page says why.
    match changed(outcome.clone(), work.is_zh())? {
        Ok(n) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            Ok(Redirect::to(&format!("{back}{sep}assigned={n}")).into_response())
        }
        Err(unchanged) => Err(Failure::Refused(
            unchanged.status,
            outcome.refusal().unwrap_or_else(|| Refusal::new("", "")),
        )),
    }
}

/// The township's feedback on a clue handed to it.
pub async fn answer_hand_over(
    work: Work,
    Path(fingerprint): Path<String>,
    Form(form): Form<ClueForms>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .clue_desk()
        .answer_hand_over(&work.actor(), &fingerprint, &form.feedback)
        .await?;
    let result = changed(outcome, work.is_zh())?;
    answered(&work, &fingerprint, result, "answered", form).await
}
