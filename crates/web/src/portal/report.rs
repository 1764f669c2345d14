//! 我要举报 / Report a problem, and following a report with its receipt code.
//!
//! Anonymous by default. Nothing about the visitor (address, browser) is read or stored; the
//! receipt code is shown once and kept only as an Argon2id hash.

use super::failure;
use crate::i18n::{is_category, Texts};
use crate::intake::Filed;
use crate::page::Page;
use crate::receipt;
use crate::Shared;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use std::net::SocketAddr;

const MAX_CONTENT_CHARS: usize = 5000;

#[derive(serde::Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    payment: String,
    #[serde(default)]
    content: String,
    real_name: Option<String>,
    #[serde(default)]
    reporter_name: String,
    #[serde(default)]
    reporter_contact: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    page: &'a Page,
    form: &'a ReportForm,
    message: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    page: &'a Page,
    /// None when nothing was kept (see `Filed::NotStored`).
    code: Option<String>,
    notices: Vec<String>,
    dates: Vec<(&'static str, String)>,
}

/// The form, pre-filled from the address (the "something is wrong" button of My money).
pub async fn form(uri: Uri, headers: HeaderMap, Query(mut prefill): Query<ReportForm>) -> Response {
    let page = Page::new(&uri, &headers);
    if !is_category(&prefill.category) {
        prefill.category = "subsidy".into();
    }
    // Only the pointers may come from an address; the content is the reporter's own.
    prefill.content.clear();
    prefill.reporter_name.clear();
    prefill.reporter_contact.clear();
    page.render(
        StatusCode::OK,
        &ReportPage {
            page: &page,
            form: &prefill,
            message: None,
        },
    )
}

fn trimmed(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Files a reporter may attach (photos of a notice board, a receipt): how many and how big.
const MAX_FILES: usize = 3;
const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// The largest body the report form is read from (the files and the text).
pub const MAX_REPORT_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + 256 * 1024;

/// The form and its files, whether sent as a plain form or with attachments (multipart).
async fn read_report(
    request: axum::extract::Request,
) -> Result<(ReportForm, Vec<(String, Vec<u8>)>), &'static str> {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Form::<ReportForm>::from_request(request, &())
            .await
            .map(|Form(f)| (f, Vec::new()))
            .map_err(|_| "form");
    }
    let mut parts = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| "form")?;
    let mut form = ReportForm::default();
    let mut files = Vec::new();
    while let Some(field) = parts.next_field().await.map_err(|_| "form")? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| "files")?;
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if bytes.len() > MAX_FILE_BYTES || files.len() >= MAX_FILES {
                return Err("files");
            }
            files.push((file_name, bytes.to_vec()));
            continue;
        }
        let text = field.text().await.map_err(|_| "form")?;
        match name.as_str() {
            "category" => form.category = text,
            "village" => form.village = text,
            "subject" => form.subject = text,
            "payment" => form.payment = text,
            "content" => form.content = text,
            "real_name" => form.real_name = Some(text),
            "reporter_name" => form.reporter_name = text,
            "reporter_contact" => form.reporter_contact = text,
            _ => {}
        }
    }
    Ok((form, files))
}

