//! The fixture county the workflow tests stand on: its registers (the import fixture `good`),
//! three clues about persons of it, and officials' accounts, some linked to persons of the
//! registers (for the conflict-of-interest policy).

#![allow(dead_code)]

use chrono::NaiveDate;
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_store::{CheckRecord, ClueRecord, NewUser, RuleResult, Store};
use qingfeng_test_support::{copy_fixture, TestDb};
use qingfeng_workflow::{Actor, Role};

pub const TOWNSHIP: &str = "500233101000";
/// A second township, outside the registers' divisions: only its secretary's account is there.
pub const OTHER_TOWNSHIP: &str = "500233102000";
pub const GUIHUA: &str = "500233101001";
pub const SHILING: &str = "500233101002";
/// 张德明, head of household H001 in 桂花村.
pub const ZHANG: &str = "500233195203141313";
/// 李秀英, his wife (H001).
pub const LI_XIUYING: &str = "500233195506011428";
/// 李建国, director of 桂花村's committee (a current post).
pub const LI_JIANGUO: &str = "500233197001021515";
/// 王桂兰 of 石岭村.
pub const WANG: &str = "500233194009091629";
/// 陈志强, former party secretary of 石岭村 (post ended 2023), who declared 赵红梅 his wife.
pub const CHEN: &str = "500233198005051716";
pub const ZHAO_HONGMEI: &str = "500233197507071843";
/// 刘永福 of 桂花村 (H003).
pub const LIU: &str = "500233196606061910";

/// Names ZHANG (subject and beneficiary), in 桂花村.
pub const CLUE_ZHANG: &str = "fp-zhang";
/// About WANG in 石岭村, paid into 赵红梅's account.
pub const CLUE_PAYEE: &str = "fp-payee";
/// About LIU in 桂花村.
pub const CLUE_LIU: &str = "fp-liu";

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn clue(fp: &str, village: &str, subject: &str, evidence: &str, fen: i64) -> ClueRecord {
    ClueRecord {
        fingerprint: fp.into(),
        rule_id: "SUB-DEAD-PAYEE".into(),
        severity: qingfeng_domain::Severity::High,
        village_code: Some(village.into()),
        subject_id: Some(subject.into()),
        record_type: "payment".into(),
        record_ids: format!("{fp}-P1"),
        amount_at_risk_fen: fen,
        evidence: evidence.into(),
        explanation_zh: format!("{fp} 说明"),
        explanation_en: format!("{fp} explained"),
    }
}

pub fn score(kind: &str, subject: &str, score: f64) -> qingfeng_store::Score {
    qingfeng_store::Score {
        kind: kind.into(),
        subject: subject.into(),
        label: None,
        score,
        clues: 1,
        amount_at_risk_fen: 1_000,
    }
}

/// The fixture county, three clues, and the accounts: unlinked investigators `a`…`d`, and
/// officials linked to persons of the registers.
pub async fn county(db: &TestDb) {
    let reports = tempfile::tempdir().unwrap();
    let outcome = import(
        &db.store,
        copy_fixture("good").path(),
        &ImportOptions {
            report_dir: reports.path().to_path_buf(),
            progress: false,
        },
    )
    .await
    .unwrap();
    assert!(
        matches!(outcome.status, Status::Imported { .. }),
        "{:?}",
        outcome.problems
    );
    let clues = [
        clue(
            CLUE_ZHANG,
            GUIHUA,
            ZHANG,
            &format!(r#"{{"beneficiary_id_number":"{ZHANG}"}}"#),
            216_000,
        ),
        clue(
            CLUE_PAYEE,
            SHILING,
            WANG,
            &format!(
                r#"{{"beneficiary_id_number":"{WANG}","payee_account_holder":"{ZHAO_HONGMEI}"}}"#
            ),
            99_000,
        ),
        clue(
            CLUE_LIU,
            GUIHUA,
            LIU,
            &format!(r#"{{"beneficiary_id_number":"{LIU}"}}"#),
            5_000,
        ),
    ];
    db.store
        .record_check(&CheckRecord {
            started_at: "2026-11-01T08:00:00Z",
            data_state: "test",
            rules_selected: "all",
            results: &[RuleResult {
                rule_id: "SUB-DEAD-PAYEE".into(),
                status: "ok".into(),
                message: None,
                clues: 3,
                amount_at_risk_fen: 320_000,
                millis: 1,
            }],
            rules_ran: &["SUB-DEAD-PAYEE".to_string()],
            clues: &clues,
            scores: &[
                score("village", GUIHUA, 9.0),
                score("village", SHILING, 5.0),
                score("official", LI_JIANGUO, 8.0),
                score("official", CHEN, 4.0),
            ],
        })
        .await
        .unwrap();
    let accounts: [(&str, Role, &str, Option<&str>); 9] = [
        ("a", Role::Investigator, "500233000000", None),
        ("b", Role::Leader, "500233000000", None),
        ("c", Role::Investigator, "500233000000", None),
        ("d", Role::Investigator, "500233000000", None),
        ("wife", Role::Investigator, "500233000000", Some(LI_XIUYING)),
        ("chen", Role::Investigator, "500233000000", Some(CHEN)),
        (
            "director",
            Role::TownshipSecretary,
            TOWNSHIP,
            Some(LI_JIANGUO),
        ),
        ("auditor", Role::Auditor, "500233000000", None),
        // The discipline secretary of another township (交叉办案).
        ("other", Role::TownshipSecretary, OTHER_TOWNSHIP, None),
    ];
    for (name, role, jurisdiction, person) in accounts {
        let id = db
            .store
            .create_user(&NewUser {
                username: name,
                display_name: name,
                role,
                jurisdiction,
                password_hash: "not used",
                created_by: "test",
            })
            .await
            .unwrap();
        if person.is_some() {
            db.store
                .set_user_id_number(id, person, "test")
                .await
                .unwrap();
        }
    }
}

pub async fn actor(store: &Store, name: &str) -> Actor {
    let user = store.user_by_name(name).await.unwrap().unwrap();
    let scope = user.role.scope(&user.jurisdiction).unwrap();
    Actor::of(&user, scope)
}

/// An account of `role` over `jurisdiction`, linked to `person` if given, as the use cases see it.
pub async fn account(
    store: &Store,
    name: &str,
    role: Role,
    jurisdiction: &str,
    person: Option<&str>,
) -> Actor {
    let id = store
        .create_user(&NewUser {
            username: name,
            display_name: name,
            role,
            jurisdiction,
            password_hash: "not used",
            created_by: "test",
        })
        .await
        .unwrap();
    if person.is_some() {
        store.set_user_id_number(id, person, "test").await.unwrap();
    }
    actor(store, name).await
}
