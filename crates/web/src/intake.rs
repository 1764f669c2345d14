//! Taking in a report from the portal or from staff: the village the reporter meant, and the
//! day. Filing itself, with its rules, is the workflow's (`qingfeng_workflow::filing`).

use crate::AppState;
use anyhow::Result;
use chrono::NaiveDate;
pub use qingfeng_workflow::filing::{
    names_in, Filed, PlainReport, Reporter, SealedContent, UPWARD_CATEGORY,
};

/// Today in China (UTC+8), whatever the server's clock zone: deadlines are China's dates.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The village a reporter meant: a 12-digit code, or a name that only one village has. Anything
/// else is kept out (the report is still filed, without a village).
pub async fn resolve_village(state: &AppState, typed: &str) -> Result<Option<String>> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let divisions = state.store.divisions().await?;
    let villages = divisions.iter().filter(|d| d.level == "village");
    if typed.len() == 12 && typed.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(villages
            .filter(|d| d.code == typed)
            .map(|d| d.code.clone())
            .next());
    }
    // The name as written, else with its suffix added or left off ("刘家营" for "刘家营村"),
    // else the one village whose name starts with it: reporters write names as they say them.
    let typed = qingfeng_domain::clean::person_name(typed).text.into_owned();
    let villages: Vec<_> = villages.collect();
    let bare = |name: &str| {
        name.trim_end_matches("社区")
            .trim_end_matches("居委会")
            .trim_end_matches("村委会")
            .trim_end_matches('村')
            .to_string()
    };
    let tries: [&dyn Fn(&str) -> bool; 3] = [
        &|name: &str| name == typed,
        &|name: &str| bare(name) == bare(&typed),
        &|name: &str| bare(&typed).chars().count() >= 2 && name.starts_with(&bare(&typed)),
    ];
    for matches in tries {
        let matching: Vec<&String> = villages
            .iter()
            .filter(|d| matches(&d.name))
            .map(|d| &d.code)
            .collect();
        match matching.len() {
            0 => continue,
            1 => return Ok(Some(matching[0].clone())),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

impl AppState {
    /// Files a report (see `qingfeng_workflow::filing`).
    pub async fn file_report(&self, plain: PlainReport) -> Result<Filed> {
        qingfeng_workflow::filing::FilingDesk {
            store: &self.store,
            clock: self.clock.as_ref(),
            calendar: &self.calendar,
            senior_titles: &self.senior_titles,
            upper_recipient: self.upper_recipient.as_deref(),
            approval_recipient: &self.approval_recipient,
            matter_key: &self.matter_key,
        }
        .file(plain)
        .await
    }
}
