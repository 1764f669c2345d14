//! Power before money (issue 14): decisions that gate, and the township's approval chain that
//! refuses before payment what the rules of the books would flag after it — on both databases,
//! with the rules' own SQL and thresholds (the engine's built-in catalogue), against a village
//! that would spend before its villagers decide, pay in cash, split a sum, or pay its own.

use super::common::*;
use super::matters::{accounts, papers, papers_of, refusal, shop, with, Setup};
use qingfeng_domain::decision::Votes;
use qingfeng_domain::spending::RequestForm;
use qingfeng_ingest::{import, ImportOptions, Status};
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::matters::{decision_id_of, voucher_id_of, MatterDesk, StepInput};
use qingfeng_workflow::{Actor, FixedClock, Outcome};

/// Imports a county's folder again (only its changed files land), which must succeed.
async fn import_again(db: &TestDb, dir: &std::path::Path) {
    let reports = tempfile::tempdir().unwrap();
    let outcome = import(
        &db.store,
        dir,
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
}

fn votes(total: i64, present: i64, approve: i64) -> Votes {
    Votes {
        total,
        present,
        approve,
        ..Votes::default()
    }
}

fn meeting(notice_on: &str, total: i64, present: i64, approve: i64) -> Votes {
    Votes {
        meeting_kind: Some("representatives".into()),
        notice_on: Some(notice_on.into()),
        ..votes(total, present, approve)
    }
}

fn step(power: &str, n: usize, votes: Option<Votes>, decision: Option<&str>) -> StepInput {
    StepInput {
        documents: papers_of(power, n),
        votes,
        decision_id: decision.map(str::to_string),
        ..StepInput::default()
    }
}

fn changed<T: std::fmt::Debug>(o: Outcome<T>) -> T {
    match o {
        Outcome::Changed(t) => t,
        other => panic!("expected a change, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_is_spent_on_a_project_until_its_decision_is_complete() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let cun = actor(&db.store, "cun").await;
        let decision = changed(
            desk.open(&cun, "major-decision", "村道硬化", Some(20_000_000), None)
                .await
                .unwrap(),
        );
        let d = decision_id_of(decision);
        let project = changed(
            desk.open(
                &cun,
                "project-bidding",
                "村道硬化工程",
                Some(20_000_000),
                None,
            )
            .await
            .unwrap(),
        );

        // Spending on the project is refused while its decision step is not done, naming it.
        let early = RequestForm {
            for_matter: Some(project),
            ..shop(80_000)
        };
        let why = refusal(
            desk.open(&cun, "reimbursement", "工程进度款", None, Some(&early))
                .await
                .unwrap(),
        );
        assert!(
            why.contains("决策尚未完成") && why.contains("第1步“项目立项"),
            "{why}"
        );
        // The project cannot rest on a decision that has not been voted on: the refusal names
        // the decision matter's missing step.
        let why = refusal(
            desk.do_step(
                &cun,
                project,
                1,
                &step("project-bidding", 1, None, Some(&d)),
            )
            .await
            .unwrap(),
        );
        assert!(
            why.contains("没有决策") && why.contains("第1步“村党组织提议”尚未办理"),
            "{why}"
        );

        changed(
            desk.do_step(&cun, decision, 1, &step("major-decision", 1, None, None))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&cun, decision, 2, &step("major-decision", 2, None, None))
                .await
                .unwrap(),
        );
        // The party members' meeting: two thirds present, more than half of all approving,
        // by the definition DEC-INVALID uses.
        let missing = refusal(
            desk.do_step(&cun, decision, 3, &step("major-decision", 3, None, None))
                .await
                .unwrap(),
        );
        assert!(missing.contains("党员大会"), "{missing}");
        let thin = refusal(
            desk.do_step(
                &cun,
                decision,
                3,
                &step("major-decision", 3, Some(votes(9, 5, 5)), None),
            )
            .await
            .unwrap(),
        );
        assert!(thin.contains("到会不足三分之二"), "{thin}");
        let half = refusal(
            desk.do_step(
                &cun,
                decision,
                3,
                &step("major-decision", 3, Some(votes(9, 7, 4)), None),
            )
            .await
            .unwrap(),
        );
        assert!(half.contains("未过全体党员半数"), "{half}");
        changed(
            desk.do_step(
                &cun,
                decision,
                3,
                &step("major-decision", 3, Some(votes(9, 6, 5)), None),
            )
            .await
            .unwrap(),
        );

        // The representatives' meeting: ten days' notice, two thirds present, a majority of
        // those present, counts that agree.
        let short = refusal(
            desk.do_step(
                &cun,
                decision,
                4,
                &step(
                    "major-decision",
                    4,
                    Some(meeting("2025-02-24", 30, 25, 20)),
                    None,
                ),
            )
            .await
            .unwrap(),
        );
        assert!(
            short.contains("提前10日通知") && short.contains("2025-03-06"),
            "{short}"
        );
        let notice = "2025-02-21";
        let few = refusal(
            desk.do_step(
                &cun,
                decision,
                4,
                &step("major-decision", 4, Some(meeting(notice, 30, 19, 19)), None),
            )
            .await
            .unwrap(),
        );
        assert!(few.contains("村民代表到会不足三分之二"), "{few}");
        let split = refusal(
            desk.do_step(
                &cun,
                decision,
                4,
                &step("major-decision", 4, Some(meeting(notice, 30, 20, 10)), None),
            )
            .await
            .unwrap(),
        );
        assert!(split.contains("赞成未过到会人数半数"), "{split}");
        let odd = refusal(
            desk.do_step(
                &cun,
                decision,
                4,
                &step("major-decision", 4, Some(meeting(notice, 30, 20, 25)), None),
            )
            .await
            .unwrap(),
        );
        assert!(odd.contains("自相矛盾"), "{odd}");
        // Exactly two thirds present and one more than half approving carry it.
        changed(
            desk.do_step(
                &cun,
                decision,
                4,
                &step("major-decision", 4, Some(meeting(notice, 30, 20, 11)), None),
            )
            .await
            .unwrap(),
        );
        let voted = db.store.decision_standing(&d).await.unwrap().unwrap();
        assert_eq!(voted.defect.as_deref(), Some("unpublished"));

        // Voted but not published: still not complete, and the refusal says which step.
        let why = refusal(
            desk.do_step(
                &cun,
                project,
                1,
                &step("project-bidding", 1, None, Some(&d)),
            )
            .await
            .unwrap(),
        );
        assert!(
            why.contains("决议尚未公开") && why.contains("第5步“决议公开”尚未办理"),
            "{why}"
        );
        changed(
            desk.do_step(&cun, decision, 5, &step("major-decision", 5, None, None))
                .await
                .unwrap(),
        );
        let complete = db.store.decision_standing(&d).await.unwrap().unwrap();
        assert_eq!(complete.defect, None);
        assert_eq!(complete.village_code, GUIHUA);

        // Another village cannot rest its project on this village's decision.
        let shiling = actor(&db.store, "shiling").await;
        let theirs = changed(
            desk.open(&shiling, "project-bidding", "石岭水池", None, None)
                .await
                .unwrap(),
        );
        let why = refusal(
            desk.do_step(
                &shiling,
                theirs,
                1,
                &step("project-bidding", 1, None, Some(&d)),
            )
            .await
            .unwrap(),
        );
        assert!(why.contains("本村决策登记中没有决策"), "{why}");

        changed(
            desk.do_step(
                &cun,
                project,
                1,
                &step("project-bidding", 1, None, Some(&d)),
            )
            .await
            .unwrap(),
        );
        let seen = desk.visible(&cun, project).await.unwrap().unwrap();
        assert_eq!(seen.matter.decision_id.as_deref(), Some(d.as_str()));
        // Now the money for it may be asked for, and rests on the decision.
        let request = changed(
            desk.open(&cun, "reimbursement", "工程进度款", None, Some(&early))
                .await
                .unwrap(),
        );
        assert!(desk
            .visible(&cun, request)
            .await
            .unwrap()
            .unwrap()
            .request
            .is_some());

        // The decision the matter made is judged valid by the engine's DEC-INVALID too: the one
        // definition, over the register the matter wrote.
        let regs = qingfeng_engine::load(&db.store, None).await.unwrap();
        let cat = qingfeng_engine::Catalogue::builtin().unwrap();
        let out = qingfeng_engine::run_rules(&regs, &cat, &["DEC-INVALID".to_string()], |_| {})
            .await
            .unwrap();
        assert!(
            out[0].clues.iter().all(|c| c.record_ids != d),
            "{:?}",
            out[0].clues
        );
        // A county file of decisions, imported again, does not erase the matter's decision.
        let again = qingfeng_test_support::copy_fixture("good");
        std::fs::write(
            again.path().join("decisions.csv"),
            std::fs::read_to_string(again.path().join("decisions.csv"))
                .unwrap()
                .replace("35,2024-02-21", "34,2024-02-21"),
        )
        .unwrap();
        import_again(&db, again.path()).await;
        assert!(db.store.decision_standing(&d).await.unwrap().is_some());
        db.drop_db().await;
    }
}

/// Walks a request through the village's steps up to the township agency's (cashier, head,
/// supervision committee).
async fn to_the_agency(desk: &MatterDesk<'_>, who: &Who, id: i64) {
    changed(
        desk.do_step(&who.cun, id, 1, &with(papers(1), ""))
            .await
            .unwrap(),
    );
    changed(
        desk.do_step(&who.cashier, id, 2, &with(papers(2), ""))
            .await
            .unwrap(),
    );
    changed(
        desk.do_step(&who.cun, id, 3, &with(papers(3), "同意"))
            .await
            .unwrap(),
    );
    changed(
        desk.do_step(&who.jiandu, id, 4, &with(papers(4), "已核"))
            .await
            .unwrap(),
    );
}

struct Who {
    cun: Actor,
    cashier: Actor,
    jiandu: Actor,
    kuaiji: Actor,
    far: Actor,
}

#[tokio::test]
async fn the_chain_refuses_before_payment_what_the_rules_flag_after_it() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        // Two more contracts of 桂花村 as the county's file brings them (Excel on Windows:
        // CRLF): one never publicized, one publicized for exactly the least seven days.
        let file = qingfeng_test_support::copy_fixture("good");
        let contracts =
            std::fs::read_to_string(file.path().join("collective_contracts.csv")).unwrap();
        let contracts = format!(
            "{}\r\nCC-002,500233101001,building_lease,91500233MA5U7X2K1T,忠县桂花建筑有限公司,,2400.00,2024-03-01,2026-02-28,2024-03-01,D-001,,\r\nCC-003,500233101001,building_lease,91500233MA5U7X2K1T,忠县桂花建筑有限公司,,2400.00,2024-03-01,2026-02-28,2024-03-01,D-001,2024-02-21,2024-02-28\r\nCC-004,500233101001,building_lease,91500233MA5U7X2K1T,忠县桂花建筑有限公司,,2400.00,2024-03-01,2026-02-28,2024-03-01,D-001,2024-02-21,2024-02-27\r\n",
            contracts.trim_end().replace('\n', "\r\n")
        );
        std::fs::write(file.path().join("collective_contracts.csv"), contracts).unwrap();
        import_again(&db, file.path()).await;

        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let who = Who {
            cun: actor(&db.store, "cun").await,
            cashier: actor(&db.store, "cashier").await,
            jiandu: actor(&db.store, "jiandu").await,
            kuaiji: actor(&db.store, "kuaiji").await,
            far: actor(&db.store, "far").await,
        };
        let open = |r: RequestForm| {
            let desk = &desk;
            let cun = &who.cun;
            async move {
                desk.open(cun, "reimbursement", "报销", None, Some(&r))
                    .await
                    .unwrap()
            }
        };

        // Cash: the limit of FUN-CASH-LIMIT (2,000 yuan) may be paid in cash, a fen more not.
        let cash = |fen| RequestForm {
            amount_fen: fen,
            method: "cash".into(),
            ..shop(0)
        };
        let why = refusal(open(cash(200_001)).await);
        assert!(
            why.contains("FUN-CASH-LIMIT") && why.contains("2,000.01"),
            "{why}"
        );
        let in_cash = changed(open(cash(200_000)).await);

        // A decision: from FUN-NO-DECISION's threshold (50,000 yuan) on, none, none valid.
        let why = refusal(open(shop(50_000)).await);
        assert!(
            why.contains("FUN-NO-DECISION") && why.contains("凭证未关联任何决策"),
            "{why}"
        );
        let under = RequestForm {
            payee_name: "桂花村农机合作社".into(),
            payee_id: Some("93500233MA5UA0002E".into()),
            ..shop(0)
        };
        let below = changed(
            open(RequestForm {
                amount_fen: 4_999_999,
                ..under.clone()
            })
            .await,
        );

        // Two fen more to the same payee: alone it is nothing; once the first is paid, the two
        // are a split (below).
        let second = changed(
            open(RequestForm {
                amount_fen: 2,
                ..under.clone()
            })
            .await,
        );

        // Paying one's own: the director of 桂花村 himself, or a household member of his.
        let own = RequestForm {
            payee_name: "李建国".into(),
            payee_id: Some(LI_JIANGUO.into()),
            category: "labour".into(),
            ..shop(300)
        };
        let why = refusal(open(own.clone()).await);
        assert!(
            why.contains("FUN-SELF-DEALING") && why.contains("在任"),
            "{why}"
        );
        // The director typing his number so that it looks like a stranger's — full-width digits
        // from a Chinese input method, spaces, Excel's apostrophe, the old 15-digit number — or
        // leaving it out: each is the same man to the check, or no request at all.
        for disguise in [
            "５００２３３１９７００１０２１５１５",
            "500233 19700102 1515",
            "'500233197001021515",
            "500233700102151",
        ] {
            let why = refusal(
                open(RequestForm {
                    payee_id: Some(disguise.into()),
                    ..own.clone()
                })
                .await,
            );
            assert!(why.contains("FUN-SELF-DEALING"), "{disguise}: {why}");
        }
        for missing in [None, Some(" ")] {
            let why = refusal(
                open(RequestForm {
                    payee_id: missing.map(String::from),
                    ..own.clone()
                })
                .await,
            );
            assert!(why.contains("收款人的身份证号"), "{why}");
        }
        let why = refusal(
            open(RequestForm {
                payee_id: Some("500233197001021516".into()),
                ..own.clone()
            })
            .await,
        );
        assert!(
            why.contains("收款人证件号“500233197001021516”有误"),
            "{why}"
        );
        let villager = changed(
            open(RequestForm {
                payee_name: "刘永福".into(),
                payee_id: Some(LIU.into()),
                category: "labour".into(),
                ..shop(300)
            })
            .await,
        );

        // A contract: never publicized (RES-SHORT-PUBLICITY) refused; seven days pass, six not.
        let on = |k: &str| RequestForm {
            contract_id: Some(k.into()),
            category: "operating_cost".into(),
            ..shop(500)
        };
        let why = refusal(open(on("CC-002")).await);
        assert!(why.contains("RES-SHORT-PUBLICITY"), "{why}");
        let why = refusal(open(on("CC-004")).await);
        assert!(why.contains("RES-SHORT-PUBLICITY"), "{why}");
        let contract = changed(open(on("CC-003")).await);

        // The village's director cannot sit for its supervision committee: an account of the
        // committee linked to him signs, refuses and objects to nothing (one linked to a
        // villager with no post does).
        let supervisor = qingfeng_workflow::Role::VillageSupervisor;
        let director = account(&db.store, "jiandu-li", supervisor, GUIHUA, Some(LI_JIANGUO)).await;
        let villager_member = account(&db.store, "jiandu-liu", supervisor, GUIHUA, Some(LIU)).await;
        // An account of the committee that names nobody could be anybody: it is refused until
        // an administrator links it to a person.
        let nobody = account(&db.store, "jiandu-nobody", supervisor, GUIHUA, None).await;
        let signed = changed(open(shop(600)).await);
        changed(
            desk.do_step(&who.cun, signed, 1, &with(papers(1), ""))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&who.cashier, signed, 2, &with(papers(2), ""))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&who.cun, signed, 3, &with(papers(3), ""))
                .await
                .unwrap(),
        );
        let why = refusal(
            desk.do_step(&director, signed, 4, &with(papers(4), ""))
                .await
                .unwrap(),
        );
        assert!(
            why.contains("不得由村民委员会成员") && why.contains("村委会主任"),
            "{why}"
        );
        assert!(
            refusal(desk.refuse(&director, signed, 4, "不签").await.unwrap())
                .contains("不得由村民委员会成员")
        );
        assert!(refusal(
            desk.object_as_committee(&director, signed, 1, "x")
                .await
                .unwrap()
        )
        .contains("不得由村民委员会成员"));
        for why in [
            refusal(
                desk.do_step(&nobody, signed, 4, &with(papers(4), ""))
                    .await
                    .unwrap(),
            ),
            refusal(desk.refuse(&nobody, signed, 4, "不签").await.unwrap()),
            refusal(
                desk.object_as_committee(&nobody, signed, 1, "x")
                    .await
                    .unwrap(),
            ),
        ] {
            assert!(why.contains("尚未关联本人身份证号"), "{why}");
        }
        // A relative: 张德明, a villager with no post, is eligible until the director declares
        // him a relative (the county's next declarations file), then he is not.
        let zhang = account(&db.store, "jiandu-zhang", supervisor, GUIHUA, Some(ZHANG)).await;
        let early = changed(
            desk.object_as_committee(&zhang, signed, 1, "发票日期早于事项")
                .await
                .unwrap(),
        );
        assert!(early > 0);
        let relations = file.path().join("declared_relations.csv");
        let declared = std::fs::read_to_string(&relations).unwrap();
        std::fs::write(
            &relations,
            format!(
                "{}\r\n{LI_JIANGUO},{ZHANG},张德明,sibling,2025-01-10\r\n",
                declared.trim_end().replace('\n', "\r\n")
            ),
        )
        .unwrap();
        import_again(&db, file.path()).await;
        let why = refusal(
            desk.object_as_committee(&zhang, signed, 1, "再提异议")
                .await
                .unwrap(),
        );
        assert!(
            why.contains("您的亲属") && why.contains("村委会主任") && !why.contains("李建国"),
            "{why}"
        );
        changed(
            desk.do_step(&villager_member, signed, 4, &with(papers(4), "已核"))
                .await
                .unwrap(),
        );

        // The supervision committee refuses a voucher with a reason; it is published and the
        // matter goes no further.
        let refused = changed(open(shop(800)).await);
        changed(
            desk.do_step(&who.cun, refused, 1, &with(papers(1), ""))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&who.cashier, refused, 2, &with(papers(2), ""))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&who.cun, refused, 3, &with(papers(3), ""))
                .await
                .unwrap(),
        );
        assert!(
            refusal(desk.refuse(&who.cun, refused, 4, "no").await.unwrap())
                .contains("村务监督委员会")
        );
        assert!(
            refusal(desk.refuse(&who.jiandu, refused, 4, "  ").await.unwrap()).contains("理由")
        );
        changed(
            desk.refuse(&who.jiandu, refused, 4, "发票抬头不是本村")
                .await
                .unwrap(),
        );
        let seen = desk.public_one(GUIHUA, refused).await.unwrap().unwrap();
        assert_eq!(
            seen.matter.refused_reason.as_deref(),
            Some("发票抬头不是本村")
        );
        assert!(seen.matter.closed_on.is_some());
        assert!(matches!(
            seen.states[3],
            qingfeng_domain::matter::StepState::Refused { .. }
        ));
        assert!(!seen.overdue());
        match desk
            .do_step(&who.jiandu, refused, 4, &with(papers(4), ""))
            .await
            .unwrap()
        {
            Outcome::AlreadyDone(r) => assert!(r.zh.contains("已被退回"), "{}", r.zh),
            other => panic!("a refused matter goes no further: {other:?}"),
        }
        assert!(!desk.acts_now(&who.jiandu, &seen));

        // The bookkeeper's queue: the requests of the township at the agency's step.
        for id in [in_cash, below, villager, contract, second] {
            to_the_agency(&desk, &who, id).await;
        }
        let queue: Vec<i64> = desk
            .queue(&who.kuaiji)
            .await
            .unwrap()
            .iter()
            .map(|v| v.matter.matter_id)
            .collect();
        assert_eq!(queue.len(), 6, "{queue:?}");
        assert!(queue.contains(&signed));
        assert!(!queue.contains(&refused));
        assert!(desk.queue(&who.far).await.unwrap().is_empty());
        for id in [in_cash, below, villager, contract, signed] {
            changed(
                desk.do_step(&who.kuaiji, id, 5, &with(papers(5), ""))
                    .await
                    .unwrap(),
            );
        }

        // A split: another payment to the same payee within 30 days that together reaches the
        // threshold is refused at the agency's step, once the first is in the books; the
        // bookkeeper sends it back with the reason.
        let why = refusal(
            desk.do_step(&who.kuaiji, second, 5, &with(papers(5), ""))
                .await
                .unwrap(),
        );
        assert!(
            why.contains("FUN-SPLIT") && why.contains("50,000.01"),
            "{why}"
        );
        let queue: Vec<i64> = desk
            .queue(&who.kuaiji)
            .await
            .unwrap()
            .iter()
            .map(|v| v.matter.matter_id)
            .collect();
        assert_eq!(queue, vec![second]);
        changed(
            desk.refuse(
                &who.kuaiji,
                second,
                5,
                "与前一笔合计达到决策标准，属拆分支付",
            )
            .await
            .unwrap(),
        );
        assert!(desk.queue(&who.kuaiji).await.unwrap().is_empty());
        let why = refusal(
            open(RequestForm {
                amount_fen: 1,
                ..under.clone()
            })
            .await,
        );
        assert!(why.contains("FUN-SPLIT") && why.contains("30"), "{why}");

        // What was paid is in the books, as the voucher each request became...
        let books = db.store.village_vouchers(GUIHUA, "2025-03").await.unwrap();
        let paid: Vec<&str> = books.iter().map(|v| v.voucher_id.as_str()).collect();
        for id in [in_cash, below, villager, contract] {
            assert!(paid.contains(&voucher_id_of(id).as_str()), "{paid:?}");
        }
        assert!(!paid.contains(&voucher_id_of(refused).as_str()));
        // ...and the same rules, run afterwards over the whole books as the county's check
        // runs them, flag none of them: the thresholds before and after are one.
        let regs = qingfeng_engine::load(&db.store, None).await.unwrap();
        let cat = qingfeng_engine::Catalogue::builtin().unwrap();
        let rules: Vec<String> = qingfeng_engine::precheck::VOUCHER_RULES
            .iter()
            .chain(qingfeng_engine::precheck::CONTRACT_RULES)
            .chain(&["FUN-UNAPPROVED"])
            .map(|r| r.to_string())
            .collect();
        for o in qingfeng_engine::run_rules(&regs, &cat, &rules, |_| {})
            .await
            .unwrap()
        {
            for c in &o.clues {
                for id in [in_cash, below, villager, contract] {
                    assert!(
                        !c.record_ids.split(';').any(|r| r == voucher_id_of(id)),
                        "{} flags {}: {}",
                        o.rule_id,
                        voucher_id_of(id),
                        c.explanation_zh
                    );
                }
                assert!(
                    !c.record_ids.split(';').any(|r| r == "CC-003"),
                    "{}",
                    o.rule_id
                );
            }
            if o.rule_id == "RES-SHORT-PUBLICITY" {
                let flagged: Vec<&str> = o.clues.iter().map(|c| c.record_ids.as_str()).collect();
                assert!(
                    flagged.contains(&"CC-002") && flagged.contains(&"CC-004"),
                    "{flagged:?}"
                );
            }
        }
        db.drop_db().await;
    }
}

