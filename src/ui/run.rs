//! Runs the current scenario in the page: a timer loop steps the engine and
//! publishes readouts. The engine is the same one the CLI runs.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::model::Scenario;
use crate::sim::{NodeSnapshot, SimTime, Simulation, Update};

/// Wall time between steps, ms.
const TICK_MS: u64 = 50;
/// Window of the headline readouts, s.
const WINDOW_S: f64 = 10.0;

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
    /// Availability over the last window, 0–1.
    pub availability: f64,
    /// p99 response time over the last window, ms.
    pub p99_ms: f64,
    /// Completions per second over the last window, req/s.
    pub throughput_rps: f64,
    /// Per-node state now.
    pub nodes: Vec<NodeSnapshot>,
}

impl Readouts {
    fn of(sim: &Simulation) -> Readouts {
        let now = sim.now();
        let from = SimTime(now.0.saturating_sub(SimTime::from_s(WINDOW_S).0));
        let w = sim.metrics().series.summary(from, now);
        Readouts {
            time_s: now.as_s(),
            duration_s: sim.duration().as_s(),
            availability: w.availability,
            p99_ms: w.p99_ms,
            throughput_rps: w.throughput_rps,
            nodes: sim.snapshot().nodes,
        }
    }
}

/// Run controls and state, from [`use_run`].
#[derive(Clone, PartialEq)]
pub struct RunControl {
    /// Where the run is.
    pub state: RunState,
    /// Latest readouts.
    pub readouts: Rc<Readouts>,
    /// Why the scenario cannot run, if it cannot.
    pub error: Option<String>,
    /// Edits made during the run that only a new run applies.
    pub notice: Option<String>,
    /// Simulated seconds per wall second.
    pub speed: u32,
    /// Start or continue.
    pub on_run: Callback<()>,
    /// Stop stepping, keeping the state.
    pub on_pause: Callback<()>,
    /// Discard the run.
    pub on_reset: Callback<()>,
    /// Change the speed.
    pub on_speed: Callback<u32>,
}

/// Owns a [`Simulation`] of `scenario` and steps it while running.
#[hook]
pub fn use_run(scenario: Rc<Scenario>) -> RunControl {
    let sim = use_mut_ref(|| None::<Simulation>);
    // Bumped to stop the stepping loop of an earlier Run.
    let generation = use_mut_ref(|| 0u64);
    let speed_ref = use_mut_ref(|| 1u32);
    let state = use_state(|| RunState::Idle);
    let readouts = use_state(|| Rc::new(Readouts::default()));
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let speed = use_state(|| 1u32);

    // Edits while a run exists apply from the current simulated time on.
    {
        let (sim, notice) = (sim.clone(), notice.clone());
        use_effect_with(scenario.clone(), move |edited| {
            if let Some(s) = sim.borrow_mut().as_mut() {
                notice.set(match s.update(edited) {
                    Ok(Update::Applied) => None,
                    Ok(Update::RestartNeeded(reasons)) => {
                        Some(format!("Reset the run to apply: {}.", reasons.join("; ")))
                    }
                    Err(e) => Some(format!("Not applied to the run: {e}")),
                });
            }
        });
    }

    let on_run = {
        let (sim, generation, speed_ref) = (sim.clone(), generation.clone(), speed_ref.clone());
        let (state, readouts, error) = (state.clone(), readouts.clone(), error.clone());
        Callback::from(move |()| {
            if sim.borrow().is_none() {
                match Simulation::new(&scenario, scenario.settings.seed) {
                    Ok(s) => *sim.borrow_mut() = Some(s),
                    Err(e) => {
                        error.set(Some(e.to_string()));
                        return;
                    }
                }
            }
            error.set(None);
            state.set(RunState::Running);
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            step_loop(sim.clone(), generation.clone(), mine, speed_ref.clone(), state.clone(), readouts.clone());
        })
    };
    let on_pause = {
        let (generation, state) = (generation.clone(), state.clone());
        Callback::from(move |()| {
            *generation.borrow_mut() += 1;
            state.set(RunState::Paused);
        })
    };
    let on_reset = {
        let (sim, generation, state, readouts) = (sim.clone(), generation.clone(), state.clone(), readouts.clone());
        let notice = notice.clone();
        Callback::from(move |()| {
            *generation.borrow_mut() += 1;
            *sim.borrow_mut() = None;
            notice.set(None);
            state.set(RunState::Idle);
            readouts.set(Rc::new(Readouts::default()));
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
        error: (*error).clone(),
        notice: (*notice).clone(),
        speed: *speed,
        on_run,
        on_pause,
        on_reset,
        on_speed,
    }
}

/// Steps the simulation every tick until paused, reset or finished.
fn step_loop(
    sim: Rc<RefCell<Option<Simulation>>>,
    generation: Rc<RefCell<u64>>,
    mine: u64,
    speed: Rc<RefCell<u32>>,
    state: UseStateHandle<RunState>,
    readouts: UseStateHandle<Rc<Readouts>>,
) {
    yew::platform::spawn_local(async move {
        loop {
            yew::platform::time::sleep(Duration::from_millis(TICK_MS)).await;
            if *generation.borrow() != mine {
                return;
            }
            let mut guard = sim.borrow_mut();
            let Some(s) = guard.as_mut() else { return };
            let step = SimTime::from_ms((TICK_MS * u64::from(*speed.borrow())) as f64);
            s.run_until(s.now().after(step));
            readouts.set(Rc::new(Readouts::of(s)));
            if s.is_finished() {
                state.set(RunState::Finished);
                return;
            }
        }
    });
}
