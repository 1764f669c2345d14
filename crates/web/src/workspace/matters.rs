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
    pub amount: &'static str,
    pub request: &'static str,
    pub method: &'static str,
    pub category: &'static str,
    pub payee: &'static str,
    pub payee_id: &'static str,
    pub purpose: &'static str,
    pub decision: &'static str,
    pub contract: &'static str,
    pub for_matter: &'static str,
    pub voucher: &'static str,
    pub refused: &'static str,
    pub refuse: &'static str,
    pub reason: &'static str,
    pub my_queue: &'static str,
    pub party_vote: &'static str,
    pub villagers_vote: &'static str,
    pub meeting_kind: &'static str,
    pub villagers: &'static str,
    pub representatives: &'static str,
    pub notice_on: &'static str,
    pub entitled: &'static str,
    pub present: &'static str,
    pub approve: &'static str,
    pub households: &'static str,
    pub households_present: &'static str,
    pub decision_id: &'static str,
    pub decision_made: &'static str,
    pub request_hint: &'static str,
    pub disclosure: &'static str,
    pub refer: &'static str,
    pub referred: &'static str,
    pub referred_hidden: &'static str,
    pub disclosure_hint: &'static str,
    pub disclosure_category: &'static str,
    pub disclosure_period: &'static str,
    pub published_as: &'static str,
    pub scans: &'static str,
    pub attach: &'static str,
    pub attach_hint: &'static str,
    pub committee: &'static str,
    pub committee_object: &'static str,
    pub counted: &'static str,
    pub open_count: &'static str,
    pub overdue_count: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
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
    amount: "金额（元）",
    request: "支出申请（报销事项填写）",
    method: "支付方式",
    category: "支出科目",
    payee: "收款人",
    payee_id: "收款人证件号或统一社会信用代码",
    purpose: "用途",
    decision: "所依据的决策编号（如有）",
    contract: "合同编号（如有）",
    for_matter: "用于哪件事项（事项编号，如有）",
    voucher: "记账凭证",
    refused: "已退回",
    refuse: "退回（须写明理由，将公开）",
    reason: "退回理由",
    my_queue: "待我办理",
    party_vote: "党员大会表决",
    villagers_vote: "村民（代表）会议表决",
    meeting_kind: "会议类型",
    villagers: "村民会议",
    representatives: "村民代表会议",
    notice_on: "会议通知日期",
    entitled: "应到人数",
    present: "实到人数",
    approve: "赞成人数",
    households: "应到户数（按户计时填写）",
    households_present: "到会户数",
    decision_id: "决策编号",
    decision_made: "本事项形成的决策编号",
    committee: "村务监督委员会",
    committee_object: "以村务监督委员会名义提出异议（将公开）",
    counted: "共",
    open_count: "办理中",
    overdue_count: "已逾期",
    newer: "上一页",
    older: "下一页",
    request_hint: "支出前，系统按与事后审计相同的规则和标准检查：需决策而无有效决策、超限额现金、拆分支出、付给本村干部或其亲属、合同未公示的，一律不予支付。",
    disclosure: "公开内容（仅“村务、财务公开”事项填写）",
    refer: "移交乡镇纪委书记（由乡镇纪委答复，而非本村）",
    referred: "已移交乡镇纪委",
    referred_hidden: "（监督委员会移交乡镇纪委的内容，不向本村和乡镇干部显示）",
    disclosure_hint: "公开内容须经村务监督委员会审核签字后才能公布；退回的须写明理由，理由向村民公开。",
    disclosure_category: "公开类别",
    disclosure_period: "公开期间",
    published_as: "已公布为",
    scans: "扫描件",
    attach: "附上扫描件",
    attach_hint: "由办理该步骤的人上传发票、会议记录、公开栏照片等的扫描件（JPEG、PNG或PDF，每份不超过5MB）。上传后不能替换或删除，其校验值记入审计记录。",
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
    amount: "Amount (yuan)",
    request: "Spending request (for reimbursement)",
    method: "Paid by",
    category: "Expense category",
    payee: "Payee",
    payee_id: "Payee's ID number or credit code",
    purpose: "Purpose",
    decision: "Decision it rests on (if any)",
    contract: "Contract (if any)",
    for_matter: "For matter number (if any)",
    voucher: "Voucher",
    refused: "refused",
    refuse: "Refuse (a reason is required and published)",
    reason: "Reason",
    my_queue: "Waiting for me",
    party_vote: "Party members' meeting vote",
    villagers_vote: "Villagers' (representatives') meeting vote",
    meeting_kind: "Meeting",
    villagers: "Villagers' meeting",
    representatives: "Representatives' meeting",
    notice_on: "Announced on",
    entitled: "Entitled",
    present: "Present",
    approve: "In favour",
    households: "Households entitled (if counted)",
    households_present: "Households present",
    decision_id: "Decision",
    decision_made: "Decision made by this matter",
    committee: "Village supervision committee",
    committee_object: "Object in the supervision committee's name (published)",
    counted: "In all",
    open_count: "open",
    overdue_count: "overdue",
    newer: "Previous page",
    older: "Next page",
    request_hint: "Before any money moves, the same rules and thresholds that audit the books afterwards check the request: no valid decision where one is needed, cash above the limit, a split, a payee who is an official of the village or a relative, a contract not publicized: none of these is paid.",
    disclosure: "What is published (only for a disclosure matter)",
    refer: "Hand it to the township discipline secretary (who answers it, not the village)",
    referred: "handed to the township discipline secretary",
    referred_hidden: "(what the committee handed to the discipline secretary is not shown to the village's and township's officials)",
    disclosure_hint: "Nothing is published before the supervision committee has reviewed and signed it; a refusal gives its reason, which the villagers see.",
    disclosure_category: "Category",
    disclosure_period: "Period",
    published_as: "Published as",
    scans: "Scans",
    attach: "Attach a scan",
    attach_hint: "Whoever did a step uploads the scans of its papers (receipts, minutes, a photo of the notice board: JPEG, PNG or PDF, up to 5 MB each). A scan cannot be replaced or removed; its checksum goes on the audit trail.",
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
    /// "12,345.00" when the matter carries an amount.
    pub amount: String,
    /// The refusal: step, reason, by whom and when.
    pub refused: Option<String>,
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
        None if v.matter.refused_step.is_some() => (t.refused.to_string(), String::new(), false),
        None => (t.closed.to_string(), String::new(), false),
    };
    let refused = v.matter.refused_step.map(|n| {
        format!(
            "{} {n}: {} ({} · {})",
            t.step_no,
            v.matter.refused_reason.clone().unwrap_or_default(),
            v.matter.refused_by.clone().unwrap_or_default(),
            v.matter.refused_on.clone().unwrap_or_default()
        )
    });
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
        amount: v
            .matter
            .amount
            .map(|a| qingfeng_domain::Money::from_fen(a).to_string())
            .unwrap_or_default(),
        refused,
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
    /// The matters whose step due now is the actor's.
    queue: Vec<MatterRow>,
    categories: Vec<(&'static str, &'static str)>,
    /// The disclosure register's categories: (code, label).
    disclosure_categories: Vec<(&'static str, String)>,
    methods: Vec<(&'static str, &'static str)>,
    /// All, open and overdue matters of the jurisdiction.
    counts: qingfeng_store::matters::MatterCounts,
    /// This page (0-based) and whether there is one after it.
    page: i64,
    more: bool,
    message: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    page: i64,
}

