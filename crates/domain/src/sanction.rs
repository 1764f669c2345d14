//! Sanctions and lighter measures, with the periods during which they take effect (domain spec,
//! "From clue to case"): a cadre under a sanction shows as such until it expires.
//!
//! Party sanctions (中国共产党纪律处分条例): warning 1 year, serious warning 1.5 years, removal
//! from party posts 2 years, probation 1 or 2 years, expulsion (no re-admission for 5 years).
//! Government sanctions (政务处分法 art. 7–8): warning 6 months, demerit 12, major demerit 18,
//! demotion and dismissal 24, expulsion. Lighter measures (reminder talk, criticism, ordered
//! self-examination, admonishing talk) carry no period.

use chrono::{Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Catalogue {
    /// 党纪处分
    Party,
    /// 政务处分
    Government,
    /// 组织处理与轻处理 (lighter measures)
    Measure,
}

impl Catalogue {
    pub fn code(self) -> &'static str {
        match self {
            Catalogue::Party => "party",
            Catalogue::Government => "government",
            Catalogue::Measure => "measure",
        }
    }
}

/// How long a sanction takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// For this many months from the decision.
    Months(u32),
    /// For good (expulsion).
    Permanent,
    /// No period (lighter measures: recorded, not running).
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanctionKind {
    pub code: &'static str,
    pub catalogue: Catalogue,
    pub zh: &'static str,
    pub en: &'static str,
    pub effect: Effect,
}

const fn kind(
    code: &'static str,
    catalogue: Catalogue,
    zh: &'static str,
    en: &'static str,
    effect: Effect,
) -> SanctionKind {
    SanctionKind {
        code,
        catalogue,
        zh,
        en,
        effect,
    }
}

use Catalogue::{Government, Measure, Party};

/// Every sanction and measure the workspace records.
pub const SANCTIONS: &[SanctionKind] = &[
    kind(
        "party_warning",
        Party,
        "党内警告",
        "party warning",
        Effect::Months(12),
    ),
    kind(
        "party_serious_warning",
        Party,
        "党内严重警告",
        "serious party warning",
        Effect::Months(18),
    ),
    kind(
        "party_post_removal",
        Party,
        "撤销党内职务",
        "removal from party posts",
        Effect::Months(24),
    ),
    kind(
        "party_probation_1y",
        Party,
        "留党察看一年",
        "party probation, 1 year",
        Effect::Months(12),
    ),
    kind(
        "party_probation_2y",
        Party,
        "留党察看二年",
        "party probation, 2 years",
        Effect::Months(24),
    ),
    kind(
        "party_expulsion",
        Party,
        "开除党籍",
        "expulsion from the party",
        Effect::Months(60),
    ),
    kind(
        "gov_warning",
        Government,
        "警告",
        "warning",
        Effect::Months(6),
    ),
    kind(
        "gov_demerit",
        Government,
        "记过",
        "demerit",
        Effect::Months(12),
    ),
    kind(
        "gov_major_demerit",
        Government,
        "记大过",
        "major demerit",
        Effect::Months(18),
    ),
    kind(
        "gov_demotion",
        Government,
        "降级",
        "demotion",
        Effect::Months(24),
    ),
    kind(
        "gov_dismissal",
        Government,
        "撤职",
        "dismissal from post",
        Effect::Months(24),
    ),
    kind(
        "gov_expulsion",
        Government,
        "开除",
        "expulsion from public employment",
        Effect::Permanent,
    ),
    kind(
        "reminder_talk",
        Measure,
        "提醒谈话",
        "reminder talk",
        Effect::None,
    ),
    kind("criticism", Measure, "批评教育", "criticism", Effect::None),
    kind(
        "self_examination",
        Measure,
        "责令检查",
        "ordered self-examination",
        Effect::None,
    ),
    kind(
        "admonishing_talk",
        Measure,
        "诫勉谈话",
        "admonishing talk",
        Effect::None,
    ),
];

impl SanctionKind {
    pub fn parse(code: &str) -> Option<SanctionKind> {
        SANCTIONS.iter().copied().find(|k| k.code == code)
    }

    /// The last day the sanction takes effect, when it has a period.
    pub fn effective_until(self, decided_on: NaiveDate) -> Option<NaiveDate> {
        match self.effect {
            Effect::Months(n) => decided_on
                .checked_add_months(Months::new(n))
                .and_then(|d| d.pred_opt()),
            Effect::Permanent | Effect::None => None,
        }
    }

    /// Whether the sanction is in effect on `day`.
    pub fn in_effect(self, decided_on: NaiveDate, day: NaiveDate) -> bool {
        match self.effect {
            Effect::Months(_) => {
                day >= decided_on && self.effective_until(decided_on).is_some_and(|u| day <= u)
            }
            Effect::Permanent => day >= decided_on,
            Effect::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_follow_the_catalogues() {
        let months = |code: &str| match SanctionKind::parse(code).unwrap().effect {
            Effect::Months(n) => Some(n),
            _ => None,
        };
        assert_eq!(months("party_warning"), Some(12));
        assert_eq!(months("party_serious_warning"), Some(18));
        assert_eq!(months("party_post_removal"), Some(24));
        assert_eq!(months("gov_warning"), Some(6));
        assert_eq!(months("gov_major_demerit"), Some(18));
        assert_eq!(months("gov_dismissal"), Some(24));
        assert_eq!(
            SanctionKind::parse("gov_expulsion").unwrap().effect,
            Effect::Permanent
        );
        assert_eq!(
            SanctionKind::parse("admonishing_talk").unwrap().effect,
            Effect::None
        );
        assert!(SanctionKind::parse("flogging").is_none());
    }

    #[test]
    fn a_sanction_is_in_effect_until_its_period_ends() {
        let warning = SanctionKind::parse("gov_warning").unwrap();
        let decided = d("2026-03-31");
        // Six months from 31 March: through 29 September (30 September is 6 months on).
        assert_eq!(warning.effective_until(decided), Some(d("2026-09-29")));
        assert!(!warning.in_effect(decided, d("2026-03-30")));
        assert!(warning.in_effect(decided, decided));
        assert!(warning.in_effect(decided, d("2026-09-29")));
        assert!(!warning.in_effect(decided, d("2026-09-30")));
        let expulsion = SanctionKind::parse("gov_expulsion").unwrap();
        assert!(expulsion.in_effect(decided, d("2040-01-01")));
        let talk = SanctionKind::parse("admonishing_talk").unwrap();
        assert!(!talk.in_effect(decided, decided));
    }
}
