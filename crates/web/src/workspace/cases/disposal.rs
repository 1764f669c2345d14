//! The disposal page of a clue or report: its earlier disposals with their deadlines, the form
//! of the meeting's decision, and the talk-or-letter inquiry's steps.

use super::{case_path, date, texts, CaseTexts};
use crate::workspace::{auth, changed, Failure, Official, Unchanged, Work, WorkPage};
use crate::Shared;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_domain::case::Way;
use qingfeng_store::cases::Disposition;
use qingfeng_workflow::cases::{participants, Disposal, Source, SourceKind};
use qingfeng_workflow::inquiries::{overdue, InquiryDesk, InquiryStep};

/// What is being disposed of, as far as the official may see it: a clue through the clue's
/// conflict-of-interest policy, a report through the official's own key (its subjects are
/// read from the sealed content with that key). `None` when the official may not see it.
pub(in crate::workspace) async fn source_of(
    state: &Shared,
    official: &Official,
    kind: &str,
    id: &str,
) -> anyhow::Result<Option<Source>> {
    let Some(kind) = SourceKind::parse(kind) else {
        return Ok(None);
    };
    let (title, village, named): (String, Option<String>, Vec<(String, String)>) = match kind {
        SourceKind::Clue => {
            let Some(c) = crate::workspace::clues::clue_for(state, official, id).await? else {
                return Ok(None);
            };
            let named = c
                .persons_named()
                .into_iter()
                .map(|id| (id, String::new()))
                .collect();
            (
                format!("{} {}", c.rule_id, c.explanation_zh),
                c.village_code.clone(),
                named,
            )
        }
        SourceKind::Report => {
            let Ok(report_id) = id.parse::<i64>() else {
                return Ok(None);
            };
            let Some(r) = state
                .store
                .report_for(official.user.user_id, report_id)
                .await?
            else {
                return Ok(None);
            };
            let Some(own) = auth::session_key(state, official).await? else {
                return Ok(None);
            };
            let key = qingfeng_vault::KeyPair::unwrap(&r.content_key, &own)?;
            let content: crate::intake::SealedContent =
                serde_json::from_slice(&key.open(&r.sealed_content)?)?;
            (
                format!("举报 #{report_id} {}", r.summary.category),
                r.summary.village_code.clone(),
                content
                    .subjects
                    .into_iter()
                    .map(|p| (p.id_number, p.name))
                    .collect(),
            )
        }
    };
    // Names from the registers where the source gave none.
    let mut subjects = Vec::new();
    for (id, name) in named {
        let name = if name.is_empty() {
            state
                .store
                .person_in_scope(&qingfeng_store::Scope::County, &id)
                .await?
                .map(|p| p.name)
                .unwrap_or_default()
        } else {
            name
        };
        subjects.push((id, name));
    }
    Ok(Some(Source {
        kind,
        id: id.to_string(),
        title,
        village,
        subjects,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct DisposeQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
}

#[derive(serde::Deserialize, Default)]
pub struct DisposeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    way: String,
    #[serde(default)]
    meeting_on: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    important: Option<String>,
}

#[derive(Template)]
#[template(path = "work/dispose.html")]
struct DisposePage<'a> {
    wp: &'a WorkPage<'a>,
    ct: &'static CaseTexts,
    kind: String,
    id: String,
    source_title: String,
    ways: Vec<(&'static str, &'static str)>,
    form: DisposeForm,
    earlier: Vec<Disposition>,
    /// Per earlier disposition: its way's label, (reply overdue, report overdue).
    way_labels: Vec<&'static str>,
    overdue: Vec<(bool, bool)>,
    message: Option<String>,
}

fn way_label(way: Way, c: &CaseTexts) -> &'static str {
    let i = Way::ALL.iter().position(|w| *w == way).unwrap_or_default();
    c.ways[i]
}

