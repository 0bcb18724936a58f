//! Service-time laws (constant, exponential, lognormal from mean and p99,
//! empirical) ready to draw from a random stream.

use crate::metrics::NodeStats;
use crate::model::{RequestClass, ServiceTime};

use super::component::Ctx;
use super::event::Event;
use super::random::{self, Stream};
use super::request::ReqId;
use super::SimTime;

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
    #[inline(always)]
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

/// The read and write times of a store's queries, drawn from one stream.
pub struct QueryTimes {
    read: Sampler,
    write: Sampler,
    rng: Stream,
}

impl QueryTimes {
    /// Reads take `read`, writes (and other queries) `write`; draws from
    /// `rng`.
    pub fn new(read: &ServiceTime, write: &ServiceTime, rng: Stream) -> Self {
        QueryTimes { read: Sampler::new(read), write: Sampler::new(write), rng }
    }

    /// New laws from now on.
    pub fn set(&mut self, read: &ServiceTime, write: &ServiceTime) {
        (self.read, self.write) = (Sampler::new(read), Sampler::new(write));
    }

    /// Query `req` got a connection now: `stats` count it busy and its
    /// wait; its time is drawn by its class and its end scheduled
    /// (`Event::Done`).
    pub fn start(&mut self, ctx: &mut Ctx, stats: &mut NodeStats, req: ReqId) {
        let now = ctx.now();
        let Some(request) = ctx.requests.get(req) else { return };
        stats.busy.add(now, 1);
        stats.start(request.arrived, now);
        let law = if request.class == RequestClass::Read { &self.read } else { &self.write };
        let ms = law.draw_ms(&mut self.rng);
        ctx.queue.schedule(now.after(SimTime::from_ms(ms)), Event::Done(req));
    }
}
