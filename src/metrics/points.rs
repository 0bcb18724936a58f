//! The time series as chartable points: one [`SeriesPoint`] per bucket, kept
//! up to date incrementally while a run advances (only the newest bucket
//! changes), and written out as CSV.

use crate::time::SimTime;

use super::{Bucket, TimeSeries};

/// Headline figures of one interval of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeriesPoint {
    /// Start of the interval, s.
    pub start_s: f64,
    /// End of the interval (the current time for the newest one), s.
    pub end_s: f64,
    /// Requests issued per second, req/s.
    pub offered_rps: f64,
    /// Successful replies per second, req/s.
    pub completed_rps: f64,
    /// Failed, timed-out and rejected requests per second, req/s.
    pub errors_rps: f64,
    /// Completed / ended in the interval, 0–1; `None` when nothing ended.
    pub availability: Option<f64>,
    /// Response-time percentiles of the interval's completions, ms (2
    /// significant digits); `None` when nothing completed.
    pub latency_ms: Option<Percentiles>,
}

/// p50, p95 and p99 of one interval, ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Percentiles {
    /// Median, ms.
    pub p50: f64,
    /// 95th percentile, ms.
    pub p95: f64,
    /// 99th percentile, ms.
    pub p99: f64,
}

impl SeriesPoint {
    /// The figures of a row ([`SeriesPoint::to_row`]), in order.
    pub const COLUMNS: [&'static str; 9] = [
        "start_s",
        "end_s",
        "offered_rps",
        "completed_rps",
        "errors_rps",
        "availability",
        "p50_ms",
        "p95_ms",
        "p99_ms",
    ];

    /// The point as numbers in the order of [`SeriesPoint::COLUMNS`], NaN
    /// where a figure is undefined: a compact form that crosses from a
    /// worker to the page.
    pub fn to_row(&self) -> [f64; 9] {
        let l = self.latency_ms.map_or([f64::NAN; 3], |l| [l.p50, l.p95, l.p99]);
        let a = self.availability.unwrap_or(f64::NAN);
        [self.start_s, self.end_s, self.offered_rps, self.completed_rps, self.errors_rps, a, l[0], l[1], l[2]]
    }

    /// The point of a row written by [`SeriesPoint::to_row`]; None unless
    /// it has 9 numbers.
    pub fn from_row(row: &[f64]) -> Option<SeriesPoint> {
        let &[start_s, end_s, offered_rps, completed_rps, errors_rps, a, p50, p95, p99] = row else { return None };
        Some(SeriesPoint {
            start_s,
            end_s,
            offered_rps,
            completed_rps,
            errors_rps,
            availability: (!a.is_nan()).then_some(a),
            latency_ms: (!p50.is_nan()).then_some(Percentiles { p50, p95, p99 }),
        })
    }

    /// The figures of `bucket`, covering `[start, end)`; `None` for an empty
    /// span.
    fn of(bucket: &Bucket, start: SimTime, end: SimTime) -> Option<SeriesPoint> {
        let span_s = end.since(start).as_s();
        if span_s <= 0.0 {
            return None;
        }
        let c = &bucket.counts;
        let ended = c.ended();
        let l = &bucket.latency;
        Some(SeriesPoint {
            start_s: start.as_s(),
            end_s: end.as_s(),
            offered_rps: c.offered as f64 / span_s,
            completed_rps: c.completed as f64 / span_s,
            errors_rps: (ended - c.completed) as f64 / span_s,
            availability: c.availability(),
            latency_ms: (!l.is_empty()).then(|| Percentiles {
                p50: l.quantile_ms(0.5),
                p95: l.quantile_ms(0.95),
                p99: l.quantile_ms(0.99),
            }),
        })
    }
}

/// Chart points of a [`TimeSeries`], refreshed as the run advances.
///
/// A refresh recomputes only the newest point and any new ones (percentiles
/// of a bucket cost a pass over its histogram), unless the series coarsened,
/// which redoes all of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesView {
    width: SimTime,
    points: Vec<SeriesPoint>,
}

impl SeriesView {
    /// An empty view.
    pub fn new() -> Self {
        Self::default()
    }

    /// A view of these points, oldest first (as they crossed from a
    /// worker): a refresh starts it over.
    pub fn of_points(points: Vec<SeriesPoint>) -> Self {
        SeriesView { width: SimTime::ZERO, points }
    }

    /// The points, oldest first.
    pub fn points(&self) -> &[SeriesPoint] {
        &self.points
    }

    /// Brings the points up to `series` at simulated time `now`: a bucket
    /// that `now` has not passed yet covers `[start, now)`, so its rates are
    /// not diluted by time still to come.
    pub fn refresh(&mut self, series: &TimeSeries, now: SimTime) {
        let width = series.width();
        if width != self.width {
            self.width = width;
            self.points.clear();
        }
        let from = self.points.len().saturating_sub(1);
        self.points.truncate(from);
        for (i, bucket) in series.buckets().iter().enumerate().skip(from) {
            let start = SimTime(i as u64 * width.0);
            let end = SimTime(start.0 + width.0).min(now);
            if let Some(p) = SeriesPoint::of(bucket, start, end) {
                self.points.push(p);
            }
        }
    }

