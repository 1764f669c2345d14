//! One import: find the tables, skip what is unchanged, then load everything that changed in
//! a single transaction — parsing on one thread while the database writes on another — run the
//! cross-row checks, and commit only if nothing is wrong.

use crate::checks::{self, KnownKeys, Loaded, RejectedKeys, IN_MEMORY_KEYS};
use crate::report::Problems;
use crate::source::{discover, Source};
use crate::validate::{map_header, parse_row, FileContext};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qingfeng_domain::contract::{Loading, Table};
use qingfeng_store::{FileInfo, RowChunk, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Rows handed from the parser to the writer at a time: large enough to amortise a statement,
/// small enough that memory stays flat.
const CHUNK_ROWS: usize = 4096;

/// See `load_source`: rows stop being loaded (they will be rolled back) after this many errors.
const STOP_LOADING_AFTER_ERRORS: u64 = 10_000;

pub struct ImportOptions {
    /// Where `import-report.csv` / `.json` are written when there is anything to report.
    pub report_dir: PathBuf,
    /// Show progress bars (they are hidden anyway when stderr is not a terminal).
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Everything landed in this batch.
    Imported { batch_id: i64 },
    /// Every file was identical to the one last imported for its table: nothing changed.
    Unchanged,
    /// Something was wrong; nothing was imported.
    Rejected,
}

#[derive(Debug, Clone)]
pub struct FileOutcome {
    pub table: &'static str,
    pub label: String,
    pub sha256: String,
    pub encoding: String,
    pub rows_read: u64,
    pub rows_added: u64,
    pub rows_skipped: u64,
    pub rows_removed: u64,
    /// Set when the file equals the one imported in that batch, and was therefore skipped.
    pub unchanged_since: Option<i64>,
}

pub struct ImportOutcome {
    pub status: Status,
    pub files: Vec<FileOutcome>,
    pub problems: Problems,
    pub report: Option<(PathBuf, PathBuf)>,
    pub elapsed: Duration,
}

impl ImportOutcome {
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }
}

enum Msg {
    Chunk(RowChunk),
    Problems(Problems),
    Done {
        rows_read: u64,
        encoding: &'static str,
        refused: RejectedKeys,
    },
}

