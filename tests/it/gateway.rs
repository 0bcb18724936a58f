//! API gateways: the authentication stage against Erlang C, the rate limit
//! per client, routing by request class, and a crash.

use archsim::model::{
    Fault, FaultKind, GatewayParams, NodeKind, RateLimit, RequestClass, RequestMix, Scenario, ServiceTime,
};
use archsim::sim::Report;
use archsim::theory;

use crate::support::{call, check, node, poisson_client, replicate_many, run, scenario, service};

/// A gateway `gw` of `workers` authenticating in `auth` before an
/// instant backend `api` (1,000 workers, 0 ms).
fn gateway(workers: u32, auth: ServiceTime, client_limit: Option<RateLimit>) -> archsim::model::Node {
    node(
        "gw",
        NodeKind::ApiGateway(GatewayParams { workers, queue_capacity: 1_000_000, auth_time: auth, client_limit }),
    )
}

fn instant(id: &str) -> archsim::model::Node {
    service(id, 1, 1_000, 0, ServiceTime::Constant { ms: 0.0 })
}

/// Poisson arrivals at λ, c workers authenticating in exponential times of
/// mean 1/μ, and nothing else to wait for: the authentication stage is an
/// M/M/c queue, so its mean wait and its probability of waiting are
/// Erlang C's (Kleinrock, Queueing Systems I, §3.5).
#[test]
fn authentication_waits_as_erlang_c_predicts() {
    let (c, mean_ms, rho) = (4, 10.0, 0.8);
    let lambda_per_ms = rho * f64::from(c) / mean_ms;
    let s = scenario(
        vec![
            poisson_client("c", lambda_per_ms * 1000.0),
            gateway(c, ServiceTime::Exponential { mean_ms }, None),
            instant("api"),
        ],
        vec![call("c", "gw"), call("gw", "api")],
        600.0,
        20.0,
    );
    let [wait, p_wait] = replicate_many(&s, |r| [r.nodes["gw"].mean_wait_ms, r.nodes["gw"].extra["p_wait"]]);
    let offered = lambda_per_ms * mean_ms;
    check("gateway M/M/4 ρ=0.8 W_q", wait, theory::mmc_mean_wait(lambda_per_ms, 1.0 / mean_ms, c), 0.05);
    check("gateway M/M/4 ρ=0.8 P(W>0)", p_wait, theory::erlang_c(c, offered), 0.05);
}

/// Two clients through one gateway with a limit of 100 req/s per client:
/// the one sending 200 req/s has half its requests refused (429) in the
/// long run, 1 − 100/200; the one sending 50 req/s has none refused: a
/// token bucket per client, not one shared bucket (which would refuse
/// 1 − 100/250 of everyone's).
#[test]
fn each_client_has_its_own_rate_limit() {
    let limit = RateLimit { rate_rps: 100.0, burst: 20 };
    let s = scenario(
        vec![
            poisson_client("heavy", 200.0),
            poisson_client("light", 50.0),
            gateway(64, ServiceTime::Constant { ms: 0.1 }, Some(limit)),
            instant("api"),
        ],
        vec![call("heavy", "gw"), call("light", "gw"), call("gw", "api")],
        300.0,
        10.0,
    );
    let [limited_rps, availability] =
        replicate_many(&s, |r| [r.nodes["gw"].extra["rate_limited"] / 300.0, r.availability.unwrap()]);
    // Refused: 200 − 100 req/s of the heavy client; served: 100 + 50 of 250.
    check("refused by the limits, req/s", limited_rps, 100.0, 0.05);
    check("availability", availability, 150.0 / 250.0, 0.05);
}

