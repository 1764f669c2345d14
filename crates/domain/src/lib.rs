//! The words Qingfeng speaks: parsed identifiers, money, dates and the data contract.
//!
//! Everything here is pure: a value that exists has been validated ("parse, don't validate"),
//! so the rest of the system never re-checks an ID number or wonders whether an amount is in
//! yuan or fen.

pub mod calendar;
pub mod case;
pub mod clean;
pub mod contract;
pub mod contract_docs;
pub mod credit_code;
pub mod dates;
pub mod decision;
pub mod disclosure;
pub mod division;
pub mod id_number;
pub mod matter;
pub mod money;
pub mod power;
pub mod role;
pub mod sanction;
pub mod severity;
pub mod spending;

pub use calendar::{Deadline, Limit, WorkCalendar};
pub use credit_code::CreditCode;
pub use dates::{parse_bool, parse_date, Period};
pub use division::{DivisionCode, DivisionLevel};
pub use id_number::{Gender, IdNumber};
pub use money::Money;
pub use severity::Severity;

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

/// 张伟 → 张*, 张小伟 → 张*伟, 欧阳小伟 → 欧**伟: the surname and the last character stay.
/// Organisations (and anything longer than a Chinese personal name) are not masked.
pub fn mask_name(name: &str) -> String {
    const ORGANISATION: &[&str] = &[
        "公司",
        "合作社",
        "厂",
        "店",
        "部",
        "社",
        "中心",
        "协会",
        "委员会",
    ];
    let chars: Vec<char> = name.chars().collect();
    if chars.len() > 4 || ORGANISATION.iter().any(|m| name.contains(m)) {
        return name.to_string();
    }
    match chars.len() {
        0 | 1 => name.to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}
