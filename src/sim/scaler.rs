//! Target-tracking autoscaling of a service pool: which replica slots are
//! off, launching, in service (warming or warmed) or draining, the metric
//! the policy tracks, and the decisions. The pool carries them out (it
//! owns the workers); the kernel's boards say which replicas are up and
//! which take new requests.

use crate::metrics::TimeIntegral;
use crate::model::{Autoscaling, ScalingMetric};

use super::SimTime;

/// The life of a replica slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// Not running.
    Off,
    /// Launched, not in service yet.
    Launching,
    /// Taking requests since the given time.
    InService(SimTime),
    /// Taking no new requests; stops when idle.
    Draining,
}

/// A scaling decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Launch these many replicas.
    Out(u32),
    /// Drain these many replicas.
    In(u32),
}

/// An autoscaled pool's scaling state.
pub struct Scaler {
    cfg: Autoscaling,
    /// Per slot.
    pub slots: Vec<Slot>,
    /// Per slot: busy workers over time (from time 0), for the metric.
    busy: Vec<TimeIntegral>,
    /// Per slot: the busy area at the last evaluation.
    area_then: Vec<u128>,
    last_evaluation: SimTime,
    last_action: Option<SimTime>,
    /// Replicas in service over time (for the report's utilization).
    pub serving: TimeIntegral,
    /// Scaling actions taken.
    pub actions: u32,
}

impl Scaler {
    /// `slots` slots, the first `initial` in service from time 0; time
    /// averages from `warmup` on.
    pub fn new(cfg: Autoscaling, slots: u32, initial: u32, warmup: SimTime) -> Scaler {
        let state = |k| if k < initial { Slot::InService(SimTime::ZERO) } else { Slot::Off };
        let mut serving = TimeIntegral::new(warmup);
        serving.set(SimTime::ZERO, u64::from(initial));
        Scaler {
            cfg,
            slots: (0..slots).map(state).collect(),
            busy: (0..slots).map(|_| TimeIntegral::new(SimTime::ZERO)).collect(),
            area_then: vec![0; slots as usize],
            last_evaluation: SimTime::ZERO,
            last_action: None,
            serving,
            actions: 0,
        }
    }

    /// Time between evaluations.
    pub fn interval(&self) -> SimTime {
        SimTime::from_s(self.cfg.interval_s)
    }

    /// Time from launch to service.
    pub fn provisioning(&self) -> SimTime {
        SimTime::from_s(self.cfg.provisioning_s)
    }

    /// Slot `slot`'s busy workers change by `delta` at `now`.
    pub fn busy_changed(&mut self, slot: usize, now: SimTime, delta: i64) {
        self.busy[slot].add(now, delta);
    }

    /// Replicas taking requests (warming or warmed).
    pub fn in_service(&self) -> u32 {
        self.slots.iter().filter(|s| matches!(s, Slot::InService(_))).count() as u32
    }

    /// Moves `slot` to `state` at `now`.
    pub fn set(&mut self, slot: usize, state: Slot, now: SimTime) {
        self.slots[slot] = state;
        self.serving.set(now, u64::from(self.in_service()));
    }

    /// Evaluates the policy at `now` for a pool of `workers` per replica
    /// whose slot `k` has `queued(k)` requests waiting: the desired count is
    /// ⌈warmed × metric / target⌉ + warming (warming replicas count at the
    /// target), clamped, against the replicas in service or launching.
    /// Returns the decision (if any) and the metric.
    pub fn evaluate(&mut self, now: SimTime, workers: u32, queued: impl Fn(usize) -> usize) -> (Option<Decision>, f64) {
        let span = now.since(self.last_evaluation).0 as f64;
        self.last_evaluation = now;
        let warm = SimTime::from_s(self.cfg.warmup_s);
        let (mut warmed, mut warming, mut total) = (0u32, 0u32, 0.0);
        for (k, slot) in self.slots.iter().enumerate() {
            let area = self.busy[k].area_until(now);
            let delta = area - self.area_then[k];
            self.area_then[k] = area;
            let Slot::InService(since) = *slot else { continue };
            if now.since(since) < warm {
                warming += 1;
                continue;
            }
            warmed += 1;
            total += match self.cfg.metric {
                ScalingMetric::Utilization if span > 0.0 => delta as f64 / (span * f64::from(workers)),
                ScalingMetric::Utilization => 0.0,
                ScalingMetric::QueueLength => queued(k) as f64,
            };
        }
        if warmed == 0 {
            return (None, 0.0);
        }
        let metric = total / f64::from(warmed);
        // A hair below the next integer stays below it (rounding noise).
        let wanted = libm::ceil(f64::from(warmed) * metric / self.cfg.target - 1e-9).max(0.0) as u32 + warming;
        let desired = wanted.clamp(self.cfg.min_replicas, self.cfg.max_replicas);
        let launching = self.slots.iter().filter(|s| **s == Slot::Launching).count() as u32;
        let current = warmed + warming + launching;
        let cooled = self.last_action.is_none_or(|t| now.since(t) >= SimTime::from_s(self.cfg.cooldown_s));
        let decision = if desired > current {
            Some(Decision::Out(desired - current))
        } else if desired < warmed + warming && cooled && launching == 0 {
            Some(Decision::In(warmed + warming - desired))
        } else {
            None
        };
        if decision.is_some() {
            self.last_action = Some(now);
            self.actions += 1;
        }
        (decision, metric)
    }

    /// What the policy tracks, for the event log.
    pub fn metric_name(&self) -> &'static str {
        match self.cfg.metric {
            ScalingMetric::Utilization => "utilization",
            ScalingMetric::QueueLength => "queue length per replica",
        }
    }

    /// The target, as the log shows it.
    pub fn target(&self) -> f64 {
        self.cfg.target
    }
}
