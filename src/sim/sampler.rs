//! Service-time laws (constant, exponential, lognormal from mean and p99,
//! empirical) ready to draw from a random stream.

use crate::model::ServiceTime;

use super::random::{self, Stream};

/// A service-time law ready to draw, in ms.
pub enum Sampler {
    Constant(f64),
    Exponential(f64),
    Lognormal { mu: f64, sigma: f64 },
    Empirical(Vec<f64>),
}

impl Sampler {
    /// The law of `t`.
    pub fn new(t: &ServiceTime) -> Sampler {
        match t {
            ServiceTime::Constant { ms } => Sampler::Constant(*ms),
            ServiceTime::Exponential { mean_ms } => Sampler::Exponential(*mean_ms),
            ServiceTime::Lognormal { mean_ms, p99_ms } => match crate::model::lognormal_fit(*mean_ms, *p99_ms) {
                Some((mu, sigma)) => Sampler::Lognormal { mu, sigma },
                // Validation refuses such parameters; fall back to the mean.
                None => Sampler::Constant(*mean_ms),
            },
            ServiceTime::Empirical { samples_ms } => Sampler::Empirical(samples_ms.clone()),
        }
    }

    /// One draw, ms.
    pub fn draw_ms(&self, rng: &mut Stream) -> f64 {
        match self {
            Sampler::Constant(ms) => *ms,
            Sampler::Exponential(mean) => random::exponential(rng, *mean),
            Sampler::Lognormal { mu, sigma } => random::lognormal(rng, *mu, *sigma),
            Sampler::Empirical(samples) => {
                samples.get(random::below(rng, samples.len() as u64) as usize).copied().unwrap_or(0.0)
            }
        }
    }
}
