//! The closed forms of one station of a design: whether a node is an
//! M/M/c, M/M/c/K or M/G/1 queue in its scenario and, if so, its figures.

use crate::model::{lognormal_fit, Arrivals, ClientParams, Edge, NodeKind, RateProfile, Scenario, ServiceTime};

use super::{mg1_mean_wait, mmc_mean_wait, mmc_response_quantile, Mmck};

/// A node that is a single queue with closed forms in its design: Poisson
/// arrivals of rate λ, c workers; M/M/c when the service times are
/// exponential and the room never fills (Erlang C), M/M/c/K when it does
/// (the birth–death chain), else M/G/1 with one worker and room for every
/// arrival (Pollaczek–Khinchine; M/D/1 for constant times).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    /// Arrival rate λ, req/s.
    pub lambda_rps: f64,
    /// Workers c.
    pub c: u32,
    /// Mean service time E[S], s (1/μ).
    pub mean_s: f64,
    /// Second moment of the service time E[S²], s².
    pub second_moment_s2: f64,
    /// Service times: exponential (M), constant (D) or otherwise (G).
    pub service: Service,
    /// K, the most requests in the node (in service and queued) when its
    /// room fills often enough to count (M/M/c/K), with the figures of its
    /// birth–death chain (computed once: O(K)); None when it never does.
    pub room: Option<(u32, Mmck)>,
}

/// The service-time law of a [`Station`], as Kendall's notation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Exponential: M/M/c.
    M,
    /// Constant: M/D/1.
    D,
    /// Any other: M/G/1.
    G,
}

/// Blocking probability (finite queue) or timeout probability (the
/// client's) under which the queue counts as unbounded and untimed (for
/// M/M/c, exactly; for M/G/1, bounded by Markov's inequality with the
/// mean queue or response time).
const NEGLIGIBLE: f64 = 1e-6;
/// The Markov bound accepted for M/G/1: P(X ≥ a) ≤ E[X]/a below this.
const MARKOV: f64 = 1e-3;

/// The one client of `scenario`, its arrival rate λ (req/s) and its call,
/// when it sends open-loop arrivals at a constant rate (a Poisson process)
/// on its one call, straight to `node`: no latency and probability 1.
///
/// Errors: why not, in a few words ending "no closed form".
pub(super) fn client_call<'a>(scenario: &'a Scenario, node: &str) -> Result<(f64, &'a ClientParams, &'a Edge), String> {
    let mut clients = scenario.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Client(_)));
    let (Some(client), None) = (clients.next(), clients.next()) else {
        return Err("not one client: no closed form".into());
    };
    let NodeKind::Client(c) = &client.kind else { unreachable!("filtered to clients") };
    let Arrivals::Open { rate: RateProfile::Constant { rps } } = c.arrivals else {
        return Err("arrivals not open at a constant rate: no closed form".into());
    };
    let calls: Vec<_> = scenario.edges.iter().filter(|e| e.from == client.id).collect();
    let [call] = calls[..] else { return Err("the client makes more than one call: no closed form".into()) };
    if call.to.as_str() != node || !call.latency.can_be_zero() || call.probability != 1.0 {
        return Err(format!("not the client's one plain call to {node}: no closed form"));
    }
    Ok((rps, c, call))
}

/// [`client_call`] without a timeout, retries, breaker or bulkhead on the
/// call: the client's arrival rate λ (req/s) and the client.
///
/// Errors: why not, in a few words ending "no closed form".
pub(super) fn poisson_feed<'a>(scenario: &'a Scenario, node: &str) -> Result<(f64, &'a ClientParams), String> {
    let (rps, client, call) = client_call(scenario, node)?;
    if call.has_defences() {
        return Err("a timeout, retries, circuit breaker or bulkhead on the call: no closed form".into());
    }
    Ok((rps, client))
}

