//! Staff intake (登记): reports received by letter, visit or the 12388 hotline, entered by an
//! official with the attachments (scanned letters, recordings), sealed like a portal report.

use super::reports::ReportTexts;
use super::request::{Failure, Work};
use super::WorkPage;
use crate::intake::{resolve_village, Filed, PlainReport, Reporter};
use crate::receipt;
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

/// Largest attachment total of one report entered by staff.
pub const MAX_INTAKE_BYTES: usize = 64 * 1024 * 1024;
const CHANNELS: &[&str] = &["letter", "visit", "hotline_12388", "forwarded"];

pub struct IntakeTexts {
    pub title: &'static str,
    pub channel: &'static str,
    pub channels: [&'static str; 4],
    pub received_on: &'static str,
    pub subject_ids: &'static str,
    pub attachments: &'static str,
    pub submit: &'static str,
    pub bad_date: &'static str,
    pub bad_id: &'static str,
    pub bad_channel: &'static str,
    pub filed: &'static str,
    pub give_code: &'static str,
    pub handlers: &'static str,
}

static ZH: IntakeTexts = IntakeTexts {
    title: "登记来信、来访、12388 电话举报",
    channel: "来源",
    channels: [
        "来信",
        "来访",
        "12388 电话",
        "上级或其他机关转来(5个工作日内受理或转送)",
    ],
    received_on: "收到日期",
    subject_ids: "被反映人身份证号(可不填, 多个用逗号分隔)",
    attachments: "附件(扫描件、录音等, 加密保存)",
    submit: "登记",
    bad_date: "收到日期应为 YYYY-MM-DD, 且不晚于今天。",
    bad_id: "身份证号不正确: ",
    bad_channel: "请选择来源。",
    filed: "已登记",
    give_code: "请把查询码告知举报人(回信或电话), 系统不保存它的原文:",
    handlers: "可以查看的人员数",
};

static EN: IntakeTexts = IntakeTexts {
    title: "Enter a report received by letter, visit or the 12388 hotline",
    channel: "Channel",
    channels: [
        "Letter",
        "Visit",
        "12388 hotline",
        "Forwarded by another body (accept or transfer within 5 working days)",
    ],
    received_on: "Received on",
    subject_ids: "ID numbers of the persons named (optional, comma-separated)",
    attachments: "Attachments (scans, recordings; stored encrypted)",
    submit: "Enter",
    bad_date: "The date received must be YYYY-MM-DD and not after today.",
    bad_id: "Not a valid ID number: ",
    bad_channel: "Please choose the channel.",
    filed: "Entered",
    give_code: "Give the reporter this receipt code (by letter or phone); it is not kept:",
    handlers: "Officials who can read it",
};

#[derive(Default)]
struct IntakeForm {
    channel: String,
    received_on: String,
    village: String,
    category: String,
    subject: String,
    subject_ids: String,
    content: String,
    real_name: bool,
    reporter_name: String,
    reporter_contact: String,
    files: Vec<(String, Vec<u8>)>,
}

#[derive(Template)]
#[template(path = "work/intake.html")]
struct IntakePage<'a> {
    wp: &'a WorkPage<'a>,
    it: &'static IntakeTexts,
    rt: &'static ReportTexts,
    channels: Vec<(&'static str, &'static str)>,
    form: IntakeForm,
    message: Option<String>,
    /// After filing: (receipt code, report id, officials given a key), or the notice instead.
    filed: Option<(String, i64, usize)>,
    notice: Option<&'static str>,
}

fn texts(wp: &WorkPage<'_>) -> (&'static IntakeTexts, &'static ReportTexts) {
    if wp.is_zh() {
        (&ZH, &super::reports::ZH)
    } else {
        (&EN, &super::reports::EN)
    }
}

fn page_of<'a>(wp: &'a WorkPage<'a>, form: IntakeForm) -> IntakePage<'a> {
    let (it, rt) = texts(wp);
    IntakePage {
        wp,
        it,
        rt,
        channels: CHANNELS.iter().copied().zip(it.channels).collect(),
        form,
        message: None,
        filed: None,
        notice: None,
    }
}

