//! 村级台账 / Village books in the workspace: what the registers remind of (rent not yet booked
//! as a contract year ends, contracts ending, debts falling due), each register's rows in the
//! official's jurisdiction, and entering a row (the bookkeeper's and the cashier's work). Every
//! rule (who enters what, how a cell is cleaned and checked) is the workflow's `BooksDesk`.

use super::{Failure, Work, WorkPage};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use qingfeng_domain::contract::{self, Kind, Table};
use qingfeng_domain::Money;
use qingfeng_workflow::village_books::{BooksDesk, Entry, FieldProblem, Reminders, ENTERABLE};
use std::collections::BTreeMap;

pub struct BookTexts {
    pub title: &'static str,
    pub reminders: &'static str,
    pub no_reminders: &'static str,
    pub rent: &'static str,
    pub ending: &'static str,
    pub debts: &'static str,
    pub contract: &'static str,
    pub village: &'static str,
    pub counterparty: &'static str,
    pub annual_rent: &'static str,
    pub booked: &'static str,
    pub due_by: &'static str,
    pub days_left: &'static str,
    pub end_date: &'static str,
    pub debt: &'static str,
    pub direction: &'static str,
    pub amount: &'static str,
    pub registers: &'static str,
    pub rows: &'static str,
    pub none: &'static str,
    pub enter: &'static str,
    pub enter_hint: &'static str,
    pub entered: &'static str,
    pub problems: &'static str,
    pub column: &'static str,
    pub value: &'static str,
    pub reason: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub payable: &'static str,
    pub receivable: &'static str,
    pub overdue: &'static str,
    pub rent_hint: &'static str,
    pub ending_hint: &'static str,
}

static ZH: BookTexts = BookTexts {
    title: "村级台账",
    reminders: "到期提醒",
    no_reminders: "近期没有到期的租金、合同或债务。",
    rent: "租金尚未足额入账",
    ending: "合同即将到期",
    debts: "债权债务即将到期",
    contract: "合同",
    village: "村",
    counterparty: "对方",
    annual_rent: "年租金",
    booked: "本合同年度已入账",
    due_by: "本年度截止",
    days_left: "剩余天数",
    end_date: "到期日",
    debt: "债务编号",
    direction: "方向",
    amount: "金额",
    registers: "台账",
    rows: "条",
    none: "辖区内尚无记录。",
    enter: "登记一条",
    enter_hint: "与导入文件相同的清洗和校验：全角数字、空格、15位身份证号会被规范化；有误的栏目逐一列出，已填内容保留。支出不在此登记，须经报销事项的审批链支付。",
    entered: "已登记",
    problems: "请更正以下栏目（未保存任何内容）",
    column: "栏目",
    value: "填写的值",
    reason: "原因",
    newer: "上一页",
    older: "下一页",
    payable: "应付（村欠）",
    receivable: "应收（欠村）",
    overdue: "已逾期",
    rent_hint: "合同年度结束时入账不足的，将被规则FUN-RENT-MISSING列为线索：请在到期前催收入账。",
    ending_hint: "续租或重新发包须先经四议两公开决策并公示。",
};

static EN: BookTexts = BookTexts {
    title: "Village books",
    reminders: "Falling due",
    no_reminders: "No rent, contract or debt falls due soon.",
    rent: "Rent not yet booked in full",
    ending: "Contracts ending",
    debts: "Debts falling due",
    contract: "Contract",
    village: "Village",
    counterparty: "Counterparty",
    annual_rent: "Annual rent",
    booked: "Booked this contract year",
    due_by: "Year ends",
    days_left: "Days left",
    end_date: "Ends",
    debt: "Debt",
    direction: "Direction",
    amount: "Amount",
    registers: "Registers",
    rows: "rows",
    none: "Nothing recorded in your jurisdiction yet.",
    enter: "Enter a row",
    enter_hint: "Cleaned and checked as an imported file is: full-width digits, spaces and 15-digit ID numbers are normalised; every wrong field is listed and what you typed is kept. Expenses are not entered here: they are paid through a reimbursement matter's approval chain.",
    entered: "Entered",
    problems: "Please correct these fields (nothing was saved)",
    column: "Field",
    value: "Value typed",
    reason: "Reason",
    newer: "Previous page",
    older: "Next page",
    payable: "Payable (the village owes)",
    receivable: "Receivable (owed to the village)",
    overdue: "overdue",
    rent_hint: "A contract year that ends with its rent short becomes a clue of FUN-RENT-MISSING: collect and book it before then.",
    ending_hint: "Re-letting needs a 四议两公开 decision and its publicity first.",
};

