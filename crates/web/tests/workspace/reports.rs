//! Protected reports over HTTP on both backends: the conflict-of-interest exclusion (an excluded
//! official holds no key copy and cannot decrypt with the whole database in hand), reports about
//! county leaders going up, repeat reports, the reporter's identity behind a senior's approval,
//! deadlines shown to the reporter, and the hash-chained audit trail.

use super::*;
use qingfeng_domain::IdNumber;
use qingfeng_vault::KeyPair;

/// 张德明's household (H001) in 桂花村: his wife 李秀英.
const LI_XIUYING: &str = "500233195506011428";
/// 李建国, director of 桂花村's village committee (current post).
const LI_JIANGUO: &str = "500233197001021515";

/// Adds an investigator account linked to the registers by `id_number`.
async fn linked_investigator(db: &TestDb, username: &str, id_number: Option<&str>) {
    let id = db
        .store
        .create_user(&NewUser {
            username,
            display_name: username,
            role: Role::Investigator,
            jurisdiction: "500233000000",
            password_hash: &hash_password(PASSWORD).unwrap(),
            created_by: "test",
        })
        .await
        .unwrap();
    db.store
        .set_user_id_number(id, id_number, "test")
        .await
        .unwrap();
}

async fn file_portal_report(app: &Router, fields: &[(&str, &str)]) -> Reply {
    let r = post(app, "/report", None, fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r
}

/// A real-name report (王实名, 13900000000) about 石岭村's accounts.
async fn file_real_name_report(app: &Router) -> Reply {
    file_portal_report(
        app,
        &[
            ("category", "village_finance"),
            ("village", VILLAGE_2),
            ("content", "账目不公开"),
            ("real_name", "on"),
            ("reporter_name", "王实名"),
            ("reporter_contact", "13900000000"),
        ],
    )
    .await
}

/// Appends `n` "report viewed" events by `actor` to the audit trail.
async fn append_views(db: &TestDb, actor: &str, n: usize) {
    for i in 0..n {
        db.store
            .audit(&qingfeng_store::AuditEvent {
                actor,
                action: "report.viewed",
                subject_kind: "report",
                subject_id: &i.to_string(),
                detail: "",
            })
            .await
            .unwrap();
    }
}

fn report_ids(rows: &[(i64,)]) -> Vec<i64> {
    rows.iter().map(|r| r.0).collect()
}

#[tokio::test]
async fn an_excluded_official_holds_no_key_and_cannot_decrypt_even_with_the_database() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        linked_investigator(&db, "inv_household", Some(LI_XIUYING)).await;
        linked_investigator(&db, "inv_serving", Some(LI_JIANGUO)).await;
        linked_investigator(&db, "inv_clear", None).await;
        let app = app(&db.store, [10, 0, 0, 2]).await;
        // Keys are made at the first log-in.
        let mut sessions = std::collections::BTreeMap::new();
        for u in [
            "leader",
            "investigator",
            "inv_household",
            "inv_serving",
            "inv_clear",
        ] {
            sessions.insert(u, log_in(&app, u, PASSWORD).await.ok().unwrap());
        }

        let secret_text = "张德明冒领低保金, 村主任知情 (test secret 7f3a)";
        let receipt = file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", "桂花村"),
                ("subject", "张德明"),
                ("content", secret_text),
            ],
        )
        .await;
        assert!(receipt.body.contains("id=\"receipt\""), "{}", receipt.body);
        let report_id: i64 = match &db.store {
            Store::Sqlite(p) => sqlx::query_scalar("SELECT MAX(report_id) FROM reports")
                .fetch_one(p)
                .await
                .unwrap(),
            Store::Postgres(p) => sqlx::query_scalar("SELECT MAX(report_id) FROM reports")
                .fetch_one(p)
                .await
                .unwrap(),
        };

        // Key copies went to the clear officials only.
        let mut holders: Vec<String> = db
            .store
            .key_holders(report_id, "content")
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.1)
            .collect();
        holders.sort();
        assert_eq!(holders, vec!["inv_clear", "investigator", "leader"]);

        // The excluded see "not found" (as for a report that does not exist), and no list
        // shows it to them.
        for u in ["inv_household", "inv_serving"] {
            let s = &sessions[u];
            let page = s.get(&app, &format!("/work/reports/{report_id}")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{u}");
            assert_eq!(
                s.get(&app, "/work/reports/999999").await.status,
                StatusCode::NOT_FOUND
            );
            let list = s.get(&app, "/work/reports").await;
            assert!(
                !list.body.contains(&format!("/work/reports/{report_id}\"")),
                "{u} sees the report listed"
            );
        }
        // A clear official reads it, with the exclusions and their reasons.
        let leader = &sessions["leader"];
        let page = leader
            .get(&app, &format!("/work/reports/{report_id}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("test secret 7f3a"));
        assert!(page.body.contains("inv_household"));
        assert!(page.body.contains("与被举报人同户"));
        assert!(page.body.contains("inv_serving"));
        assert!(page.body.contains("桂花村村委会"));

        // With the whole database: the excluded official's own key pair (unlocked with their
        // password) opens no key copy of the report and not the content.
        type Dump = (Vec<Vec<u8>>, Vec<u8>, Vec<u8>);
        let (copies, sealed, locked): Dump = match &db.store {
            Store::Sqlite(p) => (
                sqlx::query_scalar("SELECT wrapped_key FROM report_keys")
                    .fetch_all(p)
                    .await
                    .unwrap(),
                sqlx::query_scalar("SELECT sealed_content FROM reports WHERE report_id = $1")
                    .bind(report_id)
                    .fetch_one(p)
                    .await
                    .unwrap(),
                sqlx::query_scalar("SELECT locked_key FROM users WHERE username = 'inv_household'")
                    .fetch_one(p)
                    .await
                    .unwrap(),
            ),
            Store::Postgres(p) => (
                sqlx::query_scalar("SELECT wrapped_key FROM report_keys")
                    .fetch_all(p)
                    .await
                    .unwrap(),
                sqlx::query_scalar("SELECT sealed_content FROM reports WHERE report_id = $1")
                    .bind(report_id)
                    .fetch_one(p)
                    .await
                    .unwrap(),
                sqlx::query_scalar("SELECT locked_key FROM users WHERE username = 'inv_household'")
                    .fetch_one(p)
                    .await
                    .unwrap(),
            ),
        };
        assert!(!copies.is_empty());
        let excluded = KeyPair::unlock_with_password(&locked, PASSWORD).unwrap();
        for copy in &copies {
            assert!(KeyPair::unwrap(copy, &excluded).is_err());
        }
        assert!(excluded.open(&sealed).is_err());
        // And the text is nowhere in the database file in clear.
        assert!(!sealed.windows("7f3a".len()).any(|w| w == "7f3a".as_bytes()));
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_report_about_a_county_leader_goes_up_and_the_county_cannot_see_it() {
    let upper = KeyPair::generate();
    let head = IdNumber::build(
        "500233",
        chrono::NaiveDate::from_ymd_opt(1968, 3, 3).unwrap(),
        121,
    );
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        let dir = copy_fixture("good");
        edit(dir.path(), "officials.csv", |s| {
            format!(
                "{s}{},周正清,500233000000,忠县人民政府,县长,public_employee,2022-01-01,\n",
                head.as_str()
            )
        });
        let reports_dir = tempfile::tempdir().unwrap();
        let outcome = import(
            &db.store,
            dir.path(),
            &ImportOptions {
                report_dir: reports_dir.path().to_path_buf(),
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
        db.store
            .create_user(&NewUser {
                username: "leader",
                display_name: "leader",
                role: Role::Leader,
                jurisdiction: "500233000000",
                password_hash: &hash_password(PASSWORD).unwrap(),
                created_by: "test",
            })
            .await
            .unwrap();
        let opts = Options {
            logins_per_minute: 10_000,
            upper_recipient: Some(upper.recipient()),
            ..Default::default()
        };
        let state = AppState::new(db.store.clone(), &opts).await.unwrap();
        let app = router(state).layer(MockConnectInfo(SocketAddr::from(([10, 0, 0, 3], 1))));
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();

        let receipt = file_portal_report(
            &app,
            &[
                ("category", "attitude"),
                ("village", VILLAGE_1),
                ("subject", "周正清"),
                ("content", "县长收受工程老板礼金 (upward 91c2)"),
            ],
        )
        .await;
        assert!(receipt.body.contains("上一级纪委监委"), "{}", receipt.body);
        // Not entered into the county's system: the row says that a report waits to go up and
        // by when, not where it is from, what it is about or who it concerns (before, village,
        // category and the matter's hash were stored in the clear).
        let stored: Vec<(Option<String>, String, Option<String>)> = fetch(
            &db,
            "SELECT village_code, category, matter_hash FROM reports WHERE routing = 'upward'",
        )
        .await;
        assert_eq!(
            stored,
            vec![(None, "sealed_for_the_level_above".to_string(), None)],
            "{backend:?}"
        );
        // The reporter sees by when it goes up (5 working days).
        let upward_due = qingfeng_web::default_calendar().due(
            qingfeng_domain::Deadline::UpwardTransfer,
            qingfeng_web::intake::today(),
        );
        assert!(
            receipt
                .body
                .contains(&format!("转送上级期限(5个工作日内)</dt><dd>{upward_due}")),
            "{}",
            receipt.body
        );
        assert!(receipt.body.contains("id=\"receipt\""));

        let rows: Vec<(i64,)> = match &db.store {
            Store::Sqlite(p) => {
                sqlx::query_as("SELECT report_id FROM reports WHERE routing = 'upward'")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
            Store::Postgres(p) => {
                sqlx::query_as("SELECT report_id FROM reports WHERE routing = 'upward'")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
        };
        let ids = report_ids(&rows);
        assert_eq!(ids.len(), 1);
        let id = ids[0];
        // No county official holds a key; the county's leader neither lists nor opens it.
        assert!(db
            .store
            .key_holders(id, "content")
            .await
            .unwrap()
            .is_empty());
        let page = leader.get(&app, &format!("/work/reports/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        let list = leader.get(&app, "/work/reports").await;
        assert!(!list.body.contains(&format!("/work/reports/{id}\"")));
        // The higher commission opens it with its own key.
        let sealed: Vec<u8> = match &db.store {
            Store::Sqlite(p) => {
                sqlx::query_scalar("SELECT sealed_content FROM reports WHERE report_id = $1")
                    .bind(id)
                    .fetch_one(p)
                    .await
                    .unwrap()
            }
            Store::Postgres(p) => {
                sqlx::query_scalar("SELECT sealed_content FROM reports WHERE report_id = $1")
                    .bind(id)
                    .fetch_one(p)
                    .await
                    .unwrap()
            }
        };
        // The leader is told that one waits to be sent up, and when, and nothing more.
        let dashboard = leader.get(&app, "/work").await;
        let due = state_due(&db.store, id).await;
        assert!(
            dashboard.body.contains(&format!(
                "1 件涉及县领导干部的举报待转送上级(qingfeng upward), 最早期限 {due}"
            )),
            "{}",
            dashboard.body
        );
        let opened = String::from_utf8(upper.open(&sealed).unwrap()).unwrap();
        assert!(opened.contains("upward 91c2"));
        assert!(
            opened.contains(head.as_str()),
            "the leader was found in the registers"
        );
        db.drop_db().await;
    }
}

/// The stored upward deadline of a report: 5 working days after it was received.
async fn state_due(store: &Store, id: i64) -> String {
    let due: Option<String> = qingfeng_store::on_pool!(store, pool => sqlx::query_scalar(
        "SELECT upward_due FROM reports WHERE report_id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    let due = due.expect("an upward deadline");
    let expected = qingfeng_web::default_calendar().due(
        qingfeng_domain::Deadline::UpwardTransfer,
        qingfeng_web::intake::today(),
    );
    assert_eq!(due, expected.to_string());
    due
}

#[tokio::test]
async fn repeat_reports_are_counted_and_the_reporter_sees_the_deadlines() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 4]).await;
        log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let fields = [
            ("category", "subsidy"),
            ("village", VILLAGE_1),
            ("subject", "张德明"),
            ("content", "冒领"),
        ];
        let first = file_portal_report(&app, &fields).await;
        // The same matter, worded differently, with the name written with other separators.
        let second = file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", "桂花村"),
                ("subject", " 张德明 、"),
                ("content", "又一次反映"),
            ],
        )
        .await;
        // Issue 12, item 2: the reporter is told nothing that depends on other people's
        // reports (or anyone could learn by a probe whether a person was reported): the second
        // receipt is the first one, byte for byte, but for its code.
        let without_code = |body: &str| {
            let needle = "id=\"receipt\">";
            let at = body.find(needle).unwrap() + needle.len();
            let end = at + body[at..].find('<').unwrap();
            format!("{}{}", &body[..at], &body[end..])
        };
        assert_eq!(without_code(&first.body), without_code(&second.body));
        assert!(!second.body.contains("第 2 次") && !second.body.contains("次反映"));
        // Another village is another matter.
        let other = file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", VILLAGE_2),
                ("subject", "张德明"),
                ("content", "x"),
            ],
        )
        .await;
        assert!(!other.body.contains("次反映"));

        // The receipt shows the deadlines: passed on or accepted within 15 days.
        let today = qingfeng_web::intake::today();
        let transfer = (today + chrono::Duration::days(15)).to_string();
        assert!(second.body.contains(&transfer), "{}", second.body);
        // Following with the code shows them too; after acceptance, the handling deadline
        // (60 days) and the reply appear.
        let needle = "id=\"receipt\">";
        let code_at = second.body.find(needle).unwrap() + needle.len();
        let code: String = second.body[code_at..]
            .chars()
            .take_while(|c| *c != '<')
            .collect();
        let follow = post(&app, "/report/follow", None, &[("code", &code)]).await;
        assert!(follow.body.contains(&transfer), "{}", follow.body);
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let list = leader.get(&app, "/work/reports").await;
        assert!(list.body.contains(&transfer));
        // The officials see the repeat: the second report on the matter, and the other
        // village's report a first one.
        for (id, times) in [(1, 1), (2, 2), (3, 1)] {
            let page = leader.get(&app, &format!("/work/reports/{id}")).await;
            assert!(
                page.body.contains(&format!("id=\"repeat\">{times}<")),
                "report {id}: {}",
                page.body
            );
        }
        // With the whole database, the matter hash cannot be tested against a guessed person:
        // the linking key is not in the database. (Before issue 12 the installation secret was,
        // and this very derivation reproduced the stored hash.)
        let secrets: Vec<String> = match &db.store {
            Store::Sqlite(p) => sqlx::query_scalar("SELECT value FROM installation_secrets")
                .fetch_all(p)
                .await
                .unwrap(),
            Store::Postgres(p) => sqlx::query_scalar("SELECT value FROM installation_secrets")
                .fetch_all(p)
                .await
                .unwrap(),
        };
        let stored: Vec<Option<String>> = match &db.store {
            Store::Sqlite(p) => sqlx::query_scalar("SELECT matter_hash FROM reports")
                .fetch_all(p)
                .await
                .unwrap(),
            Store::Postgres(p) => sqlx::query_scalar("SELECT matter_hash FROM reports")
                .fetch_all(p)
                .await
                .unwrap(),
        };
        assert!(stored.iter().all(Option::is_some));
        for secret in &secrets {
            let key = blake3::derive_key("qingfeng 2026 report matter", secret.as_bytes());
            let mut h = blake3::Hasher::new_keyed(&key);
            for part in [VILLAGE_1, "subsidy", ZHANG] {
                if part != VILLAGE_1 {
                    h.update(b"\x1f");
                }
                h.update(part.as_bytes());
            }
            let guess = h.finalize().to_hex().to_string();
            assert!(
                !stored.contains(&Some(guess)),
                "{backend:?}: the database links the matter"
            );
        }
        // Concluding before accepting is refused with the reason (it used to answer as if it
        // had worked, changing nothing).
        let early = leader
            .post(&app, "/work/reports/2/conclude", &[("outcome", "已处理")])
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("须先受理才能办结"), "{}", early.body);
        let accept = leader.post(&app, "/work/reports/2/accept", &[]).await;
        assert_eq!(accept.status, StatusCode::SEE_OTHER, "{}", accept.body);
        // A second click says it was done already, and when.
        let again = leader.post(&app, "/work/reports/2/accept", &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again.body.contains(&format!("该举报已于{today}受理")),
            "{}",
            again.body
        );
        let handle = (today + chrono::Duration::days(60)).to_string();
        let follow = post(&app, "/report/follow", None, &[("code", &code)]).await;
        assert!(follow.body.contains(&handle), "{}", follow.body);
        assert!(follow.body.contains("已受理"));

        // One extension of at most 30 days, its reason told to the reporter.
        let extend = |days: &'static str| {
            let (app, session) = (app.clone(), leader.clone());
            async move {
                session
                    .post(
                        &app,
                        "/work/reports/2/extend",
                        &[("days", days), ("reason", "需调取银行流水")],
                    )
                    .await
            }
        };
        let too_long = extend("31").await;
        assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(too_long.body.contains("延期不超过30日"));
        assert_eq!(extend("20").await.status, StatusCode::SEE_OTHER);
        let twice = extend("5").await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "only once");
        assert!(twice.body.contains("依法只能延期一次"));
        let extended = (today + chrono::Duration::days(80)).to_string();
        let follow = post(&app, "/report/follow", None, &[("code", &code)]).await;
        assert!(follow.body.contains(&extended), "{}", follow.body);
        assert!(follow.body.contains("需调取银行流水"));
        // Concluded with the outcome the reporter reads.
        let done = leader
            .post(
                &app,
                "/work/reports/2/conclude",
                &[("outcome", "经查属实, 已责令退还 2160 元")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let again = leader
            .post(&app, "/work/reports/2/conclude", &[("outcome", "再次办结")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("办结"));
        let follow = post(&app, "/report/follow", None, &[("code", &code)]).await;
        assert!(
            follow.body.contains("id=\"status\">已办结<"),
            "{}",
            follow.body
        );
        assert!(follow.body.contains("已责令退还 2160 元"));
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_reporters_identity_opens_only_after_a_second_senior_official_approves() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 5]).await;
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let investigator = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        file_real_name_report(&app).await;
        let page = investigator.get(&app, "/work/reports/1").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("账目不公开"));
        assert!(!page.body.contains("王实名"));
        // The leader holds the identity key but does not see the identity without approval.
        let page = leader.get(&app, "/work/reports/1").await;
        assert!(!page.body.contains("王实名"));

        let asked = investigator
            .post(
                &app,
                "/work/reports/1/identity",
                &[("reason", "需要当面核实")],
            )
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        // Nobody approves their own request.
        let own = leader
            .post(&app, "/work/reports/1/identity", &[("reason", "自己申请")])
            .await;
        assert_eq!(own.status, StatusCode::SEE_OTHER);
        let refused_own = leader
            .post(
                &app,
                "/work/reports/1/identity/2",
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(refused_own.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The investigator cannot decide (not senior).
        let not_senior = investigator
            .post(
                &app,
                "/work/reports/1/identity/1",
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(not_senior.status, StatusCode::FORBIDDEN);
        let approved = leader
            .post(
                &app,
                "/work/reports/1/identity/1",
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
        let page = investigator.get(&app, "/work/reports/1").await;
        assert!(page.body.contains("王实名"), "{}", page.body);
        assert!(page.body.contains("13900000000"));
        // The leader's own request is still open: still no identity for the leader.
        let page = leader.get(&app, "/work/reports/1").await;
        assert!(!page.body.contains("王实名"));

        // Every step is in the audit trail, and the chain holds.
        let actions: Vec<String> = db
            .store
            .audit_of("report", "1")
            .await
            .unwrap()
            .into_iter()
            .map(|r| format!("{} {}", r.actor, r.action))
            .collect();
        for expected in [
            "portal report.filed",
            "investigator report.viewed",
            "investigator report.identity_requested",
            "leader report.identity_approved",
            "investigator report.viewed_with_identity",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} in {actions:?}"
            );
        }
        assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
        db.drop_db().await;
    }
}

#[tokio::test]
async fn editing_the_audit_trail_in_the_database_is_detected() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        append_views(&db, "investigator", 5).await;
        let check = db.store.verify_audit().await.unwrap();
        assert_eq!((check.rows, check.broken), (5, None));

        // The table refuses changes by trigger …
        let update = "UPDATE audit_log SET actor = 'nobody' WHERE seq = 3";
        let refused = match &db.store {
            Store::Sqlite(p) => sqlx::query(update).execute(p).await.is_err(),
            Store::Postgres(p) => sqlx::query(update).execute(p).await.is_err(),
        };
        assert!(refused, "{backend:?}: the trigger lets an update through");
        // … and whoever drops the trigger to edit a row is caught by the chain.
        match &db.store {
            Store::Sqlite(p) => {
                sqlx::query("DROP TRIGGER audit_log_no_update")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query(update).execute(p).await.unwrap();
            }
            Store::Postgres(p) => {
                sqlx::query("DROP TRIGGER audit_log_append_only ON audit_log")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query(update).execute(p).await.unwrap();
            }
        }
        let check = db.store.verify_audit().await.unwrap();
        let (seq, problem) = check.broken.expect("the edit is detected");
        assert_eq!(seq, 3);
        assert!(problem.contains("edited"), "{problem}");
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_report_becomes_a_case_and_the_assigned_official_gets_its_key() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 6]).await;
        let investigator = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        // Both secretaries have keys (made at log-in); neither gets the report at filing.
        let secretary1 = log_in(&app, "township_secretary", PASSWORD)
            .await
            .ok()
            .unwrap();
        let secretary2 = log_in(&app, "secretary2", PASSWORD).await.ok().unwrap();
        file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", VILLAGE_1),
                ("subject", "张德明"),
                ("content", "冒领低保 (case 5e1d)"),
            ],
        )
        .await;
        for s in [&secretary1, &secretary2] {
            assert_eq!(
                s.get(&app, "/work/reports/1").await.status,
                StatusCode::NOT_FOUND
            );
        }
        let today = qingfeng_web::intake::today().to_string();
        let filed = investigator
            .post(
                &app,
                "/work/dispose",
                &[
                    ("kind", "report"),
                    ("id", "1"),
                    ("way", "file_case"),
                    ("meeting_on", &today),
                    ("participants", "甲, 乙, 丙"),
                    ("decision", "立案"),
                ],
            )
            .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        let case = filed.location().to_string();
        // The person the report names, found in the registers, is the case's subject.
        let page = investigator.get(&app, &case).await;
        assert!(page.body.contains("张德明"), "{}", page.body);
        // Villages by name as well as code, on the case and on the report.
        assert!(
            page.body.contains("id=\"village\">桂花村 (500233101001)<"),
            "{}",
            page.body
        );
        let report = investigator.get(&app, "/work/reports/1").await;
        assert!(
            report.body.contains("<dd>桂花村 (500233101001)</dd>"),
            "{}",
            report.body
        );
        let other = db.store.user_by_name("secretary2").await.unwrap().unwrap();
        let r = investigator
            .post(
                &app,
                &format!("{case}/assign"),
                &[("user_id", &other.user_id.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let read = secretary2.get(&app, "/work/reports/1").await;
        assert_eq!(read.status, StatusCode::OK);
        assert!(read.body.contains("case 5e1d"));
        // The case's own township still knows nothing of either.
        assert_eq!(
            secretary1.get(&app, "/work/reports/1").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            secretary1.get(&app, &case).await.status,
            StatusCode::NOT_FOUND
        );
        db.drop_db().await;
    }
}

#[tokio::test]
async fn the_reporter_asks_for_a_review_then_a_second_one_and_no_more() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 7]).await;
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        // The higher commission's reviewers: one for the review, another for the second review.
        // Signed in once before the report comes, so that their keys exist to get a copy.
        db.store
            .create_user(&qingfeng_store::NewUser {
                username: "reviewer2",
                display_name: "上级复核人员",
                role: Role::Reviewer,
                jurisdiction: "500233000000",
                password_hash: &hash_password(PASSWORD).unwrap(),
                created_by: "test",
            })
            .await
            .unwrap();
        let reviewer = log_in(&app, "reviewer", PASSWORD).await.ok().unwrap();
        let reviewer2 = log_in(&app, "reviewer2", PASSWORD).await.ok().unwrap();
        let receipt = file_portal_report(
            &app,
            &[
                ("category", "village_finance"),
                ("village", VILLAGE_2),
                ("subject", "赵文华"),
                ("content", "账目不清"),
            ],
        )
        .await;
        // Before a review is asked for, the report is not the reviewers' to read.
        assert_eq!(
            reviewer.get(&app, "/work/reports/1").await.status,
            StatusCode::NOT_FOUND
        );
        let needle = "id=\"receipt\">";
        let at = receipt.body.find(needle).unwrap() + needle.len();
        let code: String = receipt.body[at..]
            .chars()
            .take_while(|c| *c != '<')
            .collect();
        let follow = || {
            let (app, code) = (app.clone(), code.clone());
            async move {
                post(&app, "/report/follow", None, &[("code", &code)])
                    .await
                    .body
            }
        };
        let ask = |level: &'static str, reason: &'static str| {
            let (app, code) = (app.clone(), code.clone());
            async move {
                post(
                    &app,
                    "/report/review",
                    None,
                    &[("code", &code), ("level", level), ("reason", reason)],
                )
                .await
                .body
            }
        };
        // Not before the answer.
        assert!(!follow().await.contains("action=\"/report/review\""));
        assert!(ask("1", "too early").await.contains("现在不能申请"));
        for (path, field, value) in [
            ("/work/reports/1/accept", "outcome", ""),
            ("/work/reports/1/conclude", "outcome", "账目已公开"),
        ] {
            let r = leader.post(&app, path, &[(field, value)]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
        }
        let today = qingfeng_web::intake::today();
        let in_30 = (today + chrono::Duration::days(30)).to_string();
        let page = follow().await;
        assert!(page.contains(&format!("可在 {in_30} 前申请复查")), "{page}");

        // A second-review request before the first review is refused.
        assert!(ask("2", "skip ahead").await.contains("现在不能申请"));
        let page = ask("1", "结论与事实不符 (review 3c9b)").await;
        assert!(page.contains("id=\"status\">已申请复查<"), "{page}");
        assert!(page.contains(&in_30), "decision due shown: {page}");
        assert!(
            !page.contains("action=\"/report/review\""),
            "no second request while pending"
        );
        // The reason is sealed; the official reads it and decides.
        let raw: Vec<u8> = qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar(
            "SELECT sealed_reason FROM report_reviews",
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert!(!raw.windows(4).any(|w| w == b"3c9b"));
        let report = leader.get(&app, "/work/reports/1").await;
        assert!(report.body.contains("review 3c9b"), "{}", report.body);
        // The county that replied does not decide the review of its own reply: the level above
        // does (《信访工作条例》 art. 35). Before, any holder of the report's key decided it.
        let own = leader
            .post(&app, "/work/reports/1/reviews/1", &[("outcome", "维持")])
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        assert!(report.body.contains("复查、复核由上一级纪委监委决定"));
        let report = reviewer.get(&app, "/work/reports/1").await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(report.body.contains("review 3c9b"), "{}", report.body);
        assert!(!report.body.contains("/work/reports/1/accept"));
        let decide_as = |session: &Session, review: &'static str, outcome: &'static str| {
            let (app, session) = (app.clone(), session.clone());
            async move {
                session
                    .post(
                        &app,
                        &format!("/work/reports/1/reviews/{review}"),
                        &[("outcome", outcome)],
                    )
                    .await
            }
        };
        let decide = |review: &'static str, outcome: &'static str| {
            let (app, session) = (app.clone(), reviewer.clone());
            async move {
                session
                    .post(
                        &app,
                        &format!("/work/reports/1/reviews/{review}"),
                        &[("outcome", outcome)],
                    )
                    .await
            }
        };
        assert_eq!(
            decide("1", "维持原结论").await.status,
            StatusCode::SEE_OTHER
        );
        let again = decide("1", "again").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "decided once");
        assert!(again.body.contains("作出决定"), "{}", again.body);
        assert_eq!(
            decide("9", "no such review").await.status,
            StatusCode::NOT_FOUND
        );
        let page = follow().await;
        assert!(page.contains("复查结论: 维持原结论"), "{page}");
        assert!(page.contains(&format!("可在 {in_30} 前申请复核")), "{page}");
        let page = ask("2", "仍不服").await;
        assert!(page.contains("id=\"status\">已申请复核<"), "{page}");
        // The second review is not for the first review's reviewer.
        let same = decide("2", "维持复查结论").await;
        assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(same.body.contains("复查决定人以外"), "{}", same.body);
        assert_eq!(
            decide_as(&reviewer2, "2", "维持复查结论").await.status,
            StatusCode::SEE_OTHER
        );
        let page = follow().await;
        assert!(page.contains("同一事实不再受理"), "{page}");
        assert!(!page.contains("action=\"/report/review\""));
        assert!(ask("2", "third time").await.contains("现在不能申请"));
        // The same facts reported again after the final review: filed, counted as a repeat, and
        // answered "not accepted" with the reason (《信访工作条例》 art. 35); before, it started
        // over as a new report.
        let again = file_portal_report(
            &app,
            &[
                ("category", "village_finance"),
                ("village", VILLAGE_2),
                ("subject", "赵文华"),
                ("content", "账目还是不清"),
            ],
        )
        .await;
        let at = again.body.find(needle).unwrap() + needle.len();
        let code2: String = again.body[at..].chars().take_while(|c| *c != '<').collect();
        let page = post(&app, "/report/follow", None, &[("code", &code2)])
            .await
            .body;
        assert!(
            page.contains("id=\"status\">不予受理<"),
            "{backend:?}: {page}"
        );
        assert!(page.contains("复核终结"), "{page}");
        // A different matter (another person) is accepted as usual.
        let other = file_portal_report(
            &app,
            &[
                ("category", "village_finance"),
                ("village", VILLAGE_2),
                ("content", "另一件事"),
            ],
        )
        .await;
        assert!(other.body.contains("id=\"receipt\">"));
        // (Read from the database: the receipt look-ups of this test have used up the
        // client's allowance.)
        let statuses: Vec<(String,)> =
            fetch(&db, "SELECT status FROM reports ORDER BY report_id").await;
        let statuses: Vec<&str> = statuses.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(statuses[1..], ["not_accepted", "received"], "{backend:?}");
        db.drop_db().await;
    }
}

