//! Clients: open-loop Poisson arrivals with a rate profile (by thinning,
//! Lewis & Shedler 1979), or closed-loop users with exponential think time;
//! request class, key and session draws; the client timeout.

use crate::metrics::{NodeStats, Outcome};
use crate::model::{Arrivals, ClientParams, KeyDistribution, RateProfile, RequestClass};

use super::component::{Behavior, Build, Condition, Ctx, Site};
use super::deadlines::Deadlines;
use super::event::{CallResult, Failure, Timer, ANY_REPLICA};
use super::random::{self, Stream, Zipf};
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request};
use super::SimTime;

/// Key popularity, ready to draw.
enum Keys {
    Uniform(u64),
    Zipf(Zipf),
}

/// A client's parameters, ready to draw from.
struct Config {
    arrivals: Arrivals,
    /// λmax for thinning, req/s.
    max_rate: f64,
    /// Cumulative shares of read, write, other.
    mix: [f64; 3],
    keys: Keys,
    sessions: u64,
    timeout: SimTime,
}

impl Config {
    fn new(p: &ClientParams) -> Config {
        let total = p.mix.read + p.mix.write + p.mix.other;
        Config {
            arrivals: p.arrivals.clone(),
            max_rate: match &p.arrivals {
                Arrivals::Open { rate } => rate.max_rate(),
                Arrivals::Closed { .. } => 0.0,
            },
            mix: [p.mix.read / total, (p.mix.read + p.mix.write) / total, 1.0],
            keys: match p.keys {
                KeyDistribution::Uniform { keys } => Keys::Uniform(keys),
                KeyDistribution::Zipf { keys, s } => Keys::Zipf(Zipf::new(keys, s)),
            },
            sessions: p.sessions,
            timeout: SimTime::from_ms(p.timeout_ms),
        }
    }
}

/// A client node in a run.
pub struct ClientSim {
    index: u32,
    edge: u32,
    cfg: Config,
    arrival_rng: Stream,
    draw_rng: Stream,
    /// Deadlines of issued requests (issue order, unless the timeout was
    /// shortened during the run).
    deadlines: Deadlines,
    /// Rate multiplier of a traffic-spike fault (1 without).
    surge: f64,
    /// What the client saw (arrivals = issued, served = replies).
    pub stats: NodeStats,
}

impl ClientSim {
    /// A client at node `index` whose entry call is edge `edge`.
    pub fn new(index: u32, name: &str, edge: u32, p: &ClientParams, seed: u64, warmup: SimTime) -> Self {
        ClientSim {
            index,
            edge,
            cfg: Config::new(p),
            arrival_rng: random::stream(seed, name, "arrivals"),
            draw_rng: random::stream(seed, name, "requests"),
            deadlines: Deadlines::new(),
            surge: 1.0,
            stats: NodeStats::new(warmup),
        }
    }

    /// Draws the gap to the next candidate arrival at rate λmax (times a
    /// traffic spike's factor: thinning then accepts the same share).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn next_candidate(&mut self, ctx: &mut Ctx) {
        if self.cfg.max_rate > 0.0 {
            let gap_s = random::exponential(&mut self.arrival_rng, 1.0 / (self.cfg.max_rate * self.surge));
            ctx.set_timer(self.index, Timer::Arrival, ctx.now().after(SimTime::from_s(gap_s)));
        }
    }

    /// A user starts thinking; it sends its next request when done. (Inline:
    /// for an open-loop client, which calls it on every reply, it is one
    /// compare.)
    #[inline(always)]
    fn think(&mut self, ctx: &mut Ctx) {
        if let Arrivals::Closed { think_time_ms, .. } = self.cfg.arrivals {
            let think = random::exponential(&mut self.arrival_rng, think_time_ms);
            ctx.set_timer(self.index, Timer::UserReady, ctx.now().after(SimTime::from_ms(think)));
        }
    }

    fn issue(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        let u = random::unit(&mut self.draw_rng);
        let class = if u < self.cfg.mix[0] {
            RequestClass::Read
        } else if u < self.cfg.mix[1] {
            RequestClass::Write
        } else {
            RequestClass::Other
        };
        let key = match &self.cfg.keys {
            Keys::Uniform(n) => 1 + random::below(&mut self.draw_rng, *n),
            Keys::Zipf(z) => z.sample(&mut self.draw_rng),
        };
        let request = Request {
            client: self.index,
            class,
            key,
            session: random::below(&mut self.draw_rng, self.cfg.sessions),
            deadline: now.after(self.cfg.timeout),
            born: now,
            origin: Origin::Client,
            caller: self.index,
            edge: self.edge,
            at: ctx.links[self.edge as usize].to,
            replica: ANY_REPLICA,
            worker: 0,
            arrived: now,
            next_call: 0,
            abandoned: false,
            attempt: 0,
            waited_ms: 0.0,
        };
        ctx.metrics.offered(now);
        self.stats.arrive(now);
        let id = ctx.send_new(request);
        if let Some(at) = self.deadlines.add(request.deadline, id, &ctx.requests) {
            ctx.set_timer(self.index, Timer::Deadlines, at);
        }
    }

    /// Times out every live request whose deadline has passed, then sets the
    /// timer for the oldest one still waiting.
    fn expire(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        while let Some(id) = self.deadlines.pop_due(now, |id| ctx.requests.get(id).is_some_and(|r| !r.abandoned)) {
            if let Some(born) = ctx.abandon(id) {
                ctx.metrics.ended(born, now, Outcome::TimedOut);
                self.stats.depart(born, now);
                self.think(ctx);
            }
        }
        if let Some(at) = self.deadlines.rearm() {
            ctx.set_timer(self.index, Timer::Deadlines, at);
        }
    }
}

