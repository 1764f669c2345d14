//! A report after it was filed: accepting it (受理), extending its handling once, concluding it
//! with the reply the reporter reads, and deciding the reporter's review or second review.
//!
//! Rules, from 《信访工作条例》 and 《纪检监察机关处理检举控告工作规则》 (see `domain.md`):
//! - only an official holding the report's key acts on it (the conflict-of-interest exclusion
//!   decided who got a key when the report was filed); to anyone else it does not exist;
//! - a received report is accepted once, and its handling is due 60 days later;
//! - a received report the county does not handle is transferred (转送) instead, with the body it
//!   goes to; the reporter is told where. Either is due within 15 days of registration, within 5
//!   working days for a report forwarded to the county by another body (see `crate::filing`);
//! - an accepted report may be extended once, by at most 30 days, with a reason the reporter
//!   is told;
//! - only an accepted report is concluded, with its outcome; a real-name reporter is told of the
//!   result within 15 working days of the closing, and when and how is recorded;
//! - the reporter asks for a review within 30 days of the reply, and for a second review within
//!   30 days of the review's decision, with reasons; each is decided within 30 days;
//! - a review (复查) or second review (复核) is decided by the body one level up (《信访工作条例》
//!   art. 35), never by the county that replied: by a higher commission's reviewer holding the
//!   review copy of the report's key; the second by someone other than the first's reviewer;
//!   each once, with its conclusion.
//!
//! Every refusal says why; nothing is dropped silently (before, accepting or concluding a
//! report in the wrong state answered as if it had worked).

use crate::outcome::require;
use crate::role::REVIEWERS;
use crate::{Actor, Clock, Outcome};
use anyhow::Result;
use qingfeng_domain::calendar::{Deadline, WorkCalendar};
use qingfeng_store::reports::{ReportSummary, ReviewRequest};
use qingfeng_store::ReportStatus;
use qingfeng_store::Store;

/// The longest reason a reporter may give for a review (as for a report's content).
pub const MAX_REVIEW_REASON_CHARS: usize = 5000;

/// At most this many days of extension, once.
pub const MAX_EXTENSION_DAYS: i64 = 30;

/// The report use cases, over one store, clock and calendar.
pub struct ReportDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "received" => "已登记",
        "accepted" => "已受理",
        "concluded" => "已办结",
        "transferred" => "已转送",
        "review_requested" => "已申请复查",
        "reviewed" => "已复查",
        "second_review_requested" => "已申请复核",
        "second_reviewed" => "已复核",
        _ => "其他",
    }
}

