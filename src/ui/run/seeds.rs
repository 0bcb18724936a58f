//! Run ×N seeds: the design run with N seeds at once on background
//! workers (`ui::workers`), each to its end, the page only drawing. The
//! panel then gives each headline figure as its mean over the seeds with a
//! 95 % confidence interval, the charts the mean with its band, and each
//! objective the number of seeds it passed in. The seeds are the
//! scenario's and the next N − 1, as `archsim run --reps N` runs them.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::metrics::SeriesPoint;
use crate::model::Objective;
use crate::sim::replications;
use crate::ui::store::Shared;
use crate::ui::workers::{Pool, Replica};
use crate::workshop::grade::{Status, Verdict};
use crate::workshop::verdict::{ExerciseVerdict, SeedRun};

/// The seed counts offered.
pub const SEED_COUNTS: [u32; 4] = [4, 8, 16, 32];

/// A design run with many seeds: the runs back so far and, once all are,
/// their summary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seeds {
    /// The seeds, in order.
    pub seeds: Vec<u64>,
    /// The design's objectives when the runs started.
    objectives: Vec<Objective>,
    /// Each seed's run once it is back, in seed order.
    runs: Vec<Option<Replica>>,
    /// Why the runs stopped, if they did (a worker could not start, the
    /// design cannot run).
    pub failure: Option<String>,
    /// Once every run is back: the summary of their reports, as `archsim
    /// run --reps N` prints it (`replications::summarize`).
    pub summary: Option<Rc<Value>>,
}

/// A figure over the seeds: its mean and, when the seeds differ, the half
/// width of its 95 % confidence interval (in the figure's unit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Mean over the seeds where it is defined.
    pub mean: f64,
    /// Half-width of the confidence interval; None when every seed gave
    /// the same value or only one defined it.
    pub half_width: Option<f64>,
}

impl Seeds {
    /// How many runs are back.
    pub fn done(&self) -> usize {
        self.runs.iter().flatten().count()
    }

    /// The runs back so far, in seed order.
    pub fn runs(&self) -> impl Iterator<Item = (u64, &Replica)> {
        self.seeds.iter().zip(&self.runs).filter_map(|(s, r)| Some((*s, r.as_ref()?)))
    }

    /// Each finished run's chart points.
    pub fn series(&self) -> Vec<Vec<SeriesPoint>> {
        self.runs().map(|(_, r)| r.series.clone()).collect()
    }

    /// A figure of the summary at `path` (e.g. `["latency_ms", "p99"]`);
    /// None before the summary or where no seed defines it.
    pub fn estimate(&self, path: &[&str]) -> Option<Estimate> {
        let value = path.iter().try_fold(&**self.summary.as_ref()?, |v, key| v.get(key))?;
        match value {
            Value::Object(i) => {
                Some(Estimate { mean: i.get("mean")?.as_f64()?, half_width: i.get("half_width")?.as_f64() })
            }
            v => Some(Estimate { mean: v.as_f64()?, half_width: None }),
        }
    }

    /// Each objective over the seeds back so far: passed when it passed in
    /// every one, measured as its worst value, the detail saying in how
    /// many it passed; none before the first is back.
    pub fn verdicts(&self) -> Vec<Verdict> {
        if self.done() == 0 {
            return Vec::new();
        }
        let runs = self
            .runs()
            .map(|(seed, r)| SeedRun {
                seed,
                verdicts: r.verdicts.clone(),
                digest: r.report["digest"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        let graded = ExerciseVerdict {
            exercise: None,
            changes: Vec::new(),
            refusal: None,
            objectives: self.objectives.clone(),
            runs,
        };
        graded
            .by_objective()
            .into_iter()
            .map(|o| Verdict {
                status: if o.passes() { Status::Pass } else { Status::Fail },
                measured: o.worst,
                settled: true,
                detail: format!("passes in {} of {} seeds; worst: {}", o.passed, o.seeds, o.detail),
                objective: o.objective,
            })
            .collect()
    }
}

/// Runs of many seeds, from [`use_seeds`].
#[derive(Clone, PartialEq)]
pub struct SeedsControl {
    /// The runs, if some were started.
    pub seeds: Option<Shared<Seeds>>,
    /// Start N seeds of the design (stopping earlier ones).
    pub on_start: Callback<u32>,
    /// Stop and forget the runs.
    pub on_clear: Callback<()>,
}

/// Runs of many seeds of `scenario`; an edit of the design forgets them
/// (they no longer describe it).
#[hook]
pub fn use_seeds(scenario: Shared) -> SeedsControl {
    let seeds = use_state(|| None::<Shared<Seeds>>);
    let pool = use_mut_ref(|| None::<Pool>);
    let on_clear = {
        let (seeds, pool) = (seeds.clone(), pool.clone());
        Callback::from(move |()| {
            *pool.borrow_mut() = None;
            seeds.set(None);
        })
    };
    {
        let on_clear = on_clear.clone();
        use_effect_with(scenario.clone(), move |_| on_clear.emit(()));
    }
    let on_start = {
        let (seeds, pool) = (seeds.clone(), pool.clone());
        Callback::from(move |n: u32| {
            *pool.borrow_mut() = None;
            let first = scenario.settings.seed;
            let state = Rc::new(RefCell::new(Seeds {
                seeds: (0..u64::from(n)).map(|k| first.wrapping_add(k)).collect(),
                objectives: scenario.objectives.clone(),
                runs: vec![None; n as usize],
                ..Seeds::default()
            }));
            let publish = {
                let (seeds, state) = (seeds.clone(), state.clone());
                move || seeds.set(Some(Shared(Rc::new(state.borrow().clone()))))
            };
            publish();
            let json = match scenario.to_json() {
                Ok(json) => Rc::<str>::from(json),
                Err(e) => {
                    state.borrow_mut().failure = Some(e);
                    return publish();
                }
            };
            let on_run = {
                let (state, publish, pool) = (state.clone(), publish.clone(), pool.clone());
                Callback::from(move |(k, run): (usize, Result<Replica, String>)| {
                    let mut s = state.borrow_mut();
                    match run {
                        Ok(run) => {
                            if let Some(slot) = s.runs.get_mut(k) {
                                *slot = Some(run);
                            }
                            if s.done() == s.runs.len() {
                                let reports: Vec<Value> = s.runs().map(|(_, r)| r.report.clone()).collect();
                                s.summary = Some(Rc::new(replications::summarize(&reports)));
                            }
                        }
                        // The design cannot run (every seed would say so):
                        // the workers stop, once this message is handled.
                        Err(why) => {
                            s.failure = Some(why);
                            let pool = pool.clone();
                            yew::platform::spawn_local(async move { drop(pool.borrow_mut().take()) });
                        }
                    }
                    drop(s);
                    publish();
                })
            };
            let on_failure = {
                let (state, publish) = (state.clone(), publish.clone());
                Callback::from(move |why: String| {
                    state.borrow_mut().failure = Some(format!("Cannot run seeds here: {why}"));
                    publish();
                })
            };
            let seeds_list = state.borrow().seeds.clone();
            match Pool::run_seeds(json, &seeds_list, on_run, on_failure.clone()) {
                Ok(started) => *pool.borrow_mut() = Some(started),
                Err(e) => on_failure.emit(e),
            }
        })
    };
    SeedsControl { seeds: (*seeds).clone(), on_start, on_clear }
}
