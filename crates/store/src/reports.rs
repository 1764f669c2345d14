//! Protected reports (举报): stored sealed, opened only through a key copy, with the
//! conflict-of-interest exclusion computed from the registers.
//!
//! This module stores and finds; it never sees a plaintext report. Sealing and opening happen in
//! the caller with the vault crate, so the database holds only ciphertext and wrapped keys.

use crate::audit::{audited, Entry};
use crate::row::from_row;
use crate::{on_pool, Store};
use anyhow::{Context, Result};
use qingfeng_domain::role::Role;
use qingfeng_domain::DivisionCode;
use std::collections::{BTreeMap, BTreeSet};

/// Appends a reply the reporter reads with the receipt code, inside the open transaction `tx`.
macro_rules! reply_in {
    ($tx:expr, $report_id:expr, $at:expr, $status:expr, $reply:expr) => {
        sqlx::query(
            "INSERT INTO report_replies (report_id, replied_at, status, message_zh, message_en) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($report_id)
        .bind($at)
        .bind($status)
        .bind($reply.0)
        .bind($reply.1)
        .execute(&mut *$tx)
        .await?
    };
}

/// A key copy for one official.
#[derive(Debug, Clone)]
pub struct WrappedKey {
    pub user_id: i64,
    /// `content` or `reporter`.
    pub purpose: &'static str,
    pub wrapped: Vec<u8>,
}

/// The sealed deadlines of a report (ISO dates).
#[derive(Debug, Clone, Default)]
pub struct ReportDeadlines {
    pub transfer_due: Option<String>,
    pub handle_due: Option<String>,
    pub acceptance_notice_due: Option<String>,
    pub upward_due: Option<String>,
}

/// A report ready to store: everything a reporter wrote is already sealed.
#[derive(Debug, Clone)]
pub struct SealedReport<'a> {
    pub receipt_hash: &'a str,
    pub filed_at: &'a str,
    pub received_on: &'a str,
    /// portal / letter / visit / hotline_12388.
    pub channel: &'a str,
    pub village_code: Option<&'a str>,
    pub category: &'a str,
    pub anonymous: bool,
    pub sealed_content: &'a [u8],
    pub sealed_reporter: Option<&'a [u8]>,
    /// The public half of the report's key (what comes later is sealed to it).
    pub recipient: &'a str,
    /// county / upward.
    pub routing: &'a str,
    /// The official who entered a report received by letter, visit or telephone.
    pub entered_by: Option<&'a str>,
    pub matter_hash: Option<&'a str>,
    pub deadlines: ReportDeadlines,
    pub keys: Vec<WrappedKey>,
    /// (sealed file name, sealed bytes)
    pub attachments: Vec<(Vec<u8>, Vec<u8>)>,
    /// Filed but not accepted, with the reply the reporter reads (zh, en): the workflow's
    /// decision (a matter closed by a final review).
    pub not_accepted: Option<(&'a str, &'a str)>,
}

/// What filing returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledReport {
    pub report_id: i64,
    /// 1 for a new matter, 2 for the second report on it, …
    pub repeat_number: i64,
    pub first_report_id: i64,
}

/// An official who might handle a report.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub jurisdiction: String,
    pub id_number: Option<String>,
    pub public_key: Option<String>,
}
from_row!(Candidate {
    user_id,
    username,
    display_name,
    role => Role::parse,
    jurisdiction,
    id_number,
    public_key
});

/// How a candidate official stands to a matter, by the registers: the facts the
/// conflict-of-interest policy (`qingfeng_workflow::conflict`) decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// The official is one of the persons named.
    Named,
    /// The official lives in the household of a person named.
    SameHousehold,
    /// The official declared a person named as a relative, or was declared by one.
    DeclaredRelative,
    /// The official holds a current post (organisation and position) in a village or township
    /// the matter touches.
    Post(String),
    /// The official's account covers a village or township the matter touches.
    Jurisdiction,
}

/// A report as listed to an official holding its key.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub report_id: i64,
    pub filed_at: String,
    pub received_on: Option<String>,
    pub channel: String,
    pub village_code: Option<String>,
    pub category: String,
    pub anonymous: bool,
    pub status: String,
    pub repeat_number: i64,
    pub first_report_id: Option<i64>,
    pub transfer_due: Option<String>,
    pub handle_due: Option<String>,
    pub acceptance_notice_due: Option<String>,
    pub accepted_on: Option<String>,
    pub closed_on: Option<String>,
    /// A real-name reporter is told of the result by this day (set at the closing).
    pub result_notice_due: Option<String>,
    pub result_notified_on: Option<String>,
    /// Transferred (转送) to this body, on this day.
    pub transferred_to: Option<String>,
    pub transferred_on: Option<String>,
}
from_row!(ReportSummary {
    report_id,
    filed_at,
    received_on,
    channel,
    village_code,
    category,
    anonymous,
    status,
    repeat_number,
    first_report_id,
    transfer_due,
    handle_due,
    acceptance_notice_due,
    accepted_on,
    closed_on,
    result_notice_due,
    result_notified_on,
    transferred_to,
    transferred_on
});

