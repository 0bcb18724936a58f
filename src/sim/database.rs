//! Replicated databases: a primary takes the writes and ships each commit to
//! the read replicas, which apply them one at a time in commit order, so
//! replication lag emerges from the apply time and the write rate.
//!
//! Every instance (the primary and each replica) has a connection pool and
//! an accept queue ([`Workers`]). Reads go to the primary or round robin
//! over the replicas that are up; a read served by a replica that has not
//! applied the newest acknowledged write to its key is a stale read. The
//! primary acknowledges a write at its commit (async), once `acks` replicas
//! received it (semi-sync) or once every replica that is up applied it
//! (sync), holding the connection meanwhile.
//!
//! When the primary crashes, its connections reset (what it holds fails),
//! the commits still in flight to the replicas are lost with it, and writes
//! fail until it is declared dead (`detection_s`, the heartbeat timeout)
//! and, `promotion_s` later, the replica that received the most is
//! promoted. Acknowledged writes it never received are lost writes: with
//! async replication about the writes of the last `ship_ms`, with semi-sync
//! or sync none. A crashed replica keeps receiving into its backlog (the
//! primary retains what it has not received) and catches up when it
//! recovers; an old primary rejoins as a replica, re-cloned from the new
//! one.

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;

use crate::metrics::NodeStats;
use crate::model::{DatabaseParams, ReadFrom, Replication, RequestClass};

use super::component::{Behavior, Build, Ctx, Readouts, Site};
use super::event::{fault_targets, CallResult, Failure, ReplicationStep, Timer};
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{ReqId, Request};
use super::sampler::QueryTimes;
use super::workers::{active, Admission, Workers};
use super::SimTime;

/// A write committed on a primary, on its way to the other instances.
#[derive(Clone, Copy)]
struct Commit {
    /// Commit sequence number (over all primaries).
    seq: u64,
    /// Commit time.
    at: SimTime,
    key: u64,
    /// The version of the key its primary held when it wrote (0: none).
    based_on: u64,
}

/// Per key, the sequence number of the write an instance holds.
type Versions = HashMap<u64, u64, BuildHasherDefault<std::collections::hash_map::DefaultHasher>>;

/// One database instance (the primary or a replica).
#[derive(Default)]
struct Instance {
    workers: Workers,
    /// Commits shipped to this instance, with their arrival times.
    in_transit: VecDeque<(SimTime, Commit)>,
    /// Received commits not applied yet, in order.
    backlog: VecDeque<Commit>,
    /// When the write being applied is done (None: not applying).
    apply_due: Option<SimTime>,
    /// Highest commit received.
    received: u64,
    /// The version of each key it holds.
    versions: Versions,
    /// Acknowledgements on their way to the primary: (arrival, sequence).
    acks: VecDeque<(SimTime, u64)>,
}

/// A write waiting for its replication acknowledgements.
struct Waiting {
    seq: u64,
    key: u64,
    req: ReqId,
    needed: u32,
    got: u32,
}

/// Replication figures from the warm-up on.
#[derive(Default)]
struct Counters {
    lag_sum_ns: u128,
    lag_max_ns: u64,
    applied: u64,
    stale_reads: u64,
    lost_writes: u64,
    failovers: u64,
    write_conflicts: u64,
}

/// A database node in a run.
pub struct DatabaseSim {
    node: u32,
    p: DatabaseParams,
    times: QueryTimes,
    instances: Vec<Instance>,
    /// The instance taking writes (or, while failing over, the one that
    /// crashed).
    primary: usize,
    /// While the primary is down: when the next failover step is due, and
    /// whether the crash was already detected (the next step promotes).
    failover: Option<SimTime>,
    detected: bool,
    /// Old primaries replaced by a failover: they rejoin as replicas.
    demoted: Vec<bool>,
    next_read: usize,
    /// Last commit sequence number, and the highest acknowledged one.
    seq: u64,
    acked_through: u64,
    /// Per key, the sequence number of its last acknowledged write.
    last_write: HashMap<u64, u64, BuildHasherDefault<std::collections::hash_map::DefaultHasher>>,
    waiting: Vec<Waiting>,
    apply_rng: Stream,
    warmup: SimTime,
    counters: Counters,
    /// Queries seen, connection occupancy and queues.
    pub stats: NodeStats,
}

