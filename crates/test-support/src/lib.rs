//! Both backends for every test: a fresh SQLite file, and a fresh PostgreSQL database on the
//! server the machine runs (CI fails loudly if it is not there, rather than skipping).

use qingfeng_store::Store;
use std::path::{Path, PathBuf};

pub fn postgres_admin_url() -> String {
    std::env::var("QINGFENG_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestDb {
    /// The URL a spawned `qingfeng` process can be pointed at.
    pub url: String,
    pub store: Store,
    pg_name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = dir.path().join("test.sqlite").to_string_lossy().to_string();
                let store = Store::open(&url).await.unwrap();
                TestDb {
                    url,
                    store,
                    pg_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("qf_test_{}", rand::random::<u64>());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at {admin} is required for these tests: {e}")
                    });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let base = admin.rsplit_once('/').unwrap().0;
                let url = format!("{base}/{name}");
                let store = Store::open(&url).await.unwrap();
                TestDb {
                    url,
                    store,
                    pg_name: Some(name),
                    _dir: None,
                }
            }
        }
    }

    pub async fn drop_db(self) {
        self.store.close().await;
        if let Some(name) = self.pg_name {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&postgres_admin_url())
                .await
                .unwrap();
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await;
        }
    }

    /// Row counts of every contract table plus the batch tables: the database's visible state.
    pub async fn snapshot(&self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for t in qingfeng_domain::contract::TABLES {
            out.push((
                t.name.to_string(),
                self.store.count_rows(t.name).await.unwrap(),
            ));
        }
        for t in ["import_batches", "import_files"] {
            out.push((t.to_string(), self.store.count_rows(t).await.unwrap()));
        }
        out
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/import")
        .join(name)
}

/// Copies a fixture folder into a temp dir so a test can alter it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    dir
}

pub fn edit(dir: &Path, file: &str, f: impl FnOnce(String) -> String) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, f(s)).unwrap();
}
