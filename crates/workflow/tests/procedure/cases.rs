//! The case use cases on both databases, against the insiders they guard against: one member
//! deciding a disposal alone, an official related to the person a case concerns, a handler who
//! would close a case with money still owed, sanction someone the case does not concern, or
//! assign it to a colleague the system did not propose.

use super::common::*;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_domain::case::{Checklist, RemedyKind, RemedyStatus, Stage, Way};
use qingfeng_domain::sanction::SanctionKind;
use qingfeng_store::Store;
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::cases::{
    CaseDesk, Discussion, Disposal, NewRemedy, NewSanction, RemedyProgress, Source, SourceKind,
};
use qingfeng_workflow::{Actor, FixedClock, Outcome};

fn desk<'a>(store: &'a Store, clock: &'a FixedClock, calendar: &'a WorkCalendar) -> CaseDesk<'a> {
    CaseDesk {
        store,
        clock,
        calendar,
    }
}

fn source() -> Source {
    Source {
        kind: SourceKind::Clue,
        id: CLUE_ZHANG.into(),
        title: "张德明 死亡后仍领取低保".into(),
        village: Some(GUIHUA.into()),
        subjects: vec![(ZHANG.into(), "张德明".into())],
    }
}

fn meeting(way: Way, participants: &[&str]) -> Disposal {
    Disposal {
        way,
        meeting_on: day("2026-11-20"),
        participants: participants.iter().map(|p| p.to_string()).collect(),
        decision: "经集体研究, 立案审查调查".into(),
        title: String::new(),
        important: true,
    }
}

const THREE: &[&str] = &["李书记", "王委员", "赵委员"];

fn refused<T: std::fmt::Debug>(outcome: Outcome<T>, zh: &str) {
    match &outcome {
        Outcome::Refused(r) => assert!(r.zh.contains(zh), "{zh}: {r}"),
        other => panic!("expected a refusal containing {zh}, got {other:?}"),
    }
}

/// Files the case about 张德明 (桂花村) and returns its id.
async fn file(desk: &CaseDesk<'_>, by: &Actor) -> i64 {
    desk.dispose(by, &source(), &meeting(Way::FileCase, THREE))
        .await
        .unwrap()
        .changed()
        .flatten()
        .expect("a case filed")
}

#[tokio::test]
async fn a_disposal_is_decided_collectively_and_one_source_opens_one_case() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let (clock, calendar) = (FixedClock::on(day("2026-11-23")), WorkCalendar::default());
        let desk = desk(&db.store, &clock, &calendar);
        let a = actor(&db.store, "a").await;

        // One member, or the same name three times, is not a collective decision.
        for alone in [&["李书记", "王委员"][..], &["李书记", "李书记", " 李书记 "]] {
            refused(
                desk.dispose(&a, &source(), &meeting(Way::FileCase, alone))
                    .await
                    .unwrap(),
                "至少三名不同的参加人员",
            );
        }
        let mut later = meeting(Way::FileCase, THREE);
        later.meeting_on = day("2026-11-24");
        refused(
            desk.dispose(&a, &source(), &later).await.unwrap(),
            "不能晚于今天",
        );
        let mut unminuted = meeting(Way::FileCase, THREE);
        unminuted.decision = "  ".into();
        refused(
            desk.dispose(&a, &source(), &unminuted).await.unwrap(),
            "会议纪要",
        );
        // Auditors read; the township's secretary does not dispose either.
        for who in ["auditor", "director"] {
            let other = actor(&db.store, who).await;
            refused(
                desk.dispose(&other, &source(), &meeting(Way::FileCase, THREE))
                    .await
                    .unwrap(),
                "集体研究",
            );
        }
        assert!(db
            .store
            .dispositions_of("clue", CLUE_ZHANG)
            .await
            .unwrap()
            .is_empty());

        // A talk of inquiry carries its two deadlines from the calendar.
        let inquiry = desk
            .dispose(&a, &source(), &meeting(Way::Inquiry, THREE))
            .await
            .unwrap();
        assert_eq!(inquiry, Outcome::Changed(None));
        let recorded = db.store.dispositions_of("clue", CLUE_ZHANG).await.unwrap();
        let held = day("2026-11-20");
        use qingfeng_domain::calendar::Deadline;
        assert_eq!(
            recorded[0].reply_due.as_deref(),
            Some(
                calendar
                    .due(Deadline::InquiryReply, held)
                    .to_string()
                    .as_str()
            )
        );
        assert_eq!(
            recorded[0].report_due.as_deref(),
            Some(
                calendar
                    .due(Deadline::InquiryReport, held)
                    .to_string()
                    .as_str()
            )
        );
        assert_eq!(recorded[0].participants, "李书记、王委员、赵委员");

        // Filing opens the case at its first stage, once.
        let case_id = file(&desk, &a).await;
        let case = db.store.case(case_id).await.unwrap().unwrap();
        assert_eq!(case.stage, Stage::Filed);
        assert_eq!(case.subject_id_number.as_deref(), Some(ZHANG));
        let again = desk
            .dispose(&a, &source(), &meeting(Way::FileCase, THREE))
            .await
            .unwrap();
        assert!(
            matches!(&again, Outcome::AlreadyDone(r) if r.zh.contains(&format!("#{case_id}"))),
            "{again:?}"
        );
        assert_eq!(db.store.cases(None).await.unwrap().len(), 1, "{backend:?}");
    }
}

