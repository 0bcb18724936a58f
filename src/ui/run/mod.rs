//! Runs the current scenario in the page: a timer loop steps the engine
//! within a wall-time budget per tick and publishes readouts, which the
//! panel shows as figures and charts. The engine is the same one the CLI
//! runs.

mod charts;
mod panel;

pub use panel::RunPanel;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use super::store::Shared;
use crate::metrics::{Counts, SeriesView};
use crate::sim::{BreakerSnapshot, NodeSnapshot, SimTime, Simulation, TimelineEvent, Update};
use crate::workshop::grade::{grade, Verdict};

/// Wall time between steps, ms.
const TICK_MS: u64 = 50;
/// Wall time one tick may spend simulating, ms: the page stays responsive
/// whatever the speed; a heavy design then runs slower than asked.
const BUDGET_MS: f64 = 15.0;
/// Simulated time per engine call inside a tick (budget checks between).
const SLICE: SimTime = SimTime(20_000_000);
/// Simulated time of one Step, ms.
const STEP_MS: f64 = 100.0;
/// Window of the headline readouts, s.
const WINDOW_S: f64 = 10.0;
/// Wall time between two gradings of the objectives while running, ms
/// (grading builds the run's report).
const GRADE_MS: f64 = 500.0;
/// The speed value meaning "as fast as possible".
pub const MAX_SPEED: u32 = 0;

/// Where a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Nothing simulated yet.
    Idle,
    /// Stepping.
    Running,
    /// Stopped part-way; Run continues.
    Paused,
    /// Reached the scenario's duration.
    Finished,
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
    /// Per-node state now.
    pub nodes: Vec<NodeSnapshot>,
    /// Circuit breakers' states now.
    pub breakers: Vec<BreakerSnapshot>,
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
struct Live {
    sim: Simulation,
    view: SeriesView,
    /// The run's events, rebuilt only when there are new ones.
    events: Rc<Vec<TimelineEvent>>,
    /// The last grading of the objectives, and when it was made (wall ms).
    verdicts: Rc<Vec<Verdict>>,
    graded_at: f64,
}

impl Live {
    fn new(sim: Simulation) -> Self {
        Live { sim, view: SeriesView::new(), events: Rc::default(), verdicts: Rc::default(), graded_at: f64::MIN }
    }
}

impl Readouts {
    fn of(live: &mut Live) -> Readouts {
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
        if finished || wall_ms() - live.graded_at >= GRADE_MS {
            live.verdicts = Rc::new(grade(sim));
            live.graded_at = wall_ms();
        }
        let snapshot = sim.snapshot();
        Readouts {
            time_s: now.as_s(),
            duration_s: sim.duration().as_s(),
            availability: w.availability,
            p99_ms: w.p99_ms,
            throughput_rps: w.throughput_rps,
            counts: metrics.counts,
            nodes: snapshot.nodes,
            breakers: snapshot.breakers,
            series: live.view.clone(),
            cdf: if finished { metrics.latency.cdf() } else { Vec::new() },
            events: live.events.clone(),
            stopped: sim.stopped().map(|s| format!("The run {}", s.message)),
            digest: finished.then(|| sim.report().digest),
            verdicts: live.verdicts.clone(),
        }
    }
}

/// A fault injected from the page: crash a node (or one of its parts) or
/// recover it; make a pool slow or failing, or heal it.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultCommand {
    /// The fault: its target and kind (its times are ignored).
    pub fault: crate::model::Fault,
    /// Start it rather than end it (end a crash: recover).
    pub on: bool,
}

/// Run controls and state, from [`use_run`].
#[derive(Clone, PartialEq)]
pub struct RunControl {
    /// Where the run is.
    pub state: RunState,
    /// Latest readouts.
    pub readouts: Shared<Readouts>,
    /// The last run before a reset, for comparison.
    pub previous: Option<Shared<Readouts>>,
    /// Why the scenario cannot run, if it cannot.
    pub error: Option<String>,
    /// Edits made during the run that only a new run applies.
    pub notice: Option<String>,
    /// Simulated seconds per wall second ([`MAX_SPEED`]: as fast as possible).
    pub speed: u32,
    /// Start or continue.
    pub on_run: Callback<()>,
    /// Stop stepping, keeping the state.
    pub on_pause: Callback<()>,
    /// Advance by one step (100 ms simulated) and pause.
    pub on_step: Callback<()>,
    /// Discard the run (it stays as the previous run).
    pub on_reset: Callback<()>,
    /// Change the speed.
    pub on_speed: Callback<u32>,
    /// Crash or recover a node now (starting a paused run if there is none).
    pub on_fault: Callback<FaultCommand>,
}

