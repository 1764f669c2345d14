//! 信访举报 in the workspace: the reports an official holds a key to, one report opened with the
//! official's own key, acceptance, and opening a reporter's identity with a senior's approval.
//!
//! An official without a key copy gets "not found" for a report, exactly as for a report that
//! does not exist: being excluded is not disclosed. Every opening is appended to the audit trail.

use super::auth::session_key;
use super::{changed, when, Failure, Official, Unchanged, Work, WorkPage};
use crate::intake::{Reporter, SealedContent};
use crate::page::Page;
use crate::Shared;
use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use qingfeng_store::reports::{ReportEnvelope, ReportSummary};
use qingfeng_store::AuditEvent;
use qingfeng_vault::KeyPair;
use qingfeng_workflow::role::{IDENTITY_APPROVERS, REVIEWERS};
use qingfeng_workflow::Refusal;

/// Days before a deadline from which it shows as "due soon".
const DUE_SOON_DAYS: i64 = 3;

pub struct ReportTexts {
    pub title: &'static str,
    pub none: &'static str,
    pub channel: &'static str,
    pub village: &'static str,
    pub repeat: &'static str,
    pub deadlines: &'static str,
    pub overdue: &'static str,
    pub due_soon: &'static str,
    pub met: &'static str,
    pub content: &'static str,
    pub persons_named: &'static str,
    pub written_as: &'static str,
    pub payment: &'static str,
    pub excluded: &'static str,
    pub holders: &'static str,
    pub attachments: &'static str,
    pub reporter: &'static str,
    pub anonymous: &'static str,
    pub identity_sealed: &'static str,
    pub ask_identity: &'static str,
    pub reason: &'static str,
    pub requests: &'static str,
    pub approve: &'static str,
    pub refuse: &'static str,
    pub accept: &'static str,
    pub review_by_level_above: &'static str,
    pub transfer: &'static str,
    pub transfer_to: &'static str,
    pub no_key: &'static str,
    pub cannot_approve_own: &'static str,
    pub reason_required: &'static str,
    pub extend: &'static str,
    pub extend_days: &'static str,
    pub conclude: &'static str,
    pub notify_result: &'static str,
    pub notify_how: &'static str,
    pub outcome: &'static str,
    pub reviews: &'static str,
    pub review_levels: [&'static str; 2],
    pub decide_review: &'static str,
    pub review_outcome: &'static str,
    pub audit_title: &'static str,
    pub audit_ok: &'static str,
    pub audit_broken: &'static str,
    pub audit_head: &'static str,
    pub access_chain: &'static str,
    pub unresolved: &'static str,
    pub history: &'static str,
}

pub static ZH: ReportTexts = ReportTexts {
    title: "信访举报",
    none: "没有您可以办理的举报。",
    channel: "来源",
    village: "村",
    repeat: "重复次数",
    deadlines: "时限",
    overdue: "已超期",
    due_soon: "即将到期",
    met: "已完成",
    content: "反映内容",
    persons_named: "被反映人(据登记信息)",
    written_as: "举报人写的是",
    payment: "相关发放记录",
    excluded: "按回避规定排除的人员",
    holders: "可以查看的人员",
    attachments: "附件",
    reporter: "举报人",
    anonymous: "匿名举报",
    identity_sealed: "实名举报人的身份单独加密, 须经另一名领导批准后才能查看。",
    ask_identity: "申请查看举报人身份",
    reason: "理由",
    requests: "查看身份的申请",
    approve: "批准",
    refuse: "不批准",
    accept: "受理",
    review_by_level_above: "复查、复核由上一级纪委监委决定。",
    transfer: "转送",
    transfer_to: "转送至(机关或单位)",
    no_key: "您的会话没有密钥: 请退出后重新登录。",
    cannot_approve_own: "不能批准自己的申请, 也不能在没有身份密钥时批准。",
    reason_required: "请写明理由。",
    extend: "延长办理期限(仅一次, 不超过30日)",
    extend_days: "延长天数",
    conclude: "办结并答复举报人",
    notify_result: "已告知实名举报人办理结果",
    notify_how: "告知方式(电话、书面或当面)",
    outcome: "办理结果(举报人凭查询码可见)",
    reviews: "复查与复核",
    review_levels: ["复查", "复核"],
    decide_review: "作出决定并答复",
    review_outcome: "复查/复核结论",
    audit_title: "审计记录",
    audit_ok: "哈希链完整",
    audit_broken: "哈希链断裂",
    audit_head: "链头哈希(请另行记录)",
    access_chain: "访问日志",
    unresolved: "以下被反映人未能在登记数据中确认身份, 无法判断谁应回避, 本件因此只送县领导; 如需他人办理, 请立案后指派",
    history: "办理记录",
};

pub static EN: ReportTexts = ReportTexts {
    title: "Reports",
    none: "No report for you to handle.",
    channel: "Channel",
    village: "Village",
    repeat: "Times reported",
    deadlines: "Deadlines",
    overdue: "overdue",
    due_soon: "due soon",
    met: "done",
    content: "What is reported",
    persons_named: "Persons named (found in the registers)",
    written_as: "The reporter wrote",
    payment: "Payment concerned",
    excluded: "Officials excluded for conflict of interest",
    holders: "Officials who can read it",
    attachments: "Attachments",
    reporter: "Reporter",
    anonymous: "Anonymous",
    identity_sealed: "A real-name reporter's identity is encrypted apart and opens only with a second, senior official's approval.",
    ask_identity: "Ask to see the reporter's identity",
    reason: "Reason",
    requests: "Requests to see the identity",
    approve: "Approve",
    refuse: "Refuse",
    accept: "Accept",
    review_by_level_above: "A review is decided by the commission one level up.",
    transfer: "Transfer",
    transfer_to: "Transfer to (body)",
    no_key: "Your session holds no key: please log out and log in again.",
    cannot_approve_own: "You cannot approve your own request, nor approve without holding the identity key.",
    reason_required: "Please give a reason.",
    extend: "Extend the handling (once, at most 30 days)",
    extend_days: "Days",
    conclude: "Conclude and answer the reporter",
    notify_result: "The real-name reporter was told of the result",
    notify_how: "How (telephone, letter or in person)",
    outcome: "Outcome (the reporter reads it with the receipt code)",
    reviews: "Reviews",
    review_levels: ["Review", "Second review"],
    decide_review: "Decide and answer",
    review_outcome: "Review decision",
    audit_title: "Audit trail",
    audit_ok: "The hash chain is intact",
    audit_broken: "The hash chain is broken",
    audit_head: "Head hash (write it down elsewhere)",
    access_chain: "Access log",
    unresolved: "Persons named but not identified in the registers, so nobody can tell who must stand aside: the report went to the senior officials only; to have others handle it, file a case and assign it",
    history: "History",
};

fn texts(wp: &WorkPage<'_>) -> &'static ReportTexts {
    if wp.is_zh() {
        &ZH
    } else {
        &EN
    }
}

/// One deadline as shown: label, date, and its state (overdue / due soon / done / "").
pub struct DeadlineView {
    pub label: &'static str,
    pub due: String,
    pub state: &'static str,
    pub class: &'static str,
}

/// The deadlines of a report still running or met, with their state on `today`.
pub fn deadlines(
    r: &ReportSummary,
    today: NaiveDate,
    page: &Page,
    rt: &ReportTexts,
) -> Vec<DeadlineView> {
    let t = page.t;
    let accepted = r.accepted_on.is_some();
    let closed = r.closed_on.is_some();
    [
        (
            t.transfer_due,
            &r.transfer_due,
            accepted || r.transferred_on.is_some(),
        ),
        (t.acceptance_notice_due, &r.acceptance_notice_due, accepted),
        (t.handle_due, &r.handle_due, closed),
        (
            t.result_notice_due,
            &r.result_notice_due,
            r.result_notified_on.is_some(),
        ),
    ]
    .into_iter()
    .filter_map(|(label, due, met)| {
        let due = due.as_ref()?;
        let date = NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()?;
        let (state, class) = if met {
            (rt.met, "met")
        } else if date < today {
            (rt.overdue, "overdue")
        } else if (date - today).num_days() <= DUE_SOON_DAYS {
            (rt.due_soon, "soon")
        } else {
            ("", "")
        };
        Some(DeadlineView {
            label,
            due: due.clone(),
            state,
            class,
        })
    })
    .collect()
}

pub struct ReportRow {
    pub report_id: i64,
    pub received_on: String,
    pub channel: String,
    pub category: String,
    pub village: String,
    pub status: String,
    pub repeat_number: i64,
    pub deadlines: Vec<DeadlineView>,
    pub urgent: bool,
}

pub fn report_row(r: &ReportSummary, today: NaiveDate, page: &Page, rt: &ReportTexts) -> ReportRow {
    let deadlines = deadlines(r, today, page, rt);
    ReportRow {
        report_id: r.report_id,
        received_on: r.received_on.clone().unwrap_or_else(|| when(&r.filed_at)),
        channel: channel_label(&r.channel, page).to_string(),
        category: crate::i18n::Texts::label(page.t.categories, &r.category).to_string(),
        village: r.village_code.clone().unwrap_or_default(),
        status: crate::i18n::Texts::label(page.t.statuses, &r.status).to_string(),
        repeat_number: r.repeat_number,
        urgent: deadlines
            .iter()
            .any(|d| d.class == "overdue" || d.class == "soon"),
        deadlines,
    }
}

/// Shows villages by name as well as code: "桂花村 (500233101001)".
pub async fn name_villages<'a>(
    state: &Shared,
    codes: impl Iterator<Item = &'a mut String>,
) -> anyhow::Result<()> {
    let divisions = state.store.divisions().await?;
    for code in codes {
        if let Some(d) = divisions.iter().find(|d| d.code == *code) {
            *code = format!("{} ({code})", d.name);
        }
    }
    Ok(())
}

fn channel_label(code: &str, page: &Page) -> &'static str {
    let zh = page.lang == crate::i18n::Lang::Zh;
    match (code, zh) {
        ("portal", true) => "网上举报",
        ("portal", false) => "Portal",
        ("letter", true) => "来信",
        ("letter", false) => "Letter",
        ("visit", true) => "来访",
        ("visit", false) => "Visit",
        ("hotline_12388", true) => "12388 电话",
        ("hotline_12388", false) => "12388 hotline",
        ("forwarded", true) => "上级或其他机关转来",
        ("forwarded", false) => "Forwarded by another body",
        (_, true) => "其他",
        (_, false) => "Other",
    }
}

