//! Caller resilience: retries amplify load by the geometric sum, backoff
//! waits as configured, a circuit breaker stops calls to a dead dependency
//! within its window, a retry budget or a breaker gets a system out of a
//! retry storm that otherwise outlives the spike that started it, and
//! timeouts with a bulkhead keep a slow dependency from taking every worker.

use archsim::model::{
    Arrivals, Backoff, BackoffJitter, Bulkhead, CircuitBreaker, Edge, Fault, FaultKind, LoadShedding, NodeKind,
    RateLimit, RateProfile, RequestClass, RequestMix, Retry, RetryBudget, Scenario, ServiceParams, ServiceTime,
};
use archsim::sim::{EdgeReport, SimTime, Simulation};

use crate::support::{call, client, poisson_client, run, scenario, service, set_client_timeout};

/// `client → a → b` at `rps`, `a` and `b` with 1 ms of work and room for
/// everything; `edge` is the call from `a` to `b`.
fn chain(rps: f64, edge: Edge, faults: Vec<Fault>, duration_s: f64) -> Scenario {
    let mut s = scenario(
        vec![
            poisson_client("c", rps),
            service("a", 1, 10_000, 10_000, ServiceTime::Constant { ms: 1.0 }),
            service("b", 1, 10_000, 10_000, ServiceTime::Constant { ms: 1.0 }),
        ],
        vec![call("c", "a"), edge],
        duration_s,
        0.0,
    );
    s.faults = faults;
    s
}

fn errors(node: &str, share: f64) -> Fault {
    Fault::on_node(node, 0.0, None, FaultKind::ErrorRate { share })
}

fn retrying(max_retries: u32, backoff: Backoff, jitter: BackoffJitter) -> Edge {
    let retry = Retry { max_retries, backoff, base_ms: 100.0, cap_ms: 1_000.0, jitter, budget: None };
    Edge { retry: Some(retry), ..call("a", "b") }
}

fn edge<'a>(report: &'a archsim::sim::Report, name: &str) -> &'a EdgeReport {
    &report.edges[name]
}

#[test]
fn retries_amplify_load_by_the_geometric_sum() {
    for (f, r) in [(0.3, 3), (0.5, 2), (0.8, 4)] {
        let s = chain(1_000.0, retrying(r, Backoff::None, BackoffJitter::None), vec![errors("b", f)], 100.0);
        let report = run(&s, 7);
        // Each try fails independently with probability f: tries per call
        // are 1 + f + … + f^R.
        let expected = (1.0 - f64::powi(f, r as i32 + 1)) / (1.0 - f);
        let got = edge(&report, "a->b").retry_amplification;
        eprintln!("retry amplification f {f}, R {r}: theory {expected:.4}, simulated {got:.4}");
        assert!((got / expected - 1.0).abs() < 0.02, "f {f}, R {r}: {got} vs {expected}");
        // The callee serves the tries (but those in service at the end),
        // and a call fails only when all R + 1 tries do.
        let (served, tries) = (report.nodes["b"].served, edge(&report, "a->b").counts.tries);
        assert!(served <= tries && tries - served < 10, "{served} of {tries}");
        let failed = report.requests.failed as f64 / report.requests.offered as f64;
        let p = f64::powi(f, r as i32 + 1);
        let sd = (p * (1.0 - p) / report.requests.offered as f64).sqrt();
        assert!((failed - p).abs() < 4.0 * sd + 1e-4, "f {f}, R {r}: failed share {failed} vs {p}");
    }
}

#[test]
fn backoff_waits_grow_and_jitter_as_brooker_describes() {
    // Every try fails: a call makes 4 tries of 1 ms and waits 3 backoffs of
    // w = 100, 200, 400 ms (exponential, cap 1 s) before failing. Mean
    // time of a call at `a`: its own 1 ms, the tries, and the waits, whose
    // mean is w (no jitter), w/2 (full), 3w/4 (equal).
    for (jitter, share) in [(BackoffJitter::None, 1.0), (BackoffJitter::Full, 0.5), (BackoffJitter::Equal, 0.75)] {
        let s = chain(50.0, retrying(3, Backoff::Exponential, jitter), vec![errors("b", 1.0)], 200.0);
        let report = run(&s, 3);
        let expected = 1.0 + 4.0 + share * 700.0;
        let got = report.nodes["a"].mean_response_ms;
        // Full jitter: the sum of 3 uniforms has sd ≈ 132 ms; 10,000 calls
        // give a standard error of 1.3 ms.
        assert!((got - expected).abs() < 0.015 * expected, "{jitter:?}: {got} vs {expected}");
    }
    // Constant backoff: 3 waits of exactly 100 ms.
    let s = chain(50.0, retrying(3, Backoff::Constant, BackoffJitter::None), vec![errors("b", 1.0)], 20.0);
    let got = run(&s, 3).nodes["a"].mean_response_ms;
    assert!((got - 305.0).abs() < 1e-6, "{got}");
}

