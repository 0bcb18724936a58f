//! Workshops: the shipped exercises, each objective measured on a run
//! (`grade`), a design put under its exercise's own rules (`canonical`)
//! and graded over several seeds (`verdict`).
//!
//! Pure like `sim`: the page and the CLI grade the same way.

pub mod canonical;
pub mod exercises;
pub mod grade;
pub mod verdict;
