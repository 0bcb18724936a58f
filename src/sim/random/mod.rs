//! Random streams and the distributions the models draw from.
//!
//! Every (node, purpose) pair has its own Xoshiro256++ stream whose seed is a
//! SipHash-1-3 of (scenario seed, node id, purpose), so adding or changing
//! one node does not change any other node's draws (common random numbers).
//!
//! The samplers are written here, on `libm`, rather than taken from
//! `rand_distr`: `rand_distr` computes through `num-traits`, which uses the
//! platform's `ln`/`exp` as soon as any crate in the build enables its `std`
//! feature, and the platform's libm and Wasm's differ in the last bit. Our
//! determinism contract (the same run natively and in every browser) needs
//! one implementation of every transcendental function.

mod ziggurat;

use std::hash::Hasher;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use siphasher::sip::SipHasher13;

/// A seeded random stream.
pub type Stream = Xoshiro256PlusPlus;

/// The stream of `purpose` at the node or edge named `owner`, for `seed`.
pub fn stream(seed: u64, owner: &str, purpose: &str) -> Stream {
    let mut h = SipHasher13::new_with_keys(0x4172_6368_5369_6d00, seed);
    h.write(owner.as_bytes());
    h.write_u8(0xff);
    h.write(purpose.as_bytes());
    Stream::seed_from_u64(h.finish())
}

/// Uniform on [0, 1) with 53 random bits.
pub fn unit(rng: &mut Stream) -> f64 {
    rng.random::<f64>()
}

/// Uniform integer in `0..n` (n ≥ 1), without modulo bias.
///
/// Ranges that fit in 32 bits are drawn as `u32` (32 random bits, a
/// 32 × 32 → 64-bit multiply): Wasm has no 64 × 64 → 128-bit multiply and
/// calls a library routine for it, twice per request (key and session).
#[inline(always)]
pub fn below(rng: &mut Stream, n: u64) -> u64 {
    match u32::try_from(n) {
        Ok(small) => u64::from(rng.random_range(0..small.max(1))),
        Err(_) => rng.random_range(0..n),
    }
}

/// Exponential with the given mean (any unit), by the ziggurat method.
#[inline]
pub fn exponential(rng: &mut Stream, mean: f64) -> f64 {
    mean * ziggurat::exp1(rng)
}

/// The top 53 bits of `bits` as a uniform on [0, 1).
fn unit53(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal by Marsaglia's polar method (Marsaglia & Bray 1964).
pub fn standard_normal(rng: &mut Stream) -> f64 {
    loop {
        let u = 2.0 * unit(rng) - 1.0;
        let v = 2.0 * unit(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * libm::sqrt(-2.0 * libm::log(s) / s);
        }
    }
}

/// Lognormal draw with parameters (μ, σ) of ln X.
pub fn lognormal(rng: &mut Stream, mu: f64, sigma: f64) -> f64 {
    libm::exp(mu + sigma * standard_normal(rng))
}

/// Zipf(s) over ranks 1..=n by rejection-inversion (W. Hörmann and
/// G. Derflinger, "Rejection-inversion to generate variates from monotone
/// discrete distributions", ACM TOMACS 6(3), 1996): O(1) memory and time.
#[derive(Clone, Debug)]
pub struct Zipf {
    s: f64,
    n: f64,
    h_x1: f64,
    h_n: f64,
    shortcut: f64,
}

impl Zipf {
    /// Zipf over `n ≥ 1` ranks with exponent `s ≥ 0`.
    pub fn new(n: u64, s: f64) -> Zipf {
        let n = n.max(1) as f64;
        let mut z = Zipf { s, n, h_x1: 0.0, h_n: 0.0, shortcut: 0.0 };
        z.h_x1 = z.h_integral(1.5) - 1.0;
        z.h_n = z.h_integral(n + 0.5);
        z.shortcut = 2.0 - z.h_integral_inverse(z.h_integral(2.5) - z.h(2.0));
        z
    }

    /// A rank in 1..=n; rank 1 is the most popular.
    pub fn sample(&self, rng: &mut Stream) -> u64 {
        loop {
            let u = self.h_n + unit(rng) * (self.h_x1 - self.h_n);
            let x = self.h_integral_inverse(u);
            let k = (x + 0.5).floor().clamp(1.0, self.n);
            if k - x <= self.shortcut || u >= self.h_integral(k + 0.5) - self.h(k) {
                return k as u64;
            }
        }
    }

    /// h(x) = x^−s.
    fn h(&self, x: f64) -> f64 {
        libm::exp(-self.s * libm::log(x))
    }

    /// H(x) = ∫ h = (x^(1−s) − 1)/(1 − s), or ln x when s = 1.
    fn h_integral(&self, x: f64) -> f64 {
        let log_x = libm::log(x);
        expm1_over_x((1.0 - self.s) * log_x) * log_x
    }

    /// H⁻¹(y).
    fn h_integral_inverse(&self, y: f64) -> f64 {
        let t = (y * (1.0 - self.s)).max(-1.0);
        libm::exp(log1p_over_x(t) * y)
    }
}

/// (eˣ − 1)/x, continuous at 0.
fn expm1_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::expm1(x) / x
    } else {
        1.0 + x / 2.0 * (1.0 + x / 3.0)
    }
}