fn texts(zh: bool) -> &'static BookTexts {
    if zh {
        &ZH
    } else {
        &EN
    }
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

/// A register as listed on the index: its file name, its names and how many rows.
struct RegisterLink {
    name: &'static str,
    label: String,
    rows: i64,
}

#[derive(Template)]
#[template(path = "work/books.html")]
struct IndexPage<'a> {
    wp: &'a WorkPage<'a>,
    t: &'static BookTexts,
    reminders: Reminders,
    registers: Vec<RegisterLink>,
}

impl IndexPage<'_> {
    fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

fn label(table: &Table, zh: bool) -> String {
    if zh {
        table.zh.to_string()
    } else {
        table.name.replace('_', " ")
    }
}

pub async fn index(work: Work) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let desk = work.state.books_desk();
    let actor = work.actor();
    let mut reminders = desk.reminders(&actor).await?;
    let villages = reminders
        .rent
        .iter_mut()
        .map(|r| &mut r.village_code)
        .chain(reminders.ending.iter_mut().map(|r| &mut r.village_code))
        .chain(reminders.debts.iter_mut().map(|r| &mut r.village_code));
    super::reports::name_villages(&work.state, villages).await?;
    let mut registers = Vec::new();
    for name in ENTERABLE {
        let (table, _, total) = desk.rows(&actor, name, 0).await?.ok_or(Failure::NotFound)?;
        registers.push(RegisterLink {
            name: table.name,
            label: label(table, zh),
            rows: total,
        });
    }
    let wp = work.wp();
    Ok(work.page.render(
        StatusCode::OK,
        &IndexPage {
            wp: &wp,
            t: texts(zh),
            reminders,
            registers,
        },
    ))
}

/// A field of the entry form: the column, how to type it, what was typed.
struct Field {
    name: &'static str,
    label: String,
    required: bool,
    /// Choices of a coded column: (code, label); empty for free text.
    choices: Vec<(&'static str, String)>,
    hint: &'static str,
    value: String,
    wrong: bool,
}

struct ProblemRow {
    column: String,
    value: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "work/book.html")]
struct RegisterPage<'a> {
    wp: &'a WorkPage<'a>,
    t: &'static BookTexts,
    name: &'static str,
    label: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    total: i64,
    page: i64,
    more: bool,
    /// The entry form, for those who keep the books.
    fields: Vec<Field>,
    problems: Vec<ProblemRow>,
    entered: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    page: i64,
    #[serde(default)]
    entered: Option<String>,
}

fn column_label(c: &contract::Column, zh: bool) -> String {
    if zh {
        c.zh[0].to_string()
    } else {
        c.name.replace('_', " ")
    }
}

fn hint(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "YYYY-MM-DD",
        Kind::Money => "0.00",
        Kind::DivisionCode => "12",
        _ => "",
    }
}

/// A stored cell as shown: fen as yuan, a code with its Chinese spelling.
fn shown(kind: Kind, raw: Option<&str>, zh: bool) -> String {
    let Some(raw) = raw else {
        return String::new();
    };
    match kind {
        Kind::Money => raw.parse::<i64>().map(yuan).unwrap_or_else(|_| raw.into()),
        Kind::Bool => match (raw, zh) {
            ("1", true) => "是".into(),
            ("1", false) => "yes".into(),
            (_, true) => "否".into(),
            (_, false) => "no".into(),
        },
        Kind::Enum(choices) if zh => choices
            .iter()
            .find(|c| c.code == raw)
            .and_then(|c| c.spellings.first())
            .map_or_else(|| raw.to_string(), |s| s.to_string()),
        _ => raw.to_string(),
    }
}

