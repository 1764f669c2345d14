//! Matters (issue 14): each use of a power done step by step, in the list's order, each step by
//! its post, on both databases — against a village official who would skip the supervision
//! committee, an account doing another post's step, and an official of another village.

use super::common::*;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_domain::matter::StepState;
use qingfeng_domain::power::PowerList;
use qingfeng_domain::spending::RequestForm;
use qingfeng_store::{ClueFilter, NewUser, Store};
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::clues::ClueDesk;
use qingfeng_workflow::matters::{MatterDesk, PaymentCheck, StepInput};
use qingfeng_workflow::{Actor, FixedClock, Outcome, Role};
use std::sync::Arc;

/// The county's list, calendar and the rules asked before payment (the engine with the
/// built-in catalogue), from which a desk is made for a store and a day.
pub struct Setup {
    pub powers: PowerList,
    pub calendar: WorkCalendar,
    pub check: PaymentCheck,
}

impl Setup {
    pub fn new() -> Setup {
        let catalogue = Arc::new(qingfeng_engine::Catalogue::builtin().unwrap());
        Setup {
            powers: PowerList::default(),
            calendar: WorkCalendar::default(),
            check: Arc::new(move |store: Store, draft| {
                let catalogue = catalogue.clone();
                Box::pin(async move {
                    qingfeng_engine::precheck::precheck(&store, &catalogue, &draft).await
                })
            }),
        }
    }

    pub fn desk<'a>(&'a self, store: &'a Store, clock: &'a FixedClock) -> MatterDesk<'a> {
        MatterDesk {
            store,
            powers: &self.powers,
            clock,
            calendar: &self.calendar,
            payment_check: Some(&self.check),
        }
    }
}

/// The hardware shop's credit code (an individual business: no official's circle).
pub const SHOP: &str = "92500233MA5UA0001E";

/// A request to pay `yuan` to a hardware shop, by bank.
pub fn shop(yuan: i64) -> RequestForm {
    RequestForm {
        amount_fen: yuan * 100,
        method: "bank".into(),
        category: "construction".into(),
        payee_name: "新生镇五金店".into(),
        payee_id: Some(SHOP.into()),
        description: "村道维修材料".into(),
        ..RequestForm::default()
    }
}

/// A step's input: its papers and a note.
pub fn with(papers: Vec<String>, note: &str) -> StepInput {
    StepInput {
        note: note.into(),
        documents: papers,
        ..StepInput::default()
    }
}

pub async fn accounts(store: &Store) {
    for (name, role, jurisdiction) in [
        ("cun", Role::VillageOfficial, GUIHUA),
        ("cashier", Role::VillageCashier, GUIHUA),
        ("jiandu", Role::VillageSupervisor, GUIHUA),
        ("kuaiji", Role::TownshipBookkeeper, TOWNSHIP),
        ("xiang", Role::TownshipOfficial, TOWNSHIP),
        ("shiling", Role::VillageOfficial, SHILING),
        ("far", Role::TownshipBookkeeper, OTHER_TOWNSHIP),
    ] {
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
        // The supervision committee's member is 李秀英, a villager with no post and no official
        // in her household (an account of the committee acts only once linked to a person).
        if role == Role::VillageSupervisor {
            store
                .set_user_id_number(id, Some(LI_XIUYING), "test")
                .await
                .unwrap();
        }
    }
}

/// Every paper the reimbursement's step `n` requires, as its list names them.
pub fn papers(n: usize) -> Vec<String> {
    papers_of("reimbursement", n)
}

/// Every paper step `n` of `power` requires.
pub fn papers_of(power: &str, n: usize) -> Vec<String> {
    PowerList::default().get(power).unwrap().steps[n - 1]
        .documents_zh
        .clone()
}

