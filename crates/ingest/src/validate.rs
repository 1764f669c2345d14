//! Row validation: the header against the contract, every cell against its column's kind, and
//! the checks that need several cells of one row. Checks that need other rows or other tables
//! run afterwards in SQL (see `checks`).

use crate::checks::{dangling_problem, KnownKeys, RejectedKeys};
use crate::report::{Problem, Problems};
use crate::source::Record;
use qingfeng_domain::contract::{parse_cell, Cell, Kind, Table, INCOME_CATEGORIES};
use qingfeng_domain::{DivisionCode, DivisionLevel, IdNumber, Invalid};
use qingfeng_store::RowChunk;

/// Where each contract column is found in the file (None = absent).
pub struct HeaderMap {
    pub positions: Vec<Option<usize>>,
    /// The header cells as written, for naming columns in reports.
    pub written: Vec<String>,
    /// False when a required column is missing: rows cannot be read meaningfully.
    pub usable: bool,
}

impl HeaderMap {
    /// The column name as the file wrote it, falling back to the contract's name.
    fn label(&self, table: &Table, col: usize) -> String {
        match self.positions[col] {
            Some(p) => self.written[p].trim().to_string(),
            None => table.columns[col].name.to_string(),
        }
    }
}

pub fn map_header(
    table: &Table,
    header: &[String],
    file: &str,
    problems: &mut Problems,
) -> HeaderMap {
    let mut positions = vec![None; table.columns.len()];
    for (i, h) in header.iter().enumerate() {
        // Headers typed with a Chinese input method may hold full-width letters or spaces
        // ("身份证号 ", "姓　名"); neither is part of a column's name.
        let folded = qingfeng_domain::clean::identifier(h);
        let h_clean: &str = &folded.text;
        if h_clean.is_empty() {
            continue;
        }
        match table.resolve_header(h_clean) {
            Some(c) if positions[c].is_some() => problems.push(Problem::error(
                file,
                1,
                h_clean,
                h_clean,
                Invalid::new(
                    "header_duplicate",
                    format!(
                        "列“{h_clean}”与前面的列表示同一字段({})",
                        table.columns[c].name
                    ),
                    format!(
                        "column \"{h_clean}\" repeats column {}",
                        table.columns[c].name
                    ),
                ),
            )),
            Some(c) => positions[c] = Some(i),
            None => {
                let hint = suggest(table, h_clean);
                problems.push(Problem::error(
                    file,
                    1,
                    h_clean,
                    h_clean,
                    Invalid::new(
                        "header_unknown",
                        format!(
                            "未知列“{h_clean}”: {}不是表{}的列{}",
                            h_clean,
                            table.name,
                            hint.map(|s| format!(", 是否应为“{s}”?"))
                                .unwrap_or_default()
                        ),
                        format!(
                            "unknown column \"{h_clean}\" in table {}{}",
                            table.name,
                            hint.map(|s| format!("; did you mean \"{s}\"?"))
                                .unwrap_or_default()
                        ),
                    ),
                ));
            }
        }
    }
    let mut usable = true;
    for (c, col) in table.columns.iter().enumerate() {
        if col.required && positions[c].is_none() {
            usable = false;
            problems.push(Problem::error(
                file,
                1,
                col.name,
                "",
                Invalid::new(
                    "header_missing_required",
                    format!("缺少必填列“{}”({})", col.name, col.zh[0]),
                    format!(
                        "required column \"{}\" ({}) is missing",
                        col.name, col.zh[0]
                    ),
                ),
            ));
        }
    }
    HeaderMap {
        positions,
        written: header.to_vec(),
        usable,
    }
}

/// The contract column closest to a misspelt header, if one is close enough to be a typo.
fn suggest(table: &Table, header: &str) -> Option<&'static str> {
    let lower = header.to_ascii_lowercase();
    table
        .columns
        .iter()
        .map(|c| (edit_distance(&lower, c.name), c.name))
        .filter(|(d, name)| *d <= 2.max(name.len() / 4))
        .min()
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What stays the same for every row of one file.
pub struct FileContext<'a> {
    pub table: &'static Table,
    pub map: &'a HeaderMap,
    /// How reports name the file.
    pub file: &'a str,
    /// References checked in memory while parsing.
    pub known: &'a [KnownKeys],
    /// Keys of rows refused in the files read before, to mark knock-on errors.
    pub rejected: &'a RejectedKeys,
    /// This table's columns that other tables refer to (see `RejectedKeys`).
    pub referenced: &'a [&'static str],
}

