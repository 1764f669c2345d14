//! What the officials' workspace keeps and reads: accounts, sessions, the access log, the clue
//! queue with its filters, assignments (交办) and the dashboard's figures.
//!
//! Jurisdiction is passed in as a [`Scope`]; every query that returns clues or personal data
//! applies it in SQL, so a township official's page cannot be built from another township's rows.

use crate::audit::{audited, Entry};
use crate::{check_identifier, on_pool, Store};
use anyhow::{bail, Result};

#[derive(Debug, Clone)]
pub struct User {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
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

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            user_id: r.0,
            username: r.1,
            display_name: r.2,
            role: r.3,
            jurisdiction: r.4,
            password_hash: r.5,
            disabled: r.6,
            failed_logins: r.7,
            locked_until: r.8,
            id_number: r.9,
        }
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub jurisdiction: &'a str,
    pub password_hash: &'a str,
    /// Who creates the account (recorded in the audit trail).
    pub created_by: &'a str,
}

/// The part of the county an official may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    County,
    /// A 12-digit township code: its villages' records, and clues handed to it.
    Township(String),
    /// A 12-digit village code.
    Village(String),
}

impl Scope {
    /// Whether a record of `village_code` (and, for clues, handed to `assigned_township`) is in
    /// scope. The same test as [`Scope::sql`], for records already in hand.
    pub fn covers(&self, village_code: Option<&str>, assigned_township: Option<&str>) -> bool {
        match self {
            Scope::County => true,
            Scope::Township(t) => {
                village_code.is_some_and(|v| v.get(..9) == t.get(..9))
                    || assigned_township == Some(t.as_str())
            }
            Scope::Village(v) => village_code == Some(v.as_str()),
        }
    }

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
fn township_range(township: &str) -> Option<(String, String)> {
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

#[derive(Debug, Clone, Default)]
pub struct ClueFilter {
    pub rule_id: Option<String>,
    pub severity: Option<String>,
    pub village_code: Option<String>,
    pub review_status: Option<String>,
    /// `current` (default) or `resolved_by_data`, or `all`.
    pub data_state: Option<String>,
    pub assigned_township: Option<String>,
    /// Only clues with at least this amount at risk (fen).
    pub min_amount_fen: Option<i64>,
    pub sort: ClueSort,
    pub limit: u32,
    pub offset: u32,
    /// Clues kept from the official asking (conflict of interest), left out of the page and of
    /// the count.
    pub hidden: Related,
}

/// What an official is related to: themselves, the members of their household and their
/// declared relatives (either way round), and the villages where they hold a current post.
/// A clue naming one of those persons, or in one of those villages, is kept from them (the
/// policy is the workflow crate's; this is the data it needs, and the SQL that applies it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Related {
    pub persons: Vec<String>,
    pub villages: Vec<String>,
}

impl Related {
    pub fn is_empty(&self) -> bool {
        self.persons.is_empty() && self.villages.is_empty()
    }

