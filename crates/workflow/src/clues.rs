//! A clue after the check found it: who sees it, the decisions one reviewer takes alone
//! (confirm, correct), the collective decision that ends it (dismiss, close), and the hand-over
//! to a township with the day its feedback is due.
//!
//! The rules, with where they come from:
//! - Scope and conflict of interest: see [`crate::conflict`]. Every use case below starts from
//!   [`ClueDesk::visible`], so an official kept from a clue can neither read nor act on it.
//! - Dismissing (排除) or closing (了结) a clue is a disposal, and disposal is decided collectively
//!   and recorded (监督执纪工作规则; `domain.md`, "From clue to case"): one reviewer proposes, with
//!   the meeting's date and the minuted reason; those who took part sign the proposal in their
//!   own accounts, agreeing or objecting (an objection says why). It carries when
//!   [`COLLECTIVE_QUORUM`] have agreed and the agreements outnumber the objections, and fails when
//!   as many have objected and the objections are at least as many as the agreements. A decided
//!   clue is not reopened by one reviewer.
//! - A hand-over (交办) carries the day the township's feedback is due (the calendar's
//!   `HandOverFeedback`, or an earlier day the official sets); the township's discipline
//!   secretary answers it; an unanswered hand-over past its day is overdue on the dashboard.

use crate::outcome::require;
use crate::role::{CLUE_ASSIGNERS, CLUE_REVIEWERS, CLUE_SEERS, HAND_OVER_ANSWERERS};
use crate::{conflict, Actor, Clock, Outcome};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::calendar::{Deadline, WorkCalendar};
use qingfeng_store::clue_procedure::{HandOver, Signed, Tally};
use qingfeng_store::{ClueFilter, QueueClue, Related, Scope, Store};

/// How many members must agree for a collective decision to carry (a leader and two members).
pub const COLLECTIVE_QUORUM: usize = 3;

/// A clue's review statuses that only a collective decision sets.
const DECIDED: &[&str] = &["dismissed", "closed"];

/// The clue use cases, over one store, clock and calendar.
pub struct ClueDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
}

/// A decision one reviewer takes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// The clue is a real problem.
    Confirm,
    /// A real problem, of this amount (fen).
    Correct(i64),
}

/// How a collective decision ends a clue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// 排除: not a problem (an explained exception, an error in the data).
    Dismiss,
    /// 了结: a problem already put right (money returned, entry corrected), nothing further.
    Close,
}

impl Ending {
    pub fn code(self) -> &'static str {
        match self {
            Ending::Dismiss => "dismissed",
            Ending::Close => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Ending> {
        match code {
            "dismissed" | "dismiss" => Some(Ending::Dismiss),
            "closed" | "close" => Some(Ending::Close),
            _ => None,
        }
    }
}

/// A proposal to end a clue, as its proposer enters it.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub ending: Ending,
    pub meeting_on: NaiveDate,
    /// The reason as minuted at the meeting.
    pub reason: String,
}

/// The collective count: decided, failed, or still open.
pub fn judge(agreeing: usize, objecting: usize) -> Tally {
    if agreeing >= COLLECTIVE_QUORUM && agreeing > objecting {
        Tally::Decided
    } else if objecting >= COLLECTIVE_QUORUM && objecting >= agreeing {
        Tally::Rejected
    } else {
        Tally::Open
    }
}

/// An unanswered hand-over, its clue, and whether its day has passed.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub hand_over: HandOver,
    pub clue: QueueClue,
    pub overdue: bool,
}

fn not_found<T>() -> Outcome<T> {
    Outcome::NotFound
}

