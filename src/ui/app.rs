//! The application shell: header, palette, canvas, inspector, run panel,
//! wired to one [`Store`].

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::editor::geometry::Camera;
use crate::editor::Action;
use crate::model::{Scenario, Settings};
use crate::workshop::exercises;

use super::canvas::{pointer_at, Canvas};
use super::class::ClassView;
use super::download::download_text;
use super::gallery::Gallery;
use super::grading::ExerciseVerdictView;
use super::header::Header;
use super::inspector::Inspector;
use super::palette::{Drop, Palette, ZONE};
use super::run::{use_run, RunPanel};
use super::share_bar::ShareBar;
use super::store::{Msg, Shared, Store};
use super::{share, storage};
use crate::editor::session::{key_command, KeyPress};
use crate::workshop::canonical::changes_of;

/// The design to start with: the one in a share link (the autosaved design
/// then joins the recent designs), else the autosaved one, else the
/// starter preset; with the reason when a link or the autosave could not
/// be opened.
fn initial_store() -> Store {
    let saved = storage::load();
    let (scenario, error) = match (share::take_link_in_location(), saved) {
        (Some(Ok(linked)), Ok(Some(current))) => (linked, storage::push_recent(&current).err()),
        (Some(Ok(linked)), _) => (linked, None),
        (Some(Err(message)), Ok(Some(saved))) => (saved, Some(message)),
        (Some(Err(message)), _) => (exercises::starter(), Some(message)),
        (None, Ok(Some(saved))) => (saved, None),
        (None, Ok(None)) => (exercises::starter(), None),
        (None, Err(message)) => (exercises::starter(), Some(message)),
    };
    let mut store = Store::new(scenario);
    if let Some(message) = error {
        store = store.with_error(message);
    }
    store
}

/// A file name for the design: its title in lower case with dashes.
fn file_stem(s: &Scenario) -> String {
    let stem: String = s
        .title
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "design".to_owned()
    } else {
        stem
    }
}

