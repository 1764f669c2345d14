//! 交叉办案: a case assigned to an official of another township, proposed and explained by the
//! system, never to anyone the conflict-of-interest policy excludes.

use super::CaseDesk;
use crate::conflict::Exclusion;
use crate::outcome::require;
use crate::role::{Role, DISPOSERS};
use crate::{Actor, Outcome};
use anyhow::Result;
use qingfeng_domain::case::Stage;
use qingfeng_domain::DivisionCode;
use qingfeng_store::cases::CaseRecord;
use qingfeng_store::reports::{Candidate, WrappedKey};
use qingfeng_vault::KeyPair;

/// Roles a case may be assigned to: other townships' discipline secretaries, county
/// investigators.
const ASSIGNABLE: &[Role] = &[Role::TownshipSecretary, Role::Investigator];

/// An official the system proposes for a case, with why.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// Why this official (zh, en): their unit, that they are unrelated, their load.
    pub why_zh: String,
    pub why_en: String,
}

impl Proposal {
    pub fn explanation(&self, zh: bool) -> &str {
        if zh {
            &self.why_zh
        } else {
            &self.why_en
        }
    }
}

impl CaseDesk<'_> {
    /// Whether `actor` may assign `case`: a disposer, while the case is open.
    pub fn may_assign(&self, actor: &Actor, case: &CaseRecord) -> bool {
        actor.is(DISPOSERS) && case.stage != Stage::Closed
    }

    /// The officials proposed for `case` (other townships' secretaries first, then the least
    /// loaded) and those excluded, with the reason.
    pub async fn proposals(&self, case: &CaseRecord) -> Result<(Vec<Proposal>, Vec<Exclusion>)> {
        let assigned: Vec<i64> = self
            .store
            .case_assignments(case.case_id)
            .await?
            .iter()
            .map(|a| a.user_id)
            .collect();
        let candidates: Vec<Candidate> = self
            .store
            .candidates(ASSIGNABLE)
            .await?
            .into_iter()
            .filter(|c| !assigned.contains(&c.user_id))
            .collect();
        let subjects = self.subjects(case).await?;
        let (allowed, excluded) = crate::conflict::exclude(
            self.store,
            candidates,
            case.village_code.as_deref(),
            &subjects,
            &self.clock.today().to_string(),
        )
        .await?;
        let load: std::collections::HashMap<i64, i64> =
            self.store.open_case_load().await?.into_iter().collect();
        let divisions = self.store.divisions().await?;
        let name_of = |code: &str| {
            divisions
                .iter()
                .find(|d| d.code == code)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| code.to_string())
        };
        let township = case
            .village_code
            .as_deref()
            .and_then(|v| DivisionCode::parse(v).ok())
            .and_then(|v| v.township())
            .map(|t| name_of(t.as_str()))
            .unwrap_or_default();
        let mut proposals: Vec<(bool, i64, Proposal)> = allowed
            .into_iter()
            .map(|c| {
                let n = load.get(&c.user_id).copied().unwrap_or(0);
                let unit = name_of(&c.jurisdiction);
                (
                    c.role != Role::TownshipSecretary,
                    n,
                    Proposal {
                        user_id: c.user_id,
                        why_zh: format!(
                            "来自{unit}, 与案件所在的{township}不同; 与本案涉及的每一人均无同户或申报亲属关系, 未在涉及的村或乡镇任职; 在办案件 {n} 件"
                        ),
                        why_en: format!(
                            "from {unit}, not the case's township {township}; no household or declared relation to any person concerned, no post in a village or township the case touches; {n} open cases"
                        ),
                        username: c.username,
                        display_name: c.display_name,
                    },
                )
            })
            .collect();
        // Other townships' secretaries first (the point of 交叉办案), then the least loaded.
        proposals.sort_by(|a, b| (a.0, a.1, &a.2.username).cmp(&(b.0, b.1, &b.2.username)));
        Ok((proposals.into_iter().map(|p| p.2).collect(), excluded))
    }

    /// Assigns `case_id` to `user_id`, who must be among the proposals; the explanation in the
    /// assigner's language (`zh`) is kept with the assignment. A case from a report: the
    /// assignee gets a copy of the report's key, wrapped from `own_key` (the assigner's key of
    /// the session; the server has none to give).
    pub async fn assign(
        &self,
        actor: &Actor,
        case_id: i64,
        user_id: i64,
        own_key: Option<&KeyPair>,
        zh: bool,
    ) -> Result<Outcome<Proposal>> {
        let Some(case) = self.visible(actor, case_id).await? else {
            return Ok(Outcome::NotFound);
        };
        require!(
            self.may_assign(actor, &case),
            "只有县纪委监委可以在案件办结前指定办案人员",
            "only the county commission assigns a case, while it is open",
        );
        if self
            .store
            .case_assignments(case_id)
            .await?
            .iter()
            .any(|a| a.user_id == user_id)
        {
            return Ok(Outcome::already_done(
                "此人已被指定办理本案",
                "this official is assigned to the case already",
            ));
        }
        let (proposals, _) = self.proposals(&case).await?;
        let Some(p) = proposals.into_iter().find(|p| p.user_id == user_id) else {
            return Ok(Outcome::refused(
                "只能指定系统建议的人员",
                "only a proposed official can be assigned",
            ));
        };
        // The key first: an assignee without it would be assigned a case they cannot open.
        let key = if case.source_kind == "report" {
            match self.report_key_for(actor, &case, user_id, own_key).await? {
                Some(key) => Some(key),
                None => {
                    return Ok(Outcome::refused(
                        "无法为其转交举报密钥: 请重新登录后再试",
                        "the report's key cannot be passed on from this session: sign in again and retry",
                    ))
                }
            }
        } else {
            None
        };
        self.store
            .assign_case(case_id, user_id, p.explanation(zh), &actor.username)
            .await?;
        if let Some((report_id, wrapped)) = key {
            self.store
                .grant_report_key(
                    report_id,
                    &WrappedKey {
                        user_id,
                        purpose: "content",
                        wrapped,
                    },
                    &actor.username,
                    &format!("assigned to case {case_id}"),
                )
                .await?;
        }
        Ok(Outcome::Changed(p))
    }

    /// The report's key wrapped for `to_user`, from the assigner's own copy.
    async fn report_key_for(
        &self,
        actor: &Actor,
        case: &CaseRecord,
        to_user: i64,
        own_key: Option<&KeyPair>,
    ) -> Result<Option<(i64, Vec<u8>)>> {
        let (Ok(report_id), Some(own)) = (case.source_id.parse::<i64>(), own_key) else {
            return Ok(None);
        };
        let Some(envelope) = self.store.report_for(actor.user_id, report_id).await? else {
            return Ok(None);
        };
        let Some(public) = self
            .store
            .candidates(ASSIGNABLE)
            .await?
            .into_iter()
            .find(|c| c.user_id == to_user)
            .and_then(|c| c.public_key)
        else {
            return Ok(None);
        };
        let key = KeyPair::unwrap(&envelope.content_key, own)?;
        Ok(Some((report_id, key.wrap_for(&public)?)))
    }
}
