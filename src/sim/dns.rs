//! DNS routing: a client session resolves the name once per TTL and sends
//! its requests to the endpoint in the answer until it expires.
//!
//! The node stands for the name and the clients' resolvers: a request whose
//! session holds a live answer goes straight to that endpoint; otherwise it
//! first resolves (`resolve_ms`), the answer being chosen by the routing
//! policy among the endpoints the health checks deem healthy (all of them
//! when none is, as Route 53 does), and cached for `ttl_s`. When an endpoint
//! dies, the health checks take it out of new answers after their
//! threshold, but sessions holding a cached answer keep sending to it, and
//! failing, until their answer expires: a DNS failover takes effect only
//! as cached answers run out.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::metrics::NodeStats;
use crate::model::{DnsParams, DnsPolicy, Node};

use super::component::{Behavior, Build, Ctx, Site};
use super::event::{CallResult, Event, Failure, Timer, ANY_REPLICA};
use super::health::{schedule_probes, Verdict};
use super::random::{self, Stream};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::SimTime;

/// Where a node stands: its zone and region (None outside any zone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// Zone id.
    pub zone: Option<String>,
    /// Region of the zone.
    pub region: Option<String>,
}

/// Where every node stands and what crossing zones and regions adds: what
/// the latency policy estimates from.
pub struct Geography {
    /// Per node index.
    pub places: Vec<Place>,
    /// Extra one-way latency between zones of a region, ms.
    pub cross_zone_ms: f64,
    /// Extra one-way latency between regions, ms.
    pub cross_region_ms: f64,
}

impl Geography {
    fn place(&self, node: u32) -> Place {
        self.places.get(node as usize).cloned().unwrap_or_default()
    }

    /// Estimated one-way latency from node `from` to endpoint `e`, ms: its
    /// edge's base plus the zone or region crossing (as `network.rs` adds).
    fn latency_ms(&self, from: u32, e: &Endpoint) -> f64 {
        let from = self.place(from);
        let extra = match (&from.zone, &e.place.zone) {
            (Some(a), Some(b)) if a != b => {
                if from.region == e.place.region {
                    self.cross_zone_ms
                } else {
                    self.cross_region_ms
                }
            }
            _ => 0.0,
        };
        e.base_ms + extra
    }
}

/// An endpoint the name points at.
pub struct Endpoint {
    /// Its node id.
    pub id: String,
    /// Edge from the DNS node to it.
    pub edge: u32,
    /// Its node index.
    pub node: u32,
    /// Weight of its edge.
    pub weight: u32,
    /// Base one-way latency of its edge, ms.
    pub base_ms: f64,
    /// Where it stands.
    pub place: Place,
    health: Verdict,
}

impl Endpoint {
    /// The endpoint `id` (node index `node`) behind `edge`.
    pub fn new(id: String, edge: u32, node: u32, weight: u32, base_ms: f64, place: Place) -> Self {
        Endpoint { id, edge, node, weight, base_ms, place, health: Verdict::default() }
    }
}

/// A DNS node in a run.
pub struct DnsSim {
    node: u32,
    p: DnsParams,
    endpoints: Vec<Endpoint>,
    geography: Geography,
    /// Cached answers by (client, session): endpoint and expiry.
    answers: HashMap<(u32, u64), (usize, SimTime), BuildHasherDefault<std::collections::hash_map::DefaultHasher>>,
    rng: Stream,
    warmup: SimTime,
    resolutions: u64,
    /// Requests seen and time in the node.
    pub stats: NodeStats,
}

impl DnsSim {
    /// Node `node` (index) with parameters `p` pointing at `endpoints`,
    /// estimating latencies from `geography`.
    pub fn new(
        node: u32,
        name: &str,
        p: &DnsParams,
        endpoints: Vec<Endpoint>,
        geography: Geography,
        seed: u64,
        warmup: SimTime,
    ) -> Self {
        DnsSim {
            node,
            p: p.clone(),
            endpoints,
            geography,
            answers: HashMap::default(),
            rng: random::stream(seed, name, "answers"),
            warmup,
            resolutions: 0,
            stats: NodeStats::new(warmup),
        }
    }

    /// The answer for a session of `client`, by the policy, among the
    /// healthy endpoints (all when none is).
    fn choose(&mut self, client: u32) -> Option<usize> {
        let healthy: Vec<usize> = (0..self.endpoints.len()).filter(|&e| self.endpoints[e].health.healthy).collect();
        let pool = if healthy.is_empty() { (0..self.endpoints.len()).collect() } else { healthy };
        let region = self.geography.place(client).region;
        let candidates: Vec<usize> = match self.p.policy {
            DnsPolicy::Weighted => pool,
            DnsPolicy::Latency => {
                let latency = |e: usize| self.geography.latency_ms(client, &self.endpoints[e]);
                return pool.iter().copied().min_by(|&a, &b| latency(a).total_cmp(&latency(b)));
            }
            DnsPolicy::Geolocation => {
                let local: Vec<usize> = pool
                    .iter()
                    .copied()
                    .filter(|&e| region.is_some() && self.endpoints[e].place.region == region)
                    .collect();
                if local.is_empty() {
                    pool
                } else {
                    local
                }
            }
        };
        let total: u64 = candidates.iter().map(|&e| u64::from(self.endpoints[e].weight)).sum();
        let mut pick = random::below(&mut self.rng, total.max(1));
        candidates.into_iter().find(|&e| {
            let w = u64::from(self.endpoints[e].weight);
            if pick < w {
                true
            } else {
                pick -= w;
                false
            }
        })
    }

