//! Files as county offices really export them: every line ending and encoding Excel and local
//! systems write, and the dirt of hand-kept registers. Each problem must name the line a person
//! sees in an editor, and dirt that does not change a value's meaning must not change what is
//! stored.

use super::run;
use qingfeng_ingest::{Severity, Status};
use qingfeng_test_support::{copy_fixture, fixture, TestDb, BACKENDS};
use std::path::Path;

/// payments.csv of the good fixture, rewritten with a blank row, a quoted payer that spans two
/// lines, and two bad amounts: "abc" on the record starting at line 4 and "-100.00" on line 7.
///
/// ```text
/// 1 header
/// 2 P0001 …
/// 3 ,,,,,,,,,,,            (a blank spreadsheet row)
/// 4 P0002 … abc … "忠县     (the payer cell goes on…)
/// 5 农商行"                (…on the next line)
/// 6 P0003 …
/// 7 P0004 … -100.00 …
/// ```
fn payments_with_known_lines(break_: &str) -> String {
    let good = std::fs::read_to_string(fixture("good").join("payments.csv")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let row2 = lines[2]
        .replace(",300.00,", ",abc,")
        .replace(",忠县农商行", &format!(",\"忠县{break_}农商行\""));
    let row4 = lines[4].replace(",100,", ",-100.00,");
    [
        lines[0].to_string(),
        lines[1].to_string(),
        ",,,,,,,,,,,".to_string(),
        row2,
        lines[3].to_string(),
        row4,
    ]
    .join(break_)
        + break_
}

fn error_lines(outcome: &qingfeng_ingest::ImportOutcome, file: &str) -> Vec<(u64, String)> {
    let mut v: Vec<(u64, String)> = outcome
        .problems
        .listed
        .iter()
        .filter(|p| p.severity == Severity::Error && p.file == file)
        .map(|p| (p.line, p.code.clone()))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn problems_name_the_real_line_whatever_the_line_endings_and_encoding() {
    let expected = vec![
        (4, "money_format".to_string()),
        (7, "money_negative".to_string()),
    ];
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        for (what, break_, encoding) in [
            ("LF, UTF-8", "\n", "utf-8"),
            ("CRLF, UTF-8 (Excel on Windows)", "\r\n", "utf-8"),
            ("lone CR (old Mac exports)", "\r", "utf-8"),
            ("CRLF, UTF-8 with BOM", "\r\n", "bom"),
            ("CRLF, GBK", "\r\n", "gbk"),
            ("LF, GBK", "\n", "gbk"),
        ] {
            let dir = copy_fixture("good");
            let text = payments_with_known_lines(break_);
            let bytes = match encoding {
                "gbk" => encoding_rs::GB18030.encode(&text).0.into_owned(),
                "bom" => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                _ => text.into_bytes(),
            };
            std::fs::write(dir.path().join("payments.csv"), bytes).unwrap();
            let outcome = run(&db, dir.path(), reports.path()).await;
            assert_eq!(outcome.status, Status::Rejected, "{backend:?} {what}");
            assert_eq!(
                error_lines(&outcome, "payments.csv"),
                expected,
                "{backend:?} {what}: {:#?}",
                outcome.problems.listed
            );
        }
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_duplicate_found_in_sql_names_the_real_line_of_a_crlf_file() {
    // Problems found after loading (duplicates, references) carry the line stored with the row.
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = copy_fixture("good");
        let good = std::fs::read_to_string(fixture("good").join("persons.csv")).unwrap();
        let mut lines: Vec<&str> = good.lines().collect();
        let first = lines[1];
        lines.push(first);
        let n = lines.len() as u64;
        std::fs::write(dir.path().join("persons.csv"), lines.join("\r\n") + "\r\n").unwrap();
        let outcome = run(&db, dir.path(), reports.path()).await;
        assert_eq!(outcome.status, Status::Rejected);
        let dups: Vec<u64> = outcome
            .problems
            .listed
            .iter()
            .filter(|p| p.code == "duplicate_key")
            .map(|p| p.line)
            .collect();
        assert_eq!(dups, vec![2, n], "{backend:?}");
        db.drop_db().await;
    }
}

#[tokio::test]
async fn xlsx_rows_are_the_rows_excel_shows() {
    // A sheet whose table starts below a blank row and with a blank row inside: Excel's row
    // numbers, not the position inside the used range.
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deaths.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("deaths").unwrap();
        let header = ["id_number", "name", "death_date"];
        let rows = [
            ["500233194009091629", "王桂兰", "2024-03-02"],
            ["500233194009091620", "王桂兰", "2024-03-02"], // wrong check character
        ];
        // Row 1 (index 0) left empty: the used range starts at row 2.
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        for (c, v) in rows[0].iter().enumerate() {
            sheet.write_string(2, c as u16, *v).unwrap();
        }
        // Row 4 blank, the bad row on Excel's row 5.
        for (c, v) in rows[1].iter().enumerate() {
            sheet.write_string(4, c as u16, *v).unwrap();
        }
        book.save(&path).unwrap();
        let outcome = run(&db, &path, reports.path()).await;
        assert_eq!(outcome.status, Status::Rejected);
        assert_eq!(
            error_lines(&outcome, "deaths.xlsx#deaths"),
            vec![(5, "id_number_check".to_string())],
            "{backend:?}: {:#?}",
            outcome.problems.listed
        );
        db.drop_db().await;
    }
}

/// Rewrites one column of a fixture file with `f(line index, value)`.
fn rewrite_column(dir: &Path, file: &str, column: &str, f: impl Fn(usize, &str) -> String) {
    let path = dir.join(file);
    let mut r = csv::Reader::from_path(&path).unwrap();
    let headers = r.headers().unwrap().clone();
    let c = headers.iter().position(|h| h == column).unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&headers).unwrap();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.unwrap();
        let fields: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(j, v)| if j == c { f(i, v) } else { v.to_string() })
            .collect();
        out.write_record(&fields).unwrap();
    }
    std::fs::write(path, out.into_inner().unwrap()).unwrap();
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            _ => c,
        })
        .collect()
}

