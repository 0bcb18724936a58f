//! Background work on Web Workers: module workers (`static/worker.js`,
//! copied beside the page by the build under a name that changes with its
//! content, which index.html gives in `<meta name="archsim-worker">`: see
//! `scripts/post-build/hash-worker-files.mjs`), each running the workers'
//! own Wasm module (`src/worker.rs`: this crate built for speed, where the
//! page's module is built for size), so that the engine never runs on the
//! page's main thread: a pool grades the class view's designs, an exercise's
//! seeds, and Run ×N seeds' runs in parallel ([`Pool`]), and one worker
//! holds the live run the page steps ([`LiveWorker`]).
//!
//! Protocol (structured-clone messages):
//! - page → worker, per job: `{id, job}`, a job as a plain object:
//!   `{link}` (grade a class-view link), `{scenario, seed}` (a scenario's
//!   JSON and a seed in decimal: run it to its end) or `{live}` (a
//!   `live::Command` as JSON, for the worker's live run); jobs sent while
//!   the worker loads its module wait for it, and a worker does its jobs
//!   in the order they came;
//! - worker → page: `{id, result}` with what [`work`] returned, or
//!   `{id, error}` (a message) if it threw; `{error}` without an `id` if
//!   the worker could not start.
//!
//! The workers' module grades and runs exactly as the CLI does (the same
//! code; floating point in Wasm does not depend on the optimisation
//! level): the digests agree with `archsim run --seed` and `archsim
//! check`.

mod live;

pub use live::{Failure, LiveWorker};

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use crate::metrics::{SeriesPoint, SeriesView};
use crate::model::Scenario;
use crate::sim::Simulation;
use crate::workshop::class::{grade_link, Entry, Row};
use crate::workshop::grade::{grade, Status, Verdict};
use crate::workshop::verdict::SeedRun;

/// The `<meta>` of index.html that names the worker script (its file name,
/// beside the page's glue).
const WORKER_SCRIPT_META: &str = "meta[name=archsim-worker]";
/// At most this many workers, whatever the device reports.
const MAX_WORKERS: usize = 8;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
}

/// One piece of work for a worker.
#[derive(Clone, Debug)]
enum Job {
    /// Grade a class-view link (a share link) for its exercise.
    Grade(String),
    /// Run a scenario (its JSON, shared by a run's jobs) with a seed to its
    /// end.
    Run {
        /// The scenario as JSON.
        scenario: Rc<str>,
        /// The seed.
        seed: u64,
    },
}

impl Job {
    /// The job as a plain object (see the module's protocol); the seed as
    /// decimal text, since a number would round seeds over 2^53.
    fn to_js(&self) -> JsValue {
        match self {
            Job::Grade(link) => plain(&[("link", link.as_str().into())]),
            Job::Run { scenario, seed } => {
                plain(&[("scenario", (**scenario).into()), ("seed", seed.to_string().into())])
            }
        }
    }
}

/// Does one job (the worker's side): for `{link}` the class-table row
/// `{cells: string[], passes: bool, objectives: number}`, for `{scenario,
/// seed}` the run as [`Replica::to_js`] gives it, for `{live}` the live
/// run's answer (`live::serve`).
///
/// Errors: a job of none of these shapes; a scenario that does not parse
/// or cannot run (the message says why).
pub fn work(job: &JsValue) -> Result<JsValue, String> {
    let field = |name: &str| text(job, name);
    if let Some(command) = field("live") {
        return live::serve(&command);
    }
    if let Some(link) = field("link") {
        return Ok(row_to_js(&Row::of(&Entry { source: link.clone(), graded: grade_link(&link, false, None) })));
    }
    let (Some(scenario), Some(seed)) = (field("scenario"), field("seed")) else {
        return Err("a worker was sent a job it does not know".to_owned());
    };
    let seed = seed.parse::<u64>().map_err(|e| format!("seed {seed:?}: {e}"))?;
    let scenario = Scenario::from_json(&scenario).map_err(|e| e.to_string())?;
    let mut sim = Simulation::new(&scenario, seed).map_err(|e| e.to_string())?;
    sim.run_to_end();
    let mut view = SeriesView::new();
    view.refresh(&sim.metrics().series, sim.now());
    let report = serde_json::to_string(&sim.report()).map_err(|e| e.to_string())?;
    Ok(Replica::to_js(&report, view.points(), &grade(&sim)))
}

/// One seed of a design run to its end in a worker.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica {
    /// The run's report (as `archsim run --seed` prints it).
    pub report: serde_json::Value,
    /// The run's chart points, oldest first.
    pub series: Vec<SeriesPoint>,
    /// The scenario's objectives graded at the end of the run, in order.
    pub verdicts: Vec<Verdict>,
}

impl Replica {
    /// The run as one seed of a grading over seeds: its verdicts and its
    /// report's digest.
    pub fn seed_run(&self, seed: u64) -> SeedRun {
        let digest = self.report["digest"].as_str().unwrap_or_default().to_owned();
        SeedRun { seed, verdicts: self.verdicts.clone(), digest }
    }

