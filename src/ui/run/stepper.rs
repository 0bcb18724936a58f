//! The stepping of the live run: the run lives in a background worker
//! (`ui::workers::LiveWorker`, started a second after the page opens or by
//! the first run, whichever comes first, and kept for the next); a loop on
//! the page asks it to advance every tick and publishes the readouts it
//! answers, so the engine never runs on the page's main thread. One Step
//! advances a fixed simulated time.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use yew::platform::spawn_local;
use yew::prelude::*;

use super::RunState;
use crate::live::{Answer, Command, Readouts, Take};
use crate::model::Scenario;
use crate::ui::store::Shared;
use crate::ui::workers::{Failure, LiveWorker};

/// Wall time between the starts of two advances, ms.
const TICK_MS: f64 = 50.0;
/// Wall time one advance may spend simulating, ms: a heavy design then
/// runs slower than asked. The worker is not the page's thread, so it may
/// take most of a tick.
const BUDGET_MS: f64 = 40.0;
/// Simulated time of one Step, ms.
const STEP_MS: f64 = 100.0;
/// The speed value meaning "as fast as possible".
pub const MAX_SPEED: u32 = 0;
/// Wall time between two gradings of the objectives while running, ms
/// (grading builds the run's report).
const GRADE_MS: f64 = 500.0;
/// Wall time between two refreshes of the nodes' figures while running,
/// ms: figures that change 20 times a second cannot be read, and redrawing
/// every node of a large design on each tick costs frames (see "Frame
/// times" in docs/performance.md).
const NODES_MS: f64 = 250.0;

/// Milliseconds from the page's time origin (wall clock of the UI only; the
/// engine never sees it).
pub fn wall_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

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

    /// Whether it is due now; if so, it counts as taken now.
    fn due(&mut self) -> bool {
        let now = wall_ms();
        let due = now - self.at >= self.ms;
        if due {
            self.at = now;
        }
        due
    }
}

/// When the readouts take the nodes' state and grade the objectives anew
/// while running.
#[derive(Clone, Copy, Debug)]
pub struct Cadence {
    nodes: Every,
    grade: Every,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence { nodes: Every::new(NODES_MS), grade: Every::new(GRADE_MS) }
    }
}

/// What the stepping needs: the worker, the run's controls' cells and the
/// state it publishes.
#[derive(Clone)]
pub struct Stepper {
    /// The worker holding the run, once started (dropped if it fails).
    pub worker: Rc<RefCell<Option<Rc<LiveWorker>>>>,
    /// Whether a run is open in the worker.
    pub open: Rc<Cell<bool>>,
    /// When the readouts next take the nodes and the grading.
    pub cadence: Rc<RefCell<Cadence>>,
    /// Bumped to stop the stepping loop of an earlier Run, and to ignore
    /// the answers to what was sent before.
    pub generation: Rc<Cell<u64>>,
    /// The speed the loop reads live ([`MAX_SPEED`]: as fast as possible).
    pub speed: Rc<Cell<u32>>,
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
    /// Opens a run of `scenario` (with its seed) in the worker if none is
    /// open; false (with the reason shown) when the scenario cannot run.
    /// The worker may still refuse it: that stops the run and says why.
    pub fn ensure(&self, scenario: &Scenario) -> bool {
        if self.open.get() {
            return true;
        }
        let json = scenario.validate().map_err(|e| e.to_string()).and_then(|()| scenario.to_json());
        let json = match json {
            Ok(json) => json,
            Err(e) => {
                self.error.set(Some(e));
                return false;
            }
        };
        self.open.set(true);
        *self.cadence.borrow_mut() = Cadence::default();
        // What may stop this run before its end, said first.
        let warnings = scenario.warnings();
        self.notice.set((!warnings.is_empty()).then(|| {
            let list: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
            format!("Warning: {}", list.join("; "))
        }));
        self.error.set(None);
        let opened = self.send(&Command::Open { scenario: json, seed: scenario.settings.seed });
        let this = self.clone();
        spawn_local(async move {
            if let Err(Failure::Refused(why)) = opened.await {
                this.fail(why);
            }
        });
        true
    }

