//! The micro-power list (小微权力清单): the small powers of a village written down, each with its
//! legal basis, the posts that act at each step in order, the time limits, the documents each step
//! leaves, and what is disclosed and when ("officials act by the chart, villagers check against the
//! chart").
//!
//! Qingfeng ships a default list (`powers/default.toml`, after the Ninghai list and its
//! successors); a county replaces it with its own file in the same form. A list is parsed and
//! checked whole: every problem is named with the power and the step it is in, in both languages,
//! so a county's editor can fix its file before the server starts with it.

use crate::Invalid;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The default list shipped with Qingfeng.
pub const DEFAULT_LIST: &str = include_str!("../powers/default.toml");

/// Who acts at a step. Village posts are held by the village's officials and bodies; township
/// posts by the township's offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// 申请人: the villager or household who asks.
    Applicant,
    /// 经办人: the village official who handles the matter.
    Handler,
    /// 村党组织: the village party branch.
    PartyBranch,
    /// 村"两委"联席会议: the branch and the village committee together.
    JointCommittees,
    /// 党员大会: the party members' meeting.
    PartyMembersMeeting,
    /// 村民会议或村民代表会议: the villagers' or villager representatives' meeting.
    VillagersMeeting,
    /// 村民委员会: the village committee.
    VillageCommittee,
    /// 村委会主任: the village head.
    VillageHead,
    /// 村报账员: the village cashier, who keeps the receipts and files the claims.
    VillageCashier,
    /// 村务监督委员会: the village supervision committee.
    SupervisionCommittee,
    /// 乡镇"三资"代理服务中心: the township agency that keeps the village's books.
    TownshipAgency,
    /// 乡镇公共资源交易平台: the township's public trading platform (tenders, auctions).
    TownshipTrading,
    /// 乡镇人民政府: the township government.
    TownshipGovernment,
}

/// Every post, in the order of the list's documentation.
pub const ALL_POSTS: &[Post] = &[
    Post::Applicant,
    Post::Handler,
    Post::PartyBranch,
    Post::JointCommittees,
    Post::PartyMembersMeeting,
    Post::VillagersMeeting,
    Post::VillageCommittee,
    Post::VillageHead,
    Post::VillageCashier,
    Post::SupervisionCommittee,
    Post::TownshipAgency,
    Post::TownshipTrading,
    Post::TownshipGovernment,
];

impl Post {
    /// The code in the list's file and in the store.
    pub fn code(self) -> &'static str {
        match self {
            Post::Applicant => "applicant",
            Post::Handler => "handler",
            Post::PartyBranch => "party_branch",
            Post::JointCommittees => "joint_committees",
            Post::PartyMembersMeeting => "party_members_meeting",
            Post::VillagersMeeting => "villagers_meeting",
            Post::VillageCommittee => "village_committee",
            Post::VillageHead => "village_head",
            Post::VillageCashier => "village_cashier",
            Post::SupervisionCommittee => "supervision_committee",
            Post::TownshipAgency => "township_agency",
            Post::TownshipTrading => "township_trading",
            Post::TownshipGovernment => "township_government",
        }
    }

    pub fn parse(code: &str) -> Option<Post> {
        ALL_POSTS.iter().copied().find(|p| p.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Post::Applicant => "申请人",
            Post::Handler => "村经办人",
            Post::PartyBranch => "村党组织",
            Post::JointCommittees => "村“两委”联席会议",
            Post::PartyMembersMeeting => "党员大会",
            Post::VillagersMeeting => "村民（代表）会议",
            Post::VillageCommittee => "村民委员会",
            Post::VillageHead => "村委会主任",
            Post::VillageCashier => "村报账员",
            Post::SupervisionCommittee => "村务监督委员会",
            Post::TownshipAgency => "乡镇“三资”代理服务中心",
            Post::TownshipTrading => "乡镇公共资源交易平台",
            Post::TownshipGovernment => "乡镇人民政府",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Post::Applicant => "Applicant",
            Post::Handler => "Village official in charge",
            Post::PartyBranch => "Village party branch",
            Post::JointCommittees => "Branch and village committee jointly",
            Post::PartyMembersMeeting => "Party members' meeting",
            Post::VillagersMeeting => "Villagers' (representatives') meeting",
            Post::VillageCommittee => "Village committee",
            Post::VillageHead => "Village head",
            Post::VillageCashier => "Village cashier",
            Post::SupervisionCommittee => "Village supervision committee",
            Post::TownshipAgency => "Township bookkeeping agency",
            Post::TownshipTrading => "Township public trading platform",
            Post::TownshipGovernment => "Township government",
        }
    }

    /// Whether the post is the township's (drawn apart on the flowchart: the village's power ends
    /// where the township's check begins).
    pub fn is_township(self) -> bool {
        matches!(
            self,
            Post::TownshipAgency | Post::TownshipTrading | Post::TownshipGovernment
        )
    }
}

