//! Civil dates, periods and booleans in the spellings agencies actually export.

use crate::Invalid;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Parses `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY年M月D日` (month and day may have one digit).
pub fn parse_date(s: &str) -> Result<NaiveDate, Invalid> {
    let t = s.trim();
    // Excel and databases export dates with a midnight time ("2025-03-05 00:00:00"); the time
    // of a register date carries nothing.
    let t = match t.split_once([' ', 'T']) {
        Some((day, time))
            if !day.is_empty()
                && time
                    .trim()
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.') =>
        {
            day
        }
        _ => t,
    };
    // 20250305, the form of many local systems.
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (&t[..4], &t[4..6], &t[6..]);
        return NaiveDate::from_ymd_opt(
            y.parse().unwrap_or(0),
            m.parse().unwrap_or(0),
            d.parse().unwrap_or(0),
        )
        .ok_or_else(|| {
            Invalid::new(
                "date_not_real",
                format!("日期“{s}”不存在"),
                format!("date \"{s}\" does not exist"),
            )
        });
    }
    let bad = || {
        Invalid::new(
            "date_format",
            format!("日期“{s}”无法识别: 应为YYYY-MM-DD、YYYY/MM/DD、YYYY.MM.DD、YYYYMMDD或YYYY年MM月DD日"),
            format!("date \"{s}\" is not YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD or YYYY年MM月DD日"),
        )
    };
    let mut parts = ["", "", ""];
    let mut count = 0;
    if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        parts = [y, m, d];
        count = 3;
    } else {
        let sep = if t.contains('-') {
            '-'
        } else if t.contains('.') {
            '.'
        } else {
            '/'
        };
        for p in t.split(sep) {
            if count == 3 {
                return Err(bad());
            }
            parts[count] = p;
            count += 1;
        }
    }
    if count != 3
        || parts[0].len() != 4
        || !(1..=2).contains(&parts[1].len())
        || !(1..=2).contains(&parts[2].len())
        || !parts.iter().all(|p| p.bytes().all(|c| c.is_ascii_digit()))
    {
        return Err(bad());
    }
    let (y, m, d) = (
        parts[0].parse().unwrap(),
        parts[1].parse().unwrap(),
        parts[2].parse().unwrap(),
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        Invalid::new(
            "date_not_real",
            format!("日期“{s}”不存在"),
            format!("date \"{s}\" does not exist"),
        )
    })
}

/// `YYYY-MM-DD`, the form dates are stored in (faster than a strftime pattern on hot paths).
pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Parses the contract's boolean spellings: true/false, 1/0, 是/否, Y/N.
pub fn parse_bool(s: &str) -> Result<bool, Invalid> {
    match s.trim() {
        "是" => Ok(true),
        "否" => Ok(false),
        t => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "y" | "yes" => Ok(true),
            "false" | "0" | "n" | "no" => Ok(false),
            _ => Err(Invalid::new(
                "bool_format",
                format!("“{s}”不是是/否值(true/false、1/0、是/否、Y/N)"),
                format!("\"{s}\" is not a yes/no value (true/false, 1/0, 是/否, Y/N)"),
            )),
        },
    }
}

/// A month: the period a subsidy payment or an entitlement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=2200).contains(&year))
            .then_some(Period { year, month })
    }

    /// Parses `YYYY-MM` (also `YYYY/MM` and `YYYY年MM月`).
    pub fn parse(s: &str) -> Result<Period, Invalid> {
        let t = s.trim();
        let bad = || {
            Invalid::new(
                "period_format",
                format!("期间“{s}”格式错误: 应为YYYY-MM"),
                format!("period \"{s}\" is not YYYY-MM"),
            )
        };
        let (y, m) = if let Some(rest) = t.strip_suffix('月') {
            rest.split_once('年').ok_or_else(bad)?
        } else {
            t.split_once('-')
                .or_else(|| t.split_once('/'))
                .ok_or_else(bad)?
        };
        if y.len() != 4
            || !(1..=2).contains(&m.len())
            || !y.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        Period::new(y.parse().unwrap(), m.parse().unwrap()).ok_or_else(bad)
    }

    pub fn of_date(d: NaiveDate) -> Period {
        Period {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid period")
    }

    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn date_spellings() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 2).unwrap();
        for s in [
            "2024-03-02",
            "2024/03/02",
            "2024年03月02日",
            "2024年3月2日",
            "2024-3-2",
            "2024.03.02",
            "2024.3.2",
            "20240302",
            "2024-03-02 00:00:00",
            "2024/3/2 0:00",
        ] {
            assert_eq!(parse_date(s).unwrap(), d, "{s}");
        }
        assert_eq!(parse_date("2023-02-29").unwrap_err().code, "date_not_real");
        assert_eq!(parse_date("20230229").unwrap_err().code, "date_not_real");
        for bad in ["24-03-02", "2024030", "2024-03", "", "2024-03-02 noon"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_and_bools() {
        assert_eq!(Period::parse("2024-03").unwrap().to_string(), "2024-03");
        assert_eq!(Period::parse("2024年3月").unwrap().to_string(), "2024-03");
        assert!(Period::parse("2024-13").is_err());
        assert!(parse_bool("是").unwrap());
        assert!(!parse_bool("N").unwrap());
        assert!(parse_bool("maybe").is_err());
    }

    proptest! {
        #[test]
        fn dates_round_trip(days in 0i64..80_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()).unwrap(), d);
            prop_assert_eq!(parse_date(&d.format("%Y/%m/%d").to_string()).unwrap(), d);
            prop_assert_eq!(parse_date(&d.format("%Y年%m月%d日").to_string()).unwrap(), d);
        }

        #[test]
        fn periods_round_trip(y in 1900i32..2200, m in 1u32..=12) {
            let p = Period::new(y, m).unwrap();
            prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
        }
    }
}
