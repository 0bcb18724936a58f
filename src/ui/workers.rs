//! Grading on Web Workers: a pool of module workers (`grade-worker.js`,
//! copied beside the page by the build), each running this page's own Wasm
//! module, so that the class view grades many designs in parallel while
//! the page only draws.
//!
//! Protocol (structured-clone messages):
//! - page → worker, once: `{glue, module}`: the URL of the page's
//!   wasm-bindgen glue (`import.meta.url` of the glue) and its compiled
//!   `WebAssembly.Module`; the worker imports the glue and instantiates the
//!   module (whose `main` then sees no window and mounts nothing);
//! - page → worker, per design: `{id, link}`;
//! - worker → page: `{id, row}` with the row built by [`row_to_js`], or
//!   `{id, error}` (a message) if grading threw; `{error}` without an `id`
//!   if the worker could not start.
//!
//! The same module on every worker grades exactly as the page and
//! `archsim check` do: the digests agree.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::Callback;

use crate::workshop::class::{grade_link, Entry, Row};

/// The worker script, beside the glue.
const WORKER_SCRIPT: &str = "grade-worker.js";
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

/// Grades one link (the worker's side): its row as a plain object
/// `{cells: string[], passes: bool, objectives: number}`.
pub fn grade_for_class(link: &str) -> JsValue {
    row_to_js(&Row::of(&Entry { source: link.to_owned(), graded: grade_link(link, false, None) }))
}

/// A row as a plain object that survives `postMessage`.
fn row_to_js(row: &Row) -> JsValue {
    let object = Object::new();
    let cells: Array = row.cells.iter().map(|c| JsValue::from_str(c)).collect();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&object, &"cells".into(), &cells);
    let _ = Reflect::set(&object, &"passes".into(), &row.passes.into());
    let _ = Reflect::set(&object, &"objectives".into(), &(row.objectives as f64).into());
    object.into()
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
/// designs.
fn pool_size(designs: usize) -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency()) as usize;
    cores.saturating_sub(1).clamp(1, MAX_WORKERS).min(designs.max(1))
}

/// The designs to grade and the next one to hand out.
struct Jobs {
    links: Vec<String>,
    next: usize,
}

impl Jobs {
    /// Hands the next design to `worker`, if any is left.
    fn give(&mut self, worker: &Worker) {
        let Some(link) = self.links.get(self.next) else { return };
        let message = Object::new();
        let _ = Reflect::set(&message, &"id".into(), &(self.next as f64).into());
        let _ = Reflect::set(&message, &"link".into(), &JsValue::from_str(link));
        self.next += 1;
        // Posting an object of a number and a string cannot fail.
        let _ = worker.post_message(&message);
    }
}

/// A running pool; dropping it terminates its workers (a closed dialog, a
/// new grading).
pub struct Pool {
    workers: Vec<Worker>,
    _listeners: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Pool {
    /// Starts [`pool_size`] workers grading `links`, one design at a time
    /// each; `on_graded` gets each design's index in `links` and its row, in the
    /// order they finish (a design that made its worker fail gets a failing
    /// row saying so), and `on_failure` a message if a worker cannot
    /// start.
    ///
    /// Errors: the browser refused to start a worker (no module workers).
    pub fn grade(
        links: Vec<String>,
        on_graded: Callback<(usize, Row)>,
        on_failure: Callback<String>,
    ) -> Result<Pool, String> {
        let glue = IMPORT_META.with(ImportMeta::url);
        let script = web_sys::Url::new_with_base(WORKER_SCRIPT, &glue).map_err(describe)?.href();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let size = pool_size(links.len());
        let jobs = Rc::new(RefCell::new(Jobs { links, next: 0 }));
        let start = Object::new();
        let _ = Reflect::set(&start, &"glue".into(), &JsValue::from_str(&glue));
        let _ = Reflect::set(&start, &"module".into(), &wasm_bindgen::module());
        let mut pool = Pool { workers: Vec::new(), _listeners: Vec::new() };
        for _ in 0..size {
            let worker = Worker::new_with_options(&script, &options).map_err(describe)?;
            let listener = {
                let (jobs, worker, on_graded, on_failure) =
                    (jobs.clone(), worker.clone(), on_graded.clone(), on_failure.clone());
                Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    let data = event.unchecked_into::<MessageEvent>().data();
                    let error = Reflect::get(&data, &"error".into()).ok().and_then(|e| e.as_string());
                    let Some(id) = Reflect::get(&data, &"id".into()).ok().and_then(|i| i.as_f64()) else {
                        on_failure
                            .emit(error.unwrap_or_else(|| "a grading worker sent a message it should not".into()));
                        return;
                    };
                    let id = id as usize;
                    let row = Reflect::get(&data, &"row".into()).ok().and_then(|r| row_from_js(&r));
                    let mut jobs = jobs.borrow_mut();
                    let row = row.unwrap_or_else(|| {
                        let why = error.unwrap_or_else(|| "no row came back".to_owned());
                        let source = jobs.links.get(id).cloned().unwrap_or_default();
                        let graded = Err(format!("ArchSim failed on this design (a bug: please report it): {why}"));
                        Row::of(&Entry { source, graded })
                    });
                    on_graded.emit((id, row));
                    jobs.give(&worker);
                })
            };
            worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            // The script itself failed to load or threw outside a grading.
            let on_error = {
                let on_failure = on_failure.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |_| {
                    on_failure.emit(format!("a grading worker ({WORKER_SCRIPT}) could not start"));
                })
            };
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool._listeners.push(on_error);
            worker.post_message(&start).map_err(describe)?;
            jobs.borrow_mut().give(&worker);
            pool.workers.push(worker);
            pool._listeners.push(listener);
        }
        Ok(pool)
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

/// A JavaScript error in words.
fn describe(error: JsValue) -> String {
    error.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}
