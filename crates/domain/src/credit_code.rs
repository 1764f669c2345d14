//! Unified social credit codes (统一社会信用代码, GB 32100-2015).
//!
//! 18 characters from a 31-character alphabet (no I, O, S, V, Z); characters 3–8 are the
//! registering division; the last is a MOD 31 check character.

use crate::Invalid;
use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode([u8; 18]);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be in the alphabet).
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value_of(c).expect("alphabet checked") * w)
        .sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

impl CreditCode {
    pub fn parse(s: &str) -> Result<CreditCode, Invalid> {
        let upper = s.trim().to_ascii_uppercase();
        let b = upper.as_bytes();
        if b.len() != 18 {
            return Err(Invalid::new(
                "credit_code_shape",
                format!("统一社会信用代码应为18位, 实为{}位", upper.chars().count()),
                format!(
                    "a unified social credit code has 18 characters, got {}",
                    upper.chars().count()
                ),
            ));
        }
        if let Some(bad) = b.iter().find(|&&c| value_of(c).is_none()) {
            return Err(Invalid::new(
                "credit_code_shape",
                format!("统一社会信用代码含非法字符“{}”", *bad as char),
                format!(
                    "character \"{}\" is not allowed in a unified social credit code",
                    *bad as char
                ),
            ));
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(Invalid::new(
                "credit_code_shape",
                "统一社会信用代码第3-8位应为登记管理机关行政区划码",
                "characters 3-8 of a unified social credit code must be a division code",
            ));
        }
        let expected = check_char(&b[..17]);
        if b[17] != expected {
            return Err(Invalid::new(
                "credit_code_check",
                format!(
                    "统一社会信用代码校验位错误: 应为{}, 实为{}",
                    expected as char, b[17] as char
                ),
                format!(
                    "wrong credit code check character: expected {}, found {}",
                    expected as char, b[17] as char
                ),
            ));
        }
        let mut arr = [0u8; 18];
        arr.copy_from_slice(b);
        Ok(CreditCode(arr))
    }

    /// Builds a valid code: registration authority and type (e.g. "91" for a company),
    /// 6-digit division, 9-character organisation code body (alphabet characters).
    pub fn build(kind2: &str, division6: &str, body9: &str) -> CreditCode {
        let first17 = format!("{kind2}{division6}{body9}");
        assert_eq!(first17.len(), 17);
        let mut arr = [0u8; 18];
        arr[..17].copy_from_slice(first17.as_bytes());
        arr[17] = check_char(&arr[..17]);
        CreditCode(arr)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("credit codes are ASCII")
    }

    /// The alphabet, for generators that need to draw characters from it.
    pub fn alphabet() -> &'static [u8; 31] {
        ALPHABET
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_code() {
        // A published code (of a well-known company) with a correct check character.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            CreditCode::parse("91350100M000100Y44").unwrap_err().code,
            "credit_code_check"
        );
    }

    fn arb_code() -> impl Strategy<Value = CreditCode> {
        (
            prop::sample::select(vec!["11", "12", "51", "52", "91", "92", "93", "Y1"]),
            110000u32..660000,
            prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 9),
        )
            .prop_map(|(kind, div, body)| {
                CreditCode::build(
                    kind,
                    &format!("{div:06}"),
                    std::str::from_utf8(&body).unwrap(),
                )
            })
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(code in arb_code()) {
            let parsed = CreditCode::parse(code.as_str()).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
            prop_assert_eq!(CreditCode::parse(&code.as_str().to_lowercase()).unwrap(), code);
        }

        #[test]
        fn every_single_character_corruption_is_rejected(
            code in arb_code(),
            pos in 0usize..18,
            replacement in prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        ) {
            let mut bytes = code.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != replacement);
            bytes[pos] = replacement;
            let corrupted = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&corrupted).is_err(), "accepted {}", corrupted);
        }
    }
}
