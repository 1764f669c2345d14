//! Sanctions (党纪政务处分 and organisational measures) recorded on a case, and who is under one.

use super::{handled, CaseDesk};
use crate::outcome::require;
use crate::{Actor, Outcome};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::case::Stage;
use qingfeng_domain::sanction::SanctionKind;

/// A sanction as decided.
#[derive(Debug, Clone)]
pub struct NewSanction {
    /// The person; the case's subject when absent.
    pub id_number: Option<String>,
    /// Their name; the name recorded with the case when absent.
    pub name: Option<String>,
    pub kind: SanctionKind,
    pub decided_on: NaiveDate,
}

/// A sanction in effect on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InEffect {
    pub kind: SanctionKind,
    pub decided_on: NaiveDate,
    /// The last day of its period; `None` for one that lasts (expulsion, dismissal).
    pub until: Option<NaiveDate>,
}

impl InEffect {
    /// "kind (until date)" in the user's language.
    pub fn label(&self, zh: bool) -> String {
        let name = if zh { self.kind.zh } else { self.kind.en };
        match self.until {
            Some(until) => format!("{name} ({until})"),
            None => name.to_string(),
        }
    }
}

/// Stages at which a sanction may be recorded: the decision and after.
const SANCTION_STAGES: &[Stage] = &[
    Stage::Decided,
    Stage::Execution,
    Stage::Appeal,
    Stage::Closed,
];

impl CaseDesk<'_> {
    /// Records a sanction decided in the case.
    pub async fn sanction(&self, actor: &Actor, case_id: i64, s: &NewSanction) -> Result<Outcome> {
        let case = handled!(self, actor, case_id);
        require!(
            SANCTION_STAGES.contains(&case.stage),
            "处分须在作出决定之后记录",
            "a sanction is recorded at or after the decision",
        );
        require!(
            s.decided_on <= self.clock.today(),
            "处分决定日期不能晚于今天",
            "a sanction cannot be decided later than today",
        );
        let typed = s
            .id_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .or(case.subject_id_number.as_deref())
            .unwrap_or_default();
        let Ok(id_number) = qingfeng_domain::clean::id_number(typed) else {
            return Ok(Outcome::refused(
                format!("身份证号码无效: {typed}"),
                format!("not a valid ID number: {typed}"),
            ));
        };
        let id_number = id_number.as_str().to_string();
        require!(
            self.subjects(&case).await?.contains(&id_number),
            "只能处分本案涉及的人员",
            "a sanction falls only on a person the case concerns",
        );
        let recorded = self.store.case_subjects(case_id).await?;
        let name = s
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| {
                recorded
                    .into_iter()
                    .find(|(id, _)| *id == id_number)
                    .map(|(_, name)| name)
                    .filter(|n| !n.is_empty())
            })
            .or_else(|| {
                (case.subject_id_number.as_deref() == Some(id_number.as_str()))
                    .then(|| case.subject_name.clone())
                    .flatten()
            })
            .unwrap_or_default();
        let until = s.kind.effective_until(s.decided_on).map(|d| d.to_string());
        self.store
            .add_sanction(
                case_id,
                &id_number,
                &name,
                s.kind,
                &s.decided_on.to_string(),
                until.as_deref(),
                &actor.username,
            )
            .await?;
        Ok(Outcome::Changed(()))
    }

    /// The sanctions of the person `id_number` still in effect today.
    pub async fn sanctions_in_effect(&self, id_number: &str) -> Result<Vec<InEffect>> {
        let today = self.clock.today();
        Ok(self
            .store
            .sanctions(None, Some(id_number))
            .await?
            .into_iter()
            .filter_map(|s| {
                let decided_on = NaiveDate::parse_from_str(&s.decided_on, "%Y-%m-%d").ok()?;
                s.kind.in_effect(decided_on, today).then(|| InEffect {
                    kind: s.kind,
                    decided_on,
                    until: s
                        .effective_until
                        .as_deref()
                        .and_then(|u| NaiveDate::parse_from_str(u, "%Y-%m-%d").ok()),
                })
            })
            .collect())
    }
}
