//! Every hint that proposes a remedy is a claim: each test here applies
//! exactly that remedy to the shipped exercise and checks the effect the
//! hint's text claims, graded for the exercise over every graded seed (and
//! from the report of the exercise's own seed where the hint names a
//! figure). A hint whose remedy does not do what it says fails here.

use archsim::model::Scenario;
use archsim::sim::{Report, Simulation};
use archsim::workshop::exercises;
use archsim::workshop::verdict::{ExerciseVerdict, Grading};
use serde_json::{json, Value};

/// The shipped exercise with `remedy` applied to its JSON.
fn remedied(slug: &str, remedy: impl Fn(&mut Value)) -> Scenario {
    let shipped = exercises::find(slug).unwrap().scenario().unwrap();
    let mut v: Value = serde_json::from_str(&shipped.to_json().unwrap()).unwrap();
    remedy(&mut v);
    let s = Scenario::from_json(&v.to_string()).unwrap();
    s.validate().unwrap_or_else(|e| panic!("{slug}: {e}"));
    s
}

fn shipped(slug: &str) -> Scenario {
    remedied(slug, |_| {})
}

/// The parameters of node `id`.
fn params<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    let nodes = v["nodes"].as_array_mut().unwrap();
    &mut nodes.iter_mut().find(|n| n["id"] == id).unwrap()["params"]
}

/// The call from `from` to `to`.
fn call<'a>(v: &'a mut Value, from: &str, to: &str) -> &'a mut Value {
    let edges = v["edges"].as_array_mut().unwrap();
    edges.iter_mut().find(|e| e["from"] == from && e["to"] == to).unwrap()
}

fn graded(s: &Scenario) -> ExerciseVerdict {
    let v = Grading::new(s, false, None).run_to_end();
    assert!(v.changes.is_empty() && v.refusal.is_none(), "a remedy changes the design only: {v:?}");
    v
}

/// In how many graded seeds objective `n` passed, of how many.
fn passed(v: &ExerciseVerdict, n: usize) -> (usize, usize) {
    (v.by_objective()[n].passed, v.runs.len())
}

fn report(s: &Scenario) -> Report {
    let mut sim = Simulation::new(s, s.settings.seed).unwrap();
    sim.run_to_end();
    sim.report()
}

fn figure(r: &Report, node: &str, name: &str) -> f64 {
    let n = &r.nodes[node];
    match name {
        "utilization" => n.utilization,
        "mean_queue_len" => n.mean_queue_len,
        _ => n.extra[name],
    }
}

fn breaker() -> Value {
    json!({ "failure_rate": 0.5, "window_s": 10, "min_calls": 20, "open_s": 5, "half_open_calls": 5 })
}

/// Hint 1: "a second database replica doubles its capacity" (and carries
/// the reads through the crash and the warm-up).
#[test]
fn cache_aside_a_second_database_replica_passes() {
    let s = remedied("cache-aside", |v| params(v, "db")["replicas"] = json!(2));
    let v = graded(&s);
    assert!(v.passes(), "{}", v.summary());
}

/// Hint 2: "a larger cache raises the hit ratio … and lowers the
/// database's ρ in normal times, but it does nothing for the minutes after
/// the crash".
#[test]
fn cache_aside_a_larger_cache_hits_more_but_not_after_the_crash() {
    let before = report(&shipped("cache-aside"));
    let s = remedied("cache-aside", |v| params(v, "cache")["capacity_items"] = json!(8000));
    let after = report(&s);
    assert!(figure(&after, "cache", "hit_ratio") > figure(&before, "cache", "hit_ratio") + 0.03);
    assert!(figure(&after, "db", "utilization") < figure(&before, "db", "utilization") - 0.05);
    // Objective 1 is p99 from 80 s (the crash) to the end.
    assert_eq!(passed(&graded(&s), 1).0, 0);
}

