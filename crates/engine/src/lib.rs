//! The cross-check engine: the rule catalogue as declarative SQL on Apache DataFusion, turning
//! the registers into explained clues with stable fingerprints and risk scores.

pub mod catalogue;
pub mod check;
pub mod clue;
pub mod eval;
pub mod load;
pub mod precheck;
pub mod rule;
pub mod run;
pub mod score;

pub use catalogue::Catalogue;
pub use check::{check, CheckOptions, CheckReport};
pub use clue::Clue;
pub use load::{load, Registers};
pub use rule::{Rule, Severity};
pub use run::{run_rules, RuleOutcome, RuleStatus};