pub async fn import(store: &Store, input: &Path, opts: &ImportOptions) -> Result<ImportOutcome> {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339();
    let found = discover(input)?;
    let mut problems = Problems::default();
    problems.extend(found.ignored);
    // Every table's file refused as a whole (an XLSX sheet beyond the contract's size): a report
    // saying why, not "no table found".
    if found.sources.is_empty() && problems.errors > 0 {
        let report = write_report_if_any(&problems, opts)?;
        return Ok(ImportOutcome {
            status: Status::Rejected,
            files: Vec::new(),
            problems,
            report,
            elapsed: started.elapsed(),
        });
    }
    if found.sources.is_empty() {
        anyhow::bail!(
            "no table of the data contract found in {} / 未找到数据规范中的任何表",
            input.display()
        );
    }

    let mut files = Vec::new();
    let mut changed: Vec<Source> = Vec::new();
    for source in found.sources {
        let latest = store.latest_sha256(source.table.name).await?;
        match latest {
            Some((batch, sha)) if sha == source.sha256 => files.push(FileOutcome {
                table: source.table.name,
                label: source.label.clone(),
                sha256: source.sha256.clone(),
                encoding: String::new(),
                rows_read: 0,
                rows_added: 0,
                rows_skipped: 0,
                rows_removed: 0,
                unchanged_since: Some(batch),
            }),
            _ => changed.push(source),
        }
    }
    if changed.is_empty() {
        let report = write_report_if_any(&problems, opts)?;
        return Ok(ImportOutcome {
            status: Status::Unchanged,
            files,
            problems,
            report,
            elapsed: started.elapsed(),
        });
    }

    let source_name = input
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut tx = store.begin_import().await?;
    let batch_id = tx.create_batch(&source_name, &started_at).await?;
    let mut loaded = Vec::new();
    let mut refused = RejectedKeys::default();
    let pending: Vec<&'static str> = changed.iter().map(|s| s.table.name).collect();
    for (position, mut source) in changed.into_iter().enumerate() {
        let table = source.table;
        let removed = match table.loading {
            // What the workflow wrote (a matter's decision, a paid request's voucher) is not
            // the file's to replace.
            Loading::Replace => {
                tx.execute(
                    &format!(
                        "DELETE FROM {} WHERE batch_id <> $1 AND batch_id IN \
                         (SELECT batch_id FROM import_batches WHERE origin = 'file')",
                        table.name
                    ),
                    batch_id,
                )
                .await?
            }
            Loading::Append => 0,
        };
        let rows_before = tx.count(table.name).await?;
        let suspended = if rows_before == 0 {
            tx.suspend_indexes(table).await?
        } else {
            Vec::new()
        };
        let known = known_keys(&mut tx, table, &pending[position + 1..]).await?;
        let checked_in_memory = known.iter().map(|k| k.reference.column).collect();
        let (rows_read, encoding, refused_here) = load_source(
            &mut tx,
            &mut source,
            batch_id,
            known,
            std::sync::Arc::new(refused.clone()),
            opts,
            &mut problems,
        )
        .await?;
        refused.merge(refused_here);
        tx.restore_indexes(&suspended).await?;
        loaded.push(Loaded {
            table,
            label: source.label.clone(),
            rows_before,
            checked_in_memory,
        });
        files.push(FileOutcome {
            table: table.name,
            label: source.label.clone(),
            sha256: source.sha256.clone(),
            encoding: encoding.to_string(),
            rows_read,
            rows_added: 0,
            rows_skipped: 0,
            rows_removed: removed,
            unchanged_since: None,
        });
    }

    // Drop exact re-deliveries first, so that what is left over with a known key is a conflict.
    for l in &loaded {
        let skipped = checks::drop_repeated_ledger_rows(&mut tx, l, batch_id).await?;
        let f = files
            .iter_mut()
            .find(|f| f.table == l.table.name && f.unchanged_since.is_none())
            .expect("loaded file");
        f.rows_skipped = skipped;
        f.rows_added = f.rows_read.saturating_sub(skipped);
    }
    checks::run_all(&mut tx, &loaded, batch_id, &refused, &mut problems).await?;

    if problems.errors > 0 {
        tx.rollback().await?;
        let report = write_report_if_any(&problems, opts)?;
        return Ok(ImportOutcome {
            status: Status::Rejected,
            files,
            problems,
            report,
            elapsed: started.elapsed(),
        });
    }

    let (mut added, mut skipped, mut removed) = (0i64, 0i64, 0i64);
    for f in files.iter().filter(|f| f.unchanged_since.is_none()) {
        added += f.rows_added as i64;
        skipped += f.rows_skipped as i64;
        removed += f.rows_removed as i64;
        let info = FileInfo {
            table_name: f.table.to_string(),
            file_name: f.label.clone(),
            sha256: f.sha256.clone(),
            encoding: f.encoding.clone(),
            loading: match qingfeng_domain::contract::table(f.table).map(|t| t.loading) {
                Some(Loading::Append) => "append".into(),
                _ => "replace".into(),
            },
            rows_read: f.rows_read as i64,
            rows_added: f.rows_added as i64,
            rows_skipped: f.rows_skipped as i64,
            rows_removed: f.rows_removed as i64,
        };
        tx.record_file(batch_id, &info).await?;
    }
    tx.finish_batch(batch_id, added, skipped, removed).await?;
    tx.commit().await?;
    let report = write_report_if_any(&problems, opts)?;
    Ok(ImportOutcome {
        status: Status::Imported { batch_id },
        files,
        problems,
        report,
        elapsed: started.elapsed(),
    })
}

fn write_report_if_any(
    problems: &Problems,
    opts: &ImportOptions,
) -> Result<Option<(PathBuf, PathBuf)>> {
    if problems.listed.is_empty() {
        return Ok(None);
    }
    problems.write(&opts.report_dir).map(Some)
}

fn progress_bar(source: &Source, opts: &ImportOptions) -> ProgressBar {
    let target = if opts.progress {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(source.size), target);
    let style = if source.label.contains('#') {
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} rows ({per_sec})")
    } else {
        ProgressStyle::with_template(
            "{msg:24} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
    };
    bar.set_style(style.expect("valid template").progress_chars("=> "));
    bar.set_message(source.label.clone());
    bar
}

