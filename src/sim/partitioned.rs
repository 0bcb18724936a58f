//! Partitioned stores: keys spread over partitions by hash or by range;
//! each partition's leader serves its reads and writes with a connection
//! pool and an accept queue ([`Workers`]), so a partition holding popular
//! keys saturates while the others idle (a hot partition).
//!
//! A leader crash fails what it holds; the partition refuses requests until
//! a follower is elected `election_s` later (when a live follower remains:
//! `replication_factor` − 1 copies stand by), or until the leader recovers.
//! A leader that recovers after the election rejoins as a follower.

use crate::metrics::{NodeStats, TimeIntegral};
use crate::model::{key_partition, PartitionedParams, Partitioning};

use super::component::{Behavior, Build, Ctx, Site};
use super::event::{fault_targets, CallResult, Failure, Timer};
use super::random;
use super::report::NodeReport;
use super::request::{ReqId, Request};
use super::sampler::QueryTimes;
use super::workers::{active, Admission, Workers};
use super::SimTime;

/// One partition's leader and its copies.
struct Partition {
    workers: Workers,
    /// Busy connections over time, for its load.
    busy: TimeIntegral,
    /// Requests sent to it after the warm-up.
    requests: u64,
    /// Copies crashed and not recovered.
    crashed: u32,
    /// While its leader is down and a follower can take over: when.
    election: Option<SimTime>,
}

/// A partitioned store node in a run.
pub struct PartitionedSim {
    node: u32,
    p: PartitionedParams,
    times: QueryTimes,
    parts: Vec<Partition>,
    warmup: SimTime,
    /// Requests seen, connections busy (all partitions) and queued.
    pub stats: NodeStats,
}

impl PartitionedSim {
    /// Node `node` (index) with parameters `p`.
    pub fn new(node: u32, name: &str, p: &PartitionedParams, seed: u64, warmup: SimTime) -> Self {
        let part = || Partition {
            workers: Workers::default(),
            busy: TimeIntegral::new(warmup),
            requests: 0,
            crashed: 0,
            election: None,
        };
        PartitionedSim {
            node,
            p: p.clone(),
            times: QueryTimes::new(&p.read_time, &p.write_time, random::stream(seed, name, "operations")),
            parts: (0..p.partitions).map(|_| part()).collect(),
            warmup,
            stats: NodeStats::new(warmup),
        }
    }

    /// Connection slots of all partition leaders.
    pub fn capacity(&self) -> u32 {
        self.p.connections * self.parts.len() as u32
    }

    /// The partition of `key`: its hash slot, or its range of
    /// `key_space` / partitions keys.
    fn partition_of(&self, key: u64) -> usize {
        let n = self.parts.len();
        match self.p.partitioning {
            Partitioning::Hash => key_partition(key, n),
            Partitioning::Range => {
                let k = u128::from(key.saturating_sub(1)) * n as u128 / u128::from(self.p.key_space.max(1));
                (k as usize).min(n - 1)
            }
        }
    }

    fn is_up(&self, ctx: &Ctx, k: usize) -> bool {
        ctx.up[self.node as usize][k]
    }

    fn start_queued(&mut self, ctx: &mut Ctx, k: usize) {
        while let Some(next) = self.parts[k].workers.next_queued(&mut ctx.requests, self.p.connections) {
            self.stats.queued.add(ctx.now(), -1);
            self.begin(ctx, next.req, k);
        }
    }

    fn begin(&mut self, ctx: &mut Ctx, req: ReqId, k: usize) {
        self.parts[k].busy.add(ctx.now(), 1);
        self.times.start(ctx, &mut self.stats, req);
    }

    /// Partition `k`'s leader crashes.
    fn crash(&mut self, ctx: &mut Ctx, k: usize) {
        if !self.is_up(ctx, k) {
            return;
        }
        let now = ctx.now();
        ctx.up[self.node as usize][k] = false;
        let (held, queued) = self.parts[k].workers.fail_all(ctx, &mut self.stats);
        self.parts[k].busy.add(now, -(held as i64));
        let part = &mut self.parts[k];
        part.crashed += 1;
        let follower = part.crashed < self.p.replication_factor;
        let then = if follower {
            let at = now.after(SimTime::from_s(self.p.election_s));
            part.election = Some(at);
            ctx.set_timer(self.node, Timer::Partition { partition: k as u32 }, at);
            "requests fail until a follower is elected"
        } else {
            "no follower left: requests fail until a copy recovers"
        };
        let detail = format!("leader of partition {k} crashed: {held} running and {queued} queued failed; {then}");
        ctx.log(self.node, "crash", detail);
    }

