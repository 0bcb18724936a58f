//! Load balancers: a processing stage with its own cores and connection
//! limit, then backend selection (round robin, smooth weighted round robin,
//! random, least outstanding, power of two choices, consistent hashing on
//! session or key), and L7 routing of request classes to pools. Active
//! health checks probe every backend each interval and take backends out of
//! (and back into) rotation after consecutive failed (good) probes.

use std::collections::VecDeque;
use std::hash::Hasher;

use siphasher::sip::SipHasher13;

use crate::metrics::NodeStats;
use crate::model::{HashOn, HealthCheck, LbAlgorithm, LoadBalancerParams, NodeId, RequestClass};

use super::component::{Behavior, Build, Ctx, Readouts, Site};
use super::event::{fault_targets, CallResult, Event, Failure, Timer};
use super::health::{schedule_probes, Verdict};
use super::limiter::TokenBucket;
use super::outlier::Outliers;
use super::pair::Pair;
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::workers::{abort, active, active_request, answer};
use super::SimTime;

/// Virtual nodes per backend on the consistent-hash ring.
const VNODES: u32 = 100;

/// One backend: a replica of a pool, reached over an edge.
struct Backend {
    edge: u32,
    /// Its pool (index in `BalancerSim::pools`).
    pool: usize,
    replica: u32,
    weight: i64,
    outstanding: u32,
    /// Smooth-WRR running weight.
    current: i64,
    /// In rotation or not (the health checks' verdict).
    health: Verdict,
}

/// A pool this balancer forwards to.
pub struct Pool {
    /// Edge index to the pool.
    pub edge: u32,
    /// Pool node id.
    pub id: NodeId,
    /// Its replica count.
    pub replicas: u32,
    /// Edge weight.
    pub weight: u32,
}

/// A load balancer in a run.
pub struct BalancerSim {
    node: u32,
    algorithm: LbAlgorithm,
    health_check: HealthCheck,
    max_connections: u32,
    processing: SimTime,
    cores: u32,
    backends: Vec<Backend>,
    /// Backends each request class (read, write, other) may go to.
    routed: [Vec<u32>; 3],
    /// The healthy ones among them (all of them when none is healthy:
    /// failing open, as AWS load balancers do).
    candidates: [Vec<u32>; 3],
    /// Consistent-hash ring: (point, backend), sorted.
    ring: Vec<(u64, u32)>,
    /// Per pool: (edge index, index of its first backend).
    pool_base: Vec<(u32, usize)>,
    /// Pool node ids, for the event log.
    pools: Vec<NodeId>,
    busy_cores: u32,
    waiting: VecDeque<ReqId>,
    outstanding: u32,
    rr: usize,
    rng: Stream,
    /// The registry version its candidates reflect.
    registry_seen: u64,
    /// Passive outlier detection (None: off).
    outliers: Option<Outliers>,
    /// Which instance(s) take the traffic.
    pair: Pair,
    /// Rate limiter on arrivals, and the requests it refused after the
    /// warm-up.
    limiter: Option<TokenBucket>,
    rate_limited: u64,
    /// Counts and time averages (busy = cores in use).
    pub stats: NodeStats,
}

/// `Request::next_call` of a request the balancer admitted (waiting or in
/// processing), and of one it forwarded to a backend; 0 while on the way.
const ADMITTED: u32 = 1;
const FORWARDED: u32 = 2;

fn hash(parts: &[u64]) -> u64 {
    let mut h = SipHasher13::new_with_keys(0x6c62_5f72_696e_6700, 0);
    parts.iter().for_each(|p| h.write_u64(*p));
    h.finish()
}

