//! The officials' accounts and sessions, and the part of the county each may see ([`Scope`]):
//! every query that returns clues or personal data applies the scope in SQL, so a township
//! official's page cannot be built from another township's rows.

use crate::audit::{audited, Entry};
use crate::{on_pool, Store};
use anyhow::{bail, Result};
pub use qingfeng_domain::role::{Role, Scope};

#[derive(Debug, Clone)]
pub struct User {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub jurisdiction: String,
    pub password_hash: String,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: i64,
    /// The person the account is linked to (for the conflict-of-interest exclusion).
    pub id_number: Option<String>,
}

type UserRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    bool,
    i64,
    i64,
    Option<String>,
);

const USER_COLUMNS: &str = "user_id, username, display_name, role, jurisdiction, password_hash, \
                            disabled, failed_logins, locked_until, id_number";

impl TryFrom<UserRow> for User {
    type Error = sqlx::Error;

    /// Fails on a role the workspace does not know (written around the application): such an
    /// account can do nothing, and the error names it rather than passing it on as text.
    fn try_from(r: UserRow) -> Result<User, sqlx::Error> {
        Ok(User {
            user_id: r.0,
            username: r.1,
            display_name: r.2,
            role: crate::row::decoded("role", r.3.as_str(), Role::parse)?,
            jurisdiction: r.4,
            password_hash: r.5,
            disabled: r.6,
            failed_logins: r.7,
            locked_until: r.8,
            id_number: r.9,
        })
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub jurisdiction: &'a str,
    pub password_hash: &'a str,
    /// Who creates the account (recorded in the audit trail).
    pub created_by: &'a str,
}

/// The scope's condition in SQL: the store's half of [`Scope`], whose other half
/// ([`Scope::covers`]) tests records already in hand.
pub(crate) trait ScopeSql {
    fn sql(&self, village_col: &str, assigned_col: Option<&str>, binds: &mut Vec<String>)
        -> String;
}

impl ScopeSql for Scope {
    /// A SQL condition on `village_col` (and `assigned_col` if any) with its text parameters
    /// appended to `binds`.
    fn sql(
        &self,
        village_col: &str,
        assigned_col: Option<&str>,
        binds: &mut Vec<String>,
    ) -> String {
        match self {
            Scope::County => "1 = 1".to_string(),
            Scope::Township(t) => {
                binds.push(t.clone());
                let n = binds.len();
                let mut in_township = format!("substr({village_col}, 1, 9) = substr(${n}, 1, 9)");
                // The same condition as a range of codes too, which an index on the village code
                // can answer (the substr test alone reads every row).
                if let Some((low, high)) = township_range(t) {
                    binds.push(low);
                    binds.push(high);
                    let (l, h) = (binds.len() - 1, binds.len());
                    in_township = format!(
                        "({village_col} >= ${l} AND {village_col} < ${h} AND {in_township})"
                    );
                }
                match assigned_col {
                    Some(a) => format!("({in_township} OR {a} = ${n})"),
                    None => in_township,
                }
            }
            Scope::Village(v) => {
                binds.push(v.clone());
                format!("{village_col} = ${}", binds.len())
            }
        }
    }
}

/// The codes that begin with a township code's first nine digits, as `[low, high)`: the
/// township's villages. None when the code is not nine digits or more, or is all nines (no
/// upper bound of the same length); the substr test then stands alone.
pub(crate) fn township_range(township: &str) -> Option<(String, String)> {
    let prefix = township.get(..9)?;
    if !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A decimal increment, carry included, so that the bound is a digit string too and sorts the
    // same under any collation of the database.
    let mut high = prefix.as_bytes().to_vec();
    for b in high.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return Some((prefix.to_string(), String::from_utf8(high).ok()?));
        }
    }
    None
}

