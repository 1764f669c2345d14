//! Import end to end, on SQLite and on PostgreSQL, from real files on disk.

use qingfeng_ingest::{import, ImportOptions, ImportOutcome, Status};
use qingfeng_test_support::{copy_fixture, edit, fixture, Backend, TestDb, BACKENDS};
use std::path::Path;

mod real_files;

async fn run(db: &TestDb, input: &Path, report_dir: &Path) -> ImportOutcome {
    let opts = ImportOptions {
        report_dir: report_dir.to_path_buf(),
        progress: false,
    };
    import(&db.store, input, &opts).await.expect("import ran")
}

async fn scalar_text(db: &TestDb, sql: &str) -> String {
    qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar::<_, String>(sql).fetch_one(pool).await).unwrap()
}

async fn scalar_i64(db: &TestDb, sql: &str) -> i64 {
    qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).unwrap()
}

#[tokio::test]
async fn good_folder_imports_and_identical_reimport_changes_nothing() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let first = run(&db, &fixture("good"), reports.path()).await;
        assert_eq!(
            first.status,
            Status::Imported { batch_id: 1 },
            "{backend:?}: {:?}",
            first.problems.listed
        );
        assert_eq!(first.problems.errors, 0);
        assert_eq!(db.store.count_rows("persons").await.unwrap(), 7);
        assert_eq!(db.store.count_rows("payments").await.unwrap(), 4);
        assert_eq!(db.store.count_rows("divisions").await.unwrap(), 4);
        // Values are stored parsed: fen, ISO dates, canonical codes.
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT amount FROM payments WHERE payment_id = 'P0002'"
            )
            .await,
            30_000
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT paid_on FROM payments WHERE payment_id = 'P0004'"
            )
            .await,
            "2024-02-15"
        );
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT amount FROM vouchers WHERE voucher_id = 'V-2024-002'"
            )
            .await,
            17_200_000
        );
        assert_eq!(
            scalar_text(&db, "SELECT source FROM deaths").await,
            "funeral"
        );
        // Booleans, decimals and empty cells keep their meaning on both backends.
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT COUNT(*) FROM programs WHERE means_tested AND program_code = 'DIBAO'"
            )
            .await,
            1
        );
        assert_eq!(
            scalar_i64(&db, "SELECT COUNT(*) FROM programs WHERE NOT means_tested").await,
            2
        );
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT CAST(area_mu * 10 AS BIGINT) FROM land_contracts WHERE contract_id = 'LC-001'"
            )
            .await,
            45
        );
        // An empty optional cell is NULL; an empty cell with a documented default gets it.
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT COUNT(*) FROM entitlements WHERE publicity_start IS NULL"
            )
            .await,
            2
        );
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT publicity_days FROM programs WHERE program_code = 'GAOLING'"
            )
            .await,
            7
        );
        // Provenance: each row knows its batch and line; each file its hash.
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT source_line FROM payments WHERE payment_id = 'P0003'"
            )
            .await,
            4
        );
        let files = db.store.batch_files(1).await.unwrap();
        assert_eq!(files.len(), 19);
        assert!(files.iter().all(|f| f.sha256.len() == 64));

        let before = db.snapshot().await;
        let second = run(&db, &fixture("good"), reports.path()).await;
        assert_eq!(second.status, Status::Unchanged);
        assert!(second.files.iter().all(|f| f.unchanged_since == Some(1)));
        assert_eq!(
            db.snapshot().await,
            before,
            "{backend:?}: a repeated import changed the database"
        );
        db.drop_db().await;
    }
}

/// Writes `text` as GB18030 (what GBK exports are).
fn write_gbk(path: &Path, text: &str) {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
}

