//! Faults a scenario schedules, each hitting a target at a time and ending
//! after a duration (or never): a node or one replica of it crashes, turns
//! slow or starts answering errors (grey failures); a client's traffic
//! spikes; a cache is flushed; a whole zone or region goes dark; a call
//! gets extra latency or loses messages; the network between two zones
//! partitions. The same faults can be injected live during a run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::NodeId;

/// A scheduled fault. Exactly one target is given: `node` (optionally one
/// `replica`), `zone`, `region`, `call` or `between`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// When it starts, s from the start of the run.
    pub at_s: f64,
    /// The node it hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// One replica (instance, partition leader, consumer) of the node
    /// (0-based); all of it when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<u32>,
    /// A whole availability zone: everything placed in it that can crash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// A whole region: everything placed in its zones that can crash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// One call (edge), by its ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallRef>,
    /// The network from the first zone (or region) to the second, and back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<[String; 2]>,
    /// How long until it ends (recovers), s; never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_s: Option<f64>,
    /// What happens.
    pub fault: FaultKind,
}

impl Fault {
    /// A `fault` at `at_s` that never ends, without a target yet (set one).
    pub fn at(at_s: f64, fault: FaultKind) -> Fault {
        Fault {
            at_s,
            node: None,
            replica: None,
            zone: None,
            region: None,
            call: None,
            between: None,
            for_s: None,
            fault,
        }
    }

    /// A fault hitting `node` (all of it) at `at_s` for `for_s`.
    pub fn on_node(node: &str, at_s: f64, for_s: Option<f64>, fault: FaultKind) -> Fault {
        Fault { node: Some(node.into()), for_s, ..Fault::at(at_s, fault) }
    }

    /// The fault script line for people, e.g. `at 60 s: db replica 0 crash
    /// for 20 s`.
    pub fn describe(&self) -> String {
        let target = match (&self.node, self.replica, &self.zone, &self.region, &self.call, &self.between) {
            (Some(n), Some(r), ..) => format!("{n} replica {r}"),
            (Some(n), None, ..) => n.to_string(),
            (_, _, Some(z), ..) => format!("zone {z}"),
            (_, _, _, Some(r), ..) => format!("region {r}"),
            (_, _, _, _, Some(c), _) => format!("call {} → {}", c.from, c.to),
            (_, _, _, _, _, Some([a, b])) => format!("network {a} ↔ {b}"),
            _ => "?".to_owned(),
        };
        let what = match self.fault {
            FaultKind::Slow { factor } => format!("slow ×{factor}"),
            FaultKind::ErrorRate { share } => format!("errors {:.0} %", share * 100.0),
            FaultKind::Spike { factor } => format!("traffic ×{factor}"),
            FaultKind::Latency { extra_ms, .. } => format!("latency +{extra_ms} ms"),
            FaultKind::Loss { share } => format!("loses {:.0} % of messages", share * 100.0),
            other => other.name().replace('_', " "),
        };
        let until = self.for_s.map(|s| format!(" for {s} s")).unwrap_or_default();
        format!("at {} s: {target} {what}{until}", self.at_s)
    }
}

/// A call, named by its caller and callee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRef {
    /// Caller.
    pub from: NodeId,
    /// Callee.
    pub to: NodeId,
}

/// Kinds of fault: `"crash"`, `{"slow": {"factor": 10}}`, … (the
/// Toxiproxy vocabulary for the network ones).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// A node (service pool, load balancer, cache, database, partitioned
    /// store, queue), one replica of it, or everything in a zone or region
    /// crashes: its connections reset, so every request in service or
    /// queued there fails at once, and new requests to it are refused until
    /// it recovers (with empty queues).
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
    /// An open-loop client sends `factor` times its rate (a flash crowd).
    Spike {
        /// Rate multiplier (> 0).
        factor: f64,
    },
    /// A cache or CDN edge loses every item at once but stays up.
    Flush,
    /// A queue's consumers (or one, `replica`) stop taking messages while
    /// staying in the group (a paused deployment): the lag grows, and they
    /// catch up when they start again.
    Stop,
    /// Messages on a call, or between two zones, take `extra_ms` longer
    /// each way, ± up to `jitter_ms` (uniform, as Toxiproxy's latency
    /// toxic; never below the normal latency).
    Latency {
        /// Added one-way latency, ms.
        extra_ms: f64,
        /// Its random spread either way, ms.
        #[serde(default)]
        jitter_ms: f64,
    },
    /// A `share` of the messages on a call, or between two zones, is lost
    /// (each way): the caller hears nothing and waits for its timeout.
    Loss {
        /// Share of messages dropped, 0–1.
        share: f64,
    },
    /// The network between two zones drops every message: both ways, or
    /// only from the first zone to the second when `one_way`.
    Partition {
        /// Only the first zone cannot reach the second.
        #[serde(default)]
        one_way: bool,
    },
}

impl FaultKind {
    /// Its name in the scenario format.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::Slow { .. } => "slow",
            FaultKind::ErrorRate { .. } => "error_rate",
            FaultKind::Spike { .. } => "spike",
            FaultKind::Flush => "flush",
            FaultKind::Stop => "stop",
            FaultKind::Latency { .. } => "latency",
            FaultKind::Loss { .. } => "loss",
            FaultKind::Partition { .. } => "partition",
        }
    }
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
    #[schemars(range(min = 1.0, max = 3_600_000.0), extend("x-help" = "Health checks: time between probes of each backend"))]
    pub interval_ms: f64,
    /// Consecutive failed probes that mark a backend unhealthy (default 2).
    #[schemars(range(min = 1, max = 100), extend("x-help" = "Health checks: failed probes in a row that take a backend out of rotation", "x-unit" = "probes"))]
    pub unhealthy_threshold: u32,
    /// Consecutive good probes that mark it healthy again (default 2).
    #[schemars(range(min = 1, max = 100), extend("x-help" = "Health checks: good probes in a row that bring it back", "x-unit" = "probes"))]
    pub healthy_threshold: u32,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck { interval_ms: 5_000.0, unhealthy_threshold: 2, healthy_threshold: 2 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_reads_as_a_script_line() {
        let f = Fault { replica: Some(0), ..Fault::on_node("db", 60.0, Some(20.0), FaultKind::Crash) };
        assert_eq!(f.describe(), "at 60 s: db replica 0 crash for 20 s");
        let z = Fault { zone: Some("eu-west-1a".into()), ..Fault::at(40.0, FaultKind::Slow { factor: 3.0 }) };
        assert_eq!(z.describe(), "at 40 s: zone eu-west-1a slow ×3");
    }
}
