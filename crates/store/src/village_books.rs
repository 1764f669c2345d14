//! The village books' registers as the workspace keeps them (村账乡管): a row entered by hand
//! goes into the same table a file would fill, in a batch of its own (origin `workflow`, so a
//! later file replacing the register keeps it); and the reads behind the reminders of rent due,
//! contracts ending and debts falling due.
//!
//! What may be entered, by whom, and how a cell is cleaned and checked is the workflow's; here a
//! row arrives parsed.

use crate::accounts::ScopeSql;
use crate::audit::{audited, Entry};
use crate::row::from_row;
use crate::{on_pool, Scope, Store};
use anyhow::{bail, Result};
use qingfeng_domain::contract::{Cell, Kind, Table};

/// A register's column names are the contract's; anything else never reaches SQL.
fn check_identifier(name: &str) -> Result<()> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        bail!("not a register identifier: {name:?}");
    }
    Ok(())
}

/// A stored cell shown as text: money and counts as integers, dates as ISO, yes/no as 1/0.
pub type ShownRow = Vec<Option<String>>;

/// A collective contract in force, for the rent and expiry reminders.
#[derive(Debug, Clone)]
pub struct ContractInForce {
    pub contract_id: String,
    pub village_code: String,
    pub counterparty_name: String,
    pub annual_rent: i64,
    pub start_date: String,
    pub end_date: String,
}

from_row!(ContractInForce {
    contract_id,
    village_code,
    counterparty_name,
    annual_rent,
    start_date,
    end_date,
});

/// A debt not yet settled, for the reminders.
#[derive(Debug, Clone)]
pub struct OpenDebt {
    pub debt_id: String,
    pub village_code: String,
    pub direction: String,
    pub counterparty_name: String,
    pub amount: i64,
    pub due_on: String,
}

from_row!(OpenDebt {
    debt_id,
    village_code,
    direction,
    counterparty_name,
    amount,
    due_on,
});

