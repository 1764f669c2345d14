//! The workflow's use cases on both databases, one test binary (linking one binary per subject
//! would cost the cold build a link of the whole dependency tree each).

mod accounts;
mod books;
mod cases;
mod clues;
mod common;
mod gates;
mod matters;
mod reports;
