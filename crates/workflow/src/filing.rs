//! Filing a report, from the portal or from staff (letters, visits, the 12388 hotline): who is
//! named, who may handle it, sealing, repeat linking and the first deadlines.
//!
//! The rules, in their order:
//! - The persons named are found in the registers, in the report's village first, then across
//!   the county (exclusion must not depend on the reporter writing the village as the register
//!   does); a name too common to tell who is meant stays unresolved.
//! - A report naming one of the county's own leaders goes up (纪检监察机关处理检举控告工作规则):
//!   it is sealed to the higher commission's key only, and the county keeps what the hand-over
//!   needs (that there is one, when it came, when it must go up) and nothing readable; without a
//!   higher commission's key nothing is kept.
//! - Otherwise the officials who hold report keys ([`REPORT_KEY_HOLDERS`]) are narrowed by the
//!   conflict-of-interest policy ([`crate::conflict::exclude`]); only those remaining get a copy
//!   of the report's key. When a name could not be resolved, nobody can tell who is related to
//!   that person, so only the senior officials get it.
//! - The reporter's identity has a key of its own; each senior's copy is wrapped behind the
//!   server's approval key as well, so that no senior opens it alone (see [`crate::identity`]).
//! - Deadlines: accepted or transferred within 15 days ([`FORWARDED`] reports: 5 working days),
//!   or sent up within 5 working days; a real-name reporter is told of acceptance in time.
//! - Repeat reports on one matter are linked by a keyed hash; the same facts finally decided on
//!   second review are answered as not accepted (`ReportDesk::barred_by_final_review`).

use crate::conflict::Exclusion;
use crate::role::{IDENTITY_APPROVERS, REPORT_KEY_HOLDERS, REVIEWERS};
use crate::{Clock, Role};
use anyhow::Result;
use chrono::NaiveDate;
use qingfeng_domain::calendar::{Deadline, WorkCalendar};
use qingfeng_store::reports::{
    FiledReport, NamedPerson, ReportDeadlines, SealedReport, WrappedKey,
};
use qingfeng_store::Store;
use qingfeng_vault::{seal_to, KeyPair};

/// The channel of a report another body forwarded to the county (转办): accepted or transferred
/// within 5 working days.
pub const FORWARDED: &str = "forwarded";

/// The most persons one report may name (more is not a report about persons).
const MAX_NAMES: usize = 12;
/// A name found more often than this in the county is not resolved to anyone (a common name
/// without a village): the report is then handled as one naming someone unknown.
const MAX_NAMESAKES: usize = 30;

/// A report as received, before sealing.
#[derive(Debug, Clone, Default)]
pub struct PlainReport {
    /// portal / letter / visit / hotline_12388 / forwarded
    pub channel: String,
    pub village_code: Option<String>,
    pub category: String,
    /// Names as the reporter wrote them.
    pub subject_text: Option<String>,
    /// ID numbers of persons named (staff intake), if known.
    pub subject_ids: Vec<String>,
    pub content: String,
    pub related_payment: Option<String>,
    /// Name and contact of a real-name reporter; `None` when anonymous.
    pub reporter: Option<Reporter>,
    /// (file name, bytes)
    pub attachments: Vec<(String, Vec<u8>)>,
    pub entered_by: Option<String>,
    pub received_on: NaiveDate,
    pub receipt_hash: String,
    pub filed_at: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reporter {
    pub name: String,
    pub contact: Option<String>,
}

/// What is sealed to the report's key.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SealedContent {
    pub subject_text: Option<String>,
    pub subjects: Vec<NamedPerson>,
    pub content: String,
    pub related_payment: Option<String>,
    /// Officials kept away from this report and why (readable only by those given the key).
    pub exclusions: Vec<Exclusion>,
    /// Names written that matched nobody in the registers (or too many people): the report's
    /// key then went to the senior officials only.
    #[serde(default)]
    pub unresolved: Vec<String>,
}

/// Where a report went.
#[derive(Debug, Clone)]
pub enum Filed {
    /// Into the county's system, readable by `handlers` officials.
    County { filed: FiledReport, handlers: usize },
    /// Up to the higher commission (it names a county leader).
    Upward { filed: FiledReport },
    /// It names a county leader and no higher commission key is configured: nothing was kept.
    NotStored,
}

/// Names written in a free-text "who" field: split at commas, enumeration commas, semicolons and
/// spaces.
pub fn names_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 20)
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names.truncate(MAX_NAMES);
    names
}

/// The category stored for a report for the level above: its own is inside the sealed content.
pub const UPWARD_CATEGORY: &str = "sealed_for_the_level_above";

/// Whether an account of `role` may approve opening a reporter's identity (and so holds that
/// key).
fn is_senior(role: Role) -> bool {
    IDENTITY_APPROVERS.contains(&role)
}