/// Issue 14 item 6: the village's disclosure is published only after the supervision committee
/// has reviewed and signed it; a refusal, with its reason, publishes nothing.
#[tokio::test]
async fn a_disclosure_is_published_only_after_the_committee_signs_it() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let cun = actor(&db.store, "cun").await;
        let jiandu = actor(&db.store, "jiandu").await;
        let power = "village-disclosure";
        let published = |id: i64| {
            let store = &db.store;
            async move {
                store
                    .village_records(GUIHUA, "2025-03-03")
                    .await
                    .unwrap()
                    .disclosures
                    .into_iter()
                    .filter(|d| d.title == format!("公开 #{id}"))
                    .collect::<Vec<_>>()
            }
        };

        // What it publishes is part of the matter: named when it is opened, checked as the
        // register's file would be.
        assert!(refusal(
            desk.open(&cun, power, "二月财务", None, None)
                .await
                .unwrap()
        )
        .contains("公开类别和期间"));
        assert!(refusal(
            desk.open_disclosure(&cun, power, "二月财务", "财务", "2025年13月")
                .await
                .unwrap()
        )
        .contains("2025年13月"));
        assert!(refusal(
            desk.open_disclosure(&cun, "reimbursement", "x", "财务", "2025-02")
                .await
                .unwrap()
        )
        .contains("不公布"));

        // Refused: the reason is on the matter, nothing is published.
        let refused = changed(
            desk.open_disclosure(&cun, power, "公开 #1", "财务", "2025年2月")
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(
                &cun,
                refused,
                1,
                &with(papers_of(power, 1), "收入3,600.00元；支出1,200.50元"),
            )
            .await
            .unwrap(),
        );
        // The village cannot skip the review.
        assert!(refusal(
            desk.do_step(&cun, refused, 3, &with(papers_of(power, 3), ""))
                .await
                .unwrap()
        )
        .contains("第2步"));
        changed(
            desk.refuse(&jiandu, refused, 2, "支出明细缺少发票号，招待费未列明细")
                .await
                .unwrap(),
        );
        let seen = desk.public_one(GUIHUA, refused).await.unwrap().unwrap();
        assert_eq!(
            seen.matter.refused_reason.as_deref(),
            Some("支出明细缺少发票号，招待费未列明细")
        );
        assert!(published(refused).await.is_empty());

        // Signed, then published: a row of the disclosure register with what was prepared.
        let signed = changed(
            desk.open_disclosure(&cun, power, "公开 #2", "finance", "2025-02")
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(
                &cun,
                signed,
                1,
                &with(
                    papers_of(power, 1),
                    "收入3,600.00元；支出1,200.50元（附发票号）",
                ),
            )
            .await
            .unwrap(),
        );
        changed(
            desk.do_step(
                &jiandu,
                signed,
                2,
                &with(papers_of(power, 2), "逐项核对无误"),
            )
            .await
            .unwrap(),
        );
        assert!(published(signed).await.is_empty());
        changed(
            desk.do_step(
                &cun,
                signed,
                3,
                &with(papers_of(power, 3), "已张贴于村务公开栏"),
            )
            .await
            .unwrap(),
        );
        let rows = published(signed).await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(
            (
                rows[0].category.as_str(),
                rows[0].period.as_str(),
                rows[0].published_on.as_str()
            ),
            ("finance", "2025-02", "2025-03-03")
        );
        let view = desk.public_one(GUIHUA, signed).await.unwrap().unwrap();
        assert!(view.matter.closed_on.is_some());
        // Kept when the county's disclosure file comes again.
        let file = qingfeng_test_support::copy_fixture("good");
        let disclosures = file.path().join("disclosures.csv");
        let text = std::fs::read_to_string(&disclosures).unwrap();
        std::fs::write(&disclosures, format!("{text}\n")).unwrap();
        import_again(&db, file.path()).await;
        assert_eq!(published(signed).await.len(), 1);
    }
}

