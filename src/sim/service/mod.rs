//! Service pools: replicas × workers with a bounded FIFO accept queue per
//! replica, a service-time distribution, optional Universal Scalability Law
//! slowdown, and downstream calls made in edge order after the request's own
//! work. A request holds its worker until its reply is sent
//! (thread-per-request), so slow dependencies exhaust the pool.
//!
//! A replica can crash: as when a process dies, its connections reset, so
//! every request it holds (in service or queued) fails at once, and requests
//! sent to it are refused until it recovers. It can also fail grey: stay up
//! but serve slower, or answer a share of its requests with errors.
//!
//! With an exclusive cache, each replica keeps its own: a read whose key it
//! holds skips the downstream calls; a read that made them fills it, and a
//! write updates it by the write policy. A crash empties it.

mod scaling;

use crate::metrics::NodeStats;
use crate::model::{CacheParams, RequestClass, ServiceParams, Usl};

use super::calls::Calls;
use super::component::{Behavior, Build, Condition, Ctx, Readouts, Site};
use super::event::{fault_targets, CallResult, Event, Failure, Timer, ANY_REPLICA};
use super::keycache::{CacheCounts, KeyCache};
use super::limiter::TokenBucket;
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::sampler::Sampler;
use super::scaler::Scaler;
use super::workers::{active, Admission, Workers};
use super::SimTime;

/// A service pool in a run.
pub struct ServiceSim {
    node: u32,
    workers: u32,
    queue_capacity: usize,
    sampler: Sampler,
    usl: Option<Usl>,
    calls: Calls,
    /// Exclusive cache parameters, and one cache per replica (none without).
    cache: Option<CacheParams>,
    caches: Vec<KeyCache>,
    warmup: SimTime,
    replicas: Vec<Workers>,
    /// Rate limiter in front of the pool.
    limiter: Option<TokenBucket>,
    /// Longest queueing delay before a request is shed.
    shed_after: Option<SimTime>,
    /// Requests refused by the rate limiter, shed from queues (after the
    /// warm-up).
    rate_limited: u64,
    shed: u64,
    /// Per replica: its grey failure (service-time multiplier, error share).
    grey: Vec<(f64, f64)>,
    /// Autoscaling (None: a fixed pool).
    scaler: Option<Scaler>,
    next_replica: usize,
    /// Mean time between failures and to repair of each replica, s (MTBF 0:
    /// no random failures).
    mtbf_s: f64,
    mttr_s: f64,
    service_rng: Stream,
    failure_rng: Stream,
    error_rng: Stream,
    /// Counts and time averages.
    pub stats: NodeStats,
}

impl ServiceSim {
    /// Node `node` (index), a pool with parameters `p` making `calls`.
    pub fn new(node: u32, name: &str, p: &ServiceParams, calls: Calls, seed: u64, warmup: SimTime) -> Self {
        ServiceSim {
            node,
            workers: p.workers,
            queue_capacity: p.queue_capacity as usize,
            sampler: Sampler::new(&p.service_time),
            usl: p.usl,
            calls,
            cache: p.cache.clone(),
            caches: p.cache.iter().flat_map(|c| (0..p.slots()).map(|_| KeyCache::new(c, warmup))).collect(),
            warmup,
            replicas: (0..p.slots()).map(|_| Workers::default()).collect(),
            limiter: p.rate_limit.as_ref().map(TokenBucket::new),
            shed_after: p.load_shedding.map(|s| SimTime::from_ms(s.max_wait_ms)),
            rate_limited: 0,
            shed: 0,
            grey: vec![(1.0, 0.0); p.slots() as usize],
            scaler: p.autoscaling.as_deref().map(|a| Scaler::new(*a, p.slots(), p.replicas, warmup)),
            next_replica: 0,
            mtbf_s: p.mtbf_s,
            mttr_s: p.mttr_s,
            service_rng: random::stream(seed, name, "service"),
            failure_rng: random::stream(seed, name, "failures"),
            error_rng: random::stream(seed, name, "errors"),
            stats: NodeStats::new(warmup),
        }
    }

    /// Total worker slots (replicas in service × workers).
    pub fn capacity(&self) -> u32 {
        self.workers * self.replica_count()
    }

    /// Replicas with a grey failure (slow or failing) now.
    pub fn degraded(&self) -> u32 {
        self.grey.iter().filter(|g| **g != (1.0, 0.0)).count() as u32
    }

    /// Number of replicas (in service, when autoscaled).
    pub fn replica_count(&self) -> u32 {
        self.scaler.as_ref().map_or(self.replicas.len() as u32, Scaler::in_service)
    }

