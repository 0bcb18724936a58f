//! Wasm entry point: mounts the ArchSim web app into the page.
//!
//! Built by Trunk for `wasm32-unknown-unknown`. A native build of this binary
//! only explains where the app lives, so that `cargo build` of the whole
//! package works on every target.

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn main() {
    // A background worker instantiates this same module: it has no window and
    // mounts nothing.
    if web_sys::window().is_some() {
        yew::Renderer::<archsim::ui::App>::new().render();
    }
}

/// Does one job in a background worker (`worker.js`): grades a class-view
/// link or runs one seed of a design (`archsim::ui::work` has the shapes);
/// throws the message when the job cannot be done.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn work(job: wasm_bindgen::JsValue) -> Result<wasm_bindgen::JsValue, String> {
    archsim::ui::work(&job)
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn main() {
    eprintln!(
        "archsim-web is the browser app: build it with `trunk build --release` \
         or serve it with `scripts/serve`; the native tool is `archsim`."
    );
    std::process::exit(2);
}
