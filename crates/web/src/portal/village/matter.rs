//! One matter of a village on the portal: its steps as the power lists them, where it stands,
//! the objections villagers raised and the answers, and the form to object to a step
//! (anonymous: nothing about the villager is kept but what they write).

use crate::page::{error, Page};
use crate::portal::failure;
use crate::Shared;
use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_domain::matter::StepState;
use qingfeng_workflow::matters::{escalated, MatterView};
use qingfeng_workflow::Outcome;
use std::net::SocketAddr;

pub struct MatterTexts {
    pub steps: &'static str,
    pub post: &'static str,
    pub state: &'static str,
    pub done_on: &'static str,
    pub now: &'static str,
    pub due: &'static str,
    pub overdue: &'static str,
    pub waiting: &'static str,
    pub objections: &'static str,
    pub objections_none: &'static str,
    pub referred: &'static str,
    pub referred_answered: &'static str,
    pub filed_on: &'static str,
    pub answer: &'static str,
    pub awaiting: &'static str,
    pub escalated: &'static str,
    pub object: &'static str,
    pub object_intro: &'static str,
    pub object_step: &'static str,
    pub object_content: &'static str,
    pub submit: &'static str,
    pub filed: &'static str,
    pub flowchart: &'static str,
    pub back: &'static str,
    pub refused: &'static str,
    pub committee: &'static str,
    pub amount: &'static str,
    pub payee: &'static str,
    pub purpose: &'static str,
    pub voucher: &'static str,
    pub decision: &'static str,
}

const ZH: MatterTexts = MatterTexts {
    steps: "办理步骤",
    post: "办理主体",
    state: "办理情况",
    done_on: "已办理",
    now: "正在办理",
    due: "应于",
    overdue: "已逾期",
    waiting: "待办",
    objections: "村民异议和答复",
    objections_none: "还没有异议。",
    referred: "村务监督委员会已将此事移交乡镇纪委书记。",
    referred_answered: "乡镇纪委已答复",
    filed_on: "提出日期",
    answer: "答复",
    awaiting: "待村里答复，期限",
    escalated: "村里逾期未答复，已上交乡镇答复",
    object: "对某一步骤提出异议",
    object_intro: "不用留姓名。村里须在10日内答复，逾期未答复的由乡镇答复。异议和答复都会在本页公开，请不要写他人的身份证号等个人信息。",
    object_step: "对哪一步",
    object_content: "异议内容",
    submit: "提交异议",
    filed: "异议已提交，答复会公开在本页。",
    flowchart: "流程图",
    back: "返回本村公开",
    refused: "已退回",
    committee: "村务监督委员会提出",
    amount: "金额（元）",
    payee: "收款人",
    purpose: "用途",
    voucher: "已支付，记账凭证",
    decision: "决策编号",
};

const EN: MatterTexts = MatterTexts {
    steps: "Steps",
    post: "Who acts",
    state: "Where it stands",
    done_on: "done",
    now: "under way",
    due: "due by",
    overdue: "overdue",
    waiting: "to come",
    objections: "Villagers' objections and the answers",
    objections_none: "No objection yet.",
    referred: "The supervision committee handed this to the township discipline secretary.",
    referred_answered: "The township discipline secretary has answered",
    filed_on: "Raised on",
    answer: "Answer",
    awaiting: "awaiting the village's answer, due by",
    escalated: "the village did not answer in time: the township answers",
    object: "Object to a step",
    object_intro: "No name needed. The village answers within 10 days, the township if it does not. Objections and answers are published on this page: please write no one's ID number or other personal data.",
    object_step: "Which step",
    object_content: "Your objection",
    submit: "Raise the objection",
    filed: "Your objection is filed; the answer will be published on this page.",
    flowchart: "Flowchart",
    back: "Back to the village",
    refused: "Refused",
    committee: "raised by the village supervision committee",
    amount: "Amount (yuan)",
    payee: "Payee",
    purpose: "Purpose",
    voucher: "Paid: voucher",
    decision: "Decision",
};

struct StepRow {
    no: usize,
    title: String,
    post: &'static str,
    state: String,
    overdue: bool,
}

struct ObjectionRow {
    /// Raised by the village supervision committee (not a villager).
    committee: bool,
    step_no: i64,
    filed_on: String,
    content: String,
    answer: Option<String>,
    status: String,
}

#[derive(Template)]
#[template(path = "village_matter.html")]
struct MatterPage<'a> {
    page: &'a Page,
    t: &'static MatterTexts,
    code: String,
    matter_id: i64,
    power_id: String,
    power: String,
    title: String,
    opened_on: String,
    steps: Vec<StepRow>,
    objections: Vec<ObjectionRow>,
    /// The steps one may object to: (number, title).
    objectable: Vec<(usize, String)>,
    /// The refusal (step and reason), published.
    refused: Option<String>,
    /// A spending matter: amount, payee (masked), purpose, and the voucher once paid.
    request: Vec<(&'static str, String)>,
    message: Option<String>,
}