pub fn refusal<T: std::fmt::Debug>(o: Outcome<T>) -> String {
    match o {
        Outcome::Refused(r) => r.zh,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_reimbursement_goes_step_by_step_each_by_its_post() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let clock = FixedClock::on(day("2025-03-03"));
        let desk = setup.desk(&db.store, &clock);
        let [cun, cashier, jiandu, kuaiji, xiang, shiling, far, investigator]: [Actor; 8] = [
            actor(&db.store, "cun").await,
            actor(&db.store, "cashier").await,
            actor(&db.store, "jiandu").await,
            actor(&db.store, "kuaiji").await,
            actor(&db.store, "xiang").await,
            actor(&db.store, "shiling").await,
            actor(&db.store, "far").await,
            actor(&db.store, "c").await,
        ];

        // Only a village official opens a matter, of a power on the list.
        assert!(refusal(
            desk.open(
                &cashier,
                "reimbursement",
                "办公用品",
                None,
                Some(&shop(1200))
            )
            .await
            .unwrap()
        )
        .contains("村干部"));
        assert!(refusal(
            desk.open(&cun, "no-such-power", "x", None, Some(&shop(1200)))
                .await
                .unwrap()
        )
        .contains("权力清单"));
        let id = desk
            .open(
                &cun,
                "reimbursement",
                "村道维修材料费报销",
                None,
                Some(&shop(1200)),
            )
            .await
            .unwrap()
            .changed()
            .unwrap();

        // The order cannot be skipped, and each step is its post's.
        let skipped = refusal(
            desk.do_step(&cun, id, 3, &with(papers(3), ""))
                .await
                .unwrap(),
        );
        assert!(skipped.contains("下一步是第1步"), "{skipped}");
        // A step needs each of its papers in hand: the receipt and the statement of purpose.
        let short = refusal(
            desk.do_step(&cun, id, 1, &with(vec!["发票或收据".to_string()], ""))
                .await
                .unwrap(),
        );
        assert!(short.contains("材料不全，缺少：用途说明"), "{short}");
        let wrong_post = refusal(
            desk.do_step(&cashier, id, 1, &with(papers(1), ""))
                .await
                .unwrap(),
        );
        assert!(wrong_post.contains("第1步由村经办人办理"), "{wrong_post}");
        assert!(desk
            .do_step(&cun, id, 1, &with(papers(1), "发票3张"))
            .await
            .unwrap()
            .changed()
            .is_some());
        assert!(matches!(
            desk.do_step(&cun, id, 1, &with(papers(1), ""))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // Another village's official and a far township's bookkeeper do not see it at all.
        assert!(desk.visible(&shiling, id).await.unwrap().is_none());
        assert!(matches!(
            desk.do_step(&shiling, id, 2, &with(papers(2), ""))
                .await
                .unwrap(),
            Outcome::NotFound
        ));
        assert!(matches!(
            desk.do_step(&far, id, 2, &with(papers(2), ""))
                .await
                .unwrap(),
            Outcome::NotFound
        ));
        assert!(desk
            .do_step(&cashier, id, 2, &with(papers(2), ""))
            .await
            .unwrap()
            .changed()
            .is_some());
        assert!(desk
            .do_step(&cun, id, 3, &with(papers(3), "同意"))
            .await
            .unwrap()
            .changed()
            .is_some());
        // The village official cannot sign for the supervision committee, nor the township
        // official pay for the agency.
        assert!(refusal(
            desk.do_step(&cun, id, 4, &with(papers(4), ""))
                .await
                .unwrap()
        )
        .contains("村务监督委员会"));
        assert!(desk
            .do_step(&jiandu, id, 4, &with(papers(4), "已核"))
            .await
            .unwrap()
            .changed()
            .is_some());
        assert!(refusal(
            desk.do_step(&xiang, id, 5, &with(papers(5), ""))
                .await
                .unwrap()
        )
        .contains("代理服务中心"));
        assert!(desk
            .do_step(&kuaiji, id, 5, &with(papers(5), ""))
            .await
            .unwrap()
            .changed()
            .is_some());
        // The county's investigator sees the matter, and does none of its steps.
        let seen = desk.visible(&investigator, id).await.unwrap().unwrap();
        assert_eq!(seen.done.len(), 5);
        assert!(refusal(
            desk.do_step(&investigator, id, 6, &with(papers(6), ""))
                .await
                .unwrap()
        )
        .contains("第6步"));
        assert!(desk
            .do_step(&cun, id, 6, &with(papers(6), ""))
            .await
            .unwrap()
            .changed()
            .is_some());
        let closed = desk.visible(&cun, id).await.unwrap().unwrap();
        assert_eq!(closed.matter.closed_on.as_deref(), Some("2025-03-03"));
        assert!(closed
            .states
            .iter()
            .all(|s| matches!(s, StepState::Done { .. })));
        assert!(matches!(
            desk.do_step(&cun, id, 6, &with(papers(6), ""))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // Every step is in the audit trail.
        let trail = db.store.audit_of("matter", &id.to_string()).await.unwrap();
        assert_eq!(trail.len(), 7);
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_step_past_its_limit_stands_out_and_the_supervised_see_no_clue() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let monday = FixedClock::on(day("2025-03-03"));
        let cun = actor(&db.store, "cun").await;
        let opened = setup.desk(&db.store, &monday);
        let id = opened
            .open(&cun, "reimbursement", "化肥款报销", None, Some(&shop(1200)))
            .await
            .unwrap()
            .changed()
            .unwrap();
        assert!(opened
            .do_step(&cun, id, 1, &with(papers(1), ""))
            .await
            .unwrap()
            .changed()
            .is_some());
        // The cashier has 3 working days: Thursday 6 March. On Friday the step is overdue.
        for (today, overdue) in [("2025-03-06", false), ("2025-03-07", true)] {
            let clock = FixedClock::on(day(today));
            let desk = setup.desk(&db.store, &clock);
            let listed = desk.of_village(&cun, GUIHUA).await.unwrap();
            assert_eq!(listed.len(), 1);
            assert_eq!(listed[0].overdue(), overdue, "{today}");
            // Counted in one query from the day the step is due by, kept with the matter.
            let counts = desk.counts(&cun).await.unwrap();
            assert_eq!(
                (counts.open, counts.overdue, counts.mine),
                (1, overdue as i64, 0)
            );
            let cashier = actor(&db.store, "cashier").await;
            assert_eq!(desk.counts(&cashier).await.unwrap().mine, 1);
            assert_eq!(desk.queue(&cashier).await.unwrap().len(), 1);
            assert_eq!(
                listed[0].states[1],
                StepState::Current {
                    due: Some(day("2025-03-06")),
                    overdue
                }
            );
        }
        // A village official works the village's powers; the clues about the village are not
        // theirs to see, even with no link to a person that the conflict policy would catch.
        let clues = ClueDesk {
            store: &db.store,
            clock: &monday,
            calendar: &setup.calendar,
        };
        let (page, total) = clues.queue(&cun, ClueFilter::default()).await.unwrap();
        assert!(page.is_empty() && total == 0);
        assert!(clues.tally(&cun, "rule").await.unwrap().is_empty());
        assert!(clues.visible(&cun, CLUE_LIU).await.unwrap().is_none());
        let supervisor = actor(&db.store, "jiandu").await;
        assert!(clues
            .visible(&supervisor, CLUE_LIU)
            .await
            .unwrap()
            .is_some());
        db.drop_db().await;
    }
}

#[tokio::test]
async fn an_objection_is_answered_by_the_village_in_ten_days_or_by_the_township_after() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        accounts(&db.store).await;
        let setup = Setup::new();
        let desk_on = |clock| setup.desk(&db.store, clock);
        let day1 = FixedClock::on(day("2025-03-03"));
        let desk = desk_on(&day1);
        let cun = actor(&db.store, "cun").await;
        let cashier = actor(&db.store, "cashier").await;
        let xiang = actor(&db.store, "xiang").await;
        let secretary = actor(&db.store, "director").await;
        let other_secretary = actor(&db.store, "other").await;
        let id = desk
            .open(&cun, "reimbursement", "误工补贴", None, Some(&shop(1200)))
            .await
            .unwrap()
            .changed()
            .unwrap();
        assert!(desk
            .do_step(&cun, id, 1, &with(papers(1), ""))
            .await
            .unwrap()
            .changed()
            .is_some());
        // To a step done or due now, with a text.
        assert!(
            refusal(desk.object(GUIHUA, id, 4, "还没到这一步").await.unwrap())
                .contains("已办理或正在办理")
        );
        assert!(refusal(desk.object(GUIHUA, id, 1, "  ").await.unwrap()).contains("异议的内容"));
        let first = desk
            .object(GUIHUA, id, 1, "发票是空白的，没有写用途")
            .await
            .unwrap()
            .changed()
            .unwrap();
        let second = desk
            .object(GUIHUA, id, 2, "报账员还没审就说审过了")
            .await
            .unwrap()
            .changed()
            .unwrap();
        // Within ten days the village answers; the cashier is not who answers.
        assert!(refusal(desk.answer(&cashier, first, "x").await.unwrap()).contains("村干部"));
        assert!(desk
            .answer(&cun, first, "已补写用途并重新公示")
            .await
            .unwrap()
            .changed()
            .is_some());
        assert!(matches!(
            desk.answer(&cun, first, "again").await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // Eleven days on, the second is the township's: the village can no longer answer it.
        let later = FixedClock::on(day("2025-03-14"));
        let desk = desk_on(&later);
        let late = refusal(desk.answer(&cun, second, "补答").await.unwrap());
        assert!(
            late.contains("已上交乡镇") && late.contains("2025-03-13"),
            "{late}"
        );
        assert!(matches!(
            desk.answer(&other_secretary, second, "x").await.unwrap(),
            Outcome::NotFound
        ));
        // The township's discipline secretary is 李建国, who serves 桂花村 himself: not him.
        let conflicted = refusal(desk.answer(&secretary, second, "没问题").await.unwrap());
        assert!(conflicted.contains("在该村任职"), "{conflicted}");
        assert!(desk
            .answer(&xiang, second, "乡镇已核查，报账员已审")
            .await
            .unwrap()
            .changed()
            .is_some());
        let all = desk.objections(id).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].answered_by.as_deref(), Some("xiang"));
        assert!(!desk.answers_now(&cun, &all[1]));
        assert!(
            all.iter().all(|o| o.raised_by.is_none()),
            "villagers are anonymous"
        );
        // The supervision committee objects in its own name; a village official cannot pose as
        // it, nor can a member of another village's committee reach the matter.
        let jiandu = actor(&db.store, "jiandu").await;
        assert!(
            refusal(desk.object_as_committee(&cun, id, 1, "x").await.unwrap())
                .contains("村务监督委员会")
        );
        let raised = desk
            .object_as_committee(&jiandu, id, 2, "报账员初审未见用途说明")
            .await
            .unwrap()
            .changed()
            .unwrap();
        let all = desk.objections(id).await.unwrap();
        let committee = all.iter().find(|o| o.objection_id == raised).unwrap();
        assert_eq!(committee.raised_by.as_deref(), Some("jiandu"));
        assert_eq!(committee.answer_due, "2025-03-24");
        assert!(desk.answers_now(&cun, committee));
        db.drop_db().await;
    }
}
