//! The contents of one cache: which keys it holds, which it evicts (LRU or
//! LFU), when they expire (TTL), and its hit and miss counts.
//!
//! Items are ordered by a rank, the eviction victim being the least: LRU
//! ranks by last use; LFU by uses since the fill, then last use. Expiry is
//! lazy, as in Memcached: an expired item is found on lookup (a miss) or
//! evicted in its turn; it holds its place until then.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use crate::model::{CacheParams, Eviction, WritePolicy};

use super::report::NodeReport;
use super::SimTime;

/// Eviction order: (uses for LFU, else 0; last use as an access number;
/// key). The least is evicted first.
type Rank = (u64, u64, u64);

/// One cached item.
#[derive(Clone, Copy)]
struct Item {
    rank: Rank,
    /// Expiry time (`SimTime::MAX`: never).
    expires: SimTime,
}

/// A deterministic hasher: lookups only, no iteration, so any fixed hash
/// gives the same run everywhere.
type Hasher = BuildHasherDefault<std::collections::hash_map::DefaultHasher>;

/// Lookup counts from the warm-up on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Lookups that found a live item.
    pub hits: u64,
    /// Lookups that found nothing, or an expired item.
    pub misses: u64,
    /// Items pushed out by fills of a full cache.
    pub evictions: u64,
}

impl CacheCounts {
    /// Adds another cache's counts (the replicas of a pool).
    pub fn add(&mut self, other: &CacheCounts) {
        self.hits += other.hits;
        self.misses += other.misses;
        self.evictions += other.evictions;
    }

    /// Hits / lookups, 0–1; None before any lookup.
    pub fn hit_ratio(&self) -> Option<f64> {
        let lookups = self.hits + self.misses;
        (lookups > 0).then(|| self.hits as f64 / lookups as f64)
    }

    /// Adds the report fields `hit_ratio` (0 before any lookup), `hits`,
    /// `misses`, `evictions` and `items` (held now).
    pub fn report(&self, report: NodeReport, items: usize) -> NodeReport {
        report
            .with("hit_ratio", self.hit_ratio().unwrap_or(0.0))
            .with("hits", self.hits as f64)
            .with("misses", self.misses as f64)
            .with("evictions", self.evictions as f64)
            .with("items", items as f64)
    }
}

/// A cache's contents and counts.
pub struct KeyCache {
    capacity: usize,
    eviction: Eviction,
    ttl: Option<SimTime>,
    write_policy: WritePolicy,
    items: HashMap<u64, Item, Hasher>,
    order: BTreeSet<Rank>,
    /// Access number, the recency clock.
    clock: u64,
    warmup: SimTime,
    /// Counts from the warm-up on.
    pub counts: CacheCounts,
}

impl KeyCache {
    /// An empty cache with parameters `p`, counting from `warmup`.
    pub fn new(p: &CacheParams, warmup: SimTime) -> Self {
        let mut cache = KeyCache {
            capacity: 1,
            eviction: p.eviction,
            ttl: None,
            write_policy: p.write_policy,
            items: HashMap::default(),
            order: BTreeSet::new(),
            clock: 0,
            warmup,
            counts: CacheCounts::default(),
        };
        cache.reconfigure(p);
        cache
    }

    /// Applies new parameters; a smaller capacity evicts down to it at the
    /// next fill. A new eviction policy ranks items from their next use on.
    pub fn reconfigure(&mut self, p: &CacheParams) {
        self.capacity = usize::try_from(p.capacity_items).unwrap_or(usize::MAX).max(1);
        self.eviction = p.eviction;
        self.ttl = (p.ttl_s > 0.0).then(|| SimTime::from_s(p.ttl_s));
        self.write_policy = p.write_policy;
    }

    /// Items held now (expired ones included until found or evicted).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Bytes the items take, about ([`crate::model::CACHE_ITEM_BYTES`] each).
    pub fn memory_bytes(&self) -> u64 {
        self.items.len() as u64 * crate::model::CACHE_ITEM_BYTES
    }

    /// Looks `key` up at `now`: true on a hit (which counts as a use).
    pub fn lookup(&mut self, key: u64, now: SimTime) -> bool {
        let hit = match self.items.get(&key).copied() {
            Some(item) if item.expires > now => {
                self.touch(key, item);
                true
            }
            Some(item) => {
                self.order.remove(&item.rank);
                self.items.remove(&key);
                false
            }
            None => false,
        };
        if now >= self.warmup {
            if hit {
                self.counts.hits += 1;
            } else {
                self.counts.misses += 1;
            }
        }
        hit
    }