#[tokio::test]
async fn a_bad_folder_is_rejected_whole_and_every_problem_is_named() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        assert!(matches!(
            run(&db, &fixture("good"), reports.path()).await.status,
            Status::Imported { .. }
        ));
        let before = db.snapshot().await;

        let dir = copy_fixture("good");
        // 1. a misspelt header
        edit(dir.path(), "persons.csv", |s| {
            s.replacen("birth_date", "brith_date", 1)
        });
        // 2. a wrong check character (王桂兰's ID ends in 9)
        edit(dir.path(), "deaths.csv", |s| {
            s.replace("500233194009091629", "500233194009091620")
        });
        // 3. a negative amount on line 4
        edit(dir.path(), "payments.csv", |s| {
            s.replace("P0003,E-2024-01-002,GAOLING,2024-01,500233194009091629,王桂兰,6217000000000002,500233194009091629,王桂兰,100.00", "P0003,E-2024-01-002,GAOLING,2024-01,500233194009091629,王桂兰,6217000000000002,500233194009091629,王桂兰,-100.00")
        });
        // 4. a GBK file with Chinese headers, holding 5. a dangling reference on line 3
        let vouchers = std::fs::read_to_string(dir.path().join("vouchers.csv")).unwrap();
        let vouchers = vouchers
            .replacen("voucher_id,village_code,date", "凭证号,村代码,日期", 1)
            .replace(",PR-001,D-001,", ",PR-999,D-001,");
        write_gbk(&dir.path().join("vouchers.csv"), &vouchers);

        let outcome = run(&db, dir.path(), reports.path()).await;
        assert_eq!(outcome.status, Status::Rejected, "{backend:?}");
        assert_eq!(
            db.snapshot().await,
            before,
            "{backend:?}: a rejected import changed the database"
        );

        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(reports.path().join("import-report.json")).unwrap(),
        )
        .unwrap();
        let problems = json["problems"].as_array().unwrap();
        let find = |file: &str, line: u64, column: &str, code: &str| {
            problems.iter().find(|p| {
                p["file"] == file
                    && p["line"] == line
                    && p["column"] == column
                    && p["code"] == code
                    && p["severity"] == "error"
            })
        };
        let header = find("persons.csv", 1, "brith_date", "header_unknown")
            .expect("misspelt header reported");
        assert!(header["reason_en"]
            .as_str()
            .unwrap()
            .contains("did you mean \"birth_date\""));
        assert!(header["reason_zh"].as_str().unwrap().contains("未知列"));
        let check = find("deaths.csv", 2, "id_number", "id_number_check")
            .expect("bad check character reported");
        assert_eq!(check["value"], "500233194009091620");
        let negative =
            find("payments.csv", 4, "amount", "money_negative").expect("negative amount reported");
        assert_eq!(negative["value"], "-100.00");
        let dangling = find("vouchers.csv", 3, "project_id", "reference_dangling")
            .expect("dangling reference reported");
        assert_eq!(dangling["value"], "PR-999");
        // The changed voucher also differs from the one stored by the first import: a ledger
        // row is never rewritten silently.
        find("vouchers.csv", 3, "voucher_id", "ledger_conflict").expect("ledger conflict reported");
        assert_eq!(json["errors"], 5, "{backend:?}: {problems:#?}");
        let csv_report = std::fs::read_to_string(reports.path().join("import-report.csv")).unwrap();
        assert!(csv_report.contains("id_number_check"));
        assert!(csv_report
            .starts_with("\u{feff}severity,file,line,column,value,code,reason_zh,reason_en"));

        // The same folder fixed (still GBK, still Chinese headers) imports.
        edit(dir.path(), "persons.csv", |s| {
            s.replacen("brith_date", "birth_date", 1)
        });
        edit(dir.path(), "deaths.csv", |s| {
            s.replace("500233194009091620", "500233194009091629")
        });
        edit(dir.path(), "payments.csv", |s| {
            s.replace(",-100.00,", ",100.00,")
        });
        write_gbk(
            &dir.path().join("vouchers.csv"),
            &vouchers.replace(",PR-999,", ",PR-001,"),
        );
        let fixed = run(&db, dir.path(), reports.path()).await;
        assert!(
            matches!(fixed.status, Status::Imported { .. }),
            "{backend:?}: {:?}",
            fixed.problems.listed
        );
        let encoding = &fixed
            .files
            .iter()
            .find(|f| f.table == "vouchers")
            .unwrap()
            .encoding;
        assert_eq!(encoding, "GB18030");
        assert_eq!(
            scalar_text(
                &db,
                "SELECT description FROM vouchers WHERE voucher_id = 'V-2024-002'"
            )
            .await,
            "村道硬化工程款"
        );
        db.drop_db().await;
    }
}