    /// The exclusive caches' counts, summed over replicas (None without).
    pub fn cache_counts(&self) -> Option<CacheCounts> {
        (!self.caches.is_empty()).then(|| {
            let mut counts = CacheCounts::default();
            self.caches.iter().for_each(|c| counts.add(&c.counts));
            counts
        })
    }

    /// Starts the random failure process of every replica (when MTBF > 0).
    fn schedule_failures(&mut self, ctx: &mut Ctx) {
        if self.mtbf_s > 0.0 {
            for replica in 0..self.replicas.len() as u32 {
                self.next_transition(ctx, replica, self.mtbf_s);
            }
        }
    }

    /// Schedules the next random failure or repair of `replica` after an
    /// exponential time of mean `mean_s`.
    fn next_transition(&mut self, ctx: &mut Ctx, replica: u32, mean_s: f64) {
        let after = SimTime::from_s(random::exponential(&mut self.failure_rng, mean_s));
        ctx.set_timer(self.node, Timer::Failure { replica }, ctx.now().after(after));
    }

    /// Starts queued requests of `replica` while it has free workers;
    /// with load shedding, those that waited too long are rejected instead.
    fn start_queued(&mut self, ctx: &mut Ctx, replica: usize) {
        let now = ctx.now();
        while let Some(next) = self.replicas[replica].next_queued(&mut ctx.requests, self.workers) {
            self.stats.queued.add(now, -1);
            let (req, arrived) = (next.req, next.arrived);
            if self.shed_after.is_some_and(|limit| now.since(arrived) > limit) {
                self.shed += u64::from(self.stats.counts(arrived));
                self.replicas[replica].release(req, next.worker);
                self.stats.drop_request(arrived, now);
                ctx.reply(req, Err(Failure::Rejected));
                continue;
            }
            self.begin(ctx, req, replica, arrived);
        }
    }

    /// `req` (which arrived at `arrived`) got a worker of `replica`: draws
    /// its service time.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn begin(&mut self, ctx: &mut Ctx, req: ReqId, replica: usize, arrived: SimTime) {
        let now = ctx.now();
        let slowdown = self.usl.map_or(1.0, |u| u.slowdown(self.replicas[replica].busy())) * self.grey[replica].0;
        self.stats.busy.add(now, 1);
        if let Some(s) = self.scaler.as_mut() {
            s.busy_changed(replica, now, 1);
        }
        self.stats.start(arrived, now);
        let mut ms = self.sampler.draw_ms(&mut self.service_rng) * slowdown;
        if let Some(c) = self.cache.as_ref().filter(|_| is_read(ctx, req)) {
            ms += c.op_ms;
        }
        ctx.queue.schedule(now.after(SimTime::from_ms(ms)), Event::Done(req));
    }

    /// Makes the remaining calls of `req` (whose value is `request`) in
    /// order; replies when none is left to wait for. A read that hits the
    /// replica's cache makes none.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn advance(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) {
        let now = ctx.now();
        let errors = self.grey[request.replica as usize].1;
        if request.next_call == 0 && errors > 0.0 && random::unit(&mut self.error_rng) < errors {
            self.finish(ctx, req, Held::of(request), Err(Failure::Error));
            return;
        }
        let cache = self.caches.get_mut(request.replica as usize);
        if let Some(cache) = cache.filter(|_| request.next_call == 0 && request.class == RequestClass::Read) {
            if cache.lookup(request.key, now) {
                self.finish(ctx, req, Held::of(request), Ok(()));
                return;
            }
        }
        if self.calls.advance(ctx, req, request) {
            return;
        }
        if let Some(cache) = self.caches.get_mut(request.replica as usize) {
            match request.class {
                RequestClass::Read => cache.fill(request.key, now),
                RequestClass::Write => cache.written(request.key, now),
                RequestClass::Other => {}
            }
        }
        self.finish(ctx, req, Held::of(request), Ok(()));
    }

    /// Replies to `req` (held as `held`), frees its worker and starts the
    /// next queued request.
    fn finish(&mut self, ctx: &mut Ctx, req: ReqId, held: Held, result: CallResult) {
        let now = ctx.now();
        ctx.reply(req, result);
        self.stats.depart(held.arrived, now);
        self.stats.busy.add(now, -1);
        let replica = held.replica as usize;
        if let Some(s) = self.scaler.as_mut() {
            s.busy_changed(replica, now, -1);
        }
        self.replicas[replica].release(req, held.worker);
        self.start_queued(ctx, replica);
        self.stop_if_drained(ctx, replica);
    }

    /// Refuses a request sent to a replica that is down (or to a pool with
    /// none up): a connection refused.
    fn refuse(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.drop_request(now, now);
        ctx.reply(req, Err(Failure::Error));
    }

    /// Whether `replica` is up: the kernel's board, which health checks
    /// read, is the one record of it.
    fn is_up(&self, ctx: &Ctx, replica: usize) -> bool {
        ctx.up[self.node as usize][replica]
    }

    /// `replica` crashes: every request it holds fails now.
    fn crash(&mut self, ctx: &mut Ctx, replica: usize) {
        if !self.is_up(ctx, replica) {
            return;
        }
        ctx.up[self.node as usize][replica] = false;
        if let Some(cache) = self.caches.get_mut(replica) {
            cache.clear();
        }
        let (working, queued) = self.replicas[replica].fail_all(ctx, &mut self.stats);
        if let Some(s) = self.scaler.as_mut() {
            s.busy_changed(replica, ctx.now(), -(working as i64));
        }
        let detail = format!("replica {replica} crashed: {working} requests in service and {queued} queued failed");
        ctx.log(self.node, "crash", detail);
    }

    /// `replica` is back, idle and with an empty queue (unless it is an
    /// autoscaled slot that is not running).
    fn recover(&mut self, ctx: &mut Ctx, replica: usize) {
        if !self.is_up(ctx, replica) && self.running(replica) {
            ctx.up[self.node as usize][replica] = true;
            ctx.log(self.node, "recover", format!("replica {replica} recovered"));
        }
    }
}

