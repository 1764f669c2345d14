//! The procedure of a clue after the check found it: the collective decision that dismisses or
//! closes it (a proposal signed by those who took part), and the hand-over to a township with
//! the date its feedback is due and the feedback itself.
//!
//! Which decisions carry, who may sign and which dates are allowed is the workflow crate's
//! policy; this module stores what it decided, each change with its audit event in the same
//! transaction.

use crate::audit::{audited, Entry};
use crate::row::from_row;
use crate::{on_pool, Scope, Store};
use anyhow::{bail, Result};

/// A proposal to dismiss (排除) or close (了结) a clue, with the signatures it gathered.
#[derive(Debug, Clone)]
pub struct ClueProposal {
    pub proposal_id: i64,
    pub fingerprint: String,
    /// `dismissed` or `closed`.
    pub outcome: String,
    pub meeting_on: String,
    pub reason: String,
    pub proposed_by: String,
    pub proposed_at: String,
    /// `open`, `decided`, `rejected` or `superseded`.
    pub state: String,
    pub decided_at: Option<String>,
    pub votes: Vec<ClueVote>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueVote {
    pub username: String,
    pub agrees: bool,
    pub remark: String,
    pub voted_at: String,
}

/// What a proposal became after a signature, as the policy judged the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    Open,
    Decided,
    Rejected,
}

/// The result of signing a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// The signature was recorded; the proposal is now in this state.
    Recorded(Tally),
    /// The proposal is no longer open (decided, rejected or superseded).
    NotOpen(String),
    /// This account has signed it already.
    AlreadySigned,
    /// The clue has no proposal of that number.
    NoSuchProposal,
}

/// A hand-over (交办) of a clue to a township, with its feedback.
#[derive(Debug, Clone)]
pub struct HandOver {
    pub fingerprint: String,
    pub township_code: String,
    pub township_name: Option<String>,
    pub assigned_by: String,
    pub assigned_at: String,
    pub due_on: Option<String>,
}
from_row!(HandOver {
    fingerprint,
    township_code,
    township_name,
    assigned_by,
    assigned_at,
    due_on
});

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

