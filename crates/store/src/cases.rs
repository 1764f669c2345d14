//! Disposals, cases, their stages and everything recorded on them. Rules (which move is allowed,
//! what closing needs, which sanction lasts how long) live in the domain crate; this module
//! stores, and appends every change to the audit trail in the same transaction.

use crate::audit::{audited, Entry};
use crate::row::{from_row, optional};
use crate::{on_pool, Store};
use anyhow::Result;
use qingfeng_domain::case::{RemedyKind, RemedyStatus, Stage, Way};
use qingfeng_domain::sanction::SanctionKind;

/// A disposal decided collectively.
#[derive(Debug, Clone)]
pub struct NewDisposition<'a> {
    /// `clue` (fingerprint) or `report` (report id).
    pub source_kind: &'a str,
    pub source_id: &'a str,
    pub way: Way,
    pub meeting_on: &'a str,
    pub participants: &'a str,
    pub decision: &'a str,
    /// For a talk or letter of inquiry: the written reply's deadline.
    pub reply_due: Option<&'a str>,
    /// 谈话函询: the department's report on the inquiry is due by this day.
    pub report_due: Option<&'a str>,
    /// For `file_case`: the case to open.
    pub case: Option<NewCase<'a>>,
}

#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub title: &'a str,
    pub village_code: Option<&'a str>,
    pub subject_id_number: Option<&'a str>,
    pub subject_name: Option<&'a str>,
    /// Every person the case concerns (ID number, name), the subject first: each person the
    /// report names, or each person the clue's evidence names.
    pub subjects: &'a [(String, String)],
    pub important: bool,
    pub filed_on: &'a str,
}

#[derive(Debug, Clone)]
pub struct Disposition {
    pub disposition_id: i64,
    pub source_kind: String,
    pub source_id: String,
    pub way: Way,
    pub meeting_on: String,
    pub participants: String,
    pub decision: String,
    pub reply_due: Option<String>,
    pub report_due: Option<String>,
    pub replied_on: Option<String>,
    pub reported_on: Option<String>,
    pub case_id: Option<i64>,
    pub recorded_by: String,
    pub recorded_at: String,
}
from_row!(Disposition {
    disposition_id,
    source_kind,
    source_id,
    way => Way::parse,
    meeting_on,
    participants,
    decision,
    reply_due,
    report_due,
    replied_on,
    reported_on,
    case_id,
    recorded_by,
    recorded_at
});

const DISPOSITION_COLUMNS: &str =
    "disposition_id, source_kind, source_id, way, meeting_on, participants, \
     decision, reply_due, report_due, replied_on, reported_on, case_id, recorded_by, recorded_at";

#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub case_id: i64,
    pub title: String,
    pub village_code: Option<String>,
    pub subject_id_number: Option<String>,
    pub subject_name: Option<String>,
    pub source_kind: String,
    pub source_id: String,
    pub stage: Stage,
    pub important: bool,
    pub filed_on: String,
    pub filed_by: String,
    pub cause_analysed: Option<String>,
    pub responsibility_handled: Option<String>,
    pub people_educated: Option<String>,
    pub prevention_in_place: Option<String>,
    pub closed_on: Option<String>,
}
from_row!(CaseRecord {
    case_id,
    title,
    village_code,
    subject_id_number,
    subject_name,
    source_kind,
    source_id,
    stage => Stage::parse,
    important,
    filed_on,
    filed_by,
    cause_analysed,
    responsibility_handled,
    people_educated,
    prevention_in_place,
    closed_on
});

#[derive(Debug, Clone)]
pub struct Transition {
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub at: String,
    pub by_user: String,
    pub reason: String,
}
from_row!(Transition {
    from_stage => optional(Stage::parse),
    to_stage => Stage::parse,
    at,
    by_user,
    reason
});

#[derive(Debug, Clone)]
pub struct CaseAssignment {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub jurisdiction: String,
    pub explanation: String,
    pub assigned_by: String,
    pub assigned_at: String,
}
from_row!(CaseAssignment {
    user_id,
    username,
    display_name,
    jurisdiction,
    explanation,
    assigned_by,
    assigned_at
});

