//! The village books kept in the workspace (issue 14 item 5): rows entered by the township
//! agency's bookkeeper and the village's cashier, cleaned and checked as a file's rows are, kept
//! when a file replaces their register; and the reminders that come before the rent is missed.

use super::common::*;
use super::matters::accounts;
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::village_books::{BooksDesk, Entry, FieldProblem};
use qingfeng_workflow::FixedClock;
use std::collections::BTreeMap;

fn form(fields: &[(&str, &str)]) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn problems(e: Entry) -> Vec<FieldProblem> {
    match e {
        Entry::Invalid(p) => p,
        other => panic!("expected field problems, got {other:?}"),
    }
}

fn problem_of<'a>(ps: &'a [FieldProblem], column: &str) -> &'a FieldProblem {
    ps.iter()
        .find(|p| p.column == column)
        .unwrap_or_else(|| panic!("no problem on {column}: {ps:?}"))
}

async fn asset_rows(desk: &BooksDesk<'_>, who: &qingfeng_workflow::Actor) -> Vec<Vec<String>> {
    let (_, rows, _) = desk.rows(who, "assets", 0).await.unwrap().unwrap();
    rows.into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect()
}

#[tokio::test]
async fn rows_are_entered_as_a_file_would_bring_them_or_not_at_all() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let clock = FixedClock::on(day("2025-11-15"));
        let desk = BooksDesk {
            store: &db.store,
            clock: &clock,
        };
        let kuaiji = actor(&db.store, "kuaiji").await;
        let cashier = actor(&db.store, "cashier").await;
        let cun = actor(&db.store, "cun").await;
        let far = actor(&db.store, "far").await;

        // Typed on a Chinese keyboard: full-width digits and comma, a unit, blanks, a category
        // in its Chinese spelling, the status left to its default.
        let card = [
            ("asset_id", " ZC-001 "),
            ("village_code", "５００２３３１０１００１"),
            ("name", "村委会办公楼"),
            ("category", "房屋"),
            ("location", "桂花村一组"),
            ("value", "１２，０００．５０元"),
            ("acquired_on", "2019年3月1日"),
            ("status", ""),
            ("contract_id", ""),
        ];
        assert_eq!(
            desk.enter(&kuaiji, "assets", &form(&card)).await.unwrap(),
            Entry::Entered("ZC-001".into())
        );
        let rows = asset_rows(&desk, &kuaiji).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0][..8],
            [
                "ZC-001",
                "500233101001",
                "村委会办公楼",
                "building",
                "桂花村一组",
                "1200050",
                "2019-03-01",
                "in_use"
            ]
        );
        // The same card twice is one card.
        let again = problems(desk.enter(&kuaiji, "assets", &form(&card)).await.unwrap());
        assert!(problem_of(&again, "asset_id").zh.contains("已登记过"));

        // Everything wrong at once: each field named with what was typed and why, in both
        // languages, and nothing stored.
        let wrong = problems(
            desk.enter(
                &kuaiji,
                "assets",
                &form(&[
                    ("asset_id", "ZC-002"),
                    ("village_code", "500233101001"),
                    ("name", ""),
                    ("category", "飞机"),
                    ("value", "十二万"),
                    ("acquired_on", "2026-01-01"),
                    ("contract_id", "CC-999"),
                ]),
            )
            .await
            .unwrap(),
        );
        for (column, value) in [
            ("name", ""),
            ("category", "飞机"),
            ("value", "十二万"),
            ("acquired_on", "2026-01-01"),
            ("contract_id", "CC-999"),
        ] {
            let p = problem_of(&wrong, column);
            assert_eq!(p.value, value);
            assert!(!p.zh.is_empty() && !p.en.is_empty() && !p.column_zh.is_empty());
        }
        assert!(problem_of(&wrong, "acquired_on").zh.contains("晚于今天"));
        assert!(problem_of(&wrong, "contract_id").zh.contains("CC-999"));
        assert_eq!(asset_rows(&desk, &kuaiji).await.len(), 1);

        // Whose books: the bookkeeper of another township, the cashier for another village, a
        // village official, a register that is not the books'.
        let other = form(&[
            ("asset_id", "ZC-003"),
            ("village_code", GUIHUA),
            ("name", "文化广场"),
            ("category", "facility"),
            ("value", "300000"),
        ]);
        let p = problems(desk.enter(&far, "assets", &other).await.unwrap());
        assert!(problem_of(&p, "village_code").zh.contains("不在您的辖区"));
        let mut shiling = other.clone();
        shiling.insert("village_code".into(), SHILING.into());
        let p = problems(desk.enter(&cashier, "assets", &shiling).await.unwrap());
        assert!(problem_of(&p, "village_code").zh.contains("不在您的辖区"));
        assert!(matches!(
            desk.enter(&cun, "assets", &other).await.unwrap(),
            Entry::Refused(_)
        ));
        assert!(matches!(
            desk.enter(&kuaiji, "persons", &other).await.unwrap(),
            Entry::Refused(_)
        ));
        assert_eq!(
            desk.enter(&cashier, "assets", &other).await.unwrap(),
            Entry::Entered("ZC-003".into())
        );

        // A debt of 石岭村 cannot rest on 桂花村's decision; ends before it begins are refused.
        let p = problems(
            desk.enter(
                &kuaiji,
                "debts",
                &form(&[
                    ("debt_id", "ZW-001"),
                    ("village_code", SHILING),
                    ("direction", "借入"),
                    ("counterparty_name", "县农村信用合作联社"),
                    ("amount", "100000"),
                    ("incurred_on", "2025-06-01"),
                    ("due_on", "2025-05-01"),
                    ("decision_id", "D-001"),
                ]),
            )
            .await
            .unwrap(),
        );
        assert!(problem_of(&p, "decision_id").zh.contains("属于其他村"));
        assert!(problem_of(&p, "due_on").zh.contains("早于"));

        // Money goes out only through the approval chain.
        let p = problems(
            desk.enter(
                &kuaiji,
                "vouchers",
                &form(&[
                    ("voucher_id", "PZ-X"),
                    ("village_code", GUIHUA),
                    ("date", "2025-11-01"),
                    ("direction", "expense"),
                    ("category", "office"),
                    ("amount", "100"),
                    ("method", "bank"),
                    ("supervisor_signed", "是"),
                ]),
            )
            .await
            .unwrap(),
        );
        assert!(problem_of(&p, "direction").zh.contains("审批链"));

        // Each entry is on the audit trail under the account that made it.
        let trail = db.store.audit_of("assets", "ZC-001").await.unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].actor, "kuaiji");
        assert_eq!(trail[0].action, "register.entered");

        // The county's next asset file replaces what files brought and keeps what was entered;
        // a file row repeating an entered card is refused, naming its line.
        let dir = qingfeng_test_support::copy_fixture("good");
        std::fs::write(
            dir.path().join("assets.csv"),
            "资产编号,村代码,资产名称,资产类别,原值\r\nZC-100,500233101001,集体鱼塘,水面,28800\r\nZC-001,500233101001,村委会办公楼,房屋,12000.50\r\n",
        )
        .unwrap();
        let reports = tempfile::tempdir().unwrap();
        let opts = ImportOptions {
            report_dir: reports.path().to_path_buf(),
            progress: false,
        };
        let outcome = import(&db.store, dir.path(), &opts).await.unwrap();
        assert!(matches!(outcome.status, Status::Rejected));
        let p = outcome
            .problems
            .listed
            .iter()
            .find(|p| p.code == "key_entered_in_workspace")
            .expect("the repeated card is named");
        assert_eq!((p.line, p.value.as_str()), (3, "ZC-001"));
        std::fs::write(
            dir.path().join("assets.csv"),
            "资产编号,村代码,资产名称,资产类别,原值\r\nZC-100,500233101001,集体鱼塘,水面,28800\r\n",
        )
        .unwrap();
        let outcome = import(&db.store, dir.path(), &opts).await.unwrap();
        assert!(
            matches!(outcome.status, Status::Imported { .. }),
            "{:?}",
            outcome.problems
        );
        let ids: Vec<String> = asset_rows(&desk, &kuaiji)
            .await
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(ids.len(), 3, "{ids:?}");
        for id in ["ZC-001", "ZC-003", "ZC-100"] {
            assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
        }
    }
}