    /// A crashed copy of partition `k` recovers: the leader itself if no
    /// follower took over, else a new follower.
    fn recover(&mut self, ctx: &mut Ctx, k: usize) {
        let part = &mut self.parts[k];
        if part.crashed == 0 {
            return;
        }
        part.crashed -= 1;
        if ctx.up[self.node as usize][k] {
            ctx.log(self.node, "recover", format!("old leader of partition {k} rejoins as a follower"));
        } else {
            part.election = None;
            ctx.up[self.node as usize][k] = true;
            ctx.log(self.node, "recover", format!("leader of partition {k} recovered"));
        }
    }
}

impl Build<PartitionedParams> for PartitionedSim {
    fn build(site: &Site, p: &PartitionedParams) -> Self {
        PartitionedSim::new(site.index, site.name(), p, site.seed, site.warmup)
    }

    /// Applies new parameters from now on (not the partitioning: a new
    /// layout needs a new run).
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &PartitionedParams) {
        self.p = p.clone();
        self.times.set(&p.read_time, &p.write_time);
        for k in 0..self.parts.len() {
            self.start_queued(ctx, k);
        }
    }
}

impl Behavior for PartitionedSim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.capacity()))
    }

    /// A follower of partition `partition` is elected leader.
    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        let Timer::Partition { partition } = timer else { return };
        let k = partition as usize;
        if self.parts.get(k).is_some_and(|p| p.election == Some(ctx.now())) {
            self.parts[k].election = None;
            ctx.up[self.node as usize][k] = true;
            ctx.log(self.node, "failover", format!("a follower leads partition {k}"));
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        let Some(key) = ctx.requests.get(req).map(|r| r.key) else { return };
        let k = self.partition_of(key);
        if now >= self.warmup {
            self.parts[k].requests += 1;
        }
        if !self.is_up(ctx, k) {
            self.stats.drop_request(now, now);
            ctx.reply(req, Err(Failure::Error));
            return;
        }
        let Some(request) = ctx.requests.get_mut(req) else { return };
        let capacity = self.p.queue_capacity as usize;
        match self.parts[k].workers.admit(request, req, k, self.p.connections, capacity) {
            Admission::Started => self.begin(ctx, req, k),
            Admission::Queued => self.stats.queued.add(now, 1),
            Admission::Full => {
                self.stats.drop_request(now, now);
                ctx.reply(req, Err(Failure::Rejected));
            }
        }
    }

    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        let Some(request) = active(ctx, req) else { return };
        let (now, k) = (ctx.now(), request.replica as usize);
        ctx.reply(req, Ok(()));
        self.stats.depart(request.arrived, now);
        self.stats.busy.add(now, -1);
        self.parts[k].busy.add(now, -1);
        self.parts[k].workers.release(req, request.worker);
        self.start_queued(ctx, k);
    }

    fn on_reply(&mut self, _ctx: &mut Ctx, _child: &Request, _result: CallResult) {}

    fn on_fault(&mut self, ctx: &mut Ctx, partition: u32, up: bool) {
        for k in fault_targets(partition, self.parts.len()) {
            if up {
                self.recover(ctx, k);
            } else {
                self.crash(ctx, k);
            }
        }
    }

    fn report(&self, now: SimTime) -> NodeReport {
        let total: u64 = self.parts.iter().map(|p| p.requests).sum();
        let load = self.parts.iter().map(|p| p.busy.mean(now) / f64::from(self.p.connections)).collect();
        let share =
            self.parts.iter().map(|p| if total == 0 { 0.0 } else { p.requests as f64 / total as f64 }).collect();
        NodeReport::from_stats("partitioned_store", &self.stats, self.capacity(), now)
            .with("partitions", self.parts.len() as f64)
            .with_list("partition_load", load)
            .with_list("partition_share", share)
    }
}
