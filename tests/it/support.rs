//! Scenario builders and replication statistics shared by the tests.

use archsim::live::{Answer, Command, Session};
use archsim::model::{
    Arrivals, ClientParams, Edge, KeyDistribution, Latency, LoadBalancerParams, Node, NodeKind, Point, RateProfile,
    RequestMix, Scenario, ServiceParams, ServiceTime, Settings,
};
use archsim::sim::{Report, Simulation};

/// An open-loop Poisson client at `rps` req/s with a timeout (1 h) long
/// enough never to fire.
pub fn poisson_client(id: &str, rps: f64) -> Node {
    client(id, Arrivals::Open { rate: RateProfile::Constant { rps } })
}

/// A client with the given arrivals, uniform keys and a 1 h timeout.
pub fn client(id: &str, arrivals: Arrivals) -> Node {
    node(
        id,
        NodeKind::Client(ClientParams {
            arrivals,
            mix: RequestMix::default(),
            keys: KeyDistribution::Uniform { keys: 1000 },
            sessions: 100,
            timeout_ms: 3_600_000.0,
        }),
    )
}

/// Sets the timeout of the scenario's first node, a client, to `ms`.
pub fn set_client_timeout(s: &mut Scenario, ms: f64) {
    let NodeKind::Client(p) = &mut s.nodes[0].kind else { panic!("the first node is the client") };
    p.timeout_ms = ms;
}

/// A service pool.
pub fn service(id: &str, replicas: u32, workers: u32, queue_capacity: u32, service_time: ServiceTime) -> Node {
    node(
        id,
        NodeKind::Service(ServiceParams {
            replicas,
            workers,
            queue_capacity,
            service_time,
            ..ServiceParams::default()
        }),
    )
}

/// A load balancer with default parameters.
pub fn balancer(id: &str, params: LoadBalancerParams) -> Node {
    node(id, NodeKind::LoadBalancer(params))
}

/// A node of any kind at the origin, without zone or label.
pub fn node(id: &str, kind: NodeKind) -> Node {
    Node { id: id.into(), label: String::new(), pos: Point::default(), zone: None, kind }
}

/// A synchronous call with zero network latency.
pub fn call(from: &str, to: &str) -> Edge {
    Edge { latency: Latency { base_ms: 0.0, ..Latency::default() }, ..Edge::new(from, to) }
}

/// A scenario of `nodes` and `edges` run for `duration_s` after `warmup_s`.
pub fn scenario(nodes: Vec<Node>, edges: Vec<Edge>, duration_s: f64, warmup_s: f64) -> Scenario {
    Scenario {
        settings: Settings { duration_s: duration_s + warmup_s, warmup_s, ..Settings::default() },
        nodes,
        edges,
        ..Scenario::empty()
    }
}

/// Runs `scenario` to the end with `seed` and returns its report.
pub fn run(scenario: &Scenario, seed: u64) -> Report {
    let mut sim = Simulation::new(scenario, seed).expect("valid scenario");
    sim.run_to_end();
    sim.report()
}

/// A 99% confidence interval from independent replications.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub mean: f64,
    pub half_width: f64,
}

/// Student t quantile t(0.995, 19): two-sided 99% with 20 replications
/// (standard t tables, e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
const T_99_DF19: f64 = 2.8609;

/// Replications per estimate.
pub const REPLICATIONS: u64 = 20;

/// Runs `scenario` with seeds 1..=20 and estimates several measures at once,
/// each with a 99% Student-t interval.
pub fn replicate_many<const N: usize>(scenario: &Scenario, measure: impl Fn(&Report) -> [f64; N]) -> [Estimate; N] {
    let samples: Vec<[f64; N]> = (1..=REPLICATIONS).map(|seed| measure(&run(scenario, seed))).collect();
    std::array::from_fn(|k| estimate(&samples.iter().map(|s| s[k]).collect::<Vec<_>>()))
}

fn estimate(xs: &[f64]) -> Estimate {
    assert_eq!(xs.len() as u64, REPLICATIONS);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Estimate { mean, half_width: T_99_DF19 * (var / n).sqrt() }
}

/// Passes when `expected` lies in the interval and the interval's
/// half-width is at most `max_relative` of `expected`.
pub fn check(what: &str, est: Estimate, expected: f64, max_relative: f64) {
    let rel = est.half_width / expected.abs();
    assert!(
        (est.mean - expected).abs() <= est.half_width,
        "{what}: theory {expected:.6} outside the 99% interval {:.6} ± {:.6}",
        est.mean,
        est.half_width
    );
    assert!(rel <= max_relative, "{what}: interval ±{:.2}% is wider than {:.0}%", rel * 100.0, max_relative * 100.0);
    eprintln!("{what}: theory {expected:.5}, simulated {:.5} ± {:.5} ({:.2}%)", est.mean, est.half_width, rel * 100.0);
}

/// Whether every client request of the report ended exactly once:
/// offered = completed + failed + timed out + rejected + in flight.
pub fn conserved(r: &Report) -> bool {
    let q = &r.requests;
    q.offered == q.completed + q.failed + q.timed_out + q.rejected + q.in_flight
}

/// `c` (Poisson, `rps` req/s) → pool `api` (4 × 64 workers, 0.1 ms) →
/// queue `log` of one partition read by one consumer taking
/// `consumer_ms` per message, run for `duration_s` after `warmup_s`.
pub fn producer_and_consumer(rps: f64, consumer_ms: f64, duration_s: f64, warmup_s: f64) -> Scenario {
    let queue = archsim::model::QueueParams {
        partitions: 1,
        consumers: 1,
        consumer_time: ServiceTime::Constant { ms: consumer_ms },
        ..Default::default()
    };
    scenario(
        vec![
            poisson_client("c", rps),
            service("api", 4, 64, 1000, ServiceTime::Constant { ms: 0.1 }),
            node("log", NodeKind::Queue(queue)),
        ],
        vec![call("c", "api"), call("api", "log")],
        duration_s,
        warmup_s,
    )
}

/// A clock that never moves: no advance of a live session runs out of
/// wall time.
fn frozen() -> f64 {
    0.0
}

/// Carries out `command` on `session` as the page's worker does: the
/// command crosses as JSON and so does the answer, which must come back
/// equal (the chart points cross apart, as numbers).
pub fn serve(session: &mut Session, command: Command) -> Result<Answer, String> {
    let command = serde_json::from_str(&serde_json::to_string(&command).unwrap()).unwrap();
    let answer = session.serve(command, frozen)?;
    let json = serde_json::to_string(&answer).unwrap();
    let back: Answer = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let mut sent = answer.clone();
    if let Answer::Readouts(r) = &mut sent {
        r.series = Default::default();
    }
    assert_eq!(back, sent, "an answer changed crossing as JSON: {json}");
    Ok(answer)
}

/// A session with a run of `scenario` open, with its seed.
pub fn open(scenario: &Scenario) -> Session {
    let mut session = Session::default();
    let command = Command::Open { scenario: scenario.to_json().unwrap(), seed: scenario.settings.seed };
    assert_eq!(serve(&mut session, command), Ok(Answer::Done));
    session
}
