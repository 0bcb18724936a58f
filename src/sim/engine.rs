//! The simulation kernel: builds components from a scenario, pops events in
//! `(time, sequence)` order and hands each to the component it concerns.

use std::collections::BTreeMap;

use crate::metrics::{ClientMetrics, Counts, EdgeFlow, LoadHistory, LoadSample, NodeStats, WindowLoad};
use crate::model::{Fault, Scenario, Settings, Slo, ValidationError};

use super::budget::{Budget, Stopped};
use super::component::{Behavior, Condition, Ctx, Site, LOST};
use super::event::{CallResult, Event, Failure};
use super::faults::{fault_event, hits, Hit};
use super::guard::{BreakerState, Guard};
use super::network::Link;
use super::report::{EngineStats, Report, RequestReport, TimelineEvent};
use super::request::{Origin, ReqId, Request, Requests};
use super::workers::active;
use super::Component;
use super::{EventQueue, SimTime};

/// A running simulation of one scenario with one seed.
///
/// Step it with [`Simulation::run_until`]; read it with
/// [`Simulation::snapshot`] (cheap, for every frame) and
/// [`Simulation::report`] (the full summary).
pub struct Simulation {
    /// The scenario as last applied.
    scenario: Scenario,
    ids: Vec<String>,
    components: Vec<Component>,
    ctx: Ctx,
    seed: u64,
    duration: SimTime,
    warmup: SimTime,
    events: u64,
    /// Every node's load sampled over time (for windowed reasons).
    history: LoadHistory,
    /// Tries ended on each edge, in edge order (the page animates them).
    flows: Vec<EdgeFlow>,
    /// The run guards, and why they stopped the run, if they did.
    budget: Budget,
    stopped: Option<Stopped>,
}

/// Bytes of a run's state: requests in flight, pending events, and what
/// components keep (cached keys, queued messages).
fn state_bytes(components: &[Component], ctx: &Ctx) -> u64 {
    let parts: u64 = components.iter().map(|c| each_kind!(c, k => k.memory_bytes())).sum();
    ctx.requests.memory_bytes() + ctx.queue.memory_bytes() + parts
}

/// Interval of the load history's samples (it doubles on long runs).
const HISTORY_INTERVAL: SimTime = SimTime(1_000_000_000);

/// What [`Simulation::update`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Update {
    /// Every change applies from the current simulated time on.
    Applied,
    /// Nothing was applied: these changes only take effect in a new run.
    RestartNeeded(Vec<String>),
}

/// The state of the circuit breaker on one edge.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BreakerSnapshot {
    /// Caller node id.
    pub from: String,
    /// Callee node id.
    pub to: String,
    /// Closed, open or half-open.
    pub state: BreakerState,
}

/// The instantaneous state of one node.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeSnapshot {
    /// Node id.
    pub id: String,
    /// Workers (or cores) busy now.
    pub busy: u32,
    /// Worker slots (or cores) in service now: of the replicas up; 0 for
    /// clients and when every replica is down.
    pub capacity: u32,
    /// Every worker slot (or core), up or down; 0 for kinds without.
    pub slots: u32,
    /// Requests waiting in queues now.
    pub queued: usize,
    /// Replicas down (crashed) now.
    pub down: u32,
    /// Cache hit ratio from the warm-up on, 0–1: of a cache, or of a pool's
    /// exclusive caches together; None for other nodes and before any
    /// lookup.
    pub hit_ratio: Option<f64>,
    /// A database's mean replication lag from the warm-up on, ms (None for
    /// other nodes and before any write was applied).
    pub replication_lag_ms: Option<f64>,
    /// A balancer's backends out of rotation (its health checks' verdict).
    pub ejected: u32,
    /// A pool's replicas with a grey failure (slow or failing) now.
    pub degraded: u32,
    /// Mean wait in queue of the requests served from the warm-up on, ms
    /// (W_q); None for kinds without workers and before any was served.
    pub mean_wait_ms: Option<f64>,
    /// Time-average utilization ρ from the warm-up on, 0–1: busy workers
    /// over every worker slot, as the report's; None for kinds without
    /// workers and during the warm-up.
    pub mean_utilization: Option<f64>,
    /// Share of the arrivals from the warm-up on refused (full queue,
    /// limit), 0–1; None for kinds without workers and before any arrival.
    pub loss: Option<f64>,
    /// A queue's consumer lag growth from the warm-up on, messages/s
    /// (negative while it drains); None for other kinds and during the
    /// warm-up.
    pub lag_growth_rps: Option<f64>,
    /// Tries per call over the calls into the node with a timeout, retries,
    /// a breaker or a bulkhead, from the warm-up on (retry amplification);
    /// None without such calls or before any.
    pub tries_per_call: Option<f64>,
    /// Share of those calls that failed for good (every try failed, or the
    /// retries were refused), 0–1; None likewise.
    pub calls_failed: Option<f64>,
}

