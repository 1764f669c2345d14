//! A case's stages, its joint discussions and its closing checklist.

use super::{collective, handled, CaseDesk};
use crate::outcome::require;
use crate::{Actor, Outcome};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::case::{transition, Checklist, Stage};
use qingfeng_store::cases::CaseRecord;

/// A joint discussion (联席会议) as minuted.
#[derive(Debug, Clone)]
pub struct Discussion {
    pub held_on: NaiveDate,
    /// Who took part.
    pub participants: Vec<String>,
    /// The units represented.
    pub units: String,
    pub minutes: String,
    pub decision: String,
}

/// The closing checklist recorded on `case`.
pub fn checklist_of(case: &CaseRecord) -> Checklist {
    Checklist {
        cause_analysed: case.cause_analysed.clone(),
        responsibility_handled: case.responsibility_handled.clone(),
        people_educated: case.people_educated.clone(),
        prevention_in_place: case.prevention_in_place.clone(),
    }
}

impl CaseDesk<'_> {
    /// Moves the case to `to`, with the reason the history keeps; returns the new stage.
    pub async fn move_to(
        &self,
        actor: &Actor,
        case_id: i64,
        to: Stage,
        reason: &str,
    ) -> Result<Outcome<Stage>> {
        let case = handled!(self, actor, case_id);
        if case.stage == to {
            return Ok(Outcome::already_done(
                format!("案件已处于“{}”阶段", to.zh()),
                format!("the case is at {} already", to.code()),
            ));
        }
        require!(
            to != Stage::Appeal && case.stage != Stage::Appeal,
            "申诉阶段只能通过登记申诉、作出申诉决定进出",
            "a case enters and leaves the appeal stage only by recording an appeal and deciding it",
        );
        if let Err(refusal) = transition(case.stage, to, &checklist_of(&case)) {
            return Ok(Outcome::refused(refusal.zh, refusal.en));
        }
        let reason = reason.trim();
        require!(!reason.is_empty(), "须写明理由", "a move needs its reason");
        if case.important && to == Stage::Decided {
            require!(
                !self.store.discussions_of(case_id).await?.is_empty(),
                "重要案件须先召开联席会议, 再作出决定",
                "an important case is decided only after a joint discussion",
            );
        }
        if to == Stage::Closed {
            let open: Vec<String> = self
                .store
                .remedies_of(case_id)
                .await?
                .iter()
                .filter(|r| r.status.is_open())
                .map(|r| format!("#{}", r.remedy_id))
                .collect();
            require!(
                open.is_empty(),
                format!(
                    "尚有未了结的整改追缴事项({}), 须办结(完成、拒绝或未能实现)后才能结案",
                    open.join("、")
                ),
                format!(
                    "remedies {} are still open: a case closes when each is done, refused or failed",
                    open.join(", ")
                ),
            );
        }
        let closed_on = (to == Stage::Closed).then(|| self.clock.today().to_string());
        let moved = self
            .store
            .move_case(
                case_id,
                case.stage,
                to,
                reason,
                &actor.username,
                closed_on.as_deref(),
            )
            .await?;
        Ok(if moved {
            Outcome::Changed(to)
        } else {
            Outcome::already_done(
                "案件阶段刚被他人改变, 请刷新后再试",
                "someone moved the case meanwhile; reload and try again",
            )
        })
    }

    /// Records the evidence of the four closing items (an empty item stays open).
    pub async fn set_checklist(
        &self,
        actor: &Actor,
        case_id: i64,
        items: &Checklist,
    ) -> Result<Outcome> {
        let case = handled!(self, actor, case_id);
        require!(
            case.stage != Stage::Closed,
            "案件已结案, 不能修改",
            "the case is closed and cannot change",
        );
        let item = |e: &Option<String>| {
            e.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let items = [
            item(&items.cause_analysed),
            item(&items.responsibility_handled),
            item(&items.people_educated),
            item(&items.prevention_in_place),
        ];
        self.store
            .set_checklist(
                case_id,
                [
                    items[0].as_deref(),
                    items[1].as_deref(),
                    items[2].as_deref(),
                    items[3].as_deref(),
                ],
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(()))
    }

    /// Records a joint discussion (联席会议) of the case.
    pub async fn discuss(&self, actor: &Actor, case_id: i64, d: &Discussion) -> Result<Outcome> {
        let case = handled!(self, actor, case_id);
        require!(
            case.stage != Stage::Closed,
            "案件已结案, 不能修改",
            "the case is closed and cannot change",
        );
        require!(
            d.held_on <= self.clock.today(),
            "会议日期不能晚于今天",
            "the meeting cannot be later than today",
        );
        let (units, minutes, decision) = (d.units.trim(), d.minutes.trim(), d.decision.trim());
        require!(
            !units.is_empty() && !minutes.is_empty() && !decision.is_empty(),
            "请填写全部内容: 参加单位、会议纪要和决定",
            "fill in every field: the units, the minutes and the decision",
        );
        require!(
            collective(&d.participants),
            "联席会议至少三名不同的参加人员",
            "a joint discussion has at least three different participants",
        );
        self.store
            .add_discussion(
                case_id,
                &d.held_on.to_string(),
                &d.participants.join("、"),
                units,
                minutes,
                decision,
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(()))
    }
}
