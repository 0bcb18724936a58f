//! Invariants on every run: conservation of requests, Little's law,
//! determinism, no panic on any valid scenario.

use archsim::model::{
    Acks, Arrivals, Autoscaling, BackoffJitter, Bulkhead, CacheParams, CallMode, CallRef, CircuitBreaker,
    DatabaseParams, Delivery, DnsParams, Fault, FaultKind, HashOn, KeyDistribution, LbAlgorithm, LbMode, LbPair,
    LoadBalancerParams, NodeKind, PairMode, PartitionedParams, Partitioning, QueueParams, QueueStyle, RateProfile,
    Replication, Retry, RetryBudget, Scenario, ServiceTime,
};
use archsim::sim::Report;
use proptest::prelude::*;

use crate::support::{
    balancer, call, client, conserved, node, poisson_client, run, scenario, service, set_client_timeout,
};

fn three_tier() -> Scenario {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/three-tier.json")).unwrap();
    Scenario::from_json(&text).unwrap()
}

#[test]
fn littles_law_holds_at_every_node_of_a_three_tier_run() {
    let r = run(&three_tier(), 7);
    for (id, n) in &r.nodes {
        let lambda_w = n.accepted_rate_rps * n.mean_response_ms / 1e3;
        assert!(n.mean_in_system > 0.1, "{id}: a busy node");
        let gap = (n.mean_in_system - lambda_w).abs() / n.mean_in_system;
        assert!(gap < 0.01, "{id}: L = {} but λW = {lambda_w}", n.mean_in_system);
    }
}

#[test]
fn same_seed_same_digest_other_seed_other_digest() {
    let s = three_tier();
    let a = run(&s, 11);
    let b = run(&s, 11);
    assert_eq!(a.digest, b.digest);
    assert_eq!(a, Report { engine: a.engine, ..b });
    assert_ne!(a.digest, run(&s, 12).digest);
}

#[test]
fn an_unrelated_node_leaves_other_nodes_draws_unchanged() {
    let base = three_tier();
    let mut wider = base.clone();
    wider.nodes.push(poisson_client("other-users", 300.0));
    wider.nodes.push(service("other", 2, 4, 10, ServiceTime::Exponential { mean_ms: 3.0 }));
    wider.edges.push(call("other-users", "other"));
    let (a, b) = (run(&base, 5), run(&wider, 5));
    for id in ["users", "lb", "web", "api", "db"] {
        assert_eq!(a.nodes[id], b.nodes[id], "node {id}");
    }
    assert_ne!(a.digest, b.digest);
}

#[test]
fn saturation_rejects_and_times_out_but_conserves() {
    // λ = 2000/s into 10 workers of 10 ms: ρ = 2, queue 50: rejections and,
    // with a 100 ms timeout, timeouts.
    let mut s = scenario(
        vec![poisson_client("c", 2000.0), service("s", 1, 10, 50, ServiceTime::Exponential { mean_ms: 10.0 })],
        vec![call("c", "s")],
        20.0,
        2.0,
    );
    set_client_timeout(&mut s, 30.0);
    let r = run(&s, 3);
    assert!(r.requests.rejected > 1000, "{:?}", r.requests);
    assert!(r.requests.timed_out > 100, "{:?}", r.requests);
    assert!(conserved(&r), "{:?}", r.requests);
    // Capacity is 1000/s: completions cannot exceed it.
    assert!(r.throughput_rps < 1000.0 * 1.03, "{}", r.throughput_rps);
}

