//! The one transaction an import runs in, and the fast paths that fill it: a prepared INSERT
//! bound through SQLite's C API on SQLite (see `sqlite_bulk`), COPY on PostgreSQL. Nothing here
//! is visible to other readers until `commit`; a crash or kill before it leaves the database
//! exactly as it was.

use crate::{check_identifier, Store};
use anyhow::{Context, Result};
use qingfeng_domain::contract::{Cell, Table};
use sqlx::{Postgres, Sqlite, Transaction};
use std::fmt::Write as _;

/// Rows of one table, row-major (`cells.len() == lines.len() * table.columns.len()`), each
/// with the line of the source file it came from.
#[derive(Debug, Default)]
pub struct RowChunk {
    pub lines: Vec<u64>,
    pub cells: Vec<Cell>,
}

impl RowChunk {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

pub enum ImportTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            ImportTx::Sqlite($conn) => $body,
            ImportTx::Postgres($conn) => $body,
        }
    };
}

impl ImportTx {
    pub(crate) async fn begin(store: &Store) -> Result<ImportTx> {
        Ok(match store {
            Store::Sqlite(pool) => ImportTx::Sqlite(pool.begin().await?),
            Store::Postgres(pool) => ImportTx::Postgres(pool.begin().await?),
        })
    }

    pub async fn commit(self) -> Result<()> {
        on_tx!(self, tx => tx.commit().await).context("committing the import")
    }

    pub async fn rollback(self) -> Result<()> {
        on_tx!(self, tx => tx.rollback().await).context("rolling back the import")
    }

    /// Opens the batch record; its counts are filled in by `finish_batch`.
    pub async fn create_batch(&mut self, source: &str, started_at: &str) -> Result<i64> {
        let sql = "INSERT INTO import_batches (started_at, finished_at, source, tool_version, rows_added, rows_skipped, rows_removed) \
                   VALUES ($1, $1, $2, $3, 0, 0, 0) RETURNING batch_id";
        let id: i64 = on_tx!(self, tx => sqlx::query_scalar(sql)
            .bind(started_at)
            .bind(source)
            .bind(env!("CARGO_PKG_VERSION"))
            .fetch_one(&mut **tx)
            .await)?;
        Ok(id)
    }