/// A multipart body with text fields and files.
fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "qingfeng-portal-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_villager_attaches_photos_that_are_stored_sealed() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 8]).await;
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let photo: Vec<u8> = b"\xff\xd8\xff\xe0 photo of the notice board 9d2e"
            .iter()
            .copied()
            .cycle()
            .take(200_000)
            .collect();
        let send_report = |files: Vec<(&'static str, Vec<u8>)>| {
            let app = app.clone();
            async move {
                let refs: Vec<(&str, &[u8])> =
                    files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
                let (content_type, body) = multipart_body(
                    &[
                        ("category", "subsidy"),
                        ("village", VILLAGE_2),
                        ("content", "公示栏没有贴低保名单"),
                    ],
                    &refs,
                );
                let r = Request::post("/report")
                    .header(header::HOST, "qingfeng.test")
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(body))
                    .unwrap();
                send(&app, r).await
            }
        };
        // Too many files: refused, nothing kept.
        let four = (0..4).map(|_| ("p.jpg", b"x".to_vec())).collect();
        let refused = send_report(four).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("附件最多3个"));
        let filed = send_report(vec![("公示栏.jpg", photo.clone())]).await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
        assert!(filed.body.contains("id=\"receipt\""));
        // Sealed in the database …
        let stored: Vec<Vec<u8>> = qingfeng_store::on_pool!(&db.store, pool => sqlx::query_scalar(
            "SELECT sealed_body FROM report_attachments",
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        assert_eq!(stored.len(), 1, "the refused report kept nothing");
        assert!(!stored[0].windows(4).any(|w| w == b"9d2e"));
        // … and opened whole by an official holding the report's key.
        let page = leader.get(&app, "/work/reports/1").await;
        assert!(page.body.contains("公示栏.jpg"), "{}", page.body);
        let r = Request::get("/work/reports/1/attachments/1")
            .header(header::HOST, "qingfeng.test")
            .header(header::COOKIE, &leader.cookie)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(r).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(bytes.to_vec(), photo);
        db.drop_db().await;
    }
}