#[tokio::test]
async fn the_books_remind_before_the_rent_is_missed() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let kuaiji = actor(&db.store, "kuaiji").await;
        let far = actor(&db.store, "far").await;
        // CC-001 (桂花村's pond, 3,600 yuan a year from 2024-01-01): its 2025 rent is not booked.
        let september = FixedClock::on(day("2025-09-01"));
        let desk = BooksDesk {
            store: &db.store,
            clock: &september,
        };
        let early = desk.reminders(&kuaiji).await.unwrap();
        assert!(early.rent.is_empty(), "{early:?}");

        let november = FixedClock::on(day("2025-11-15"));
        let desk = BooksDesk {
            store: &db.store,
            clock: &november,
        };
        let due = desk.reminders(&kuaiji).await.unwrap();
        assert_eq!(due.rent.len(), 1, "{due:?}");
        let rent = &due.rent[0];
        assert_eq!(
            (
                rent.contract_id.as_str(),
                rent.annual_rent,
                rent.booked,
                rent.due_by,
                rent.days_left
            ),
            ("CC-001", 360_000, 0, day("2025-12-31"), 46)
        );
        // Another township's bookkeeper is reminded of nothing of 桂花村.
        assert_eq!(desk.reminders(&far).await.unwrap().count(), 0);

        // A contract ending in 77 days, a debt due in 16 days, one settled.
        let entered = |table: &'static str, fields: Vec<(&'static str, &'static str)>| {
            let desk = &desk;
            let kuaiji = &kuaiji;
            async move {
                let e = desk.enter(kuaiji, table, &form(&fields)).await.unwrap();
                assert!(matches!(e, Entry::Entered(_)), "{e:?}");
            }
        };
        entered(
            "collective_contracts",
            vec![
                ("contract_id", "CC-010"),
                ("village_code", GUIHUA),
                ("kind", "building_lease"),
                ("counterparty_id", "92500233MA5UA0001E"),
                ("counterparty_name", "新生镇五金店"),
                ("annual_rent", "1200"),
                ("start_date", "2025-02-01"),
                ("end_date", "2026-01-31"),
                ("signed_on", "2025-01-20"),
            ],
        )
        .await;
        entered(
            "debts",
            vec![
                ("debt_id", "ZW-001"),
                ("village_code", GUIHUA),
                ("direction", "payable"),
                ("counterparty_name", "县农村信用合作联社"),
                ("amount", "100000"),
                ("incurred_on", "2024-12-01"),
                ("due_on", "2025-12-01"),
            ],
        )
        .await;
        entered(
            "debts",
            vec![
                ("debt_id", "ZW-002"),
                ("village_code", GUIHUA),
                ("direction", "receivable"),
                ("counterparty_name", "刘永福"),
                ("amount", "2000"),
                ("incurred_on", "2024-12-01"),
                ("due_on", "2025-11-20"),
                ("settled_on", "2025-11-10"),
            ],
        )
        .await;
        let due = desk.reminders(&kuaiji).await.unwrap();
        assert_eq!(
            due.ending
                .iter()
                .map(|e| (e.contract_id.as_str(), e.days_left))
                .collect::<Vec<_>>(),
            [("CC-010", 77)]
        );
        assert_eq!(
            due.debts
                .iter()
                .map(|d| (d.debt_id.as_str(), d.days_left))
                .collect::<Vec<_>>(),
            [("ZW-001", 16)]
        );
        // CC-010's year (to 2026-01-31) is 77 days from its end: not yet named for its rent.
        assert_eq!(due.rent.len(), 1);

        // The rent booked in part is still owed; booked in full, the reminder goes.
        entered(
            "vouchers",
            vec![
                ("voucher_id", "PZ-2025-101"),
                ("village_code", GUIHUA),
                ("date", "2025-11-10"),
                ("direction", "income"),
                ("category", "contract_income"),
                ("amount", "1,000.00"),
                ("method", "bank"),
                ("counterparty_name", "李建国"),
                ("contract_id", "CC-001"),
                ("supervisor_signed", "是"),
            ],
        )
        .await;
        let due = desk.reminders(&kuaiji).await.unwrap();
        assert_eq!(due.rent[0].booked, 100_000);
        entered(
            "vouchers",
            vec![
                ("voucher_id", "PZ-2025-102"),
                ("village_code", GUIHUA),
                ("date", "2025-11-14"),
                ("direction", "income"),
                ("category", "contract_income"),
                ("amount", "2600"),
                ("method", "bank"),
                ("counterparty_name", "李建国"),
                ("contract_id", "CC-001"),
                ("supervisor_signed", "是"),
            ],
        )
        .await;
        assert!(desk.reminders(&kuaiji).await.unwrap().rent.is_empty());
    }
}
