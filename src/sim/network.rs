//! Links: the scenario's edges compiled for the engine, with their latency.
//!
//! One-way latency = the edge's `base_ms` + jitter + an extra for crossing
//! zones (`settings.cross_zone_ms`) or regions (`settings.cross_region_ms`)
//! when both endpoints have a zone. A synchronous call pays it on the way out
//! and on the reply.
//!
//! Network faults (latency, loss, partition) impair a link's requests,
//! replies or both while they last; a lost message is never delivered.

use crate::model::{CallMode, Edge, FaultKind, Jitter, RequestClass, Scenario};

use super::faults::{Ways, REPLIES, REQUESTS};
use super::guard::Guard;
use super::random::{self, Stream};
use super::SimTime;

/// An edge ready for simulation.
pub struct Link {
    /// Caller node index.
    pub from: u32,
    /// Callee node index.
    pub to: u32,
    /// Sync or async.
    pub mode: CallMode,
    /// Probability a request makes the call.
    pub probability: f64,
    classes: Vec<RequestClass>,
    /// Weighted-round-robin weight.
    pub weight: u32,
    base: SimTime,
    jitter: Jitter,
    rng: Stream,
    /// The callee's id, for the event log.
    pub to_name: String,
    /// The caller's resilience on this link (None when it has none).
    pub guard: Option<Guard>,
    /// Network faults acting on it now: (kind, ways).
    active: Vec<(FaultKind, Ways)>,
    /// Their effect on requests and on replies (None: no fault acts on
    /// that direction).
    impaired: [Option<Impairment>; 2],
    loss_rng: Stream,
}

/// What the active faults do to the messages of one direction.
#[derive(Clone, Copy, Debug, Default)]
struct Impairment {
    /// Added latency and its spread either way, ms.
    extra_ms: f64,
    jitter_ms: f64,
    loss: f64,
    cut: bool,
}

impl Link {
    /// Compiles edge `e` of `scenario`, given node indices and the seed.
    pub fn new(scenario: &Scenario, e: &Edge, from: u32, to: u32, seed: u64) -> Link {
        let caller = &scenario.nodes[from as usize];
        let callee = &scenario.nodes[to as usize];
        let extra_ms = scenario.placement_extra_ms(caller, callee);
        Link {
            from,
            to,
            mode: e.mode,
            probability: e.probability,
            classes: e.classes.clone(),
            weight: e.weight,
            base: SimTime::from_ms(e.latency.base_ms + extra_ms),
            jitter: e.latency.jitter,
            rng: random::stream(seed, &format!("{}->{}", e.from, e.to), "latency"),
            to_name: e.to.0.clone(),
            guard: Guard::new(e, seed, SimTime::from_s(scenario.settings.warmup_s)),
            active: Vec::new(),
            impaired: [None; 2],
            loss_rng: random::stream(seed, &format!("{}->{}", e.from, e.to), "loss"),
        }
    }

    /// Whether a request of `class` may make this call.
    pub fn applies_to(&self, class: RequestClass) -> bool {
        self.classes.is_empty() || self.classes.contains(&class)
    }

    /// Sends one message of `way` ([`REQUESTS`] or [`REPLIES`]): its
    /// one-way latency, or None when a fault loses it.
    #[inline]
    pub fn transit(&mut self, way: Ways) -> Option<SimTime> {
        match self.impaired[usize::from(way == REPLIES)] {
            None => Some(self.latency()),
            Some(i) => self.transit_impaired(i),
        }
    }

    /// [`Link::transit`] while a fault acts on the direction (out of line:
    /// the healthy case is inlined at every send).
    #[inline(never)]
    fn transit_impaired(&mut self, i: Impairment) -> Option<SimTime> {
        if i.cut || (i.loss > 0.0 && random::unit(&mut self.loss_rng) < i.loss) {
            return None;
        }
        let spread = if i.jitter_ms > 0.0 { (2.0 * random::unit(&mut self.loss_rng) - 1.0) * i.jitter_ms } else { 0.0 };
        Some(self.latency().after(SimTime::from_ms(i.extra_ms + spread)))
    }

    /// A fault of `kind` starts (`on`) or ends (one such fault, if
    /// several) acting on the messages `ways` of this link. Latencies add
    /// up; losses combine as independent drops; any partition cuts.
    pub fn impair(&mut self, kind: FaultKind, ways: Ways, on: bool) {
        if on {
            self.active.push((kind, ways));
        } else if let Some(k) = self.active.iter().position(|a| *a == (kind, ways)) {
            self.active.remove(k);
        }
        self.impaired = [REQUESTS, REPLIES].map(|way| {
            let (mut i, mut kept) = (Impairment::default(), 1.0);
            let acting = self.active.iter().filter(|a| a.1 & way != 0);
            // None when no fault acts on this direction.
            acting.clone().next()?;
            for (kind, _) in acting {
                match *kind {
                    FaultKind::Latency { extra_ms, jitter_ms } => {
                        i.extra_ms += extra_ms;
                        i.jitter_ms += jitter_ms;
                    }
                    FaultKind::Loss { share } => kept *= 1.0 - share,
                    FaultKind::Partition { .. } => i.cut = true,
                    _ => {}
                }
            }
            i.loss = 1.0 - kept;
            Some(i)
        });
    }

    /// Draws one one-way latency.
    #[inline(always)]
    fn latency(&mut self) -> SimTime {
        match self.jitter {
            Jitter::None => self.base,
            jitter => self.jittered(jitter),
        }
    }

    /// [`Link::latency`] with `jitter` drawn (out of line: a link without
    /// jitter returns its base latency where it is called).
    #[inline(never)]
    fn jittered(&mut self, jitter: Jitter) -> SimTime {
        let jitter_ms = match jitter {
            Jitter::None => 0.0,
            Jitter::Uniform { max_ms } => random::unit(&mut self.rng) * max_ms,
            Jitter::Exponential { mean_ms } => random::exponential(&mut self.rng, mean_ms),
        };
        self.base.after(SimTime::from_ms(jitter_ms))
    }
}
