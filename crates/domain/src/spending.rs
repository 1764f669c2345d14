//! A village's spending request in the township's approval chain (村账乡管), and what is asked of
//! the rules before it is paid: the request as the voucher it would become (a draft), and the
//! flags the rules raise on it.

use crate::{clean, contract, Invalid};

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
    /// The request as the rules must read it, or why it cannot be filed.
    ///
    /// The payee's ID is what FUN-SELF-DEALING matches against the officials and their
    /// relatives, so it is required and cleaned exactly as the importer cleans the books
    /// (`contract::parse_cell`, a party ID): otherwise a cadre paying himself would only have to
    /// leave it out, or type it with full-width digits, a lower-case x, spaces or as the old
    /// 15-digit number, and the check before payment would see a stranger.
    pub fn cleaned(&self) -> Result<RequestForm, Invalid> {
        let mut r = self.clone();
        r.payee_name = clean::trim(&r.payee_name).to_string();
        r.description = clean::trim(&r.description).to_string();
        let payee_id = r.payee_id.as_deref().map(clean::trim).unwrap_or("");
        if payee_id.is_empty() {
            return Err(Invalid::new(
                "request_payee_id",
                "请填写收款人的身份证号或统一社会信用代码（付款前须核对收款人是否为本村干部或其亲属）",
                "give the payee's ID number or credit code (before payment the rules check that the payee is no official of the village nor an official's relative)",
            ));
        }
        let parsed = contract::parse_cell(contract::Kind::PartyId, payee_id).map_err(|why| {
            Invalid::new(
                "request_payee_id",
                format!("收款人证件号“{payee_id}”有误：{}", why.zh),
                format!("the payee's ID \"{payee_id}\" is wrong: {}", why.en),
            )
        })?;
        let contract::Cell::Text(id) = parsed.cell else {
            unreachable!("a party ID parses to text")
        };
        r.payee_id = Some(id);
        for reference in [&mut r.decision_id, &mut r.contract_id] {
            *reference = reference
                .as_deref()
                .map(|v| clean::identifier(v).text.into_owned())
                .filter(|v| !v.is_empty());
        }
        r.check()?;
        Ok(r)
    }

    /// The request's own checks (the rules' come at each step and before payment).
    fn check(&self) -> Result<(), Invalid> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cadre's own number, and how he might type it to look like someone else.
    const CADRE: &str = "33022619800115101X";

    fn paying(payee_id: &str) -> RequestForm {
        RequestForm {
            amount_fen: 50_000,
            method: "bank".into(),
            category: "labour".into(),
            payee_name: " 王 建 国 ".into(),
            payee_id: Some(payee_id.into()),
            description: "清淤劳务".into(),
            ..RequestForm::default()
        }
    }

    #[test]
    fn every_spelling_of_an_id_number_is_the_number_the_registers_hold() {
        for typed in [
            CADRE,
            "33022619800115101x",
            "３３０２２６１９８００１１５１０１Ｘ",
            " 330226 19800115 101X ",
            "'33022619800115101X",
            "330226800115101",
        ] {
            let r = paying(typed).cleaned().unwrap();
            assert_eq!(r.payee_id.as_deref(), Some(CADRE), "{typed}");
        }
    }

    #[test]
    fn a_credit_code_is_kept_and_a_wrong_or_missing_id_is_refused() {
        let shop = paying("92330226ma2h4k7q3e").cleaned().unwrap();
        assert_eq!(shop.payee_id.as_deref(), Some("92330226MA2H4K7Q3E"));
        // One digit wrong: neither a valid ID number nor a credit code.
        let wrong = paying("330226198001151019").cleaned().unwrap_err();
        assert_eq!(wrong.code, "request_payee_id");
        assert!(wrong.zh.contains("330226198001151019"), "{}", wrong.zh);
        for missing in [None, Some(""), Some(" \u{3000} ")] {
            let mut r = paying("");
            r.payee_id = missing.map(String::from);
            assert_eq!(r.cleaned().unwrap_err().code, "request_payee_id");
        }
    }
}
