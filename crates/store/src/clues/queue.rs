//! The clue queue with its filters and sorting, what an official is related to (for the
//! conflict-of-interest policy applied in SQL), hand-overs (交办) and the dashboard's figures.

use crate::accounts::{Scope, ScopeSql};
use crate::{check_identifier, on_pool, Store};
use anyhow::{bail, Result};
use qingfeng_domain::Severity;

#[derive(Debug, Clone, Default)]
pub struct ClueFilter {
    pub rule_id: Option<String>,
    pub severity: Option<Severity>,
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
    pub severity: Severity,
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

crate::row::from_row!(QueueClue {
    fingerprint,
    rule_id,
    severity => Severity::parse,
    village_code,
    village_name,
    subject_id,
    record_type,
    record_ids,
    amount_at_risk_fen,
    evidence,
    explanation_zh,
    explanation_en,
    review_status,
    data_state,
    assigned_township,
    first_found_at,
});

impl QueueClue {
    /// Every person the clue names: its subject and each valid ID number anywhere in its
    /// evidence (beneficiary, payee, official, relative…). Conflict-of-interest exclusion and a
    /// case filed from the clue follow all of them, not only the subject.
    pub fn persons_named(&self) -> Vec<String> {
        crate::clues::persons_in_clue(self.subject_id.as_deref(), &self.evidence)
    }
}

const QUEUE_SELECT: &str = "SELECT c.fingerprint, c.rule_id, c.severity, c.village_code, \
     (SELECT MAX(d.name) FROM divisions d WHERE d.code = c.village_code) AS village_name, c.subject_id, c.record_type, \
     c.record_ids, c.amount_at_risk_fen, c.evidence, c.explanation_zh, c.explanation_en, c.review_status, \
     c.data_state, c.assigned_township, (SELECT r.started_at FROM check_runs r WHERE r.run_id = c.first_run) AS first_found_at \
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

/// A count and an amount under a label (a rule, a village, a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub key: String,
    pub label: Option<String>,
    pub clues: i64,
    pub amount_at_risk_fen: i64,
}

impl Store {
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
            ("c.rule_id", f.rule_id.as_deref()),
            ("c.severity", f.severity.map(Severity::as_str)),
            ("c.village_code", f.village_code.as_deref()),
            ("c.review_status", f.review_status.as_deref()),
            ("c.assigned_township", f.assigned_township.as_deref()),
        ] {
            if let Some(v) = value {
                binds.push(v.to_string());
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
        let rows: Vec<QueueClue> = on_pool!(self, pool => {
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
        Ok((rows, total))
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
        let row: Option<QueueClue> = on_pool!(self, pool => sqlx::query_as(&sql).bind(fingerprint).fetch_optional(pool).await)?;
        Ok(row.filter(|c| scope.covers(c.village_code.as_deref(), c.assigned_township.as_deref())))
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
        crate::audit::audited!(self, assigned_by, tx => {
            let mut entries = Vec::new();
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
                entries.push(crate::audit::Entry::new(
                    "clue.handed_over",
                    "clue",
                    fp,
                    format!("{township_code}, feedback due {due_on}"),
                ));
            }
            (fingerprints.len() as u64, entries)
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
}
