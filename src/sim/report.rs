//! The run report: what `archsim run` prints and the web app shows.
//! Field names follow `DESIGN.md`'s CLI contract.

use std::collections::BTreeMap;
use std::hash::Hasher;

use serde::Serialize;
use siphasher::sip::SipHasher13;

use crate::metrics::{LatencySummary, NodeStats};

use super::budget::Stopped;
use super::guard::GuardCounts;

use super::SimTime;

/// Summary of a run, counting client requests issued after the warm-up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Seed of the run.
    pub seed: u64,
    /// Simulated duration, s.
    pub duration_s: f64,
    /// Warm-up excluded from the figures, s.
    pub warmup_s: f64,
    /// Client request outcomes.
    pub requests: RequestReport,
    /// Completed requests per second of the measured period, req/s.
    pub throughput_rps: f64,
    /// Completed / ended (0–1); None (null) when no request ended: then
    /// `undefined` says why.
    pub availability: Option<f64>,
    /// Response time of completed requests, ms; None (null) when none
    /// completed: then `undefined` says why.
    pub latency_ms: Option<LatencySummary>,
    /// Why a figure above is null, by field name; absent when none is.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub undefined: BTreeMap<&'static str, String>,
    /// Why a run guard stopped the run before its duration (then
    /// `duration_s` is the time it stopped at); absent when it ran to the
    /// end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
    /// Per node, by id.
    pub nodes: BTreeMap<String, NodeReport>,
    /// Per edge with caller resilience (timeout, retries, breaker,
    /// bulkhead), by `from->to`; absent when no edge has any.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub edges: BTreeMap<String, EdgeReport>,
    /// Failures, detections, failovers and recoveries, in time order.
    pub events: Vec<TimelineEvent>,
    /// Nodes whose crash alone fails every request of some client
    /// (`Scenario::single_points_of_failure`); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub single_points_of_failure: Vec<String>,
    /// Hex SipHash-1-3 of everything above (not of `engine`): equal digests,
    /// equal runs.
    pub digest: String,
    /// How the engine did (not part of the digest).
    pub engine: EngineStats,
}

/// Client request counts; `offered = completed + failed + timed_out +
/// rejected + in_flight`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequestReport {
    /// Issued.
    pub offered: u64,
    /// Successful reply in time.
    pub completed: u64,
    /// Error reply.
    pub failed: u64,
    /// No reply in time.
    pub timed_out: u64,
    /// Refused for lack of capacity.
    pub rejected: u64,
    /// Still unanswered when the run stopped.
    pub in_flight: u64,
}

/// One node's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeReport {
    /// Component kind (`client`, `load_balancer`, `service`).
    pub kind: &'static str,
    /// Time-average share of worker slots (or cores) occupied, 0–1.
    pub utilization: f64,
    /// Time-average number of requests waiting in queues.
    pub mean_queue_len: f64,
    /// Mean queueing delay of served requests, ms.
    pub mean_wait_ms: f64,
    /// Mean time from arrival to reply of served requests, ms.
    pub mean_response_ms: f64,
    /// Requests served (replied to after service).
    pub served: u64,
    /// Requests refused on arrival.
    pub dropped: u64,
    /// Arrival rate offered to the node (refused arrivals included), req/s.
    pub offered_rate_rps: f64,
    /// Accepted arrival rate λ (the offered rate less the refused), req/s:
    /// the λ of Little's law L = λW.
    pub accepted_rate_rps: f64,
    /// Time-average number of requests in the node, L (Little: L = λW).
    pub mean_in_system: f64,
    /// Kind-specific figures (e.g. `replicas`, `p_wait`).
    #[serde(flatten)]
    pub extra: BTreeMap<&'static str, f64>,
    /// Kind-specific figures per part (e.g. `partition_load`).
    #[serde(flatten)]
    pub lists: BTreeMap<&'static str, Vec<f64>>,
}

impl NodeReport {
    /// The common figures from `stats`, with `capacity` worker slots,
    /// measured up to `now`.
    pub fn from_stats(kind: &'static str, stats: &NodeStats, capacity: u32, now: SimTime) -> Self {
        NodeReport {
            kind,
            utilization: if capacity == 0 { 0.0 } else { stats.busy.mean(now) / f64::from(capacity) },
            mean_queue_len: stats.queued.mean(now),
            mean_wait_ms: stats.mean_wait_ms(),
            mean_response_ms: stats.mean_response_ms(),
            served: stats.served,
            dropped: stats.dropped,
            offered_rate_rps: stats.offered_rate_rps(now),
            accepted_rate_rps: stats.accepted_rate_rps(now),
            mean_in_system: stats.in_system.mean(now),
            extra: BTreeMap::new(),
            lists: BTreeMap::new(),
        }
    }

    /// Adds a kind-specific figure.
    pub fn with(mut self, name: &'static str, value: f64) -> Self {
        self.extra.insert(name, value);
        self
    }

    /// Adds a kind-specific figure if there is one (a figure of an optional
    /// part, present only when the part is).
    pub fn with_some(self, name: &'static str, value: Option<f64>) -> Self {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// Adds a kind-specific figure per part.
    pub fn with_list(mut self, name: &'static str, values: Vec<f64>) -> Self {
        self.lists.insert(name, values);
        self
    }
}

/// What the caller's resilience did on one edge, over the whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeReport {
    /// Calls, tries, retries, timeouts, short-circuited and
    /// bulkhead-refused tries, retries over budget, calls failed for good.
    #[serde(flatten)]
    pub counts: GuardCounts,
    /// Tries per call, tries / calls: the load retries add (1 without).
    pub retry_amplification: f64,
    /// Circuit breaker state at the end (`closed`, `open`, `half-open`);
    /// absent without a breaker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
}

/// Something that happened to a node at a time.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct TimelineEvent {
    /// When, s.
    pub t_s: f64,
    /// Node id.
    pub node: String,
    /// What (e.g. `crash`, `detected`, `failover`, `recovered`).
    pub what: String,
    /// Details for people.
    pub detail: String,
}

/// Engine effort.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct EngineStats {
    /// Events processed.
    pub events: u64,
    /// Wall-clock time, ms (filled in by the caller that timed the run; the
    /// engine has no clock).
    pub wall_ms: f64,
}

impl Report {
    /// Computes and stores [`Report::digest`].
    pub fn seal(mut self) -> Self {
        self.digest = self.compute_digest();
        self
    }

    /// The digest of the report's content (excluding `digest` and `engine`).
    pub fn compute_digest(&self) -> String {
        let plain = Report { digest: String::new(), engine: EngineStats::default(), ..self.clone() };
        let text = serde_json::to_string(&plain).unwrap_or_default();
        let mut h = SipHasher13::new_with_keys(0, 0);
        h.write(text.as_bytes());
        format!("{:016x}", h.finish())
    }
}
