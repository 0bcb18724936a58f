//! Workshop objectives: what a design must achieve, measured by a run.
//!
//! An objective names a metric of the run, a target and optionally a
//! window of simulated time. The simulation measures it (`sim::grade`);
//! nothing here looks at the drawing.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{NodeId, Slo};

/// One objective, e.g. `{ "metric": "p99_ms", "target": 200 }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// What is measured.
    pub metric: Metric,
    /// The bound: a minimum for `availability`, a maximum for the others
    /// (in the metric's unit).
    pub target: f64,
    /// Start of the measured window, s of simulated time (default: the
    /// end of the warm-up). Only `availability` and `p99_ms` have windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_s: Option<f64>,
    /// End of the measured window, s (default: the end of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_s: Option<f64>,
    /// The node measured, for the database metrics (`lost_writes`,
    /// `stale_reads`, `write_conflicts`) and `consumer_lag` (default: the
    /// sum over every database, or every queue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
}

/// A measurable property of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of client requests answered successfully in time, 0–1, at
    /// least the target.
    Availability,
    /// 99th percentile response time of completed client requests, ms, at
    /// most the target.
    P99Ms,
    /// Acknowledged writes a database failover lost, at most the target
    /// (usually 0).
    LostWrites,
    /// Reads a replica answered with data older than the newest
    /// acknowledged write of their key, at most the target.
    StaleReads,
    /// Writes to one key on two primaries (master–master) within the
    /// replication delay, resolved last writer wins, at most the target.
    WriteConflicts,
    /// Messages produced but not yet consumed at the end of the run, at
    /// most the target: the consumer group must have caught up.
    ConsumerLag,
    /// Monthly cost of the design at the run's mean size and load, US
    /// dollars, at most the target (price table in `model::cost`).
    MonthlyCostUsd,
}

impl Metric {
    /// Every metric, in the order the page offers them.
    pub const ALL: [Metric; 7] = [
        Metric::Availability,
        Metric::P99Ms,
        Metric::LostWrites,
        Metric::StaleReads,
        Metric::WriteConflicts,
        Metric::ConsumerLag,
        Metric::MonthlyCostUsd,
    ];

    /// A usual first target: three nines, 200 ms, none lost, stale or
    /// conflicting, 1,000 messages behind, $1,000 a month.
    pub fn default_target(self) -> f64 {
        match self {
            Metric::Availability => 0.999,
            Metric::P99Ms => 200.0,
            Metric::LostWrites | Metric::StaleReads | Metric::WriteConflicts => 0.0,
            Metric::ConsumerLag | Metric::MonthlyCostUsd => 1_000.0,
        }
    }

    /// Whether the target is a lower bound (availability) rather than an
    /// upper bound.
    pub fn is_minimum(self) -> bool {
        self == Metric::Availability
    }

    /// Whether the metric is measured over a window of simulated time.
    pub fn has_window(self) -> bool {
        matches!(self, Metric::Availability | Metric::P99Ms)
    }

    /// Short label for people, e.g. `p99`.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Availability => "availability",
            Metric::P99Ms => "p99",
            Metric::LostWrites => "lost writes",
            Metric::StaleReads => "stale reads",
            Metric::WriteConflicts => "write conflicts",
            Metric::ConsumerLag => "consumer lag",
            Metric::MonthlyCostUsd => "monthly cost",
        }
    }

    /// The value written for people: availability in %, p99 in ms, cost
    /// in $, counts as whole numbers.
    pub fn show(self, value: f64) -> String {
        match self {
            Metric::Availability => format!("{:.2} %", value * 100.0),
            Metric::P99Ms => format!("{value:.0} ms"),
            // `+ 0.0` writes a negative zero (a sum of nothing) as 0.
            Metric::LostWrites | Metric::StaleReads | Metric::WriteConflicts | Metric::ConsumerLag => {
                format!("{:.0}", value + 0.0)
            }
            Metric::MonthlyCostUsd => format!("${value:.0}"),
        }
    }
}

impl Objective {
    /// Whether `value` meets the target.
    pub fn met_by(&self, value: f64) -> bool {
        if self.metric.is_minimum() {
            value >= self.target
        } else {
            value <= self.target
        }
    }

