//! The stepping of a run in the page: a timer loop advances the engine
//! within a wall-time budget per tick and publishes the readouts; one
//! Step advances a fixed simulated time.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use super::readouts::{Live, Readouts};
use super::RunState;
use crate::sim::{SimTime, Simulation};
use crate::ui::store::Shared;

/// Wall time between steps, ms.
const TICK_MS: u64 = 50;
/// Wall time one tick may spend simulating, ms: the page stays responsive
/// whatever the speed; a heavy design then runs slower than asked.
const BUDGET_MS: f64 = 15.0;
/// Simulated time per engine call inside a tick (budget checks between).
const SLICE: SimTime = SimTime(20_000_000);
/// Simulated time of one Step, ms.
const STEP_MS: f64 = 100.0;
/// The speed value meaning "as fast as possible".
pub const MAX_SPEED: u32 = 0;

/// Milliseconds from the page's time origin (wall clock of the UI only; the
/// engine never sees it).
pub fn wall_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// What [`Stepper::advance`] publishes when it is done (everything when
/// the run finished).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// Nothing.
    Nothing,
    /// The readouts of a running tick: the nodes' figures and the grading
    /// as often as they refresh while running.
    Tick,
    /// Everything as it is now (after a step, a pause or a fault).
    Now,
}

/// The run, if there is one.
pub type LiveCell = Rc<RefCell<Option<Live>>>;

/// What the stepping needs: the run, its controls' cells and the state it
/// publishes.
#[derive(Clone)]
pub struct Stepper {
    /// The run, if there is one.
    pub live: LiveCell,
    /// Bumped to stop the stepping loop of an earlier Run.
    pub generation: Rc<RefCell<u64>>,
    /// The speed the loop reads live ([`MAX_SPEED`]: as fast as possible).
    pub speed: Rc<RefCell<u32>>,
    /// Where the run is.
    pub state: UseStateHandle<RunState>,
    /// The readouts published.
    pub readouts: UseStateHandle<Shared<Readouts>>,
    /// Why the scenario cannot run.
    pub error: UseStateHandle<Option<String>>,
    /// What may stop the run early, or why an edit or fault was not
    /// applied.
    pub notice: UseStateHandle<Option<String>>,
}

impl Stepper {
    /// Creates the simulation of `scenario` (with its seed) if there is
    /// none; false (with the reason shown) when the scenario cannot run.
    pub fn ensure(&self, scenario: &crate::model::Scenario) -> bool {
        if self.live.borrow().is_none() {
            match Simulation::new(scenario, scenario.settings.seed) {
                Ok(sim) => {
                    *self.live.borrow_mut() = Some(Live::new(sim));
                    // What may stop this run before its end, said first.
                    let warnings = scenario.warnings();
                    self.notice.set((!warnings.is_empty()).then(|| {
                        let list: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
                        format!("Warning: {}", list.join("; "))
                    }));
                }
                Err(e) => {
                    self.error.set(Some(e.to_string()));
                    return false;
                }
            }
        }
        self.error.set(None);
        true
    }

    /// Stops an earlier stepping loop (pause, step, reset).
    pub fn stop(&self) {
        *self.generation.borrow_mut() += 1;
    }

    /// Steps until paused, reset or finished.
    pub fn start(&self) {
        self.state.set(RunState::Running);
        self.stop();
        let mine = *self.generation.borrow();
        self.clone().run(mine);
    }

    /// Advances by one Step ([`STEP_MS`] simulated) and pauses.
    pub fn step(&self) {
        self.stop();
        self.advance(|now, _| now.after(SimTime::from_ms(STEP_MS)), f64::INFINITY, Publish::Now);
        let finished = self.live.borrow().as_ref().is_some_and(|l| l.sim.is_finished());
        self.state.set(if finished { RunState::Finished } else { RunState::Paused });
    }

    /// Simulates up to `target(now, duration)` or for `budget_ms` of wall
    /// time, whichever comes first, and publishes the readouts as `publish`
    /// says.
    pub fn advance(&self, target: impl Fn(SimTime, SimTime) -> SimTime, budget_ms: f64, publish: Publish) {
        let mut guard = self.live.borrow_mut();
        let Some(live) = guard.as_mut() else { return };
        let s = &mut live.sim;
        let target = target(s.now(), s.duration());
        let started = wall_ms();
        while s.now() < target && !s.is_finished() && wall_ms() - started < budget_ms {
            s.run_until(s.now().after(SLICE).min(target));
        }
        let finished = s.is_finished();
        if publish == Publish::Now {
            live.refresh();
        }
        if publish != Publish::Nothing || finished {
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
                    if publish { Publish::Tick } else { Publish::Nothing },
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
