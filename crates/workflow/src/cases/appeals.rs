//! 申诉: the person concerned appeals a case's decision, at most twice (监察法实施条例; `domain.md`,
//! "From clue to case"): a review requested within one month of the decision and decided within
//! one month, then a second review by the level above requested within one month of the first's
//! decision and decided within two months. The case is in the appeal stage while an appeal is
//! open; the appeal's decision either lets the decision stand (on to execution) or sends the case
//! back to trial review. The appeal stage is entered and left only this way.

use super::{handled, CaseDesk};
use crate::outcome::require;
use crate::{Actor, Outcome};
use anyhow::Result;
use chrono::{DateTime, NaiveDate};
use qingfeng_domain::calendar::Deadline;
use qingfeng_domain::case::Stage;
use qingfeng_store::cases::{Appeal, NewAppeal};

/// The most appeals against one decision: the review and the second review.
pub const MAX_APPEALS: i64 = 2;

/// The next appeal a case admits: its level, from when and until when it may be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppealWindow {
    pub level: i64,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// An appeal as the person concerned made it.
#[derive(Debug, Clone)]
pub struct AppealRequest {
    pub requested_on: NaiveDate,
    pub reason: String,
}

/// An appeal's decision.
#[derive(Debug, Clone)]
pub struct AppealRuling {
    /// Whether the decision stands (else the case goes back to trial review).
    pub upheld: bool,
    pub decision: String,
    pub decided_on: NaiveDate,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

impl CaseDesk<'_> {
    /// The day the case's decision was taken: its last move to the decision stage, China time.
    async fn decided_on(&self, case_id: i64) -> Result<Option<NaiveDate>> {
        Ok(self
            .store
            .transitions_of(case_id)
            .await?
            .iter()
            .rev()
            .find(|t| t.to_stage == Stage::Decided)
            .and_then(|t| DateTime::parse_from_rfc3339(&t.at).ok())
            .map(|at| (at.to_utc() + chrono::Duration::hours(8)).date_naive()))
    }

    /// The appeal the case admits next, if any: none while one is open, after the second, or
    /// before the decision.
    pub async fn appeal_window(
        &self,
        case_id: i64,
        appeals: &[Appeal],
    ) -> Result<Option<AppealWindow>> {
        if appeals.iter().any(|a| a.decided_on.is_none()) {
            return Ok(None);
        }
        let from = match appeals.iter().max_by_key(|a| a.level) {
            None => self.decided_on(case_id).await?,
            Some(last) if last.level < MAX_APPEALS => last.decided_on.as_deref().and_then(date),
            Some(_) => None,
        };
        Ok(from.map(|from| AppealWindow {
            level: appeals.len() as i64 + 1,
            from,
            until: self.calendar.due(Deadline::AppealRequest, from),
        }))
    }

    /// Records an appeal against the case's decision; returns its id.
    pub async fn appeal(
        &self,
        actor: &Actor,
        case_id: i64,
        request: &AppealRequest,
    ) -> Result<Outcome<i64>> {
        let case = handled!(self, actor, case_id);
        let appeals = self.store.appeals_of(case_id).await?;
        if appeals.iter().any(|a| a.decided_on.is_none()) {
            return Ok(Outcome::already_done(
                "已有申诉正在办理",
                "an appeal is being handled already",
            ));
        }
        require!(
            matches!(case.stage, Stage::Decided | Stage::Execution),
            "只能对已作出的处理决定申诉",
            "an appeal is made against a decision taken",
        );
        require!(
            (appeals.len() as i64) < MAX_APPEALS,
            "申诉已经复审、复核, 不再受理",
            "the decision was reviewed twice already; no further appeal is accepted",
        );
        let reason = request.reason.trim();
        require!(
            !reason.is_empty(),
            "须写明申诉理由",
            "an appeal states its reasons",
        );
        require!(
            request.requested_on <= self.clock.today(),
            "申诉日期不能晚于今天",
            "an appeal cannot be dated later than today",
        );
        let Some(window) = self.appeal_window(case_id, &appeals).await? else {
            return Ok(Outcome::refused(
                "该案件没有可以申诉的决定",
                "the case has no decision to appeal",
            ));
        };
        require!(
            request.requested_on >= window.from && request.requested_on <= window.until,
            format!(
                "申诉须在{}至{}之间提出(决定后一个月内)",
                window.from, window.until
            ),
            format!(
                "an appeal is made between {} and {} (within a month of the decision)",
                window.from, window.until
            ),
        );
        let deadline = if window.level == 1 {
            Deadline::AppealDecision
        } else {
            Deadline::SecondAppealDecision
        };
        let requested_on = request.requested_on.to_string();
        let decide_due = self
            .calendar
            .due(deadline, request.requested_on)
            .to_string();
        let opened = self
            .store
            .open_appeal(
                &NewAppeal {
                    case_id,
                    from: case.stage,
                    level: window.level,
                    requested_on: &requested_on,
                    reason,
                    decide_due: &decide_due,
                },
                &actor.username,
            )
            .await?;
        Ok(match opened {
            Some(id) => Outcome::Changed(id),
            None => Outcome::already_done(
                "案件阶段刚被他人改变, 请刷新后再试",
                "someone moved the case meanwhile; reload and try again",
            ),
        })
    }

    /// Decides an open appeal of the case; returns the stage the case moves to.
    pub async fn decide_appeal(
        &self,
        actor: &Actor,
        case_id: i64,
        appeal_id: i64,
        ruling: &AppealRuling,
    ) -> Result<Outcome<Stage>> {
        handled!(self, actor, case_id);
        let Some(appeal) = self
            .store
            .appeals_of(case_id)
            .await?
            .into_iter()
            .find(|a| a.appeal_id == appeal_id)
        else {
            return Ok(Outcome::NotFound);
        };
        if let Some(on) = &appeal.decided_on {
            return Ok(Outcome::already_done(
                format!("该申诉已于{on}作出决定"),
                format!("this appeal was decided on {on}"),
            ));
        }
        let decision = ruling.decision.trim();
        require!(
            !decision.is_empty(),
            "须写明申诉决定",
            "write the appeal's decision",
        );
        let requested = date(&appeal.requested_on).unwrap_or(NaiveDate::MIN);
        require!(
            ruling.decided_on >= requested && ruling.decided_on <= self.clock.today(),
            "决定日期须在申诉之后、不晚于今天",
            "the decision is dated between the appeal and today",
        );
        let to = if ruling.upheld {
            Stage::Execution
        } else {
            Stage::TrialReview
        };
        let decided = self
            .store
            .decide_appeal(
                case_id,
                appeal_id,
                ruling.upheld,
                decision,
                &ruling.decided_on.to_string(),
                to,
                &actor.username,
            )
            .await?;
        Ok(if decided {
            Outcome::Changed(to)
        } else {
            Outcome::already_done(
                "该申诉刚被他人决定",
                "someone decided this appeal meanwhile",
            )
        })
    }
}
