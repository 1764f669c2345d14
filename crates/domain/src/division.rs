//! 12-digit statistical division codes (统计用区划代码).
//!
//! Digits 1–6 are the county (GB/T 2260), 7–9 the township, 10–12 the village. A county code
//! ends in six zeros, a township code in three.

use crate::Invalid;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    County,
    Township,
    Village,
}

impl DivisionLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            DivisionLevel::County => "county",
            DivisionLevel::Township => "township",
            DivisionLevel::Village => "village",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode([u8; 12]);

impl DivisionCode {
    pub fn parse(s: &str) -> Result<DivisionCode, Invalid> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
            return Err(Invalid::new(
                "division_code_shape",
                format!("区划代码应为12位数字, 实为“{s}”"),
                format!("a division code has 12 digits, got \"{s}\""),
            ));
        }
        if &b[..6] == b"000000" || &b[2..6] == b"0000" {
            return Err(Invalid::new(
                "division_code_not_local",
                "区划代码须在县级以下",
                "a division code must be at county level or below",
            ));
        }
        if &b[6..9] == b"000" && &b[9..] != b"000" {
            return Err(Invalid::new(
                "division_code_shape",
                "村级区划代码的乡镇段(第7-9位)不能为000",
                "a village code cannot have township digits 7-9 equal to 000",
            ));
        }
        let mut arr = [0u8; 12];
        arr.copy_from_slice(b);
        Ok(DivisionCode(arr))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("division codes are ASCII")
    }

    pub fn level(&self) -> DivisionLevel {
        if &self.0[6..] == b"000000" {
            DivisionLevel::County
        } else if &self.0[9..] == b"000" {
            DivisionLevel::Township
        } else {
            DivisionLevel::Village
        }
    }

    /// The code of the county this division lies in.
    pub fn county(&self) -> DivisionCode {
        let mut arr = self.0;
        arr[6..].copy_from_slice(b"000000");
        DivisionCode(arr)
    }

    /// The township this division lies in (itself for a township; None for a county).
    pub fn township(&self) -> Option<DivisionCode> {
        if self.level() == DivisionLevel::County {
            return None;
        }
        let mut arr = self.0;
        arr[9..].copy_from_slice(b"000");
        Some(DivisionCode(arr))
    }

    /// The division one level up, or None for a county.
    pub fn parent(&self) -> Option<DivisionCode> {
        match self.level() {
            DivisionLevel::County => None,
            DivisionLevel::Township => Some(self.county()),
            DivisionLevel::Village => self.township(),
        }
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn levels_and_parents() {
        let v = DivisionCode::parse("500233101203").unwrap();
        assert_eq!(v.level(), DivisionLevel::Village);
        assert_eq!(v.parent().unwrap().as_str(), "500233101000");
        assert_eq!(v.county().as_str(), "500233000000");
        assert_eq!(v.county().level(), DivisionLevel::County);
        assert!(DivisionCode::parse("5002331012").is_err());
        assert!(DivisionCode::parse("500233000203").is_err());
    }

    proptest! {
        #[test]
        fn round_trip(county in 110100u32..659999, town in 1u32..999, village in 0u32..999) {
            let s = format!("{county:06}{town:03}{village:03}");
            prop_assume!(&s[2..6] != "0000");
            let code = DivisionCode::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
        }
    }
}
