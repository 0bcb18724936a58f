//! Native integration tests: theory validation, scenario checks, invariants.
//! One binary with modules (faster to build than one binary per file).

mod cache;
mod cli;
mod counters;
mod database;
mod dns;
mod exercises;
mod faults;
mod fuzz;
mod gateway;
mod guards;
mod hints;
mod invariants;
mod live;
mod model;
mod network;
mod partitioned;
mod queue;
mod resilience;
mod scaling;
mod session;
mod share;
mod splits;
mod support;
mod theory;
mod wiring;