/// Issue 14 item 6: the supervision committee hands a matter to the township discipline
/// secretary, who answers it, not the village whose work it questions.
#[tokio::test]
async fn the_committee_hands_a_matter_to_the_township_discipline_secretary() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let cun = actor(&db.store, "cun").await;
        let xiang = actor(&db.store, "xiang").await;
        let jiandu = actor(&db.store, "jiandu").await;
        let mishu = account(
            &db.store,
            "mishu",
            qingfeng_workflow::Role::TownshipSecretary,
            TOWNSHIP,
            None,
        )
        .await;
        let id = changed(
            desk.open(&cun, "reimbursement", "招待费", None, Some(&shop(800)))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&cun, id, 1, &with(papers(1), "餐费发票"))
                .await
                .unwrap(),
        );
        // Only the committee hands over, and only an eligible member.
        assert!(
            refusal(desk.refer_to_discipline(&cun, id, 1, "x").await.unwrap())
                .contains("监督委员会")
        );
        let referral = changed(
            desk.refer_to_discipline(&jiandu, id, 1, "发票抬头为村主任亲属开办的饭店，疑似虚开")
                .await
                .unwrap(),
        );
        let filed = desk.objections(id).await.unwrap();
        let o = filed.iter().find(|o| o.objection_id == referral).unwrap();
        assert_eq!(o.referred_to.as_deref(), Some("township_secretary"));
        assert_eq!(o.raised_by.as_deref(), Some("jiandu"));
        // The village cannot answer what questions it; nor the township's other officials,
        // even after the ten days; the discipline secretary can, at once.
        assert!(!desk.answers_now(&cun, o) && !desk.answers_now(&xiang, o));
        assert!(
            refusal(desk.answer(&cun, referral, "没有问题").await.unwrap())
                .contains("移交乡镇纪委")
        );
        let late = FixedClock::on(day("2025-03-20"));
        let later = setup.desk(&db.store, &late);
        assert!(!later.answers_now(&xiang, o));
        assert!(desk.answers_now(&mishu, o));
        changed(desk.answer(&mishu, referral, "已立案初核").await.unwrap());
        let answered = desk.objections(id).await.unwrap();
        assert_eq!(
            answered
                .iter()
                .find(|o| o.objection_id == referral)
                .unwrap()
                .answered_by
                .as_deref(),
            Some("mishu")
        );
    }
}