async fn render_list(
    work: &Work,
    page: i64,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let desk = work.state.matter_desk();
    let page = page.max(0);
    let views = desk.list(&work.actor(), page).await?;
    let counts = desk.counts(&work.actor()).await?;
    let more = (page + 1) * qingfeng_workflow::matters::LIST_PAGE < counts.all;
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
    let mut queue: Vec<MatterRow> = desk
        .queue(&work.actor())
        .await?
        .iter()
        .map(|v| matter_row(v, zh))
        .collect();
    super::reports::name_villages(&work.state, queue.iter_mut().map(|r| &mut r.village)).await?;
    let pick = |list: &'static [(&'static str, &'static str, &'static str)]| {
        list.iter()
            .map(|c| (c.0, if zh { c.1 } else { c.2 }))
            .collect::<Vec<_>>()
    };
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
            queue,
            categories: pick(qingfeng_domain::spending::EXPENSE_CATEGORIES),
            disclosure_categories: disclosure_categories(zh),
            methods: pick(qingfeng_domain::spending::METHODS),
            counts,
            page,
            more,
            message,
        },
    ))
}

/// The disclosure register's categories, as the contract spells them.
fn disclosure_categories(zh: bool) -> Vec<(&'static str, String)> {
    let kind = qingfeng_domain::contract::table("disclosures")
        .and_then(|t| t.column("category"))
        .map(|c| c.kind);
    match kind {
        Some(qingfeng_domain::contract::Kind::Enum(choices)) => choices
            .iter()
            .map(|c| {
                let label = match c.spellings.first() {
                    Some(s) if zh => s.to_string(),
                    _ => c.code.replace('_', " "),
                };
                (c.code, label)
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub async fn list(
    work: Work,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> Result<Response, Failure> {
    render_list(&work, q.page, StatusCode::OK, None).await
}

#[derive(serde::Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    power: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    payee: String,
    #[serde(default)]
    payee_id: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    contract: String,
    #[serde(default)]
    for_matter: String,
    #[serde(default)]
    disclosure_category: String,
    #[serde(default)]
    disclosure_period: String,
}

/// Text of a form field, None when left empty.
fn given(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn open_matter(work: Work, Form(form): Form<OpenForm>) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let amount = match given(&form.amount) {
        None => None,
        Some(a) => match qingfeng_domain::Money::parse_yuan(&a, false) {
            Ok(m) => Some(m.fen()),
            Err(why) => {
                let message = if zh { why.zh } else { why.en };
                return render_list(&work, 0, StatusCode::UNPROCESSABLE_ENTITY, Some(message))
                    .await;
            }
        },
    };
    let for_matter = match given(&form.for_matter) {
        None => None,
        Some(m) => match m.trim_start_matches('#').parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                let message = if zh {
                    "事项编号须为数字"
                } else {
                    "a matter number is digits"
                };
                return render_list(
                    &work,
                    0,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(message.into()),
                )
                .await;
            }
        },
    };
    let request = qingfeng_domain::spending::RequestForm {
        amount_fen: amount.unwrap_or(0),
        method: form.method.clone(),
        category: form.category.clone(),
        payee_name: form.payee.clone(),
        payee_id: given(&form.payee_id),
        description: form.purpose.clone(),
        decision_id: given(&form.decision),
        contract_id: given(&form.contract),
        for_matter,
    };
    let desk = work.state.matter_desk();
    let publishes = work
        .state
        .powers
        .get(&form.power)
        .is_some_and(|p| p.publishes());
    let outcome = if publishes {
        desk.open_disclosure(
            &work.actor(),
            &form.power,
            &form.title,
            &form.disclosure_category,
            &form.disclosure_period,
        )
        .await?
    } else {
        desk.open(
            &work.actor(),
            &form.power,
            &form.title,
            amount,
            Some(&request),
        )
        .await?
    };
    match changed(outcome, work.is_zh())? {
        Ok(id) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_list(&work, 0, status, Some(message)).await,
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
    /// The committee member who raised it (None: a villager, anonymous).
    raised_by: Option<String>,
    /// Handed to the township discipline secretary.
    referred: bool,
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
    /// The step's scans: (paper id, file name).
    scans: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "work/matter.html")]
struct ShowPage<'a> {
    /// The steps the official did, whose scans they may attach: (step, title).
    attachable: Vec<(usize, String)>,
    wp: &'a WorkPage<'a>,
    t: &'static MatterTexts,
    row: MatterRow,
    steps: Vec<StepRow>,
    /// The step the official may record now (1-based), and the papers it requires.
    can_do: Option<usize>,
    papers: Vec<String>,
    objections: Vec<ObjectionRow>,
    power_id: String,
    /// What the step due now records: "party_vote", "villagers_vote", "decision", "payment"...
    records: &'static str,
    /// Whether the actor may refuse the step due now (a signature or a payment).
    can_refuse: bool,
    /// The decision the matter made or rests on.
    decision_id: Option<String>,
    /// The request of a spending matter, as label/value lines.
    request: Vec<(&'static str, String)>,
    /// The steps the supervision committee may object to, if the actor sits on it.
    committee_objectable: Vec<(usize, String)>,
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
    let scans = desk.papers(&actor, id).await?;
    let attachable = view
        .done
        .iter()
        .filter(|d| d.done_by == actor.username)
        .filter_map(|d| {
            let s = view.power.steps.get((d.step_no - 1) as usize)?;
            Some((
                d.step_no as usize,
                if zh {
                    s.title_zh.clone()
                } else {
                    s.title_en.clone()
                },
            ))
        })
        .collect();
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
                scans: scans
                    .iter()
                    .filter(|p| p.step_no == (i + 1) as i64)
                    .map(|p| (p.paper_id, p.name.clone()))
                    .collect(),
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
                done: done
                    .map(|d| format!("{} · {}", d.done_by, d.done_on))
                    .or_else(|| match view.states[i] {
                        StepState::Refused { on } => Some(format!(
                            "{} · {} · {on}",
                            texts(zh).refused,
                            view.matter.refused_by.clone().unwrap_or_default()
                        )),
                        _ => None,
                    }),
                // What was noted, a meeting's counts, the decision it rested on, and the
                // papers confirmed in hand.
                note: done
                    .map(|d| {
                        let papers = d.documents.replace('\n', "、");
                        let mut parts: Vec<String> = Vec::new();
                        for part in [
                            d.note.clone(),
                            d.votes_text(zh),
                            d.decision_id.clone().unwrap_or_default(),
                        ] {
                            if !part.is_empty() {
                                parts.push(part);
                            }
                        }
                        if !papers.is_empty() {
                            parts.push(format!("[{papers}]"));
                        }
                        parts.join(" · ")
                    })
                    .unwrap_or_default(),
                current,
                due,
                overdue,
            }
        })
        .collect();
    let can_do = desk.acts_now(&actor, &view).then_some(view.done.len() + 1);
    let next = view.power.steps.get(view.done.len());
    let records = next.and_then(|s| s.records).map_or("", |r| r.code());
    let can_refuse = can_do.is_some() && next.is_some_and(|s| s.may_refuse());
    let t = texts(zh);
    let committee_objectable = if actor.is(qingfeng_workflow::role::COMMITTEE_OBJECTORS) {
        view.power
            .steps
            .iter()
            .take((view.done.len() + 1).min(view.power.steps.len()))
            .enumerate()
            .map(|(i, s)| {
                (
                    i + 1,
                    if zh {
                        s.title_zh.clone()
                    } else {
                        s.title_en.clone()
                    },
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let request = view
        .request
        .as_ref()
        .map(|r| {
            let (cat_zh, cat_en) = qingfeng_domain::spending::label(
                qingfeng_domain::spending::EXPENSE_CATEGORIES,
                &r.category,
            );
            let (m_zh, m_en) =
                qingfeng_domain::spending::label(qingfeng_domain::spending::METHODS, &r.method);
            let mut lines = vec![
                (
                    t.amount,
                    qingfeng_domain::Money::from_fen(r.amount).to_string(),
                ),
                (t.method, (if zh { m_zh } else { m_en }).to_string()),
                (t.category, (if zh { cat_zh } else { cat_en }).to_string()),
                (t.payee, r.payee_name.clone()),
                (t.purpose, r.description.clone()),
            ];
            for (label, value) in [
                (t.payee_id, r.payee_id.clone()),
                (t.decision, r.decision_id.clone()),
                (t.contract, r.contract_id.clone()),
                (t.for_matter, r.for_matter.map(|m| format!("#{m}"))),
                (t.voucher, r.voucher_id.clone()),
            ] {
                if let Some(v) = value {
                    lines.push((label, v));
                }
            }
            lines
        })
        .unwrap_or_default();
    let mut request = request;
    if let (Some(c), Some(p)) = (
        &view.matter.disclosure_category,
        &view.matter.disclosure_period,
    ) {
        let label = disclosure_categories(zh)
            .into_iter()
            .find(|(code, _)| code == c)
            .map_or_else(|| c.clone(), |(_, l)| l);
        request.push((t.disclosure_category, label));
        request.push((t.disclosure_period, p.clone()));
        if view.power.publishes()
            && view.matter.closed_on.is_some()
            && view.matter.refused_step.is_none()
        {
            request.push((
                t.published_as,
                qingfeng_workflow::matters::disclosure_id_of(view.matter.matter_id),
            ));
        }
    }
    let decision_id = view.matter.decision_id.clone().or_else(|| {
        view.power
            .decides()
            .then(|| qingfeng_workflow::matters::decision_id_of(view.matter.matter_id))
    });
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
            // What the committee handed to the discipline secretary is not for the officials
            // whose work it questions.
            content: if o.referred_to.is_some()
                && !actor.is(qingfeng_workflow::role::REFERRAL_READERS)
            {
                t.referred_hidden.to_string()
            } else {
                o.content.clone()
            },
            answer_due: o.answer_due.clone(),
            escalated: qingfeng_workflow::matters::escalated(o, today),
            referred: o.referred_to.is_some(),
            answer: o.answer.as_ref().map(|a| {
                format!(
                    "{a} ({} · {})",
                    o.answered_by.clone().unwrap_or_default(),
                    o.answered_on.clone().unwrap_or_default()
                )
            }),
            can_answer: desk.answers_now(&actor, o),
            raised_by: o.raised_by.clone(),
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
            records,
            can_refuse,
            decision_id,
            request,
            committee_objectable,
            attachable,
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
    let count = |name: &str| field(name).trim().parse::<i64>().ok();
    let votes = match (count("total"), count("present"), count("approve")) {
        (Some(total), Some(present), Some(approve)) => Some(qingfeng_domain::decision::Votes {
            meeting_kind: given(field("meeting_kind")),
            notice_on: given(field("notice_on")),
            total,
            present,
            approve,
            households_total: count("households_total"),
            households_present: count("households_present"),
        }),
        _ => None,
    };
    let input = qingfeng_workflow::matters::StepInput {
        note: field("note").to_string(),
        documents,
        votes,
        decision_id: given(field("decision_id")),
    };
    let outcome = work
        .state
        .matter_desk()
        .do_step(&work.actor(), id, step, &input)
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

#[derive(serde::Deserialize)]
pub struct RefuseForm {
    #[serde(default)]
    step: usize,
    #[serde(default)]
    reason: String,
}

/// The supervision committee or the township agency refuses the step due now, with a reason.
pub async fn refuse_step(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<RefuseForm>,
) -> Result<Response, Failure> {
    let outcome = work
        .state
        .matter_desk()
        .refuse(&work.actor(), id, form.step, &form.reason)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(()) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_matter(&work, id, status, Some(message)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    step: usize,
    #[serde(default)]
    content: String,
    /// Hand it to the township discipline secretary instead of the village.
    #[serde(default)]
    refer: Option<String>,
}

/// The supervision committee objects to a step in its own name.
pub async fn committee_objection(
    work: Work,
    Path(id): Path<i64>,
    Form(form): Form<ObjectionForm>,
) -> Result<Response, Failure> {
    let desk = work.state.matter_desk();
    let outcome = if form.refer.is_some() {
        desk.refer_to_discipline(&work.actor(), id, form.step, &form.content)
            .await?
    } else {
        desk.object_as_committee(&work.actor(), id, form.step, &form.content)
            .await?
    };
    match changed(outcome, work.is_zh())? {
        Ok(_) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_matter(&work, id, status, Some(message)).await,
    }
}

/// Attaches a scan to a step the official did.
pub async fn attach_scan(
    work: Work,
    Path(id): Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, Failure> {
    let mut step = 0usize;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| Failure::Internal(e.into()))?
    {
        match field.name().unwrap_or_default() {
            "step" => {
                step = field
                    .text()
                    .await
                    .map_err(|e| Failure::Internal(e.into()))?
                    .trim()
                    .parse()
                    .unwrap_or(0)
            }
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| Failure::Internal(e.into()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let (name, bytes) = file.unwrap_or_default();
    let outcome = work
        .state
        .matter_desk()
        .attach(&work.actor(), id, step, &name, &bytes)
        .await?;
    match changed(outcome, work.is_zh())? {
        Ok(_) => Ok(Redirect::to(&format!("/work/matters/{id}")).into_response()),
        Err(Unchanged { status, message }) => render_matter(&work, id, status, Some(message)).await,
    }
}

/// A step's scan, checked against the audit trail, as a download.
pub async fn scan(work: Work, Path((id, paper)): Path<(i64, i64)>) -> Result<Response, Failure> {
    let outcome = work
        .state
        .matter_desk()
        .paper(&work.actor(), id, paper)
        .await?;
    let (info, body) = match changed(outcome, work.is_zh())? {
        Ok(found) => found,
        Err(Unchanged { status, message }) => {
            return render_matter(&work, id, status, Some(message)).await
        }
    };
    let ascii: String = info
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = form_urlencoded::byte_serialize(info.name.as_bytes()).collect();
    let mut response = body.into_response();
    let h = response.headers_mut();
    if let Ok(v) = axum::http::HeaderValue::from_str(&info.content_type) {
        h.insert(axum::http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
