//! Keyboard shortcuts: the key map is the editing session's
//! (`editor::session::Session::key_action`, tested natively); this listens
//! for keys outside text fields and hands them over.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::editor::session::KeyPress;

use super::store::Store;

/// Turns key presses on the page (not while typing in a field) into
/// commands of the session in `store` (as it is at the press); Enter on
/// the canvas moves the focus to the inspector's first parameter.
#[hook]
pub fn use_shortcuts(store: UseReducerHandle<Store>) {
    let latest = use_mut_ref(|| store.clone());
    *latest.borrow_mut() = store;
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener = document.map(|d| {
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&d, "keydown", options, move |event| {
                let Some(e) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let typing =
                    target(e).is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
                if typing {
                    return;
                }
                if e.key() == "Enter" && on_canvas(e) {
                    focus_first_parameter();
                    return;
                }
                let press = KeyPress {
                    key: &e.key(),
                    command: e.ctrl_key() || e.meta_key(),
                    shift: e.shift_key(),
                    on_canvas: on_canvas(e),
                };
                let store = latest.borrow().clone();
                if let Some(action) = store.key_action(press) {
                    if !action.and_default {
                        e.prevent_default();
                    }
                    store.dispatch(action.command);
                }
            })
        });
        move || drop(listener)
    });
}

/// The element a key event is for.
fn target(e: &web_sys::KeyboardEvent) -> Option<web_sys::Element> {
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
}

/// Whether a key event comes from the focused canvas.
fn on_canvas(e: &web_sys::KeyboardEvent) -> bool {
    target(e).is_some_and(|el| el.get_attribute("data-testid").as_deref() == Some("canvas"))
}

/// Moves the keyboard focus to the inspector's first field (not its search).
fn focus_first_parameter() {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=inspector] .field input").ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}
