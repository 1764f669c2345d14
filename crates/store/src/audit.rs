//! The audit trail and the access log: every state change of a report or case and every access
//! to a report (`audit_log`), every view of a person or record by an official (`access_log`), in
//! append-only, hash-chained logs.
//!
//! Each row's hash covers the previous row's hash and the row's own fields, so changing or
//! removing a past row breaks the chain from that row on ([`Store::verify_audit`] finds it). The
//! tables also refuse UPDATE and DELETE by trigger; the chain is what still catches an edit by
//! someone who drops the trigger first. The chain alone is not enough against whoever holds the
//! database: they could delete a row and re-hash every row after it. So each row also carries a
//! MAC of its hash under the server's audit key, which lives in the server's key file, not in the
//! database ([`use_key`]); rewriting rows without that key leaves MACs that do not match.
//! Removing the newest rows still leaves a valid shorter chain: the head printed by `qingfeng
//! audit` (and on the quarterly statistics) is meant to be written down outside the system, and
//! `qingfeng audit --head HASH` checks that a head written down earlier is still in the trail.

use crate::row::from_row;
use crate::User;
use crate::{on_pool, Store};
use anyhow::{anyhow, Result};
use std::sync::RwLock;

/// The process's audit key (see the module's documentation).
static AUDIT_KEY: RwLock<Option<[u8; 32]>> = RwLock::new(None);

/// Sets the key every row appended by this process is MACed with, and that verification checks:
/// the server's audit key, from its key file. Called once at start-up.
pub fn use_key(key: [u8; 32]) {
    *AUDIT_KEY.write().expect("audit key lock") = Some(key);
}

fn key() -> Result<[u8; 32]> {
    AUDIT_KEY
        .read()
        .expect("audit key lock")
        .ok_or_else(|| anyhow!("the audit key is not loaded (server key file) / 未加载审计密钥"))
}

/// The MAC of one row of `log` (`audit_log` or `access_log`): keyed BLAKE3 over the log's name
/// and the row's chain hash.
pub fn row_mac(log: &str, hash: &str) -> Result<String> {
    let mut h = blake3::Hasher::new_keyed(&key()?);
    h.update(log.as_bytes());
    h.update(b"\x1f");
    h.update(hash.as_bytes());
    Ok(h.finalize().to_hex().to_string())
}

/// The MAC of the number of rows a log held before it was keyed (those carry no MAC).
fn legacy_mac(log: &str, legacy_rows: i64) -> Result<String> {
    row_mac(log, &format!("legacy rows {legacy_rows}"))
}

/// One event to append.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: &'a str,
    pub detail: &'a str,
}

/// A row of the trail as stored.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// `None` only for rows from before the installation was keyed.
    pub mac: Option<String>,
}
from_row!(AuditRow {
    seq,
    at,
    actor,
    action,
    subject_kind,
    subject_id,
    detail,
    prev_hash,
    hash,
    mac
});

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub rows: u64,
    /// The hash of the last row (the chain's head), to be recorded outside the system.
    pub head: String,
    /// The first row whose hash, MAC or link does not match, with what is wrong.
    pub broken: Option<(i64, String)>,
    /// Rows from before the installation had an audit key: chained but without a MAC.
    pub legacy_rows: i64,
}

