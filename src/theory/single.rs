//! Single-station formulas: Erlang B and C, M/M/c, M/M/c/K, M/G/1, and the
//! scalability laws.

/// Erlang B: blocking probability of an M/M/c/c loss system with offered
/// load `a` = λ/μ Erlangs, by the stable recursion
/// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

/// Erlang C: probability that an arrival waits in an M/M/c queue with
/// offered load `a` = λ/μ < c: C = B / (1 − ρ(1 − B)), ρ = a/c.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    let rho = a / f64::from(c);
    b / (1.0 - rho * (1.0 - b))
}

/// Mean wait in queue W_q of M/M/c: C(c, λ/μ) / (cμ − λ).
pub fn mmc_mean_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
}

/// Quantile `q` of the M/M/1 (FCFS) response time, which is exponential
/// with rate μ − λ: −ln(1 − q) / (μ − λ).
pub fn mm1_response_quantile(lambda: f64, mu: f64, q: f64) -> f64 {
    -(1.0 - q).ln() / (mu - lambda)
}

/// Quantile `q` (0 < q < 1) of the M/M/c (FCFS) response time T = W + S,
/// for λ < cμ. The wait W is 0 with probability 1 − C (C = Erlang C) and
/// else exponential with rate θ = cμ − λ (Kleinrock, *Queueing Systems,
/// Vol. 1*, §3.5); S is exponential with rate μ. So
/// P(T > t) = (1 − C)·e^(−μt) + C·(θe^(−μt) − μe^(−θt)) / (θ − μ)
/// (for θ = μ the last term is (1 + μt)e^(−μt)), solved for P(T > t) =
/// 1 − q by bisection to a relative 1e-12.
pub fn mmc_response_quantile(lambda: f64, mu: f64, c: u32, q: f64) -> f64 {
    let theta = f64::from(c) * mu - lambda;
    let wait = erlang_c(c, lambda / mu);
    let survival = |t: f64| {
        let both = if (theta - mu).abs() < 1e-9 * mu {
            (1.0 + mu * t) * (-mu * t).exp()
        } else {
            (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu)
        };
        (1.0 - wait) * (-mu * t).exp() + wait * both
    };
    let mut high = 1.0 / mu;
    while survival(high) > 1.0 - q {
        high *= 2.0;
    }
    let mut low = 0.0;
    while high - low > 1e-12 * high {
        let mid = (low + high) / 2.0;
        if survival(mid) > 1.0 - q {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// The figures of an M/M/c/K queue (c servers, at most K ≥ c in the
/// system): the birth–death chain's stationary law, π_n ∝ aⁿ/n! for n ≤ c
/// and ∝ a^c/c! · ρ^(n−c) above (a = λ/μ, ρ = a/c), summed in logarithms
/// so that any ρ (a finite queue is stable above 1) and any K stay finite
/// (Kleinrock, *Queueing Systems, Vol. 1*, §3.7). O(K).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mmck {
    /// Blocking probability π_K: the share of arrivals refused (PASTA).
    pub blocking: f64,
    /// Mean number waiting L_q = Σ_{n>c} (n − c)·π_n.
    pub mean_queue: f64,
}

impl Mmck {
    /// The chain of `c` servers and room for `k` in the system at arrival
    /// rate `lambda` and service rate `mu` per server.
    pub fn new(lambda: f64, mu: f64, c: u32, k: u32) -> Mmck {
        let a = lambda / mu;
        // Above c every step is ln ρ: taken once, not once per n.
        let ln_rho = (a / f64::from(c)).ln();
        let ln_step = move |n: u32| if n <= c { (a / f64::from(n)).ln() } else { ln_rho };
        // ln(π_n / π_0), n = 0..=K: its largest term first, then the sums
        // scaled by it.
        let ln_terms = || {
            (1..=k).scan(0.0, move |ln, n| {
                *ln += ln_step(n);
                Some((n, *ln))
            })
        };
        let top = ln_terms().fold(0.0f64, |m, (_, t)| m.max(t));
        let (mut sum, mut queue, mut last) = ((-top).exp(), 0.0, (-top).exp());
        for (n, t) in ln_terms() {
            // A term under e^-750 of the largest is 0 in f64 (the least
            // subnormal is e^-744.4): no exp to take. With a room of a
            // million and ρ < 1, all but a few thousand terms are.
            last = if t - top < -750.0 { 0.0 } else { (t - top).exp() };
            sum += last;
            queue += f64::from(n.saturating_sub(c)) * last;
        }
        Mmck { blocking: last / sum, mean_queue: queue / sum }
    }

    /// Mean wait in queue W_q of the accepted arrivals, by Little's law:
    /// L_q / (λ(1 − π_K)), in the reciprocal unit of `lambda`.
    pub fn mean_wait(&self, lambda: f64) -> f64 {
        self.mean_queue / (lambda * (1.0 - self.blocking))
    }
}

/// Blocking probability of M/M/c/K (c servers, at most K ≥ c in the
/// system): π_K of [`Mmck`].
pub fn mmck_blocking(lambda: f64, mu: f64, c: u32, k: u32) -> f64 {
    Mmck::new(lambda, mu, c, k).blocking
}

/// Pollaczek–Khinchine mean wait of M/G/1: λ·E[S²] / (2(1 − ρ)), ρ = λE[S].
pub fn mg1_mean_wait(lambda: f64, mean_s: f64, second_moment_s: f64) -> f64 {
    lambda * second_moment_s / (2.0 * (1.0 - lambda * mean_s))
}

/// Universal Scalability Law relative capacity with `n` workers:
/// C(n) = n / (1 + α(n − 1) + βn(n − 1)).
pub fn usl_capacity(n: f64, alpha: f64, beta: f64) -> f64 {
    n / (1.0 + alpha * (n - 1.0) + beta * n * (n - 1.0))
}

/// Amdahl's law: speed-up on `n` processors of a job whose share
/// `serial` cannot be parallelised: 1 / (serial + (1 − serial)/n).
pub fn amdahl_speedup(n: f64, serial: f64) -> f64 {
    1.0 / (serial + (1.0 - serial) / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values computed independently from the textbook sums
    // (Python: B = (aᶜ/c!) / Σₖ aᵏ/k!; C = (aᶜ/c!/(1−ρ)) / (Σ_{k<c} aᵏ/k! + aᶜ/c!/(1−ρ))).
    #[test]
    fn erlang_values() {
        assert!((erlang_b(10, 5.0) - 0.018_384_570_336_648_136).abs() < 1e-14);
        assert!((erlang_c(10, 9.0) - 0.668_731_524_107_697_1).abs() < 1e-14);
        // M/M/1: C = ρ.
        assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-15);
    }

    #[test]
    fn mmc_response_quantiles() {
        // One server: the M/M/1 response time, exponential with rate μ − λ.
        for q in [0.5, 0.9, 0.99] {
            let got = mmc_response_quantile(0.8, 1.0, 1, q);
            assert!((got / mm1_response_quantile(0.8, 1.0, q) - 1.0).abs() < 1e-9, "q {q}: {got}");
        }
        // Its mean (the integral of the survival function, from the
        // quantiles) is W_q + 1/μ with W_q from Erlang C; also at θ = μ.
        for (lambda, c) in [(9.0, 10), (2.5, 3), (1.0, 2)] {
            let n = 20_000;
            let mean = (0..n).map(|k| mmc_response_quantile(lambda, 1.0, c, (k as f64 + 0.5) / n as f64)).sum::<f64>()
                / n as f64;
            let want = mmc_mean_wait(lambda, 1.0, c) + 1.0;
            assert!((mean / want - 1.0).abs() < 2e-3, "λ {lambda}, c {c}: {mean} vs {want}");
        }
        // Almost no load: the service time's own quantile, −ln(1 − q)/μ.
        let idle = mmc_response_quantile(1e-9, 2.0, 4, 0.99);
        assert!((idle - 100f64.ln() / 2.0).abs() < 1e-6, "{idle}");
    }

    #[test]
    fn mm1_and_mmck() {
        // M/M/1 W_q = ρ/(μ − λ) = 0.8/(1 − 0.8) = 4.
        assert!((mmc_mean_wait(0.8, 1.0, 1) - 4.0).abs() < 1e-12);
        // M/M/1/K: (1 − ρ)ρ^K / (1 − ρ^(K+1)); ρ = 0.9, K = 5.
        let (rho, k) = (0.9f64, 5);
        let closed = (1.0 - rho) * rho.powi(k) / (1.0 - rho.powi(k + 1));
        assert!((mmck_blocking(0.9, 1.0, 1, 5) - closed).abs() < 1e-12);
        // M/M/c/c is Erlang B.
        assert!((mmck_blocking(5.0, 1.0, 10, 10) - erlang_b(10, 5.0)).abs() < 1e-12);
        // M/M/1/K's mean number in system, ρ/(1 − ρ) − (K + 1)ρ^(K+1) /
        // (1 − ρ^(K+1)) (Kleinrock §3.6), less the server's busy share
        // 1 − π_0 is L_q; also above ρ = 1, where a finite queue is stable.
        for (rho, k) in [(0.9f64, 5), (1.5, 8), (0.5, 1)] {
            let m = Mmck::new(rho, 1.0, 1, k);
            let p0 = (1.0 - rho) / (1.0 - rho.powi(k as i32 + 1));
            let l = rho / (1.0 - rho) - f64::from(k + 1) * rho.powi(k as i32 + 1) / (1.0 - rho.powi(k as i32 + 1));
            assert!((m.mean_queue - (l - (1.0 - p0))).abs() < 1e-12, "ρ {rho}, K {k}: {}", m.mean_queue);
        }
        // A room that never fills is M/M/c: Erlang C's wait.
        let big = Mmck::new(9.0, 1.0, 10, 100_000);
        assert!(big.blocking < 1e-300 && (big.mean_wait(9.0) - mmc_mean_wait(9.0, 1.0, 10)).abs() < 1e-12);
        // Far above ρ = 1 with a huge room nothing overflows: all but the
        // service rate is refused (1 − π_K ≈ cμ/λ), the queue nearly full.
        let flooded = Mmck::new(20.0, 1.0, 10, 1_000_000);
        assert!((flooded.blocking - 0.5).abs() < 1e-9 && flooded.mean_queue > 999_980.0, "{flooded:?}");
    }

    #[test]
    fn pk_reduces_to_mm1_and_md1() {
        // Exponential S: E[S²] = 2/μ², P-K gives the M/M/1 wait.
        assert!((mg1_mean_wait(0.8, 1.0, 2.0) - 4.0).abs() < 1e-12);
        // Deterministic S: half the M/M/1 wait.
        assert!((mg1_mean_wait(0.8, 1.0, 1.0) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn scalability_laws() {
        assert!((usl_capacity(1.0, 0.3, 0.01) - 1.0).abs() < 1e-15);
        assert!((usl_capacity(8.0, 0.0, 0.0) - 8.0).abs() < 1e-15);
        assert!((amdahl_speedup(1e12, 0.05) - 20.0).abs() < 1e-6);
    }
}
