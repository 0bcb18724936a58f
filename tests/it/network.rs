//! Faults beyond one node: a zone outage, a load balancer's crash (a single
//! point of failure, which the report names), a traffic spike, a cache
//! flush, and network faults on a call or between zones (latency, loss,
//! partitions, one way or both).

use archsim::model::{
    CacheParams, CallRef, Edge, Fault, FaultKind, HealthCheck, LoadBalancerParams, NodeKind, Rect, Scenario,
    ServiceTime, Zone,
};
use archsim::sim::{SimTime, Simulation};

use crate::support::{balancer, call, node, poisson_client, run, scenario, service, set_client_timeout};

fn zone(id: &str, region: &str) -> Zone {
    Zone { id: id.into(), region: region.into(), label: String::new(), rect: Rect::default() }
}

/// 1000 req/s through a balancer (placed in `lb_zone`, or none) over `web-a`
/// in zone `a` and `web-b` in zone `b` (2 replicas each, 1 ms), probes
/// every second, 2 to eject; 40 s.
fn two_zones(lb_zone: Option<&str>, faults: Vec<Fault>) -> Scenario {
    let lb = LoadBalancerParams {
        health_check: HealthCheck { interval_ms: 1_000.0, unhealthy_threshold: 2, healthy_threshold: 2 },
        ..LoadBalancerParams::default()
    };
    let mut nodes = vec![
        poisson_client("c", 1_000.0),
        balancer("lb", lb),
        service("web-a", 2, 50, 100, ServiceTime::Constant { ms: 1.0 }),
        service("web-b", 2, 50, 100, ServiceTime::Constant { ms: 1.0 }),
    ];
    nodes[1].zone = lb_zone.map(str::to_owned);
    nodes[2].zone = Some("a".into());
    nodes[3].zone = Some("b".into());
    let mut s = scenario(nodes, vec![call("c", "lb"), call("lb", "web-a"), call("lb", "web-b")], 40.0, 0.0);
    s.zones = vec![zone("a", "r"), zone("b", "r")];
    s.faults = faults;
    s
}

fn zone_down(zone: &str, at_s: f64, for_s: f64) -> Fault {
    Fault { zone: Some(zone.into()), for_s: Some(for_s), ..Fault::at(at_s, FaultKind::Crash) }
}

#[test]
fn a_zone_outage_crashes_what_is_placed_there_and_the_other_zone_carries_on() {
    let s = two_zones(None, vec![zone_down("a", 10.5, 10.0)]);
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_to_end();
    let r = sim.report();
    let crashes: Vec<(f64, String)> =
        r.events.iter().filter(|e| e.what == "crash" || e.what == "recover").map(|e| (e.t_s, e.node.clone())).collect();
    // Both replicas of web-a, and nothing else.
    let web_a = |t: f64| (t, "web-a".to_owned());
    assert_eq!(crashes, [web_a(10.5), web_a(10.5), web_a(20.5), web_a(20.5)]);
    // Half the traffic fails from the outage until the second failed probe
    // (at 11 and 12 s): 1.5 s of 500 req/s, Poisson; then zone b serves all.
    let failed = r.requests.failed as f64;
    assert!((failed - 750.0).abs() < 4.0 * 750f64.sqrt(), "{failed}");
    let after = sim.metrics().series.window(SimTime::from_s(12.5), SimTime::from_s(20.0)).counts;
    assert_eq!(after.failed, 0);
    assert!(r.single_points_of_failure == ["lb"], "{:?}", r.single_points_of_failure);
}

#[test]
fn a_balancer_placed_in_the_dark_zone_takes_everything_down() {
    // The balancer is a single point of failure: while zone a is out,
    // every request fails, though web-b is up.
    let s = two_zones(Some("a"), vec![zone_down("a", 10.0, 5.0)]);
    let mut sim = Simulation::new(&s, 2).unwrap();
    sim.run_to_end();
    let during = sim.metrics().series.window(SimTime::from_s(10.0), SimTime::from_s(15.0)).counts;
    assert_eq!(during.completed, 0);
    assert!(during.failed > 4_500, "{during:?}");
    let after = sim.metrics().series.window(SimTime::from_s(17.0), SimTime::from_s(40.0)).counts;
    assert_eq!(after.failed, 0, "recovered");
    let r = sim.report();
    let q = r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight);
    assert!(r.events.iter().any(|e| e.node == "lb" && e.what == "crash"));
    assert_eq!(r.single_points_of_failure, ["lb"]);
}