/// 刘永福 (桂花村, household H003) and his son, added to the registers here: the son is the
/// investigator the attack needs, related to the *second* person a report names.
const LIU_YONGFU: &str = "500233196606061910";

async fn liu_son_as_investigator(db: &TestDb) -> String {
    let son = IdNumber::build(
        "500233",
        chrono::NaiveDate::from_ymd_opt(1990, 2, 2).unwrap(),
        131,
    );
    db.execute(&format!(
        "INSERT INTO persons (id_number, name, gender, birth_date, village_code, household_id, \
         relation_to_head, phone, batch_id, source_line) \
         VALUES ('{}', '刘小福', '男', '1990-02-02', '{VILLAGE_1}', 'H003', 'son', NULL, 1, 99)",
        son.as_str()
    ))
    .await;
    linked_investigator(db, "inv_liu", Some(son.as_str())).await;
    son.as_str().to_string()
}

async fn case_from(app: &Router, s: &Session, kind: &str, id: &str) -> String {
    let today = qingfeng_web::intake::today().to_string();
    let filed = s
        .post(
            app,
            "/work/dispose",
            &[
                ("kind", kind),
                ("id", id),
                ("way", "file_case"),
                ("meeting_on", &today),
                ("participants", "甲, 乙, 丙"),
                ("decision", "立案"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    filed.location().to_string()
}

/// Issue 12, item 1. The attack: a report names two persons; an investigator from the household
/// of the *second* is excluded from the report, but the case filed from it took only the first
/// as its subject, so the investigator could open the case, was proposed as unrelated, was
/// assigned, and then read the report. And an auditor, who never holds a report's key, read the
/// report's matter on its case's page.
#[tokio::test]
async fn an_official_related_to_any_person_named_never_reaches_the_report_through_its_case() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        liu_son_as_investigator(&db).await;
        let app = app(&db.store, [10, 0, 0, 12]).await;
        let investigator = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        let inv_liu = log_in(&app, "inv_liu", PASSWORD).await.ok().unwrap();
        let auditor = log_in(&app, "auditor", PASSWORD).await.ok().unwrap();
        file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", "桂花村"),
                ("subject", "张德明、刘永福"),
                ("content", "两人合谋冒领 (second 9b2c)"),
            ],
        )
        .await;
        assert_eq!(
            inv_liu.get(&app, "/work/reports/1").await.status,
            StatusCode::NOT_FOUND,
            "excluded from the report itself"
        );
        let case = case_from(&app, &investigator, "report", "1").await;
        // Both persons the report names are the case's subjects.
        let page = investigator.get(&app, &case).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("张德明") && page.body.contains("刘永福"));
        // The related investigator does not see the case, and an auditor (no key to the
        // report) does not either.
        for (who, s) in [("inv_liu", &inv_liu), ("auditor", &auditor)] {
            let r = s.get(&app, &case).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{backend:?} {who} sees {case}"
            );
            assert!(!r.body.contains("刘永福"), "{who}");
            let list = s.get(&app, "/work/cases").await;
            assert!(!list.body.contains(&format!("{case}\"")), "{who} lists it");
        }
        // Nor is the related investigator proposed, nor can they be assigned.
        let liu = db.store.user_by_name("inv_liu").await.unwrap().unwrap();
        let r = investigator
            .post(
                &app,
                &format!("{case}/assign"),
                &[("user_id", &liu.user_id.to_string())],
            )
            .await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{backend:?} assigned");
        assert!(db
            .store
            .case_assignments(1)
            .await
            .unwrap()
            .iter()
            .all(|a| a.user_id != liu.user_id));
        let read = inv_liu.get(&app, "/work/reports/1").await;
        assert_eq!(read.status, StatusCode::NOT_FOUND);
        assert!(!read.body.contains("second 9b2c"));
        let holders: Vec<String> = db
            .store
            .key_holders(1, "content")
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.1)
            .collect();
        assert!(!holders.contains(&"inv_liu".to_string()), "{holders:?}");

        // A clue whose evidence names 刘永福 besides its subject 张德明: its case is closed to
        // his son too.
        db.execute(&format!(
            "UPDATE clues SET evidence = '{{\"beneficiary_id_number\":\"{ZHANG}\",\
             \"payee_id_number\":\"{LIU_YONGFU}\"}}' WHERE fingerprint = '{CLUE_T1}'"
        ))
        .await;
        let clue_case = case_from(&app, &investigator, "clue", CLUE_T1).await;
        assert_eq!(
            investigator.get(&app, &clue_case).await.status,
            StatusCode::OK
        );
        assert_eq!(
            inv_liu.get(&app, &clue_case).await.status,
            StatusCode::NOT_FOUND,
            "{backend:?} the son sees the case of a clue naming his father"
        );
        // The auditor still sees a case filed from a clue (there is no sealed matter behind it).
        assert_eq!(auditor.get(&app, &clue_case).await.status, StatusCode::OK);
        db.drop_db().await;
    }
}

