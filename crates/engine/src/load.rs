//! The registers, from the store into Arrow for DataFusion — or from a Parquet snapshot of the
//! same import state, so that repeated checks do not reload the database.

use anyhow::{Context, Result};
use chrono::Datelike;
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, RecordBatch,
    StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use futures_util::TryStreamExt;
use qingfeng_domain::contract::{Kind, Table, TABLES};
use qingfeng_store::{on_pool, Store};
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const BATCH_ROWS: usize = 65_536;

/// The registers ready for the rules.
pub struct Registers {
    pub ctx: SessionContext,
    /// Rows per table, to tell which rules are computable.
    pub counts: BTreeMap<&'static str, usize>,
    /// The import state the registers reflect (`batch <n>`), recorded with each check run.
    pub state: String,
    /// Whether the registers came from a snapshot or from the database.
    pub from_snapshot: bool,
}

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Money | Kind::Count => DataType::Int64,
        Kind::Decimal => DataType::Float64,
        Kind::Bool => DataType::Boolean,
        Kind::Date => DataType::Date32,
        _ => DataType::Utf8,
    }
}

pub fn schema_of(table: &Table) -> SchemaRef {
    Arc::new(Schema::new(
        table
            .columns
            .iter()
            .map(|c| Field::new(c.name, data_type(c.kind), true))
            .collect::<Vec<_>>(),
    ))
}

/// DataFusion's session. Its settings can be tuned without a rebuild through DataFusion's own
/// environment variables (`DATAFUSION_EXECUTION_TARGET_PARTITIONS=…` and so on).
///
/// Unless set that way, each query gets the cores left to it when `concurrent_rules()` rules run
/// at once (one partition on a 2-core machine): the rules already keep every core busy, and
/// splitting each query as well only adds repartitioning. Measured on the 10m county: the 33
/// rules in 15.3–15.9 s with one partition against 18.0 s with two (docs/benchmarks.md).
pub fn new_context() -> SessionContext {
    let mut config = SessionConfig::from_env()
        .unwrap_or_default()
        .with_information_schema(false);
    if std::env::var_os("DATAFUSION_EXECUTION_TARGET_PARTITIONS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        config = config.with_target_partitions((cores / crate::run::concurrent_rules()).max(1));
    }
    SessionContext::new_with_config(config)
}

/// A short hash of every table's columns and their kinds.
fn contract_shape() -> String {
    let mut h = blake3::Hasher::new();
    for t in TABLES {
        h.update(t.name.as_bytes());
        for c in t.columns {
            h.update(b"\x1f");
            h.update(c.name.as_bytes());
            h.update(format!("{:?}", c.kind).as_bytes());
        }
        h.update(b"\x1e");
    }
    h.finalize().to_hex()[..8].to_string()
}

