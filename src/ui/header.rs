//! The top bar: product name and the scenario's title.

use yew::prelude::*;

/// Top bar of the page.
#[component]
pub fn Header() -> Html {
    html! {
        <header class="header">
            <span class="brand">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                    <circle cx="5" cy="12" r="3" />
                    <circle cx="19" cy="5" r="3" />
                    <circle cx="19" cy="19" r="3" />
                    <path d="M8 12 L16 6 M8 12 L16 18" />
                </svg>
                { "ArchSim" }
            </span>
            <span class="tagline">{ "Architecture playground: draw a system, run it, break it" }</span>
        </header>
    }
}
