//! Runs the current scenario ([`use_run`]): the stepping ([`stepper`])
//! has a background worker advance the engine, the same one the CLI runs,
//! and publishes its [`Readouts`], which the panel shows as figures and
//! charts.

mod capacity;
mod charts;
mod panel;
mod seeds;
mod stepper;

pub use crate::live::Readouts;
pub use panel::RunPanel;
pub use stepper::MAX_SPEED;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use super::store::Shared;
use crate::live::{Answer, Command};
use crate::sim::sweep::{self, Sweepable};
use crate::ui::workers::Failure;
use seeds::{use_batch, Batch, Plan};
use stepper::Stepper;
use yew::platform::spawn_local;

/// How long after the page opens the run's worker starts ([`use_warm_worker`]).
const WARM_AFTER: Duration = Duration::from_millis(1000);

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
    /// Discard the run and the previous one: another design is opened, and
    /// a run of this one is no comparison for it.
    pub on_close: Callback<()>,
    /// Change the speed.
    pub on_speed: Callback<u32>,
    /// Crash or recover a node now (starting a paused run if there is none).
    pub on_fault: Callback<FaultCommand>,
    /// Runs of many seeds on background workers, if some were started
    /// (Run ×N seeds, a capacity curve); a single run discards them.
    pub batch: Option<Shared<Batch>>,
    /// Run N seeds of the design on background workers (discarding the
    /// single run, which stays as the previous run).
    pub on_seeds: Callback<u32>,
    /// What a capacity curve can sweep (`sweep::sweepables`: the first
    /// client's rate first).
    pub sweepables: Rc<Vec<Sweepable>>,
    /// Run a capacity curve: the parameter, its range from–to, the number
    /// of values and the seeds of each.
    pub on_curve: Callback<(Sweepable, (f64, f64), u32, u32)>,
}