impl Station {
    /// The queue `node` is in `scenario`: fed by [`poisson_feed`], a
    /// service pool of one replica with no calls of its own, nothing that
    /// slows, sheds, limits, scales or fails it, and no scheduled faults;
    /// with exponential service times any number of workers and any room,
    /// with others one worker and room for every arrival.
    ///
    /// Errors: why `node` has no closed form here, in a few words (e.g.
    /// `2 replicas behind the pool's balancing: no closed form`), or that
    /// the queue grows without bound (ρ ≥ 1 and a room it does not fill
    /// within the run).
    pub fn of(scenario: &Scenario, node: &str) -> Result<Station, String> {
        let (rps, client) = poisson_feed(scenario, node)?;
        let Some(NodeKind::Service(s)) = scenario.nodes.iter().find(|n| n.id.as_str() == node).map(|n| &n.kind) else {
            return Err(format!("{node} is not a service pool: no queueing closed form"));
        };
        if s.replicas != 1 {
            return Err(format!("{} replicas behind the pool's balancing: no closed form", s.replicas));
        }
        if s.usl.is_some() || s.cache.is_some() || s.rate_limit.is_some() || s.load_shedding.is_some() {
            return Err("slowdown, cache, rate limit or load shedding: no closed form".into());
        }
        if s.autoscaling.is_some() || s.mtbf_s > 0.0 || !scenario.faults.is_empty() {
            return Err("autoscaling or failures: no closed form".into());
        }
        if scenario.edges.iter().any(|e| e.from.as_str() == node) {
            return Err(format!("{node} makes calls: no single-queue closed form"));
        }
        let (mean_ms, second_ms2, service) = moments(&s.service_time)?;
        if service != Service::M && s.workers > 1 {
            return Err(format!("{} workers with service times not exponential: M/G/c has no closed form", s.workers));
        }
        let room = s.workers.saturating_add(s.queue_capacity);
        let mut station = Station {
            lambda_rps: rps,
            c: s.workers,
            mean_s: mean_ms / 1e3,
            second_moment_s2: second_ms2 / 1e6,
            service,
            room: None,
        };
        let rho = station.utilization();
        // Above ρ = 1 the queue grows by λ − cμ a second until it fills.
        let fill_s = f64::from(s.queue_capacity) / (rps - f64::from(s.workers) / station.mean_s);
        if rho >= 1.0 && (service != Service::M || fill_s > scenario.settings.duration_s) {
            return Err(format!("ρ = {rho:.3} ≥ 1: the queue grows without bound"));
        }
        match service {
            Service::M => {
                let chain = Mmck::new(rps, 1.0 / station.mean_s, station.c, room);
                if chain.blocking > NEGLIGIBLE {
                    station.room = Some((room, chain));
                }
            }
            _ if rps * station.mean_wait_ms() / 1e3 / f64::from(room) > MARKOV => {
                return Err(format!("the queue fills up: {0}/K has no closed form", station.model()));
            }
            _ => {}
        }
        let timed_out = match station.response_quantile_ms(1.0 - NEGLIGIBLE) {
            Some(t) => t > client.timeout_ms,
            None => (station.mean_wait_ms() + mean_ms) / client.timeout_ms > MARKOV,
        };
        if timed_out {
            return Err(format!(
                "the client's {} ms timeout cuts the response times: no closed form",
                client.timeout_ms
            ));
        }
        Ok(station)
    }

    /// Kendall's name of the queue: `M/M/4`, `M/M/4/14`, `M/D/1`, `M/G/1`.
    pub fn model(&self) -> String {
        match (self.service, self.room) {
            (Service::M, None) => format!("M/M/{}", self.c),
            (Service::M, Some((k, _))) => format!("M/M/{}/{k}", self.c),
            (Service::D, _) => "M/D/1".to_owned(),
            (Service::G, _) => "M/G/1".to_owned(),
        }
    }

    /// The formula of the mean wait: `Erlang C`, `birth–death chain` or
    /// `Pollaczek–Khinchine`.
    pub fn formula(&self) -> &'static str {
        match (self.service, self.room) {
            (Service::M, None) => "Erlang C",
            (Service::M, Some(_)) => "birth–death chain",
            _ => "Pollaczek–Khinchine",
        }
    }

    /// Offered utilization ρ = λE[S] / c (above 1 for an overloaded
    /// M/M/c/K, which refuses the excess).
    pub fn utilization(&self) -> f64 {
        self.lambda_rps * self.mean_s / f64::from(self.c)
    }

    /// The M/M/c/K chain, for a room that fills.
    fn chain(&self) -> Option<Mmck> {
        self.room.map(|(_, chain)| chain)
    }

    /// Share of arrivals refused by a full room, 0–1: M/M/c/K's blocking
    /// probability π_K; 0 for the others.
    pub fn loss(&self) -> f64 {
        self.chain().map_or(0.0, |m| m.blocking)
    }

    /// Mean wait in queue W_q of the accepted requests, ms: Erlang C for
    /// M/M/c, L_q / λ(1 − π_K) for M/M/c/K, Pollaczek–Khinchine
    /// λE[S²] / 2(1 − ρ) for M/G/1.
    pub fn mean_wait_ms(&self) -> f64 {
        1e3 * match (self.service, self.chain()) {
            (_, Some(chain)) => chain.mean_wait(self.lambda_rps),
            (Service::M, None) => mmc_mean_wait(self.lambda_rps, 1.0 / self.mean_s, self.c),
            _ => mg1_mean_wait(self.lambda_rps, self.mean_s, self.second_moment_s2),
        }
    }

    /// Quantile `q` of the response time (wait and service), ms, for
    /// M/M/c; None for M/M/c/K and M/G/1 (the latter's response-time
    /// distribution has no closed form).
    pub fn response_quantile_ms(&self, q: f64) -> Option<f64> {
        (self.service == Service::M && self.room.is_none())
            .then(|| mmc_response_quantile(self.lambda_rps, 1.0 / self.mean_s, self.c, q) * 1e3)
    }
}