/// Milliseconds from the page's time origin (wall clock of the UI only; the
/// engine never sees it).
pub fn wall_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

type LiveCell = Rc<RefCell<Option<Live>>>;

/// Owns a [`Simulation`] of `scenario` (with the scenario's seed) and steps
/// it while running.
#[hook]
pub fn use_run(scenario: Shared) -> RunControl {
    let live: LiveCell = use_mut_ref(|| None::<Live>);
    // Bumped to stop the stepping loop of an earlier Run.
    let generation = use_mut_ref(|| 0u64);
    // The stepping loop reads the speed and SLO live from these cells; the
    // state below is what the panel renders.
    let speed_ref = use_mut_ref(|| 1u32);
    let state = use_state(|| RunState::Idle);
    let readouts = use_state(|| Shared(Rc::new(Readouts::default())));
    let previous = use_state(|| None::<Shared<Readouts>>);
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let speed = use_state(|| 1u32);

    // Edits while a run exists apply from the current simulated time on
    // (and show at once, e.g. an edited objective graded anew).
    {
        let (live, notice, readouts) = (live.clone(), notice.clone(), readouts.clone());
        use_effect_with(scenario.clone(), move |edited| {
            if let Some(l) = live.borrow_mut().as_mut() {
                notice.set(match l.sim.update(edited) {
                    Ok(Update::Applied) => {
                        l.graded_at = f64::MIN;
                        readouts.set(Shared(Rc::new(Readouts::of(l))));
                        None
                    }
                    Ok(Update::RestartNeeded(reasons)) => {
                        Some(format!("Reset the run to apply: {}.", reasons.join("; ")))
                    }
                    Err(e) => Some(format!("Not applied to the run: {e}")),
                });
            }
        });
    }

    // Creates the simulation if there is none; false (with the reason
    // shown) when the scenario cannot run.
    let ensure = {
        let (live, error, notice, scenario) = (live.clone(), error.clone(), notice.clone(), scenario.clone());
        move || -> bool {
            if live.borrow().is_none() {
                match Simulation::new(&scenario, scenario.settings.seed) {
                    Ok(sim) => {
                        *live.borrow_mut() = Some(Live::new(sim));
                        // What may stop this run before its end, said first.
                        let warnings = scenario.warnings();
                        notice.set((!warnings.is_empty()).then(|| {
                            let list: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
                            format!("Warning: {}", list.join("; "))
                        }));
                    }
                    Err(e) => {
                        error.set(Some(e.to_string()));
                        return false;
                    }
                }
            }
            error.set(None);
            true
        }
    };
    let stepper = Stepper {
        live: live.clone(),
        generation: generation.clone(),
        speed: speed_ref.clone(),
        state: state.clone(),
        readouts: readouts.clone(),
    };
    let on_run = {
        let (stepper, ensure) = (stepper.clone(), ensure.clone());
        Callback::from(move |()| {
            if !ensure() {
                return;
            }
            stepper.state.set(RunState::Running);
            *stepper.generation.borrow_mut() += 1;
            let mine = *stepper.generation.borrow();
            stepper.clone().run(mine);
        })
    };
    let on_pause = {
        let (generation, state) = (generation.clone(), state.clone());
        Callback::from(move |()| {
            *generation.borrow_mut() += 1;
            state.set(RunState::Paused);
        })
    };
    let on_fault = {
        let (stepper, ensure, notice, state) = (stepper.clone(), ensure.clone(), notice.clone(), state.clone());
        Callback::from(move |f: FaultCommand| {
            if !ensure() {
                return;
            }
            let injected = stepper.live.borrow_mut().as_mut().map(|l| l.sim.inject(&f.fault, f.on));
            if let Some(Err(e)) = injected {
                notice.set(Some(format!("Not injected: {e}")));
                return;
            }
            if *state == RunState::Idle {
                state.set(RunState::Paused);
            }
            // Publish the new state without advancing.
            stepper.advance(|now, _| now, 0.0, true);
        })
    };
    let on_step = {
        let stepper = stepper.clone();
        Callback::from(move |()| {
            if !ensure() {
                return;
            }
            *stepper.generation.borrow_mut() += 1;
            stepper.advance(|now, _| now.after(SimTime::from_ms(STEP_MS)), f64::INFINITY, true);
            let finished = stepper.live.borrow().as_ref().is_some_and(|l| l.sim.is_finished());
            stepper.state.set(if finished { RunState::Finished } else { RunState::Paused });
        })
    };
    let on_reset = {
        let (live, generation, state, readouts) = (live.clone(), generation.clone(), state.clone(), readouts.clone());
        let (notice, previous) = (notice.clone(), previous.clone());
        Callback::from(move |()| {
            *generation.borrow_mut() += 1;
            *live.borrow_mut() = None;
            notice.set(None);
            state.set(RunState::Idle);
            if !readouts.series.points().is_empty() {
                previous.set(Some((*readouts).clone()));
            }
            readouts.set(Shared(Rc::new(Readouts::default())));
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s: u32| {
            *speed_ref.borrow_mut() = s;
            speed.set(s);
        })
    };
    RunControl {
        state: *state,
        readouts: (*readouts).clone(),
        previous: (*previous).clone(),
        error: (*error).clone(),
        notice: (*notice).clone(),
        speed: *speed,
        on_run,
        on_pause,
        on_step,
        on_reset,
        on_speed,
        on_fault,
    }
}

/// What the stepping needs: the run, its controls' cells and the state it
/// publishes.
#[derive(Clone)]
struct Stepper {
    live: LiveCell,
    generation: Rc<RefCell<u64>>,
    speed: Rc<RefCell<u32>>,
    state: UseStateHandle<RunState>,
    readouts: UseStateHandle<Shared<Readouts>>,
}

impl Stepper {
    /// Simulates up to `target(now, duration)` or for `budget_ms` of wall
    /// time, whichever comes first, and publishes the readouts if `publish`
    /// or the run finished.
    fn advance(&self, target: impl Fn(SimTime, SimTime) -> SimTime, budget_ms: f64, publish: bool) {
        let mut guard = self.live.borrow_mut();
        let Some(live) = guard.as_mut() else { return };
        let s = &mut live.sim;
        let target = target(s.now(), s.duration());
        let started = wall_ms();
        while s.now() < target && !s.is_finished() && wall_ms() - started < budget_ms {
            s.run_until(s.now().after(SLICE).min(target));
        }
        if publish || s.is_finished() {
            self.readouts.set(Shared(Rc::new(Readouts::of(live))));
        }
    }

    /// Steps every tick until paused, reset or finished (`mine` is this
    /// loop's generation).
    fn run(self, mine: u64) {
        yew::platform::spawn_local(async move {
            let mut published = f64::NEG_INFINITY;
            loop {
                let max = *self.speed.borrow() == MAX_SPEED;
                // As fast as possible still yields to the page between ticks.
                yew::platform::time::sleep(Duration::from_millis(if max { 1 } else { TICK_MS })).await;
                if *self.generation.borrow() != mine {
                    return;
                }
                let speed = *self.speed.borrow();
                // Redrawing readouts and charts costs a few ms: as fast as
                // possible spends them at most every TICK_MS.
                let publish = !max || wall_ms() - published >= TICK_MS as f64;
                if publish {
                    published = wall_ms();
                }
                self.advance(
                    |now, duration| {
                        if speed == MAX_SPEED {
                            duration
                        } else {
                            now.after(SimTime::from_ms((TICK_MS * u64::from(speed)) as f64))
                        }
                    },
                    BUDGET_MS,
                    publish,
                );
                match self.live.borrow().as_ref().map(|l| l.sim.is_finished()) {
                    Some(false) => {}
                    Some(true) => {
                        self.state.set(RunState::Finished);
                        return;
                    }
                    None => return,
                }
            }
        });
    }
}
