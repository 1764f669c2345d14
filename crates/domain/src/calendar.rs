//! Working days and the deadlines of reports and cases (domain spec, "Reports and complaints").
//!
//! Some limits count calendar days (a report passed on within 15 days, handled within 60), others
//! working days (a real-name reporter told of acceptance within 15 working days, a report of the
//! level above sent up within 5). Working days are Monday to Friday, except public holidays, plus
//! the weekend days worked in exchange for them (调休); both lists are configuration, because the
//! State Council publishes them year by year.
//!
//! "Within N days of D" is read as: due on the N-th day after D, that day included.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休).
    workdays: BTreeSet<NaiveDate>,
}

/// How a limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    CalendarDays(u32),
    WorkingDays(u32),
    /// Calendar months (the same day of the month, or the month's last day).
    Months(u32),
}

/// The deadlines of the procedure, with their legal limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// 信访工作条例: passed to the competent body within 15 days of registration.
    Transfer,
    /// Handled within 60 days of acceptance.
    Handling,
    /// One extension of at most 30 days.
    Extension,
    /// A real-name reporter is told of acceptance within 15 working days.
    AcceptanceNotice,
    /// …and of the result within 15 working days of closing.
    ResultNotice,
    /// Review (复查) or second review (复核) requested within 30 days of the reply.
    ReviewRequest,
    /// …and decided within 30 days.
    ReviewDecision,
    /// A report belonging to the level above goes up within 5 working days.
    UpwardTransfer,
    /// A forwarded report is accepted or transferred within 5 working days.
    ForwardedAcceptance,
    /// 谈话函询: the written reply within 15 working days.
    InquiryReply,
    /// 谈话函询: the handling department's report on the inquiry within one month.
    InquiryReport,
    /// 申诉: an appeal against a case's decision is made within one month of the decision (and
    /// a second one within one month of the first's decision).
    AppealRequest,
    /// …and decided within one month.
    AppealDecision,
    /// The second appeal, to the level above, is decided within two months.
    SecondAppealDecision,
    /// A clue handed to a township (交办) is answered within 30 days. Not a national text:
    /// commissions set their own period, and the official handing over may set an earlier day.
    HandOverFeedback,
}

impl Deadline {
    pub fn limit(self) -> Limit {
        match self {
            Deadline::Transfer => Limit::CalendarDays(15),
            Deadline::Handling => Limit::CalendarDays(60),
            Deadline::Extension => Limit::CalendarDays(30),
            Deadline::AcceptanceNotice => Limit::WorkingDays(15),
            Deadline::ResultNotice => Limit::WorkingDays(15),
            Deadline::ReviewRequest => Limit::CalendarDays(30),
            Deadline::ReviewDecision => Limit::CalendarDays(30),
            Deadline::UpwardTransfer => Limit::WorkingDays(5),
            Deadline::ForwardedAcceptance => Limit::WorkingDays(5),
            Deadline::InquiryReply => Limit::WorkingDays(15),
            Deadline::InquiryReport => Limit::Months(1),
            Deadline::HandOverFeedback => Limit::CalendarDays(30),
            Deadline::AppealRequest => Limit::Months(1),
            Deadline::AppealDecision => Limit::Months(1),
            Deadline::SecondAppealDecision => Limit::Months(2),
        }
    }
}

impl WorkCalendar {
    /// A calendar with the given public holidays and make-up working days.
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> WorkCalendar {
        WorkCalendar {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        }
    }