/// Loads the registers of `store`, using (or writing) a snapshot under `cache_dir`.
pub async fn load(store: &Store, cache_dir: Option<&Path>) -> Result<Registers> {
    let state = import_state(store).await?;
    let ctx = new_context();
    let mut counts = BTreeMap::new();
    // Keyed by the contract's columns too: a snapshot written before a column was added has
    // the old shape and must not be read as the new one.
    let snapshot =
        cache_dir.map(|d| d.join(format!("{}-{}", state.replace(' ', "-"), contract_shape())));
    let from_snapshot = snapshot
        .as_ref()
        .is_some_and(|d| d.join("complete").exists());
    if let (true, Some(dir)) = (from_snapshot, &snapshot) {
        for t in TABLES {
            let path = dir.join(format!("{}.parquet", t.name));
            // Read once into memory: every rule scans the same tables, and decoding Parquet
            // for each of them would cost more than the rules themselves.
            let schema = schema_of(t);
            let options = ParquetReadOptions::default().schema(&schema);
            let batches = ctx
                .read_parquet(path.to_string_lossy().as_ref(), options)
                .await?
                .collect()
                .await?;
            let mem = MemTable::try_new(schema.clone(), vec![batches])?;
            ctx.register_table(t.name, Arc::new(mem))?;
            let n: usize = std::fs::read_to_string(dir.join(format!("{}.rows", t.name)))?
                .trim()
                .parse()?;
            counts.insert(t.name, n);
        }
    } else {
        let tmp = snapshot.as_ref().map(|d| d.with_extension("partial"));
        if let Some(tmp) = &tmp {
            let _ = std::fs::remove_dir_all(tmp);
            std::fs::create_dir_all(tmp).with_context(|| format!("creating {}", tmp.display()))?;
        }
        for t in TABLES {
            let batches = read_table(store, t).await?;
            let n: usize = batches.iter().map(|b| b.num_rows()).sum();
            if let Some(tmp) = &tmp {
                write_parquet(&tmp.join(format!("{}.parquet", t.name)), t, &batches)?;
                std::fs::write(tmp.join(format!("{}.rows", t.name)), n.to_string())?;
            }
            let mem = MemTable::try_new(schema_of(t), vec![batches])?;
            ctx.register_table(t.name, Arc::new(mem))?;
            counts.insert(t.name, n);
        }
        if let (Some(tmp), Some(dir)) = (&tmp, &snapshot) {
            std::fs::write(tmp.join("complete"), &state)?;
            // A snapshot appears whole or not at all.
            std::fs::rename(tmp, dir)
                .with_context(|| format!("publishing snapshot {}", dir.display()))?;
        }
    }
    register_views(&ctx).await?;
    ctx.sql(
        "CREATE VIEW data_window AS SELECT MIN(d) AS first_date, MAX(d) AS last_date FROM (\
           SELECT paid_on AS d FROM payments UNION ALL SELECT date FROM vouchers \
           UNION ALL SELECT approved_on FROM entitlements UNION ALL SELECT published_on FROM disclosures \
           UNION ALL SELECT signed_on FROM collective_contracts UNION ALL SELECT awarded_on FROM projects) w",
    )
    .await?
    .collect()
    .await?;
    Ok(Registers {
        ctx,
        counts,
        state,
        from_snapshot,
    })
}

/// The views every rule may read besides the registers: the validity of village decisions, by
/// the one definition the portal uses too (`qingfeng_domain::decision`).
pub async fn register_views(ctx: &SessionContext) -> Result<()> {
    ctx.sql(&format!(
        "CREATE VIEW {} AS {}",
        qingfeng_domain::decision::VALIDITY_VIEW,
        qingfeng_domain::decision::VALIDITY_SQL
    ))
    .await?
    .collect()
    .await?;
    Ok(())
}

/// The import state a snapshot belongs to: the newest batch (batches are never edited, so a
/// new import is a new state).
pub async fn import_state(store: &Store) -> Result<String> {
    let latest: Option<i64> = on_pool!(store, pool => sqlx::query_scalar("SELECT MAX(batch_id) FROM import_batches").fetch_one(pool).await)?;
    Ok(format!("batch {}", latest.unwrap_or(0)))
}

/// Where snapshots of a database go by default: beside a SQLite file, or in the current folder.
pub fn default_cache_dir(database: &str) -> PathBuf {
    if database.starts_with("postgres") {
        let digest = blake3::hash(database.as_bytes()).to_hex();
        PathBuf::from(format!(".qingfeng-snapshots-{}", &digest[..12]))
    } else {
        let path = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .unwrap_or(database);
        PathBuf::from(format!("{path}.snapshots"))
    }
}

