//! Runs the current scenario in the page: a timer loop steps the engine
//! within a wall-time budget per tick and publishes readouts. The engine is
//! the same one the CLI runs.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use super::store::Shared;
use crate::sim::{NodeSnapshot, SimTime, Simulation, Update};

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
    /// Availability over the last window, 0–1.
    pub availability: f64,
    /// p99 response time over the last window, ms.
    pub p99_ms: f64,
    /// Completions per second over the last window, req/s.
    pub throughput_rps: f64,
    /// Per-node state now.
    pub nodes: Vec<NodeSnapshot>,
    /// The report's digest once the run is finished (equal to what
    /// `archsim run` prints for the same scenario and seed).
    pub digest: Option<String>,
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
            digest: sim.is_finished().then(|| sim.report().digest),
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
    /// Simulated seconds per wall second ([`MAX_SPEED`]: as fast as possible).
    pub speed: u32,
    /// Seed of the next run.
    pub seed: u64,
    /// Start or continue.
    pub on_run: Callback<()>,
    /// Stop stepping, keeping the state.
    pub on_pause: Callback<()>,
    /// Advance by one step (100 ms simulated) and pause.
    pub on_step: Callback<()>,
    /// Discard the run.
    pub on_reset: Callback<()>,
    /// Change the speed.
    pub on_speed: Callback<u32>,
    /// Change the seed (applies to the next run).
    pub on_seed: Callback<u64>,
}

/// Milliseconds from the page's time origin (wall clock of the UI only; the
/// engine never sees it).
fn wall_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

type SimCell = Rc<RefCell<Option<Simulation>>>;

/// Owns a [`Simulation`] of `scenario` and steps it while running.
#[hook]
pub fn use_run(scenario: Shared) -> RunControl {
    let sim: SimCell = use_mut_ref(|| None::<Simulation>);
    // Bumped to stop the stepping loop of an earlier Run.
    let generation = use_mut_ref(|| 0u64);
    // The stepping loop reads the speed live from this cell; the state below
    // is what the panel renders.
    let speed_ref = use_mut_ref(|| 1u32);
    let state = use_state(|| RunState::Idle);
    let readouts = use_state(|| Rc::new(Readouts::default()));
    let error = use_state(|| None::<String>);
    let notice = use_state(|| None::<String>);
    let speed = use_state(|| 1u32);
    let seed = use_state(|| scenario.settings.seed);

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

    // Creates the simulation if there is none; false (with the reason
    // shown) when the scenario cannot run.
    let ensure = {
        let (sim, error, scenario, seed) = (sim.clone(), error.clone(), scenario.clone(), *seed);
        move || -> bool {
            if sim.borrow().is_none() {
                match Simulation::new(&scenario, seed) {
                    Ok(s) => *sim.borrow_mut() = Some(s),
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
    let on_run = {
        let (sim, generation, speed_ref) = (sim.clone(), generation.clone(), speed_ref.clone());
        let (state, readouts, ensure) = (state.clone(), readouts.clone(), ensure.clone());
        Callback::from(move |()| {
            if !ensure() {
                return;
            }
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
    let on_step = {
        let (sim, generation, state, readouts) = (sim.clone(), generation.clone(), state.clone(), readouts.clone());
        Callback::from(move |()| {
            if !ensure() {
                return;
            }
            *generation.borrow_mut() += 1;
            if let Some(s) = sim.borrow_mut().as_mut() {
                s.run_until(s.now().after(SimTime::from_ms(STEP_MS)));
                readouts.set(Rc::new(Readouts::of(s)));
                state.set(if s.is_finished() { RunState::Finished } else { RunState::Paused });
            }
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
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |s: u64| seed.set(s))
    };
    RunControl {
        state: *state,
        readouts: (*readouts).clone(),
        error: (*error).clone(),
        notice: (*notice).clone(),
        speed: *speed,
        seed: *seed,
        on_run,
        on_pause,
        on_step,
        on_reset,
        on_speed,
        on_seed,
    }
}

/// Steps the simulation every tick until paused, reset or finished.
fn step_loop(
    sim: SimCell,
    generation: Rc<RefCell<u64>>,
    mine: u64,
    speed: Rc<RefCell<u32>>,
    state: UseStateHandle<RunState>,
    readouts: UseStateHandle<Rc<Readouts>>,
) {
    yew::platform::spawn_local(async move {
        loop {
            let max = *speed.borrow() == MAX_SPEED;
            // As fast as possible still yields to the page between ticks.
            yew::platform::time::sleep(Duration::from_millis(if max { 1 } else { TICK_MS })).await;
            if *generation.borrow() != mine {
                return;
            }
            let mut guard = sim.borrow_mut();
            let Some(s) = guard.as_mut() else { return };
            let target = if max {
                s.duration()
            } else {
                s.now().after(SimTime::from_ms((TICK_MS * u64::from(*speed.borrow())) as f64))
            };
            let started = wall_ms();
            while s.now() < target && !s.is_finished() && wall_ms() - started < BUDGET_MS {
                s.run_until(s.now().after(SLICE).min(target));
            }
            readouts.set(Rc::new(Readouts::of(s)));
            if s.is_finished() {
                state.set(RunState::Finished);
                return;
            }
        }
    });
}