impl Store {
    /// Writes one parsed row of `table` (cells in the contract's column order), entered in the
    /// workspace by `by`, in a batch of its own, with its audit entry.
    pub async fn enter_register_row(&self, table: &Table, cells: &[Cell], by: &str) -> Result<()> {
        check_identifier(table.name)?;
        for c in table.columns {
            check_identifier(c.name)?;
        }
        if cells.len() != table.columns.len() {
            bail!(
                "{}: {} cells for {} columns",
                table.name,
                cells.len(),
                table.columns.len()
            );
        }
        let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        let placeholders: Vec<String> = (1..=cells.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}, batch_id, source_line) VALUES ({}, ${}, 1)",
            table.name,
            columns.join(", "),
            placeholders.join(", "),
            cells.len() + 1
        );
        let key: Vec<String> = table
            .key
            .iter()
            .filter_map(|k| table.columns.iter().position(|c| c.name == *k))
            .map(|i| match &cells[i] {
                Cell::Text(t) => t.clone(),
                Cell::Int(n) => n.to_string(),
                other => format!("{other:?}"),
            })
            .collect();
        let key = key.join(" / ");
        audited!(self, by, tx => {
            // The engine's snapshot of the registers is keyed by the newest batch: a row entered
            // by hand is a batch like a file, so the next check sees it.
            let batch: i64 = sqlx::query_scalar(
                "INSERT INTO import_batches (started_at, finished_at, source, tool_version, \
                 rows_added, rows_skipped, rows_removed, origin) \
                 VALUES ($1, $1, $2, $3, 1, 0, 0, 'workflow') RETURNING batch_id",
            )
            .bind(chrono::Utc::now().to_rfc3339())
            .bind(format!("workspace: {} entered by {by}", table.name))
            .bind(env!("CARGO_PKG_VERSION"))
            .fetch_one(&mut *tx)
            .await?;
            let mut q = sqlx::query(&sql);
            for (c, cell) in table.columns.iter().zip(cells) {
                // A NULL is bound with its column's type: PostgreSQL will not put text in a
                // BIGINT column, even a NULL one.
                q = match (cell, c.kind) {
                    (Cell::Text(t), _) => q.bind(t.clone()),
                    (Cell::Int(n), _) => q.bind(*n),
                    (Cell::Real(r), _) => q.bind(*r),
                    (Cell::Bool(b), _) => q.bind(*b),
                    (Cell::Null, Kind::Money | Kind::Count) => q.bind(None::<i64>),
                    (Cell::Null, Kind::Decimal) => q.bind(None::<f64>),
                    (Cell::Null, Kind::Bool) => q.bind(None::<bool>),
                    (Cell::Null, _) => q.bind(None::<String>),
                };
            }
            q.bind(batch).execute(&mut *tx).await?;
            ((), [Entry::new("register.entered", table.name, key.clone(), format!("batch={batch}"))])
        })
    }

    /// Whether a row with this key (the contract's key columns, as text) is stored.
    pub async fn register_key_taken(&self, table: &Table, key: &[String]) -> Result<bool> {
        check_identifier(table.name)?;
        let condition = table
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| {
                check_identifier(k)?;
                Ok(format!("{k} = ${}", i + 1))
            })
            .collect::<Result<Vec<_>>>()?
            .join(" AND ");
        let sql = format!("SELECT COUNT(*) FROM {} WHERE {condition}", table.name);
        let n: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql);
            for k in key {
                q = q.bind(k);
            }
            q.fetch_one(pool).await
        })?;
        Ok(n > 0)
    }

    /// The villages of the rows of `table` whose `column` is `value` (a reference's target):
    /// empty if there is none; `None` entries for a table without a village (divisions).
    pub async fn register_villages_of(
        &self,
        table: &Table,
        column: &str,
        value: &str,
    ) -> Result<Vec<Option<String>>> {
        check_identifier(table.name)?;
        check_identifier(column)?;
        let village = if table.column("village_code").is_some() {
            "village_code"
        } else {
            "NULL"
        };
        let sql = format!(
            "SELECT {village} FROM {} WHERE {column} = $1 LIMIT 10",
            table.name
        );
        Ok(on_pool!(self, pool => sqlx::query_scalar(&sql).bind(value).fetch_all(pool).await)?)
    }

    /// The rows of `table` of the villages in `scope`, the latest entered or imported first:
    /// `limit` of them from `offset`, and how many there are in all.
    pub async fn register_rows(
        &self,
        table: &Table,
        scope: &Scope,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<ShownRow>, i64)> {
        check_identifier(table.name)?;
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        let columns = table
            .columns
            .iter()
            .map(|c| {
                check_identifier(c.name)?;
                Ok(match c.kind {
                    // Yes/no is an integer in SQLite and a boolean in PostgreSQL: shown as 1/0.
                    Kind::Bool => format!("CASE WHEN {0} THEN '1' ELSE '0' END", c.name),
                    _ => format!("CAST({} AS TEXT)", c.name),
                })
            })
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM {} WHERE {wh} ORDER BY batch_id DESC, source_line LIMIT {limit} OFFSET {offset}",
            table.name
        );
        let count_sql = format!("SELECT COUNT(*) FROM {} WHERE {wh}", table.name);
        let width = table.columns.len();
        on_pool!(self, pool => {
            let mut q = sqlx::query(&sql);
            let mut c = sqlx::query_scalar(&count_sql);
            for b in &binds {
                q = q.bind(b);
                c = c.bind(b);
            }
            let rows = q.fetch_all(pool).await?;
            let total: i64 = c.fetch_one(pool).await?;
            let shown = rows
                .iter()
                .map(|r| {
                    (0..width)
                        .map(|i| sqlx::Row::try_get::<Option<String>, _>(r, i))
                        .collect::<std::result::Result<ShownRow, _>>()
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok((shown, total))
        })
    }

    /// The collective contracts of the villages in `scope` in force on `today`, those ending by
    /// `until` first.
    pub async fn contracts_in_force(
        &self,
        scope: &Scope,
        today: &str,
        until: &str,
    ) -> Result<Vec<ContractInForce>> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        binds.push(today.to_string());
        let t = binds.len();
        binds.push(until.to_string());
        let u = binds.len();
        let sql = format!(
            "SELECT contract_id, village_code, counterparty_name, annual_rent, start_date, end_date \
             FROM collective_contracts WHERE {wh} AND start_date <= ${t} AND end_date >= ${t} \
             ORDER BY end_date <= ${u} DESC, end_date, contract_id LIMIT 1000"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Rent booked (income vouchers of category `contract_income`) against contracts of the
    /// villages in `scope` since `since`: (contract, date, amount in fen).
    pub async fn rent_booked_since(
        &self,
        scope: &Scope,
        since: &str,
    ) -> Result<Vec<(String, String, i64)>> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        binds.push(since.to_string());
        let s = binds.len();
        let sql = format!(
            "SELECT contract_id, date, amount FROM vouchers WHERE {wh} AND direction = 'income' \
             AND category = 'contract_income' AND contract_id IS NOT NULL AND date >= ${s}"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Debts of the villages in `scope` not settled and due by `until` (overdue ones too),
    /// soonest first.
    pub async fn debts_falling_due(&self, scope: &Scope, until: &str) -> Result<Vec<OpenDebt>> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        binds.push(until.to_string());
        let u = binds.len();
        let sql = format!(
            "SELECT debt_id, village_code, direction, counterparty_name, amount, due_on FROM debts \
             WHERE {wh} AND settled_on IS NULL AND due_on IS NOT NULL AND due_on <= ${u} \
             ORDER BY due_on, debt_id LIMIT 1000"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }
}

/// An asset card as the village page shows it.
#[derive(Debug, Clone)]
pub struct AssetLine {
    pub asset_id: String,
    pub name: String,
    pub category: String,
    pub location: Option<String>,
    pub value: i64,
    pub status: String,
    pub contract_id: Option<String>,
}

from_row!(AssetLine {
    asset_id,
    name,
    category,
    location,
    value,
    status,
    contract_id,
});

/// A debt as the village page shows it.
#[derive(Debug, Clone)]
pub struct DebtLine {
    pub debt_id: String,
    pub direction: String,
    pub counterparty_name: String,
    pub counterparty_id: Option<String>,
    pub amount: i64,
    pub incurred_on: String,
    pub due_on: Option<String>,
    pub settled_on: Option<String>,
    pub decision_id: Option<String>,
    pub purpose: Option<String>,
}

from_row!(DebtLine {
    debt_id,
    direction,
    counterparty_name,
    counterparty_id,
    amount,
    incurred_on,
    due_on,
    settled_on,
    decision_id,
    purpose,
});

/// What the village page shows of the books' own registers: its assets (disposed ones last),
/// its debts (open ones first) and its latest day-end balance.
#[derive(Debug, Clone, Default)]
pub struct PublicBooks {
    pub assets: Vec<AssetLine>,
    pub debts: Vec<DebtLine>,
    /// (day, cash on hand, bank balance).
    pub balance: Option<(String, i64, Option<i64>)>,
}

impl Store {
    /// The village's assets, debts and latest balance for its public page (500 of each at most).
    pub async fn village_books(&self, village: &str) -> Result<PublicBooks> {
        let assets = on_pool!(self, pool => sqlx::query_as(
            "SELECT asset_id, name, category, location, value, status, contract_id FROM assets \
             WHERE village_code = $1 ORDER BY status = 'disposed', value DESC, asset_id LIMIT 500",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        let debts = on_pool!(self, pool => sqlx::query_as(
            "SELECT debt_id, direction, counterparty_name, counterparty_id, amount, incurred_on, due_on, \
             settled_on, decision_id, purpose FROM debts WHERE village_code = $1 \
             ORDER BY settled_on IS NOT NULL, incurred_on DESC, debt_id LIMIT 500",
        )
        .bind(village)
        .fetch_all(pool)
        .await)?;
        let balance = on_pool!(self, pool => sqlx::query_as(
            "SELECT date, cash_on_hand, bank_balance FROM cash_balances WHERE village_code = $1 \
             ORDER BY date DESC LIMIT 1",
        )
        .bind(village)
        .fetch_optional(pool)
        .await)?;
        Ok(PublicBooks {
            assets,
            debts,
            balance,
        })
    }
}