enum ColumnBuilder {
    Text(StringBuilder),
    Int(Int64Builder),
    Real(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
}

impl ColumnBuilder {
    fn new(kind: Kind) -> ColumnBuilder {
        match data_type(kind) {
            DataType::Int64 => ColumnBuilder::Int(Int64Builder::new()),
            DataType::Float64 => ColumnBuilder::Real(Float64Builder::new()),
            DataType::Boolean => ColumnBuilder::Bool(BooleanBuilder::new()),
            DataType::Date32 => ColumnBuilder::Date(Date32Builder::new()),
            _ => ColumnBuilder::Text(StringBuilder::new()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
            ColumnBuilder::Int(b) => Arc::new(b.finish()),
            ColumnBuilder::Real(b) => Arc::new(b.finish()),
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
        }
    }
}

/// Days since 1970-01-01 of an ISO date (`YYYY-MM-DD`, as the store keeps dates), as Arrow's
/// Date32 wants them. Parsed by hand: millions of dates are read per check.
pub(crate) fn days_from_iso(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let d = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    Some(d.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
}

/// `NaiveDate::from_ymd(1970, 1, 1).num_days_from_ce()`.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

async fn read_table(store: &Store, table: &'static Table) -> Result<Vec<RecordBatch>> {
    read_rows(store, table, None).await
}

/// The rows of `table` (those meeting `filter`, a SQL condition built by the caller from
/// checked values, when given) as Arrow batches.
pub(crate) async fn read_rows(
    store: &Store,
    table: &'static Table,
    filter: Option<&str>,
) -> Result<Vec<RecordBatch>> {
    let schema = schema_of(table);
    let cols: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let mut sql = format!("SELECT {} FROM {}", cols.join(", "), table.name);
    if let Some(f) = filter {
        sql.push_str(" WHERE ");
        sql.push_str(f);
    }
    let mut builders: Vec<ColumnBuilder> = table
        .columns
        .iter()
        .map(|c| ColumnBuilder::new(c.kind))
        .collect();
    let mut batches = Vec::new();
    let mut rows = 0usize;
    let flush = |builders: &mut Vec<ColumnBuilder>| -> Result<RecordBatch> {
        let arrays: Vec<ArrayRef> = builders.iter_mut().map(|b| b.finish()).collect();
        Ok(RecordBatch::try_new(schema.clone(), arrays)?)
    };
    let fast = store
        .scan_sqlite(&sql, |row| {
            for (i, b) in builders.iter_mut().enumerate() {
                match b {
                    ColumnBuilder::Text(b) => b.append_option(row.text(i)?),
                    ColumnBuilder::Int(b) => b.append_option(row.int(i)),
                    ColumnBuilder::Real(b) => b.append_option(row.real(i)),
                    ColumnBuilder::Bool(b) => b.append_option(row.int(i).map(|v| v != 0)),
                    ColumnBuilder::Date(b) => b.append_option(row.text(i)?.and_then(days_from_iso)),
                }
            }
            rows += 1;
            if rows.is_multiple_of(BATCH_ROWS) {
                batches.push(flush(&mut builders)?);
            }
            Ok(())
        })
        .await
        .with_context(|| format!("loading {} from the database", table.name))?;
    if !fast {
        on_pool!(store, pool => {
            let mut stream = sqlx::query(&sql).fetch(pool);
            while let Some(row) = stream.try_next().await? {
                for (i, b) in builders.iter_mut().enumerate() {
                    match b {
                        ColumnBuilder::Text(b) => b.append_option(row.try_get::<Option<String>, _>(i)?),
                        ColumnBuilder::Int(b) => b.append_option(row.try_get::<Option<i64>, _>(i)?),
                        ColumnBuilder::Real(b) => b.append_option(row.try_get::<Option<f64>, _>(i)?),
                        ColumnBuilder::Bool(b) => b.append_option(row.try_get::<Option<bool>, _>(i)?),
                        ColumnBuilder::Date(b) => {
                            let text: Option<String> = row.try_get(i)?;
                            b.append_option(text.as_deref().and_then(days_from_iso))
                        }
                    }
                }
                rows += 1;
                if rows.is_multiple_of(BATCH_ROWS) {
                    batches.push(flush(&mut builders)?);
                }
            }
            Ok::<(), anyhow::Error>(())
        })
        .with_context(|| format!("loading {} from the database", table.name))?;
    }
    if !rows.is_multiple_of(BATCH_ROWS) || batches.is_empty() {
        batches.push(flush(&mut builders)?);
    }
    Ok(batches)
}

fn write_parquet(path: &Path, table: &Table, batches: &[RecordBatch]) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = ArrowWriter::try_new(file, schema_of(table), None)?;
    for b in batches {
        writer.write(b)?;
    }
    writer.close()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::days_from_iso;

    #[test]
    fn iso_dates_become_days_since_the_epoch() {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for text in [
            "1970-01-01",
            "1969-12-31",
            "2000-02-29",
            "2024-03-02",
            "2038-01-19",
        ] {
            let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
            assert_eq!(
                days_from_iso(text),
                Some((date - epoch).num_days() as i32),
                "{text}"
            );
        }
        for bad in [
            "",
            "2023-02-29",
            "2024-13-01",
            "2024/03/02",
            "2024-3-02",
            "２０２４-03-02",
        ] {
            assert_eq!(days_from_iso(bad), None, "{bad}");
        }
    }
}