#[test]
fn a_traffic_spike_multiplies_the_rate_while_it_lasts() {
    let mut s = scenario(
        vec![poisson_client("c", 100.0), service("api", 1, 100, 100, ServiceTime::Constant { ms: 1.0 })],
        vec![call("c", "api")],
        60.0,
        0.0,
    );
    s.faults = vec![Fault::on_node("c", 20.0, Some(10.0), FaultKind::Spike { factor: 5.0 })];
    let mut sim = Simulation::new(&s, 3).unwrap();
    sim.run_to_end();
    // 100 req/s for 50 s and 500 req/s for 10 s.
    let offered = sim.report().requests.offered as f64;
    assert!((offered - 10_000.0).abs() < 4.0 * 10_000f64.sqrt(), "{offered}");
    let spike = sim.metrics().series.window(SimTime::from_s(20.0), SimTime::from_s(30.0)).counts.offered as f64;
    assert!((spike - 5_000.0).abs() < 4.0 * 5_000f64.sqrt(), "{spike}");
}

#[test]
fn a_flushed_cache_stays_up_and_refills_from_the_store() {
    let design = |faults: Vec<Fault>| {
        let cache = CacheParams { capacity_items: 1_000, ..CacheParams::default() };
        let mut s = scenario(
            vec![
                poisson_client("c", 1_000.0),
                node("cache", NodeKind::Cache(cache)),
                service("db", 1, 100, 100, ServiceTime::Constant { ms: 1.0 }),
            ],
            vec![call("c", "cache"), call("cache", "db")],
            30.0,
            0.0,
        );
        s.faults = faults;
        s
    };
    let plain = run(&design(Vec::new()), 4);
    let flushed = run(&design(vec![Fault::on_node("cache", 15.0, None, FaultKind::Flush)]), 4);
    // 1000 keys, all cached by 15 s: the flush costs about one miss per
    // key (some keys are not asked for again before the end).
    let extra = flushed.nodes["db"].served as f64 - plain.nodes["db"].served as f64;
    assert!((800.0..=1_000.0).contains(&extra), "{extra}");
    assert_eq!(flushed.requests.completed, flushed.requests.offered - flushed.requests.in_flight);
    // Writes invalidate, so some keys are missing at the flush.
    let flush = flushed.events.iter().find(|e| e.what == "flush").unwrap();
    let dropped: u32 =
        flush.detail.trim_start_matches("cache flushed: ").trim_end_matches(" items dropped").parse().unwrap();
    assert!((800..=1_000).contains(&dropped), "{}", flush.detail);
}

/// `c → a → b` at 1000 req/s, 1 ms each, the call `a → b` with a 50 ms
/// timeout; `a` in zone `x`, `b` in zone `y`; 30 s.
fn across_zones(faults: Vec<Fault>) -> Scenario {
    let mut nodes = vec![
        poisson_client("c", 1_000.0),
        service("a", 1, 1_000, 100, ServiceTime::Constant { ms: 1.0 }),
        service("b", 1, 1_000, 100, ServiceTime::Constant { ms: 1.0 }),
    ];
    nodes[1].zone = Some("x".into());
    nodes[2].zone = Some("y".into());
    let ab = Edge { timeout_ms: Some(50.0), ..call("a", "b") };
    let mut s = scenario(nodes, vec![call("c", "a"), ab], 30.0, 0.0);
    s.zones = vec![zone("x", "r"), zone("y", "r"), zone("z", "r")];
    s.settings.cross_zone_ms = 0.0;
    s.faults = faults;
    s
}

#[test]
fn latency_on_a_call_adds_twice_per_round_trip() {
    let slow = |extra_ms: f64, jitter_ms: f64| Fault {
        call: Some(CallRef { from: "a".into(), to: "b".into() }),
        ..Fault::at(0.0, FaultKind::Latency { extra_ms, jitter_ms })
    };
    let r = run(&across_zones(vec![slow(20.0, 0.0)]), 5);
    // 1 ms at a, 20 ms out, 1 ms at b, 20 ms back: 42 ms, under the 50 ms
    // timeout; network base latency 0.
    assert!((r.latency_ms.unwrap().mean - 42.0).abs() < 0.01, "{}", r.latency_ms.unwrap().mean);
    assert_eq!(r.requests.timed_out, 0);
    // ± 4 ms of uniform jitter each way: the same mean (sd of the sum
    // 3.3 ms, 30,000 requests), between 34 and 50 ms.
    let r = run(&across_zones(vec![slow(20.0, 4.0)]), 5);
    assert!((r.latency_ms.unwrap().mean - 42.0).abs() < 0.1, "{}", r.latency_ms.unwrap().mean);
    assert!(r.latency_ms.unwrap().max <= 50.5 && r.latency_ms.unwrap().p50 > 40.0, "{:?}", r.latency_ms);
    assert_eq!(r.requests.timed_out, 0);
}

