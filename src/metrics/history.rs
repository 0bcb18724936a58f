//! Per-node load over time: each node's busy and queued areas (the
//! [`super::TimeIntegral`]s of its workers and queue) sampled at a fixed
//! interval, so the time-average utilization ρ and queue length over any
//! window can be read back (for the reasons a failing objective gives).
//! Memory is bounded: past [`MAX_SAMPLES`] samples, every other one is
//! dropped and the interval doubles, as [`super::TimeSeries`] does.

use crate::time::SimTime;

/// Most samples kept.
pub const MAX_SAMPLES: usize = 512;

/// One node's state at a sample: ∫ busy dt and ∫ queued dt from the
/// warm-up on (ns × level), and its worker slots (or cores) then.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadSample {
    /// ∫ busy workers dt, ns × workers.
    pub busy_area: f64,
    /// ∫ queued requests dt, ns × requests.
    pub queued_area: f64,
    /// Worker slots (or cores) at the sample.
    pub capacity: u32,
}

/// A node's time averages over a window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowLoad {
    /// Busy share of the worker slots, ρ, 0–1.
    pub utilization: f64,
    /// Mean number of requests waiting.
    pub mean_queue_len: f64,
}

/// Samples of every node's load, at `interval` from time zero.
#[derive(Clone, Debug)]
pub struct LoadHistory {
    interval: SimTime,
    times: Vec<SimTime>,
    /// Per sample, per node.
    samples: Vec<Vec<LoadSample>>,
}

impl LoadHistory {
    /// Empty, sampling every `interval` (> 0).
    pub fn new(interval: SimTime) -> Self {
        LoadHistory { interval, times: Vec::new(), samples: Vec::new() }
    }

    /// When the next sample is due.
    pub fn next_due(&self) -> SimTime {
        self.times.last().map_or(self.interval, |t| t.after(self.interval))
    }

    /// Records every node's state at `now` (the time [`Self::next_due`]
    /// said).
    pub fn record(&mut self, now: SimTime, nodes: Vec<LoadSample>) {
        self.times.push(now);
        self.samples.push(nodes);
        if self.times.len() > MAX_SAMPLES {
            // Every other sample, the newest kept.
            let n = self.times.len();
            let keep = |i: usize| (n - 1 - i) % 2 == 0;
            self.times = self.times.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, t)| *t).collect();
            self.samples = std::mem::take(&mut self.samples)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, s)| s)
                .collect();
            self.interval = SimTime(self.interval.0 * 2);
        }
    }

    /// Each node's time averages between the first and the last sample in
    /// `[from, to]`; none when fewer than two samples fall in it.
    pub fn window(&self, from: SimTime, to: SimTime) -> Option<Vec<WindowLoad>> {
        let first = self.times.iter().position(|t| *t >= from)?;
        let last = self.times.iter().rposition(|t| *t <= to)?;
        if last <= first {
            return None;
        }
        let (a, b) = (&self.samples[first], &self.samples[last]);
        let span = self.times[last].since(self.times[first]).0 as f64;
        // Worker-slot time: each sample's capacity held until the next.
        let slot_time = |node: usize| -> f64 {
            (first..last)
                .map(|i| f64::from(self.samples[i][node].capacity) * self.times[i + 1].since(self.times[i]).0 as f64)
                .sum()
        };
        Some(
            a.iter()
                .zip(b)
                .enumerate()
                .map(|(node, (a, b))| {
                    let slots = slot_time(node);
                    WindowLoad {
                        utilization: if slots > 0.0 { (b.busy_area - a.busy_area) / slots } else { 0.0 },
                        mean_queue_len: (b.queued_area - a.queued_area) / span,
                    }
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(busy_area: f64, queued_area: f64, capacity: u32) -> LoadSample {
        LoadSample { busy_area, queued_area, capacity }
    }

    #[test]
    fn a_window_reads_the_averages_between_its_samples() {
        let s = SimTime::from_s(1.0).0 as f64;
        let mut h = LoadHistory::new(SimTime::from_s(1.0));
        // One node of 4 workers: 1 busy in the first second, 3 in the next
        // two; 2 queued throughout.
        for (t, busy, queued) in [(1.0, 1.0, 2.0), (2.0, 4.0, 4.0), (3.0, 7.0, 6.0)] {
            assert_eq!(h.next_due(), SimTime::from_s(t));
            h.record(SimTime::from_s(t), vec![sample(busy * s, queued * s, 4)]);
        }
        let w = h.window(SimTime::from_s(1.0), SimTime::from_s(3.0)).unwrap();
        assert!((w[0].utilization - 6.0 / 8.0).abs() < 1e-12);
        assert!((w[0].mean_queue_len - 2.0).abs() < 1e-12);
        let late = h.window(SimTime::from_s(2.0), SimTime::from_s(3.0)).unwrap();
        assert!((late[0].utilization - 0.75).abs() < 1e-12);
        assert!(h.window(SimTime::from_s(2.5), SimTime::from_s(3.0)).is_none());
    }

    #[test]
    fn memory_stays_bounded_by_coarsening() {
        let mut h = LoadHistory::new(SimTime::from_s(1.0));
        for _ in 0..5_000 {
            let t = h.next_due();
            h.record(t, vec![sample(0.0, 0.0, 1)]);
        }
        assert!(h.times.len() <= MAX_SAMPLES);
        assert!(h.interval > SimTime::from_s(8.0));
        assert!(h.times.windows(2).all(|w| w[0] < w[1]));
    }
}
