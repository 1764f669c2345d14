//! `qingfeng user add|disable|enable|reset-password|list`: the workspace's accounts, from the
//! command line of the server (the only place an account can be made).

use anyhow::{bail, Context, Result};
use qingfeng_store::Store;
use qingfeng_workflow::accounts::{generate_password, AccountDesk, NewAccount};
use qingfeng_workflow::{Outcome, Role};
use std::io::BufRead;
use std::process::ExitCode;

/// The password to set: one line from standard input, or a generated one that is printed once.
fn new_password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        Ok((password, false))
    } else {
        Ok((generate_password(), true))
    }
}

/// The outcome of an account use case as the command line reports it: a refusal is an error
/// with its reason in both languages.
fn done<T>(outcome: Outcome<T>, username: &str) -> Result<T> {
    match outcome {
        Outcome::Changed(t) => Ok(t),
        Outcome::NotFound => bail!("no user {username} / 无此用户"),
        Outcome::AlreadyDone(r) | Outcome::Refused(r) => bail!("{} / {}", r.en, r.zh),
    }
}

#[allow(clippy::too_many_arguments)]
pub async fn add(
    database: &str,
    username: &str,
    role: &str,
    jurisdiction: &str,
    display_name: Option<&str>,
    id_number: Option<&str>,
    password_stdin: bool,
) -> Result<ExitCode> {
    let Some(role) = Role::parse(role) else {
        bail!(
            "unknown role {role}; one of: leader, admin, investigator, township_secretary, township_bookkeeper, village_supervisor, auditor, reviewer, village_official, village_cashier, township_official / 未知角色"
        );
    };
    let (password, generated) = new_password(password_stdin)?;
    let (store, _keys) = super::open_store(database).await?;
    let by = super::cli_actor();
    let outcome = AccountDesk {
        store: &store,
        by: &by,
    }
    .open(&NewAccount {
        username,
        display_name,
        role,
        jurisdiction,
        id_number,
        password: &password,
    })
    .await;
    store.close().await;
    done(outcome?, username)?;
    println!(
        "已创建用户 / user created: {} ({} / {}, {jurisdiction})",
        username.trim(),
        role.label_zh(),
        role.label_en()
    );
    if generated {
        println!("初始密码(只显示一次) / initial password (shown once): {password}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn set_disabled(database: &str, username: &str, disabled: bool) -> Result<ExitCode> {
    let (store, _keys) = super::open_store(database).await?;
    let by = super::cli_actor();
    let outcome = AccountDesk {
        store: &store,
        by: &by,
    }
    .set_disabled(username, disabled)
    .await;
    store.close().await;
    done(outcome?, username)?;
    if disabled {
        println!("已停用，会话已结束 / disabled, sessions ended: {username}");
    } else {
        println!("已启用 / enabled: {username}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn reset_password(
    database: &str,
    username: &str,
    password_stdin: bool,
) -> Result<ExitCode> {
    let (password, generated) = new_password(password_stdin)?;
    let (store, _keys) = super::open_store(database).await?;
    let by = super::cli_actor();
    let outcome = AccountDesk {
        store: &store,
        by: &by,
    }
    .reset_password(username, &password)
    .await;
    store.close().await;
    done(outcome?, username)?;
    println!("密码已重置，会话已结束 / password reset, sessions ended: {username}");
    println!(
        "新的密钥已生成: 此前交给该账户的举报须由同事重新共享 / a new key pair was made: reports shared with the old one must be shared again"
    );
    if generated {
        println!("新密码(只显示一次) / new password (shown once): {password}");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn list(database: &str) -> Result<ExitCode> {
    let store = Store::open(database).await?;
    let users = store.users().await;
    store.close().await;
    for u in users? {
        println!(
            "{:<20} {:<20} {:<13} {}{}",
            u.username,
            u.role.code(),
            u.jurisdiction,
            u.display_name,
            if u.disabled {
                "  [停用 disabled]"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
