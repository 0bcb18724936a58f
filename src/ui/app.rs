//! The application shell: header, palette, canvas, inspector, run panel.

use yew::prelude::*;

use super::{canvas::Canvas, header::Header, inspector::Inspector, palette::Palette, run_panel::RunPanel};

/// Root component mounted by `main`.
#[component]
pub fn App() -> Html {
    html! {
        <div class="app">
            <Header />
            <Palette />
            <Canvas />
            <Inspector />
            <RunPanel />
        </div>
    }
}