pub async fn file(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let page = Page::new(&uri, &headers);
    // A flood of reports (470 in 10 s from one client was tried) would bury the real ones and
    // fill the disk: a few per client per hour, a ceiling for everyone, checked before the body
    // is even read.
    if !state.filings.allow(state.client_ip(client, &headers)) || !state.filings_total.take(1) {
        return page.render(
            StatusCode::TOO_MANY_REQUESTS,
            &ReportPage {
                page: &page,
                form: &ReportForm::default(),
                message: Some(page.t.report_too_many),
            },
        );
    }
    let (form, files) = match read_report(request).await {
        Ok(x) => x,
        Err(what) => {
            let message = if what == "files" {
                page.t.report_files_too_big
            } else {
                page.t.report_content_missing
            };
            return page.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReportPage {
                    page: &page,
                    form: &ReportForm::default(),
                    message: Some(message),
                },
            );
        }
    };
    let problem = if form.content.trim().is_empty() {
        Some(page.t.report_content_missing)
    } else if form.content.chars().count() > MAX_CONTENT_CHARS {
        Some(page.t.report_too_long)
    } else if form.real_name.is_some() && form.reporter_name.trim().is_empty() {
        Some(page.t.report_name_missing)
    } else {
        None
    };
    if let Some(message) = problem {
        return page.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportPage {
                page: &page,
                form: &form,
                message: Some(message),
            },
        );
    }
    let attached: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    if attached > 0 && !state.attachment_bytes.take(attached) {
        return page.render(
            StatusCode::TOO_MANY_REQUESTS,
            &ReportPage {
                page: &page,
                form: &form,
                message: Some(page.t.report_files_busy),
            },
        );
    }
    let anonymous = form.real_name.is_none();
    let category = if is_category(&form.category) {
        form.category.as_str()
    } else {
        "other"
    };
    let code = receipt::new_code();
    let hash = match receipt::hash_blocking(&code, &state.receipt_salt).await {
        Ok(h) => h,
        Err(e) => return failure(&page, e),
    };
    let village = match crate::intake::resolve_village(&state, &form.village).await {
        Ok(v) => v,
        Err(e) => return failure(&page, e),
    };
    let reporter = (!anonymous).then(|| crate::intake::Reporter {
        name: form.reporter_name.trim().to_string(),
        contact: trimmed(&form.reporter_contact).map(str::to_string),
    });
    let plain = crate::intake::PlainReport {
        channel: "portal".into(),
        village_code: village,
        category: category.to_string(),
        subject_text: trimmed(&form.subject).map(str::to_string),
        content: form.content.trim().to_string(),
        related_payment: trimmed(&form.payment).map(str::to_string),
        attachments: files,
        // An anonymous report keeps no name or contact, even if some were typed.
        reporter,
        received_on: crate::intake::today(),
        receipt_hash: hash.clone(),
        filed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ..Default::default()
    };
    let filed = match state.file_report(plain).await {
        Ok(f) => f,
        Err(e) => return failure(&page, e),
    };
    let t = page.t;
    let (code, notices, filed) = match filed {
        Filed::NotStored => (None, vec![t.receipt_not_stored.to_string()], None),
        Filed::Upward { filed } => (
            Some(receipt::grouped(&code)),
            vec![t.receipt_upward.to_string()],
            Some(filed),
        ),
        Filed::County { filed, .. } => (Some(receipt::grouped(&code)), Vec::new(), Some(filed)),
    };
    // Nothing here depends on anyone else's report: telling the reporter "this matter was
    // reported before" would let anyone learn, by filing probes, whether a person has been
    // reported. Repeats are counted for the officials only.
    let dates = match &filed {
        Some(_) => match state.store.report_status(&hash).await {
            Ok(Some(s)) => status_dates(t, &s),
            Ok(None) => Vec::new(),
            Err(e) => return failure(&page, e),
        },
        None => Vec::new(),
    };
    page.render(
        StatusCode::OK,
        &ReceiptPage {
            page: &page,
            code,
            notices,
            dates,
        },
    )
}

/// The procedure's dates and deadlines as the reporter sees them.
fn status_dates(t: &Texts, s: &qingfeng_store::ReportStatus) -> Vec<(&'static str, String)> {
    [
        (t.received_on, &s.received_on),
        (t.transfer_due, &s.transfer_due),
        (t.acceptance_notice_due, &s.acceptance_notice_due),
        (t.upward_due, &s.upward_due),
        (t.accepted_on, &s.accepted_on),
        (t.handle_due, &s.handle_due),
        (t.closed_on, &s.closed_on),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.clone().map(|v| (label, v)))
    .collect()
}

#[derive(Template)]
#[template(path = "follow.html")]
struct FollowPage<'a> {
    page: &'a Page,
    message: Option<&'a str>,
    status: Option<StatusView>,
}