#[derive(Template)]
#[template(path = "work/reports.html")]
struct ListPage<'a> {
    wp: &'a WorkPage<'a>,
    rt: &'static ReportTexts,
    rows: Vec<ReportRow>,
}

pub async fn list(work: Work) -> Result<Response, Failure> {
    let wp = work.wp();
    let rt = texts(&wp);
    let reports = work
        .state
        .store
        .reports_of(work.official.user.user_id)
        .await?;
    let today = crate::intake::today();
    let mut rows: Vec<ReportRow> = reports
        .iter()
        .map(|r| report_row(r, today, &work.page, rt))
        .collect();
    name_villages(&work.state, rows.iter_mut().map(|r| &mut r.village)).await?;
    Ok(work
        .page
        .render(StatusCode::OK, &ListPage { wp: &wp, rt, rows }))
}

#[derive(Template)]
#[template(path = "work/report.html")]
struct ShowPage<'a> {
    wp: &'a WorkPage<'a>,
    rt: &'static ReportTexts,
    row: ReportRow,
    content: SealedContent,
    reporter: Option<Reporter>,
    anonymous: bool,
    can_accept: bool,
    can_extend: bool,
    can_conclude: bool,
    /// Concluded, real-name, and the reporter not yet told of the result.
    can_notify_result: bool,
    holders: Vec<String>,
    reviews: Vec<ReviewView>,
    attachments: Vec<(i64, String)>,
    requests: Vec<RequestView>,
    can_decide: bool,
    /// A higher commission's reviewer: decides the reviews, and nothing else here.
    can_review: bool,
    history: Vec<(String, String, String, String)>,
    message: Option<&'a str>,
}

