//! The case pages, adapters of the workflow's case procedure (`qingfeng_workflow::cases`): the
//! collective disposal of a clue or report, the case's stages, assignment across townships,
//! joint discussions, sanctions and remedies. Each handler parses its form, calls one use case
//! and renders its outcome; the rules (who sees a case, what each step needs) are the
//! workflow's.

mod appeals;
mod assignment;
mod disposal;
mod remedies;
mod sanctions;
mod stages;
mod texts;
mod views;

pub use appeals::{decide_appeal, record_appeal};
pub use assignment::assign;
pub(super) use disposal::source_of;
pub use disposal::{dispose, dispose_form, record_inquiry_step};
pub use remedies::{order_remedy, progress_remedy};
pub use sanctions::record_sanction;
pub use stages::{move_case, record_checklist, record_discussion};
pub use texts::CaseTexts;
pub use views::{list, show};

use super::{Failure, Unchanged, Work, WorkPage};
use crate::Shared;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

fn texts(zh: bool) -> &'static CaseTexts {
    if zh {
        &texts::ZH
    } else {
        &texts::EN
    }
}

/// The case texts in the page's language (for the dashboard's inquiries).
pub(super) fn texts_of(wp: &WorkPage<'_>) -> &'static CaseTexts {
    texts(wp.is_zh())
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn case_path(case_id: i64) -> String {
    format!("/work/cases/{case_id}")
}

/// The answer to a step on a case: back to the case when it changed something, else the case
/// again with why not.
async fn answered<T>(
    work: &Work,
    case_id: i64,
    result: Result<T, Unchanged>,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(Redirect::to(&case_path(case_id)).into_response()),
        Err(unchanged) => views::case_page(work, case_id, Some(unchanged)).await,
    }
}

/// A person's sanctions still in effect today, as "kind (until date)".
pub async fn sanctions_in_effect(
    state: &Shared,
    id_number: &str,
    zh: bool,
) -> anyhow::Result<Vec<String>> {
    Ok(state
        .case_desk()
        .sanctions_in_effect(id_number)
        .await?
        .iter()
        .map(|s| s.label(zh))
        .collect())
}
