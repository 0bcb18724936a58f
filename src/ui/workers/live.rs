//! The worker that holds the page's live run: the page posts a
//! `live::Command` as a `{live}` job and awaits its answer
//! ([`LiveWorker::send`]); the worker keeps one `live::Session` and
//! answers `{answer, series}` ([`serve`]): the session's
//! `Result<Answer, String>` as JSON, and the readouts' chart points as a
//! `Float64Array` (9 numbers a point, `SeriesPoint::to_row`: JSON has no
//! NaN for an undefined figure).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use super::{describe, plain, points_of_js, points_to_js, read_message, spawn, text};
use crate::live::{Answer, Command, Session};
use crate::metrics::SeriesView;

thread_local! {
    /// The worker's live run (the worker's side).
    static SESSION: RefCell<Session> = RefCell::default();
}

/// Carries out a live command (its JSON) on the worker's session (the
/// worker's side): `{answer: string, series: Float64Array}`.
///
/// Errors: a command that does not parse or an answer that does not
/// serialize (a bug on one side of the protocol).
pub fn serve(command: &str) -> Result<JsValue, String> {
    let command: Command = serde_json::from_str(command).map_err(|e| format!("a live command: {e}"))?;
    let answer = SESSION.with_borrow_mut(|s| s.serve(command, js_sys::Date::now));
    let points = match &answer {
        Ok(Answer::Readouts(r)) => r.series.points(),
        _ => &[],
    };
    let series = points_to_js(points);
    let json = serde_json::to_string(&answer).map_err(|e| format!("a live answer: {e}"))?;
    Ok(plain(&[("answer", json.into()), ("series", series)]))
}

/// Why a live command was not carried out.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The run refused it, for people (a design that cannot run, a fault
    /// that cannot be injected, an edit that is not valid).
    Refused(String),
    /// The worker failed (it could not start, or its Wasm trapped): its
    /// state is lost; start another.
    Broken(String),
}

/// Resolvers of the commands sent and not answered yet, by id.
type Waiting = Rc<RefCell<HashMap<u32, Function>>>;

/// The page's handle on the worker holding its live run; dropping it
/// terminates the worker.
pub struct LiveWorker {
    worker: Worker,
    next: Cell<u32>,
    waiting: Waiting,
    /// Set when the worker failed as a whole: every command fails so.
    broken: Rc<RefCell<Option<String>>>,
    _listeners: [Closure<dyn FnMut(JsValue)>; 2],
}

impl LiveWorker {
    /// Starts the worker (it fetches the workers' module; commands sent
    /// meanwhile wait for it).
    ///
    /// Errors: the browser refused to start a worker.
    pub fn start() -> Result<LiveWorker, String> {
        let worker = spawn("live run")?;
        let waiting: Waiting = Rc::default();
        let broken = Rc::new(RefCell::new(None::<String>));
        // The worker failed: every command waiting, and every one after,
        // fails so.
        let fail_all = {
            let (waiting, broken) = (waiting.clone(), broken.clone());
            move |why: String| {
                fail_waiting(&waiting, &why);
                *broken.borrow_mut() = Some(why);
            }
        };
        let on_message = {
            let (waiting, fail_all) = (waiting.clone(), fail_all.clone());
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = event.unchecked_into::<MessageEvent>().data();
                match read_message(&data) {
                    (Some(id), _) => {
                        let resolve = waiting.borrow_mut().remove(&(id as u32));
                        if let Some(resolve) = resolve {
                            // A resolver is a plain function; calling it cannot throw.
                            let _ = resolve.call1(&JsValue::NULL, &data);
                        }
                    }
                    (None, result) => {
                        fail_all(result.err().unwrap_or_else(|| "a worker said something unknown".into()));
                    }
                }
            })
        };
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            fail_all("the run's background worker could not start (its script did not load)".into());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(LiveWorker { worker, next: Cell::new(0), waiting, broken, _listeners: [on_message, on_error] })
    }

    /// Posts `command` now (commands are carried out in the order they
    /// were sent) and gives a future of its answer.
    pub fn send(&self, command: &Command) -> impl Future<Output = Result<Answer, Failure>> + 'static {
        let posted = self.post(command);
        async move {
            let data = JsFuture::from(posted?).await.map_err(|e| Failure::Broken(describe(e)))?;
            let result = read_message(&data).1.map_err(Failure::Broken)?;
            let json = text(&result, "answer").ok_or_else(|| Failure::Broken("no answer came back".into()))?;
            let answer: Result<Answer, String> = serde_json::from_str(&json)
                .map_err(|e| Failure::Broken(format!("an answer that does not parse: {e}")))?;
            let mut answer = answer.map_err(Failure::Refused)?;
            if let Answer::Readouts(r) = &mut answer {
                let points = js_sys::Reflect::get(&result, &"series".into()).ok().and_then(points_of_js);
                r.series =
                    SeriesView::of_points(points.ok_or_else(|| Failure::Broken("no chart points came back".into()))?);
            }
            Ok(answer)
        }
    }

    /// Posts `command` with the next id; the promise of the worker's
    /// message answering it.
    fn post(&self, command: &Command) -> Result<Promise, Failure> {
        if let Some(why) = self.broken.borrow().clone() {
            return Err(Failure::Broken(why));
        }
        let json = serde_json::to_string(command).map_err(|e| Failure::Broken(e.to_string()))?;
        let id = self.next.get();
        self.next.set(id.wrapping_add(1));
        let waiting = self.waiting.clone();
        let promise = Promise::new(&mut |resolve, _reject| {
            waiting.borrow_mut().insert(id, resolve);
        });
        let job = plain(&[("live", json.into())]);
        let message = plain(&[("id", f64::from(id).into()), ("job", job)]);
        self.worker.post_message(&message).map_err(|e| Failure::Broken(describe(e)))?;
        Ok(promise)
    }
}

impl Drop for LiveWorker {
    fn drop(&mut self) {
        // Nothing will answer the commands still waiting: they fail.
        fail_waiting(&self.waiting, "the run's worker was stopped");
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Answers every command waiting with a failure saying `why`.
fn fail_waiting(waiting: &Waiting, why: &str) {
    let data = plain(&[("error", why.into())]);
    for (_, resolve) in waiting.borrow_mut().drain() {
        // A resolver is a plain function; calling it cannot throw.
        let _ = resolve.call1(&JsValue::NULL, &data);
    }
}