struct ReviewView {
    review_id: i64,
    level: &'static str,
    requested_on: String,
    reason: String,
    decision_due: DeadlineView,
    decided: Option<String>,
}

struct RequestView {
    request_id: i64,
    requested_by: String,
    reason: String,
    requested_at: String,
    decision: String,
    open: bool,
    own: bool,
}

/// The session holds no key, or only one the report's copy was not wrapped to (a password
/// reset since): the official must log in again, and even then an older copy stays closed.
fn no_key() -> Failure {
    Failure::Refused(StatusCode::FORBIDDEN, Refusal::new(ZH.no_key, EN.no_key))
}

/// The report and the official's key pair; "not found" for a report the official holds no
/// copy of, exactly as for one that does not exist.
async fn open_envelope(
    state: &Shared,
    official: &Official,
    id: i64,
) -> Result<(ReportEnvelope, KeyPair, KeyPair), Failure> {
    let envelope = state
        .store
        .report_for(official.user.user_id, id)
        .await?
        .ok_or(Failure::NotFound)?;
    let own = session_key(state, official).await?.ok_or_else(no_key)?;
    let report_key = KeyPair::unwrap(&envelope.content_key, &own).map_err(|_| no_key())?;
    Ok((envelope, own, report_key))
}

pub async fn show(work: Work, Path(id): Path<i64>) -> Result<Response, Failure> {
    render_report(&work, id, StatusCode::OK, None).await
}

