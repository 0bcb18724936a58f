//! Scenario validation: every problem, each with its JSON path and reason.

use std::collections::BTreeMap;

use petgraph::graph::DiGraph;
use thiserror::Error;

use super::params;
use super::wiring::wiring_problem;
use super::{
    CallMode, ComponentGroup, Fault, FaultKind, LbMode, LoadBalancerParams, Metric, NodeId, NodeKind, Onward, Scenario,
    ServiceTime, FORMAT_VERSION, KINDS,
};

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `$.nodes[2].params.workers`.
    pub path: String,
    /// What is wrong and what would be right.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a scenario cannot be loaded or run.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum ValidationError {
    /// Not JSON, or a field has the wrong shape.
    #[error("the scenario is not valid JSON of the expected shape: {0}")]
    Syntax(String),
    /// Written by a newer ArchSim.
    #[error("the scenario has format version {found}, newer than this app supports ({supported}): update ArchSim")]
    NewerVersion {
        /// Version found.
        found: u64,
        /// Newest version this build reads.
        supported: u32,
    },
    /// A version that never existed.
    #[error("the scenario has format version {0}, which no ArchSim release wrote")]
    UnknownVersion(u64),
    /// Well-formed but semantically wrong; every problem is listed.
    #[error("the scenario has {} problem(s): {}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("; ")
}

/// Upper bounds that keep a run's memory and time reasonable in a browser.
pub(super) const MAX_REPLICAS: u32 = 1_000;
pub(super) const MAX_WORKERS: u32 = 10_000;
pub(super) const MAX_QUEUE: u32 = 1_000_000;
/// Most items a cache may hold (memory of a run grows with them).
pub(super) const MAX_CACHE_ITEMS: u64 = 10_000_000;
/// Most partitions, or consumers, of a queue.
pub(super) const MAX_PARTITIONS: u32 = 1_000;
/// Most read replicas of a database.
pub(super) const MAX_DB_REPLICAS: u32 = 100;
pub(super) const MAX_USERS: u32 = 1_000_000;
/// Most characters of a participant's name.
pub const MAX_NAME_CHARS: usize = 80;
pub(super) const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;

