//! The cross-check engine (being written).