#[test]
fn lost_messages_time_out_as_often_as_either_way_loses() {
    let lossy = Fault {
        call: Some(CallRef { from: "a".into(), to: "b".into() }),
        ..Fault::at(0.0, FaultKind::Loss { share: 0.1 })
    };
    let r = run(&across_zones(vec![lossy]), 6);
    // A call fails when its request or its reply is lost: 1 − 0.9².
    let q = r.requests;
    let share = q.timed_out as f64 / q.offered as f64;
    let p = 1.0 - 0.9 * 0.9;
    let sd = (p * (1.0 - p) / q.offered as f64).sqrt();
    assert!((share - p).abs() < 4.0 * sd, "{share} vs {p}");
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight);
    assert_eq!(r.edges["a->b"].counts.timeouts, q.timed_out);
}

#[test]
fn lost_client_requests_are_forgotten_once_they_time_out() {
    // 10% loss on the client's own call, a 100 ms client timeout and no
    // guard: about 19% of 30,000 requests are lost one way or the other
    // and time out at the client. Nothing will ever answer them, so they
    // must leave the request table: at the end it holds only requests
    // issued within the last timeout (≈ 100 at 1000 req/s).
    let mut s = across_zones(vec![Fault {
        call: Some(CallRef { from: "c".into(), to: "a".into() }),
        ..Fault::at(0.0, FaultKind::Loss { share: 0.1 })
    }]);
    set_client_timeout(&mut s, 100.0);
    let mut sim = Simulation::new(&s, 8).unwrap();
    sim.run_to_end();
    let q = sim.report().requests;
    assert!(q.timed_out > 5_000, "{q:?}");
    assert!(sim.live_requests() < 200, "{} live, {q:?}", sim.live_requests());
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight);
}

#[test]
fn partitions_cut_the_calls_between_their_zones_in_the_ways_they_cut() {
    let cut = |a: &str, b: &str, one_way: bool| Fault {
        between: Some([a.into(), b.into()]),
        for_s: Some(10.0),
        ..Fault::at(10.0, FaultKind::Partition { one_way })
    };
    let failed_during = |f: Fault| {
        let mut sim = Simulation::new(&across_zones(vec![f]), 7).unwrap();
        sim.run_to_end();
        // Whole seconds clear of the edges (the series has 1 s buckets).
        let during = sim.metrics().series.window(SimTime::from_s(11.0), SimTime::from_s(20.0)).counts;
        let after = sim.metrics().series.window(SimTime::from_s(21.0), SimTime::from_s(30.0)).counts;
        assert_eq!(after.timed_out, 0, "healed");
        (during.timed_out, during.completed)
    };
    // Both ways, or x → y only (the requests are lost): every call fails.
    for f in [cut("x", "y", false), cut("x", "y", true)] {
        let (failed, completed) = failed_during(f);
        assert!(failed > 8_000 && completed == 0, "{failed} failed, {completed} completed");
    }
    // y → x only: the requests get through but the replies do not.
    let (failed, completed) = failed_during(cut("y", "x", true));
    assert!(failed > 8_000 && completed == 0, "{failed} failed, {completed} completed");
    // A partition between other zones changes nothing.
    assert_eq!(failed_during(cut("x", "z", false)).0, 0);
}

#[test]
fn network_faults_are_checked_against_their_targets() {
    let mut s = across_zones(vec![
        Fault {
            call: Some(CallRef { from: "b".into(), to: "a".into() }),
            ..Fault::at(0.0, FaultKind::Loss { share: 0.1 })
        },
        Fault {
            between: Some(["x".into(), "nowhere".into()]),
            ..Fault::at(0.0, FaultKind::Partition { one_way: false })
        },
        Fault { zone: Some("x".into()), ..Fault::at(0.0, FaultKind::Latency { extra_ms: 5.0, jitter_ms: 0.0 }) },
        Fault::at(0.0, FaultKind::Crash),
    ]);
    s.faults[2].zone = Some("x".into());
    let problems = s.validate().unwrap_err().to_string();
    for expected in [
        "$.faults[0].call: there is no call from `b` to `a`",
        "$.faults[1].between: `nowhere` is neither a zone nor a region",
        "$.faults[2].zone: a zone can only go down (crash), not get a latency fault",
        "$.faults[3]: needs exactly one target",
    ] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }
}