#[test]
fn decorrelated_jitter_stays_between_base_and_cap() {
    // Decorrelated waits are uniform on [base, 3 × previous], capped: the
    // three waits of a call lie in [300, 3000] ms in total, and the first
    // has mean (100 + 300) / 2.
    let s = chain(20.0, retrying(1, Backoff::Exponential, BackoffJitter::Decorrelated), vec![errors("b", 1.0)], 500.0);
    let got = run(&s, 5).nodes["a"].mean_response_ms - 3.0;
    assert!((got - 200.0).abs() < 0.03 * 200.0, "{got}");
    let s = chain(20.0, retrying(3, Backoff::Exponential, BackoffJitter::Decorrelated), vec![errors("b", 1.0)], 100.0);
    let got = run(&s, 5).nodes["a"].mean_response_ms - 5.0;
    assert!((300.0..=3_000.0).contains(&got), "{got}");
}

/// Events of `node` named `what`, their times.
fn times(sim: &Simulation, node: &str, what: &str) -> Vec<f64> {
    sim.events().into_iter().filter(|e| e.node == node && e.what == what).map(|e| e.t_s).collect()
}

#[test]
fn a_breaker_stops_calls_to_a_dead_dependency_within_its_window() {
    let breaker = CircuitBreaker { failure_rate: 0.5, window_s: 10.0, min_calls: 20, open_s: 5.0, half_open_calls: 3 };
    let e = Edge { circuit_breaker: Some(breaker), ..call("a", "b") };
    let crash = Fault::on_node("b", 30.0, None, FaultKind::Crash);
    let s = chain(200.0, e, vec![crash], 60.0);
    let mut sim = Simulation::new(&s, 11).unwrap();
    // Step until the breaker opens; from then on only probes reach `b`.
    let mut t = 30.0;
    while times(&sim, "a", "breaker_open").is_empty() && t < 60.0 {
        t += 0.01;
        sim.run_until(SimTime::from_s(t));
    }
    let opened = times(&sim, "a", "breaker_open")[0];
    assert!(opened > 30.0 && opened <= 40.0, "opened at {opened}");
    let refused_then = sim.report().nodes["b"].dropped;
    sim.run_to_end();
    let probes = sim.report().nodes["b"].dropped - refused_then;
    let half_opens = times(&sim, "a", "breaker_half_open");
    // Every open period lasts 5 s and ends at the next call (200 req/s).
    assert_eq!(half_opens.len(), ((60.0 - opened) / 5.0) as usize, "{half_opens:?}");
    assert_eq!(probes, 3 * half_opens.len() as u64);
    assert_eq!(times(&sim, "a", "breaker_open").len(), 1 + half_opens.len());
    assert_eq!(sim.report().edges["a->b"].state, Some("open"));
}

/// A spike from 50 to 200 req/s for 10 s at 20 s into `b` (10 workers of
/// 100 ms: 100 req/s), called by `a` with a 500 ms timeout and 3 immediate
/// retries, plus `protect` on that call; availability over 70–100 s.
fn storm(protect: impl Fn(&mut Edge)) -> f64 {
    let spike = RateProfile::Spike { base_rps: 50.0, peak_rps: 200.0, at_s: 20.0, duration_s: 10.0 };
    let mut e = Edge {
        timeout_ms: Some(500.0),
        retry: Some(Retry { max_retries: 3, backoff: Backoff::None, ..Retry::default() }),
        ..call("a", "b")
    };
    protect(&mut e);
    let s = scenario(
        vec![
            client("c", Arrivals::Open { rate: spike }),
            service("a", 1, 10_000, 0, ServiceTime::Constant { ms: 0.1 }),
            service("b", 1, 10, 1_000_000, ServiceTime::Exponential { mean_ms: 100.0 }),
        ],
        vec![call("c", "a"), e],
        100.0,
        0.0,
    );
    let mut sim = Simulation::new(&s, 2).unwrap();
    sim.run_to_end();
    let buckets = &sim.metrics().series.buckets()[70..100];
    let (done, ended) = buckets.iter().fold((0, 0), |(d, e), b| (d + b.counts.completed, e + b.counts.ended()));
    done as f64 / ended as f64
}

