//! Counts and latency per time interval over a whole run, in bounded memory.
//!
//! Buckets start 1 s wide. When a run outgrows [`MAX_BUCKETS`] buckets,
//! neighbours are merged and the width doubles, so an hour-long run keeps
//! 8 s buckets, and memory never exceeds `MAX_BUCKETS` histograms.

use crate::time::SimTime;

use super::{Counts, LatencyHistogram};

/// Most buckets kept at once.
pub const MAX_BUCKETS: usize = 512;

/// One interval of the series.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// Outcomes of requests that ended in the interval, and requests offered
    /// in it.
    pub counts: Counts,
    /// Response times of requests completed in the interval (2 significant
    /// digits).
    pub latency: LatencyHistogram,
}

impl Bucket {
    fn new() -> Self {
        Bucket { counts: Counts::default(), latency: LatencyHistogram::with_sigfig(2) }
    }

    fn merge(&mut self, other: &Bucket) {
        self.counts.add(&other.counts);
        self.latency.merge(&other.latency);
    }
}

/// Headline figures of a window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowSummary {
    /// Completed / ended, 0–1; None when nothing ended in the window.
    pub availability: Option<f64>,
    /// 99th percentile response time of completions, ms (2 significant
    /// digits); None when nothing completed in the window.
    pub p99_ms: Option<f64>,
    /// Completions per second, req/s.
    pub throughput_rps: f64,
}

/// A time series of [`Bucket`]s from time zero.
#[derive(Clone, Debug)]
pub struct TimeSeries {
    width: SimTime,
    buckets: Vec<Bucket>,
    /// The last bucket used, as (start ns, end ns, index): most events fall
    /// in it, and finding it again needs no division.
    hot: (u64, u64, usize),
}

impl TimeSeries {
    /// An empty series with 1 s buckets.
    pub fn new() -> Self {
        TimeSeries { width: SimTime::from_s(1.0), buckets: Vec::new(), hot: (0, 0, 0) }
    }

    /// Width of a bucket now.
    pub fn width(&self) -> SimTime {
        self.width
    }

    /// The buckets, the i-th covering `[i·width, (i+1)·width)`.
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// The bucket containing `t`, created (and the series coarsened) as
    /// needed.
    #[inline]
    pub fn bucket_mut(&mut self, t: SimTime) -> &mut Bucket {
        let (start, end, hot) = self.hot;
        if t.0 >= start && t.0 < end {
            return &mut self.buckets[hot];
        }
        self.find_bucket(t)
    }

    /// [`TimeSeries::bucket_mut`] outside the hot bucket.
    #[inline(never)]
    fn find_bucket(&mut self, t: SimTime) -> &mut Bucket {
        let mut index = (t.0 / self.width.0) as usize;
        while index >= MAX_BUCKETS {
            self.coarsen();
            index = (t.0 / self.width.0) as usize;
        }
        if index >= self.buckets.len() {
            self.buckets.resize_with(index + 1, Bucket::new);
        }
        let start = index as u64 * self.width.0;
        self.hot = (start, start + self.width.0, index);
        &mut self.buckets[index]
    }

    /// Merges neighbouring buckets pairwise; the width doubles.
    fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.buckets);
        for pair in old.chunks(2) {
            let mut merged = pair[0].clone();
            if let Some(second) = pair.get(1) {
                merged.merge(second);
            }
            self.buckets.push(merged);
        }
        self.width = SimTime(self.width.0 * 2);
        self.hot = (0, 0, 0);
    }

    /// Counts and latency over the buckets overlapping `[from, to)`.
    pub fn window(&self, from: SimTime, to: SimTime) -> Bucket {
        let mut total = Bucket::new();
        let first = (from.0 / self.width.0) as usize;
        let last = to.0.div_ceil(self.width.0) as usize;
        for b in self.buckets.iter().take(last).skip(first) {
            total.merge(b);
        }
        total
    }

    /// Availability, p99 and throughput over the buckets overlapping
    /// `[from, to)`.
    pub fn summary(&self, from: SimTime, to: SimTime) -> WindowSummary {
        let w = self.window(from, to);
        let c = w.counts;
        let span_s = to.since(from).as_s();
        WindowSummary {
            availability: c.availability(),
            p99_ms: (!w.latency.is_empty()).then(|| w.latency.quantile_ms(0.99)),
            throughput_rps: if span_s > 0.0 { c.completed as f64 / span_s } else { 0.0 },
        }
    }
}

impl Default for TimeSeries {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Outcome;

    #[test]
    fn windows_and_coarsening_keep_every_count() {
        let mut s = TimeSeries::new();
        for second in 0..2000u64 {
            let t = SimTime::from_s(second as f64 + 0.5);
            let b = s.bucket_mut(t);
            b.counts.offered += 1;
            b.counts.record(if second % 10 == 0 { Outcome::Failed } else { Outcome::Completed });
        }
        assert!(s.buckets().len() <= MAX_BUCKETS);
        assert_eq!(s.width(), SimTime::from_s(4.0));
        let all = s.window(SimTime::ZERO, SimTime::from_s(2000.0)).counts;
        assert_eq!((all.offered, all.failed, all.completed), (2000, 200, 1800));
        let summary = s.summary(SimTime::ZERO, SimTime::from_s(2000.0));
        assert!((summary.availability.unwrap() - 0.9).abs() < 1e-12);
        // An empty window has no availability and no p99 (not 100 % and 0 ms).
        let empty = s.summary(SimTime::from_s(5000.0), SimTime::from_s(5010.0));
        assert_eq!((empty.availability, empty.p99_ms), (None, None));
        assert!((summary.throughput_rps - 0.9).abs() < 1e-12);
    }
}