#[tokio::test]
async fn row_level_problems_are_all_reported() {
    let db = TestDb::new(Backend::Sqlite).await;
    let reports = tempfile::tempdir().unwrap();
    let dir = copy_fixture("good");
    edit(dir.path(), "persons.csv", |s| {
        let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
        lines.push(lines[1].clone()); // line 9: duplicate of line 2
        lines[2] = lines[2].replace(",女,", ",男,"); // line 3: gender contradicts the ID
        lines[3] = format!("{},extra", lines[3]); // line 4: one field too many
        lines.join("\n") + "\n"
    });
    edit(dir.path(), "persons.csv", |s| {
        s.replace("H002,head", "H002,boss")
    }); // line 4 also bad enum
    let outcome = run(&db, dir.path(), reports.path()).await;
    assert_eq!(outcome.status, Status::Rejected);
    let codes: Vec<(u64, String)> = outcome
        .problems
        .listed
        .iter()
        .map(|p| (p.line, p.code.clone()))
        .collect();
    assert!(codes.contains(&(9, "duplicate_key".into())), "{codes:?}");
    assert!(codes.contains(&(3, "gender_mismatch".into())), "{codes:?}");
    assert!(codes.contains(&(4, "row_too_long".into())), "{codes:?}");
    assert_eq!(db.store.count_rows("persons").await.unwrap(), 0);
    db.drop_db().await;
}

#[tokio::test]
async fn ledgers_append_and_registers_replace() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        run(&db, &fixture("good"), reports.path()).await;

        // A monthly payment file that repeats one known payment and adds a new one.
        let next = tempfile::tempdir().unwrap();
        let good_payments = std::fs::read_to_string(fixture("good").join("payments.csv")).unwrap();
        let mut lines: Vec<&str> = good_payments.lines().collect();
        lines.truncate(2); // header + P0001
        let new_payment = "P0005,,GAOLING,2024-03,500233194009091629,王桂兰,6217000000000002,500233194009091629,王桂兰,100.00,2024-03-15,忠县农商行";
        lines.push(new_payment);
        std::fs::write(next.path().join("payments.csv"), lines.join("\n") + "\n").unwrap();
        let outcome = run(&db, next.path(), reports.path()).await;
        assert_eq!(
            outcome.status,
            Status::Imported { batch_id: 2 },
            "{backend:?}: {:?}",
            outcome.problems.listed
        );
        let f = &outcome.files[0];
        assert_eq!((f.rows_read, f.rows_added, f.rows_skipped), (2, 1, 1));
        assert_eq!(db.store.count_rows("payments").await.unwrap(), 5);

        // The same payment id with another amount is a conflict, not a silent rewrite.
        let before = db.snapshot().await;
        std::fs::write(
            next.path().join("payments.csv"),
            format!(
                "{}\n{}\n",
                lines[0],
                new_payment.replace(",100.00,", ",90.00,")
            ),
        )
        .unwrap();
        let conflict = run(&db, next.path(), reports.path()).await;
        assert_eq!(conflict.status, Status::Rejected);
        assert!(conflict
            .problems
            .listed
            .iter()
            .any(|p| p.code == "ledger_conflict" && p.line == 2));
        assert_eq!(db.snapshot().await, before);

        // A register file replaces the table.
        let persons = tempfile::tempdir().unwrap();
        let good_persons = std::fs::read_to_string(fixture("good").join("persons.csv")).unwrap();
        let three: Vec<&str> = good_persons.lines().take(4).collect();
        std::fs::write(persons.path().join("persons.csv"), three.join("\n") + "\n").unwrap();
        let replaced = run(&db, persons.path(), reports.path()).await;
        assert!(matches!(replaced.status, Status::Imported { .. }));
        assert_eq!(replaced.files[0].rows_removed, 7);
        assert_eq!(db.store.count_rows("persons").await.unwrap(), 3);

        // A register that drops a key still used by stored ledger rows is refused.
        let programs = tempfile::tempdir().unwrap();
        let good_programs = std::fs::read_to_string(fixture("good").join("programs.csv")).unwrap();
        let without_gaoling: Vec<&str> = good_programs
            .lines()
            .filter(|l| !l.starts_with("GAOLING"))
            .collect();
        std::fs::write(
            programs.path().join("programs.csv"),
            without_gaoling.join("\n") + "\n",
        )
        .unwrap();
        let before = db.snapshot().await;
        let refused = run(&db, programs.path(), reports.path()).await;
        assert_eq!(refused.status, Status::Rejected);
        assert!(refused
            .problems
            .listed
            .iter()
            .any(|p| p.code == "reference_removed" && p.value == "GAOLING"));
        assert_eq!(db.snapshot().await, before);
        db.drop_db().await;
    }
}