async fn render_register(
    work: &Work,
    register: &str,
    page: i64,
    status: StatusCode,
    typed: Option<&BTreeMap<String, String>>,
    problems: &[FieldProblem],
    entered: Option<String>,
) -> Result<Response, Failure> {
    let zh = work.is_zh();
    let actor = work.actor();
    let desk = work.state.books_desk();
    let page = page.max(0);
    let (table, stored, total) = desk
        .rows(&actor, register, page)
        .await?
        .ok_or(Failure::NotFound)?;
    let headers = table.columns.iter().map(|c| column_label(c, zh)).collect();
    let rows = stored
        .iter()
        .map(|r| {
            table
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| shown(c.kind, v.as_deref(), zh))
                .collect()
        })
        .collect();
    let fields = if BooksDesk::keeps_books(&actor) {
        table
            .columns
            .iter()
            .map(|c| Field {
                name: c.name,
                label: column_label(c, zh),
                required: c.required && c.default.is_none(),
                choices: match c.kind {
                    Kind::Enum(choices) => choices
                        .iter()
                        .map(|ch| {
                            (
                                ch.code,
                                match ch.spellings.first() {
                                    Some(s) if zh => s.to_string(),
                                    _ => ch.code.replace('_', " "),
                                },
                            )
                        })
                        .collect(),
                    Kind::Bool => vec![
                        ("否", if zh { "否" } else { "no" }.to_string()),
                        ("是", if zh { "是" } else { "yes" }.to_string()),
                    ],
                    _ => Vec::new(),
                },
                hint: hint(c.kind),
                value: typed
                    .and_then(|t| t.get(c.name).cloned())
                    .or_else(|| match (c.name, &actor.scope) {
                        ("village_code", qingfeng_store::Scope::Village(v)) => Some(v.clone()),
                        _ => c.default.map(String::from),
                    })
                    .unwrap_or_default(),
                wrong: problems.iter().any(|p| p.column == c.name),
            })
            .collect()
    } else {
        Vec::new()
    };
    let problems = problems
        .iter()
        .map(|p| ProblemRow {
            column: if zh {
                format!("{}（{}）", p.column_zh, p.column)
            } else {
                format!("{} ({})", p.column, p.column_zh)
            },
            value: p.value.clone(),
            reason: if zh { p.zh.clone() } else { p.en.clone() },
        })
        .collect();
    let wp = work.wp();
    Ok(work.page.render(
        status,
        &RegisterPage {
            wp: &wp,
            t: texts(zh),
            name: table.name,
            label: label(table, zh),
            headers,
            rows,
            total,
            page,
            more: (page + 1) * qingfeng_workflow::village_books::PAGE_ROWS < total,
            fields,
            problems,
            entered,
        },
    ))
}

pub async fn register(
    work: Work,
    Path(register): Path<String>,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, Failure> {
    render_register(
        &work,
        &register,
        q.page,
        StatusCode::OK,
        None,
        &[],
        q.entered,
    )
    .await
}

pub async fn enter(
    work: Work,
    Path(register): Path<String>,
    Form(mut typed): Form<BTreeMap<String, String>>,
) -> Result<Response, Failure> {
    typed.remove("csrf");
    let entry = work
        .state
        .books_desk()
        .enter(&work.actor(), &register, &typed)
        .await?;
    match entry {
        Entry::Entered(key) => Ok(Redirect::to(&format!(
            "/work/books/{register}?entered={}",
            urlencoding(&key)
        ))
        .into_response()),
        Entry::Refused(r) => Err(Failure::Refused(StatusCode::FORBIDDEN, r)),
        Entry::Invalid(problems) => {
            render_register(
                &work,
                &register,
                0,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&typed),
                &problems,
                None,
            )
            .await
        }
    }
}

/// A key as a query value (ASCII letters, digits and `-_.` as they are; the rest escaped).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