    /// Reads the holiday calendar file: one line per day, `date,kind,name` with kind `holiday`
    /// (休) or `workday` (班, a weekend day worked); blank lines and lines starting with `#` are
    /// skipped. A bad line is refused with its number, value and reason.
    pub fn from_csv(text: &str) -> Result<WorkCalendar, CalendarError> {
        let mut calendar = WorkCalendar::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let bad = |value: &str, zh: &str, en: &str| CalendarError {
                line: i + 1,
                value: value.to_string(),
                reason_zh: zh.to_string(),
                reason_en: en.to_string(),
            };
            let mut fields = line.split(',').map(str::trim);
            let date = fields.next().unwrap_or_default();
            let kind = fields.next().unwrap_or_default();
            let day = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| bad(date, "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD"))?;
            match kind {
                "holiday" | "休" => calendar.holidays.insert(day),
                "workday" | "班" => calendar.workdays.insert(day),
                _ => {
                    return Err(bad(
                        kind,
                        "类型应为 holiday(休) 或 workday(班)",
                        "the kind must be holiday (休) or workday (班)",
                    ))
                }
            };
        }
        Ok(calendar)
    }

    /// The years this calendar lists any day of: outside them only weekends are known.
    pub fn years(&self) -> BTreeSet<i32> {
        self.holidays
            .iter()
            .chain(&self.workdays)
            .map(|d| d.year())
            .collect()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `start` (`start` itself when `n` is 0).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }

    /// The last day for `deadline` counted from `start`.
    pub fn due(&self, deadline: Deadline, start: NaiveDate) -> NaiveDate {
        match deadline.limit() {
            Limit::CalendarDays(n) => start + Duration::days(i64::from(n)),
            Limit::WorkingDays(n) => self.add_working_days(start, n),
            Limit::Months(n) => start
                .checked_add_months(chrono::Months::new(n))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

/// A line of the holiday calendar file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {value:?}: {reason_zh} / {reason_en}")]
pub struct CalendarError {
    pub line: usize,
    pub value: String,
    pub reason_zh: String,
    pub reason_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// 2025's National Day and Mid-Autumn holiday: 1–8 October off, Sunday 28 September and
    /// Saturday 11 October worked (State Council notice for 2025).
    fn national_day_2025() -> WorkCalendar {
        WorkCalendar::new(
            d("2025-10-01").iter_days().take(8),
            [d("2025-09-28"), d("2025-10-11")],
        )
    }

    #[test]
    fn weekends_are_skipped() {
        let c = WorkCalendar::default();
        // Friday + 1 working day = Monday.
        assert_eq!(c.add_working_days(d("2025-06-06"), 1), d("2025-06-09"));
        assert_eq!(c.add_working_days(d("2025-06-06"), 0), d("2025-06-06"));
        assert_eq!(c.add_working_days(d("2025-06-02"), 5), d("2025-06-09"));
    }

    #[test]
    fn holidays_and_make_up_days_count_as_configured() {
        let c = national_day_2025();
        assert!(c.is_working_day(d("2025-09-28")), "a Sunday worked");
        assert!(!c.is_working_day(d("2025-10-06")), "a Monday off");
        assert!(c.is_working_day(d("2025-10-11")), "a Saturday worked");
        // Tuesday 30 September + 1 working day: Thursday 9 October.
        assert_eq!(c.add_working_days(d("2025-09-30"), 1), d("2025-10-09"));
        // A report of the level above received on Monday 29 September goes up within 5 working
        // days: 30 September, 9, 10, 11 (the Saturday worked) and 13 October.
        assert_eq!(
            c.due(Deadline::UpwardTransfer, d("2025-09-29")),
            d("2025-10-13")
        );
        // Calendar-day limits ignore holidays.
        assert_eq!(c.due(Deadline::Transfer, d("2025-09-30")), d("2025-10-15"));
        assert_eq!(c.due(Deadline::Handling, d("2025-09-30")), d("2025-11-29"));
    }

    proptest! {
        #[test]
        fn the_nth_working_day_is_a_working_day_n_working_days_on(
            offset in 0i64..3000,
            n in 0u32..60,
            holiday_offsets in proptest::collection::vec(0i64..3100, 0..40),
        ) {
            let base = d("2020-01-01");
            let c = WorkCalendar::new(holiday_offsets.iter().map(|o| base + Duration::days(*o)), []);
            let start = base + Duration::days(offset);
            let due = c.add_working_days(start, n);
            prop_assert!(due >= start);
            prop_assert_eq!(c.working_days_between(start, due), n);
            if n > 0 {
                prop_assert!(c.is_working_day(due));
            }
            prop_assert!(c.add_working_days(start, n + 1) > due);
        }
    }

    #[test]
    fn the_calendar_file_is_read_and_bad_lines_are_refused() {
        let c = WorkCalendar::from_csv(
            "date,kind,name\n# 2025 国庆\n2025-10-01,holiday,国庆节\n2025-09-28,班,国庆调休\n\n",
        )
        .unwrap();
        assert!(!c.is_working_day(d("2025-10-01")));
        assert!(c.is_working_day(d("2025-09-28")));
        assert_eq!(c.years().into_iter().collect::<Vec<_>>(), vec![2025]);

        let e = WorkCalendar::from_csv("2025-10-01,holiday\n2025-13-01,holiday\n").unwrap_err();
        assert_eq!((e.line, e.value.as_str()), (2, "2025-13-01"));
        let e = WorkCalendar::from_csv("2025-10-01,day off\n").unwrap_err();
        assert_eq!((e.line, e.value.as_str()), (1, "day off"));
    }

    #[test]
    fn the_shipped_calendar_reads() {
        let c = WorkCalendar::from_csv(include_str!("../../../config/holidays.csv")).unwrap();
        // 2026 Spring Festival: 15–23 February off, Saturday 14 and 28 February worked.
        assert!(!c.is_working_day(d("2026-02-16")));
        assert!(c.is_working_day(d("2026-02-14")));
        assert!(c.years().contains(&2025) && c.years().contains(&2026));
    }
}
