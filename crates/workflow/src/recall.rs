//! 罢免: the recall of a village committee member (村民委员会组织法 art. 16), as a remedy of a case.
//!
//! - Only a member of the villagers' committee can be recalled (a party post ends by the
//!   party's own procedure): the case's subject must hold a current post on the committee of
//!   the case's village, by the officials register.
//! - The proposal needs at least one fifth of the registered voters, or one third of the villager
//!   representatives, and its reasons in writing. The registered voters are counted from the
//!   registers (residents aged 18 or more, not registered dead), not typed in.
//! - The member may defend: the defence (or that they declined) is recorded before the vote.
//! - The vote removes the member when more than half of the registered voters vote and more than
//!   half of the votes approve.
//! - A failed recall bars another against the same person for six months (the common provincial
//!   rule), whichever case it comes from.

use crate::outcome::require;
use crate::{Clock, Outcome};
use anyhow::Result;
use qingfeng_domain::case::{
    recall_may_be_proposed, recall_passes, same_recall_barred_until, RemedyStatus,
};
use qingfeng_store::cases::CaseRecord;
use qingfeng_store::Store;

/// What the proposer enters.
#[derive(Debug, Clone, Default)]
pub struct RecallProposal {
    pub voter_signatures: u32,
    pub representatives: u32,
    pub representative_signatures: u32,
    pub reasons: String,
}

/// The recall rules over one store and clock.
pub struct RecallDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
}

impl RecallDesk<'_> {
    /// Checks a proposal to recall the subject of `case`; returns the detail to record with the
    /// remedy (the registered voters counted, the signatures, the post, the reasons).
    pub async fn propose(&self, case: &CaseRecord, p: &RecallProposal) -> Result<Outcome<String>> {
        let today = self.clock.today();
        let (Some(subject), Some(village)) = (&case.subject_id_number, &case.village_code) else {
            return Ok(Outcome::refused(
                "案件没有确定的被罢免人及其所在村",
                "the case names no person and village to recall from",
            ));
        };
        let name = case.subject_name.clone().unwrap_or_else(|| subject.clone());
        let Some(post) = self
            .store
            .village_committee_post(subject, village, &today.to_string())
            .await?
        else {
            return Ok(Outcome::refused(
                format!("只能罢免村民委员会成员：{name}现不是本村村委会成员"),
                format!(
                    "only a member of the villagers' committee can be recalled; {name} is not one"
                ),
            ));
        };
        let reasons = p.reasons.trim();
        require!(
            !reasons.is_empty(),
            "须写明罢免理由",
            "a recall must state its reasons",
        );
        let born_by = today
            .checked_sub_months(chrono::Months::new(18 * 12))
            .unwrap_or(today);
        let voters = self
            .store
            .registered_voters(village, &born_by.to_string())
            .await?;
        let voters = u32::try_from(voters).unwrap_or(u32::MAX);
        require!(
            recall_may_be_proposed(
                p.voter_signatures,
                voters,
                p.representative_signatures,
                p.representatives
            ),
            format!(
                "联名不足：须本村登记选民({voters}人)五分之一以上或村民代表三分之一以上"
            ),
            format!(
                "not enough signatures: one fifth of the {voters} registered voters, or one third of the representatives"
            ),
        );
        for failed in self.store.failed_recalls_against(subject).await? {
            if let Ok(on) = chrono::NaiveDate::parse_from_str(&failed, "%Y-%m-%d") {
                let until = same_recall_barred_until(on);
                require!(
                    today >= until,
                    format!("对{name}的罢免于{on}未获通过，六个月内不得再次提出（至{until}）"),
                    format!("a recall of {name} failed on {on}; another may not be proposed until {until}"),
                );
            }
        }
        Ok(Outcome::Changed(format!(
            "voters={voters} voter_signatures={} representatives={} representative_signatures={} post={post} reasons={reasons}",
            p.voter_signatures, p.representatives, p.representative_signatures
        )))
    }

    /// Judges the vote on a recall whose recorded detail is `detail`: the member's defence must
    /// be on record; the registered voters are those counted at the proposal. Returns the
    /// remedy's new status (done or failed) and the note to record.
    pub fn vote(
        &self,
        detail: &str,
        defence: &str,
        votes_cast: u32,
        approve: u32,
    ) -> Outcome<(RemedyStatus, String)> {
        let defence = defence.trim();
        if defence.is_empty() {
            return Outcome::refused(
                "表决前须记录被罢免人的申辩意见（或其放弃申辩）",
                "record the member's defence (or that they declined) before the vote",
            );
        }
        let voters: u32 = detail
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix("voters="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if votes_cast == 0 || approve > votes_cast || votes_cast > voters {
            return Outcome::refused(
                format!("表决人数不正确：参加投票不超过登记选民{voters}人，赞成不超过投票人数"),
                format!("the vote's counts are wrong: at most {voters} voters, approvals at most the votes cast"),
            );
        }
        let status = if recall_passes(voters, votes_cast, approve) {
            RemedyStatus::Done
        } else {
            RemedyStatus::Failed
        };
        Outcome::Changed((
            status,
            format!("votes_cast={votes_cast} approve={approve} defence={defence}"),
        ))
    }
}