/// Filing, over one store, clock and calendar and the server's keys.
pub struct FilingDesk<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub calendar: &'a WorkCalendar,
    /// Titles that make an official a county leader (reports about them go up).
    pub senior_titles: &'a [String],
    /// The higher commission's public key, where one is configured.
    pub upper_recipient: Option<&'a str>,
    /// The public half of the server's approval key.
    pub approval_recipient: &'a str,
    /// The server's key of the matter hash (not in the database).
    pub matter_key: &'a [u8; 32],
}

impl FilingDesk<'_> {
    /// Files `plain`: finds whom it names, decides where it goes and who may read it, seals it
    /// and stores it with its deadlines.
    pub async fn file(&self, plain: PlainReport) -> Result<Filed> {
        let today = plain.received_on.to_string();
        let names = plain
            .subject_text
            .as_deref()
            .map(names_in)
            .unwrap_or_default();
        // Named persons are looked up in the village first, then across the county: exclusion
        // must not depend on the reporter writing the village as the register does.
        let mut subjects: Vec<NamedPerson> = match &plain.village_code {
            Some(v) => self.store.persons_named(v, &names, &today).await?,
            None => Vec::new(),
        };
        let mut unresolved = Vec::new();
        let elsewhere: Vec<String> = names
            .iter()
            .filter(|n| !subjects.iter().any(|s| &s.name == *n))
            .cloned()
            .collect();
        if !elsewhere.is_empty() {
            let found = self
                .store
                .persons_named_anywhere(&elsewhere, &today)
                .await?;
            for name in elsewhere {
                let of_name: Vec<&NamedPerson> = found.iter().filter(|p| p.name == name).collect();
                if of_name.is_empty() || of_name.len() > MAX_NAMESAKES {
                    unresolved.push(name);
                } else {
                    for p in of_name {
                        if !subjects.iter().any(|s| s.id_number == p.id_number) {
                            subjects.push(p.clone());
                        }
                    }
                }
            }
        }
        for id in &plain.subject_ids {
            if !subjects.iter().any(|s| &s.id_number == id) {
                subjects.push(NamedPerson {
                    id_number: id.clone(),
                    name: String::new(),
                    found_as: "登记时录入 / entered with the report".into(),
                });
            }
        }
        let mut ids: Vec<String> = subjects.iter().map(|s| s.id_number.clone()).collect();
        let leaders = self
            .store
            .county_leaders_named(&ids, &names, self.senior_titles, &today)
            .await?;
        let upward = !leaders.is_empty();
        for l in &leaders {
            if !ids.contains(&l.id_number) {
                ids.push(l.id_number.clone());
                subjects.push(l.clone());
            }
        }
        ids.sort();
        ids.dedup();

        let mut deadlines = ReportDeadlines::default();
        let mut keys = Vec::new();
        let mut exclusions = Vec::new();
        // Everything is sealed to the report's own key pair (county) or to the higher
        // commission's public key (upward: no county official can open it).
        let (content_recipient, reporter_recipient) = if upward {
            let Some(upper) = self.upper_recipient else {
                return Ok(Filed::NotStored);
            };
            deadlines.upward_due = Some(
                self.calendar
                    .due(Deadline::UpwardTransfer, plain.received_on)
                    .to_string(),
            );
            (upper.to_string(), upper.to_string())
        } else {
            // Accepted or transferred within 15 days of registration; a report another body
            // forwarded to the county, within 5 working days.
            let deadline = if plain.channel == FORWARDED {
                Deadline::ForwardedAcceptance
            } else {
                Deadline::Transfer
            };
            deadlines.transfer_due =
                Some(self.calendar.due(deadline, plain.received_on).to_string());
            let candidates = self.store.candidates(REPORT_KEY_HOLDERS).await?;
            let (allowed, excluded) = crate::conflict::exclude(
                self.store,
                candidates,
                plain.village_code.as_deref(),
                &ids,
                &today,
            )
            .await?;
            exclusions = excluded;
            // Someone named could not be identified: nobody can tell who is related to them, so
            // the report goes to the senior officials only (who share it, with a case, with
            // whom they choose), never silently to every handler.
            let allowed: Vec<_> = if unresolved.is_empty() {
                allowed
            } else {
                allowed.into_iter().filter(|c| is_senior(c.role)).collect()
            };
            let report_key = KeyPair::generate();
            for c in &allowed {
                if let Some(public) = &c.public_key {
                    keys.push(WrappedKey {
                        user_id: c.user_id,
                        purpose: "content",
                        wrapped: report_key.wrap_for(public)?,
                    });
                }
            }
            // The higher commission's reviewers get a copy for a review the reporter may ask
            // for (the county cannot give one later: it has no key the server could wrap).
            // They see the report only once a review is asked for; the same policy excludes.
            let reviewers = self.store.candidates(REVIEWERS).await?;
            let (reviewers, _) = crate::conflict::exclude(
                self.store,
                reviewers,
                plain.village_code.as_deref(),
                &ids,
                &today,
            )
            .await?;
            for c in &reviewers {
                if let Some(public) = &c.public_key {
                    keys.push(WrappedKey {
                        user_id: c.user_id,
                        purpose: "review",
                        wrapped: report_key.wrap_for(public)?,
                    });
                }
            }
            // The reporter's identity has a key of its own. Each senior official's copy is
            // wrapped behind the server's approval key too: no senior can open it alone, even
            // with the whole database; the server opens its inner layer only to carry out the
            // approval of another senior's request (`decide_identity`).
            let identity_key = KeyPair::generate();
            if plain.reporter.is_some() {
                for c in allowed.iter().filter(|c| is_senior(c.role)) {
                    if let Some(public) = &c.public_key {
                        keys.push(WrappedKey {
                            user_id: c.user_id,
                            purpose: "reporter_escrow",
                            wrapped: identity_key.wrap_behind(self.approval_recipient, public)?,
                        });
                    }
                }
                deadlines.acceptance_notice_due = Some(
                    self.calendar
                        .due(Deadline::AcceptanceNotice, plain.received_on)
                        .to_string(),
                );
            }
            (report_key.recipient(), identity_key.recipient())
        };
        let handlers = keys.iter().filter(|k| k.purpose == "content").count();

        let content = SealedContent {
            subject_text: plain.subject_text.clone(),
            subjects,
            content: plain.content.clone(),
            related_payment: plain.related_payment.clone(),
            exclusions,
            unresolved,
        };
        let sealed_content = seal_to(&[&content_recipient], &serde_json::to_vec(&content)?)?;
        let sealed_reporter = match &plain.reporter {
            Some(r) => Some(seal_to(&[&reporter_recipient], &serde_json::to_vec(r)?)?),
            None => None,
        };
        let mut attachments = Vec::new();
        for (name, body) in &plain.attachments {
            attachments.push((
                seal_to(&[&content_recipient], name.as_bytes())?,
                seal_to(&[&content_recipient], body)?,
            ));
        }
        let matter_hash = if upward {
            None
        } else {
            self.matter_hash(&plain, &ids)
        };
        let barred = if upward {
            None
        } else {
            crate::reports::ReportDesk {
                store: self.store,
                clock: self.clock,
                calendar: self.calendar,
            }
            .barred_by_final_review(matter_hash.as_deref())
            .await?
        };
        let filed = self
            .store
            .file_sealed_report(
                &SealedReport {
                    receipt_hash: &plain.receipt_hash,
                    filed_at: &plain.filed_at,
                    received_on: &today,
                    channel: &plain.channel,
                    // A report for the level above is not entered into the county's system
                    // (纪检监察机关处理检举控告工作规则): the county keeps what the hand-over
                    // needs — that there is one, when it came and when it must go up — and the
                    // sealed report until it is sent. Village, category, whether the reporter
                    // named themselves and the matter stay inside the sealed content.
                    village_code: if upward {
                        None
                    } else {
                        plain.village_code.as_deref()
                    },
                    category: if upward {
                        UPWARD_CATEGORY
                    } else {
                        &plain.category
                    },
                    anonymous: upward || plain.reporter.is_none(),
                    sealed_content: &sealed_content,
                    sealed_reporter: sealed_reporter.as_deref(),
                    recipient: &content_recipient,
                    routing: if upward { "upward" } else { "county" },
                    entered_by: plain.entered_by.as_deref(),
                    matter_hash: matter_hash.as_deref(),
                    deadlines,
                    keys,
                    attachments,
                    not_accepted: barred.as_ref().map(|(zh, en)| (zh.as_str(), en.as_str())),
                },
                plain.entered_by.as_deref().unwrap_or("portal"),
            )
            .await?;
        Ok(if upward {
            Filed::Upward { filed }
        } else {
            Filed::County { filed, handlers }
        })
    }

    /// The same matter: the same village, category and persons named (by ID number when found
    /// in the registers, else by the names written). Keyed with the server's matter key, which
    /// the database does not hold, so the stored hash cannot be tested against a guessed name or
    /// ID number by whoever reads the database.
    fn matter_hash(&self, plain: &PlainReport, ids: &[String]) -> Option<String> {
        let names = plain
            .subject_text
            .as_deref()
            .map(names_in)
            .unwrap_or_default();
        let who: Vec<String> = if ids.is_empty() { names } else { ids.to_vec() };
        if who.is_empty() {
            return None;
        }
        let mut h = blake3::Hasher::new_keyed(self.matter_key);
        h.update(plain.village_code.as_deref().unwrap_or("").as_bytes());
        h.update(b"\x1f");
        h.update(plain.category.as_bytes());
        for w in &who {
            h.update(b"\x1f");
            h.update(w.as_bytes());
        }
        Some(h.finalize().to_hex().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_at_any_separator() {
        assert_eq!(
            names_in("张三，李四、王五 ;张三"),
            vec!["张三".to_string(), "李四".into(), "王五".into()]
        );
        assert!(names_in(" ，、 ").is_empty());
    }
}
