//! Cleaning a cell as county offices really export it, before it is parsed.
//!
//! Registers come out of Excel on Windows and out of a dozen local systems: full-width digits
//! typed with a Chinese input method (`５１３…`), spaces inside names (`张 三`, `张　三`), names in
//! traditional characters (`張國華`), account numbers grouped for reading (`6217 0000 …`,
//! `6217-0000-…`), Excel's text markers (`'6217…`, `="6217…"`). None of that changes what the
//! cell means, and every rule compares these values for equality, so each is folded to one
//! spelling here; the import report keeps the original as a notice. What cannot be folded without
//! guessing (a number Excel already rounded, an amount in 万元) is left for the parser to refuse
//! with a message that names the real problem.

use crate::Invalid;
use std::borrow::Cow;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// What cleaning did to one cell; empty when nothing changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes(u8);

impl Changes {
    pub const WIDTH: Changes = Changes(1);
    pub const INNER_SPACE: Changes = Changes(2);
    pub const TRADITIONAL: Changes = Changes(4);
    pub const SEPARATORS: Changes = Changes(8);
    pub const TEXT_MARKER: Changes = Changes(16);
    pub const UNIT: Changes = Changes(32);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Changes) -> bool {
        self.0 & other.0 == other.0
    }

    fn add(&mut self, other: Changes) {
        self.0 |= other.0;
    }

    /// The notice's stable code: the most telling of the changes.
    pub fn code(self) -> &'static str {
        [
            (Changes::TRADITIONAL, "name_traditional_folded"),
            (Changes::INNER_SPACE, "inner_whitespace_removed"),
            (Changes::SEPARATORS, "separators_removed"),
            (Changes::TEXT_MARKER, "excel_text_marker_removed"),
            (Changes::UNIT, "unit_removed"),
            (Changes::WIDTH, "width_folded"),
        ]
        .into_iter()
        .find(|(c, _)| self.contains(*c))
        .map_or("normalised", |(_, code)| code)
    }

    /// What was done, in both languages, e.g. "全角转半角、去除空格" / "full-width folded, spaces removed".
    pub fn describe(self) -> (String, String) {
        let all = [
            (
                Changes::WIDTH,
                "全角字符转为半角",
                "full-width characters folded",
            ),
            (
                Changes::INNER_SPACE,
                "去除中间的空格",
                "spaces inside removed",
            ),
            (
                Changes::TRADITIONAL,
                "繁体字转为简体",
                "traditional characters folded to simplified",
            ),
            (
                Changes::SEPARATORS,
                "去除分隔符(空格、连字符)",
                "grouping separators (spaces, dashes) removed",
            ),
            (
                Changes::TEXT_MARKER,
                "去除Excel文本标记(' 或 =\"…\")",
                "Excel's text marker (' or =\"…\") removed",
            ),
            (Changes::UNIT, "去除单位“元”", "the unit 元 removed"),
        ];
        let picked: Vec<_> = all.iter().filter(|(c, _, _)| self.contains(*c)).collect();
        (
            picked.iter().map(|p| p.1).collect::<Vec<_>>().join("、"),
            picked.iter().map(|p| p.2).collect::<Vec<_>>().join(", "),
        )
    }
}

/// A cleaned cell and what was done to it.
pub struct Cleaned<'a> {
    pub text: Cow<'a, str>,
    pub changes: Changes,
}

impl<'a> Cleaned<'a> {
    fn unchanged(s: &'a str) -> Cleaned<'a> {
        Cleaned {
            text: Cow::Borrowed(s),
            changes: Changes::default(),
        }
    }
}

/// Characters that separate nothing and mean nothing in a register cell but are invisible when
/// the file is looked at: ordinary and ideographic spaces, no-break spaces, zero-width spaces and
/// joiners, and a BOM that ended up inside a cell.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// Trims the blanks `is_blank` knows (`str::trim` misses zero-width characters).
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// Unicode compatibility folding (NFKC): full-width digits, letters and punctuation become their
/// ASCII forms, the ideographic space an ordinary one, compatibility ideographs the unified ones.
fn nfkc(s: &str, changes: &mut Changes) -> String {
    if s.is_ascii() || is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    let folded: String = s.nfkc().collect();
    if folded != s {
        changes.add(Changes::WIDTH);
    }
    folded
}

/// Excel's ways of forcing a cell to be text: a leading apostrophe (`'6217…`, also typed as a
/// curly quote) or a formula (`="6217…"`). Both reach CSV files exported by other programs.
fn strip_text_marker(s: &str, changes: &mut Changes) -> String {
    if let Some(inner) = s
        .strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
    {
        changes.add(Changes::TEXT_MARKER);
        return inner.to_string();
    }
    if let Some(rest) = s.strip_prefix(['\'', '‘', '’', '`']) {
        changes.add(Changes::TEXT_MARKER);
        return rest.to_string();
    }
    s.to_string()
}

/// Identifiers (ID numbers, credit codes, division codes, record ids, plates): folded to ASCII,
/// Excel's text markers and every blank removed. A blank is never part of an identifier.
pub fn identifier(raw: &str) -> Cleaned<'_> {
    let t = trim(raw);
    if t.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/' | b'.' | b';'))
    {
        return Cleaned::unchanged(t);
    }
    let mut changes = Changes::default();
    let s = nfkc(t, &mut changes);
    let s = strip_text_marker(trim(&s), &mut changes);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_blank(c) {
            changes.add(Changes::INNER_SPACE);
        } else {
            out.push(c);
        }
    }
    Cleaned {
        text: Cow::Owned(out),
        changes,
    }
}