    /// A run as a plain object: `{report: string (JSON), series:
    /// Float64Array (9 numbers a point, `SeriesPoint::to_row`), verdicts:
    /// [{objective, pass, measured, detail}]}`.
    fn to_js(report: &str, series: &[SeriesPoint], verdicts: &[Verdict]) -> JsValue {
        let verdicts: Array = verdicts
            .iter()
            .map(|v| {
                let measured = v.measured.map_or(JsValue::UNDEFINED, JsValue::from);
                plain(&[
                    ("objective", v.objective.as_str().into()),
                    ("pass", (v.status == Status::Pass).into()),
                    ("measured", measured),
                    ("detail", v.detail.as_str().into()),
                ])
            })
            .collect();
        plain(&[("report", report.into()), ("series", points_to_js(series)), ("verdicts", verdicts.into())])
    }

    /// A run back from a worker's plain object; `None` if it is not one.
    fn of_js(value: &JsValue) -> Option<Replica> {
        let get = |on: &JsValue, name: &str| Reflect::get(on, &name.into()).ok();
        let report = serde_json::from_str(&get(value, "report")?.as_string()?).ok()?;
        let series = points_of_js(get(value, "series")?)?;
        let verdicts = get(value, "verdicts")?
            .dyn_into::<Array>()
            .ok()?
            .iter()
            .map(|v| {
                Some(Verdict {
                    objective: get(&v, "objective")?.as_string()?,
                    status: if get(&v, "pass")?.as_bool()? { Status::Pass } else { Status::Fail },
                    measured: get(&v, "measured")?.as_f64(),
                    settled: true,
                    detail: get(&v, "detail")?.as_string()?,
                })
            })
            .collect::<Option<_>>()?;
        Some(Replica { report, series, verdicts })
    }
}

/// Chart points as a `Float64Array` (9 numbers a point,
/// `SeriesPoint::to_row`: JSON has no NaN for an undefined figure).
fn points_to_js(points: &[SeriesPoint]) -> JsValue {
    let rows: Vec<f64> = points.iter().flat_map(SeriesPoint::to_row).collect();
    Float64Array::from(&rows[..]).into()
}

/// Chart points back from [`points_to_js`]; `None` if `value` is not
/// such an array.
fn points_of_js(value: JsValue) -> Option<Vec<SeriesPoint>> {
    let rows = value.dyn_into::<Float64Array>().ok()?.to_vec();
    rows.chunks(SeriesPoint::COLUMNS.len()).map(SeriesPoint::from_row).collect()
}

/// A text property of a plain object.
fn text(on: &JsValue, name: &str) -> Option<String> {
    Reflect::get(on, &name.into()).ok().and_then(|v| v.as_string())
}

/// What a worker's message says (see the protocol): the job's id, if it
/// names one, and what the job returned or the message it threw; without
/// an id, why the worker failed as a whole (if it said).
fn read_message(data: &JsValue) -> (Option<usize>, Result<JsValue, String>) {
    let id = Reflect::get(data, &"id".into()).ok().and_then(|i| i.as_f64()).map(|i| i as usize);
    let result = match text(data, "error") {
        Some(e) => Err(e),
        None => Reflect::get(data, &"result".into()).map_err(describe),
    };
    (id, result)
}

/// A plain object of these properties.
fn plain(properties: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in properties {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*name).into(), value);
    }
    object.into()
}

/// A row as a plain object that survives `postMessage`.
fn row_to_js(row: &Row) -> JsValue {
    let cells: Array = row.cells.iter().map(|c| JsValue::from_str(c)).collect();
    plain(&[("cells", cells.into()), ("passes", row.passes.into()), ("objectives", (row.objectives as f64).into())])
}

/// A row back from a worker's plain object; `None` if it is not one.
fn row_from_js(value: &JsValue) -> Option<Row> {
    let field = |name: &str| Reflect::get(value, &name.into()).ok();
    let cells = field("cells")?.dyn_into::<Array>().ok()?.iter().map(|c| c.as_string()).collect::<Option<_>>()?;
    Some(Row { cells, passes: field("passes")?.as_bool()?, objectives: field("objectives")?.as_f64()? as usize })
}

/// Workers for a device: one per logical core but one (the page keeps a
/// core to draw on: with every core grading, frames slow to 50–130 ms on
/// a 2-core machine), 1 to [`MAX_WORKERS`], and never more than there are
/// jobs.
fn pool_size(jobs: usize) -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency()) as usize;
    cores.saturating_sub(1).clamp(1, MAX_WORKERS).min(jobs.max(1))
}

/// The jobs and the next one to hand out.
struct Jobs {
    jobs: Vec<Job>,
    next: usize,
}

