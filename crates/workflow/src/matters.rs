//! 事项: each use of a power of the micro-power list, tracked step by step (issue 14).
//!
//! - A matter is opened by a village official of its village, for a power of the county's list.
//! - Its steps are done in the list's order, none skipped, none out of turn, each once
//!   (`qingfeng_domain::matter`); the last closes it.
//! - Each step is done by an account of the post the list names ([`crate::role::acts_for`]), in
//!   its jurisdiction: the village's posts by its officials, cashier and supervision committee;
//!   the township's by its bookkeeper and officials for the villages of their township.
//! - Everyone who may see the village's records sees its matters and where each stands: the
//!   step due now, by when, and whether it is overdue.
//! - A villager may object to a step done or due (anonymously, publicly). The village answers
//!   within [`OBJECTION_DAYS`] days; after that the objection is escalated to the township, whose
//!   officials answer it (the village no longer can).

use crate::outcome::require;
use crate::role::{acts_for, ESCALATION_ANSWERERS, MATTER_OPENERS, OBJECTION_ANSWERERS};
use crate::{Actor, Clock, Outcome};
use anyhow::Result;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_domain::matter::{may_do, progress, StepState};
use qingfeng_domain::power::{Power, PowerList};
use qingfeng_store::matters::{MatterRecord, MatterStep, NewMatter, NewStep, Objection};

/// Days within which the village answers a villager's objection (a common local rule,
/// `domain.md`); unanswered after them, it goes to the township.
pub const OBJECTION_DAYS: u64 = 10;

/// The longest objection kept (characters).
pub const OBJECTION_MAX_CHARS: usize = 2000;

/// Whether `o` is unanswered past its day on `today`, and so the township's to answer.
pub fn escalated(o: &Objection, today: chrono::NaiveDate) -> bool {
    o.answer.is_none() && o.answer_due.as_str() < today.to_string().as_str()
}
use qingfeng_store::Store;

/// The matter use cases, over one store, the county's list, clock and calendar.
pub struct MatterDesk<'a> {
    pub store: &'a Store,
    pub powers: &'a PowerList,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
}

/// A matter with its power, the steps done and where each step stands today.
#[derive(Debug, Clone)]
pub struct MatterView {
    pub matter: MatterRecord,
    pub power: Power,
    pub done: Vec<MatterStep>,
    pub states: Vec<StepState>,
}

impl MatterView {
    pub fn overdue(&self) -> bool {
        self.states
            .iter()
            .any(|s| matches!(s, StepState::Current { overdue: true, .. }))
    }
}

