//! The clue use cases on both databases, against the insiders they guard against: an official
//! related to a person a clue names, one serving the clue's village, and a single reviewer who
//! would like to make a clue go away alone.

use super::common::*;
use qingfeng_domain::calendar::WorkCalendar;
use qingfeng_store::clue_procedure::Tally;
use qingfeng_store::{ClueFilter, Scope, Store};
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_workflow::clues::{ClueDesk, Ending, Proposal, Review};
use qingfeng_workflow::{Actor, FixedClock, Outcome, Role};

fn desk<'a>(store: &'a Store, clock: &'a FixedClock, calendar: &'a WorkCalendar) -> ClueDesk<'a> {
    ClueDesk {
        store,
        clock,
        calendar,
    }
}

fn all() -> ClueFilter {
    ClueFilter {
        limit: 50,
        ..Default::default()
    }
}

fn proposal(ending: Ending) -> Proposal {
    Proposal {
        ending,
        meeting_on: day("2026-11-20"),
        reason: "死亡前月份的补发，经集体研究予以排除".into(),
    }
}

#[tokio::test]
async fn an_official_related_to_a_clue_finds_it_nowhere_and_can_do_nothing_with_it() {
    let calendar = WorkCalendar::default();
    let clock = FixedClock::on(day("2026-11-25"));
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let desk = desk(&db.store, &clock, &calendar);
        // Who is kept from what: the wife from her husband's clue, the former secretary from the
        // clue naming his declared wife (his post has ended: only the relation counts), the
        // serving director from every clue of his village.
        for (name, hidden) in [
            ("a", vec![]),
            ("wife", vec![CLUE_ZHANG]),
            ("chen", vec![CLUE_PAYEE]),
            ("director", vec![CLUE_ZHANG, CLUE_LIU]),
        ] {
            let who = actor(&db.store, name).await;
            let expected: Vec<&str> = [CLUE_ZHANG, CLUE_PAYEE, CLUE_LIU]
                .into_iter()
                .filter(|fp| !hidden.contains(fp))
                .collect();
            // The queue lists, counts and the dashboard tallies exactly what the page shows.
            let (page, total) = desk.queue(&who, all()).await.unwrap();
            let mut listed: Vec<&str> = page.iter().map(|c| c.fingerprint.as_str()).collect();
            listed.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(listed, want, "{backend:?} {name}: the queue");
            assert_eq!(
                total,
                expected.len() as i64,
                "{backend:?} {name}: the count"
            );
            let filtered = ClueFilter {
                severity: Some(qingfeng_domain::Severity::High),
                ..all()
            };
            assert_eq!(
                desk.queue(&who, filtered).await.unwrap().1,
                expected.len() as i64,
                "{backend:?} {name}: the count of a filtered queue"
            );
            for by in ["rule", "village", "month"] {
                let tally = desk.tally(&who, by).await.unwrap();
                assert_eq!(
                    tally.iter().map(|t| t.clues).sum::<i64>(),
                    expected.len() as i64,
                    "{backend:?} {name}: tally by {by}"
                );
            }
            for fp in [CLUE_ZHANG, CLUE_PAYEE, CLUE_LIU] {
                let seen = desk.visible(&who, fp).await.unwrap().is_some();
                assert_eq!(seen, !hidden.contains(&fp), "{backend:?} {name} {fp}");
            }
            // Nor can they act on a hidden clue: every use case answers "not found".
            for fp in hidden {
                assert_eq!(
                    desk.review(&who, fp, Review::Confirm, None).await.unwrap(),
                    Outcome::NotFound
                );
                assert_eq!(
                    desk.propose(&who, fp, &proposal(Ending::Dismiss))
                        .await
                        .unwrap(),
                    Outcome::NotFound
                );
                if who.role == Role::Investigator {
                    assert_eq!(
                        desk.hand_over(&who, &[fp.to_string()], TOWNSHIP, None)
                            .await
                            .unwrap(),
                        Outcome::NotFound
                    );
                }
            }
        }
        // Nor do the risk scores tell them: the director sees neither his own score nor his
        // village's; an unrelated investigator sees all.
        let director = actor(&db.store, "director").await;
        let a = actor(&db.store, "a").await;
        let subjects = |scores: Vec<qingfeng_store::Score>| -> Vec<String> {
            scores.into_iter().map(|s| s.subject).collect()
        };
        assert_eq!(
            subjects(desk.top_scores(&a, "village", 10).await.unwrap()),
            vec![GUIHUA.to_string(), SHILING.to_string()]
        );
        assert_eq!(
            subjects(desk.top_scores(&director, "village", 10).await.unwrap()),
            vec![SHILING.to_string()]
        );
        let chen = actor(&db.store, "chen").await;
        assert_eq!(
            subjects(desk.top_scores(&chen, "official", 10).await.unwrap()),
            vec![LI_JIANGUO.to_string()],
            "{backend:?}: his own score is kept from him"
        );
        assert_eq!(
            subjects(desk.top_scores(&a, "official", 10).await.unwrap()),
            vec![LI_JIANGUO.to_string(), CHEN.to_string()]
        );
        // A proposal on the husband's clue cannot be signed by the wife either.
        let id = desk
            .propose(&a, CLUE_ZHANG, &proposal(Ending::Dismiss))
            .await
            .unwrap()
            .changed()
            .unwrap();
        let wife = actor(&db.store, "wife").await;
        assert_eq!(
            desk.sign(&wife, CLUE_ZHANG, id, true, "").await.unwrap(),
            Outcome::NotFound
        );
        assert_eq!(
            db.store.clue_proposals(CLUE_ZHANG).await.unwrap()[0]
                .votes
                .len(),
            1
        );
        db.drop_db().await;
    }
}

