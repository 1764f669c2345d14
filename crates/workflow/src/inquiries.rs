//! 谈话函询: a talk or letter of inquiry, one of the four ways a clue or report is disposed of.
//! The person asked replies in writing within 15 working days; the handling department reports
//! on the inquiry within one month (`domain.md`, "From clue to case"). Both dates are set when
//! the disposal is recorded; here the reply and then the report are recorded as they come, each
//! once, and a waiting one past its day is overdue.

use crate::outcome::require;
use crate::{Clock, Outcome};
use anyhow::Result;
use qingfeng_store::cases::Disposition;
use qingfeng_store::Store;

/// What came in on an inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryStep {
    /// The written reply of the person asked.
    Reply,
    /// The department's report on the inquiry (after the reply).
    Report,
}

impl InquiryStep {
    pub fn parse(code: &str) -> Option<InquiryStep> {
        match code {
            "reply" => Some(InquiryStep::Reply),
            "report" => Some(InquiryStep::Report),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            InquiryStep::Reply => "reply",
            InquiryStep::Report => "report",
        }
    }
}

/// Which of an inquiry's dates have passed unmet on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overdue {
    pub reply: bool,
    pub report: bool,
}

/// The overdue marks of `d` on `today` (ISO dates compare as text).
pub fn overdue(d: &Disposition, today: &str) -> Overdue {
    let late = |due: &Option<String>, met: &Option<String>| {
        met.is_none() && due.as_deref().is_some_and(|due| due < today)
    };
    Overdue {
        reply: late(&d.reply_due, &d.replied_on),
        report: late(&d.report_due, &d.reported_on),
    }
}

pub struct InquiryDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
}

impl InquiryDesk<'_> {
    /// Records the reply or the report of inquiry `d` (the caller has checked that the actor
    /// may see its clue or report).
    pub async fn record(
        &self,
        actor_name: &str,
        d: &Disposition,
        step: InquiryStep,
    ) -> Result<Outcome> {
        require!(
            d.way == qingfeng_domain::case::Way::Inquiry,
            "这项处置不是谈话函询",
            "this disposal is not a talk or letter of inquiry",
        );
        let done = match step {
            InquiryStep::Reply => &d.replied_on,
            InquiryStep::Report => &d.reported_on,
        };
        if let Some(on) = done {
            return Ok(Outcome::already_done(
                format!("已于{on}记录"),
                format!("recorded already, on {on}"),
            ));
        }
        require!(
            step == InquiryStep::Reply || d.replied_on.is_some(),
            "须先收到被函询人的书面回复，再报告函询情况",
            "the written reply comes before the report on the inquiry",
        );
        let today = self.clock.today().to_string();
        Ok(
            if self
                .store
                .record_inquiry_step(d.disposition_id, step.code(), &today, actor_name)
                .await?
            {
                Outcome::Changed(())
            } else {
                Outcome::already_done("刚有他人记录", "someone has just recorded it")
            },
        )
    }
}
