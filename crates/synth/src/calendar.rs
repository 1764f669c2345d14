//! The covered window and date arithmetic.
//!
//! The window is `months` months ending at a fixed month ([`END`]), never the wall clock, so the
//! same options always describe the same county. The data's last date is the window's last day:
//! every ledger date (payments, vouchers, awards, signatures, deaths) is on or before it.

use chrono::{Datelike, Duration, NaiveDate};
use qingfeng_domain::Period;

/// The last month covered by every synthetic county.
pub const END: (i32, u32) = (2025, 12);

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + Duration::days(n)
}

/// Same day `n` years later (29 February becomes 28 February).
pub fn add_years(d: NaiveDate, n: i32) -> NaiveDate {
    let y = d.year() + n;
    NaiveDate::from_ymd_opt(y, d.month(), d.day()).unwrap_or_else(|| ymd(y, d.month(), 28))
}

pub fn last_day(p: Period) -> NaiveDate {
    add_days(p.next().first_day(), -1)
}

pub fn fmt(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub struct Window {
    pub periods: Vec<Period>,
    pub period_str: Vec<String>,
    /// Indices of the periods in which annual programs are paid (June, or the last month when the
    /// window holds no June).
    pub annual: Vec<bool>,
    pub start: NaiveDate,
    pub last_date: NaiveDate,
}

impl Window {
    pub fn new(months: u32) -> Window {
        let end = Period::new(END.0, END.1).expect("valid end period");
        let mut periods = vec![end];
        for _ in 1..months {
            let p = periods.last().expect("non-empty").prev();
            periods.push(p);
        }
        periods.reverse();
        let mut annual: Vec<bool> = periods.iter().map(|p| p.month == 6).collect();
        if !annual.iter().any(|a| *a) {
            *annual.last_mut().expect("non-empty") = true;
        }
        Window {
            period_str: periods.iter().map(|p| p.to_string()).collect(),
            start: periods[0].first_day(),
            last_date: last_day(end),
            periods,
            annual,
        }
    }

    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// Index of the period containing `d`, if inside the window.
    pub fn index_of(&self, d: NaiveDate) -> Option<usize> {
        let p = Period::of_date(d);
        self.periods.iter().position(|q| *q == p)
    }
}

/// Parses a date this crate formatted itself.
pub fn ymd_str(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date formatted by this crate")
}
