//! Validation against queueing theory. Each test discards a warm-up, runs
//! 20 independent replications, and passes only if the closed form lies in
//! the 99% confidence interval and the interval's half-width is at most 3%
//! of the value (5% at ρ ≥ 0.95). Times are in ms; every service time has
//! mean 1 ms (μ = 1 per ms) unless stated.

use archsim::model::ServiceTime;
use archsim::sim::Report;
use archsim::theory;

use crate::support::{call, check, poisson_client, replicate_many, scenario, service};

/// Customers per replication (of 20), sized from pilot runs so that the
/// expected 99% half-width is about two thirds of the limit (the estimated
/// half-width itself varies by ±20% from seed set to seed set): the
/// variance of the mean wait grows like (1 − ρ)⁻⁴, the p99 of M/M/1 is the
/// hardest to pin down, and M/M/10 waits so rarely at low load that its
/// W_q needs many customers.
fn customers(c: u32, rho: f64) -> f64 {
    // (ρ, M/M/1, M/M/10)
    let table: [(f64, f64, f64); 4] = [
        (0.5, 150_000.0, 700_000.0),
        (0.8, 500_000.0, 750_000.0),
        (0.9, 2_500_000.0, 1_300_000.0),
        (0.95, 3_000_000.0, 900_000.0),
    ];
    let &(_, mm1, mmc) = table.iter().find(|(r, _, _)| *r >= rho).unwrap_or(&table[3]);
    if c == 1 {
        mm1
    } else {
        mmc
    }
}

fn tolerance(rho: f64) -> f64 {
    if rho >= 0.95 {
        0.05
    } else {
        0.03
    }
}

fn wait_of(r: &Report) -> f64 {
    r.nodes["s"].mean_wait_ms
}

fn p_wait_of(r: &Report) -> f64 {
    r.nodes["s"].extra["p_wait"]
}

/// M/M/c with c servers at utilisation ρ: W_q and P(W > 0) against Erlang C;
/// for c = 1 also the p99 of the response time against the exact quantile.
fn mmc(c: u32, rho: f64) {
    let lambda_per_ms = rho * f64::from(c);
    let n = customers(c, rho);
    let s = scenario(
        vec![
            poisson_client("c", lambda_per_ms * 1000.0),
            service("s", 1, c, 1_000_000, ServiceTime::Exponential { mean_ms: 1.0 }),
        ],
        vec![call("c", "s")],
        n / (lambda_per_ms * 1000.0),
        20.0,
    );
    let [wait, p_wait, p99] = replicate_many(&s, |r| [wait_of(r), p_wait_of(r), r.latency_ms.unwrap().p99]);
    let tol = tolerance(rho);
    check(&format!("M/M/{c} ρ={rho} W_q"), wait, theory::mmc_mean_wait(lambda_per_ms, 1.0, c), tol);
    check(&format!("M/M/{c} ρ={rho} P(W>0)"), p_wait, theory::erlang_c(c, lambda_per_ms), tol);
    if c == 1 {
        // HDR buckets hold 3 significant digits: the exact quantile is
        // compared within that 0.1% quantisation plus the interval.
        let exact = theory::mm1_response_quantile(lambda_per_ms, 1.0, 0.99);
        let widened = crate::support::Estimate { half_width: p99.half_width + exact * 1e-3, ..p99 };
        check(&format!("M/M/1 ρ={rho} p99 response"), widened, exact, tol);
    }
}

#[test]
fn mm1_rho_050() {
    mmc(1, 0.5);
}
#[test]
fn mm1_rho_080() {
    mmc(1, 0.8);
}
#[test]
fn mm1_rho_090() {
    mmc(1, 0.9);
}
#[test]
fn mm1_rho_095() {
    mmc(1, 0.95);
}
#[test]
fn mm10_rho_050() {
    mmc(10, 0.5);
}
#[test]
fn mm10_rho_080() {
    mmc(10, 0.8);
}
#[test]
fn mm10_rho_090() {
    mmc(10, 0.9);
}
#[test]
fn mm10_rho_095() {
    mmc(10, 0.95);
}

