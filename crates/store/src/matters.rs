//! Matters (事项): each use of a power of the micro-power list, and the steps done in it. The
//! order of the steps and who may do them are the workflow's; here a step is recorded only as
//! the next one (however requests race), and the last step closes the matter, each write in the
//! audit trail.

use crate::accounts::{Scope, ScopeSql};
use crate::audit::{audited, Entry};
use crate::row::from_row;
use crate::{on_pool, Store};
use anyhow::Result;
use qingfeng_domain::decision::Votes;
use qingfeng_domain::power::Post;
use qingfeng_domain::spending::{RequestForm, VoucherDraft};

#[derive(Debug, Clone)]
pub struct MatterRecord {
    pub matter_id: i64,
    pub power_id: String,
    pub village_code: String,
    pub title: String,
    pub opened_by: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
    /// Fen: a decision's amount, a project's budget, a request's sum.
    pub amount: Option<i64>,
    /// The decision the matter made (四议两公开) or rests on.
    pub decision_id: Option<String>,
    /// Set when a step was refused (which closes the matter).
    pub refused_step: Option<i64>,
    pub refused_reason: Option<String>,
    pub refused_by: Option<String>,
    pub refused_on: Option<String>,
    /// What a matter of a publishing power will publish: the disclosure's category and period.
    pub disclosure_category: Option<String>,
    pub disclosure_period: Option<String>,
}
from_row!(MatterRecord {
    matter_id,
    power_id,
    village_code,
    title,
    opened_by,
    opened_on,
    closed_on,
    amount,
    decision_id,
    refused_step,
    refused_reason,
    refused_by,
    refused_on,
    disclosure_category,
    disclosure_period
});

#[derive(Debug, Clone)]
pub struct MatterStep {
    pub matter_id: i64,
    /// 1-based, as shown.
    pub step_no: i64,
    pub post: Post,
    pub done_by: String,
    pub done_on: String,
    pub note: String,
    /// The required documents confirmed in hand, one a line.
    pub documents: String,
    pub meeting_kind: Option<String>,
    pub notice_on: Option<String>,
    pub votes_total: Option<i64>,
    pub votes_present: Option<i64>,
    pub votes_approve: Option<i64>,
    pub households_total: Option<i64>,
    pub households_present: Option<i64>,
    /// The decision the step rested on (a `decision` step).
    pub decision_id: Option<String>,
}
from_row!(MatterStep {
    matter_id,
    step_no,
    post => Post::parse,
    done_by,
    done_on,
    note,
    documents,
    meeting_kind,
    notice_on,
    votes_total,
    votes_present,
    votes_approve,
    households_total,
    households_present,
    decision_id
});

impl MatterStep {
    /// The meeting's counts as the record shows them ("应到9人，实到7人，赞成6人"), in
    /// Chinese or English; empty for a step that is not a meeting.
    pub fn votes_text(&self, zh: bool) -> String {
        let Some(v) = self.votes() else {
            return String::new();
        };
        let kind = match (v.meeting_kind.as_deref(), zh) {
            (Some("representatives"), true) => "村民代表会议：",
            (Some("villagers"), true) => "村民会议：",
            (Some("representatives"), false) => "representatives' meeting: ",
            (Some("villagers"), false) => "villagers' meeting: ",
            _ => "",
        };
        let households = match (v.households_total, v.households_present) {
            (Some(t), Some(p)) if zh => format!("，应到{t}户、到会{p}户"),
            (Some(t), Some(p)) => format!(", {p} of {t} households"),
            _ => String::new(),
        };
        let notice = match (&v.notice_on, zh) {
            (Some(n), true) => format!("（{n}通知）"),
            (Some(n), false) => format!(" (announced {n})"),
            _ => String::new(),
        };
        if zh {
            format!(
                "{kind}应到{}人，实到{}人，赞成{}人{households}{notice}",
                v.total, v.present, v.approve
            )
        } else {
            format!(
                "{kind}{} of {} present, {} in favour{households}{notice}",
                v.present, v.total, v.approve
            )
        }
    }

    /// The meeting's counts, if the step recorded a meeting.
    pub fn votes(&self) -> Option<Votes> {
        Some(Votes {
            meeting_kind: self.meeting_kind.clone(),
            notice_on: self.notice_on.clone(),
            total: self.votes_total?,
            present: self.votes_present?,
            approve: self.votes_approve?,
            households_total: self.households_total,
            households_present: self.households_present,
        })
    }
}