    /// The points as CSV with a header row ([`SeriesPoint::COLUMNS`]):
    /// times in s, rates in req/s, availability 0–1, latency in ms; an empty
    /// field where a figure is undefined (nothing ended or completed in the
    /// interval).
    pub fn to_csv(&self) -> String {
        let mut out = SeriesPoint::COLUMNS.join(",");
        for p in &self.points {
            let fields: Vec<String> =
                p.to_row().iter().map(|v| if v.is_nan() { String::new() } else { v.to_string() }).collect();
            out.push('\n');
            out.push_str(&fields.join(","));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Outcome;

    /// A series of `seconds` one-second buckets: bucket i has i + 10 offers,
    /// i + 5 completions of (i + 1) ms each and one failure when i is even.
    fn series(seconds: u64) -> TimeSeries {
        let mut s = TimeSeries::new();
        for i in 0..seconds {
            let t = SimTime::from_s(i as f64 + 0.25);
            let b = s.bucket_mut(t);
            b.counts.offered += i + 10;
            for _ in 0..i + 5 {
                b.counts.record(Outcome::Completed);
                b.latency.record(SimTime::from_ms((i + 1) as f64));
            }
            if i % 2 == 0 {
                b.counts.record(Outcome::Failed);
            }
        }
        s
    }

    #[test]
    fn points_give_each_interval_its_rates_availability_and_percentiles() {
        let s = series(3);
        let mut v = SeriesView::new();
        v.refresh(&s, SimTime::from_s(2.5));
        let p = v.points();
        assert_eq!(p.len(), 3);
        // Bucket 1: 11 offered, 6 completed at 2 ms, no failure, over 1 s.
        assert_eq!((p[1].start_s, p[1].end_s, p[1].offered_rps, p[1].completed_rps), (1.0, 2.0, 11.0, 6.0));
        assert_eq!((p[1].errors_rps, p[1].availability), (0.0, Some(1.0)));
        let l = p[1].latency_ms.unwrap();
        assert!((l.p50 - 2.0).abs() < 0.02 && (l.p99 - 2.0).abs() < 0.02, "{l:?}");
        // Bucket 2 is half elapsed at 2.5 s: 12 offers over 0.5 s, 7 of 8
        // ended requests completed.
        assert_eq!((p[2].end_s, p[2].offered_rps, p[2].completed_rps, p[2].errors_rps), (2.5, 24.0, 14.0, 2.0));
        assert_eq!(p[2].availability, Some(7.0 / 8.0));
    }

    #[test]
    fn refreshing_step_by_step_equals_computing_afresh_even_across_coarsening() {
        let mut s = TimeSeries::new();
        let mut v = SeriesView::new();
        for i in 0..1500u64 {
            let t = SimTime::from_s(i as f64 * 0.7);
            let b = s.bucket_mut(t);
            b.counts.offered += 1;
            b.counts.record(if i % 7 == 0 { Outcome::TimedOut } else { Outcome::Completed });
            b.latency.record(SimTime::from_ms((i % 13 + 1) as f64));
            if i % 50 == 0 {
                v.refresh(&s, t);
            }
        }
        let now = SimTime::from_s(1050.0);
        v.refresh(&s, now);
        let mut fresh = SeriesView::new();
        fresh.refresh(&s, now);
        assert_eq!(s.width(), SimTime::from_s(4.0));
        assert_eq!(v, fresh);
        let total: f64 = v.points().iter().map(|p| p.offered_rps * (p.end_s - p.start_s)).sum();
        assert!((total - 1500.0).abs() < 1e-6, "{total}");
    }

    #[test]
    fn a_point_survives_its_row_undefined_figures_included() {
        let v = {
            let mut v = SeriesView::new();
            v.refresh(&series(3), SimTime::from_s(3.0));
            v
        };
        let empty = SeriesPoint { availability: None, latency_ms: None, ..v.points()[0] };
        for p in v.points().iter().chain([&empty]) {
            assert_eq!(SeriesPoint::from_row(&p.to_row()).as_ref(), Some(p));
        }
        assert_eq!(SeriesPoint::from_row(&[1.0; 8]), None);
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_point_with_blanks_for_undefined_figures() {
        let mut s = TimeSeries::new();
        s.bucket_mut(SimTime::from_s(0.5)).counts.offered += 4;
        let mut v = SeriesView::new();
        v.refresh(&s, SimTime::from_s(1.0));
        let csv = v.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "start_s,end_s,offered_rps,completed_rps,errors_rps,availability,p50_ms,p95_ms,p99_ms");
        assert_eq!(lines[1], "0,1,4,0,0,,,,");
        assert_eq!(lines.len(), 2);
    }
}
