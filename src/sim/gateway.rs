//! API gateways: an authentication stage (workers and a FIFO queue, an
//! M/G/c/K queue), a token bucket per client, and routing by request
//! class to the gateway's calls, in turn. See `model::GatewayParams`.

use std::collections::VecDeque;

use crate::metrics::NodeStats;
use crate::model::{GatewayParams, RateLimit, RequestClass};

use super::component::{Behavior, Build, Ctx, Site};
use super::event::{fault_targets, CallResult, Event, Failure, ANY_REPLICA};
use super::limiter::TokenBucket;
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::sampler::Sampler;
use super::workers::{active, active_request, answer};
use super::SimTime;

/// `Request::next_call` of a request the gateway admitted (waiting or
/// being authenticated), and of one it forwarded; 0 while on the way.
const ADMITTED: u32 = 1;
const FORWARDED: u32 = 2;

/// An API gateway in a run.
pub struct GatewaySim {
    node: u32,
    workers: u32,
    queue_capacity: usize,
    auth: Sampler,
    rng: Stream,
    busy: u32,
    waiting: VecDeque<ReqId>,
    /// The calls each request class (read, write, other) may take, and the
    /// next one's position (in turn).
    routes: [Vec<u32>; 3],
    next: [usize; 3],
    /// The limit per client, and each client node's bucket (by node index).
    limit: Option<RateLimit>,
    buckets: Vec<Option<TokenBucket>>,
    /// Requests refused by their client's limit, and requests of a class no
    /// call takes, after the warm-up.
    rate_limited: u64,
    unrouted: u64,
    /// Counts and time averages (busy = workers authenticating).
    pub stats: NodeStats,
}

impl GatewaySim {
    /// Starts authenticating `req` on a free worker.
    fn authenticate(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.busy += 1;
        self.stats.busy.add(now, 1);
        if let Some(r) = ctx.requests.get(req) {
            self.stats.start(r.arrived, now);
        }
        let ms = self.auth.draw_ms(&mut self.rng);
        ctx.queue.schedule(now.after(SimTime::from_ms(ms)), Event::Done(req));
    }

    /// The request leaves the gateway with `result` (it counts as served).
    fn finish(&mut self, ctx: &mut Ctx, req: ReqId, arrived: SimTime, result: CallResult) {
        self.stats.depart(arrived, ctx.now());
        answer(ctx, req, result);
    }

    /// Fails every request it holds: its crash.
    fn crash(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        self.stats.queued.add(now, -(self.waiting.len() as i64));
        let waiting = std::mem::take(&mut self.waiting);
        let mut failed = 0;
        for req in ctx.requests.held_at(self.node) {
            let Some(r) = ctx.requests.get(req).copied().filter(|r| active_request(r) && r.next_call != 0) else {
                continue;
            };
            if waiting.contains(&req) {
                self.stats.drop_request(r.arrived, now);
            } else {
                if r.next_call == ADMITTED {
                    self.busy -= 1;
                    self.stats.busy.add(now, -1);
                }
                self.stats.depart(r.arrived, now);
            }
            answer(ctx, req, Err(Failure::Error));
            failed += 1;
        }
        ctx.log(self.node, "crash", format!("gateway crashed: {failed} requests in flight failed"));
    }
}

impl Build<GatewayParams> for GatewaySim {
    fn build(site: &Site, p: &GatewayParams) -> Self {
        let mut routes: [Vec<u32>; 3] = Default::default();
        for edge in site.outgoing() {
            let classes = &site.scenario.edges[edge as usize].classes;
            for class in RequestClass::ALL {
                if classes.is_empty() || classes.contains(&class) {
                    routes[class.index()].push(edge);
                }
            }
        }
        GatewaySim {
            node: site.index,
            workers: p.workers,
            queue_capacity: p.queue_capacity as usize,
            auth: Sampler::new(&p.auth_time),
            rng: random::stream(site.seed, site.name(), "auth"),
            busy: 0,
            waiting: VecDeque::new(),
            routes,
            next: [0; 3],
            limit: p.client_limit,
            buckets: (0..site.scenario.nodes.len()).map(|_| None).collect(),
            rate_limited: 0,
            unrouted: 0,
            stats: NodeStats::new(site.warmup),
        }
    }