struct StatusView {
    dates: Vec<(&'static str, String)>,
    /// What may be asked for now: (level, "until …").
    review: Option<(i64, String)>,
    review_final: bool,
    /// The receipt code, for the review form (the page is never cached).
    code: String,
    filed_at: String,
    category: String,
    status: String,
    /// (when, status, message) in the page's language.
    replies: Vec<(String, String, String)>,
}

#[derive(serde::Deserialize)]
pub struct FollowForm {
    code: String,
}

pub async fn follow_form(uri: Uri, headers: HeaderMap) -> Response {
    let page = Page::new(&uri, &headers);
    page.render(
        StatusCode::OK,
        &FollowPage {
            page: &page,
            message: None,
            status: None,
        },
    )
}

pub async fn follow(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<FollowForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    if !state.follows.allow(state.client_ip(client, &headers)) {
        return follow_answer(&page, StatusCode::TOO_MANY_REQUESTS, page.t.too_many);
    }
    match found_by_code(&state, &form.code).await {
        Ok(Some((code, s))) => show_status(&state, &page, &code, s, None).await,
        Ok(None) => follow_answer(&page, StatusCode::OK, page.t.follow_not_found),
        Err(e) => failure(&page, e),
    }
}

fn follow_answer(page: &Page, status: StatusCode, message: &str) -> Response {
    page.render(
        status,
        &FollowPage {
            page,
            message: Some(message),
            status: None,
        },
    )
}

/// The report a receipt code opens: (the code as normalised, its status).
async fn found_by_code(
    state: &Shared,
    typed: &str,
) -> anyhow::Result<Option<(String, qingfeng_store::ReportStatus)>> {
    let Some(code) = receipt::normalise(typed) else {
        return Ok(None);
    };
    let hash = receipt::hash_blocking(&code, &state.receipt_salt).await?;
    Ok(state.store.report_status(&hash).await?.map(|s| (code, s)))
}

async fn show_status(
    state: &Shared,
    page: &Page,
    code: &str,
    s: qingfeng_store::ReportStatus,
    message: Option<&str>,
) -> Response {
    let t = page.t;
    let reviews = match state.store.reviews_of(s.report_id).await {
        Ok(r) => r,
        Err(e) => return failure(page, e),
    };
    let mut dates = status_dates(t, &s);
    for r in reviews.iter().filter(|r| r.decided_on.is_none()) {
        dates.push((t.review_decision_due, r.decision_due.clone()));
    }
    let review = state
        .report_desk()
        .review_window(&s, &reviews)
        .map(|(level, until)| {
            let text = if level == 1 {
                t.review_until
            } else {
                t.second_review_until
            };
            (level, text.replace("{date}", &until.to_string()))
        });
    let view = StatusView {
        dates,
        review,
        review_final: s.status == "second_reviewed",
        code: code.to_string(),
        filed_at: s.filed_at.replace('T', " ").replace('Z', " UTC"),
        category: Texts::label(t.categories, &s.category).to_string(),
        status: Texts::label(t.statuses, &s.status).to_string(),
        replies: s
            .replies
            .into_iter()
            .map(|r| {
                let message = match page.lang {
                    crate::i18n::Lang::Zh => r.message_zh,
                    crate::i18n::Lang::En => r.message_en,
                };
                (
                    r.replied_at,
                    Texts::label(t.statuses, &r.status).to_string(),
                    message,
                )
            })
            .collect(),
    };
    page.render(
        StatusCode::OK,
        &FollowPage {
            page,
            message,
            status: Some(view),
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    level: i64,
    #[serde(default)]
    reason: String,
}

/// The reporter asks for a review (复查) or a second review (复核) with the receipt code. The
/// reason is sealed to the report's key like the report itself.
pub async fn review(
    State(state): State<Shared>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<ReviewForm>,
) -> Response {
    let page = Page::new(&uri, &headers);
    let t = page.t;
    if !state.follows.allow(state.client_ip(client, &headers)) {
        return follow_answer(&page, StatusCode::TOO_MANY_REQUESTS, t.too_many);
    }
    let (code, s) = match found_by_code(&state, &form.code).await {
        Ok(Some(x)) => x,
        Ok(None) => return follow_answer(&page, StatusCode::OK, t.follow_not_found),
        Err(e) => return failure(&page, e),
    };
    // The reply is kept in both languages, whichever the reporter reads now.
    let outcome = state
        .report_desk()
        .request_review(
            &s,
            form.level,
            &form.reason,
            (
                crate::i18n::ZH.review_received,
                crate::i18n::EN.review_received,
            ),
        )
        .await;
    let done = outcome.map(|o| o.changed().map(|_| ()));
    let message = match done {
        Ok(Some(())) => None,
        Ok(None) => Some(t.review_refused),
        Err(e) => return failure(&page, e),
    };
    // Show the status as it now stands.
    match found_by_code(&state, &code).await {
        Ok(Some((code, s))) => show_status(&state, &page, &code, s, message).await,
        Ok(None) => follow_answer(&page, StatusCode::OK, t.follow_not_found),
        Err(e) => failure(&page, e),
    }
}