    /// The objective for people, e.g. `p99 ≤ 200 ms from 30 s to 60 s`.
    pub fn describe(&self) -> String {
        let op = if self.metric.is_minimum() { "≥" } else { "≤" };
        let window = match (self.from_s, self.to_s) {
            (Some(a), Some(b)) => format!(" from {a} s to {b} s"),
            (Some(a), None) => format!(" after {a} s"),
            (None, Some(b)) => format!(" until {b} s"),
            (None, None) => String::new(),
        };
        let node = self.node.as_ref().map(|n| format!(" at {n}")).unwrap_or_default();
        format!("{}{node} {op} {}{window}", self.metric.label(), self.metric.show(self.target))
    }
}

/// One target a run is read against, and whose it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// The bound, in its figure's unit (availability 0–1, p99 ms).
    pub value: f64,
    /// It is the design's objective (else its SLO).
    pub objective: bool,
}

impl Target {
    /// What it is called on screen: `objective` or `SLO`.
    pub fn name(self) -> &'static str {
        if self.objective {
            "objective"
        } else {
            "SLO"
        }
    }
}

/// The availability and p99 targets a run is read against on screen (the
/// readouts, the error budget, the charts' target lines): each the design's
/// first objective on that figure if it has one, else its SLO. An
/// exercise's objective takes precedence, so one target of each is in
/// view, never two that disagree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Targets {
    /// Availability, 0–1.
    pub availability: Target,
    /// p99 response time, ms.
    pub p99_ms: Target,
}

impl Targets {
    /// The targets of a design with these objectives and SLO.
    pub fn of(objectives: &[Objective], slo: Slo) -> Targets {
        let pick = |metric, slo_value| {
            objectives
                .iter()
                .find(|o| o.metric == metric)
                .map_or(Target { value: slo_value, objective: false }, |o| Target { value: o.target, objective: true })
        };
        Targets {
            availability: pick(Metric::Availability, slo.availability),
            p99_ms: pick(Metric::P99Ms, slo.latency_p99_ms),
        }
    }
}

/// How hard an exercise is, for the preset gallery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// One idea, one change.
    Intro,
    /// Needs a trade-off or two changes.
    Intermediate,
    /// Several interacting mechanisms.
    Advanced,
}

impl Difficulty {
    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Difficulty::Intro => "intro",
            Difficulty::Intermediate => "intermediate",
            Difficulty::Advanced => "advanced",
        }
    }
}

/// The shipped exercise a design was opened from: grading *for the
/// exercise* uses that exercise's fault script, objectives, run settings
/// and client traffic, whatever the design's copy of them says
/// (`workshop::canonical`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseRef {
    /// The exercise's slug, its file name in `scenarios/` without `.json`,
    /// e.g. `zone-outage`.
    pub slug: String,
    /// The exercise's version: raised whenever its fault script,
    /// objectives, run settings or traffic change, so a verdict can say
    /// that a design was made for another version.
    pub version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective(metric: Metric, target: f64) -> Objective {
        Objective { metric, target, from_s: None, to_s: None, node: None }
    }

    #[test]
    fn an_objective_is_the_target_in_view_before_the_slo() {
        let slo = Slo { availability: 0.999, latency_p99_ms: 200.0 };
        let both = Targets::of(&[], slo);
        assert_eq!(both.availability, Target { value: 0.999, objective: false });
        assert_eq!((both.p99_ms.value, both.p99_ms.name()), (200.0, "SLO"));
        let graded = [objective(Metric::LostWrites, 0.0), objective(Metric::Availability, 0.98)];
        let t = Targets::of(&graded, slo);
        assert_eq!(t.availability, Target { value: 0.98, objective: true });
        assert_eq!(t.availability.name(), "objective");
        assert_eq!(t.p99_ms, Target { value: 200.0, objective: false });
    }

    #[test]
    fn availability_is_a_minimum_and_the_rest_maxima() {
        assert!(objective(Metric::Availability, 0.99).met_by(0.995));
        assert!(!objective(Metric::Availability, 0.99).met_by(0.98));
        assert!(objective(Metric::P99Ms, 200.0).met_by(200.0));
        assert!(!objective(Metric::P99Ms, 200.0).met_by(201.0));
        assert!(!objective(Metric::LostWrites, 0.0).met_by(1.0));
    }

    #[test]
    fn descriptions_name_the_metric_bound_and_window() {
        let mut o = objective(Metric::Availability, 0.999);
        o.from_s = Some(30.0);
        o.to_s = Some(60.0);
        assert_eq!(o.describe(), "availability ≥ 99.90 % from 30 s to 60 s");
        assert_eq!(objective(Metric::P99Ms, 200.0).describe(), "p99 ≤ 200 ms");
    }
}
