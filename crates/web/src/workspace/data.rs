//! 数据 / Data: upload CSV or XLSX files through the browser (the same all-or-nothing import and
//! the same problem report as `qingfeng import`, shown as a table), the import history with each
//! file's SHA-256, and "run checks now" with its progress.

use super::request::{Failure, Work};
use super::{when, Official, WorkPage};
use crate::CheckJob;
use askama::Template;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_store::{BatchInfo, FileInfo};
use std::sync::Arc;

/// Batches listed on the page (newest first).
const HISTORY: usize = 20;
/// Problems shown in the table (the full list is in the report files, as with the CLI).
const SHOWN_PROBLEMS: usize = 500;

struct ProblemRow {
    file: String,
    line: u64,
    column: String,
    value: String,
    reason: String,
    error: bool,
}

/// What an upload did, shown above the history.
struct UploadResult {
    ok: bool,
    summary: String,
    problems: Vec<ProblemRow>,
    more: u64,
}

impl UploadResult {
    /// An upload refused before or by the import, with only a summary to show.
    fn refused(summary: String) -> Option<UploadResult> {
        Some(UploadResult {
            ok: false,
            summary,
            problems: Vec::new(),
            more: 0,
        })
    }
}

struct JobView {
    running: bool,
    done: usize,
    total: usize,
    started_at: String,
    message: String,
}

#[derive(Template)]
#[template(path = "work/data.html")]
struct DataPage<'a> {
    wp: &'a WorkPage<'a>,
    batches: Vec<(BatchInfo, Vec<FileInfo>)>,
    result: Option<UploadResult>,
    job: Option<JobView>,
    can_write: bool,
    can_run: bool,
}

fn can_write(official: &Official) -> bool {
    super::access::policy("POST", "/work/data/upload").is_some_and(|a| a.allows(official.role))
}

async fn render(
    work: &Work,
    status: StatusCode,
    result: Option<UploadResult>,
) -> Result<Response, Failure> {
    let (state, official) = (&work.state, &work.official);
    let wp = &work.wp();
    let history = async {
        let mut batches = state.store.batches().await?;
        batches.sort_by_key(|b| std::cmp::Reverse(b.batch_id));
        batches.truncate(HISTORY);
        let mut out = Vec::new();
        for b in batches {
            let files = state.store.batch_files(b.batch_id).await?;
            out.push((b, files));
        }
        anyhow::Ok(out)
    }
    .await?;
    let batches = history;
    let job = state
        .check_job
        .lock()
        .expect("check job lock")
        .as_ref()
        .map(|j| JobView {
            running: j.finished.is_none(),
            done: j.progress.0.load(std::sync::atomic::Ordering::Relaxed),
            total: j.progress.1.load(std::sync::atomic::Ordering::Relaxed),
            started_at: when(&j.started_at),
            message: j.finished.clone().unwrap_or_default(),
        });
    Ok(wp.page.render(
        status,
        &DataPage {
            wp,
            batches,
            result,
            job,
            can_write: can_write(official),
            can_run: super::access::policy("POST", "/work/checks/run")
                .is_some_and(|a| a.allows(official.role)),
        },
    ))
}

pub async fn data(work: Work) -> Result<Response, Failure> {
    let mut response = render(&work, StatusCode::OK, None).await?;
    // While a check runs, the page reloads itself (no script needed) to show progress.
    if work
        .state
        .check_job
        .lock()
        .expect("check job lock")
        .as_ref()
        .is_some_and(|j| j.finished.is_none())
    {
        response
            .headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("2"));
    }
    Ok(response)
}

/// A file name as uploaded, reduced to a plain name inside the upload folder.
fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let ok = !base.is_empty()
        && !base.starts_with('.')
        && base
            .chars()
            .all(|c| c.is_alphanumeric() || "._- ".contains(c));
    let lower = base.to_ascii_lowercase();
    (ok && (lower.ends_with(".csv") || lower.ends_with(".xlsx"))).then(|| base.to_string())
}

