//! Schema migrations, embedded in the binary, one folder per backend (as vaultwarden does).
//!
//! Each migration runs once, in its own transaction, and is remembered with a checksum so that
//! an edited migration that already ran is noticed instead of silently diverging.

use crate::{on_pool, Store};
use anyhow::{bail, Context, Result};
use sqlx::Connection;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registers",
        sqlite: include_str!("../migrations/sqlite/0001_registers.sql"),
        postgres: include_str!("../migrations/postgres/0001_registers.sql"),
    },
    Migration {
        version: 2,
        name: "clues",
        sqlite: include_str!("../migrations/sqlite/0002_clues.sql"),
        postgres: include_str!("../migrations/postgres/0002_clues.sql"),
    },
    Migration {
        version: 3,
        name: "portal",
        sqlite: include_str!("../migrations/sqlite/0003_portal.sql"),
        postgres: include_str!("../migrations/postgres/0003_portal.sql"),
    },
    Migration {
        version: 4,
        name: "workspace",
        sqlite: include_str!("../migrations/sqlite/0004_workspace.sql"),
        postgres: include_str!("../migrations/postgres/0004_workspace.sql"),
    },
    Migration {
        version: 5,
        name: "reports",
        sqlite: include_str!("../migrations/sqlite/0005_reports.sql"),
        postgres: include_str!("../migrations/postgres/0005_reports.sql"),
    },
    Migration {
        version: 6,
        name: "cases",
        sqlite: include_str!("../migrations/sqlite/0006_cases.sql"),
        postgres: include_str!("../migrations/postgres/0006_cases.sql"),
    },
    Migration {
        version: 7,
        name: "page_indexes",
        sqlite: include_str!("../migrations/sqlite/0007_page_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0007_page_indexes.sql"),
    },
    Migration {
        version: 8,
        name: "insiders",
        sqlite: include_str!("../migrations/sqlite/0008_insiders.sql"),
        postgres: include_str!("../migrations/postgres/0008_insiders.sql"),
    },
    Migration {
        version: 9,
        name: "clue_procedure",
        sqlite: include_str!("../migrations/sqlite/0009_clue_procedure.sql"),
        postgres: include_str!("../migrations/postgres/0009_clue_procedure.sql"),
    },
    Migration {
        version: 10,
        name: "decision_households",
        sqlite: include_str!("../migrations/sqlite/0010_decision_households.sql"),
        postgres: include_str!("../migrations/postgres/0010_decision_households.sql"),
    },
    Migration {
        version: 11,
        name: "result_notice",
        sqlite: include_str!("../migrations/sqlite/0011_result_notice.sql"),
        postgres: include_str!("../migrations/postgres/0011_result_notice.sql"),
    },
    Migration {
        version: 12,
        name: "inquiries",
        sqlite: include_str!("../migrations/sqlite/0012_inquiries.sql"),
        postgres: include_str!("../migrations/postgres/0012_inquiries.sql"),
    },
    Migration {
        version: 13,
        name: "transfer",
        sqlite: include_str!("../migrations/sqlite/0013_transfer.sql"),
        postgres: include_str!("../migrations/postgres/0013_transfer.sql"),
    },
    Migration {
        version: 14,
        name: "appeals",
        sqlite: include_str!("../migrations/sqlite/0014_appeals.sql"),
        postgres: include_str!("../migrations/postgres/0014_appeals.sql"),
    },
    Migration {
        version: 15,
        name: "matters",
        sqlite: include_str!("../migrations/sqlite/0015_matters.sql"),
        postgres: include_str!("../migrations/postgres/0015_matters.sql"),
    },
    Migration {
        version: 16,
        name: "objections",
        sqlite: include_str!("../migrations/sqlite/0016_objections.sql"),
        postgres: include_str!("../migrations/postgres/0016_objections.sql"),
    },
    Migration {
        version: 17,
        name: "decisions_and_payments",
        sqlite: include_str!("../migrations/sqlite/0017_decisions_and_payments.sql"),
        postgres: include_str!("../migrations/postgres/0017_decisions_and_payments.sql"),
    },
    Migration {
        version: 18,
        name: "assets_debts_cash",
        sqlite: include_str!("../migrations/sqlite/0018_assets_debts_cash.sql"),
        postgres: include_str!("../migrations/postgres/0018_assets_debts_cash.sql"),
    },
    Migration {
        version: 19,
        name: "disclosure_matters",
        sqlite: include_str!("../migrations/sqlite/0019_disclosure_matters.sql"),
        postgres: include_str!("../migrations/postgres/0019_disclosure_matters.sql"),
    },
];

