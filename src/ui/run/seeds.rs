//! Runs of many seeds on background workers (`ui::workers`), each to its
//! end, the page only drawing: Run ×N seeds runs the design with N seeds;
//! a capacity curve runs it once per value of a client's arrival rate,
//! each value with N seeds (`sim::sweep`). The panel then gives each
//! figure as its mean over the seeds with a 95 % confidence interval, the
//! charts the mean with its band, and each objective the number of seeds
//! it passed in. The seeds are the scenario's and the next N − 1, as
//! `archsim run --reps N` and `archsim sweep` run them.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::metrics::SeriesPoint;
use crate::model::{Objective, Scenario};
use crate::sim::replications;
use crate::sim::sweep::{self, Point};
use crate::sim::TimelineEvent;
use crate::ui::store::Shared;
use crate::ui::workers::{Pool, Replica};
use crate::workshop::grade::{Status, Verdict};
use crate::workshop::verdict::ExerciseVerdict;

/// The seed counts offered.
pub const SEED_COUNTS: [u32; 4] = [4, 8, 16, 32];

/// One design run with many seeds: the runs back so far and, once all are,
/// their summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Seeds {
    /// The swept value of this design (0 for Run ×N seeds).
    pub value: f64,
    /// The seeds, in order.
    pub seeds: Vec<u64>,
    /// The design's objectives when the runs started.
    objectives: Vec<Objective>,
    /// Each seed's run once it is back, in seed order.
    runs: Vec<Option<Replica>>,
    /// Once every run is back: the summary of their reports (as `archsim
    /// run --reps N` prints it) with the swept value and the closed forms.
    pub point: Option<Rc<Point>>,
}

/// A figure over the seeds: its mean and, when the seeds differ, the half
/// width of its 95 % confidence interval (in the figure's unit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Mean over the seeds where it is defined.
    pub mean: f64,
    /// Half-width of the confidence interval; None when every seed gave
    /// the same value.
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

    /// The events (crashes, recoveries, health-check verdicts) that every
    /// run back so far has at the same time, in the first run's order: a
    /// fault script's, not the seeds' own random failures.
    pub fn common_events(&self) -> Vec<TimelineEvent> {
        let events = |r: &Replica| -> Vec<TimelineEvent> {
            let list = r.report["events"].as_array().map_or(&[][..], |l| &l[..]);
            list.iter()
                .map(|e| {
                    let text = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
                    TimelineEvent {
                        t_s: e["t_s"].as_f64().unwrap_or(0.0),
                        node: text("node"),
                        what: text("what"),
                        detail: text("detail"),
                    }
                })
                .collect()
        };
        let mut runs = self.runs().map(|(_, r)| events(r));
        let Some(first) = runs.next() else { return Vec::new() };
        let others: Vec<Vec<TimelineEvent>> = runs.collect();
        let same = |a: &TimelineEvent, b: &TimelineEvent| (a.t_s, &a.node, &a.what) == (b.t_s, &b.node, &b.what);
        first.into_iter().filter(|e| others.iter().all(|o| o.iter().any(|x| same(x, e)))).collect()
    }

    /// Each finished run's chart points.
    pub fn series(&self) -> Vec<&[SeriesPoint]> {
        self.runs().map(|(_, r)| &r.series[..]).collect()
    }

    /// A figure of the summary at `path` (e.g. `["latency_ms", "p99"]`);
    /// None before the summary or where no seed defines it.
    pub fn estimate(&self, path: &[&str]) -> Option<Estimate> {
        let (mean, low, _) = self.point.as_ref()?.figure(path, "")?;
        Some(Estimate { mean, half_width: (low < mean).then_some(mean - low) })
    }

    /// Each objective over the seeds back so far: passed when it passed in
    /// every one, measured as its worst value, the detail saying in how
    /// many it passed; none before the first is back.
    pub fn verdicts(&self) -> Vec<Verdict> {
        if self.done() == 0 {
            return Vec::new();
        }
        let runs = self.runs().map(|(seed, r)| r.seed_run(seed)).collect();
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

/// What a capacity curve sweeps and measures.
#[derive(Clone, Debug, PartialEq)]
pub struct Swept {
    /// The parameter (`<client>.arrivals.rate.rps`, `api.workers`) with
    /// its unit.
    pub parameter: sweep::Sweepable,
    /// The node whose closed forms are drawn (the first service pool).
    pub node: String,
}

/// Runs of many seeds started together: one design (Run ×N seeds) or one
/// per swept value (a capacity curve).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// Each design's runs, in order.
    pub sets: Vec<Seeds>,
    /// What a capacity curve sweeps; None for Run ×N seeds.
    pub swept: Option<Swept>,
    /// Why the runs stopped, if they did (a worker could not start, the
    /// design cannot run).
    pub failure: Option<String>,
}

impl Batch {
    /// Runs back, and runs in all.
    pub fn progress(&self) -> (usize, usize) {
        self.sets.iter().fold((0, 0), |(done, all), s| (done + s.done(), all + s.seeds.len()))
    }

    /// Whether every run is back.
    pub fn finished(&self) -> bool {
        self.sets.iter().all(|s| s.point.is_some())
    }

    /// The curve's points that are complete, in value order.
    pub fn points(&self) -> Vec<&Point> {
        self.sets.iter().filter_map(|s| s.point.as_deref()).collect()
    }
}

