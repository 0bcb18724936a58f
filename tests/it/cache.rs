//! Caches: LRU hit ratios under Zipf keys against Che's approximation, TTL
//! expiry against the exact renewal formula, the miss stream that reaches
//! the store, exclusive per-replica caches behind round robin and key
//! hashing, write policies, and the cold start after a crash.

use archsim::model::{
    Arrivals, CacheParams, CdnParams, ClientParams, Fault, FaultKind, HashOn, KeyDistribution, LbAlgorithm,
    LoadBalancerParams, Node, NodeKind, RateProfile, RequestMix, Scenario, ServiceParams, ServiceTime,
};
use archsim::sim::Report;
use archsim::theory;

use crate::support::{balancer, call, node, run, scenario, service};

/// Keys in every case.
const KEYS: u64 = 10_000;

/// Poisson arrivals at `rps` of reads (share 1 − `writes`) and writes over
/// `keys`.
fn client(rps: f64, keys: KeyDistribution, writes: f64) -> Node {
    node(
        "c",
        NodeKind::Client(ClientParams {
            arrivals: Arrivals::Open { rate: RateProfile::Constant { rps } },
            mix: RequestMix { read: 1.0 - writes, write: writes, other: 0.0 },
            keys,
            sessions: 100,
            timeout_ms: 3_600_000.0,
        }),
    )
}

fn cache(capacity_items: u64) -> CacheParams {
    CacheParams { capacity_items, op_ms: 0.0, ..CacheParams::default() }
}

/// Client → shared cache → store, for `duration_s` after a 2 s warm-up. The
/// store answers at once: Che's model fills the cache on the miss itself,
/// whereas a slow store leaves the key missing until it answers, so that
/// concurrent reads of it miss too.
fn cache_aside(keys: KeyDistribution, writes: f64, params: CacheParams, duration_s: f64) -> Scenario {
    scenario(
        vec![
            client(100_000.0, keys, writes),
            node("cache", NodeKind::Cache(params)),
            service("db", 1, 1_000, 1_000_000, ServiceTime::Constant { ms: 0.0 }),
        ],
        vec![call("c", "cache"), call("cache", "db")],
        duration_s,
        2.0,
    )
}

fn figure(r: &Report, node: &str, name: &str) -> f64 {
    r.nodes[node].extra[name]
}

fn assert_close(what: &str, measured: f64, expected: f64, relative: f64) {
    let error = (measured - expected).abs() / expected;
    assert!(error <= relative, "{what}: measured {measured:.5}, expected {expected:.5} ({:.2}% off)", error * 100.0);
    eprintln!("{what}: measured {measured:.5}, expected {expected:.5} ({:.2}% off)", error * 100.0);
}

/// LRU under Zipf(s) over 10,000 keys, 1,000,000 lookups after the warm-up:
/// the hit ratio lies within 2% of Che's approximation at several
/// capacities and exponents (Fricker, Robert & Roberts 2012 report Che's
/// error under Zipf well below 1% at these sizes).
#[test]
fn lru_hit_ratio_under_zipf_matches_ches_approximation() {
    for (s, capacity) in [(0.8, 100), (0.8, 1_000), (1.0, 50), (1.0, 500), (1.2, 100), (1.2, 2_000)] {
        let r = run(&cache_aside(KeyDistribution::Zipf { keys: KEYS, s }, 0.0, cache(capacity), 10.0), 1);
        let expected = theory::che_lru_hit_ratio(&theory::zipf_popularity(KEYS, s), capacity as f64);
        assert_close(&format!("Zipf({s}) C={capacity} hit ratio"), figure(&r, "cache", "hit_ratio"), expected, 0.02);
        assert_eq!(figure(&r, "cache", "items"), capacity as f64, "a warm cache is full");
    }
}

/// The store sees exactly the misses: its arrival rate is λ(1 − h).
#[test]
fn the_store_behind_sees_the_miss_stream() {
    let (s, capacity) = (0.9, 300);
    let r = run(&cache_aside(KeyDistribution::Zipf { keys: KEYS, s }, 0.0, cache(capacity), 5.0), 2);
    let h = theory::che_lru_hit_ratio(&theory::zipf_popularity(KEYS, s), capacity as f64);
    assert_close("store arrival rate", r.nodes["db"].accepted_rate_rps, 100_000.0 * (1.0 - h), 0.02);
    assert_eq!(figure(&r, "cache", "misses"), r.nodes["db"].served as f64 + r.nodes["db"].dropped as f64);
}

