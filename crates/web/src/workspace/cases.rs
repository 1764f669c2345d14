//! From clue or report to closed case: the collective disposal (四种方式), the case's stages as
//! the domain's state machine allows them, assignment across townships (交叉办案) proposed and
//! explained by the system, joint discussions, sanctions with their periods, remedies followed to
//! the end, and the four closing items (四不放过).
//!
//! A case is shown only to county roles not excluded by the conflict-of-interest rules, and to the
//! officials assigned to it; to anyone else it does not exist ("not found").

use super::{when, yuan, Official, Role, WorkPage};
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use qingfeng_domain::case::{transition, Checklist, Stage};
use qingfeng_domain::sanction::{SanctionKind, SANCTIONS};
use qingfeng_domain::{Deadline, Money};
use qingfeng_store::cases::{CaseRecord, NewCase, NewDisposition, WAYS};
use qingfeng_store::reports::{township_of, Candidate};

mod texts;
pub use texts::CaseTexts;

fn ct(wp: &WorkPage<'_>) -> &'static CaseTexts {
    if wp.is_zh() {
        &texts::ZH
    } else {
        &texts::EN
    }
}

/// The case texts in the page's language (for the dashboard's inquiries).
pub(super) fn texts_of(wp: &WorkPage<'_>) -> &'static CaseTexts {
    ct(wp)
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A person's sanctions still in effect today, as "kind (until date)".
pub async fn sanctions_in_effect(
    state: &Shared,
    id_number: &str,
    zh: bool,
) -> anyhow::Result<Vec<String>> {
    let today = crate::intake::today();
    Ok(state
        .store
        .sanctions(None, Some(id_number))
        .await?
        .into_iter()
        .filter_map(|s| {
            let kind = SanctionKind::parse(&s.kind)?;
            let decided = date(&s.decided_on)?;
            kind.in_effect(decided, today).then(|| {
                let name = if zh { kind.zh } else { kind.en };
                match s.effective_until {
                    Some(until) => format!("{name} ({until})"),
                    None => name.to_string(),
                }
            })
        })
        .collect())
}

/// The official as a candidate for the conflict-of-interest rules.
pub(super) async fn as_candidate(
    state: &Shared,
    official: &Official,
) -> anyhow::Result<Option<Candidate>> {
    Ok(state
        .store
        .candidates(&[official.role.code()])
        .await?
        .into_iter()
        .find(|c| c.user_id == official.user.user_id))
}

/// Every person `case` concerns: the persons recorded with it (all those the report or the
/// clue names) and its subject.
async fn subjects_of(state: &Shared, case: &CaseRecord) -> anyhow::Result<Vec<String>> {
    let mut ids: Vec<String> = state
        .store
        .case_subjects(case.case_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if let Some(id) = &case.subject_id_number {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    Ok(ids)
}

/// Whether `official` may see `case`: county roles and the officials assigned to it, unless the
/// conflict-of-interest rules exclude them for any person the case concerns (named, relative,
/// serving a village or township the case touches). A case filed from a report shows the
/// report's matter, so it is shown only to officials who hold the report's key: those the
/// report's own exclusion left out (and auditors, who never hold one) do not see its case.
async fn may_see(state: &Shared, official: &Official, case: &CaseRecord) -> anyhow::Result<bool> {
    let assigned = state
        .store
        .case_assignments(case.case_id)
        .await?
        .iter()
        .any(|a| a.user_id == official.user.user_id);
    let county = matches!(
        official.role,
        Role::Leader | Role::Investigator | Role::Auditor
    );
    if !assigned && !county {
        return Ok(false);
    }
    if case.source_kind == "report" {
        let Ok(report_id) = case.source_id.parse::<i64>() else {
            return Ok(false);
        };
        if !state
            .store
            .holds_report_key(official.user.user_id, report_id)
            .await?
        {
            return Ok(false);
        }
    }
    let Some(me) = as_candidate(state, official).await? else {
        return Ok(false);
    };
    let subjects = subjects_of(state, case).await?;
    let (allowed, _) = state
        .store
        .exclude_conflicted(
            vec![me],
            case.village_code.as_deref(),
            &subjects,
            &crate::intake::today().to_string(),
        )
        .await?;
    // Also an assigned official: relations recorded after the assignment count.
    Ok(!allowed.is_empty())
}

async fn visible_case(
    state: &Shared,
    official: &Official,
    wp: &WorkPage<'_>,
    id: i64,
) -> Result<CaseRecord, Response> {
    let case = match state.store.case(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return Err(wp.error(StatusCode::NOT_FOUND, wp.page.t.not_found)),
        Err(e) => return Err(wp.failure(e)),
    };
    match may_see(state, official, &case).await {
        Ok(true) => Ok(case),
        Ok(false) => Err(wp.error(StatusCode::NOT_FOUND, wp.page.t.not_found)),
        Err(e) => Err(wp.failure(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Disposal

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

/// What is being disposed of, as far as the official may see it.
pub(super) struct Source {
    title: String,
    village: Option<String>,
    /// Every person it names (ID number, name as found in the registers), its subject first.
    subjects: Vec<(String, String)>,
}

pub(super) async fn source_of(
    state: &Shared,
    official: &Official,
    kind: &str,
    id: &str,
) -> anyhow::Result<Option<Source>> {
    let (title, village, ids): (String, Option<String>, Vec<(String, String)>) = match kind {
        "clue" => {
            let Some(c) = super::clues::clue_for(state, official, id).await? else {
                return Ok(None);
            };
            let ids = c
                .persons_named()
                .into_iter()
                .map(|id| (id, String::new()))
                .collect();
            (
                format!("{} {}", c.rule_id, c.explanation_zh),
                c.village_code.clone(),
                ids,
            )
        }
        "report" => {
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
            // Every person the report names (found in the registers) is a subject of the case:
            // read from the sealed content with the official's own key.
            let Some(own) = super::auth::session_key(state, official).await? else {
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
        _ => return Ok(None),
    };
    // Names from the registers where the source gave none.
    let mut subjects = Vec::new();
    for (id, name) in ids {
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
        title,
        village,
        subjects,
    }))
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
    earlier: Vec<qingfeng_store::cases::Disposition>,
    /// Per earlier disposition: (reply overdue, report overdue).
    overdue: Vec<(bool, bool)>,
    message: Option<String>,
}

async fn dispose_page(
    state: &Shared,
    official: &Official,
    wp: &WorkPage<'_>,
    form: DisposeForm,
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let ct = ct(wp);
    let source = match source_of(state, official, &form.kind, &form.id).await {
        Ok(Some(s)) => s,
        Ok(None) => return wp.error(StatusCode::NOT_FOUND, wp.page.t.not_found),
        Err(e) => return wp.failure(e),
    };
    let earlier = match state.store.dispositions_of(&form.kind, &form.id).await {
        Ok(e) => e,
        Err(e) => return wp.failure(e),
    };
    let today = state.today().to_string();
    let overdue = earlier
        .iter()
        .map(|d| {
            let o = qingfeng_workflow::inquiries::overdue(d, &today);
            (o.reply, o.report)
        })
        .collect();
    let page = DisposePage {
        wp,
        ct,
        overdue,
        kind: form.kind.clone(),
        id: form.id.clone(),
        source_title: source.title,
        ways: WAYS.iter().copied().zip(ct.ways).collect(),
        form,
        earlier,
        message,
    };
    wp.page.render(status, &page)
}

pub async fn dispose_form(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<DisposeQuery>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let form = DisposeForm {
        kind: q.kind,
        id: q.id,
        meeting_on: crate::intake::today().to_string(),
        ..Default::default()
    };
    dispose_page(&state, &official, &wp, form, StatusCode::OK, None).await
}

pub async fn dispose(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<DisposeForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let c = ct(&wp);
    let meeting = date(&form.meeting_on).filter(|d| *d <= crate::intake::today());
    let problem = if !WAYS.contains(&form.way.as_str()) {
        Some(c.choose_way)
    } else if meeting.is_none() {
        Some(c.bad_date)
    } else if form
        .participants
        .split([',', '，', '、'])
        .filter(|p| !p.trim().is_empty())
        .count()
        < 3
    {
        // Collective: at least three people decide (a leader and two members).
        Some(c.collective)
    } else if form.decision.trim().is_empty() {
        Some(c.decision_required)
    } else {
        None
    };
    if let Some(p) = problem {
        return dispose_page(
            &state,
            &official,
            &wp,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(p.to_string()),
        )
        .await;
    }
    let meeting = meeting.expect("checked above");
    let source = match source_of(&state, &official, &form.kind, &form.id).await {
        Ok(Some(s)) => s,
        Ok(None) => return wp.error(StatusCode::NOT_FOUND, page.t.not_found),
        Err(e) => return wp.failure(e),
    };
    let subject = source.subjects.first();
    let title = some(&form.title).unwrap_or_else(|| source.title.clone());
    let filed_on = meeting.to_string();
    let reply_due = (form.way == "inquiry").then(|| {
        state
            .calendar
            .due(Deadline::InquiryReply, meeting)
            .to_string()
    });
    let report_due = (form.way == "inquiry").then(|| {
        state
            .calendar
            .due(Deadline::InquiryReport, meeting)
            .to_string()
    });
    let recorded = state
        .store
        .dispose(
            &NewDisposition {
                source_kind: &form.kind,
                source_id: &form.id,
                way: &form.way,
                meeting_on: &filed_on,
                participants: form.participants.trim(),
                decision: form.decision.trim(),
                reply_due: reply_due.as_deref(),
                report_due: report_due.as_deref(),
                case: (form.way == "file_case").then(|| NewCase {
                    title: &title,
                    village_code: source.village.as_deref(),
                    subject_id_number: subject.map(|s| s.0.as_str()),
                    subject_name: subject.map(|s| s.1.as_str()).filter(|n| !n.is_empty()),
                    subjects: &source.subjects,
                    important: form.important.as_deref().is_some_and(|v| !v.is_empty()),
                    filed_on: &filed_on,
                }),
            },
            &official.user.username,
        )
        .await;
    match recorded {
        Ok(Some(case_id)) => Redirect::to(&format!("/work/cases/{case_id}")).into_response(),
        Ok(None) => Redirect::to(&format!(
            "/work/dispose?kind={}&id={}",
            form.kind,
            form_urlencoded::byte_serialize(form.id.as_bytes()).collect::<String>()
        ))
        .into_response(),
        Err(e) => wp.failure(e),
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
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(disposition_id): Path<i64>,
    axum::Form(form): axum::Form<InquiryForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let found = async {
        let Some(d) = state.store.disposition(disposition_id).await? else {
            return anyhow::Ok(None);
        };
        let visible = source_of(&state, &official, &d.source_kind, &d.source_id)
            .await?
            .is_some();
        Ok(visible.then_some(d))
    }
    .await;
    let d = match found {
        Ok(Some(d)) => d,
        Ok(None) => return wp.error(StatusCode::NOT_FOUND, page.t.not_found),
        Err(e) => return wp.failure(e),
    };
    let back = DisposeForm {
        kind: d.source_kind.clone(),
        id: d.source_id.clone(),
        meeting_on: state.today().to_string(),
        ..Default::default()
    };
    let Some(step) = qingfeng_workflow::inquiries::InquiryStep::parse(&form.step) else {
        let message = ct(&wp).inquiry_step.to_string();
        return dispose_page(
            &state,
            &official,
            &wp,
            back,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message),
        )
        .await;
    };
    let desk = qingfeng_workflow::inquiries::InquiryDesk {
        store: &state.store,
        clock: state.clock(),
    };
    match desk.record(&official.user.username, &d, step).await {
        Ok(qingfeng_workflow::Outcome::Changed(())) => Redirect::to(&format!(
            "/work/dispose?kind={}&id={}",
            d.source_kind,
            form_urlencoded::byte_serialize(d.source_id.as_bytes()).collect::<String>()
        ))
        .into_response(),
        Ok(other) => {
            let status = match other {
                qingfeng_workflow::Outcome::AlreadyDone(_) => StatusCode::CONFLICT,
                qingfeng_workflow::Outcome::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = other
                .refusal()
                .map(|r| r.text(wp.is_zh()).to_string())
                .unwrap_or_default();
            dispose_page(&state, &official, &wp, back, status, Some(message)).await
        }
        Err(e) => wp.failure(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

pub struct CaseRow {
    pub case_id: i64,
    pub title: String,
    pub village: String,
    pub subject: String,
    pub stage: String,
    pub filed_on: String,
    pub important: bool,
}

fn stage_label(code: &str, zh: bool) -> String {
    match Stage::parse(code) {
        Some(s) if zh => s.zh().to_string(),
        Some(s) => s.code().replace('_', " "),
        None => code.to_string(),
    }
}

fn case_row(c: &CaseRecord, zh: bool) -> CaseRow {
    CaseRow {
        case_id: c.case_id,
        title: c.title.clone(),
        village: c.village_code.clone().unwrap_or_default(),
        subject: c.subject_name.clone().unwrap_or_default(),
        stage: stage_label(&c.stage, zh),
        filed_on: c.filed_on.clone(),
        important: c.important,
    }
}

#[derive(Template)]
#[template(path = "work/cases.html")]
struct ListPage<'a> {
    wp: &'a WorkPage<'a>,
    ct: &'static CaseTexts,
    rows: Vec<CaseRow>,
}

pub async fn list(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let county = matches!(
        official.role,
        Role::Leader | Role::Investigator | Role::Auditor
    );
    let found = async {
        let cases = state
            .store
            .cases((!county).then_some(official.user.user_id))
            .await?;
        let mut rows = Vec::new();
        for c in &cases {
            if may_see(&state, &official, c).await? {
                rows.push(case_row(c, wp.is_zh()));
            }
        }
        super::reports::name_villages(&state, rows.iter_mut().map(|r| &mut r.village)).await?;
        anyhow::Ok(rows)
    }
    .await;
    match found {
        Ok(rows) => page.render(
            StatusCode::OK,
            &ListPage {
                wp: &wp,
                ct: ct(&wp),
                rows,
            },
        ),
        Err(e) => wp.failure(e),
    }
}

/// One proposed or excluded official for a cross-township assignment.
pub struct Proposal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub explanation: String,
}

/// Proposes investigators for a case (交叉办案): township discipline secretaries of other
/// townships (and county investigators), never anyone excluded by the conflict-of-interest rules,
/// the least loaded first. Returns the proposals and the excluded with their reasons.
async fn propose(
    state: &Shared,
    case: &CaseRecord,
    zh: bool,
) -> anyhow::Result<(Vec<Proposal>, Vec<(String, String)>)> {
    let township = case.village_code.as_deref().and_then(township_of);
    let assigned: Vec<i64> = state
        .store
        .case_assignments(case.case_id)
        .await?
        .iter()
        .map(|a| a.user_id)
        .collect();
    let candidates: Vec<Candidate> = state
        .store
        .candidates(&["township_secretary", "investigator"])
        .await?
        .into_iter()
        .filter(|c| !assigned.contains(&c.user_id))
        .collect();
    let subjects = subjects_of(state, case).await?;
    let (allowed, excluded) = state
        .store
        .exclude_conflicted(
            candidates,
            case.village_code.as_deref(),
            &subjects,
            &crate::intake::today().to_string(),
        )
        .await?;
    let load: std::collections::HashMap<i64, i64> =
        state.store.open_case_load().await?.into_iter().collect();
    let divisions = state.store.divisions().await?;
    let name_of = |code: &str| {
        divisions
            .iter()
            .find(|d| d.code == code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let case_township = township.as_deref().map(name_of).unwrap_or_default();
    let mut proposals: Vec<(i64, bool, Proposal)> = allowed
        .into_iter()
        .map(|c| {
            let n = load.get(&c.user_id).copied().unwrap_or(0);
            let from_township = c.role == "township_secretary";
            let unit = name_of(&c.jurisdiction);
            let explanation = if zh {
                format!(
                    "来自{unit}, 与案件所在的{case_township}不同; 与本案涉及的每一人均无同户或申报亲属关系, 未在涉及的村或乡镇任职; 在办案件 {n} 件"
                )
            } else {
                format!(
                    "from {unit}, not the case's township {case_township}; no household or declared relation to any person concerned, no post in a village or township the case touches; {n} open cases"
                )
            };
            (
                n,
                !from_township,
                Proposal {
                    user_id: c.user_id,
                    username: c.username,
                    display_name: c.display_name,
                    explanation,
                },
            )
        })
        .collect();
    // Other townships' secretaries first (the point of 交叉办案), then the least loaded.
    proposals.sort_by(|a, b| (a.1, a.0, &a.2.username).cmp(&(b.1, b.0, &b.2.username)));
    Ok((
        proposals.into_iter().map(|p| p.2).collect(),
        excluded
            .into_iter()
            .map(|x| (x.username, if zh { x.reason_zh } else { x.reason_en }))
            .collect(),
    ))
}

pub struct SanctionRow {
    pub name: String,
    pub kind: String,
    pub decided_on: String,
    pub until: String,
    pub in_effect: bool,
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
    proposals: Vec<Proposal>,
    excluded: Vec<(String, String)>,
    can_assign: bool,
    discussions: Vec<qingfeng_store::cases::JointDiscussion>,
    sanctions: Vec<SanctionRow>,
    kinds: Vec<(&'static str, String)>,
    remedies: Vec<RemedyRow>,
    remedy_kinds: Vec<(&'static str, &'static str)>,
    events: Vec<(String, String, i64, String, String, String)>,
    message: Option<String>,
    today: String,
}

const REMEDY_KINDS: &[&str] = &[
    "refund",
    "compensation",
    "wage_deduction",
    "civil_suit",
    "recall",
];

async fn render_case(
    state: &Shared,
    official: &Official,
    wp: &WorkPage<'_>,
    case: CaseRecord,
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let c = ct(wp);
    let zh = wp.is_zh();
    let today = crate::intake::today();
    let loaded = async {
        let transitions = state.store.transitions_of(case.case_id).await?;
        let assigned = state.store.case_assignments(case.case_id).await?;
        let can_assign =
            matches!(official.role, Role::Leader | Role::Investigator) && case.stage != "closed";
        let (proposals, excluded) = if can_assign {
            propose(state, &case, zh).await?
        } else {
            (Vec::new(), Vec::new())
        };
        let subjects: Vec<String> = state
            .store
            .case_subjects(case.case_id)
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
        let discussions = state.store.discussions_of(case.case_id).await?;
        let sanctions = state.store.sanctions(Some(case.case_id), None).await?;
        let remedies = state.store.remedies_of(case.case_id).await?;
        let events = state.store.remedy_events(case.case_id).await?;
        anyhow::Ok((
            subjects,
            transitions,
            assigned,
            can_assign,
            proposals,
            excluded,
            discussions,
            sanctions,
            remedies,
            events,
        ))
    }
    .await;
    let (
        subjects,
        transitions,
        assigned,
        can_assign,
        proposals,
        excluded,
        discussions,
        sanctions,
        remedies,
        events,
    ) = match loaded {
        Ok(x) => x,
        Err(e) => return wp.failure(e),
    };
    let stage = Stage::parse(&case.stage);
    let checklist = checklist_of(&case);
    let mut village = case.village_code.clone().unwrap_or_default();
    if let Err(e) = super::reports::name_villages(state, std::iter::once(&mut village)).await {
        return wp.failure(e);
    }
    let page = ShowPage {
        wp,
        ct: c,
        subjects,
        village,
        stage: stage_label(&case.stage, zh),
        next: stage
            .map(|s| s.next())
            .unwrap_or(&[])
            .iter()
            .map(|s| (s.code(), stage_label(s.code(), zh)))
            .collect(),
        missing: checklist
            .missing()
            .into_iter()
            .map(|(z, e)| if zh { z } else { e })
            .collect(),
        transitions: transitions
            .into_iter()
            .map(|t| {
                (
                    when(&t.at),
                    t.by_user,
                    t.from_stage
                        .map(|s| stage_label(&s, zh))
                        .unwrap_or_default(),
                    stage_label(&t.to_stage, zh),
                    t.reason,
                )
            })
            .collect(),
        assigned: assigned
            .into_iter()
            .map(|a| (a.display_name, a.explanation, when(&a.assigned_at)))
            .collect(),
        proposals,
        excluded,
        can_assign,
        discussions,
        sanctions: sanctions
            .into_iter()
            .map(|s| {
                let kind = SanctionKind::parse(&s.kind);
                let decided = date(&s.decided_on);
                SanctionRow {
                    in_effect: match (kind, decided) {
                        (Some(k), Some(d)) => k.in_effect(d, today),
                        _ => false,
                    },
                    name: s.name,
                    kind: kind
                        .map(|k| if zh { k.zh } else { k.en }.to_string())
                        .unwrap_or(s.kind),
                    decided_on: s.decided_on,
                    until: s
                        .effective_until
                        .unwrap_or_else(|| match kind.map(|k| k.effect) {
                            Some(qingfeng_domain::sanction::Effect::Permanent) => {
                                c.permanent.to_string()
                            }
                            _ => String::new(),
                        }),
                }
            })
            .collect(),
        kinds: SANCTIONS
            .iter()
            .map(|k| (k.code, format!("{} / {}", k.zh, k.en)))
            .collect(),
        remedies: remedies
            .into_iter()
            .map(|r| RemedyRow {
                remedy_id: r.remedy_id,
                kind: remedy_label(&r.kind, c),
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
                open: matches!(r.status.as_str(), "ordered" | "in_progress"),
                status: status_label(&r.status, c).to_string(),
            })
            .collect(),
        remedy_kinds: REMEDY_KINDS.iter().copied().zip(c.remedy_kinds).collect(),
        events: events
            .into_iter()
            .map(|e| {
                (
                    when(&e.at),
                    e.by_user,
                    e.remedy_id,
                    status_label(&e.status, c).to_string(),
                    yuan(e.recovered_fen),
                    e.note,
                )
            })
            .collect(),
        message,
        today: today.to_string(),
        case,
    };
    wp.page.render(status, &page)
}

fn remedy_label(code: &str, c: &CaseTexts) -> String {
    REMEDY_KINDS
        .iter()
        .position(|k| *k == code)
        .map(|i| c.remedy_kinds[i].to_string())
        .unwrap_or_else(|| code.to_string())
}

fn status_label(code: &str, c: &CaseTexts) -> &'static str {
    match code {
        "ordered" => c.status_ordered,
        "in_progress" => c.status_in_progress,
        "done" => c.status_done,
        "refused" => c.status_refused,
        "failed" => c.status_failed,
        _ => "",
    }
}

fn checklist_of(case: &CaseRecord) -> Checklist {
    Checklist {
        cause_analysed: case.cause_analysed.clone(),
        responsibility_handled: case.responsibility_handled.clone(),
        people_educated: case.people_educated.clone(),
        prevention_in_place: case.prevention_in_place.clone(),
    }
}

pub async fn show(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    match visible_case(&state, &official, &wp, id).await {
        Ok(case) => render_case(&state, &official, &wp, case, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

/// Runs `act` on a visible case; a refusal message re-renders the case with 422.
async fn act_on_case<F, Fut>(
    state: Shared,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    id: i64,
    act: F,
) -> Response
where
    F: FnOnce(Shared, Official, CaseRecord, &'static CaseTexts) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Result<(), String>>>,
{
    let page = Page::new(&uri, &headers);
    let wp = WorkPage::new(&page, &official);
    let case = match visible_case(&state, &official, &wp, id).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match act(state.clone(), official.clone(), case, ct(&wp)).await {
        Ok(Ok(())) => Redirect::to(&format!("/work/cases/{id}")).into_response(),
        Ok(Err(message)) => match state.store.case(id).await {
            Ok(Some(case)) => {
                render_case(
                    &state,
                    &official,
                    &wp,
                    case,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(message),
                )
                .await
            }
            Ok(None) => wp.error(StatusCode::NOT_FOUND, page.t.not_found),
            Err(e) => wp.failure(e),
        },
        Err(e) => wp.failure(e),
    }
}

#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

pub async fn move_case(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<MoveForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            let zh = c.zh;
            let (Some(from), Some(to)) = (Stage::parse(&case.stage), Stage::parse(&form.to)) else {
                return Ok(Err(c.unknown_stage.to_string()));
            };
            if let Err(refusal) = transition(from, to, &checklist_of(&case)) {
                return Ok(Err(if zh { refusal.zh } else { refusal.en }));
            }
            let Some(reason) = some(&form.reason) else {
                return Ok(Err(c.reason_required.to_string()));
            };
            // An important case is decided only after a joint discussion (联席会议).
            if case.important
                && to == Stage::Decided
                && state.store.discussions_of(case.case_id).await?.is_empty()
            {
                return Ok(Err(c.discussion_first.to_string()));
            }
            let closed_on = (to == Stage::Closed).then(|| crate::intake::today().to_string());
            let moved = state
                .store
                .move_case(
                    case.case_id,
                    from.code(),
                    to.code(),
                    &reason,
                    &official.user.username,
                    closed_on.as_deref(),
                )
                .await?;
            Ok(if moved {
                Ok(())
            } else {
                Err(c.moved_meanwhile.to_string())
            })
        },
    )
    .await
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

pub async fn checklist(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<ChecklistForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            if case.stage == "closed" {
                return Ok(Err(c.closed_already.to_string()));
            }
            let items = [
                some(&form.cause_analysed),
                some(&form.responsibility_handled),
                some(&form.people_educated),
                some(&form.prevention_in_place),
            ];
            state
                .store
                .set_checklist(
                    case.case_id,
                    [
                        items[0].as_deref(),
                        items[1].as_deref(),
                        items[2].as_deref(),
                        items[3].as_deref(),
                    ],
                    &official.user.username,
                )
                .await?;
            Ok(Ok(()))
        },
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    user_id: i64,
}

pub async fn assign(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<AssignForm>,
) -> Response {
    let zh = Page::new(&uri, &headers).lang == crate::i18n::Lang::Zh;
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            // Only someone the system proposes may be assigned: the proposal is the check.
            let (proposals, _) = propose(&state, &case, zh).await?;
            let Some(p) = proposals.into_iter().find(|p| p.user_id == form.user_id) else {
                return Ok(Err(c.not_proposed.to_string()));
            };
            state
                .store
                .assign_case(
                    case.case_id,
                    p.user_id,
                    &p.explanation,
                    &official.user.username,
                )
                .await?;
            // A case from a report: the assigned official gets a copy of the report's key from
            // the assigner's own (the server has none to give).
            if case.source_kind == "report" {
                share_report(&state, &official, &case, p.user_id).await?;
            }
            Ok(Ok(()))
        },
    )
    .await
}

async fn share_report(
    state: &Shared,
    official: &Official,
    case: &CaseRecord,
    to_user: i64,
) -> anyhow::Result<()> {
    let Ok(report_id) = case.source_id.parse::<i64>() else {
        return Ok(());
    };
    let (Some(envelope), Some(own)) = (
        state
            .store
            .report_for(official.user.user_id, report_id)
            .await?,
        super::auth::session_key(state, official).await?,
    ) else {
        return Ok(());
    };
    let Some(public) = state
        .store
        .candidates(&["township_secretary", "investigator", "leader"])
        .await?
        .into_iter()
        .find(|c| c.user_id == to_user)
        .and_then(|c| c.public_key)
    else {
        return Ok(());
    };
    let key = qingfeng_vault::KeyPair::unwrap(&envelope.content_key, &own)?;
    state
        .store
        .grant_report_key(
            report_id,
            &qingfeng_store::reports::WrappedKey {
                user_id: to_user,
                purpose: "content",
                wrapped: key.wrap_for(&public)?,
            },
            &official.user.username,
            &format!("assigned to case {}", case.case_id),
        )
        .await
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

pub async fn discussion(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DiscussionForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            let Some(held) = date(&form.held_on) else {
                return Ok(Err(c.bad_date.to_string()));
            };
            let (Some(participants), Some(units), Some(minutes), Some(decision)) = (
                some(&form.participants),
                some(&form.units),
                some(&form.minutes),
                some(&form.decision),
            ) else {
                return Ok(Err(c.all_fields.to_string()));
            };
            state
                .store
                .add_discussion(
                    case.case_id,
                    &held.to_string(),
                    &participants,
                    &units,
                    &minutes,
                    &decision,
                    &official.user.username,
                )
                .await?;
            Ok(Ok(()))
        },
    )
    .await
}

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

pub async fn sanction(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<SanctionForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            let Some(kind) = SanctionKind::parse(&form.kind) else {
                return Ok(Err(c.choose_sanction.to_string()));
            };
            let Some(decided) = date(&form.decided_on) else {
                return Ok(Err(c.bad_date.to_string()));
            };
            let id_number = some(&form.id_number)
                .or(case.subject_id_number.clone())
                .unwrap_or_default();
            let Ok(id_number) = qingfeng_domain::clean::id_number(&id_number) else {
                return Ok(Err(c.bad_id.to_string()));
            };
            let name = some(&form.name)
                .or(case.subject_name.clone())
                .unwrap_or_default();
            // Sanctions are decided at or after the decision stage.
            if !matches!(
                case.stage.as_str(),
                "decided" | "execution" | "appeal" | "closed"
            ) {
                return Ok(Err(c.sanction_stage.to_string()));
            }
            let until = kind.effective_until(decided).map(|d| d.to_string());
            state
                .store
                .add_sanction(
                    case.case_id,
                    id_number.as_str(),
                    &name,
                    kind.code,
                    &decided.to_string(),
                    until.as_deref(),
                    &official.user.username,
                )
                .await?;
            Ok(Ok(()))
        },
    )
    .await
}

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

fn number(s: &str) -> u32 {
    s.trim().parse().unwrap_or(0)
}

pub async fn remedy(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<RemedyForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            if !REMEDY_KINDS.contains(&form.kind.as_str()) {
                return Ok(Err(c.choose_remedy.to_string()));
            }
            let today = crate::intake::today();
            let existing = state.store.remedies_of(case.case_id).await?;
            let mut amount = match some(&form.amount) {
                Some(a) => match Money::parse_yuan(&a, false) {
                    Ok(m) => Some(m.fen()),
                    Err(_) => return Ok(Err(c.bad_amount.to_string())),
                },
                None => None,
            };
            let mut detail = some(&form.detail).unwrap_or_default();
            let mut payment_ids = None;
            match form.kind.as_str() {
                // Money goes back to the villagers it was taken from: named by their payments.
                "refund" => {
                    let ids = crate::intake::names_in(&form.payment_ids.replace(['，', '、'], ","));
                    // Only payments to villagers of the villages and townships the case touches.
                    let subjects = subjects_of(&state, &case).await?;
                    let within = state
                        .store
                        .divisions_touched(
                            case.village_code.as_deref(),
                            &subjects,
                            &today.to_string(),
                        )
                        .await?;
                    let found = state.store.payments_named(&ids, &within).await?;
                    if ids.is_empty() || found.len() != ids.len() {
                        return Ok(Err(c.payments_required.to_string()));
                    }
                    let total: i64 = found.iter().map(|p| p.3).sum();
                    amount = Some(amount.unwrap_or(total));
                    let who: Vec<String> = found
                        .iter()
                        .map(|p| format!("{} {} {}", p.0, p.2, yuan(p.3)))
                        .collect();
                    detail = format!("{} {detail}", who.join("; ")).trim().to_string();
                    payment_ids = Some(
                        found
                            .iter()
                            .map(|p| p.0.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                }
                // Wages are docked through the township only after compensation was refused.
                "wage_deduction"
                    if !existing
                        .iter()
                        .any(|r| r.kind == "compensation" && r.status == "refused") =>
                {
                    return Ok(Err(c.wage_needs_refusal.to_string()));
                }
                // The rules of a recall (who, how many, why, the six-month bar) are the workflow's.
                "recall" => {
                    let proposal = qingfeng_workflow::recall::RecallProposal {
                        voter_signatures: number(&form.voter_signatures),
                        representatives: number(&form.representatives),
                        representative_signatures: number(&form.representative_signatures),
                        reasons: form.detail.clone(),
                    };
                    match state.recall_desk().propose(&case, &proposal).await? {
                        qingfeng_workflow::Outcome::Changed(recorded) => detail = recorded,
                        other => {
                            let refusal = other
                                .refusal()
                                .unwrap_or_else(|| qingfeng_workflow::Refusal::new("", ""));
                            return Ok(Err(refusal.text(c.zh).to_string()));
                        }
                    }
                }
                _ => {}
            }
            if detail.is_empty() {
                return Ok(Err(c.all_fields.to_string()));
            }
            state
                .store
                .open_remedy(
                    case.case_id,
                    &form.kind,
                    amount,
                    payment_ids.as_deref(),
                    &detail,
                    &today.to_string(),
                    &official.user.username,
                )
                .await?;
            Ok(Ok(()))
        },
    )
    .await
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

pub async fn update_remedy(
    State(state): State<Shared>,
    official: Official,
    uri: Uri,
    headers: HeaderMap,
    Path((id, remedy_id)): Path<(i64, i64)>,
    axum::Form(form): axum::Form<RemedyUpdateForm>,
) -> Response {
    act_on_case(
        state,
        official,
        uri,
        headers,
        id,
        |state, official, case, c| async move {
            let remedies = state.store.remedies_of(case.case_id).await?;
            let Some(r) = remedies.into_iter().find(|r| r.remedy_id == remedy_id) else {
                return Ok(Err(c.no_remedy.to_string()));
            };
            if !matches!(r.status.as_str(), "ordered" | "in_progress") {
                return Ok(Err(c.remedy_closed.to_string()));
            }
            let recovered = match some(&form.recovered) {
                Some(a) => match Money::parse_yuan(&a, false) {
                    Ok(m) => m.fen(),
                    Err(_) => return Ok(Err(c.bad_amount.to_string())),
                },
                None => r.recovered_fen,
            };
            let mut status = form.status.clone();
            let mut note = some(&form.note).unwrap_or_default();
            if r.kind == "recall" && matches!(status.as_str(), "done" | "failed") {
                // The vote decides, not the clerk (see `qingfeng_workflow::recall`).
                match state.recall_desk().vote(
                    &r.detail,
                    &form.defence,
                    number(&form.votes_cast),
                    number(&form.approve),
                ) {
                    qingfeng_workflow::Outcome::Changed((decided, recorded)) => {
                        status = decided.to_string();
                        note = format!("{recorded} {note}").trim().to_string();
                    }
                    other => {
                        let refusal = other
                            .refusal()
                            .unwrap_or_else(|| qingfeng_workflow::Refusal::new("", ""));
                        return Ok(Err(refusal.text(c.zh).to_string()));
                    }
                }
            }
            if !matches!(
                status.as_str(),
                "in_progress" | "done" | "refused" | "failed"
            ) {
                return Ok(Err(c.choose_status.to_string()));
            }
            if status == "done" && r.kind == "refund" && r.amount_fen.is_some_and(|a| recovered < a)
            {
                return Ok(Err(c.refund_incomplete.to_string()));
            }
            state
                .store
                .update_remedy(
                    remedy_id,
                    &status,
                    recovered,
                    &note,
                    &crate::intake::today().to_string(),
                    &official.user.username,
                )
                .await?;
            Ok(Ok(()))
        },
    )
    .await
}