/// 70 % reads and 30 % writes: reads take the call that lists the read
/// class, writes the one that lists writes, in those shares; the other
/// class has no call and fails (404).
#[test]
fn requests_are_routed_by_class() {
    let mut s = scenario(
        vec![
            poisson_client("c", 1_000.0),
            gateway(64, ServiceTime::Constant { ms: 0.1 }, None),
            instant("reads"),
            instant("writes"),
        ],
        vec![call("c", "gw"), call("gw", "reads"), call("gw", "writes")],
        100.0,
        10.0,
    );
    s.edges[1].classes = vec![RequestClass::Read];
    s.edges[2].classes = vec![RequestClass::Write];
    let NodeKind::Client(p) = &mut s.nodes[0].kind else { unreachable!() };
    p.mix = RequestMix { read: 0.6, write: 0.3, other: 0.1 };
    let [reads, writes, unrouted] = replicate_many(&s, |r| {
        [r.nodes["reads"].offered_rate_rps, r.nodes["writes"].offered_rate_rps, r.nodes["gw"].extra["unrouted"] / 100.0]
    });
    check("reads, req/s", reads, 600.0, 0.02);
    check("writes, req/s", writes, 300.0, 0.03);
    check("unrouted (other), req/s", unrouted, 100.0, 0.05);
}

/// Round robin between two calls that take every class: each gets half.
#[test]
fn calls_of_one_class_share_its_requests_in_turn() {
    let s = scenario(
        vec![
            poisson_client("c", 400.0),
            gateway(64, ServiceTime::Constant { ms: 0.1 }, None),
            instant("a"),
            instant("b"),
        ],
        vec![call("c", "gw"), call("gw", "a"), call("gw", "b")],
        50.0,
        5.0,
    );
    let r = run(&s, 7);
    let (a, b) = (r.nodes["a"].served, r.nodes["b"].served);
    assert!(a.abs_diff(b) <= 1, "{a} vs {b}");
}

fn crashed(s: &Scenario, at_s: f64, for_s: f64) -> Report {
    let mut s = s.clone();
    s.faults = vec![Fault::on_node("gw", at_s, Some(for_s), FaultKind::Crash)];
    run(&s, 3)
}

/// A gateway is a single point of failure: while it is down every request
/// fails, so 20 s down in a 100 s run loses a fifth of them.
#[test]
fn a_crashed_gateway_fails_every_request() {
    let s = scenario(
        vec![poisson_client("c", 500.0), gateway(16, ServiceTime::Constant { ms: 1.0 }, None), instant("api")],
        vec![call("c", "gw"), call("gw", "api")],
        100.0,
        0.0,
    );
    let spof: Vec<String> = s.single_points_of_failure().iter().map(ToString::to_string).collect();
    assert_eq!(spof, ["gw", "api"]);
    let r = crashed(&s, 40.0, 20.0);
    let availability = r.availability.unwrap();
    assert!((availability - 0.8).abs() < 0.01, "{availability}");
    assert!(r.events.iter().any(|e| e.node == "gw" && e.what == "crash"));
    assert!(r.events.iter().any(|e| e.node == "gw" && e.what == "recover"));
}

/// The shipped design's story (scenarios/designs/api-gateway.json): the partner's
/// 400 req/s against its limit of 250 get 150 req/s refused and the web
/// app's 200 req/s none (so 150 req/s in all), except while the gateway is
/// down (60 s to 70 s), when all 600 req/s fail; the gateway is the
/// design's single point of failure.
#[test]
fn the_gateway_preset_does_what_its_story_says() {
    let s = Scenario::from_json(include_str!("../../scenarios/designs/api-gateway.json")).unwrap();
    assert!(s.description.contains("150 of them each second get 429"));
    let spof: Vec<String> = s.single_points_of_failure().iter().map(ToString::to_string).collect();
    assert_eq!(spof, ["gateway"]);
    let [refused, failed] = replicate_many(&s, |r| [r.requests.rejected as f64 / 100.0, r.requests.failed as f64]);
    check("refused outside the crash, req/s", refused, 150.0, 0.02);
    check("failed during the 10 s crash", failed, 6_000.0, 0.03);
}