const STEP_COLUMNS: &str = "matter_id, step_no, post, done_by, done_on, note, documents, \
     meeting_kind, notice_on, votes_total, votes_present, votes_approve, households_total, \
     households_present, decision_id";

/// A row of the decision register as a matter of 四议两公开 fills it.
#[derive(Debug, Clone, Default)]
pub struct DecisionRow {
    pub decision_id: String,
    pub village_code: String,
    pub subject: String,
    pub amount: Option<i64>,
    pub proposed_on: Option<String>,
    pub committees_on: Option<String>,
    pub party_meeting_on: Option<String>,
    pub party_members_total: Option<i64>,
    pub party_members_present: Option<i64>,
    pub party_members_approve: Option<i64>,
    pub villager_meeting_on: String,
    pub meeting_kind: String,
    pub voters_total: i64,
    pub voters_present: i64,
    pub voters_approve: i64,
    pub households_total: Option<i64>,
    pub households_present: Option<i64>,
    pub resolution_published_on: Option<String>,
    pub result_published_on: Option<String>,
}

/// What a step writes into the registers, in its own transaction.
#[derive(Debug, Clone)]
pub enum RegisterWrite<'a> {
    /// The matter's decision, as it stands after the step (replacing the row it wrote before).
    Decision(&'a DecisionRow),
    /// A paid request's voucher.
    Voucher(&'a VoucherDraft),
    /// A published disclosure.
    Disclosure(&'a DisclosureRow),
}

/// A row of the disclosure register (村务公开) a matter publishes.
#[derive(Debug, Clone)]
pub struct DisclosureRow {
    pub disclosure_id: String,
    pub village_code: String,
    pub category: String,
    pub period: String,
    pub published_on: String,
    pub title: String,
    pub content: String,
}

/// The validity of a decision's counts by the shared definition (`decision_validity.sql`): the
/// flags of the view, each false where it cannot be judged yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Validity {
    pub counts_contradict: bool,
    pub no_quorum: bool,
    pub no_majority: bool,
    pub party_no_quorum: bool,
    pub party_no_majority: bool,
    pub party_contradict: bool,
}

/// A villager's objection to a step, and its answer.
#[derive(Debug, Clone)]
pub struct Objection {
    pub objection_id: i64,
    pub matter_id: i64,
    pub step_no: i64,
    pub content: String,
    pub filed_on: String,
    pub answer_due: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_on: Option<String>,
    /// The supervision committee member's account, for an objection the committee raised;
    /// None for a villager's (anonymous).
    pub raised_by: Option<String>,
    /// The role the committee handed the objection to (the township discipline secretary),
    /// who answers it instead of the village.
    pub referred_to: Option<String>,
}
from_row!(Objection {
    objection_id,
    matter_id,
    step_no,
    content,
    filed_on,
    answer_due,
    answer,
    answered_by,
    answered_on,
    raised_by,
    referred_to
});

const OBJECTION_COLUMNS: &str = "objection_id, matter_id, step_no, content, filed_on, answer_due, \
     answer, answered_by, answered_on, raised_by, referred_to";

/// An objection to a step, as filed.
#[derive(Debug, Clone, Copy)]
pub struct NewObjection<'a> {
    pub matter_id: i64,
    pub step_no: i64,
    pub content: &'a str,
    pub filed_on: &'a str,
    pub answer_due: &'a str,
    /// The committee member's account (None: a villager, anonymous).
    pub raised_by: Option<&'a str>,
    /// The role it is handed to instead of the village (the township discipline secretary).
    pub referred_to: Option<&'a str>,
}

pub struct NewMatter<'a> {
    pub power_id: &'a str,
    pub village_code: &'a str,
    pub title: &'a str,
    pub opened_on: &'a str,
    /// The day the first step is due by, if it has a limit.
    pub due_on: Option<&'a str>,
    pub amount: Option<i64>,
    /// What a spending matter asks to pay.
    pub request: Option<&'a RequestForm>,
    /// What a publishing matter will publish: (category, period).
    pub disclosure: Option<(&'a str, &'a str)>,
}

