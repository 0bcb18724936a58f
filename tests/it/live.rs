//! Editing a running simulation: parameter changes apply from the current
//! simulated time on; structural changes ask for a new run.

use archsim::model::{NodeKind, Scenario, ServiceTime};
use archsim::sim::{SimTime, Simulation, Update};

use crate::support::{call, poisson_client, scenario, service, set_client_timeout};

/// 1500 req/s offered to 10 workers of 10 ms (capacity 1000 req/s), 60 s.
fn overloaded() -> Scenario {
    scenario(
        vec![poisson_client("c", 1500.0), service("s", 1, 10, 1_000_000, ServiceTime::Constant { ms: 10.0 })],
        vec![call("c", "s")],
        60.0,
        0.0,
    )
}

fn set_workers(s: &mut Scenario, workers: u32) {
    if let NodeKind::Service(p) = &mut s.nodes[1].kind {
        p.workers = workers;
    }
}

fn throughput(sim: &Simulation, from_s: f64, to_s: f64) -> f64 {
    sim.metrics().series.summary(SimTime::from_s(from_s), SimTime::from_s(to_s)).throughput_rps
}

#[test]
fn more_workers_apply_from_now_on() {
    let mut s = overloaded();
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_until(SimTime::from_s(20.0));
    set_workers(&mut s, 20);
    assert_eq!(sim.update(&s).unwrap(), Update::Applied);
    sim.run_to_end();
    // Before: saturated at c/S = 10 / 10 ms = 1000 req/s.
    let before = throughput(&sim, 5.0, 20.0);
    assert!((before - 1000.0).abs() < 10.0, "{before}");
    // After: capacity 2000 req/s works off the backlog (500 req/s × 20 s =
    // 10,000 requests, at a surplus of 500 req/s: until t ≈ 40 s) at full
    // speed, then serves the 1500 req/s offered.
    let draining = throughput(&sim, 22.0, 38.0);
    assert!((draining - 2000.0).abs() < 20.0, "{draining}");
    let after = throughput(&sim, 45.0, 60.0);
    assert!((after - 1500.0).abs() < 50.0, "{after}");
}

#[test]
fn structural_changes_need_a_restart_and_apply_nothing() {
    let s = overloaded();
    let mut reference = Simulation::new(&s, 2).unwrap();
    reference.run_to_end();

    let mut sim = Simulation::new(&s, 2).unwrap();
    sim.run_until(SimTime::from_s(10.0));
    let mut edited = s.clone();
    set_workers(&mut edited, 50); // would apply…
    if let NodeKind::Service(p) = &mut edited.nodes[1].kind {
        p.replicas = 2; // …but this needs a new run
    }
    match sim.update(&edited).unwrap() {
        Update::RestartNeeded(reasons) => assert!(reasons[0].contains("replicas"), "{reasons:?}"),
        other => panic!("{other:?}"),
    }
    let mut edited = s.clone();
    edited.edges[0].latency.base_ms = 5.0;
    assert!(matches!(sim.update(&edited).unwrap(), Update::RestartNeeded(_)));
    sim.run_to_end();
    assert_eq!(sim.report().digest, reference.report().digest, "nothing was applied");
}

#[test]
fn an_invalid_edit_is_refused() {
    let s = overloaded();
    let mut sim = Simulation::new(&s, 3).unwrap();
    let mut edited = s.clone();
    set_workers(&mut edited, 0);
    assert!(sim.update(&edited).is_err());
}

#[test]
fn redrawing_a_zone_is_not_a_structural_change() {
    let mut s = overloaded();
    s.zones.push(archsim::model::Zone {
        id: "a".into(),
        region: "r".into(),
        label: "Zone A".into(),
        rect: archsim::model::Rect { x: 0.0, y: 0.0, w: 400.0, h: 200.0 },
    });
    let mut sim = Simulation::new(&s, 4).unwrap();
    sim.run_until(SimTime::from_s(1.0));
    let mut moved = s.clone();
    moved.zones[0].rect.x = 300.0;
    moved.zones[0].label = "Zone B".into();
    assert_eq!(sim.update(&moved).unwrap(), Update::Applied);
    moved.zones[0].region = "elsewhere".into();
    assert!(matches!(sim.update(&moved).unwrap(), Update::RestartNeeded(_)));
}