pub async fn form(work: Work) -> Response {
    let wp = work.wp();
    let form = IntakeForm {
        received_on: crate::intake::today().to_string(),
        category: "subsidy".into(),
        ..Default::default()
    };
    work.page.render(StatusCode::OK, &page_of(&wp, form))
}

async fn read_form(mut multipart: Multipart) -> anyhow::Result<IntakeForm> {
    let mut form = IntakeForm::default();
    let mut total = 0usize;
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await?;
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            total += bytes.len();
            anyhow::ensure!(
                total <= MAX_INTAKE_BYTES,
                "attachments over 64 MiB / 附件超过 64 MiB"
            );
            form.files.push((file_name, bytes.to_vec()));
            continue;
        }
        let text = field.text().await?;
        match name.as_str() {
            "channel" => form.channel = text,
            "received_on" => form.received_on = text,
            "village" => form.village = text,
            "category" => form.category = text,
            "subject" => form.subject = text,
            "subject_ids" => form.subject_ids = text,
            "content" => form.content = text,
            "real_name" => form.real_name = true,
            "reporter_name" => form.reporter_name = text,
            "reporter_contact" => form.reporter_contact = text,
            _ => {}
        }
    }
    Ok(form)
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub async fn file(work: Work, multipart: Multipart) -> Result<Response, Failure> {
    let (state, official, page) = (&work.state, &work.official, &work.page);
    let wp = work.wp();
    let (it, _) = texts(&wp);
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(e) => {
            let mut p = page_of(&wp, IntakeForm::default());
            p.message = Some(e.to_string());
            return Ok(page.render(StatusCode::UNPROCESSABLE_ENTITY, &p));
        }
    };
    let today = crate::intake::today();
    let received = NaiveDate::parse_from_str(form.received_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= today);
    let mut ids = Vec::new();
    let mut problem: Option<String> = None;
    for raw in crate::intake::names_in(&form.subject_ids) {
        match qingfeng_domain::clean::id_number(&raw) {
            Ok(id) => ids.push(id.as_str().to_string()),
            Err(_) => problem = Some(format!("{}{raw}", it.bad_id)),
        }
    }
    if !CHANNELS.contains(&form.channel.as_str()) {
        problem = Some(it.bad_channel.to_string());
    } else if received.is_none() {
        problem = Some(it.bad_date.to_string());
    } else if form.content.trim().is_empty() {
        problem = Some(page.t.report_content_missing.to_string());
    } else if form.real_name && form.reporter_name.trim().is_empty() {
        problem = Some(page.t.report_name_missing.to_string());
    }
    let (Some(received_on), None) = (received, &problem) else {
        let mut p = page_of(&wp, form);
        p.message = problem;
        return Ok(page.render(StatusCode::UNPROCESSABLE_ENTITY, &p));
    };
    let village = resolve_village(state, &form.village).await?;
    let code = receipt::new_code();
    let hash = receipt::hash_blocking(&code, &state.receipt_salt).await?;
    let category = if crate::i18n::is_category(&form.category) {
        form.category.clone()
    } else {
        "other".into()
    };
    let plain = PlainReport {
        channel: form.channel.clone(),
        village_code: village,
        category,
        subject_text: some(&form.subject),
        subject_ids: ids,
        content: form.content.trim().to_string(),
        related_payment: None,
        reporter: form.real_name.then(|| Reporter {
            name: form.reporter_name.trim().to_string(),
            contact: some(&form.reporter_contact),
        }),
        attachments: form.files.clone(),
        entered_by: Some(official.user.username.clone()),
        received_on,
        receipt_hash: hash,
        filed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let filed = state.file_report(plain).await?;
    let mut p = page_of(
        &wp,
        IntakeForm {
            received_on: today.to_string(),
            category: "subsidy".into(),
            ..Default::default()
        },
    );
    match filed {
        Filed::County { filed, handlers } => {
            p.filed = Some((receipt::grouped(&code), filed.report_id, handlers))
        }
        Filed::Upward { filed } => {
            p.filed = Some((receipt::grouped(&code), filed.report_id, 0));
            p.notice = Some(page.t.receipt_upward);
        }
        Filed::NotStored => p.notice = Some(page.t.receipt_not_stored),
    }
    Ok(page.render(StatusCode::OK, &p))
}
