//! The discrete-event simulation of a [`crate::model::Scenario`].
//!
//! A small kernel ([`Simulation`]: clock, event queue, request slab, random
//! streams) plus one module per component kind behind the [`component`]
//! behaviour. Pure Rust: no DOM, no wall clock, no global state; the same
//! scenario and seed give the same run, bit for bit, natively and in Wasm.

mod balancer;
mod budget;
mod cache;
mod calls;
mod client;
mod component;
mod database;
mod deadlines;
mod dns;
mod engine;
mod event;
mod events;
mod faults;
mod guard;
mod health;
mod keycache;
mod limiter;
mod network;
mod outlier;
mod pair;
mod partitioned;
mod queue;
pub mod random;
mod report;
mod request;
mod sampler;
mod scaler;
mod service;
mod workers;

pub use crate::time::SimTime;
pub use budget::Stopped;
pub use engine::{BreakerSnapshot, NodeSnapshot, Simulation, Snapshot, Update};
pub use events::EventQueue;
pub use guard::{BreakerState, GuardCounts};
pub use report::{EdgeReport, EngineStats, NodeReport, Report, RequestReport, TimelineEvent};
pub use request::{Origin, ReqId, Request, Requests};
