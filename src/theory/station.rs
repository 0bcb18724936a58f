//! The closed forms of one station of a design: whether a node is an
//! M/M/c queue in its scenario and, if so, its figures.

use crate::model::{Arrivals, NodeKind, RateProfile, Scenario, ServiceTime};

use super::{mmc_mean_wait, mmc_response_quantile, mmck_blocking};

/// A node that is an M/M/c queue in its scenario: Poisson arrivals of rate
/// λ, c workers each serving at rate μ (exponential service times), room
/// for every arrival.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmc {
    /// Arrival rate λ, req/s.
    pub lambda_rps: f64,
    /// Service rate μ of one worker, req/s.
    pub mu_rps: f64,
    /// Workers c.
    pub c: u32,
}

/// Blocking probability (finite queue) or timeout probability (the
/// client's) under which the queue counts as unbounded and untimed.
const NEGLIGIBLE: f64 = 1e-6;

impl Mmc {
    /// The M/M/c queue `node` is in `scenario`: the scenario's one client
    /// sends open-loop arrivals at a constant rate (a Poisson process) on
    /// its one call, straight to `node` (no latency, probability 1, no
    /// timeout, retry or breaker on it), a service pool of one replica with
    /// exponential service times, no calls of its own, nothing that slows,
    /// sheds, limits, scales or fails it, and no scheduled faults.
    ///
    /// Errors: why `node` has no closed form here, in a few words (e.g.
    /// `2 replicas behind the pool's balancing: no closed form`), or that
    /// the queue is unstable (ρ ≥ 1).
    pub fn of(scenario: &Scenario, node: &str) -> Result<Mmc, String> {
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
        if call.to.as_str() != node
            || !call.latency.can_be_zero()
            || call.probability != 1.0
            || call.timeout_ms.is_some()
            || call.retry.is_some()
            || call.circuit_breaker.is_some()
        {
            return Err(format!("not the client's one plain call to {node}: no closed form"));
        }
        let Some(NodeKind::Service(s)) = scenario.nodes.iter().find(|n| n.id.as_str() == node).map(|n| &n.kind) else {
            return Err(format!("{node} is not a service pool: no M/M/c closed form"));
        };
        let ServiceTime::Exponential { mean_ms } = s.service_time else {
            return Err("service times not exponential: no M/M/c closed form".into());
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
        let mmc = Mmc { lambda_rps: rps, mu_rps: 1e3 / mean_ms, c: s.workers };
        if mmc.utilization() >= 1.0 {
            return Err(format!("ρ = {:.3} ≥ 1: the queue grows without bound", mmc.utilization()));
        }
        let room = s.workers.saturating_add(s.queue_capacity);
        if mmck_blocking(mmc.lambda_rps, mmc.mu_rps, mmc.c, room) > NEGLIGIBLE {
            return Err("the queue fills up: M/M/c/K, not M/M/c".into());
        }
        if mmc.response_quantile_ms(1.0 - NEGLIGIBLE) > c.timeout_ms {
            return Err(format!("the client's {} ms timeout cuts the response times: no closed form", c.timeout_ms));
        }
        Ok(mmc)
    }

    /// Utilization ρ = λ / (cμ).
    pub fn utilization(&self) -> f64 {
        self.lambda_rps / (f64::from(self.c) * self.mu_rps)
    }

    /// Mean wait in queue W_q (Erlang C), ms.
    pub fn mean_wait_ms(&self) -> f64 {
        mmc_mean_wait(self.lambda_rps, self.mu_rps, self.c) * 1e3
    }

    /// Quantile `q` of the response time (wait and service), ms.
    pub fn response_quantile_ms(&self, q: f64) -> f64 {
        mmc_response_quantile(self.lambda_rps, self.mu_rps, self.c, q) * 1e3
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sweep::{tests::mm4, with_value};

    #[test]
    fn an_mmc_node_has_its_closed_forms_and_others_say_why_not() {
        let m = Mmc::of(&mm4(3600.0), "s").unwrap();
        assert_eq!((m.lambda_rps, m.mu_rps, m.c), (3600.0, 1000.0, 4));
        assert!((m.utilization() - 0.9).abs() < 1e-12);
        // W_q = C(4, 3.6) / (4μ − λ): Erlang C of 4 servers at 3.6 Erlangs
        // is 0.78775 (Erlang B 0.27069 by the recursion, computed apart
        // in Python), so 1.96938 ms.
        assert!((m.mean_wait_ms() - 1.96938).abs() < 1e-4, "{}", m.mean_wait_ms());
        assert!(Mmc::of(&mm4(4000.0), "s").unwrap_err().contains("ρ = 1.000 ≥ 1"));
        assert!(Mmc::of(&mm4(1000.0), "users").unwrap_err().contains("no closed form"));
        let two = with_value(&mm4(1000.0), "s.replicas", 2.0).unwrap();
        assert!(Mmc::of(&two, "s").unwrap_err().contains("2 replicas"));
        let timed = with_value(&mm4(3600.0), "users.timeout_ms", 20.0).unwrap();
        assert!(Mmc::of(&timed, "s").unwrap_err().contains("timeout"));
        let small = with_value(&mm4(3600.0), "s.queue_capacity", 10.0).unwrap();
        assert!(Mmc::of(&small, "s").unwrap_err().contains("M/M/c/K"));
    }
}