impl DatabaseSim {
    /// Node `node` (index) with parameters `p`.
    pub fn new(node: u32, name: &str, p: &DatabaseParams, seed: u64, warmup: SimTime) -> Self {
        DatabaseSim {
            node,
            p: p.clone(),
            times: QueryTimes::new(&p.read_time, &p.write_time, random::stream(seed, name, "queries")),
            instances: (0..=p.replicas).map(|_| Instance::default()).collect(),
            primary: 0,
            failover: None,
            detected: false,
            demoted: vec![false; p.replicas as usize + 1],
            next_read: 0,
            seq: 0,
            acked_through: 0,
            last_write: HashMap::default(),
            waiting: Vec::new(),
            apply_rng: random::stream(seed, name, "apply"),
            warmup,
            counters: Counters::default(),
            stats: NodeStats::new(warmup),
        }
    }

    /// Mean replication lag of the writes applied after the warm-up, ms
    /// (None before any).
    pub fn mean_lag_ms(&self) -> Option<f64> {
        let c = &self.counters;
        (c.applied > 0).then(|| c.lag_sum_ns as f64 / c.applied as f64 / 1e6)
    }

    /// Connection slots of all instances.
    pub fn capacity(&self) -> u32 {
        self.p.connections * self.instances.len() as u32
    }

    fn is_up(&self, ctx: &Ctx, i: usize) -> bool {
        ctx.up[self.node as usize][i]
    }

    /// Where a query of `class` goes: writes to the primary; reads round
    /// robin over the replicas that are up (or to the primary).
    /// (Multi-primary: everything round robin over the instances up.)
    fn route(&mut self, ctx: &Ctx, class: RequestClass) -> Option<usize> {
        let n = self.instances.len();
        let multi = self.multi_primary();
        if multi || (class == RequestClass::Read && self.p.read_from == ReadFrom::Replicas) {
            let replica =
                (1..=n).map(|k| (self.next_read + k) % n).find(|&i| (multi || i != self.primary) && self.is_up(ctx, i));
            if let Some(i) = replica {
                self.next_read = i;
                return Some(i);
            }
        }
        Some(self.primary).filter(|&i| self.is_up(ctx, i))
    }

    fn start_queued(&mut self, ctx: &mut Ctx, i: usize) {
        while let Some(next) = self.instances[i].workers.next_queued(&mut ctx.requests, self.p.connections) {
            self.stats.queued.add(ctx.now(), -1);
            self.times.start(ctx, &mut self.stats, next.req);
        }
    }

    /// Replies to `req` and frees its connection.
    fn finish(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request, result: CallResult) {
        let now = ctx.now();
        ctx.reply(req, result);
        self.stats.depart(request.arrived, now);
        self.stats.busy.add(now, -1);
        let i = request.replica as usize;
        self.instances[i].workers.release(req, request.worker);
        self.start_queued(ctx, i);
    }

    fn multi_primary(&self) -> bool {
        self.p.replication == Replication::MultiPrimary
    }

    /// A write commits on its primary (instance `request.replica`): ships
    /// it to every other instance and acknowledges it as the replication
    /// mode says.
    fn commit(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) {
        let now = ctx.now();
        self.seq += 1;
        let (seq, origin, key) = (self.seq, request.replica as usize, request.key);
        let based_on = self.instances[origin].versions.insert(key, seq).unwrap_or(0);
        let commit = Commit { seq, at: now, key, based_on };
        let arrive = now.after(SimTime::from_ms(self.p.ship_ms));
        for i in (0..self.instances.len()).filter(|&i| i != origin) {
            self.instances[i].in_transit.push_back((arrive, commit));
            let step = ReplicationStep::Shipped;
            ctx.set_timer(self.node, Timer::Replication { instance: i as u32, step }, arrive);
        }
        let needed = self.acks_needed(ctx);
        if needed == 0 {
            self.acknowledged(request.key, seq);
            self.finish(ctx, req, request, Ok(()));
        } else {
            self.waiting.push(Waiting { seq, key: request.key, req, needed, got: 0 });
        }
    }