/// The hash the first row links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// BLAKE3 over the previous hash and the row's fields, each length-prefixed so that moving text
/// from one field to the next changes the hash.
pub fn chain_hash(prev_hash: &str, seq: i64, at: &str, event: &AuditEvent<'_>) -> String {
    let mut h = blake3::Hasher::new_derive_key("qingfeng 2026 audit chain");
    let seq = seq.to_string();
    for field in [
        prev_hash,
        &seq,
        at,
        event.actor,
        event.action,
        event.subject_kind,
        event.subject_id,
        event.detail,
    ] {
        h.update(&(field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// Appends `event` inside the open transaction `tx` (started with [`begin_audited!`], which
/// holds the write lock so that two appends cannot link to the same previous row).
macro_rules! append_audit {
    ($tx:expr, $event:expr) => {{
        let event: &$crate::audit::AuditEvent<'_> = $event;
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let (seq, prev) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, $crate::audit::GENESIS.to_string()),
        };
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let hash = $crate::audit::chain_hash(&prev, seq, &at, event);
        let mac = $crate::audit::row_mac("audit_log", &hash)?;
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash, mac) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(seq)
        .bind(&at)
        .bind(event.actor)
        .bind(event.action)
        .bind(event.subject_kind)
        .bind(event.subject_id)
        .bind(event.detail)
        .bind(&prev)
        .bind(&hash)
        .bind(&mac)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use append_audit;

/// Begins a write transaction that may append to the audit trail: SQLite takes the write lock at
/// once (BEGIN IMMEDIATE, so a concurrent writer cannot invalidate what was read), PostgreSQL
/// locks the trail against other appenders until commit.
macro_rules! begin_audited {
    ($store:expr, $pool:expr) => {
        $crate::audit::begin_appending!($store, $pool, "audit_log")
    };
}
pub(crate) use begin_audited;

/// Begins a write transaction that appends to the chained log `$table` (see [`begin_audited!`]).
macro_rules! begin_appending {
    ($store:expr, $pool:expr, $table:literal) => {{
        let postgres = matches!($store, $crate::Store::Postgres(_));
        let mut tx = if postgres {
            $pool.begin().await?
        } else {
            $pool.begin_with("BEGIN IMMEDIATE").await?
        };
        if postgres {
            sqlx::query(concat!(
                "LOCK TABLE ",
                $table,
                " IN SHARE ROW EXCLUSIVE MODE"
            ))
            .execute(&mut *tx)
            .await?;
        }
        tx
    }};
}
pub(crate) use begin_appending;

/// An event a write records in the audit trail, owning its identifiers and detail so that a
/// write's body can build it from values it computed.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub action: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: String,
    pub detail: String,
}

impl<'a> Entry<'a> {
    pub fn new(
        action: &'a str,
        subject_kind: &'a str,
        subject_id: impl ToString,
        detail: impl Into<String>,
    ) -> Entry<'a> {
        Entry {
            action,
            subject_kind,
            subject_id: subject_id.to_string(),
            detail: detail.into(),
        }
    }
}

/// One audited write: runs `$body` in a transaction begun with [`begin_audited!`] (the body
/// sees it as `$tx`, with the pool's concrete type, and may `return` early, which rolls back),
/// appends the entries the body returns with its value, `(value, [Entry, …])`, as `$actor`,
/// and commits; evaluates to `Ok(value)`. The one place a store write meets the audit trail,
/// so that no write forgets its entry or commits before appending it.
macro_rules! audited {
    ($store:expr, $actor:expr, $tx:ident => $body:block) => {
        $crate::on_pool!($store, pool => {
            let mut $tx = $crate::audit::begin_audited!($store, pool);
            let (value, entries) = $body;
            for entry in entries {
                let entry: $crate::audit::Entry<'_> = entry;
                $crate::audit::append_audit!($tx, &$crate::audit::AuditEvent {
                    actor: $actor,
                    action: entry.action,
                    subject_kind: entry.subject_kind,
                    subject_id: &entry.subject_id,
                    detail: &entry.detail,
                });
            }
            $tx.commit().await?;
            Ok(value)
        })
    };
}
pub(crate) use audited;

impl Store {
    /// Appends one event in a transaction of its own.
    pub async fn audit(&self, event: &AuditEvent<'_>) -> Result<()> {
        on_pool!(self, pool => {
            let mut tx = begin_audited!(self, pool);
            append_audit!(tx, event);
            tx.commit().await?;
            Ok(())
        })
    }

    /// The trail's rows about one subject, oldest first.
    pub async fn audit_of(&self, subject_kind: &str, subject_id: &str) -> Result<Vec<AuditRow>> {
        let sql =
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash, mac \
                   FROM audit_log WHERE subject_kind = $1 AND subject_id = $2 ORDER BY seq";
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(subject_kind)
            .bind(subject_id)
            .fetch_all(pool)
            .await)?)
    }

    /// The newest `limit` rows, newest first.
    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<AuditRow>> {
        let sql =
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash, mac \
                   FROM audit_log ORDER BY seq DESC LIMIT $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)?)
    }

    /// How many rows of `log` came before the installation was keyed (they carry no MAC), as
    /// recorded, under the key, when the key was first used. `Err` when the record does not
    /// match its MAC (someone changed it to pass off keyed rows as old ones).
    async fn legacy_rows(&self, log: &str) -> Result<std::result::Result<i64, String>> {
        let row: Option<(i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT legacy_rows, mac FROM audit_keying WHERE log = $1",
        )
        .bind(log)
        .fetch_optional(pool)
        .await)?;
        Ok(match row {
            None => Ok(0),
            Some((n, mac)) if legacy_mac(log, n)? == mac => Ok(n),
            Some(_) => Err(
                "the count of rows from before the key does not match its MAC / 密钥启用前记录数与其 MAC 不符"
                    .to_string(),
            ),
        })
    }

    /// Records, under the audit key, how many rows of each log have no MAC because they came
    /// before the key (once per installation; later calls change nothing).
    pub async fn seal_legacy_logs(&self) -> Result<()> {
        for (log, count_sql) in [
            (
                "audit_log",
                "SELECT COUNT(*) FROM audit_log WHERE mac IS NULL",
            ),
            (
                "access_log",
                "SELECT COUNT(*) FROM access_log WHERE hash IS NULL",
            ),
        ] {
            let n: i64 =
                on_pool!(self, pool => sqlx::query_scalar(count_sql).fetch_one(pool).await)?;
            let mac = legacy_mac(log, n)?;
            on_pool!(self, pool => sqlx::query(
                "INSERT INTO audit_keying (log, legacy_rows, mac) VALUES ($1, $2, $3) ON CONFLICT (log) DO NOTHING",
            )
            .bind(log)
            .bind(n)
            .bind(&mac)
            .execute(pool)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }

    /// Walks the whole chain and reports the first row that does not match: a missing row, a
    /// broken link, content that does not match its hash, or a hash that does not match its MAC
    /// under the server's audit key.
    pub async fn verify_audit(&self) -> Result<AuditCheck> {
        let sql =
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash, mac \
                   FROM audit_log ORDER BY seq";
        let rows: Vec<AuditRow> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        let legacy = self.legacy_rows("audit_log").await?;
        let head = rows.last().map(|r| r.hash.clone()).unwrap_or_default();
        let broken = |seq: i64, problem: String, legacy_rows: i64| AuditCheck {
            rows: rows.len() as u64,
            head: head.clone(),
            broken: Some((seq, problem)),
            legacy_rows,
        };
        let legacy = match legacy {
            Ok(n) => n,
            Err(problem) => return Ok(broken(0, problem, 0)),
        };
        let mut expected_prev = GENESIS.to_string();
        for (expected_seq, row) in (1..).zip(rows.iter()) {
            let problem = if row.seq != expected_seq {
                Some(format!(
                    "row {expected_seq} is missing / 第 {expected_seq} 条缺失"
                ))
            } else if row.prev_hash != expected_prev {
                Some("link to the previous row does not match / 与前一条的链接不符".to_string())
            } else {
                let event = AuditEvent {
                    actor: &row.actor,
                    action: &row.action,
                    subject_kind: &row.subject_kind,
                    subject_id: &row.subject_id,
                    detail: &row.detail,
                };
                if chain_hash(&row.prev_hash, row.seq, &row.at, &event) != row.hash {
                    Some(
                        "content does not match its hash (edited) / 内容与哈希不符（被修改）"
                            .to_string(),
                    )
                } else {
                    mac_problem(
                        "audit_log",
                        &row.hash,
                        row.mac.as_deref(),
                        row.seq <= legacy,
                    )?
                }
            };
            if let Some(problem) = problem {
                return Ok(broken(row.seq, problem, legacy));
            }
            expected_prev = row.hash.clone();
        }
        Ok(AuditCheck {
            rows: rows.len() as u64,
            head: expected_prev,
            broken: None,
            legacy_rows: legacy,
        })
    }

    /// Whether `head`, a head hash written down earlier, is still a row of the trail (and which):
    /// if rows up to it were removed or rewritten, it is not.
    pub async fn audit_head_found(&self, head: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT seq FROM audit_log WHERE hash = $1",
        )
        .bind(head.trim().to_ascii_lowercase())
        .fetch_optional(pool)
        .await)?)
    }

    /// Walks the access log's chain as [`Store::verify_audit`] walks the trail's.
    pub async fn verify_access_log(&self) -> Result<AuditCheck> {
        type Row = (
            Option<i64>,
            String,
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT seq, at, user_id, username, action, subject_kind, subject_id, detail, prev_hash, hash, mac \
             FROM access_log ORDER BY entry_id",
        )
        .fetch_all(pool)
        .await)?;
        let legacy = self.legacy_rows("access_log").await?;
        let chained: Vec<&Row> = rows.iter().filter(|r| r.0.is_some()).collect();
        let unchained = (rows.len() - chained.len()) as i64;
        let head = chained.last().and_then(|r| r.9.clone()).unwrap_or_default();
        let broken = |seq: i64, problem: String| AuditCheck {
            rows: rows.len() as u64,
            head: head.clone(),
            broken: Some((seq, problem)),
            legacy_rows: unchained,
        };
        match legacy {
            Err(problem) => return Ok(broken(0, problem)),
            // Only the rows from before the key may be outside the chain, and only before it.
            Ok(n)
                if n != unchained
                    || rows.iter().skip(unchained as usize).any(|r| r.0.is_none()) =>
            {
                return Ok(broken(
                    0,
                    format!(
                        "{unchained} rows outside the chain, {n} recorded from before the key / 链外记录 {unchained} 条, 与记录的密钥启用前 {n} 条不符"
                    ),
                ));
            }
            Ok(_) => {}
        }
        let mut expected_prev = GENESIS.to_string();
        for (expected_seq, r) in (1..).zip(chained.iter()) {
            let seq = r.0.unwrap_or_default();
            let actor = format!("{}:{}", r.2, r.3);
            let event = AuditEvent {
                actor: &actor,
                action: &r.4,
                subject_kind: &r.5,
                subject_id: &r.6,
                detail: r.7.as_deref().unwrap_or(""),
            };
            let problem = if seq != expected_seq {
                Some(format!(
                    "row {expected_seq} is missing / 第 {expected_seq} 条缺失"
                ))
            } else if r.8.as_deref() != Some(expected_prev.as_str()) {
                Some("link to the previous row does not match / 与前一条的链接不符".to_string())
            } else if r.9.as_deref() != Some(chain_hash(&expected_prev, seq, &r.1, &event).as_str())
            {
                Some(
                    "content does not match its hash (edited) / 内容与哈希不符（被修改）"
                        .to_string(),
                )
            } else {
                mac_problem(
                    "access_log",
                    r.9.as_deref().unwrap_or(""),
                    r.10.as_deref(),
                    false,
                )?
            };
            if let Some(problem) = problem {
                return Ok(broken(seq, problem));
            }
            expected_prev = r.9.clone().unwrap_or_default();
        }
        Ok(AuditCheck {
            rows: rows.len() as u64,
            head: expected_prev,
            broken: None,
            legacy_rows: unchained,
        })
    }
}

