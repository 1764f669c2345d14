//! Accounts on both databases: what an account may be, that it is made once, and that an
//! operator's mistakes (a name taken, a township secretary over the county, an ID number with a
//! typo, a short password) are refused with the reason instead of half-made.

use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::accounts::{AccountDesk, NewAccount};
use qingfeng_workflow::{Outcome, Role};

const COUNTY: &str = "500233000000";
const TOWNSHIP: &str = "500233101000";

fn account<'a>(username: &'a str, role: Role, jurisdiction: &'a str) -> NewAccount<'a> {
    NewAccount {
        username,
        display_name: None,
        role,
        jurisdiction,
        id_number: None,
        password: "correct horse battery",
    }
}

fn refused<T: std::fmt::Debug>(outcome: Outcome<T>, zh: &str) {
    match &outcome {
        Outcome::Refused(r) => assert!(r.zh.contains(zh), "{zh}: {r}"),
        other => panic!("expected a refusal containing {zh}, got {other:?}"),
    }
}

#[tokio::test]
async fn an_account_is_made_once_as_its_role_allows_and_mistakes_are_refused() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let desk = AccountDesk {
            store: &db.store,
            by: "operator",
        };
        refused(
            desk.open(&account("li si", Role::Investigator, COUNTY))
                .await
                .unwrap(),
            "用户名",
        );
        // A township secretary's jurisdiction is a township, not the county.
        assert!(matches!(
            desk.open(&account("secretary", Role::TownshipSecretary, COUNTY))
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        let mut typo = account("li", Role::Investigator, COUNTY);
        typo.id_number = Some("500233197001021516");
        refused(desk.open(&typo).await.unwrap(), "身份证号码无效");
        let mut short = account("li", Role::Investigator, COUNTY);
        short.password = "short";
        refused(desk.open(&short).await.unwrap(), "密码至少");
        // Nothing of the refused attempts was made.
        assert!(db.store.users().await.unwrap().is_empty(), "{backend:?}");

        let mut linked = account("li", Role::Investigator, COUNTY);
        linked.id_number = Some("500233197001021515");
        let id = desk.open(&linked).await.unwrap().changed().unwrap();
        let user = db.store.user_by_name("li").await.unwrap().unwrap();
        assert_eq!(user.user_id, id);
        assert_eq!(user.id_number.as_deref(), Some("500233197001021515"));
        assert!(matches!(
            desk.open(&account("li", Role::Leader, COUNTY))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert!(desk
            .open(&account("wang", Role::TownshipSecretary, TOWNSHIP))
            .await
            .unwrap()
            .changed()
            .is_some());

        // Disabling twice, and anything on an account that is not there.
        assert_eq!(
            desk.set_disabled("li", true).await.unwrap(),
            Outcome::Changed(())
        );
        assert!(matches!(
            desk.set_disabled("li", true).await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert_eq!(
            desk.set_disabled("nobody", true).await.unwrap(),
            Outcome::NotFound
        );
        refused(
            desk.reset_password("wang", "short").await.unwrap(),
            "密码至少",
        );
        let before = db.store.user_by_name("wang").await.unwrap().unwrap();
        assert_eq!(
            desk.reset_password("wang", "another long password")
                .await
                .unwrap(),
            Outcome::Changed(())
        );
        let after = db.store.user_by_name("wang").await.unwrap().unwrap();
        assert_ne!(before.password_hash, after.password_hash);
        assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
        db.drop_db().await;
    }
}
