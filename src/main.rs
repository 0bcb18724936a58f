//! Wasm entry point: mounts the ArchSim web app into the page.
//!
//! Built by Trunk for `wasm32-unknown-unknown`. A native build of this binary
//! only explains where the app lives, so that `cargo build` of the whole
//! package works on every target.

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn main() {
    // A grading worker instantiates this same module: it has no window and
    // mounts nothing.
    if web_sys::window().is_some() {
        yew::Renderer::<archsim::ui::App>::new().render();
    }
}

/// Grades one class-view link, in a grading worker (`grade-worker.js`):
/// its class-table row as `{cells: string[], passes: bool, objectives:
/// number}` (`archsim::ui::grade_for_class`).
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn grade_for_class(link: &str) -> wasm_bindgen::JsValue {
    archsim::ui::grade_for_class(link)
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn main() {
    eprintln!(
        "archsim-web is the browser app: build it with `trunk build --release` \
         or serve it with `scripts/serve`; the native tool is `archsim`."
    );
    std::process::exit(2);
}