async fn render(
    state: &Shared,
    page: &Page,
    code: &str,
    id: i64,
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let zh = page.lang == crate::i18n::Lang::Zh;
    let t = if zh { &ZH } else { &EN };
    let desk = state.matter_desk();
    let loaded = async {
        let Some(view) = desk.public_one(code, id).await? else {
            return anyhow::Ok(None);
        };
        let objections = desk.objections(id).await?;
        Ok(Some((view, objections)))
    }
    .await;
    let (view, objections): (MatterView, _) = match loaded {
        Ok(Some(x)) => x,
        Ok(None) => return error(page, StatusCode::NOT_FOUND, page.t.not_found),
        Err(e) => return failure(page, e),
    };
    let pick = |a: &String, b: &String| if zh { a.clone() } else { b.clone() };
    let steps = view
        .power
        .steps
        .iter()
        .zip(&view.states)
        .enumerate()
        .map(|(i, (s, st))| {
            let (state, overdue) = match st {
                StepState::Done { on } => (format!("{} {on}", t.done_on), false),
                StepState::Current {
                    due: Some(d),
                    overdue,
                } => (
                    format!(
                        "{}，{} {d}{}",
                        t.now,
                        t.due,
                        if *overdue {
                            format!("，{}", t.overdue)
                        } else {
                            String::new()
                        }
                    ),
                    *overdue,
                ),
                StepState::Current { due: None, .. } => (t.now.to_string(), false),
                StepState::Waiting => (t.waiting.to_string(), false),
                StepState::Refused { on } => (format!("{} {on}", t.refused), false),
            };
            // A meeting's counts are disclosed with the resolution (村务公开).
            let votes = view
                .done
                .get(i)
                .map(|d| d.votes_text(zh))
                .filter(|v| !v.is_empty());
            let state = match votes {
                Some(v) => format!("{state}；{v}"),
                None => state,
            };
            StepRow {
                no: i + 1,
                title: pick(&s.title_zh, &s.title_en),
                post: if zh {
                    s.post.label_zh()
                } else {
                    s.post.label_en()
                },
                state,
                overdue,
            }
        })
        .collect();
    let today = state.clock().today();
    let objections = objections
        .iter()
        .map(|o| ObjectionRow {
            committee: o.raised_by.is_some(),
            step_no: o.step_no,
            filed_on: o.filed_on.clone(),
            // Handed to the township discipline secretary: the villagers see that it was, and
            // when it was answered; what it says is the secretary's to pursue.
            content: if o.referred_to.is_some() {
                t.referred.to_string()
            } else {
                o.content.clone()
            },
            answer: o.answer.as_ref().map(|a| {
                let on = o.answered_on.clone().unwrap_or_default();
                if o.referred_to.is_some() {
                    format!("{} ({on})", t.referred_answered)
                } else {
                    format!("{a} ({on})")
                }
            }),
            status: if escalated(o, today) {
                t.escalated.to_string()
            } else {
                format!("{} {}", t.awaiting, o.answer_due)
            },
        })
        .collect();
    let objectable = view
        .power
        .steps
        .iter()
        .take((view.done.len() + 1).min(view.power.steps.len()))
        .enumerate()
        .map(|(i, s)| (i + 1, pick(&s.title_zh, &s.title_en)))
        .collect();
    page.render(
        status,
        &MatterPage {
            page,
            t,
            code: code.to_string(),
            matter_id: id,
            power_id: view.power.id.clone(),
            power: pick(&view.power.title_zh, &view.power.title_en),
            title: view.matter.title.clone(),
            opened_on: view.matter.opened_on.clone(),
            steps,
            objections,
            objectable,
            refused: view.matter.refused_step.map(|n| {
                format!(
                    "{} {n}: {} ({})",
                    t.object_step,
                    view.matter.refused_reason.clone().unwrap_or_default(),
                    view.matter.refused_on.clone().unwrap_or_default()
                )
            }),
            request: request_lines(&view, t),
            message,
        },
    )
}

/// What a spending matter asks to pay, as villagers see it: the payee's name masked (a person
/// is not named to the whole village; a company is).
fn request_lines(view: &MatterView, t: &'static MatterTexts) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let Some(r) = &view.request {
        lines.push((
            t.amount,
            qingfeng_domain::Money::from_fen(r.amount).to_string(),
        ));
        lines.push((t.payee, qingfeng_domain::mask_name(&r.payee_name)));
        lines.push((t.purpose, r.description.clone()));
        if let Some(v) = &r.voucher_id {
            lines.push((t.voucher, v.clone()));
        }
    } else if let Some(a) = view.matter.amount {
        lines.push((t.amount, qingfeng_domain::Money::from_fen(a).to_string()));
    }
    if let Some(d) = &view.matter.decision_id {
        lines.push((t.decision, d.clone()));
    }
    lines
}

#[derive(serde::Deserialize, Default)]
pub struct ShownQuery {
    #[serde(default)]
    filed: bool,
}

pub async fn show(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    axum::extract::Query(q): axum::extract::Query<ShownQuery>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let t = if page.lang == crate::i18n::Lang::Zh {
        &ZH
    } else {
        &EN
    };
    let message = q.filed.then(|| t.filed.to_string());
    render(&state, &page, &code, id, StatusCode::OK, message).await
}

#[derive(serde::Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    step: usize,
    #[serde(default)]
    content: String,
}

pub async fn object(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    Form(form): Form<ObjectionForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    // Objections share the reports' allowance: a few per client per hour, and a ceiling for
    // everyone, so that a flood cannot bury the real ones.
    if !state.filings.allow(state.client_ip(client, &headers)) || !state.filings_total.take(1) {
        let message = Some(page.t.report_too_many.to_string());
        return render(
            &state,
            &page,
            &code,
            id,
            StatusCode::TOO_MANY_REQUESTS,
            message,
        )
        .await;
    }
    let zh = page.lang == crate::i18n::Lang::Zh;
    match state
        .matter_desk()
        .object(&code, id, form.step, &form.content)
        .await
    {
        Ok(Outcome::Changed(_)) => {
            Redirect::to(&format!("/village/{code}/matters/{id}?filed=true")).into_response()
        }
        Ok(Outcome::NotFound) => error(&page, StatusCode::NOT_FOUND, page.t.not_found),
        Ok(other) => {
            let message = other.refusal().map(|r| r.text(zh).to_string());
            render(
                &state,
                &page,
                &code,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                message,
            )
            .await
        }
        Err(e) => failure(&page, e),
    }
}
