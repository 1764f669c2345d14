//! Filing and transferring reports on both databases: a report another body forwarded to the
//! county is due for acceptance or transfer in 5 working days (not 15 days); a transfer names
//! the body, tells the reporter, happens once, and only to a report not yet accepted; an
//! official without the report's key cannot transfer it.

use super::common::*;
use qingfeng_domain::calendar::{Deadline, WorkCalendar};
use qingfeng_test_support::{TestDb, BACKENDS};
use qingfeng_vault::KeyPair;
use qingfeng_workflow::filing::{Filed, FilingDesk, PlainReport, FORWARDED};
use qingfeng_workflow::reports::ReportDesk;
use qingfeng_workflow::{FixedClock, Outcome};

fn plain(channel: &str, receipt: &str, received_on: &str) -> PlainReport {
    PlainReport {
        channel: channel.into(),
        village_code: Some(GUIHUA.into()),
        category: "subsidy".into(),
        subject_text: Some("刘永福".into()),
        content: "低保名单有问题".into(),
        entered_by: Some("a".into()),
        received_on: day(received_on),
        receipt_hash: receipt.into(),
        filed_at: format!("{received_on}T02:00:00Z"),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_forwarded_report_is_due_in_five_working_days_and_a_transfer_happens_once() {
    for backend in BACKENDS {
        let db = TestDb::new(backend).await;
        county(&db).await;
        for who in ["a", "b"] {
            let user = db.store.user_by_name(who).await.unwrap().unwrap();
            qingfeng_workflow::accounts::give_new_key(&db.store, user.user_id, "a long password")
                .await
                .unwrap();
        }
        let clock = FixedClock::on(day("2026-11-23"));
        // A week with no holiday: Friday 20 November + 5 working days is Friday 27 November.
        let calendar = WorkCalendar::default();
        let approval = KeyPair::generate();
        let filing = FilingDesk {
            store: &db.store,
            clock: &clock,
            calendar: &calendar,
            senior_titles: &[],
            upper_recipient: None,
            approval_recipient: &approval.recipient(),
            matter_key: &[7; 32],
        };
        let mut ids = Vec::new();
        for (channel, receipt) in [(FORWARDED, "r-forwarded"), ("letter", "r-letter")] {
            match filing
                .file(plain(channel, receipt, "2026-11-20"))
                .await
                .unwrap()
            {
                Filed::County { filed, handlers } => {
                    assert_eq!(handlers, 2, "{backend:?}");
                    ids.push(filed.report_id);
                }
                other => panic!("{other:?}"),
            }
        }
        let received = day("2026-11-20");
        let due = |id| {
            let store = &db.store;
            async move {
                store
                    .report_summary(id)
                    .await
                    .unwrap()
                    .unwrap()
                    .transfer_due
                    .unwrap()
            }
        };
        assert_eq!(
            due(ids[0]).await,
            calendar
                .due(Deadline::ForwardedAcceptance, received)
                .to_string()
        );
        assert_eq!(due(ids[0]).await, "2026-11-27");
        assert_eq!(
            due(ids[1]).await,
            calendar.due(Deadline::Transfer, received).to_string()
        );

        let reports = ReportDesk {
            store: &db.store,
            clock: &clock,
            calendar: &calendar,
        };
        let a = actor(&db.store, "a").await;
        // Without a key copy the report is not there.
        let c = actor(&db.store, "c").await;
        assert_eq!(
            reports.transfer(&c, ids[0], "县民政局").await.unwrap(),
            Outcome::NotFound
        );
        assert!(matches!(
            reports.transfer(&a, ids[0], "  ").await.unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(
            reports.transfer(&a, ids[0], "县民政局").await.unwrap(),
            Outcome::Changed(())
        );
        let summary = db.store.report_summary(ids[0]).await.unwrap().unwrap();
        assert_eq!(summary.status, "transferred");
        assert_eq!(summary.transferred_to.as_deref(), Some("县民政局"));
        assert_eq!(summary.transferred_on.as_deref(), Some("2026-11-23"));
        // The reporter is told where it went.
        let status = db
            .store
            .report_status("r-forwarded")
            .await
            .unwrap()
            .unwrap();
        assert!(
            status
                .replies
                .iter()
                .any(|r| r.status == "transferred" && r.message_zh.contains("转送县民政局")),
            "{:?}",
            status.replies
        );
        // Once; and a transferred report is not accepted, nor an accepted one transferred.
        assert!(matches!(
            reports.transfer(&a, ids[0], "县民政局").await.unwrap(),
            Outcome::AlreadyDone(_)
        ));
        assert!(matches!(
            reports.accept(&a, ids[0]).await.unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(
            reports.accept(&a, ids[1]).await.unwrap(),
            Outcome::Changed(())
        );
        assert!(matches!(
            reports.transfer(&a, ids[1], "县民政局").await.unwrap(),
            Outcome::Refused(_)
        ));
        assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
    }
}
