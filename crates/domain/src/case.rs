//! The stages of a case as an explicit state machine (domain spec, "From clue to case"), the
//! closing checklist (四不放过), and the recall vote of a village committee member.
//!
//! Every refusal says why in both languages, so the workspace can show it as it is.

use crate::Invalid;

/// Where a case stands. A clue becomes a case at filing; before that it is disposed of in one
/// of the four ways (a clue-level decision, not a case stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// 立案
    Filed,
    /// 审查调查
    Investigation,
    /// 审理
    TrialReview,
    /// 作出处分决定
    Decided,
    /// 执行
    Execution,
    /// 申诉 (the person concerned appeals the decision)
    Appeal,
    /// 结案 (only with the four-item checklist done)
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Filed,
        Stage::Investigation,
        Stage::TrialReview,
        Stage::Decided,
        Stage::Execution,
        Stage::Appeal,
        Stage::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Filed => "filed",
            Stage::Investigation => "investigation",
            Stage::TrialReview => "trial_review",
            Stage::Decided => "decided",
            Stage::Execution => "execution",
            Stage::Appeal => "appeal",
            Stage::Closed => "closed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Stage::Filed => "立案",
            Stage::Investigation => "审查调查",
            Stage::TrialReview => "审理",
            Stage::Decided => "作出决定",
            Stage::Execution => "执行",
            Stage::Appeal => "申诉",
            Stage::Closed => "结案",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The stages a case may move to from this one. Trial review may send a case back for more
    /// investigation; an appeal either ends with the decision standing (on to execution) or sends
    /// it back to trial review.
    pub fn next(self) -> &'static [Stage] {
        match self {
            Stage::Filed => &[Stage::Investigation],
            Stage::Investigation => &[Stage::TrialReview],
            Stage::TrialReview => &[Stage::Decided, Stage::Investigation],
            Stage::Decided => &[Stage::Execution, Stage::Appeal],
            Stage::Execution => &[Stage::Appeal, Stage::Closed],
            Stage::Appeal => &[Stage::Execution, Stage::TrialReview],
            Stage::Closed => &[],
        }
    }
}

/// How a clue or report is disposed of (处置): the four ways of 监督执纪工作规则 art. 21, or
/// filing a case. Each is decided collectively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Way {
    /// 谈话函询: a talk or letter of inquiry, with a written reply and a report on it.
    Inquiry,
    /// 初步核实
    PreliminaryVerification,
    /// 暂存待查
    Hold,
    /// 予以了结
    Close,
    /// 立案审查调查: a case is opened at its first stage.
    FileCase,
}

impl Way {
    pub const ALL: [Way; 5] = [
        Way::Inquiry,
        Way::PreliminaryVerification,
        Way::Hold,
        Way::Close,
        Way::FileCase,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Way::Inquiry => "inquiry",
            Way::PreliminaryVerification => "preliminary_verification",
            Way::Hold => "hold",
            Way::Close => "close",
            Way::FileCase => "file_case",
        }
    }

    pub fn parse(code: &str) -> Option<Way> {
        Way::ALL.into_iter().find(|w| w.code() == code)
    }
}

/// A remedy ordered in a case: the money back, or the office ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemedyKind {
    /// 退还: the money goes back to the villagers it was taken from, named by their payments.
    Refund,
    /// 赔偿
    Compensation,
    /// 扣减工资: only after compensation was ordered and refused.
    WageDeduction,
    /// 提起民事诉讼
    CivilSuit,
    /// 罢免 (村民委员会组织法 art. 16)
    Recall,
}