pub struct NewStep<'a> {
    pub matter_id: i64,
    pub step_no: i64,
    pub post: Post,
    pub done_on: &'a str,
    pub note: &'a str,
    pub documents: &'a [String],
    /// The power's last step: the matter closes with it.
    pub last: bool,
    /// The day the step after this one is due by, if it has a limit.
    pub next_due_on: Option<&'a str>,
    pub votes: Option<&'a Votes>,
    /// The decision the step rests on, which also becomes the matter's.
    pub decision_id: Option<&'a str>,
    pub register: Option<RegisterWrite<'a>>,
}

const MATTER_COLUMNS: &str = "matter_id, power_id, village_code, title, opened_by, opened_on, \
     closed_on, amount, decision_id, refused_step, refused_reason, refused_by, refused_on, \
     disclosure_category, disclosure_period";

impl Store {
    pub async fn open_matter(&self, m: &NewMatter<'_>, actor: &str) -> Result<i64> {
        audited!(self, actor, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO matters (power_id, village_code, title, opened_by, opened_on, amount, due_on, \
                 disclosure_category, disclosure_period) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING matter_id",
            )
            .bind(m.power_id)
            .bind(m.village_code)
            .bind(m.title)
            .bind(actor)
            .bind(m.opened_on)
            .bind(m.amount)
            .bind(m.due_on)
            .bind(m.disclosure.map(|d| d.0))
            .bind(m.disclosure.map(|d| d.1))
            .fetch_one(&mut *tx)
            .await?;
            if let Some(r) = m.request {
                sqlx::query(
                    "INSERT INTO spending_requests (matter_id, amount, method, category, payee_name, \
                     payee_id, description, decision_id, contract_id, for_matter) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(id)
                .bind(r.amount_fen)
                .bind(&r.method)
                .bind(&r.category)
                .bind(r.payee_name.trim())
                .bind(&r.payee_id)
                .bind(r.description.trim())
                .bind(&r.decision_id)
                .bind(&r.contract_id)
                .bind(r.for_matter)
                .execute(&mut *tx)
                .await?;
            }
            let detail = format!("power={} village={}", m.power_id, m.village_code);
            (id, [Entry::new("matter.opened", "matter", id, detail)])
        })
    }

    /// Records step `s.step_no` if it is the next one of an open matter; false when it is not
    /// (done meanwhile by another request, or out of turn).
    pub async fn record_step(&self, s: &NewStep<'_>, actor: &str) -> Result<bool> {
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "INSERT INTO matter_steps (matter_id, step_no, post, done_by, done_on, note, documents, \
                 meeting_kind, notice_on, votes_total, votes_present, votes_approve, households_total, \
                 households_present, decision_id) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 \
                 WHERE (SELECT COUNT(*) FROM matter_steps WHERE matter_id = $1) = $2 - 1 \
                 AND EXISTS (SELECT 1 FROM matters WHERE matter_id = $1 AND closed_on IS NULL) \
                 ON CONFLICT (matter_id, step_no) DO NOTHING",
            )
            .bind(s.matter_id)
            .bind(s.step_no)
            .bind(s.post.code())
            .bind(actor)
            .bind(s.done_on)
            .bind(s.note)
            .bind(s.documents.join("\n"))
            .bind(s.votes.and_then(|v| v.meeting_kind.clone()))
            .bind(s.votes.and_then(|v| v.notice_on.clone()))
            .bind(s.votes.map(|v| v.total))
            .bind(s.votes.map(|v| v.present))
            .bind(s.votes.map(|v| v.approve))
            .bind(s.votes.and_then(|v| v.households_total))
            .bind(s.votes.and_then(|v| v.households_present))
            .bind(s.decision_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE matters SET steps_done = $1, due_on = $2 WHERE matter_id = $3")
                .bind(s.step_no)
                .bind(if s.last { None } else { s.next_due_on })
                .bind(s.matter_id)
                .execute(&mut *tx)
                .await?;
            if let Some(d) = s.decision_id {
                sqlx::query("UPDATE matters SET decision_id = $1 WHERE matter_id = $2")
                    .bind(d)
                    .bind(s.matter_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut written = String::new();
            if let Some(w) = &s.register {
                // Each write is a batch of its own (origin 'workflow'): the engine's snapshot of
                // the registers is keyed by the newest batch, and a file import never deletes it.
                let batch: i64 = sqlx::query_scalar(
                    "INSERT INTO import_batches (started_at, finished_at, source, tool_version, \
                     rows_added, rows_skipped, rows_removed, origin) \
                     VALUES ($1, $1, $2, $3, 1, 0, 0, 'workflow') RETURNING batch_id",
                )
                .bind(chrono::Utc::now().to_rfc3339())
                .bind(format!("matter {} step {}", s.matter_id, s.step_no))
                .bind(env!("CARGO_PKG_VERSION"))
                .fetch_one(&mut *tx)
                .await?;
                match w {
                    RegisterWrite::Decision(d) => {
                        sqlx::query(
                            "DELETE FROM decisions WHERE decision_id = $1 AND batch_id IN \
                             (SELECT batch_id FROM import_batches WHERE origin = 'workflow')",
                        )
                        .bind(&d.decision_id)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(
                            "INSERT INTO decisions (decision_id, village_code, subject, amount, proposed_on, \
                             committees_on, party_meeting_on, party_members_total, party_members_present, \
                             party_members_approve, villager_meeting_on, meeting_kind, voters_total, \
                             voters_present, voters_approve, households_total, households_present, \
                             resolution_published_on, result_published_on, batch_id, source_line) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                             $16, $17, $18, $19, $20, 1)",
                        )
                        .bind(&d.decision_id)
                        .bind(&d.village_code)
                        .bind(&d.subject)
                        .bind(d.amount)
                        .bind(&d.proposed_on)
                        .bind(&d.committees_on)
                        .bind(&d.party_meeting_on)
                        .bind(d.party_members_total)
                        .bind(d.party_members_present)
                        .bind(d.party_members_approve)
                        .bind(&d.villager_meeting_on)
                        .bind(&d.meeting_kind)
                        .bind(d.voters_total)
                        .bind(d.voters_present)
                        .bind(d.voters_approve)
                        .bind(d.households_total)
                        .bind(d.households_present)
                        .bind(&d.resolution_published_on)
                        .bind(&d.result_published_on)
                        .bind(batch)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("UPDATE matters SET decision_id = $1 WHERE matter_id = $2")
                            .bind(&d.decision_id)
                            .bind(s.matter_id)
                            .execute(&mut *tx)
                            .await?;
                        written = format!(" decision={}", d.decision_id);
                    }
                    RegisterWrite::Voucher(v) => {
                        sqlx::query(
                            "INSERT INTO vouchers (voucher_id, village_code, date, direction, category, amount, \
                             method, counterparty_name, counterparty_id, contract_id, project_id, decision_id, \
                             description, approved_by, supervisor_signed, batch_id, source_line) \
                             VALUES ($1, $2, $3, 'expense', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                             $15, 1)",
                        )
                        .bind(&v.voucher_id)
                        .bind(&v.village_code)
                        .bind(&v.date)
                        .bind(&v.category)
                        .bind(v.amount_fen)
                        .bind(&v.method)
                        .bind(&v.counterparty_name)
                        .bind(&v.counterparty_id)
                        .bind(&v.contract_id)
                        .bind(&v.project_id)
                        .bind(&v.decision_id)
                        .bind(&v.description)
                        .bind(&v.approved_by)
                        .bind(v.supervisor_signed)
                        .bind(batch)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query("UPDATE spending_requests SET voucher_id = $1 WHERE matter_id = $2")
                            .bind(&v.voucher_id)
                            .bind(s.matter_id)
                            .execute(&mut *tx)
                            .await?;
                        written = format!(" voucher={}", v.voucher_id);
                    }
                    RegisterWrite::Disclosure(d) => {
                        sqlx::query(
                            "INSERT INTO disclosures (disclosure_id, village_code, category, period, \
                             published_on, title, content, batch_id, source_line) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
                        )
                        .bind(&d.disclosure_id)
                        .bind(&d.village_code)
                        .bind(&d.category)
                        .bind(&d.period)
                        .bind(&d.published_on)
                        .bind(&d.title)
                        .bind(&d.content)
                        .bind(batch)
                        .execute(&mut *tx)
                        .await?;
                        written = format!(" disclosure={}", d.disclosure_id);
                    }
                }
            }
            if s.last {
                sqlx::query("UPDATE matters SET closed_on = $1 WHERE matter_id = $2")
                    .bind(s.done_on)
                    .bind(s.matter_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let detail = format!("step={} post={}{written}{}", s.step_no, s.post.code(), if s.last { " closed" } else { "" });
            (true, [Entry::new("matter.step_done", "matter", s.matter_id, detail)])
        })
    }

    pub async fn matter(&self, matter_id: i64) -> Result<Option<MatterRecord>> {
        let sql = format!("SELECT {MATTER_COLUMNS} FROM matters WHERE matter_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(matter_id).fetch_optional(pool).await)?)
    }

    /// The village's matters, newest first (the latest 200: a page, not an archive).
    pub async fn matters_of_village(&self, village_code: &str) -> Result<Vec<MatterRecord>> {
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE village_code = $1 ORDER BY matter_id DESC LIMIT 200"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(village_code).fetch_all(pool).await)?)
    }

    /// The matters of the villages in `scope`, open ones first, newest first: `limit` of them
    /// from `offset`.
    pub async fn matters_in_scope(
        &self,
        scope: &Scope,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<MatterRecord>> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE {wh} \
             ORDER BY closed_on IS NOT NULL, matter_id DESC LIMIT {limit} OFFSET {offset}"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// How many matters of the villages in `scope` there are, how many are open, how many of
    /// those are past the day their step is due by (before `today`), and how many have their
    /// next step among `due` (a power and the number of its steps done).
    pub async fn matter_counts(
        &self,
        scope: &Scope,
        due: &[(String, i64)],
        today: &str,
    ) -> Result<MatterCounts> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        binds.push(today.to_string());
        let today_n = binds.len();
        let mut cases = vec!["1 = 0".to_string()];
        for (power, done) in due {
            binds.push(power.clone());
            cases.push(format!(
                "(power_id = ${} AND steps_done = {done})",
                binds.len()
            ));
        }
        let sql = format!(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN closed_on IS NULL AND due_on < ${today_n} THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN closed_on IS NULL AND ({}) THEN 1 ELSE 0 END), 0) \
             FROM matters WHERE {wh}",
            cases.join(" OR ")
        );
        let (all, open, overdue, mine): (i64, i64, i64, i64) = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_one(pool).await
        })?;
        Ok(MatterCounts {
            all,
            open,
            overdue,
            mine,
        })
    }

    /// The open matters of the villages in `scope` whose next step is one of `due` (a power
    /// and the number of its steps done), oldest first, at most `limit`.
    pub async fn matters_due(
        &self,
        scope: &Scope,
        due: &[(String, i64)],
        limit: i64,
    ) -> Result<Vec<MatterRecord>> {
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        // The powers' ids and step counts come from the county's checked list: formatted here
        // as numbers, the ids bound.
        let mut cases = Vec::new();
        for (power, done) in due {
            binds.push(power.clone());
            cases.push(format!(
                "(power_id = ${} AND steps_done = {done})",
                binds.len()
            ));
        }
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE closed_on IS NULL AND {wh} AND ({}) \
             ORDER BY due_on IS NULL, due_on, matter_id LIMIT {limit}",
            cases.join(" OR ")
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Files an objection: a villager's (`raised_by` None: anonymous, the trail names the
    /// portal, not a person) or the supervision committee's (its member's account).
    pub async fn file_objection(&self, o: &NewObjection<'_>) -> Result<i64> {
        let NewObjection {
            matter_id,
            step_no,
            content,
            filed_on,
            answer_due,
            raised_by,
            referred_to,
        } = *o;
        audited!(self, raised_by.unwrap_or("portal"), tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO matter_objections (matter_id, step_no, content, filed_on, answer_due, raised_by, \
                 referred_to) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING objection_id",
            )
            .bind(matter_id)
            .bind(step_no)
            .bind(content)
            .bind(filed_on)
            .bind(answer_due)
            .bind(raised_by)
            .bind(referred_to)
            .fetch_one(&mut *tx)
            .await?;
            let detail = format!(
                "objection={id} step={step_no} due={answer_due}{}",
                referred_to.map(|r| format!(" referred_to={r}")).unwrap_or_default()
            );
            (id, [Entry::new("matter.objection_filed", "matter", matter_id, detail)])
        })
    }

    /// Records the answer to an objection not yet answered; false when it was answered
    /// meanwhile.
    pub async fn answer_objection(
        &self,
        objection_id: i64,
        answer: &str,
        answered_on: &str,
        actor: &str,
    ) -> Result<bool> {
        audited!(self, actor, tx => {
            let matter_id: Option<i64> = sqlx::query_scalar(
                "UPDATE matter_objections SET answer = $1, answered_by = $2, answered_on = $3 \
                 WHERE objection_id = $4 AND answer IS NULL RETURNING matter_id",
            )
            .bind(answer)
            .bind(actor)
            .bind(answered_on)
            .bind(objection_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(matter_id) = matter_id else {
                return Ok(false);
            };
            let detail = format!("objection={objection_id}");
            (true, [Entry::new("matter.objection_answered", "matter", matter_id, detail)])
        })
    }

    pub async fn objection(&self, objection_id: i64) -> Result<Option<Objection>> {
        let sql =
            format!("SELECT {OBJECTION_COLUMNS} FROM matter_objections WHERE objection_id = $1");
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(objection_id).fetch_optional(pool).await)?,
        )
    }

    /// The unanswered objections to matters of the villages in `scope`, oldest first (the first
    /// 100: the oldest are the ones escalated).
    pub async fn open_objections_in_scope(&self, scope: &Scope) -> Result<Vec<Objection>> {
        let mut binds = Vec::new();
        let wh = scope.sql("m.village_code", None, &mut binds);
        let columns = OBJECTION_COLUMNS
            .split(", ")
            .map(|c| format!("o.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM matter_objections o JOIN matters m ON m.matter_id = o.matter_id \
             WHERE o.answer IS NULL AND {wh} ORDER BY o.objection_id LIMIT 100"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// A matter's objections, oldest first.
    pub async fn objections_of(&self, matter_id: i64) -> Result<Vec<Objection>> {
        let sql = format!(
            "SELECT {OBJECTION_COLUMNS} FROM matter_objections WHERE matter_id = $1 ORDER BY objection_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(matter_id).fetch_all(pool).await)?)
    }

    /// The steps done in each of `matter_ids`, by matter and in order.
    pub async fn steps_of_matters(&self, matter_ids: &[i64]) -> Result<Vec<MatterStep>> {
        if matter_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Integers formatted by us, not text from a request.
        let list = matter_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {STEP_COLUMNS} FROM matter_steps WHERE matter_id IN ({list}) \
             ORDER BY matter_id, step_no"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?)
    }

    /// The steps done in a matter, in order.
    pub async fn matter_steps(&self, matter_id: i64) -> Result<Vec<MatterStep>> {
        let sql = format!(
            "SELECT {STEP_COLUMNS} FROM matter_steps WHERE matter_id = $1 ORDER BY step_no"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(matter_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Refuses step `step_no` of an open matter whose next step it is (the matter closes with
    /// the reason); false when the step is no longer the next.
    pub async fn refuse_step(
        &self,
        matter_id: i64,
        step_no: i64,
        reason: &str,
        refused_on: &str,
        actor: &str,
    ) -> Result<bool> {
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE matters SET refused_step = $1, refused_reason = $2, refused_by = $3, \
                 refused_on = $4, closed_on = $4, due_on = NULL \
                 WHERE matter_id = $5 AND closed_on IS NULL \
                 AND (SELECT COUNT(*) FROM matter_steps WHERE matter_id = $5) = $1 - 1",
            )
            .bind(step_no)
            .bind(reason)
            .bind(actor)
            .bind(refused_on)
            .bind(matter_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            (true, [Entry::new("matter.step_refused", "matter", matter_id, format!("step={step_no}"))])
        })
    }

    /// What a spending matter asks to pay (and the voucher it became).
    pub async fn spending_request(&self, matter_id: i64) -> Result<Option<SpendingRequest>> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM spending_requests WHERE matter_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(matter_id).fetch_optional(pool).await)?)
    }

    /// The flags of the shared definition of a decision's validity for counts not yet in the
    /// register: the definition's SQL run over one row given here (a CTE named like the
    /// register shadows it), so that a meeting is judged exactly as DEC-INVALID will judge it.
    pub async fn judge_votes(
        &self,
        party: Option<&Votes>,
        villagers: Option<&Votes>,
    ) -> Result<Validity> {
        let sql = format!(
            "WITH decisions AS (SELECT CAST('draft' AS TEXT) AS decision_id, \
             CAST($1 AS TEXT) AS meeting_kind, CAST($2 AS BIGINT) AS voters_total, \
             CAST($3 AS BIGINT) AS voters_present, CAST($4 AS BIGINT) AS voters_approve, \
             CAST($5 AS BIGINT) AS households_total, CAST($6 AS BIGINT) AS households_present, \
             CAST($7 AS BIGINT) AS party_members_total, CAST($8 AS BIGINT) AS party_members_present, \
             CAST($9 AS BIGINT) AS party_members_approve, CAST(NULL AS TEXT) AS resolution_published_on)\n\
             SELECT CASE WHEN v.counts_contradict THEN 1 ELSE 0 END, \
             CASE WHEN v.no_quorum THEN 1 ELSE 0 END, CASE WHEN v.no_majority THEN 1 ELSE 0 END, \
             CASE WHEN v.party_no_quorum THEN 1 ELSE 0 END, \
             CASE WHEN v.party_no_majority THEN 1 ELSE 0 END, \
             CASE WHEN v.party_contradict THEN 1 ELSE 0 END \
             FROM ({}) v",
            qingfeng_domain::decision::VALIDITY_SQL
        );
        let row: (i32, i32, i32, i32, i32, i32) = on_pool!(self, pool => sqlx::query_as(&sql)
            .bind(villagers.and_then(|v| v.meeting_kind.clone()))
            .bind(villagers.map(|v| v.total))
            .bind(villagers.map(|v| v.present))
            .bind(villagers.map(|v| v.approve))
            .bind(villagers.and_then(|v| v.households_total))
            .bind(villagers.and_then(|v| v.households_present))
            .bind(party.map(|v| v.total))
            .bind(party.map(|v| v.present))
            .bind(party.map(|v| v.approve))
            .fetch_one(pool)
            .await)?;
        Ok(Validity {
            counts_contradict: row.0 != 0,
            no_quorum: row.1 != 0,
            no_majority: row.2 != 0,
            party_no_quorum: row.3 != 0,
            party_no_majority: row.4 != 0,
            party_contradict: row.5 != 0,
        })
    }

    /// The officials serving `division` on `today`: (ID number, name, position).
    pub async fn serving_in(
        &self,
        division: &str,
        today: &str,
    ) -> Result<Vec<(String, String, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id_number, name, position FROM officials WHERE division_code = $1 \
             AND start_date <= $2 AND (end_date IS NULL OR end_date = '' OR end_date >= $2) \
             ORDER BY id_number",
        )
        .bind(division)
        .bind(today)
        .fetch_all(pool)
        .await)?)
    }

    /// A decision of the register as the shared definition judges it: its village, the day of
    /// its villagers' meeting, and its first defect (None: valid and published).
    pub async fn decision_standing(&self, decision_id: &str) -> Result<Option<DecisionStanding>> {
        let sql = format!(
            "SELECT d.decision_id, d.village_code, d.subject, d.villager_meeting_on, v.defect \
             FROM decisions d JOIN ({}) v ON v.decision_id = d.decision_id \
             WHERE d.decision_id = $1 ORDER BY d.batch_id DESC LIMIT 1",
            qingfeng_domain::decision::VALIDITY_SQL
        );
        Ok(
            on_pool!(self, pool => sqlx::query_as(&sql).bind(decision_id).fetch_optional(pool).await)?,
        )
    }
}

