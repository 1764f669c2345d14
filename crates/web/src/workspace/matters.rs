//! 事项 in the workspace: the matters of the official's jurisdiction, one matter with its steps
//! (who did each, when, the step due now and by when), opening a matter and doing its next step.
//! Every rule (the order, the post of each step, who opens) is the workflow's `MatterDesk`.

use super::{changed, Failure, Unchanged, Work, WorkPage};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_domain::matter::StepState;
use qingfeng_workflow::matters::MatterView;
use qingfeng_workflow::role::MATTER_OPENERS;

pub struct MatterTexts {
    pub title: &'static str,
    pub none: &'static str,
    pub power: &'static str,
    pub matter: &'static str,
    pub village: &'static str,
    pub opened_on: &'static str,
    pub now: &'static str,
    pub closed: &'static str,
    pub overdue: &'static str,
    pub due: &'static str,
    pub open: &'static str,
    pub open_title: &'static str,
    pub step: &'static str,
    pub post: &'static str,
    pub done_by: &'static str,
    pub note: &'static str,
    pub waiting: &'static str,
    pub do_step: &'static str,
    pub papers: &'static str,
    pub flowchart: &'static str,
    pub objections: &'static str,
    pub open_objections: &'static str,
    pub step_no: &'static str,
    pub answer_due: &'static str,
    pub escalated: &'static str,
    pub answer: &'static str,
    pub give_answer: &'static str,
}

const ZH: MatterTexts = MatterTexts {
    title: "事项",
    none: "没有事项。",
    power: "权力事项",
    matter: "事项名称",
    village: "村",
    opened_on: "发起日期",
    now: "当前步骤",
    closed: "已办结",
    overdue: "已逾期",
    due: "应办结日期",
    open: "发起事项",
    open_title: "事项名称（将向村民公开）",
    step: "步骤",
    post: "办理主体",
    done_by: "办理人和日期",
    note: "办理说明",
    waiting: "待办",
    do_step: "登记本步骤已办理",
    papers: "本步骤应留存的材料（已备齐的请勾选）",
    flowchart: "流程图",
    objections: "村民异议",
    open_objections: "待答复的异议",
    step_no: "步骤",
    answer_due: "答复期限",
    escalated: "已上交乡镇",
    answer: "答复",
    give_answer: "提交答复（将公开）",
};

const EN: MatterTexts = MatterTexts {
    title: "Matters",
    none: "No matters.",
    power: "Power",
    matter: "Matter",
    village: "Village",
    opened_on: "Opened",
    now: "Step now",
    closed: "closed",
    overdue: "overdue",
    due: "Due by",
    open: "Open a matter",
    open_title: "Title of the matter (public to the villagers)",
    step: "Step",
    post: "Who acts",
    done_by: "Done by, on",
    note: "Note",
    waiting: "to come",
    do_step: "Record this step as done",
    papers: "Papers this step keeps (tick those in hand)",
    flowchart: "Flowchart",
    objections: "Villagers' objections",
    open_objections: "Objections awaiting an answer",
    step_no: "Step",
    answer_due: "Answer due",
    escalated: "escalated to the township",
    answer: "Answer",
    give_answer: "Send the answer (published)",
};

fn texts(zh: bool) -> &'static MatterTexts {
    if zh {
        &ZH
    } else {
        &EN
    }
}

/// A matter in a list: where it stands in one line.
pub struct MatterRow {
    pub matter_id: i64,
    pub power: String,
    pub title: String,
    pub village: String,
    pub opened_on: String,
    /// The step due now, or "closed".
    pub now: String,
    pub due: String,
    pub overdue: bool,
}

pub fn matter_row(v: &MatterView, zh: bool) -> MatterRow {
    let t = texts(zh);
    let current = v.states.iter().enumerate().find_map(|(i, s)| match s {
        StepState::Current { due, overdue } => Some((i, *due, *overdue)),
        _ => None,
    });
    let (now, due, overdue) = match current {
        Some((i, due, overdue)) => {
            let step = &v.power.steps[i];
            (
                format!(
                    "{}. {}",
                    i + 1,
                    if zh { &step.title_zh } else { &step.title_en }
                ),
                due.map(|d| d.to_string()).unwrap_or_default(),
                overdue,
            )
        }
        None => (t.closed.to_string(), String::new(), false),
    };
    MatterRow {
        matter_id: v.matter.matter_id,
        power: if zh {
            v.power.title_zh.clone()
        } else {
            v.power.title_en.clone()
        },
        title: v.matter.title.clone(),
        village: v.matter.village_code.clone(),
        opened_on: v.matter.opened_on.clone(),
        now,
        due,
        overdue,
    }
}

#[derive(Template)]
#[template(path = "work/matters.html")]
struct ListPage<'a> {
    wp: &'a WorkPage<'a>,
    t: &'static MatterTexts,
    rows: Vec<MatterRow>,
    /// Unanswered objections: (matter, step, due, escalated).
    waiting: Vec<(i64, i64, String, bool)>,
    /// The powers a village official may open a matter of: (id, title).
    powers: Vec<(String, String)>,
    message: Option<String>,
}

