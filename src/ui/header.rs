//! The top bar: product name and the scenario's title.

use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Title of the open scenario.
    pub title: AttrValue,
}

/// Top bar of the page.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
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
            <span class="scenario-title">{ props.title.clone() }</span>
        </header>
    }
}