/// Matters of a jurisdiction, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatterCounts {
    pub all: i64,
    pub open: i64,
    /// Open, past the day their step is due by.
    pub overdue: i64,
    /// Open, with the actor's step due now.
    pub mine: i64,
}

/// A decision of the register, judged.
#[derive(Debug, Clone)]
pub struct DecisionStanding {
    pub decision_id: String,
    pub village_code: String,
    pub subject: String,
    pub villager_meeting_on: String,
    /// `counts`, `quorum`, `majority`, `party`, `unpublished`; None for a complete decision.
    pub defect: Option<String>,
}
from_row!(DecisionStanding {
    decision_id,
    village_code,
    subject,
    villager_meeting_on,
    defect
});

/// What a village asked to pay, and the voucher it became once paid.
#[derive(Debug, Clone)]
pub struct SpendingRequest {
    pub matter_id: i64,
    pub amount: i64,
    pub method: String,
    pub category: String,
    pub payee_name: String,
    pub payee_id: Option<String>,
    pub description: String,
    pub decision_id: Option<String>,
    pub contract_id: Option<String>,
    pub for_matter: Option<i64>,
    pub voucher_id: Option<String>,
}
from_row!(SpendingRequest {
    matter_id,
    amount,
    method,
    category,
    payee_name,
    payee_id,
    description,
    decision_id,
    contract_id,
    for_matter,
    voucher_id
});

