//! The discrete-event simulation of a [`crate::model::Scenario`].
//!
//! A small kernel ([`Simulation`]: clock, event queue, request slab, random
//! streams) plus one module per component kind behind the [`component`]
//! behaviour. Pure Rust: no DOM, no wall clock, no global state; the same
//! scenario and seed give the same run, bit for bit, natively and in Wasm.

#[macro_use]
mod component;

mod balancer;
mod budget;
mod cache;
mod calls;
mod client;
mod database;
mod deadlines;
mod dns;
mod event;
mod events;
mod faults;
mod gateway;
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
pub mod replications;
mod report;
mod request;
mod sampler;
mod scaler;
mod service;
pub mod sweep;
mod workers;

// The registry of simulations: one line per simulation, built from the
// kinds of nodes it names (`Component`, and `each_kind!` for `engine`).
components! { $
    Client(client::ClientSim) <= Client,
    Balancer(balancer::BalancerSim) <= LoadBalancer,
    Service(service::ServiceSim) <= Service,
    Cache(cache::CacheSim) <= Cache | Cdn,
    Database(database::DatabaseSim) <= Database,
    Queue(queue::QueueSim) <= Queue,
    Partitioned(partitioned::PartitionedSim) <= PartitionedStore,
    Dns(dns::DnsSim) <= Dns,
    Gateway(gateway::GatewaySim) <= ApiGateway,
}

mod engine;

pub use crate::time::SimTime;
pub use budget::Stopped;
pub use engine::{BreakerSnapshot, NodeSnapshot, Simulation, Update};
pub use events::EventQueue;
pub use guard::{BreakerState, GuardCounts};
pub use report::{EdgeReport, EngineStats, NodeReport, Report, RequestReport, TimelineEvent};
pub use request::{Origin, ReqId, Request, Requests};