#[test]
fn retries_without_budget_keep_the_system_down_after_the_spike_ends() {
    // Metastable failure (Bronson et al., HotOS 2021): after the spike
    // every try waits behind the backlog and times out, so each call makes
    // 4 tries: 200 req/s offered to a capacity of 100, and the backlog of
    // abandoned tries only grows.
    let unprotected = storm(|_| {});
    assert!(unprotected < 0.05, "availability {unprotected}");
    // A retry budget of 10% caps the load at about 56 req/s: the backlog
    // drains and calls succeed again.
    let budgeted = storm(|e| {
        let budget = RetryBudget { ratio: 0.1, min_per_s: 1.0, ttl_s: 10.0 };
        e.retry.as_mut().unwrap().budget = Some(budget);
    });
    assert!(budgeted > 0.99, "availability with a retry budget {budgeted}");
    // A breaker stops the calls while open, which drains the backlog too.
    let broken = storm(|e| e.circuit_breaker = Some(CircuitBreaker::default()));
    eprintln!("availability 70–100 s: no protection {unprotected}, budget {budgeted}, breaker {broken}");
    assert!(broken > 0.99, "availability with a circuit breaker {broken}");
}

/// Reads call the slow `b` (1 s per request), writes the fast `w`; `a` has
/// 20 workers and a queue of 50; `protect` sets the call to `b`. Returns
/// the share of writes served by `w`.
fn slow_dependency(protect: impl Fn(&mut Edge)) -> f64 {
    let mut reads = Edge { classes: vec![RequestClass::Read], ..call("a", "b") };
    protect(&mut reads);
    let writes = Edge { classes: vec![RequestClass::Write], ..call("a", "w") };
    let mut c = poisson_client("c", 100.0);
    if let NodeKind::Client(p) = &mut c.kind {
        p.mix = RequestMix { read: 0.5, write: 0.5, other: 0.0 };
    }
    let mut s = scenario(
        vec![
            c,
            service("a", 1, 20, 50, ServiceTime::Constant { ms: 1.0 }),
            service("b", 1, 10_000, 0, ServiceTime::Constant { ms: 10.0 }),
            service("w", 1, 10_000, 0, ServiceTime::Constant { ms: 1.0 }),
        ],
        vec![call("c", "a"), reads, writes],
        100.0,
        0.0,
    );
    s.faults = vec![Fault::on_node("b", 0.0, None, FaultKind::Slow { factor: 100.0 })];
    let report = run(&s, 4);
    // Half the offered requests are writes (binomial sd ≈ 0.5%).
    report.nodes["w"].served as f64 / (report.requests.offered as f64 / 2.0)
}

#[test]
fn timeouts_and_a_bulkhead_keep_a_slow_dependency_from_taking_every_worker() {
    // Reads hold a worker of `a` for 1 s: 50 req/s of them need 50 workers
    // of 20, so `a` saturates and refuses writes too.
    let open = slow_dependency(|_| {});
    assert!(open < 0.6, "writes served without protection {open}");
    // A 900 ms timeout still leaves 45 workers' worth of reads.
    let timeout = slow_dependency(|e| e.timeout_ms = Some(900.0));
    assert!(timeout < 0.6, "writes served with a timeout only {timeout}");
    // With a bulkhead of 5 calls, reads hold at most 5 workers (the rest
    // fail at once) and writes get the other 15.
    let bulkhead = slow_dependency(|e| {
        e.timeout_ms = Some(900.0);
        e.bulkhead = Some(Bulkhead { max_concurrent: 5 });
    });
    eprintln!("writes served: no protection {open}, timeout {timeout}, timeout and bulkhead {bulkhead}");
    assert!(bulkhead > 0.98, "writes served with timeout and bulkhead {bulkhead}");
}

#[test]
fn guards_keep_every_request_counted_once() {
    // Timeouts shorter than the work, retries, a breaker and a bulkhead at
    // once: every client request still ends exactly once.
    let e = Edge {
        timeout_ms: Some(2.0),
        retry: Some(Retry { max_retries: 2, ..Retry::default() }),
        circuit_breaker: Some(CircuitBreaker { min_calls: 5, open_s: 0.5, ..CircuitBreaker::default() }),
        bulkhead: Some(Bulkhead { max_concurrent: 3 }),
        ..call("a", "b")
    };
    let mut s = chain(300.0, e, vec![errors("b", 0.2)], 30.0);
    if let NodeKind::Service(p) = &mut s.nodes[2].kind {
        p.service_time = ServiceTime::Exponential { mean_ms: 2.0 };
    }
    let r = run(&s, 9);
    let q = r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight);
    let g = &r.edges["a->b"].counts;
    assert!(g.timeouts > 0 && g.retries > 0 && g.short_circuited + g.bulkhead_full > 0, "{g:?}");
    assert_eq!(g.tries, g.calls + g.retries - g.short_circuited - g.bulkhead_full);
}