/// M/G/1 mean wait against Pollaczek–Khinchine, ρ = 0.8, E[S] = 1 ms.
fn mg1(service_time: ServiceTime, second_moment: f64, what: &str) {
    let rho = 0.8;
    let s = scenario(
        vec![poisson_client("c", rho * 1000.0), service("s", 1, 1, 1_000_000, service_time)],
        vec![call("c", "s")],
        500_000.0 / (rho * 1000.0),
        20.0,
    );
    let [wait] = replicate_many(&s, |r| [wait_of(r)]);
    check(what, wait, theory::mg1_mean_wait(rho, 1.0, second_moment), 0.03);
}

#[test]
fn md1_matches_pollaczek_khinchine() {
    // Deterministic S = 1 ms: E[S²] = 1.
    mg1(ServiceTime::Constant { ms: 1.0 }, 1.0, "M/D/1 ρ=0.8 W_q");
}

#[test]
fn mg1_lognormal_matches_pollaczek_khinchine() {
    // Lognormal with mean 1 ms and p99 4 ms: ln S ~ N(μ, σ²) with
    // e^(μ+σ²/2) = 1 and e^(μ+2.3263σ) = 4, so σ solves 2.3263σ − σ²/2 = ln 4
    // (found here by bisection), and E[S²] = e^(2μ+2σ²) = e^(σ²).
    let target = 4f64.ln();
    let (mut lo, mut hi) = (0.0, 2.3263);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if 2.3263 * mid - mid * mid / 2.0 < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let second_moment = (lo * lo).exp();
    mg1(ServiceTime::Lognormal { mean_ms: 1.0, p99_ms: 4.0 }, second_moment, "M/G/1 lognormal ρ=0.8 W_q");
}

#[test]
fn mmck_blocking_and_wait_match_closed_form() {
    // c = 2 workers, room for 3 more: K = 5; λ = 1.8 per ms, μ = 1 per ms.
    let s = scenario(
        vec![poisson_client("c", 1800.0), service("s", 1, 2, 3, ServiceTime::Exponential { mean_ms: 1.0 })],
        vec![call("c", "s")],
        150.0,
        5.0,
    );
    let [blocking, wait] =
        replicate_many(&s, |r| [r.requests.rejected as f64 / r.requests.offered as f64, r.nodes["s"].mean_wait_ms]);
    check("M/M/2/5 blocking", blocking, theory::mmck_blocking(1.8, 1.0, 2, 5), 0.03);
    // The inspector's and archsim sweep's figures for the same node.
    let station = theory::Station::of(&s, "s").unwrap();
    assert_eq!(station.model(), "M/M/2/5");
    check("M/M/2/5 blocking (station)", blocking, station.loss(), 0.03);
    check("M/M/2/5 W_q", wait, station.mean_wait_ms(), 0.03);
}

/// A fire-and-forget hop `from` → `to` taken with probability `p`: a job
/// leaves a station when served, as in Jackson's model.
fn hop(from: &str, to: &str, p: f64) -> archsim::model::Edge {
    archsim::model::Edge { mode: archsim::model::CallMode::Async, probability: p, ..call(from, to) }
}

/// A Jackson station: external arrivals `gamma` and service rate `mu`
/// per ms, routing probabilities to each station.
fn station(gamma: f64, mu: f64, routing: Vec<f64>) -> theory::JacksonStation {
    theory::JacksonStation { external_rate: gamma, service_rate: mu, routing }
}

/// Jobs arriving at 0.3 per ms at station `a` of `a`, `b`, `cc`
/// (single-server queues with service rates `mu` per ms) routed by the
/// hops `edges`: checks each station's mean number in system L against
/// Jackson's product form for `routing` (each station's routing
/// probabilities to the others, in that order).
fn check_jackson(mu: [f64; 3], edges: Vec<archsim::model::Edge>, routing: [[f64; 3]; 3]) {
    let ids = ["a", "b", "cc"];
    let mut nodes = vec![poisson_client("c", 300.0)];
    nodes.extend(
        ids.iter().zip(mu).map(|(id, m)| service(id, 1, 1, 1_000_000, ServiceTime::Exponential { mean_ms: 1.0 / m })),
    );
    let mut all = vec![call("c", "a")];
    all.extend(edges);
    let s = scenario(nodes, all, 1_000.0, 20.0);
    let stations: Vec<_> =
        (0..3).map(|k| station(if k == 0 { 0.3 } else { 0.0 }, mu[k], routing[k].to_vec())).collect();
    let l = theory::jackson_open(&stations).expect("stable network");
    let est = replicate_many(&s, |r| ids.map(|id| r.nodes[id].mean_in_system));
    for (k, id) in ids.iter().enumerate() {
        check(&format!("Jackson station {id} L"), est[k], l[k], 0.03);
    }
}