/// E[S] (ms), E[S²] (ms²) and the law of a service time.
///
/// Errors: a lognormal whose p99 does not fit its mean; no samples.
pub(super) fn moments(time: &ServiceTime) -> Result<(f64, f64, Service), String> {
    match time {
        ServiceTime::Exponential { mean_ms } => Ok((*mean_ms, 2.0 * mean_ms * mean_ms, Service::M)),
        ServiceTime::Constant { ms } => Ok((*ms, ms * ms, Service::D)),
        // ln S ~ N(μ, σ²): E[S²] = e^(2μ + 2σ²).
        ServiceTime::Lognormal { mean_ms, p99_ms } => {
            let (mu, sigma) =
                lognormal_fit(*mean_ms, *p99_ms).ok_or("a lognormal that does not fit: no closed form")?;
            Ok((*mean_ms, (2.0 * mu + 2.0 * sigma * sigma).exp(), Service::G))
        }
        ServiceTime::Empirical { samples_ms } if !samples_ms.is_empty() => {
            let n = samples_ms.len() as f64;
            let mean = samples_ms.iter().sum::<f64>() / n;
            Ok((mean, samples_ms.iter().map(|x| x * x).sum::<f64>() / n, Service::G))
        }
        ServiceTime::Empirical { .. } => Err("no samples: no closed form".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sweep::{tests::mm4, with_value};

    /// `tests/data/mm4.json` at 800 req/s with `workers` workers and the
    /// service time `time` (JSON).
    fn single(workers: u32, time: &str) -> Scenario {
        let json = include_str!("../../tests/data/mm4.json")
            .replace(r#""workers": 4"#, &format!(r#""workers": {workers}"#))
            .replace(r#"{ "dist": "exponential", "mean_ms": 1 }"#, time);
        with_value(&Scenario::from_json(&json).unwrap(), "users.arrivals.rate.rps", 800.0).unwrap()
    }

    #[test]
    fn an_mmc_node_has_its_closed_forms_and_others_say_why_not() {
        let m = Station::of(&mm4(3600.0), "s").unwrap();
        assert_eq!((m.lambda_rps, m.mean_s, m.c, m.model()), (3600.0, 1e-3, 4, "M/M/4".to_owned()));
        assert!((m.utilization() - 0.9).abs() < 1e-12);
        // W_q = C(4, 3.6) / (4μ − λ): Erlang C of 4 servers at 3.6 Erlangs
        // is 0.78775 (Erlang B 0.27069 by the recursion, computed apart
        // in Python), so 1.96938 ms.
        assert!((m.mean_wait_ms() - 1.96938).abs() < 1e-4, "{}", m.mean_wait_ms());
        assert!(Station::of(&mm4(4000.0), "s").unwrap_err().contains("ρ = 1.000 ≥ 1"));
        assert!(Station::of(&mm4(1000.0), "users").unwrap_err().contains("no closed form"));
        let two = with_value(&mm4(1000.0), "s.replicas", 2.0).unwrap();
        assert!(Station::of(&two, "s").unwrap_err().contains("2 replicas"));
        let timed = with_value(&mm4(3600.0), "users.timeout_ms", 20.0).unwrap();
        assert!(Station::of(&timed, "s").unwrap_err().contains("timeout"));
        // ρ 1.1: 1,000 places fill in 1,000 / (λ − cμ) = 2.5 s of the 20 s
        // run, 100,000 do not.
        assert!(Station::of(&mm4(4400.0), "s").unwrap_err().contains("ρ = 1.100 ≥ 1: the queue grows without bound"));
        let room = with_value(&mm4(4400.0), "s.queue_capacity", 1000.0).unwrap();
        assert_eq!(Station::of(&room, "s").unwrap().model(), "M/M/4/1004");
    }

    /// π_n of M/M/c/K by the textbook sums, unnormalised, n = 0..=K.
    fn birth_death(a: f64, c: u32, k: u32) -> Vec<f64> {
        let factorial = |n: u32| (1..=n).map(f64::from).product::<f64>();
        let top = |n: u32| a.powi(n as i32) / factorial(n);
        (0..=k).map(|n| if n <= c { top(n) } else { top(c) * (a / f64::from(c)).powi((n - c) as i32) }).collect()
    }

    #[test]
    fn a_room_that_fills_is_m_m_c_k() {
        // 4 workers and 10 places at 3,600 and at 6,000 req/s (ρ 0.9 and
        // 1.5): loss π_K and W_q = L_q / λ(1 − π_K), by direct sums.
        for rps in [3600.0, 6000.0] {
            let s = with_value(&mm4(rps), "s.queue_capacity", 10.0).unwrap();
            let m = Station::of(&s, "s").unwrap();
            assert_eq!(
                (m.model(), m.formula(), m.room.map(|(k, _)| k)),
                ("M/M/4/14".to_owned(), "birth–death chain", Some(14))
            );
            let pi = birth_death(rps / 1000.0, 4, 14);
            let total: f64 = pi.iter().sum();
            let loss = pi[14] / total;
            let queue: f64 = pi.iter().enumerate().skip(5).map(|(n, p)| (n - 4) as f64 * p / total).sum();
            assert!((m.loss() - loss).abs() < 1e-12, "{} vs {loss}", m.loss());
            assert!((m.mean_wait_ms() - queue / (rps * (1.0 - loss)) * 1e3).abs() < 1e-9, "{}", m.mean_wait_ms());
            assert_eq!(m.response_quantile_ms(0.99), None);
        }
    }

    #[test]
    fn one_worker_with_other_service_times_is_m_g_1() {
        // M/M/1 at ρ = 0.8, E[S] = 1 ms: W_q = ρ/(μ − λ) = 4 ms, whether
        // by Erlang C or by Pollaczek–Khinchine with E[S²] = 2E[S]².
        let m = Station::of(&single(1, r#"{ "dist": "exponential", "mean_ms": 1 }"#), "s").unwrap();
        assert!((m.mean_wait_ms() - 4.0).abs() < 1e-9);
        assert!((mg1_mean_wait(800.0, 1e-3, m.second_moment_s2) * 1e3 - 4.0).abs() < 1e-9);
        // M/D/1: λE[S²] / 2(1 − ρ) = 800 · 1e-6 / 0.4 s = 2 ms, half of M/M/1.
        let d = Station::of(&single(1, r#"{ "dist": "constant", "ms": 1 }"#), "s").unwrap();
        assert_eq!((d.model(), d.formula()), ("M/D/1".to_owned(), "Pollaczek–Khinchine"));
        assert!((d.mean_wait_ms() - 2.0).abs() < 1e-9);
        assert_eq!(d.response_quantile_ms(0.99), None);
        // Lognormal of mean 1 ms and p99 4 ms: E[S²] = e^(σ²) ms² with σ
        // solving 2.3263σ − σ²/2 = ln 4 (as tests/it/theory.rs finds it).
        let sigma = (2.3263 - (2.3263f64 * 2.3263 - 2.0 * 4f64.ln()).sqrt()).powi(2);
        let g = Station::of(&single(1, r#"{ "dist": "lognormal", "mean_ms": 1, "p99_ms": 4 }"#), "s").unwrap();
        assert_eq!(g.model(), "M/G/1");
        assert!((g.mean_wait_ms() - 800.0 * sigma.exp() * 1e-6 / 0.4 * 1e3).abs() < 1e-3, "{}", g.mean_wait_ms());
        // Samples 0.5 and 1.5 ms: E[S] = 1, E[S²] = 1.25 ms².
        let e = Station::of(&single(1, r#"{ "dist": "empirical", "samples_ms": [0.5, 1.5] }"#), "s").unwrap();
        assert!((e.mean_wait_ms() - 800.0 * 1.25e-6 / 0.4 * 1e3).abs() < 1e-9);
        let many = Station::of(&single(2, r#"{ "dist": "constant", "ms": 1 }"#), "s").unwrap_err();
        assert!(many.contains("M/G/c has no closed form"), "{many}");
    }
}
