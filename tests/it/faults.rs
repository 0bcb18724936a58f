//! Faults: a crashed replica fails what it holds and refuses new requests;
//! load-balancer health checks take it out of rotation after
//! `unhealthy_threshold` failed probes and back after `healthy_threshold`
//! good ones; live injection equals the same fault scheduled.

use archsim::model::{
    Fault, FaultKind, HealthCheck, LbPair, LoadBalancerParams, OutlierDetection, PairMode, Scenario, ServiceTime,
};
use archsim::sim::{SimTime, Simulation};

use archsim::model::NodeKind;

use crate::support::{balancer, call, check, poisson_client, replicate_many, run, scenario, service};

/// 1000 req/s, round robin over 4 replicas of 1 ms work, probes every 2 s,
/// 3 failed probes to eject, 2 good ones to re-admit; 60 s, no warm-up.
fn behind_balancer(faults: Vec<Fault>) -> Scenario {
    let lb = LoadBalancerParams {
        health_check: HealthCheck { interval_ms: 2_000.0, unhealthy_threshold: 3, healthy_threshold: 2 },
        ..LoadBalancerParams::default()
    };
    let mut s = scenario(
        vec![
            poisson_client("c", 1000.0),
            balancer("lb", lb),
            service("api", 4, 50, 100, ServiceTime::Constant { ms: 1.0 }),
        ],
        vec![call("c", "lb"), call("lb", "api")],
        60.0,
        0.0,
    );
    s.faults = faults;
    s
}

fn crash(node: &str, replica: Option<u32>, at_s: f64, for_s: f64) -> Fault {
    Fault { replica, ..Fault::on_node(node, at_s, Some(for_s), FaultKind::Crash) }
}

#[test]
fn a_crashed_replica_gets_traffic_until_the_health_checks_eject_it() {
    let s = behind_balancer(vec![crash("api", Some(1), 10.3, 20.0)]);
    let mut sim = Simulation::new(&s, 3).unwrap();
    sim.run_to_end();
    // Probes at 2 s, 4 s, …: the crash at 10.3 s fails the probes at 12, 14
    // and 16 s, so the replica leaves rotation at 16 s; it recovers at
    // 30.3 s and passes the probes at 32 and 34 s.
    let events: Vec<(f64, String, String)> = sim.events().into_iter().map(|e| (e.t_s, e.node, e.what)).collect();
    let expected =
        [(10.3, "api", "crash"), (16.0, "lb", "unhealthy"), (30.3, "api", "recover"), (34.0, "lb", "healthy")];
    assert_eq!(events, expected.map(|(t, n, w)| (t, n.to_owned(), w.to_owned())));
    // Round robin sends it a quarter of the 5.7 s of arrivals in between:
    // 1425 requests, Poisson (sd ≈ 38).
    let failed = sim.report().requests.failed;
    assert!((failed as f64 - 1425.0).abs() < 4.0 * 1425f64.sqrt(), "{failed}");
    // Errors only in the window from the crash to the ejection (1 s buckets).
    let series = &sim.metrics().series;
    for (second, b) in series.buckets().iter().enumerate() {
        let in_window = (10..=15).contains(&second);
        assert_eq!(b.counts.failed > 0, in_window, "second {second}: {} failed", b.counts.failed);
    }
}

#[test]
fn a_pool_called_directly_fails_everything_while_down_and_counts_still_add_up() {
    // 50 ms of work per request: about 50 requests in service at the crash.
    let mut s = scenario(
        vec![poisson_client("c", 1000.0), service("api", 2, 100, 100, ServiceTime::Exponential { mean_ms: 50.0 })],
        vec![call("c", "api")],
        40.0,
        0.0,
    );
    s.faults = vec![crash("api", None, 10.0, 5.0)];
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_to_end();
    let r = sim.report();
    let q = r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight);
    // Down 5 s of 40: 5000 of the 40 000 requests fail, plus those in
    // service at the crash (≈ λ·S = 50).
    let expected = 5_000.0 + 50.0;
    assert!((q.failed as f64 - expected).abs() < 4.0 * expected.sqrt() + 20.0, "{}", q.failed);
    let window = sim.metrics().series.window(SimTime::from_s(11.0), SimTime::from_s(15.0)).counts;
    assert_eq!(window.completed, 0, "nothing completes while the pool is down");
    let after = sim.metrics().series.window(SimTime::from_s(16.0), SimTime::from_s(40.0)).counts;
    assert_eq!(after.failed, 0, "all good after recovery");
    assert_eq!(r.events.len(), 4, "two replicas crash, two recover: {:?}", r.events);
}

