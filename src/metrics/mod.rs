//! What happened in a run: client outcome counts, latency histograms, time
//! series, and per-node time integrals.
//!
//! Memory is bounded whatever the run length: latency lives in HDR
//! histograms (the `hdrhistogram` crate), and the time series keeps at most
//! [`series::MAX_BUCKETS`] buckets, doubling their width when it would need
//! more.

mod flow;
mod history;
mod integral;
mod latency;
mod node;
mod points;
mod series;

pub use flow::{EdgeFlow, FlowMeter, FlowRate, FLOW_WINDOW_S, MAX_DOTS};
pub use history::{LoadHistory, LoadSample, WindowLoad};
pub use integral::TimeIntegral;
pub use latency::{LatencyHistogram, LatencySummary};
pub use node::NodeStats;
pub use points::{Percentiles, SeriesPoint, SeriesView};
pub use series::{Bucket, TimeSeries, WindowSummary, MAX_BUCKETS};

use serde::{Deserialize, Serialize};

use crate::time::SimTime;

/// How one client request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A successful reply before the client's timeout.
    Completed,
    /// An error reply (a failure somewhere in the call tree).
    Failed,
    /// No reply before the client's timeout.
    TimedOut,
    /// Refused for lack of capacity (a full queue, a connection limit).
    Rejected,
}

/// Client request counts. Every request offered ends exactly once, so
/// `offered = completed + failed + timed_out + rejected + in_flight`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Requests issued by clients.
    pub offered: u64,
    /// Successful replies in time.
    pub completed: u64,
    /// Error replies.
    pub failed: u64,
    /// No reply in time.
    pub timed_out: u64,
    /// Refused for lack of capacity.
    pub rejected: u64,
}

impl Counts {
    /// Adds one outcome.
    pub fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Completed => self.completed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::TimedOut => self.timed_out += 1,
            Outcome::Rejected => self.rejected += 1,
        }
    }

    /// Requests that have ended, whatever the outcome.
    pub fn ended(&self) -> u64 {
        self.completed + self.failed + self.timed_out + self.rejected
    }

    /// Availability: completed / ended, 0–1; None when none ended (a share
    /// of no requests is no figure, not 100 %).
    pub fn availability(&self) -> Option<f64> {
        (self.ended() > 0).then(|| self.completed as f64 / self.ended() as f64)
    }

    /// The share of an availability SLO's error budget these requests
    /// leave, 0–1 (negative once overspent): 1 − failures / ((1 − `slo`) ×
    /// ended), the failures being every ended request that did not complete
    /// (Google SRE book, ch. 3 "Embracing Risk"). `None` before any request
    /// ended.
    pub fn error_budget_left(&self, slo: f64) -> Option<f64> {
        let ended = self.ended();
        let failures = (ended - self.completed) as f64;
        (ended > 0).then(|| if failures == 0.0 { 1.0 } else { 1.0 - failures / ((1.0 - slo) * ended as f64) })
    }

    /// Adds another set of counts.
    pub fn add(&mut self, other: &Counts) {
        self.offered += other.offered;
        self.completed += other.completed;
        self.failed += other.failed;
        self.timed_out += other.timed_out;
        self.rejected += other.rejected;
    }
}

/// Client-level metrics of a run: totals after the warm-up and a time
/// series over the whole run.
pub struct ClientMetrics {
    warmup: SimTime,
    /// Counts of requests issued after the warm-up (by issue time).
    pub counts: Counts,
    /// Response times of requests issued after the warm-up and completed.
    pub latency: LatencyHistogram,
    /// Per-interval counts and latency over the whole run (by event time).
    pub series: TimeSeries,
}

impl ClientMetrics {
    /// Empty metrics; requests issued before `warmup` do not count in the
    /// totals.
    pub fn new(warmup: SimTime) -> Self {
        ClientMetrics { warmup, counts: Counts::default(), latency: LatencyHistogram::new(), series: TimeSeries::new() }
    }

    /// A client issued a request at `now`.
    pub fn offered(&mut self, now: SimTime) {
        if now >= self.warmup {
            self.counts.offered += 1;
        }
        self.series.bucket_mut(now).counts.offered += 1;
    }

    /// A request issued at `born` ended at `now` with `outcome`.
    pub fn ended(&mut self, born: SimTime, now: SimTime, outcome: Outcome) {
        let response = now.since(born);
        if born >= self.warmup {
            self.counts.record(outcome);
            if outcome == Outcome::Completed {
                self.latency.record(response);
            }
        }
        let bucket = self.series.bucket_mut(now);
        bucket.counts.record(outcome);
        if outcome == Outcome::Completed {
            bucket.latency.record(response);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_budget_is_the_share_of_allowed_failures_left() {
        let counts = |completed, failed| Counts { offered: completed + failed, completed, failed, ..Counts::default() };
        // SLO 99%: 10 000 requests allow 100 failures; 25 used, 75% left.
        assert!((counts(9_975, 25).error_budget_left(0.99).unwrap() - 0.75).abs() < 1e-12);
        // 300 failures: three budgets spent, −200% left.
        assert!((counts(9_700, 300).error_budget_left(0.99).unwrap() + 2.0).abs() < 1e-12);
        // A 100% SLO has no budget: untouched while nothing fails.
        assert_eq!(counts(10, 0).error_budget_left(1.0), Some(1.0));
        assert_eq!(Counts::default().error_budget_left(0.99), None);
    }
}