    /// Sends `req` on to endpoint `e`.
    fn forward(&mut self, ctx: &mut Ctx, req: ReqId, e: usize) {
        let Some(request) = ctx.requests.get(req).copied() else { return };
        ctx.call(&request, Origin::Call { parent: req }, self.endpoints[e].edge, ANY_REPLICA);
    }

    /// Whether `node` answers: one of its replicas is up, or, for a node
    /// without replicas (a balancer), one of the nodes it calls has one up.
    fn alive(ctx: &Ctx, node: u32) -> bool {
        let up = |n: u32| ctx.up.get(n as usize).is_none_or(|r| r.is_empty() || r.iter().any(|u| *u));
        match ctx.up.get(node as usize) {
            Some(r) if !r.is_empty() => r.iter().any(|u| *u),
            _ => {
                let mut behind = ctx.links.iter().filter(|l| l.from == node).peekable();
                behind.peek().is_none() || behind.any(|l| up(l.to))
            }
        }
    }

    fn probe(&mut self, ctx: &mut Ctx) {
        let h = self.p.health_check;
        for e in &mut self.endpoints {
            let up = Self::alive(ctx, e.node);
            if let Some(threshold) = e.health.probe(up, &h) {
                let (what, verdict) = if up { ("healthy", "back in answers") } else { ("unhealthy", "out of answers") };
                let detail = format!("endpoint `{}` {verdict} after {threshold} consecutive probes", e.id);
                ctx.log(self.node, what, detail);
            }
        }
        schedule_probes(ctx, self.node, &h);
    }
}

impl Build<DnsParams> for DnsSim {
    fn build(site: &Site, p: &DnsParams) -> Self {
        let s = site.scenario;
        let place = |n: &Node| Place { zone: n.zone.clone(), region: s.region_of(n).map(str::to_owned) };
        let endpoints = (site.outgoing().into_iter())
            .map(|edge| {
                let (e, to) = (&s.edges[edge as usize], site.links[edge as usize].to);
                let target = &s.nodes[to as usize];
                Endpoint::new(target.id.0.clone(), edge, to, e.weight, e.latency.base_ms, place(target))
            })
            .collect();
        let geography = Geography {
            places: s.nodes.iter().map(place).collect(),
            cross_zone_ms: s.settings.cross_zone_ms,
            cross_region_ms: s.settings.cross_region_ms,
        };
        DnsSim::new(site.index, site.name(), p, endpoints, geography, site.seed, site.warmup)
    }

    /// Applies new parameters from now on; cached answers keep their
    /// expiry.
    fn reconfigure(&mut self, _ctx: &mut Ctx, p: &DnsParams) {
        self.p = p.clone();
    }
}

impl Behavior for DnsSim {
    fn start(&mut self, ctx: &mut Ctx) {
        schedule_probes(ctx, self.node, &self.p.health_check);
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        if timer == Timer::HealthCheck {
            self.probe(ctx);
        }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        let Some(r) = ctx.requests.get(req).copied() else { return };
        let session = (r.client, r.session);
        if let Some(&(e, _)) = self.answers.get(&session).filter(|(_, expires)| *expires > now) {
            self.forward(ctx, req, e);
            return;
        }
        let Some(e) = self.choose(r.client) else {
            // A name with no endpoint: NXDOMAIN.
            self.stats.drop_request(now, now);
            ctx.reply(req, Err(Failure::Error));
            return;
        };
        if now >= self.warmup {
            self.resolutions += 1;
        }
        if self.p.ttl_s > 0.0 {
            self.answers.insert(session, (e, now.after(SimTime::from_s(self.p.ttl_s))));
        }
        if self.p.resolve_ms > 0.0 {
            if let Some(request) = ctx.requests.get_mut(req) {
                request.replica = e as u32;
            }
            ctx.queue.schedule(now.after(SimTime::from_ms(self.p.resolve_ms)), Event::Done(req));
        } else {
            self.forward(ctx, req, e);
        }
    }

    /// The resolution finished.
    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        if let Some(e) = ctx.requests.get(req).map(|r| r.replica as usize) {
            self.forward(ctx, req, e);
        }
    }

    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        let Some(request) = ctx.requests.get(parent).copied() else { return };
        self.stats.depart(request.arrived, ctx.now());
        ctx.reply(parent, result);
    }

    fn report(&self, now: SimTime) -> NodeReport {
        NodeReport::from_stats("dns", &self.stats, 0, now)
            .with("endpoints", self.endpoints.len() as f64)
            .with("resolutions", self.resolutions as f64)
    }
}