#[test]
fn a_fault_injected_live_equals_the_same_fault_scheduled() {
    let scheduled = run(&behind_balancer(vec![crash("api", Some(2), 10.3, 20.0)]), 9);
    let mut sim = Simulation::new(&behind_balancer(Vec::new()), 9).unwrap();
    sim.run_until(SimTime::from_s(10.3));
    sim.inject(&Fault { replica: Some(2), ..Fault::on_node("api", 0.0, None, FaultKind::Crash) }, true).unwrap();
    sim.run_until(SimTime::from_s(30.3));
    sim.inject(&Fault { replica: Some(2), ..Fault::on_node("api", 0.0, None, FaultKind::Crash) }, false).unwrap();
    sim.run_to_end();
    assert_eq!(sim.report().digest, scheduled.digest);
    assert_eq!(
        sim.inject(&Fault::on_node("c", 0.0, None, FaultKind::Crash), true).unwrap_err(),
        // Every kind that crashes, CDN edges too, in palette order.
        "crash faults apply to CDN edges, API gateways, load balancers, service pools, caches, databases, partitioned stores and queues, not to `c` (clients)"
    );
    assert_eq!(
        sim.inject(&Fault { replica: Some(4), ..Fault::on_node("api", 0.0, None, FaultKind::Crash) }, true)
            .unwrap_err(),
        "`api` has replicas 0 to 3"
    );
}

#[test]
fn a_slow_replica_passes_its_health_checks_and_slows_its_share_of_requests() {
    // A grey failure: replica 1 of 4 serves at 10× its 1 ms for 30 s. The
    // health checks see it up, so round robin keeps sending it a quarter
    // of the requests: mean time at the pool (1 + 1 + 1 + 10) / 4 = 3.25 ms
    // while slow, 1 ms otherwise (no queueing: 50 workers per replica).
    let slow = Fault { replica: Some(1), ..Fault::on_node("api", 15.0, Some(30.0), FaultKind::Slow { factor: 10.0 }) };
    let r = run(&behind_balancer(vec![slow]), 5);
    let what: Vec<&str> = r.events.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(what, ["slow", "healed"], "no health-check verdicts: {:?}", r.events);
    let expected = (30.0 * 3.25 + 30.0 * 1.0) / 60.0;
    let got = r.nodes["api"].mean_response_ms;
    assert!((got - expected).abs() < 0.01 * expected, "{got} vs {expected}");
    assert_eq!(r.requests.completed, r.requests.offered - r.requests.in_flight);
}

#[test]
fn grey_faults_are_for_service_pools_and_their_parameters_are_checked() {
    let s = behind_balancer(vec![
        Fault::on_node("lb", 1.0, None, FaultKind::Slow { factor: 2.0 }),
        Fault::on_node("api", 1.0, None, FaultKind::ErrorRate { share: 1.5 }),
    ]);
    let problems = s.validate().unwrap_err().to_string();
    for expected in [
        "$.faults[0].node",
        "$.faults[0].node: slow faults apply to service pools, not to `lb` (load balancer)",
        "$.faults[1].fault.error_rate.share",
    ] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }
    let mut sim = Simulation::new(&behind_balancer(Vec::new()), 1).unwrap();
    assert!(sim
        .inject(
            &Fault { replica: Some(0), ..Fault::on_node("api", 0.0, None, FaultKind::ErrorRate { share: -0.1 }) },
            true
        )
        .is_err());
    sim.inject(
        &Fault { replica: Some(0), ..Fault::on_node("api", 0.0, None, FaultKind::ErrorRate { share: 1.0 }) },
        true,
    )
    .unwrap();
    sim.run_until(SimTime::from_s(1.0));
    // Round robin over 4: a quarter of about 1000 requests fail.
    let failed = sim.report().requests.failed as f64;
    assert!((failed - 250.0).abs() < 4.0 * 250f64.sqrt(), "{failed}");
}

#[test]
fn faults_on_what_cannot_crash_are_refused_with_their_path() {
    let s = behind_balancer(vec![
        crash("c", None, 1.0, 1.0),
        crash("api", Some(7), 1.0, 1.0),
        crash("api", None, -1.0, 1.0),
    ]);
    let problems = s.validate().unwrap_err().to_string();
    for expected in ["$.faults[0].node", "$.faults[1].node", "$.faults[2].at_s"] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }
}

