//! Money as integer fen (分). Floating point never comes near an amount.

use crate::Invalid;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Money(pub i64);

impl Money {
    pub fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses yuan with at most two decimals: `1234.5`, `1234.50`, `1,234.50`, `¥1234`.
    /// Negative amounts are refused unless `allow_negative`.
    pub fn parse_yuan(s: &str, allow_negative: bool) -> Result<Money, Invalid> {
        let bad = || {
            Invalid::new(
                "money_format",
                format!("金额“{s}”格式错误: 应为元, 最多两位小数"),
                format!("amount \"{s}\" is not yuan with at most two decimals"),
            )
        };
        let t = s.trim().trim_start_matches(['¥', '￥']);
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        if negative && !allow_negative {
            return Err(Invalid::new(
                "money_negative",
                format!("金额“{s}”不能为负数"),
                format!("amount \"{s}\" must not be negative"),
            ));
        }
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if int_part.is_empty()
            || frac_part.len() > 2
            || !frac_part.bytes().all(|c| c.is_ascii_digit())
        {
            return Err(bad());
        }
        // Thousands separators must sit in the right places: "1,234" yes, "12,34" no.
        let groups: Vec<&str> = int_part.split(',').collect();
        if groups
            .iter()
            .any(|g| g.is_empty() || !g.bytes().all(|c| c.is_ascii_digit()))
            || (groups.len() > 1
                && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)))
        {
            return Err(bad());
        }
        let mut fen: i64 = 0;
        for c in groups.concat().bytes() {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(c - b'0')))
                .ok_or_else(bad)?;
        }
        let mut frac = 0i64;
        for (i, c) in frac_part.bytes().enumerate() {
            frac += i64::from(c - b'0') * if i == 0 { 10 } else { 1 };
        }
        let total = fen
            .checked_mul(100)
            .and_then(|v| v.checked_add(frac))
            .ok_or_else(bad)?;
        Ok(Money(if negative { -total } else { total }))
    }

    /// Plain yuan with two decimals and no separators, e.g. `1234.50` (for files).
    pub fn to_plain_yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

impl fmt::Display for Money {
    /// Yuan with thousands separators, e.g. `2,160.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let int = (a / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped}.{:02}", a % 100)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepted_spellings() {
        assert_eq!(Money::parse_yuan("1234.5", false).unwrap().fen(), 123450);
        assert_eq!(Money::parse_yuan("1234.50", false).unwrap().fen(), 123450);
        assert_eq!(Money::parse_yuan("1,234.50", false).unwrap().fen(), 123450);
        assert_eq!(Money::parse_yuan("0.07", false).unwrap().fen(), 7);
        assert_eq!(Money::parse_yuan("-3.10", true).unwrap().fen(), -310);
        assert_eq!(
            Money::parse_yuan("-3.10", false).unwrap_err().code,
            "money_negative"
        );
        for bad in [
            "", "1.234", "12,34.00", "abc", "1e3", ".5", "1,,234", "1.2.3",
        ] {
            assert!(Money::parse_yuan(bad, true).is_err(), "{bad} accepted");
        }
        assert_eq!(Money(216000).to_string(), "2,160.00");
    }

    proptest! {
        #[test]
        fn round_trip(fen in -10_000_000_000_000i64..10_000_000_000_000) {
            let m = Money(fen);
            prop_assert_eq!(Money::parse_yuan(&m.to_plain_yuan(), true).unwrap(), m);
            prop_assert_eq!(Money::parse_yuan(&m.to_string(), true).unwrap(), m);
        }
    }
}