/// Hint 3: "a timeout and a circuit breaker add no capacity … both
/// objectives still fail" (the issue that made it: the old hint promised
/// they would help).
#[test]
fn cache_aside_a_breaker_adds_no_capacity() {
    let s = remedied("cache-aside", |v| {
        let c = call(v, "cache", "db");
        c["timeout_ms"] = json!(300);
        c["circuit_breaker"] = breaker();
    });
    let v = graded(&s);
    assert_eq!((passed(&v, 0).0, passed(&v, 1).0), (0, 0), "{:#?}", v.by_objective());
}

/// Hint 2: "a retry budget with exponential backoff and jitter … is not
/// enough here: Inventory's queue still holds thousands of requests".
#[test]
fn retry_storm_a_retry_budget_with_backoff_is_not_enough() {
    let s = remedied("retry-storm", |v| {
        let retry = &mut call(v, "api", "inventory")["retry"];
        retry["backoff"] = json!("exponential");
        retry["jitter"] = json!("full");
        retry["budget"] = json!({ "ratio": 0.2, "min_per_s": 10, "ttl_s": 10 });
    });
    let v = graded(&s);
    assert_eq!(passed(&v, 0).0, 0, "recovered after the spike: {:#?}", v.by_objective());
    assert!(figure(&report(&s), "inventory", "mean_queue_len") > 1000.0);
}

/// Hint 3: "a circuit breaker … stops the storm (the system recovers after
/// the spike), but … availability over the whole run stays under 85 %".
#[test]
fn retry_storm_a_breaker_ends_the_storm_but_fails_too_many() {
    let s = remedied("retry-storm", |v| call(v, "api", "inventory")["circuit_breaker"] = breaker());
    let v = graded(&s);
    assert_eq!(passed(&v, 0), (5, 5), "{:#?}", v.by_objective());
    assert_eq!(passed(&v, 1).0, 0, "{:#?}", v.by_objective());
    assert!(v.by_objective()[1].worst.unwrap() < 0.85);
}

/// Hint 4: load shedding with "a maximum wait under the 500 ms timeout …
/// the system recovers" (and the exercise passes).
#[test]
fn retry_storm_load_shedding_recovers() {
    let s = remedied("retry-storm", |v| params(v, "inventory")["load_shedding"] = json!({ "max_wait_ms": 400 }));
    let v = graded(&s);
    assert!(v.passes(), "{}", v.summary());
}

/// Hint 2: "adding replicas anywhere else [than the saturated tiers]
/// changes nothing but the bill": doubling the database pool still misses
/// p99 after 60 s, and costs more.
#[test]
fn bottleneck_replicas_off_the_bottleneck_only_cost() {
    let before = graded(&shipped("bottleneck"));
    let s = remedied("bottleneck", |v| params(v, "db")["replicas"] = json!(4));
    let v = graded(&s);
    assert_eq!(passed(&v, 1).0, 0, "{:#?}", v.by_objective());
    assert!(v.by_objective()[2].worst.unwrap() > before.by_objective()[2].worst.unwrap());
}

/// Hints 2 and 3: sizing the saturated tiers (web, API) fixes p99; with
/// the default 5 s health checks the crashed web replica still gets
/// requests and availability misses; 1 s checks cut the failures and pass.
#[test]
fn bottleneck_faster_health_checks_shorten_the_error_window() {
    let sized = |v: &mut Value| {
        params(v, "web")["replicas"] = json!(4);
        params(v, "api")["replicas"] = json!(6);
    };
    let slow = remedied("bottleneck", sized);
    let v = graded(&slow);
    assert_eq!((passed(&v, 0).0, passed(&v, 1)), (0, (5, 5)), "{:#?}", v.by_objective());
    let fast = remedied("bottleneck", |v| {
        sized(v);
        params(v, "lb")["health_check"] = json!({ "interval_ms": 1000 });
    });
    assert!(report(&fast).requests.failed * 3 < report(&slow).requests.failed);
    assert!(graded(&fast).passes());
}