/// Bank account numbers: an identifier whose grouping separators (spaces, dashes, dots) are
/// also removed, so that `6217 0000 1234` and `6217-0000-1234` are the account `621700001234`.
pub fn account_number(raw: &str) -> Cleaned<'_> {
    let t = trim(raw);
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return Cleaned::unchanged(t);
    }
    let id = identifier(t);
    let mut changes = id.changes;
    let mut out = String::with_capacity(id.text.len());
    for c in id.text.chars() {
        if matches!(c, '-' | '.' | '_' | '/') {
            changes.add(Changes::SEPARATORS);
        } else {
            out.push(c);
        }
    }
    // Spaces inside an account number group digits: they are separators, not a typo.
    if changes.contains(Changes::INNER_SPACE) {
        changes = Changes(changes.0 & !Changes::INNER_SPACE.0);
        changes.add(Changes::SEPARATORS);
    }
    Cleaned {
        text: Cow::Owned(out),
        changes,
    }
}

/// Numbers (amounts, counts, areas, shares): folded to ASCII, Excel's text markers and blanks
/// removed, and a trailing unit 元 on an amount dropped (万元 is not: that would be guessing).
pub fn number(raw: &str, money: bool) -> Cleaned<'_> {
    let t = trim(raw);
    if t.is_ascii() && !t.contains(' ') && !t.starts_with(['\'', '=']) {
        return Cleaned::unchanged(t);
    }
    let mut id = identifier(t);
    if money {
        if let Some(rest) = id.text.strip_suffix('元') {
            if !rest.ends_with('万') {
                id.text = Cow::Owned(rest.to_string());
                id.changes.add(Changes::UNIT);
            }
        }
    }
    // Spaces inside a number are thousands grouping in some exports.
    if id.changes.contains(Changes::INNER_SPACE) {
        id.changes = Changes(id.changes.0 & !Changes::INNER_SPACE.0);
        id.changes.add(Changes::SEPARATORS);
    }
    id
}

/// Dates, periods, yes/no and coded values: folded to ASCII and trimmed; inner spaces are part
/// of the parsers' own tolerance ("2025年 3月").
pub fn value(raw: &str) -> Cleaned<'_> {
    let t = trim(raw);
    if t.is_ascii() {
        return Cleaned::unchanged(t);
    }
    let mut changes = Changes::default();
    let s = nfkc(t, &mut changes);
    let s = trim(&s).to_string();
    Cleaned {
        text: Cow::Owned(s),
        changes,
    }
}

/// Personal names: compatibility-folded, every blank removed (`张 三`, `张　三` are 张三), the
/// dots of minority names made one dot (`阿依古丽•买买提` → `阿依古丽·买买提`), and traditional
/// characters folded to simplified (`張國華` → 张国华), the form the household register keeps.
pub fn person_name(raw: &str) -> Cleaned<'_> {
    let t = trim(raw);
    let mut changes = Changes::default();
    let s = nfkc(t, &mut changes);
    let mut spaced = String::with_capacity(s.len());
    for c in s.chars() {
        if is_blank(c) {
            changes.add(Changes::INNER_SPACE);
        } else if matches!(c, '•' | '‧' | '・' | '.' | '．' | '∙' | '⋅') {
            if c != '·' {
                changes.add(Changes::WIDTH);
            }
            spaced.push('·');
        } else {
            spaced.push(c);
        }
    }
    let simplified = fast2s::convert(&spaced);
    if simplified != spaced {
        changes.add(Changes::TRADITIONAL);
    }
    if changes.is_empty() && simplified == t {
        return Cleaned::unchanged(t);
    }
    Cleaned {
        text: Cow::Owned(simplified),
        changes,
    }
}

