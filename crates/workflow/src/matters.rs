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
//! - Decisions that gate (四议两公开): the meetings of a deciding power record their counts, each
//!   judged by the shared definition of validity (`decision_validity.sql`, as DEC-INVALID judges
//!   it) before the step is recorded; the villagers' vote writes the decision register's row,
//!   the publication completes it. A step that rests on a decision (a project, a lease) and a
//!   payment for such a matter wait until the decision is complete; the refusal names the step
//!   missing.
//! - The township's approval chain (村账乡管): a spending matter carries what it asks to pay;
//!   the supervision committee signs or refuses with a reason; the township agency pays only
//!   what the rules of the books would not flag (the engine, run on the request as the voucher
//!   it becomes, with the county's thresholds), and the payment becomes that voucher.

use crate::outcome::require;
use crate::role::{acts_for, ESCALATION_ANSWERERS, MATTER_OPENERS, OBJECTION_ANSWERERS};
use crate::{Actor, Clock, Outcome, Role};
use anyhow::Result;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_domain::decision::{Votes, NOTICE_DAYS};
use qingfeng_domain::matter::{due_on, may_do, progress, StepState};
use qingfeng_domain::power::{Power, PowerList, StepRecord};
use qingfeng_domain::spending::{Flag, RequestForm, VoucherDraft};
use qingfeng_store::matters::{
    DecisionRow, DisclosureRow, MatterCounts, MatterRecord, MatterStep, NewMatter, NewObjection,
    NewPaper, NewStep, Objection, PaperInfo, RegisterWrite, SpendingRequest, Validity,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The rules asked before a payment: what they would flag about the request as the voucher it
/// becomes. The program wires in the engine (`qingfeng_engine::precheck`); without it no
/// payment is made (the chain fails closed).
pub type PaymentCheck = Arc<
    dyn Fn(Store, VoucherDraft) -> Pin<Box<dyn Future<Output = Result<Vec<Flag>>> + Send>>
        + Send
        + Sync,
>;

/// The id in the decision register of the decision a matter makes.
pub fn decision_id_of(matter_id: i64) -> String {
    format!("QF-DEC-{matter_id}")
}

/// The largest scan a step takes.
pub const PAPER_MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most scans a step takes.
pub const PAPERS_PER_STEP: usize = 10;

/// What a scan is, by its first bytes: a name or a declared type says nothing.
fn scan_type(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if body.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// The id in the disclosure register of what a disclosure matter published.
pub fn disclosure_id_of(matter_id: i64) -> String {
    format!("QF-GK-{matter_id}")
}

/// The id in the books of the voucher a paid request becomes.
pub fn voucher_id_of(matter_id: i64) -> String {
    format!("QF-PAY-{matter_id}")
}

/// The matter whose decision `decision_id` is, if it is one a matter makes.
fn matter_of_decision(decision_id: &str) -> Option<i64> {
    decision_id.strip_prefix("QF-DEC-")?.parse().ok()
}

/// What a step's form brings besides the actor: a note, the papers confirmed in hand, a
/// meeting's counts, the decision the step rests on.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub note: String,
    pub documents: Vec<String>,
    pub votes: Option<Votes>,
    pub decision_id: Option<String>,
}

/// Days within which the village answers a villager's objection (a common local rule,
/// `domain.md`); unanswered after them, it goes to the township.
pub const OBJECTION_DAYS: u64 = 10;

/// The most matters a queue shows at once (the oldest first: what is due soonest).
pub const QUEUE_LIMIT: i64 = 100;

/// Matters a page of the list shows.
pub const LIST_PAGE: i64 = 100;

/// The longest objection kept (characters).
pub const OBJECTION_MAX_CHARS: usize = 2000;

/// Whether `o` is unanswered past its day on `today`, and so the township's to answer.
pub fn escalated(o: &Objection, today: chrono::NaiveDate) -> bool {
    o.answer.is_none() && o.answer_due.as_str() < today.to_string().as_str()
}
use qingfeng_store::Store;

/// The matter use cases, over one store, the county's list, clock and calendar, and the
/// rules asked before payment.
pub struct MatterDesk<'a> {
    pub store: &'a Store,
    pub powers: &'a PowerList,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
    pub payment_check: Option<&'a PaymentCheck>,
}

/// A matter with its power, the steps done and where each step stands today.
#[derive(Debug, Clone)]
pub struct MatterView {
    pub matter: MatterRecord,
    pub power: Power,
    pub done: Vec<MatterStep>,
    pub states: Vec<StepState>,
    /// What a spending matter asks to pay (read for one matter's page, not for lists).
    pub request: Option<SpendingRequest>,
}

impl MatterView {
    pub fn overdue(&self) -> bool {
        self.states
            .iter()
            .any(|s| matches!(s, StepState::Current { overdue: true, .. }))
    }
}

