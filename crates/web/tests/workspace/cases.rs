//! From clue to closed case over HTTP on both backends: the collective disposal, every stage
//! move checked against the state machine (every invalid move refused with its reason), the
//! closing checklist, cross-township assignment proposed and explained, sanctions with their
//! periods, and remedies (refund linked to payments, wage deduction only after refused
//! compensation, recall thresholds).

use super::*;
use calamine::Reader;
use qingfeng_domain::case::Stage;

/// `n` more clues about 张德明 in township 1, from a check of a rule of their own (the
/// county's clues stay): one source opens one case, so each case of a test needs its clue.
async fn more_clues(db: &TestDb, n: usize) -> Vec<String> {
    let fingerprints: Vec<String> = (0..n).map(|i| format!("fp-stage-{i}")).collect();
    let clues: Vec<ClueRecord> = fingerprints
        .iter()
        .map(|fp| clue(fp, "TEST-STAGES", VILLAGE_1, ZHANG, 1_000))
        .collect();
    db.store
        .record_check(&CheckRecord {
            started_at: "2026-11-02T08:00:00Z",
            data_state: "test",
            rules_selected: "TEST-STAGES",
            results: &[],
            rules_ran: &["TEST-STAGES".to_string()],
            clues: &clues,
            scores: &[],
        })
        .await
        .unwrap();
    fingerprints
}

/// Disposes of the township-1 clue by filing a case; returns the case's address.
async fn file_case(app: &Router, s: &Session) -> String {
    file(app, s, true).await
}

async fn file(app: &Router, s: &Session, important: bool) -> String {
    file_from(app, s, CLUE_T1, important).await
}

/// Disposes of the clue `fingerprint` by filing a case; returns the case's address.
async fn file_from(app: &Router, s: &Session, fingerprint: &str, important: bool) -> String {
    // Decided today, so that the quarter's figures below count it whatever day the test runs.
    let today = qingfeng_web::intake::today().to_string();
    let r = s
        .post(
            app,
            "/work/dispose",
            &[
                ("kind", "clue"),
                ("id", fingerprint),
                ("way", "file_case"),
                ("meeting_on", &today),
                ("participants", "李书记, 王委员, 赵委员"),
                ("decision", "经集体研究, 予以立案审查调查"),
                ("title", "张德明冒领低保案"),
                ("important", if important { "on" } else { "" }),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/work/cases/"), "{}", r.location());
    r.location().to_string()
}

async fn move_to(app: &Router, s: &Session, case: &str, to: Stage) -> Reply {
    s.post(
        app,
        &format!("{case}/move"),
        &[("to", to.code()), ("reason", "按程序")],
    )
    .await
}

#[tokio::test]
async fn a_disposal_needs_a_collective_decision() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 1, 1]).await;
        let s = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        let alone = s
            .post(
                &app,
                "/work/dispose",
                &[
                    ("kind", "clue"),
                    ("id", CLUE_T1),
                    ("way", "inquiry"),
                    ("meeting_on", "2026-11-20"),
                    ("participants", "王委员"),
                    ("decision", "函询"),
                ],
            )
            .await;
        assert_eq!(alone.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(alone.body.contains("集体研究"));
        let inquiry = s
            .post(
                &app,
                "/work/dispose",
                &[
                    ("kind", "clue"),
                    ("id", CLUE_T1),
                    ("way", "inquiry"),
                    ("meeting_on", "2026-11-20"),
                    ("participants", "李书记、王委员、赵委员"),
                    ("decision", "谈话函询"),
                ],
            )
            .await;
        assert_eq!(inquiry.status, StatusCode::SEE_OTHER, "{}", inquiry.body);
        let page = s.get(&app, inquiry.location()).await;
        // 15 working days after Friday 20 November 2026: Friday 11 December.
        assert!(page.body.contains("2026-12-11"), "{}", page.body);
        assert!(page.body.contains("李书记、王委员、赵委员"));
        db.drop_db().await;
    }
}

