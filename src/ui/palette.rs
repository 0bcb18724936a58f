//! The component palette: every kind, grouped, with icon and name. A kind
//! is dragged onto the canvas with the pointer (mouse, pen or touch): the
//! press starts the drag, document-level listeners follow the pointer and
//! report where it was released.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::{ComponentGroup, KINDS};

use super::icons::kind_icon;

const GROUPS: [ComponentGroup; 5] = [
    ComponentGroup::Traffic,
    ComponentGroup::Edge,
    ComponentGroup::Compute,
    ComponentGroup::Data,
    ComponentGroup::Messaging,
];

/// The palette name of the zone item (not a component kind: a zone groups
/// components).
pub const ZONE: &str = "zone";

/// A palette item released at a screen point.
#[derive(Clone, Debug, PartialEq)]
pub struct Drop {
    /// Kind name.
    pub kind: &'static str,
    /// Client (viewport) coordinates of the release, CSS pixels.
    pub client: (i32, i32),
}

/// Props of [`Palette`].
#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    /// Called when a dragged kind is released (anywhere: the app decides
    /// whether it landed on the canvas).
    pub on_drop: Callback<Drop>,
}

/// Left sidebar listing the component kinds.
#[component]
pub fn Palette(props: &PaletteProps) -> Html {
    let dragging = use_state(|| None::<&'static str>);
    let ghost = use_state(|| None::<(i32, i32)>);
    {
        let (dragging, ghost, on_drop) = (dragging.clone(), ghost.clone(), props.on_drop.clone());
        use_effect_with(*dragging, move |kind| {
            let listeners = kind.zip(web_sys::window().and_then(|w| w.document())).map(|(kind, doc)| {
                let follow = {
                    let ghost = ghost.clone();
                    EventListener::new(&doc, "pointermove", move |e| {
                        if let Some(e) = e.dyn_ref::<web_sys::PointerEvent>() {
                            ghost.set(Some((e.client_x(), e.client_y())));
                        }
                    })
                };
                let end = |event: &'static str| {
                    let (dragging, ghost, on_drop) = (dragging.clone(), ghost.clone(), on_drop.clone());
                    EventListener::new(&doc, event, move |e| {
                        // A cancelled pointer (the browser took it over) drops nothing.
                        let released = e.dyn_ref::<web_sys::PointerEvent>().filter(|_| event == "pointerup");
                        if let Some(e) = released {
                            on_drop.emit(Drop { kind, client: (e.client_x(), e.client_y()) });
                        }
                        dragging.set(None);
                        ghost.set(None);
                    })
                };
                (follow, end("pointerup"), end("pointercancel"))
            });
            move || drop(listeners)
        });
    }
    // A press on an item starts dragging it.
    let press = |kind: &'static str| {
        let (dragging, ghost) = (dragging.clone(), ghost.clone());
        Callback::from(move |e: PointerEvent| {
            // No text selection, and no browser drag of text already
            // selected: that would take the pointer (pointercancel).
            e.prevent_default();
            // Touch would otherwise keep the pointer on the item
            // (`touch-action: none` in CSS stops scrolling).
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let _ = el.release_pointer_capture(e.pointer_id());
            }
            ghost.set(Some((e.client_x(), e.client_y())));
            dragging.set(Some(kind));
        })
    };
    let groups = GROUPS.iter().filter_map(|&group| {
        let kinds: Vec<_> = KINDS.iter().filter(|k| k.group == group).collect();
        (!kinds.is_empty()).then(|| {
            html! {
                <section class="palette-group" key={group.title()}>
                    <h3>{ group.title() }</h3>
                    { for kinds.into_iter().map(|k| {
                        let name = k.name;
                        html! {
                            <div class="palette-item" key={name} title={k.summary} role="button" tabindex="0"
                                 aria-label={format!("Add {}", k.title)} data-testid={format!("palette-{name}")}
                                 onpointerdown={press(name)}>
                                { kind_icon(name) }
                                <span>{ k.title }</span>
                            </div>
                        }
                    }) }
                </section>
            }
        })
    });
    let ghost_view = dragging.zip(*ghost).map(|(kind, (x, y))| {
        html! {
            <div class="drag-ghost" style={format!("left: {}px; top: {}px", x - 20, y - 20)}>{ kind_icon(kind) }</div>
        }
    });
    html! {
        <aside class="palette" aria-label="Components">
            <h2>{ "Components" }</h2>
            { for groups }
            <section class="palette-group">
                <h3>{ "Layout" }</h3>
                <div class="palette-item" title="An availability zone: nodes dropped in it run in that zone"
                     role="button" tabindex="0" aria-label="Add Availability zone" data-testid="palette-zone"
                     onpointerdown={press(ZONE)}>
                    { kind_icon(ZONE) }
                    <span>{ "Availability zone" }</span>
                </div>
            </section>
            { for ghost_view }
        </aside>
    }
}