/// What is wrong with a row's MAC, if anything. A row from before the key may have none.
fn mac_problem(log: &str, hash: &str, mac: Option<&str>, legacy: bool) -> Result<Option<String>> {
    Ok(match mac {
        None if legacy => None,
        None => Some("the row has no MAC / 该条缺少 MAC".to_string()),
        Some(mac) if mac == row_mac(log, hash)? => None,
        Some(_) => Some(
            "the MAC does not match (rewritten without the server's key) / MAC 不符（在没有服务器密钥的情况下被改写）"
                .to_string(),
        ),
    })
}

// The access log: every view of a person or record by an official.

#[derive(Debug, Clone)]
pub struct AccessEntry {
    pub at: String,
    pub username: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub detail: Option<String>,
}

impl Store {
    pub async fn log_access(
        &self,
        user: &User,
        action: &str,
        subject_kind: &str,
        subject_id: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        // Chained and MACed like the audit trail (see `audit`): one row at a time, under the
        // log's lock, so that two views cannot link to the same previous row.
        let at = chrono::Utc::now().to_rfc3339();
        let actor = format!("{}:{}", user.user_id, user.username);
        on_pool!(self, pool => {
            let mut tx = crate::audit::begin_appending!(self, pool, "access_log");
            let last: Option<(i64, String)> = sqlx::query_as(
                "SELECT seq, hash FROM access_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
            )
            .fetch_optional(&mut *tx)
            .await?;
            let (seq, prev) = match last {
                Some((seq, hash)) => (seq + 1, hash),
                None => (1, crate::audit::GENESIS.to_string()),
            };
            let event = crate::AuditEvent {
                actor: &actor,
                action,
                subject_kind,
                subject_id,
                detail: detail.unwrap_or(""),
            };
            let hash = crate::audit::chain_hash(&prev, seq, &at, &event);
            let mac = crate::audit::row_mac("access_log", &hash)?;
            sqlx::query(
                "INSERT INTO access_log (at, user_id, username, action, subject_kind, subject_id, detail, \
                 seq, prev_hash, hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&at)
            .bind(user.user_id)
            .bind(&user.username)
            .bind(action)
            .bind(subject_kind)
            .bind(subject_id)
            .bind(detail)
            .bind(seq)
            .bind(&prev)
            .bind(&hash)
            .bind(&mac)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            anyhow::Ok(())
        })
    }

    /// The access log, newest first; `subject_id` narrows it to one person or record.
    pub async fn access_log(
        &self,
        subject_id: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<AccessEntry>, i64)> {
        let filter = if subject_id.is_some() {
            "WHERE subject_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT at, username, action, subject_kind, subject_id, detail FROM access_log {filter} \
             ORDER BY entry_id DESC LIMIT {limit} OFFSET {offset}"
        );
        let count_sql = format!("SELECT COUNT(*) FROM access_log {filter}");
        type Row = (String, String, String, String, String, Option<String>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            if let Some(s) = subject_id {
                q = q.bind(s);
            }
            q.fetch_all(pool).await
        })?;
        let total: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&count_sql);
            if let Some(s) = subject_id {
                q = q.bind(s);
            }
            q.fetch_one(pool).await
        })?;
        Ok((
            rows.into_iter()
                .map(|r| AccessEntry {
                    at: r.0,
                    username: r.1,
                    action: r.2,
                    subject_kind: r.3,
                    subject_id: r.4,
                    detail: r.5,
                })
                .collect(),
            total,
        ))
    }
}