/// A time limit of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepLimit {
    pub days: u32,
    /// Working days (the county's calendar) rather than calendar days.
    pub working: bool,
}

impl StepLimit {
    pub fn label_zh(self) -> String {
        if self.working {
            format!("{}个工作日内", self.days)
        } else {
            format!("{}日内", self.days)
        }
    }

    pub fn label_en(self) -> String {
        if self.working {
            format!("within {} working days", self.days)
        } else {
            format!("within {} days", self.days)
        }
    }
}

/// One step of a power, done by one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title_zh: String,
    pub title_en: String,
    pub post: Post,
    pub limit: Option<StepLimit>,
    pub documents_zh: Vec<String>,
    pub documents_en: Vec<String>,
    /// What the step makes public (empty: nothing).
    pub discloses_zh: String,
    pub discloses_en: String,
    /// What the step writes besides itself (a meeting's votes, the decision it rests on, the
    /// payment), if anything.
    pub records: Option<StepRecord>,
}

impl Step {
    /// Whether the post of this step may refuse it (with a reason) instead of doing it: those
    /// who sign or pay check the work of others.
    pub fn may_refuse(&self) -> bool {
        matches!(
            self.records,
            Some(StepRecord::Signature | StepRecord::Payment)
        )
    }
}

/// What a step records besides being done. The steps of 四议两公开 fill the decision register
/// (the same row the engine's DEC-INVALID checks); `decision` names a decision that must be
/// complete before the step; `signature` and `payment` are the approval chain of 村账乡管.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRecord {
    /// The party branch's proposal (its day).
    Proposal,
    /// Both committees discussed it (its day).
    Committees,
    /// The party members' meeting: members, present, approving.
    PartyVote,
    /// The villagers' (representatives') meeting: kind, notice day, entitled, present,
    /// approving (and households where counted). The decision exists from this step on.
    VillagersVote,
    /// The resolution was published: the decision is complete from this step on.
    ResolutionPublished,
    /// The result was published.
    ResultPublished,
    /// The step rests on a decision of the villagers, which must be complete.
    Decision,
    /// The village supervision committee signs (or refuses, with a reason).
    Signature,
    /// The township agency checks and pays: the rules that audit the books refuse what they
    /// would flag, and the payment becomes a voucher.
    Payment,
    /// The disclosure the matter prepared is published: it becomes a row of the disclosure
    /// register (村务公开), counted like any other, so that it is published only after the steps
    /// before it — the supervision committee's review, where the list has one.
    Publication,
}

impl StepRecord {
    pub fn code(self) -> &'static str {
        match self {
            StepRecord::Proposal => "proposal",
            StepRecord::Committees => "committees",
            StepRecord::PartyVote => "party_vote",
            StepRecord::VillagersVote => "villagers_vote",
            StepRecord::ResolutionPublished => "resolution_published",
            StepRecord::ResultPublished => "result_published",
            StepRecord::Decision => "decision",
            StepRecord::Signature => "signature",
            StepRecord::Payment => "payment",
            StepRecord::Publication => "publication",
        }
    }
}

impl Power {
    /// The 0-based index of the step that records `r`, if any.
    pub fn step_recording(&self, r: StepRecord) -> Option<usize> {
        self.steps.iter().position(|s| s.records == Some(r))
    }

    /// Whether a use of this power is a village decision (四议两公开) that fills the register.
    pub fn decides(&self) -> bool {
        self.step_recording(StepRecord::VillagersVote).is_some()
    }

    /// Whether a use of this power spends the village's money (a request with amount and
    /// payee, paid at its `payment` step).
    pub fn spends(&self) -> bool {
        self.step_recording(StepRecord::Payment).is_some()
    }

    /// Whether a use of this power prepares a disclosure (its category and period given when
    /// it is opened) that its `publication` step publishes.
    pub fn publishes(&self) -> bool {
        self.step_recording(StepRecord::Publication).is_some()
    }
}

