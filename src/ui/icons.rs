//! Inline SVG icons for component kinds (no external assets): each kind's
//! path is in its descriptor (`KindInfo::icon`).

use yew::prelude::*;

use crate::model::KINDS;

/// The icon of a component kind, by its serialized name, or of an
/// availability zone (`zone`, not a kind: a dashed box).
pub fn kind_icon(name: &str) -> Html {
    let body = match KINDS.iter().find(|k| k.name == name) {
        Some(kind) => html! { <path d={kind.icon} /> },
        None => html! { <rect x="3" y="5" width="18" height="14" rx="3" stroke-dasharray="3 2" /> },
    };
    html! { <svg class="icon" width="24" height="24" viewBox="0 0 24 24" aria-hidden="true">{ body }</svg> }
}