impl RemedyKind {
    pub const ALL: [RemedyKind; 5] = [
        RemedyKind::Refund,
        RemedyKind::Compensation,
        RemedyKind::WageDeduction,
        RemedyKind::CivilSuit,
        RemedyKind::Recall,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RemedyKind::Refund => "refund",
            RemedyKind::Compensation => "compensation",
            RemedyKind::WageDeduction => "wage_deduction",
            RemedyKind::CivilSuit => "civil_suit",
            RemedyKind::Recall => "recall",
        }
    }

    pub fn parse(code: &str) -> Option<RemedyKind> {
        RemedyKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Where a remedy stands: open (`Ordered`, `InProgress`) or ended (`Done`, `Refused`, `Failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemedyStatus {
    Ordered,
    InProgress,
    Done,
    /// The person refused (compensation refused opens the way to a wage deduction).
    Refused,
    /// It could not be achieved (a recall vote that did not pass, a suit lost).
    Failed,
}

impl RemedyStatus {
    pub const ALL: [RemedyStatus; 5] = [
        RemedyStatus::Ordered,
        RemedyStatus::InProgress,
        RemedyStatus::Done,
        RemedyStatus::Refused,
        RemedyStatus::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RemedyStatus::Ordered => "ordered",
            RemedyStatus::InProgress => "in_progress",
            RemedyStatus::Done => "done",
            RemedyStatus::Refused => "refused",
            RemedyStatus::Failed => "failed",
        }
    }

    pub fn parse(code: &str) -> Option<RemedyStatus> {
        RemedyStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_open(self) -> bool {
        matches!(self, RemedyStatus::Ordered | RemedyStatus::InProgress)
    }
}

/// The four things a case needs before it closes (四不放过), each with its evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklist {
    /// 原因分析清楚
    pub cause_analysed: Option<String>,
    /// 责任人员处理到位
    pub responsibility_handled: Option<String>,
    /// 相关人员受到教育
    pub people_educated: Option<String>,
    /// 整改措施落实
    pub prevention_in_place: Option<String>,
}

impl Checklist {
    /// The items still missing, as (zh, en) labels.
    pub fn missing(&self) -> Vec<(&'static str, &'static str)> {
        let filled = |e: &Option<String>| e.as_deref().is_some_and(|s| !s.trim().is_empty());
        [
            (&self.cause_analysed, "原因分析", "cause analysed"),
            (
                &self.responsibility_handled,
                "责任处理",
                "responsibility handled",
            ),
            (&self.people_educated, "教育相关人员", "people educated"),
            (&self.prevention_in_place, "整改措施", "preventive measures"),
        ]
        .into_iter()
        .filter(|(e, _, _)| !filled(e))
        .map(|(_, zh, en)| (zh, en))
        .collect()
    }
}

/// Checks a move of a case from `from` to `to`; closing also needs the whole checklist.
pub fn transition(from: Stage, to: Stage, checklist: &Checklist) -> Result<(), Invalid> {
    if !from.next().contains(&to) {
        let allowed_zh: Vec<&str> = from.next().iter().map(|s| s.zh()).collect();
        let allowed_en: Vec<&str> = from.next().iter().map(|s| s.code()).collect();
        return Err(Invalid::new(
            "case_transition",
            format!(
                "案件不能从“{}”转到“{}”；可转到：{}",
                from.zh(),
                to.zh(),
                if allowed_zh.is_empty() {
                    "无（已结案）".to_string()
                } else {
                    allowed_zh.join("、")
                }
            ),
            format!(
                "a case cannot move from {} to {}; allowed: {}",
                from.code(),
                to.code(),
                if allowed_en.is_empty() {
                    "none (closed)".to_string()
                } else {
                    allowed_en.join(", ")
                }
            ),
        ));
    }
    if to == Stage::Closed {
        let missing = checklist.missing();
        if !missing.is_empty() {
            return Err(Invalid::new(
                "case_checklist",
                format!(
                    "结案须做到“四不放过”，尚缺：{}",
                    missing.iter().map(|m| m.0).collect::<Vec<_>>().join("、")
                ),
                format!(
                    "a case closes only with all four items done; missing: {}",
                    missing.iter().map(|m| m.1).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// 罢免 (村民委员会组织法 art. 16): may a recall be proposed with these signatures?
/// At least 1/5 of registered voters, or at least 1/3 of villager representatives.
pub fn recall_may_be_proposed(
    voter_signatures: u32,
    registered_voters: u32,
    representative_signatures: u32,
    representatives: u32,
) -> bool {
    (registered_voters > 0 && voter_signatures * 5 >= registered_voters)
        || (representatives > 0 && representative_signatures * 3 >= representatives)
}

/// Whether a recall vote removes the member: more than half of registered voters voted, and
/// more than half of the votes cast approve.
pub fn recall_passes(registered_voters: u32, votes_cast: u32, approve: u32) -> bool {
    votes_cast * 2 > registered_voters && approve * 2 > votes_cast
}

/// A failed recall bars the same reason against the same person until this day (6 months,
/// the common provincial rule).
pub fn same_recall_barred_until(failed_on: chrono::NaiveDate) -> chrono::NaiveDate {
    failed_on
        .checked_add_months(chrono::Months::new(6))
        .unwrap_or(chrono::NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done() -> Checklist {
        Checklist {
            cause_analysed: Some("台账未公开".into()),
            responsibility_handled: Some("党内警告".into()),
            people_educated: Some("警示教育会".into()),
            prevention_in_place: Some("一卡通发放每月公示".into()),
        }
    }

    #[test]
    fn a_case_moves_only_along_the_procedure() {
        let c = done();
        let path = [
            Stage::Filed,
            Stage::Investigation,
            Stage::TrialReview,
            Stage::Decided,
            Stage::Execution,
            Stage::Closed,
        ];
        for w in path.windows(2) {
            assert_eq!(
                transition(w[0], w[1], &c),
                Ok(()),
                "{:?} → {:?}",
                w[0],
                w[1]
            );
        }
        let e = transition(Stage::Filed, Stage::Decided, &c).unwrap_err();
        assert!(
            e.zh.contains("不能从“立案”转到“作出决定”") && e.zh.contains("审查调查"),
            "{}",
            e.zh
        );
        assert!(e.en.contains("allowed: investigation"), "{}", e.en);
        assert!(transition(Stage::Closed, Stage::Appeal, &c)
            .unwrap_err()
            .en
            .contains("none (closed)"));
        // Trial review can send a case back; an appeal goes back to trial review or on.
        assert!(transition(Stage::TrialReview, Stage::Investigation, &c).is_ok());
        assert!(transition(Stage::Appeal, Stage::TrialReview, &c).is_ok());
        // Every stage's codes round-trip.
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn a_case_closes_only_with_all_four_items() {
        let mut c = done();
        c.people_educated = Some("  ".into());
        c.prevention_in_place = None;
        let e = transition(Stage::Execution, Stage::Closed, &c).unwrap_err();
        assert_eq!(e.code, "case_checklist");
        assert!(e.zh.contains("教育相关人员、整改措施"), "{}", e.zh);
        assert!(
            e.en.contains("people educated, preventive measures"),
            "{}",
            e.en
        );
        assert!(transition(Stage::Execution, Stage::Closed, &done()).is_ok());
    }

    #[test]
    fn recall_thresholds_follow_the_organic_law() {
        // 1/5 of 500 voters is 100 signatures; 1/3 of 30 representatives is 10.
        assert!(recall_may_be_proposed(100, 500, 0, 30));
        assert!(!recall_may_be_proposed(99, 500, 9, 30));
        assert!(recall_may_be_proposed(0, 500, 10, 30));
        assert!(!recall_may_be_proposed(0, 0, 0, 0));
        // Valid only with more than half voting and more than half of the votes approving.
        assert!(recall_passes(500, 251, 126));
        assert!(
            !recall_passes(500, 250, 250),
            "exactly half voting is not enough"
        );
        assert!(
            !recall_passes(500, 300, 150),
            "exactly half approving is not enough"
        );
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(same_recall_barred_until(d("2025-08-31")), d("2026-02-28"));
        assert_eq!(same_recall_barred_until(d("2025-03-15")), d("2025-09-15"));
    }
}