/// ln(1 + x)/x, continuous at 0.
fn log1p_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::log1p(x) / x
    } else {
        1.0 - x * (0.5 - x / 3.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sample mean and variance of n draws.
    fn moments(n: usize, mut draw: impl FnMut() -> f64) -> (f64, f64) {
        let xs: Vec<f64> = (0..n).map(|_| draw()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn below_is_uniform_on_32_and_64_bit_ranges() {
        // 100,000 draws in 10 equal classes: each count is Binomial(1e5,
        // 0.1), σ ≈ 95; 5σ bounds.
        for n in [10u64, 10 << 32] {
            let mut rng = stream(1, "keys", &n.to_string());
            let mut counts = [0u32; 10];
            for _ in 0..100_000 {
                let x = below(&mut rng, n);
                assert!(x < n);
                counts[(x / (n / 10)) as usize] += 1;
            }
            assert!(counts.iter().all(|&c| c.abs_diff(10_000) < 475), "n = {n}: {counts:?}");
        }
        assert_eq!(below(&mut stream(1, "keys", "one"), 1), 0);
        assert_eq!(below(&mut stream(1, "keys", "none"), 0), 0);
    }

    #[test]
    fn streams_differ_by_owner_and_purpose_and_repeat() {
        let a = below(&mut stream(7, "api", "service"), u64::MAX);
        assert_eq!(a, below(&mut stream(7, "api", "service"), u64::MAX));
        assert_ne!(a, below(&mut stream(7, "api", "arrivals"), u64::MAX));
        assert_ne!(a, below(&mut stream(7, "db", "service"), u64::MAX));
        assert_ne!(a, below(&mut stream(8, "api", "service"), u64::MAX));
    }

    #[test]
    fn exponential_mean_variance_and_tail() {
        let mut rng = stream(1, "t", "exp");
        let n = 2_000_000;
        let xs: Vec<f64> = (0..n).map(|_| exponential(&mut rng, 2.0)).collect();
        let (m, v) = moments(n, {
            let mut it = xs.iter();
            move || *it.next().unwrap()
        });
        // Exp(mean 2): variance 4. Standard error of the mean 2/√n ≈ 0.0014.
        assert!((m - 2.0).abs() < 0.007, "mean {m}");
        assert!((v - 4.0).abs() < 0.05, "variance {v}");
        // P(X > 2t) = e^(−t), across the layers, the wedges and the tail
        // beyond r = 7.7 (for mean 1): within 5 binomial standard errors.
        for t in [0.01f64, 0.5, 1.0, 3.0, 7.0, 8.0, 10.0] {
            let p = (-t).exp();
            let got = xs.iter().filter(|x| **x > 2.0 * t).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((got - p).abs() < 5.0 * se + 1e-7, "P(X > {t}): {got} vs {p}");
        }
    }

    #[test]
    fn lognormal_matches_mean_and_p99() {
        let (mu, sigma) = crate::model::lognormal_fit(10.0, 50.0).unwrap();
        let mut rng = stream(1, "t", "ln");
        let mut xs: Vec<f64> = (0..400_000).map(|_| lognormal(&mut rng, mu, sigma)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.sort_unstable_by(f64::total_cmp);
        let p99 = xs[(xs.len() as f64 * 0.99) as usize];
        assert!((mean - 10.0).abs() < 0.15, "mean {mean}");
        assert!((p99 - 50.0).abs() < 1.5, "p99 {p99}");
        assert!(crate::model::lognormal_fit(1.0, 16.0).is_none(), "p99/mean above e^(z²/2) has no lognormal");
    }

    #[test]
    fn zipf_frequencies_match_the_law() {
        for s in [0.0, 0.8, 1.0, 1.3] {
            let n = 50u64;
            let z = Zipf::new(n, s);
            let mut rng = stream(3, "t", "zipf");
            let draws = 300_000;
            let mut counts = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                counts[z.sample(&mut rng) as usize] += 1;
            }
            assert_eq!(counts[0], 0);
            let norm: f64 = (1..=n).map(|k| (k as f64).powf(-s)).sum();
            for k in [1u64, 2, 5, 50] {
                let expected = (k as f64).powf(-s) / norm * draws as f64;
                let sd = expected.sqrt();
                let got = counts[k as usize] as f64;
                assert!((got - expected).abs() < 5.0 * sd + 1.0, "s={s} k={k}: {got} vs {expected}");
            }
        }
    }
}
