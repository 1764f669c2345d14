//! When a village must publish its finances (村务公开, 村民委员会组织法 art. 30): at least once a
//! quarter, every month where transactions are frequent, and major items at once ([`major_item`]).
//!
//! "Frequent" is not a national number: a county sets it ([`FinanceSchedule::frequent_from`],
//! vouchers in a month). A quarter in which any month reaches it is a monthly quarter: each of its
//! months with bookings needs its own disclosure. Any other quarter with bookings needs one
//! disclosure, of any of its months (commonly recorded under the quarter's last month).

use crate::dates::Period;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The county's schedule of finance disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinanceSchedule {
    /// A month with at least this many vouchers makes its quarter monthly.
    pub frequent_from: u32,
    /// An expense of at least this much (fen) is a major item, published at once; so is any
    /// expense made under a villagers' decision (a major matter by definition).
    pub major_from_fen: i64,
    /// "At once": the days after the payment within which the finance disclosure of its month
    /// must be published.
    pub major_within_days: u32,
}

impl Default for FinanceSchedule {
    /// Ten vouchers in a month: a village booking about one transaction every working day or two.
    /// Major from 50,000 yuan, the threshold from which spending needs a villagers' decision
    /// (FUN-NO-DECISION's default), published within 7 days: by the next weekly update of the
    /// village's board.
    fn default() -> FinanceSchedule {
        FinanceSchedule {
            frequent_from: 10,
            major_from_fen: 5_000_000,
            major_within_days: 7,
        }
    }
}

/// Where a major item's disclosure stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MajorDisclosure {
    /// Published within the days allowed, on this day.
    InTime(String),
    /// Published, but later than allowed, on this day.
    Late(String),
    /// Not published, and the days allowed have not run out: due by this day.
    Due(NaiveDate),
    /// Not published, and the days allowed ran out on this day.
    Missing(NaiveDate),
}

/// Whether an expense is a major item: at least the schedule's amount, or made under a decision.
pub fn is_major(schedule: FinanceSchedule, amount_fen: i64, under_decision: bool) -> bool {
    under_decision || amount_fen >= schedule.major_from_fen
}

/// The state of a major item paid on `paid_on`, given the day the finance disclosure of its
/// month was published (if it was) and today.
pub fn major_item(
    schedule: FinanceSchedule,
    paid_on: NaiveDate,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> MajorDisclosure {
    let by = paid_on + chrono::Days::new(u64::from(schedule.major_within_days));
    match published_on {
        // A disclosure dated before the payment cannot have shown it.
        Some(on) if on >= paid_on && on <= by => MajorDisclosure::InTime(on.to_string()),
        Some(on) if on > by => MajorDisclosure::Late(on.to_string()),
        _ if today <= by => MajorDisclosure::Due(by),
        _ => MajorDisclosure::Missing(by),
    }
}

/// A period a disclosure is due for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DuePeriod {
    Month(Period),
    /// Year and quarter (1–4).
    Quarter(i32, u32),
}

impl DuePeriod {
    /// "2024-04" or "2024年第2季度".
    pub fn label_zh(self) -> String {
        match self {
            DuePeriod::Month(p) => p.to_string(),
            DuePeriod::Quarter(y, q) => format!("{y}年第{q}季度"),
        }
    }

    /// "2024-04" or "2024 Q2".
    pub fn label_en(self) -> String {
        match self {
            DuePeriod::Month(p) => p.to_string(),
            DuePeriod::Quarter(y, q) => format!("{y} Q{q}"),
        }
    }
}

fn quarter_of(p: Period) -> (i32, u32) {
    (p.year, (p.month - 1) / 3 + 1)
}