/// Root component mounted by `main`.
#[component]
pub fn App() -> Html {
    // A first visit (nothing saved, no link) opens on the gallery; read
    // before the store consumes a link.
    let gallery = use_state(|| matches!(storage::load(), Ok(None)) && !share::link_in_location());
    let store = use_reducer(initial_store);
    let presentation = use_state(|| false);
    let class_view = use_state(|| false);
    let sharing = use_state(|| false);
    let scenario = Shared(store.editor.shared());
    let camera = use_state(Camera::default);
    let surface = use_node_ref();
    let run = use_run(scenario.clone());
    // Parses the exercise's rules: once per edit, not once per frame.
    let rule_changes = use_memo(scenario.clone(), |s| changes_of(s));

    let on_msg = {
        let store = store.dispatcher();
        Callback::from(move |m: Msg| store.dispatch(m))
    };

    let fit = {
        let (camera, surface, scenario) = (camera.clone(), surface.clone(), scenario.clone());
        Callback::from(move |()| {
            if let Some(el) = surface.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                camera.set(Camera::fit(&scenario, r.width(), r.height()));
            }
        })
    };
    // Fit once the surface has a size, and after an auto-layout.
    let fit_pending = use_mut_ref(|| true);
    {
        let (fit, fit_pending) = (fit.clone(), fit_pending.clone());
        use_effect_with(scenario.clone(), move |_| {
            if std::mem::take(&mut *fit_pending.borrow_mut()) {
                fit.emit(());
            }
        });
    }
    let on_layout = {
        let (store, fit_pending) = (store.dispatcher(), fit_pending.clone());
        Callback::from(move |()| {
            *fit_pending.borrow_mut() = true;
            store.dispatch(Msg::Apply(Action::AutoLayout));
        })
    };
    // Another tab saved over our autosave: stop saving until the user
    // chooses whose design to keep (never overwrite silently).
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
    // Autosave every change (unless in conflict with another tab).
    {
        let (store, conflict) = (store.dispatcher(), *conflict);
        use_effect_with((scenario.clone(), conflict), move |(s, conflict)| {
            if !conflict {
                if let Err(message) = storage::save(s) {
                    store.dispatch(Msg::Error(message));
                }
            }
        });
    }
    let on_take_theirs = {
        let (store, conflict) = (store.dispatcher(), conflict.clone());
        Callback::from(move |_: MouseEvent| {
            match storage::load() {
                Ok(Some(theirs)) => store.dispatch(Msg::Apply(Action::Replace(Box::new(theirs)))),
                Ok(None) => {}
                Err(message) => store.dispatch(Msg::Error(message)),
            }
            conflict.set(false);
        })
    };
    let on_keep_mine = {
        let conflict = conflict.clone();
        Callback::from(move |_: MouseEvent| conflict.set(false))
    };
    // Keyboard shortcuts, unless the user is typing in a field.
    {
        let store = store.dispatcher();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&d, "keydown", options, move |event| {
                    let Some(e) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
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
                    if let Some(msg) = key_command(press) {
                        e.prevent_default();
                        store.dispatch(msg);
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Opening a design (preset, recent, link, file): the current one joins
    // the recent designs, the run resets, the view fits the new drawing,
    // and the replacement is one undoable edit.
    let open_design = {
        let (store, fit_pending, gallery) = (store.dispatcher(), fit_pending.clone(), gallery.clone());
        let (on_reset, current) = (run.on_reset.clone(), scenario.clone());
        Callback::from(move |s: Scenario| {
            if let Err(message) = storage::push_recent(&current) {
                store.dispatch(Msg::Error(message));
            }
            on_reset.emit(());
            *fit_pending.borrow_mut() = true;
            gallery.set(false);
            store.dispatch(Msg::Select(Vec::new()));
            store.dispatch(Msg::Apply(Action::Replace(Box::new(s))));
        })
    };
    // A link pasted into the address bar of the open page.
    let latest_open = use_mut_ref(|| open_design.clone());
    *latest_open.borrow_mut() = open_design.clone();
    {
        let store = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| match share::take_link_in_location() {
                    Some(Ok(s)) => latest_open.borrow().emit(s),
                    Some(Err(message)) => store.dispatch(Msg::Error(message)),
                    None => {}
                })
            });
            move || drop(listener)
        });
    }
    let on_share = {
        let sharing = sharing.clone();
        Callback::from(move |()| sharing.set(true))
    };
    let on_import = {
        let (open_design, store) = (open_design.clone(), store.dispatcher());
        Callback::from(move |file: web_sys::File| {
            let (open_design, store) = (open_design.clone(), store.clone());
            yew::platform::spawn_local(async move {
                match share::read_file(file).await {
                    Ok(s) => open_design.emit(s),
                    Err(message) => store.dispatch(Msg::Error(format!("{message}. Your design is unchanged."))),
                }
            });
        })
    };
    let on_export = {
        let (scenario, store) = (scenario.clone(), store.dispatcher());
        Callback::from(move |()| match crate::share::to_file(&scenario) {
            Ok(text) => download_text(&text, &format!("{}.json", file_stem(&scenario)), "application/json"),
            Err(e) => store.dispatch(Msg::Error(format!("Not exported: {e}"))),
        })
    };
    let on_export_svg = {
        let scenario = scenario.clone();
        Callback::from(move |()| {
            if let Some(svg) = share::canvas_svg() {
                download_text(&svg, &format!("{}.svg", file_stem(&scenario)), "image/svg+xml");
            }
        })
    };
    let on_seed = {
        let (on_msg, settings) = (on_msg.clone(), scenario.settings.clone());
        Callback::from(move |seed: u64| {
            on_msg.emit(Msg::Apply(Action::SetSettings(Settings { seed, ..settings.clone() })))
        })
    };
    let on_zoom = {
        let (camera, surface) = (camera.clone(), surface.clone());
        Callback::from(move |factor: f64| {
            if let Some(el) = surface.cast::<web_sys::Element>() {
                let r = el.get_bounding_client_rect();
                camera.set(camera.zoom_at(r.width() / 2.0, r.height() / 2.0, factor));
            }
        })
    };
    let on_drop = {
        let (store, surface, camera) = (store.dispatcher(), surface.clone(), camera.clone());
        Callback::from(move |d: Drop| {
            let Some(el) = surface.cast::<web_sys::Element>() else { return };
            let r = el.get_bounding_client_rect();
            let (x, y) = (f64::from(d.client.0), f64::from(d.client.1));
            let inside = x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom();
            if let (true, Some(at)) = (inside, pointer_at(&surface, &camera, d.client.0, d.client.1)) {
                let action = if d.kind == ZONE {
                    Action::AddZone { at: at.world }
                } else {
                    Action::AddNode { kind: d.kind.to_owned(), at: at.world }
                };
                store.dispatch(Msg::Apply(action));
            }
        })
    };

    let on_new = {
        let open_design = open_design.clone();
        Callback::from(move |()| {
            let mut s = Scenario::empty();
            s.title = "Untitled design".to_owned();
            open_design.emit(s);
        })
    };
    let run_state = run.state;
    html! {
        <div class={classes!("app", presentation.then_some("presentation"))}>
            <Header title={scenario.title.clone()} can_undo={store.editor.can_undo()} can_redo={store.editor.can_redo()}
                    on_undo={on_msg.reform(|()| Msg::Undo)} on_redo={on_msg.reform(|()| Msg::Redo)} on_fit={fit}
                    on_zoom={on_zoom} {on_layout}
                    on_presets={Callback::from({ let gallery = gallery.clone(); move |()| gallery.set(true) })} {on_new}
                    on_class={Callback::from({ let c = class_view.clone(); move |()| c.set(true) })}
                    {on_share} {on_import} {on_export} {on_export_svg} presentation={*presentation}
                    on_presentation={Callback::from({ let p = presentation.clone(); move |()| p.set(!*p) })} />
            <Palette {on_drop} />
            if *sharing {
                <ShareBar scenario={scenario.clone()} on_close={{ let s = sharing.clone(); move |()| s.set(false) }}
                          on_error={on_msg.reform(Msg::Error)} />
            }
            if *gallery {
                <Gallery on_open={open_design.clone()}
                         on_close={Callback::from({ let gallery = gallery.clone(); move |()| gallery.set(false) })} />
            }
            if *class_view {
                <ClassView on_close={Callback::from({ let c = class_view.clone(); move |()| c.set(false) })} />
            }
            if *conflict {
                <div class="conflict" role="alertdialog" aria-label="Design changed in another tab">
                    <span>{ "This design was changed in another tab. Autosave is paused so neither is lost." }</span>
                    <button data-testid="conflict-theirs" onclick={on_take_theirs}>{ "Load the other tab's design" }</button>
                    <button data-testid="conflict-mine" onclick={on_keep_mine}>{ "Keep this one (save over it)" }</button>
                </div>
            }
            <Canvas scenario={scenario.clone()} selection={store.selection.clone()} edge={store.edge}
                    zone={store.zone.clone()}
                    load={run.readouts.nodes.clone()} breakers={run.readouts.breakers.clone()}
                    camera={*camera} surface={surface.clone()} on_msg={on_msg.clone()}
                    on_camera={Callback::from({ let camera = camera.clone(); move |c| camera.set(c) })} />
            <Inspector scenario={scenario.clone()} selection={store.selection.clone()} edge={store.edge}
                       zone={store.zone.clone()} load={run.readouts.nodes.clone()}
                       on_msg={on_msg.clone()} on_fault={run.on_fault.clone()}
                       events={run.readouts.events.clone()} rule_changes={rule_changes.clone()} />
            <RunPanel run={run} settings={scenario.settings.clone()} {on_seed}
                      edit_error={store.error.clone().map(AttrValue::from)}
                      objectives={scenario.objectives.clone()} practice={!rule_changes.is_empty()}>
                <ExerciseVerdictView scenario={scenario.clone()} run_state={run_state} on_open={open_design.clone()} />
            </RunPanel>
        </div>
    }
}

/// Whether a key event comes from the focused canvas.
fn on_canvas(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.get_attribute("data-testid").as_deref() == Some("canvas"))
}

/// Moves the keyboard focus to the inspector's first parameter.
fn focus_first_parameter() {
    let field = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=inspector] input").ok().flatten())
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
    }
}