#[test]
fn a_try_timeout_costs_events_only_when_tries_run_late() {
    // Every call of `a` to `b` is answered in about 1 ms, long before its
    // 1 s timeout: the timeouts must not cost an event each (each request
    // takes about 8: arrival, deliveries, work done, replies).
    let events = |timeout_ms| {
        let e = Edge { timeout_ms, ..call("a", "b") };
        let mut sim = Simulation::new(&chain(1_000.0, e, vec![], 30.0), 4).unwrap();
        sim.run_to_end();
        assert_eq!(sim.report().edges.get("a->b").map_or(0, |e| e.counts.timeouts), 0);
        sim.events_processed()
    };
    let (without, with) = (events(None), events(Some(1_000.0)));
    assert!(with as f64 <= without as f64 * 1.002, "{without} events without the timeout, {with} with it");
    // Late tries still time out, each at its own deadline: `b` takes 5 ms
    // and the timeout is 2 ms, so every request spends exactly 1 ms of
    // work plus 2 ms of waiting at `a`, then ends as timed out.
    let e = Edge { timeout_ms: Some(2.0), ..call("a", "b") };
    let mut s = chain(100.0, e, vec![], 10.0);
    if let NodeKind::Service(p) = &mut s.nodes[2].kind {
        p.service_time = ServiceTime::Constant { ms: 5.0 };
    }
    let r = run(&s, 4);
    let g = r.edges["a->b"].counts;
    assert!(g.tries > 900 && g.timeouts == g.tries, "{g:?}");
    assert_eq!(r.requests.timed_out + r.requests.in_flight, r.requests.offered);
    assert!((r.nodes["a"].mean_response_ms - 3.0).abs() < 1e-9, "{}", r.nodes["a"].mean_response_ms);
}

/// `c → a` at `rps` into one replica of `workers` workers of exponential
/// 10 ms work and a long queue, for 60 s after 10 s of warm-up; `shape`
/// adjusts the pool.
fn pool(rps: f64, workers: u32, shape: impl Fn(&mut ServiceParams)) -> archsim::sim::Report {
    let mut s = scenario(
        vec![poisson_client("c", rps), service("a", 1, workers, 1_000_000, ServiceTime::Exponential { mean_ms: 10.0 })],
        vec![call("c", "a")],
        60.0,
        10.0,
    );
    set_client_timeout(&mut s, 1_000.0);
    if let NodeKind::Service(p) = &mut s.nodes[1].kind {
        shape(p);
    }
    run(&s, 6)
}

#[test]
fn a_rate_limiter_admits_its_rate_plus_the_burst() {
    // 1000 req/s offered to a bucket of 300 req/s and 10 tokens: over the
    // measured 60 s (the bucket empty at their start) it admits at most
    // 300 × 60 + 1, and at this load nearly that.
    let limit = RateLimit { rate_rps: 300.0, burst: 10 };
    let r = pool(1_000.0, 100, |p| p.rate_limit = Some(limit));
    let a = &r.nodes["a"];
    let admitted = r.nodes["c"].extra["offered"] - a.extra["rate_limited"];
    assert!((17_950.0..=18_001.0).contains(&admitted), "{admitted}");
    // Below the rate, a burst of 10 almost never runs dry (100 req/s).
    let r = pool(100.0, 100, |p| p.rate_limit = Some(limit));
    assert!(r.nodes["a"].extra["rate_limited"] < 5.0, "{}", r.nodes["a"].extra["rate_limited"]);
}

#[test]
fn load_shedding_keeps_an_overloaded_pool_serving_in_time() {
    // 1500 req/s into 10 workers of 10 ms (capacity 1000 req/s) with a 1 s
    // client timeout: the queue grows without end and every request ends
    // up waiting past its timeout.
    let flooded = pool(1_500.0, 10, |_| {});
    assert!(flooded.availability.unwrap() < 0.1, "{}", flooded.availability.unwrap());
    // Shedding what waited over 200 ms keeps the workers busy (ρ > 1) on
    // requests that finish in time: throughput = cμ = 1000 req/s, so
    // availability = 1000 / 1500.
    let shedding = pool(1_500.0, 10, |p| p.load_shedding = Some(LoadShedding { max_wait_ms: 200.0 }));
    eprintln!(
        "load shedding: throughput {} req/s, availability {}",
        shedding.throughput_rps,
        shedding.availability.unwrap()
    );
    assert!((shedding.throughput_rps / 1_000.0 - 1.0).abs() < 0.02, "{}", shedding.throughput_rps);
    assert!((shedding.availability.unwrap() / (2.0 / 3.0) - 1.0).abs() < 0.02, "{}", shedding.availability.unwrap());
    assert!(shedding.nodes["a"].mean_wait_ms <= 200.0);
}