    /// The write `seq` to `key` is acknowledged: committed as its caller
    /// sees it, so a replica that has not applied it serves stale reads of
    /// the key.
    fn acknowledged(&mut self, key: u64, seq: u64) {
        self.acked_through = self.acked_through.max(seq);
        self.last_write.insert(key, seq);
    }

    /// Acknowledgements a commit waits for now: every replica with sync
    /// replication (so commits wait while one is down), at most the
    /// replicas up with semi-sync.
    fn acks_needed(&self, ctx: &Ctx) -> u32 {
        let up = (0..self.instances.len()).filter(|&i| i != self.primary && self.is_up(ctx, i)).count() as u32;
        match self.p.replication {
            Replication::Async => 0,
            Replication::SemiSync { acks } => acks.min(up),
            Replication::Sync => self.instances.len() as u32 - 1,
            Replication::MultiPrimary => 0,
        }
    }

    /// Releases the writes whose acknowledgements are all in.
    fn release_acknowledged(&mut self, ctx: &mut Ctx) {
        let (done, rest): (Vec<Waiting>, Vec<Waiting>) =
            std::mem::take(&mut self.waiting).into_iter().partition(|w| w.got >= w.needed);
        self.waiting = rest;
        for w in done {
            self.acknowledged(w.key, w.seq);
            if let Some(request) = active(ctx, w.req) {
                self.finish(ctx, w.req, &request, Ok(()));
            }
        }
    }

    /// Starts applying the next write of replica `i`'s backlog.
    fn apply_next(&mut self, ctx: &mut Ctx, i: usize) {
        let up = self.is_up(ctx, i);
        let inst = &mut self.instances[i];
        if inst.apply_due.is_some() || inst.backlog.is_empty() || !up {
            return;
        }
        let due = ctx.now().after(SimTime::from_ms(random::exponential(&mut self.apply_rng, self.p.apply_ms)));
        inst.apply_due = Some(due);
        ctx.set_timer(self.node, Timer::Replication { instance: i as u32, step: ReplicationStep::Applied }, due);
    }

    /// Sends an acknowledgement of `seq` from replica `i` to the primary.
    fn acknowledge(&mut self, ctx: &mut Ctx, i: usize, seq: u64) {
        let arrive = ctx.now().after(SimTime::from_ms(self.p.ship_ms));
        self.instances[i].acks.push_back((arrive, seq));
        ctx.set_timer(self.node, Timer::Replication { instance: i as u32, step: ReplicationStep::Acked }, arrive);
    }

    fn on_step(&mut self, ctx: &mut Ctx, i: usize, step: ReplicationStep) {
        let now = ctx.now();
        let up = self.is_up(ctx, i);
        match step {
            ReplicationStep::Shipped => {
                while let Some(&(_, commit)) = self.instances[i].in_transit.front().filter(|(at, _)| *at <= now) {
                    let inst = &mut self.instances[i];
                    inst.in_transit.pop_front();
                    inst.received = inst.received.max(commit.seq);
                    inst.backlog.push_back(commit);
                    if up && matches!(self.p.replication, Replication::SemiSync { .. }) {
                        self.acknowledge(ctx, i, commit.seq);
                    }
                }
                self.apply_next(ctx, i);
            }
            ReplicationStep::Applied => {
                if self.instances[i].apply_due != Some(now) {
                    return;
                }
                let inst = &mut self.instances[i];
                inst.apply_due = None;
                let Some(c) = inst.backlog.pop_front() else { return };
                let held = inst.versions.get(&c.key).copied().unwrap_or(0);
                inst.versions.insert(c.key, held.max(c.seq));
                // The instance holds a version the writer had not seen: two
                // concurrent writes (counted once, where the later lands).
                if held != c.based_on && c.seq > held && self.multi_primary() && c.at >= self.warmup {
                    self.counters.write_conflicts += 1;
                }
                let (seq, committed) = (c.seq, c.at);
                if committed >= self.warmup {
                    let lag = now.since(committed).0;
                    self.counters.lag_sum_ns += u128::from(lag);
                    self.counters.lag_max_ns = self.counters.lag_max_ns.max(lag);
                    self.counters.applied += 1;
                }
                if self.p.replication == Replication::Sync {
                    self.acknowledge(ctx, i, seq);
                }
                self.apply_next(ctx, i);
            }
            ReplicationStep::Acked => {
                while let Some(&(_, seq)) = self.instances[i].acks.front().filter(|(at, _)| *at <= now) {
                    self.instances[i].acks.pop_front();
                    if let Some(w) = self.waiting.iter_mut().find(|w| w.seq == seq) {
                        w.got += 1;
                    }
                }
                self.release_acknowledged(ctx);
            }
        }
    }

