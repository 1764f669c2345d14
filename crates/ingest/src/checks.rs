//! Checks that need more than one row: unique keys, references between tables, and how a
//! ledger instalment meets the rows already stored. They run as SQL inside the import's
//! transaction, after the rows are loaded, so memory stays flat however large the files are;
//! a failed check rolls everything back.

use crate::report::{Problem, Problems};
use anyhow::Result;
use qingfeng_domain::contract::{table, Loading, Reference, Table, TABLES};
use qingfeng_domain::Invalid;
use qingfeng_store::ImportTx;
use std::collections::{HashMap, HashSet};

/// What the import loaded for one table, as the checks need to know it.
pub struct Loaded {
    pub table: &'static Table,
    pub label: String,
    /// Rows the table held before this import (after a replace: 0).
    pub rows_before: i64,
    /// References already checked row by row against an in-memory key set (see `KnownKeys`).
    pub checked_in_memory: Vec<&'static str>,
}

/// Targets with at most this many keys are checked in memory while parsing: a handful of
/// programs or a few hundred villages cost nothing to hold, and it spares a million index
/// probes afterwards. Larger targets are checked in SQL, so memory stays bounded.
pub const IN_MEMORY_KEYS: i64 = 100_000;

/// The keys of a reference's target, for checking it while parsing.
pub struct KnownKeys {
    pub reference: &'static Reference,
    pub column_index: usize,
    pub keys: HashSet<String>,
}

/// The keys of rows that were refused, by the (table, column) other tables refer to, with where
/// each refused row stands. A reference to one of them is not a second mistake but a consequence
/// of the first, and the report says so: one bad rate in programs.csv must not bury the real error
/// under thousands of "unknown program" lines.
#[derive(Debug, Default, Clone)]
pub struct RejectedKeys {
    by_column: HashMap<TableColumn, HashMap<String, Where>>,
}

/// (table, column) of the contract.
type TableColumn = (&'static str, &'static str);

/// (file as reports name it, line).
type Where = (String, u64);