/// Issue 12, item 3. The attack: named persons were looked up only when the village resolved,
/// so a report with a blank village, the village written without 村, or a code that does not
/// exist gave an excluded official the key. And a name nobody could identify went to everyone.
#[tokio::test]
async fn exclusion_holds_whatever_the_reporter_writes_as_the_village() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        linked_investigator(&db, "inv_household", Some(LI_XIUYING)).await;
        linked_investigator(&db, "inv_serving", Some(LI_JIANGUO)).await;
        linked_investigator(&db, "inv_clear", None).await;
        let app = app(&db.store, [10, 0, 0, 13]).await;
        for u in [
            "leader",
            "investigator",
            "inv_household",
            "inv_serving",
            "inv_clear",
        ] {
            log_in(&app, u, PASSWORD).await.ok().unwrap();
        }
        let mut report_id = 0;
        for village in ["", "桂花", "500233101999", "  桂花村委会 "] {
            file_portal_report(
                &app,
                &[
                    ("category", "subsidy"),
                    ("village", village),
                    ("subject", "张德明"),
                    ("content", "冒领"),
                ],
            )
            .await;
            report_id += 1;
            let mut holders: Vec<String> = db
                .store
                .key_holders(report_id, "content")
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.1)
                .collect();
            holders.sort();
            // 张德明 lives in 桂花村 whatever was written: his wife's account and the village
            // director's are kept away.
            assert_eq!(
                holders,
                vec!["inv_clear", "investigator", "leader"],
                "{backend:?} village {village:?}"
            );
        }
        // Someone nobody can identify: only the senior officials get the report.
        file_portal_report(
            &app,
            &[
                ("category", "subsidy"),
                ("village", "桂花村"),
                ("subject", "张德明、王某某"),
                ("content", "冒领"),
            ],
        )
        .await;
        report_id += 1;
        let holders: Vec<String> = db
            .store
            .key_holders(report_id, "content")
            .await
            .unwrap()
            .into_iter()
            .map(|h| h.1)
            .collect();
        assert_eq!(holders, vec!["leader"], "{backend:?}");
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let page = leader
            .get(&app, &format!("/work/reports/{report_id}"))
            .await;
        assert!(
            page.body.contains("id=\"unresolved\"") && page.body.contains("王某某"),
            "{}",
            page.body
        );
        db.drop_db().await;
    }
}