/// A random valid scenario: clients → optional balancer → a chain of 1–3
/// pools, with random parameters, some async hops and timeouts, and caches:
/// none, a shared cache (crashing for a while) in front of a last store, or
/// an exclusive cache in every pool; or a replicated database at the end
/// whose primary crashes and fails over; or a queue whose consumers call a
/// store, with a broker failure and a consumer crash; or a partitioned
/// store one of whose leaders crashes; or a DNS name in front of the
/// balancer and a second pool that crashes.
fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        (1u32..4, 1u32..6, 0u32..20, 0.1f64..20.0),
        (1usize..4, 0usize..6, any::<bool>(), 0.0f64..1.0),
        (10.0f64..3000.0, 1.0f64..500.0, any::<bool>(), 0usize..3),
        (0u32..30, 0.0f64..2.0),
        (0usize..7, 1u64..300, 0.0f64..2.0),
        (0usize..5, 0.0f64..1.0),
    )
        .prop_map(
            |(
                (replicas, workers, queue, mean_ms),
                (depth, algo, closed, p),
                (rate, timeout, async_hop, dist),
                (users, s),
                (caching, capacity_items, ttl_s),
                (guarding, share),
            )| {
                let cache = CacheParams { capacity_items, ttl_s, ..CacheParams::default() };
                let arrivals = if closed {
                    Arrivals::Closed { users: users + 1, think_time_ms: mean_ms }
                } else {
                    Arrivals::Open {
                        rate: RateProfile::Spike { base_rps: rate, peak_rps: rate * 3.0, at_s: 1.0, duration_s: 1.0 },
                    }
                };
                let mut users_node = client("users", arrivals);
                if let NodeKind::Client(c) = &mut users_node.kind {
                    c.timeout_ms = timeout;
                    c.keys = KeyDistribution::Zipf { keys: 500, s };
                }
                let algorithm = [
                    LbAlgorithm::RoundRobin,
                    LbAlgorithm::WeightedRoundRobin,
                    LbAlgorithm::Random,
                    LbAlgorithm::LeastOutstanding,
                    LbAlgorithm::PowerOfTwoChoices,
                    LbAlgorithm::ConsistentHash { on: HashOn::Key },
                ][algo];
                let time = [
                    ServiceTime::Exponential { mean_ms },
                    ServiceTime::Constant { ms: mean_ms },
                    ServiceTime::Lognormal { mean_ms, p99_ms: mean_ms * 5.0 },
                ][dist]
                    .clone();
                let mut nodes = vec![
                    users_node,
                    balancer(
                        "lb",
                        LoadBalancerParams {
                            algorithm,
                            mode: LbMode::L4,
                            max_connections: 200,
                            pair: [None, Some(PairMode::ActivePassive), Some(PairMode::ActiveActive)][dist]
                                .map(|sharing| LbPair { sharing, detection_s: 0.3, takeover_s: 0.2 }),
                            ..Default::default()
                        },
                    ),
                ];
                let mut edges = vec![call("users", "lb")];
                for k in 0..depth {
                    let mut pool = service(&format!("s{k}"), replicas, workers, queue, time.clone());
                    if let (2, NodeKind::Service(p)) = (caching, &mut pool.kind) {
                        p.cache = Some(cache.clone());
                    }
                    if let (2, NodeKind::Service(p)) = (guarding, &mut pool.kind) {
                        // Fast autoscaling, so a short run scales both ways.
                        p.autoscaling = Some(Box::new(Autoscaling {
                            min_replicas: 1,
                            max_replicas: replicas + 2,
                            target: 0.3 + share * 0.6,
                            interval_s: 1.0,
                            cooldown_s: 0.5,
                            provisioning_s: 0.3,
                            warmup_s: 0.2,
                            ..Autoscaling::default()
                        }));
                    }
                    nodes.push(pool);
                    let from = if k == 0 { "lb".to_owned() } else { format!("s{}", k - 1) };
                    let mut e = call(&from, &format!("s{k}"));
                    if k > 0 {
                        e.probability = p;
                        if async_hop {
                            e.mode = CallMode::Async;
                        }
                    }
                    edges.push(e);
                }
                let mut faults = Vec::new();
                if caching == 1 {
                    let last = format!("s{}", depth - 1);
                    nodes.push(node("cache", NodeKind::Cache(cache)));
                    nodes.push(service("store", replicas, workers, queue, time.clone()));
                    edges.extend([call(&last, "cache"), call("cache", "store")]);
                    faults.push(Fault::on_node("cache", 1.5, Some(1.0), FaultKind::Crash));
                }
                if caching == 3 {
                    let replication = match (async_hop, dist) {
                        (true, 0) => Replication::MultiPrimary,
                        _ => [Replication::Async, Replication::SemiSync { acks: 1 }, Replication::Sync][dist],
                    };
                    let db = DatabaseParams {
                        replicas: replicas.min(3),
                        connections: workers,
                        queue_capacity: queue,
                        replication,
                        detection_s: ttl_s,
                        promotion_s: ttl_s,
                        ..DatabaseParams::default()
                    };
                    nodes.push(node("db", NodeKind::Database(db)));
                    edges.push(call(&format!("s{}", depth - 1), "db"));
                    faults.push(Fault { replica: Some(0), ..Fault::on_node("db", 1.5, Some(1.0), FaultKind::Crash) });
                }
                if caching == 4 {
                    let topic = QueueParams {
                        style: if closed { QueueStyle::WorkQueue } else { QueueStyle::Log },
                        max_deliveries: users % 5 + 1,
                        partitions: replicas * 2,
                        consumers: workers,
                        acks: [Acks::None, Acks::Leader, Acks::All][dist],
                        delivery: if async_hop { Delivery::AtMostOnce } else { Delivery::AtLeastOnce },
                        rebalance_s: ttl_s,
                        election_s: ttl_s,
                        ..QueueParams::default()
                    };
                    nodes.push(node("q", NodeKind::Queue(topic)));
                    nodes.push(service("store", 1, workers, queue, time.clone()));
                    edges.extend([call(&format!("s{}", depth - 1), "q"), call("q", "store")]);
                    for replica in [None, Some(0)] {
                        faults.push(Fault { replica, ..Fault::on_node("q", 1.5, Some(1.0), FaultKind::Crash) });
                    }
                }
                if caching == 5 {
                    let store = PartitionedParams {
                        partitions: replicas * 2,
                        partitioning: if async_hop { Partitioning::Range } else { Partitioning::Hash },
                        key_space: 500,
                        replication_factor: replicas,
                        connections: workers,
                        queue_capacity: queue,
                        election_s: ttl_s,
                        ..PartitionedParams::default()
                    };
                    nodes.push(node("kv", NodeKind::PartitionedStore(store)));
                    edges.push(call(&format!("s{}", depth - 1), "kv"));
                    faults.push(Fault { replica: Some(1), ..Fault::on_node("kv", 1.5, Some(1.0), FaultKind::Crash) });
                }
                if caching == 6 {
                    let dns = DnsParams { ttl_s, resolve_ms: mean_ms, ..DnsParams::default() };
                    nodes.push(node("dns", NodeKind::Dns(dns)));
                    nodes.push(service("alt", replicas, workers, queue, time));
                    edges[0] = call("users", "dns");
                    edges.extend([call("dns", "lb"), call("dns", "alt")]);
                    faults.push(Fault::on_node("alt", 1.5, Some(1.0), FaultKind::Crash));
                }
                // Caller resilience on every sync call but the client's, and
                // a grey failure of the first pool.
                let jitter =
                    [BackoffJitter::None, BackoffJitter::Full, BackoffJitter::Equal, BackoffJitter::Decorrelated];
                for e in edges.iter_mut().skip(1).filter(|e| e.mode == CallMode::Sync && guarding > 0) {
                    e.timeout_ms = Some(mean_ms * (0.5 + share * 3.0));
                    e.retry = (guarding != 2).then(|| Retry {
                        max_retries: 1 + users % 3,
                        jitter: jitter[dist],
                        budget: (guarding == 3).then(RetryBudget::default),
                        ..Retry::default()
                    });
                    e.circuit_breaker = (guarding >= 2).then_some(CircuitBreaker {
                        min_calls: 5,
                        open_s: 0.2,
                        ..CircuitBreaker::default()
                    });
                    e.bulkhead = (guarding == 4).then_some(Bulkhead { max_concurrent: workers });
                }
                if guarding > 0 {
                    // The network loses messages to the balancer, which then
                    // crashes for a while.
                    let lossy = CallRef { from: edges[0].from.clone(), to: edges[0].to.clone() };
                    faults.push(Fault {
                        call: Some(lossy),
                        for_s: Some(1.0),
                        ..Fault::at(0.7, FaultKind::Loss { share })
                    });
                    faults.push(Fault { replica: Some(0), ..Fault::on_node("lb", 2.0, Some(1.0), FaultKind::Crash) });
                    faults.push(Fault::on_node("lb", 3.2, Some(0.3), FaultKind::Crash));
                    let fault = if closed {
                        FaultKind::Slow { factor: 1.0 + 10.0 * share }
                    } else {
                        FaultKind::ErrorRate { share }
                    };
                    faults.push(Fault::on_node("s0", 1.0, Some(1.5), fault));
                }
                Scenario { faults, ..scenario(nodes, edges, 4.0, 0.5) }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_request_ends_exactly_once(s in arb_scenario(), seed in any::<u64>()) {
        let r = run(&s, seed);
        prop_assert!(conserved(&r), "{:?}", r.requests);
        prop_assert!(r.availability.is_some_and(|a| (0.0..=1.0).contains(&a)));
    }
}
