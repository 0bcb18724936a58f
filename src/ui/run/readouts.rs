//! What the page shows of a run, refreshed from the simulation: headline
//! figures over the last window, per-node state, chart points, events and
//! the objectives graded so far.

use std::rc::Rc;

use crate::metrics::{Counts, FlowMeter, FlowRate, SeriesView};
use crate::sim::{BreakerSnapshot, NodeSnapshot, SimTime, Simulation, TimelineEvent};
use crate::workshop::grade::{grade, Verdict};

use super::stepper::wall_ms;

/// Window of the headline readouts, s.
const WINDOW_S: f64 = 10.0;
/// Wall time between two gradings of the objectives while running, ms
/// (grading builds the run's report).
const GRADE_MS: f64 = 500.0;
/// Wall time between two refreshes of the nodes' figures while running,
/// ms: figures that change 20 times a second cannot be read, and redrawing
/// every node of a large design on each tick costs frames (see "Frame
/// times" in docs/performance.md).
const NODES_MS: f64 = 250.0;

/// Something taken at most every `ms` of wall time while running.
#[derive(Clone, Copy, Debug)]
struct Every {
    ms: f64,
    /// When it was last taken, wall ms.
    at: f64,
}

impl Every {
    /// Due at once, then every `ms`.
    const fn new(ms: f64) -> Self {
        Every { ms, at: f64::MIN }
    }

    /// Whether it is due now (always when `forced`); if so, it counts as
    /// taken now.
    fn due(&mut self, forced: bool) -> bool {
        let now = wall_ms();
        let due = forced || now - self.at >= self.ms;
        if due {
            self.at = now;
        }
        due
    }
}

/// What the page shows of a run.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Per-node state (at most [`NODES_MS`] old while running; now when
    /// paused or finished).
    pub nodes: Vec<NodeSnapshot>,
    /// Circuit breakers' states now.
    pub breakers: Vec<BreakerSnapshot>,
    /// Tries per second on each edge over the last second or more, in
    /// edge order (empty before the first full second).
    pub flows: Rc<Vec<FlowRate>>,
    /// Per-interval figures for the charts.
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
    /// The scenario's objectives measured so far (at most every
    /// [`GRADE_MS`], and at the end).
    pub verdicts: Rc<Vec<Verdict>>,
}

/// A run in progress and its chart points, kept up to date incrementally.
pub struct Live {
    /// The simulation.
    pub sim: Simulation,
    /// The chart points so far.
    view: SeriesView,
    /// The run's events, rebuilt only when there are new ones.
    events: Rc<Vec<TimelineEvent>>,
    /// The last grading of the objectives, and when the next is due.
    verdicts: Rc<Vec<Verdict>>,
    grading: Every,
    /// The nodes' state last taken, and when it is next.
    nodes: Vec<NodeSnapshot>,
    taking_nodes: Every,
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
            grading: Every::new(GRADE_MS),
            nodes: Vec::new(),
            taking_nodes: Every::new(NODES_MS),
            flows: FlowMeter::default(),
        }
    }

    /// Grade the objectives and take the nodes' state at the next readouts
    /// (an edit, a fault, a step or a pause: shown as they are now).
    pub fn refresh(&mut self) {
        self.grading = Every::new(GRADE_MS);
        self.taking_nodes = Every::new(NODES_MS);
    }
}

impl Readouts {
    /// The readouts of `live` now (the chart points and events brought up
    /// to date, the objectives graded if [`GRADE_MS`] passed, the nodes'
    /// state taken if [`NODES_MS`] passed; both when finished).
    pub fn of(live: &mut Live) -> Readouts {
        let sim = &live.sim;
        let now = sim.now();
        let from = SimTime(now.0.saturating_sub(SimTime::from_s(WINDOW_S).0));
        let metrics = sim.metrics();
        let w = metrics.series.summary(from, now);
        live.view.refresh(&metrics.series, now);
        if sim.event_count() != live.events.len() {
            live.events = Rc::new(sim.events());
        }
        let finished = sim.is_finished();
        if live.grading.due(finished) {
            live.verdicts = Rc::new(grade(sim));
        }
        if live.taking_nodes.due(finished) {
            live.nodes = sim.node_snapshots();
        }
        live.flows.update(now, sim.edge_flows());
        Readouts {
            time_s: now.as_s(),
            duration_s: sim.duration().as_s(),
            availability: w.availability,
            p99_ms: w.p99_ms,
            throughput_rps: w.throughput_rps,
            counts: metrics.counts,
            nodes: live.nodes.clone(),
            breakers: sim.breakers(),
            flows: Rc::new(live.flows.rates().to_vec()),
            series: live.view.clone(),
            cdf: if finished { metrics.latency.cdf() } else { Vec::new() },
            events: live.events.clone(),
            stopped: sim.stopped().map(|s| format!("The run {}", s.message)),
            digest: finished.then(|| sim.report().digest),
            verdicts: live.verdicts.clone(),
        }
    }
}