impl Jobs {
    /// Hands the next job to `worker`, if any is left.
    fn give(&mut self, worker: &Worker) {
        let Some(job) = self.jobs.get(self.next) else { return };
        let message = plain(&[("id", (self.next as f64).into()), ("job", job.to_js())]);
        self.next += 1;
        // Posting an object of a number and strings cannot fail.
        let _ = worker.post_message(&message);
    }
}

/// A running pool; dropping it terminates its workers (a closed dialog, a
/// new grading, a reset run).
pub struct Pool {
    workers: Vec<Worker>,
    _listeners: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Pool {
    /// Starts [`pool_size`] workers on `jobs`, one job at a time each;
    /// `on_done` gets each job's index in `jobs` and what the worker
    /// returned or the message it threw, in the order they finish, and
    /// `on_failure` a message if a worker cannot start.
    ///
    /// Errors: the browser refused to start a worker (no module workers).
    fn start(
        jobs: Vec<Job>,
        on_done: Callback<(usize, Result<JsValue, String>)>,
        on_failure: Callback<String>,
    ) -> Result<Pool, String> {
        let size = pool_size(jobs.len());
        let jobs = Rc::new(RefCell::new(Jobs { jobs, next: 0 }));
        let mut pool = Pool { workers: Vec::new(), _listeners: Vec::new() };
        for _ in 0..size {
            let worker = spawn("pool")?;
            let listener = {
                let (jobs, worker, on_done, on_failure) =
                    (jobs.clone(), worker.clone(), on_done.clone(), on_failure.clone());
                Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    let (id, result) = read_message(&event.unchecked_into::<MessageEvent>().data());
                    let Some(id) = id else {
                        on_failure.emit(result.err().unwrap_or_else(|| "a worker sent a message it should not".into()));
                        return;
                    };
                    on_done.emit((id, result));
                    jobs.borrow_mut().give(&worker);
                })
            };
            worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            // The script itself failed to load or threw outside a job.
            let on_error = {
                let on_failure = on_failure.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |_| {
                    on_failure.emit("a background worker could not start (its script did not load)".into());
                })
            };
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool._listeners.push(on_error);
            jobs.borrow_mut().give(&worker);
            pool.workers.push(worker);
            pool._listeners.push(listener);
        }
        Ok(pool)
    }

    /// Grades `links` (see [`Pool::start`]): `on_graded` gets each design's
    /// index in `links` and its row (a design that made its worker fail
    /// gets a failing row saying so).
    ///
    /// Errors: as [`Pool::start`].
    pub fn grade(
        links: Vec<String>,
        on_graded: Callback<(usize, Row)>,
        on_failure: Callback<String>,
    ) -> Result<Pool, String> {
        let jobs = links.iter().cloned().map(Job::Grade).collect();
        let on_done = Callback::from(move |(id, result): (usize, Result<JsValue, String>)| {
            let row = result.and_then(|r| row_from_js(&r).ok_or_else(|| "no row came back".to_owned()));
            let row = row.unwrap_or_else(|why| {
                let source = links.get(id).cloned().unwrap_or_default();
                let graded = Err(format!("ArchSim failed on this design (a bug: please report it): {why}"));
                Row::of(&Entry { source, graded })
            });
            on_graded.emit((id, row));
        });
        Pool::start(jobs, on_done, on_failure)
    }

    /// Runs each of `runs` (a scenario's JSON and a seed) to its end (see
    /// [`Pool::start`]): `on_run` gets each run's index in `runs` and its
    /// result, or why it could not run.
    ///
    /// Errors: as [`Pool::start`].
    pub fn run(
        runs: Vec<(Rc<str>, u64)>,
        on_run: Callback<(usize, Result<Replica, String>)>,
        on_failure: Callback<String>,
    ) -> Result<Pool, String> {
        let jobs = runs.into_iter().map(|(scenario, seed)| Job::Run { scenario, seed }).collect();
        let on_done = on_run.reform(|(id, result): (usize, Result<JsValue, String>)| {
            (id, result.and_then(|r| Replica::of_js(&r).ok_or_else(|| "a worker sent back no run".to_owned())))
        });
        Pool::start(jobs, on_done, on_failure)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.set_onmessage(None);
            worker.set_onerror(None);
            worker.terminate();
        }
    }
}

/// Starts a module worker running the script index.html names in
/// [`WORKER_SCRIPT_META`] (it loads the workers' Wasm module, then serves
/// the jobs posted to it), named `name` (its role, `pool` or `live run`,
/// as the browser's tools and `self.name` in the worker show it).
///
/// Errors: the page names no worker script (not built by Trunk with its
/// hooks); the browser refused to start it (no module workers).
fn spawn(name: &str) -> Result<Worker, String> {
    let named = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(WORKER_SCRIPT_META).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .ok_or("the page does not name its worker script (index.html has no archsim-worker meta)")?;
    let glue = IMPORT_META.with(ImportMeta::url);
    let script = web_sys::Url::new_with_base(&named, &glue).map_err(describe)?.href();
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name(name);
    Worker::new_with_options(&script, &options).map_err(describe)
}

/// A JavaScript error in words.
fn describe(error: JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}