#[tokio::test]
async fn one_reviewer_only_proposes_and_three_members_agreeing_dismiss_a_clue() {
    let calendar = WorkCalendar::default();
    let clock = FixedClock::on(day("2026-11-25"));
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let desk = desk(&db.store, &clock, &calendar);
        let (a, b, c, d) = (
            actor(&db.store, "a").await,
            actor(&db.store, "b").await,
            actor(&db.store, "c").await,
            actor(&db.store, "d").await,
        );
        // What a proposal needs: a minuted reason, a meeting that has taken place, a role that
        // takes part in deciding clues.
        let mut p = proposal(Ending::Dismiss);
        p.reason = "  ".into();
        assert!(matches!(
            desk.propose(&a, CLUE_PAYEE, &p).await.unwrap(),
            Outcome::Refused(_)
        ));
        let mut p = proposal(Ending::Dismiss);
        p.meeting_on = day("2026-11-26");
        assert!(matches!(
            desk.propose(&a, CLUE_PAYEE, &p).await.unwrap(),
            Outcome::Refused(_)
        ));
        let auditor = actor(&db.store, "auditor").await;
        assert!(matches!(
            desk.propose(&auditor, CLUE_PAYEE, &proposal(Ending::Dismiss))
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        let id = desk
            .propose(&a, CLUE_PAYEE, &proposal(Ending::Dismiss))
            .await
            .unwrap()
            .changed()
            .expect("proposed");
        let status = |fp: &'static str| {
            let store = db.store.clone();
            async move {
                store
                    .clue_in_scope(&Scope::County, fp)
                    .await
                    .unwrap()
                    .unwrap()
                    .review_status
            }
        };
        assert_eq!(status(CLUE_PAYEE).await, "proposed");
        // The proposer cannot sign twice; an objection needs its reason.
        assert!(matches!(
            desk.sign(&a, CLUE_PAYEE, id, true, "").await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert!(matches!(
            desk.sign(&b, CLUE_PAYEE, id, false, " ").await.unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(
            desk.sign(&b, CLUE_PAYEE, id, true, "").await.unwrap(),
            Outcome::Changed(Tally::Open)
        );
        assert_eq!(status(CLUE_PAYEE).await, "proposed", "two are not enough");
        assert!(db.store.clue_reviews(CLUE_PAYEE).await.unwrap().is_empty());
        assert_eq!(
            desk.sign(&c, CLUE_PAYEE, id, true, "同意").await.unwrap(),
            Outcome::Changed(Tally::Decided)
        );
        assert_eq!(status(CLUE_PAYEE).await, "dismissed");
        let reviews = db.store.clue_reviews(CLUE_PAYEE).await.unwrap();
        assert_eq!(reviews.len(), 1);
        assert_eq!(reviews[0].action, "dismissed");
        assert_eq!(reviews[0].reviewer, "a, b, c");
        assert_eq!(
            reviews[0].reason.as_deref(),
            Some(proposal(Ending::Dismiss).reason.as_str())
        );
        // Decided: a fourth signature, a new proposal and a single reviewer change nothing.
        assert!(matches!(
            desk.sign(&d, CLUE_PAYEE, id, false, "不同意")
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert!(matches!(
            desk.propose(&d, CLUE_PAYEE, &proposal(Ending::Close))
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert!(matches!(
            desk.review(&d, CLUE_PAYEE, Review::Confirm, None)
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(status(CLUE_PAYEE).await, "dismissed");
        // Every step is in the audit trail, which still verifies.
        let trail = db.store.audit_of("clue", CLUE_PAYEE).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|r| r.action.as_str()).collect();
        for action in [
            "clue.outcome_proposed",
            "clue.proposal_signed",
            "clue.decided",
        ] {
            assert!(
                actions.contains(&action),
                "{backend:?} {action} in {actions:?}"
            );
        }
        assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
        db.drop_db().await;
    }
}

#[tokio::test]
async fn objections_reject_a_proposal_and_confirming_withdraws_one() {
    let calendar = WorkCalendar::default();
    let clock = FixedClock::on(day("2026-11-25"));
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let desk = desk(&db.store, &clock, &calendar);
        let (a, b, c, d) = (
            actor(&db.store, "a").await,
            actor(&db.store, "b").await,
            actor(&db.store, "c").await,
            actor(&db.store, "d").await,
        );
        // Confirmed first, then proposed for closing: three objections reject the proposal and
        // the clue stands confirmed again.
        assert_eq!(
            desk.review(&a, CLUE_LIU, Review::Confirm, Some(1_000))
                .await
                .unwrap(),
            Outcome::Changed(())
        );
        let id = desk
            .propose(&a, CLUE_LIU, &proposal(Ending::Close))
            .await
            .unwrap()
            .changed()
            .unwrap();
        for (who, expected) in [(&b, Tally::Open), (&c, Tally::Open), (&d, Tally::Rejected)] {
            assert_eq!(
                desk.sign(who, CLUE_LIU, id, false, "钱尚未退还")
                    .await
                    .unwrap(),
                Outcome::Changed(expected)
            );
        }
        let clue = db
            .store
            .clue_in_scope(&Scope::County, CLUE_LIU)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(clue.review_status, "confirmed");
        assert_eq!(
            db.store.clue_proposals(CLUE_LIU).await.unwrap()[0].state,
            "rejected"
        );
        // A new proposal, then a reviewer confirms the clue: the open proposal is withdrawn and
        // can no longer be signed.
        let id = desk
            .propose(&b, CLUE_LIU, &proposal(Ending::Close))
            .await
            .unwrap()
            .changed()
            .unwrap();
        assert_eq!(
            desk.review(&c, CLUE_LIU, Review::Correct(4_000), None)
                .await
                .unwrap(),
            Outcome::Changed(())
        );
        assert!(matches!(
            desk.sign(&d, CLUE_LIU, id, true, "").await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        let clue = db
            .store
            .clue_in_scope(&Scope::County, CLUE_LIU)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(clue.review_status, "corrected");
        db.drop_db().await;
    }
}

#[tokio::test]
async fn a_hand_over_is_overdue_past_its_day_until_the_township_answers() {
    let calendar = WorkCalendar::default();
    let handed_on = FixedClock::on(day("2026-11-02"));
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        let a = actor(&db.store, "a").await;
        let desk_then = desk(&db.store, &handed_on, &calendar);
        // A day already past, or not a township: refused, nothing handed over.
        assert!(matches!(
            desk_then
                .hand_over(&a, &[CLUE_PAYEE.into()], TOWNSHIP, Some(day("2026-11-01")))
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            desk_then
                .hand_over(&a, &[CLUE_PAYEE.into()], SHILING, None)
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        assert!(db
            .store
            .clue_assignments(CLUE_PAYEE)
            .await
            .unwrap()
            .is_empty());
        // Handed over with the default period: due 30 days later.
        assert_eq!(
            desk_then
                .hand_over(&a, &[CLUE_PAYEE.into()], TOWNSHIP, None)
                .await
                .unwrap(),
            Outcome::Changed(1)
        );
        let handed = db.store.clue_assignments(CLUE_PAYEE).await.unwrap();
        assert_eq!(handed[0].due_on.as_deref(), Some("2026-12-02"));
        let waiting = |clock: FixedClock, who: Actor| {
            let store = db.store.clone();
            let calendar = calendar.clone();
            async move {
                desk(&store, &clock, &calendar)
                    .waiting(&who)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|w| (w.hand_over.fingerprint, w.overdue))
                    .collect::<Vec<_>>()
            }
        };
        let director = actor(&db.store, "director").await;
        let on_the_day = FixedClock::on(day("2026-12-02"));
        let after = FixedClock::on(day("2026-12-03"));
        assert_eq!(
            waiting(on_the_day, a.clone()).await,
            vec![(CLUE_PAYEE.to_string(), false)]
        );
        assert_eq!(
            waiting(after, a.clone()).await,
            vec![(CLUE_PAYEE.to_string(), true)]
        );
        // The township sees it waiting too; an investigator cannot answer for the township, nor
        // can the township answer with nothing.
        assert_eq!(
            waiting(after, director.clone()).await,
            vec![(CLUE_PAYEE.to_string(), true)]
        );
        let desk_late = desk(&db.store, &after, &calendar);
        assert!(matches!(
            desk_late
                .answer_hand_over(&a, CLUE_PAYEE, "已核实")
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        assert!(matches!(
            desk_late
                .answer_hand_over(&director, CLUE_PAYEE, " ")
                .await
                .unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(
            desk_late
                .answer_hand_over(&director, CLUE_PAYEE, "已核实，责令退还 990 元")
                .await
                .unwrap(),
            Outcome::Changed(())
        );
        assert!(waiting(after, a.clone()).await.is_empty());
        assert!(matches!(
            desk_late
                .answer_hand_over(&director, CLUE_PAYEE, "再次反馈")
                .await
                .unwrap(),
            Outcome::AlreadyDone(_)
        ));
        let handed = db.store.clue_assignments(CLUE_PAYEE).await.unwrap();
        assert_eq!(
            handed[0].feedback.as_deref(),
            Some("已核实，责令退还 990 元")
        );
        assert_eq!(handed[0].feedback_by.as_deref(), Some("director"));
        db.drop_db().await;
    }
}

#[tokio::test]
async fn clues_recorded_before_the_persons_index_are_indexed_when_the_store_migrates() {
    let calendar = WorkCalendar::default();
    let clock = FixedClock::on(day("2026-11-25"));
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        // As a database that had clues before migration 9: no persons indexed, a backfill due.
        db.execute("DELETE FROM clue_persons").await;
        db.execute("INSERT INTO backfills (name) VALUES ('clue_persons')")
            .await;
        let wife = actor(&db.store, "wife").await;
        let desk = desk(&db.store, &clock, &calendar);
        assert_eq!(
            desk.queue(&wife, all()).await.unwrap().1,
            3,
            "not indexed yet"
        );
        db.store.migrate().await.unwrap();
        let (page, total) = desk.queue(&wife, all()).await.unwrap();
        assert_eq!(total, 2);
        assert!(page.iter().all(|c| c.fingerprint != CLUE_ZHANG));
        db.drop_db().await;
    }
}
