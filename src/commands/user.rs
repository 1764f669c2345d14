//! `qingfeng user add|disable|enable|reset-password|list`: the workspace's accounts, from the
//! command line of the server (the only place an account can be made).

use anyhow::{bail, Context, Result};
use qingfeng_store::{NewUser, Store};
use qingfeng_web::workspace::auth::{generate_password, give_new_key, hash_password};
use qingfeng_workflow::Role;
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
            "unknown role {role}; one of: leader, admin, investigator, township_secretary, township_bookkeeper, village_supervisor, auditor / 未知角色"
        );
    };
    let id_number = id_number
        .map(|id| qingfeng_domain::clean::id_number(id).map_err(|e| anyhow::anyhow!("{id}: {e}")))
        .transpose()?;
    role.scope(jurisdiction).map_err(anyhow::Error::msg)?;
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        bail!("a user name is 1–64 letters, digits, '.', '_' or '-' / 用户名须为1–64位字母、数字或 . _ -");
    }
    let (password, generated) = new_password(password_stdin)?;
    let hash = hash_password(&password)?;
    let (store, _keys) = super::open_store(database).await?;
    let created = async {
        let user_id = store
            .create_user(&NewUser {
                username,
                display_name: display_name.unwrap_or(username),
                role: role.code(),
                jurisdiction,
                password_hash: &hash,
                created_by: &super::cli_actor(),
            })
            .await?;
        // The account's own ID number links it to the registers: reports about the official's
        // relatives or village are then kept from them (conflict-of-interest exclusion).
        store
            .set_user_id_number(
                user_id,
                id_number.as_ref().map(|i| i.as_str()),
                &super::cli_actor(),
            )
            .await?;
        give_new_key(&store, user_id, &password).await
    }
    .await;
    store.close().await;
    created?;
    println!(
        "已创建用户 / user created: {username} ({} / {}, {jurisdiction})",
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
    let found = store
        .set_user_disabled(username, disabled, &super::cli_actor())
        .await;
    store.close().await;
    if !found? {
        bail!("no user {username} / 无此用户");
    }
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
    let hash = hash_password(&password)?;
    let (store, _keys) = super::open_store(database).await?;
    let found = async {
        if !store
            .set_password_hash(username, &hash, &super::cli_actor())
            .await?
        {
            return anyhow::Ok(false);
        }
        let user = store
            .user_by_name(username)
            .await?
            .context("user vanished")?;
        give_new_key(&store, user.user_id, &password).await?;
        Ok(true)
    }
    .await;
    store.close().await;
    if !found? {
        bail!("no user {username} / 无此用户");
    }
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
            u.role,
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
