//! The right-hand panel showing the selected node's parameters.

use yew::prelude::*;

/// Parameters of the selection (`data-testid="inspector"`).
#[component]
pub fn Inspector() -> Html {
    html! {
        <aside class="inspector" data-testid="inspector" aria-label="Inspector">
            <h2>{ "Inspector" }</h2>
            <p class="muted">{ "Select a node or an edge to see its parameters." }</p>
        </aside>
    }
}
