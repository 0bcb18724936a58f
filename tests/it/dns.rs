//! DNS: weighted answers split sessions by weight; latency and geolocation
//! answers pick the near endpoint; after an endpoint dies, sessions keep
//! their cached answer, and fail, until it expires.

use archsim::model::{
    Arrivals, ClientParams, DnsParams, DnsPolicy, Fault, FaultKind, HealthCheck, KeyDistribution, NodeKind,
    RateProfile, Rect, RequestMix, Scenario, ServiceTime, Settings, Zone,
};

use crate::support::{call, check, node, replicate_many, run, scenario, service};

/// Clients in zone a-1 (region A) at 1000 req/s over `sessions` sessions,
/// a DNS name over two pools `a` (zone a-2, region A) and `b` (zone b-1,
/// region B), for `duration_s`.
fn two_regions(dns: DnsParams, sessions: u64, duration_s: f64, faults: Vec<Fault>) -> Scenario {
    let zone = |id: &str, region: &str| Zone {
        id: id.into(),
        region: region.into(),
        label: String::new(),
        rect: Rect::default(),
    };
    let mut nodes = vec![
        node(
            "users",
            NodeKind::Client(ClientParams {
                arrivals: Arrivals::Open { rate: RateProfile::Constant { rps: 1_000.0 } },
                mix: RequestMix::default(),
                keys: KeyDistribution::Uniform { keys: 1_000 },
                sessions,
                timeout_ms: 3_600_000.0,
            }),
        ),
        node("dns", NodeKind::Dns(dns)),
        service("a", 2, 100, 100, ServiceTime::Constant { ms: 1.0 }),
        service("b", 2, 100, 100, ServiceTime::Constant { ms: 1.0 }),
    ];
    for (n, z) in [(0, "a-1"), (2, "a-2"), (3, "b-1")] {
        nodes[n].zone = Some(z.into());
    }
    let mut b = call("dns", "b");
    b.weight = 3;
    let s = scenario(nodes, vec![call("users", "dns"), call("dns", "a"), b], duration_s, 0.0);
    Scenario {
        zones: vec![zone("a-1", "A"), zone("a-2", "A"), zone("b-1", "B")],
        settings: Settings { cross_zone_ms: 1.0, cross_region_ms: 40.0, ..s.settings },
        faults,
        ..s
    }
}

fn answers(policy: DnsPolicy, ttl_s: f64) -> DnsParams {
    DnsParams {
        ttl_s,
        policy,
        resolve_ms: 0.0,
        health_check: HealthCheck { interval_ms: 100.0, unhealthy_threshold: 1, healthy_threshold: 1 },
    }
}

/// Weighted answers (a 1, b 3) resolved per request: a quarter of the
/// traffic to `a`. Latency and geolocation answers send everything to `a`,
/// in the clients' region (1 ms across zones against 40 ms across regions).
#[test]
fn answers_follow_the_routing_policy() {
    let rate = |policy, pool: &str| {
        run(&two_regions(answers(policy, 0.0), 100, 50.0, Vec::new()), 1).nodes[pool].accepted_rate_rps
    };
    let weighted = rate(DnsPolicy::Weighted, "a");
    assert!((weighted - 250.0).abs() < 250.0 * 0.03, "{weighted}");
    for policy in [DnsPolicy::Latency, DnsPolicy::Geolocation] {
        assert_eq!(rate(policy, "b"), 0.0, "{policy:?}");
    }
}

/// Pool `a` dies at 200.05 s and is out of answers at the next probe
/// (d = 0.05 s later). Each of S = 10,000 sessions sends r = 0.1 req/s and
/// re-resolves at its first request after its answer (TTL T = 10 s)
/// expired: a renewal cycle of mean T + 1/r, in which a random instant
/// finds on average T²/(2(T + 1/r)) = 2.5 s of answer left. So the failures
/// are λ·d (the detection delay), plus λ·T²/(2(T + 1/r)) (cached answers
/// running out), plus λ·d·T/(T + 1/r) (sessions that re-resolved to `a`
/// during the delay): 50 + 2500 + 25. Without caching (T = 0) only λ·d.
#[test]
fn a_dns_failover_waits_for_cached_answers_to_expire() {
    let crash = || vec![Fault::on_node("a", 200.05, None, FaultKind::Crash)];
    let geo = |ttl_s| two_regions(answers(DnsPolicy::Geolocation, ttl_s), 10_000, 230.0, crash());
    let [failed] = replicate_many(&geo(10.0), |r| [r.requests.failed as f64]);
    check("failures during the DNS failover", failed, 50.0 + 2_500.0 + 25.0, 0.05);
    let uncached = run(&geo(0.0), 1).requests.failed as f64;
    assert!(uncached < 100.0, "{uncached}");
}