impl RejectedKeys {
    /// The columns of `table` that other tables refer to.
    pub fn referenced_columns(table: &Table) -> Vec<&'static str> {
        let mut cols: Vec<&'static str> = TABLES
            .iter()
            .flat_map(|t| t.references)
            .filter(|r| r.target_table == table.name)
            .map(|r| r.target_column)
            .collect();
        cols.sort_unstable();
        cols.dedup();
        cols
    }

    pub fn record(
        &mut self,
        table: &Table,
        column: &'static str,
        value: String,
        file: &str,
        line: u64,
    ) {
        self.by_column
            .entry((table.name, column))
            .or_default()
            .entry(value)
            .or_insert_with(|| (file.to_string(), line));
    }

    /// Where the refused row stands that `value` of reference `r` would have named.
    pub fn find(&self, r: &Reference, value: &str) -> Option<&(String, u64)> {
        self.by_column
            .get(&(r.target_table, r.target_column))
            .and_then(|m| m.get(value))
    }

    pub fn merge(&mut self, other: RejectedKeys) {
        for (k, m) in other.by_column {
            let mine = self.by_column.entry(k).or_default();
            for (v, at) in m {
                mine.entry(v).or_insert(at);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_column.is_empty()
    }
}

/// The problem for a reference to a missing key: a consequence when the key's row was refused.
pub fn dangling_problem(
    rejected: &RejectedKeys,
    r: &Reference,
    file: &str,
    line: u64,
    column: &str,
    value: &str,
) -> Problem {
    match rejected.find(r, value) {
        Some((root_file, root_line)) => Problem::error(
            file,
            line,
            column,
            value,
            Invalid::new(
                "reference_to_refused_row",
                format!(
                    "{}“{value}”所指的{}行({root_file}第{root_line}行)因错误未被导入; 改正该行后本错误随之消失",
                    r.column, r.target_table
                ),
                format!(
                    "{} \"{value}\" names the {} row at {root_file} line {root_line}, which was refused; fixing that row fixes this one",
                    r.column, r.target_table
                ),
            ),
        )
        .following(root_file, *root_line),
        None => Problem::error(file, line, column, value, dangling(r, value)),
    }
}

pub fn dangling(r: &Reference, value: &str) -> Invalid {
    Invalid::new(
        "reference_dangling",
        format!(
            "{}“{value}”在{}表的{}中不存在",
            r.column, r.target_table, r.target_column
        ),
        format!(
            "{} \"{value}\" does not exist in {}.{}",
            r.column, r.target_table, r.target_column
        ),
    )
}

impl Loaded {
    /// The condition selecting this import's rows of the table. When the table held nothing
    /// before, that is every row: then no column is tested at all (`$1 > 0` only keeps the
    /// parameter in use), so SQLite can answer a grouping from the key index alone instead of
    /// visiting every row through the batch index.
    fn this_batch(&self, alias: &str) -> String {
        if self.rows_before == 0 {
            "$1 > 0".to_string()
        } else {
            format!("{alias}batch_id = $1")
        }
    }
}

fn key_match(table: &Table, a: &str, b: &str) -> String {
    table
        .key
        .iter()
        .map(|k| format!("{a}.{k} = {b}.{k}"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn key_text(table: &Table, alias: &str) -> String {
    table
        .key
        .iter()
        .map(|k| format!("{alias}.{k}"))
        .collect::<Vec<_>>()
        .join(" || ' / ' || ")
}

/// Ledger rows that repeat an earlier batch's row exactly are taken out again (recognised
/// re-delivery); returns how many.
pub async fn drop_repeated_ledger_rows(
    tx: &mut ImportTx,
    l: &Loaded,
    batch_id: i64,
) -> Result<u64> {
    let t = l.table;
    if t.loading != Loading::Append || l.rows_before == 0 {
        return Ok(0);
    }
    let same_values = t
        .columns
        .iter()
        .map(|c| format!("o.{0} IS NOT DISTINCT FROM {1}.{0}", c.name, t.name))
        .collect::<Vec<_>>()
        .join(" AND ");
    // The plain key equality lets both databases use the key index; IS NOT DISTINCT FROM alone
    // is not indexable in PostgreSQL.
    let sql = format!(
        "DELETE FROM {name} WHERE batch_id = $1 AND EXISTS \
         (SELECT 1 FROM {name} o WHERE {m} AND o.batch_id <> $1 AND {same_values})",
        name = t.name,
        m = key_match(t, "o", t.name),
    );
    tx.execute(&sql, batch_id).await
}

pub async fn run_all(
    tx: &mut ImportTx,
    loaded: &[Loaded],
    batch_id: i64,
    rejected: &RejectedKeys,
    problems: &mut Problems,
) -> Result<()> {
    for l in loaded {
        duplicates(tx, l, batch_id, problems).await?;
        keys_stored_before(tx, l, batch_id, problems).await?;
        references(tx, l, batch_id, rejected, problems).await?;
    }
    orphans_left_by_replacement(tx, loaded, batch_id, problems).await?;
    Ok(())
}

async fn duplicates(
    tx: &mut ImportTx,
    l: &Loaded,
    batch_id: i64,
    problems: &mut Problems,
) -> Result<()> {
    let t = l.table;
    if t.key.is_empty() {
        return Ok(());
    }
    // Grouping finds the repeated keys in one pass over the batch; a per-row EXISTS would let
    // SQLite pick the batch index for the inner lookup and go quadratic.
    let cols = t.key.join(", ");
    let sql = format!(
        "SELECT n.source_line, {key} FROM {name} n WHERE {outer} AND ({cols}) IN \
         (SELECT {cols} FROM {name} WHERE {inner} GROUP BY {cols} HAVING COUNT(*) > 1) ORDER BY n.source_line",
        key = key_text(t, "n"),
        name = t.name,
        outer = l.this_batch("n."),
        inner = l.this_batch(""),
    );
    let keys = t.key.join(" + ");
    for (line, value) in tx.findings(&sql, batch_id).await? {
        problems.push(Problem::error(
            &l.label,
            line as u64,
            &keys,
            value.as_deref().unwrap_or(""),
            Invalid::new(
                "duplicate_key",
                format!("{keys}重复: 本文件中有多行使用同一值"),
                format!("duplicate {keys}: several rows of this file have this value"),
            ),
        ));
    }
    Ok(())
}

/// Rows of this file whose key is already stored by another batch. In a ledger (append) the
/// identical re-deliveries were dropped already, so such a row differs somewhere: ledgers are
/// never rewritten silently. A register replaced by a file keeps only the rows the workspace
/// wrote (entered by hand, or a matter's decision): a file row with one of their keys would make
/// two records of one thing. Either way the row is refused, named.
async fn keys_stored_before(
    tx: &mut ImportTx,
    l: &Loaded,
    batch_id: i64,
    problems: &mut Problems,
) -> Result<()> {
    let t = l.table;
    if l.rows_before == 0 || t.key.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT n.source_line, {key} FROM {name} n WHERE n.batch_id = $1 AND EXISTS \
         (SELECT 1 FROM {name} o WHERE o.batch_id <> $1 AND {m}) ORDER BY n.source_line",
        key = key_text(t, "n"),
        name = t.name,
        m = key_match(t, "o", "n"),
    );
    let keys = t.key.join(" + ");
    for (line, value) in tx.findings(&sql, batch_id).await? {
        let why = match t.loading {
            Loading::Append => Invalid::new(
                "ledger_conflict",
                format!("{keys}已在先前的导入中存在且内容不同; 台账类数据不允许静默改写"),
                format!("{keys} was imported before with different values; ledger rows are never silently rewritten"),
            ),
            Loading::Replace => Invalid::new(
                "key_entered_in_workspace",
                format!("{keys}已在工作台登记(或由事项流程写入), 文件中不应再有此行; 请删去此行后重新导入"),
                format!("{keys} was entered in the workspace (or written by a matter); the file must not repeat it: remove the row and import again"),
            ),
        };
        problems.push(Problem::error(
            &l.label,
            line as u64,
            &keys,
            value.as_deref().unwrap_or(""),
            why,
        ));
    }
    Ok(())
}

async fn references(
    tx: &mut ImportTx,
    l: &Loaded,
    batch_id: i64,
    rejected: &RejectedKeys,
    problems: &mut Problems,
) -> Result<()> {
    for r in l
        .table
        .references
        .iter()
        .filter(|r| !l.checked_in_memory.contains(&r.column))
    {
        let target = table(r.target_table).expect("contract references name contract tables");
        if tx.count(target.name).await? == 0 {
            let sql = format!(
                "SELECT COUNT(*), MIN({c}) FROM {name} WHERE {this} AND {c} IS NOT NULL",
                c = r.column,
                name = l.table.name,
                this = l.this_batch("")
            );
            let uses = tx.findings(&sql, batch_id).await?;
            if uses.first().is_some_and(|(n, _)| *n > 0) {
                problems.push(Problem::warning(
                    &l.label,
                    0,
                    r.column,
                    "",
                    Invalid::new(
                        "reference_unverified",
                        format!("尚未导入{}表, 无法核对{}的引用", target.name, r.column),
                        format!(
                            "{} has not been imported, so {} could not be checked against it",
                            target.name, r.column
                        ),
                    ),
                ));
            }
            continue;
        }
        let sql = format!(
            "SELECT n.source_line, n.{c} FROM {name} n WHERE {this} AND n.{c} IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM {target} p WHERE p.{tc} = n.{c}) ORDER BY n.source_line",
            c = r.column,
            name = l.table.name,
            target = target.name,
            tc = r.target_column,
            this = l.this_batch("n."),
        );
        for (line, value) in tx.findings(&sql, batch_id).await? {
            let v = value.unwrap_or_default();
            problems.push(dangling_problem(
                rejected,
                r,
                &l.label,
                line as u64,
                r.column,
                &v,
            ));
        }
    }
    Ok(())
}

/// A register replaced by this import may have dropped keys that rows imported earlier (and
/// not replaced now) still use: e.g. a new programs.csv without a program that past payments
/// name. That would leave the store inconsistent, so it is refused.
async fn orphans_left_by_replacement(
    tx: &mut ImportTx,
    loaded: &[Loaded],
    batch_id: i64,
    problems: &mut Problems,
) -> Result<()> {
    for parent in loaded
        .iter()
        .filter(|l| l.table.loading == Loading::Replace)
    {
        for child in TABLES {
            for r in child
                .references
                .iter()
                .filter(|r| r.target_table == parent.table.name)
            {
                let sql = format!(
                    "SELECT COUNT(*), n.{c} FROM {name} n WHERE n.batch_id <> $1 AND n.{c} IS NOT NULL AND NOT EXISTS \
                     (SELECT 1 FROM {target} p WHERE p.{tc} = n.{c}) GROUP BY n.{c} ORDER BY n.{c}",
                    c = r.column,
                    name = child.name,
                    target = parent.table.name,
                    tc = r.target_column,
                );
                for (count, value) in tx.findings(&sql, batch_id).await? {
                    let v = value.unwrap_or_default();
                    problems.push(Problem::error(
                        &parent.label,
                        0,
                        r.target_column,
                        &v,
                        Invalid::new(
                            "reference_removed",
                            format!("新文件中没有{}“{v}”, 但先前导入的{}表中仍有{count}行引用它", r.target_column, child.name),
                            format!(
                                "{} \"{v}\" is missing from the new file but {count} rows of {} imported earlier still refer to it",
                                r.target_column, child.name
                            ),
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