/// An ID number as a person types it into a form or an office writes it into a file: full-width
/// digits from a Chinese input method, spaces, Excel's `'`, or the old 15-digit number all name
/// the same person as the 18-digit number the registers hold.
pub fn id_number(raw: &str) -> Result<crate::IdNumber, Invalid> {
    let cleaned = identifier(raw);
    match crate::id_number::upgrade_15(&cleaned.text) {
        Some(long) => crate::IdNumber::parse(&long),
        None => crate::IdNumber::parse(&cleaned.text),
    }
}

/// The notice for a cell that was cleaned: what was done and what the file held.
pub fn notice(changes: Changes, original: &str, stored: &str) -> Invalid {
    let (zh, en) = changes.describe();
    Invalid::new(
        changes.code(),
        format!("已规范化({zh}): 原值“{original}”, 导入为“{stored}”"),
        format!("normalised ({en}): \"{original}\" in the file, imported as \"{stored}\""),
    )
}

/// A long number that Excel turned into scientific notation (`5.13822E+17`) has lost its last
/// digits for good; the only cure is a new export with the column formatted as text.
pub fn is_scientific_notation(s: &str) -> bool {
    let t = s.trim();
    let Some((mantissa, exponent)) = t.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().filter(|&b| b == b'.').count() <= 1
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
}

pub fn scientific_notation(s: &str) -> Invalid {
    Invalid::new(
        "excel_scientific_notation",
        format!("“{s}”是Excel的科学计数法, 长数字的末几位已丢失; 请将该列设为文本格式后重新导出"),
        format!(
            "\"{s}\" is Excel's scientific notation: the long number has lost its last digits; format the column as text and export again"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_blanks_leave_identifiers() {
        let c = identifier(" ５１３８２２１９９０ ０１０１００１Ｘ ");
        assert_eq!(c.text, "51382219900101001X");
        assert!(c.changes.contains(Changes::WIDTH));
        assert!(c.changes.contains(Changes::INNER_SPACE));
        let plain = identifier("51382219900101001X");
        assert!(plain.changes.is_empty());
    }

    #[test]
    fn account_numbers_keep_only_their_digits() {
        for raw in [
            "6217 0000 1234 5678",
            "6217-0000-1234-5678",
            "'6217000012345678",
            "=\"6217000012345678\"",
            "６２１７０００　０１２３４５６７８",
        ] {
            let c = account_number(raw);
            assert_eq!(
                c.text.replace(' ', ""),
                "6217000012345678".replace(' ', ""),
                "{raw}"
            );
            assert!(!c.changes.is_empty(), "{raw}");
        }
    }

    #[test]
    fn names_lose_spaces_and_traditional_forms() {
        assert_eq!(person_name("张 三").text, "张三");
        assert_eq!(person_name("张\u{3000}三").text, "张三");
        assert_eq!(person_name("張國華").text, "张国华");
        assert_eq!(
            person_name("張國華").changes.code(),
            "name_traditional_folded"
        );
        assert_eq!(person_name("阿依古丽•买买提").text, "阿依古丽·买买提");
        let plain = person_name("王秀英");
        assert!(plain.changes.is_empty());
        assert!(matches!(plain.text, Cow::Borrowed(_)));
    }

    #[test]
    fn amounts_drop_yuan_but_not_ten_thousands() {
        assert_eq!(number("850元", true).text, "850");
        assert_eq!(number("８５０．５", true).text, "850.5");
        assert_eq!(number("0.085万元", true).text, "0.085万元");
        assert_eq!(number("1 234.50", true).text, "1234.50");
    }

    #[test]
    fn typed_id_numbers_in_any_form_are_the_same_number() {
        for typed in [
            "11010519491231002X",
            "11010519491231002x",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 19491231 002X",
            "110105491231002",
        ] {
            assert_eq!(
                id_number(typed).unwrap().as_str(),
                "11010519491231002X",
                "{typed}"
            );
        }
        assert!(id_number("11010519491231002").is_err());
    }

    #[test]
    fn scientific_notation_is_recognised() {
        assert!(is_scientific_notation("5.13822E+17"));
        assert!(is_scientific_notation("6.21700001234568e18"));
        assert!(!is_scientific_notation("51382219900101001X"));
        assert!(!is_scientific_notation("E+17"));
    }
}
