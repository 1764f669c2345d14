//! The county as its offices really export it: the same registers, written the way Excel on
//! Windows and local systems write them.
//!
//! `soil` rewrites the generated files in place. Per file it picks an encoding and line endings
//! (UTF-8, UTF-8 with BOM, GBK; LF or CRLF) and English or Chinese headers; per cell, with
//! probability `rate`, one kind of dirt that fits the column: full-width digits, spaces inside
//! and around names, traditional characters, 15-digit ID numbers, grouped or apostrophe-marked
//! account numbers, amounts with 元 or ¥, dates in the half-dozen forms offices use, coded
//! values in Chinese. None of it changes what a cell means, so the planted truth stays the truth:
//! a dirty county must score exactly as the clean one (the test `dirty_county_scores_as_clean`
//! holds the importer to that). Its own random stream is used, so the county's content is the
//! same with or without dirt.

use anyhow::{Context, Result};
use encoding_rs::GB18030;
use qingfeng_domain::contract::{self, Kind, Table};
use qingfeng_domain::id_number::{downgrade_to_15, upgrade_15};
use qingfeng_domain::IdNumber;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::Path;

/// Simplified characters of the generated names with their traditional forms (only those that
/// differ). A test checks that the importer folds each back.
pub const TRADITIONAL: &[(char, char)] = &[
    ('张', '張'),
    ('刘', '劉'),
    ('陈', '陳'),
    ('杨', '楊'),
    ('黄', '黃'),
    ('赵', '趙'),
    ('吴', '吳'),
    ('孙', '孫'),
    ('马', '馬'),
    ('郑', '鄭'),
    ('罗', '羅'),
    ('谢', '謝'),
    ('许', '許'),
    ('韩', '韓'),
    ('冯', '馮'),
    ('邓', '鄧'),
    ('蒋', '蔣'),
    ('叶', '葉'),
    ('苏', '蘇'),
    ('吕', '呂'),
    ('卢', '盧'),
    ('钟', '鍾'),
    ('谭', '譚'),
    ('陆', '陸'),
    ('贾', '賈'),
    ('韦', '韋'),
    ('邹', '鄒'),
    ('闫', '閆'),
    ('龙', '龍'),
    ('贺', '賀'),
    ('顾', '顧'),
    ('龚', '龔'),
    ('万', '萬'),
    ('钱', '錢'),
    ('严', '嚴'),
    ('汤', '湯'),
    ('贵', '貴'),
    ('荣', '榮'),
    ('发', '發'),
    ('国', '國'),
    ('华', '華'),
    ('长', '長'),
    ('义', '義'),
    ('宝', '寶'),
    ('兴', '興'),
    ('庆', '慶'),
    ('伟', '偉'),
    ('强', '強'),
    ('军', '軍'),
    ('涛', '濤'),
    ('鹏', '鵬'),
    ('辉', '輝'),
    ('刚', '剛'),
    ('飞', '飛'),
    ('阳', '陽'),
    ('凯', '凱'),
    ('东', '東'),
    ('兰', '蘭'),
    ('凤', '鳳'),
    ('莲', '蓮'),
    ('爱', '愛'),
    ('银', '銀'),
    ('红', '紅'),
    ('丽', '麗'),
    ('静', '靜'),
    ('颖', '穎'),
    ('梦', '夢'),
    ('诗', '詩'),
    ('悦', '悅'),
    ('瑶', '瑤'),
    ('财', '財'),
    ('广', '廣'),
    ('学', '學'),
    ('宁', '寧'),
    ('结', '結'),
];

/// How one file is written.
#[derive(Debug, Clone, Copy)]
enum FileStyle {
    Utf8Lf,
    Utf8BomCrlf,
    GbkCrlf,
}

/// Rewrites every contract table in `dir` with dirt at `rate` (0 leaves the files alone).
pub fn soil(dir: &Path, rate: f64, seed: u64) -> Result<()> {
    if rate <= 0.0 {
        return Ok(());
    }
    for (i, table) in contract::TABLES.iter().enumerate() {
        let path = dir.join(table.file_name());
        if !path.exists() {
            continue;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xD1A7 ^ ((i as u64) << 32));
        soil_file(&path, table, rate, &mut rng)
            .with_context(|| format!("soiling {}", path.display()))?;
    }
    Ok(())
}

