//! Remedies (整改追缴): the money back to the villagers, compensation, wage deduction, a civil
//! suit, a recall, each followed until it ends.

use super::{handled, CaseDesk};
use crate::outcome::require;
use crate::recall::RecallProposal;
use crate::{Actor, Outcome};
use anyhow::Result;
use qingfeng_domain::case::{RemedyKind, RemedyStatus, Stage};
use qingfeng_domain::Money;

/// A remedy as ordered.
#[derive(Debug, Clone)]
pub struct NewRemedy {
    pub kind: RemedyKind,
    /// The amount (fen); for a refund, the payments' total when absent.
    pub amount_fen: Option<i64>,
    /// For a refund: the payments whose money goes back, by payment id.
    pub payment_ids: Vec<String>,
    pub detail: String,
    /// For a recall: the signatures and the reasons (the reasons are `detail`).
    pub recall: RecallProposal,
}

/// The vote on a recall, with the member's defence.
#[derive(Debug, Clone, Default)]
pub struct RecallVote {
    pub defence: String,
    pub votes_cast: u32,
    pub approve: u32,
}

/// Progress on an open remedy.
#[derive(Debug, Clone)]
pub struct RemedyProgress {
    pub status: RemedyStatus,
    /// Money recovered so far (fen); unchanged when absent.
    pub recovered_fen: Option<i64>,
    pub note: String,
    /// For a recall ending `Done` or `Failed`: the vote, which decides which of the two.
    pub vote: RecallVote,
}

impl CaseDesk<'_> {
    /// Orders a remedy in the case; returns its id.
    pub async fn order_remedy(
        &self,
        actor: &Actor,
        case_id: i64,
        r: &NewRemedy,
    ) -> Result<Outcome<i64>> {
        let case = handled!(self, actor, case_id);
        require!(
            case.stage != Stage::Closed,
            "案件已结案, 不能再追加整改追缴事项",
            "the case is closed; no remedy can be added",
        );
        require!(
            r.amount_fen.is_none_or(|a| a >= 0),
            "金额不能为负",
            "an amount cannot be negative",
        );
        let today = self.clock.today();
        let mut amount = r.amount_fen;
        let mut detail = r.detail.trim().to_string();
        let mut payment_ids = None;
        match r.kind {
            // Money goes back to the villagers it was taken from, named by their payments, of
            // the villages and townships the case touches.
            RemedyKind::Refund => {
                let subjects = self.subjects(&case).await?;
                let within = self
                    .store
                    .divisions_touched(case.village_code.as_deref(), &subjects, &today.to_string())
                    .await?;
                let found = self.store.payments_named(&r.payment_ids, &within).await?;
                require!(
                    !r.payment_ids.is_empty() && found.len() == r.payment_ids.len(),
                    "退还须列明本案涉及的村或乡镇村民的发放记录编号",
                    "a refund names the payments, to villagers of the places the case touches, whose money goes back",
                );
                let total: i64 = found.iter().map(|p| p.3).sum();
                amount = Some(amount.unwrap_or(total));
                let who: Vec<String> = found
                    .iter()
                    .map(|p| format!("{} {} {}", p.0, p.2, Money::from_fen(p.3)))
                    .collect();
                detail = format!("{} {detail}", who.join("; ")).trim().to_string();
                payment_ids = Some(
                    found
                        .iter()
                        .map(|p| p.0.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
            // Wages are docked through the township only after compensation was refused.
            RemedyKind::WageDeduction => {
                let refused = self.store.remedies_of(case_id).await?.iter().any(|r| {
                    r.kind == RemedyKind::Compensation && r.status == RemedyStatus::Refused
                });
                require!(
                    refused,
                    "只有责令赔偿被拒绝后, 才能由乡镇代扣工资",
                    "wages are deducted through the township only after compensation was refused",
                );
            }
            // Who may be recalled, how many must sign, why: `crate::recall`.
            RemedyKind::Recall => {
                let mut proposal = r.recall.clone();
                proposal.reasons = r.detail.clone();
                match self.recall().propose(&case, &proposal).await? {
                    Outcome::Changed(recorded) => detail = recorded,
                    other => return Ok(other.map(|_| 0)),
                }
            }
            RemedyKind::Compensation | RemedyKind::CivilSuit => {}
        }
        require!(!detail.is_empty(), "请写明具体内容", "describe the remedy",);
        let remedy_id = self
            .store
            .open_remedy(
                case_id,
                r.kind,
                amount,
                payment_ids.as_deref(),
                &detail,
                &today.to_string(),
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(remedy_id))
    }

    /// Records progress on a remedy of the case; returns its status now.
    pub async fn progress_remedy(
        &self,
        actor: &Actor,
        case_id: i64,
        remedy_id: i64,
        p: &RemedyProgress,
    ) -> Result<Outcome<RemedyStatus>> {
        handled!(self, actor, case_id);
        let remedies = self.store.remedies_of(case_id).await?;
        let Some(r) = remedies.into_iter().find(|r| r.remedy_id == remedy_id) else {
            return Ok(Outcome::NotFound);
        };
        if !r.status.is_open() {
            return Ok(Outcome::already_done(
                "该事项已办结, 不能再变更",
                "this remedy has ended and cannot change",
            ));
        }
        require!(
            p.status != RemedyStatus::Ordered,
            "请选择新的状态",
            "choose the remedy's new status",
        );
        let recovered = p.recovered_fen.unwrap_or(r.recovered_fen);
        require!(
            recovered >= 0,
            "金额不能为负",
            "an amount cannot be negative",
        );
        let mut status = p.status;
        let mut note = p.note.trim().to_string();
        if r.kind == RemedyKind::Recall
            && matches!(status, RemedyStatus::Done | RemedyStatus::Failed)
        {
            // The vote decides, not the clerk.
            match self.recall().vote(
                &r.detail,
                &p.vote.defence,
                p.vote.votes_cast,
                p.vote.approve,
            ) {
                Outcome::Changed((decided, recorded)) => {
                    status = decided;
                    note = format!("{recorded} {note}").trim().to_string();
                }
                other => return Ok(other.map(|_| RemedyStatus::Failed)),
            }
        }
        if status == RemedyStatus::Done && r.kind == RemedyKind::Refund {
            require!(
                r.amount_fen.is_none_or(|a| recovered >= a),
                "退还未足额, 不能标记为完成",
                "the refund is not complete; it cannot be marked done",
            );
        }
        let updated = self
            .store
            .update_remedy(
                remedy_id,
                status,
                recovered,
                &note,
                &self.clock.today().to_string(),
                &actor.username,
            )
            .await?;
        Ok(if updated {
            Outcome::Changed(status)
        } else {
            Outcome::already_done("该事项刚被他人办结", "someone ended this remedy meanwhile")
        })
    }

    fn recall(&self) -> crate::recall::RecallDesk<'_> {
        crate::recall::RecallDesk {
            store: self.store,
            clock: self.clock,
        }
    }
}