#[derive(Debug, Clone)]
pub struct JointDiscussion {
    pub held_on: String,
    pub participants: String,
    pub units: String,
    pub minutes: String,
    pub decision: String,
    pub recorded_by: String,
}
from_row!(JointDiscussion {
    held_on,
    participants,
    units,
    minutes,
    decision,
    recorded_by
});

#[derive(Debug, Clone)]
pub struct SanctionRecord {
    pub sanction_id: i64,
    pub case_id: i64,
    pub id_number: String,
    pub name: String,
    pub kind: SanctionKind,
    pub decided_on: String,
    pub effective_until: Option<String>,
    pub recorded_by: String,
}
from_row!(SanctionRecord {
    sanction_id,
    case_id,
    id_number,
    name,
    kind => SanctionKind::parse,
    decided_on,
    effective_until,
    recorded_by
});

#[derive(Debug, Clone)]
pub struct Remedy {
    pub remedy_id: i64,
    pub case_id: i64,
    pub kind: RemedyKind,
    pub amount_fen: Option<i64>,
    pub recovered_fen: i64,
    pub payment_ids: Option<String>,
    pub detail: String,
    pub status: RemedyStatus,
    pub opened_on: String,
    pub updated_on: String,
}
from_row!(Remedy {
    remedy_id,
    case_id,
    kind => RemedyKind::parse,
    amount_fen,
    recovered_fen,
    payment_ids,
    detail,
    status => RemedyStatus::parse,
    opened_on,
    updated_on
});

#[derive(Debug, Clone)]
pub struct RemedyEvent {
    pub remedy_id: i64,
    pub at: String,
    pub by_user: String,
    pub status: RemedyStatus,
    pub recovered_fen: i64,
    pub note: String,
}
from_row!(RemedyEvent {
    remedy_id,
    at,
    by_user,
    status => RemedyStatus::parse,
    recovered_fen,
    note
});

/// An appeal (申诉) against a case's decision.
#[derive(Debug, Clone)]
pub struct Appeal {
    pub appeal_id: i64,
    pub case_id: i64,
    /// 1: the review by the body that decided; 2: the second review by the level above.
    pub level: i64,
    pub requested_on: String,
    pub reason: String,
    pub decide_due: String,
    pub recorded_by: String,
    pub decided_on: Option<String>,
    /// Whether the decision stood; `None` while open.
    pub upheld: Option<bool>,
    pub decision: Option<String>,
    pub decided_by: Option<String>,
}
from_row!(Appeal {
    appeal_id,
    case_id,
    level,
    requested_on,
    reason,
    decide_due,
    recorded_by,
    decided_on,
    upheld,
    decision,
    decided_by
});

/// An appeal as recorded.
#[derive(Debug, Clone)]
pub struct NewAppeal<'a> {
    pub case_id: i64,
    /// The stage the case is in (decided or execution); it moves to `appeal`.
    pub from: Stage,
    pub level: i64,
    pub requested_on: &'a str,
    pub reason: &'a str,
    pub decide_due: &'a str,
}

