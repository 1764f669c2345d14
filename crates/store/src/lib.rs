//! Where registers, import batches and (later) clues live: one SQLite file by default, or
//! PostgreSQL for a county or province deployment. Both run the same SQL wherever possible; the
//! few places that differ (bulk loading, DDL types) are kept side by side in this crate.

// By subject: the officials' accounts, the registers, clues (the check's records, the queue,
// the procedure), reports, cases, the audit trail and access log; the portal's and the
// village page's public reads; and the import's bulk loading.
mod accounts;
pub mod audit;
mod bulk;
pub mod cases;
pub mod clues;
pub mod matters;
mod migrate;
mod portal;
mod registers;
pub mod reports;
mod row;
mod sqlite_bulk;
pub mod statistics;
mod village;
pub mod village_books;

pub use accounts::{NewUser, Scope, User};
pub use audit::AccessEntry;
pub use audit::{AuditCheck, AuditEvent, AuditRow};
pub use bulk::{ImportTx, RowChunk};
pub use clues::procedure as clue_procedure;
pub use clues::queue::{Assignment, ClueFilter, ClueSort, QueueClue, Related, Review, Tally};
pub use clues::{
    persons_in_clue, CheckRecord, ClueRecord, RuleResult, RuleStat, RunSummary, Score, StoredClue,
    REVIEW_ACTIONS,
};
pub use migrate::postgres_schema_fingerprint;
pub use portal::{OwedLine, PaidLine, PersonMoney, ReportReply, ReportStatus};
pub use registers::{Division, PersonRecord};
pub use sqlite_bulk::SqliteRow;
pub use village::{
    Bid, CollectiveContract, Decision, Disclosure, MonthTotal, Project, RosterLine,
    VillageOfficial, VillageRecords, VoucherLine,
};

use anyhow::{bail, Context, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// The default database when neither `--database` nor `QINGFENG_DATABASE_URL` says otherwise.
pub const DEFAULT_DATABASE: &str = "qingfeng.sqlite";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body on whichever pool the store holds; the body sees `$pool` with its
/// concrete type, so one SQL text serves both backends.
#[macro_export]
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::Store::Sqlite($pool) => $body,
            $crate::Store::Postgres($pool) => $body,
        }
    };
}