/// What to run: the designs (with their swept values) and the seeds of
/// each.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Each design and its swept value (0 for Run ×N seeds).
    pub designs: Vec<(f64, Scenario)>,
    /// Seeds per design.
    pub seeds: u32,
    /// What a capacity curve sweeps.
    pub swept: Option<Swept>,
}

impl Plan {
    /// Run ×`n` seeds of `scenario`.
    pub fn seeds(scenario: &Scenario, n: u32) -> Plan {
        Plan { designs: vec![(0.0, scenario.clone())], seeds: n, swept: None }
    }

    /// A capacity curve of `scenario`: the parameter `swept` at `steps`
    /// values from `from` to `to` (`Sweepable::grid`: counts rounded), `n`
    /// seeds each, measured at the first service pool.
    ///
    /// Errors: no pool to measure, or a value the scenario refuses (named).
    pub fn curve(
        scenario: &Scenario,
        swept: &sweep::Sweepable,
        (from, to): (f64, f64),
        steps: u32,
        n: u32,
    ) -> Result<Plan, String> {
        let node = sweep::first_pool(scenario).ok_or("a capacity curve needs a service pool to measure")?;
        let param = &swept.param;
        let designs = swept
            .grid(from, to, steps)
            .into_iter()
            .map(|v| {
                let design = sweep::with_value(scenario, param, v)?;
                design.validate().map_err(|e| format!("{param} = {v}: {e}"))?;
                Ok((v, design))
            })
            .collect::<Result<_, String>>()?;
        Ok(Plan { designs, seeds: n, swept: Some(Swept { parameter: swept.clone(), node }) })
    }
}

/// Runs of many seeds, from [`use_batch`].
#[derive(Clone, PartialEq)]
pub struct BatchControl {
    /// The runs, if some were started.
    pub batch: Option<Shared<Batch>>,
    /// Start a plan (stopping earlier runs).
    pub on_start: Callback<Plan>,
    /// Stop and forget the runs.
    pub on_clear: Callback<()>,
}

/// Runs of many seeds of designs from `scenario`; an edit of the design
/// forgets them (they no longer describe it).
#[hook]
pub fn use_batch(scenario: Shared) -> BatchControl {
    let batch = use_state(|| None::<Shared<Batch>>);
    let pool = use_mut_ref(|| None::<Pool>);
    let on_clear = {
        let (batch, pool) = (batch.clone(), pool.clone());
        Callback::from(move |()| {
            *pool.borrow_mut() = None;
            if batch.is_some() {
                batch.set(None);
            }
        })
    };
    {
        let on_clear = on_clear.clone();
        use_effect_with(scenario, move |_| on_clear.emit(()));
    }
    let on_start = {
        let (batch, pool) = (batch.clone(), pool.clone());
        Callback::from(move |plan: Plan| {
            *pool.borrow_mut() = None;
            let n = plan.seeds as usize;
            let seeds = |s: &Scenario| replications::seeds(s.settings.seed, plan.seeds);
            let sets = plan
                .designs
                .iter()
                .map(|(value, s)| Seeds {
                    value: *value,
                    seeds: seeds(s),
                    objectives: s.objectives.clone(),
                    runs: vec![None; n],
                    point: None,
                })
                .collect();
            let state = Rc::new(RefCell::new(Batch { sets, swept: plan.swept.clone(), failure: None }));
            let publish = {
                let (batch, state) = (batch.clone(), state.clone());
                move || batch.set(Some(Shared(Rc::new(state.borrow().clone()))))
            };
            publish();
            let mut jobs = Vec::new();
            for (_, design) in &plan.designs {
                let json: Rc<str> = match design.to_json() {
                    Ok(json) => json.into(),
                    Err(e) => {
                        state.borrow_mut().failure = Some(e);
                        return publish();
                    }
                };
                jobs.extend(seeds(design).into_iter().map(|seed| (json.clone(), seed)));
            }
            let on_run = {
                let (state, publish, pool, designs) = (state.clone(), publish.clone(), pool.clone(), plan.designs);
                Callback::from(move |(k, run): (usize, Result<Replica, String>)| {
                    let mut b = state.borrow_mut();
                    let node = b.swept.as_ref().map_or(String::new(), |s| s.node.clone());
                    match (run, b.sets.get_mut(k / n.max(1))) {
                        (Ok(run), Some(set)) => {
                            set.runs[k % n] = Some(run);
                            if set.done() == n {
                                let reports: Vec<Value> = set.runs().map(|(_, r)| r.report.clone()).collect();
                                let (value, design) = &designs[k / n];
                                set.point = Some(Rc::new(Point::of(*value, design, &reports, &node)));
                            }
                        }
                        (Ok(_), None) => {}
                        // The design cannot run (every seed would say so):
                        // the workers stop, once this message is handled.
                        (Err(why), _) => {
                            b.failure = Some(why);
                            let pool = pool.clone();
                            yew::platform::spawn_local(async move { drop(pool.borrow_mut().take()) });
                        }
                    }
                    drop(b);
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
            match Pool::run(jobs, on_run, on_failure.clone()) {
                Ok(started) => *pool.borrow_mut() = Some(started),
                Err(e) => on_failure.emit(e),
            }
        })
    };
    BatchControl { batch: (*batch).clone(), on_start, on_clear }
}