impl BalancerSim {
    /// Node `node` (index), a balancer with parameters `p` in front of
    /// `pools`.
    pub fn new(node: u32, name: &str, p: &LoadBalancerParams, pools: &[Pool], seed: u64, warmup: SimTime) -> Self {
        let mut backends = Vec::new();
        let mut owner = Vec::new();
        let mut pool_base = Vec::new();
        for (k, pool) in pools.iter().enumerate() {
            pool_base.push((pool.edge, backends.len()));
            for replica in 0..pool.replicas {
                backends.push(Backend {
                    edge: pool.edge,
                    pool: k,
                    replica,
                    weight: i64::from(pool.weight),
                    outstanding: 0,
                    current: 0,
                    health: Verdict::default(),
                });
                owner.push(k);
            }
        }
        let ids: Vec<NodeId> = pools.iter().map(|p| p.id.clone()).collect();
        let routed = RequestClass::ALL.map(|class| {
            let allowed = p.mode.routed_to(class, &ids);
            (0..backends.len() as u32).filter(|&b| allowed.contains(&ids[owner[b as usize]])).collect()
        });
        let mut ring: Vec<(u64, u32)> = (0..backends.len() as u32)
            .flat_map(|b| {
                let pool = owner[b as usize] as u64;
                let replica = u64::from(backends[b as usize].replica);
                (0..VNODES).map(move |v| (hash(&[pool, replica, u64::from(v)]), b))
            })
            .collect();
        ring.sort_unstable();
        BalancerSim {
            node,
            algorithm: p.algorithm,
            health_check: p.health_check,
            max_connections: p.max_connections,
            processing: SimTime::from_ms(p.processing_time_ms),
            cores: p.cores,
            backends,
            candidates: routed.clone(),
            routed,
            ring,
            pool_base,
            pools: ids,
            busy_cores: 0,
            waiting: VecDeque::new(),
            outstanding: 0,
            rr: 0,
            rng: random::stream(seed, name, "balance"),
            registry_seen: 0,
            pair: Pair::new(p.pair),
            outliers: p.outlier_detection.map(|o| Outliers::new(o, owner.len())),
            limiter: p.rate_limit.as_ref().map(TokenBucket::new),
            rate_limited: 0,
            stats: NodeStats::new(warmup),
        }
    }

    /// Backends (pool replicas) its health checks hold out of rotation now.
    pub fn ejected(&self) -> u32 {
        (0..self.backends.len()).filter(|&b| self.out(b)).count() as u32
    }

    /// Whether backend `b` is out of rotation: unhealthy, or ejected as an
    /// outlier.
    fn out(&self, b: usize) -> bool {
        !self.backends[b].health.healthy || self.outliers.as_ref().is_some_and(|o| o.ejected(b))
    }

    /// Number of processing cores.
    pub fn cores(&self) -> u32 {
        self.cores
    }

    /// Starts waiting requests while cores are free.
    fn start_waiting(&mut self, ctx: &mut Ctx) {
        while self.busy_cores < self.cores {
            let Some(next) = self.waiting.pop_front() else { return };
            self.stats.queued.add(ctx.now(), -1);
            self.process(ctx, next);
        }
    }

    fn process(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.busy_cores += 1;
        self.stats.busy.add(now, 1);
        if let Some(r) = ctx.requests.get(req) {
            self.stats.start(r.arrived, now);
        }
        ctx.queue.schedule(now.after(self.processing), Event::Done(req));
    }

    /// Chooses a backend for a request, or None when the class has none.
    fn choose(&mut self, request: &Request) -> Option<u32> {
        let candidates = &self.candidates[request.class.index()];
        let n = candidates.len();
        if n == 0 {
            return None;
        }
        let pick = match self.algorithm {
            LbAlgorithm::RoundRobin => {
                self.rr = self.rr.wrapping_add(1);
                candidates[self.rr % n]
            }
            LbAlgorithm::WeightedRoundRobin => {
                let total: i64 = candidates.iter().map(|&b| self.backends[b as usize].weight).sum();
                let mut best = candidates[0];
                for &b in candidates {
                    let backend = &mut self.backends[b as usize];
                    backend.current += backend.weight;
                    if backend.current > self.backends[best as usize].current {
                        best = b;
                    }
                }
                self.backends[best as usize].current -= total;
                best
            }
            LbAlgorithm::Random => candidates[random::below(&mut self.rng, n as u64) as usize],
            LbAlgorithm::LeastOutstanding => {
                // Scan from a rotating start so ties spread evenly.
                self.rr = self.rr.wrapping_add(1);
                (0..n)
                    .map(|i| candidates[(self.rr + i) % n])
                    .min_by_key(|&b| self.backends[b as usize].outstanding)
                    .unwrap_or(candidates[0])
            }
            LbAlgorithm::PowerOfTwoChoices => {
                let a = candidates[random::below(&mut self.rng, n as u64) as usize];
                if n == 1 {
                    a
                } else {
                    let mut b = candidates[random::below(&mut self.rng, n as u64 - 1) as usize];
                    if b == a {
                        b = candidates[n - 1];
                    }
                    let load = |x: u32| self.backends[x as usize].outstanding;
                    if load(b) < load(a) {
                        b
                    } else {
                        a
                    }
                }
            }
            LbAlgorithm::ConsistentHash { on } => {
                let point = hash(&[match on {
                    HashOn::Session => request.session,
                    HashOn::Key => request.key,
                }]);
                let start = self.ring.partition_point(|&(p, _)| p < point);
                let len = self.ring.len();
                (0..len)
                    .map(|i| self.ring[(start + i) % len].1)
                    .find(|b| candidates.contains(b))
                    .unwrap_or(candidates[0])
            }
        };
        Some(pick)
    }