/// One power of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Power {
    /// Stable and URL-safe (lower case, digits, '-'): the portal's address of the power.
    pub id: String,
    pub category_zh: String,
    pub category_en: String,
    pub title_zh: String,
    pub title_en: String,
    pub basis_zh: String,
    pub basis_en: String,
    /// What is disclosed, and when, over the whole procedure.
    pub disclosure_zh: String,
    pub disclosure_en: String,
    pub steps: Vec<Step>,
}

/// A county's list of powers, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerList {
    pub powers: Vec<Power>,
}

impl Default for PowerList {
    /// The list shipped with Qingfeng (checked by a test, so it always parses).
    fn default() -> PowerList {
        PowerList::parse(DEFAULT_LIST).expect("the default power list is valid")
    }
}

impl PowerList {
    pub fn get(&self, id: &str) -> Option<&Power> {
        self.powers.iter().find(|p| p.id == id)
    }

    /// Parses and checks a list in the TOML form of `powers/default.toml`. Every problem is
    /// reported, not only the first.
    pub fn parse(text: &str) -> Result<PowerList, Vec<Invalid>> {
        let file: FileList = toml::from_str(text).map_err(|e| {
            // Where the parser stopped, as an editor counts: line and column from 1.
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            vec![Invalid::new(
                "power_list_syntax",
                format!("第{line}行第{column}列: 格式不符（{}）", e.message()),
                format!("line {line}, column {column}: {}", e.message()),
            )]
        })?;
        let mut problems = Vec::new();
        let mut ids = BTreeSet::new();
        let mut powers = Vec::new();
        for (i, p) in file.power.into_iter().enumerate() {
            let at_zh = format!("第{}项权力（{}）", i + 1, p.id);
            let at_en = format!("power {} ({})", i + 1, p.id);
            let id_ok = !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !id_ok {
                problems.push(Invalid::new(
                    "power_id",
                    format!("{at_zh}: 编号只能由小写字母、数字和“-”组成"),
                    format!("{at_en}: the id may hold only lower-case letters, digits and '-'"),
                ));
            }
            if !ids.insert(p.id.clone()) {
                problems.push(Invalid::new(
                    "power_id_twice",
                    format!("{at_zh}: 编号重复"),
                    format!("{at_en}: the id is used twice"),
                ));
            }
            for (field, value) in [
                ("title_zh", &p.title_zh),
                ("title_en", &p.title_en),
                ("basis_zh", &p.basis_zh),
                ("basis_en", &p.basis_en),
                ("disclosure_zh", &p.disclosure_zh),
                ("disclosure_en", &p.disclosure_en),
            ] {
                if value.trim().is_empty() {
                    problems.push(Invalid::new(
                        "power_field_empty",
                        format!("{at_zh}: {field} 不能为空"),
                        format!("{at_en}: {field} must not be empty"),
                    ));
                }
            }
            if p.step.len() < 2 {
                problems.push(Invalid::new(
                    "power_steps",
                    format!("{at_zh}: 至少要有两个步骤"),
                    format!("{at_en}: a power needs at least two steps"),
                ));
            }
            let mut steps = Vec::new();
            for (n, s) in p.step.into_iter().enumerate() {
                let at_zh = format!("{at_zh}第{}步", n + 1);
                let at_en = format!("{at_en}, step {}", n + 1);
                if s.title_zh.trim().is_empty() || s.title_en.trim().is_empty() {
                    problems.push(Invalid::new(
                        "step_title_empty",
                        format!("{at_zh}: 步骤名称（中英文）不能为空"),
                        format!("{at_en}: the step needs a title in both languages"),
                    ));
                }
                if s.documents_zh.len() != s.documents_en.len() {
                    problems.push(Invalid::new(
                        "step_documents",
                        format!("{at_zh}: 中英文材料清单条数不一致"),
                        format!("{at_en}: documents_zh and documents_en differ in length"),
                    ));
                }
                if s.discloses_zh.trim().is_empty() != s.discloses_en.trim().is_empty() {
                    problems.push(Invalid::new(
                        "step_discloses",
                        format!("{at_zh}: 公开内容须中英文同时填写"),
                        format!("{at_en}: discloses_zh and discloses_en go together"),
                    ));
                }
                let limit = match (s.days, s.working_days) {
                    (None, None) => None,
                    (Some(0), _) | (None, Some(0)) => {
                        problems.push(Invalid::new(
                            "step_limit",
                            format!("{at_zh}: 时限必须大于0"),
                            format!("{at_en}: a time limit must be more than 0"),
                        ));
                        None
                    }
                    (Some(days), None) => Some(StepLimit {
                        days,
                        working: false,
                    }),
                    (None, Some(days)) => Some(StepLimit {
                        days,
                        working: true,
                    }),
                    (Some(_), Some(_)) => {
                        problems.push(Invalid::new(
                            "step_limit",
                            format!("{at_zh}: days 和 working_days 只能填一个"),
                            format!("{at_en}: give days or working_days, not both"),
                        ));
                        None
                    }
                };
                steps.push(Step {
                    records: s.records,
                    title_zh: s.title_zh.trim().to_string(),
                    title_en: s.title_en.trim().to_string(),
                    post: s.post,
                    limit,
                    documents_zh: s.documents_zh,
                    documents_en: s.documents_en,
                    discloses_zh: s.discloses_zh.trim().to_string(),
                    discloses_en: s.discloses_en.trim().to_string(),
                });
            }
            let at = |n: usize| {
                (
                    format!("{at_zh}第{}步", n + 1),
                    format!("{at_en}, step {}", n + 1),
                )
            };
            let position = |r: StepRecord| steps.iter().position(|s: &Step| s.records == Some(r));
            for r in [
                StepRecord::Proposal,
                StepRecord::Committees,
                StepRecord::PartyVote,
                StepRecord::VillagersVote,
                StepRecord::ResolutionPublished,
                StepRecord::ResultPublished,
                StepRecord::Decision,
                StepRecord::Payment,
                StepRecord::Publication,
            ] {
                let n = steps.iter().filter(|s| s.records == Some(r)).count();
                if n > 1 {
                    let (zh, en) = at(steps
                        .iter()
                        .rposition(|s| s.records == Some(r))
                        .unwrap_or(0));
                    problems.push(Invalid::new(
                        "step_records_twice",
                        format!(
                            "{zh}: records = \"{}\" 在同一项权力中只能出现一次",
                            r.code()
                        ),
                        format!(
                            "{en}: records = \"{}\" may appear once in a power",
                            r.code()
                        ),
                    ));
                }
            }
            // The decision register's row is written by the villagers' vote and completed by
            // the publication: the steps that fill it only in that order.
            let vote = position(StepRecord::VillagersVote);
            for r in [StepRecord::ResolutionPublished, StepRecord::ResultPublished] {
                if let Some(i) = position(r) {
                    if vote.is_none_or(|v| v > i) {
                        let (zh, en) = at(i);
                        problems.push(Invalid::new(
                            "step_records_order",
                            format!("{zh}: records = \"{}\" 须在 villagers_vote 之后", r.code()),
                            format!(
                                "{en}: records = \"{}\" comes after a villagers_vote step",
                                r.code()
                            ),
                        ));
                    }
                }
            }
            for r in [
                StepRecord::Proposal,
                StepRecord::Committees,
                StepRecord::PartyVote,
            ] {
                if let (Some(i), Some(v)) = (position(r), vote) {
                    if i > v {
                        let (zh, en) = at(i);
                        problems.push(Invalid::new(
                            "step_records_order",
                            format!("{zh}: records = \"{}\" 须在 villagers_vote 之前", r.code()),
                            format!(
                                "{en}: records = \"{}\" comes before the villagers_vote step",
                                r.code()
                            ),
                        ));
                    }
                }
            }
            // What the committee signs is what is published: its review comes first.
            if let (Some(p), Some(sig)) = (
                position(StepRecord::Publication),
                position(StepRecord::Signature),
            ) {
                if sig > p {
                    let (zh, en) = at(sig);
                    problems.push(Invalid::new(
                        "step_records_order",
                        format!("{zh}: records = \"signature\" 须在 publication 之前（先审核后公开）"),
                        format!("{en}: records = \"signature\" comes before the publication step (reviewed, then published)"),
                    ));
                }
            }
            if vote.is_some() && position(StepRecord::ResolutionPublished).is_none() {
                problems.push(Invalid::new(
                    "step_records_publication",
                    format!("{at_zh}: 有 villagers_vote 的权力须有 resolution_published 步骤（决议公开后决策才完整）"),
                    format!("{at_en}: a power with a villagers_vote step needs a resolution_published step (a decision is complete once published)"),
                ));
            }
            powers.push(Power {
                id: p.id,
                category_zh: p.category_zh,
                category_en: p.category_en,
                title_zh: p.title_zh.trim().to_string(),
                title_en: p.title_en.trim().to_string(),
                basis_zh: p.basis_zh.trim().to_string(),
                basis_en: p.basis_en.trim().to_string(),
                disclosure_zh: p.disclosure_zh.trim().to_string(),
                disclosure_en: p.disclosure_en.trim().to_string(),
                steps,
            });
        }
        if powers.is_empty() {
            problems.push(Invalid::new(
                "power_list_empty",
                "权力清单为空",
                "the power list holds no power",
            ));
        }
        if problems.is_empty() {
            Ok(PowerList { powers })
        } else {
            Err(problems)
        }
    }
}