fn soil_file(path: &Path, table: &Table, rate: f64, rng: &mut ChaCha8Rng) -> Result<()> {
    let style = *[
        FileStyle::Utf8Lf,
        FileStyle::Utf8BomCrlf,
        FileStyle::GbkCrlf,
    ]
    .choose(rng)
    .expect("three styles");
    let chinese_headers = rng.gen_bool(0.5);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)?;
    let headers: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    let kinds: Vec<Option<Kind>> = headers
        .iter()
        .map(|h| table.column(h).map(|c| c.kind))
        .collect();
    let mut text = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(match style {
                FileStyle::Utf8Lf => csv::Terminator::Any(b'\n'),
                _ => csv::Terminator::CRLF,
            })
            .from_writer(&mut text);
        let header: Vec<String> = headers
            .iter()
            .map(|h| match (chinese_headers, table.column(h)) {
                (true, Some(c)) => c.zh[0].to_string(),
                _ => h.clone(),
            })
            .collect();
        w.write_record(&header)?;
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            // Spreadsheet exports carry blank rows now and then.
            if rng.gen_bool(rate / 20.0) {
                w.write_record(vec![""; headers.len()])?;
            }
            let fields: Vec<String> = record
                .iter()
                .zip(&kinds)
                .map(|(v, kind)| match kind {
                    Some(k) if !v.is_empty() && rng.gen_bool(rate) => dirty(*k, v, rng),
                    _ => v.to_string(),
                })
                .collect();
            w.write_record(&fields)?;
        }
        w.flush()?;
    }
    let bytes = match style {
        FileStyle::Utf8Lf => text,
        FileStyle::Utf8BomCrlf => {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend_from_slice(&text);
            b
        }
        FileStyle::GbkCrlf => {
            let s = String::from_utf8(text).expect("the csv writer writes what it was given");
            let (encoded, _, unmappable) = GB18030.encode(&s);
            anyhow::ensure!(!unmappable, "GB18030 encodes every character");
            encoded.into_owned()
        }
    };
    let mut f = std::fs::File::create(path)?;
    f.write_all(&bytes)?;
    Ok(())
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn spaced_every(s: &str, n: usize, sep: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars
        .chunks(n)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(sep)
}

fn traditional(s: &str) -> Option<String> {
    let out: String = s
        .chars()
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|(simple, _)| *simple == c)
                .map_or(c, |(_, t)| *t)
        })
        .collect();
    (out != s).then_some(out)
}

/// An ID number as offices write it; never changes which number it is.
fn dirty_id(v: &str, rng: &mut ChaCha8Rng) -> String {
    let mut options: Vec<String> = vec![
        full_width(v),
        format!(" {v} "),
        format!("'{v}"),
        spaced_every(v, 6, " "),
    ];
    if v.ends_with('X') {
        options.push(v.to_lowercase());
    }
    // Only a valid number born in the 1900s has a 15-digit form that leads back to it.
    if IdNumber::parse(v).is_ok() {
        if let Some(short) = downgrade_to_15(v) {
            if upgrade_15(&short).as_deref() == Some(v) {
                // The old numbers are most of what a county's older registers still hold.
                options.push(short.clone());
                options.push(short);
            }
        }
    }
    options.choose(rng).expect("options").clone()
}

fn dirty_date(v: &str, rng: &mut ChaCha8Rng) -> String {
    let Ok(d) = qingfeng_domain::parse_date(v) else {
        return v.to_string();
    };
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    let options = [
        format!("{y}年{m}月{day}日"),
        format!("{y}/{m}/{day}"),
        format!("{y}.{m:02}.{day:02}"),
        format!("{y}{m:02}{day:02}"),
        format!("{v} 00:00:00"),
        full_width(v),
    ];
    options.choose(rng).expect("options").clone()
}

fn dirty_money(v: &str, rng: &mut ChaCha8Rng) -> String {
    let mut options = vec![
        format!("{v}元"),
        format!("¥{v}"),
        full_width(v),
        format!(" {v} "),
    ];
    if !v.contains('.') {
        options.push(format!("{v}.00"));
    }
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if int.len() > 3 {
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if !frac.is_empty() {
            grouped.push('.');
            grouped.push_str(frac);
        }
        options.push(grouped);
    }
    options.choose(rng).expect("options").clone()
}

