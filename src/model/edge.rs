//! Edges: who calls whom, how (sync or async), how often, over what
//! latency, and with what caller resilience.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::kind::optional;
use super::tagged::read_tagged;
use super::{Bulkhead, CircuitBreaker, NodeId, Optional, RequestClass, Retry, RetryBudget};

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
    #[schemars(extend("x-help" = "One-way network latency of the call"))]
    pub latency: Latency,
    /// Synchronous (hold the worker until the reply) or fire-and-forget.
    #[serde(default)]
    #[schemars(extend("x-help" = "sync (wait, holding the worker) or async (fire and forget)"))]
    pub mode: CallMode,
    /// Probability that a request makes this call, 0–1.
    #[serde(default = "one")]
    #[schemars(range(min = 0.0, max = 1.0), extend("x-help" = "Share of requests that make this call", "x-unit" = "1"))]
    pub probability: f64,
    /// The caller's exclusive split this call belongs to, by name ("":
    /// none). Of a caller's calls with the same split a request makes at
    /// most one: the first with its `probability`, the second with its
    /// own, and so on (they add up to at most 1; the rest makes none of
    /// them), at the place of the first of them in the call order. A call
    /// in no split is made independently of the others.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("x-help" = "Calls of this caller with the same split name are exclusive: each request makes at most one of them, each with its probability (empty: made independently)"))]
    pub split: String,
    /// Only requests of these classes make this call (all when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<RequestClass>,
    /// Weight for weighted round robin at a balancer (≥ 1).
    #[serde(default = "one_u32")]
    #[schemars(range(min = 1), extend("x-help" = "Weight of this backend for weighted round robin, or of this endpoint for weighted DNS", "x-unit" = "1"))]
    pub weight: u32,
    /// How long the caller waits for the reply of one try, ms; then the
    /// try fails as timed out (the callee still finishes its work, for
    /// nobody). No timeout when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 3.6e6), extend("x-help" = "A caller gives up on one try of the call after this long", "exclusiveMinimum" = 0.0))]
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
    /// The caller's defences the inspector switches on and off.
    pub const OPTIONAL: &'static [Optional<Edge>] = &[
        optional!("timeout", "timeout", timeout_ms, 1_000.0),
        optional!("retry", "retries", retry, Retry::default()),
        Optional {
            key: "retry-budget",
            label: "retry budget",
            shown: |e| e.retry.is_some(),
            is_on: |e| e.retry.as_ref().is_some_and(|r| r.budget.is_some()),
            set: |e, on| {
                if let Some(r) = e.retry.as_mut() {
                    r.budget = on.then(RetryBudget::default);
                }
            },
        },
        optional!("circuit-breaker", "circuit breaker", circuit_breaker, CircuitBreaker::default()),
        optional!("bulkhead", "bulkhead", bulkhead, Bulkhead::default()),
    ];
    /// What those defences do, in a user's words.
    pub const OPTIONAL_HELP: &'static str = "The caller's defences on this call: give up after a timeout, retry with backoff (within a budget), stop calling a failing dependency (circuit breaker), cap the calls in flight (bulkhead)";

    /// A synchronous call with default latency, probability 1, weight 1.
    pub fn new(from: &str, to: &str) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            latency: Latency::default(),
            mode: CallMode::Sync,
            probability: 1.0,
            split: String::new(),
            classes: Vec::new(),
            weight: 1,
            timeout_ms: None,
            retry: None,
            circuit_breaker: None,
            bulkhead: None,
        }
    }

    /// Whether the caller defends itself on this call: a timeout, retries,
    /// a circuit breaker or a bulkhead.
    pub fn has_defences(&self) -> bool {
        self.timeout_ms.is_some() || self.retry.is_some() || self.circuit_breaker.is_some() || self.bulkhead.is_some()
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
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Latency: the fixed one-way part"))]
    pub base_ms: f64,
    /// Random part.
    #[schemars(extend("x-help" = "Random extra latency on top of the base"))]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"dist": "none"}, {"dist": "uniform", "max_ms": 1.0}, {"dist": "exponential", "mean_ms": 1.0}]))]
pub enum Jitter {
    /// No jitter.
    #[default]
    None,
    /// Uniform on [0, max_ms].
    Uniform {
        /// Upper bound, ms.
        #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Upper bound of the uniform jitter"))]
        max_ms: f64,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean, ms.
        #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Mean of the exponential jitter"))]
        mean_ms: f64,
    },
}

read_tagged!(Jitter by "dist" { max_ms: f64, mean_ms: f64 }
    None {},
    Uniform { max_ms },
    Exponential { mean_ms },
);
