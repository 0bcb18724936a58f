//! The editor surface where the architecture is drawn.

use yew::prelude::*;

/// The drawing surface (`data-testid="canvas"`).
#[component]
pub fn Canvas() -> Html {
    html! {
        <main class="canvas-wrap">
            <svg class="canvas" data-testid="canvas" role="img" aria-label="Architecture canvas">
                <defs>
                    <pattern id="grid" width="20" height="20" patternUnits="userSpaceOnUse">
                        <path d="M 20 0 L 0 0 0 20" class="grid-line" />
                    </pattern>
                </defs>
                <rect width="100%" height="100%" fill="url(#grid)" />
            </svg>
            <p class="canvas-hint">{ "Drag a component from the palette to start" }</p>
        </main>
    }
}