/// With a TTL counted from the fill and room for every key, each key cycles
/// through one miss and then the hits of one TTL: with Poisson requests at
/// λᵢ per key the hit ratio is λᵢT / (1 + λᵢT) (renewal argument; Jung,
/// Berger & Balakrishnan, "Modeling TTL-based Internet caches", INFOCOM
/// 2003). 1000 uniform keys at 1000 req/s: λᵢ = 1/s; T = 2 s gives 2/3.
#[test]
fn a_ttl_cache_hits_as_the_renewal_formula_says() {
    let params = CacheParams { ttl_s: 2.0, ..cache(1_000) };
    let mut s = cache_aside(KeyDistribution::Uniform { keys: 1_000 }, 0.0, params, 600.0);
    s.nodes[0] = client(1_000.0, KeyDistribution::Uniform { keys: 1_000 }, 0.0);
    let r = run(&s, 3);
    assert_close("TTL hit ratio", figure(&r, "cache", "hit_ratio"), 2.0 / 3.0, 0.02);
}

/// An exclusive cache per replica: behind round robin each replica sees all
/// keys, so each hits as one LRU of C (Che); hashing keys to replicas gives
/// each a quarter of the keys, and together they hit about as one cache of
/// 4C (as with a sharded cache).
#[test]
fn exclusive_caches_hit_more_when_keys_are_hashed_to_replicas() {
    let (zipf, capacity, replicas) = (1.0, 200, 4);
    let with = |algorithm: LbAlgorithm| {
        let pool = ServiceParams {
            replicas,
            workers: 1_000,
            queue_capacity: 1_000,
            service_time: ServiceTime::Constant { ms: 0.1 },
            cache: Some(cache(capacity)),
            ..ServiceParams::default()
        };
        let lb = LoadBalancerParams { algorithm, processing_time_ms: 0.0, cores: 1_000, ..Default::default() };
        let s = scenario(
            vec![
                client(50_000.0, KeyDistribution::Zipf { keys: KEYS, s: zipf }, 0.0),
                balancer("lb", lb),
                node("api", NodeKind::Service(pool)),
                service("db", 1, 1_000, 1_000_000, ServiceTime::Constant { ms: 1.0 }),
            ],
            vec![call("c", "lb"), call("lb", "api"), call("api", "db")],
            10.0,
            2.0,
        );
        figure(&run(&s, 4), "api", "hit_ratio")
    };
    let p = theory::zipf_popularity(KEYS, zipf);
    let round_robin = with(LbAlgorithm::RoundRobin);
    let hashed = with(LbAlgorithm::ConsistentHash { on: HashOn::Key });
    assert_close("round robin", round_robin, theory::che_lru_hit_ratio(&p, capacity as f64), 0.02);
    assert_close("hashed", hashed, theory::che_lru_hit_ratio(&p, f64::from(replicas) * capacity as f64), 0.05);
}

/// Invalidation makes the next read of a written key miss; write-through
/// keeps it cached, so it hits more (with 20% writes, markedly).
#[test]
fn write_through_hits_more_than_invalidate_on_write() {
    let hit_ratio = |write_policy| {
        let params = CacheParams { write_policy, ..cache(500) };
        let r = run(&cache_aside(KeyDistribution::Zipf { keys: KEYS, s: 1.0 }, 0.2, params, 5.0), 5);
        figure(&r, "cache", "hit_ratio")
    };
    let invalidate = hit_ratio(archsim::model::WritePolicy::Invalidate);
    let through = hit_ratio(archsim::model::WritePolicy::WriteThrough);
    assert!(through > invalidate + 0.02, "write-through {through:.4}, invalidate {invalidate:.4}");
}