/// What finishing a request needs of it: where it holds a worker, and
/// since when it is at the pool (passed by value, so that a handler reads
/// these fields of the request rather than copying all of it).
#[derive(Clone, Copy)]
struct Held {
    arrived: SimTime,
    replica: u32,
    worker: u32,
}

impl Held {
    fn of(request: &Request) -> Held {
        Held { arrived: request.arrived, replica: request.replica, worker: request.worker }
    }
}

/// `i` in `0..2n` brought into `0..n` (without a division).
fn wrap(i: usize, n: usize) -> usize {
    if i >= n {
        i - n
    } else {
        i
    }
}

/// Whether `req` is a read.
fn is_read(ctx: &Ctx, req: ReqId) -> bool {
    ctx.requests.get(req).is_some_and(|r| r.class == RequestClass::Read)
}

impl Build<ServiceParams> for ServiceSim {
    fn build(site: &Site, p: &ServiceParams) -> Self {
        ServiceSim::new(site.index, site.name(), p, site.calls(), site.seed, site.warmup)
    }

    /// Applies new parameters from now on: requests in service keep their
    /// drawn service time; if there are more workers, queued requests start.
    /// The caller keeps the number of replicas: changing it needs a new run.
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &ServiceParams) {
        self.workers = p.workers;
        self.queue_capacity = p.queue_capacity as usize;
        self.sampler = Sampler::new(&p.service_time);
        self.usl = p.usl;
        self.limiter = TokenBucket::reconfigure(self.limiter.take(), p.rate_limit.as_ref());
        self.shed_after = p.load_shedding.map(|s| SimTime::from_ms(s.max_wait_ms));
        match &p.cache {
            Some(c) if self.caches.is_empty() => {
                self.caches = self.replicas.iter().map(|_| KeyCache::new(c, self.warmup)).collect();
            }
            Some(c) => self.caches.iter_mut().for_each(|k| k.reconfigure(c)),
            None => self.caches.clear(),
        }
        self.cache = p.cache.clone();
        let failures_start = self.mtbf_s == 0.0 && p.mtbf_s > 0.0;
        (self.mtbf_s, self.mttr_s) = (p.mtbf_s, p.mttr_s);
        if failures_start {
            self.schedule_failures(ctx);
        }
        for replica in 0..self.replicas.len() {
            self.start_queued(ctx, replica);
        }
    }
}