impl NodeSnapshot {
    /// Utilization ρ now, 0–1: busy workers over the worker slots in
    /// service (a crashed replica's workers serve nothing, so they do not
    /// dilute it). None for kinds without workers and when none is in
    /// service.
    pub fn utilization(&self) -> Option<f64> {
        (self.capacity > 0).then(|| f64::from(self.busy) / f64::from(self.capacity))
    }
}

impl Simulation {
    /// Builds a run of `scenario` with `seed` (which replaces the scenario's).
    ///
    /// Errors: every validation problem of the scenario.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Simulation, ValidationError> {
        scenario.validate()?;
        let s = &scenario.settings;
        let warmup = SimTime::from_s(s.warmup_s);
        let index = scenario.node_indices();
        let links: Vec<Link> = scenario
            .edges
            .iter()
            .map(|e| Link::new(scenario, e, index[&e.from] as u32, index[&e.to] as u32, seed))
            .collect();
        let components = (0..scenario.nodes.len() as u32)
            .map(|index| Component::build(&Site { index, scenario, links: &links, seed, warmup }))
            .collect();
        let up: Vec<Vec<bool>> = scenario.nodes.iter().map(|n| vec![true; Component::board(&n.kind)]).collect();
        let mut ctx = Ctx {
            queue: EventQueue::new(),
            requests: Requests::default(),
            links,
            metrics: ClientMetrics::new(warmup),
            in_service: up.clone(),
            registry_version: 0,
            up,
            log: Vec::new(),
            faults: Vec::new(),
        };
        for f in &scenario.faults {
            let at = SimTime::from_s(f.at_s);
            let fault = ctx.register_fault(f.fault);
            for hit in hits(scenario, f) {
                ctx.queue.schedule(at, fault_event(hit, fault, true));
                if let Some(for_s) = f.for_s {
                    ctx.queue.schedule(at.after(SimTime::from_s(for_s)), fault_event(hit, fault, false));
                }
            }
        }
        let mut sim = Simulation {
            scenario: scenario.clone(),
            ids: scenario.nodes.iter().map(|n| n.id.0.clone()).collect(),
            components,
            ctx,
            seed,
            duration: SimTime::from_s(s.duration_s),
            warmup,
            events: 0,
            history: LoadHistory::new(HISTORY_INTERVAL),
            flows: vec![EdgeFlow::default(); scenario.edges.len()],
            budget: Budget::new(&s.limits),
            stopped: None,
        };
        for c in &mut sim.components {
            each_kind!(c, k => k.start(&mut sim.ctx));
        }
        Ok(sim)
    }

    /// Applies an edited scenario to the running simulation, from the
    /// current simulated time on: parameter changes of existing nodes
    /// (rates, mixes, timeouts, workers, queue sizes, service times, USL,
    /// balancer algorithm and capacity), a duration still ahead of the
    /// current time, and the SLO. Structural changes (nodes, edges, zones,
    /// other settings, the number of replicas or users, open vs closed
    /// loop, L4/L7 routes) need a new run: then nothing is applied and the
    /// reasons are returned.
    ///
    /// Errors: the edited scenario's validation problems.
    pub fn update(&mut self, edited: &Scenario) -> Result<Update, ValidationError> {
        edited.validate()?;
        let old = &self.scenario;
        let mut reasons = Vec::new();
        // Only what a zone means to the network counts; where the editor
        // draws it does not.
        let placement = |s: &Scenario| s.zones.iter().map(|z| (z.id.clone(), z.region.clone())).collect::<Vec<_>>();
        // The SLO is only drawn, and a duration still ahead only moves the
        // end; every other setting shapes the run from its start.
        let shaping = |s: &Scenario| Settings { slo: Slo::default(), duration_s: 0.0, ..s.settings.clone() };
        if shaping(edited) != shaping(old) || placement(edited) != placement(old) {
            reasons.push("run settings or zones changed".to_owned());
        }
        let duration = SimTime::from_s(edited.settings.duration_s);
        if duration <= self.now() && duration != self.duration {
            reasons.push("the duration is no longer than the time already simulated".to_owned());
        }
        if edited.edges != old.edges {
            reasons.push("edges changed".to_owned());
        }
        if edited.faults != old.faults {
            reasons.push("scheduled faults changed".to_owned());
        }
        let same_nodes = edited.nodes.len() == old.nodes.len()
            && edited.nodes.iter().zip(&old.nodes).all(|(a, b)| {
                a.id == b.id && a.zone == b.zone && std::mem::discriminant(&a.kind) == std::mem::discriminant(&b.kind)
            });
        if !same_nodes {
            reasons.push("nodes were added, removed, renamed, re-zoned or changed kind".to_owned());
        }
        if !reasons.is_empty() {
            return Ok(Update::RestartNeeded(reasons));
        }
        // Check every node first, so that a refused change applies nothing.
        let refused: Vec<String> = edited
            .nodes
            .iter()
            .zip(&old.nodes)
            .filter_map(|(new, old)| Some(format!("`{}`: its {} changed", new.id, new.kind.restart_reason(&old.kind)?)))
            .collect();
        if !refused.is_empty() {
            return Ok(Update::RestartNeeded(refused));
        }
        let ctx = &mut self.ctx;
        for (component, node) in self.components.iter_mut().zip(&edited.nodes) {
            component.reconfigure(ctx, &node.kind);
        }
        self.duration = duration;
        self.scenario = edited.clone();
        Ok(Update::Applied)
    }

    /// Tries that ended on each edge since the start (answered, failed),
    /// in edge order: the request flow the page animates.
    pub fn edge_flows(&self) -> &[EdgeFlow] {
        &self.flows
    }

    /// Simulated time now.
    pub fn now(&self) -> SimTime {
        self.ctx.queue.now()
    }

    /// The scenario as last applied (the one built, or the last
    /// [`Simulation::update`]).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The run's end.
    pub fn duration(&self) -> SimTime {
        self.duration
    }

    /// Whether the run reached its duration, or was stopped by a guard.
    pub fn is_finished(&self) -> bool {
        self.now() >= self.duration || self.stopped.is_some()
    }

    /// Why a run guard stopped the run before its duration, if one did
    /// (see [`crate::model::RunLimits`]).
    pub fn stopped(&self) -> Option<&Stopped> {
        self.stopped.as_ref()
    }

    /// Bytes the run's state takes: requests in flight, pending events,
    /// cached keys and queued messages.
    pub fn memory_bytes(&self) -> u64 {
        state_bytes(&self.components, &self.ctx)
    }

    /// Checks the run guards; true if the run must stop (then recorded).
    #[cold]
    fn over_budget(&mut self) -> bool {
        let (components, ctx) = (&self.components, &self.ctx);
        self.stopped = self.budget.check(ctx.queue.now(), self.events, || state_bytes(components, ctx));
        self.stopped.is_some()
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.events
    }

    /// Client-level metrics (totals and the time series).
    pub fn metrics(&self) -> &ClientMetrics {
        &self.ctx.metrics
    }

    /// Processes every event up to `t` (at most the duration) and leaves the
    /// clock at that time.
    pub fn run_until(&mut self, t: SimTime) {
        if self.stopped.is_some() {
            return;
        }
        let end = t.min(self.duration);
        // In stretches that end at the load history's samples (which sees
        // the state after every event due by its time; the events run in
        // the same order as without it).
        loop {
            let due = self.history.next_due();
            let stretch = end.min(due);
            while let Some(event) = self.ctx.queue.pop_until(stretch) {
                self.events += 1;
                self.dispatch(event);
                if self.budget.due(self.events) && self.over_budget() {
                    return;
                }
            }
            self.ctx.queue.advance_to(stretch);
            if stretch == due {
                let samples = self.worker_stats().map(|w| {
                    w.map_or_else(LoadSample::default, |(stats, capacity)| LoadSample {
                        busy_area: stats.busy.area_until(due) as f64,
                        queued_area: stats.queued.area_until(due) as f64,
                        capacity,
                    })
                });
                self.history.record(due, samples.collect());
            }
            if stretch == end {
                return;
            }
        }
    }

    /// Each node's worker statistics and worker slots (or cores) now, in
    /// scenario order; none for nodes without workers.
    fn worker_stats(&self) -> impl Iterator<Item = Option<(&NodeStats, u32)>> + '_ {
        self.components.iter().map(|c| each_kind!(c, k => k.load()))
    }

    /// Each node's (busy workers, worker slots, queued requests) now, in
    /// scenario order; zeros for nodes without workers.
    pub fn levels(&self) -> impl Iterator<Item = (u32, u32, usize)> + '_ {
        self.worker_stats().map(|w| {
            w.map_or((0, 0, 0), |(stats, capacity)| {
                let (busy, queued) = stats.load();
                (busy, capacity, queued)
            })
        })
    }

    /// Each node's utilization ρ and mean queue length over `[from, to]`,
    /// in scenario order (from the load history: to within its sampling
    /// interval, 1 s on runs up to 512 s); none for a window shorter than
    /// that.
    pub fn load_over(&self, from: SimTime, to: SimTime) -> Option<Vec<WindowLoad>> {
        self.history.window(from, to)
    }

    /// Runs to the end of the duration.
    pub fn run_to_end(&mut self) {
        self.run_until(self.duration);
    }

    fn dispatch(&mut self, event: Event) {
        let ctx = &mut self.ctx;
        match event {
            Event::Timer { node, timer } => {
                each_kind!(&mut self.components[node as usize], c => c.on_timer(ctx, timer))
            }
            Event::Deliver(req) => {
                if let Some(at) = ctx.requests.get(req).map(|r| r.at) {
                    each_kind!(&mut self.components[at as usize], c => c.on_deliver(ctx, req));
                }
            }
            Event::Done(req) => {
                if let Some(at) = ctx.requests.get(req).map(|r| r.at) {
                    each_kind!(&mut self.components[at as usize], c => c.on_done(ctx, req));
                }
            }
            Event::Reply(req, result) => {
                if let Some(child) = ctx.requests.remove(req) {
                    if child.origin != Origin::Detached {
                        self.settle(req, &child, result);
                    } else if !child.abandoned {
                        // An asynchronous call's end (nobody waits for it).
                        self.count_flow(&child, result);
                    }
                }
            }
            Event::Timeouts(edge) => self.time_out_tries(edge),
            Event::Retry(req) => {
                let Some(r) = ctx.requests.get(req).copied() else { return };
                let waiting = match r.origin {
                    Origin::Call { parent } => active(ctx, parent).is_some(),
                    Origin::Client => !r.abandoned,
                    Origin::Detached => false,
                };
                if waiting {
                    each_kind!(&mut self.components[r.caller as usize], c => c.resend(ctx, req));
                } else {
                    ctx.requests.remove(req);
                }
            }
            Event::Fault { node, replica, fault, on } => self.strike(Hit::Node { node, replica }, fault, on),
            Event::LinkFault { edge, fault, on, ways } => self.strike(Hit::Link { edge, ways }, fault, on),
        }
    }

    /// Fault number `fault` starts (`on`) or ends at `hit`. Apart from
    /// [`Simulation::dispatch`] so that a fault injected live does not
    /// make the hot dispatch a function of two callers, which the
    /// optimiser then stops inlining into [`Simulation::run_until`].
    fn strike(&mut self, hit: Hit, fault: u32, on: bool) {
        let ctx = &mut self.ctx;
        match hit {
            Hit::Node { node, replica } => {
                let component = &mut self.components[node as usize];
                match Condition::of(ctx.faults[fault as usize], on) {
                    Some(condition) => each_kind!(component, c => c.on_condition(ctx, replica, condition)),
                    None => each_kind!(component, c => c.on_fault(ctx, replica, !on)),
                }
            }
            Hit::Link { edge, ways } => ctx.links[edge as usize].impair(ctx.faults[fault as usize], ways, on),
        }
    }

    /// The earliest try timeout pending on link `edge` is due: every try
    /// on it still waiting past its deadline times out.
    fn time_out_tries(&mut self, edge: u32) {
        let now = self.ctx.now();
        loop {
            let Ctx { links, requests, queue, .. } = &mut self.ctx;
            let Some(guard) = links[edge as usize].guard.as_mut() else { return };
            let waiting = |id| requests.get(id).is_some_and(|r| r.origin != Origin::Detached);
            let Some(req) = guard.deadlines.pop_due(now, waiting) else {
                if let Some(at) = guard.deadlines.rearm() {
                    queue.schedule(at, Event::Timeouts(edge));
                }
                return;
            };
            self.time_out(req);
        }
    }

    /// The caller gives up on try `req`, still waiting for its reply.
    fn time_out(&mut self, req: ReqId) {
        let Some(r) = self.ctx.requests.get_mut(req) else { return };
        let child = *r;
        if child.arrived == LOST {
            // Its request or reply was lost: nothing else will come.
            self.ctx.requests.remove(req);
        } else {
            // The callee keeps working on the try, for nobody: its reply
            // will be dropped.
            r.origin = Origin::Detached;
            r.abandoned = true;
        }
        self.settle(req, &child, Err(Failure::Timeout));
    }

    /// Counts the end of try `child` on its edge.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn count_flow(&mut self, child: &Request, result: CallResult) {
        if let Some(flow) = self.flows.get_mut(child.edge as usize) {
            flow.count(result.is_ok());
        }
    }

    /// Try `req` (whose value was `child`, now out of the slab or orphaned)
    /// ended with `result`: the link's guard counts it and may retry it
    /// after a backoff; otherwise the caller gets the result.
    fn settle(&mut self, req: ReqId, child: &Request, result: CallResult) {
        self.count_flow(child, result);
        let ctx = &mut self.ctx;
        let now = ctx.now();
        if let Some(guard) = ctx.links[child.edge as usize].guard.as_mut() {
            let change = if result == Err(Failure::Refused) { None } else { guard.settle(now, result) };
            let wait = match result {
                Err(failure) if !child.abandoned => guard.retry_wait_ms(now, child.attempt, failure, child.waited_ms),
                _ => None,
            };
            if result.is_err() && wait.is_none() {
                guard.gave_up(now);
            }
            if let Some(change) = change {
                ctx.log_breaker(child.caller, child.edge, change);
            }
            if let Some(wait_ms) = wait {
                // A new try: the callee's progress on the old one is not its.
                let next = Request { attempt: child.attempt + 1, waited_ms: wait_ms as f32, next_call: 0, ..*child };
                let new = ctx.requests.insert(next);
                each_kind!(&mut self.components[child.caller as usize], c => c.retried(req, new));
                ctx.queue.schedule(now.after(SimTime::from_ms(wait_ms)), Event::Retry(new));
                return;
            }
        }
        each_kind!(&mut self.components[child.caller as usize], c => c.on_reply(ctx, child, result));
    }

    /// Starts (`on`) or ends `fault` (its target and kind; its times are
    /// ignored) now: a fault injected live (ending a crash is a recovery).
    /// It takes effect at once, before the next event.
    ///
    /// Errors: why the fault cannot hit its target (unknown node, zone or
    /// call, a kind it does not apply to, no such replica, a parameter out
    /// of range).
    pub fn inject(&mut self, fault: &Fault, on: bool) -> Result<(), String> {
        let problems = self.scenario.fault_problems(fault);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let index = self.ctx.register_fault(fault.fault);
        for hit in hits(&self.scenario, fault) {
            self.strike(hit, index, on);
        }
        Ok(())
    }

    /// Requests (and calls) alive in the system now.
    pub fn live_requests(&self) -> usize {
        self.ctx.requests.live()
    }

    /// Each node's state now, in scenario order (the page takes it a few
    /// times a second: [`Simulation::breakers`] alone is cheap).
    pub fn node_snapshots(&self) -> Vec<NodeSnapshot> {
        let now = self.now();
        // The measured period's length, s (none during the warm-up).
        let measured = (now > self.warmup).then(|| now.since(self.warmup).as_s());
        // Per node, the calls into it over guarded links: (calls, tries,
        // failed for good).
        let mut guarded: Vec<Option<(u64, u64, u64)>> = vec![None; self.ids.len()];
        for l in &self.ctx.links {
            if let Some(c) = l.guard.as_ref().map(Guard::counts) {
                let into = guarded[l.to as usize].get_or_insert_default();
                *into = (into.0 + c.calls, into.1 + c.tries, into.2 + c.failed_calls);
            }
        }
        self.components
            .iter()
            .zip(&self.ids)
            .zip(&self.ctx.up)
            .zip(self.levels())
            .zip(self.worker_stats())
            .zip(guarded)
            .map(|(((((c, id), up), (busy, slots, queued)), stats), guarded)| {
                let calls = guarded.filter(|(calls, ..)| *calls > 0);
                let r = each_kind!(c, k => k.readouts());
                NodeSnapshot {
                    id: id.clone(),
                    busy,
                    capacity: each_kind!(c, k => k.slots_in_service(slots, up)),
                    slots,
                    queued,
                    down: up.iter().filter(|u| !**u).count() as u32,
                    hit_ratio: r.cache.and_then(|k| k.hit_ratio()),
                    replication_lag_ms: r.replication_lag_ms,
                    ejected: r.ejected,
                    degraded: r.degraded,
                    mean_wait_ms: stats.filter(|(s, _)| s.served > 0).map(|(s, _)| s.mean_wait_ms()),
                    mean_utilization: stats
                        .filter(|(_, slots)| *slots > 0 && measured.is_some())
                        .map(|(s, slots)| s.busy.mean(now) / f64::from(slots)),
                    loss: stats.filter(|(s, _)| s.arrivals > 0).map(|(s, _)| s.dropped as f64 / s.arrivals as f64),
                    lag_growth_rps: r.lag_added.zip(measured).map(|(n, span)| n as f64 / span),
                    tries_per_call: calls.map(|(calls, tries, _)| tries as f64 / calls as f64),
                    calls_failed: calls.map(|(calls, _, failed)| failed as f64 / calls as f64),
                }
            })
            .collect()
    }

    /// The circuit breakers' states now, in edge order.
    pub fn breakers(&self) -> Vec<BreakerSnapshot> {
        (self.ctx.links.iter())
            .filter_map(|l| {
                let state = l.guard.as_ref()?.breaker_state()?;
                Some(BreakerSnapshot { from: self.ids[l.from as usize].clone(), to: l.to_name.clone(), state })
            })
            .collect()
    }

    /// Client requests issued after the warm-up still waiting for a reply.
    fn unanswered_client_requests(&self) -> u64 {
        let counted = |r: &&Request| r.origin == Origin::Client && !r.abandoned && r.born >= self.warmup;
        self.ctx.requests.iter().filter(counted).count() as u64
    }

    /// How many [`Simulation::events`] there are (cheap: to tell whether
    /// there are new ones).
    pub fn event_count(&self) -> usize {
        self.ctx.log.len()
    }

    /// What happened to nodes so far (crashes, recoveries, health-check
    /// verdicts), in time order.
    pub fn events(&self) -> Vec<TimelineEvent> {
        self.ctx
            .log
            .iter()
            .map(|l| TimelineEvent {
                t_s: l.t.as_s(),
                node: self.ids[l.node as usize].clone(),
                what: l.what.to_owned(),
                detail: l.detail.clone(),
            })
            .collect()
    }

    /// The full report of the run so far.
    pub fn report(&self) -> Report {
        self.figures().seal()
    }

    /// The report's figures without its digest (which serializes the whole
    /// report): for readers of a few figures, such as grading.
    pub fn figures(&self) -> Report {
        let now = self.now();
        let c = self.ctx.metrics.counts;
        let measured_s = now.since(self.warmup).as_s();
        let mut report = Report {
            seed: self.seed,
            duration_s: now.as_s(),
            warmup_s: self.warmup.as_s(),
            requests: RequestReport {
                offered: c.offered,
                completed: c.completed,
                failed: c.failed,
                timed_out: c.timed_out,
                rejected: c.rejected,
                // Counted from the live requests, not as the difference, so
                // that the conservation law is a real check.
                in_flight: self.unanswered_client_requests(),
            },
            throughput_rps: if measured_s > 0.0 { c.completed as f64 / measured_s } else { 0.0 },
            availability: c.availability(),
            latency_ms: self.ctx.metrics.latency.summary(),
            undefined: undefined_figures(c),
            stopped: self.stopped.clone(),
            nodes: BTreeMap::new(),
            edges: BTreeMap::new(),
            events: self.events(),
            single_points_of_failure: self.scenario.single_points_of_failure().into_iter().map(|id| id.0).collect(),
            digest: String::new(),
            engine: EngineStats { events: self.events, wall_ms: 0.0 },
        };
        // Inserted, not collected: `collect()` sorts a buffer first, about
        // 2 KB of page per map type.
        report
            .nodes
            .extend(self.ids.iter().cloned().zip(self.components.iter().map(|c| each_kind!(c, k => k.report(now)))));
        report.edges.extend(self.ctx.links.iter().filter_map(|l| {
            let g = l.guard.as_ref()?;
            Some((format!("{}->{}", self.ids[l.from as usize], l.to_name), g.report()))
        }));
        report
    }
}

/// Why the report's availability and latency are undefined, if they are:
/// a share or percentile of no requests is no figure (not 100 % or 0 ms).
fn undefined_figures(c: Counts) -> BTreeMap<&'static str, String> {
    let mut why = BTreeMap::new();
    let none = |what: &str| match c.offered {
        0 => "no client request was sent after the warm-up".to_owned(),
        n => format!("none of the {n} client requests sent after the warm-up {what}"),
    };
    if c.ended() == 0 {
        why.insert("availability", none("has ended (answered, failed, timed out or rejected)"));
    }
    if c.completed == 0 {
        why.insert("latency_ms", none("has completed"));
    }
    why
}