/// A crash loses the contents: while the cache is down every read goes to
/// the store, and after it comes back empty the misses stay high until it
/// warms up, so the store serves more than in a run without the crash.
#[test]
fn a_crashed_cache_comes_back_cold_and_the_store_takes_the_misses() {
    let base = cache_aside(KeyDistribution::Zipf { keys: KEYS, s: 1.0 }, 0.0, cache(1_000), 6.0);
    let mut crashed = base.clone();
    crashed.faults = vec![Fault::on_node("cache", 4.0, Some(1.0), FaultKind::Crash)];
    let (calm, hit) = (run(&base, 6), run(&crashed, 6));
    let what: Vec<_> = hit.events.iter().map(|e| (e.t_s, e.what.as_str())).collect();
    assert_eq!(what, [(4.0, "crash"), (5.0, "recover")]);
    // Down for 1 s of 6: 100,000 reads all miss instead of a share 1 − h.
    let h = figure(&calm, "cache", "hit_ratio");
    let extra = hit.nodes["db"].served as f64 - calm.nodes["db"].served as f64;
    assert!(extra > 0.9 * 100_000.0 * h, "the store served {extra} more");
    assert_eq!(hit.requests.failed, 0, "callers fall back to the store");
}

/// A CDN edge caches only the static class: with half the requests static
/// over 1000 uniform keys at 2000 req/s (1000 static req/s, λᵢ = 1/s per
/// key) and a 4 s TTL, static requests hit λᵢT/(1 + λᵢT) = 4/5 of the time
/// (as for a TTL cache); the origin sees every read plus the static misses:
/// 1000 + 1000/5 req/s.
#[test]
fn a_cdn_caches_the_static_class_for_its_ttl() {
    let mut s = cache_aside(KeyDistribution::Uniform { keys: 1_000 }, 0.0, CacheParams::default(), 300.0);
    s.nodes[0] = client(2_000.0, KeyDistribution::Uniform { keys: 1_000 }, 0.0);
    if let NodeKind::Client(c) = &mut s.nodes[0].kind {
        c.mix = RequestMix { read: 0.5, write: 0.0, other: 0.5 };
    }
    s.nodes[1].kind = NodeKind::Cdn(CdnParams { capacity_items: 10_000, ttl_s: 4.0, edge_ms: 0.0 });
    let r = run(&s, 7);
    assert_eq!(r.nodes["cache"].kind, "cdn");
    assert_close("CDN hit ratio", figure(&r, "cache", "hit_ratio"), 4.0 / 5.0, 0.02);
    assert_close("origin arrival rate", r.nodes["db"].accepted_rate_rps, 1_000.0 + 1_000.0 / 5.0, 0.02);
}

/// The inspector's theory for a cache (`theory::closed_form`) against the
/// hit ratio the page shows of the same run (the node's snapshot): Che's
/// approximation under Zipf keys, C/N exactly under uniform ones (every
/// key alike); a TTL or writes have no closed form there.
#[test]
fn the_inspectors_hit_ratio_is_what_the_run_measures() {
    let zipf = KeyDistribution::Zipf { keys: KEYS, s: 0.9 };
    for (keys, expected) in [
        (zipf, theory::che_lru_hit_ratio(&theory::zipf_popularity(KEYS, 0.9), 500.0)),
        (KeyDistribution::Uniform { keys: KEYS }, 500.0 / KEYS as f64),
    ] {
        let s = cache_aside(keys, 0.0, cache(500), 10.0);
        let closed = theory::closed_form(&s, "cache").unwrap().unwrap();
        assert_eq!(closed.figures, vec![(theory::Figure::HitRatio, expected)]);
        let mut sim = archsim::sim::Simulation::new(&s, 5).unwrap();
        sim.run_to_end();
        assert_close(&closed.model, sim.node_snapshots()[1].hit_ratio.unwrap(), expected, 0.02);
    }
    let ttl = cache_aside(zipf, 0.0, CacheParams { ttl_s: 2.0, ..cache(500) }, 1.0);
    assert!(theory::closed_form(&ttl, "cache").unwrap().unwrap_err().contains("TTL"));
    let writes = cache_aside(zipf, 0.1, cache(500), 1.0);
    assert!(theory::closed_form(&writes, "cache").unwrap().unwrap_err().contains("writes"));
}
