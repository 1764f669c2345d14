//! The officials' accounts: opened, disabled, enabled and given a new password from the
//! server's command line (the only place an account is made, so that nobody signed in to the
//! workspace can make themselves another).
//!
//! The rules:
//! - a user name is 1–64 letters, digits, `.`, `_` or `-`, and names one account;
//! - the role is one of [`crate::role::ALL_ROLES`] and the jurisdiction a division code of the
//!   role's level (a county role a county, a township secretary a township…);
//! - an account may be linked to its holder's ID number, a valid one: the conflict-of-interest
//!   policy then knows whom the official is related to;
//! - a password has at least [`MIN_PASSWORD_CHARS`] characters and is stored as an Argon2 hash;
//! - every account has its own key pair, its secret half locked with the password; a new
//!   password means a new key pair (the old half cannot be opened without the old password), so
//!   report keys shared with the old pair must be shared again;
//! - disabling ends the account's sessions at once.

use crate::outcome::require;
use crate::{Outcome, Role};
use anyhow::{anyhow, Result};
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use qingfeng_store::{NewUser, Store};
use qingfeng_vault::KeyPair;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The stored form of a password.
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(anyhow!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters / 密码至少需要 {MIN_PASSWORD_CHARS} 个字符"
        ));
    }
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

/// A random password for new accounts and resets: 16 characters from an alphabet without
/// look-alikes (no 0/O, 1/l/I), easy to read out over the phone.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Makes the account a new key pair, its secret half locked with `password` (on creation, and
/// on a password reset: copies of report keys wrapped to an earlier key pair no longer open and
/// must be shared again by a colleague who holds them).
pub async fn give_new_key(store: &Store, user_id: i64, password: &str) -> Result<()> {
    let password = password.to_string();
    let (public, locked) = tokio::task::spawn_blocking(move || -> Result<_> {
        let pair = KeyPair::generate();
        Ok((pair.recipient(), pair.lock_with_password(&password)?))
    })
    .await??;
    store.set_user_key(user_id, &public, &locked).await
}

/// An account as the administrator enters it.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: Option<&'a str>,
    pub role: Role,
    pub jurisdiction: &'a str,
    pub id_number: Option<&'a str>,
    pub password: &'a str,
}

/// The account use cases over one store; `by` names who acts (the server's operator).
pub struct AccountDesk<'a> {
    pub store: &'a Store,
    pub by: &'a str,
}

fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

impl AccountDesk<'_> {
    /// Opens an account; returns its id.
    pub async fn open(&self, a: &NewAccount<'_>) -> Result<Outcome<i64>> {
        let username = a.username.trim();
        require!(
            valid_username(username),
            "用户名须为1–64位字母、数字或 . _ -",
            "a user name is 1–64 letters, digits, '.', '_' or '-'",
        );
        if let Err(why) = a.role.scope(a.jurisdiction) {
            return Ok(Outcome::refused(why.clone(), why));
        }
        let id_number = match a.id_number.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(typed) => match qingfeng_domain::clean::id_number(typed) {
                Ok(id) => Some(id.as_str().to_string()),
                Err(e) => {
                    return Ok(Outcome::refused(
                        format!("身份证号码无效: {typed} ({e})"),
                        format!("not a valid ID number: {typed} ({e})"),
                    ))
                }
            },
        };
        require!(
            a.password.chars().count() >= MIN_PASSWORD_CHARS,
            format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符"),
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        );
        if self.store.user_by_name(username).await?.is_some() {
            return Ok(Outcome::already_done(
                format!("用户 {username} 已存在"),
                format!("the user {username} already exists"),
            ));
        }
        let hash = hash_password(a.password)?;
        let user_id = self
            .store
            .create_user(&NewUser {
                username,
                display_name: a.display_name.unwrap_or(username),
                role: a.role,
                jurisdiction: a.jurisdiction,
                password_hash: &hash,
                created_by: self.by,
            })
            .await?;
        self.store
            .set_user_id_number(user_id, id_number.as_deref(), self.by)
            .await?;
        give_new_key(self.store, user_id, a.password).await?;
        Ok(Outcome::Changed(user_id))
    }

    /// Disables (ending its sessions) or enables an account.
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<Outcome> {
        let Some(user) = self.store.user_by_name(username).await? else {
            return Ok(Outcome::NotFound);
        };
        if user.disabled == disabled {
            return Ok(if disabled {
                Outcome::already_done("该账户已停用", "the account is disabled already")
            } else {
                Outcome::already_done("该账户已启用", "the account is enabled already")
            });
        }
        Ok(
            if self
                .store
                .set_user_disabled(username, disabled, self.by)
                .await?
            {
                Outcome::Changed(())
            } else {
                Outcome::NotFound
            },
        )
    }

    /// Sets a new password (ending the account's sessions) and a new key pair.
    pub async fn reset_password(&self, username: &str, password: &str) -> Result<Outcome> {
        require!(
            password.chars().count() >= MIN_PASSWORD_CHARS,
            format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符"),
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        );
        let Some(user) = self.store.user_by_name(username).await? else {
            return Ok(Outcome::NotFound);
        };
        let hash = hash_password(password)?;
        if !self
            .store
            .set_password_hash(username, &hash, self.by)
            .await?
        {
            return Ok(Outcome::NotFound);
        }
        give_new_key(self.store, user.user_id, password).await?;
        Ok(Outcome::Changed(()))
    }
}