/// One cell of the given kind, soiled in a way that leaves its meaning intact.
fn dirty(kind: Kind, v: &str, rng: &mut ChaCha8Rng) -> String {
    match kind {
        Kind::PersonName => {
            let mut options = vec![
                spaced_every(v, 1, " "),
                spaced_every(v, 1, "\u{3000}"),
                format!("{v} "),
                format!("\u{00A0}{v}"),
                spaced_every(v, 1, "\u{200B}"),
            ];
            if let Some(t) = traditional(v) {
                // Traditional forms come from a whole system, not one cell in five: weigh them up.
                options.push(t.clone());
                options.push(t);
            }
            options.choose(rng).expect("options").clone()
        }
        Kind::IdNumber | Kind::IdNumberAsRecorded | Kind::PartyId => {
            if v.len() == 18 && v.as_bytes()[..17].iter().all(u8::is_ascii_digit) {
                dirty_id(v, rng)
            } else {
                full_width(v)
            }
        }
        Kind::IdNumberList => v
            .split(';')
            .map(|id| {
                dirty_id(id, rng)
                    .trim()
                    .trim_start_matches('\'')
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("；"),
        Kind::AccountNumber => {
            let options = [
                spaced_every(v, 4, " "),
                spaced_every(v, 4, "-"),
                format!("'{v}"),
                format!("=\"{v}\""),
                full_width(v),
            ];
            options.choose(rng).expect("options").clone()
        }
        Kind::Phone => {
            let options = [
                spaced_every(v, 4, "-"),
                spaced_every(v, 4, " "),
                full_width(v),
            ];
            options.choose(rng).expect("options").clone()
        }
        Kind::Money => dirty_money(v, rng),
        Kind::Date => dirty_date(v, rng),
        Kind::Period => {
            let (y, m) = v.split_once('-').unwrap_or((v, ""));
            let m: u32 = m.parse().unwrap_or(0);
            let options = [format!("{y}年{m}月"), format!("{y}/{m:02}"), full_width(v)];
            options.choose(rng).expect("options").clone()
        }
        Kind::DivisionCode | Kind::Code | Kind::CreditCode | Kind::Count | Kind::Decimal => {
            let options = [full_width(v), format!(" {v} "), format!("{v}\u{00A0}")];
            options.choose(rng).expect("options").clone()
        }
        Kind::Bool => {
            let yes = matches!(v, "true" | "1");
            let options = if yes {
                ["是", "Y", "1"]
            } else {
                ["否", "N", "0"]
            };
            options.choose(rng).expect("options").to_string()
        }
        Kind::Enum(choices) => choices
            .iter()
            .find(|c| c.code == v)
            .and_then(|c| c.spellings.first())
            .map_or_else(|| v.to_string(), |zh| zh.to_string()),
        Kind::Text => format!(" {v}\u{3000}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_traditional_name_character_folds_back() {
        for (simple, trad) in TRADITIONAL {
            let folded = qingfeng_domain::clean::person_name(&trad.to_string())
                .text
                .into_owned();
            assert_eq!(folded, simple.to_string(), "{trad}");
        }
    }

    #[test]
    fn every_kind_of_dirt_parses_back_to_the_clean_value() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let cases: &[(Kind, &str)] = &[
            (Kind::PersonName, "张国华"),
            (Kind::IdNumber, "11010519491231002X"),
            (Kind::IdNumberAsRecorded, "11010519491231002X"),
            (Kind::AccountNumber, "6217000012345678"),
            (Kind::Money, "12345.5"),
            (Kind::Money, "850"),
            (Kind::Date, "2025-03-05"),
            (Kind::Period, "2025-03"),
            (Kind::DivisionCode, "500233101203"),
            (Kind::Code, "P2025-0001"),
            (Kind::Bool, "true"),
            (Kind::Count, "12"),
        ];
        for (kind, clean) in cases {
            let want = contract::parse_cell(*kind, clean).ok().map(|p| p.cell);
            for _ in 0..200 {
                let d = dirty(*kind, clean, &mut rng);
                let got = contract::parse_cell(*kind, &d).ok().map(|p| p.cell);
                assert_eq!(got, want, "{kind:?} {clean:?} soiled as {d:?}");
            }
        }
    }
}
