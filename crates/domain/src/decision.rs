//! Whether a village decision (四议两公开) was validly taken: one definition, in SQL, shared by
//! the check engine (the view [`VALIDITY_VIEW`], used by DEC-INVALID and by every rule that
//! needs a valid decision) and the store (the portal's "passed" / "not validly passed").

/// The query: one row per decision, its defects as flags and the first of them as `defect`
/// (`counts`, `quorum`, `majority`, `party`, `unpublished`; NULL for a valid decision).
pub const VALIDITY_SQL: &str = include_str!("../sql/decision_validity.sql");

/// The name the engine registers [`VALIDITY_SQL`] under.
pub const VALIDITY_VIEW: &str = "decision_validity";

/// Days of notice a villagers' meeting needs (《村民委员会组织法》 and `domain.md`: 10 days).
pub const NOTICE_DAYS: u64 = 10;

/// The counts a meeting of 四议两公开 records: the party members' meeting (entitled members,
/// present, approving) or the villagers' (representatives') meeting, with its kind, the day it
/// was called, and the households where they were counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Votes {
    /// `villagers` or `representatives` (the villagers' meeting only).
    pub meeting_kind: Option<String>,
    /// The day the meeting was announced (the villagers' meeting only).
    pub notice_on: Option<String>,
    pub total: i64,
    pub present: i64,
    pub approve: i64,
    pub households_total: Option<i64>,
    pub households_present: Option<i64>,
}