impl Scenario {
    /// Checks everything a run relies on; returns every problem found.
    ///
    /// Errors: [`ValidationError::Invalid`] with one [`Problem`] per fault:
    /// duplicate or unknown ids, non-finite, negative or zero values where
    /// they make no sense, a kind wired to a kind it cannot call, a client
    /// without exactly one entry edge, a cycle of synchronous calls.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut c = Checker::default();
        if self.version != FORMAT_VERSION {
            c.fail("$.version", format!("must be {FORMAT_VERSION}"));
        }
        if self.participant.chars().count() > MAX_NAME_CHARS {
            c.fail("$.participant", format!("a name of at most {MAX_NAME_CHARS} characters"));
        }
        self.check_settings(&mut c);
        self.check_nodes(&mut c);
        self.check_edges(&mut c);
        self.check_faults(&mut c);
        c.problems.extend(self.objective_problems());
        if c.problems.is_empty() {
            Ok(())
        } else {
            Err(ValidationError::Invalid(c.problems))
        }
    }

    /// The problems of the run settings (duration, warm-up, network
    /// defaults, SLO), with paths like `$.settings.duration_s`.
    pub fn settings_problems(&self) -> Vec<Problem> {
        let mut c = Checker::default();
        let s = &self.settings;
        if let Ok(json) = serde_json::to_value(s) {
            params::check_ranges(&mut c, "$.settings", params::def("Settings"), &json);
        }
        if s.warmup_s >= s.duration_s {
            c.fail("$.settings.warmup_s", "must be shorter than the duration");
        }
        c.problems
    }

    fn check_settings(&self, c: &mut Checker) {
        c.problems.extend(self.settings_problems());
        let mut seen = BTreeMap::new();
        for (i, z) in self.zones.iter().enumerate() {
            c.range(&format!("$.zones[{i}].rect.w"), z.rect.w, 0.0, 1e6);
            c.range(&format!("$.zones[{i}].rect.h"), z.rect.h, 0.0, 1e6);
            if z.id.is_empty() {
                c.fail(format!("$.zones[{i}].id"), "must not be empty");
            } else if let Some(first) = seen.insert(z.id.as_str(), i) {
                c.fail(format!("$.zones[{i}].id"), format!("`{}` is already the id of zone {first}", z.id));
            }
        }
    }

    fn check_nodes(&self, c: &mut Checker) {
        let mut seen: BTreeMap<&NodeId, usize> = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let path = format!("$.nodes[{i}]");
            if n.id.0.is_empty() {
                c.fail(format!("{path}.id"), "must not be empty");
            } else if let Some(first) = seen.insert(&n.id, i) {
                c.fail(format!("{path}.id"), format!("`{}` is already the id of node {first}", n.id));
            }
            if let Some(zone) = &n.zone {
                if !self.zones.iter().any(|z| &z.id == zone) {
                    c.fail(format!("{path}.zone"), format!("zone `{zone}` is not defined in $.zones"));
                }
            }
            n.kind.check(c, &format!("{path}.params"));
            let outgoing = self.edges.iter().filter(|e| e.from == n.id).count();
            if let Some(problem) = n.kind.calls_problem(&n.id, outgoing) {
                c.fail(path, problem);
            }
        }
    }

    /// The problems of one node's parameters (paths relative to the
    /// scenario, e.g. `$.nodes[2].params.workers`), ignoring how it is
    /// wired: what the inspector shows while the graph is being built.
    pub fn param_problems(&self, index: usize) -> Vec<Problem> {
        let mut c = Checker::default();
        if let Some(n) = self.nodes.get(index) {
            n.kind.check(&mut c, &format!("$.nodes[{index}].params"));
        }
        c.problems
    }

    /// The problems of one edge's parameters (latency, probability,
    /// weight, and whether its call mode suits the two kinds), with paths
    /// like `$.edges[3].probability`.
    pub fn edge_problems(&self, index: usize) -> Vec<Problem> {
        let mut c = Checker::default();
        if let Some(e) = self.edges.get(index) {
            let path = format!("$.edges[{index}]");
            check_edge_params(&mut c, &path, e);
            self.check_split(&mut c, index);
            if let (Some(a), Some(b)) = (self.node(&e.from), self.node(&e.to)) {
                if let Some(reason) = wiring_problem(&a.kind, &b.kind, e.mode) {
                    c.fail(format!("{path}.mode"), reason);
                }
            }
        }
        c.problems
    }

    /// Why a synchronous edge `from` → `to` cannot be added, if it cannot:
    /// an unknown node, a self-call, a duplicate, a client that already has
    /// its entry edge, a kind that cannot call the other, or a cycle of
    /// synchronous calls it would close.
    pub fn connection_problem(&self, from: &NodeId, to: &NodeId) -> Option<String> {
        let (Some(caller), Some(callee)) = (self.node(from), self.node(to)) else {
            return Some("both ends must be existing nodes".into());
        };
        if from == to {
            return Some(format!("`{from}` cannot call itself"));
        }
        if self.edges.iter().any(|e| &e.from == from && &e.to == to) {
            return Some(format!("`{from}` already calls `{to}`"));
        }
        if caller.kind.info().group == ComponentGroup::Traffic && self.edges.iter().any(|e| &e.from == from) {
            return Some(format!("client `{from}` already has its entry node"));
        }
        if let Some(reason) = wiring_problem(&caller.kind, &callee.kind, CallMode::Sync) {
            return Some(reason.into());
        }
        // A path `to` ⇝ `from` over sync edges would close a cycle.
        let mut reach = vec![to];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(at) = reach.pop() {
            if at == from {
                return Some(format!("`{to}` already (indirectly) calls `{from}`: a synchronous cycle"));
            }
            if seen.insert(at) {
                reach.extend(self.edges.iter().filter(|e| &e.from == at && e.mode == CallMode::Sync).map(|e| &e.to));
            }
        }
        None
    }

    /// The problems of edge `index`'s split, if it is in one: its caller
    /// makes its calls one by one (a balancer already sends each request to
    /// one target), and the probabilities of the split's calls add up to at
    /// most 1.
    fn check_split(&self, c: &mut Checker, index: usize) {
        let e = &self.edges[index];
        if e.split.is_empty() {
            return;
        }
        let path = format!("$.edges[{index}].split");
        if self.node(&e.from).is_some_and(|n| n.kind.info().onward == Onward::OneOf) {
            c.fail(
                path,
                format!("`{}` sends each request to one of its targets already: a split is of the calls a service, cache or queue makes", e.from),
            );
            return;
        }
        let total: f64 =
            self.edges.iter().filter(|o| o.from == e.from && o.split == e.split).map(|o| o.probability).sum();
        if total > 1.0 + 1e-9 {
            c.fail(
                path,
                format!(
                    "the probabilities of `{}`'s calls in split `{}` add up to {total}: a request makes at most one of them, so they must add up to at most 1",
                    e.from, e.split
                ),
            );
        }
    }

    fn check_faults(&self, c: &mut Checker) {
        for (i, f) in self.faults.iter().enumerate() {
            let path = format!("$.faults[{i}]");
            c.range(&format!("{path}.at_s"), f.at_s, 0.0, MAX_DURATION_S);
            if let Some(for_s) = f.for_s {
                c.range(&format!("{path}.for_s"), for_s, f64::MIN_POSITIVE, MAX_DURATION_S);
            }
            self.check_fault(c, &path, f);
        }
    }

    /// The problems of the objectives, with paths like
    /// `$.objectives[0].target`.
    pub fn objective_problems(&self) -> Vec<Problem> {
        let mut checker = Checker::default();
        let c = &mut checker;
        for (i, o) in self.objectives.iter().enumerate() {
            let path = format!("$.objectives[{i}]");
            let max = if o.metric == Metric::Availability { 1.0 } else { 1e12 };
            c.range(&format!("{path}.target"), o.target, 0.0, max);
            for (name, t) in [("from_s", o.from_s), ("to_s", o.to_s)] {
                if let Some(t) = t {
                    c.range(&format!("{path}.{name}"), t, 0.0, MAX_DURATION_S);
                    if !o.metric.has_window() {
                        c.fail(format!("{path}.{name}"), format!("{} has no window", o.metric.label()));
                    }
                }
            }
            if let (Some(a), Some(b)) = (o.from_s, o.to_s) {
                if a >= b {
                    c.fail(format!("{path}.to_s"), "must be later than from_s");
                }
            }
            // A window that starts after the run could never be measured; one
            // that ends after it is measured up to the end.
            let duration = self.settings.duration_s;
            if o.from_s.is_some_and(|t| t >= duration) {
                c.fail(format!("{path}.from_s"), format!("must be before the end of the run ({duration} s)"));
            }
            let Some(id) = &o.node else { continue };
            let wanted = match o.metric {
                Metric::LostWrites | Metric::StaleReads | Metric::WriteConflicts => "database",
                Metric::ConsumerLag => "queue",
                _ => {
                    c.fail(format!("{path}.node"), format!("{} is measured for the whole system", o.metric.label()));
                    continue;
                }
            };
            match self.node(id) {
                Some(n) if n.kind.info().name == wanted => {}
                Some(_) => c.fail(format!("{path}.node"), format!("`{id}` is not a {wanted}")),
                None => c.fail(format!("{path}.node"), format!("unknown node `{id}`")),
            }
        }
        checker.problems
    }

    /// Every reason why `fault` cannot hit its target, as sentences: the
    /// checks of a scheduled fault (but its times), for a fault injected
    /// live.
    pub fn fault_problems(&self, fault: &Fault) -> Vec<String> {
        let mut c = Checker::default();
        self.check_fault(&mut c, "fault", fault);
        c.problems.into_iter().map(|p| p.message).collect()
    }

    fn check_fault(&self, c: &mut Checker, path: &str, f: &Fault) {
        match f.fault {
            FaultKind::Slow { factor } => c.range(&format!("{path}.fault.slow.factor"), factor, f64::MIN_POSITIVE, 1e3),
            FaultKind::ErrorRate { share } => c.range(&format!("{path}.fault.error_rate.share"), share, 0.0, 1.0),
            FaultKind::Spike { factor } => {
                c.range(&format!("{path}.fault.spike.factor"), factor, f64::MIN_POSITIVE, 1e3)
            }
            FaultKind::Latency { extra_ms, jitter_ms } => {
                c.range(&format!("{path}.fault.latency.extra_ms"), extra_ms, 0.0, 6e4);
                c.range(&format!("{path}.fault.latency.jitter_ms"), jitter_ms, 0.0, 6e4);
            }
            FaultKind::Loss { share } => c.range(&format!("{path}.fault.loss.share"), share, 0.0, 1.0),
            FaultKind::Crash | FaultKind::Flush | FaultKind::Stop | FaultKind::Partition { .. } => {}
        }
        let targets = [f.node.is_some(), f.zone.is_some(), f.region.is_some(), f.call.is_some(), f.between.is_some()];
        if targets.iter().filter(|t| **t).count() != 1 {
            c.fail(path, "needs exactly one target: `node`, `zone`, `region`, `call` or `between`");
            return;
        }
        if f.replica.is_some() && f.node.is_none() {
            c.fail(format!("{path}.replica"), "only a `node` fault can hit one replica");
        }
        let what = f.fault.name();
        let (at, problem) = if let Some(node) = &f.node {
            ("node", self.node_fault_problem(node, f.replica, f.fault))
        } else if let Some(zone) = f.zone.as_ref().or(f.region.as_ref()) {
            let (field, known) = match &f.zone {
                Some(_) => ("zone", self.zones.iter().any(|z| &z.id == zone)),
                None => ("region", self.zones.iter().any(|z| &z.region == zone)),
            };
            let problem = if !known {
                Some(format!("{field} `{zone}` does not exist"))
            } else if f.fault != FaultKind::Crash {
                Some(format!("a {field} can only go down (crash), not get a {what} fault"))
            } else {
                None
            };
            (field, problem)
        } else if let Some(call) = &f.call {
            let problem = if !self.edges.iter().any(|e| e.from == call.from && e.to == call.to) {
                Some(format!("there is no call from `{}` to `{}`", call.from, call.to))
            } else if !matches!(f.fault, FaultKind::Latency { .. } | FaultKind::Loss { .. }) {
                Some(format!("a call gets latency or loss faults, not {what}"))
            } else {
                None
            };
            ("call", problem)
        } else {
            let [a, b] = f.between.as_ref().map_or([""; 2], |[a, b]| [a.as_str(), b.as_str()]);
            let place = |p: &str| self.zones.iter().any(|z| z.id == p || z.region == p);
            let problem = if let Some(unknown) = [a, b].into_iter().find(|p| !place(p)) {
                Some(format!("`{unknown}` is neither a zone nor a region"))
            } else if a == b {
                Some("needs two different zones or regions".to_owned())
            } else if !matches!(
                f.fault,
                FaultKind::Latency { .. } | FaultKind::Loss { .. } | FaultKind::Partition { .. }
            ) {
                Some(format!("the network between zones gets latency, loss or partition faults, not {what}"))
            } else {
                None
            };
            ("between", problem)
        };
        if let Some(problem) = problem {
            c.fail(format!("{path}.{at}"), problem);
        }
    }

    /// Why `fault` cannot hit `node` (or its `replica`), if it cannot: a
    /// crash needs a kind that can crash (`NodeKind::crash_parts`) and a
    /// replica it has; grey failures hit service pools, a spike an
    /// open-loop client, a flush a cache or CDN.
    pub fn node_fault_problem(&self, node: &NodeId, replica: Option<u32>, fault: FaultKind) -> Option<String> {
        let Some(n) = self.node(node) else { return Some(format!("node `{node}` does not exist")) };
        let title = n.kind.info().title.to_ascii_lowercase();
        let crashing;
        let targets = match fault {
            FaultKind::Crash => {
                let kinds: Vec<&str> = KINDS.iter().filter(|k| k.crash.is_some()).map(|k| k.plural).collect();
                crashing = crate::words::list(&kinds);
                &crashing
            }
            FaultKind::Slow { .. } | FaultKind::ErrorRate { .. } => "service pools",
            FaultKind::Spike { .. } => "open-loop clients",
            FaultKind::Flush => "caches and CDN edges",
            FaultKind::Stop => "queues (their consumers)",
            FaultKind::Latency { .. } | FaultKind::Loss { .. } | FaultKind::Partition { .. } => {
                "calls and the network between zones"
            }
        };
        let fits = n.kind.takes(fault);
        if !fits {
            return Some(format!("{} faults apply to {targets}, not to `{node}` ({title})", fault.name()));
        }
        let parts = n.kind.crash_parts().unwrap_or(1);
        match replica {
            Some(_) if matches!(fault, FaultKind::Spike { .. } | FaultKind::Flush) => {
                Some(format!("a {} fault hits the whole node, not one replica", fault.name()))
            }
            Some(_) if parts == 0 => Some(format!("`{node}` has no replicas")),
            Some(r) if r >= parts => Some(format!("`{node}` has replicas 0 to {}", parts - 1)),
            _ => None,
        }
    }

    fn check_edges(&self, c: &mut Checker) {
        let mut graph = DiGraph::<usize, ()>::new();
        let index: Vec<_> = (0..self.nodes.len()).map(|i| graph.add_node(i)).collect();
        // Calls that take no simulated time into a node that takes none.
        let mut instant = graph.clone();
        let position = |id: &NodeId| self.nodes.iter().position(|n| &n.id == id);
        for (i, e) in self.edges.iter().enumerate() {
            let path = format!("$.edges[{i}]");
            let from = position(&e.from);
            let to = position(&e.to);
            if from.is_none() {
                c.fail(format!("{path}.from"), format!("node `{}` does not exist", e.from));
            }
            if to.is_none() {
                c.fail(format!("{path}.to"), format!("node `{}` does not exist", e.to));
            }
            check_edge_params(c, &path, e);
            self.check_split(c, i);
            let (Some(f), Some(t)) = (from, to) else { continue };
            if f == t {
                c.fail(path, format!("node `{}` cannot call itself", e.from));
                continue;
            }
            let (caller, callee) = (&self.nodes[f].kind, &self.nodes[t].kind);
            if let Some(reason) = wiring_problem(caller, callee, e.mode) {
                c.fail(path, format!("`{}` → `{}`: {reason}", e.from, e.to));
                continue;
            }
            if e.mode == CallMode::Sync {
                graph.add_edge(index[f], index[t], ());
            }
            let no_time = e.latency.can_be_zero() && self.placement_extra_ms(&self.nodes[f], &self.nodes[t]) == 0.0;
            if no_time && callee.can_take_no_time() {
                instant.add_edge(index[f], index[t], ());
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if let NodeKind::LoadBalancer(LoadBalancerParams { mode: LbMode::L7 { routes }, .. }) = &n.kind {
                for (r, route) in routes.iter().enumerate() {
                    for (k, target) in route.targets.iter().enumerate() {
                        if !self.edges.iter().any(|e| e.from == n.id && &e.to == target) {
                            c.fail(
                                format!("$.nodes[{i}].params.mode.routes[{r}].targets[{k}]"),
                                format!("`{target}` is not a backend of `{}` (add an edge)", n.id),
                            );
                        }
                    }
                }
            }
        }
        let cycles = |g: &DiGraph<usize, ()>| -> Vec<String> {
            let mut found: Vec<String> = (petgraph::algo::tarjan_scc(g).into_iter().filter(|scc| scc.len() > 1))
                .map(|scc| {
                    let mut names: Vec<_> = scc.iter().map(|&v| self.nodes[g[v]].id.to_string()).collect();
                    names.sort_unstable();
                    names.join(", ")
                })
                .collect();
            found.sort_unstable();
            found
        };
        for names in cycles(&graph) {
            c.fail("$.edges", format!("synchronous calls form a cycle through {names} (make one call async)"));
        }
        // A request could go round such a cycle forever at one instant: the
        // run would never advance its clock.
        for names in cycles(&instant) {
            c.fail(
                "$.edges",
                format!("calls form a cycle through {names} that takes no time (every hop 0 ms): give one call a latency or one node a service time"),
            );
        }
    }
}

