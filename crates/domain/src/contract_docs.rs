//! The column reference of `docs/data-contract.md`, generated from the contract itself so the
//! docs cannot drift from what the importer accepts (a test compares them).

use crate::contract::{Kind, Loading, TABLES};
use std::fmt::Write as _;

fn kind_text(kind: Kind) -> String {
    match kind {
        Kind::Text => "text 文本".into(),
        Kind::Code => "code 编码 (full-width folded, blanks removed)".into(),
        Kind::PersonName => "name 姓名 (blanks removed, traditional folded to simplified)".into(),
        Kind::AccountNumber => "account number 账号 (digits; spaces, dashes and Excel's `'` removed)".into(),
        Kind::Phone => "phone 电话 (separators removed)".into(),
        Kind::IdNumber => "ID number 身份证号 (GB 11643, checked; 15-digit numbers converted to 18)".into(),
        Kind::IdNumberAsRecorded => "ID number 身份证号 (shape checked; wrong check character or date kept as recorded, with a warning; 15-digit numbers converted to 18)".into(),
        Kind::CreditCode => "credit code 统一社会信用代码 (GB 32100, checked)".into(),
        Kind::PartyId => "ID number or credit code 身份证号或信用代码".into(),
        Kind::IdNumberList => "ID numbers separated by `;` 以分号分隔的身份证号".into(),
        Kind::DivisionCode => "12-digit division code 12位区划代码".into(),
        Kind::Date => "date 日期".into(),
        Kind::Period => "period 期间 `YYYY-MM`".into(),
        Kind::Money => "yuan 元 (≥ 0, ≤ 2 decimals; stored as fen 分)".into(),
        Kind::Count => "whole number ≥ 0 非负整数".into(),
        Kind::Decimal => "number ≥ 0 非负数".into(),
        Kind::Bool => "yes/no 是/否".into(),
        Kind::Enum(choices) => choices
            .iter()
            .map(|c| match c.spellings.first() {
                Some(zh) => format!("`{}` {}", c.code, zh),
                None => format!("`{}`", c.code),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Markdown for every table: file, loading, key, references, and each column.
pub fn markdown() -> String {
    let mut out = String::new();
    for t in TABLES {
        let _ = writeln!(out, "### `{}` — {}\n", t.file_name(), t.zh);
        let loading = match t.loading {
            Loading::Replace => "replace 整表替换 (a register exported whole)",
            Loading::Append => "append 追加 (a ledger delivered in instalments)",
        };
        let _ = writeln!(out, "- Loading 导入方式: {loading}");
        if !t.key.is_empty() {
            let _ = writeln!(
                out,
                "- Unique key 唯一键: {}",
                t.key
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            );
        }
        for r in t.references {
            let _ = writeln!(
                out,
                "- `{}` → `{}.{}`",
                r.column, r.target_table, r.target_column
            );
        }
        let _ = writeln!(
            out,
            "\n| column | 中文列名 | required 必填 | type 类型 | default 默认 |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for c in t.columns {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                c.name,
                c.zh.join(" / "),
                if c.required { "✓" } else { "" },
                kind_text(c.kind),
                c.default.map(|d| format!("`{d}`")).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    const BEGIN: &str = "<!-- generated from crates/domain/src/contract.rs: begin -->\n";
    const END: &str = "<!-- generated: end -->";

    /// Set `UPDATE_DOCS=1` to rewrite the generated part of the doc after changing the contract.
    #[test]
    fn docs_match_the_contract() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/data-contract.md");
        let doc = std::fs::read_to_string(path).expect("docs/data-contract.md exists");
        let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
        let end = doc.find(END).expect("end marker");
        let generated = super::markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{}{}", &doc[..start], generated, &doc[end..]);
            std::fs::write(path, updated).unwrap();
            return;
        }
        assert!(
            doc[start..end] == generated,
            "docs/data-contract.md is out of date: run UPDATE_DOCS=1 cargo test -p qingfeng-domain docs_match"
        );
    }
}