    /// Instance `i` crashes.
    fn crash(&mut self, ctx: &mut Ctx, i: usize) {
        if !self.is_up(ctx, i) {
            return;
        }
        ctx.up[self.node as usize][i] = false;
        let (held, queued) = self.instances[i].workers.fail_all(ctx, &mut self.stats);
        self.instances[i].apply_due = None;
        let failed = format!("{held} queries running and {queued} queued failed");
        if self.multi_primary() {
            ctx.log(self.node, "crash", format!("primary (instance {i}) crashed: {failed}; the others take its load"));
        } else if i == self.primary {
            // Commits in flight die with it; writes waiting for their
            // acknowledgements failed with its connections.
            self.waiting.clear();
            for inst in &mut self.instances {
                inst.in_transit.clear();
                inst.acks.clear();
            }
            self.detected = false;
            self.failover_step(ctx, self.p.detection_s);
            let detail = format!("primary (instance {i}) crashed: {failed}; writes fail until failover");
            ctx.log(self.node, "crash", detail);
        } else {
            ctx.log(self.node, "crash", format!("replica (instance {i}) crashed: {failed}"));
            // Semi-sync commits waiting for it wait for the replicas still
            // up; sync ones wait for it.
            let needed = self.acks_needed(ctx);
            self.waiting.iter_mut().for_each(|w| w.needed = w.needed.min(needed));
            self.release_acknowledged(ctx);
        }
    }

    /// Instance `i` recovers.
    fn recover(&mut self, ctx: &mut Ctx, i: usize) {
        if self.is_up(ctx, i) {
            return;
        }
        ctx.up[self.node as usize][i] = true;
        if i == self.primary && !self.multi_primary() {
            self.failover = None;
            self.detected = false;
            ctx.log(self.node, "recover", format!("primary (instance {i}) recovered before failover"));
        } else if self.demoted[i] {
            self.demoted[i] = false;
            let (seq, versions) = (self.seq, self.instances[self.primary].versions.clone());
            let inst = &mut self.instances[i];
            (inst.received, inst.versions) = (seq, versions);
            inst.backlog.clear();
            ctx.log(self.node, "recover", format!("instance {i} rejoined as a replica (re-cloned from the primary)"));
        } else {
            ctx.log(self.node, "recover", format!("replica (instance {i}) recovered, catching up"));
            self.apply_next(ctx, i);
        }
        // A failover found no replica up: the first one back is promoted.
        if self.detected && self.failover.is_some_and(|at| at <= ctx.now()) {
            self.fail_over(ctx);
        }
    }

    /// Schedules the next failover step `after_s` from now.
    fn failover_step(&mut self, ctx: &mut Ctx, after_s: f64) {
        let at = ctx.now().after(SimTime::from_s(after_s));
        self.failover = Some(at);
        ctx.set_timer(self.node, Timer::Failover, at);
    }

    /// The failover deadline passed: the crash is detected (heartbeats
    /// missed), or, once it was, a replica is promoted.
    fn failover_due(&mut self, ctx: &mut Ctx) {
        if self.detected {
            self.fail_over(ctx);
            return;
        }
        self.detected = true;
        let detail = format!("primary (instance {}) missed heartbeats: declared dead", self.primary);
        ctx.log(self.node, "detected", detail);
        self.failover_step(ctx, self.p.promotion_s);
    }