impl MatterDesk<'_> {
    /// Opens a matter of `power_id` in the actor's village.
    pub async fn open(&self, actor: &Actor, power_id: &str, title: &str) -> Result<Outcome<i64>> {
        require!(
            actor.is(MATTER_OPENERS),
            "只有本村村干部可以发起事项",
            "only an official of the village opens a matter",
        );
        let qingfeng_store::Scope::Village(village) = &actor.scope else {
            return Ok(Outcome::refused(
                "只有本村村干部可以发起事项",
                "only an official of the village opens a matter",
            ));
        };
        require!(
            self.powers.get(power_id).is_some(),
            "权力清单中没有这一项",
            "the county's power list has no such power",
        );
        let title = title.trim();
        require!(
            !title.is_empty(),
            "请写明事项名称",
            "the matter needs a title",
        );
        let id = self
            .store
            .open_matter(
                &NewMatter {
                    power_id,
                    village_code: village,
                    title,
                    opened_on: &self.clock.today().to_string(),
                },
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// The matter with its progress, if the actor's jurisdiction covers its village.
    pub async fn visible(&self, actor: &Actor, matter_id: i64) -> Result<Option<MatterView>> {
        let Some(matter) = self.store.matter(matter_id).await? else {
            return Ok(None);
        };
        if !actor.scope.covers(Some(&matter.village_code), None) {
            return Ok(None);
        }
        self.view(matter).await
    }

    async fn view(&self, matter: MatterRecord) -> Result<Option<MatterView>> {
        let done = self.store.matter_steps(matter.matter_id).await?;
        Ok(self.view_with(matter, done))
    }

    /// The views of `matters`, their steps read in one query (a list page is one read of the
    /// matters and one of their steps, however many it shows).
    async fn views(&self, matters: Vec<MatterRecord>) -> Result<Vec<MatterView>> {
        let ids: Vec<i64> = matters.iter().map(|m| m.matter_id).collect();
        let mut steps: std::collections::HashMap<i64, Vec<MatterStep>> =
            std::collections::HashMap::new();
        for s in self.store.steps_of_matters(&ids).await? {
            steps.entry(s.matter_id).or_default().push(s);
        }
        Ok(matters
            .into_iter()
            .filter_map(|m| {
                let done = steps.remove(&m.matter_id).unwrap_or_default();
                self.view_with(m, done)
            })
            .collect())
    }

    fn view_with(&self, matter: MatterRecord, done: Vec<MatterStep>) -> Option<MatterView> {
        // A matter of a power the county has since taken off its list is not shown as if it
        // followed another procedure.
        let power = self.powers.get(&matter.power_id).cloned()?;
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let opened_on = day(&matter.opened_on).unwrap_or_else(|| self.clock.today());
        let done_on: Vec<_> = done.iter().filter_map(|s| day(&s.done_on)).collect();
        let states = progress(
            &power,
            opened_on,
            &done_on,
            self.clock.today(),
            self.calendar,
        );
        Some(MatterView {
            matter,
            power,
            done,
            states,
        })
    }

    /// A village's matters as the villagers see them (村务公开: public by law), newest first.
    pub async fn public(&self, village_code: &str) -> Result<Vec<MatterView>> {
        self.views(self.store.matters_of_village(village_code).await?)
            .await
    }

    /// The matters of a village the actor's jurisdiction covers, newest first.
    pub async fn of_village(&self, actor: &Actor, village_code: &str) -> Result<Vec<MatterView>> {
        if !actor.scope.covers(Some(village_code), None) {
            return Ok(Vec::new());
        }
        self.views(self.store.matters_of_village(village_code).await?)
            .await
    }

    /// The matters the actor's jurisdiction covers, open ones first (at most 500).
    pub async fn list(&self, actor: &Actor) -> Result<Vec<MatterView>> {
        self.views(self.store.matters_in_scope(&actor.scope, 500).await?)
            .await
    }

    /// Whether the actor does the step due now in `view` (to offer the form).
    pub fn acts_now(&self, actor: &Actor, view: &MatterView) -> bool {
        view.power
            .steps
            .get(view.done.len())
            .is_some_and(|s| actor.is(acts_for(s.post)))
    }

    /// A villager objects to step `step_no` (done, or the one due now) of a matter.
    pub async fn object(
        &self,
        matter_id: i64,
        step_no: usize,
        content: &str,
    ) -> Result<Outcome<i64>> {
        let Some(matter) = self.store.matter(matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let Some(view) = self.view(matter).await? else {
            return Ok(Outcome::NotFound);
        };
        let content = content.trim();
        require!(
            !content.is_empty(),
            "请写明异议的内容",
            "please say what the objection is",
        );
        require!(
            content.chars().count() <= OBJECTION_MAX_CHARS,
            format!("异议不能超过{OBJECTION_MAX_CHARS}字"),
            format!("an objection holds at most {OBJECTION_MAX_CHARS} characters"),
        );
        require!(
            step_no >= 1 && step_no <= (view.done.len() + 1).min(view.power.steps.len()),
            "只能对已办理或正在办理的步骤提出异议",
            "an objection is to a step done or due now",
        );
        let today = self.clock.today();
        let due = today + chrono::Days::new(OBJECTION_DAYS);
        let id = self
            .store
            .file_objection(
                matter_id,
                step_no as i64,
                content,
                &today.to_string(),
                &due.to_string(),
            )
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// The unanswered objections in the actor's jurisdiction, oldest first.
    pub async fn open_objections(&self, actor: &Actor) -> Result<Vec<Objection>> {
        self.store.open_objections_in_scope(&actor.scope).await
    }

    /// The objections to a matter, oldest first.
    pub async fn objections(&self, matter_id: i64) -> Result<Vec<Objection>> {
        self.store.objections_of(matter_id).await
    }

    /// Whether the actor answers `o` now: the village's officials within its days, the
    /// township's once it is escalated.
    pub fn answers_now(&self, actor: &Actor, o: &Objection) -> bool {
        o.answer.is_none()
            && if escalated(o, self.clock.today()) {
                actor.is(ESCALATION_ANSWERERS)
            } else {
                actor.is(OBJECTION_ANSWERERS)
            }
    }

    /// Answers objection `objection_id`.
    pub async fn answer(
        &self,
        actor: &Actor,
        objection_id: i64,
        answer: &str,
    ) -> Result<Outcome<()>> {
        let Some(o) = self.store.objection(objection_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let Some(view) = self.visible(actor, o.matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if o.answer.is_some() {
            return Ok(Outcome::already_done(
                "这条异议已经答复",
                "this objection has been answered",
            ));
        }
        if !self.answers_now(actor, &o) {
            return Ok(if escalated(&o, self.clock.today()) {
                Outcome::refused(
                    format!(
                        "答复期限（{}）已过，异议已上交乡镇，由乡镇答复",
                        o.answer_due
                    ),
                    format!(
                        "the day to answer ({}) has passed: the objection is the township's now",
                        o.answer_due
                    ),
                )
            } else {
                Outcome::refused(
                    "异议由村干部在10日内答复，逾期由乡镇答复",
                    "the village's officials answer an objection within 10 days, the township after",
                )
            });
        }
        // An escalated objection is an objection to the village's officials: a township official
        // who holds a post in the village (or whose household or declared relative does) is
        // not the one to answer it.
        if escalated(&o, self.clock.today()) {
            let related = crate::conflict::related(self.store, self.clock, actor).await?;
            require!(
                !related.villages.contains(&view.matter.village_code),
                "您在该村任职或与该村干部有亲属关系，应由乡镇其他人员答复",
                "you hold a post in this village or are related to one who does: another township official answers",
            );
        }
        let answer = answer.trim();
        require!(
            !answer.is_empty(),
            "请写明答复内容",
            "the answer needs a text",
        );
        let recorded = self
            .store
            .answer_objection(
                objection_id,
                answer,
                &self.clock.today().to_string(),
                &actor.username,
            )
            .await?;
        Ok(if recorded {
            Outcome::Changed(())
        } else {
            Outcome::already_done("这条异议已经答复", "this objection has been answered")
        })
    }

    /// Records step `step_no` (1-based) of a matter as done today by the actor.
    pub async fn do_step(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        note: &str,
        documents: &[String],
    ) -> Result<Outcome<()>> {
        let Some(view) = self.visible(actor, matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if let Err(why) = may_do(&view.power, view.done.len(), step_no) {
            return Ok(match why.code {
                "step_done" | "matter_finished" => Outcome::already_done(why.zh, why.en),
                _ => Outcome::refused(why.zh, why.en),
            });
        }
        let step = &view.power.steps[step_no - 1];
        if !actor.is(acts_for(step.post)) {
            return Ok(Outcome::refused(
                format!("第{step_no}步由{}办理", step.post.label_zh()),
                format!(
                    "step {step_no} is for the {}",
                    step.post.label_en().to_lowercase()
                ),
            ));
        }
        // The papers the list requires of the step, each confirmed in hand (named as the list
        // names them, in either language).
        let missing: Vec<usize> = (0..step.documents_zh.len())
            .filter(|&i| {
                !documents
                    .iter()
                    .any(|d| *d == step.documents_zh[i] || *d == step.documents_en[i])
            })
            .collect();
        if !missing.is_empty() {
            let zh: Vec<&str> = missing
                .iter()
                .map(|&i| step.documents_zh[i].as_str())
                .collect();
            let en: Vec<&str> = missing
                .iter()
                .map(|&i| step.documents_en[i].as_str())
                .collect();
            return Ok(Outcome::refused(
                format!("材料不全，缺少：{}", zh.join("、")),
                format!("documents missing: {}", en.join("; ")),
            ));
        }
        let documents = step.documents_zh.clone();
        let recorded = self
            .store
            .record_step(
                &NewStep {
                    matter_id,
                    step_no: step_no as i64,
                    post: step.post,
                    done_on: &self.clock.today().to_string(),
                    note: note.trim(),
                    documents: &documents,
                    last: step_no == view.power.steps.len(),
                },
                &actor.username,
            )
            .await?;
        Ok(if recorded {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "这一步刚被别人办理，请刷新后再看",
                "someone has just recorded this step: look again",
            )
        })
    }
}