    /// Probes every backend (reading whether its replica is up) and moves
    /// backends in or out of rotation once a threshold of consecutive
    /// contrary probes is reached.
    fn probe(&mut self, ctx: &mut Ctx) {
        let h = self.health_check;
        let mut changed = false;
        for b in &mut self.backends {
            let pool = ctx.links[b.edge as usize].to;
            let board =
                |board: &Vec<Vec<bool>>| board.get(pool as usize).and_then(|r| r.get(b.replica as usize)).copied();
            // Only registered targets are probed (as in a target group).
            if !board(&ctx.in_service).unwrap_or(true) {
                b.health = Verdict::UNREGISTERED;
                continue;
            }
            let up = board(&ctx.up).unwrap_or(true);
            if let Some(threshold) = b.health.probe(up, &h) {
                changed = true;
                let (what, verdict) =
                    if up { ("healthy", "back in rotation") } else { ("unhealthy", "out of rotation") };
                let detail = format!(
                    "replica {} of `{}` {verdict} after {threshold} consecutive probes",
                    b.replica, self.pools[b.pool]
                );
                ctx.log(self.node, what, detail);
            }
        }
        if changed {
            self.refresh(ctx);
        }
        schedule_probes(ctx, self.node, &h);
    }

    /// Recomputes the candidates of each class: the registered backends
    /// the health checks find healthy; failing open to every registered
    /// one when none is, and to every one when none is registered.
    fn refresh(&mut self, ctx: &Ctx) {
        self.registry_seen = ctx.registry_version;
        let registered = |b: u32| {
            let b = &self.backends[b as usize];
            let pool = ctx.links[b.edge as usize].to as usize;
            ctx.in_service.get(pool).and_then(|r| r.get(b.replica as usize)).copied().unwrap_or(true)
        };
        let mut next = self.candidates.clone();
        for (candidates, routed) in next.iter_mut().zip(&self.routed) {
            let pick =
                |keep: &dyn Fn(u32) -> bool| -> Vec<u32> { routed.iter().copied().filter(|&b| keep(b)).collect() };
            let healthy = pick(&|b| registered(b) && !self.out(b as usize));
            let eligible = pick(&registered);
            *candidates = [healthy, eligible].into_iter().find(|c| !c.is_empty()).unwrap_or_else(|| routed.clone());
        }
        self.candidates = next;
    }

    /// Outlier detection hears backend `b`'s reply; ejects it when it
    /// failed too many times in a row.
    fn judge(&mut self, ctx: &mut Ctx, b: usize, result: CallResult) {
        let Some(o) = self.outliers.as_mut() else { return };
        let failed = matches!(result, Err(Failure::Error | Failure::Rejected | Failure::Timeout));
        let Some(until) = o.record(b, failed, ctx.now()) else { return };
        let back = until.since(ctx.now()).as_s();
        let backend = &self.backends[b];
        let detail = format!(
            "replica {} of `{}` ejected for {back:.0} s after {} failed replies in a row",
            backend.replica,
            self.pools[backend.pool],
            o.threshold()
        );
        ctx.log(self.node, "ejected", detail);
        ctx.set_timer(self.node, Timer::Outlier { backend: b as u32 }, until);
        self.refresh(ctx);
    }

    fn backend_of(&self, child: &Request) -> Option<usize> {
        let &(_, base) = self.pool_base.iter().find(|(edge, _)| *edge == child.edge)?;
        Some(base + child.replica as usize)
    }
}

