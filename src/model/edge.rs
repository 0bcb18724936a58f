//! Edges: who calls whom, how (sync or async), how often, over what
//! latency, and with what caller resilience.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Bulkhead, CircuitBreaker, NodeId, RequestClass, Retry};

/// A call from one node to another. A service makes the calls of its
/// outgoing edges in their order in [`super::Scenario::edges`], after its
/// own work; a balancer's outgoing edges are its backend pools; a client's
/// single outgoing edge is its entry point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Caller.
    pub from: NodeId,
    /// Callee.
    pub to: NodeId,
    /// One-way network latency (a synchronous call pays it twice).
    #[serde(default)]
    pub latency: Latency,
    /// Synchronous (hold the worker until the reply) or fire-and-forget.
    #[serde(default)]
    pub mode: CallMode,
    /// Probability that a request makes this call, 0–1.
    #[serde(default = "one")]
    pub probability: f64,
    /// Only requests of these classes make this call (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<RequestClass>,
    /// Weight for weighted round robin at a balancer (≥ 1).
    #[serde(default = "one_u32")]
    pub weight: u32,
    /// How long the caller waits for the reply of one try, ms; then the
    /// try fails as timed out (the callee still finishes its work, for
    /// nobody). No timeout when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<f64>,
    /// Retries of failed tries (none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    /// A circuit breaker on this call (none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker: Option<CircuitBreaker>,
    /// A bulkhead on this call (none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulkhead: Option<Bulkhead>,
}

fn one() -> f64 {
    1.0
}

fn one_u32() -> u32 {
    1
}

impl Edge {
    /// A synchronous call with default latency, probability 1, weight 1.
    pub fn new(from: &str, to: &str) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            latency: Latency::default(),
            mode: CallMode::Sync,
            probability: 1.0,
            classes: Vec::new(),
            weight: 1,
            timeout_ms: None,
            retry: None,
            circuit_breaker: None,
            bulkhead: None,
        }
    }
}

/// How a caller waits for a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallMode {
    /// Wait for the reply, holding the worker (thread-per-request).
    #[default]
    Sync,
    /// Send and continue; the callee's outcome does not reach the caller.
    Async,
}

/// One-way network latency of an edge: `base_ms` plus a random jitter, plus
/// the scenario's cross-zone or cross-region extra when the endpoints differ.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Latency {
    /// Fixed part, ms.
    pub base_ms: f64,
    /// Random part.
    pub jitter: Jitter,
}

impl Latency {
    /// Whether every message takes 0 ms: no base latency and no jitter.
    pub fn can_be_zero(&self) -> bool {
        self.base_ms == 0.0
            && match self.jitter {
                Jitter::None => true,
                Jitter::Uniform { max_ms } => max_ms == 0.0,
                Jitter::Exponential { mean_ms } => mean_ms == 0.0,
            }
    }
}

impl Default for Latency {
    fn default() -> Self {
        Latency { base_ms: 0.2, jitter: Jitter::None }
    }
}

/// Random part of a network latency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Jitter {
    /// No jitter.
    #[default]
    None,
    /// Uniform on [0, max_ms].
    Uniform {
        /// Upper bound, ms.
        max_ms: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean, ms.
        mean_ms: f64,
    },
}