impl Build<ClientParams> for ClientSim {
    fn build(site: &Site, p: &ClientParams) -> Self {
        let edge = site.outgoing().first().copied().unwrap_or(0);
        ClientSim::new(site.index, site.name(), edge, p, site.seed, site.warmup)
    }

    /// Applies new parameters from now on. A changed rate takes effect from
    /// the next candidate arrival on (the pending one was drawn at the old
    /// λmax). The caller keeps the arrival model (open, or closed with the
    /// same users): changing it needs a new run.
    fn reconfigure(&mut self, _ctx: &mut Ctx, p: &ClientParams) {
        self.cfg = Config::new(p);
    }
}

impl Behavior for ClientSim {
    fn start(&mut self, ctx: &mut Ctx) {
        match self.cfg.arrivals {
            Arrivals::Open { .. } => self.next_candidate(ctx),
            Arrivals::Closed { users, .. } => (0..users).for_each(|_| self.think(ctx)),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Arrival => {
                if let Arrivals::Open { rate } = &self.cfg.arrivals {
                    let accept = match rate {
                        RateProfile::Constant { .. } => true,
                        _ => random::unit(&mut self.arrival_rng) * self.cfg.max_rate < rate.rate_at(ctx.now().as_s()),
                    };
                    if accept {
                        self.issue(ctx);
                    }
                }
                self.next_candidate(ctx);
            }
            Timer::UserReady => self.issue(ctx),
            Timer::Deadlines => self.expire(ctx),
            // Not a client's timers.
            _ => {}
        }
    }

    fn on_deliver(&mut self, _ctx: &mut Ctx, _req: ReqId) {}

    fn on_condition(&mut self, ctx: &mut Ctx, _replica: u32, condition: Condition) {
        if let Condition::Surge(factor) = condition {
            self.surge = factor;
            if factor == 1.0 {
                ctx.log(self.index, "calm", "traffic back to normal".to_owned());
            } else {
                ctx.log(self.index, "spike", format!("traffic × {factor}"));
            }
        }
    }

    fn retried(&mut self, old: ReqId, new: ReqId) {
        // The retry carries the request's deadline on.
        self.deadlines.replace(old, new);
    }

    fn on_reply(&mut self, ctx: &mut Ctx, root: &Request, result: CallResult) {
        if root.abandoned {
            return;
        }
        let now = ctx.now();
        let outcome = match result {
            Ok(()) => Outcome::Completed,
            Err(Failure::Rejected | Failure::Refused) => Outcome::Rejected,
            Err(Failure::Error) => Outcome::Failed,
            Err(Failure::Timeout) => Outcome::TimedOut,
        };
        ctx.metrics.ended(root.born, now, outcome);
        self.stats.depart(root.born, now);
        self.think(ctx);
    }

    fn report(&self, now: SimTime) -> NodeReport {
        NodeReport::from_stats("client", &self.stats, 0, now).with("offered", self.stats.arrivals as f64)
    }
}