impl Store {
    pub async fn create_user(&self, u: &NewUser<'_>) -> Result<i64> {
        if self.user_by_name(u.username).await?.is_some() {
            bail!(
                "user {} already exists / 用户 {} 已存在",
                u.username,
                u.username
            );
        }
        let now = chrono::Utc::now().to_rfc3339();
        let sql = "INSERT INTO users (username, display_name, role, jurisdiction, password_hash, created_at, password_changed_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING user_id";
        // Account changes are audited: who may open reports depends on them.
        audited!(self, u.created_by, tx => {
            let id: i64 = sqlx::query_scalar(sql)
                .bind(u.username)
                .bind(u.display_name)
                .bind(u.role.code())
                .bind(u.jurisdiction)
                .bind(u.password_hash)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?;

            (id, [Entry::new("account.created", "account", u.username, format!("role={} jurisdiction={}", u.role.code(), u.jurisdiction))])
        })
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(username).fetch_optional(pool).await)?;
        Ok(row.map(User::try_from).transpose()?)
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows: Vec<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<_, _>>()?)
    }

    /// Disables or re-enables an account; disabling also ends its sessions. False if no such user.
    pub async fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &str,
    ) -> Result<bool> {
        audited!(self, actor, tx => {
            let n = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
                .bind(disabled)
                .bind(username)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM users WHERE username = $1)")
                .bind(username)
                .execute(&mut *tx)
                .await?;

            (true, [Entry::new(if disabled { "account.disabled" } else { "account.enabled" }, "account", username, "".to_string())])
        })
    }

    /// Sets a new password hash, clears lock-outs and ends the account's sessions.
    pub async fn set_password_hash(&self, username: &str, hash: &str, actor: &str) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339();
        audited!(self, actor, tx => {
            let n = sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = 0 WHERE username = $3")
                .bind(hash)
                .bind(&now)
                .bind(username)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM users WHERE username = $1)")
                .bind(username)
                .execute(&mut *tx)
                .await?;

            (true, [Entry::new("account.password_reset", "account", username, "".to_string())])
        })
    }

    /// Counts a failed password on the account (it slows later attempts; it never locks).
    pub async fn note_failed_login(&self, user_id: i64) -> Result<()> {
        let sql = "UPDATE users SET failed_logins = failed_logins + 1 WHERE user_id = $1";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn clear_failed_logins(&self, user_id: i64) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE user_id = $1")
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<()> {
        let sql = "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $4, $5)";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// The live session of `token_hash` and its user: not expired, not idle longer than
    /// `idle_secs`, user not disabled. Touches the session so that activity keeps it alive.
    pub async fn session(
        &self,
        token_hash: &str,
        now: i64,
        idle_secs: i64,
    ) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT {}, s.csrf_token FROM sessions s JOIN users u ON u.user_id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.disabled",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            bool,
            i64,
            i64,
            Option<String>,
            String,
        );
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(token_hash)
            .bind(now)
            .bind(now - idle_secs)
            .fetch_optional(pool)
            .await)?;
        let Some(r) = row else { return Ok(None) };
        // One write a minute at most per session, not one per page.
        on_pool!(self, pool => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $3")
            .bind(now)
            .bind(token_hash)
            .bind(now - 60)
            .execute(pool)
            .await
            .map(|_| ()))?;
        let user = User::try_from((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9))?;
        Ok(Some((user, r.10)))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2")
            .bind(token_hash)
            .bind(chrono::Utc::now().timestamp())
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Stores an official's key pair (public half, and secret half locked with the password).
    pub async fn set_user_key(
        &self,
        user_id: i64,
        public_key: &str,
        locked_key: &[u8],
    ) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE users SET public_key = $1, locked_key = $2 WHERE user_id = $3")
            .bind(public_key)
            .bind(locked_key)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Links an account to the official's ID number in the registers (audited: the
    /// conflict-of-interest exclusion depends on it).
    /// The person (ID number) an account is linked to, if any.
    pub async fn user_id_number(&self, user_id: i64) -> Result<Option<String>> {
        let found: Option<Option<String>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id_number FROM users WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(pool)
                .await
        })?;
        Ok(found.flatten())
    }

    pub async fn set_user_id_number(
        &self,
        user_id: i64,
        id_number: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        audited!(self, actor, tx => {
            let username: Option<String> = sqlx::query_scalar(
                "UPDATE users SET id_number = $1 WHERE user_id = $2 RETURNING username",
            )
            .bind(id_number)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(username) = username else {
                anyhow::bail!("no account {user_id} / 无此账户");
            };

            ((), [Entry::new("account.id_number_set", "account", username, if id_number.is_some() { "linked to an ID number" } else { "unlinked" }.to_string())])
        })
    }

    /// Keeps the session's sealed key with the session.
    pub async fn set_session_key(&self, token_hash: &str, sealed_key: &[u8]) -> Result<()> {
        on_pool!(self, pool => sqlx::query("UPDATE sessions SET sealed_key = $1 WHERE token_hash = $2")
            .bind(sealed_key)
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn session_key(&self, token_hash: &str) -> Result<Option<Vec<u8>>> {
        let v: Option<Option<Vec<u8>>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT sealed_key FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        Ok(v.flatten())
    }
}