/// The scans of a step: attached by whoever did it, pictures and PDFs only, and checked against
/// the audit trail when opened, so that an insider who replaces one in the database (and its
/// stored hash with it) is found out.
#[tokio::test]
async fn a_steps_scans_are_attached_by_its_doer_and_a_replaced_one_is_found_out() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let cun = actor(&db.store, "cun").await;
        let cashier = actor(&db.store, "cashier").await;
        let jiandu = actor(&db.store, "jiandu").await;
        let id = changed(
            desk.open(&cun, "reimbursement", "办公用品", None, Some(&shop(300)))
                .await
                .unwrap(),
        );
        changed(
            desk.do_step(&cun, id, 1, &with(papers(1), "发票1张"))
                .await
                .unwrap(),
        );
        let jpeg: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0]
            .into_iter()
            .chain(b"receipt scan".iter().copied())
            .collect();
        assert!(refusal(
            desk.attach(&cashier, id, 1, "发票.jpg", &jpeg)
                .await
                .unwrap()
        )
        .contains("办理这一步的人"));
        assert!(
            refusal(desk.attach(&cun, id, 2, "发票.jpg", &jpeg).await.unwrap()).contains("已办理")
        );
        // A name says nothing: what is not a picture or a PDF by its bytes is refused.
        assert!(refusal(
            desk.attach(&cun, id, 1, "发票.jpg", b"MZ\x90\x00 not a picture")
                .await
                .unwrap()
        )
        .contains("JPEG"));
        let mut huge = jpeg.clone();
        huge.resize(qingfeng_workflow::matters::PAPER_MAX_BYTES + 1, 0);
        assert!(refusal(desk.attach(&cun, id, 1, "big.jpg", &huge).await.unwrap()).contains("MB"));
        let paper = changed(desk.attach(&cun, id, 1, "发票.jpg", &jpeg).await.unwrap());
        let listed = desk.papers(&jiandu, id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (
                listed[0].content_type.as_str(),
                listed[0].uploaded_by.as_str()
            ),
            ("image/jpeg", "cun")
        );
        let (_, body) = changed(desk.paper(&jiandu, id, paper).await.unwrap());
        assert_eq!(body, jpeg);

        // Someone with the database swaps the scan for another and fixes the stored hash.
        let other: &[u8] = &[0xFF, 0xD8, 0xFF, 0x00];
        let sha = qingfeng_store::matters::sha256_hex(other);
        let bytes = match backend {
            qingfeng_test_support::Backend::Sqlite => "X'FFD8FF00'".to_string(),
            qingfeng_test_support::Backend::Postgres => "decode('ffd8ff00', 'hex')".to_string(),
        };
        assert_eq!(
            db.execute(&format!(
                "UPDATE matter_papers SET body = {bytes}, sha256 = '{sha}' WHERE paper_id = {paper}"
            ))
            .await,
            1
        );
        assert!(refusal(desk.paper(&jiandu, id, paper).await.unwrap()).contains("不一致"));
    }
}