/// The file's form. Unknown keys are refused, so that a misspelt key is an error rather than a
/// silently missing field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileList {
    power: Vec<FilePower>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePower {
    id: String,
    category_zh: String,
    category_en: String,
    title_zh: String,
    title_en: String,
    basis_zh: String,
    basis_en: String,
    disclosure_zh: String,
    disclosure_en: String,
    #[serde(default)]
    step: Vec<FileStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStep {
    title_zh: String,
    title_en: String,
    post: Post,
    days: Option<u32>,
    working_days: Option<u32>,
    #[serde(default)]
    documents_zh: Vec<String>,
    #[serde(default)]
    documents_en: Vec<String>,
    #[serde(default)]
    discloses_zh: String,
    #[serde(default)]
    discloses_en: String,
    records: Option<StepRecord>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_read_as_the_file_spells_them() {
        for p in ALL_POSTS {
            assert_eq!(Post::parse(p.code()), Some(*p));
            let parsed: Post = toml::Value::String(p.code().into()).try_into().unwrap();
            assert_eq!(parsed, *p);
        }
    }

    #[test]
    fn the_default_list_holds_the_powers_the_seed_names() {
        let list = PowerList::default();
        for id in [
            "major-decision",
            "project-bidding",
            "asset-lease",
            "reimbursement",
            "homestead",
            "assistance-first-review",
            "seal-and-certificates",
            "staff-recruitment",
        ] {
            let p = list.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(p.steps.len() >= 4, "{id}");
            assert!(
                p.steps.iter().any(|s| !s.discloses_zh.is_empty()),
                "{id} discloses nothing"
            );
        }
        // The major decision is 四议两公开: four deliberations, then two disclosures, the
        // villagers' meeting with its ten days' notice.
        let major = list.get("major-decision").unwrap();
        let posts: Vec<Post> = major.steps.iter().map(|s| s.post).collect();
        assert_eq!(
            &posts[..4],
            &[
                Post::PartyBranch,
                Post::JointCommittees,
                Post::PartyMembersMeeting,
                Post::VillagersMeeting
            ]
        );
        assert_eq!(
            major
                .steps
                .iter()
                .filter(|s| !s.discloses_zh.is_empty())
                .count(),
            2
        );
    }

    #[test]
    fn a_countys_list_is_checked_whole_and_each_problem_named() {
        let text = r#"
[[power]]
id = "Seal"
category_zh = "便民服务"
category_en = "Services"
title_zh = "印章使用"
title_en = "Use of the seal"
basis_zh = "地方规定"
basis_en = "Local rules"
disclosure_zh = ""
disclosure_en = "Monthly"

[[power.step]]
title_zh = "申请"
title_en = "Apply"
post = "applicant"
days = 0

[[power]]
id = "seal"
category_zh = "便民服务"
category_en = "Services"
title_zh = "印章使用"
title_en = "Use of the seal"
basis_zh = "地方规定"
basis_en = "Local rules"
disclosure_zh = "按月公开"
disclosure_en = "Monthly"

[[power.step]]
title_zh = "申请"
title_en = "Apply"
post = "applicant"

[[power.step]]
title_zh = "盖章"
title_en = "Seal"
post = "village_head"
days = 1
working_days = 1
"#;
        let problems = PowerList::parse(text).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "power_id",
                "power_field_empty",
                "power_steps",
                "step_limit",
                "step_limit"
            ]
        );
        assert!(problems[0].zh.contains("第1项权力（Seal）"));
        assert!(problems[4].en.contains("power 2 (seal), step 2"));
        // An unknown post or a misspelt key is refused, not ignored.
        let unknown = text.replace("post = \"village_head\"", "post = \"mayor\"");
        let problem = &PowerList::parse(&unknown).unwrap_err()[0];
        assert_eq!(problem.code, "power_list_syntax");
        assert!(
            problem.en.starts_with("line 38, column 8:"),
            "{}",
            problem.en
        );
        assert!(problem.en.contains("mayor") && problem.zh.starts_with("第38行第8列"));
        let misspelt = text.replace("days = 0", "dayz = 3");
        assert_eq!(
            PowerList::parse(&misspelt).unwrap_err()[0].code,
            "power_list_syntax"
        );
    }
}
