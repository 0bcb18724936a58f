//! Latency histograms: HDR histograms (Gil Tene's design, the `hdrhistogram`
//! crate) of response times in µs, reported in ms.

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::time::SimTime;

/// Largest recordable latency, µs (one hour); larger values are clamped.
const MAX_US: u64 = 3_600_000_000;

/// Response times with 3 significant digits (relative error ≤ 0.1%).
#[derive(Clone, Debug)]
pub struct LatencyHistogram {
    hist: Histogram<u64>,
    sum_ns: u128,
    max_ns: u64,
}

/// Latency figures of a histogram, ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Mean (exact, not from the buckets), ms.
    pub mean: f64,
    /// Median, ms.
    pub p50: f64,
    /// 90th percentile, ms.
    pub p90: f64,
    /// 95th percentile, ms.
    pub p95: f64,
    /// 99th percentile, ms.
    pub p99: f64,
    /// 99.9th percentile, ms.
    pub p999: f64,
    /// Maximum (exact), ms.
    pub max: f64,
}

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self::with_sigfig(3)
    }

    /// An empty histogram with `sigfig` significant digits (1–5): fewer
    /// digits, less memory (the time series uses 2).
    pub fn with_sigfig(sigfig: u8) -> Self {
        // Bounds and sigfig are constants within hdrhistogram's limits.
        let hist = Histogram::new_with_bounds(1, MAX_US, sigfig.clamp(1, 5)).expect("valid histogram bounds");
        LatencyHistogram { hist, sum_ns: 0, max_ns: 0 }
    }

    /// Records one response time.
    pub fn record(&mut self, latency: SimTime) {
        let us = (latency.0 / 1_000).clamp(1, MAX_US);
        self.hist.saturating_record(us);
        self.sum_ns += u128::from(latency.0);
        self.max_ns = self.max_ns.max(latency.0);
    }

    /// Adds all values of `other`.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Same bounds by construction; `add` only fails on a bounds mismatch.
        let _ = self.hist.add(&other.hist);
        self.sum_ns += other.sum_ns;
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Number of values.
    pub fn len(&self) -> u64 {
        self.hist.len()
    }

    /// Whether no value was recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mean, ms (0 when empty).
    pub fn mean_ms(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.sum_ns as f64 / self.len() as f64 / 1e6
        }
    }

    /// The value at quantile `q` (0–1), ms (0 when empty).
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.hist.value_at_quantile(q) as f64 / 1e3
        }
    }

    /// Mean, percentiles and max, ms.
    pub fn summary(&self) -> Option<LatencySummary> {
        (!self.is_empty()).then(|| LatencySummary {
            mean: self.mean_ms(),
            p50: self.quantile_ms(0.5),
            p90: self.quantile_ms(0.9),
            p95: self.quantile_ms(0.95),
            p99: self.quantile_ms(0.99),
            p999: self.quantile_ms(0.999),
            max: self.max_ns as f64 / 1e6,
        })
    }

    /// The empirical CDF: for every recorded bucket, its upper value in ms
    /// and the fraction of values at or below it (0–1), ascending. Empty
    /// when nothing was recorded.
    pub fn cdf(&self) -> Vec<(f64, f64)> {
        self.hist.iter_recorded().map(|v| (v.value_iterated_to() as f64 / 1e3, v.quantile_iterated_to())).collect()
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_uniform_set() {
        let mut h = LatencyHistogram::new();
        for ms in 1..=1000u64 {
            h.record(SimTime::from_ms(ms as f64));
        }
        let s = h.summary().unwrap();
        assert!((s.p50 - 500.0).abs() <= 0.5, "{}", s.p50);
        assert!((s.p99 - 990.0).abs() <= 1.0, "{}", s.p99);
        assert_eq!(s.max, 1000.0);
        assert!((s.mean - 500.5).abs() < 1e-9);
    }

    #[test]
    fn cdf_rises_to_one_through_the_recorded_values() {
        let mut h = LatencyHistogram::new();
        for ms in 1..=100u64 {
            h.record(SimTime::from_ms(ms as f64));
        }
        let cdf = h.cdf();
        assert_eq!(cdf.len(), 100);
        // The k-th value (k ms) has k of 100 values at or below it.
        for (k, (ms, fraction)) in cdf.iter().enumerate() {
            let k = (k + 1) as f64;
            assert!((ms - k).abs() <= k * 1e-3, "{ms} vs {k}");
            assert!((fraction - k / 100.0).abs() < 1e-12);
        }
        assert!(LatencyHistogram::new().cdf().is_empty());
    }
}