/// Runs `scenario` (with the scenario's seed) in a background worker and
/// steps it while running.
#[hook]
pub fn use_run(scenario: Shared) -> RunControl {
    let stepper = Stepper {
        worker: use_mut_ref(|| None),
        open: use_cell(false),
        cadence: use_mut_ref(Default::default),
        generation: use_cell(0),
        speed: use_cell(1),
        state: use_state(|| RunState::Idle),
        readouts: use_state(|| Shared(Rc::new(Readouts::default()))),
        error: use_state(|| None::<String>),
        notice: use_state(|| None::<String>),
    };
    use_warm_worker(stepper.clone());
    let previous = use_state(|| None::<Shared<Readouts>>);
    // The stepping loop reads the speed from its cell; this is what the
    // panel renders.
    let speed = use_state(|| 1u32);
    use_live_edits(scenario.clone(), stepper.clone());
    let seeds = use_batch(scenario.clone());
    let on_run = {
        let (stepper, scenario, clear_seeds) = (stepper.clone(), scenario.clone(), seeds.on_clear.clone());
        Callback::from(move |()| {
            clear_seeds.emit(());
            if stepper.ensure(&scenario) {
                stepper.start();
            }
        })
    };
    let on_pause = {
        let stepper = stepper.clone();
        Callback::from(move |()| {
            // Paused once the worker says where it stopped, with the nodes'
            // figures as they are there.
            stepper.pause_after(0.0);
        })
    };
    let on_fault = {
        let (stepper, scenario, clear_seeds) = (stepper.clone(), scenario.clone(), seeds.on_clear.clone());
        Callback::from(move |f: FaultCommand| {
            clear_seeds.emit(());
            if !stepper.ensure(&scenario) {
                return;
            }
            if *stepper.state == RunState::Idle {
                stepper.state.set(RunState::Paused);
            }
            // The new state is published without advancing (unless the run
            // was reset meanwhile).
            let injected = stepper.send(&Command::Inject { fault: f.fault, on: f.on });
            let stepper = stepper.clone();
            spawn_local(async move {
                match injected.await {
                    _ if !stepper.open.get() => {}
                    Ok(answer) => {
                        stepper.show(answer);
                    }
                    Err(Failure::Refused(e)) => stepper.notice.set(Some(format!("Not injected: {e}"))),
                    Err(Failure::Broken(_)) => {}
                }
            });
        })
    };
    let on_step = {
        let (stepper, clear_seeds, scenario) = (stepper.clone(), seeds.on_clear.clone(), scenario.clone());
        Callback::from(move |()| {
            clear_seeds.emit(());
            if stepper.ensure(&scenario) {
                stepper.step();
            }
        })
    };
    // Discards the run, keeping it as the previous run or not.
    let discard = |keep: bool| {
        let (stepper, previous, clear_seeds) = (stepper.clone(), previous.clone(), seeds.on_clear.clone());
        Callback::from(move |()| {
            clear_seeds.emit(());
            stepper.stop();
            if stepper.open.replace(false) {
                // The worker frees the run; nothing to wait for.
                drop(stepper.send(&Command::Close));
            }
            stepper.notice.set(None);
            stepper.state.set(RunState::Idle);
            if !keep {
                previous.set(None);
            } else if !stepper.readouts.series.points().is_empty() {
                previous.set(Some((*stepper.readouts).clone()));
            }
            stepper.readouts.set(Shared(Rc::new(Readouts::default())));
        })
    };
    let (on_reset, on_close) = (discard(true), discard(false));
    let on_seeds = {
        let (on_reset, on_start, scenario) = (on_reset.clone(), seeds.on_start.clone(), scenario.clone());
        Callback::from(move |n: u32| {
            on_reset.emit(());
            on_start.emit(Plan::seeds(&scenario, n));
        })
    };
    let on_curve = {
        let (on_reset, on_start, scenario, error) =
            (on_reset.clone(), seeds.on_start.clone(), scenario.clone(), stepper.error.clone());
        // A value the design refuses is named before anything is discarded.
        Callback::from(move |(swept, range, steps, n): (Sweepable, (f64, f64), u32, u32)| {
            match Plan::curve(&scenario, &swept, range, steps, n) {
                Ok(plan) => {
                    error.set(None);
                    on_reset.emit(());
                    on_start.emit(plan);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let sweepables = (*use_memo(scenario.clone(), |s| Rc::new(sweep::sweepables(&s.0)))).clone();
    let on_speed = {
        let (speed, cell) = (speed.clone(), stepper.speed.clone());
        Callback::from(move |s: u32| {
            cell.set(s);
            speed.set(s);
        })
    };
    RunControl {
        state: *stepper.state,
        readouts: (*stepper.readouts).clone(),
        previous: (*previous).clone(),
        error: (*stepper.error).clone(),
        notice: (*stepper.notice).clone(),
        speed: *speed,
        on_run,
        on_pause,
        on_step,
        on_reset,
        on_close,
        on_speed,
        on_fault,
        batch: seeds.batch,
        on_seeds,
        sweepables,
        on_curve,
    }
}

/// A cell kept across renders (`use_mut_ref` for a `Copy` value).
#[hook]
fn use_cell<T: Copy + 'static>(init: T) -> Rc<Cell<T>> {
    (*use_memo((), move |()| Rc::new(Cell::new(init)))).clone()
}

/// Starts the run's worker [`WARM_AFTER`] after the page opens, when the
/// first render is long painted, so that the first Run answers at once
/// instead of waiting for the workers' module to download and compile:
/// 0.2 s from a local server, and its 389 KB (gzip) alone take 0.3 s over a
/// 10 Mbit/s link.
#[hook]
fn use_warm_worker(stepper: Stepper) {
    use_effect_with((), move |()| {
        spawn_local(async move {
            yew::platform::time::sleep(WARM_AFTER).await;
            stepper.warm();
        });
    });
}

/// Edits while a run exists apply from the current simulated time on (and
/// show at once, e.g. an edited objective graded anew); those a run cannot
/// take say that a reset applies them.
#[hook]
fn use_live_edits(scenario: Shared, stepper: Stepper) {
    use_effect_with(scenario, move |edited| {
        if !stepper.open.get() {
            return;
        }
        let updated = match edited.to_json() {
            Ok(json) => stepper.send(&Command::Update { scenario: json }),
            Err(e) => return stepper.notice.set(Some(format!("Not applied to the run: {e}"))),
        };
        let stepper = stepper.clone();
        spawn_local(async move {
            let updated = updated.await;
            // The run was reset meanwhile: the edit goes into the next one.
            if !stepper.open.get() {
                return;
            }
            stepper.notice.set(match updated {
                Ok(Answer::RestartNeeded(reasons)) => Some(format!("Reset the run to apply: {}.", reasons.join("; "))),
                Ok(answer) => {
                    stepper.show(answer);
                    None
                }
                Err(Failure::Refused(e)) => Some(format!("Not applied to the run: {e}")),
                Err(Failure::Broken(_)) => return,
            });
        });
    });
}