/// Parses one record into `chunk`. Returns false (and adds nothing) when the row has an error.
/// A refused row's keys go into `refused` (see `RejectedKeys`).
pub fn parse_row(
    ctx: &FileContext<'_>,
    fields: &dyn Record,
    line: u64,
    chunk: &mut RowChunk,
    problems: &mut Problems,
    refused: &mut RejectedKeys,
) -> bool {
    let FileContext {
        table,
        map,
        file,
        known,
        rejected,
        referenced,
    } = *ctx;
    let n = fields.field_count();
    if n > map.written.len()
        && (map.written.len()..n).any(|i| !fields.field(i).unwrap_or("").trim().is_empty())
    {
        problems.push(Problem::error(
            file,
            line,
            "",
            &n.to_string(),
            Invalid::new(
                "row_too_long",
                format!(
                    "该行有{}个字段, 表头只有{}列(可能是未加引号的逗号)",
                    n,
                    map.written.len()
                ),
                format!(
                    "the row has {} fields but the header has {} columns (an unquoted comma?)",
                    n,
                    map.written.len()
                ),
            ),
        ));
        remember_refused(ctx, fields, line, refused);
        return false;
    }
    let start = chunk.cells.len();
    let mut ok = true;
    for (c, col) in table.columns.iter().enumerate() {
        let raw = map.positions[c]
            .and_then(|p| fields.field(p))
            .map(|s| s.trim())
            .unwrap_or("");
        let text = if raw.is_empty() {
            col.default.unwrap_or("")
        } else {
            raw
        };
        if text.is_empty() {
            if col.required {
                ok = false;
                problems.push(Problem::error(
                    file,
                    line,
                    &map.label(table, c),
                    "",
                    Invalid::new(
                        "required_empty",
                        format!("必填列“{}”为空", col.name),
                        format!("required column \"{}\" is empty", col.name),
                    ),
                ));
            }
            chunk.cells.push(Cell::Null);
            continue;
        }
        match parse_cell(col.kind, text) {
            Ok(parsed) => {
                if let Some(w) = parsed.warning {
                    problems.push(Problem::warning(file, line, &map.label(table, c), raw, w));
                }
                if let Some(n) = parsed.notice {
                    problems.push(Problem::notice(file, line, &map.label(table, c), raw, n));
                }
                chunk.cells.push(parsed.cell);
            }
            Err(why) => {
                ok = false;
                problems.push(Problem::error(file, line, &map.label(table, c), raw, why));
                chunk.cells.push(Cell::Null);
            }
        }
    }
    if ok {
        for k in known {
            if let Cell::Text(v) = &chunk.cells[start + k.column_index] {
                // The row is still loaded, so the checks that run later (keys, ledger
                // conflicts) can report their problems with it too; the import fails anyway.
                if !k.keys.contains(v) {
                    problems.push(dangling_problem(
                        rejected,
                        k.reference,
                        file,
                        line,
                        &map.label(table, k.column_index),
                        v,
                    ));
                }
            }
        }
    }
    if ok {
        for (c, why) in row_checks(table, &chunk.cells[start..]) {
            ok = false;
            let value = match &chunk.cells[start + c] {
                Cell::Text(s) => s.clone(),
                Cell::Int(v) => v.to_string(),
                Cell::Real(v) => v.to_string(),
                Cell::Bool(v) => v.to_string(),
                Cell::Null => String::new(),
            };
            problems.push(Problem::error(
                file,
                line,
                &map.label(table, c),
                &value,
                why,
            ));
        }
    }
    if ok {
        chunk.lines.push(line);
    } else {
        chunk.cells.truncate(start);
        if !referenced.is_empty() {
            remember_refused(ctx, fields, line, refused);
        }
    }
    ok
}

/// Notes the keys of a refused row that other tables refer to, as they would have been stored.
fn remember_refused(
    ctx: &FileContext<'_>,
    fields: &dyn Record,
    line: u64,
    refused: &mut RejectedKeys,
) {
    for &name in ctx.referenced {
        let Some(c) = ctx.table.column_index(name) else {
            continue;
        };
        let Some(raw) = ctx.map.positions[c].and_then(|p| fields.field(p)) else {
            continue;
        };
        let value = match parse_cell(ctx.table.columns[c].kind, raw) {
            Ok(p) => match p.cell {
                Cell::Text(t) => t,
                _ => continue,
            },
            Err(_) => raw.trim().to_string(),
        };
        if !value.is_empty() {
            refused.record(ctx.table, name, value, ctx.file, line);
        }
    }
}

