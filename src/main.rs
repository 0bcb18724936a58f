//! Wasm entry point: mounts the ArchSim web app into the page.
//!
//! Built by Trunk for `wasm32-unknown-unknown`. A native build of this binary
//! only explains where the app lives, so that `cargo build` of the whole
//! package works on every target.

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn main() {
    yew::Renderer::<archsim::ui::App>::new().render();
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn main() {
    eprintln!(
        "archsim-web is the browser app: build it with `trunk build --release` \
         or serve it with `scripts/serve`; the native tool is `archsim`."
    );
    std::process::exit(2);
}