/// Rows of a query, whichever the backend.
async fn fetch<T>(db: &TestDb, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    match &db.store {
        Store::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        Store::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

async fn drop_log_triggers(db: &TestDb, backend: Backend) {
    let drops: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
            "DROP TRIGGER access_log_no_update",
            "DROP TRIGGER access_log_no_delete",
            "DROP TRIGGER audit_keying_no_update",
            "DROP TRIGGER audit_keying_no_delete",
        ],
        Backend::Postgres => &[
            "DROP TRIGGER audit_log_append_only ON audit_log",
            "DROP TRIGGER access_log_append_only ON access_log",
            "DROP TRIGGER audit_keying_append_only ON audit_keying",
        ],
    };
    for d in drops {
        db.execute(d).await;
    }
}

/// Issue 12, item 5. The attack: someone with the database (not the server's key file) drops
/// the triggers, deletes a row of the trail, renumbers the rest and recomputes every hash (the
/// chain's hash function is public): the chain checked again. Now each row's MAC under the
/// server's audit key gives it away; the access log is chained the same way; account changes
/// are on the trail; and a head written down earlier shows a trail cut short.
#[tokio::test]
async fn rewriting_the_trail_with_the_database_alone_is_caught() {
    use qingfeng_store::audit::{chain_hash, GENESIS};
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        // Account changes are audited, from wherever they come.
        let hash = hash_password(PASSWORD).unwrap();
        assert!(db
            .store
            .set_password_hash("auditor", &hash, "admin-x")
            .await
            .unwrap());
        assert!(db
            .store
            .set_user_disabled("auditor", true, "admin-x")
            .await
            .unwrap());
        let actions: Vec<(String, String, String)> = fetch(
            &db,
            "SELECT actor, action, subject_id FROM audit_log WHERE subject_kind = 'account' ORDER BY seq",
        )
        .await;
        assert!(actions.contains(&(
            "test".into(),
            "account.created".into(),
            "investigator".into()
        )));
        assert!(actions.contains(&(
            "admin-x".into(),
            "account.password_reset".into(),
            "auditor".into()
        )));
        assert!(actions.contains(&(
            "admin-x".into(),
            "account.disabled".into(),
            "auditor".into()
        )));
        let before = db.store.verify_audit().await.unwrap();
        assert_eq!(before.broken, None);
        assert!(before.rows >= 9, "{before:?}");
        let written_down = before.head.clone();
        assert_eq!(
            db.store.audit_head_found(&written_down).await.unwrap(),
            Some(before.rows as i64)
        );

        drop_log_triggers(&db, backend).await;
        // Delete row 3, renumber and re-hash everything after it, as the chain allows.
        db.execute("DELETE FROM audit_log WHERE seq = 3").await;
        type Row = (i64, String, String, String, String, String, String);
        let rows: Vec<Row> = fetch(
            &db,
            "SELECT seq, at, actor, action, subject_kind, subject_id, detail FROM audit_log ORDER BY seq",
        )
        .await;
        let mut prev = GENESIS.to_string();
        for (i, (seq, at, actor, action, kind, id, detail)) in rows.iter().enumerate() {
            let new_seq = i as i64 + 1;
            let event = qingfeng_store::AuditEvent {
                actor,
                action,
                subject_kind: kind,
                subject_id: id,
                detail,
            };
            let hash = chain_hash(&prev, new_seq, at, &event);
            db.execute(&format!(
                "UPDATE audit_log SET seq = {new_seq}, prev_hash = '{prev}', hash = '{hash}' WHERE seq = {seq}"
            ))
            .await;
            prev = hash;
        }
        let check = db.store.verify_audit().await.unwrap();
        let (seq, problem) = check.broken.expect("the rewrite is caught");
        assert_eq!(seq, 3, "{backend:?}: {problem}");
        assert!(problem.contains("MAC"), "{problem}");
        // Nor can the rows be passed off as older than the key: no MAC is no excuse …
        db.execute("UPDATE audit_log SET mac = NULL").await;
        let (_, problem) = db.store.verify_audit().await.unwrap().broken.unwrap();
        assert!(problem.contains("no MAC"), "{problem}");
        // … and the record of how many rows came before the key is itself under the key.
        db.execute("DELETE FROM audit_keying").await;
        db.execute(
            "INSERT INTO audit_keying (log, legacy_rows, mac) VALUES ('audit_log', 999, 'forged')",
        )
        .await;
        let (_, problem) = db.store.verify_audit().await.unwrap().broken.unwrap();
        assert!(problem.contains("before the key"), "{problem}");
        // The head written down before is gone from the rewritten trail.
        assert_eq!(
            db.store.audit_head_found(&written_down).await.unwrap(),
            None
        );

        // The access log: three views, then the middle one removed.
        let user = db.store.user_by_name("leader").await.unwrap().unwrap();
        for id in ["a", "b", "c"] {
            db.store
                .log_access(&user, "view_person", "person", id, None)
                .await
                .unwrap();
        }
        assert_eq!(db.store.verify_access_log().await.unwrap().broken, None);
        db.execute("DELETE FROM access_log WHERE subject_id = 'b'")
            .await;
        let (_, problem) = db
            .store
            .verify_access_log()
            .await
            .unwrap()
            .broken
            .expect("a removed view is caught");
        assert!(problem.contains("missing"), "{problem}");
        db.drop_db().await;
    }
}