#[test]
fn open_jackson_network_with_feedback() {
    // A → B (always), B → C (0.7), C → A (0.3); μ = 0.6, 0.5, 0.4 per ms.
    check_jackson(
        [0.6, 0.5, 0.4],
        vec![hop("a", "b", 1.0), hop("b", "cc", 0.7), hop("cc", "a", 0.3)],
        [[0.0, 1.0, 0.0], [0.0, 0.0, 0.7], [0.3, 0.0, 0.0]],
    );
}

#[test]
fn open_jackson_network_with_an_exclusive_split() {
    // A sends each job on to B (0.5) or to C (0.3), one or the other (a
    // split), or out (0.2); B sends it back to A with probability 0.4; C
    // sends it out. μ = 0.6, 0.3, 0.2 per ms: the traffic equations give
    // λ = 0.375, 0.1875, 0.1125 per ms and ρ = 0.625, 0.625, 0.5625.
    let split = |to: &str, p: f64| archsim::model::Edge { split: "next".into(), ..hop("a", to, p) };
    check_jackson(
        [0.6, 0.3, 0.2],
        vec![split("b", 0.5), split("cc", 0.3), hop("b", "a", 0.4)],
        [[0.0, 0.5, 0.3], [0.4, 0.0, 0.0], [0.0, 0.0, 0.0]],
    );
}

#[test]
fn closed_network_matches_mean_value_analysis() {
    // N = 10 users, think time Z = 20 ms, calling an orchestrator `o`
    // (a delay station: enough workers that nobody queues, D = 1 ms) that
    // calls `b` (D = 3 ms) then `d` (D = 2 ms), single-server queues.
    use archsim::model::Arrivals;
    let s = scenario(
        vec![
            crate::support::client("users", Arrivals::Closed { users: 10, think_time_ms: 20.0 }),
            service("o", 1, 10, 0, ServiceTime::Exponential { mean_ms: 1.0 }),
            service("b", 1, 1, 1_000_000, ServiceTime::Exponential { mean_ms: 3.0 }),
            service("d", 1, 1, 1_000_000, ServiceTime::Exponential { mean_ms: 2.0 }),
        ],
        vec![call("users", "o"), call("o", "b"), call("o", "d")],
        1_000.0,
        20.0,
    );
    let mva = theory::mva_closed(
        &[theory::MvaStation::Delay(1.0), theory::MvaStation::Queue(3.0), theory::MvaStation::Queue(2.0)],
        10,
        20.0,
    );
    let [x, r] = replicate_many(&s, |rep| [rep.throughput_rps / 1000.0, rep.latency_ms.unwrap().mean]);
    check("closed network X (per ms)", x, mva.throughput, 0.03);
    check("closed network R (ms)", r, mva.response, 0.03);
    // The interactive response-time law R = N/X − Z holds for the run itself.
    let law = 10.0 / x.mean - 20.0;
    assert!((law - r.mean).abs() / r.mean < 0.01, "R = N/X − Z: {law} vs {}", r.mean);
}

#[test]
fn usl_slowdown_gives_gunther_capacity() {
    // A saturated replica with n = 8 workers and constant 1 ms service: 8
    // closed-loop users with no think time keep all 8 workers busy, so every
    // request runs at the 8-way slowdown and X = C(8) / S exactly.
    use archsim::model::{Arrivals, NodeKind, Usl};
    let mut s = scenario(
        vec![
            crate::support::client("users", Arrivals::Closed { users: 8, think_time_ms: 0.0 }),
            service("s", 1, 8, 0, ServiceTime::Constant { ms: 1.0 }),
        ],
        vec![call("users", "s")],
        100.0,
        1.0,
    );
    let (alpha, beta) = (0.05, 0.002);
    if let NodeKind::Service(p) = &mut s.nodes[1].kind {
        p.usl = Some(Usl { alpha, beta });
    }
    let r = crate::support::run(&s, 1);
    let expected = theory::usl_capacity(8.0, alpha, beta) * 1000.0;
    assert!((r.throughput_rps - expected).abs() / expected < 1e-3, "{} vs {expected}", r.throughput_rps);
}