/// Checks that need several cells of one row; returns (column index, reason) for each failure.
fn row_checks(table: &Table, row: &[Cell]) -> Vec<(usize, Invalid)> {
    let idx = |name: &str| table.column_index(name).expect("column of this table");
    let text = |name: &str| match &row[idx(name)] {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    };
    let mut out = Vec::new();

    // Anything called village_code must name a village, not a township or the county.
    for (c, col) in table.columns.iter().enumerate() {
        if col.name == "village_code" && matches!(col.kind, Kind::DivisionCode) {
            if let Cell::Text(code) = &row[c] {
                let level = DivisionCode::parse(code).map(|d| d.level());
                if level != Ok(DivisionLevel::Village) {
                    out.push((
                        c,
                        Invalid::new(
                            "village_code_level",
                            format!("“{code}”不是村级代码(第10-12位不能为000)"),
                            format!(
                                "\"{code}\" is not a village code (digits 10-12 must not be 000)"
                            ),
                        ),
                    ));
                }
            }
        }
    }

    let not_before = |out: &mut Vec<(usize, Invalid)>, early: &str, late: &str| {
        if let (Some(a), Some(b)) = (text(early), text(late)) {
            // ISO dates compare correctly as text.
            if b < a {
                out.push((
                    idx(late),
                    Invalid::new(
                        "date_order",
                        format!("{late}({b})早于{early}({a})"),
                        format!("{late} ({b}) is before {early} ({a})"),
                    ),
                ));
            }
        }
    };

    match table.name {
        "divisions" => {
            let code = DivisionCode::parse(text("code").unwrap_or_default());
            if let Ok(code) = code {
                if text("level") != Some(code.level().as_str()) {
                    out.push((
                        idx("level"),
                        Invalid::new(
                            "division_level_mismatch",
                            format!("代码{}按其位数是{}级", code, code.level().as_str()),
                            format!(
                                "by its digits code {} is at {} level",
                                code,
                                code.level().as_str()
                            ),
                        ),
                    ));
                }
                let expected = code.parent().map(|p| p.to_string());
                if text("parent_code").map(str::to_string) != expected {
                    out.push((
                        idx("parent_code"),
                        Invalid::new(
                            "division_parent_mismatch",
                            format!("上级代码应为“{}”", expected.clone().unwrap_or_default()),
                            format!(
                                "the parent code should be \"{}\"",
                                expected.unwrap_or_default()
                            ),
                        ),
                    ));
                }
            }
        }
        "persons" => {
            if let Ok(id) = IdNumber::parse(text("id_number").unwrap_or_default()) {
                if let Some(g) = text("gender") {
                    if g != id.gender().zh() {
                        out.push((
                            idx("gender"),
                            Invalid::new(
                                "gender_mismatch",
                                format!("性别“{g}”与身份证号第17位(表示{})不符", id.gender().zh()),
                                format!("gender \"{g}\" contradicts the ID number, whose 17th digit says {}", id.gender().zh()),
                            ),
                        ));
                    }
                }
                if let Some(b) = text("birth_date") {
                    let from_id = qingfeng_domain::dates::iso(id.birth_date());
                    if b != from_id {
                        out.push((
                            idx("birth_date"),
                            Invalid::new(
                                "birth_date_mismatch",
                                format!("出生日期{b}与身份证号中的{from_id}不符"),
                                format!("birth date {b} contradicts the ID number's {from_id}"),
                            ),
                        ));
                    }
                }
            }
        }
        "officials" => not_before(&mut out, "start_date", "end_date"),
        "land_contracts" | "collective_contracts" => {
            not_before(&mut out, "start_date", "end_date");
            if table.name == "collective_contracts" {
                not_before(&mut out, "publicity_start", "publicity_end");
            }
        }
        "entitlements" => not_before(&mut out, "publicity_start", "publicity_end"),
        "vehicles" => not_before(&mut out, "registered_on", "deregistered_on"),
        "vouchers" => {
            if let (Some(dir), Some(cat)) = (text("direction"), text("category")) {
                let income_cat = INCOME_CATEGORIES.contains(&cat);
                if (dir == "income") != income_cat {
                    out.push((
                        idx("category"),
                        Invalid::new(
                            "voucher_category_direction",
                            format!("科目{cat}与收支方向{dir}不符"),
                            format!("category {cat} does not belong to direction {dir}"),
                        ),
                    ));
                }
            }
        }
        "company_people" => {
            if let Cell::Real(p) = row[idx("share_pct")] {
                if p > 100.0 {
                    out.push((
                        idx("share_pct"),
                        Invalid::new(
                            "share_over_100",
                            format!("持股比例{p}超过100"),
                            format!("share percentage {p} exceeds 100"),
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingfeng_domain::contract::table;

    #[test]
    fn misspelt_header_gets_a_suggestion() {
        let t = table("persons").unwrap();
        assert_eq!(suggest(t, "vilage_code"), Some("village_code"));
        assert_eq!(suggest(t, "completely_else"), None);
    }
}
