//! Exclusive splits: of a caller's calls in the same split a request makes
//! at most one, each with its probability (calls in no split are made
//! independently, each with its own).

use archsim::model::{Edge, LoadBalancerParams, Problem, Scenario, ServiceTime, ValidationError};

use crate::support::{balancer, call, poisson_client, run, scenario, service};

/// 200 req/s to `a` (1 ms), whose calls to `b` (10 ms) and `c` (20 ms)
/// are a split with probabilities `pb` and `pc`; no network latency and
/// enough workers that nobody waits; 300 s after a 5 s warm-up.
fn split(pb: f64, pc: f64) -> Scenario {
    let member = |to: &str, p: f64| Edge { probability: p, split: "backend".into(), ..call("a", to) };
    let constant = |ms| ServiceTime::Constant { ms };
    scenario(
        vec![
            poisson_client("users", 200.0),
            service("a", 1, 64, 1_000, constant(1.0)),
            service("b", 1, 64, 1_000, constant(10.0)),
            service("c", 1, 64, 1_000, constant(20.0)),
        ],
        vec![call("users", "a"), member("b", pb), member("c", pc)],
        300.0,
        5.0,
    )
}

/// Requests served by `a`, `b` and `c` after the warm-up.
fn served(s: &Scenario) -> [f64; 3] {
    let r = run(s, 7);
    ["a", "b", "c"].map(|id| r.nodes[id].served as f64)
}

#[test]
fn a_request_makes_exactly_one_call_of_a_split_adding_up_to_one() {
    let s = split(0.6, 0.4);
    let [a, b, c] = served(&s);
    // Independent calls with these probabilities would make both or
    // neither for 48% of the requests: b + c − a would spread by
    // √(0.48 a) ≈ 170. Exclusive, it differs by the requests between a
    // and its callee at the warm-up's end and at the run's end only
    // (200 req/s × at most 20 ms each time).
    assert!((b + c - a).abs() <= 10.0, "a {a}, b {b}, c {c}");
    // b's share is Binomial(a, 0.6): within 4 standard deviations.
    let sd = (0.6 * 0.4 / a).sqrt();
    assert!((b / a - 0.6).abs() < 4.0 * sd, "b's share {}", b / a);
    // Every response takes 1 + 10 or 1 + 20 ms: never 1 (neither) or 31
    // (both); the median is 11; the mean 1 + 0.6 × 10 + 0.4 × 20 = 15,
    // with a standard error of 10 √(0.24 / n).
    let l = run(&s, 7).latency_ms.expect("requests completed");
    assert!(l.max < 21.1, "max {}", l.max);
    assert!((l.p50 - 11.0).abs() < 0.1, "p50 {}", l.p50);
    let n = a;
    assert!((l.mean - 15.0).abs() < 4.0 * 10.0 * (0.24 / n).sqrt(), "mean {}", l.mean);
}

#[test]
fn the_rest_of_a_split_adding_up_to_less_than_one_makes_no_call() {
    let [a, b, c] = served(&split(0.5, 0.3));
    // 20% make neither call: (b + c) / a is Binomial(a, 0.8) / a.
    let sd = (0.8 * 0.2 / a).sqrt();
    assert!(((b + c) / a - 0.8).abs() < 4.0 * sd, "share calling {}", (b + c) / a);
    assert!((b / a - 0.5).abs() < 4.0 * (0.5 * 0.5 / a).sqrt(), "b's share {}", b / a);
}

fn problems(s: &Scenario) -> Vec<Problem> {
    match s.validate() {
        Err(ValidationError::Invalid(p)) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn a_split_must_add_up_to_at_most_one_and_be_of_calls_a_request_makes_one_by_one() {
    let p = problems(&split(0.7, 0.5));
    let paths: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["$.edges[1].split", "$.edges[2].split"]);
    assert!(p[0].message.contains("add up to 1.2"), "{}", p[0].message);
    // The inspector shows it on the call selected.
    assert_eq!(split(0.7, 0.5).edge_problems(2), p[1..]);
    assert!(split(0.6, 0.4).validate().is_ok());

    // A balancer already sends each request to one backend.
    let mut s = scenario(
        vec![
            poisson_client("users", 100.0),
            balancer("lb", LoadBalancerParams::default()),
            service("b", 1, 8, 100, ServiceTime::Constant { ms: 1.0 }),
        ],
        vec![call("users", "lb"), Edge { split: "x".into(), ..call("lb", "b") }],
        10.0,
        1.0,
    );
    let p = problems(&s);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, "$.edges[1].split");
    assert!(p[0].message.contains("sends each request to one of its targets"), "{}", p[0].message);
    s.edges[1].split.clear();
    assert!(s.validate().is_ok());
}
