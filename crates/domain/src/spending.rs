//! A village's spending request in the township's approval chain (村账乡管), and what is asked of
//! the rules before it is paid: the request as the voucher it would become (a draft), and the
//! flags the rules raise on it.

use crate::Invalid;

/// Expense categories of the data contract's vouchers, with their labels.
pub const EXPENSE_CATEGORIES: &[(&str, &str, &str)] = &[
    ("operating_cost", "经营支出", "Operating cost"),
    ("office", "办公费", "Office"),
    ("hospitality", "招待费", "Hospitality"),
    ("travel", "差旅费", "Travel"),
    ("public_welfare", "公益支出", "Public welfare"),
    ("construction", "工程支出", "Construction"),
    ("labour", "劳务费", "Labour"),
    ("other_expense", "其他支出", "Other expense"),
];

/// How the money goes: through the bank (银农直连) or in cash.
pub const METHODS: &[(&str, &str, &str)] = &[
    ("bank", "银行转账", "Bank transfer"),
    ("cash", "现金", "Cash"),
];

/// A request as the voucher it becomes once paid: the same columns as the data contract's
/// `vouchers` (an expense), so that the rules read it exactly as they read the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherDraft {
    pub voucher_id: String,
    pub village_code: String,
    /// The day it would be paid (ISO).
    pub date: String,
    pub category: String,
    pub amount_fen: i64,
    pub method: String,
    pub counterparty_name: String,
    pub counterparty_id: Option<String>,
    pub contract_id: Option<String>,
    pub project_id: Option<String>,
    pub decision_id: Option<String>,
    pub description: String,
    pub approved_by: Option<String>,
    pub supervisor_signed: bool,
}

/// What a rule would flag about a draft (or the contract, project or decision it rests on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub rule_id: String,
    pub title_zh: String,
    pub title_en: String,
    pub explanation_zh: String,
    pub explanation_en: String,
}

/// What a village enters to ask for a payment.
#[derive(Debug, Clone, Default)]
pub struct RequestForm {
    pub amount_fen: i64,
    pub method: String,
    pub category: String,
    pub payee_name: String,
    pub payee_id: Option<String>,
    pub description: String,
    pub decision_id: Option<String>,
    pub contract_id: Option<String>,
    /// The matter (a project, a lease) the money is for.
    pub for_matter: Option<i64>,
}

impl RequestForm {
    /// The request's own checks (the rules' come at each step and before payment).
    pub fn check(&self) -> Result<(), Invalid> {
        if self.amount_fen <= 0 {
            return Err(Invalid::new(
                "request_amount",
                "金额须大于0",
                "the amount must be more than 0",
            ));
        }
        if !METHODS.iter().any(|m| m.0 == self.method) {
            return Err(Invalid::new(
                "request_method",
                "请选择支付方式（银行转账或现金）",
                "choose how it is paid (bank or cash)",
            ));
        }
        if !EXPENSE_CATEGORIES.iter().any(|c| c.0 == self.category) {
            return Err(Invalid::new(
                "request_category",
                "请选择支出科目",
                "choose the expense category",
            ));
        }
        if self.payee_name.trim().is_empty() {
            return Err(Invalid::new(
                "request_payee",
                "请写明收款人",
                "name the payee",
            ));
        }
        if self.description.trim().is_empty() {
            return Err(Invalid::new(
                "request_description",
                "请写明用途",
                "state what the money is for",
            ));
        }
        Ok(())
    }
}

/// The label of an expense category or method code, in Chinese and English.
pub fn label(
    list: &'static [(&'static str, &'static str, &'static str)],
    code: &str,
) -> (&'static str, &'static str) {
    list.iter()
        .find(|c| c.0 == code)
        .map_or(("", ""), |c| (c.1, c.2))
}