const REQUEST_COLUMNS: &str = "matter_id, amount, method, category, payee_name, payee_id, \
     description, decision_id, contract_id, for_matter, voucher_id";

/// A scanned paper of a step, without its bytes.
#[derive(Debug, Clone)]
pub struct PaperInfo {
    pub paper_id: i64,
    pub matter_id: i64,
    pub step_no: i64,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_on: String,
}
from_row!(PaperInfo {
    paper_id,
    matter_id,
    step_no,
    name,
    content_type,
    sha256,
    uploaded_by,
    uploaded_on
});

const PAPER_COLUMNS: &str =
    "paper_id, matter_id, step_no, name, content_type, sha256, uploaded_by, uploaded_on";

/// A scan as attached.
#[derive(Debug, Clone, Copy)]
pub struct NewPaper<'a> {
    pub matter_id: i64,
    pub step_no: i64,
    pub name: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
    pub uploaded_on: &'a str,
}

/// The hex SHA-256 of a scan.
pub fn sha256_hex(body: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Stores a scan of step `step_no`, with its hash on the audit trail.
    pub async fn attach_paper(&self, p: &NewPaper<'_>, actor: &str) -> Result<i64> {
        let NewPaper {
            matter_id,
            step_no,
            name,
            content_type,
            body,
            uploaded_on,
        } = *p;
        let sha = sha256_hex(body);
        audited!(self, actor, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO matter_papers (matter_id, step_no, name, content_type, body, sha256, \
                 uploaded_by, uploaded_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING paper_id",
            )
            .bind(matter_id)
            .bind(step_no)
            .bind(name)
            .bind(content_type)
            .bind(body)
            .bind(&sha)
            .bind(actor)
            .bind(uploaded_on)
            .fetch_one(&mut *tx)
            .await?;
            let detail = format!("paper={id} step={step_no} sha256={sha} bytes={}", body.len());
            (id, [Entry::new("matter.paper_attached", "matter", matter_id, detail)])
        })
    }

    /// The scans of a matter, by step and upload.
    pub async fn papers_of(&self, matter_id: i64) -> Result<Vec<PaperInfo>> {
        let sql = format!(
            "SELECT {PAPER_COLUMNS} FROM matter_papers WHERE matter_id = $1 ORDER BY step_no, paper_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(matter_id).fetch_all(pool).await)?)
    }

    /// One scan with its bytes.
    pub async fn paper(&self, paper_id: i64) -> Result<Option<(PaperInfo, Vec<u8>)>> {
        let sql = format!("SELECT {PAPER_COLUMNS} FROM matter_papers WHERE paper_id = $1");
        let info: Option<PaperInfo> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(paper_id).fetch_optional(pool).await)?;
        let Some(info) = info else {
            return Ok(None);
        };
        let body: Vec<u8> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT body FROM matter_papers WHERE paper_id = $1"
        )
        .bind(paper_id)
        .fetch_one(pool)
        .await)?;
        Ok(Some((info, body)))
    }

    /// Whether the audit trail holds an intact row (its chain hash and its MAC under the
    /// server's key both right) saying that scan `paper_id` of `matter_id` had this hash: what a
    /// scan's bytes are checked against when it is opened, since whoever can change the bytes
    /// in the database can change the hash stored beside them, but not forge the trail's MAC.
    pub async fn paper_attested(&self, matter_id: i64, paper_id: i64, sha: &str) -> Result<bool> {
        let expected = format!("paper={paper_id} ");
        for row in self.audit_of("matter", &matter_id.to_string()).await? {
            if row.action != "matter.paper_attached" || !row.detail.starts_with(&expected) {
                continue;
            }
            let event = crate::audit::AuditEvent {
                actor: &row.actor,
                action: &row.action,
                subject_kind: &row.subject_kind,
                subject_id: &row.subject_id,
                detail: &row.detail,
            };
            let intact = crate::audit::chain_hash(&row.prev_hash, row.seq, &row.at, &event)
                == row.hash
                && row.mac.as_deref()
                    == Some(crate::audit::row_mac("audit_log", &row.hash)?.as_str());
            return Ok(intact && row.detail.contains(&format!(" sha256={sha} ")));
        }
        Ok(false)
    }
}