async fn render_list(
    work: &Work,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let desk = work.state.matter_desk();
    let views = desk.list(&work.actor()).await?;
    let today = work.state.clock().today();
    let waiting = desk
        .open_objections(&work.actor())
        .await?
        .iter()
        .map(|o| {
            (
                o.matter_id,
                o.step_no,
                o.answer_due.clone(),
                qingfeng_workflow::matters::escalated(o, today),
            )
        })
        .collect();
    let mut rows: Vec<MatterRow> = views.iter().map(|v| matter_row(v, zh)).collect();
    super::reports::name_villages(&work.state, rows.iter_mut().map(|r| &mut r.village)).await?;
    let powers = if work.actor().is(MATTER_OPENERS) {
        work.state
            .powers
            .powers
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    if zh {
                        p.title_zh.clone()
                    } else {
                        p.title_en.clone()
                    },
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let wp = work.wp();
    Ok(work.page.render(
        status,
        &ListPage {
            wp: &wp,
            t: texts(zh),
            rows,
            waiting,
            powers,
            message,
        },
    ))
}

pub async fn list(work: Work) -> Result<Response, Failure> {
    render_list(&work, StatusCode::OK, None).await
}

#[derive(serde::Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    power: String,
    #[serde(default)]
    title: String,
}

pub async fn open_matter(work: Work, Form(form): Form<OpenForm>) -> Result<Response, Failure> {
    let outcome = work
        .state
        .matter_desk()
        .open(&work.actor(), &form.power, &form.title)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(id) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_list(&work, status, Some(message)).await,
    }
}

struct ObjectionRow {
    objection_id: i64,
    step_no: i64,
    filed_on: String,
    content: String,
    answer_due: String,
    escalated: bool,
    answer: Option<String>,
    can_answer: bool,
}

struct StepRow {
    no: usize,
    title: String,
    post: &'static str,
    limit: String,
    done: Option<String>,
    note: String,
    current: bool,
    due: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "work/matter.html")]
struct ShowPage<'a> {
    wp: &'a WorkPage<'a>,
    t: &'static MatterTexts,
    row: MatterRow,
    steps: Vec<StepRow>,
    /// The step the official may record now (1-based), and the papers it requires.
    can_do: Option<usize>,
    papers: Vec<String>,
    objections: Vec<ObjectionRow>,
    power_id: String,
    message: Option<String>,
}

async fn render_matter(
    work: &Work,
    id: i64,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let desk = work.state.matter_desk();
    let actor = work.actor();
    let view = desk.visible(&actor, id).await?.ok_or(Failure::NotFound)?;
    let steps = view
        .power
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let done = view.done.get(i);
            let (current, due, overdue) = match view.states[i] {
                StepState::Current { due, overdue } => (
                    true,
                    due.map(|d| d.to_string()).unwrap_or_default(),
                    overdue,
                ),
                _ => (false, String::new(), false),
            };
            StepRow {
                no: i + 1,
                title: if zh {
                    s.title_zh.clone()
                } else {
                    s.title_en.clone()
                },
                post: if zh {
                    s.post.label_zh()
                } else {
                    s.post.label_en()
                },
                limit: match s.limit {
                    Some(l) if zh => l.label_zh(),
                    Some(l) => l.label_en(),
                    None => String::new(),
                },
                done: done.map(|d| format!("{} · {}", d.done_by, d.done_on)),
                // What was noted, and the papers confirmed in hand.
                note: done
                    .map(|d| {
                        let papers = d.documents.replace('\n', "、");
                        match (d.note.is_empty(), papers.is_empty()) {
                            (_, true) => d.note.clone(),
                            (true, false) => format!("[{papers}]"),
                            (false, false) => format!("{} [{papers}]", d.note),
                        }
                    })
                    .unwrap_or_default(),
                current,
                due,
                overdue,
            }
        })
        .collect();
    let can_do = desk.acts_now(&actor, &view).then_some(view.done.len() + 1);
    let papers = view
        .power
        .steps
        .get(view.done.len())
        .map(|s| {
            if zh {
                s.documents_zh.clone()
            } else {
                s.documents_en.clone()
            }
        })
        .unwrap_or_default();
    let today = work.state.clock().today();
    let objections = desk
        .objections(id)
        .await?
        .iter()
        .map(|o| ObjectionRow {
            objection_id: o.objection_id,
            step_no: o.step_no,
            filed_on: o.filed_on.clone(),
            content: o.content.clone(),
            answer_due: o.answer_due.clone(),
            escalated: qingfeng_workflow::matters::escalated(o, today),
            answer: o.answer.as_ref().map(|a| {
                format!(
                    "{a} ({} · {})",
                    o.answered_by.clone().unwrap_or_default(),
                    o.answered_on.clone().unwrap_or_default()
                )
            }),
            can_answer: desk.answers_now(&actor, o),
        })
        .collect();
    let mut row = matter_row(&view, zh);
    super::reports::name_villages(&work.state, std::iter::once(&mut row.village)).await?;
    let wp = work.wp();
    Ok(work.page.render(
        status,
        &ShowPage {
            wp: &wp,
            t: texts(zh),
            row,
            steps,
            can_do,
            papers,
            objections,
            power_id: view.power.id.clone(),
            message,
        },
    ))
}

pub async fn show(work: Work, Path(id): Path<i64>) -> Result<Response, Failure> {
    render_matter(&work, id, StatusCode::OK, None).await
}

/// The step form: `step`, `note`, and one `documents` field per paper ticked (a repeated key,
/// so read as pairs).
pub async fn do_step(
    work: Work,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let step: usize = field("step").trim().parse().unwrap_or(0);
    let documents: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "documents")
        .map(|(_, v)| v.clone())
        .collect();
    let outcome = work
        .state
        .matter_desk()
        .do_step(&work.actor(), id, step, field("note"), &documents)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(()) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_matter(&work, id, status, Some(message)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer_objection(
    work: Work,
    Path((id, objection)): Path<(i64, i64)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .matter_desk()
        .answer(&work.actor(), objection, &form.answer)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(()) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_matter(&work, id, status, Some(message)).await,
    }
}
