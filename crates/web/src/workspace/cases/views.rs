//! The list of cases and one case's page, with everything recorded on it.

use super::{texts, CaseTexts};
use crate::workspace::{when, yuan, Failure, Unchanged, Work, WorkPage};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use qingfeng_domain::case::{RemedyKind, RemedyStatus, Stage};
use qingfeng_domain::sanction::{Effect, SANCTIONS};
use qingfeng_store::cases::{CaseRecord, JointDiscussion};
use qingfeng_workflow::cases::checklist_of;

pub struct CaseRow {
    pub case_id: i64,
    pub title: String,
    pub village: String,
    pub subject: String,
    pub stage: String,
    pub filed_on: String,
    pub important: bool,
}

pub(super) fn stage_label(stage: Stage, zh: bool) -> String {
    if zh {
        stage.zh().to_string()
    } else {
        stage.code().replace('_', " ")
    }
}

#[derive(Template)]
#[template(path = "work/cases.html")]
struct ListPage<'a> {
    wp: &'a WorkPage<'a>,
    ct: &'static CaseTexts,
    rows: Vec<CaseRow>,
}

pub async fn list(work: Work) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let cases = work.state.case_desk().list(&work.actor()).await?;
    let mut rows: Vec<CaseRow> = cases
        .iter()
        .map(|c| CaseRow {
            case_id: c.case_id,
            title: c.title.clone(),
            village: c.village_code.clone().unwrap_or_default(),
            subject: c.subject_name.clone().unwrap_or_default(),
            stage: stage_label(c.stage, zh),
            filed_on: c.filed_on.clone(),
            important: c.important,
        })
        .collect();
    crate::workspace::reports::name_villages(&work.state, rows.iter_mut().map(|r| &mut r.village))
        .await?;
    let wp = work.wp();
    Ok(work.page.render(
        StatusCode::OK,
        &ListPage {
            wp: &wp,
            ct: texts(zh),
            rows,
        },
    ))
}

pub async fn show(work: Work, Path(id): Path<i64>) -> Result<Response, Failure> {
    case_page(&work, id, None).await
}

/// One official proposed for the case.
pub struct ProposalRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub explanation: String,
}

pub struct SanctionRow {
    pub name: String,
    pub kind: String,
    pub decided_on: String,
    pub until: String,
    pub in_effect: bool,
}

pub struct AppealRow {
    pub appeal_id: i64,
    pub level: &'static str,
    pub requested_on: String,
    pub reason: String,
    pub decide_due: String,
    pub overdue: bool,
    /// The decision with its day, once decided.
    pub decided: Option<String>,
}

pub struct RemedyRow {
    pub remedy_id: i64,
    pub kind: String,
    pub amount: String,
    pub recovered: String,
    pub payments: Vec<String>,
    pub detail: String,
    pub status: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "work/case.html")]
struct ShowPage<'a> {
    wp: &'a WorkPage<'a>,
    ct: &'static CaseTexts,
    case: CaseRecord,
    /// Every person the case concerns, "name (ID number)".
    subjects: Vec<String>,
    /// The case's village by name and code.
    village: String,
    stage: String,
    next: Vec<(&'static str, String)>,
    missing: Vec<&'static str>,
    transitions: Vec<(String, String, String, String, String)>,
    assigned: Vec<(String, String, String)>,
    proposals: Vec<ProposalRow>,
    excluded: Vec<(String, String)>,
    can_assign: bool,
    discussions: Vec<JointDiscussion>,
    sanctions: Vec<SanctionRow>,
    kinds: Vec<(&'static str, String)>,
    remedies: Vec<RemedyRow>,
    appeals: Vec<AppealRow>,
    /// The next appeal the case admits: its level, and the last day to make it.
    appeal_window: Option<(&'static str, String)>,
    remedy_kinds: Vec<(&'static str, &'static str)>,
    events: Vec<(String, String, i64, String, String, String)>,
    message: Option<String>,
    today: String,
}

pub(super) fn remedy_label(kind: RemedyKind, c: &CaseTexts) -> &'static str {
    let i = RemedyKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default();
    c.remedy_kinds[i]
}

fn status_label(status: RemedyStatus, c: &CaseTexts) -> &'static str {
    match status {
        RemedyStatus::Ordered => c.status_ordered,
        RemedyStatus::InProgress => c.status_in_progress,
        RemedyStatus::Done => c.status_done,
        RemedyStatus::Refused => c.status_refused,
        RemedyStatus::Failed => c.status_failed,
    }
}

