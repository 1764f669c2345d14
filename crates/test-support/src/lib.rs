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
        // The tests' audit key: one for the whole process, as a server has one from its key file.
        qingfeng_store::audit::use_key(TEST_AUDIT_KEY);
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
                let template = migrated_template(&admin, &mut conn).await;
                create_from(&mut conn, &name, &template).await;
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

    /// Drops the test's PostgreSQL database (a SQLite file goes with its temp dir).
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

    /// Runs one SQL statement as it is, as someone with the database would (a test plays the
    /// insider, or sets up a row no import would write); returns the rows affected.
    pub async fn execute(&self, sql: &str) -> u64 {
        match &self.store {
            Store::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
            Store::Postgres(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
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

/// A PostgreSQL database migrated to the current schema, made once and then copied for every test
/// (`CREATE DATABASE … TEMPLATE`): copying takes a fraction of a second where running every
/// migration on a fresh database takes over a second, and the suite makes a few hundred. Its name
/// carries the schema's fingerprint, so an edited migration gets a new template; it is built under
/// another name and renamed when complete, so a half-made template is never copied, and an
/// advisory lock keeps two test processes from building it at once.
async fn migrated_template(admin: &str, conn: &mut sqlx::PgConnection) -> String {
    let name = format!(
        "qf_template_{}",
        qingfeng_store::postgres_schema_fingerprint()
    );
    if database_exists(conn, &name).await {
        return name;
    }
    const TEMPLATE_LOCK: i64 = 7_141_421_357;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *conn)
        .await
        .unwrap();
    if !database_exists(conn, &name).await {
        // Left over if a process died while building: never copied, since not yet renamed.
        let building = format!("{name}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut *conn)
            .await
            .unwrap();
        let base = admin.rsplit_once('/').unwrap().0;
        let store = Store::open(&format!("{base}/{building}")).await.unwrap();
        store.close().await;
        // A database in use cannot be renamed, and a session of the closed pool was seen to
        // linger (idle after its last COMMIT) until the rename gave up: the database is this
        // builder's alone, so whatever is still connected to it is ended first.
        let mut attempt = 0;
        loop {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&building)
            .execute(&mut *conn)
            .await
            .unwrap();
            match sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut *conn)
                .await
            {
                Ok(_) => break,
                Err(e)
                    if attempt < 20 && e.to_string().contains("being accessed by other users") =>
                {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("renaming the template {building}: {e}"),
            }
        }
        // Templates of earlier schemas are of no further use.
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database WHERE datname LIKE 'qf\\_template\\_%' AND datname <> $1",
        )
        .bind(&name)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        for db in old {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                .execute(&mut *conn)
                .await;
        }
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *conn)
        .await
        .unwrap();
    name
}

async fn database_exists(conn: &mut sqlx::PgConnection, name: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(conn)
        .await
        .unwrap()
        > 0
}

/// Copies the template; PostgreSQL refuses while another session briefly holds the template (it
/// checks connections, not other copies), so a refusal is retried.
async fn create_from(conn: &mut sqlx::PgConnection, name: &str, template: &str) {
    let mut attempt = 0;
    loop {
        match sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => return,
            Err(e) if attempt < 50 && e.to_string().contains("being accessed by other users") => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("creating {name} from {template}: {e}"),
        }
    }
}

/// The audit key of every test process (a server has one from its key file).
pub const TEST_AUDIT_KEY: [u8; 32] = *b"qingfeng test audit key, 32 byte";

/// Writes a server key file into `dir` (where the binary looks beside a SQLite database) holding
/// the tests' audit key, so that rows a test appends in process and rows the binary appends
/// verify alike; returns its path.
pub fn write_test_keys(dir: &Path) -> PathBuf {
    qingfeng_store::audit::use_key(TEST_AUDIT_KEY);
    let path = dir.join("qingfeng.keys");
    let hex = |k: &[u8]| k.iter().map(|b| format!("{b:02x}")).collect::<String>();
    std::fs::write(
        &path,
        format!(
            "matter={}\naudit={}\napproval={}\n",
            hex(&[7u8; 32]),
            hex(&TEST_AUDIT_KEY),
            qingfeng_vault::KeyPair::generate().secret_text()
        ),
    )
    .unwrap();
    path
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
