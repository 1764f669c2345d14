pub mod check;
pub mod clues;
pub mod demo;
pub mod generate;
pub mod import;
pub mod rules;
pub mod serve;
pub mod user;
