//! Time averages of a level that changes at events (busy workers, queue
//! length), counted only after the warm-up.

use crate::time::SimTime;

/// ∫ level dt from the warm-up on, kept exactly in integer ns × level.
#[derive(Clone, Debug)]
pub struct TimeIntegral {
    level: u64,
    /// Integrated up to here; never before `start`, so nothing in the
    /// warm-up counts.
    since: SimTime,
    area: u128,
    start: SimTime,
}

impl TimeIntegral {
    /// A zero level, integrated from `start` (the end of the warm-up).
    pub fn new(start: SimTime) -> Self {
        TimeIntegral { level: 0, since: start, area: 0, start }
    }

    /// The current level.
    pub fn level(&self) -> u64 {
        self.level
    }

    /// Sets the level from `now` on.
    pub fn set(&mut self, now: SimTime, level: u64) {
        self.accumulate(now);
        self.level = level;
    }

    /// Adds `delta` (may be negative) to the level from `now` on.
    pub fn add(&mut self, now: SimTime, delta: i64) {
        let level = self.level.saturating_add_signed(delta);
        self.set(now, level);
    }

    fn accumulate(&mut self, now: SimTime) {
        if now > self.since {
            self.area += product(self.level, now.0 - self.since.0);
            self.since = now;
        }
    }

    /// ∫ level dt over [start, now], in ns × level.
    pub fn area_until(&self, now: SimTime) -> u128 {
        let mut copy = self.clone();
        copy.accumulate(now);
        copy.area
    }

    /// Time-average level over [start, now].
    pub fn mean(&self, now: SimTime) -> f64 {
        let span = now.since(self.start).0;
        if span == 0 {
            0.0
        } else {
            self.area_until(now) as f64 / span as f64
        }
    }
}

/// `level × span` exactly. Wasm has no 64 × 64 → 128-bit multiply (it
/// calls a library routine), so there a 64-bit multiply does when both fit
/// in 32 bits (nearly always: under 4.3 s between changes); x86-64 and
/// ARM64 have the wide multiply. Same result either way (`scripts/bench`
/// compares native and Wasm digests).
fn product(level: u64, span: u64) -> u128 {
    if cfg!(target_arch = "wasm32") && (level | span) >> 32 == 0 {
        u128::from(level * span)
    } else {
        u128::from(level) * u128::from(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_only_after_start() {
        let mut i = TimeIntegral::new(SimTime(10));
        i.set(SimTime(0), 4); // 4 during [0, 10) is warm-up, ignored
        i.set(SimTime(15), 2); // 4 during [10, 15)
        i.add(SimTime(20), -2); // 2 during [15, 20), then 0
        assert_eq!(i.mean(SimTime(30)), (4.0 * 5.0 + 2.0 * 5.0) / 20.0);
    }

    #[test]
    fn areas_past_64_bits_stay_exact() {
        let mut i = TimeIntegral::new(SimTime::ZERO);
        i.set(SimTime::ZERO, 1 << 33);
        let t = SimTime(1 << 40);
        assert_eq!(i.area_until(t), 1u128 << 73);
        i.set(t, 7);
        assert_eq!(i.area_until(SimTime(t.0 + 3)), (1u128 << 73) + 21);
    }
}
