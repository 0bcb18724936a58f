//! Wasm entry point: mounts the ArchSim web app into the page.
//!
//! Built by Trunk for `wasm32-unknown-unknown`. A native build of this binary
//! only explains where the app lives, so that `cargo build` of the whole
//! package works on every target.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<archsim::ui::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "archsim-web is the browser app: build it with `trunk build --release` \
         or serve it with `scripts/serve`; the native tool is `archsim`."
    );
    std::process::exit(2);
}