/// The inspector's retry amplification (`theory::closed_form`) against the
/// run: the client calls an M/M/2 pool of exponential 1 ms at 500/s with up
/// to 3 retries, and the pool fails 30 % of its tries all run long. Tries
/// per call 1 + 0.3 + 0.09 + 0.027 = 1.417, calls failing 0.3⁴ = 0.81 %,
/// ρ = 500 · 1.417 · 1 ms / 2 = 35.4 %. A budget, a timeout on the call or
/// another fault have no closed form and say so.
#[test]
fn the_inspectors_retry_amplification_is_what_the_run_measures() {
    use archsim::theory::Figure::{CallsFailed, TriesPerCall, Utilization};
    let retry = Retry { max_retries: 3, backoff: Backoff::None, jitter: BackoffJitter::None, ..Retry::default() };
    let mut s = scenario(
        vec![poisson_client("c", 500.0), service("b", 1, 2, 10_000, ServiceTime::Exponential { mean_ms: 1.0 })],
        vec![Edge { retry: Some(retry), ..call("c", "b") }],
        200.0,
        5.0,
    );
    s.faults = vec![errors("b", 0.3)];
    let closed = archsim::theory::closed_form(&s, "b").unwrap().unwrap();
    let (tries, failed, rho) = (1.417, 0.0081, 500.0 * 1.417 * 1e-3 / 2.0);
    let [(TriesPerCall, t), (CallsFailed, f), (Utilization, u)] = closed.figures[..] else { panic!("{closed:?}") };
    assert!((t - tries).abs() < 1e-12 && (f - failed).abs() < 1e-12 && (u - rho).abs() < 1e-12, "{closed:?}");
    assert!(closed.model.starts_with("M/M/2, calls retried up to 3×"), "{}", closed.model);
    let mut sim = Simulation::new(&s, 5).unwrap();
    sim.run_to_end();
    let b = &sim.node_snapshots()[1];
    let (measured_tries, measured_failed) = (b.tries_per_call.unwrap(), b.calls_failed.unwrap());
    eprintln!("retries: tries/call {measured_tries} vs {tries}, failed {measured_failed} vs {failed}");
    // 97,500 calls: the share failing has a standard error of 0.029 %.
    assert!((measured_tries - tries).abs() < 0.01, "tries per call {measured_tries} vs {tries}");
    assert!((measured_failed - failed).abs() < 0.0012, "calls failed {measured_failed} vs {failed}");
    assert!((b.mean_utilization.unwrap() - rho).abs() < 0.01, "ρ {:?} vs {rho}", b.mean_utilization);
    // The report's count of calls failed for good is the client's failed
    // requests (each call is one request; a call made before the warm-up
    // may fail after it).
    let report = sim.report();
    assert!(edge(&report, "c->b").counts.failed_calls.abs_diff(report.requests.failed) <= 2);
    // Designs without the closed form say why.
    let why = |edit: &dyn Fn(&mut Scenario)| {
        let mut other = s.clone();
        edit(&mut other);
        archsim::theory::closed_form(&other, "b").unwrap().unwrap_err()
    };
    let budget = RetryBudget::default();
    assert!(why(&|o| o.edges[0].retry.as_mut().unwrap().budget = Some(budget)).contains("retry budget"));
    assert!(why(&|o| o.edges[0].timeout_ms = Some(100.0)).contains("timeout"));
    assert!(why(&|o| o.faults.push(Fault::on_node("b", 50.0, None, FaultKind::Crash))).contains("faults"));
    assert!(why(&|o| set_client_timeout(o, 2.0)).contains("timeout"));
    // Exponential waits of 50, 100 and 200 ms outlast a 300 ms timeout.
    let exponential = |o: &mut Scenario| {
        o.edges[0].retry.as_mut().unwrap().backoff = Backoff::Exponential;
        set_client_timeout(o, 300.0);
    };
    assert!(why(&exponential).contains("backoffs of up to 350 ms"), "{}", why(&exponential));
}
