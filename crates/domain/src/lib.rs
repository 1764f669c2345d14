//! The words Qingfeng speaks: parsed identifiers, money, dates and the data contract.
//!
//! Everything here is pure: a value that exists has been validated ("parse, don't validate"),
//! so the rest of the system never re-checks an ID number or wonders whether an amount is in
//! yuan or fen.

pub mod contract;
pub mod contract_docs;
pub mod credit_code;
pub mod dates;
pub mod division;
pub mod id_number;
pub mod money;

pub use credit_code::CreditCode;
pub use dates::{parse_bool, parse_date, Period};
pub use division::{DivisionCode, DivisionLevel};
pub use id_number::{Gender, IdNumber};
pub use money::Money;

/// A reason a value was refused, in both languages the users read.
///
/// `code` is a stable snake_case identifier (usable as a translation key and in reports).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{en}")]
pub struct Invalid {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl Invalid {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Invalid {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }
}
