//! A live run held apart from the page that shows it: the page sends a
//! [`Command`] (open a run, advance it, inject a fault, apply an edit,
//! close it) and gets an [`Answer`], usually the run's [`Readouts`]. In the
//! browser a background worker holds the [`Session`] (`ui::workers` has
//! the transport: commands and answers cross as JSON, the chart points as
//! numbers), so the engine never runs on the page's main thread; natively
//! the same session is tested directly.
//!
//! A run advanced through a session is the run `archsim run` makes of the
//! same scenario and seed: its digest is the same.

mod readouts;

pub use readouts::{Readouts, Take};

use serde::{Deserialize, Serialize};

use crate::model::{Fault, Scenario};
use crate::sim::{SimTime, Simulation, Update};
use readouts::Live;

/// Simulated time per engine call inside an advance: the wall-time budget
/// is checked between calls.
const SLICE: SimTime = SimTime(20_000_000);

/// What the page asks of the live run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Start a run of `scenario` (its JSON) with `seed`, replacing any run
    /// open; answers [`Answer::Done`].
    Open {
        /// The scenario as JSON (`Scenario::to_json`).
        scenario: String,
        /// The seed.
        seed: u64,
    },
    /// Advance by `by_ms` of simulated time (to the end when None), for at
    /// most `budget_ms` of wall time (no limit when None): a heavy design
    /// then advances less than asked. Answers the readouts.
    Advance {
        /// Simulated time to advance, ms.
        by_ms: Option<f64>,
        /// Wall time the advance may take, ms.
        budget_ms: Option<f64>,
        /// What the readouts take anew.
        take: Take,
    },
    /// Start (`on`) or end a fault now (its times are ignored); answers the
    /// readouts, everything taken.
    Inject {
        /// The fault: its target and kind.
        fault: Fault,
        /// Start it rather than end it.
        on: bool,
    },
    /// Apply an edit of the design (its JSON) from now on; answers the
    /// readouts, everything taken, or [`Answer::RestartNeeded`].
    Update {
        /// The edited scenario as JSON.
        scenario: String,
    },
    /// Discard the run; answers [`Answer::Done`].
    Close,
}

/// What the live run answers a [`Command`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The run's readouts now.
    Readouts(Box<Readouts>),
    /// The edit was not applied: only a new run takes these changes (the
    /// reasons, for people).
    RestartNeeded(Vec<String>),
    /// Done; nothing to show.
    Done,
}

/// The live run of a worker, if one is open.
#[derive(Default)]
pub struct Session {
    live: Option<Live>,
}

impl Session {
    /// Carries out `command`; `clock` gives the wall time in ms (for the
    /// budget of an advance; any origin).
    ///
    /// Errors, for people: a scenario that does not parse or cannot run, a
    /// fault that cannot be injected, an edit that is not valid, or a
    /// command other than Open or Close while no run is open.
    pub fn serve(&mut self, command: Command, clock: impl Fn() -> f64) -> Result<Answer, String> {
        match command {
            Command::Open { scenario, seed } => {
                let scenario = Scenario::from_json(&scenario).map_err(|e| e.to_string())?;
                let sim = Simulation::new(&scenario, seed).map_err(|e| e.to_string())?;
                self.live = Some(Live::new(sim));
                Ok(Answer::Done)
            }
            Command::Close => {
                self.live = None;
                Ok(Answer::Done)
            }
            Command::Advance { by_ms, budget_ms, take } => {
                let live = self.live()?;
                let s = &mut live.sim;
                let target = by_ms.map_or(s.duration(), |ms| s.now().after(SimTime::from_ms(ms)));
                let (started, budget) = (clock(), budget_ms.unwrap_or(f64::INFINITY));
                while s.now() < target && !s.is_finished() && clock() - started < budget {
                    s.run_until(s.now().after(SLICE).min(target));
                }
                Ok(answer(live, take))
            }
            Command::Inject { fault, on } => {
                let live = self.live()?;
                live.sim.inject(&fault, on)?;
                Ok(answer(live, Take::ALL))
            }
            Command::Update { scenario } => {
                let edited = Scenario::from_json(&scenario).map_err(|e| e.to_string())?;
                let live = self.live()?;
                match live.sim.update(&edited).map_err(|e| e.to_string())? {
                    Update::Applied => Ok(answer(live, Take::ALL)),
                    Update::RestartNeeded(reasons) => Ok(Answer::RestartNeeded(reasons)),
                }
            }
        }
    }

    /// The open run. Errors: none is open.
    fn live(&mut self) -> Result<&mut Live, String> {
        self.live.as_mut().ok_or_else(|| "no run is open".to_owned())
    }
}

/// The readouts of `live` now, taken as `take` says, as an answer.
fn answer(live: &mut Live, take: Take) -> Answer {
    Answer::Readouts(Box::new(live.readouts(take)))
}