/// Each period a finance disclosure is due for, with the day one was published (`None`: missing),
/// oldest first. `vouchers` counts the bookings of each month; `published` maps each month a
/// finance disclosure was made for to its publication day. A disclosure made for a period
/// without bookings still counts where it falls.
pub fn finance_due(
    schedule: FinanceSchedule,
    vouchers: &BTreeMap<Period, u32>,
    published: &BTreeMap<Period, String>,
) -> Vec<(DuePeriod, Option<String>)> {
    let mut quarters: BTreeMap<(i32, u32), Vec<Period>> = BTreeMap::new();
    for (&month, &n) in vouchers {
        if n > 0 {
            quarters.entry(quarter_of(month)).or_default().push(month);
        }
    }
    let monthly: BTreeSet<(i32, u32)> = vouchers
        .iter()
        .filter(|(_, &n)| n >= schedule.frequent_from)
        .map(|(&m, _)| quarter_of(m))
        .collect();
    let mut due = Vec::new();
    for (quarter, months) in quarters {
        if monthly.contains(&quarter) {
            for m in months {
                due.push((DuePeriod::Month(m), published.get(&m).cloned()));
            }
        } else {
            let first = published
                .iter()
                .filter(|(m, _)| quarter_of(**m) == quarter)
                .map(|(_, on)| on.clone())
                .min();
            due.push((DuePeriod::Quarter(quarter.0, quarter.1), first));
        }
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn a_quiet_village_publishes_quarterly_and_a_busy_one_monthly() {
        let schedule = FinanceSchedule::default();
        // Quiet: a few bookings a month in Q1, one disclosure for the quarter (under March).
        let vouchers: BTreeMap<Period, u32> = [
            (month("2024-01"), 2),
            (month("2024-02"), 3),
            (month("2024-03"), 1),
        ]
        .into();
        let published: BTreeMap<Period, String> =
            [(month("2024-03"), "2024-04-05".to_string())].into();
        assert_eq!(
            finance_due(schedule, &vouchers, &published),
            vec![(DuePeriod::Quarter(2024, 1), Some("2024-04-05".to_string()))]
        );
        // Busy: February reaches ten vouchers, so every month of Q1 with bookings needs its own.
        let busy: BTreeMap<Period, u32> = [
            (month("2024-01"), 2),
            (month("2024-02"), 12),
            (month("2024-03"), 1),
        ]
        .into();
        assert_eq!(
            finance_due(schedule, &busy, &published),
            vec![
                (DuePeriod::Month(month("2024-01")), None),
                (DuePeriod::Month(month("2024-02")), None),
                (
                    DuePeriod::Month(month("2024-03")),
                    Some("2024-04-05".to_string())
                ),
            ]
        );
        // A quarter with bookings and no disclosure is missing; one without bookings is not due.
        let q2: BTreeMap<Period, u32> = [(month("2024-04"), 2), (month("2024-08"), 0)].into();
        assert_eq!(
            finance_due(schedule, &q2, &BTreeMap::new()),
            vec![(DuePeriod::Quarter(2024, 2), None)]
        );
        assert_eq!(DuePeriod::Quarter(2024, 2).label_zh(), "2024年第2季度");
        assert_eq!(DuePeriod::Month(month("2024-04")).label_en(), "2024-04");
    }

    #[test]
    fn the_county_sets_what_frequent_means() {
        let vouchers: BTreeMap<Period, u32> = [(month("2024-01"), 4)].into();
        let none = BTreeMap::new();
        assert_eq!(
            finance_due(
                FinanceSchedule {
                    frequent_from: 4,
                    ..Default::default()
                },
                &vouchers,
                &none
            ),
            vec![(DuePeriod::Month(month("2024-01")), None)]
        );
        assert_eq!(
            finance_due(
                FinanceSchedule {
                    frequent_from: 5,
                    ..Default::default()
                },
                &vouchers,
                &none
            ),
            vec![(DuePeriod::Quarter(2024, 1), None)]
        );
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_major_item_is_published_at_once_or_stands_out() {
        let schedule = FinanceSchedule::default();
        // 50,000 yuan and up, or anything under a decision.
        assert!(is_major(schedule, 5_000_000, false));
        assert!(!is_major(schedule, 4_999_999, false));
        assert!(is_major(schedule, 100, true));
        let paid = day("2024-04-10");
        let today = day("2024-06-01");
        assert_eq!(
            major_item(schedule, paid, Some(day("2024-04-17")), today),
            MajorDisclosure::InTime("2024-04-17".into())
        );
        assert_eq!(
            major_item(schedule, paid, Some(day("2024-05-05")), today),
            MajorDisclosure::Late("2024-05-05".into())
        );
        // A month's disclosure published before the payment did not show it.
        assert_eq!(
            major_item(schedule, paid, Some(day("2024-04-02")), today),
            MajorDisclosure::Missing(day("2024-04-17"))
        );
        assert_eq!(
            major_item(schedule, paid, None, day("2024-04-12")),
            MajorDisclosure::Due(day("2024-04-17"))
        );
        // The county sets the days.
        let strict = FinanceSchedule {
            major_within_days: 3,
            ..schedule
        };
        assert_eq!(
            major_item(strict, paid, Some(day("2024-04-17")), today),
            MajorDisclosure::Late("2024-04-17".into())
        );
    }
}