pub async fn upload(work: Work, mut multipart: Multipart) -> Result<Response, Failure> {
    let state = &work.state;
    let wp = work.wp();
    let w = wp.w;
    let temp = tempfile::tempdir().map_err(anyhow::Error::from)?;
    // The files go into a folder named for what it is: the import history calls the batch by
    // its folder, which must not be the server's random temporary name.
    let folder = temp
        .path()
        .join(format!("web-upload-{}", crate::intake::today()));
    std::fs::create_dir(&folder).map_err(anyhow::Error::from)?;
    let mut saved = Vec::new();
    let mut refused = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return render(
                    &work,
                    StatusCode::BAD_REQUEST,
                    UploadResult::refused(format!("{}: {e}", w.upload_failed)),
                )
                .await
            }
        };
        let Some(name) = field.file_name().map(str::to_string) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let Some(safe) = safe_name(&name) else {
            refused.push(name);
            continue;
        };
        let bytes = field.bytes().await.map_err(anyhow::Error::from)?;
        std::fs::write(folder.join(&safe), &bytes).map_err(anyhow::Error::from)?;
        saved.push(safe);
    }
    if saved.is_empty() || !refused.is_empty() {
        let summary = if refused.is_empty() {
            w.upload_nothing.to_string()
        } else {
            format!("{}: {}", w.upload_bad_names, refused.join(", "))
        };
        return render(
            &work,
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadResult::refused(summary),
        )
        .await;
    }
    // One workbook is imported as a workbook; otherwise the folder of CSV files.
    let input = match saved.as_slice() {
        [one] if one.to_ascii_lowercase().ends_with(".xlsx") => folder.join(one),
        _ => folder.clone(),
    };
    let reports = tempfile::tempdir().map_err(anyhow::Error::from)?;
    // The import's future is large; on the heap it does not weigh on the worker's stack.
    let outcome = Box::pin(import(
        &state.store,
        &input,
        &ImportOptions {
            report_dir: reports.path().to_path_buf(),
            progress: false,
        },
    ))
    .await;
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            // The server's own folders are nobody's business: the message names the upload.
            let mut message = format!("{e:#}");
            for server_folder in [folder.as_path(), reports.path()] {
                message = message.replace(&*server_folder.to_string_lossy(), "(上传 / upload)");
            }
            return render(
                &work,
                StatusCode::UNPROCESSABLE_ENTITY,
                UploadResult::refused(format!("{}: {message}", w.upload_failed)),
            )
            .await;
        }
    };
    let zh = wp.is_zh();
    let problems: Vec<ProblemRow> = outcome
        .problems
        .sorted()
        .iter()
        .filter(|p| p.severity != qingfeng_ingest::Severity::Notice)
        .take(SHOWN_PROBLEMS)
        .map(|p| ProblemRow {
            file: p.file.clone(),
            line: p.line,
            column: p.column.clone(),
            value: p.value.clone(),
            reason: if zh {
                p.reason_zh.clone()
            } else {
                p.reason_en.clone()
            },
            error: matches!(p.severity, qingfeng_ingest::Severity::Error),
        })
        .collect();
    let listed = outcome.problems.errors + outcome.problems.warnings;
    let more = listed.saturating_sub(problems.len() as u64);
    let (ok, status, summary) = match outcome.status {
        Status::Imported { batch_id } => (
            true,
            StatusCode::OK,
            format!(
                "{} #{batch_id}: {} {}",
                w.upload_imported,
                outcome.rows_read(),
                w.rows
            ),
        ),
        Status::Unchanged => (true, StatusCode::OK, w.upload_unchanged.to_string()),
        Status::Rejected => (
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "{} ({} {}, {} {})",
                w.upload_rejected,
                outcome.problems.errors,
                w.errors,
                outcome.problems.warnings,
                w.warnings
            ),
        ),
    };
    render(
        &work,
        status,
        Some(UploadResult {
            ok,
            summary,
            problems,
            more,
        }),
    )
    .await
}

/// Starts a check in the background (one at a time) and goes back to the data page, which
/// shows its progress.
pub async fn run_checks(work: Work) -> Response {
    let Work {
        state, official, ..
    } = work;
    let Some(checker) = state.checker.clone() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    {
        let mut job = state.check_job.lock().expect("check job lock");
        if job.as_ref().is_some_and(|j| j.finished.is_none()) {
            return Redirect::to("/work/data").into_response();
        }
        *job = Some(CheckJob::new(&official.user.username));
    }
    let progress = state
        .check_job
        .lock()
        .expect("check job lock")
        .as_ref()
        .map(|j| Arc::clone(&j.progress))
        .expect("just set");
    let store = state.store.clone();
    let state2 = Arc::clone(&state);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let outcome = runtime.block_on(checker(store, progress));
        let message = match outcome {
            Ok(summary) => summary,
            Err(e) => format!("失败 / failed: {e:#}"),
        };
        if let Some(j) = state2.check_job.lock().expect("check job lock").as_mut() {
            j.finished = Some(message);
        }
    });
    Redirect::to("/work/data").into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn uploaded_names_stay_inside_the_upload_folder() {
        assert_eq!(safe_name("persons.csv").as_deref(), Some("persons.csv"));
        assert_eq!(
            safe_name("C:\\data\\县数据.xlsx").as_deref(),
            Some("县数据.xlsx")
        );
        assert_eq!(
            safe_name("../../etc/passwd.csv").as_deref(),
            Some("passwd.csv")
        );
        assert_eq!(safe_name(".hidden.csv"), None);
        assert_eq!(safe_name("run.sh"), None);
        assert_eq!(safe_name("a;b.csv"), None);
    }
}
