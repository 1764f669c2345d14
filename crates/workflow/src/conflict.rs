//! The conflict-of-interest policy (回避) as it applies to clues.
//!
//! An official does not see, decide, sign or answer for a clue that names them, a member of
//! their household or a declared relative of theirs (either way round), nor a clue in a village
//! where they hold a current post. To them such a clue does not exist: "not found", exactly
//! like one outside their jurisdiction, so that the refusal itself tells nothing.
//!
//! Who the official is related to comes from the registers (`Store::related_to`); the queue and
//! the dashboard apply the same [`Related`] in SQL, so that a list never shows what the clue's
//! page would refuse.

use crate::{Actor, Clock};
use anyhow::Result;
use qingfeng_store::{QueueClue, Related, Store};

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
