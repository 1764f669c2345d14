//! From clue or report to closed case: the collective disposal, the case's stages, assignment
//! across townships, joint discussions, sanctions, remedies and the closing.
//!
//! The rules, with where they come from (`domain.md`, "From clue to case"):
//! - **Who sees a case.** County roles ([`COUNTY_CASE_READERS`]) and the officials assigned to
//!   it, unless the conflict-of-interest policy excludes them for any person the case concerns
//!   (named, a household member or declared relative of one, a post in a village or township
//!   the case touches); an exclusion recorded after an assignment counts too. A case filed from
//!   a report shows the report's matter, so only officials holding the report's key see it. To
//!   anyone else a case does not exist ([`Outcome::NotFound`]).
//! - **Disposal** (处置, 监督执纪工作规则 art. 21): a clue or report is disposed of in one of the
//!   four ways or by filing a case, decided collectively: a meeting held (not in the future), at
//!   least [`COLLECTIVE_QUORUM`] different participants, the decision minuted. A talk or letter
//!   of inquiry carries its two deadlines (written reply in 15 working days, the report on it
//!   within a month). One source opens one case.
//! - **Stages**: only the moves of the domain's state machine, each with its reason; an
//!   important case is decided only after a joint discussion (联席会议); a case closes only with
//!   the four closing items (四不放过) and with every remedy ended (done, refused or failed).
//! - **Assignment** (交叉办案): only an official the system proposes (another township's
//!   discipline secretary or a county investigator, none excluded by the conflict-of-interest
//!   policy) may be assigned; an assignee of a case from a report receives a copy of its key.
//! - **Sanctions** are recorded at or after the decision, on a person the case concerns, on a
//!   day not in the future; their period follows the regulation.
//! - **Appeals** (申诉): against a decision taken, within a month of it, decided within a month;
//!   a second appeal to the level above within a month of that, decided within two months; no
//!   third. The appeal stage is entered and left only by recording and deciding an appeal.
//! - **Remedies**: a refund names the payments of villagers of the places the case touches; a
//!   wage deduction only after compensation was refused; a recall follows [`crate::recall`]; a
//!   refund is done only when the money is back in full; an ended remedy stays ended.

mod appeals;
mod assignment;
mod disposal;
mod remedies;
mod sanctions;
mod stages;

pub use appeals::{AppealRequest, AppealRuling, AppealWindow, MAX_APPEALS};
pub use assignment::Proposal;
pub use disposal::{participants, Disposal, Source, SourceKind};
pub use remedies::{NewRemedy, RecallVote, RemedyProgress};
pub use sanctions::{InEffect, NewSanction};
pub use stages::{checklist_of, Discussion};

use crate::clues::COLLECTIVE_QUORUM;
use crate::role::{CASE_HANDLERS, COUNTY_CASE_READERS};
use crate::{Actor, Clock, Outcome};
use anyhow::Result;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_store::cases::CaseRecord;
use qingfeng_store::reports::Candidate;
use qingfeng_store::Store;

/// The case use cases, over one store, clock and calendar.
pub struct CaseDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
}

impl CaseDesk<'_> {
    /// Every person `case` concerns: the persons recorded with it (all those the report or the
    /// clue names) and its subject.
    pub async fn subjects(&self, case: &CaseRecord) -> Result<Vec<String>> {
        let mut ids: Vec<String> = self
            .store
            .case_subjects(case.case_id)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        if let Some(id) = &case.subject_id_number {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        Ok(ids)
    }

    /// The actor as a candidate for the conflict-of-interest policy.
    async fn candidate(&self, actor: &Actor) -> Result<Option<Candidate>> {
        Ok(self
            .store
            .candidates(&[actor.role])
            .await?
            .into_iter()
            .find(|c| c.user_id == actor.user_id))
    }

    /// Whether `actor` may see `case` (see the module's rules).
    pub async fn may_see(&self, actor: &Actor, case: &CaseRecord) -> Result<bool> {
        let assigned = self
            .store
            .case_assignments(case.case_id)
            .await?
            .iter()
            .any(|a| a.user_id == actor.user_id);
        if !assigned && !actor.is(COUNTY_CASE_READERS) {
            return Ok(false);
        }
        if case.source_kind == "report" {
            let Ok(report_id) = case.source_id.parse::<i64>() else {
                return Ok(false);
            };
            if !self
                .store
                .holds_report_key(actor.user_id, report_id)
                .await?
            {
                return Ok(false);
            }
        }
        let Some(me) = self.candidate(actor).await? else {
            return Ok(false);
        };
        let subjects = self.subjects(case).await?;
        let (allowed, _) = crate::conflict::exclude(
            self.store,
            vec![me],
            case.village_code.as_deref(),
            &subjects,
            &self.clock.today().to_string(),
        )
        .await?;
        Ok(!allowed.is_empty())
    }

    /// The case, if it exists and `actor` may see it.
    pub async fn visible(&self, actor: &Actor, case_id: i64) -> Result<Option<CaseRecord>> {
        let Some(case) = self.store.case(case_id).await? else {
            return Ok(None);
        };
        Ok(self.may_see(actor, &case).await?.then_some(case))
    }

    /// The cases `actor` may see, newest first.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<CaseRecord>> {
        let county = actor.is(COUNTY_CASE_READERS);
        let cases = self.store.cases((!county).then_some(actor.user_id)).await?;
        let mut visible = Vec::new();
        for case in cases {
            if self.may_see(actor, &case).await? {
                visible.push(case);
            }
        }
        Ok(visible)
    }

    /// The case a handler acts on: visible to `actor`, whose role works cases. `Err` carries
    /// the outcome to answer with instead.
    async fn handled<T>(
        &self,
        actor: &Actor,
        case_id: i64,
    ) -> Result<std::result::Result<CaseRecord, Outcome<T>>> {
        let Some(case) = self.visible(actor, case_id).await? else {
            return Ok(Err(Outcome::NotFound));
        };
        if !actor.is(CASE_HANDLERS) {
            return Ok(Err(Outcome::refused(
                "本角色只能查阅案件",
                "this role reads cases and cannot act on them",
            )));
        }
        Ok(Ok(case))
    }
}

/// Whether `names` are enough different people for a collective decision.
fn collective(names: &[String]) -> bool {
    let distinct: std::collections::BTreeSet<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    distinct.len() >= COLLECTIVE_QUORUM
}

/// Unwraps [`CaseDesk::handled`] inside a use case returning `Result<Outcome<_>>`.
macro_rules! handled {
    ($desk:expr, $actor:expr, $case_id:expr) => {
        match $desk.handled($actor, $case_id).await? {
            Ok(case) => case,
            Err(outcome) => return Ok(outcome),
        }
    };
}
pub(crate) use handled;