    /// Stores `key` at `now` (a fill after a miss), evicting the least
    /// ranked items if the cache is full. A key already held is refreshed.
    pub fn fill(&mut self, key: u64, now: SimTime) {
        if let Some(item) = self.items.get(&key).copied() {
            self.order.remove(&item.rank);
        }
        while self.items.len() >= self.capacity && !self.items.contains_key(&key) {
            let Some(victim) = self.order.pop_first() else { break };
            self.items.remove(&victim.2);
            if now >= self.warmup {
                self.counts.evictions += 1;
            }
        }
        self.clock += 1;
        let uses = match self.eviction {
            Eviction::Lru => 0,
            Eviction::Lfu => 1,
        };
        let expires = self.ttl.map_or(SimTime::MAX, |ttl| now.after(ttl));
        let item = Item { rank: (uses, self.clock, key), expires };
        self.order.insert(item.rank);
        self.items.insert(key, item);
    }

    /// A write to `key` succeeded at `now`: deletes the cached copy, or
    /// stores the new value (write-through).
    pub fn written(&mut self, key: u64, now: SimTime) {
        match self.write_policy {
            WritePolicy::Invalidate => {
                if let Some(item) = self.items.remove(&key) {
                    self.order.remove(&item.rank);
                }
            }
            WritePolicy::WriteThrough => self.fill(key, now),
        }
    }

    /// Loses every item (the cache process died).
    pub fn clear(&mut self) {
        self.items.clear();
        self.order.clear();
    }

    fn touch(&mut self, key: u64, item: Item) {
        self.order.remove(&item.rank);
        self.clock += 1;
        let uses = match self.eviction {
            Eviction::Lru => 0,
            Eviction::Lfu => item.rank.0 + 1,
        };
        let rank = (uses, self.clock, key);
        self.order.insert(rank);
        self.items.insert(key, Item { rank, ..item });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(capacity_items: u64, eviction: Eviction) -> KeyCache {
        KeyCache::new(&CacheParams { capacity_items, eviction, ..CacheParams::default() }, SimTime::ZERO)
    }

    #[test]
    fn lru_evicts_the_least_recently_used() {
        let mut c = cache(2, Eviction::Lru);
        let t = SimTime::ZERO;
        c.fill(1, t);
        c.fill(2, t);
        assert!(c.lookup(1, t)); // 2 is now the least recent
        c.fill(3, t);
        assert!(c.lookup(1, t) && c.lookup(3, t) && !c.lookup(2, t));
        assert_eq!(c.counts, CacheCounts { hits: 3, misses: 1, evictions: 1 });
    }

    #[test]
    fn lfu_evicts_the_least_used_then_the_least_recent() {
        let mut c = cache(2, Eviction::Lfu);
        let t = SimTime::ZERO;
        c.fill(1, t);
        c.fill(2, t);
        for _ in 0..3 {
            c.lookup(1, t);
        }
        c.lookup(2, t);
        c.lookup(1, t);
        c.lookup(2, t);
        // 1 used 5 times, 2 three times: 2 goes, although 1 is less recent…
        c.fill(3, t);
        assert!(!c.lookup(2, t));
        // …and between 1 (5 uses) and 3 (1 use), 3 goes.
        c.fill(4, t);
        assert!(c.lookup(1, t) && c.lookup(4, t) && !c.lookup(3, t));
    }

    #[test]
    fn items_expire_after_their_ttl_and_writes_invalidate_or_write_through() {
        let p = CacheParams { ttl_s: 10.0, ..CacheParams::default() };
        let mut c = KeyCache::new(&p, SimTime::ZERO);
        c.fill(7, SimTime::from_s(1.0));
        assert!(c.lookup(7, SimTime::from_s(10.9)));
        assert!(!c.lookup(7, SimTime::from_s(11.0)));
        assert_eq!(c.len(), 0);
        c.fill(7, SimTime::ZERO);
        c.written(7, SimTime::ZERO);
        assert!(!c.lookup(7, SimTime::ZERO));
        let mut through = KeyCache::new(&CacheParams { write_policy: WritePolicy::WriteThrough, ..p }, SimTime::ZERO);
        through.written(7, SimTime::ZERO);
        assert!(through.lookup(7, SimTime::ZERO));
    }

    #[test]
    fn lookups_before_the_warmup_do_not_count() {
        let mut c = KeyCache::new(&CacheParams::default(), SimTime::from_s(5.0));
        c.lookup(1, SimTime::from_s(1.0));
        c.fill(1, SimTime::from_s(1.0));
        c.lookup(1, SimTime::from_s(6.0));
        assert_eq!(c.counts, CacheCounts { hits: 1, misses: 0, evictions: 0 });
    }
}
