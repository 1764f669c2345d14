//! The audit trail: every state change of a report or case and every access to a report, in an
//! append-only, hash-chained log.
//!
//! Each row's hash covers the previous row's hash and the row's own fields, so changing or
//! removing a past row breaks the chain from that row on ([`Store::verify_audit`] finds it). The
//! tables also refuse UPDATE and DELETE by trigger; the chain is what still catches an edit by
//! someone who drops the trigger first. Removing the newest rows leaves a valid shorter chain: the
//! head hash printed by `qingfeng audit verify` is meant to be written down outside the system
//! (it goes into the quarterly report upward).

use crate::{on_pool, Store};
use anyhow::Result;

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
#[derive(Debug, Clone, sqlx::FromRow)]
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
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub rows: u64,
    /// The hash of the last row (the chain's head), to be recorded outside the system.
    pub head: String,
    /// The first row whose hash or link does not match, with what is wrong.
    pub broken: Option<(i64, String)>,
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
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use append_audit;

/// Begins a write transaction that may append to the audit trail: SQLite takes the write lock at
/// once (BEGIN IMMEDIATE, so a concurrent writer cannot invalidate what was read), PostgreSQL
/// locks the trail against other appenders until commit.
macro_rules! begin_audited {
    ($store:expr, $pool:expr) => {{
        let postgres = matches!($store, $crate::Store::Postgres(_));
        let mut tx = if postgres {
            $pool.begin().await?
        } else {
            $pool.begin_with("BEGIN IMMEDIATE").await?
        };
        if postgres {
            sqlx::query("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        tx
    }};
}
pub(crate) use begin_audited;

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
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
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
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
                   FROM audit_log ORDER BY seq DESC LIMIT $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)?)
    }

    /// Walks the whole chain and reports the first row that does not match.
    pub async fn verify_audit(&self) -> Result<AuditCheck> {
        let sql =
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail, prev_hash, hash \
                   FROM audit_log ORDER BY seq";
        let rows: Vec<AuditRow> =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
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
                (chain_hash(&row.prev_hash, row.seq, &row.at, &event) != row.hash).then(|| {
                    "content does not match its hash (edited) / 内容与哈希不符（被修改）"
                        .to_string()
                })
            };
            if let Some(problem) = problem {
                return Ok(AuditCheck {
                    rows: rows.len() as u64,
                    head: rows.last().map(|r| r.hash.clone()).unwrap_or_default(),
                    broken: Some((row.seq, problem)),
                });
            }
            expected_prev = row.hash.clone();
        }
        Ok(AuditCheck {
            rows: rows.len() as u64,
            head: expected_prev,
            broken: None,
        })
    }
}
