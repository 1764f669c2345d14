//! The generator's tests in one binary (one link instead of one per file): the files follow the
//! data contract, and the planted truth is exactly what the rules find.

mod checker;
mod contract;
mod rules;