#[tokio::test]
async fn dirty_cells_are_stored_as_the_clean_ones_with_a_notice() {
    for backend in BACKENDS {
        let clean_db = TestDb::new(backend).await;
        let dirty_db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let clean = run(&clean_db, &fixture("good"), reports.path()).await;
        assert!(matches!(clean.status, Status::Imported { .. }));

        let dir = copy_fixture("good");
        // Full-width digits in ID numbers, spaces inside and traditional characters in names,
        // old 15-digit numbers, grouped and apostrophe-marked accounts, 元 in amounts.
        rewrite_column(dir.path(), "persons.csv", "id_number", |i, v| match i {
            0 => full_width(v),
            1 => qingfeng_domain::id_number::downgrade_to_15(v).unwrap(),
            _ => v.to_string(),
        });
        rewrite_column(dir.path(), "persons.csv", "name", |i, v| match i {
            0 => v.chars().map(String::from).collect::<Vec<_>>().join(" "),
            2 => v.replace('国', "國"),
            3 => v
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join("\u{3000}"),
            _ => v.to_string(),
        });
        rewrite_column(
            dir.path(),
            "payments.csv",
            "account_number",
            |i, v| match i {
                0 => format!("{} {} {} {}", &v[..4], &v[4..8], &v[8..12], &v[12..]),
                1 => format!("{}-{}-{}-{}", &v[..4], &v[4..8], &v[8..12], &v[12..]),
                2 => format!("'{v}"),
                _ => format!("=\"{v}\""),
            },
        );
        rewrite_column(
            dir.path(),
            "payments.csv",
            "beneficiary_id_number",
            |i, v| {
                if i == 0 {
                    qingfeng_domain::id_number::downgrade_to_15(v).unwrap()
                } else {
                    full_width(v)
                }
            },
        );
        rewrite_column(dir.path(), "payments.csv", "amount", |_, v| {
            format!("{v}元")
        });
        let dirty = run(&dirty_db, dir.path(), reports.path()).await;
        assert!(
            matches!(dirty.status, Status::Imported { .. }),
            "{backend:?}: {:#?}",
            dirty.problems.listed
        );
        for sql in [
            "SELECT id_number || '|' || name || '|' || village_code FROM persons ORDER BY id_number",
            "SELECT payment_id || '|' || beneficiary_id_number || '|' || beneficiary_name || '|' \
             || account_number || '|' || CAST(amount AS TEXT) FROM payments ORDER BY payment_id",
        ] {
            assert_eq!(
                texts(&dirty_db, sql).await,
                texts(&clean_db, sql).await,
                "{backend:?}: {sql}"
            );
        }
        // The report keeps what the file held.
        let notice = |code: &str| {
            dirty
                .problems
                .listed
                .iter()
                .filter(|p| p.severity == Severity::Notice && p.code == code)
                .count()
        };
        assert_eq!(notice("id_number_15_upgraded"), 2, "{backend:?}");
        assert!(notice("width_folded") >= 4, "{backend:?}");
        assert_eq!(notice("name_traditional_folded"), 1, "{backend:?}");
        assert_eq!(notice("inner_whitespace_removed"), 2, "{backend:?}");
        assert_eq!(notice("separators_removed"), 2, "{backend:?}");
        assert_eq!(notice("excel_text_marker_removed"), 2, "{backend:?}");
        assert_eq!(notice("unit_removed"), 4, "{backend:?}");
        assert_eq!(dirty.problems.errors, 0);
        clean_db.drop_db().await;
        dirty_db.drop_db().await;
    }
}

