//! Wasm entry point of the background workers (`static/worker.js`, the
//! protocol in `archsim::ui::workers`): grading class-view links, running
//! seeds of a design to their end, and holding the page's live run (the
//! page's own module has no engine).
//!
//! Built by Trunk as a module of its own with the Cargo profile `worker`
//! (opt-level 3), apart from the page's module (`archsim-web`, profile
//! `web`, opt-level "z" for size): the engine at opt-level "z" runs M/M/10
//! at about half the speed (docs/performance.md, "The engine in the
//! page"). Only a worker fetches it, when the page first needs one. A
//! native build of this binary only explains where it lives.

/// Does one job: grades a class-view link, runs one seed of a design, or
/// carries out a live-run command (`archsim::ui::work` has the shapes);
/// throws the message when the job cannot be done.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn work(job: wasm_bindgen::JsValue) -> Result<wasm_bindgen::JsValue, String> {
    archsim::ui::work(&job)
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn main() {}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn main() {
    eprintln!(
        "archsim-worker is the browser's background worker: `trunk build --release` \
         builds it beside the page; the native tool is `archsim`."
    );
    std::process::exit(2);
}
