//! Faults a scenario schedules: a node, or one replica of it, crashes, or a
//! service pool's replica turns slow or starts answering errors (grey
//! failures), at a time, and may recover later. The same faults can be
//! injected live during a run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::NodeId;

/// A scheduled fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// When it starts, s from the start of the run.
    pub at_s: f64,
    /// The node it hits (a service pool).
    pub node: NodeId,
    /// One replica of the pool (0-based); the whole pool when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<u32>,
    /// How long until it recovers, s; never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_s: Option<f64>,
    /// What happens.
    pub fault: FaultKind,
}

/// Kinds of fault: `"crash"`, `{"slow": {"factor": 10}}` or
/// `{"error_rate": {"share": 0.2}}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// The process crashes: its connections reset, so every request in
    /// service or queued there fails at once, and new requests to it are
    /// refused until it recovers (with empty queues).
    Crash,
    /// A grey failure (service pools): the replica stays up and passes
    /// health checks but its service times are multiplied by `factor`
    /// (a failing disk, a noisy neighbour, GC pauses).
    Slow {
        /// Service-time multiplier (> 1 slows down).
        factor: f64,
    },
    /// The replica (service pools) answers a `share` of the requests it
    /// serves with an error, after its own work and without its downstream
    /// calls (a bad deploy, an exhausted dependency inside the process).
    ErrorRate {
        /// Share of requests failed, 0–1.
        share: f64,
    },
}

/// Load-balancer health checks (active probes of every backend), as AWS
/// Elastic Load Balancing and Envoy define them: a backend is marked
/// unhealthy after `unhealthy_threshold` consecutive failed probes and gets
/// no new requests; it is marked healthy again after `healthy_threshold`
/// consecutive good ones. Probes go every `interval_ms`, from time 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HealthCheck {
    /// Time between probes of a backend, ms (default 5000).
    pub interval_ms: f64,
    /// Consecutive failed probes that mark a backend unhealthy (default 2).
    pub unhealthy_threshold: u32,
    /// Consecutive good probes that mark it healthy again (default 2).
    pub healthy_threshold: u32,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck { interval_ms: 5_000.0, unhealthy_threshold: 2, healthy_threshold: 2 }
    }
}