impl ReportDesk<'_> {
    /// Whether a new report on the matter `matter_hash` is not accepted: a second review (复核)
    /// of the same facts has been decided, after which they are not accepted again
    /// (《信访工作条例》 art. 35). Returns the reply the reporter reads (zh, en).
    pub async fn barred_by_final_review(
        &self,
        matter_hash: Option<&str>,
    ) -> Result<Option<(String, String)>> {
        let Some(matter) = matter_hash else {
            return Ok(None);
        };
        Ok(self
            .store
            .matter_finally_reviewed(matter)
            .await?
            .map(|on| {
                (
                    format!(
                        "同一事实和理由已于{on}复核终结，依《信访工作条例》第三十五条不再受理。"
                    ),
                    format!(
                        "The same facts were finally decided on second review on {on}; under art. 35 of the Regulations on Letters and Visits they are not accepted again."
                    ),
                )
            }))
    }

    /// The review the reporter of `status` may ask for today, if any: its level (1 复查, 2 复核)
    /// and the last day to ask (30 days from the reply, or from the review's decision).
    pub fn review_window(
        &self,
        status: &ReportStatus,
        reviews: &[ReviewRequest],
    ) -> Option<(i64, chrono::NaiveDate)> {
        let (level, from) = match (status.status.as_str(), reviews.len()) {
            ("concluded", 0) => (1, status.closed_on.clone()?),
            ("reviewed", 1) => (2, reviews[0].decided_on.clone()?),
            _ => return None,
        };
        let day = chrono::NaiveDate::parse_from_str(&from, "%Y-%m-%d").ok()?;
        let until = self.calendar.due(Deadline::ReviewRequest, day);
        (self.clock.today() <= until).then_some((level, until))
    }

    /// The reporter asks, with the receipt code, for the review of `level` the report admits
    /// now, with `reason` (sealed to the report's key like the report); `reply` is the
    /// acknowledgement the reporter reads (zh, en), `{date}` standing for the day the decision is
    /// due, which is returned.
    pub async fn request_review(
        &self,
        status: &ReportStatus,
        level: i64,
        reason: &str,
        reply: (&str, &str),
    ) -> Result<Outcome<chrono::NaiveDate>> {
        let reviews = self.store.reviews_of(status.report_id).await?;
        let Some((admitted, until)) = self.review_window(status, &reviews) else {
            return Ok(Outcome::refused(
                "现在不能申请复查或复核",
                "no review can be asked for now",
            ));
        };
        require!(
            level == admitted,
            if admitted == 1 {
                format!("现在只能申请复查（至{until}）")
            } else {
                format!("现在只能申请复核（至{until}）")
            },
            format!("only the review of level {admitted} can be asked for now (until {until})"),
        );
        let reason = reason.trim();
        require!(
            !reason.is_empty() && reason.chars().count() <= MAX_REVIEW_REASON_CHARS,
            "请写明申请理由（不超过5000字）",
            "give the reasons (at most 5000 characters)",
        );
        let Some(recipient) = self.store.report_recipient(status.report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        let sealed = qingfeng_vault::seal_to(&[&recipient], reason.as_bytes())?;
        let today = self.clock.today();
        let due = self.calendar.due(Deadline::ReviewDecision, today);
        let (zh, en) = (
            reply.0.replace("{date}", &due.to_string()),
            reply.1.replace("{date}", &due.to_string()),
        );
        self.store
            .request_review(
                status.report_id,
                level,
                &today.to_string(),
                &sealed,
                &due.to_string(),
                (&zh, &en),
            )
            .await?;
        Ok(Outcome::Changed(due))
    }

    /// The report, if the actor holds its key.
    async fn held(&self, actor: &Actor, report_id: i64) -> Result<Option<ReportSummary>> {
        if !self
            .store
            .holds_report_key(actor.user_id, report_id)
            .await?
        {
            return Ok(None);
        }
        self.store.report_summary(report_id).await
    }

    /// Accepts a received report; its handling is due 60 days on.
    pub async fn accept(&self, actor: &Actor, report_id: i64) -> Result<Outcome> {
        let Some(report) = self.held(actor, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if report.accepted_on.is_some() {
            return Ok(Outcome::already_done(
                format!("该举报已于{}受理", report.accepted_on.unwrap_or_default()),
                "this report has been accepted already",
            ));
        }
        require!(
            report.status == "received",
            format!("该举报当前状态为“{}”，不能受理", status_zh(&report.status)),
            format!("a report that is {} cannot be accepted", report.status),
        );
        let today = self.clock.today();
        let due = self.calendar.due(Deadline::Handling, today);
        let accepted = self
            .store
            .accept_report(
                report_id,
                &actor.username,
                &today.to_string(),
                &due.to_string(),
                (
                    "您的举报已受理, 将在60日内办结并答复。",
                    "Your report has been accepted; it will be handled and answered within 60 days.",
                ),
            )
            .await?;
        Ok(if accepted {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该举报刚被他人受理",
                "someone has just accepted this report",
            )
        })
    }

    /// Transfers a received report to the body `to` that handles it, telling the reporter.
    pub async fn transfer(&self, actor: &Actor, report_id: i64, to: &str) -> Result<Outcome> {
        let Some(report) = self.held(actor, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if let (Some(body), Some(on)) = (&report.transferred_to, &report.transferred_on) {
            return Ok(Outcome::already_done(
                format!("该举报已于{on}转送{body}"),
                format!("this report was transferred to {body} on {on}"),
            ));
        }
        require!(
            report.status == "received",
            format!("该举报当前状态为“{}”，不能转送", status_zh(&report.status)),
            format!("a report that is {} cannot be transferred", report.status),
        );
        let to = to.trim();
        require!(
            !to.is_empty() && to.chars().count() <= 100,
            "请写明转送的机关或单位",
            "name the body the report goes to",
        );
        let today = self.clock.today();
        let transferred = self
            .store
            .transfer_report(
                report_id,
                &actor.username,
                to,
                &today.to_string(),
                (
                    &format!("您的举报已于{today}转送{to}办理, 请向其了解办理情况。"),
                    &format!("Your report was transferred to {to} on {today}, which handles it; ask them how it stands."),
                ),
            )
            .await?;
        Ok(if transferred {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该举报刚被他人受理或转送",
                "someone has just accepted or transferred this report",
            )
        })
    }

    /// Extends the handling once, by `days` (1 to 30), telling the reporter `reason`.
    pub async fn extend(
        &self,
        actor: &Actor,
        report_id: i64,
        days: i64,
        reason: &str,
    ) -> Result<Outcome> {
        let Some(report) = self.held(actor, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if self.store.report_extended(report_id).await? {
            return Ok(Outcome::already_done(
                "该举报已延期一次，依法只能延期一次",
                "this report has been extended once already, the most the law allows",
            ));
        }
        require!(
            report.status == "accepted",
            "只有已受理、未办结的举报可以延期",
            "only an accepted report not yet concluded can be extended",
        );
        require!(
            (1..=MAX_EXTENSION_DAYS).contains(&days),
            "延期不超过30日",
            "an extension is of at most 30 days",
        );
        let reason = reason.trim();
        require!(
            !reason.is_empty(),
            "请写明延期理由（将告知举报人）",
            "write the reason for the extension (the reporter is told)",
        );
        let Some(due) = report
            .handle_due
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return Ok(Outcome::refused(
                "该举报没有办理期限，不能延期",
                "this report has no handling deadline to extend",
            ));
        };
        let new_due = due + chrono::Duration::days(days);
        let zh = format!("办理期限延长 {days} 日, 至 {new_due}。理由: {reason}");
        let en = format!("Handling extended by {days} days, to {new_due}. Reason: {reason}");
        let extended = self
            .store
            .extend_report(
                report_id,
                &actor.username,
                days,
                &new_due.to_string(),
                (&zh, &en),
            )
            .await?;
        Ok(if extended {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该举报刚被他人延期",
                "someone has just extended this report",
            )
        })
    }

    /// Concludes an accepted report with its outcome, which the reporter reads.
    pub async fn conclude(&self, actor: &Actor, report_id: i64, outcome: &str) -> Result<Outcome> {
        let Some(report) = self.held(actor, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        if report.closed_on.is_some() {
            return Ok(Outcome::already_done(
                format!("该举报已于{}办结", report.closed_on.unwrap_or_default()),
                "this report has been concluded already",
            ));
        }
        require!(
            report.status == "accepted",
            format!(
                "该举报当前状态为“{}”，须先受理才能办结",
                status_zh(&report.status)
            ),
            format!(
                "a report that is {} must be accepted before it is concluded",
                report.status
            ),
        );
        let outcome = outcome.trim();
        require!(
            !outcome.is_empty(),
            "请写明办理结果。",
            "Please write the outcome."
        );
        let zh = format!("办理结果: {outcome}");
        let en = format!("Outcome: {outcome}");
        let today = self.clock.today();
        // A real-name reporter is told of the result within 15 working days of the closing.
        let notice_due = (!report.anonymous)
            .then(|| self.calendar.due(Deadline::ResultNotice, today).to_string());
        let concluded = self
            .store
            .conclude_report(
                report_id,
                &actor.username,
                &today.to_string(),
                notice_due.as_deref(),
                (&zh, &en),
            )
            .await?;
        Ok(if concluded {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该举报刚被他人办结",
                "someone has just concluded this report",
            )
        })
    }

    /// Records that the real-name reporter was told of the result, and how.
    pub async fn record_result_notice(
        &self,
        actor: &Actor,
        report_id: i64,
        how: &str,
    ) -> Result<Outcome> {
        let Some(report) = self.held(actor, report_id).await? else {
            return Ok(Outcome::NotFound);
        };
        require!(
            !report.anonymous,
            "匿名举报人凭查询码查看办理结果，无需另行告知",
            "an anonymous reporter reads the result with the receipt code; there is no one to tell",
        );
        if let Some(on) = &report.result_notified_on {
            return Ok(Outcome::already_done(
                format!("已于{on}告知举报人办理结果"),
                format!("the reporter was told of the result on {on}"),
            ));
        }
        require!(
            report.result_notice_due.is_some(),
            "举报尚未办结，还没有结果可以告知",
            "the report is not concluded: there is no result to tell yet",
        );
        let how = how.trim();
        require!(
            !how.is_empty(),
            "请写明告知方式（电话、书面或当面）",
            "say how the reporter was told (telephone, letter or in person)",
        );
        let today = self.clock.today().to_string();
        Ok(
            if self
                .store
                .record_result_notice(report_id, &actor.username, &today, how)
                .await?
            {
                Outcome::Changed(())
            } else {
                Outcome::already_done(
                    "刚有他人记录了结果告知",
                    "someone has just recorded the notice",
                )
            },
        )
    }

    /// Decides the reporter's review (复查, level 1) or second review (复核, level 2).
    pub async fn decide_review(
        &self,
        actor: &Actor,
        report_id: i64,
        review_id: i64,
        outcome: &str,
    ) -> Result<Outcome> {
        let handler = self.held(actor, report_id).await?.is_some();
        let reviewer = self
            .store
            .holds_review_key(actor.user_id, report_id)
            .await?;
        if !handler && !reviewer {
            return Ok(Outcome::NotFound);
        }
        // The county that replied does not review its own reply: the body one level up does.
        require!(
            reviewer && actor.is(REVIEWERS),
            "复查、复核由上一级机关决定, 作出答复的机关不能自行决定",
            "a review is decided by the body one level up, never by the body that replied",
        );
        let Some(review) = self
            .store
            .reviews_of(report_id)
            .await?
            .into_iter()
            .find(|r| r.review_id == review_id)
        else {
            return Ok(Outcome::NotFound);
        };
        if let Some(on) = &review.decided_on {
            return Ok(Outcome::already_done(
                format!("该复查（复核）已于{on}作出决定"),
                "this review has been decided already",
            ));
        }
        // The second review is another reviewer's: not the one who decided the first.
        if review.level > 1 {
            let first_by = self
                .store
                .reviews_of(report_id)
                .await?
                .into_iter()
                .find(|r| r.level == 1)
                .and_then(|r| r.decided_by);
            require!(
                first_by.as_deref() != Some(actor.username.as_str()),
                "复核须由复查决定人以外的人员办理",
                "the second review is decided by someone other than the first review's reviewer",
            );
        }
        let outcome = outcome.trim();
        require!(
            !outcome.is_empty(),
            "请写明办理结果。",
            "Please write the outcome."
        );
        let (zh, en) = if review.level == 1 {
            (
                format!("复查结论: {outcome}"),
                format!("Review decision: {outcome}"),
            )
        } else {
            (
                format!("复核结论(最终): {outcome}"),
                format!("Second review decision (final): {outcome}"),
            )
        };
        let today = self.clock.today().to_string();
        let decided = self
            .store
            .decide_review(review_id, &actor.username, &today, (&zh, &en))
            .await?;
        Ok(if decided {
            Outcome::Changed(())
        } else {
            Outcome::already_done(
                "该复查（复核）刚被他人决定",
                "someone has just decided this review",
            )
        })
    }
}
