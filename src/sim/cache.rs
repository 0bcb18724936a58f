//! Shared cache nodes (Memcached / Redis), read cache-aside.
//!
//! The node stands for the cache server and the caller's cache-aside logic
//! around it. A read looks its key up (`op_ms`): a hit replies at once; a
//! miss reads through the nodes the cache calls (the backing store: its
//! outgoing edges, in order) and fills the cache when the store answers.
//! Writes and other requests go through to the store; a successful write
//! then invalidates or writes through the key. The lookup is a fixed delay:
//! the cache server itself is not a queue (a Redis or Memcached node serves
//! 10⁵ operations per second and more, far beyond the rates at which its
//! hit ratio and the store behind it shape a design).
//!
//! A crash loses every item. While the cache is down, callers fall back to
//! the store (every read a miss, nothing filled); it comes back empty, so
//! misses, and the load on the store, spike until it warms up again.
//!
//! A CDN edge is the same machine in front of an origin, caching the static
//! class (`other` requests) for a TTL; reads and writes pass through.

use crate::metrics::NodeStats;
use crate::model::{CacheParams, CdnParams, RequestClass};

use super::calls::Calls;
use super::component::{Behavior, Build, Condition, Ctx, Readouts, Site};
use super::event::{CallResult, Event};
use super::keycache::{CacheCounts, KeyCache};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::SimTime;

/// Which requests a cache node keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// A data cache: reads looked up and filled, writes by the write policy.
    Cache,
    /// A CDN edge: static (`other`) requests looked up and filled; reads
    /// and writes pass through.
    Cdn,
}

impl Tier {
    fn cached(self) -> RequestClass {
        match self {
            Tier::Cache => RequestClass::Read,
            Tier::Cdn => RequestClass::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tier::Cache => "cache",
            Tier::Cdn => "cdn",
        }
    }
}

/// A shared cache node (or CDN edge) in a run.
pub struct CacheSim {
    node: u32,
    tier: Tier,
    op: SimTime,
    store: KeyCache,
    calls: Calls,
    /// Requests seen and time in the node.
    pub stats: NodeStats,
}

impl CacheSim {
    /// Node `node` (index), a `tier` with parameters `p`, making `calls`
    /// on a miss.
    pub fn new(node: u32, tier: Tier, p: &CacheParams, calls: Calls, warmup: SimTime) -> Self {
        CacheSim {
            node,
            tier,
            op: SimTime::from_ms(p.op_ms),
            store: KeyCache::new(p, warmup),
            calls,
            stats: NodeStats::new(warmup),
        }
    }

    /// Lookup counts from the warm-up on.
    pub fn counts(&self) -> CacheCounts {
        self.store.counts
    }

    fn is_up(&self, ctx: &Ctx) -> bool {
        ctx.up[self.node as usize][0]
    }

    /// Makes the remaining calls of `req`; when none is left, updates the
    /// cache (a fill after a read, the write policy after a write) and
    /// replies.
    fn advance(&mut self, ctx: &mut Ctx, req: ReqId) {
        let Some(request) = ctx.requests.get(req).copied() else { return };
        if self.calls.advance(ctx, req, &request) {
            return;
        }
        let now = ctx.now();
        if self.is_up(ctx) {
            match (self.tier, request.class) {
                (tier, class) if class == tier.cached() => self.store.fill(request.key, now),
                (Tier::Cache, RequestClass::Write) => self.store.written(request.key, now),
                _ => {}
            }
        }
        self.reply(ctx, req, &request, Ok(()));
    }

    fn reply(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request, result: CallResult) {
        self.stats.depart(request.arrived, ctx.now());
        ctx.reply(req, result);
    }
}

impl Build<CacheParams> for CacheSim {
    fn build(site: &Site, p: &CacheParams) -> Self {
        CacheSim::new(site.index, Tier::Cache, p, site.calls(), site.warmup)
    }

    /// Applies new parameters from now on; the items stay.
    fn reconfigure(&mut self, _ctx: &mut Ctx, p: &CacheParams) {
        self.op = SimTime::from_ms(p.op_ms);
        self.store.reconfigure(p);
    }
}

/// A CDN edge is a cache of the static class in front of its origin.
impl Build<CdnParams> for CacheSim {
    fn build(site: &Site, p: &CdnParams) -> Self {
        CacheSim::new(site.index, Tier::Cdn, &p.as_cache(), site.calls(), site.warmup)
    }

    fn reconfigure(&mut self, ctx: &mut Ctx, p: &CdnParams) {
        Build::<CacheParams>::reconfigure(self, ctx, &p.as_cache());
    }
}

impl Behavior for CacheSim {
    fn readouts(&self) -> Readouts {
        Readouts { cache: Some(self.counts()), ..Readouts::default() }
    }

    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId) {
        let now = ctx.now();
        self.stats.arrive(now);
        self.stats.start(now, now);
        ctx.queue.schedule(now.after(self.op), Event::Done(req));
    }

    /// The lookup finished.
    fn on_done(&mut self, ctx: &mut Ctx, req: ReqId) {
        let Some(request) = ctx.requests.get(req).copied() else { return };
        // While the cache is down it is empty and fills nothing, so every
        // read misses.
        if request.class == self.tier.cached() && self.store.lookup(request.key, ctx.now()) {
            self.reply(ctx, req, &request, Ok(()));
        } else {
            self.advance(ctx, req);
        }
    }

    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult) {
        let Origin::Call { parent } = child.origin else { return };
        let Some(request) = ctx.requests.get(parent).copied() else { return };
        match result {
            Ok(()) => self.advance(ctx, parent),
            Err(failure) => self.reply(ctx, parent, &request, Err(failure)),
        }
    }

    /// A crash loses every item; callers read the store meanwhile.
    fn on_condition(&mut self, ctx: &mut Ctx, _replica: u32, condition: Condition) {
        if condition == Condition::Flush(true) {
            let detail = format!("{} flushed: {} items dropped", self.tier.name(), self.store.len());
            self.store.clear();
            ctx.log(self.node, "flush", detail);
        }
    }

    fn on_fault(&mut self, ctx: &mut Ctx, _replica: u32, up: bool) {
        if up == self.is_up(ctx) {
            return;
        }
        ctx.up[self.node as usize][0] = up;
        let what = self.tier.name();
        if up {
            ctx.log(self.node, "recover", format!("{what} recovered, empty (cold)"));
        } else {
            let detail = format!("{what} crashed: {} items lost; requests fall back to the origin", self.store.len());
            self.store.clear();
            ctx.log(self.node, "crash", detail);
        }
    }

    fn memory_bytes(&self) -> u64 {
        self.store.memory_bytes()
    }

    fn report(&self, now: SimTime) -> NodeReport {
        self.store.counts.report(NodeReport::from_stats(self.tier.name(), &self.stats, 0, now), self.store.len())
    }
}