    pub async fn finish_batch(
        &mut self,
        batch_id: i64,
        added: i64,
        skipped: i64,
        removed: i64,
    ) -> Result<()> {
        let sql = "UPDATE import_batches SET finished_at = $1, rows_added = $2, rows_skipped = $3, rows_removed = $4 \
                   WHERE batch_id = $5";
        let now = chrono::Utc::now().to_rfc3339();
        on_tx!(self, tx => sqlx::query(sql)
            .bind(now)
            .bind(added)
            .bind(skipped)
            .bind(removed)
            .bind(batch_id)
            .execute(&mut **tx)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn record_file(&mut self, batch_id: i64, f: &crate::FileInfo) -> Result<()> {
        let sql = "INSERT INTO import_files (batch_id, table_name, file_name, sha256, encoding, loading, \
                   rows_read, rows_added, rows_skipped, rows_removed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        on_tx!(self, tx => sqlx::query(sql)
            .bind(batch_id)
            .bind(&f.table_name)
            .bind(&f.file_name)
            .bind(&f.sha256)
            .bind(&f.encoding)
            .bind(&f.loading)
            .bind(f.rows_read)
            .bind(f.rows_added)
            .bind(f.rows_skipped)
            .bind(f.rows_removed)
            .execute(&mut **tx)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Runs a statement whose only parameter (if any) is `$1` = the batch id; returns rows affected.
    pub async fn execute(&mut self, sql: &str, batch_id: i64) -> Result<u64> {
        let n = on_tx!(self, tx => sqlx::query(sql).bind(batch_id).execute(&mut **tx).await.map(|r| r.rows_affected()))
            .with_context(|| format!("running {sql}"))?;
        Ok(n)
    }

    /// Runs a check query (parameter `$1` = batch id) returning `(source_line, value)` pairs.
    pub async fn findings(
        &mut self,
        sql: &str,
        batch_id: i64,
    ) -> Result<Vec<(i64, Option<String>)>> {
        let rows =
            on_tx!(self, tx => sqlx::query_as(sql).bind(batch_id).fetch_all(&mut **tx).await)
                .with_context(|| format!("running check {sql}"))?;
        Ok(rows)
    }

    /// Counts rows of a table (inside the transaction, so it sees this import's rows).
    pub async fn count(&mut self, table: &str) -> Result<i64> {
        check_identifier(table)?;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n = on_tx!(self, tx => sqlx::query_scalar(&sql).fetch_one(&mut **tx).await)?;
        Ok(n)
    }

    /// Drops the indexes of `table` and returns their definitions, for `restore_indexes`.
    ///
    /// Loading into an empty table and building its indexes afterwards (by sorting) is much
    /// faster than maintaining them row by row. Both steps happen inside the import's
    /// transaction, so a failed or killed import leaves the indexes as they were. The
    /// definitions are read from the database, so indexes added by later migrations are kept.
    pub async fn suspend_indexes(&mut self, table: &Table) -> Result<Vec<(String, String)>> {
        check_identifier(table.name)?;
        let defs: Vec<(String, String)> = match self {
            ImportTx::Sqlite(tx) => {
                sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
                )
                .bind(table.name)
                .fetch_all(&mut **tx)
                .await?
            }
            ImportTx::Postgres(tx) => {
                sqlx::query_as(
                    "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = current_schema()",
                )
                .bind(table.name)
                .fetch_all(&mut **tx)
                .await?
            }
        };
        for (name, _) in &defs {
            check_identifier(name)?;
            let sql = format!("DROP INDEX {name}");
            on_tx!(self, tx => sqlx::query(&sql).execute(&mut **tx).await.map(|_| ()))?;
        }
        Ok(defs)
    }

    /// Re-creates indexes dropped by `suspend_indexes`.
    pub async fn restore_indexes(&mut self, defs: &[(String, String)]) -> Result<()> {
        for (name, sql) in defs {
            on_tx!(self, tx => sqlx::query(sql).execute(&mut **tx).await.map(|_| ()))
                .with_context(|| format!("re-creating index {name}"))?;
        }
        Ok(())
    }

    /// The distinct non-null values of one column (for small key sets).
    pub async fn distinct_values(&mut self, table: &str, column: &str) -> Result<Vec<String>> {
        check_identifier(table)?;
        check_identifier(column)?;
        let sql = format!("SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL");
        let values = on_tx!(self, tx => sqlx::query_scalar(&sql).fetch_all(&mut **tx).await)?;
        Ok(values)
    }

    /// Appends a chunk of parsed rows to `table`.
    pub async fn insert_rows(
        &mut self,
        table: &Table,
        batch_id: i64,
        chunk: &RowChunk,
    ) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        check_identifier(table.name)?;
        let width = table.columns.len();
        debug_assert_eq!(chunk.cells.len(), chunk.len() * width);
        match self {
            ImportTx::Sqlite(tx) => {
                let sql = sqlite_insert_sql(table, batch_id);
                let mut handle = tx
                    .lock_handle()
                    .await
                    .context("locking the SQLite connection")?;
                crate::sqlite_bulk::insert_rows(
                    handle.as_raw_handle(),
                    &sql,
                    width,
                    &chunk.cells,
                    &chunk.lines,
                )
                .with_context(|| format!("inserting into {}", table.name))?;
            }
            ImportTx::Postgres(tx) => {
                let mut buf = String::with_capacity(chunk.len() * width * 12);
                for (row, &line) in chunk.cells.chunks(width).zip(&chunk.lines) {
                    for cell in row {
                        copy_text_field(&mut buf, cell);
                        buf.push('\t');
                    }
                    let _ = writeln!(buf, "{batch_id}\t{line}");
                }
                let columns = column_list(table);
                let mut copy = tx
                    .copy_in_raw(&format!(
                        "COPY {} ({columns}) FROM STDIN (FORMAT text)",
                        table.name
                    ))
                    .await
                    .with_context(|| format!("starting COPY into {}", table.name))?;
                copy.send(buf.into_bytes()).await?;
                copy.finish()
                    .await
                    .with_context(|| format!("COPY into {}", table.name))?;
            }
        }
        Ok(())
    }
}

fn column_list(table: &Table) -> String {
    let mut cols: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    cols.extend(["batch_id", "source_line"]);
    cols.join(", ")
}

/// `INSERT … VALUES (?, …, <batch_id>, ?)`: the batch id is the same for every row, so it is
/// written into the statement instead of being bound a million times.
fn sqlite_insert_sql(table: &Table, batch_id: i64) -> String {
    let placeholders = vec!["?"; table.columns.len()].join(",");
    format!(
        "INSERT INTO {} ({}) VALUES ({placeholders},{batch_id},?)",
        table.name,
        column_list(table),
    )
}

/// One field of PostgreSQL's COPY text format: `\N` for NULL, backslash escapes for the
/// characters that delimit fields and rows.
fn copy_text_field(buf: &mut String, cell: &Cell) {
    match cell {
        Cell::Null => buf.push_str("\\N"),
        Cell::Text(s) => {
            for ch in s.chars() {
                match ch {
                    '\\' => buf.push_str("\\\\"),
                    '\t' => buf.push_str("\\t"),
                    '\n' => buf.push_str("\\n"),
                    '\r' => buf.push_str("\\r"),
                    c => buf.push(c),
                }
            }
        }
        Cell::Int(v) => {
            let _ = write!(buf, "{v}");
        }
        Cell::Real(v) => {
            let _ = write!(buf, "{v}");
        }
        Cell::Bool(v) => buf.push(if *v { 't' } else { 'f' }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_fields_escape_delimiters() {
        let mut buf = String::new();
        copy_text_field(&mut buf, &Cell::Text("a\tb\\c\nd".into()));
        assert_eq!(buf, "a\\tb\\\\c\\nd");
        buf.clear();
        copy_text_field(&mut buf, &Cell::Null);
        assert_eq!(buf, "\\N");
    }
}
