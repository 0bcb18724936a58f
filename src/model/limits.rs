//! Run guards: the budgets a run may use before it is stopped with a
//! reason instead of hanging or exhausting memory, and the worst-case
//! memory of a design, which `validate` warns about before a run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Arrivals, NodeKind, Problem, Scenario};

/// Bytes a request in flight takes in a run (its slot in the request
/// table, its place in a queue and its deadline); the engine's test keeps
/// its real size under this.
pub const REQUEST_BYTES: u64 = 160;
/// Bytes a cached key takes (its entry in the table and in the eviction
/// order).
pub const CACHE_ITEM_BYTES: u64 = 96;
/// Bytes a message waiting in a queue's log takes.
pub const MESSAGE_BYTES: u64 = 48;

/// Bytes of requests queued and in service at `slots` instances of
/// `capacity` each.
pub(super) fn requests_bytes(slots: u64, capacity: u32) -> u64 {
    slots * u64::from(capacity) * REQUEST_BYTES
}

/// Bytes of `items` cached keys in each of `copies` caches.
pub(super) fn items_bytes(copies: u64, items: u64) -> u64 {
    copies.saturating_mul(items).saturating_mul(CACHE_ITEM_BYTES)
}

/// How much a run may use. A run that goes over a budget stops with the
/// reason (the report's `stopped`), keeping what it measured so far.
/// Defaults are far above what any shipped scenario uses (the largest uses
/// under 2 % of each).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunLimits {
    /// Most events within one simulated second (default 20,000,000). A
    /// zero-time cycle or a runaway retry loop piles events onto one
    /// instant and trips it at once.
    #[schemars(range(min = 1e3, max = 1e10), extend("x-help" = "Run guard: a run with more events within one simulated second stops, with the reason"))]
    pub max_events_per_s: f64,
    /// Most memory the run's state may take, MB (10⁶ bytes; default 1,000):
    /// requests in flight, pending events, cached keys and queued messages.
    #[schemars(range(min = 1.0, max = 1e6), extend("x-help" = "Run guard: a run whose state (requests, events, cached keys, queued messages) takes more stops, with the reason"))]
    pub max_memory_mb: f64,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits { max_events_per_s: 2e7, max_memory_mb: 1_000.0 }
    }
}

impl RunLimits {
    /// Whether these are the defaults (then they are not written out).
    pub fn is_default(&self) -> bool {
        *self == RunLimits::default()
    }

    /// The memory budget, bytes.
    pub fn max_memory_bytes(&self) -> u64 {
        (self.max_memory_mb * 1e6) as u64
    }
}

impl Scenario {
    /// The most memory each node's state could take in a run, bytes, with
    /// the JSON path it comes from: requests queued and in service at
    /// every replica (capacities × replicas), cached keys (capacity, per
    /// replica for a pool's own cache), and a queue's backlog, which has
    /// no retention limit, so at most every message the clients can send
    /// over the run (their peak rates × the duration).
    pub fn worst_case_memory(&self) -> Vec<(String, u64)> {
        let mut sent = 0.0;
        for n in &self.nodes {
            if let NodeKind::Client(c) = &n.kind {
                sent += match &c.arrivals {
                    Arrivals::Open { rate } => rate.max_rate() * self.settings.duration_s,
                    Arrivals::Closed { users, .. } => f64::from(*users),
                };
            }
        }
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("$.nodes[{i}].params"), n.kind.worst_case_bytes(sent)))
            .collect()
    }

    /// What may make a valid scenario fail to finish: a worst-case memory
    /// (see [`Scenario::worst_case_memory`]) over the run's memory budget,
    /// naming each node over a tenth of the budget (or else the one that
    /// takes the most), in node order. Not errors: most designs never reach
    /// their worst case.
    pub fn warnings(&self) -> Vec<Problem> {
        let budget = self.settings.limits.max_memory_bytes();
        let parts = self.worst_case_memory();
        let total: u64 = parts.iter().map(|(_, b)| *b).fold(0, u64::saturating_add);
        if total <= budget {
            return Vec::new();
        }
        // Each node over a tenth of the budget, else the one that takes the
        // most (the first of equals), in node order as other problems are.
        let most = parts.iter().map(|(_, b)| *b).max().unwrap_or(0);
        let first_most = parts.iter().position(|(_, b)| *b == most);
        let mb = |b: u64| b as f64 / 1e6;
        parts
            .into_iter()
            .enumerate()
            .filter(|(i, (_, bytes))| *bytes > budget / 10 || Some(*i) == first_most)
            .map(|(_, (path, bytes))| Problem {
                path,
                message: format!(
                    "may need {:.0} MB in the worst case (the whole design {:.0} MB, over the run's memory budget of {:.0} MB): the run stops if it gets there",
                    mb(bytes),
                    mb(total),
                    mb(budget)
                ),
            })
            .collect()
    }
}