/// One report opened by an official: the sealed parts and the official's key copies.
#[derive(Debug, Clone)]
pub struct ReportEnvelope {
    pub summary: ReportSummary,
    pub entered_by: Option<String>,
    pub sealed_content: Vec<u8>,
    pub sealed_reporter: Option<Vec<u8>>,
    pub content_key: Vec<u8>,
    /// The reporter key, opened by the official's own key alone: given when a request of
    /// theirs was approved (or, for reports filed before issue 12, to every senior).
    pub reporter_key: Option<Vec<u8>>,
    /// A senior's copy of the reporter key behind the server's approval key
    /// (`KeyPair::wrap_behind`): usable only to carry out a second senior's approval.
    pub reporter_escrow: Option<Vec<u8>>,
}

/// A request to open a reporter's identity.
#[derive(Debug, Clone)]
pub struct IdentityRequest {
    pub request_id: i64,
    pub report_id: i64,
    pub requested_by: i64,
    pub requested_by_name: String,
    /// In clear only for requests made before reasons were sealed; see `sealed_reason`.
    pub reason: String,
    /// The reason, sealed to the report's key.
    pub sealed_reason: Option<Vec<u8>>,
    pub requested_at: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<String>,
    pub approved: Option<bool>,
}
from_row!(IdentityRequest {
    request_id,
    report_id,
    requested_by,
    requested_by_name,
    reason,
    sealed_reason,
    requested_at,
    decided_by,
    decided_at,
    approved
});

/// A review (level 1, 复查) or second review (level 2, 复核) requested by the reporter.
#[derive(Debug, Clone)]
pub struct ReviewRequest {
    pub review_id: i64,
    pub report_id: i64,
    pub level: i64,
    pub requested_on: String,
    pub sealed_reason: Vec<u8>,
    pub decision_due: String,
    pub decided_on: Option<String>,
    pub decided_by: Option<String>,
}
from_row!(ReviewRequest {
    review_id,
    report_id,
    level,
    requested_on,
    sealed_reason,
    decision_due,
    decided_on,
    decided_by
});

/// A report waiting to be sent to the level above, sealed to its key.
#[derive(Debug, Clone)]
pub struct UpwardReport {
    pub report_id: i64,
    pub received_on: String,
    pub upward_due: String,
    pub sealed_content: Vec<u8>,
    pub sealed_reporter: Option<Vec<u8>>,
    /// (sealed name, sealed bytes)
    pub attachments: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A sealed attachment.
#[derive(Debug, Clone)]
pub struct SealedAttachment {
    pub attachment_id: i64,
    pub sealed_name: Vec<u8>,
    pub sealed_body: Vec<u8>,
    pub added_at: String,
}
from_row!(SealedAttachment {
    attachment_id,
    sealed_name,
    sealed_body,
    added_at
});

/// A person found in the registers by a name a reporter typed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NamedPerson {
    pub id_number: String,
    pub name: String,
    /// Where found: a village resident, or the post held.
    pub found_as: String,
}
from_row!(NamedPerson {
    id_number,
    name,
    found_as
});

const SUMMARY_COLUMNS: &str = "r.report_id, r.filed_at, r.received_on, r.channel, r.village_code, \
     r.category, r.anonymous, r.status, r.repeat_number, r.first_report_id, r.transfer_due, \
     r.handle_due, r.acceptance_notice_due, r.accepted_on, r.closed_on, r.result_notice_due, \
     r.result_notified_on, r.transferred_to, r.transferred_on";

/// The key copies that open a report to read: a handler's, or a reviewer's once the reporter
/// asked for a review (before that, the higher commission's copy lies unused).
const READABLE: &str = "(k.purpose = 'content' OR (k.purpose = 'review' AND EXISTS \
     (SELECT 1 FROM report_reviews v WHERE v.report_id = r.report_id)))";

fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Stores a sealed report with its key copies and attachments, links it to earlier reports
    /// on the same matter and appends the filing to the audit trail, all in one transaction.
    pub async fn file_sealed_report(
        &self,
        r: &SealedReport<'_>,
        actor: &str,
    ) -> Result<FiledReport> {
        audited!(self, actor, tx => {
            let earlier: (Option<i64>, i64) = match r.matter_hash {
                Some(h) => sqlx::query_as(
                    "SELECT MIN(report_id), COUNT(*) FROM reports WHERE matter_hash = $1",
                )
                .bind(h)
                .fetch_one(&mut *tx)
                .await?,
                None => (None, 0),
            };
            let repeat_number = earlier.1 + 1;
            let report_id: i64 = sqlx::query_scalar(
                "INSERT INTO reports (receipt_hash, filed_at, channel, village_code, category, anonymous, \
                 status, sealed_content, sealed_reporter, routing, entered_by, matter_hash, first_report_id, \
                 repeat_number, received_on, transfer_due, handle_due, acceptance_notice_due, upward_due, \
                 report_recipient) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
                 RETURNING report_id",
            )
            .bind(r.receipt_hash)
            .bind(r.filed_at)
            .bind(r.channel)
            .bind(r.village_code)
            .bind(r.category)
            .bind(r.anonymous)
            .bind(if r.routing == "upward" {
                "routed_upward"
            } else if r.not_accepted.is_some() {
                "not_accepted"
            } else {
                "received"
            })
            .bind(r.sealed_content)
            .bind(r.sealed_reporter)
            .bind(r.routing)
            .bind(r.entered_by)
            .bind(r.matter_hash)
            .bind(earlier.0)
            .bind(repeat_number)
            .bind(r.received_on)
            .bind(&r.deadlines.transfer_due)
            .bind(&r.deadlines.handle_due)
            .bind(&r.deadlines.acceptance_notice_due)
            .bind(&r.deadlines.upward_due)
            .bind(r.recipient)
            .fetch_one(&mut *tx)
            .await
            .context("storing the report")?;
            for k in &r.keys {
                sqlx::query(
                    "INSERT INTO report_keys (report_id, user_id, purpose, wrapped_key, granted_by, granted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(report_id)
                .bind(k.user_id)
                .bind(k.purpose)
                .bind(&k.wrapped)
                .bind(actor)
                .bind(r.filed_at)
                .execute(&mut *tx)
                .await?;
            }
            for (name, body) in &r.attachments {
                sqlx::query(
                    "INSERT INTO report_attachments (report_id, sealed_name, sealed_body, added_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(report_id)
                .bind(name)
                .bind(body)
                .bind(r.filed_at)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(reply) = r.not_accepted {
                reply_in!(tx, report_id, r.filed_at, "not_accepted", reply);
            }
            let detail = format!(
                "channel={} routing={} repeat={} keys={} attachments={}",
                r.channel,
                r.routing,
                repeat_number,
                r.keys.len(),
                r.attachments.len()
            );
            (FiledReport {
                report_id,
                repeat_number,
                first_report_id: earlier.0.unwrap_or(report_id),
            }, [Entry::new("report.filed", "report", report_id.to_string(), detail)])
        })
    }

    /// Active accounts with one of `roles`, with their public keys.
    pub async fn candidates(&self, roles: &[Role]) -> Result<Vec<Candidate>> {
        let sql = format!(
            "SELECT user_id, username, display_name, role, jurisdiction, id_number, public_key \
             FROM users WHERE NOT disabled AND role IN ({}) ORDER BY user_id",
            placeholders(1, roles.len())
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for r in roles {
                q = q.bind(r.code());
            }
            q.fetch_all(pool).await
        })?)
    }

    /// How each of `candidates` stands to a matter about `village_code` naming `subjects` (ID
    /// numbers): the first relation found, in the order of [`Relation`], or none. The matter
    /// touches the village given and, for each person named, their own village and the
    /// divisions where they hold a current post: a report may name people of several villages,
    /// or give no village at all.
    pub async fn relations_to_matter(
        &self,
        candidates: Vec<Candidate>,
        village_code: Option<&str>,
        subjects: &[String],
        today: &str,
    ) -> Result<Vec<(Candidate, Option<Relation>)>> {
        let touched = self
            .divisions_touched(village_code, subjects, today)
            .await?;
        self.relations(candidates, subjects, &touched, today).await
    }

    /// Each candidate's relation by the registers: named, same household, declared relative, a
    /// current post in one of `touched`, an account over one of `touched`.
    async fn relations(
        &self,
        candidates: Vec<Candidate>,
        subjects: &[String],
        touched: &BTreeSet<String>,
        today: &str,
    ) -> Result<Vec<(Candidate, Option<Relation>)>> {
        let linked: Vec<String> = candidates
            .iter()
            .filter_map(|c| c.id_number.clone())
            .collect();
        // Households of the named persons and of the linked officials.
        let mut people: Vec<String> = subjects.to_vec();
        people.extend(linked.iter().cloned());
        let households: BTreeMap<String, String> = if people.is_empty() {
            BTreeMap::new()
        } else {
            let sql = format!(
                "SELECT id_number, household_id FROM persons WHERE id_number IN ({})",
                placeholders(1, people.len())
            );
            let rows: Vec<(String, String)> = on_pool!(self, pool => {
                let mut q = sqlx::query_as(&sql);
                for p in &people {
                    q = q.bind(p);
                }
                q.fetch_all(pool).await
            })?;
            rows.into_iter().collect()
        };
        let subject_households: BTreeSet<&String> =
            subjects.iter().filter_map(|s| households.get(s)).collect();
        // Declared relations touching a named person, either way round.
        let relatives: BTreeSet<String> = if subjects.is_empty() {
            BTreeSet::new()
        } else {
            let list = placeholders(1, subjects.len());
            let sql = format!(
                "SELECT relative_id_number FROM declared_relations WHERE official_id_number IN ({list}) \
                 UNION SELECT official_id_number FROM declared_relations WHERE relative_id_number IN ({list})"
            );
            let rows: Vec<(String,)> = on_pool!(self, pool => {
                let mut q = sqlx::query_as(&sql);
                for s in subjects {
                    q = q.bind(s);
                }
                q.fetch_all(pool).await
            })?;
            rows.into_iter().map(|r| r.0).collect()
        };
        // Current posts of the linked officials in a touched village or township.
        let serving: BTreeMap<String, String> = if touched.is_empty() || linked.is_empty() {
            BTreeMap::new()
        } else {
            let sql = format!(
                "SELECT id_number, org_name || ' ' || position FROM officials \
                 WHERE (end_date IS NULL OR end_date = '' OR end_date >= $1) \
                 AND division_code IN ({}) AND id_number IN ({})",
                placeholders(2, touched.len()),
                placeholders(2 + touched.len(), linked.len())
            );
            let rows: Vec<(String, String)> = on_pool!(self, pool => {
                let mut q = sqlx::query_as(&sql).bind(today);
                for t in touched {
                    q = q.bind(t);
                }
                for l in &linked {
                    q = q.bind(l);
                }
                q.fetch_all(pool).await
            })?;
            rows.into_iter().collect()
        };
        Ok(candidates
            .into_iter()
            .map(|c| {
                let own = c.id_number.as_deref();
                let relation = if own.is_some_and(|id| subjects.iter().any(|s| s == id)) {
                    Some(Relation::Named)
                } else if own
                    .and_then(|id| households.get(id))
                    .is_some_and(|h| subject_households.contains(h))
                {
                    Some(Relation::SameHousehold)
                } else if own.is_some_and(|id| relatives.contains(id)) {
                    Some(Relation::DeclaredRelative)
                } else if let Some(post) = own.and_then(|id| serving.get(id)) {
                    Some(Relation::Post(post.clone()))
                } else if touched.contains(&c.jurisdiction) {
                    Some(Relation::Jurisdiction)
                } else {
                    None
                };
                (c, relation)
            })
            .collect())
    }

    /// The villages and townships a matter touches: `village_code` (with its township) and, for
    /// each of `subjects`, the village they live in and the village or township of each current
    /// post they hold (with its township). County-level posts are left out: they would exclude
    /// the whole county commission, which is what reports about county leaders going up is for.
    pub async fn divisions_touched(
        &self,
        village_code: Option<&str>,
        subjects: &[String],
        today: &str,
    ) -> Result<BTreeSet<String>> {
        let mut codes: Vec<String> = village_code.into_iter().map(str::to_string).collect();
        if !subjects.is_empty() {
            let list = placeholders(2, subjects.len());
            let sql = format!(
                "SELECT village_code FROM persons WHERE id_number IN ({list}) \
                 UNION SELECT division_code FROM officials \
                 WHERE (end_date IS NULL OR end_date = '' OR end_date >= $1) AND id_number IN ({list})"
            );
            let rows: Vec<(String,)> = on_pool!(self, pool => {
                let mut q = sqlx::query_as(&sql).bind(today);
                for s in subjects {
                    q = q.bind(s);
                }
                q.fetch_all(pool).await
            })?;
            codes.extend(rows.into_iter().map(|r| r.0));
        }
        let mut touched = BTreeSet::new();
        for code in codes {
            let Ok(code) = DivisionCode::parse(&code) else {
                continue;
            };
            if let Some(township) = code.township() {
                touched.insert(township.as_str().to_string());
                touched.insert(code.as_str().to_string());
            }
        }
        Ok(touched)
    }

    /// Persons a reporter may have meant by `names`: residents of the village, and officials
    /// holding a current post in the village or its township, with exactly that name.
    pub async fn persons_named(
        &self,
        village_code: &str,
        names: &[String],
        today: &str,
    ) -> Result<Vec<NamedPerson>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let township = DivisionCode::parse(village_code)
            .ok()
            .and_then(|c| c.township())
            .map(|t| t.to_string())
            .unwrap_or_default();
        let list = placeholders(4, names.len());
        let sql = format!(
            "SELECT id_number, name, '本村村民 / resident' AS found_as FROM persons WHERE village_code = $1 AND name IN ({list}) \
             UNION SELECT id_number, name, org_name || ' ' || position FROM officials \
             WHERE division_code IN ($1, $2) AND (end_date IS NULL OR end_date = '' OR end_date >= $3) AND name IN ({list}) \
             ORDER BY 1"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql).bind(village_code).bind(&township).bind(today);
            for n in names {
                q = q.bind(n);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Persons a reporter may have meant by `names` anywhere in the county, for a report whose
    /// village was not recognised or who were not found in it: residents with exactly that name,
    /// and officials with that name holding a current post at any level below the county.
    pub async fn persons_named_anywhere(
        &self,
        names: &[String],
        today: &str,
    ) -> Result<Vec<NamedPerson>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(2, names.len());
        let sql = format!(
            "SELECT id_number, name, village_code || ' 村民 / resident' AS found_as FROM persons WHERE name IN ({list}) \
             UNION SELECT id_number, name, org_name || ' ' || position FROM officials \
             WHERE (end_date IS NULL OR end_date = '' OR end_date >= $1) AND name IN ({list}) \
             AND division_code NOT IN (SELECT code FROM divisions WHERE level = 'county') \
             ORDER BY 1"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql).bind(today);
            for n in names {
                q = q.bind(n);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Among `ids` and `names`, the county's own leaders: a current post at a county-level
    /// division whose title contains one of `senior_titles` (configuration: the posts managed by
    /// the level above). Reports naming them go up.
    pub async fn county_leaders_named(
        &self,
        ids: &[String],
        names: &[String],
        senior_titles: &[String],
        today: &str,
    ) -> Result<Vec<NamedPerson>> {
        if (ids.is_empty() && names.is_empty()) || senior_titles.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "SELECT o.id_number, o.name, o.org_name || ' ' || o.position, o.position FROM officials o \
             WHERE (o.end_date IS NULL OR o.end_date = '' OR o.end_date >= $1) \
             AND o.division_code IN (SELECT code FROM divisions WHERE level = 'county') AND (",
        );
        let mut binds: Vec<&str> = vec![today];
        let mut parts = Vec::new();
        if !ids.is_empty() {
            parts.push(format!("o.id_number IN ({})", placeholders(2, ids.len())));
            binds.extend(ids.iter().map(String::as_str));
        }
        if !names.is_empty() {
            parts.push(format!(
                "o.name IN ({})",
                placeholders(binds.len() + 1, names.len())
            ));
            binds.extend(names.iter().map(String::as_str));
        }
        sql.push_str(&parts.join(" OR "));
        sql.push(')');
        let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(*b);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .filter(|r| senior_titles.iter().any(|t| r.3.contains(t.as_str())))
            .map(|(id_number, name, found_as, _)| NamedPerson {
                id_number,
                name,
                found_as,
            })
            .collect())
    }

    /// The county's reports `user_id` holds a key to, newest first (never the upward ones).
    pub async fn reports_of(&self, user_id: i64) -> Result<Vec<ReportSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports r JOIN report_keys k ON k.report_id = r.report_id \
             WHERE k.user_id = $1 AND r.routing = 'county' AND {READABLE} \
             ORDER BY r.report_id DESC"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)?)
    }

    /// One report for `user_id`, or `None` when the official holds no key to it (to them it
    /// does not exist).
    pub async fn report_for(&self, user_id: i64, report_id: i64) -> Result<Option<ReportEnvelope>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, r.entered_by, r.sealed_content, r.sealed_reporter, k.wrapped_key \
             FROM reports r JOIN report_keys k ON k.report_id = r.report_id \
             WHERE r.report_id = $1 AND k.user_id = $2 AND r.routing = 'county' AND {READABLE}"
        );
        struct Row {
            summary: ReportSummary,
            entered_by: Option<String>,
            sealed_content: Option<Vec<u8>>,
            sealed_reporter: Option<Vec<u8>>,
            wrapped_key: Vec<u8>,
        }
        let row: Option<Row> = on_pool!(self, pool => {
            use sqlx::Row as _;
            let found = sqlx::query(&sql)
                .bind(report_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await?;
            match found {
                None => None,
                Some(r) => Some(Row {
                    summary: sqlx::FromRow::from_row(&r)?,
                    entered_by: r.try_get("entered_by")?,
                    sealed_content: r.try_get("sealed_content")?,
                    sealed_reporter: r.try_get("sealed_reporter")?,
                    wrapped_key: r.try_get("wrapped_key")?,
                }),
            }
        });
        let Some(row) = row else {
            return Ok(None);
        };
        let copy = |purpose: &'static str| async move {
            let v: Option<Vec<u8>> = on_pool!(self, pool => sqlx::query_scalar(
                "SELECT wrapped_key FROM report_keys WHERE report_id = $1 AND user_id = $2 AND purpose = $3",
            )
            .bind(report_id)
            .bind(user_id)
            .bind(purpose)
            .fetch_optional(pool)
            .await)?;
            anyhow::Ok(v)
        };
        let reporter_key = copy("reporter").await?;
        let reporter_escrow = copy("reporter_escrow").await?;
        Ok(Some(ReportEnvelope {
            summary: row.summary,
            entered_by: row.entered_by,
            sealed_content: row.sealed_content.unwrap_or_default(),
            sealed_reporter: row.sealed_reporter,
            content_key: row.wrapped_key,
            reporter_key,
            reporter_escrow,
        }))
    }

    /// Whether `user_id` holds a copy of the report's content key (a county report only).
    /// The day a second review (复核) of a report on the matter `matter_hash` was decided, if one
    /// was: after it, the same facts are not accepted again.
    pub async fn matter_finally_reviewed(&self, matter_hash: &str) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT MIN(v.decided_on) FROM report_reviews v JOIN reports r ON r.report_id = v.report_id \
             WHERE r.matter_hash = $1 AND v.level = 2 AND v.decided_on IS NOT NULL",
        )
        .bind(matter_hash)
        .fetch_one(pool)
        .await)?)
    }

    /// A county report's summary, by id (`None` for an unknown report or one routed upward).
    pub async fn report_summary(&self, report_id: i64) -> Result<Option<ReportSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.report_id = $1 AND r.routing = 'county'"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(report_id).fetch_optional(pool).await)?)
    }

    pub async fn holds_report_key(&self, user_id: i64, report_id: i64) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM report_keys k JOIN reports r ON r.report_id = k.report_id \
             WHERE k.report_id = $1 AND k.user_id = $2 AND k.purpose = 'content' AND r.routing = 'county'",
        )
        .bind(report_id)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
        Ok(n > 0)
    }

    /// Whether `user_id` holds the review copy of the report's key (a higher commission's
    /// reviewer not excluded from it).
    pub async fn holds_review_key(&self, user_id: i64, report_id: i64) -> Result<bool> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM report_keys WHERE report_id = $1 AND user_id = $2 AND purpose = 'review'",
        )
        .bind(report_id)
        .bind(user_id)
        .fetch_one(pool)
        .await)?;
        Ok(n > 0)
    }

    /// Usernames holding a key copy of `purpose` to the report.
    pub async fn key_holders(&self, report_id: i64, purpose: &str) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT u.user_id, u.username FROM report_keys k JOIN users u ON u.user_id = k.user_id \
             WHERE k.report_id = $1 AND k.purpose = $2 ORDER BY u.username",
        )
        .bind(report_id)
        .bind(purpose)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn attachments_of(&self, report_id: i64) -> Result<Vec<SealedAttachment>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT attachment_id, sealed_name, sealed_body, added_at FROM report_attachments \
             WHERE report_id = $1 ORDER BY attachment_id",
        )
        .bind(report_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Gives `key` to its official and records who gave it, in the audit trail too.
    pub async fn grant_report_key(
        &self,
        report_id: i64,
        key: &WrappedKey,
        granted_by: &str,
        why: &str,
    ) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, granted_by, tx => {
            sqlx::query(
                "INSERT INTO report_keys (report_id, user_id, purpose, wrapped_key, granted_by, granted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id, user_id, purpose) DO NOTHING",
            )
            .bind(report_id)
            .bind(key.user_id)
            .bind(key.purpose)
            .bind(&key.wrapped)
            .bind(granted_by)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            let id = report_id.to_string();
            let detail = format!("purpose={} to_user={} {why}", key.purpose, key.user_id);

            ((), [Entry::new("report.key_granted", "report", id, detail)])
        })
    }

    /// Records a request to open the reporter's identity.
    pub async fn request_identity(
        &self,
        report_id: i64,
        user_id: i64,
        username: &str,
        sealed_reason: &[u8],
    ) -> Result<i64> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, username, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO identity_requests (report_id, requested_by, reason, sealed_reason, requested_at) \
                 VALUES ($1, $2, '', $3, $4) RETURNING request_id",
            )
            .bind(report_id)
            .bind(user_id)
            .bind(sealed_reason)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let rid = report_id.to_string();
            // The reason is sealed with the report: not repeated here in clear.
            let detail = format!("request={id}");

            (id, [Entry::new("report.identity_requested", "report", rid, detail)])
        })
    }

    pub async fn identity_requests(&self, report_id: i64) -> Result<Vec<IdentityRequest>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT q.request_id, q.report_id, q.requested_by, u.username AS requested_by_name, q.reason, \
             q.sealed_reason, q.requested_at, q.decided_by, q.decided_at, q.approved \
             FROM identity_requests q JOIN users u ON u.user_id = q.requested_by \
             WHERE q.report_id = $1 ORDER BY q.request_id",
        )
        .bind(report_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Records the senior official's decision on a request; on approval `key` (the reporter key
    /// wrapped to the requester) is stored in the same transaction.
    pub async fn decide_identity_request(
        &self,
        request_id: i64,
        decided_by: i64,
        decided_by_name: &str,
        key: Option<&WrappedKey>,
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, decided_by_name, tx => {
            let report_id: Option<i64> = sqlx::query_scalar(
                "UPDATE identity_requests SET decided_by = $1, decided_at = $2, approved = $3 \
                 WHERE request_id = $4 AND decided_at IS NULL RETURNING report_id",
            )
            .bind(decided_by)
            .bind(&now)
            .bind(key.is_some())
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(report_id) = report_id else {
                return Ok(false);
            };
            if let Some(k) = key {
                sqlx::query(
                    "INSERT INTO report_keys (report_id, user_id, purpose, wrapped_key, granted_by, granted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id, user_id, purpose) DO NOTHING",
                )
                .bind(report_id)
                .bind(k.user_id)
                .bind(k.purpose)
                .bind(&k.wrapped)
                .bind(decided_by_name)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
            let rid = report_id.to_string();
            let detail = format!("request={request_id}");

            (true, [Entry::new(if key.is_some() { "report.identity_approved" } else { "report.identity_refused" }, "report", rid, detail)])
        })
    }

    /// An official's locked key, if one was made.
    pub async fn locked_key_of(&self, user_id: i64) -> Result<Option<Vec<u8>>> {
        let v: Option<Option<Vec<u8>>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT locked_key FROM users WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await)?;
        Ok(v.flatten())
    }

    /// Accepts a report (受理): records the date, the handling deadline and a reply the reporter
    /// reads through the receipt code, and appends the change to the audit trail.
    pub async fn accept_report(
        &self,
        report_id: i64,
        actor: &str,
        accepted_on: &str,
        handle_due: &str,
        reply: (&str, &str),
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE reports SET status = 'accepted', accepted_on = $1, handle_due = $2 \
                 WHERE report_id = $3 AND status = 'received' AND routing = 'county'",
            )
            .bind(accepted_on)
            .bind(handle_due)
            .bind(report_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            reply_in!(tx, report_id, &now, "accepted", reply);
            let id = report_id.to_string();
            let detail = format!("status received -> accepted, handle_due={handle_due}");

            (true, [Entry::new("report.accepted", "report", id, detail)])
        })
    }

    /// Transfers a received report to the body `to` that handles it, telling the reporter;
    /// `false` when the report is no longer waiting (accepted or transferred meanwhile).
    pub async fn transfer_report(
        &self,
        report_id: i64,
        actor: &str,
        to: &str,
        on: &str,
        reply: (&str, &str),
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE reports SET status = 'transferred', transferred_to = $1, transferred_on = $2 \
                 WHERE report_id = $3 AND status = 'received' AND routing = 'county'",
            )
            .bind(to)
            .bind(on)
            .bind(report_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            reply_in!(tx, report_id, &now, "transferred", reply);
            (true, [Entry::new("report.transferred", "report", report_id, format!("status received -> transferred, to={to}"))])
        })
    }

    /// Extends the handling deadline once (the caller checks the limit), telling the reporter why.
    pub async fn extend_report(
        &self,
        report_id: i64,
        actor: &str,
        days: i64,
        new_due: &str,
        reply: (&str, &str),
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE reports SET extension_days = $1, extension_reason = $2, handle_due = $3 \
                 WHERE report_id = $4 AND status = 'accepted' AND extension_days IS NULL",
            )
            .bind(days)
            .bind(reply.0)
            .bind(new_due)
            .bind(report_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            reply_in!(tx, report_id, &now, "extended", reply);
            let id = report_id.to_string();
            let detail = format!("handle_due -> {new_due} (+{days} days)");

            (true, [Entry::new("report.extended", "report", id, detail)])
        })
    }

    /// Concludes an accepted report with the reply the reporter reads, and the day a real-name
    /// reporter must be told of the result by.
    pub async fn conclude_report(
        &self,
        report_id: i64,
        actor: &str,
        closed_on: &str,
        result_notice_due: Option<&str>,
        reply: (&str, &str),
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE reports SET status = 'concluded', closed_on = $1, result_notice_due = $3 \
                 WHERE report_id = $2 AND status = 'accepted'",
            )
            .bind(closed_on)
            .bind(report_id)
            .bind(result_notice_due)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            reply_in!(tx, report_id, &now, "concluded", reply);
            (true, [Entry::new("report.concluded", "report", report_id.to_string(), "status accepted -> concluded".to_string())])
        })
    }

    /// Records that the real-name reporter was told of the result (`how`: by telephone, letter,
    /// in person); `false` when there is no notice waiting.
    pub async fn record_result_notice(
        &self,
        report_id: i64,
        actor: &str,
        on: &str,
        how: &str,
    ) -> Result<bool> {
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE reports SET result_notified_on = $1 WHERE report_id = $2 \
                 AND result_notice_due IS NOT NULL AND result_notified_on IS NULL",
            )
            .bind(on)
            .bind(report_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            (true, [Entry::new("report.result_notified", "report", report_id.to_string(), how.to_string())])
        })
    }

    /// Whether the report's handling was already extended.
    pub async fn report_extended(&self, report_id: i64) -> Result<bool> {
        let v: Option<Option<i64>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT extension_days FROM reports WHERE report_id = $1",
        )
        .bind(report_id)
        .fetch_optional(pool)
        .await)?;
        Ok(v.flatten().is_some())
    }

    /// The public half of a report's key.
    pub async fn report_recipient(&self, report_id: i64) -> Result<Option<String>> {
        let v: Option<Option<String>> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT report_recipient FROM reports WHERE report_id = $1",
        )
        .bind(report_id)
        .fetch_optional(pool)
        .await)?;
        Ok(v.flatten())
    }

    pub async fn reviews_of(&self, report_id: i64) -> Result<Vec<ReviewRequest>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT review_id, report_id, level, requested_on, sealed_reason, decision_due, decided_on, decided_by \
             FROM report_reviews WHERE report_id = $1 ORDER BY level",
        )
        .bind(report_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Records the reporter's request for a review (the caller checks the time limits).
    pub async fn request_review(
        &self,
        report_id: i64,
        level: i64,
        requested_on: &str,
        sealed_reason: &[u8],
        decision_due: &str,
        reply: (&str, &str),
    ) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let status = if level == 1 {
            "review_requested"
        } else {
            "second_review_requested"
        };
        audited!(self, "reporter", tx => {
            sqlx::query(
                "INSERT INTO report_reviews (report_id, level, requested_on, sealed_reason, decision_due) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(report_id)
            .bind(level)
            .bind(requested_on)
            .bind(sealed_reason)
            .bind(decision_due)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE reports SET status = $1 WHERE report_id = $2")
                .bind(status)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            reply_in!(tx, report_id, &now, status, reply);
            let id = report_id.to_string();
            let detail = format!("level={level} decision_due={decision_due}");

            ((), [Entry::new("report.review_requested", "report", id, detail)])
        })
    }

    /// Records the decision on a review, with the reply the reporter reads.
    pub async fn decide_review(
        &self,
        review_id: i64,
        actor: &str,
        decided_on: &str,
        reply: (&str, &str),
    ) -> Result<bool> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "UPDATE report_reviews SET decided_on = $1, decided_by = $2 \
                 WHERE review_id = $3 AND decided_on IS NULL RETURNING report_id, level",
            )
            .bind(decided_on)
            .bind(actor)
            .bind(review_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((report_id, level)) = row else {
                return Ok(false);
            };
            let status = if level == 1 { "reviewed" } else { "second_reviewed" };
            sqlx::query("UPDATE reports SET status = $1 WHERE report_id = $2")
                .bind(status)
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            reply_in!(tx, report_id, &now, status, reply);
            let id = report_id.to_string();
            let detail = format!("review={review_id} level={level}");

            (true, [Entry::new("report.review_decided", "report", id, detail)])
        })
    }

    /// Reports for the level above not yet sent up, oldest first.
    pub async fn upward_pending(&self) -> Result<Vec<UpwardReport>> {
        type Row = (
            i64,
            Option<String>,
            Option<String>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT report_id, received_on, upward_due, sealed_content, sealed_reporter FROM reports \
             WHERE routing = 'upward' AND status = 'routed_upward' ORDER BY report_id",
        )
        .fetch_all(pool)
        .await)?;
        let mut out = Vec::new();
        for (report_id, received_on, upward_due, content, reporter) in rows {
            let attachments = self
                .attachments_of(report_id)
                .await?
                .into_iter()
                .map(|a| (a.sealed_name, a.sealed_body))
                .collect();
            out.push(UpwardReport {
                report_id,
                received_on: received_on.unwrap_or_default(),
                upward_due: upward_due.unwrap_or_default(),
                sealed_content: content.unwrap_or_default(),
                sealed_reporter: reporter,
                attachments,
            });
        }
        Ok(out)
    }

    /// How many reports wait to go up, and the earliest deadline among them.
    pub async fn upward_waiting(&self) -> Result<(i64, Option<String>)> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT COUNT(*), MIN(upward_due) FROM reports WHERE routing = 'upward' AND status = 'routed_upward'",
        )
        .fetch_one(pool)
        .await)?)
    }

    /// Marks a report as handed to the level above, deleting the sealed report from the county's
    /// database.
    pub async fn mark_sent_upward(&self, report_id: i64, actor: &str) -> Result<()> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        audited!(self, actor, tx => {
            // Sent: the county keeps no more of it than that it went up, and when. The sealed
            // content, the sealed identity and the attachments are deleted.
            sqlx::query(
                "UPDATE reports SET status = 'sent_upward', closed_on = $1, sealed_content = NULL, \
                 sealed_reporter = NULL WHERE report_id = $2 AND routing = 'upward'",
            )
            .bind(&now[..10])
            .bind(report_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM report_attachments WHERE report_id = $1")
                .bind(report_id)
                .execute(&mut *tx)
                .await?;
            reply_in!(
                tx,
                report_id,
                &now,
                "sent_upward",
                (
                    "已转送上一级纪委监委办理。",
                    "Sent to the commission of the level above."
                )
            );
            ((), [Entry::new("report.sent_upward", "report", report_id.to_string(), "".to_string())])
        })
    }
}