async fn render_report(
    work: &Work,
    id: i64,
    status: StatusCode,
    message: Option<&str>,
) -> Result<Response, Failure> {
    let (state, official) = (&work.state, &work.official);
    let wp = &work.wp();
    let rt = texts(wp);
    let actor = work.actor();
    let (envelope, own, report_key) = open_envelope(state, official, id).await?;
    let opened = async {
        let content: SealedContent =
            serde_json::from_slice(&report_key.open(&envelope.sealed_content)?)?;
        let mut requests = state.store.identity_requests(id).await?;
        for q in &mut requests {
            if let Some(sealed) = q.sealed_reason.take() {
                q.reason = String::from_utf8(report_key.open(&sealed)?)?;
            }
        }
        // Holding the identity key is not enough: the identity opens only for an official whose
        // own request a second, senior official approved.
        let approved = requests
            .iter()
            .any(|q| q.requested_by == official.user.user_id && q.approved == Some(true));
        let reporter = match (&envelope.reporter_key, &envelope.sealed_reporter) {
            (Some(wrapped), Some(sealed)) if approved => {
                let identity_key = KeyPair::unwrap(wrapped, &own)?;
                Some(serde_json::from_slice::<Reporter>(
                    &identity_key.open(sealed)?,
                )?)
            }
            _ => None,
        };
        let mut attachments = Vec::new();
        for a in state.store.attachments_of(id).await? {
            let name = String::from_utf8(report_key.open(&a.sealed_name)?)?;
            attachments.push((a.attachment_id, name));
        }
        let holders = state.store.key_holders(id, "content").await?;
        let today = crate::intake::today();
        let mut reviews = Vec::new();
        for r in state.store.reviews_of(id).await? {
            let due = NaiveDate::parse_from_str(&r.decision_due, "%Y-%m-%d").ok();
            let (state_label, class) = match (&r.decided_on, due) {
                (Some(_), _) => (rt.met, "met"),
                (None, Some(d)) if d < today => (rt.overdue, "overdue"),
                (None, Some(d)) if (d - today).num_days() <= DUE_SOON_DAYS => (rt.due_soon, "soon"),
                _ => ("", ""),
            };
            reviews.push(ReviewView {
                review_id: r.review_id,
                level: rt.review_levels[if r.level == 1 { 0 } else { 1 }],
                requested_on: r.requested_on,
                reason: String::from_utf8(report_key.open(&r.sealed_reason)?)?,
                decision_due: DeadlineView {
                    label: wp.page.t.review_decision_due,
                    due: r.decision_due,
                    state: state_label,
                    class,
                },
                decided: r
                    .decided_on
                    .map(|d| format!("{d} ({})", r.decided_by.unwrap_or_default())),
            });
        }
        let history = state.store.audit_of("report", &id.to_string()).await?;
        state
            .store
            .audit(&AuditEvent {
                actor: &official.user.username,
                action: if reporter.is_some() {
                    "report.viewed_with_identity"
                } else {
                    "report.viewed"
                },
                subject_kind: "report",
                subject_id: &id.to_string(),
                detail: "",
            })
            .await?;
        anyhow::Ok((
            content,
            reporter,
            attachments,
            holders,
            requests,
            history,
            reviews,
        ))
    }
    .await?;
    let (content, reporter, attachments, holders, requests, history, reviews) = opened;
    let senior = actor.is(IDENTITY_APPROVERS);
    // The higher commission's reviewer reads the report to decide its review; the county's steps
    // are not theirs.
    let reviewer = actor.is(REVIEWERS);
    let handler = !reviewer;
    let extended = state.store.report_extended(id).await?;
    let today = crate::intake::today();
    let mut row = report_row(&envelope.summary, today, wp.page, rt);
    name_villages(state, std::iter::once(&mut row.village)).await?;
    let show = ShowPage {
        wp,
        rt,
        can_accept: handler && envelope.summary.status == "received",
        can_extend: handler && envelope.summary.status == "accepted" && !extended,
        can_conclude: handler && envelope.summary.status == "accepted",
        can_notify_result: handler
            && envelope.summary.result_notice_due.is_some()
            && envelope.summary.result_notified_on.is_none(),
        can_review: reviewer,
        anonymous: envelope.summary.anonymous,
        row,
        content,
        reporter,
        holders: holders.into_iter().map(|h| h.1).collect(),
        reviews,
        attachments,
        can_decide: senior
            && (envelope.reporter_escrow.is_some() || envelope.reporter_key.is_some()),
        requests: requests
            .into_iter()
            .map(|q| RequestView {
                own: q.requested_by == official.user.user_id,
                open: q.decided_at.is_none(),
                decision: match q.approved {
                    Some(true) => rt.approve.to_string(),
                    Some(false) => rt.refuse.to_string(),
                    None => String::new(),
                },
                request_id: q.request_id,
                requested_by: q.requested_by_name,
                reason: q.reason,
                requested_at: when(&q.requested_at),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| (when(&h.at), h.actor, h.action, h.detail))
            .collect(),
        message,
    };
    Ok(wp.page.render(status, &show))
}

pub async fn attachment(work: Work, Path((id, n)): Path<(i64, i64)>) -> Result<Response, Failure> {
    let (state, official) = (&work.state, &work.official);
    let (_, _, report_key) = open_envelope(state, official, id).await?;
    let found = async {
        let Some(a) = state
            .store
            .attachments_of(id)
            .await?
            .into_iter()
            .find(|a| a.attachment_id == n)
        else {
            return anyhow::Ok(None);
        };
        let name = String::from_utf8(report_key.open(&a.sealed_name)?)?;
        let body = report_key.open(&a.sealed_body)?;
        state
            .store
            .audit(&AuditEvent {
                actor: &official.user.username,
                action: "report.attachment_opened",
                subject_kind: "report",
                subject_id: &id.to_string(),
                detail: &format!("attachment={n}"),
            })
            .await?;
        Ok(Some((name, body)))
    }
    .await?;
    match found {
        Some((name, body)) => {
            // Only letters, digits, dot, dash and underscore reach the header; the rest of the
            // name goes in the RFC 5987 form.
            let ascii: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            let mut response = body.into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!(
                "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
            )) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(response)
        }
        None => Err(Failure::NotFound),
    }
}