/// The disposal page of the source `form` names, with the form as typed and why it was not
/// recorded.
async fn dispose_page(
    work: &Work,
    form: DisposeForm,
    unchanged: Option<Unchanged>,
) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let source = source_of(&work.state, &work.official, &form.kind, &form.id)
        .await?
        .ok_or(Failure::NotFound)?;
    let earlier = work
        .state
        .store
        .dispositions_of(source.kind.code(), &source.id)
        .await?;
    let today = work.state.today().to_string();
    let (status, message) = match unchanged {
        Some(u) => (u.status, Some(u.message)),
        None => (StatusCode::OK, None),
    };
    let wp = work.wp();
    let page = DisposePage {
        wp: &wp,
        ct: c,
        way_labels: earlier.iter().map(|d| way_label(d.way, c)).collect(),
        overdue: earlier
            .iter()
            .map(|d| {
                let o = overdue(d, &today);
                (o.reply, o.report)
            })
            .collect(),
        kind: source.kind.code().to_string(),
        id: source.id,
        source_title: source.title,
        ways: Way::ALL.iter().map(|w| w.code()).zip(c.ways).collect(),
        form,
        earlier,
        message,
    };
    Ok(work.page.render(status, &page))
}

fn dispose_path(kind: &str, id: &str) -> String {
    format!(
        "/work/dispose?kind={kind}&id={}",
        form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    )
}

pub async fn dispose_form(work: Work, Query(q): Query<DisposeQuery>) -> Result<Response, Failure> {
    let form = DisposeForm {
        kind: q.kind,
        id: q.id,
        meeting_on: work.state.today().to_string(),
        ..Default::default()
    };
    dispose_page(&work, form, None).await
}

pub async fn dispose(work: Work, Form(form): Form<DisposeForm>) -> Result<Response, Failure> {
    let c = texts(work.is_zh());
    let source = source_of(&work.state, &work.official, &form.kind, &form.id)
        .await?
        .ok_or(Failure::NotFound)?;
    let (way, meeting_on) = match (Way::parse(&form.way), date(&form.meeting_on)) {
        (None, _) => {
            return dispose_page(&work, form, Some(Unchanged::invalid(c.choose_way))).await
        }
        (_, None) => return dispose_page(&work, form, Some(Unchanged::invalid(c.bad_date))).await,
        (Some(way), Some(day)) => (way, day),
    };
    let disposal = Disposal {
        way,
        meeting_on,
        participants: participants(&form.participants),
        decision: form.decision.clone(),
        title: form.title.clone(),
        important: form.important.as_deref().is_some_and(|v| !v.is_empty()),
    };
    let outcome = work
        .state
        .case_desk()
        .dispose(&work.actor(), &source, &disposal)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(Some(case_id)) => Ok(Redirect::to(&case_path(case_id)).into_response()),
        Ok(None) => Ok(Redirect::to(&dispose_path(&form.kind, &form.id)).into_response()),
        Err(unchanged) => dispose_page(&work, form, Some(unchanged)).await,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct InquiryForm {
    #[serde(default)]
    step: String,
}

/// Records the reply or the report of a talk or letter of inquiry (谈话函询), on the disposal
/// page of its clue or report (whose visibility decides who may).
pub async fn record_inquiry_step(
    work: Work,
    Path(disposition_id): Path<i64>,
    Form(form): Form<InquiryForm>,
) -> Result<Response, Failure> {
    let d = work
        .state
        .store
        .disposition(disposition_id)
        .await?
        .ok_or(Failure::NotFound)?;
    source_of(&work.state, &work.official, &d.source_kind, &d.source_id)
        .await?
        .ok_or(Failure::NotFound)?;
    let back = DisposeForm {
        kind: d.source_kind.clone(),
        id: d.source_id.clone(),
        meeting_on: work.state.today().to_string(),
        ..Default::default()
    };
    let Some(step) = InquiryStep::parse(&form.step) else {
        let invalid = Unchanged::invalid(texts(work.is_zh()).inquiry_step);
        return dispose_page(&work, back, Some(invalid)).await;
    };
    let desk = InquiryDesk {
        store: &work.state.store,
        clock: work.state.clock(),
    };
    let outcome = desk.record(&work.official.user.username, &d, step).await?;
    match changed(outcome, work.is_zh())? {
        Ok(()) => Ok(Redirect::to(&dispose_path(&d.source_kind, &d.source_id)).into_response()),
        Err(unchanged) => dispose_page(&work, back, Some(unchanged)).await,
    }
}
