//! What the page shows of a live run ([`Readouts`]), taken from the
//! simulation by the worker that runs it ([`Live`]): headline figures over
//! the last window, per-node state, chart points, events and the
//! objectives graded so far.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::metrics::{Counts, FlowMeter, FlowRate, SeriesView};
use crate::sim::{BreakerSnapshot, NodeSnapshot, SimTime, Simulation, TimelineEvent};
use crate::workshop::grade::{grade, Verdict};

/// Window of the headline readouts, s.
const WINDOW_S: f64 = 10.0;

/// What readouts take anew beyond the cheap figures (the page asks at
/// most every few hundred ms of wall time while running; everything is
/// taken once the run is finished).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Take {
    /// The nodes' state (a snapshot of every node).
    pub nodes: bool,
    /// The objectives' grading (builds the run's report).
    pub grade: bool,
}

impl Take {
    /// Everything as it is now (after a step, a pause, a fault or an
    /// edit).
    pub const ALL: Take = Take { nodes: true, grade: true };
}

/// What the page shows of a run. It crosses from the worker to the page
/// as JSON, its chart points apart ([`Readouts::series`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Readouts {
    /// Simulated time, s.
    pub time_s: f64,
    /// The run's duration, s.
    pub duration_s: f64,
    /// Availability over the last window, 0–1; None when no request ended
    /// in it.
    pub availability: Option<f64>,
    /// p99 response time over the last window, ms; None when no request
    /// completed in it.
    pub p99_ms: Option<f64>,
    /// Completions per second over the last window, req/s.
    pub throughput_rps: f64,
    /// Client request counts after the warm-up.
    pub counts: Counts,
    /// Per-node state, as last taken ([`Take::nodes`]).
    pub nodes: Vec<NodeSnapshot>,
    /// Circuit breakers' states now.
    pub breakers: Vec<BreakerSnapshot>,
    /// Tries per second on each edge over the last second or more, in
    /// edge order (empty before the first full second).
    pub flows: Rc<Vec<FlowRate>>,
    /// Per-interval figures for the charts; not in the JSON (they cross as
    /// numbers, `SeriesPoint::to_row`).
    #[serde(skip)]
    pub series: SeriesView,
    /// Latency CDF after the warm-up as (ms, share ≤), once finished.
    pub cdf: Vec<(f64, f64)>,
    /// Crashes, recoveries and health-check verdicts so far.
    pub events: Rc<Vec<TimelineEvent>>,
    /// The report's digest once the run is finished (equal to what
    /// `archsim run` prints for the same scenario and seed).
    pub digest: Option<String>,
    /// Why a run guard stopped the run before its end, if one did.
    pub stopped: Option<String>,
    /// The scenario's objectives measured, as last graded
    /// ([`Take::grade`]).
    pub verdicts: Rc<Vec<Verdict>>,
}

impl Readouts {
    /// Whether the run is over (its end, or a guard stopped it).
    pub fn finished(&self) -> bool {
        self.digest.is_some()
    }
}

/// A run in progress and its chart points, kept up to date incrementally.
pub struct Live {
    /// The simulation.
    pub sim: Simulation,
    /// The chart points so far.
    view: SeriesView,
    /// The run's events, rebuilt only when there are new ones.
    events: Rc<Vec<TimelineEvent>>,
    /// The last grading of the objectives.
    verdicts: Rc<Vec<Verdict>>,
    /// The nodes' state last taken.
    nodes: Vec<NodeSnapshot>,
    /// The edges' request rates.
    flows: FlowMeter,
}

impl Live {
    /// A run starting with `sim`.
    pub fn new(sim: Simulation) -> Self {
        Live {
            sim,
            view: SeriesView::new(),
            events: Rc::default(),
            verdicts: Rc::default(),
            nodes: Vec::new(),
            flows: FlowMeter::default(),
        }
    }

    /// The readouts now: the chart points and events brought up to date,
    /// the nodes' state and the objectives taken as `take` says (both once
    /// the run is finished).
    pub fn readouts(&mut self, take: Take) -> Readouts {
        let sim = &self.sim;
        let now = sim.now();
        let from = SimTime(now.0.saturating_sub(SimTime::from_s(WINDOW_S).0));
        let metrics = sim.metrics();
        let w = metrics.series.summary(from, now);
        self.view.refresh(&metrics.series, now);
        if sim.event_count() != self.events.len() {
            self.events = Rc::new(sim.events());
        }
        let finished = sim.is_finished();
        if take.grade || finished {
            self.verdicts = Rc::new(grade(sim));
        }
        if take.nodes || finished {
            self.nodes = sim.node_snapshots();
        }
        self.flows.update(now, sim.edge_flows());
        Readouts {
            time_s: now.as_s(),
            duration_s: sim.duration().as_s(),
            availability: w.availability,
            p99_ms: w.p99_ms,
            throughput_rps: w.throughput_rps,
            counts: metrics.counts,
            nodes: self.nodes.clone(),
            breakers: sim.breakers(),
            flows: Rc::new(self.flows.rates().to_vec()),
            series: self.view.clone(),
            cdf: if finished { metrics.latency.cdf() } else { Vec::new() },
            events: self.events.clone(),
            stopped: sim.stopped().map(|s| format!("The run {}", s.message)),
            digest: finished.then(|| sim.report().digest),
            verdicts: self.verdicts.clone(),
        }
    }
}