impl MatterDesk<'_> {
    /// Opens a matter of `power_id` in the actor's village; a spending power's matter with what
    /// it asks to pay (`request`), refused at once if it rests on a matter whose decision is not
    /// complete or if the rules of the books would flag it.
    pub async fn open(
        &self,
        actor: &Actor,
        power_id: &str,
        title: &str,
        amount: Option<i64>,
        request: Option<&RequestForm>,
    ) -> Result<Outcome<i64>> {
        self.open_with(actor, power_id, title, amount, request, None)
            .await
    }

    /// Opens a matter of a publishing power (村务公开): what it will publish, its category
    /// (a code of the disclosure register, or its Chinese spelling) and period (`2025-02`,
    /// `2025年2月`), checked as the register's file would be.
    pub async fn open_disclosure(
        &self,
        actor: &Actor,
        power_id: &str,
        title: &str,
        category: &str,
        period: &str,
    ) -> Result<Outcome<i64>> {
        let register = qingfeng_domain::contract::table("disclosures").expect("a contract table");
        let mut parsed = Vec::new();
        for (column, raw) in [("category", category), ("period", period)] {
            let c = register.column(column).expect("a column of disclosures");
            if qingfeng_domain::clean::trim(raw).is_empty() {
                return Ok(Outcome::refused(
                    format!("请填写公开的{}", c.zh[0]),
                    format!("give the disclosure's {column}"),
                ));
            }
            match qingfeng_domain::contract::parse_cell(c.kind, raw) {
                Ok(p) => match p.cell {
                    qingfeng_domain::contract::Cell::Text(t) => parsed.push(t),
                    _ => unreachable!("codes and periods parse to text"),
                },
                Err(why) => {
                    return Ok(Outcome::refused(
                        format!("{}“{raw}”：{}", c.zh[0], why.zh),
                        format!("{column} \"{raw}\": {}", why.en),
                    ))
                }
            }
        }
        self.open_with(
            actor,
            power_id,
            title,
            None,
            None,
            Some((&parsed[0], &parsed[1])),
        )
        .await
    }

    async fn open_with(
        &self,
        actor: &Actor,
        power_id: &str,
        title: &str,
        amount: Option<i64>,
        request: Option<&RequestForm>,
        disclosure: Option<(&str, &str)>,
    ) -> Result<Outcome<i64>> {
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
        let Some(power) = self.powers.get(power_id) else {
            return Ok(Outcome::refused(
                "权力清单中没有这一项",
                "the county's power list has no such power",
            ));
        };
        let title = title.trim();
        require!(
            !title.is_empty(),
            "请写明事项名称",
            "the matter needs a title",
        );
        require!(
            amount.is_none_or(|a| a >= 0),
            "金额不能为负数",
            "an amount cannot be negative",
        );
        require!(
            power.publishes() == disclosure.is_some(),
            if power.publishes() {
                "村务公开事项须写明公开类别和期间"
            } else {
                "这项权力不公布公开内容"
            },
            if power.publishes() {
                "a disclosure matter needs the disclosure's category and period"
            } else {
                "this power publishes no disclosure"
            },
        );
        let mut amount = amount;
        // The request as filed: cleaned as the books are, so that the rules see who is paid.
        let mut filed = None;
        if power.spends() {
            let Some(request) = request else {
                return Ok(Outcome::refused(
                    "报销事项须填写金额、收款人、科目和用途",
                    "a spending matter needs its amount, payee, category and purpose",
                ));
            };
            let request = match request.cleaned() {
                Ok(r) => r,
                Err(why) => return Ok(Outcome::refused(why.zh, why.en)),
            };
            amount = Some(request.amount_fen);
            // Refused before anyone signs what could never be paid.
            let draft = self.draft(village, None, &request).await?;
            if let Some(refusal) = self.payment_refusal(village, &request, &draft).await? {
                return Ok(Outcome::Refused(refusal));
            }
            filed = Some(request);
        }
        let id = self
            .store
            .open_matter(
                &NewMatter {
                    power_id,
                    village_code: village,
                    title,
                    opened_on: &self.clock.today().to_string(),
                    due_on: due_on(power, 0, self.clock.today(), self.calendar)
                        .map(|d| d.to_string())
                        .as_deref(),
                    amount,
                    request: filed.as_ref(),
                    disclosure,
                },
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// The voucher a request becomes if paid today (`matter_id` None: not yet opened).
    async fn draft(
        &self,
        village: &str,
        matter_id: Option<i64>,
        r: &RequestForm,
    ) -> Result<VoucherDraft> {
        // Money for a decided project or lease rests on that matter's decision.
        let mut decision_id = r.decision_id.clone().filter(|d| !d.trim().is_empty());
        if decision_id.is_none() {
            if let Some(m) = r.for_matter {
                decision_id = self.store.matter(m).await?.and_then(|m| m.decision_id);
            }
        }
        Ok(VoucherDraft {
            voucher_id: matter_id.map_or_else(|| "QF-PAY-new".to_string(), voucher_id_of),
            village_code: village.to_string(),
            date: self.clock.today().to_string(),
            category: r.category.clone(),
            amount_fen: r.amount_fen,
            method: r.method.clone(),
            counterparty_name: r.payee_name.trim().to_string(),
            counterparty_id: r.payee_id.clone().filter(|p| !p.trim().is_empty()),
            contract_id: r.contract_id.clone().filter(|c| !c.trim().is_empty()),
            project_id: None,
            decision_id,
            description: r.description.trim().to_string(),
            approved_by: None,
            supervisor_signed: false,
        })
    }

    /// Why a request may not be paid: the matter it is for has not completed its decision, or
    /// the rules of the books flag it (each flag named, with the missing step of a decision a
    /// matter is still taking). None: it may be paid.
    async fn payment_refusal(
        &self,
        village: &str,
        r: &RequestForm,
        draft: &VoucherDraft,
    ) -> Result<Option<crate::outcome::Refusal>> {
        if let Some(m) = r.for_matter {
            let Some(view) = self.public_one(village, m).await? else {
                return Ok(Some(crate::outcome::Refusal::new(
                    format!("本村没有编号为{m}的事项"),
                    format!("the village has no matter {m}"),
                )));
            };
            if let Some(i) = view.power.step_recording(StepRecord::Decision) {
                if view.done.len() <= i {
                    let missing = self
                        .missing_of_decision(view.matter.decision_id.as_deref())
                        .await?;
                    let step = &view.power.steps[i];
                    return Ok(Some(crate::outcome::Refusal::new(
                        format!(
                            "事项“{}”的决策尚未完成（第{}步“{}”未办理）{}，不能为其支出",
                            view.matter.title, i + 1, step.title_zh, missing.0
                        ),
                        format!(
                            "the decision of matter \"{}\" is not complete (step {}, \"{}\", not done){}: nothing may be spent on it",
                            view.matter.title, i + 1, step.title_en, missing.1
                        ),
                    )));
                }
            }
        }
        let Some(check) = self.payment_check else {
            return Ok(Some(crate::outcome::Refusal::new(
                "本系统未接入规则检查，不能审核支付",
                "this server has no rule check wired in: no payment can be checked",
            )));
        };
        let flags = check(self.store.clone(), draft.clone()).await?;
        if flags.is_empty() {
            return Ok(None);
        }
        let missing = self
            .missing_of_decision(draft.decision_id.as_deref())
            .await?;
        // Each flag in the rule's own words; the decision's missing step added to the one
        // about the decision.
        let line = |f: &Flag, zh: bool| {
            let extra = match (f.rule_id == "FUN-NO-DECISION", zh) {
                (false, _) => "",
                (true, true) => missing.0.as_str(),
                (true, false) => missing.1.as_str(),
            };
            if zh {
                format!("【{}】{}{extra}", f.rule_id, f.explanation_zh)
            } else {
                format!("[{}] {}{extra}", f.rule_id, f.explanation_en)
            }
        };
        let zh: Vec<String> = flags.iter().map(|f| line(f, true)).collect();
        let en: Vec<String> = flags.iter().map(|f| line(f, false)).collect();
        Ok(Some(crate::outcome::Refusal::new(
            format!("支付前检查未通过，不能支付：{}", zh.join("；")),
            format!("refused before payment: {}", en.join("; ")),
        )))
    }

    /// Which step a decision a matter is taking still lacks (", 决策事项…第k步…未办理"), or
    /// nothing when the decision is not a matter's or the matter has published it.
    async fn missing_of_decision(&self, decision_id: Option<&str>) -> Result<(String, String)> {
        let Some(m) = decision_id.and_then(matter_of_decision) else {
            return Ok((String::new(), String::new()));
        };
        let Some(matter) = self.store.matter(m).await? else {
            return Ok((String::new(), String::new()));
        };
        let Some(view) = self.view(matter).await? else {
            return Ok((String::new(), String::new()));
        };
        let Some(published) = view.power.step_recording(StepRecord::ResolutionPublished) else {
            return Ok((String::new(), String::new()));
        };
        if let Some(refused) = view.matter.refused_step {
            return Ok((
                format!("（决策事项“{}”第{refused}步已被退回）", view.matter.title),
                format!(
                    " (decision matter \"{}\" was refused at step {refused})",
                    view.matter.title
                ),
            ));
        }
        let next = view.done.len();
        if next > published {
            return Ok((String::new(), String::new()));
        }
        let step = &view.power.steps[next];
        Ok((
            format!(
                "（决策事项“{}”第{}步“{}”尚未办理）",
                view.matter.title,
                next + 1,
                step.title_zh
            ),
            format!(
                " (decision matter \"{}\": step {}, \"{}\", is not done)",
                view.matter.title,
                next + 1,
                step.title_en
            ),
        ))
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
        let request = self.store.spending_request(matter.matter_id).await?;
        Ok(self
            .view_with(matter, done)
            .map(|v| MatterView { request, ..v }))
    }

    /// A matter of the village's as the public sees it, if it is of `village_code`.
    pub async fn public_one(
        &self,
        village_code: &str,
        matter_id: i64,
    ) -> Result<Option<MatterView>> {
        let Some(matter) = self.store.matter(matter_id).await? else {
            return Ok(None);
        };
        if matter.village_code != village_code {
            return Ok(None);
        }
        self.view(matter).await
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
        let mut states = progress(
            &power,
            opened_on,
            &done_on,
            self.clock.today(),
            self.calendar,
        );
        // A refused step ends the matter: nothing is due any more.
        if let (Some(n), Some(on)) = (
            matter.refused_step,
            matter.refused_on.as_deref().and_then(day),
        ) {
            if let Some(s) = states.get_mut((n - 1).max(0) as usize) {
                *s = StepState::Refused { on };
            }
        }
        Some(MatterView {
            matter,
            power,
            done,
            states,
            request: None,
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
    pub async fn list(&self, actor: &Actor, page: i64) -> Result<Vec<MatterView>> {
        let offset = page.max(0).saturating_mul(LIST_PAGE);
        self.views(
            self.store
                .matters_in_scope(&actor.scope, LIST_PAGE, offset)
                .await?,
        )
        .await
    }

    /// The matters of the actor's jurisdiction counted: all, open, overdue, and those whose step
    /// due now is the actor's.
    pub async fn counts(&self, actor: &Actor) -> Result<MatterCounts> {
        self.store
            .matter_counts(
                &actor.scope,
                &self.due_for(actor),
                &self.clock.today().to_string(),
            )
            .await
    }

    /// The (power, steps done) after which the next step is one of the actor's posts.
    fn due_for(&self, actor: &Actor) -> Vec<(String, i64)> {
        self.powers
            .powers
            .iter()
            .flat_map(|p| {
                p.steps
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| actor.is(acts_for(s.post)))
                    .map(|(i, _)| (p.id.clone(), i as i64))
            })
            .collect()
    }

    /// Whether the actor does the step due now in `view` (to offer the form).
    pub fn acts_now(&self, actor: &Actor, view: &MatterView) -> bool {
        view.matter.closed_on.is_none()
            && view
                .power
                .steps
                .get(view.done.len())
                .is_some_and(|s| actor.is(acts_for(s.post)))
    }

    /// A villager objects to step `step_no` (done, or the one due now) of a matter of the
    /// village `village_code` (the village of the page they object on).
    pub async fn object(
        &self,
        village_code: &str,
        matter_id: i64,
        step_no: usize,
        content: &str,
    ) -> Result<Outcome<i64>> {
        let Some(view) = self.public_one(village_code, matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        self.file(view, step_no, content, None, None).await
    }

    /// The village supervision committee objects to a step in its own name (村务监督委员会
    /// 提出异议): answered like a villager's, within 10 days or by the township.
    pub async fn object_as_committee(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        content: &str,
    ) -> Result<Outcome<i64>> {
        self.committee_files(actor, matter_id, step_no, content, None)
            .await
    }

    /// The village supervision committee hands a matter to the township discipline secretary
    /// (移交乡镇纪委): its objection to a step is the secretary's to answer, within the same
    /// 10 days, never the village's, whose work it questions. The villagers see that it was
    /// handed over, not what it says.
    pub async fn refer_to_discipline(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        content: &str,
    ) -> Result<Outcome<i64>> {
        self.committee_files(
            actor,
            matter_id,
            step_no,
            content,
            Some(Role::TownshipSecretary),
        )
        .await
    }

    async fn committee_files(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        content: &str,
        referred_to: Option<Role>,
    ) -> Result<Outcome<i64>> {
        require!(
            actor.is(crate::role::COMMITTEE_OBJECTORS),
            "只有村务监督委员会成员可以以监督委员会名义提出异议",
            "only a member of the village supervision committee objects in its name",
        );
        let Some(view) = self.visible(actor, matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if let Some(refusal) = self
            .committee_ineligible(actor, &view.matter.village_code)
            .await?
        {
            return Ok(Outcome::Refused(refusal));
        }
        self.file(
            view,
            step_no,
            content,
            Some(&actor.username),
            referred_to.map(Role::code),
        )
        .await
    }

    async fn file(
        &self,
        view: MatterView,
        step_no: usize,
        content: &str,
        raised_by: Option<&str>,
        referred_to: Option<&str>,
    ) -> Result<Outcome<i64>> {
        let matter_id = view.matter.matter_id;
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
            .file_objection(&NewObjection {
                matter_id,
                step_no: step_no as i64,
                content,
                filed_on: &today.to_string(),
                answer_due: &due.to_string(),
                raised_by,
                referred_to,
            })
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
        if let Some(role) = o.referred_to.as_deref() {
            return o.answer.is_none() && actor.role.code() == role;
        }
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
            if o.referred_to.is_some() {
                return Ok(Outcome::refused(
                    "监督委员会已将此事移交乡镇纪委，由乡镇纪委书记答复",
                    "the supervision committee handed this to the township discipline secretary, who answers it",
                ));
            }
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
        input: &StepInput,
    ) -> Result<Outcome<()>> {
        let documents = &input.documents;
        let Some(view) = self.visible(actor, matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if view.matter.refused_step.is_some() {
            return Ok(Outcome::already_done(
                "这件事项已被退回，不能再办理",
                "this matter was refused: nothing more is done in it",
            ));
        }
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
        if step.post == qingfeng_domain::power::Post::SupervisionCommittee {
            if let Some(refusal) = self
                .committee_ineligible(actor, &view.matter.village_code)
                .await?
            {
                return Ok(Outcome::Refused(refusal));
            }
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
        let today = self.clock.today().to_string();
        let mut votes = None;
        let mut decision_id = None;
        let mut decision_row = None;
        let mut voucher = None;
        let mut disclosure = None;
        match step.records {
            Some(StepRecord::PartyVote) => {
                let Some(v) = input.votes.as_ref() else {
                    return Ok(Outcome::refused(
                        "请填写党员大会应到、实到和赞成人数",
                        "give the party members' meeting's members, present and approving",
                    ));
                };
                let judged = self.store.judge_votes(Some(v), None).await?;
                if let Some(refusal) = vote_refusal(&judged, None) {
                    return Ok(Outcome::Refused(refusal));
                }
                votes = Some(v.clone());
            }
            Some(StepRecord::VillagersVote) => {
                let Some(v) = input.votes.as_ref() else {
                    return Ok(Outcome::refused(
                        "请填写村民（代表）会议的类型、通知日期和应到、实到、赞成人数",
                        "give the meeting's kind, notice day, and those entitled, present and approving",
                    ));
                };
                let kind = v.meeting_kind.as_deref().unwrap_or("");
                require!(
                    kind == "villagers" || kind == "representatives",
                    "请选择村民会议或村民代表会议",
                    "choose a villagers' or a representatives' meeting",
                );
                let notice = v
                    .notice_on
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                let Some(notice) = notice else {
                    return Ok(Outcome::refused(
                        "请填写会议通知的日期",
                        "give the day the meeting was announced",
                    ));
                };
                let earliest = notice + chrono::Days::new(NOTICE_DAYS);
                require!(
                    self.clock.today() >= earliest,
                    format!(
                        "村民（代表）会议须提前{NOTICE_DAYS}日通知：{notice}通知的会议最早{earliest}召开"
                    ),
                    format!(
                        "a villagers' meeting needs {NOTICE_DAYS} days' notice: announced on {notice}, it may be held from {earliest}"
                    ),
                );
                let party = view.done.iter().find_map(|d| {
                    let i = (d.step_no - 1) as usize;
                    (view.power.steps.get(i)?.records == Some(StepRecord::PartyVote))
                        .then(|| d.votes())
                        .flatten()
                });
                let judged = self.store.judge_votes(party.as_ref(), Some(v)).await?;
                if let Some(refusal) = vote_refusal(&judged, Some(kind)) {
                    return Ok(Outcome::Refused(refusal));
                }
                votes = Some(v.clone());
                decision_row = decision_row_of(&view, step_no, &today, Some(v));
            }
            Some(StepRecord::ResolutionPublished | StepRecord::ResultPublished) => {
                decision_row = decision_row_of(&view, step_no, &today, None);
            }
            Some(StepRecord::Decision) => {
                let id = input.decision_id.as_deref().map(str::trim).unwrap_or("");
                require!(
                    !id.is_empty(),
                    "请写明所依据的“四议两公开”决策编号",
                    "name the decision (four deliberations, two disclosures) the step rests on",
                );
                if let Some(refusal) = self.decision_refusal(&view.matter.village_code, id).await? {
                    return Ok(Outcome::Refused(refusal));
                }
                decision_id = Some(id.to_string());
            }
            Some(StepRecord::Payment) => {
                let Some(request) = view.request.as_ref() else {
                    return Ok(Outcome::refused(
                        "这件事项没有支出申请，无可支付",
                        "this matter asks for no payment",
                    ));
                };
                let form = form_of(request);
                let mut draft = self
                    .draft(&view.matter.village_code, Some(matter_id), &form)
                    .await?;
                // The approval the chain recorded: the village head's (or whoever did the
                // head's step), and the supervision committee's signature.
                draft.approved_by = view.done.iter().find_map(|d| {
                    (d.post == qingfeng_domain::power::Post::VillageHead).then(|| d.done_by.clone())
                });
                draft.supervisor_signed = view.done.iter().any(|d| {
                    view.power
                        .steps
                        .get((d.step_no - 1) as usize)
                        .is_some_and(|s| s.records == Some(StepRecord::Signature))
                });
                if let Some(refusal) = self
                    .payment_refusal(&view.matter.village_code, &form, &draft)
                    .await?
                {
                    return Ok(Outcome::Refused(refusal));
                }
                voucher = Some(draft);
            }
            Some(StepRecord::Publication) => {
                let m = &view.matter;
                let (Some(category), Some(period)) = (&m.disclosure_category, &m.disclosure_period)
                else {
                    return Ok(Outcome::refused(
                        "这件事项没有写明公开类别和期间，无可公布",
                        "this matter names no disclosure to publish",
                    ));
                };
                // What is published is what was prepared and reviewed: the notes of the steps
                // before, and this one's.
                let content: Vec<String> = view
                    .done
                    .iter()
                    .map(|d| d.note.trim().to_string())
                    .chain(std::iter::once(input.note.trim().to_string()))
                    .filter(|n| !n.is_empty())
                    .collect();
                disclosure = Some(DisclosureRow {
                    disclosure_id: disclosure_id_of(matter_id),
                    village_code: m.village_code.clone(),
                    category: category.clone(),
                    period: period.clone(),
                    published_on: today.clone(),
                    title: m.title.clone(),
                    content: content.join("\n"),
                });
            }
            _ => {}
        }
        // The next step's limit runs from today.
        let next_due =
            due_on(&view.power, step_no, self.clock.today(), self.calendar).map(|d| d.to_string());
        let register = match (&decision_row, &voucher, &disclosure) {
            (Some(d), _, _) => Some(RegisterWrite::Decision(d)),
            (None, Some(v), _) => Some(RegisterWrite::Voucher(v)),
            (None, None, Some(p)) => Some(RegisterWrite::Disclosure(p)),
            _ => None,
        };
        let recorded = self
            .store
            .record_step(
                &NewStep {
                    matter_id,
                    step_no: step_no as i64,
                    post: step.post,
                    done_on: &today,
                    note: input.note.trim(),
                    documents: &documents,
                    last: step_no == view.power.steps.len(),
                    next_due_on: next_due.as_deref(),
                    votes: votes.as_ref(),
                    decision_id: decision_id.as_deref(),
                    register,
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

    /// Attaches a scan of a paper of step `step_no` (发票、会议记录、公开栏照片): by the account
    /// that did the step, a JPEG, PNG or PDF (told by its first bytes, not its name) of at most
    /// `PAPER_MAX_BYTES`, at most `PAPERS_PER_STEP` to a step. A scan is never replaced or
    /// removed: a wrong one is followed by the right one.
    pub async fn attach(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        name: &str,
        body: &[u8],
    ) -> Result<Outcome<i64>> {
        let Some(view) = self.visible(actor, matter_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let Some(done) = view.done.iter().find(|d| d.step_no == step_no as i64) else {
            return Ok(Outcome::refused(
                "只能为已办理的步骤附上扫描件",
                "scans are attached to a step that is done",
            ));
        };
        require!(
            done.done_by == actor.username,
            "扫描件由办理这一步的人附上",
            "the scans of a step are attached by whoever did it",
        );
        require!(
            !body.is_empty() && body.len() <= PAPER_MAX_BYTES,
            format!("扫描件须小于{}MB", PAPER_MAX_BYTES / 1024 / 1024),
            format!("a scan holds at most {} MB", PAPER_MAX_BYTES / 1024 / 1024),
        );
        let Some(content_type) = scan_type(body) else {
            return Ok(Outcome::refused(
                "扫描件须为JPEG、PNG图片或PDF文件",
                "a scan is a JPEG or PNG picture or a PDF",
            ));
        };
        let attached = self
            .store
            .papers_of(matter_id)
            .await?
            .iter()
            .filter(|p| p.step_no == step_no as i64)
            .count();
        require!(
            attached < PAPERS_PER_STEP,
            format!("每一步最多附{PAPERS_PER_STEP}份扫描件"),
            format!("a step holds at most {PAPERS_PER_STEP} scans"),
        );
        let name: String = qingfeng_domain::clean::trim(name)
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect();
        let id = self
            .store
            .attach_paper(
                &NewPaper {
                    matter_id,
                    step_no: step_no as i64,
                    name: if name.is_empty() { "scan" } else { &name },
                    content_type,
                    body,
                    uploaded_on: &self.clock.today().to_string(),
                },
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(id))
    }

    /// The scans of a matter the actor sees.
    pub async fn papers(&self, actor: &Actor, matter_id: i64) -> Result<Vec<PaperInfo>> {
        if self.visible(actor, matter_id).await?.is_none() {
            return Ok(Vec::new());
        }
        self.store.papers_of(matter_id).await
    }

    /// One scan, if the actor sees its matter; refused when its bytes are not those the audit
    /// trail recorded (replaced in the database).
    pub async fn paper(
        &self,
        actor: &Actor,
        matter_id: i64,
        paper_id: i64,
    ) -> Result<Outcome<(PaperInfo, Vec<u8>)>> {
        if self.visible(actor, matter_id).await?.is_none() {
            return Ok(Outcome::NotFound);
        }
        let Some((info, body)) = self
            .store
            .paper(paper_id)
            .await?
            .filter(|(p, _)| p.matter_id == matter_id)
        else {
            return Ok(Outcome::NotFound);
        };
        let sha = qingfeng_store::matters::sha256_hex(&body);
        if !self.store.paper_attested(matter_id, paper_id, &sha).await? {
            return Ok(Outcome::refused(
                "这份扫描件与审计记录中的不一致，可能已被改动；请报告管理员并以纸质原件为准",
                "this scan is not the one the audit trail recorded: it may have been altered; tell the administrator and rely on the paper original",
            ));
        }
        Ok(Outcome::Changed((info, body)))
    }

    /// Refuses step `step_no` (a signature or a payment) with a reason: the matter closes,
    /// refused, and the reason is published with it.
    pub async fn refuse(
        &self,
        actor: &Actor,
        matter_id: i64,
        step_no: usize,
        reason: &str,
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
        if view.matter.refused_step.is_some() {
            return Ok(Outcome::already_done(
                "这件事项已被退回",
                "this matter was refused",
            ));
        }
        let step = &view.power.steps[step_no - 1];
        require!(
            step.may_refuse(),
            "这一步不能退回",
            "this step cannot be refused",
        );
        if !actor.is(acts_for(step.post)) {
            return Ok(Outcome::refused(
                format!("第{step_no}步由{}办理", step.post.label_zh()),
                format!(
                    "step {step_no} is for the {}",
                    step.post.label_en().to_lowercase()
                ),
            ));
        }
        if let Some(refusal) = self
            .committee_ineligible(actor, &view.matter.village_code)
            .await?
        {
            return Ok(Outcome::Refused(refusal));
        }
        let reason = reason.trim();
        require!(
            !reason.is_empty(),
            "退回须写明理由",
            "a refusal needs its reason",
        );
        let recorded = self
            .store
            .refuse_step(
                matter_id,
                step_no as i64,
                reason,
                &self.clock.today().to_string(),
                &actor.username,
            )
            .await?;
        Ok(if recorded {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "这一步刚被别人办理，请刷新后再看",
                "someone has just acted on this step: look again",
            )
        })
    }

    /// The actor's queue: open matters in their jurisdiction whose step due now is theirs
    /// (the bookkeeper's: the township's requests to check and pay), oldest due first.
    pub async fn queue(&self, actor: &Actor) -> Result<Vec<MatterView>> {
        // Read in the order the store keeps: the day due by, soonest first.
        let matters = self
            .store
            .matters_due(&actor.scope, &self.due_for(actor), QUEUE_LIMIT)
            .await?;
        self.views(matters).await
    }

    /// Why the actor may not act for the supervision committee of `village` (sign, refuse,
    /// object): a member of the committee may not be a member of the village committee, nor a
    /// member of one's household or a declared relative (`domain.md`). Judged on the person the
    /// account is linked to; an account linked to no one cannot be judged and is let act.
    async fn committee_ineligible(
        &self,
        actor: &Actor,
        village: &str,
    ) -> Result<Option<crate::outcome::Refusal>> {
        if !actor.is(crate::role::COMMITTEE_OBJECTORS) {
            return Ok(None);
        }
        // Eligibility is judged on the person: an account that names no one could be anyone,
        // the director's wife included, so it does not act for the committee until it is linked.
        if actor.id_number.is_none() {
            return Ok(Some(crate::outcome::Refusal::new(
                "您的账号尚未关联本人身份证号，须由管理员关联后才能以村务监督委员会名义办理（用于核查任职回避）",
                "your account is not linked to your ID number: an administrator must link it before you act for the supervision committee (so that who you are related to can be checked)",
            )));
        }
        let related = crate::conflict::related(self.store, self.clock, actor).await?;
        let today = self.clock.today().to_string();
        for (id, name, position) in self.store.serving_in(village, &today).await? {
            // The supervision committee's own members may be in the officials register too.
            if position.contains("监督") || position.contains("监委") {
                continue;
            }
            if related.persons.contains(&id) {
                let own = actor.id_number.as_deref() == Some(id.as_str());
                return Ok(Some(crate::outcome::Refusal::new(
                    format!(
                        "村务监督委员会成员不得由村民委员会成员或其近亲属担任：{}{}现任{position}，您不能以监督委员会名义办理本村事项",
                        if own { "您本人" } else { "您的亲属" },
                        if own { String::new() } else { qingfeng_domain::mask_name(&name) },
                    ),
                    format!(
                        "a member of the supervision committee may not sit on the village committee nor be related to one who does: {} serves as {position}; you cannot act for the committee in this village",
                        if own { "you yourself".to_string() } else { format!("your relative {}", qingfeng_domain::mask_name(&name)) },
                    ),
                )));
            }
        }
        Ok(None)
    }

    /// Why a step may not rest on decision `id` yet: not in the register (or a matter still
    /// taking it: its missing step named), of another village, invalid by the shared
    /// definition, or resolved only after today.
    async fn decision_refusal(
        &self,
        village: &str,
        id: &str,
    ) -> Result<Option<crate::outcome::Refusal>> {
        let missing = self.missing_of_decision(Some(id)).await?;
        let standing = self.store.decision_standing(id).await?;
        let Some(d) = standing.filter(|d| d.village_code == village) else {
            return Ok(Some(crate::outcome::Refusal::new(
                format!("本村决策登记中没有决策{id}{}", missing.0),
                format!("the village's decisions hold no decision {id}{}", missing.1),
            )));
        };
        let why = match d.defect.as_deref() {
            None => return Ok(None),
            Some("unpublished") => ("决议尚未公开", "its resolution is not published yet"),
            Some("quorum") => ("会议到会人数不足法定人数", "its meeting lacked the quorum"),
            Some("majority") => (
                "赞成未过到会人数半数",
                "it was not approved by more than half of those present",
            ),
            Some("party") => (
                "党员大会到会或赞成人数不足",
                "the party members' meeting lacked its quorum or majority",
            ),
            Some(_) => ("表决人数自相矛盾", "its counts contradict each other"),
        };
        Ok(Some(crate::outcome::Refusal::new(
            format!("决策{id}（{}）未完成：{}{}", d.subject, why.0, missing.0),
            format!(
                "decision {id} ({}) is not complete: {}{}",
                d.subject, why.1, missing.1
            ),
        )))
    }
}

/// A stored request as the form it was filed with.
fn form_of(r: &SpendingRequest) -> RequestForm {
    RequestForm {
        amount_fen: r.amount,
        method: r.method.clone(),
        category: r.category.clone(),
        payee_name: r.payee_name.clone(),
        payee_id: r.payee_id.clone(),
        description: r.description.clone(),
        decision_id: r.decision_id.clone(),
        contract_id: r.contract_id.clone(),
        for_matter: r.for_matter,
    }
}

/// Why a meeting's counts do not carry the step, by the shared definition's flags (the
/// villagers' meeting's `kind` given when it is that meeting), or None.
fn vote_refusal(v: &Validity, kind: Option<&str>) -> Option<crate::outcome::Refusal> {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if v.party_contradict {
        zh.push("党员大会人数自相矛盾（赞成多于实到或实到多于应到）");
        en.push("the party members' counts contradict each other (more approving than present, or more present than members)");
    }
    if v.party_no_quorum {
        zh.push("党员大会到会不足三分之二");
        en.push("fewer than two thirds of the party members were present");
    }
    if v.party_no_majority {
        zh.push("党员大会赞成未过全体党员半数");
        en.push("not more than half of all party members approved");
    }
    if kind.is_some() {
        if v.counts_contradict {
            zh.push("表决人数自相矛盾（赞成多于实到或实到多于应到）");
            en.push("the counts contradict each other (more approving than present, or more present than entitled)");
        }
        if v.no_quorum {
            if kind == Some("representatives") {
                zh.push("村民代表到会不足三分之二");
                en.push("fewer than two thirds of the representatives were present");
            } else {
                zh.push("到会村民未过半数，到会户代表也不足三分之二");
                en.push("not more than half of the villagers, nor two thirds of the households, were present");
            }
        }
        if v.no_majority {
            zh.push("赞成未过到会人数半数");
            en.push("not more than half of those present approved");
        }
    }
    if zh.is_empty() {
        return None;
    }
    Some(crate::outcome::Refusal::new(
        format!("表决无效，本步骤不能办理：{}。须重新召开会议", zh.join("；")),
        format!("the vote is not valid and the step cannot be recorded: {}. The meeting must be held again", en.join("; ")),
    ))
}

/// The decision register's row of a deciding matter as it stands once step `step_no` (being
/// done today, with `votes` if it is the villagers' vote) is done; None before the villagers'
/// vote (the register has no row for a decision not yet voted on).
fn decision_row_of(
    view: &MatterView,
    step_no: usize,
    today: &str,
    votes: Option<&Votes>,
) -> Option<DecisionRow> {
    let mut row = DecisionRow {
        decision_id: decision_id_of(view.matter.matter_id),
        village_code: view.matter.village_code.clone(),
        subject: view.matter.title.clone(),
        amount: view.matter.amount,
        ..DecisionRow::default()
    };
    let mut voted = false;
    for (i, step) in view.power.steps.iter().enumerate().take(step_no) {
        let (on, v) = if i + 1 == step_no {
            (today.to_string(), votes.cloned())
        } else {
            let d = view.done.get(i)?;
            (d.done_on.clone(), d.votes())
        };
        match step.records {
            Some(StepRecord::Proposal) => row.proposed_on = Some(on),
            Some(StepRecord::Committees) => row.committees_on = Some(on),
            Some(StepRecord::PartyVote) => {
                row.party_meeting_on = Some(on);
                if let Some(v) = v {
                    row.party_members_total = Some(v.total);
                    row.party_members_present = Some(v.present);
                    row.party_members_approve = Some(v.approve);
                }
            }
            Some(StepRecord::VillagersVote) => {
                let v = v?;
                voted = true;
                row.villager_meeting_on = on;
                row.meeting_kind = v.meeting_kind.unwrap_or_else(|| "villagers".into());
                row.voters_total = v.total;
                row.voters_present = v.present;
                row.voters_approve = v.approve;
                row.households_total = v.households_total;
                row.households_present = v.households_present;
            }
            Some(StepRecord::ResolutionPublished) => row.resolution_published_on = Some(on),
            Some(StepRecord::ResultPublished) => row.result_published_on = Some(on),
            _ => {}
        }
    }
    voted.then_some(row)
}
