//! `qingfeng`: one binary, one subcommand per step of the data's journey.

mod commands;

// The importer allocates many small strings on three threads; mimalloc is markedly faster
// at that than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "qingfeng",
    version,
    about = "清风 Qingfeng: cross-checking village registers to stop micro-corruption / 基层小微权力监督"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives: a SQLite file (default) or a PostgreSQL URL.
#[derive(clap::Args, Clone)]
struct DatabaseArg {
    /// Database: a SQLite file path or sqlite:… URL, or postgres://… / 数据库(SQLite 文件或 PostgreSQL 地址)
    #[arg(long, env = "QINGFENG_DATABASE_URL", default_value = qingfeng_store::DEFAULT_DATABASE)]
    database: String,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a synthetic county with planted anomalies and decoys / 生成模拟县数据
    Generate(commands::generate::Args),
    /// Import a folder of CSV files or an XLSX workbook, all or nothing / 导入数据(全部成功或全部不导入)
    Import {
        /// Folder of CSV files, or an .xlsx workbook with one sheet per table
        input: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
        /// Where the problem report (import-report.csv/.json) is written
        #[arg(long, default_value = ".")]
        report_dir: PathBuf,
    },
    /// Show the import batches and their files / 查看导入批次
    Batches {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Generate a demo county and import it into the default SQLite file / 演示
    Demo {
        #[command(flatten)]
        db: DatabaseArg,
        /// Folder for the generated county
        #[arg(long, default_value = "demo-county")]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(&args),
        Command::Import {
            input,
            db,
            report_dir,
        } => commands::import::run(&db.database, &input, &report_dir).await,
        Command::Batches { db } => commands::import::list_batches(&db.database).await,
        Command::Demo { db, out } => commands::demo::run(&db.database, &out).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
