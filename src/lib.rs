//! ArchSim: an interactive architecture playground.
//!
//! A user draws a system (clients, load balancers, service pools, …) as a
//! [`model::Scenario`]; [`sim::Simulation`] turns it into a discrete-event
//! simulation whose numbers match queueing theory where theory has an
//! answer; [`metrics`] records what happened and [`sim::Report`] summarises it.
//! The same core runs natively (the `archsim` CLI, tests, benchmarks) and in the
//! browser (the Yew front end in `ui`, compiled for `wasm32` only).
//!
//! Layering (see `docs/architecture.md`): `time` (simulated time, a leaf)
//! ← `metrics` ← `sim`, and `model` ← `sim`, with `theory` holding closed
//! forms. None of them touches the DOM or the wall clock.
#![warn(missing_docs)]

pub mod editor;
pub mod live;
pub mod metrics;
pub mod model;
pub mod share;
pub mod sim;
pub mod theory;
pub mod time;
pub mod wire;
pub mod words;
pub mod workshop;

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub mod ui;