#[tokio::test]
async fn an_xlsx_workbook_imports_like_the_folder() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let book_path = dir.path().join("county.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for t in qingfeng_domain::contract::TABLES {
            // The fixture holds the contract's 19 tables, not the village books' own.
            let Ok(text) = std::fs::read_to_string(fixture("good").join(t.file_name())) else {
                continue;
            };
            let sheet = book.add_worksheet();
            // Sheets may be named in Chinese too.
            sheet
                .set_name(if t.name == "persons" { t.zh } else { t.name })
                .unwrap();
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes());
            for (r, rec) in reader.records().enumerate() {
                for (c, field) in rec.unwrap().iter().enumerate() {
                    let (row, col) = (r as u32, c as u16);
                    // Typed cells, as a person would leave them: numbers and real dates.
                    if t.name == "payments" && r > 0 && c == 9 {
                        sheet
                            .write_number(row, col, field.parse::<f64>().unwrap())
                            .unwrap();
                    } else if t.name == "payments" && r > 0 && c == 10 {
                        let d = qingfeng_domain::parse_date(field).unwrap();
                        let x = rust_xlsxwriter::ExcelDateTime::parse_from_str(
                            &d.format("%Y-%m-%d").to_string(),
                        )
                        .unwrap();
                        sheet
                            .write_datetime_with_format(row, col, &x, &date_format)
                            .unwrap();
                    } else {
                        sheet.write_string(row, col, field).unwrap();
                    }
                }
            }
        }
        book.add_worksheet().set_name("notes").unwrap();
        book.save(&book_path).unwrap();

        // An ID number typed into a number cell has lost digits in Excel: refused, not stored.
        let spoilt_path = dir.path().join("spoilt.xlsx");
        let mut spoilt = rust_xlsxwriter::Workbook::new();
        let sheet = spoilt.add_worksheet().set_name("deaths").unwrap();
        for (c, h) in ["id_number", "name", "death_date"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, 500233194009091629.0).unwrap();
        sheet.write_string(1, 1, "王桂兰").unwrap();
        sheet.write_string(1, 2, "2024-03-02").unwrap();
        spoilt.save(&spoilt_path).unwrap();
        let refused = run(&db, &spoilt_path, reports.path()).await;
        assert_eq!(refused.status, Status::Rejected);
        assert!(
            refused
                .problems
                .listed
                .iter()
                .any(|p| p.code == "xlsx_number_precision"
                    && p.line == 2
                    && p.column == "id_number"),
            "{:?}",
            refused.problems.listed
        );

        let outcome = run(&db, &book_path, reports.path()).await;
        // (PostgreSQL spends a batch number on the rolled-back import above: no gapless ids.)
        assert!(
            matches!(outcome.status, Status::Imported { .. }),
            "{backend:?}: {:?}",
            outcome.problems.listed
        );
        assert_eq!(db.store.count_rows("persons").await.unwrap(), 7);
        assert_eq!(
            scalar_i64(
                &db,
                "SELECT amount FROM payments WHERE payment_id = 'P0002'"
            )
            .await,
            30_000
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT paid_on FROM payments WHERE payment_id = 'P0004'"
            )
            .await,
            "2024-02-15"
        );
        assert!(outcome
            .problems
            .listed
            .iter()
            .any(|p| p.code == "file_ignored" && p.file == "county.xlsx#notes"));
        let again = run(&db, &book_path, reports.path()).await;
        assert_eq!(again.status, Status::Unchanged);
        db.drop_db().await;
    }
}