impl BalancerSim {
    /// Instance `k` crashes: every request it holds (waiting, in
    /// processing, or forwarded and awaiting a backend) fails now, and late
    /// events about them are ignored; its pair notices after the detection
    /// time.
    fn crash_instance(&mut self, ctx: &mut Ctx, k: usize) {
        if !ctx.up[self.node as usize][k] {
            return;
        }
        ctx.up[self.node as usize][k] = false;
        let now = ctx.now();
        // Requests it admitted on instance k (not those still on the way).
        let on_k = |ctx: &Ctx, req: &ReqId| {
            ctx.requests.get(*req).is_some_and(|r| r.replica as usize == k && r.next_call != 0)
        };
        let (gone, kept): (Vec<ReqId>, Vec<ReqId>) = self.waiting.drain(..).partition(|r| on_k(ctx, r));
        self.waiting = kept.into();
        self.stats.queued.add(now, -(gone.len() as i64));
        let held: Vec<ReqId> = ctx.requests.held_at(self.node).into_iter().filter(|r| on_k(ctx, r)).collect();
        let mut failed = std::collections::HashSet::new();
        for (req, waiting) in gone.iter().map(|r| (*r, true)).chain(held.iter().map(|r| (*r, false))) {
            let Some(r) = ctx.requests.get_mut(req).filter(|r| active_request(r)) else { continue };
            let (arrived, forwarded) = (r.arrived, r.next_call == FORWARDED);
            abort(r);
            if waiting {
                self.stats.drop_request(arrived, now);
            } else {
                if !forwarded {
                    self.busy_cores -= 1;
                    self.stats.busy.add(now, -1);
                }
                self.stats.depart(arrived, now);
            }
            self.outstanding -= 1;
            answer(ctx, req, Err(Failure::Error));
            failed.insert(req);
        }
        // The calls the failed requests made no longer count at their
        // backends.
        let orphans: Vec<usize> = ctx
            .requests
            .iter()
            .filter(|c| matches!(c.origin, Origin::Call { parent } if failed.contains(&parent)))
            .filter_map(|c| self.backend_of(c))
            .collect();
        for b in orphans {
            self.backends[b].outstanding -= 1;
        }
        let what = self.pair.name(k);
        ctx.log(self.node, "crash", format!("{what} crashed: {} requests in flight failed", failed.len()));
        if let Some(after) = self.pair.detection() {
            ctx.set_timer(self.node, Timer::Failover, now.after(after));
        }
        self.start_waiting(ctx);
    }

    /// Instance `k` is back (a standby again, in an active–passive pair).
    fn recover_instance(&mut self, ctx: &mut Ctx, k: usize) {
        if ctx.up[self.node as usize][k] {
            return;
        }
        ctx.up[self.node as usize][k] = true;
        ctx.log(self.node, "recover", format!("{} back up", self.pair.name(k)));
        if let Some(after) = self.pair.detection() {
            ctx.set_timer(self.node, Timer::Failover, ctx.now().after(after));
        }
    }
}

impl Build<LoadBalancerParams> for BalancerSim {
    fn build(site: &Site, p: &LoadBalancerParams) -> Self {
        let pools: Vec<Pool> = (site.outgoing().into_iter())
            .map(|edge| {
                let link = &site.links[edge as usize];
                let target = &site.scenario.nodes[link.to as usize];
                // A backend pool's replicas are its crashable parts.
                let replicas = target.kind.crash_parts().unwrap_or(1);
                Pool { edge, id: target.id.clone(), replicas, weight: link.weight }
            })
            .collect();
        BalancerSim::new(site.index, site.name(), p, &pools, site.seed, site.warmup)
    }

    /// Applies new parameters from now on; more cores start waiting
    /// requests at once. The caller keeps the mode (L4/L7 and routes):
    /// changing it needs a new run.
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &LoadBalancerParams) {
        self.algorithm = p.algorithm;
        self.health_check = p.health_check;
        self.max_connections = p.max_connections;
        self.processing = SimTime::from_ms(p.processing_time_ms);
        self.cores = p.cores;
        self.limiter = TokenBucket::reconfigure(self.limiter.take(), p.rate_limit.as_ref());
        let backends = self.backends.len();
        self.outliers = match (self.outliers.take(), p.outlier_detection) {
            (Some(o), Some(cfg)) => Some(o.reconfigure(cfg)),
            (None, Some(cfg)) => Some(Outliers::new(cfg, backends)),
            (_, None) => None,
        };
        self.refresh(ctx);
        self.start_waiting(ctx);
    }
}