/// FNV-1a over the migration text: enough to notice an edit, no extra dependency.
fn checksum(text: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// One checksum over every PostgreSQL migration: names a database migrated to exactly this
/// schema (the tests copy such a template instead of migrating each fresh database).
pub fn postgres_schema_fingerprint() -> String {
    let all: String = MIGRATIONS.iter().map(|m| m.postgres).collect();
    checksum(&all)
}

/// Arbitrary constant naming Qingfeng's migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK: i64 = 7_141_421_356;

impl Store {
    pub async fn migrate(&self) -> Result<()> {
        let postgres = matches!(self, Store::Postgres(_));
        on_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            if postgres {
                // Two processes migrating one PostgreSQL database at once must not interleave;
                // the lock is per session, so everything below runs on this one connection.
                sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await?;
            }
            let result: Result<()> = async {
                sqlx::raw_sql(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
                     name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
                )
                .execute(&mut *conn)
                .await
                .context("creating schema_migrations")?;
                let applied: Vec<(i64, String)> =
                    sqlx::query_as("SELECT version, checksum FROM schema_migrations").fetch_all(&mut *conn).await?;
                for m in MIGRATIONS {
                    let text = if postgres { m.postgres } else { m.sqlite };
                    let sum = checksum(text);
                    match applied.iter().find(|(v, _)| *v == m.version) {
                        Some((_, s)) if *s == sum => continue,
                        Some(_) => bail!("migration {} ({}) was changed after it ran", m.version, m.name),
                        None => {}
                    }
                    let mut tx = conn.begin().await?;
                    sqlx::raw_sql(text)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| format!("migration {} ({})", m.version, m.name))?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(m.version)
                    .bind(m.name)
                    .bind(&sum)
                    .bind(chrono::Utc::now().to_rfc3339())
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                }
                Ok(())
            }
            .await;
            if postgres {
                sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *conn).await?;
            }
            result
        })?;
        self.backfill_clue_persons().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The only places where the two folders may differ: how each dialect spells the same column
    /// type (SQLite's spelling first). SQLite stores a BOOLEAN as an INTEGER 0/1 either way.
    const SPELLINGS: &[(&str, &str)] = &[
        (
            "INTEGER PRIMARY KEY",
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        ),
        ("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"),
        ("INTEGER PRIMARY KEY", "BIGINT PRIMARY KEY"),
        ("REAL", "DOUBLE PRECISION"),
        ("BLOB", "BYTEA"),
        ("INTEGER NOT NULL", "BOOLEAN NOT NULL"),
    ];

    /// The tables a migration makes append-only, and its text without the triggers that do it
    /// (SQLite: one trigger per statement kind; PostgreSQL: a function and one trigger).
    fn split_triggers(sql: &str) -> (Vec<String>, Vec<String>) {
        let mut tables = Vec::new();
        let mut rest = Vec::new();
        let mut in_function = false;
        for line in sql.lines() {
            let t = line.trim();
            if in_function {
                in_function = t != "$$;";
                continue;
            }
            if t.starts_with("CREATE FUNCTION") {
                in_function = true;
                continue;
            }
            if t.starts_with("CREATE TRIGGER") {
                let table = t.split(" ON ").nth(1).unwrap_or("").trim().to_string();
                if !tables.contains(&table) {
                    tables.push(table);
                }
                continue;
            }
            if t.starts_with("BEGIN SELECT RAISE") || t.starts_with("FOR EACH ROW EXECUTE") {
                continue;
            }
            rest.push(line.to_string());
        }
        tables.sort();
        (tables, rest)
    }

    #[test]
    fn the_two_migration_folders_differ_only_in_listed_spellings() {
        for m in MIGRATIONS {
            let (sqlite_tables, sqlite) = split_triggers(m.sqlite);
            let (postgres_tables, postgres) = split_triggers(m.postgres);
            assert_eq!(
                sqlite_tables, postgres_tables,
                "{}: append-only tables",
                m.name
            );
            assert_eq!(sqlite.len(), postgres.len(), "{}: line counts", m.name);
            for (n, (s, p)) in sqlite.iter().zip(&postgres).enumerate() {
                let same = s == p
                    || SPELLINGS
                        .iter()
                        .any(|(ss, ps)| p.contains(ps) && p.replace(ps, ss) == *s);
                assert!(
                    same,
                    "{} line {}: not a listed spelling difference:\n  sqlite:   {s}\n  postgres: {p}",
                    m.name,
                    n + 1
                );
            }
        }
    }
}