impl Behavior for ServiceSim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.capacity()))
    }

    /// The workers of the replicas both running (in service or draining,
    /// when autoscaled) and up, at most the capacity.
    fn slots_in_service(&self, slots: u32, up: &[bool]) -> u32 {
        let serving = up.iter().enumerate().filter(|&(r, u)| *u && self.running(r)).count() as u32;
        (self.workers * serving).min(slots)
    }

    fn readouts(&self) -> Readouts {
        Readouts { cache: self.cache_counts(), degraded: self.degraded(), ..Readouts::default() }
    }

    fn start(&mut self, ctx: &mut Ctx) {
        self.schedule_failures(ctx);
        self.start_scaling(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Scale => return self.scale(ctx),
            Timer::Launched { replica } => return self.launched(ctx, replica as usize),
            _ => {}
        }
        // MTBF set to 0 during the run stops the process.
        let Timer::Failure { replica } = timer else { return };
        if self.mtbf_s == 0.0 || replica as usize >= self.replicas.len() {
            return;
        }
        if self.is_up(ctx, replica as usize) {
            self.crash(ctx, replica as usize);
            self.next_transition(ctx, replica, self.mttr_s);
        } else {
            self.recover(ctx, replica as usize);
            self.next_transition(ctx, replica, self.mtbf_s);
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        if self.limiter.as_mut().is_some_and(|l| !l.take(now)) {
            self.rate_limited += u64::from(self.stats.counts(now));
            self.stats.drop_request(now, now);
            ctx.reply(req, Err(Failure::Rejected));
            return;
        }
        // One slab lookup: the request is read, then admitted, in place.
        let Some(request) = ctx.requests.get_mut(req) else { return };
        let (asked, arrived) = (request.replica, request.arrived);
        let (n, up) = (self.replicas.len(), &ctx.up[self.node as usize]);
        let registered = &ctx.in_service[self.node as usize];
        let chosen = if asked == ANY_REPLICA || asked as usize >= n {
            // Called directly (no balancer): round robin over the replicas
            // that are up and registered, as a service registry would.
            let next = (1..=n).map(|k| wrap(self.next_replica + k, n)).find(|&i| up[i] && registered[i]);
            if let Some(next) = next {
                self.next_replica = next;
            }
            next
        } else {
            Some(asked as usize).filter(|&r| up[r])
        };
        // No replica up, or the one asked for is down: connection refused.
        let Some(replica) = chosen else {
            self.refuse(ctx, req);
            return;
        };
        match self.replicas[replica].admit(request, req, replica, self.workers, self.queue_capacity) {
            Admission::Started => self.begin(ctx, req, replica, arrived),
            Admission::Queued => self.stats.queued.add(now, 1),
            Admission::Full => {
                self.stats.drop_request(now, now);
                ctx.reply(req, Err(Failure::Rejected));
            }
        }
    }

    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        if let Some(request) = active(ctx, req) {
            self.advance(ctx, req, &request);
        }
    }

    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        let Some(request) = active(ctx, parent) else { return };
        match result {
            Ok(()) => self.advance(ctx, parent, &request),
            Err(failure) => self.finish(ctx, parent, Held::of(&request), Err(failure)),
        }
    }

    fn on_condition(&mut self, ctx: &mut Ctx, replica: u32, condition: Condition) {
        for r in fault_targets(replica, self.replicas.len()) {
            let (what, detail) = match condition {
                Condition::Slowdown(1.0) => {
                    self.grey[r].0 = 1.0;
                    ("healed", format!("replica {r} serves at its normal speed again"))
                }
                Condition::Slowdown(factor) => {
                    self.grey[r].0 = factor;
                    ("slow", format!("replica {r} serves at {factor}× its service time"))
                }
                Condition::Errors(0.0) => {
                    self.grey[r].1 = 0.0;
                    ("healed", format!("replica {r} no longer fails requests"))
                }
                Condition::Errors(share) => {
                    self.grey[r].1 = share;
                    ("errors", format!("replica {r} fails {:.0}% of its requests", share * 100.0))
                }
                // Not a pool's faults (validation keeps them away).
                Condition::Surge(_) | Condition::Flush(_) | Condition::Stopped(_) => return,
            };
            ctx.log(self.node, what, detail);
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx, replica: u32, up: bool) {
        for r in fault_targets(replica, self.replicas.len()) {
            if up {
                self.recover(ctx, r);
            } else {
                self.crash(ctx, r);
            }
        }
    }

    fn memory_bytes(&self) -> u64 {
        self.caches.iter().map(KeyCache::memory_bytes).sum()
    }

    fn report(&self, now: SimTime) -> NodeReport {
        let report = NodeReport::from_stats("service", &self.stats, self.capacity(), now)
            .with("replicas", f64::from(self.replica_count()))
            .with("p_wait", self.stats.p_wait())
            .with_some("rate_limited", self.limiter.as_ref().map(|_| self.rate_limited as f64))
            .with_some("shed", self.shed_after.map(|_| self.shed as f64));
        let report = match &self.scaler {
            Some(s) => self.scaling_report(s, report, now),
            None => report,
        };
        match self.cache_counts() {
            Some(counts) => counts.report(report, self.caches.iter().map(KeyCache::len).sum()),
            None => report,
        }
    }
}