    /// Promotes the replica that is up and received the most; acknowledged
    /// writes it never received are lost. Waits for a replica to recover if
    /// none is up.
    fn fail_over(&mut self, ctx: &mut Ctx) {
        let candidate = (0..self.instances.len())
            .filter(|&i| self.is_up(ctx, i))
            .max_by_key(|&i| (self.instances[i].received, std::cmp::Reverse(i)));
        let Some(p) = candidate else { return };
        let lost = self.acked_through.saturating_sub(self.instances[p].received);
        if ctx.now() >= self.warmup {
            self.counters.lost_writes += lost;
            self.counters.failovers += 1;
        }
        self.demoted[self.primary] = true;
        self.primary = p;
        self.failover = None;
        self.detected = false;
        self.acked_through = self.instances[p].received;
        let detail = format!("instance {p} promoted to primary: {lost} acknowledged writes lost");
        ctx.log(self.node, "failover", detail);
    }
}

impl Build<DatabaseParams> for DatabaseSim {
    fn build(site: &Site, p: &DatabaseParams) -> Self {
        DatabaseSim::new(site.index, site.name(), p, site.seed, site.warmup)
    }

    /// Applies new parameters from now on (not the number of replicas:
    /// that needs a new run); queued queries start on new connections.
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &DatabaseParams) {
        self.p = p.clone();
        self.times.set(&p.read_time, &p.write_time);
        for i in 0..self.instances.len() {
            self.start_queued(ctx, i);
        }
    }
}

impl Behavior for DatabaseSim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.capacity()))
    }

    fn readouts(&self) -> Readouts {
        Readouts { replication_lag_ms: self.mean_lag_ms(), ..Readouts::default() }
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Replication { instance, step } => self.on_step(ctx, instance as usize, step),
            Timer::Failover if self.failover == Some(ctx.now()) => self.failover_due(ctx),
            _ => {}
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        let Some(class) = ctx.requests.get(req).map(|r| r.class) else { return };
        // No primary for a write (failing over), or nothing up: refused.
        let Some(i) = self.route(ctx, class) else {
            self.stats.drop_request(now, now);
            ctx.reply(req, Err(Failure::Error));
            return;
        };
        let Some(request) = ctx.requests.get_mut(req) else { return };
        let capacity = self.p.queue_capacity as usize;
        match self.instances[i].workers.admit(request, req, i, self.p.connections, capacity) {
            Admission::Started => self.times.start(ctx, &mut self.stats, req),
            Admission::Queued => self.stats.queued.add(now, 1),
            Admission::Full => {
                self.stats.drop_request(now, now);
                ctx.reply(req, Err(Failure::Rejected));
            }
        }
    }

    /// A query finished: a read replies (counted stale if its replica
    /// lags its key's last write); a write commits.
    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        let Some(request) = active(ctx, req) else { return };
        let i = request.replica as usize;
        match request.class {
            RequestClass::Write if i == self.primary || self.multi_primary() => self.commit(ctx, req, &request),
            RequestClass::Read => {
                let held = self.instances[i].versions.get(&request.key).copied().unwrap_or(0);
                let stale = self.last_write.get(&request.key).is_some_and(|&w| w > held);
                if stale && request.arrived >= self.warmup {
                    self.counters.stale_reads += 1;
                }
                self.finish(ctx, req, &request, Ok(()));
            }
            _ => self.finish(ctx, req, &request, Ok(())),
        }
    }

    fn on_reply(&mut self, _ctx: &mut Ctx, _child: &Request, _result: CallResult) {}

    fn on_fault(&mut self, ctx: &mut Ctx, instance: u32, up: bool) {
        for i in fault_targets(instance, self.instances.len()) {
            if up {
                self.recover(ctx, i);
            } else {
                self.crash(ctx, i);
            }
        }
    }

    fn report(&self, now: SimTime) -> NodeReport {
        let c = &self.counters;
        let mean_lag_ms = self.mean_lag_ms().unwrap_or(0.0);
        NodeReport::from_stats("database", &self.stats, self.capacity(), now)
            .with("replicas", f64::from(self.p.replicas))
            .with("replication_lag_ms", mean_lag_ms)
            .with("replication_lag_max_ms", c.lag_max_ns as f64 / 1e6)
            .with("stale_reads", c.stale_reads as f64)
            .with("lost_writes", c.lost_writes as f64)
            .with("failovers", c.failovers as f64)
            .with("write_conflicts", c.write_conflicts as f64)
    }
}