#[tokio::test]
async fn what_cannot_be_cleaned_is_refused_with_the_real_problem_named() {
    let db = TestDb::new(qingfeng_test_support::Backend::Sqlite).await;
    let reports = tempfile::tempdir().unwrap();
    let dir = copy_fixture("good");
    rewrite_column(dir.path(), "persons.csv", "id_number", |i, v| match i {
        0 => "5.00233E+17".to_string(), // Excel's scientific notation: digits lost
        1 => v[..16].to_string(),       // two digits missing
        _ => v.to_string(),
    });
    rewrite_column(dir.path(), "payments.csv", "amount", |i, v| match i {
        0 => format!("{v}万元"), // a unit that would change the amount: not guessed
        _ => v.to_string(),
    });
    let outcome = run(&db, dir.path(), reports.path()).await;
    assert_eq!(outcome.status, Status::Rejected);
    let reason = |code: &str| {
        outcome
            .problems
            .listed
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.reason_en.clone())
            .unwrap_or_else(|| panic!("{code}: {:#?}", outcome.problems.listed))
    };
    assert!(reason("excel_scientific_notation").contains("scientific notation"));
    assert!(reason("id_number_shape").contains("has 16 characters"));
    assert!(reason("money_format").contains("万元"));
    db.drop_db().await;
}

#[tokio::test]
async fn errors_that_follow_from_a_refused_row_say_so() {
    // One bad rate in programs.csv refuses the DIBAO row; every entitlement and payment naming
    // DIBAO is then a consequence, not an error of its own.
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = copy_fixture("good");
        rewrite_column(dir.path(), "programs.csv", "rate", |i, v| match i {
            0 => "420.00元/人".to_string(),
            _ => v.to_string(),
        });
        let outcome = run(&db, dir.path(), reports.path()).await;
        assert_eq!(outcome.status, Status::Rejected);
        let roots: Vec<_> = outcome
            .problems
            .listed
            .iter()
            .filter(|p| p.severity == Severity::Error && p.consequence_of.is_none())
            .collect();
        assert_eq!(roots.len(), 1, "{backend:?}: {roots:#?}");
        assert_eq!((roots[0].file.as_str(), roots[0].line), ("programs.csv", 2));
        let consequences: Vec<_> = outcome
            .problems
            .listed
            .iter()
            .filter(|p| p.consequence_of.is_some())
            .collect();
        assert!(!consequences.is_empty());
        assert!(consequences
            .iter()
            .all(|p| p.consequence_of.as_deref() == Some("programs.csv:2")
                && p.code == "reference_to_refused_row"
                && p.value == "DIBAO"));
        assert_eq!(outcome.problems.consequences, consequences.len() as u64);
        let csv_report = std::fs::read_to_string(reports.path().join("import-report.csv")).unwrap();
        assert!(csv_report.contains(",programs.csv:2"), "{csv_report}");
        db.drop_db().await;
    }
}

async fn texts(db: &TestDb, sql: &str) -> Vec<String> {
    qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await)
        .unwrap()
}

/// Issue 12, item 6. The attack: a 1.5 KB workbook with cells in A1 and XFD1048576 made the
/// importer ask for room for every cell between them (17 billion) and the server was killed.
/// Now the sheet is read cell by cell: a cell beyond the columns a register can have refuses the
/// sheet with a problem naming it, and a far-away row costs nothing.
#[tokio::test]
async fn a_workbook_with_a_cell_at_the_far_corner_is_refused_without_eating_memory() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("deaths").unwrap();
        for (c, h) in ["id_number", "name", "death_date"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        book.save(&path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
        let outcome = run(&db, &path, reports.path()).await;
        assert_eq!(outcome.status, Status::Rejected);
        let refused: Vec<_> = outcome
            .problems
            .listed
            .iter()
            .filter(|p| p.code == "xlsx_sheet_too_wide")
            .collect();
        assert_eq!(refused.len(), 1, "{:#?}", outcome.problems.listed);
        assert_eq!(refused[0].line, 1_048_576);
        assert_eq!(refused[0].column, "XFD");
        assert!(refused[0].reason_en.contains("XFD1048576"));

        // A far-away row within the columns is only a blank gap: the rows around it import.
        let path = dir.path().join("gap.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("deaths").unwrap();
        for (c, h) in ["id_number", "name", "death_date"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["500233194009091620", "王桂兰", "2024-03-02"]
            .iter()
            .enumerate()
        {
            sheet.write_string(1_048_575, c as u16, *v).unwrap();
        }
        book.save(&path).unwrap();
        let outcome = run(&db, &path, reports.path()).await;
        // The one row, on Excel's last row, has a wrong check character: named on that line.
        assert_eq!(
            error_lines(&outcome, "gap.xlsx#deaths"),
            vec![(1_048_576, "id_number_check".to_string())],
            "{backend:?}: {:#?}",
            outcome.problems.listed
        );
        db.drop_db().await;
    }
}
