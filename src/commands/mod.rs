pub mod audit;
pub mod check;
pub mod clues;
pub mod demo;
pub mod generate;
pub mod import;
pub mod powers;
pub mod rules;
pub mod serve;
pub mod upward;
pub mod user;

use anyhow::Result;
use qingfeng_store::Store;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The server key file given on the command line (`--keys`, or `QINGFENG_KEYS_FILE`), if any.
static KEYS_FILE: OnceLock<PathBuf> = OnceLock::new();

pub fn set_keys_file(path: PathBuf) {
    let _ = KEYS_FILE.set(path);
}

/// Where the server's key file is: as given, else `qingfeng.keys` beside a SQLite database (in
/// the working directory for PostgreSQL). Beside the database is only the embedded default: a
/// deployment keeps it where whoever administers the database cannot read it
/// (docs/reports.md, "Who is trusted with what").
pub fn keys_file(database: &str) -> PathBuf {
    if let Some(p) = KEYS_FILE.get() {
        return p.clone();
    }
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        return PathBuf::from("qingfeng.keys");
    }
    let path = database
        .strip_prefix("sqlite://")
        .or_else(|| database.strip_prefix("sqlite:"))
        .unwrap_or(database);
    Path::new(path)
        .parent()
        .map(|d| d.join("qingfeng.keys"))
        .unwrap_or_else(|| PathBuf::from("qingfeng.keys"))
}

/// Opens the database and loads the server's keys (creating the key file on first use), so that
/// whatever this command appends to the audit trail carries the installation's MAC.
pub async fn open_store(database: &str) -> Result<(Store, qingfeng_vault::ServerKeys)> {
    let store = Store::open(database).await?;
    let path = keys_file(database);
    let (keys, loaded) = qingfeng_web::server_keys(&store, &path).await?;
    if loaded == qingfeng_vault::server_keys::Loaded::Created {
        eprintln!(
            "已创建服务器密钥文件 / created the server key file: {} (请与数据库分开保管和备份 / keep and back it up apart from the database)",
            path.display()
        );
    }
    Ok((store, keys))
}

/// Who ran a command, for the audit trail: the operating-system account ("cli:root").
pub fn cli_actor() -> String {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    format!("cli:{who}")
}
