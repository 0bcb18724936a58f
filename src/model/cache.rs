//! Cache parameters (Memcached / Redis style), for a shared cache node and
//! for the exclusive cache of each replica of a service pool.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, ELASTICACHE_M5_LARGE};
use super::limits::items_bytes;
use super::{ComponentGroup, Crashable, FaultKind, Kind, KindInfo, Onward, Wiring};

/// A key–value cache in front of a backing store, read cache-aside: a read
/// looks the key up; a miss reads the store behind and fills the cache with
/// the answer. The hit ratio is measured, never set: it follows from the
/// keys the workload touches, the capacity, the eviction policy and the TTL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CacheParams {
    /// Items the cache holds before it evicts (Memcached and Redis bound
    /// memory; with items of one size this is the same bound), ≥ 1.
    #[schemars(range(min = 1, max = super::validate::MAX_CACHE_ITEMS), extend("x-main" = true, "x-help" = "Items the cache holds before it evicts", "x-unit" = "items"))]
    pub capacity_items: u64,
    /// Which item to evict when a fill finds the cache full.
    #[schemars(extend("x-main" = true, "x-help" = "Which item a full cache evicts: least recently (LRU) or least frequently (LFU) used"))]
    pub eviction: Eviction,
    /// Time to live of an item from its fill, s; an expired item is a miss.
    /// 0: items never expire.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-main" = true, "x-help" = "Time to live of a cached item from its fill (0: none)"))]
    pub ttl_s: f64,
    /// What a write does to the cached copy of its key.
    #[schemars(extend("x-help" = "A write deletes the cached copy (invalidate) or stores the new value (write through)"))]
    pub write_policy: WritePolicy,
    /// Time of one lookup, ms: the cache's own operation time, network not
    /// included (an edge carries that). In a pool's exclusive cache it is
    /// added to the service time of each read.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Time of one cache lookup, network excluded"))]
    pub op_ms: f64,
}

impl Default for CacheParams {
    fn default() -> Self {
        CacheParams {
            capacity_items: 1_000,
            eviction: Eviction::Lru,
            ttl_s: 0.0,
            write_policy: WritePolicy::Invalidate,
            op_ms: 0.2,
        }
    }
}

/// Eviction policy of a full cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Eviction {
    /// Least recently used (Memcached; Redis `allkeys-lru`).
    #[default]
    Lru,
    /// Least frequently used since the item was filled, ties to the least
    /// recent (Redis `allkeys-lfu`, without its counter decay).
    Lfu,
}

/// How writes keep the cache coherent with the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WritePolicy {
    /// A successful write deletes the key from the cache; the next read
    /// misses and refills it (cache-aside "update the store, then delete").
    #[default]
    Invalidate,
    /// A successful write also stores the new value in the cache.
    WriteThrough,
}

/// A CDN edge (points of presence near the users): it caches the static
/// class (`other` requests: assets, pages) by key for a TTL and fetches a
/// missing or expired object from the origin, the nodes it calls. Reads
/// and writes pass through to the origin uncached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CdnParams {
    /// Objects the edge holds before it evicts the least recently used, ≥ 1.
    #[schemars(range(min = 1, max = super::validate::MAX_CACHE_ITEMS), extend("x-main" = true, "x-help" = "Objects the edge holds before it evicts (LRU)", "x-unit" = "items"))]
    pub capacity_items: u64,
    /// Time an object stays fresh after its fetch, s (the origin's
    /// `Cache-Control: max-age`); 0: until evicted.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-main" = true, "x-help" = "Time to live of an object from its fill (0: none)"))]
    pub ttl_s: f64,
    /// Time the edge takes to serve or forward a request, ms.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Time the CDN edge takes to serve or forward a request"))]
    pub edge_ms: f64,
}

impl Default for CdnParams {
    fn default() -> Self {
        CdnParams { capacity_items: 100_000, ttl_s: 3_600.0, edge_ms: 1.0 }
    }
}

impl CdnParams {
    /// The edge's object store as a cache: LRU, the TTL, lookups of
    /// `edge_ms`.
    pub fn as_cache(&self) -> CacheParams {
        CacheParams {
            capacity_items: self.capacity_items,
            eviction: Eviction::Lru,
            ttl_s: self.ttl_s,
            write_policy: WritePolicy::Invalidate,
            op_ms: self.edge_ms,
        }
    }
}

/// The cache kind.
impl Kind for CacheParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "cache",
        title: "Cache",
        plural: "caches",
        summary: "Shared key–value cache (Memcached/Redis), cache-aside: LRU or LFU, TTL, hit ratio measured",
        group: ComponentGroup::Data,
        id_prefix: "cache",
        icon: "M13 2L5 13H11L10 22L19 10H13Z",
        slots: "",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: true,
        crash: Some(Crashable {
            part: "cache",
            whole: "Crash cache",
            help:
                "A crash loses every item: reads fall back to the store behind, and the cache comes back empty (cold)",
            apart: false,
        }),
    };

    /// Besides a crash, a flush: every item dropped, the node up.
    fn takes(&self, fault: FaultKind) -> bool {
        matches!(fault, FaultKind::Crash | FaultKind::Flush)
    }

    fn can_take_no_time(&self) -> bool {
        self.op_ms == 0.0
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::SyncOrAsync
    }

    /// An ElastiCache `cache.m5.large` node.
    fn price(&self) -> Price {
        hourly(ELASTICACHE_M5_LARGE)
    }

    fn instances(&self) -> f64 {
        1.0
    }

    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        items_bytes(1, self.capacity_items)
    }
}

/// The CDN edge kind.
impl Kind for CdnParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "cdn",
        title: "CDN",
        plural: "CDN edges",
        summary: "CDN edge: caches static requests by key for a TTL, fetches misses from the origin",
        group: ComponentGroup::Edge,
        id_prefix: "cdn",
        icon: "M3 12a9 9 0 1 0 18 0a9 9 0 1 0 -18 0M3 12H21M12 3C8 7 8 17 12 21C16 17 16 7 12 3",
        slots: "",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: true,
        crash: Some(Crashable {
            part: "edge",
            whole: "Crash edge",
            help: "A crashed edge loses its objects: requests go to the origin, and it comes back empty (cold)",
            apart: false,
        }),
    };

    // An edge's object store is a cache (`as_cache`): its faults, timing,
    // wiring and memory are the cache's.
    fn takes(&self, fault: FaultKind) -> bool {
        self.as_cache().takes(fault)
    }

    fn can_take_no_time(&self) -> bool {
        self.as_cache().can_take_no_time()
    }

    fn may_call(callee: &KindInfo) -> Wiring {
        CacheParams::may_call(callee)
    }

    /// CloudFront: $0.0075 per 10,000 requests.
    fn price(&self) -> Price {
        Price { instance_hour_usd: 0.0, million_requests_usd: 0.75, monthly_usd: 0.0 }
    }

    fn worst_case_bytes(&self, sent: f64) -> u64 {
        self.as_cache().worst_case_bytes(sent)
    }
}