/// The village books' own registers as a township agency's Excel exports them: GBK, CRLF,
/// Chinese headers, full-width digits, grouped amounts with their unit, a 15-digit ID number,
/// blanks in codes — and a bad row, which keeps the whole folder out.
#[tokio::test]
async fn the_village_books_registers_import_from_real_exports() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let reports = tempfile::tempdir().unwrap();
        let dir = copy_fixture("good");
        write_gbk(
            &dir.path().join("集体资产台账.csv"),
            "卡片编号,村代码,资产名称,资产类别,坐落,原值,取得日期,状态,面积,合同编号\r\n\
             ZC－001 ,５００２３３１０１００１,集体鱼塘,坑塘,桂花村三组,\"２８，８００.００元\",,发包,12,CC-001\r\n\
             ZC-002,500233101001,村委会办公楼,房屋建筑物,桂花村,350000,2012年5月1日,在用,,\r\n",
        );
        write_gbk(
            &dir.path().join("debts.csv"),
            "债务编号,村代码,方向,对方名称,对方证件号,金额,发生日期,到期日期,结清日期,决策编号,用途\r\n\
             ZW-001,500233101001,借出,刘永福,500233660606191,2000,2024/05/01,2024-12-01,,,临时借款\r\n\
             ZW-002,500233101001,应付,忠县桂花建筑有限公司,91500233MA5U7X2K1T,8000,2024-04-10,,,D-001,工程尾款\r\n",
        );
        write_gbk(
            &dir.path().join("资金余额.csv"),
            "村代码,日期,库存现金,银行存款\r\n500233101001,2024-04-30,\"1,200.00\",８００００\r\n",
        );
        let outcome = run(&db, dir.path(), reports.path()).await;
        assert!(
            matches!(outcome.status, Status::Imported { .. }),
            "{:?}",
            outcome.problems.listed
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT asset_id || '|' || village_code || '|' || category || '|' || CAST(value AS TEXT) || '|' || status FROM assets ORDER BY asset_id LIMIT 1"
            )
            .await,
            "ZC-001|500233101001|water|2880000|leased"
        );
        assert_eq!(
            scalar_text(
                &db,
                "SELECT acquired_on FROM assets WHERE asset_id = 'ZC-002'"
            )
            .await,
            "2012-05-01"
        );
        // The old 15-digit number is the person the registers hold.
        assert_eq!(
            scalar_text(
                &db,
                "SELECT counterparty_id FROM debts WHERE debt_id = 'ZW-001'"
            )
            .await,
            "500233196606061910"
        );
        assert_eq!(
            scalar_i64(&db, "SELECT cash_on_hand + bank_balance FROM cash_balances").await,
            120_000 + 8_000_000
        );

        // A debt resting on a decision the village never took, and a negative balance: the
        // file names both, and nothing of the folder lands.
        let db2 = TestDb::new(backend).await;
        write_gbk(
            &dir.path().join("debts.csv"),
            "债务编号,村代码,方向,对方名称,对方证件号,金额,发生日期,到期日期,结清日期,决策编号,用途\r\n\
             ZW-002,500233101001,应付,忠县桂花建筑有限公司,91500233MA5U7X2K1T,8000,2024-04-10,,,D-404,工程尾款\r\n",
        );
        write_gbk(
            &dir.path().join("资金余额.csv"),
            "村代码,日期,库存现金,银行存款\r\n500233101001,2024-04-30,-5,0\r\n",
        );
        let outcome = run(&db2, dir.path(), reports.path()).await;
        assert!(matches!(outcome.status, Status::Rejected));
        let named = |file: &str, line: u64, column: &str| {
            outcome
                .problems
                .listed
                .iter()
                .any(|p| p.file == file && p.line == line && p.column == column)
        };
        assert!(
            named("debts.csv", 2, "决策编号"),
            "{:?}",
            outcome.problems.listed
        );
        assert!(
            named("资金余额.csv", 2, "库存现金"),
            "{:?}",
            outcome.problems.listed
        );
        assert_eq!(scalar_i64(&db2, "SELECT COUNT(*) FROM persons").await, 0);
        db.drop_db().await;
        db2.drop_db().await;
    }
}