fn check_edge_params(c: &mut Checker, path: &str, e: &super::Edge) {
    if let Ok(json) = serde_json::to_value(e) {
        params::check_ranges(c, path, params::def("Edge"), &json);
    }
    check_resilience(c, path, e);
}

/// The caller resilience of an edge: timeouts, retries, breaker, bulkhead.
fn check_resilience(c: &mut Checker, path: &str, e: &super::Edge) {
    let guarded = e.timeout_ms.is_some() || e.retry.is_some() || e.circuit_breaker.is_some() || e.bulkhead.is_some();
    if guarded && e.mode == CallMode::Async {
        c.fail(path, "timeouts, retries, circuit breakers and bulkheads need a sync call (an async call has no reply)");
    }
    if let Some(r) = &e.retry {
        if r.cap_ms < r.base_ms {
            c.fail(
                format!("{path}.retry.cap_ms"),
                format!("is {}; must be at least the base ({})", r.cap_ms, r.base_ms),
            );
        }
    }
}

pub(super) fn check_service_time(c: &mut Checker, st: &str, t: &ServiceTime) {
    match t {
        ServiceTime::Lognormal { mean_ms, p99_ms } if super::lognormal_fit(*mean_ms, *p99_ms).is_none() => c.fail(
            format!("{st}.p99_ms"),
            "must be greater than the mean and at most 14.9 × the mean (no lognormal has a heavier tail)",
        ),
        ServiceTime::Empirical { samples_ms } if samples_ms.is_empty() => {
            c.fail(format!("{st}.samples_ms"), "needs at least one sample")
        }
        _ => {}
    }
}

/// Collects problems (each kind's [`super::Kind::check`] adds its own).
#[derive(Default)]
pub struct Checker {
    pub(super) problems: Vec<Problem>,
}

impl Checker {
    /// Records that the value at `path` is wrong, and why.
    pub fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem { path: path.into(), message: message.into() });
    }

    /// `v` must be a finite number in `[min, max]`.
    pub fn range(&mut self, path: &str, v: f64, min: f64, max: f64) {
        if !v.is_finite() {
            self.fail(path, "must be a finite number");
        } else if v < min || v > max {
            let lower = if min == f64::MIN_POSITIVE { "greater than 0".to_owned() } else { format!("at least {min}") };
            self.fail(path, format!("is {v}; must be {lower} and at most {max}"));
        }
    }
}