#[tokio::test]
async fn a_case_does_not_exist_for_officials_related_to_its_person() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let (clock, calendar) = (FixedClock::on(day("2026-11-23")), WorkCalendar::default());
        let desk = desk(&db.store, &clock, &calendar);
        let a = actor(&db.store, "a").await;
        let case_id = file(&desk, &a).await;

        assert!(desk.visible(&a, case_id).await.unwrap().is_some());
        // 李秀英 is of 张德明's household: the case is nowhere for her, and nothing she does
        // reaches it. The township secretary who directs 桂花村's committee is not assigned
        // and serves the case's village: the same.
        for who in ["wife", "director"] {
            let related = actor(&db.store, who).await;
            assert!(desk.visible(&related, case_id).await.unwrap().is_none());
            assert!(desk.list(&related).await.unwrap().is_empty(), "{who}");
            assert_eq!(
                desk.move_to(&related, case_id, Stage::Investigation, "开始调查")
                    .await
                    .unwrap(),
                Outcome::NotFound,
                "{who}"
            );
        }
        // The auditor reads, and cannot act.
        let auditor = actor(&db.store, "auditor").await;
        assert_eq!(desk.list(&auditor).await.unwrap().len(), 1);
        refused(
            desk.move_to(&auditor, case_id, Stage::Investigation, "开始调查")
                .await
                .unwrap(),
            "只能查阅",
        );
        assert_eq!(
            db.store.case(case_id).await.unwrap().unwrap().stage,
            Stage::Filed,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_case_is_assigned_only_to_a_proposed_official_of_another_township() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let (clock, calendar) = (FixedClock::on(day("2026-11-23")), WorkCalendar::default());
        let desk = desk(&db.store, &clock, &calendar);
        let a = actor(&db.store, "a").await;
        let case_id = file(&desk, &a).await;
        let case = db.store.case(case_id).await.unwrap().unwrap();

        let (proposals, excluded) = desk.proposals(&case).await.unwrap();
        let proposed: Vec<&str> = proposals.iter().map(|p| p.username.as_str()).collect();
        // The other township's secretary comes first; the wife of the person concerned and
        // the secretary serving its village are not proposed, each with the reason.
        assert_eq!(proposed.first(), Some(&"other"), "{proposed:?}");
        assert!(!proposed.contains(&"wife") && !proposed.contains(&"director"));
        for who in ["wife", "director"] {
            assert!(
                excluded.iter().any(|x| x.username == who),
                "{who}: {excluded:?}"
            );
        }
        let director = db.store.user_by_name("director").await.unwrap().unwrap();
        refused(
            desk.assign(&a, case_id, director.user_id, None, true)
                .await
                .unwrap(),
            "系统建议",
        );
        let other = db.store.user_by_name("other").await.unwrap().unwrap();
        let assigned = desk
            .assign(&a, case_id, other.user_id, None, true)
            .await
            .unwrap();
        assert!(
            matches!(&assigned, Outcome::Changed(p) if p.why_zh.contains("在办案件 0 件")),
            "{assigned:?}"
        );
        assert!(matches!(
            desk.assign(&a, case_id, other.user_id, None, true)
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // The assignee now sees and works the case; a township secretary cannot assign.
        let other = actor(&db.store, "other").await;
        assert!(desk.visible(&other, case_id).await.unwrap().is_some());
        assert_eq!(desk.list(&other).await.unwrap().len(), 1, "{backend:?}");
        let c = db.store.user_by_name("c").await.unwrap().unwrap();
        refused(
            desk.assign(&other, case_id, c.user_id, None, true)
                .await
                .unwrap(),
            "县纪委监委",
        );
    }
}

#[tokio::test]
async fn a_case_closes_only_with_its_four_items_and_every_remedy_ended() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let (clock, calendar) = (FixedClock::on(day("2026-11-23")), WorkCalendar::default());
        let desk = desk(&db.store, &clock, &calendar);
        let a = actor(&db.store, "a").await;
        let case_id = file(&desk, &a).await;
        let to = |stage| desk.move_to(&a, case_id, stage, "按程序推进");

        refused(
            desk.move_to(&a, case_id, Stage::Investigation, " ")
                .await
                .unwrap(),
            "理由",
        );
        refused(to(Stage::Decided).await.unwrap(), "不能从");
        for stage in [Stage::Investigation, Stage::TrialReview] {
            assert_eq!(to(stage).await.unwrap(), Outcome::Changed(stage));
        }
        assert!(matches!(
            to(Stage::TrialReview).await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // An important case: the joint discussion first, of three people or more, held.
        refused(to(Stage::Decided).await.unwrap(), "联席会议");
        let discussion = |participants: &[&str], held_on| Discussion {
            held_on: day(held_on),
            participants: participants.iter().map(|p| p.to_string()).collect(),
            units: "县纪委监委; 县民政局".into(),
            minutes: "核实冒领金额 720 元".into(),
            decision: "移送审理".into(),
        };
        refused(
            desk.discuss(
                &a,
                case_id,
                &discussion(&["县纪委", "县民政局"], "2026-11-21"),
            )
            .await
            .unwrap(),
            "至少三名",
        );
        refused(
            desk.discuss(&a, case_id, &discussion(THREE, "2026-11-30"))
                .await
                .unwrap(),
            "不能晚于今天",
        );
        assert_eq!(
            desk.discuss(&a, case_id, &discussion(THREE, "2026-11-21"))
                .await
                .unwrap(),
            Outcome::Changed(())
        );

        // Sanctions from the decision on, on a person the case concerns.
        let warning = SanctionKind::parse("gov_warning").unwrap();
        let sanction = |id: Option<&str>| NewSanction {
            id_number: id.map(str::to_string),
            name: None,
            kind: warning,
            decided_on: day("2026-11-22"),
        };
        refused(
            desk.sanction(&a, case_id, &sanction(None)).await.unwrap(),
            "作出决定之后",
        );
        assert_eq!(
            to(Stage::Decided).await.unwrap(),
            Outcome::Changed(Stage::Decided)
        );
        refused(
            desk.sanction(&a, case_id, &sanction(Some(LIU)))
                .await
                .unwrap(),
            "本案涉及",
        );
        assert_eq!(
            desk.sanction(&a, case_id, &sanction(None)).await.unwrap(),
            Outcome::Changed(())
        );
        let in_effect = desk.sanctions_in_effect(ZHANG).await.unwrap();
        assert_eq!(in_effect.len(), 1);
        assert_eq!(
            in_effect[0].until,
            warning.effective_until(day("2026-11-22"))
        );

        // Remedies: wages are docked only after refused compensation; a refund names the
        // payments and is done only in full.
        let remedy = |kind, payments: &[&str]| NewRemedy {
            kind,
            amount_fen: None,
            payment_ids: payments.iter().map(|p| p.to_string()).collect(),
            detail: "责令退还".into(),
            recall: Default::default(),
        };
        refused(
            desk.order_remedy(&a, case_id, &remedy(RemedyKind::WageDeduction, &[]))
                .await
                .unwrap(),
            "责令赔偿被拒绝后",
        );
        refused(
            desk.order_remedy(&a, case_id, &remedy(RemedyKind::Refund, &["P9999"]))
                .await
                .unwrap(),
            "发放记录",
        );
        let refund = desk
            .order_remedy(
                &a,
                case_id,
                &remedy(RemedyKind::Refund, &["P0001", "P0002"]),
            )
            .await
            .unwrap()
            .changed()
            .unwrap();
        let compensation = desk
            .order_remedy(&a, case_id, &remedy(RemedyKind::Compensation, &[]))
            .await
            .unwrap()
            .changed()
            .unwrap();
        let progress = |status, fen: Option<i64>| RemedyProgress {
            status,
            recovered_fen: fen,
            note: "进展".into(),
            vote: Default::default(),
        };
        refused(
            desk.progress_remedy(
                &a,
                case_id,
                refund,
                &progress(RemedyStatus::Done, Some(42_000)),
            )
            .await
            .unwrap(),
            "未足额",
        );
        assert_eq!(
            desk.progress_remedy(
                &a,
                case_id,
                compensation,
                &progress(RemedyStatus::Refused, None)
            )
            .await
            .unwrap(),
            Outcome::Changed(RemedyStatus::Refused)
        );
        assert!(matches!(
            desk.progress_remedy(
                &a,
                case_id,
                compensation,
                &progress(RemedyStatus::Done, None)
            )
            .await
            .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        let wage = desk
            .order_remedy(&a, case_id, &remedy(RemedyKind::WageDeduction, &[]))
            .await
            .unwrap()
            .changed()
            .unwrap();

        // Closing: the four items, and no remedy still open.
        assert_eq!(
            to(Stage::Execution).await.unwrap(),
            Outcome::Changed(Stage::Execution)
        );
        refused(to(Stage::Closed).await.unwrap(), "原因分析");
        let items = Checklist {
            cause_analysed: Some("名册审核流于形式".into()),
            responsibility_handled: Some("政务警告".into()),
            people_educated: Some("全镇警示教育会".into()),
            prevention_in_place: Some("低保名册每月公示".into()),
        };
        assert_eq!(
            desk.set_checklist(&a, case_id, &items).await.unwrap(),
            Outcome::Changed(())
        );
        let open = to(Stage::Closed).await.unwrap();
        refused(open.clone(), "未了结");
        assert!(
            matches!(&open, Outcome::Refused(r) if r.zh.contains(&format!("#{refund}")) && r.zh.contains(&format!("#{wage}"))),
            "{open:?}"
        );
        for (id, fen) in [(refund, Some(72_000)), (wage, None)] {
            assert_eq!(
                desk.progress_remedy(&a, case_id, id, &progress(RemedyStatus::Done, fen))
                    .await
                    .unwrap(),
                Outcome::Changed(RemedyStatus::Done)
            );
        }
        assert_eq!(
            to(Stage::Closed).await.unwrap(),
            Outcome::Changed(Stage::Closed)
        );
        let closed = db.store.case(case_id).await.unwrap().unwrap();
        assert_eq!(closed.closed_on.as_deref(), Some("2026-11-23"));
        // A closed case takes no new remedy and no new checklist.
        refused(
            desk.order_remedy(&a, case_id, &remedy(RemedyKind::Compensation, &[]))
                .await
                .unwrap(),
            "已结案",
        );
        refused(
            desk.set_checklist(&a, case_id, &items).await.unwrap(),
            "已结案",
        );
        assert_eq!(
            db.store.verify_audit().await.unwrap().broken,
            None,
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_decision_is_appealed_within_a_month_twice_at_most_each_decided_in_its_time() {
    use qingfeng_domain::calendar::Deadline;
    use qingfeng_workflow::cases::{AppealRequest, AppealRuling};
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let today = qingfeng_workflow::Clock::today(&qingfeng_workflow::SystemClock);
        let (clock, calendar) = (FixedClock::on(today), WorkCalendar::default());
        let desk = desk(&db.store, &clock, &calendar);
        let a = actor(&db.store, "a").await;
        let mut filing = meeting(Way::FileCase, THREE);
        filing.important = false;
        filing.meeting_on = today;
        let case_id = desk
            .dispose(&a, &source(), &filing)
            .await
            .unwrap()
            .changed()
            .flatten()
            .unwrap();
        let request = |on, reason: &str| AppealRequest {
            requested_on: on,
            reason: reason.into(),
        };
        // Nothing to appeal before the decision; and the appeal stage is not entered by hand.
        refused(
            desk.appeal(&a, case_id, &request(today, "不服"))
                .await
                .unwrap(),
            "已作出的处理决定",
        );
        for stage in [Stage::Investigation, Stage::TrialReview, Stage::Decided] {
            assert_eq!(
                desk.move_to(&a, case_id, stage, "按程序").await.unwrap(),
                Outcome::Changed(stage)
            );
        }
        refused(
            desk.move_to(&a, case_id, Stage::Appeal, "申诉")
                .await
                .unwrap(),
            "申诉阶段",
        );
        let appeals = db.store.appeals_of(case_id).await.unwrap();
        let window = desk
            .appeal_window(case_id, &appeals)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((window.level, window.from), (1, today));
        assert_eq!(window.until, calendar.due(Deadline::AppealRequest, today));
        refused(
            desk.appeal(&a, case_id, &request(today, " "))
                .await
                .unwrap(),
            "申诉理由",
        );
        // The first appeal: decided within a month; the case waits in the appeal stage.
        let first = desk
            .appeal(&a, case_id, &request(today, "处分过重"))
            .await
            .unwrap()
            .changed()
            .unwrap();
        let case = db.store.case(case_id).await.unwrap().unwrap();
        assert_eq!(case.stage, Stage::Appeal);
        let appeals = db.store.appeals_of(case_id).await.unwrap();
        assert_eq!(
            appeals[0].decide_due,
            calendar.due(Deadline::AppealDecision, today).to_string()
        );
        assert!(matches!(
            desk.appeal(&a, case_id, &request(today, "再次申诉"))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        refused(
            desk.move_to(&a, case_id, Stage::Execution, "维持")
                .await
                .unwrap(),
            "申诉阶段",
        );
        let ruling = |upheld| AppealRuling {
            upheld,
            decision: "维持原处分决定".into(),
            decided_on: today,
        };
        assert_eq!(
            desk.decide_appeal(&a, case_id, first, &ruling(true))
                .await
                .unwrap(),
            Outcome::Changed(Stage::Execution)
        );
        assert!(matches!(
            desk.decide_appeal(&a, case_id, first, &ruling(true))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        // The second, to the level above: decided within two months; sent back to trial review.
        let second = desk
            .appeal(&a, case_id, &request(today, "向上一级申请复核"))
            .await
            .unwrap()
            .changed()
            .unwrap();
        let appeals = db.store.appeals_of(case_id).await.unwrap();
        assert_eq!(appeals[1].level, 2);
        assert_eq!(
            appeals[1].decide_due,
            calendar
                .due(Deadline::SecondAppealDecision, today)
                .to_string()
        );
        assert_eq!(
            desk.decide_appeal(&a, case_id, second, &ruling(false))
                .await
                .unwrap(),
            Outcome::Changed(Stage::TrialReview)
        );
        // No third appeal, whatever the stage.
        assert_eq!(
            desk.move_to(&a, case_id, Stage::Decided, "重新审理后决定")
                .await
                .unwrap(),
            Outcome::Changed(Stage::Decided)
        );
        refused(
            desk.appeal(&a, case_id, &request(today, "第三次申诉"))
                .await
                .unwrap(),
            "不再受理",
        );
        assert_eq!(
            db.store.verify_audit().await.unwrap().broken,
            None,
            "{backend:?}"
        );
    }
}