#[tokio::test]
async fn every_invalid_stage_move_is_refused_and_every_valid_one_recorded() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 1, 2]).await;
        let s = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        // For each stage a case can be in, bring a fresh case there along valid moves, then try
        // every other stage as the next one.
        let path: &[Stage] = &[
            Stage::Filed,
            Stage::Investigation,
            Stage::TrialReview,
            Stage::Decided,
            Stage::Execution,
            Stage::Appeal,
        ];
        let sources = more_clues(&db, path.len() + 1).await;
        for (i, at) in path.iter().enumerate() {
            let case = file_from(&app, &s, &sources[i], false).await;
            for step in &path[1..=i] {
                // The appeal stage is entered by recording an appeal, not by a move.
                let r = if *step == Stage::Appeal {
                    let today = qingfeng_web::intake::today().to_string();
                    s.post(
                        &app,
                        &format!("{case}/appeals"),
                        &[("requested_on", &today), ("reason", "处分过重")],
                    )
                    .await
                } else {
                    move_to(&app, &s, &case, *step).await
                };
                assert_eq!(
                    r.status,
                    StatusCode::SEE_OTHER,
                    "{backend:?} to {step:?}: {}",
                    r.body
                );
            }
            if *at == Stage::Appeal {
                // The appeal shows with the day its decision is due (one month).
                let due = qingfeng_web::default_calendar()
                    .due(
                        qingfeng_domain::Deadline::AppealDecision,
                        qingfeng_web::intake::today(),
                    )
                    .to_string();
                let page = s.get(&app, &case).await;
                assert!(
                    page.body.contains(&format!("决定期限: {due}")),
                    "{}",
                    page.body
                );
            }
            for to in Stage::ALL {
                if at.next().contains(&to) && to != Stage::Closed {
                    continue;
                }
                let r = move_to(&app, &s, &case, to).await;
                // To the stage it is at: a second click, answered as done already.
                let (status, message) = if to == *at {
                    (StatusCode::CONFLICT, "已处于")
                } else {
                    (StatusCode::UNPROCESSABLE_ENTITY, "")
                };
                assert_eq!(
                    r.status, status,
                    "{backend:?} {at:?} -> {to:?} should be refused"
                );
                let message = if !message.is_empty() {
                    message
                } else if *at == Stage::Appeal || to == Stage::Appeal {
                    "申诉阶段只能通过"
                } else if to == Stage::Closed && at.next().contains(&to) {
                    "四不放过"
                } else {
                    "案件不能从"
                };
                assert!(r.body.contains(message), "{at:?} -> {to:?}: {}", r.body);
                let page = s.get(&app, &case).await;
                assert!(
                    page.body.contains(&format!("id=\"stage\">{}<", at.zh())),
                    "{at:?} unchanged after refusing {to:?}"
                );
            }
        }
        // A move needs a reason.
        let case = file_from(&app, &s, &sources[path.len()], true).await;
        let r = s
            .post(
                &app,
                &format!("{case}/move"),
                &[("to", "investigation"), ("reason", " ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_case_is_assigned_across_townships_sanctioned_remedied_and_closed() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let app = app(&db.store, [10, 0, 1, 3]).await;
        let s = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        let case = file_case(&app, &s).await;

        // The proposal: the other township's secretary, explained; the case's own township's
        // secretary is excluded with the reason.
        let page = s.get(&app, &case).await;
        let proposals = &page.body[page.body.find("id=\"proposals\"").unwrap()..];
        assert!(proposals.contains("secretary2"), "{proposals}");
        assert!(proposals.contains("拔山镇"));
        let excluded = &page.body[page.body.find("id=\"excluded\"").unwrap()..];
        assert!(
            excluded.contains("township_secretary: 管辖本村或本乡镇"),
            "{excluded}"
        );
        // The excluded secretary cannot be assigned, the proposed one can.
        let own_township = db
            .store
            .user_by_name("township_secretary")
            .await
            .unwrap()
            .unwrap();
        let other = db.store.user_by_name("secretary2").await.unwrap().unwrap();
        let refused = s
            .post(
                &app,
                &format!("{case}/assign"),
                &[("user_id", &own_township.user_id.to_string())],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let assigned = s
            .post(
                &app,
                &format!("{case}/assign"),
                &[("user_id", &other.user_id.to_string())],
            )
            .await;
        assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
        // The assigned secretary of the other township now sees the case; the own township's
        // secretary does not know it exists.
        let s2 = log_in(&app, "secretary2", PASSWORD).await.ok().unwrap();
        assert_eq!(s2.get(&app, &case).await.status, StatusCode::OK);
        let s1 = log_in(&app, "township_secretary", PASSWORD)
            .await
            .ok()
            .unwrap();
        assert_eq!(s1.get(&app, &case).await.status, StatusCode::NOT_FOUND);
        assert!(!s1.get(&app, "/work/cases").await.body.contains(&case));

        // The important case is not decided before its joint discussion.
        for step in [Stage::Investigation, Stage::TrialReview] {
            assert_eq!(
                move_to(&app, &s2, &case, step).await.status,
                StatusCode::SEE_OTHER
            );
        }
        let early = move_to(&app, &s2, &case, Stage::Decided).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("须先召开联席会议"));
        let r = s2
            .post(
                &app,
                &format!("{case}/discussions"),
                &[
                    ("held_on", "2026-11-25"),
                    ("participants", "县纪委、县民政局、新生镇"),
                    ("units", "县纪委监委; 县民政局"),
                    ("minutes", "核实冒领金额 2160 元"),
                    ("decision", "移送审理"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            move_to(&app, &s2, &case, Stage::Decided).await.status,
            StatusCode::SEE_OTHER
        );
        // A sanction with its period: a government warning runs 6 months.
        let today = qingfeng_web::intake::today();
        let r = s
            .post(
                &app,
                &format!("{case}/sanctions"),
                &[("kind", "gov_warning"), ("decided_on", &today.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let sanctions = db.store.sanctions(None, Some(ZHANG)).await.unwrap();
        assert_eq!(sanctions.len(), 1);
        let until = qingfeng_domain::sanction::SanctionKind::parse("gov_warning")
            .unwrap()
            .effective_until(today)
            .unwrap();
        assert_eq!(
            sanctions[0].effective_until.as_deref(),
            Some(until.to_string().as_str())
        );
        let page = s.get(&app, &case).await;
        assert!(page.body.contains("影响期内"));
        // Wherever the person appears, the sanction shows until it expires.
        let clue = s.get(&app, &format!("/work/clues/{CLUE_T1}")).await;
        assert!(clue.body.contains("处分影响期内: 警告 ("), "{}", clue.body);

        // Remedies: a refund names real payments; wage deduction waits for refused compensation.
        let payment = db
            .store
            .money_of(ZHANG, "张德明")
            .await
            .unwrap()
            .unwrap()
            .paid[0]
            .clone();
        let bad = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[("kind", "refund"), ("payment_ids", "NO-SUCH-PAYMENT")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Issue 12, item 9: a payment to a villager of another township is not the case's: it
        // is refused exactly as one that does not exist, and nothing of it is shown.
        db.execute(&format!(
            "INSERT INTO payments (payment_id, entitlement_id, program_code, period, \
             beneficiary_id_number, beneficiary_name, account_number, account_holder_id_number, \
             account_holder_name, amount, paid_on, payer, batch_id, source_line) VALUES \
             ('P-T2-1', NULL, 'DIBAO', '2024-01', '{ZHAO}', '赵文华', '6217000000009999', '{ZHAO}', \
             '赵文华', 50000, '2024-01-15', NULL, 1, 99)"
        ))
        .await;
        let elsewhere = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[("kind", "refund"), ("payment_ids", "P-T2-1")],
            )
            .await;
        assert_eq!(
            elsewhere.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert_eq!(
            elsewhere.body.replace("P-T2-1", "NO-SUCH-PAYMENT"),
            bad.body,
            "the answer tells nothing of the other township's payment"
        );
        let refund = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[("kind", "refund"), ("payment_ids", &payment.payment_id)],
            )
            .await;
        assert_eq!(refund.status, StatusCode::SEE_OTHER, "{}", refund.body);
        let wage = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[("kind", "wage_deduction"), ("detail", "代扣")],
            )
            .await;
        assert_eq!(wage.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wage.body.contains("责令赔偿被拒绝后"));
        let compensation = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[
                    ("kind", "compensation"),
                    ("amount", "500"),
                    ("detail", "责令赔偿利息损失"),
                ],
            )
            .await;
        assert_eq!(compensation.status, StatusCode::SEE_OTHER);
        let remedies = db.store.remedies_of(case_id(&case)).await.unwrap();
        let (refund_id, compensation_id) = (remedies[0].remedy_id, remedies[1].remedy_id);
        assert_eq!(remedies[0].amount_fen, Some(payment.amount_fen));
        let refused = s
            .post(
                &app,
                &format!("{case}/remedies/{compensation_id}"),
                &[("status", "refused"), ("note", "本人拒绝赔偿")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        let wage = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[
                    ("kind", "wage_deduction"),
                    ("amount", "500"),
                    ("detail", "乡镇财政所代扣"),
                ],
            )
            .await;
        assert_eq!(wage.status, StatusCode::SEE_OTHER, "{}", wage.body);
        // A refund is done only when all the money is back.
        let short = (payment.amount_fen - 1) as f64 / 100.0;
        let partial = s
            .post(
                &app,
                &format!("{case}/remedies/{refund_id}"),
                &[("status", "done"), ("recovered", &format!("{short:.2}"))],
            )
            .await;
        assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY);
        let full = payment.amount_fen as f64 / 100.0;
        let done = s
            .post(
                &app,
                &format!("{case}/remedies/{refund_id}"),
                &[
                    ("status", "done"),
                    ("recovered", &format!("{full:.2}")),
                    ("note", "已退还本人"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        // Recall ends a villagers' committee post only: 张德明 holds none (see
        // `a_recall_follows_the_organic_law` for a recall of the committee's director).
        let recall = s
            .post(
                &app,
                &format!("{case}/remedies"),
                &[
                    ("kind", "recall"),
                    ("voter_signatures", "100"),
                    ("detail", "罢免"),
                ],
            )
            .await;
        assert_eq!(recall.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            recall.body.contains("只能罢免村民委员会成员"),
            "{}",
            recall.body
        );

        // Closing needs the four items.
        assert_eq!(
            move_to(&app, &s, &case, Stage::Execution).await.status,
            StatusCode::SEE_OTHER
        );
        let early = move_to(&app, &s, &case, Stage::Closed).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("原因分析"));
        let r = s
            .post(
                &app,
                &format!("{case}/checklist"),
                &[
                    ("cause_analysed", "村账未公开, 名册审核流于形式"),
                    ("responsibility_handled", "政务警告"),
                    ("people_educated", "全镇警示教育会"),
                    ("prevention_in_place", "低保名册每月公示并交叉比对"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let open = move_to(&app, &s, &case, Stage::Closed).await;
        // Nor while a remedy is open: the wage deduction ordered above must end first.
        assert_eq!(open.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            open.body.contains("尚有未了结的整改追缴事项"),
            "{}",
            open.body
        );
        let wage_id = db.store.remedies_of(case_id(&case)).await.unwrap()[2].remedy_id;
        let docked = s
            .post(
                &app,
                &format!("{case}/remedies/{wage_id}"),
                &[
                    ("status", "done"),
                    ("recovered", "500"),
                    ("note", "已从工资中扣回"),
                ],
            )
            .await;
        assert_eq!(docked.status, StatusCode::SEE_OTHER, "{}", docked.body);
        assert_eq!(
            move_to(&app, &s, &case, Stage::Closed).await.status,
            StatusCode::SEE_OTHER
        );
        let page = s.get(&app, &case).await;
        assert!(page.body.contains("id=\"stage\">结案<"));
        // Who moved it, when and why, every step.
        let transitions = db.store.transitions_of(case_id(&case)).await.unwrap();
        let moves: Vec<(Option<Stage>, Stage, String)> = transitions
            .iter()
            .map(|t| (t.from_stage, t.to_stage, t.by_user.clone()))
            .collect();
        assert_eq!(moves.len(), 6, "{moves:?}");
        assert_eq!(moves[0], (None, Stage::Filed, "investigator".into()));
        assert_eq!(moves[1].2, "secretary2");
        assert_eq!(
            moves[5],
            (Some(Stage::Execution), Stage::Closed, "investigator".into())
        );
        assert_eq!(db.store.verify_audit().await.unwrap().broken, None);

        // The quarter's figures upward count the case, the sanction and the money, on the page
        // and in the XLSX file.
        let stats = s.get(&app, "/work/statistics").await;
        assert_eq!(stats.status, StatusCode::OK);
        // The refund and the 500 yuan docked from wages.
        let money = qingfeng_domain::Money::from_fen(payment.amount_fen + 50_000).to_string();
        for (label, value) in [
            ("立案(件)", "1".to_string()),
            ("结案(件)", "1".to_string()),
            ("处分与处理(人次)", "1".to_string()),
            ("追缴退还金额(元)", money),
        ] {
            assert!(
                stats
                    .body
                    .contains(&format!("{label}</td><td class=\"num\">{value}<")),
                "{label} {value}: {}",
                stats.body
            );
        }
        // The trail's head is published with the figures (issue 12, item 5).
        let head = db.store.verify_audit().await.unwrap().head;
        assert!(stats.body.contains(&head), "{}", stats.body);
        let file = Request::get("/work/statistics.xlsx")
            .header(header::HOST, "qingfeng.test")
            .header(header::COOKIE, &s.cookie)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(file).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let cases_filed = sheet
            .rows()
            .find(|r| r[0].to_string().starts_with("立案(件)"))
            .map(|r| r[1].to_string());
        assert_eq!(cases_filed.as_deref(), Some("1"));
        db.drop_db().await;
    }
}

fn case_id(address: &str) -> i64 {
    address.rsplit('/').next().unwrap().parse().unwrap()
}

/// Issue 13: a recall (村民委员会组织法 art. 16) names its reasons, counts the registered voters
/// from the registers, records the member's defence before the vote, and a failed one bars the
/// next against the same person in any case for six months. Before, the voters were typed in,
/// the reasons and the defence were optional, anyone could be "recalled", and the bar looked at
/// one case only.
#[tokio::test]
async fn a_recall_follows_the_organic_law() {
    const LI_JIANGUO: &str = "500233197001021515";
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        // Two clues about the director of 桂花村's committee (4 registered voters: every
        // resident is an adult and none is registered dead).
        let clues = [
            clue(
                "fp-director-a",
                "FUN-SELF-DEALING",
                VILLAGE_1,
                LI_JIANGUO,
                80_000,
            ),
            clue(
                "fp-director-b",
                "FUN-SELF-DEALING",
                VILLAGE_1,
                LI_JIANGUO,
                60_000,
            ),
        ];
        db.store
            .record_check(&CheckRecord {
                started_at: "2026-11-02T08:00:00Z",
                data_state: "test",
                rules_selected: "FUN-SELF-DEALING",
                results: &[],
                rules_ran: &[],
                clues: &clues,
                scores: &[],
            })
            .await
            .unwrap();
        let app = app(&db.store, [10, 0, 1, 9]).await;
        let s = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        let today = qingfeng_web::intake::today().to_string();
        let mut cases = Vec::new();
        for fp in ["fp-director-a", "fp-director-b"] {
            let r = s
                .post(
                    &app,
                    "/work/dispose",
                    &[
                        ("kind", "clue"),
                        ("id", fp),
                        ("way", "file_case"),
                        ("meeting_on", &today),
                        ("participants", "李书记, 王委员, 赵委员"),
                        ("decision", "予以立案"),
                        ("title", "李建国优亲厚友案"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            cases.push(r.location().to_string());
        }
        let propose = |case: String, signatures: &'static str, reasons: &'static str| {
            let (app, session) = (app.clone(), s.clone());
            async move {
                session
                    .post(
                        &app,
                        &format!("{case}/remedies"),
                        &[
                            ("kind", "recall"),
                            ("voter_signatures", signatures),
                            ("detail", reasons),
                        ],
                    )
                    .await
            }
        };
        // No reasons; no signature of the 4 registered voters: refused, with the count.
        let r = propose(cases[0].clone(), "1", " ").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("须写明罢免理由"), "{}", r.body);
        let r = propose(cases[0].clone(), "0", "优亲厚友, 群众不满").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("登记选民(4人)"), "{}", r.body);
        let r = propose(cases[0].clone(), "1", "优亲厚友, 群众不满").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let recall = db
            .store
            .remedies_of(case_id(&cases[0]))
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert!(recall.detail.contains("voters=4"), "{}", recall.detail);
        assert!(recall.detail.contains("村委会主任"), "{}", recall.detail);
        let vote = |defence: &'static str, cast: &'static str, approve: &'static str| {
            let (app, session) = (app.clone(), s.clone());
            let path = format!("{}/remedies/{}", cases[0], recall.remedy_id);
            async move {
                session
                    .post(
                        &app,
                        &path,
                        &[
                            ("status", "done"),
                            ("votes_cast", cast),
                            ("approve", approve),
                            ("defence", defence),
                        ],
                    )
                    .await
            }
        };
        // No defence on record; more votes than registered voters: refused.
        let r = vote("", "3", "3").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("申辩"), "{}", r.body);
        let r = vote("本人不同意罢免, 已作说明", "5", "5").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // 2 of 4 voting is not more than half: the recall fails whatever the clerk chose.
        let r = vote("本人不同意罢免, 已作说明", "2", "2").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let recall = db
            .store
            .remedies_of(case_id(&cases[0]))
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(recall.status, qingfeng_domain::case::RemedyStatus::Failed);
        // The bar holds in the other case against the same person.
        let r = propose(cases[1].clone(), "2", "再次罢免").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("六个月内不得再次提出"), "{}", r.body);
        db.drop_db().await;
    }
}

/// Issue 13: a talk or letter of inquiry (谈话函询) has its written reply due in 15 working days
/// and the department's report in one month; each is recorded once, the report after the reply,
/// and an unmet one past its day is marked overdue. Before, only the reply's day was shown and
/// nothing could be recorded against it.
#[tokio::test]
async fn an_inquiry_reply_and_report_are_due_recorded_in_order_and_marked_overdue() {
    use chrono::NaiveDate;
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let today = qingfeng_web::intake::today();
        let app = app(&db.store, [10, 0, 1, 11]).await;
        let s = log_in(&app, "investigator", PASSWORD).await.ok().unwrap();
        let r = s
            .post(
                &app,
                "/work/dispose",
                &[
                    ("kind", "clue"),
                    ("id", CLUE_T2),
                    ("way", "inquiry"),
                    ("meeting_on", &today.to_string()),
                    ("participants", "李书记, 王委员, 赵委员"),
                    ("decision", "对赵文华函询"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let calendar = qingfeng_web::default_calendar();
        let reply_due = calendar.due(qingfeng_domain::Deadline::InquiryReply, today);
        let report_due = today.checked_add_months(chrono::Months::new(1)).unwrap();
        let page_path = format!("/work/dispose?kind=clue&id={CLUE_T2}");
        let page = s.get(&app, &page_path).await;
        assert!(
            page.body
                .contains(&format!("书面回复期限(15个工作日): {reply_due}")),
            "{}",
            page.body
        );
        assert!(page
            .body
            .contains(&format!("函询情况报告期限(1个月): {report_due}")));
        assert!(!page.body.contains("已逾期"));
        // Two months on, both are overdue.
        let later_day: NaiveDate = today.checked_add_months(chrono::Months::new(2)).unwrap();
        let later = app_with_clock(
            &db.store,
            [10, 0, 1, 12],
            std::sync::Arc::new(qingfeng_workflow::FixedClock::on(later_day)),
        )
        .await;
        let l = log_in(&later, "investigator", PASSWORD).await.ok().unwrap();
        let page = l.get(&later, &page_path).await;
        assert_eq!(
            page.body.matches("<strong>已逾期</strong>").count(),
            2,
            "{}",
            page.body
        );
        // …and on the dashboard of those who dispose.
        let dash = l.get(&later, "/work").await;
        assert!(
            dash.body.contains("id=\"inquiries-overdue\">已逾期: 1<"),
            "{}",
            dash.body
        );
        let id = db
            .store
            .dispositions_of("clue", CLUE_T2)
            .await
            .unwrap()
            .pop()
            .unwrap()
            .disposition_id;
        let step = |which: &'static str| {
            let (app, session) = (later.clone(), l.clone());
            async move {
                session
                    .post(
                        &app,
                        &format!("/work/dispositions/{id}/inquiry"),
                        &[("step", which)],
                    )
                    .await
            }
        };
        // The report before the reply: refused.
        let r = step("report").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("须先收到被函询人的书面回复"), "{}", r.body);
        assert_eq!(step("reply").await.status, StatusCode::SEE_OTHER);
        assert_eq!(step("reply").await.status, StatusCode::CONFLICT);
        assert_eq!(step("report").await.status, StatusCode::SEE_OTHER);
        let page = l.get(&later, &page_path).await;
        assert!(
            !page.body.contains("<strong>已逾期</strong>"),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!("(已报告函询情况 {later_day})")));
        assert!(!page.body.contains("class=\"inline inquiry\""));
        let dash = l.get(&later, "/work").await;
        assert!(!dash.body.contains("id=\"inquiries\""));
        // A township secretary cannot record on the county's disposal (the gate refuses).
        let sec = log_in(&later, "township_secretary", PASSWORD)
            .await
            .ok()
            .unwrap();
        let r = sec
            .post(
                &later,
                &format!("/work/dispositions/{id}/inquiry"),
                &[("step", "reply")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        db.drop_db().await;
    }
}