/// Streams one source into the transaction: a blocking thread decodes and validates, this task
/// writes. The channel is bounded, so memory does not grow with the file.
/// Key sets of the small targets of `table`'s references, when the target is already complete
/// in the transaction (not still to be loaded by this import, and not the table itself).
async fn known_keys(
    tx: &mut qingfeng_store::ImportTx,
    table: &'static Table,
    still_pending: &[&str],
) -> Result<Vec<KnownKeys>> {
    let mut out = Vec::new();
    for r in table.references {
        if r.target_table == table.name || still_pending.contains(&r.target_table) {
            continue;
        }
        let n = tx.count(r.target_table).await?;
        if n == 0 || n > IN_MEMORY_KEYS {
            continue;
        }
        let keys = tx.distinct_values(r.target_table, r.target_column).await?;
        let column_index = table
            .column_index(r.column)
            .expect("reference column of this table");
        out.push(KnownKeys {
            reference: r,
            column_index,
            keys: keys.into_iter().collect(),
        });
    }
    Ok(out)
}

async fn load_source(
    tx: &mut qingfeng_store::ImportTx,
    source: &mut Source,
    batch_id: i64,
    known: Vec<KnownKeys>,
    rejected: std::sync::Arc<RejectedKeys>,
    opts: &ImportOptions,
    problems: &mut Problems,
) -> Result<(u64, &'static str, RejectedKeys)> {
    let table = source.table;
    let label = source.label.clone();
    let mut reader = source.open()?;
    let progress = reader.progress();
    let bar = progress_bar(source, opts);
    let (send, mut recv) = tokio::sync::mpsc::channel::<Msg>(4);

    let parser = tokio::task::spawn_blocking(move || {
        let mut local = Problems::default();
        let mut rows_read = 0u64;
        let header: Vec<String> = match reader.advance(&label) {
            Ok(Some(_)) => {
                let r = reader.current();
                (0..r.field_count())
                    .map(|i| r.field(i).unwrap_or_default().to_string())
                    .collect()
            }
            Ok(None) => Vec::new(),
            Err(p) => {
                local.push(*p);
                let _ = send.blocking_send(Msg::Problems(local));
                return;
            }
        };
        let map = map_header(table, &header, &label, &mut local);
        let referenced = RejectedKeys::referenced_columns(table);
        let mut refused = RejectedKeys::default();
        let ctx = FileContext {
            table,
            map: &map,
            file: &label,
            known: &known,
            rejected: &rejected,
            referenced: &referenced,
        };
        let mut chunk = RowChunk::default();
        loop {
            match reader.advance(&label) {
                Ok(Some(line)) => {
                    rows_read += 1;
                    if map.usable {
                        let fields = reader.current();
                        parse_row(&ctx, fields, line, &mut chunk, &mut local, &mut refused);
                    }
                    if chunk.len() >= CHUNK_ROWS {
                        let full = std::mem::take(&mut chunk);
                        if send.blocking_send(Msg::Chunk(full)).is_err() {
                            return;
                        }
                        if local.errors + local.warnings + local.notices > 0 {
                            let _ = send.blocking_send(Msg::Problems(std::mem::take(&mut local)));
                        }
                    }
                }
                Ok(None) => break,
                Err(p) => {
                    local.push(*p);
                    break;
                }
            }
        }
        let _ = send.blocking_send(Msg::Chunk(chunk));
        let _ = send.blocking_send(Msg::Problems(local));
        let _ = send.blocking_send(Msg::Done {
            rows_read,
            encoding: reader.encoding(),
            refused,
        });
    });

    let mut result = (0, "", RejectedKeys::default());
    while let Some(msg) = recv.recv().await {
        match msg {
            Msg::Chunk(chunk) => {
                // Rows are loaded even after an error, so that the cross-table checks can report
                // their problems too; past a flood of errors the file is plainly of the wrong kind,
                // and writing stops while parsing goes on counting.
                if problems.errors < STOP_LOADING_AFTER_ERRORS {
                    tx.insert_rows(table, batch_id, &chunk).await?;
                }
                bar.set_position(progress.load(Ordering::Relaxed));
            }
            Msg::Problems(p) => problems.merge(p),
            Msg::Done {
                rows_read,
                encoding,
                refused,
            } => result = (rows_read, encoding, refused),
        }
    }
    parser.await.context("the parser thread failed")?;
    bar.finish_and_clear();
    Ok(result)
}