/// Issue 12, item 5: a trail cut short keeps a valid chain; the head written down earlier is
/// what shows it (`qingfeng audit --head` asks the same; see the CLI's tests).
#[tokio::test]
async fn a_trail_cut_short_no_longer_holds_the_head_written_down() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        append_views(&db, "leader", 4).await;
        let head = db.store.verify_audit().await.unwrap().head;
        drop_log_triggers(&db, backend).await;
        db.execute("DELETE FROM audit_log WHERE seq = 4").await;
        let check = db.store.verify_audit().await.unwrap();
        assert_eq!(
            (check.rows, check.broken),
            (3, None),
            "the shorter chain is valid"
        );
        assert_eq!(db.store.audit_head_found(&head).await.unwrap(), None);
        db.drop_db().await;
    }
}

/// Issue 12, item 4. The attack: every senior got the identity key when the report was filed and
/// the approval only changed what the page showed, so a leader with the database and their own
/// password read the identity with no request at all. Now each senior's copy is wrapped behind
/// the server's approval key too, which the database does not hold.
#[tokio::test]
async fn no_single_official_opens_a_reporters_identity_without_approval_even_with_the_database() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 14]).await;
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        let investigator = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        file_real_name_report(&app).await;
        let copies: Vec<(String, Vec<u8>)> = fetch(
            &db,
            "SELECT k.purpose, k.wrapped_key FROM report_keys k JOIN users u ON u.user_id = k.user_id \
             WHERE u.username = 'leader'",
        )
        .await;
        let sealed: Vec<(Vec<u8>,)> = fetch(
            &db,
            "SELECT sealed_reporter FROM reports WHERE report_id = 1",
        )
        .await;
        let locked: Vec<(Vec<u8>,)> = fetch(
            &db,
            "SELECT locked_key FROM users WHERE username = 'leader'",
        )
        .await;
        let own = KeyPair::unlock_with_password(&locked[0].0, PASSWORD).unwrap();
        assert!(
            copies.iter().any(|c| c.0 == "reporter_escrow"),
            "{backend:?}: the leader holds the escrowed copy"
        );
        for (purpose, copy) in &copies {
            if purpose == "content" {
                continue;
            }
            assert!(
                KeyPair::unwrap(copy, &own).is_err(),
                "{backend:?}: the leader's {purpose} copy opens with their key alone"
            );
        }
        assert!(own.open(&sealed[0].0).is_err());
        // With the approval of a second senior (the leader approving the investigator's
        // request), the requester gets a copy of their own and reads the identity.
        investigator
            .post(
                &app,
                "/work/reports/1/identity",
                &[("reason", "需要当面核实 9f1a")],
            )
            .await;
        // Issue 12, item 9: the reason is sealed like the report's text; it is on the page for
        // those who hold the report, and nowhere in the database in clear.
        let page = leader.get(&app, "/work/reports/1").await;
        assert!(page.body.contains("需要当面核实 9f1a"), "{}", page.body);
        let clear: Vec<(String,)> = fetch(&db, "SELECT reason FROM identity_requests").await;
        assert!(clear.iter().all(|r| r.0.is_empty()), "{clear:?}");
        let details: Vec<(String,)> = fetch(&db, "SELECT detail FROM audit_log").await;
        assert!(details.iter().all(|d| !d.0.contains("9f1a")), "{details:?}");
        let approved = leader
            .post(
                &app,
                "/work/reports/1/identity/1",
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
        let page = investigator.get(&app, "/work/reports/1").await;
        assert!(page.body.contains("王实名"), "{}", page.body);
        db.drop_db().await;
    }
}

