//! Autosave: every change of the design goes to the browser's storage,
//! unless another tab saved over it; then saving pauses until the user
//! chooses whose design to keep (never overwrite silently).

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::editor::Action;

use super::storage;
use super::store::{Msg, Shared};

/// Saves `scenario` on every change (a failure goes to `on_msg` as an
/// error) while no other tab has saved over it. Returns whether one has:
/// saving is paused until it is set back to false.
#[hook]
pub fn use_autosave(scenario: Shared, on_msg: Callback<Msg>) -> UseStateHandle<bool> {
    let conflict = use_state(|| false);
    {
        let conflict = conflict.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "storage", move |e| {
                    let ours =
                        e.dyn_ref::<web_sys::StorageEvent>().and_then(|e| e.key()).as_deref() == Some(storage::KEY);
                    if ours {
                        conflict.set(true);
                    }
                })
            });
            move || drop(listener)
        });
    }
    use_effect_with((scenario, *conflict), move |(s, conflict)| {
        if !conflict {
            if let Err(message) = storage::save(s) {
                on_msg.emit(Msg::Error(message));
            }
        }
    });
    conflict
}

/// Props of [`ConflictBar`].
#[derive(Properties, PartialEq)]
pub struct ConflictProps {
    /// Where loading the other tab's design goes.
    pub on_msg: Callback<Msg>,
    /// The user chose (autosave resumes).
    pub on_done: Callback<()>,
}

/// The choice offered when another tab saved over this one's design: load
/// theirs, or keep this one (and save over theirs).
#[component]
pub fn ConflictBar(props: &ConflictProps) -> Html {
    let on_take_theirs = {
        let (on_msg, on_done) = (props.on_msg.clone(), props.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            match storage::load() {
                Ok(Some(theirs)) => on_msg.emit(Msg::Apply(Action::Replace(Box::new(theirs)))),
                Ok(None) => {}
                Err(message) => on_msg.emit(Msg::Error(message)),
            }
            on_done.emit(());
        })
    };
    let on_keep_mine = props.on_done.reform(|_: MouseEvent| ());
    html! {
        <div class="conflict" role="alertdialog" aria-label="Design changed in another tab">
            <span>{ "This design was changed in another tab. Autosave is paused so neither is lost." }</span>
            <button data-testid="conflict-theirs" onclick={on_take_theirs}>{ "Load the other tab's design" }</button>
            <button data-testid="conflict-mine" onclick={on_keep_mine}>{ "Keep this one (save over it)" }</button>
        </div>
    }
}
