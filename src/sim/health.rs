//! Active health checking of one target: the verdict flips after a
//! threshold of consecutive contrary probes (AWS Elastic Load Balancing
//! target-group and Route 53 health checks, Envoy's active health checking).

use crate::model::HealthCheck;

use super::component::Ctx;
use super::event::Timer;
use super::SimTime;

/// Schedules `node`'s next round of probes one interval from now (the
/// first at `interval_ms` from time 0).
pub fn schedule_probes(ctx: &mut Ctx, node: u32, h: &HealthCheck) {
    ctx.set_timer(node, Timer::HealthCheck, ctx.now().after(SimTime::from_ms(h.interval_ms)));
}

/// The health checker's view of one target.
#[derive(Clone, Copy, Debug)]
pub struct Verdict {
    /// In rotation (or in DNS answers).
    pub healthy: bool,
    /// Consecutive probes that contradict the verdict.
    streak: u32,
}

impl Default for Verdict {
    fn default() -> Self {
        Verdict { healthy: true, streak: 0 }
    }
}

impl Verdict {
    /// A target not registered (yet): out, and in only after
    /// `healthy_threshold` good probes once registered.
    pub const UNREGISTERED: Verdict = Verdict { healthy: false, streak: 0 };

    /// Records a probe that found the target `up`; returns the threshold
    /// reached when the verdict flips.
    pub fn probe(&mut self, up: bool, h: &HealthCheck) -> Option<u32> {
        if up == self.healthy {
            self.streak = 0;
            return None;
        }
        self.streak += 1;
        let threshold = if self.healthy { h.unhealthy_threshold } else { h.healthy_threshold };
        if self.streak < threshold {
            return None;
        }
        self.healthy = up;
        self.streak = 0;
        Some(threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flips_after_the_threshold_of_consecutive_contrary_probes() {
        let h = HealthCheck { interval_ms: 1_000.0, unhealthy_threshold: 3, healthy_threshold: 2 };
        let mut v = Verdict::default();
        assert_eq!([false, false, true, false, false].map(|up| v.probe(up, &h)), [None; 5]);
        assert_eq!(v.probe(false, &h), Some(3));
        assert!(!v.healthy);
        assert_eq!([true, true].map(|up| v.probe(up, &h)), [None, Some(2)]);
        assert!(v.healthy);
    }
}