async fn count_reports(db: &TestDb) -> i64 {
    let n: Vec<(i64,)> = fetch(db, "SELECT COUNT(*) FROM reports").await;
    n[0].0
}

/// Issue 12, item 7. The attack: one client filed 470 reports in 10 s and 192 MB of attachments
/// in 2 s. Now each client has a few filings per hour, everyone together a ceiling, and
/// attachments a byte budget per hour; what is refused says so and stores nothing.
#[tokio::test]
async fn a_flood_of_reports_is_held_back_per_client_and_in_total() {
    use qingfeng_web::{router, AppState, Options};
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let opts = Options {
            filings_per_client_per_hour: 3,
            filings_per_hour: 5,
            attachment_bytes_per_hour: 3_000,
            ..Default::default()
        };
        let state = AppState::new(db.store.clone(), &opts).await.unwrap();
        let from = |last: u8| {
            router(state.clone())
                .layer(MockConnectInfo(SocketAddr::from(([10, 0, 1, last], 40000))))
        };
        let (a, b) = (from(1), from(2));
        let fields = [
            ("category", "subsidy"),
            ("village", VILLAGE_1),
            ("content", "冒领"),
        ];
        for _ in 0..3 {
            assert_eq!(
                post(&a, "/report", None, &fields).await.status,
                StatusCode::OK
            );
        }
        let refused = post(&a, "/report", None, &fields).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
        assert!(refused.body.contains("12388"), "{}", refused.body);
        assert!(!refused.body.contains("id=\"receipt\""));
        assert_eq!(count_reports(&db).await, 3);
        // Another client still files, until everyone together reaches the ceiling.
        for _ in 0..2 {
            assert_eq!(
                post(&b, "/report", None, &fields).await.status,
                StatusCode::OK
            );
        }
        assert_eq!(
            post(&b, "/report", None, &fields).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(count_reports(&db).await, 5);

        // Attachments: a byte budget per hour, whatever the number of clients.
        let state = AppState::new(db.store.clone(), &opts).await.unwrap();
        let photo = vec![0xFFu8; 2_000];
        let mut statuses = Vec::new();
        for last in [3, 4] {
            let app = router(state.clone())
                .layer(MockConnectInfo(SocketAddr::from(([10, 0, 1, last], 40000))));
            let (content_type, body) = multipart_body(&fields, &[("photo.jpg", &photo)]);
            let r = Request::post("/report")
                .header(header::HOST, "qingfeng.test")
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap();
            statuses.push(send(&app, r).await.status);
        }
        assert_eq!(
            statuses,
            vec![StatusCode::OK, StatusCode::TOO_MANY_REQUESTS],
            "{backend:?}"
        );
        assert_eq!(count_reports(&db).await, 6);
        let stored: Vec<(i64,)> = fetch(&db, "SELECT COUNT(*) FROM report_attachments").await;
        assert_eq!(stored[0].0, 1);
        db.drop_db().await;
    }
}