    /// Sends `command` to the run's worker (starting it if there is none):
    /// the future of its answer. A worker that failed is dropped (the next
    /// command starts another) and its failure shown.
    pub fn send(&self, command: &Command) -> impl Future<Output = Result<Answer, Failure>> + 'static {
        let posted = self.worker().map(|w| (w.send(command), w));
        let this = self.clone();
        async move {
            let (answer, worker) = posted?;
            let answer = answer.await;
            // The first command to find the worker broken says so; those
            // waiting with it fail with it.
            let current = this.worker.borrow().as_ref().is_some_and(|w| Rc::ptr_eq(w, &worker));
            if let (Err(Failure::Broken(why)), true) = (&answer, current) {
                *this.worker.borrow_mut() = None;
                this.fail(format!("ArchSim's run failed (a bug: please report it): {why}"));
            }
            answer
        }
    }

    /// Starts the run's worker if there is none, so that the first Run finds
    /// the workers' module downloaded and compiled. A worker that cannot
    /// start says so when a run needs it.
    pub fn warm(&self) {
        let _ = self.worker();
    }

    /// The run's worker, started if there is none.
    fn worker(&self) -> Result<Rc<LiveWorker>, Failure> {
        if let Some(running) = self.worker.borrow().clone() {
            return Ok(running);
        }
        let started = Rc::new(LiveWorker::start().map_err(Failure::Broken)?);
        *self.worker.borrow_mut() = Some(started.clone());
        Ok(started)
    }

    /// Whether nothing stopped or reset the run since `generation` was
    /// read: an answer to what was sent then is still news.
    fn still(&self, generation: u64) -> bool {
        self.generation.get() == generation
    }

    /// Ends the run with `why` shown (the run cannot go on).
    fn fail(&self, why: String) {
        self.stop();
        self.open.set(false);
        self.error.set(Some(why));
        self.state.set(RunState::Idle);
    }

    /// Stops an earlier stepping loop (pause, step, reset) and ignores the
    /// answers to what it sent.
    pub fn stop(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// Publishes `answer`'s readouts (a finished run's state too);
    /// whether the run is finished.
    pub fn show(&self, answer: Answer) -> bool {
        let Answer::Readouts(r) = answer else { return false };
        let finished = r.finished();
        self.readouts.set(Shared(Rc::new(*r)));
        if finished {
            self.state.set(RunState::Finished);
        }
        finished
    }

    /// Steps until paused, reset or finished.
    pub fn start(&self) {
        self.state.set(RunState::Running);
        self.stop();
        self.clone().run(self.generation.get());
    }

    /// Advances by one Step ([`STEP_MS`] simulated) and pauses.
    pub fn step(&self) {
        self.pause_after(STEP_MS);
    }

    /// Stops stepping and advances by `by_ms` of simulated time (0: where
    /// the run is, everything taken); paused (or finished) once the worker
    /// answers.
    pub fn pause_after(&self, by_ms: f64) {
        self.stop();
        let mine = self.generation.get();
        let answer = self.send(&Command::Advance { by_ms: Some(by_ms), budget_ms: None, take: Take::ALL });
        let this = self.clone();
        spawn_local(async move {
            // Unless something else was asked meanwhile.
            if let (Ok(answer), true) = (answer.await, this.still(mine)) {
                if !this.show(answer) {
                    this.state.set(RunState::Paused);
                }
            }
        });
    }

    /// Asks the worker to advance every tick until paused, reset or
    /// finished (`mine` is this loop's generation).
    fn run(self, mine: u64) {
        spawn_local(async move {
            let mut sent = f64::NEG_INFINITY;
            loop {
                // As fast as possible asks again at once: awaiting the
                // worker leaves the page free to draw.
                if self.speed.get() != MAX_SPEED {
                    let wait = (TICK_MS - (wall_ms() - sent)).max(1.0);
                    yew::platform::time::sleep(Duration::from_millis(wait as u64)).await;
                }
                if !self.still(mine) {
                    return;
                }
                sent = wall_ms();
                let speed = self.speed.get();
                let by_ms = (speed != MAX_SPEED).then(|| TICK_MS * f64::from(speed));
                let take = {
                    let mut c = self.cadence.borrow_mut();
                    Take { nodes: c.nodes.due(), grade: c.grade.due() }
                };
                let answer = self.send(&Command::Advance { by_ms, budget_ms: Some(BUDGET_MS), take }).await;
                if !self.still(mine) {
                    return;
                }
                // Finished, or failed (shown by `send` or the opening).
                if answer.map_or(true, |a| self.show(a)) {
                    return;
                }
            }
        });
    }
}
