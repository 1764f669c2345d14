//! 处置: a clue or report disposed of in one of the four ways, or by filing a case.

use super::{collective, CaseDesk};
use crate::outcome::require;
use crate::role::DISPOSERS;
use crate::{Actor, Outcome};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::calendar::Deadline;
use qingfeng_domain::case::Way;
use qingfeng_store::cases::{NewCase, NewDisposition};

/// What a disposal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A clue of the check, by fingerprint.
    Clue,
    /// A report, by id.
    Report,
}

impl SourceKind {
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Clue => "clue",
            SourceKind::Report => "report",
        }
    }

    pub fn parse(code: &str) -> Option<SourceKind> {
        match code {
            "clue" => Some(SourceKind::Clue),
            "report" => Some(SourceKind::Report),
            _ => None,
        }
    }
}

/// The clue or report being disposed of, as the official may see it: the caller reads it
/// through the clue's conflict-of-interest policy or with the official's own key to the report,
/// so that a source the official may not see never reaches [`CaseDesk::dispose`].
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: SourceKind,
    pub id: String,
    pub title: String,
    pub village: Option<String>,
    /// Every person it names (ID number, name as found in the registers), its subject first.
    pub subjects: Vec<(String, String)>,
}

/// The meeting's decision, as the official records it.
#[derive(Debug, Clone)]
pub struct Disposal {
    pub way: Way,
    pub meeting_on: NaiveDate,
    /// Who took part, one name each.
    pub participants: Vec<String>,
    /// The decision as minuted.
    pub decision: String,
    /// The case's title when one is filed (the source's title when empty).
    pub title: String,
    /// An important case: decided only after a joint discussion.
    pub important: bool,
}

/// The participants of a meeting as typed: names separated by commas (either width) or 、.
pub fn participants(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

impl CaseDesk<'_> {
    /// Records the meeting's disposal of `source`; for [`Way::FileCase`] opens the case at its
    /// first stage and returns its id.
    pub async fn dispose(
        &self,
        actor: &Actor,
        source: &Source,
        d: &Disposal,
    ) -> Result<Outcome<Option<i64>>> {
        require!(
            actor.is(DISPOSERS),
            "处置须由县纪委监委集体研究决定, 本角色不能处置",
            "disposal is the county commission's collective decision; this role cannot dispose",
        );
        let today = self.clock.today();
        require!(
            d.meeting_on <= today,
            "集体研究日期不能晚于今天",
            "the meeting cannot be later than today",
        );
        require!(
            collective(&d.participants),
            "须集体研究决定: 至少三名不同的参加人员",
            "a disposal is decided collectively: at least three different participants",
        );
        let decision = d.decision.trim();
        require!(
            !decision.is_empty(),
            "须记录研究决定(会议纪要)",
            "record the meeting's decision (its minutes)",
        );
        if d.way == Way::FileCase {
            let earlier = self
                .store
                .dispositions_of(source.kind.code(), &source.id)
                .await?;
            if let Some(case_id) = earlier.iter().find_map(|e| e.case_id) {
                return Ok(Outcome::already_done(
                    format!("已据此立案(案件 #{case_id}), 不能重复立案"),
                    format!("a case (#{case_id}) was filed from this already"),
                ));
            }
        }
        let meeting = d.meeting_on.to_string();
        let (reply_due, report_due) = if d.way == Way::Inquiry {
            (
                Some(
                    self.calendar
                        .due(Deadline::InquiryReply, d.meeting_on)
                        .to_string(),
                ),
                Some(
                    self.calendar
                        .due(Deadline::InquiryReport, d.meeting_on)
                        .to_string(),
                ),
            )
        } else {
            (None, None)
        };
        let title = match d.title.trim() {
            "" => source.title.clone(),
            t => t.to_string(),
        };
        let subject = source.subjects.first();
        let participants = d.participants.join("、");
        let case_id = self
            .store
            .dispose(
                &NewDisposition {
                    source_kind: source.kind.code(),
                    source_id: &source.id,
                    way: d.way,
                    meeting_on: &meeting,
                    participants: &participants,
                    decision,
                    reply_due: reply_due.as_deref(),
                    report_due: report_due.as_deref(),
                    case: (d.way == Way::FileCase).then(|| NewCase {
                        title: &title,
                        village_code: source.village.as_deref(),
                        subject_id_number: subject.map(|s| s.0.as_str()),
                        subject_name: subject.map(|s| s.1.as_str()).filter(|n| !n.is_empty()),
                        subjects: &source.subjects,
                        important: d.important,
                        filed_on: &meeting,
                    }),
                },
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(case_id))
    }
}
