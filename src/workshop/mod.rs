//! Workshops: the shipped exercises, each objective measured on a run
//! (`grade`), a design put under its exercise's own rules (`canonical`)
//! and graded over several seeds (`verdict`), many designs in one table
//! (`class`).
//!
//! Pure like `sim`: the page and the CLI grade the same way.

pub mod canonical;
pub mod class;
pub mod exercises;
pub mod grade;
pub mod verdict;