    /// Appends `values` to `binds` and returns their placeholders.
    fn list(binds: &mut Vec<String>, values: &[String]) -> String {
        let start = binds.len() + 1;
        binds.extend(values.iter().cloned());
        (start..start + values.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An SQL condition true for a clue `c` related to the official (`None`: no clue is),
    /// tested row by row: for a page of the queue, which reads a page of clues anyway.
    fn sql(&self, binds: &mut Vec<String>) -> Option<String> {
        let mut parts = Vec::new();
        if !self.persons.is_empty() {
            parts.push(format!(
                "EXISTS (SELECT 1 FROM clue_persons p WHERE p.fingerprint = c.fingerprint \
                 AND p.id_number IN ({}))",
                Self::list(binds, &self.persons)
            ));
        }
        if !self.villages.is_empty() {
            parts.push(format!(
                "COALESCE(c.village_code, '') IN ({})",
                Self::list(binds, &self.villages)
            ));
        }
        (!parts.is_empty()).then(|| format!("({})", parts.join(" OR ")))
    }

    /// A query of the fingerprints of the clues related to the official (`None`: none are),
    /// found through the persons index and the clues' village index: for counts, which must
    /// not read every clue of a county to find the few kept from one official.
    fn fingerprints_sql(&self, binds: &mut Vec<String>) -> Option<String> {
        let mut parts = Vec::new();
        if !self.persons.is_empty() {
            parts.push(format!(
                "SELECT p.fingerprint FROM clue_persons p WHERE p.id_number IN ({})",
                Self::list(binds, &self.persons)
            ));
        }
        if !self.villages.is_empty() {
            parts.push(format!(
                "SELECT v.fingerprint FROM clues v WHERE v.village_code IN ({})",
                Self::list(binds, &self.villages)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" UNION "))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClueSort {
    #[default]
    AmountDesc,
    AmountAsc,
    Severity,
    Rule,
    Village,
}

#[derive(Debug, Clone)]
pub struct QueueClue {
    pub fingerprint: String,
    pub rule_id: String,
    pub severity: String,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    pub subject_id: Option<String>,
    pub record_type: String,
    pub record_ids: String,
    pub amount_at_risk_fen: i64,
    pub evidence: String,
    pub explanation_zh: String,
    pub explanation_en: String,
    pub review_status: String,
    pub data_state: String,
    pub assigned_township: Option<String>,
    pub first_found_at: Option<String>,
}

type QueueRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl From<QueueRow> for QueueClue {
    fn from(r: QueueRow) -> QueueClue {
        QueueClue {
            fingerprint: r.0,
            rule_id: r.1,
            severity: r.2,
            village_code: r.3,
            village_name: r.4,
            subject_id: r.5,
            record_type: r.6,
            record_ids: r.7,
            amount_at_risk_fen: r.8,
            evidence: r.9,
            explanation_zh: r.10,
            explanation_en: r.11,
            review_status: r.12,
            data_state: r.13,
            assigned_township: r.14,
            first_found_at: r.15,
        }
    }
}

impl QueueClue {
    /// Every person the clue names: its subject and each valid ID number anywhere in its
    /// evidence (beneficiary, payee, official, relative…). Conflict-of-interest exclusion and a
    /// case filed from the clue follow all of them, not only the subject.
    pub fn persons_named(&self) -> Vec<String> {
        crate::clues::persons_in_clue(self.subject_id.as_deref(), &self.evidence)
    }
}

const QUEUE_SELECT: &str = "SELECT c.fingerprint, c.rule_id, c.severity, c.village_code, \
     (SELECT MAX(d.name) FROM divisions d WHERE d.code = c.village_code), c.subject_id, c.record_type, \
     c.record_ids, c.amount_at_risk_fen, c.evidence, c.explanation_zh, c.explanation_en, c.review_status, \
     c.data_state, c.assigned_township, (SELECT r.started_at FROM check_runs r WHERE r.run_id = c.first_run) \
     FROM clues c";

#[derive(Debug, Clone)]
pub struct Review {
    pub action: String,
    pub reason: Option<String>,
    pub corrected_amount_fen: Option<i64>,
    pub recovered_fen: Option<i64>,
    pub reviewer: String,
    pub reviewed_at: String,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub township_code: String,
    pub township_name: Option<String>,
    pub assigned_by: String,
    pub assigned_at: String,
    /// The day the township's feedback is due (hand-overs before issue 13 have none).
    pub due_on: Option<String>,
    pub feedback: Option<String>,
    pub feedback_by: Option<String>,
    pub feedback_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccessEntry {
    pub at: String,
    pub username: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

/// A count and an amount under a label (a rule, a village, a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub key: String,
    pub label: Option<String>,
    pub clues: i64,
    pub amount_at_risk_fen: i64,
}

#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub id_number: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub village_code: String,
    pub household_id: String,
    pub relation_to_head: String,
}

type PersonRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

const PERSON_COLUMNS: &str =
    "id_number, name, gender, birth_date, village_code, household_id, relation_to_head";

impl From<PersonRow> for PersonRecord {
    fn from(r: PersonRow) -> PersonRecord {
        PersonRecord {
            id_number: r.0,
            name: r.1,
            gender: r.2,
            birth_date: r.3,
            village_code: r.4,
            household_id: r.5,
            relation_to_head: r.6,
        }
    }
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
                .bind(u.role)
                .bind(u.jurisdiction)
                .bind(u.password_hash)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?;

            (id, [Entry::new("account.created", "account", u.username, format!("role={} jurisdiction={}", u.role, u.jurisdiction))])
        })
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row: Option<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(username).fetch_optional(pool).await)?;
        Ok(row.map(User::from))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows: Vec<UserRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(User::from).collect())
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
        let user = User::from((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9));
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

    pub async fn log_access(
        &self,
        user: &User,
        action: &str,
        subject_kind: &str,
        subject_id: &str,
        detail: Option<&str>,
    ) -> Result<()> {
        // Chained and MACed like the audit trail (see `audit`): one row at a time, under the
        // log's lock, so that two views cannot link to the same previous row.
        let at = chrono::Utc::now().to_rfc3339();
        let actor = format!("{}:{}", user.user_id, user.username);
        on_pool!(self, pool => {
            let mut tx = crate::audit::begin_appending!(self, pool, "access_log");
            let last: Option<(i64, String)> = sqlx::query_as(
                "SELECT seq, hash FROM access_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
            )
            .fetch_optional(&mut *tx)
            .await?;
            let (seq, prev) = match last {
                Some((seq, hash)) => (seq + 1, hash),
                None => (1, crate::audit::GENESIS.to_string()),
            };
            let event = crate::AuditEvent {
                actor: &actor,
                action,
                subject_kind,
                subject_id,
                detail: detail.unwrap_or(""),
            };
            let hash = crate::audit::chain_hash(&prev, seq, &at, &event);
            let mac = crate::audit::row_mac("access_log", &hash)?;
            sqlx::query(
                "INSERT INTO access_log (at, user_id, username, action, subject_kind, subject_id, detail, \
                 seq, prev_hash, hash, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&at)
            .bind(user.user_id)
            .bind(&user.username)
            .bind(action)
            .bind(subject_kind)
            .bind(subject_id)
            .bind(detail)
            .bind(seq)
            .bind(&prev)
            .bind(&hash)
            .bind(&mac)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            anyhow::Ok(())
        })
    }

    /// The access log, newest first; `subject_id` narrows it to one person or record.
    pub async fn access_log(
        &self,
        subject_id: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<AccessEntry>, i64)> {
        let filter = if subject_id.is_some() {
            "WHERE subject_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT at, username, action, subject_kind, subject_id, detail FROM access_log {filter} \
             ORDER BY entry_id DESC LIMIT {limit} OFFSET {offset}"
        );
        let count_sql = format!("SELECT COUNT(*) FROM access_log {filter}");
        type Row = (String, String, String, String, String, Option<String>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            if let Some(s) = subject_id {
                q = q.bind(s);
            }
            q.fetch_all(pool).await
        })?;
        let total: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&count_sql);
            if let Some(s) = subject_id {
                q = q.bind(s);
            }
            q.fetch_one(pool).await
        })?;
        Ok((
            rows.into_iter()
                .map(|r| AccessEntry {
                    at: r.0,
                    username: r.1,
                    action: r.2,
                    subject_kind: r.3,
                    subject_id: r.4,
                    detail: r.5,
                })
                .collect(),
            total,
        ))
    }

    /// Divisions of the latest import, in code order.
    pub async fn divisions(&self) -> Result<Vec<Division>> {
        let sql = "SELECT code, name, level, parent_code FROM divisions ORDER BY code";
        type Row = (String, String, String, Option<String>);
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Division {
                code: r.0,
                name: r.1,
                level: r.2,
                parent_code: r.3,
            })
            .collect())
    }

    /// One page of the clue queue in `scope`, and the number of clues matching the filter.
    pub async fn clue_queue(&self, scope: &Scope, f: &ClueFilter) -> Result<(Vec<QueueClue>, i64)> {
        let mut binds = Vec::new();
        let mut conds = vec![scope.sql("c.village_code", Some("c.assigned_township"), &mut binds)];
        match f.data_state.as_deref() {
            Some("all") => {}
            Some(s) => {
                binds.push(s.to_string());
                conds.push(format!("c.data_state = ${}", binds.len()));
            }
            None => conds.push("c.data_state = 'current'".to_string()),
        }
        for (col, value) in [
            ("c.rule_id", &f.rule_id),
            ("c.severity", &f.severity),
            ("c.village_code", &f.village_code),
            ("c.review_status", &f.review_status),
            ("c.assigned_township", &f.assigned_township),
        ] {
            if let Some(v) = value {
                binds.push(v.clone());
                conds.push(format!("{col} = ${}", binds.len()));
            }
        }
        if let Some(min) = f.min_amount_fen {
            // An integer formatted by us, not text from the request.
            conds.push(format!("c.amount_at_risk_fen >= {min}"));
        }
        if let Some(related) = f.hidden.sql(&mut binds) {
            conds.push(format!("NOT {related}"));
        }
        let order = match f.sort {
            ClueSort::AmountDesc => "c.amount_at_risk_fen DESC, c.fingerprint",
            ClueSort::AmountAsc => "c.amount_at_risk_fen ASC, c.fingerprint",
            ClueSort::Severity => {
                "CASE c.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, c.amount_at_risk_fen DESC, c.fingerprint"
            }
            ClueSort::Rule => "c.rule_id, c.amount_at_risk_fen DESC, c.fingerprint",
            ClueSort::Village => "c.village_code, c.amount_at_risk_fen DESC, c.fingerprint",
        };
        let wh = conds.join(" AND ");
        let sql = format!(
            "{QUEUE_SELECT} WHERE {wh} ORDER BY {order} LIMIT {} OFFSET {}",
            f.limit.max(1),
            f.offset
        );
        let count_sql = format!("SELECT COUNT(*) FROM clues c WHERE {wh}");
        let rows: Vec<QueueRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?;
        // Current clues filtered by rule or village at most (the queue as it opens) are counted
        // from the dashboard's tally: counting them from an index read every current clue's
        // entry on each page (over a hundred thousand on a county of ten million payments).
        let tallied = f.severity.is_none()
            && f.review_status.is_none()
            && f.assigned_township.is_none()
            && f.min_amount_fen.is_none()
            && matches!(f.data_state.as_deref(), None | Some("current"));
        let total = if tallied {
            self.tally_count(scope, f.rule_id.as_deref(), f.village_code.as_deref())
                .await?
                - self
                    .related_count(
                        scope,
                        &f.hidden,
                        f.rule_id.as_deref(),
                        f.village_code.as_deref(),
                    )
                    .await?
        } else {
            on_pool!(self, pool => {
                let mut q = sqlx::query_scalar(&count_sql);
                for b in &binds {
                    q = q.bind(b);
                }
                q.fetch_one(pool).await
            })?
        };
        Ok((rows.into_iter().map(QueueClue::from).collect(), total))
    }

    /// The number of current clues in `scope`, of one rule and one village if given: from
    /// `clue_tally`, plus for a township the clues handed to it from outside it (see
    /// `clue_tally`).
    async fn tally_count(
        &self,
        scope: &Scope,
        rule_id: Option<&str>,
        village_code: Option<&str>,
    ) -> Result<i64> {
        let mut binds = Vec::new();
        let mut tally = vec![scope.sql("t.village_code", None, &mut binds)];
        let mut live = Vec::new();
        if let Scope::Township(township) = scope {
            binds.push(township.clone());
            let n = binds.len();
            live.push(format!(
                "c.assigned_township = ${n} AND c.data_state = 'current' \
                 AND (c.village_code IS NULL OR substr(c.village_code, 1, 9) <> substr(${n}, 1, 9))"
            ));
        }
        for (column, value) in [("rule_id", rule_id), ("village_code", village_code)] {
            if let Some(v) = value {
                binds.push(v.to_string());
                tally.push(format!("t.{column} = ${}", binds.len()));
                live.push(format!("c.{column} = ${}", binds.len()));
            }
        }
        let mut sql = format!(
            "SELECT CAST(COALESCE(SUM(t.clues), 0) AS BIGINT) FROM clue_tally t WHERE {}",
            tally.join(" AND ")
        );
        if matches!(scope, Scope::Township(_)) {
            sql = format!(
                "SELECT ({sql}) + (SELECT COUNT(*) FROM clues c WHERE {})",
                live.join(" AND ")
            );
        }
        let n: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_one(pool).await
        })?;
        Ok(n)
    }

    /// The current clues in `scope` (of one rule and one village if given) that are related to
    /// the official (see [`Related`]): what the tally counts and the official must not see.
    async fn related_count(
        &self,
        scope: &Scope,
        related: &Related,
        rule_id: Option<&str>,
        village_code: Option<&str>,
    ) -> Result<i64> {
        let mut binds = Vec::new();
        let Some(hidden) = related.fingerprints_sql(&mut binds) else {
            return Ok(0);
        };
        let mut conds = vec![
            scope.sql("c.village_code", Some("c.assigned_township"), &mut binds),
            "c.data_state = 'current'".to_string(),
        ];
        for (column, value) in [("rule_id", rule_id), ("village_code", village_code)] {
            if let Some(v) = value {
                binds.push(v.to_string());
                conds.push(format!("c.{column} = ${}", binds.len()));
            }
        }
        let sql = format!(
            "SELECT COUNT(*) FROM ({hidden}) h JOIN clues c ON c.fingerprint = h.fingerprint WHERE {}",
            conds.join(" AND ")
        );
        let n: i64 = on_pool!(self, pool => {
            let mut q = sqlx::query_scalar(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_one(pool).await
        })?;
        Ok(n)
    }

    /// What `id_number` is related to on `today` (see [`Related`]); nothing for an account
    /// linked to no person.
    pub async fn related_to(&self, id_number: Option<&str>, today: &str) -> Result<Related> {
        let Some(id) = id_number else {
            return Ok(Related::default());
        };
        let persons_sql = "SELECT $1 \
             UNION SELECT m.id_number FROM persons m JOIN persons p ON p.household_id = m.household_id \
                   WHERE p.id_number = $1 \
             UNION SELECT relative_id_number FROM declared_relations WHERE official_id_number = $1 \
             UNION SELECT official_id_number FROM declared_relations WHERE relative_id_number = $1";
        let villages_sql = "SELECT DISTINCT division_code FROM officials WHERE id_number = $1 \
             AND (end_date IS NULL OR end_date = '' OR end_date >= $2)";
        let (persons, villages): (Vec<String>, Vec<String>) = on_pool!(self, pool => {
            let persons = sqlx::query_scalar(persons_sql).bind(id).fetch_all(pool).await?;
            let villages = sqlx::query_scalar(villages_sql).bind(id).bind(today).fetch_all(pool).await?;
            anyhow::Ok((persons, villages))
        })?;
        let mut persons = persons;
        persons.sort();
        persons.dedup();
        Ok(Related { persons, villages })
    }

    /// One clue, if it exists and is in `scope` (else `None`: out of scope looks like absent).
    pub async fn clue_in_scope(
        &self,
        scope: &Scope,
        fingerprint: &str,
    ) -> Result<Option<QueueClue>> {
        let sql = format!("{QUEUE_SELECT} WHERE c.fingerprint = $1");
        let row: Option<QueueRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(fingerprint).fetch_optional(pool).await)?;
        Ok(row
            .map(QueueClue::from)
            .filter(|c| scope.covers(c.village_code.as_deref(), c.assigned_township.as_deref())))
    }

    pub async fn clue_reviews(&self, fingerprint: &str) -> Result<Vec<Review>> {
        let sql =
            "SELECT action, reason, corrected_amount_fen, recovered_fen, reviewer, reviewed_at \
                   FROM clue_reviews WHERE fingerprint = $1 ORDER BY review_id";
        type Row = (
            String,
            Option<String>,
            Option<i64>,
            Option<i64>,
            String,
            String,
        );
        let rows: Vec<Row> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(fingerprint).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Review {
                action: r.0,
                reason: r.1,
                corrected_amount_fen: r.2,
                recovered_fen: r.3,
                reviewer: r.4,
                reviewed_at: r.5,
            })
            .collect())
    }

    pub async fn clue_assignments(&self, fingerprint: &str) -> Result<Vec<Assignment>> {
        let sql = "SELECT a.township_code, (SELECT MAX(d.name) FROM divisions d WHERE d.code = a.township_code), \
                   a.assigned_by, a.assigned_at, a.due_on, a.feedback, a.feedback_by, a.feedback_at \
                   FROM clue_assignments a WHERE a.fingerprint = $1 ORDER BY a.assignment_id";
        type Row = (
            String,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(fingerprint).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Assignment {
                township_code: r.0,
                township_name: r.1,
                assigned_by: r.2,
                assigned_at: r.3,
                due_on: r.4,
                feedback: r.5,
                feedback_by: r.6,
                feedback_at: r.7,
            })
            .collect())
    }

    /// Hands clues to a township (交办) with the day its feedback is due, in one transaction;
    /// returns how many were handed over. Clues that do not exist are an error, so that a stale
    /// form changes nothing.
    pub async fn assign_clues(
        &self,
        fingerprints: &[String],
        township_code: &str,
        due_on: &str,
        assigned_by: &str,
    ) -> Result<u64> {
        let now = chrono::Utc::now().to_rfc3339();
        on_pool!(self, pool => {
            let mut tx = crate::audit::begin_audited!(self, pool);
            for fp in fingerprints {
                let n = sqlx::query("UPDATE clues SET assigned_township = $1 WHERE fingerprint = $2")
                    .bind(township_code)
                    .bind(fp)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    bail!("no clue with fingerprint {fp} / 无此线索");
                }
                sqlx::query(
                    "INSERT INTO clue_assignments (fingerprint, township_code, assigned_by, assigned_at, due_on) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                    .bind(fp)
                    .bind(township_code)
                    .bind(assigned_by)
                    .bind(&now)
                    .bind(due_on)
                    .execute(&mut *tx)
                    .await?;
                crate::audit::append_audit!(tx, &crate::AuditEvent {
                    actor: assigned_by,
                    action: "clue.handed_over",
                    subject_kind: "clue",
                    subject_id: fp,
                    detail: &format!("{township_code}, feedback due {due_on}"),
                });
            }
            tx.commit().await?;
            Ok(fingerprints.len() as u64)
        })
    }

    /// Current clues in `scope` counted by `by`: `rule`, `village` or `month` (the month the
    /// clue was first found).
    ///
    /// Read from `clue_tally` (kept by `record_check`), plus, for a township, the clues handed
    /// to it from outside it, which are counted live: a dashboard never reads every clue.
    pub async fn clue_tally(
        &self,
        scope: &Scope,
        hidden: &Related,
        by: &str,
    ) -> Result<Vec<Tally>> {
        let column = match by {
            "rule" => "rule_id",
            "village" => "village_code",
            "month" => "first_run",
            other => bail!("unknown tally {other}"),
        };
        let mut binds = Vec::new();
        let mut parts = vec![format!(
            "SELECT t.{column} AS g, t.clues AS n, t.amount_at_risk_fen AS a FROM clue_tally t WHERE {}",
            scope.sql("t.village_code", None, &mut binds)
        )];
        if let Scope::Township(township) = scope {
            binds.push(township.clone());
            let n = binds.len();
            parts.push(format!(
                "SELECT c.{column} AS g, 1 AS n, c.amount_at_risk_fen AS a FROM clues c \
                 WHERE c.assigned_township = ${n} AND c.data_state = 'current' \
                 AND (c.village_code IS NULL OR substr(c.village_code, 1, 9) <> substr(${n}, 1, 9))"
            ));
        }
        // Clues kept from the official are counted above; they are taken away again here.
        if let Some(related) = hidden.fingerprints_sql(&mut binds) {
            let in_scope = scope.sql("c.village_code", Some("c.assigned_township"), &mut binds);
            parts.push(format!(
                "SELECT c.{column} AS g, -1 AS n, -c.amount_at_risk_fen AS a \
                 FROM ({related}) h JOIN clues c ON c.fingerprint = h.fingerprint \
                 WHERE {in_scope} AND c.data_state = 'current'"
            ));
        }
        let (key, label) = match by {
            "rule" => ("u.g", "NULL"),
            "village" => (
                "u.g",
                "(SELECT MAX(d.name) FROM divisions d WHERE d.code = s.k)",
            ),
            _ => (
                "(SELECT substr(r.started_at, 1, 7) FROM check_runs r WHERE r.run_id = u.g)",
                "NULL",
            ),
        };
        let sql = format!(
            "SELECT COALESCE(s.k, ''), {label}, s.n, s.a FROM \
             (SELECT v.k, CAST(SUM(v.n) AS BIGINT) AS n, CAST(SUM(v.a) AS BIGINT) AS a \
              FROM (SELECT {key} AS k, u.n, u.a FROM ({}) u) v GROUP BY v.k HAVING SUM(v.n) > 0) s ORDER BY s.k",
            parts.join(" UNION ALL ")
        );
        type Row = (String, Option<String>, i64, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| Tally {
                key: r.0,
                label: r.1,
                clues: r.2,
                amount_at_risk_fen: r.3,
            })
            .collect())
    }

    /// The highest risk scores of `kind` (village / official / program) in the latest check.
    /// Village scores are filtered by `scope`; official and program scores are county-wide
    /// figures and are returned only for the county scope.
    pub async fn top_scores(
        &self,
        scope: &Scope,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<crate::Score>> {
        check_identifier(kind)?;
        if kind != "village" && *scope != Scope::County {
            return Ok(Vec::new());
        }
        let mut binds = vec![kind.to_string()];
        let wh = scope.sql("s.subject", None, &mut binds);
        let sql = format!(
            "SELECT s.kind, s.subject, s.label, s.score, s.clues, s.amount_at_risk_fen FROM risk_scores s \
             WHERE s.run_id = (SELECT MAX(run_id) FROM check_runs) AND s.kind = $1 AND {wh} \
             ORDER BY s.score DESC, s.subject LIMIT {limit}"
        );
        type Row = (String, String, Option<String>, f64, i64, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| crate::Score {
                kind: r.0,
                subject: r.1,
                label: r.2,
                score: r.3,
                clues: r.4,
                amount_at_risk_fen: r.5,
            })
            .collect())
    }

    /// The members of a household (as registered), in `scope`.
    pub async fn household_members(
        &self,
        scope: &Scope,
        household_id: &str,
    ) -> Result<Vec<PersonRecord>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE household_id = $1 \
             ORDER BY relation_to_head <> 'head', birth_date, id_number"
        );
        let rows: Vec<PersonRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(household_id).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(PersonRecord::from)
            .filter(|p| scope.covers(Some(&p.village_code), None))
            .collect())
    }

    /// The posts a person holds or held (officials register): "org position (start – end)".
    pub async fn posts_of(&self, id_number: &str) -> Result<Vec<String>> {
        let sql = "SELECT org_name, position, start_date, end_date FROM officials WHERE id_number = $1 ORDER BY start_date";
        type Row = (String, String, String, Option<String>);
        let rows: Vec<Row> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(id_number).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|(org, position, start, end)| {
                format!("{org} {position} ({start} – {})", end.unwrap_or_default())
            })
            .collect())
    }

    /// A person's household record, if the person is in `scope`.
    pub async fn person_in_scope(
        &self,
        scope: &Scope,
        id_number: &str,
    ) -> Result<Option<PersonRecord>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id_number = $1");
        let row: Option<PersonRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(id_number).fetch_optional(pool).await)?;
        Ok(row
            .map(PersonRecord::from)
            .filter(|p| scope.covers(Some(&p.village_code), None)))
    }
}