impl Behavior for BalancerSim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.cores()))
    }

    /// Its cores while an instance is up (a pair's survivor takes over
    /// with them), none when none is.
    fn slots_in_service(&self, slots: u32, up: &[bool]) -> u32 {
        if up.contains(&true) {
            slots
        } else {
            0
        }
    }

    fn readouts(&self) -> Readouts {
        Readouts { ejected: self.ejected(), ..Readouts::default() }
    }

    fn start(&mut self, ctx: &mut Ctx) {
        schedule_probes(ctx, self.node, &self.health_check);
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::HealthCheck => self.probe(ctx),
            Timer::Failover => {
                if let Some(detail) = self.pair.notice(&ctx.up[self.node as usize]) {
                    ctx.log(self.node, "failover", detail);
                }
            }
            Timer::Outlier { backend } => {
                let Some(o) = self.outliers.as_mut() else { return };
                o.release(backend as usize);
                let b = &self.backends[backend as usize];
                let detail =
                    format!("replica {} of `{}` back in rotation after its ejection", b.replica, self.pools[b.pool]);
                ctx.log(self.node, "returned", detail);
                self.refresh(ctx);
            }
            _ => {}
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        let instance = self.pair.serving();
        if !ctx.up[self.node as usize][instance] {
            // The instance the traffic goes to is down: connection refused.
            self.stats.drop_request(now, now);
            answer(ctx, req, Err(Failure::Error));
            return;
        }
        if let Some(r) = ctx.requests.get_mut(req) {
            (r.replica, r.next_call) = (instance as u32, ADMITTED);
        }
        if self.limiter.as_mut().is_some_and(|l| !l.take(now)) {
            self.rate_limited += u64::from(self.stats.counts(now));
            self.stats.drop_request(now, now);
            answer(ctx, req, Err(Failure::Rejected));
            return;
        }
        if self.outstanding >= self.max_connections {
            self.stats.drop_request(now, now);
            answer(ctx, req, Err(Failure::Rejected));
            return;
        }
        self.outstanding += 1;
        if self.busy_cores < self.cores {
            self.process(ctx, req);
        } else {
            self.waiting.push_back(req);
            self.stats.queued.add(now, 1);
        }
    }

    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        // Work the balancer's crash already failed counts no more.
        let Some(request) = active(ctx, req) else { return };
        if ctx.registry_version != self.registry_seen {
            self.refresh(ctx);
        }
        let now = ctx.now();
        self.busy_cores -= 1;
        self.stats.busy.add(now, -1);
        self.start_waiting(ctx);
        match self.choose(&request) {
            Some(b) => {
                // Forwarded: it no longer holds a core.
                if let Some(r) = ctx.requests.get_mut(req) {
                    r.next_call = FORWARDED;
                }
                let backend = &mut self.backends[b as usize];
                backend.outstanding += 1;
                ctx.call(&request, Origin::Call { parent: req }, backend.edge, backend.replica);
            }
            None => {
                self.outstanding -= 1;
                self.stats.depart(request.arrived, now);
                answer(ctx, req, Err(Failure::Error));
            }
        }
    }

    fn resend(&mut self, ctx: &mut Ctx, req: ReqId) {
        // A retry goes to the backend the algorithm picks now (the failed
        // one's outstanding count drops), as Envoy's retries do.
        if let Some(mut r) = ctx.requests.get(req).copied() {
            if let Some(old) = self.backend_of(&r) {
                self.backends[old].outstanding -= 1;
            }
            if let Some(b) = self.choose(&r) {
                let backend = &self.backends[b as usize];
                (r.edge, r.replica, r.at) = (backend.edge, backend.replica, ctx.links[backend.edge as usize].to);
            }
            if let Some(b) = self.backend_of(&r) {
                self.backends[b].outstanding += 1;
            }
            if let Some(slot) = ctx.requests.get_mut(req) {
                *slot = r;
            }
        }
        ctx.send(req);
    }

    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        let Some(r) = active(ctx, parent) else { return };
        if let Some(b) = self.backend_of(child) {
            self.backends[b].outstanding -= 1;
            self.judge(ctx, b, result);
        }
        self.outstanding -= 1;
        self.stats.depart(r.arrived, ctx.now());
        answer(ctx, parent, result);
    }

    fn on_fault(&mut self, ctx: &mut Ctx, replica: u32, up: bool) {
        for k in fault_targets(replica, ctx.up[self.node as usize].len()) {
            if up {
                self.recover_instance(ctx, k);
            } else {
                self.crash_instance(ctx, k);
            }
        }
    }

    fn report(&self, now: SimTime) -> NodeReport {
        NodeReport::from_stats("load_balancer", &self.stats, self.cores, now)
            .with("backends", self.backends.len() as f64)
            .with_some("rate_limited", self.limiter.as_ref().map(|_| self.rate_limited as f64))
    }
}