/// Back to the report when a step changed something, else the report again with why not.
async fn answered<T>(
    work: &Work,
    id: i64,
    result: Result<T, Unchanged>,
) -> Result<Response, Failure> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/work/reports/{id}")).into_response()),
        Err(unchanged) => render_report(work, id, unchanged.status, Some(&unchanged.message)).await,
    }
}

pub async fn accept(work: Work, Path(id): Path<i64>) -> Result<Response, Failure> {
    let outcome = work.state.report_desk().accept(&work.actor(), id).await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(serde::Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
}

/// One extension of the 60-day handling, by at most 30 days, with the reason told to the reporter.
pub async fn extend(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<ExtendForm>,
) -> Result<Response, Failure> {
    // Not a number: as out of range (the use case names the limit).
    let days = form.days.trim().parse().unwrap_or(0);
    let outcome = work
        .state
        .report_desk()
        .extend(&work.actor(), id, days, &form.reason)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(serde::Deserialize)]
pub struct ConcludeForm {
    #[serde(default)]
    outcome: String,
}

pub async fn conclude(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<ConcludeForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .report_desk()
        .conclude(&work.actor(), id, &form.outcome)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(serde::Deserialize)]
pub struct ResultNoticeForm {
    #[serde(default)]
    how: String,
}

#[derive(serde::Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    to: String,
}