impl Store {
    /// The proposals on a clue, oldest first, each with its signatures.
    pub async fn clue_proposals(&self, fingerprint: &str) -> Result<Vec<ClueProposal>> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
        );
        type VoteRow = (i64, String, bool, String, String);
        let (rows, votes): (Vec<Row>, Vec<VoteRow>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT proposal_id, fingerprint, outcome, meeting_on, reason, proposed_by, proposed_at, state, decided_at \
                 FROM clue_proposals WHERE fingerprint = $1 ORDER BY proposal_id",
            )
            .bind(fingerprint)
            .fetch_all(pool)
            .await?;
            let votes = sqlx::query_as(
                "SELECT v.proposal_id, v.username, v.agrees, v.remark, v.voted_at FROM clue_proposal_votes v \
                 JOIN clue_proposals p ON p.proposal_id = v.proposal_id WHERE p.fingerprint = $1 \
                 ORDER BY v.voted_at, v.username",
            )
            .bind(fingerprint)
            .fetch_all(pool)
            .await?;
            anyhow::Ok((rows, votes))
        })?;
        Ok(rows
            .into_iter()
            .map(|r| ClueProposal {
                proposal_id: r.0,
                votes: votes
                    .iter()
                    .filter(|v| v.0 == r.0)
                    .map(|v| ClueVote {
                        username: v.1.clone(),
                        agrees: v.2,
                        remark: v.3.clone(),
                        voted_at: v.4.clone(),
                    })
                    .collect(),
                fingerprint: r.1,
                outcome: r.2,
                meeting_on: r.3,
                reason: r.4,
                proposed_by: r.5,
                proposed_at: r.6,
                state: r.7,
                decided_at: r.8,
            })
            .collect())
    }

    /// Records a proposal to end a clue with `outcome`, signed (agreeing) by its proposer; an
    /// open proposal on the clue is superseded. The clue shows `proposed` until it is decided.
    pub async fn propose_clue_outcome(
        &self,
        fingerprint: &str,
        outcome: &str,
        meeting_on: &str,
        reason: &str,
        proposer: &str,
    ) -> Result<i64> {
        let at = now();
        audited!(self, proposer, tx => {
            let updated = sqlx::query("UPDATE clues SET review_status = 'proposed' WHERE fingerprint = $1")
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                bail!("no clue with fingerprint {fingerprint} / 无此线索");
            }
            sqlx::query("UPDATE clue_proposals SET state = 'superseded' WHERE fingerprint = $1 AND state = 'open'")
                .bind(fingerprint)
                .execute(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO clue_proposals (fingerprint, outcome, meeting_on, reason, proposed_by, proposed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING proposal_id",
            )
            .bind(fingerprint)
            .bind(outcome)
            .bind(meeting_on)
            .bind(reason)
            .bind(proposer)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO clue_proposal_votes (proposal_id, username, agrees, remark, voted_at) \
                 VALUES ($1, $2, TRUE, '', $3)",
            )
            .bind(id)
            .bind(proposer)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            let detail = format!("proposal {id}: {outcome}, meeting {meeting_on}: {reason}");

            (id, [Entry::new("clue.outcome_proposed", "clue", fingerprint, detail)])
        })
    }

    /// Signs proposal `proposal_id` of clue `fingerprint` for `username`, agreeing or objecting,
    /// and applies what `judge` makes of the signatures counted (agreements, objections) in
    /// the same locked transaction, so that two signatures at once cannot both miss the third:
    /// decided, the clue takes the proposal's outcome and the decision joins its reviews.
    pub async fn sign_clue_proposal(
        &self,
        fingerprint: &str,
        proposal_id: i64,
        username: &str,
        agrees: bool,
        remark: &str,
        judge: fn(usize, usize) -> Tally,
    ) -> Result<Signed> {
        let at = now();
        audited!(self, username, tx => {
            let proposal: Option<(String, String, String)> = sqlx::query_as(
                "SELECT state, outcome, reason FROM clue_proposals WHERE proposal_id = $1 AND fingerprint = $2",
            )
            .bind(proposal_id)
            .bind(fingerprint)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((state, outcome, reason)) = proposal else {
                return Ok(Signed::NoSuchProposal);
            };
            if state != "open" {
                return Ok(Signed::NotOpen(state));
            }
            let signed: Vec<(String, bool)> =
                sqlx::query_as("SELECT username, agrees FROM clue_proposal_votes WHERE proposal_id = $1 ORDER BY voted_at, username")
                    .bind(proposal_id)
                    .fetch_all(&mut *tx)
                    .await?;
            if signed.iter().any(|(u, _)| u == username) {
                return Ok(Signed::AlreadySigned);
            }
            sqlx::query(
                "INSERT INTO clue_proposal_votes (proposal_id, username, agrees, remark, voted_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(proposal_id)
            .bind(username)
            .bind(agrees)
            .bind(remark)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            let agreeing = signed.iter().filter(|(_, a)| *a).count() + usize::from(agrees);
            let objecting = signed.len() + 1 - agreeing;
            let tally = judge(agreeing, objecting);
            let detail = format!(
                "proposal {proposal_id}: {} {remark}",
                if agrees { "agrees" } else { "objects" }
            );
            let mut entries = vec![Entry::new("clue.proposal_signed", "clue", fingerprint, detail)];
            match tally {
                Tally::Open => {}
                Tally::Decided => {
                    sqlx::query("UPDATE clue_proposals SET state = 'decided', decided_at = $1 WHERE proposal_id = $2")
                        .bind(&at)
                        .bind(proposal_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE clues SET review_status = $1 WHERE fingerprint = $2")
                        .bind(&outcome)
                        .bind(fingerprint)
                        .execute(&mut *tx)
                        .await?;
                    let mut names: Vec<String> = signed.iter().filter(|(_, a)| *a).map(|(u, _)| u.clone()).collect();
                    if agrees {
                        names.push(username.to_string());
                    }
                    sqlx::query(
                        "INSERT INTO clue_reviews (fingerprint, action, reason, reviewer, reviewed_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(fingerprint)
                    .bind(&outcome)
                    .bind(&reason)
                    .bind(names.join(", "))
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                    entries.push(Entry::new(
                        "clue.decided",
                        "clue",
                        fingerprint,
                        format!("proposal {proposal_id}: {outcome} by {}", names.join(", ")),
                    ));
                }
                Tally::Rejected => {
                    sqlx::query("UPDATE clue_proposals SET state = 'rejected', decided_at = $1 WHERE proposal_id = $2")
                        .bind(&at)
                        .bind(proposal_id)
                        .execute(&mut *tx)
                        .await?;
                    // Back to where the clue stood before the proposal: its latest review.
                    let last: Option<String> = sqlx::query_scalar(
                        "SELECT action FROM clue_reviews WHERE fingerprint = $1 ORDER BY review_id DESC LIMIT 1",
                    )
                    .bind(fingerprint)
                    .fetch_optional(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE clues SET review_status = $1 WHERE fingerprint = $2")
                        .bind(last.as_deref().unwrap_or("open"))
                        .bind(fingerprint)
                        .execute(&mut *tx)
                        .await?;
                    entries.push(Entry::new(
                        "clue.proposal_rejected",
                        "clue",
                        fingerprint,
                        format!("proposal {proposal_id}"),
                    ));
                }
            }
            (Signed::Recorded(tally), entries)
        })
    }

    /// Records the township's feedback on the open hand-over of clue `fingerprint` to
    /// `township_code`; `false` when there is none open (never handed over there, or answered).
    pub async fn record_hand_over_feedback(
        &self,
        fingerprint: &str,
        township_code: &str,
        feedback: &str,
        by: &str,
    ) -> Result<bool> {
        let at = now();
        audited!(self, by, tx => {
            let open: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(assignment_id) FROM clue_assignments \
                 WHERE fingerprint = $1 AND township_code = $2 AND feedback IS NULL",
            )
            .bind(fingerprint)
            .bind(township_code)
            .fetch_one(&mut *tx)
            .await?;
            let Some(id) = open else {
                return Ok(false);
            };
            sqlx::query("UPDATE clue_assignments SET feedback = $1, feedback_by = $2, feedback_at = $3 WHERE assignment_id = $4")
                .bind(feedback)
                .bind(by)
                .bind(&at)
                .bind(id)
                .execute(&mut *tx)
                .await?;

            (true, [Entry::new("clue.hand_over_answered", "clue", fingerprint, feedback.to_string())])
        })
    }

    /// Hand-overs still waiting for their township's feedback, in `scope` (a township sees
    /// those handed to it), the earliest due first.
    pub async fn open_hand_overs(&self, scope: &Scope) -> Result<Vec<HandOver>> {
        let (condition, bind) = match scope {
            Scope::County => ("1 = 1", None),
            Scope::Township(t) => ("a.township_code = $1", Some(t.clone())),
            // A village's supervisors are not the township's feedback desk.
            Scope::Village(_) => return Ok(Vec::new()),
        };
        let sql = format!(
            "SELECT a.fingerprint, a.township_code, \
             (SELECT MAX(d.name) FROM divisions d WHERE d.code = a.township_code) AS township_name, \
             a.assigned_by, a.assigned_at, a.due_on FROM clue_assignments a \
             WHERE a.feedback IS NULL AND {condition} \
             AND a.assignment_id = (SELECT MAX(b.assignment_id) FROM clue_assignments b WHERE b.fingerprint = a.fingerprint) \
             ORDER BY COALESCE(a.due_on, '9999-12-31'), a.fingerprint"
        );
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as(&sql);
            if let Some(b) = &bind {
                q = q.bind(b);
            }
            q.fetch_all(pool).await
        })?)
    }
}