/// Issue 13, item 4: the exclusion of reports applies to clues. A clue naming 张德明 is "not
/// found" to the investigator from his household and to the director of his village's
/// committee, who neither find it in the queue or the dashboard's counts, nor open it, decide
/// it or file a case from it; an unrelated investigator can.
#[tokio::test]
async fn a_clue_is_hidden_from_officials_related_to_the_persons_it_names() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        linked_investigator(&db, "inv_household", Some(LI_XIUYING)).await;
        linked_investigator(&db, "inv_serving", Some(LI_JIANGUO)).await;
        linked_investigator(&db, "inv_clear", None).await;
        let app = app(&db.store, [10, 0, 0, 15]).await;
        let clue = format!("/work/clues/{CLUE_T1}");
        // (who, sees CLUE_T1, clues on the dashboard): 张德明 is the subject of CLUE_T1 and
        // CLUE_T1_B; the committee director serves CLUE_T1's village only.
        for (who, visible, counted) in [
            ("inv_household", false, 1),
            ("inv_serving", false, 2),
            ("inv_clear", true, 3),
        ] {
            let s = log_in(&app, who, PASSWORD).await.ok().unwrap();
            // The queue and the dashboard leave out what the clue's page refuses.
            let queue = s.get(&app, "/work/clues").await;
            assert_eq!(queue.body.contains(CLUE_T1), visible, "{backend:?} {who}");
            assert_eq!(
                queue.body.contains(CLUE_T1_B),
                who != "inv_household",
                "{backend:?} {who}"
            );
            let dash = s.get(&app, "/work").await;
            assert!(
                dash.body
                    .contains(&format!("id=\"total-clues\">{counted}<")),
                "{backend:?} {who}"
            );
            let page = s.get(&app, &clue).await;
            let review = s
                .post(&app, &format!("{clue}/review"), &[("action", "confirmed")])
                .await;
            let dispose = s
                .get(&app, &format!("/work/dispose?kind=clue&id={CLUE_T1}"))
                .await;
            if visible {
                assert_eq!(page.status, StatusCode::OK, "{backend:?} {who}");
                assert_eq!(dispose.status, StatusCode::OK, "{backend:?} {who}");
                assert_ne!(review.status, StatusCode::NOT_FOUND, "{backend:?} {who}");
            } else {
                for r in [&page, &review, &dispose] {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{backend:?} {who}");
                    assert!(!r.body.contains("fp-dead-payee-t1 说明"), "{who}");
                }
            }
        }
        // The excluded could decide nothing: the one decision is the clear investigator's.
        let reviews = db.store.clue_reviews(CLUE_T1).await.unwrap();
        assert_eq!(reviews.len(), 1, "{backend:?}");
        assert_eq!(reviews[0].reviewer, "inv_clear");
        db.drop_db().await;
    }
}

/// Issue 13: a real-name reporter is told of the result within 15 working days of the closing
/// (纪检监察机关处理检举控告工作规则). The deadline is set at the closing, keeps the report on the
/// dashboard until the notice is recorded, and an anonymous report has none. Before, nothing
/// marked it: a concluded report left every list.
#[tokio::test]
async fn a_real_name_reporter_is_told_of_the_result_within_15_working_days() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 0, 21]).await;
        let leader = log_in(&app, "leader", PASSWORD).await.ok().unwrap();
        file_real_name_report(&app).await;
        file_portal_report(
            &app,
            &[
                ("category", "village_finance"),
                ("village", VILLAGE_2),
                ("content", "匿名: 账目不公开"),
            ],
        )
        .await;
        for id in [1, 2] {
            let r = leader
                .post(&app, &format!("/work/reports/{id}/accept"), &[])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let r = leader
                .post(
                    &app,
                    &format!("/work/reports/{id}/conclude"),
                    &[("outcome", "账目已张榜公开")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let today = qingfeng_web::intake::today();
        let due = qingfeng_web::default_calendar()
            .due(qingfeng_domain::Deadline::ResultNotice, today)
            .to_string();
        // The real-name report: the deadline on its page and on the dashboard.
        let page = leader.get(&app, "/work/reports/1").await;
        assert!(
            page.body
                .contains(&format!("实名举报结果告知期限(办结后15个工作日内): {due}")),
            "{}",
            page.body
        );
        assert!(page.body.contains("id=\"result-notice\""));
        let dash = leader.get(&app, "/work").await;
        assert!(
            dash.body.contains("href=\"/work/reports/1\""),
            "{}",
            dash.body
        );
        assert!(!dash.body.contains("href=\"/work/reports/2\""));
        // The anonymous one has nobody to tell.
        let r = leader
            .post(
                &app,
                "/work/reports/2/result-notice",
                &[("how", "电话告知")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("无需另行告知"), "{}", r.body);
        // How it was done is required; recorded once.
        let r = leader
            .post(&app, "/work/reports/1/result-notice", &[("how", " ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = leader
            .post(
                &app,
                "/work/reports/1/result-notice",
                &[("how", "电话告知王实名")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = leader
            .post(
                &app,
                "/work/reports/1/result-notice",
                &[("how", "电话告知王实名")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let dash = leader.get(&app, "/work").await;
        assert!(!dash.body.contains("href=\"/work/reports/1\""));
        let trail = db.store.audit_of("report", "1").await.unwrap();
        assert!(trail
            .iter()
            .any(|r| r.action == "report.result_notified" && r.detail == "电话告知王实名"));
        db.drop_db().await;
    }
}