/// 5 req/s of 1 ms work to `replicas` replicas called directly, each failing
/// at random with MTBF 100 s and MTTR 10 s (both exponential), 100 000 s
/// (about 900 failure cycles per replica).
fn flaky(replicas: u32) -> Scenario {
    let mut pool = service("api", replicas, 4, 10, ServiceTime::Constant { ms: 1.0 });
    if let NodeKind::Service(p) = &mut pool.kind {
        (p.mtbf_s, p.mttr_s) = (100.0, 10.0);
    }
    scenario(vec![poisson_client("c", 5.0), pool], vec![call("c", "api")], 100_000.0, 0.0)
}

#[test]
fn random_failures_give_the_availability_of_one_node_and_of_a_redundant_pair() {
    // Alternating renewal process: a replica is down a share
    // MTTR / (MTBF + MTTR) = 1/11 of the time, and Poisson arrivals see time
    // averages (PASTA), so that share of requests fails. Two independent
    // replicas, either of which serves (no detection delay when called
    // directly), are both down (1/11)² of the time: the parallel formula
    // A = 1 − (1 − A₁)² (e.g. Trivedi, *Probability and Statistics with
    // Reliability, Queuing, and Computer Science Applications*, ch. 3).
    let down = 10.0 / 110.0;
    let [single] = replicate_many(&flaky(1), |r| [1.0 - r.availability.unwrap()]);
    check("unavailability of one replica", single, down, 0.05);
    let [pair] = replicate_many(&flaky(2), |r| [1.0 - r.availability.unwrap()]);
    check("unavailability of a redundant pair", pair, down * down, 0.15);
    // The inspector says the same of both pools (with exponential service
    // times, so that a replica alone is an M/M/4/14 whose losses are known
    // negligible), and measures the share of the pool's arrivals it
    // refused, which here is the run's failures.
    let exponential = |mut s: Scenario| {
        if let NodeKind::Service(p) = &mut s.nodes[1].kind {
            p.service_time = ServiceTime::Exponential { mean_ms: 1.0 };
        }
        s
    };
    for (replicas, unavailable) in [(1, down), (2, down * down)] {
        let s = exponential(flaky(replicas));
        let closed = archsim::theory::closed_form(&s, "api").unwrap().unwrap();
        let [(figure, availability)] = closed.figures[..] else { panic!("{closed:?}") };
        assert_eq!(figure, archsim::theory::Figure::Availability);
        assert!((availability - (1.0 - unavailable)).abs() < 1e-15, "{availability}");
        let mut sim = Simulation::new(&s, 1).unwrap();
        sim.run_to_end();
        let loss = sim.node_snapshots()[1].loss.unwrap();
        assert!((loss - (1.0 - sim.report().availability.unwrap())).abs() < 1e-3, "{loss}");
    }
    // A replica that could not take the load alone, or whose queue's
    // losses are unknown (M/G/c), leaves no closed form.
    let crowded = |s: Scenario| Scenario { nodes: vec![poisson_client("c", 5_000.0), s.nodes[1].clone()], ..s };
    let why = |s: &Scenario| archsim::theory::closed_form(s, "api").unwrap().unwrap_err();
    assert!(why(&crowded(exponential(flaky(2)))).contains("fills its queue"));
    assert!(why(&flaky(2)).contains("M/G/c"));
}

#[test]
fn outlier_detection_ejects_a_failing_replica_the_health_checks_keep() {
    // Replica 1 of 4 fails every request but stays up: health checks keep
    // it in rotation, so a quarter of 60,000 requests fail. Ejecting it
    // after 5 failures in a row for 30 s (then 60 s) leaves only the 5
    // failures before each ejection (and the ones in flight then).
    let failing = Fault { replica: Some(1), ..Fault::on_node("api", 0.0, None, FaultKind::ErrorRate { share: 1.0 }) };
    let without = run(&behind_balancer(vec![failing.clone()]), 4);
    assert!((without.requests.failed as f64 - 15_000.0).abs() < 4.0 * 15_000f64.sqrt(), "{}", without.requests.failed);
    let mut s = behind_balancer(vec![failing]);
    if let NodeKind::LoadBalancer(p) = &mut s.nodes[1].kind {
        p.outlier_detection = Some(OutlierDetection::default());
    }
    let mut sim = Simulation::new(&s, 4).unwrap();
    sim.run_to_end();
    let r = sim.report();
    let times = |what: &str| r.events.iter().filter(|e| e.what == what).map(|e| e.t_s).collect::<Vec<_>>();
    let (ejected, returned) = (times("ejected"), times("returned"));
    // Ejected at once, back after 30 s, ejected again for 60 s.
    assert_eq!(ejected.len(), 2, "{:?}", r.events);
    assert!(ejected[0] < 0.1);
    assert!((returned[0] - ejected[0] - 30.0).abs() < 1e-9);
    assert!(ejected[1] - returned[0] < 0.1);
    assert!(r.requests.failed <= 2 * 5 + 4, "{}", r.requests.failed);
    assert!(r.events.iter().all(|e| e.what != "unhealthy"));
}

