//! Qingfeng's procedure in one place: the use cases of the officials' work, each with its rules
//! of procedure, typed inputs, a typed [`Outcome`] (changed, already done, or refused with the
//! reason in Chinese and English) and an injectable [`Clock`].
//!
//! The web handlers and the command line are adapters: they parse a request, call one use case
//! and render its outcome. Whoever reads this crate finds every rule of procedure it holds; the
//! store below it keeps the records and applies, in SQL, the filters this crate defines.
//!
//! Moved here so far (issue 13): roles and their part in the procedure, the conflict-of-interest
//! policy for clues, every step of a clue after the check found it (review, the collective
//! decision that dismisses or closes it, hand-over to a township with its deadline and
//! feedback), a report's steps after filing (accept, extend, conclude, decide a review), and
//! the whole case procedure (disposal, stages, assignment, joint discussions, sanctions,
//! remedies, closing), filing a report with the conflict-of-interest policy that decides who
//! may read it, identity requests, and accounts.

pub mod accounts;
mod actor;
pub mod cases;
mod clock;
pub mod clues;
pub mod conflict;
pub mod filing;
pub mod identity;
pub mod inquiries;
pub mod matters;
mod outcome;
pub mod recall;
pub mod reports;
pub mod role;
pub mod village_books;

pub use actor::Actor;
pub use clock::{Clock, FixedClock, SystemClock};
pub use outcome::{Outcome, Refusal};
pub use role::Role;
