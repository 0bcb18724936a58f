//! Run guards and undefined figures: no design a user can draw hangs a run,
//! exhausts memory without a reason, or reads as perfect when nothing was
//! measured.

use archsim::model::{CallMode, Edge, Latency, Metric, NodeKind, Objective, RunLimits, Scenario, ServiceTime};
use archsim::sim::{SimTime, Simulation};
use archsim::workshop::exercises::EXERCISES;
use archsim::workshop::grade::{grade, Status};

use crate::support::{call, conserved, poisson_client, producer_and_consumer, run, scenario, service};

/// `c → a`, and `a` and `b` calling each other asynchronously: every
/// request goes round for ever. `ms` is the latency of `b → a`.
fn ping_pong(ms: f64) -> Scenario {
    let instant = ServiceTime::Constant { ms: 0.0 };
    let async_call = |from, to, base_ms| Edge {
        mode: CallMode::Async,
        latency: Latency { base_ms, ..Latency::default() },
        ..Edge::new(from, to)
    };
    scenario(
        vec![poisson_client("c", 100.0), service("a", 1, 8, 100, instant.clone()), service("b", 1, 8, 100, instant)],
        vec![call("c", "a"), async_call("a", "b", 0.0), async_call("b", "a", ms)],
        5.0,
        0.0,
    )
}

#[test]
fn a_cycle_of_calls_that_takes_no_time_is_refused() {
    // It used to run for ever at t = 0, growing by hundreds of MB/s.
    let e = ping_pong(0.0).validate().unwrap_err().to_string();
    assert!(e.contains("calls form a cycle through a, b that takes no time"), "{e}");
    // One hop of 1 ms and the clock advances: valid.
    ping_pong(1.0).validate().unwrap();
}

#[test]
fn a_runaway_design_stops_at_its_event_budget_with_the_reason() {
    // Every request circulates for ever: after t s, 100·t messages in flight,
    // each making 2 hops per ms: events per simulated second grow as 2e5·t,
    // so a budget of 1e6 is passed at about 5 s, well before 1e9 events.
    let mut s = ping_pong(1.0);
    s.settings.duration_s = 60.0;
    s.settings.limits = RunLimits { max_events_per_s: 1e6, ..RunLimits::default() };
    let mut sim = Simulation::new(&s, 3).unwrap();
    sim.run_to_end();
    let stop = sim.stopped().expect("stopped").clone();
    assert_eq!(stop.budget, "events_per_s");
    assert!(stop.t_s > 2.0 && stop.t_s < 10.0, "{stop:?}");
    assert!(stop.message.contains("more than 1000000 events within one simulated second"), "{}", stop.message);
    assert!(sim.is_finished());
    // The report keeps what was measured, says why it stopped, and every
    // objective fails with that reason.
    let r = sim.report();
    assert_eq!(r.stopped.as_ref(), Some(&stop));
    assert!(conserved(&r));
    // Running further does nothing.
    let events = sim.events_processed();
    sim.run_until(SimTime::from_s(60.0));
    assert_eq!(sim.events_processed(), events);
}

#[test]
fn ten_million_requests_a_second_for_a_week_stop_at_the_default_event_budget() {
    // It ran for hours. At 10⁷ req/s every request is at least two events
    // (its arrival and its reply), more than the default 2·10⁷ within one
    // simulated second: the run stops within the first second.
    let s = scenario(
        vec![poisson_client("c", 1e7), service("big", 1000, 100, 1000, ServiceTime::Constant { ms: 1.0 })],
        vec![call("c", "big")],
        7.0 * 24.0 * 3600.0 - 1.0,
        1.0,
    );
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_to_end();
    let stop = sim.stopped().expect("stopped");
    assert_eq!(stop.budget, "events_per_s");
    assert!(stop.t_s < 1.0, "{stop:?}");
}

#[test]
fn requests_piling_up_stop_the_run_at_its_memory_budget() {
    // 10,000 req/s into a pool that serves 1 req/s, with a queue of 10⁶:
    // the queue fills at ~10⁴ requests/s, each request ~100+ bytes, so a
    // 10 MB budget is passed within the first 10 s (10⁵ requests).
    let mut s = scenario(
        vec![poisson_client("c", 10_000.0), service("slow", 1, 1, 1_000_000, ServiceTime::Constant { ms: 1000.0 })],
        vec![call("c", "slow")],
        3600.0,
        0.0,
    );
    s.settings.limits = RunLimits { max_memory_mb: 10.0, ..RunLimits::default() };
    // Before the run, validate warns: 1,000,001 requests × 160 bytes.
    let warnings = s.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "$.nodes[1].params");
    assert!(warnings[0].message.contains("may need 160 MB"), "{}", warnings[0].message);
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_to_end();
    let stop = sim.stopped().expect("stopped");
    assert_eq!(stop.budget, "memory");
    assert!(stop.t_s < 20.0, "{stop:?}");
    assert!(sim.memory_bytes() > 10_000_000);
}