/// The case's page, with a message when a step changed nothing; "not found" for a case the
/// official may not see.
pub(super) async fn case_page(
    work: &Work,
    case_id: i64,
    unchanged: Option<Unchanged>,
) -> Result<Response, Failure> {
    let desk = work.state.case_desk();
    let actor = work.actor();
    let case = desk
        .visible(&actor, case_id)
        .await?
        .ok_or(Failure::NotFound)?;
    let zh = work.is_zh();
    let c = texts(zh);
    let today = work.state.today();
    let store = &work.state.store;
    let can_assign = desk.may_assign(&actor, &case);
    let (proposals, excluded) = if can_assign {
        desk.proposals(&case).await?
    } else {
        Default::default()
    };
    let subjects = store
        .case_subjects(case_id)
        .await?
        .into_iter()
        .map(|(id, name)| {
            if name.is_empty() {
                id
            } else {
                format!("{name} ({id})")
            }
        })
        .collect();
    let mut village = case.village_code.clone().unwrap_or_default();
    crate::workspace::reports::name_villages(&work.state, std::iter::once(&mut village)).await?;
    let appeals = store.appeals_of(case_id).await?;
    let level = |l: i64| c.appeal_levels[usize::from(l > 1)];
    let appeal_window = if matches!(case.stage, Stage::Decided | Stage::Execution) {
        desk.appeal_window(case_id, &appeals)
            .await?
            .map(|w| (level(w.level), w.until.to_string()))
    } else {
        None
    };
    let today_text = today.to_string();
    let appeals = appeals
        .into_iter()
        .map(|a| AppealRow {
            appeal_id: a.appeal_id,
            level: level(a.level),
            overdue: a.decided_on.is_none() && a.decide_due < today_text,
            decided: a.decided_on.map(|on| {
                let how = if a.upheld == Some(true) {
                    c.appeal_upheld
                } else {
                    c.appeal_changed
                };
                format!("{on} {how}: {}", a.decision.unwrap_or_default())
            }),
            requested_on: a.requested_on,
            reason: a.reason,
            decide_due: a.decide_due,
        })
        .collect();
    let (status, message) = match unchanged {
        Some(u) => (u.status, Some(u.message)),
        None => (StatusCode::OK, None),
    };
    let wp = work.wp();
    let page = ShowPage {
        wp: &wp,
        ct: c,
        subjects,
        village,
        stage: stage_label(case.stage, zh),
        next: case
            .stage
            .next()
            .iter()
            .map(|s| (s.code(), stage_label(*s, zh)))
            .collect(),
        missing: checklist_of(&case)
            .missing()
            .into_iter()
            .map(|(z, e)| if zh { z } else { e })
            .collect(),
        transitions: store
            .transitions_of(case_id)
            .await?
            .into_iter()
            .map(|t| {
                (
                    when(&t.at),
                    t.by_user,
                    t.from_stage.map(|s| stage_label(s, zh)).unwrap_or_default(),
                    stage_label(t.to_stage, zh),
                    t.reason,
                )
            })
            .collect(),
        assigned: store
            .case_assignments(case_id)
            .await?
            .into_iter()
            .map(|a| (a.display_name, a.explanation, when(&a.assigned_at)))
            .collect(),
        proposals: proposals
            .into_iter()
            .map(|p| ProposalRow {
                explanation: p.explanation(zh).to_string(),
                user_id: p.user_id,
                username: p.username,
                display_name: p.display_name,
            })
            .collect(),
        excluded: excluded
            .into_iter()
            .map(|x| (x.username, if zh { x.reason_zh } else { x.reason_en }))
            .collect(),
        can_assign,
        discussions: store.discussions_of(case_id).await?,
        sanctions: store
            .sanctions(Some(case_id), None)
            .await?
            .into_iter()
            .map(|s| {
                let decided = super::date(&s.decided_on);
                SanctionRow {
                    in_effect: decided.is_some_and(|d| s.kind.in_effect(d, today)),
                    name: s.name,
                    kind: if zh { s.kind.zh } else { s.kind.en }.to_string(),
                    decided_on: s.decided_on,
                    until: s.effective_until.unwrap_or_else(|| match s.kind.effect {
                        Effect::Permanent => c.permanent.to_string(),
                        _ => String::new(),
                    }),
                }
            })
            .collect(),
        kinds: SANCTIONS
            .iter()
            .map(|k| (k.code, format!("{} / {}", k.zh, k.en)))
            .collect(),
        remedies: store
            .remedies_of(case_id)
            .await?
            .into_iter()
            .map(|r| RemedyRow {
                remedy_id: r.remedy_id,
                kind: remedy_label(r.kind, c).to_string(),
                amount: r.amount_fen.map(yuan).unwrap_or_default(),
                recovered: yuan(r.recovered_fen),
                payments: r
                    .payment_ids
                    .unwrap_or_default()
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect(),
                detail: r.detail,
                open: r.status.is_open(),
                status: status_label(r.status, c).to_string(),
            })
            .collect(),
        appeals,
        appeal_window,
        remedy_kinds: RemedyKind::ALL
            .iter()
            .map(|k| k.code())
            .zip(c.remedy_kinds)
            .collect(),
        events: store
            .remedy_events(case_id)
            .await?
            .into_iter()
            .map(|e| {
                (
                    when(&e.at),
                    e.by_user,
                    e.remedy_id,
                    status_label(e.status, c).to_string(),
                    yuan(e.recovered_fen),
                    e.note,
                )
            })
            .collect(),
        message,
        today: today.to_string(),
        case,
    };
    Ok(wp.page.render(status, &page))
}