/// A database location as the user typed it, minus anything secret, for messages.
pub fn describe_url(url: &str) -> String {
    match url.split_once('@') {
        Some((scheme_user, host)) if url.starts_with("postgres") => {
            let scheme = scheme_user.split("://").next().unwrap_or("postgres");
            format!("{scheme}://…@{host}")
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens (and for SQLite creates) the database and brings its schema up to date.
    ///
    /// `url` is `postgres://…`/`postgresql://…`, `sqlite:…`, or a plain file path.
    pub async fn open(url: &str) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            Store::open_postgres(options).await?
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            if path.is_empty() {
                bail!("empty SQLite path / SQLite 文件路径为空");
            }
            Store::open_sqlite(path).await?
        };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn open_postgres(options: PgConnectOptions) -> Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL / 无法连接 PostgreSQL")?;
        Ok(Store::Postgres(pool))
    }

    pub async fn open_sqlite(path: &str) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // 64 KiB pages (for a new file; an existing one keeps its size). Registers are read
            // by whole-table scans and written by bulk imports, where every page is a WAL frame
            // to write, look up and checkpoint: sixteen times fewer of them made the 10m-county
            // import 35% faster (docs/benchmarks.md). A point look-up still reads only a few pages.
            .page_size(65536)
            // WAL: readers (the web portal) keep reading while an import writes, and an import
            // killed half-way leaves only uncommitted frames that SQLite discards.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            // 256 MiB of page cache (a fixed bound, whatever the data's size) keeps the indexes
            // that an import probes in memory.
            .pragma("cache_size", "-262144")
            // Lets SQLite sort on a second thread when it builds an index after a bulk load.
            .pragma("threads", "2");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .with_context(|| {
                format!("cannot open SQLite database {path} / 无法打开 SQLite 数据库")
            })?;
        Ok(Store::Sqlite(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Store::Sqlite(_) => Backend::Sqlite,
            Store::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// On SQLite, runs `sql` and passes each row to `visit` straight from SQLite's C API (no
    /// value is copied); `Ok(false)` on PostgreSQL, where the caller reads through sqlx.
    ///
    /// This is how the engine loads millions of register rows into Arrow: through sqlx every
    /// value would be decoded into an owned Rust value on a worker thread first.
    pub async fn scan_sqlite(
        &self,
        sql: &str,
        visit: impl FnMut(&SqliteRow<'_>) -> Result<()>,
    ) -> Result<bool> {
        let Store::Sqlite(pool) = self else {
            return Ok(false);
        };
        let mut conn = pool.acquire().await?;
        let mut handle = conn
            .lock_handle()
            .await
            .context("locking the SQLite connection")?;
        sqlite_bulk::scan(handle.as_raw_handle(), sql, visit)?;
        Ok(true)
    }

    /// Number of rows in a table of the data contract (or a bookkeeping table).
    pub async fn count_rows(&self, table: &str) -> Result<i64> {
        check_identifier(table)?;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(&sql).fetch_one(pool).await)?;
        Ok(n)
    }

    /// The import batches, newest first.
    pub async fn batches(&self) -> Result<Vec<BatchInfo>> {
        let sql = "SELECT batch_id, started_at, finished_at, source, rows_added, rows_skipped, rows_removed \
                   FROM import_batches ORDER BY batch_id DESC";
        let rows: Vec<(i64, String, String, String, i64, i64, i64)> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    batch_id,
                    started_at,
                    finished_at,
                    source,
                    rows_added,
                    rows_skipped,
                    rows_removed,
                )| BatchInfo {
                    batch_id,
                    started_at,
                    finished_at,
                    source,
                    rows_added,
                    rows_skipped,
                    rows_removed,
                },
            )
            .collect())
    }

    /// The files of one batch.
    pub async fn batch_files(&self, batch_id: i64) -> Result<Vec<FileInfo>> {
        let sql = "SELECT table_name, file_name, sha256, encoding, loading, rows_read, rows_added, rows_skipped, rows_removed \
                   FROM import_files WHERE batch_id = $1 ORDER BY table_name";
        let rows: Vec<FileRow> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(batch_id).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(FileInfo::from).collect())
    }

    /// The SHA-256 of the file most recently imported into `table`, if any.
    pub async fn latest_sha256(&self, table: &str) -> Result<Option<(i64, String)>> {
        let sql = "SELECT batch_id, sha256 FROM import_files WHERE table_name = $1 ORDER BY batch_id DESC LIMIT 1";
        let row: Option<(i64, String)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(table).fetch_optional(pool).await)?;
        Ok(row)
    }

    /// Starts the single transaction in which one import happens.
    pub async fn begin_import(&self) -> Result<ImportTx> {
        ImportTx::begin(self).await
    }
}

type FileRow = (String, String, String, String, String, i64, i64, i64, i64);

#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchInfo {
    pub batch_id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub source: String,
    pub rows_added: i64,
    pub rows_skipped: i64,
    pub rows_removed: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    pub table_name: String,
    pub file_name: String,
    pub sha256: String,
    pub encoding: String,
    pub loading: String,
    pub rows_read: i64,
    pub rows_added: i64,
    pub rows_skipped: i64,
    pub rows_removed: i64,
}

impl From<FileRow> for FileInfo {
    fn from(r: FileRow) -> FileInfo {
        FileInfo {
            table_name: r.0,
            file_name: r.1,
            sha256: r.2,
            encoding: r.3,
            loading: r.4,
            rows_read: r.5,
            rows_added: r.6,
            rows_skipped: r.7,
            rows_removed: r.8,
        }
    }
}

/// Table and column names are spliced into SQL text; they only ever come from the contract,
/// but refuse anything that is not a plain identifier all the same.
pub(crate) fn check_identifier(name: &str) -> Result<()> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    {
        bail!("not a plain SQL identifier: {name:?}");
    }
    Ok(())
}
