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
    /// The server's key file (matter and audit keys), kept apart from the database; default
    /// qingfeng.keys beside a SQLite file / 服务器密钥文件(与数据库分开保管)
    #[arg(long, env = "QINGFENG_KEYS_FILE")]
    keys: Option<PathBuf>,
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
    /// Run the cross-check rules and record the clues / 运行核查规则
    Check {
        #[command(flatten)]
        db: DatabaseArg,
        #[command(flatten)]
        args: commands::check::Args,
    },
    /// The micro-power list: the default one, or check a county's file / 小微权力清单（默认清单，或检查本县清单文件）
    Powers {
        /// A county's list (TOML, in the form of the default list); without it, the default list
        file: Option<PathBuf>,
    },
    /// The rule catalogue / 规则目录
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Clues: export and review / 问题线索
    Clues {
        #[command(subcommand)]
        command: CluesCommand,
    },
    /// Recall and precision of the clues against a generated county's truth.csv / 评估
    Eval {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long)]
        truth: PathBuf,
    },
    /// Generate a demo county, import it, check it, then serve the portal over it / 演示
    Demo {
        #[command(flatten)]
        db: DatabaseArg,
        /// Folder for the generated county
        #[arg(long, default_value = "demo-county")]
        out: PathBuf,
        /// Address to serve the demo county on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Stop after the check instead of serving
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the villagers' portal / 启动网页服务
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// "My money" look-ups allowed per client per minute
        #[arg(long, default_value_t = 20)]
        lookups_per_minute: u32,
        /// Log-in attempts allowed per client per minute
        #[arg(long, default_value_t = 10)]
        logins_per_minute: u32,
        /// Holiday calendar (date,kind,name; kind holiday or workday) instead of the shipped
        /// config/holidays.csv
        #[arg(long)]
        holidays: Option<std::path::PathBuf>,
        /// The higher commission's age public key (age1…): reports about the county's own
        /// leaders are sealed to it alone
        #[arg(long, env = "QINGFENG_UPPER_RECIPIENT")]
        upper_recipient: Option<String>,
        /// Vouchers in a month from which a village's bookings count as frequent: its finances
        /// are then due monthly that quarter, otherwise quarterly (村务公开, the county's rule)
        #[arg(long, default_value_t = 10)]
        finance_monthly_from: u32,
        /// An expense from which a village publishes it at once, in yuan (any expense under a
        /// villagers' decision is published at once too)
        #[arg(long, default_value_t = 50_000)]
        finance_major_from: i64,
        /// Days after the payment within which a major expense must be published ("at once")
        #[arg(long, default_value_t = 7)]
        finance_major_within: u32,
        /// The county's micro-power list (TOML, checked at start; `qingfeng powers FILE` checks it
        /// beforehand); default: the list shipped with Qingfeng
        #[arg(long)]
        powers: Option<PathBuf>,
        /// Serve plain HTTP (testing on this machine): cookies without Secure, no HSTS. Without
        /// it the server expects to be reached over HTTPS through a reverse proxy
        #[arg(long)]
        plain_http: bool,
        /// Address of the reverse proxy in front of the server: its X-Forwarded-For is believed
        /// for rate limits, nobody else's
        #[arg(long)]
        trusted_proxy: Option<std::net::IpAddr>,
    },
    /// Check the audit trail's and the access log's chains and MACs, print the head /
    /// 校验审计记录与访问日志
    Audit {
        #[command(flatten)]
        db: DatabaseArg,
        /// A head hash written down earlier: checks that it is still in the trail
        #[arg(long)]
        head: Option<String>,
    },
    /// Write the reports that belong to the level above (sealed to its key) and mark them sent /
    /// 向上级转送举报
    Upward {
        #[command(flatten)]
        db: DatabaseArg,
        /// Folder to write the sealed files to
        #[arg(long)]
        out: PathBuf,
        /// Who sends them (recorded in the audit trail)
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Accounts of the officials' workspace / 工作人员账户
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; prints a generated password unless --password-stdin / 新建账户
    Add {
        username: String,
        /// leader, admin, investigator, township_secretary, township_bookkeeper, village_supervisor, auditor
        #[arg(long)]
        role: String,
        /// 12-digit division code of the county, township or village the account covers
        #[arg(long)]
        jurisdiction: String,
        /// Name shown in the workspace (defaults to the user name)
        #[arg(long)]
        display_name: Option<String>,
        /// The official's own ID number, linking the account to the registers for the
        /// conflict-of-interest exclusion of reports
        #[arg(long)]
        id_number: Option<String>,
        /// Read the password from one line of standard input instead of generating one
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Disable an account and end its sessions / 停用账户
    Disable {
        username: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Enable a disabled account / 启用账户
    Enable {
        username: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Set a new password (generated unless --password-stdin) and end the sessions / 重置密码
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// List the accounts / 列出账户
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules / 列出规则
    List {
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Show one rule: header and SQL / 查看规则
    Show {
        id: String,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Per-rule counts, confirmation rate, money recovered / 规则统计
    Stats {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
enum CluesCommand {
    /// Export the clues / 导出线索
    Export {
        #[command(flatten)]
        db: DatabaseArg,
        #[arg(long, default_value = "csv", value_parser = ["csv", "json", "xlsx"])]
        format: String,
        /// Output file (stdout when omitted; required for xlsx)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include clues resolved by later data
        #[arg(long)]
        include_resolved: bool,
    },
    /// Record a review: confirmed or corrected, under the operator's account / 复核线索（确认或更正）.
    /// Dismissing or closing a clue is a collective decision, taken in the workspace.
    Review {
        fingerprint: String,
        #[arg(value_parser = ["confirmed", "corrected"])]
        action: String,
        #[command(flatten)]
        db: DatabaseArg,
        /// Corrected amount at risk, in yuan
        #[arg(long)]
        corrected_amount: Option<String>,
        /// Money recovered, in yuan
        #[arg(long)]
        recovered: Option<String>,
    },
}

impl Command {
    /// The database argument of the command, for those that open one.
    fn database(&self) -> Option<&DatabaseArg> {
        match self {
            Command::Import { db, .. }
            | Command::Batches { db }
            | Command::Check { db, .. }
            | Command::Eval { db, .. }
            | Command::Demo { db, .. }
            | Command::Serve { db, .. }
            | Command::Audit { db, .. }
            | Command::Upward { db, .. } => Some(db),
            Command::Rules {
                command: RulesCommand::Stats { db },
            } => Some(db),
            Command::Rules { .. } | Command::Generate(_) | Command::Powers { .. } => None,
            Command::Clues { command } => match command {
                CluesCommand::Export { db, .. } | CluesCommand::Review { db, .. } => Some(db),
            },
            Command::User { command } => match command {
                UserCommand::Add { db, .. }
                | UserCommand::Disable { db, .. }
                | UserCommand::Enable { db, .. }
                | UserCommand::ResetPassword { db, .. }
                | UserCommand::List { db } => Some(db),
            },
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Some(keys) = cli.command.database().and_then(|db| db.keys.clone()) {
        commands::set_keys_file(keys);
    }
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(&args),
        Command::Import {
            input,
            db,
            report_dir,
        } => commands::import::run(&db.database, &input, &report_dir).await,
        Command::Batches { db } => commands::import::list_batches(&db.database).await,
        Command::Demo {
            db,
            out,
            listen,
            no_serve,
        } => commands::demo::run(&db.database, &out, (!no_serve).then_some(listen.as_str())).await,
        Command::Serve {
            db,
            listen,
            lookups_per_minute,
            logins_per_minute,
            holidays,
            upper_recipient,
            finance_monthly_from,
            finance_major_from,
            finance_major_within,
            powers,
            plain_http,
            trusted_proxy,
        } => match commands::serve::calendar(holidays.as_deref())
            .and_then(|calendar| Ok((calendar, commands::powers::load(powers.as_deref())?)))
        {
            Ok((calendar, powers)) => {
                let opts = qingfeng_web::Options {
                    powers,
                    lookups_per_minute,
                    logins_per_minute,
                    calendar,
                    upper_recipient,
                    plain_http,
                    trusted_proxy,
                    finance_schedule: qingfeng_domain::disclosure::FinanceSchedule {
                        frequent_from: finance_monthly_from,
                        major_from_fen: finance_major_from.saturating_mul(100),
                        major_within_days: finance_major_within,
                    },
                    ..Default::default()
                };
                commands::serve::run(&db.database, &listen, opts).await
            }
            Err(e) => Err(e),
        },
        Command::Audit { db, head } => commands::audit::verify(&db.database, head.as_deref()).await,
        Command::Upward { db, out, by } => commands::upward::export(&db.database, &out, &by).await,
        Command::User { command } => match command {
            UserCommand::Add {
                username,
                role,
                jurisdiction,
                display_name,
                id_number,
                password_stdin,
                db,
            } => {
                commands::user::add(
                    &db.database,
                    &username,
                    &role,
                    &jurisdiction,
                    display_name.as_deref(),
                    id_number.as_deref(),
                    password_stdin,
                )
                .await
            }
            UserCommand::Disable { username, db } => {
                commands::user::set_disabled(&db.database, &username, true).await
            }
            UserCommand::Enable { username, db } => {
                commands::user::set_disabled(&db.database, &username, false).await
            }
            UserCommand::ResetPassword {
                username,
                password_stdin,
                db,
            } => commands::user::reset_password(&db.database, &username, password_stdin).await,
            UserCommand::List { db } => commands::user::list(&db.database).await,
        },
        Command::Check { db, args } => commands::check::run(&db.database, &args).await,
        Command::Powers { file } => commands::powers::list(file.as_deref()),
        Command::Rules { command } => match command {
            RulesCommand::List { rules } => commands::rules::list(rules).await,
            RulesCommand::Show { id, rules } => commands::rules::show(&id, rules).await,
            RulesCommand::Stats { db } => commands::rules::stats(&db.database).await,
        },
        Command::Clues { command } => match command {
            CluesCommand::Export {
                db,
                format,
                out,
                include_resolved,
            } => commands::clues::export(&db.database, &format, out, include_resolved).await,
            CluesCommand::Review {
                fingerprint,
                action,
                db,
                corrected_amount,
                recovered,
            } => {
                commands::clues::review(
                    &db.database,
                    &fingerprint,
                    &action,
                    corrected_amount.as_deref(),
                    recovered.as_deref(),
                )
                .await
            }
        },
        Command::Eval { db, truth } => commands::clues::eval(&db.database, &truth).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
