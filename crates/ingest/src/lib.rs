//! The first half of the data's journey: agency files in, decoded, validated row by row and
//! against each other, and stored whole or not at all, with a report naming every problem.

pub mod checks;
pub mod decode;
pub mod import;
pub mod report;
pub mod source;
pub mod validate;

pub use import::{import, FileOutcome, ImportOptions, ImportOutcome, Status};
pub use report::{Problem, Problems, Severity};