/// Transfers a received report to the body that handles it (转送).
pub async fn transfer(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<TransferForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .report_desk()
        .transfer(&work.actor(), id, &form.to)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

/// Records that the real-name reporter was told of the result.
pub async fn record_result_notice(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<ResultNoticeForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .report_desk()
        .record_result_notice(&work.actor(), id, &form.how)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

/// Decides a review or second review requested by the reporter, answering them.
pub async fn decide_review(
    work: Work,
    Path((id, review_id)): Path<(i64, i64)>,
    Form(form): Form<ConcludeForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .report_desk()
        .decide_review(&work.actor(), id, review_id, &form.outcome)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(serde::Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: String,
}

/// The official's own key of this session, without which no sealed report opens.
async fn own_key(work: &Work) -> Result<KeyPair, Failure> {
    session_key(&work.state, &work.official)
        .await?
        .ok_or_else(|| {
            Failure::Refused(
                StatusCode::FORBIDDEN,
                qingfeng_workflow::Refusal::new(ZH.no_key, EN.no_key),
            )
        })
}

pub async fn ask_identity(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, Failure> {
    let own = own_key(&work).await?;
    let outcome = work
        .state
        .identity_desk()
        .ask(&work.actor(), id, &form.reason, &own)
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

/// A senior official decides on a request (see `qingfeng_workflow::identity`).
pub async fn decide_identity(
    work: Work,
    Path((id, request_id)): Path<(i64, i64)>,
    Form(form): Form<IdentityForm>,
) -> Result<Response, Failure> {
    let own = own_key(&work).await?;
    let outcome = work
        .state
        .identity_desk()
        .decide(
            &work.actor(),
            id,
            request_id,
            form.decision == "approve",
            &own,
        )
        .await?;
    answered(&work, id, changed(outcome, work.is_zh())?).await
}

#[derive(Template)]
#[template(path = "work/audit.html")]
struct AuditPage<'a> {
    wp: &'a WorkPage<'a>,
    rt: &'static ReportTexts,
    rows: u64,
    head: String,
    broken: Option<(i64, String)>,
    access: qingfeng_store::AuditCheck,
    recent: Vec<qingfeng_store::AuditRow>,
}

pub async fn audit(work: Work) -> Result<Response, Failure> {
    let wp = work.wp();
    let rt = texts(&wp);
    let store = &work.state.store;
    let check = store.verify_audit().await?;
    let access = store.verify_access_log().await?;
    let recent = store.audit_recent(200).await?;
    Ok(work.page.render(
        StatusCode::OK,
        &AuditPage {
            wp: &wp,
            rt,
            rows: check.rows,
            head: check.head,
            broken: check.broken,
            access,
            recent,
        },
    ))
}