    /// New authentication times and limits from now on; the buckets keep
    /// their tokens (up to a new burst).
    fn reconfigure(&mut self, _ctx: &mut Ctx, p: &GatewayParams) {
        self.queue_capacity = p.queue_capacity as usize;
        self.auth = Sampler::new(&p.auth_time);
        self.limit = p.client_limit;
        for bucket in &mut self.buckets {
            if bucket.is_some() {
                *bucket = TokenBucket::reconfigure(bucket.take(), p.client_limit.as_ref());
            }
        }
    }
}

impl Behavior for GatewaySim {
    fn load(&self) -> Option<(&NodeStats, u32)> {
        Some((&self.stats, self.workers))
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        if !ctx.up[self.node as usize][0] {
            // Down: connection refused.
            self.stats.drop_request(now, now);
            answer(ctx, req, Err(Failure::Error));
            return;
        }
        if self.busy < self.workers {
            self.authenticate(ctx, req);
        } else if self.waiting.len() < self.queue_capacity {
            self.waiting.push_back(req);
            self.stats.queued.add(now, 1);
        } else {
            self.stats.drop_request(now, now);
            answer(ctx, req, Err(Failure::Rejected));
            return;
        }
        if let Some(r) = ctx.requests.get_mut(req) {
            r.next_call = ADMITTED;
        }
    }

    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        // Work its crash already failed counts no more.
        let Some(request) = active(ctx, req) else { return };
        let now = ctx.now();
        self.busy -= 1;
        self.stats.busy.add(now, -1);
        if let Some(next) = self.waiting.pop_front() {
            self.stats.queued.add(now, -1);
            self.authenticate(ctx, next);
        }
        if let Some(limit) = &self.limit {
            let bucket = self.buckets[request.client as usize].get_or_insert_with(|| TokenBucket::new(limit));
            if !bucket.take(now) {
                self.rate_limited += u64::from(self.stats.counts(request.arrived));
                self.finish(ctx, req, request.arrived, Err(Failure::Rejected));
                return;
            }
        }
        let class = request.class.index();
        let routes = &self.routes[class];
        if routes.is_empty() {
            self.unrouted += u64::from(self.stats.counts(request.arrived));
            self.finish(ctx, req, request.arrived, Err(Failure::Error));
            return;
        }
        let edge = routes[self.next[class] % routes.len()];
        self.next[class] = (self.next[class] + 1) % routes.len();
        if let Some(r) = ctx.requests.get_mut(req) {
            r.next_call = FORWARDED;
        }
        ctx.call(&request, Origin::Call { parent: req }, edge, ANY_REPLICA);
    }

    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        let Some(r) = active(ctx, parent) else { return };
        self.finish(ctx, parent, r.arrived, result);
    }

    fn on_fault(&mut self, ctx: &mut Ctx, replica: u32, up: bool) {
        for k in fault_targets(replica, ctx.up[self.node as usize].len()) {
            if ctx.up[self.node as usize][k] == up {
                continue;
            }
            ctx.up[self.node as usize][k] = up;
            if up {
                ctx.log(self.node, "recover", "gateway back up".to_owned());
            } else {
                self.crash(ctx);
            }
        }
    }

    fn report(&self, now: SimTime) -> NodeReport {
        NodeReport::from_stats("api_gateway", &self.stats, self.workers, now)
            .with("p_wait", self.stats.p_wait())
            .with("unrouted", self.unrouted as f64)
            .with_some("rate_limited", self.limit.map(|_| self.rate_limited as f64))
    }
}
