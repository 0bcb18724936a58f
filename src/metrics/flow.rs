//! Requests on each call (edge) of a run: the tries that ended on it,
//! counted by the engine, and their rates over the last second or more of
//! simulated time, which the canvas animates as dots moving along the
//! edges (density proportional to the rate, failures in red).

use crate::time::SimTime;

/// Tries on one edge that ended since the run started: answered, and
/// failed (an error, a refusal, a timeout).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EdgeFlow {
    /// Answered tries.
    pub ok: u64,
    /// Failed tries.
    pub failed: u64,
}

impl EdgeFlow {
    /// Counts one try that ended.
    pub fn count(&mut self, ok: bool) {
        if ok {
            self.ok += 1;
        } else {
            self.failed += 1;
        }
    }
}

/// The rates of tries ending on one edge, req/s of simulated time.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FlowRate {
    /// Answered tries per second.
    pub ok_rps: f64,
    /// Failed tries per second.
    pub failed_rps: f64,
}

/// Dots drawn on the busiest edge.
pub const MAX_DOTS: u32 = 12;

impl FlowRate {
    /// Tries per second, answered or not.
    pub fn total_rps(&self) -> f64 {
        self.ok_rps + self.failed_rps
    }

    /// Dots drawn on this edge, (answered, failed), when the busiest edge
    /// carries `busiest` req/s: [`MAX_DOTS`] on the busiest, proportionally
    /// fewer on the others, at least one for any flow at all; the failed
    /// ones in proportion to the failed share (at least one when any
    /// failed).
    pub fn dots(&self, busiest: f64) -> (u32, u32) {
        let total = self.total_rps();
        if total <= 0.0 || busiest <= 0.0 {
            return (0, 0);
        }
        let all = ((total / busiest * f64::from(MAX_DOTS)).round() as u32).clamp(1, MAX_DOTS);
        let failed = if self.failed_rps > 0.0 {
            ((self.failed_rps / total * f64::from(all)).round() as u32).clamp(1, all)
        } else {
            0
        };
        (all - failed, failed)
    }
}

/// Shortest window the rates are measured over, s of simulated time.
pub const FLOW_WINDOW_S: f64 = 1.0;

/// Per-edge rates from the engine's running counts: each measured over the
/// window that ended when at least [`FLOW_WINDOW_S`] had passed since the
/// previous one.
#[derive(Clone, Debug, Default)]
pub struct FlowMeter {
    /// Start of the window being filled, and the counts then.
    since: SimTime,
    base: Vec<EdgeFlow>,
    /// The rates of the last full window, in edge order (empty before it).
    rates: Vec<FlowRate>,
}

impl FlowMeter {
    /// Takes the running counts at `now`; closes the window (and
    /// measures its rates) once it spans [`FLOW_WINDOW_S`].
    pub fn update(&mut self, now: SimTime, counts: &[EdgeFlow]) {
        if self.base.len() != counts.len() {
            *self = FlowMeter { since: now, base: counts.to_vec(), rates: Vec::new() };
            return;
        }
        let span_s = now.since(self.since).as_s();
        if span_s < FLOW_WINDOW_S {
            return;
        }
        let rate = |now: u64, then: u64| now.saturating_sub(then) as f64 / span_s;
        self.rates = counts
            .iter()
            .zip(&self.base)
            .map(|(c, b)| FlowRate { ok_rps: rate(c.ok, b.ok), failed_rps: rate(c.failed, b.failed) })
            .collect();
        self.since = now;
        self.base.copy_from_slice(counts);
    }

    /// The rates of the last full window, in edge order (empty before the
    /// first).
    pub fn rates(&self) -> &[FlowRate] {
        &self.rates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_proportional_to_the_rate_with_the_failed_share_in_red() {
        let busiest = 1000.0;
        assert_eq!(FlowRate { ok_rps: 1000.0, failed_rps: 0.0 }.dots(busiest), (12, 0));
        assert_eq!(FlowRate { ok_rps: 500.0, failed_rps: 0.0 }.dots(busiest), (6, 0));
        // 250 req/s of which 40 % failed: 3 dots, 1.2 → 1 of them red.
        assert_eq!(FlowRate { ok_rps: 150.0, failed_rps: 100.0 }.dots(busiest), (2, 1));
        // Any flow shows; any failure shows.
        assert_eq!(FlowRate { ok_rps: 1.0, failed_rps: 0.0 }.dots(busiest), (1, 0));
        assert_eq!(FlowRate { ok_rps: 999.0, failed_rps: 1.0 }.dots(busiest), (11, 1));
        assert_eq!(FlowRate::default().dots(busiest), (0, 0));
    }

    #[test]
    fn rates_are_measured_over_windows_of_at_least_a_second() {
        let mut m = FlowMeter::default();
        let flow = |ok, failed| EdgeFlow { ok, failed };
        m.update(SimTime::from_s(2.0), &[flow(100, 0), flow(0, 0)]);
        assert!(m.rates().is_empty(), "no full window yet");
        m.update(SimTime::from_s(2.5), &[flow(400, 10), flow(0, 0)]);
        assert!(m.rates().is_empty(), "half a second is not a window");
        m.update(SimTime::from_s(4.0), &[flow(700, 20), flow(50, 0)]);
        // 600 answered and 20 failed over 2 s; 50 over 2 s.
        assert_eq!(
            m.rates(),
            [FlowRate { ok_rps: 300.0, failed_rps: 10.0 }, FlowRate { ok_rps: 25.0, failed_rps: 0.0 }]
        );
        m.update(SimTime::from_s(5.0), &[flow(800, 20), flow(50, 0)]);
        assert_eq!(m.rates()[0], FlowRate { ok_rps: 100.0, failed_rps: 0.0 });
    }
}