impl ClueDesk<'_> {
    /// What `actor` is related to today (see [`conflict`]).
    pub async fn related(&self, actor: &Actor) -> Result<Related> {
        conflict::related(self.store, self.clock, actor).await
    }

    /// The clue, if it exists, is in the actor's jurisdiction and is not kept from them.
    pub async fn visible(&self, actor: &Actor, fingerprint: &str) -> Result<Option<QueueClue>> {
        if !actor.is(CLUE_SEERS) {
            return Ok(None);
        }
        let Some(clue) = self.store.clue_in_scope(&actor.scope, fingerprint).await? else {
            return Ok(None);
        };
        let related = self.related(actor).await?;
        Ok(conflict::keeps_clue(&related, &clue)
            .is_none()
            .then_some(clue))
    }

    /// One page of the queue as `actor` may see it, and the number of clues matching.
    pub async fn queue(
        &self,
        actor: &Actor,
        mut filter: ClueFilter,
    ) -> Result<(Vec<QueueClue>, i64)> {
        if !actor.is(CLUE_SEERS) {
            return Ok((Vec::new(), 0));
        }
        filter.hidden = self.related(actor).await?;
        self.store.clue_queue(&actor.scope, &filter).await
    }

    /// The dashboard's counts by `by` (rule, village, month) of the clues `actor` may see.
    pub async fn tally(&self, actor: &Actor, by: &str) -> Result<Vec<qingfeng_store::Tally>> {
        if !actor.is(CLUE_SEERS) {
            return Ok(Vec::new());
        }
        let related = self.related(actor).await?;
        self.store.clue_tally(&actor.scope, &related, by).await
    }

    /// The highest risk scores of `kind` (village / official) the actor may see: a village they
    /// serve and an official they are related to are left out, as their clues are (a score is
    /// the count and amount of the clues about them).
    pub async fn top_scores(
        &self,
        actor: &Actor,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<qingfeng_store::Score>> {
        if !actor.is(CLUE_SEERS) {
            return Ok(Vec::new());
        }
        let related = self.related(actor).await?;
        // Read a few more than shown, so that leaving some out still fills the list.
        let extra = (related.persons.len() + related.villages.len()) as u32;
        let mut scores = self
            .store
            .top_scores(&actor.scope, kind, limit + extra)
            .await?;
        scores.retain(|s| match s.kind.as_str() {
            "official" => !related.persons.contains(&s.subject),
            "village" => !related.villages.contains(&s.subject),
            _ => true,
        });
        scores.truncate(limit as usize);
        Ok(scores)
    }

    /// A reviewer's own decision; `recovered_fen` records money already recovered.
    pub async fn review(
        &self,
        actor: &Actor,
        fingerprint: &str,
        review: Review,
        recovered_fen: Option<i64>,
    ) -> Result<Outcome> {
        require!(
            actor.is(CLUE_REVIEWERS),
            "本角色不能复核线索",
            "this role does not review clues"
        );
        let Some(clue) = self.visible(actor, fingerprint).await? else {
            return Ok(not_found());
        };
        require!(
            !DECIDED.contains(&clue.review_status.as_str()),
            "该线索已经集体研究决定，不能由个人改变",
            "this clue was decided collectively; one reviewer cannot change it"
        );
        let (action, corrected) = match review {
            Review::Confirm => ("confirmed", None),
            Review::Correct(fen) => {
                require!(
                    fen >= 0,
                    "更正金额不能为负",
                    "a corrected amount cannot be negative"
                );
                ("corrected", Some(fen))
            }
        };
        if let Some(fen) = recovered_fen {
            require!(
                fen >= 0,
                "追回金额不能为负",
                "money recovered cannot be negative"
            );
        }
        self.store
            .review_clue(
                fingerprint,
                action,
                None,
                corrected,
                recovered_fen,
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(()))
    }

    /// Proposes to end a clue; the proposer's own signature agrees. Returns the proposal's id.
    pub async fn propose(
        &self,
        actor: &Actor,
        fingerprint: &str,
        proposal: &Proposal,
    ) -> Result<Outcome<i64>> {
        require!(
            actor.is(CLUE_REVIEWERS),
            "本角色不能提议排除或了结线索",
            "this role does not propose to dismiss or close clues"
        );
        let Some(clue) = self.visible(actor, fingerprint).await? else {
            return Ok(not_found());
        };
        if DECIDED.contains(&clue.review_status.as_str()) {
            return Ok(Outcome::already_done(
                "该线索已经集体研究决定",
                "this clue has been decided collectively",
            ));
        }
        require!(
            proposal.meeting_on <= self.clock.today(),
            "会议日期不能晚于今天",
            "the meeting cannot be later than today"
        );
        let reason = proposal.reason.trim();
        require!(
            !reason.is_empty(),
            "请填写会议记录的理由",
            "enter the reason as minuted"
        );
        let id = self
            .store
            .propose_clue_outcome(
                fingerprint,
                proposal.ending.code(),
                &proposal.meeting_on.to_string(),
                reason,
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// Signs a proposal, agreeing or objecting; an objection gives its reason. Returns what the
    /// proposal became.
    pub async fn sign(
        &self,
        actor: &Actor,
        fingerprint: &str,
        proposal_id: i64,
        agrees: bool,
        remark: &str,
    ) -> Result<Outcome<Tally>> {
        require!(
            actor.is(CLUE_REVIEWERS),
            "本角色不参加线索的集体研究",
            "this role does not take part in deciding clues"
        );
        if self.visible(actor, fingerprint).await?.is_none() {
            return Ok(not_found());
        }
        let remark = remark.trim();
        require!(
            agrees || !remark.is_empty(),
            "不同意须说明理由",
            "an objection needs its reason"
        );
        Ok(
            match self
                .store
                .sign_clue_proposal(
                    fingerprint,
                    proposal_id,
                    &actor.username,
                    agrees,
                    remark,
                    judge,
                )
                .await?
            {
                Signed::Recorded(tally) => Outcome::Changed(tally),
                Signed::NoSuchProposal => Outcome::NotFound,
                Signed::AlreadySigned => {
                    Outcome::already_done("您已签署该提议", "you have signed this proposal")
                }
                Signed::NotOpen(state) => Outcome::already_done(
                    format!("该提议已结束（{}）", proposal_state_zh(&state)),
                    format!("this proposal is no longer open ({state})"),
                ),
            },
        )
    }

    /// Hands clues to a township; `due_on` defaults to the calendar's hand-over period.
    /// Returns the number handed over. Nothing is handed over unless every clue may be.
    pub async fn hand_over(
        &self,
        actor: &Actor,
        fingerprints: &[String],
        township: &str,
        due_on: Option<NaiveDate>,
    ) -> Result<Outcome<u64>> {
        require!(
            actor.is(CLUE_ASSIGNERS),
            "本角色不能交办线索",
            "this role does not hand clues over"
        );
        require!(
            !fingerprints.is_empty(),
            "请先选择线索",
            "select clues first"
        );
        let is_township = self
            .store
            .divisions()
            .await?
            .iter()
            .any(|d| d.code == township && d.level == "township");
        require!(is_township, "没有这个乡镇", "no such township");
        for fp in fingerprints {
            if self.visible(actor, fp).await?.is_none() {
                return Ok(not_found());
            }
        }
        let today = self.clock.today();
        let due = due_on.unwrap_or_else(|| self.calendar.due(Deadline::HandOverFeedback, today));
        require!(
            due > today,
            "反馈期限须晚于今天",
            "the feedback must be due after today"
        );
        let n = self
            .store
            .assign_clues(fingerprints, township, &due.to_string(), &actor.username)
            .await?;
        Ok(Outcome::Changed(n))
    }

    /// The township's feedback on a clue handed to it.
    pub async fn answer_hand_over(
        &self,
        actor: &Actor,
        fingerprint: &str,
        feedback: &str,
    ) -> Result<Outcome> {
        require!(
            actor.is(HAND_OVER_ANSWERERS),
            "只有乡镇纪委书记反馈交办的线索",
            "only the township's discipline secretary answers a hand-over"
        );
        let Scope::Township(township) = &actor.scope else {
            return Ok(Outcome::refused(
                "只有乡镇账户反馈交办的线索",
                "only a township account answers a hand-over",
            ));
        };
        if self.visible(actor, fingerprint).await?.is_none() {
            return Ok(not_found());
        }
        let feedback = feedback.trim();
        require!(
            !feedback.is_empty(),
            "请填写办理情况",
            "enter what the township did"
        );
        if self
            .store
            .record_hand_over_feedback(fingerprint, township, feedback, &actor.username)
            .await?
        {
            Ok(Outcome::Changed(()))
        } else {
            Ok(Outcome::already_done(
                "没有待反馈的交办",
                "no hand-over of this clue is waiting for your feedback",
            ))
        }
    }

    /// Unanswered hand-overs the actor may see, the earliest due first, each marked overdue
    /// once its day has passed.
    pub async fn waiting(&self, actor: &Actor) -> Result<Vec<Waiting>> {
        if !actor.is(CLUE_SEERS) {
            return Ok(Vec::new());
        }
        let today = self.clock.today().to_string();
        let related = self.related(actor).await?;
        let mut out = Vec::new();
        for hand_over in self.store.open_hand_overs(&actor.scope).await? {
            let Some(clue) = self
                .store
                .clue_in_scope(&actor.scope, &hand_over.fingerprint)
                .await?
            else {
                continue;
            };
            if conflict::keeps_clue(&related, &clue).is_some() {
                continue;
            }
            let overdue = hand_over
                .due_on
                .as_deref()
                .is_some_and(|due| due < today.as_str());
            out.push(Waiting {
                hand_over,
                clue,
                overdue,
            });
        }
        Ok(out)
    }
}

/// A proposal's state in Chinese.
pub fn proposal_state_zh(state: &str) -> &'static str {
    match state {
        "open" => "待签署",
        "decided" => "已决定",
        "rejected" => "未通过",
        "superseded" => "已被新提议取代",
        _ => "未知",
    }
}