#[test]
fn a_longer_duration_or_a_new_slo_applies_but_a_shorter_duration_than_now_does_not() {
    let mut s = overloaded();
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_until(SimTime::from_s(30.0));
    s.settings.slo.latency_p99_ms = 50.0;
    s.settings.duration_s = 90.0;
    assert_eq!(sim.update(&s).unwrap(), Update::Applied);
    sim.run_to_end();
    assert_eq!(sim.now(), SimTime::from_s(90.0));
    // The arrivals went on to the new end: 1500 req/s over the last 10 s.
    let offered = sim.metrics().series.window(SimTime::from_s(80.0), SimTime::from_s(90.0)).counts.offered;
    assert!((offered as f64 - 15_000.0).abs() < 5.0 * 15_000f64.sqrt(), "{offered}");
    s.settings.duration_s = 40.0;
    match sim.update(&s).unwrap() {
        Update::RestartNeeded(reasons) => assert!(reasons[0].contains("duration"), "{reasons:?}"),
        other => panic!("{other:?}"),
    }
    s.settings.duration_s = 90.0;
    s.settings.seed += 1;
    assert!(matches!(sim.update(&s).unwrap(), Update::RestartNeeded(_)));
}

#[test]
fn a_shortened_client_timeout_applies_to_requests_issued_from_now_on() {
    // 10 req/s to one worker that holds every request for 100 s: nothing
    // is answered, every request ends by its client timeout.
    let mut s = scenario(
        vec![poisson_client("c", 10.0), service("s", 1, 1, 1_000_000, ServiceTime::Constant { ms: 100_000.0 })],
        vec![call("c", "s")],
        60.0,
        0.0,
    );
    set_client_timeout(&mut s, 10_000.0);
    let mut sim = Simulation::new(&s, 3).unwrap();
    sim.run_until(SimTime::from_s(2.0));
    set_client_timeout(&mut s, 100.0);
    assert_eq!(sim.update(&s).unwrap(), Update::Applied);
    let offered_at_2 = sim.metrics().counts.offered;
    sim.run_until(SimTime::from_s(2.9));
    let issued_by_2_9 = sim.metrics().counts.offered;
    sim.run_until(SimTime::from_s(3.0));
    // The requests issued in (2 s, 2.9 s] had 100 ms: all timed out by 3 s,
    // while those issued before 2 s still have until 10 s or later.
    let counts = sim.metrics().counts;
    assert!(issued_by_2_9 - offered_at_2 >= 3, "too few arrivals to tell: {}", issued_by_2_9 - offered_at_2);
    assert_eq!(counts.timed_out, issued_by_2_9 - offered_at_2);
}

#[test]
fn edge_flows_count_answered_and_refused_tries_at_the_erlang_loss_rate() {
    // 200 req/s to one worker of 10 ms with no queue: an Erlang loss system
    // with a = λ/μ = 2 Erlangs, blocking B(2, 1) = a / (1 + a) = 2/3
    // whatever the service-time distribution (Erlang B's insensitivity).
    // The edge's answered tries run at λ(1 − B) = 66.7 req/s, its refused
    // ones at λB = 133.3 req/s.
    let s = scenario(
        vec![poisson_client("c", 200.0), service("s", 1, 1, 0, ServiceTime::Constant { ms: 10.0 })],
        vec![call("c", "s")],
        200.0,
        0.0,
    );
    let mut sim = Simulation::new(&s, 11).unwrap();
    sim.run_to_end();
    let [flow] = sim.edge_flows() else { panic!("one edge") };
    let (ok, failed) = (flow.ok as f64 / 200.0, flow.failed as f64 / 200.0);
    // λT = 40,000 arrivals: each rate is within 3 % of its value.
    assert!((ok - 200.0 / 3.0).abs() < 2.0, "answered {ok} req/s");
    assert!((failed - 400.0 / 3.0).abs() < 4.0, "refused {failed} req/s");
}