#[test]
fn a_balancer_pair_fails_over_after_detection_and_takeover() {
    let paired = |sharing: PairMode| {
        let mut s =
            behind_balancer(vec![Fault { replica: Some(0), ..Fault::on_node("lb", 10.0, None, FaultKind::Crash) }]);
        if let NodeKind::LoadBalancer(p) = &mut s.nodes[1].kind {
            p.pair = Some(LbPair { sharing, detection_s: 3.0, takeover_s: 2.0 });
        }
        s
    };
    // Active–passive: everything fails from the crash until the standby
    // holds the virtual IP, 3 + 2 s later (1000 req/s, Poisson).
    let mut sim = Simulation::new(&paired(PairMode::ActivePassive), 5).unwrap();
    sim.run_to_end();
    let r = sim.report();
    let failed = r.requests.failed as f64;
    assert!((failed - 5_000.0).abs() < 4.0 * 5_000f64.sqrt() + 10.0, "{failed}");
    let failover: Vec<f64> = r.events.iter().filter(|e| e.what == "failover").map(|e| e.t_s).collect();
    assert_eq!(failover, [15.0]);
    assert_eq!(sim.metrics().series.window(SimTime::from_s(15.0), SimTime::from_s(60.0)).counts.failed, 0);
    assert!(r.single_points_of_failure.is_empty(), "a pair is no single point of failure");
    // Active–active: instance 0 gets half the traffic until its crash is
    // noticed 3 s later.
    let r = run(&paired(PairMode::ActiveActive), 5);
    let failed = r.requests.failed as f64;
    assert!((failed - 1_500.0).abs() < 4.0 * 1_500f64.sqrt() + 10.0, "{failed}");
    // A single balancer is named as a single point of failure.
    assert_eq!(run(&behind_balancer(Vec::new()), 5).single_points_of_failure, ["lb"]);
}

#[test]
fn utilization_counts_the_replicas_in_service_not_the_crashed_ones() {
    // 2 replicas × 4 workers of 100 ms each, offered 1000 req/s (100
    // Erlangs): every worker of a replica up is busy. With replica 0
    // crashed, replica 1's 4 workers are the slots in service: ρ = 4/4,
    // not 4/8; with both down none is in service and ρ is undefined.
    let s = scenario(
        vec![poisson_client("c", 1000.0), service("s", 2, 4, 1000, ServiceTime::Constant { ms: 100.0 })],
        vec![call("c", "s")],
        60.0,
        0.0,
    );
    let mut sim = Simulation::new(&s, 5).unwrap();
    let pool = |sim: &Simulation| sim.node_snapshots().into_iter().find(|n| n.id == "s").unwrap();
    sim.run_until(SimTime::from_s(5.0));
    let up = pool(&sim);
    assert_eq!((up.busy, up.capacity, up.slots, up.down), (8, 8, 8, 0));
    assert_eq!(up.utilization(), Some(1.0));
    let crash = |replica| Fault { replica, ..Fault::on_node("s", 0.0, None, FaultKind::Crash) };
    sim.inject(&crash(Some(0)), true).unwrap();
    sim.run_until(SimTime::from_s(6.0));
    let half = pool(&sim);
    assert_eq!((half.busy, half.capacity, half.slots, half.down), (4, 4, 8, 1));
    assert_eq!(half.utilization(), Some(1.0));
    sim.inject(&crash(None), true).unwrap();
    sim.run_until(SimTime::from_s(7.0));
    let none = pool(&sim);
    assert_eq!((none.busy, none.capacity, none.slots, none.down), (0, 0, 8, 2));
    assert_eq!(none.utilization(), None);
}