#[test]
fn memory_warnings_name_each_node_over_a_tenth_of_the_budget_in_node_order() {
    // Queues of 100,000 and 1,000,000 requests (~16 and ~160 MB) against a
    // 10 MB budget: both pass its tenth, named in node order, not by size.
    let slow = ServiceTime::Constant { ms: 1000.0 };
    let mut s = scenario(
        vec![
            poisson_client("c", 10_000.0),
            service("small", 1, 1, 100_000, slow.clone()),
            service("big", 1, 1, 1_000_000, slow),
        ],
        vec![call("c", "small"), call("c", "big")],
        60.0,
        0.0,
    );
    s.settings.limits = RunLimits { max_memory_mb: 10.0, ..RunLimits::default() };
    let paths: Vec<String> = s.warnings().into_iter().map(|w| w.path).collect();
    assert_eq!(paths, ["$.nodes[1].params", "$.nodes[2].params"]);
}

#[test]
fn a_queue_backlog_without_retention_stops_at_the_memory_budget() {
    let mut s = producer_and_consumer(20_000.0, 1000.0, 3600.0, 0.0);
    s.settings.limits = RunLimits { max_memory_mb: 5.0, ..RunLimits::default() };
    assert!(s.warnings().iter().any(|w| w.path == "$.nodes[2].params"), "{:?}", s.warnings());
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_to_end();
    assert_eq!(sim.stopped().map(|s| s.budget), Some("memory"));
}

#[test]
fn huge_per_replica_caches_are_warned_about_before_the_run() {
    let mut s: Scenario = archsim::workshop::exercises::find("cache-aside").unwrap().scenario().unwrap();
    let NodeKind::Service(p) = &mut s.nodes.iter_mut().find(|n| matches!(n.kind, NodeKind::Service(_))).unwrap().kind
    else {
        unreachable!()
    };
    p.replicas = 1000;
    p.cache = Some(archsim::model::CacheParams { capacity_items: 10_000_000, ..Default::default() });
    // 1,000 × 10⁷ items × 96 bytes = 960 GB, plus its requests (42 MB).
    let w = s.warnings();
    assert!(w.iter().any(|w| w.message.starts_with("may need 9600")), "{w:?}");
}

#[test]
fn no_shipped_scenario_comes_near_the_default_budgets() {
    // The defaults must never stop a design we ship: each uses under 2 % of
    // the event budget in every simulated second and of the memory budget.
    let limits = RunLimits::default();
    for preset in EXERCISES {
        let s = preset.scenario().unwrap();
        assert!(s.warnings().is_empty(), "{}: {:?}", preset.slug, s.warnings());
        let mut sim = Simulation::new(&s, s.settings.seed).unwrap();
        let (mut peak_events, mut peak_bytes, mut before) = (0, 0, 0);
        for second in 1..=s.settings.duration_s.ceil() as u64 {
            sim.run_until(SimTime::from_s(second as f64));
            peak_events = peak_events.max(sim.events_processed() - before);
            peak_bytes = peak_bytes.max(sim.memory_bytes());
            before = sim.events_processed();
        }
        assert!(sim.stopped().is_none(), "{}", preset.slug);
        assert!((peak_events as f64) < 0.02 * limits.max_events_per_s, "{}: {peak_events} events/s", preset.slug);
        assert!(peak_bytes < limits.max_memory_bytes() / 50, "{}: {peak_bytes} bytes", preset.slug);
    }
}

/// A pool that answers nothing within the run: 1 h per request.
fn nothing_completes() -> Scenario {
    let mut s = scenario(
        vec![poisson_client("c", 50.0), service("stuck", 1, 4, 1000, ServiceTime::Constant { ms: 3_600_000.0 })],
        vec![call("c", "stuck")],
        10.0,
        1.0,
    );
    s.objectives = vec![
        Objective { metric: Metric::Availability, target: 0.99, from_s: None, to_s: None, node: None },
        Objective { metric: Metric::P99Ms, target: 100.0, from_s: None, to_s: None, node: None },
    ];
    s
}

#[test]
fn nothing_completed_reads_as_undefined_not_perfect() {
    // It read availability 1.0 and p99 0 ms.
    let r = run(&nothing_completes(), 1);
    assert_eq!(r.requests.completed, 0);
    assert_eq!((r.availability, r.latency_ms), (None, None));
    assert!(r.undefined["availability"].contains("has ended"), "{:?}", r.undefined);
    assert!(r.undefined["latency_ms"].contains("has completed"), "{:?}", r.undefined);
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["availability"].is_null() && json["latency_ms"].is_null(), "{json}");
}

#[test]
fn an_objective_over_nothing_fails_at_the_end_instead_of_pending_for_ever() {
    let mut sim = Simulation::new(&nothing_completes(), 1).unwrap();
    sim.run_until(SimTime::from_s(5.0));
    assert!(grade(&sim).iter().all(|v| v.status == Status::Pending));
    sim.run_to_end();
    for v in grade(&sim) {
        assert_eq!(v.status, Status::Fail, "{v:?}");
        assert!(v.detail.contains("undefined: no client request ended in the window"), "{}", v.detail);
    }
}

#[test]
fn an_objective_window_after_the_run_is_refused() {
    let mut s = nothing_completes();
    s.objectives[0].from_s = Some(20.0);
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("$.objectives[0].from_s: must be before the end of the run (11 s)"), "{e}");
}
