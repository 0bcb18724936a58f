//! Inline SVG icons for component kinds (no external assets).

use yew::prelude::*;

/// The icon of a component kind, by its serialized name.
pub fn kind_icon(kind: &str) -> Html {
    let body = match kind {
        "client" => html! {
            <>
                <circle cx="12" cy="8" r="4" />
                <path d="M4 21 C4 15 20 15 20 21" />
            </>
        },
        "zone" => html! {
            <rect x="3" y="5" width="18" height="14" rx="3" stroke-dasharray="3 2" />
        },
        "load_balancer" => html! {
            <>
                <circle cx="12" cy="5" r="3" />
                <path d="M12 8 V12 M5 19 L12 12 L19 19 M12 12 V19" />
            </>
        },
        "database" => html! {
            <>
                <ellipse cx="12" cy="5" rx="8" ry="3" />
                <path d="M4 5 V19 C4 21 20 21 20 19 V5 M4 12 C4 14 20 14 20 12" />
            </>
        },
        "partitioned_store" => html! {
            <>
                <rect x="3" y="4" width="8" height="7" rx="1.5" />
                <rect x="13" y="4" width="8" height="7" rx="1.5" />
                <rect x="3" y="13" width="8" height="7" rx="1.5" />
                <rect x="13" y="13" width="8" height="7" rx="1.5" />
            </>
        },
        "dns" => html! {
            <>
                <path d="M4 6 H20 M4 12 H14 M4 18 H10" />
                <path d="M16 14 L20 18 L16 22" />
            </>
        },
        "cdn" => html! {
            <>
                <circle cx="12" cy="12" r="9" />
                <path d="M3 12 H21 M12 3 C8 7 8 17 12 21 C16 17 16 7 12 3" />
            </>
        },
        "queue" => html! {
            <>
                <rect x="3" y="7" width="18" height="10" rx="1.5" />
                <path d="M8 7 V17 M13 7 V17" />
            </>
        },
        "cache" => html! {
            <path d="M13 2 L5 13 H11 L10 22 L19 10 H13 Z" />
        },
        _ => html! {
            <>
                <rect x="3" y="4" width="18" height="6" rx="1.5" />
                <rect x="3" y="14" width="18" height="6" rx="1.5" />
            </>
        },
    };
    html! { <svg class="icon" width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">{ body }</svg> }
}
