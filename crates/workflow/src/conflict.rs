//! The conflict-of-interest policy (回避), for reports, cases and clues.
//!
//! **Reports and cases.** An official does not receive a report's key, is not proposed for a
//! case and does not see one when they are a person the matter names, live in the household of
//! one, declared one as a relative or were declared by one, hold a current post in a village or
//! township the matter touches, or have an account over one of them ([`exclude`]). The
//! registers give the facts (`Store::relations_to_matter`); this module decides and says why.
//!
//! **Clues.** An official does not see, decide, sign or answer for a clue that names them, a member of
//! their household or a declared relative of theirs (either way round), nor a clue in a village
//! where they hold a current post. To them such a clue does not exist: "not found", exactly
//! like one outside their jurisdiction, so that the refusal itself tells nothing.
//!
//! Who the official is related to comes from the registers (`Store::related_to`); the queue and
//! the dashboard apply the same [`Related`] in SQL, so that a list never shows what the clue's
//! page would refuse.

use crate::{Actor, Clock};
use anyhow::Result;
use qingfeng_store::reports::{Candidate, Relation};
use qingfeng_store::{QueueClue, Related, Store};

/// An official kept away from a matter, and why (shown only to those who may see the matter).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exclusion {
    pub username: String,
    pub reason_zh: String,
    pub reason_en: String,
}

/// Why `relation` keeps an official from a matter (zh, en).
pub fn reason(relation: &Relation) -> (String, String) {
    match relation {
        Relation::Named => ("本人被举报".into(), "named in the report".into()),
        Relation::SameHousehold => (
            "与被举报人同户".into(),
            "same household as a person named".into(),
        ),
        Relation::DeclaredRelative => (
            "被举报人的申报亲属".into(),
            "declared relative of a person named".into(),
        ),
        Relation::Post(post) => (
            format!("在本村或本乡镇任职：{post}"),
            format!("holds a post in the village or its township: {post}"),
        ),
        Relation::Jurisdiction => (
            "管辖本村或本乡镇".into(),
            "works in the village's or township's own jurisdiction".into(),
        ),
    }
}

/// Splits `candidates` into those who may handle a matter about `village` naming `subjects`
/// (ID numbers) on `today`, and those excluded with the reason. Every relation excludes.
pub async fn exclude(
    store: &Store,
    candidates: Vec<Candidate>,
    village: Option<&str>,
    subjects: &[String],
    today: &str,
) -> Result<(Vec<Candidate>, Vec<Exclusion>)> {
    let mut allowed = Vec::new();
    let mut excluded = Vec::new();
    for (candidate, relation) in store
        .relations_to_matter(candidates, village, subjects, today)
        .await?
    {
        match relation {
            None => allowed.push(candidate),
            Some(relation) => {
                let (reason_zh, reason_en) = reason(&relation);
                excluded.push(Exclusion {
                    username: candidate.username,
                    reason_zh,
                    reason_en,
                });
            }
        }
    }
    Ok((allowed, excluded))
}

/// What `actor` is related to today.
pub async fn related(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Related> {
    store
        .related_to(actor.id_number.as_deref(), &clock.today().to_string())
        .await
}

/// Why `clue` is kept from an official related to `related`, if it is (zh, en).
pub fn keeps_clue(related: &Related, clue: &QueueClue) -> Option<(&'static str, &'static str)> {
    if clue
        .persons_named()
        .iter()
        .any(|p| related.persons.contains(p))
    {
        Some((
            "线索涉及本人、同户成员或申报亲属",
            "the clue names the official, a member of their household or a declared relative",
        ))
    } else if clue
        .village_code
        .as_ref()
        .is_some_and(|v| related.villages.contains(v))
    {
        Some((
            "在线索所在村任职",
            "the official holds a post in the clue's village",
        ))
    } else {
        None
    }
}