const CASE_COLUMNS: &str =
    "case_id, title, village_code, subject_id_number, subject_name, source_kind, \
     source_id, stage, important, filed_on, filed_by, cause_analysed, responsibility_handled, \
     people_educated, prevention_in_place, closed_on";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// Records a disposal and, for `file_case`, opens the case at its first stage; returns the
    /// case's id if one was opened.
    pub async fn dispose(&self, d: &NewDisposition<'_>, actor: &str) -> Result<Option<i64>> {
        let at = now();
        audited!(self, actor, tx => {
            let case_id: Option<i64> = match &d.case {
                Some(c) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO cases (title, village_code, subject_id_number, subject_name, source_kind, \
                         source_id, stage, important, filed_on, filed_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, $8, $9) RETURNING case_id",
                    )
                    .bind(c.title)
                    .bind(c.village_code)
                    .bind(c.subject_id_number)
                    .bind(c.subject_name)
                    .bind(d.source_kind)
                    .bind(d.source_id)
                    .bind(c.important)
                    .bind(c.filed_on)
                    .bind(actor)
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                None => None,
            };
            if let (Some(id), Some(c)) = (case_id, &d.case) {
                for (id_number, name) in c.subjects {
                    sqlx::query(
                        "INSERT INTO case_subjects (case_id, id_number, name) VALUES ($1, $2, $3) \
                         ON CONFLICT (case_id, id_number) DO NOTHING",
                    )
                    .bind(id)
                    .bind(id_number)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "INSERT INTO dispositions (source_kind, source_id, way, meeting_on, participants, decision, \
                 reply_due, case_id, recorded_by, recorded_at, report_due) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(d.source_kind)
            .bind(d.source_id)
            .bind(d.way.code())
            .bind(d.meeting_on)
            .bind(d.participants)
            .bind(d.decision)
            .bind(d.reply_due)
            .bind(case_id)
            .bind(actor)
            .bind(&at)
            .bind(d.report_due)
            .execute(&mut *tx)
            .await?;
            let mut entries = vec![Entry::new(
                "disposition.recorded",
                d.source_kind,
                d.source_id,
                format!("way={} meeting_on={} participants={}", d.way.code(), d.meeting_on, d.participants),
            )];
            if let Some(id) = case_id {
                sqlx::query(
                    "INSERT INTO case_transitions (case_id, from_stage, to_stage, at, by_user, reason) \
                     VALUES ($1, NULL, 'filed', $2, $3, $4)",
                )
                .bind(id)
                .bind(&at)
                .bind(actor)
                .bind(d.decision)
                .execute(&mut *tx)
                .await?;
                entries.push(Entry::new("case.filed", "case", id, format!("from {} {}", d.source_kind, d.source_id)));
            }
            (case_id, entries)
        })
    }

    pub async fn dispositions_of(
        &self,
        source_kind: &str,
        source_id: &str,
    ) -> Result<Vec<Disposition>> {
        let sql = format!(
            "SELECT {DISPOSITION_COLUMNS} FROM dispositions WHERE source_kind = $1 AND source_id = $2 \
             ORDER BY disposition_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(source_kind)
        .bind(source_id)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn disposition(&self, disposition_id: i64) -> Result<Option<Disposition>> {
        let sql =
            format!("SELECT {DISPOSITION_COLUMNS} FROM dispositions WHERE disposition_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql)
        .bind(disposition_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// Inquiries (谈话函询) still waiting for their reply or their report, oldest first.
    pub async fn open_inquiries(&self) -> Result<Vec<Disposition>> {
        let sql = format!(
            "SELECT {DISPOSITION_COLUMNS} FROM dispositions \
             WHERE way = 'inquiry' AND (replied_on IS NULL OR reported_on IS NULL) ORDER BY disposition_id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?)
    }

    /// Records the inquiry's written reply (`reply`) or the department's report (`report`) as
    /// come on `on`; `false` when it was recorded already.
    pub async fn record_inquiry_step(
        &self,
        disposition_id: i64,
        step: &str,
        on: &str,
        actor: &str,
    ) -> Result<bool> {
        let column = match step {
            "reply" => "replied_on",
            "report" => "reported_on",
            other => anyhow::bail!("unknown inquiry step {other}"),
        };
        let sql = format!(
            "UPDATE dispositions SET {column} = $1 WHERE disposition_id = $2 AND way = 'inquiry' \
             AND {column} IS NULL"
        );
        audited!(self, actor, tx => {
            let n = sqlx::query(&sql)
                .bind(on)
                .bind(disposition_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            (true, [Entry::new("disposition.inquiry_step", "disposition", disposition_id, step.to_string())])
        })
    }

    /// Cases, newest first: all of them (`assigned_to` None, county roles), or those assigned
    /// to one official.
    pub async fn cases(&self, assigned_to: Option<i64>) -> Result<Vec<CaseRecord>> {
        let sql = match assigned_to {
            None => format!("SELECT {CASE_COLUMNS} FROM cases WHERE $1 = $1 ORDER BY case_id DESC"),
            Some(_) => format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE case_id IN \
                 (SELECT case_id FROM case_assignments WHERE user_id = $1) ORDER BY case_id DESC"
            ),
        };
        let who = assigned_to.unwrap_or(0);
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(who).fetch_all(pool).await)?)
    }

    pub async fn case(&self, case_id: i64) -> Result<Option<CaseRecord>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_id = $1");
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).bind(case_id).fetch_optional(pool).await)?)
    }

    /// Every person the case concerns (ID number, name), in the order they were recorded.
    pub async fn case_subjects(&self, case_id: i64) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id_number, name FROM case_subjects WHERE case_id = $1 ORDER BY id_number",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Moves a case from `from` to `to` (checked by the caller against the state machine); refused
    /// (false) if the case is no longer at `from`, so two officials cannot both move it.
    pub async fn move_case(
        &self,
        case_id: i64,
        from: Stage,
        to: Stage,
        reason: &str,
        actor: &str,
        closed_on: Option<&str>,
    ) -> Result<bool> {
        let at = now();
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE cases SET stage = $1, closed_on = $2 WHERE case_id = $3 AND stage = $4",
            )
            .bind(to.code())
            .bind(closed_on)
            .bind(case_id)
            .bind(from.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO case_transitions (case_id, from_stage, to_stage, at, by_user, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(case_id)
            .bind(from.code())
            .bind(to.code())
            .bind(&at)
            .bind(actor)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            let detail = format!("{} -> {}: {reason}", from.code(), to.code());
            (true, [Entry::new("case.moved", "case", case_id, detail)])
        })
    }

    /// Records an appeal and moves the case to the appeal stage, in one transaction; `None`
    /// when the case is no longer at `from` (moved meanwhile).
    pub async fn open_appeal(&self, a: &NewAppeal<'_>, actor: &str) -> Result<Option<i64>> {
        let at = now();
        audited!(self, actor, tx => {
            let n = sqlx::query("UPDATE cases SET stage = 'appeal' WHERE case_id = $1 AND stage = $2")
                .bind(a.case_id)
                .bind(a.from.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Ok(None);
            }
            let reason = format!("申诉 / appeal ({}): {}", a.level, a.reason);
            sqlx::query(
                "INSERT INTO case_transitions (case_id, from_stage, to_stage, at, by_user, reason) \
                 VALUES ($1, $2, 'appeal', $3, $4, $5)",
            )
            .bind(a.case_id)
            .bind(a.from.code())
            .bind(&at)
            .bind(actor)
            .bind(&reason)
            .execute(&mut *tx)
            .await?;
            let appeal_id: i64 = sqlx::query_scalar(
                "INSERT INTO case_appeals (case_id, level, requested_on, reason, decide_due, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING appeal_id",
            )
            .bind(a.case_id)
            .bind(a.level)
            .bind(a.requested_on)
            .bind(a.reason)
            .bind(a.decide_due)
            .bind(actor)
            .fetch_one(&mut *tx)
            .await?;
            let detail = format!(
                "appeal={appeal_id} level={} requested_on={} decide_due={}",
                a.level, a.requested_on, a.decide_due
            );
            (Some(appeal_id), [Entry::new("case.appealed", "case", a.case_id, detail)])
        })
    }

    /// Decides an open appeal and moves the case out of the appeal stage (`to`: execution when
    /// the decision stands, trial review when it is to be changed); `false` when the appeal was
    /// decided meanwhile.
    #[allow(clippy::too_many_arguments)]
    pub async fn decide_appeal(
        &self,
        case_id: i64,
        appeal_id: i64,
        upheld: bool,
        decision: &str,
        decided_on: &str,
        to: Stage,
        actor: &str,
    ) -> Result<bool> {
        let at = now();
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "UPDATE case_appeals SET decided_on = $1, upheld = $2, decision = $3, decided_by = $4 \
                 WHERE appeal_id = $5 AND case_id = $6 AND decided_on IS NULL",
            )
            .bind(decided_on)
            .bind(upheld)
            .bind(decision)
            .bind(actor)
            .bind(appeal_id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE cases SET stage = $1 WHERE case_id = $2 AND stage = 'appeal'")
                .bind(to.code())
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO case_transitions (case_id, from_stage, to_stage, at, by_user, reason) \
                 VALUES ($1, 'appeal', $2, $3, $4, $5)",
            )
            .bind(case_id)
            .bind(to.code())
            .bind(&at)
            .bind(actor)
            .bind(decision)
            .execute(&mut *tx)
            .await?;
            let detail = format!("appeal={appeal_id} upheld={upheld} decided_on={decided_on}");
            (true, [Entry::new("case.appeal_decided", "case", case_id, detail)])
        })
    }

    pub async fn appeals_of(&self, case_id: i64) -> Result<Vec<Appeal>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT appeal_id, case_id, level, requested_on, reason, decide_due, recorded_by, decided_on, \
             upheld, decision, decided_by FROM case_appeals WHERE case_id = $1 ORDER BY level, appeal_id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn transitions_of(&self, case_id: i64) -> Result<Vec<Transition>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT from_stage, to_stage, at, by_user, reason FROM case_transitions \
             WHERE case_id = $1 ORDER BY transition_id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Records the evidence of the four closing items (an empty item stays open).
    pub async fn set_checklist(
        &self,
        case_id: i64,
        items: [Option<&str>; 4],
        actor: &str,
    ) -> Result<()> {
        audited!(self, actor, tx => {
            sqlx::query(
                "UPDATE cases SET cause_analysed = $1, responsibility_handled = $2, people_educated = $3, \
                 prevention_in_place = $4 WHERE case_id = $5",
            )
            .bind(items[0])
            .bind(items[1])
            .bind(items[2])
            .bind(items[3])
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
            let filled = items.iter().filter(|i| i.is_some()).count();
            ((), [Entry::new("case.checklist", "case", case_id, format!("{filled}/4 items with evidence"))])
        })
    }

    pub async fn assign_case(
        &self,
        case_id: i64,
        user_id: i64,
        explanation: &str,
        actor: &str,
    ) -> Result<()> {
        let at = now();
        audited!(self, actor, tx => {
            sqlx::query(
                "INSERT INTO case_assignments (case_id, user_id, explanation, assigned_by, assigned_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id, user_id) DO NOTHING",
            )
            .bind(case_id)
            .bind(user_id)
            .bind(explanation)
            .bind(actor)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            ((), [Entry::new("case.assigned", "case", case_id, format!("user={user_id}: {explanation}"))])
        })
    }

    pub async fn case_assignments(&self, case_id: i64) -> Result<Vec<CaseAssignment>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT a.user_id, u.username, u.display_name, u.jurisdiction, a.explanation, a.assigned_by, \
             a.assigned_at FROM case_assignments a JOIN users u ON u.user_id = a.user_id \
             WHERE a.case_id = $1 ORDER BY a.assigned_at, u.username",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Open (not closed) cases assigned to each official: the load a proposal balances.
    pub async fn open_case_load(&self) -> Result<Vec<(i64, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT a.user_id, COUNT(*) FROM case_assignments a JOIN cases c ON c.case_id = a.case_id \
             WHERE c.stage <> 'closed' GROUP BY a.user_id",
        )
        .fetch_all(pool)
        .await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn add_discussion(
        &self,
        case_id: i64,
        held_on: &str,
        participants: &str,
        units: &str,
        minutes: &str,
        decision: &str,
        actor: &str,
    ) -> Result<()> {
        audited!(self, actor, tx => {
            sqlx::query(
                "INSERT INTO joint_discussions (case_id, held_on, participants, units, minutes, decision, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(case_id)
            .bind(held_on)
            .bind(participants)
            .bind(units)
            .bind(minutes)
            .bind(decision)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            ((), [Entry::new("case.joint_discussion", "case", case_id, format!("held_on={held_on} units={units}"))])
        })
    }

    pub async fn discussions_of(&self, case_id: i64) -> Result<Vec<JointDiscussion>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT held_on, participants, units, minutes, decision, recorded_by FROM joint_discussions \
             WHERE case_id = $1 ORDER BY discussion_id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn add_sanction(
        &self,
        case_id: i64,
        id_number: &str,
        name: &str,
        kind: SanctionKind,
        decided_on: &str,
        effective_until: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        audited!(self, actor, tx => {
            sqlx::query(
                "INSERT INTO sanctions (case_id, id_number, name, kind, decided_on, effective_until, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(case_id)
            .bind(id_number)
            .bind(name)
            .bind(kind.code)
            .bind(decided_on)
            .bind(effective_until)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            ((), [Entry::new("case.sanction", "case", case_id, format!("{} decided_on={decided_on}", kind.code))])
        })
    }

    /// Sanctions of a case (`case_id`) or of a person (`id_number`), oldest first.
    pub async fn sanctions(
        &self,
        case_id: Option<i64>,
        id_number: Option<&str>,
    ) -> Result<Vec<SanctionRecord>> {
        let sql = "SELECT sanction_id, case_id, id_number, name, kind, decided_on, effective_until, recorded_by \
                   FROM sanctions WHERE ($1 IS NULL OR case_id = $1) AND ($2 IS NULL OR id_number = $2) \
                   ORDER BY decided_on, sanction_id";
        Ok(
            on_pool!(self, pool => sqlx::query_as(sql).bind(case_id).bind(id_number).fetch_all(pool).await)?,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn open_remedy(
        &self,
        case_id: i64,
        kind: RemedyKind,
        amount_fen: Option<i64>,
        payment_ids: Option<&str>,
        detail: &str,
        opened_on: &str,
        actor: &str,
    ) -> Result<i64> {
        let at = now();
        audited!(self, actor, tx => {
            let remedy_id: i64 = sqlx::query_scalar(
                "INSERT INTO remedies (case_id, kind, amount_fen, payment_ids, detail, status, opened_on, updated_on) \
                 VALUES ($1, $2, $3, $4, $5, 'ordered', $6, $6) RETURNING remedy_id",
            )
            .bind(case_id)
            .bind(kind.code())
            .bind(amount_fen)
            .bind(payment_ids)
            .bind(detail)
            .bind(opened_on)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO remedy_events (remedy_id, at, by_user, status, recovered_fen, note) \
                 VALUES ($1, $2, $3, 'ordered', 0, $4)",
            )
            .bind(remedy_id)
            .bind(&at)
            .bind(actor)
            .bind(detail)
            .execute(&mut *tx)
            .await?;
            (remedy_id, [Entry::new("case.remedy_opened", "case", case_id, format!("remedy={remedy_id} {}", kind.code()))])
        })
    }

    /// Records progress on an open remedy: its new status and the money recovered so far;
    /// `false` when the remedy is no longer open (another official ended it meanwhile).
    pub async fn update_remedy(
        &self,
        remedy_id: i64,
        status: RemedyStatus,
        recovered_fen: i64,
        note: &str,
        on: &str,
        actor: &str,
    ) -> Result<bool> {
        let at = now();
        audited!(self, actor, tx => {
            let case_id: Option<i64> = sqlx::query_scalar(
                "UPDATE remedies SET status = $1, recovered_fen = $2, updated_on = $3 WHERE remedy_id = $4 \
                 AND status IN ('ordered', 'in_progress') RETURNING case_id",
            )
            .bind(status.code())
            .bind(recovered_fen)
            .bind(on)
            .bind(remedy_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(case_id) = case_id else {
                return Ok(false);
            };
            sqlx::query(
                "INSERT INTO remedy_events (remedy_id, at, by_user, status, recovered_fen, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(remedy_id)
            .bind(&at)
            .bind(actor)
            .bind(status.code())
            .bind(recovered_fen)
            .bind(note)
            .execute(&mut *tx)
            .await?;
            let detail = format!("remedy={remedy_id} {} recovered_fen={recovered_fen}", status.code());
            (true, [Entry::new("case.remedy_updated", "case", case_id, detail)])
        })
    }

    /// The current post of `id_number` on the villagers' committee (村民委员会) of `village`, if
    /// any: the only posts a recall (罢免) can end.
    pub async fn village_committee_post(
        &self,
        id_number: &str,
        village: &str,
        today: &str,
    ) -> Result<Option<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT MIN(org_name || ' ' || position) FROM officials WHERE id_number = $1 AND division_code = $2 \
             AND start_date <= $3 AND (end_date IS NULL OR end_date = '' OR end_date >= $3) \
             AND (org_name LIKE '%村委会%' OR org_name LIKE '%村民委员会%')",
        )
        .bind(id_number)
        .bind(village)
        .bind(today)
        .fetch_one(pool)
        .await)?)
    }

    /// The registered voters of `village`: residents born on or before `born_by` (18 years
    /// before the day) and not registered dead. Residents without a birth date are not counted.
    pub async fn registered_voters(&self, village: &str, born_by: &str) -> Result<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM persons p WHERE p.village_code = $1 AND p.birth_date <= $2 \
             AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.id_number = p.id_number)",
        )
        .bind(village)
        .bind(born_by)
        .fetch_one(pool)
        .await)?)
    }

    /// The days recalls of `id_number` failed, in any case against them.
    pub async fn failed_recalls_against(&self, id_number: &str) -> Result<Vec<String>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT r.updated_on FROM remedies r JOIN cases c ON c.case_id = r.case_id \
             WHERE r.kind = 'recall' AND r.status = 'failed' \
             AND (c.subject_id_number = $1 \
                  OR EXISTS (SELECT 1 FROM case_subjects s WHERE s.case_id = c.case_id AND s.id_number = $1)) \
             ORDER BY r.updated_on",
        )
        .bind(id_number)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn remedies_of(&self, case_id: i64) -> Result<Vec<Remedy>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT remedy_id, case_id, kind, amount_fen, recovered_fen, payment_ids, detail, status, opened_on, \
             updated_on FROM remedies WHERE case_id = $1 ORDER BY remedy_id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    pub async fn remedy_events(&self, case_id: i64) -> Result<Vec<RemedyEvent>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT e.remedy_id, e.at, e.by_user, e.status, e.recovered_fen, e.note FROM remedy_events e \
             JOIN remedies r ON r.remedy_id = e.remedy_id WHERE r.case_id = $1 ORDER BY e.event_id",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
    }

    /// The payments of `ids` that exist and were paid to someone of a village in `within`
    /// (villages and townships, as [`Store::divisions_touched`] gives them): id, beneficiary,
    /// name, amount. A payment elsewhere in the county is left out as if it did not exist, so a
    /// case's handler can neither read nor probe payments outside the case.
    pub async fn payments_named(
        &self,
        ids: &[String],
        within: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<(String, String, String, i64)>> {
        if ids.is_empty() || within.is_empty() {
            return Ok(Vec::new());
        }
        let list = (1..=ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        // The beneficiary's village: from the household register, else from the entitlement.
        let sql = format!(
            "SELECT p.payment_id, p.beneficiary_id_number, p.beneficiary_name, p.amount, \
             COALESCE((SELECT MIN(r.village_code) FROM persons r WHERE r.id_number = p.beneficiary_id_number), \
                      (SELECT MIN(e.village_code) FROM entitlements e WHERE e.entitlement_id = p.entitlement_id)) \
             FROM payments p WHERE p.payment_id IN ({list}) ORDER BY p.payment_id"
        );
        let rows: Vec<(String, String, String, i64, Option<String>)> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(id);
            }
            q.fetch_all(pool).await
        })?;
        Ok(rows
            .into_iter()
            .filter(|r| {
                let village = r.4.as_deref().unwrap_or("");
                within.contains(village)
                    || qingfeng_domain::DivisionCode::parse(village)
                        .ok()
                        .and_then(|c| c.township())
                        .is_some_and(|t| within.contains(t.as_str()))
            })
            .map(|r| (r.0, r.1, r.2, r.3))
            .collect())
    }
}
