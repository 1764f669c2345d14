//! Matters (事项): each use of a power of the micro-power list, and the steps done in it. The
//! order of the steps and who may do them are the workflow's; here a step is recorded only as
//! the next one (however requests race), and the last step closes the matter, each write in the
//! audit trail.

use crate::accounts::{Scope, ScopeSql};
use crate::audit::{audited, Entry};
use crate::row::from_row;
use crate::{on_pool, Store};
use anyhow::Result;
use qingfeng_domain::power::Post;

#[derive(Debug, Clone)]
pub struct MatterRecord {
    pub matter_id: i64,
    pub power_id: String,
    pub village_code: String,
    pub title: String,
    pub opened_by: String,
    pub opened_on: String,
    pub closed_on: Option<String>,
}
from_row!(MatterRecord {
    matter_id,
    power_id,
    village_code,
    title,
    opened_by,
    opened_on,
    closed_on
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
}
from_row!(MatterStep {
    matter_id,
    step_no,
    post => Post::parse,
    done_by,
    done_on,
    note,
    documents
});

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
    answered_on
});

const OBJECTION_COLUMNS: &str = "objection_id, matter_id, step_no, content, filed_on, answer_due, \
     answer, answered_by, answered_on";

pub struct NewMatter<'a> {
    pub power_id: &'a str,
    pub village_code: &'a str,
    pub title: &'a str,
    pub opened_on: &'a str,
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
}

const MATTER_COLUMNS: &str =
    "matter_id, power_id, village_code, title, opened_by, opened_on, closed_on";

impl Store {
    pub async fn open_matter(&self, m: &NewMatter<'_>, actor: &str) -> Result<i64> {
        audited!(self, actor, tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO matters (power_id, village_code, title, opened_by, opened_on) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING matter_id",
            )
            .bind(m.power_id)
            .bind(m.village_code)
            .bind(m.title)
            .bind(actor)
            .bind(m.opened_on)
            .fetch_one(&mut *tx)
            .await?;
            let detail = format!("power={} village={}", m.power_id, m.village_code);
            (id, [Entry::new("matter.opened", "matter", id, detail)])
        })
    }

    /// Records step `s.step_no` if it is the next one of an open matter; false when it is not
    /// (done meanwhile by another request, or out of turn).
    pub async fn record_step(&self, s: &NewStep<'_>, actor: &str) -> Result<bool> {
        audited!(self, actor, tx => {
            let n = sqlx::query(
                "INSERT INTO matter_steps (matter_id, step_no, post, done_by, done_on, note, documents) \
                 SELECT $1, $2, $3, $4, $5, $6, $7 \
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
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            if s.last {
                sqlx::query("UPDATE matters SET closed_on = $1 WHERE matter_id = $2")
                    .bind(s.done_on)
                    .bind(s.matter_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let detail = format!("step={} post={}{}", s.step_no, s.post.code(), if s.last { " closed" } else { "" });
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

    /// The matters of the villages in `scope`, open ones first, newest first, at most `limit`.
    pub async fn matters_in_scope(&self, scope: &Scope, limit: i64) -> Result<Vec<MatterRecord>> {
        let mut binds = Vec::new();
        let wh = scope.sql("village_code", None, &mut binds);
        let sql = format!(
            "SELECT {MATTER_COLUMNS} FROM matters WHERE {wh} \
             ORDER BY closed_on IS NOT NULL, matter_id DESC LIMIT {limit}"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }

    /// Files a villager's objection (anonymous: the trail names the portal, not a person).
    pub async fn file_objection(
        &self,
        matter_id: i64,
        step_no: i64,
        content: &str,
        filed_on: &str,
        answer_due: &str,
    ) -> Result<i64> {
        audited!(self, "portal", tx => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO matter_objections (matter_id, step_no, content, filed_on, answer_due) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING objection_id",
            )
            .bind(matter_id)
            .bind(step_no)
            .bind(content)
            .bind(filed_on)
            .bind(answer_due)
            .fetch_one(&mut *tx)
            .await?;
            let detail = format!("objection={id} step={step_no} due={answer_due}");
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

    /// The unanswered objections to matters of the villages in `scope`, oldest first.
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
             WHERE o.answer IS NULL AND {wh} ORDER BY o.objection_id LIMIT 500"
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
            "SELECT matter_id, step_no, post, done_by, done_on, note, documents FROM matter_steps \
             WHERE matter_id IN ({list}) ORDER BY matter_id, step_no"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(&sql).fetch_all(pool).await)?)
    }

    /// The steps done in a matter, in order.
    pub async fn matter_steps(&self, matter_id: i64) -> Result<Vec<MatterStep>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT matter_id, step_no, post, done_by, done_on, note, documents FROM matter_steps \
             WHERE matter_id = $1 ORDER BY step_no",
        )
        .bind(matter_id)
        .fetch_all(pool)
        .await)?)
    }
}
