//! Replications: one scenario run with several seeds, each figure of its
//! report given as the mean over them with a 95 % confidence interval
//! (Student t with n − 1 degrees of freedom over n independent
//! replications: A. M. Law, *Simulation Modeling and Analysis*, 5th ed.,
//! 2015, §9.4.1).

use serde::Serialize;

use crate::metrics::SeriesPoint;
use serde_json::{Map, Value};

/// Confidence level of the intervals.
pub const CONFIDENCE: f64 = 0.95;

/// A figure over replications: the mean and the confidence interval
/// `[low, high]` = mean ± `half_width`, over the `n` replications where
/// the figure is defined (in the figure's own unit).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Mean over the replications.
    pub mean: f64,
    /// Half-width of the [`CONFIDENCE`] interval: t(1 − α/2, n − 1) · s / √n.
    pub half_width: f64,
    /// `mean − half_width`.
    pub low: f64,
    /// `mean + half_width`.
    pub high: f64,
    /// Replications where the figure is defined.
    pub n: usize,
}

impl Interval {
    /// The interval of the values `xs` of one figure in independent
    /// replications; None for fewer than 2 (no spread to measure).
    pub fn of(xs: &[f64]) -> Option<Interval> {
        let n = xs.len();
        if n < 2 {
            return None;
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        let variance = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let t = distrs::StudentsT::ppf(0.5 + CONFIDENCE / 2.0, (n - 1) as f64);
        let half_width = t * (variance / n as f64).sqrt();
        Some(Interval { mean, half_width, low: mean - half_width, high: mean + half_width, n })
    }
}

/// The seeds of `n` replications from `first`: it and the next n − 1
/// (wrapping), as `archsim run --reps`, `archsim sweep`, the page's runs of
/// many seeds and an exercise's grading take them.
pub fn seeds(first: u64, n: u32) -> Vec<u64> {
    (0..u64::from(n)).map(|k| first.wrapping_add(k)).collect()
}

/// Fields of a report that belong to one run, not to a figure: its seed
/// and digest (listed apart) and its timeline of events.
const PER_RUN: [&str; 3] = ["seed", "digest", "events"];

/// The summary of `reports` (the JSON reports of one scenario run with
/// several seeds): `replications`, `confidence`, each run's `seeds` and
/// `digests`, then the report's own fields with
/// every number replaced by its [`Interval`] over the runs. What the runs
/// agree on (a setting, a count that is 0 in each, a node's kind) stays
/// as it is; differing text becomes a list in run order. Lists of the
/// same length are summarised item by item; others are listed per run.
pub fn summarize(reports: &[Value]) -> Value {
    let mut out = Map::new();
    out.insert("replications".into(), reports.len().into());
    out.insert("confidence".into(), CONFIDENCE.into());
    for (list, field) in [("seeds", "seed"), ("digests", "digest")] {
        out.insert(list.into(), reports.iter().map(|r| r[field].clone()).collect());
    }
    if let Value::Object(merged) = merge(&reports.iter().collect::<Vec<_>>()) {
        out.extend(merged.into_iter().filter(|(k, _)| !PER_RUN.contains(&k.as_str())));
    }
    Value::Object(out)
}

/// One field over the runs (`values`, one per run; `Null` where a run
/// does not have it).
fn merge(values: &[&Value]) -> Value {
    if values.windows(2).all(|w| w[0] == w[1]) {
        return values.first().map_or(Value::Null, |v| (*v).clone());
    }
    let numbers: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
    if !numbers.is_empty() && values.iter().all(|v| v.is_number() || v.is_null()) {
        return match Interval::of(&numbers) {
            Some(i) => serde_json::to_value(i).unwrap_or(Value::Null),
            None => Value::from(numbers[0]),
        };
    }
    if values.iter().all(|v| v.is_object()) {
        let mut out = Map::new();
        for v in values {
            for key in v.as_object().into_iter().flat_map(Map::keys) {
                if !out.contains_key(key) {
                    let field: Vec<&Value> = values.iter().map(|v| v.get(key).unwrap_or(&Value::Null)).collect();
                    out.insert(key.clone(), merge(&field));
                }
            }
        }
        return Value::Object(out);
    }
    let lengths: Vec<Option<usize>> = values.iter().map(|v| v.as_array().map(Vec::len)).collect();
    if let Some(&Some(len)) = lengths.first() {
        if lengths.iter().all(|&l| l == Some(len)) {
            return (0..len).map(|k| merge(&values.iter().map(|v| &v[k]).collect::<Vec<_>>())).collect();
        }
    }
    values.iter().map(|v| (*v).clone()).collect()
}

/// A figure of the time series over replications (`runs`, each run's
/// points oldest first): for each interval that every run has, its
/// midpoint (s) and the figure's [`Interval`] over the runs where `figure`
/// is defined there; an interval where fewer than 2 runs define it is
/// left out. Runs of one scenario share their intervals (the series'
/// width depends on time only).
pub fn band(runs: &[&[SeriesPoint]], figure: impl Fn(&SeriesPoint) -> Option<f64>) -> Vec<(f64, Interval)> {
    let len = runs.iter().map(|r| r.len()).min().unwrap_or(0);
    (0..len)
        .filter_map(|k| {
            let values: Vec<f64> = runs.iter().filter_map(|r| figure(&r[k])).collect();
            let p = &runs[0][k];
            Interval::of(&values).map(|i| ((p.start_s + p.end_s) / 2.0, i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_is_the_mean_plus_minus_t_times_the_standard_error() {
        // 1..5: mean 3, s = √2.5; t(0.975, 4) = 2.776 (NIST/SEMATECH
        // e-Handbook, table 1.3.6.7.2): half-width 2.776 · √2.5 / √5.
        let i = Interval::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(i.mean, 3.0);
        assert!((i.half_width - 2.776 * (2.5f64 / 5.0).sqrt()).abs() < 1e-3, "{}", i.half_width);
        assert_eq!((i.low, i.high, i.n), (i.mean - i.half_width, i.mean + i.half_width, 5));
        assert_eq!(Interval::of(&[4.0]), None);
    }

    #[test]
    fn the_t_quantiles_are_the_tables() {
        // t(0.975, ν) for ν = 1…10, 20, 30, 100 (NIST/SEMATECH e-Handbook,
        // table 1.3.6.7.2), read off Interval::of as its half-width over
        // s/√n for ν + 1 samples alternating 0 and 1.
        let table = [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (4, 2.776),
            (5, 2.571),
            (6, 2.447),
            (7, 2.365),
            (8, 2.306),
            (9, 2.262),
            (10, 2.228),
            (20, 2.086),
            (30, 2.042),
            (100, 1.984),
        ];
        for (df, t) in table {
            let xs: Vec<f64> = (0..=df).map(|k| (k % 2) as f64).collect();
            let i = Interval::of(&xs).unwrap();
            let n = xs.len() as f64;
            let s = (xs.iter().map(|x| (x - i.mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let got = i.half_width / (s / n.sqrt());
            assert!((got - t).abs() < 6e-4, "t(0.975, {df}) = {got}, table {t}");
        }
    }

    #[test]
    fn a_band_gives_each_shared_interval_its_interval_over_the_runs() {
        let point = |k: usize, rps: f64, availability: Option<f64>| SeriesPoint {
            start_s: k as f64,
            end_s: k as f64 + 1.0,
            offered_rps: rps,
            completed_rps: rps,
            errors_rps: 0.0,
            availability,
            latency_ms: None,
        };
        let runs = [
            vec![point(0, 10.0, Some(1.0)), point(1, 20.0, None), point(2, 1.0, None)],
            vec![point(0, 12.0, Some(0.9)), point(1, 22.0, None)],
            vec![point(0, 14.0, Some(0.8)), point(1, 30.0, Some(0.5))],
        ];
        let runs: Vec<&[SeriesPoint]> = runs.iter().map(Vec::as_slice).collect();
        let rps = band(&runs, |p| Some(p.completed_rps));
        // Only the two intervals every run has, at their midpoints.
        assert_eq!(rps.iter().map(|(t, _)| *t).collect::<Vec<_>>(), vec![0.5, 1.5]);
        // 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.303 (NIST table):
        // half-width 4.303 · 2 / √3.
        assert_eq!(rps[0].1.mean, 12.0);
        assert!((rps[0].1.half_width - 4.303 * 2.0 / 3f64.sqrt()).abs() < 1e-3);
        // Availability is defined in one run only in the second interval.
        let availability = band(&runs, |p| p.availability);
        assert_eq!(availability.len(), 1);
        assert!((availability[0].1.mean - 0.9).abs() < 1e-12);
        assert_eq!(band(&[], |p| Some(p.start_s)), vec![]);
    }

    #[test]
    fn a_summary_gives_each_number_its_interval_and_keeps_what_the_runs_agree_on() {
        let runs = [
            serde_json::json!({ "seed": 1, "digest": "a", "events": [1], "x": 1.0, "kind": "service", "d": 60.0,
                                "p": { "q": 2.0, "undefined": null }, "list": [1.0, 2.0], "who": "a" }),
            serde_json::json!({ "seed": 2, "digest": "b", "events": [], "x": 3.0, "kind": "service", "d": 60.0,
                                "p": { "q": 4.0, "undefined": 5.0 }, "list": [3.0, 4.0], "who": "b" }),
        ];
        let s = summarize(&runs);
        assert_eq!(s["replications"], 2);
        assert_eq!(s["seeds"], serde_json::json!([1, 2]));
        assert_eq!(s["digests"], serde_json::json!(["a", "b"]));
        assert!(s.get("seed").is_none() && s.get("events").is_none() && s.get("digest").is_none());
        // Mean 2, s = √2, t(0.975, 1) = 12.706: half-width 12.706.
        assert_eq!(s["x"]["mean"], 2.0);
        assert!((s["x"]["half_width"].as_f64().unwrap() - 12.706).abs() < 1e-3);
        assert_eq!((&s["kind"], &s["d"]), (&serde_json::json!("service"), &serde_json::json!(60.0)));
        assert_eq!(s["p"]["q"]["mean"], 3.0);
        // Defined in one run only: that value, no interval.
        assert_eq!(s["p"]["undefined"], 5.0);
        assert_eq!(s["list"][1]["mean"], 3.0);
        assert_eq!(s["who"], serde_json::json!(["a", "b"]));
    }
}
