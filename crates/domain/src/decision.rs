//! Whether a village decision (四议两公开) was validly taken: one definition, in SQL, shared by
//! the check engine (the view [`VALIDITY_VIEW`], used by DEC-INVALID and by every rule that
//! needs a valid decision) and the store (the portal's "passed" / "not validly passed").

/// The query: one row per decision, its defects as flags and the first of them as `defect`
/// (`counts`, `quorum`, `majority`, `party`, `unpublished`; NULL for a valid decision).
pub const VALIDITY_SQL: &str = include_str!("../sql/decision_validity.sql");

/// The name the engine registers [`VALIDITY_SQL`] under.
pub const VALIDITY_VIEW: &str = "decision_validity";
