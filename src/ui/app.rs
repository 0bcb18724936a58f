//! The application shell: header, palette, canvas, inspector, run panel,
//! wired to one [`Store`].

use yew::prelude::*;

use crate::editor::Action;
use crate::model::{Scenario, Settings};
use crate::workshop::canonical::changes_of;
use crate::workshop::exercises;

use super::autosave::{use_autosave, ConflictBar};
use super::canvas::Canvas;
use super::class::ClassView;
use super::gallery::Gallery;
use super::grading::ExerciseVerdictView;
use super::header::Header;
use super::inspector::Inspector;
use super::palette::Palette;
use super::run::{use_run, RunPanel, RunState};
use super::share_bar::ShareBar;
use super::shortcuts::use_shortcuts;
use super::splitter::{use_run_height, Splitter};
use super::store::{Msg, Shared, Store};
use super::view::use_view;
use super::{files, share, storage};

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

/// Root component mounted by `main`: the panels, wired to one [`Store`],
/// one run ([`use_run`]) and one view of the canvas ([`use_view`]).
#[component]
pub fn App() -> Html {
    // A first visit (nothing saved, no link) opens on the gallery; read
    // before the store consumes a link.
    let gallery = use_state(|| matches!(storage::load(), Ok(None)) && !share::link_in_location());
    let store = use_reducer(initial_store);
    let presentation = use_state(|| false);
    let class_view = use_state(|| false);
    let sharing = use_state(|| false);
    let (run_height, on_run_height) = use_run_height();
    // The request-flow animation: on, but off in Present mode, until
    // switched.
    let flow_choice = use_state(|| None::<bool>);
    let scenario = Shared(store.editor.shared());
    // The same callbacks from render to render (the dispatchers' own), so
    // that panels whose other props are unchanged (the canvas between two
    // refreshes of a run's figures) are not rendered again.
    let on_msg: Callback<Msg> = store.dispatcher().to_callback();
    let view = use_view(scenario.clone(), on_msg.clone());
    let on_camera = view.camera.setter().to_callback();
    let run = use_run(scenario.clone());
    // Parses the exercise's rules: once per edit, not once per frame.
    let rule_changes = use_memo(scenario.clone(), |s| changes_of(s));
    let conflict = use_autosave(scenario.clone(), on_msg.clone());
    use_shortcuts(store.clone());
    // Opening a design (preset, recent, link, file): the current one joins
    // the recent designs, its run and previous run are discarded, the view
    // fits the new drawing, and the replacement is one undoable edit.
    let open_design = {
        let (on_msg, view, gallery) = (on_msg.clone(), view.clone(), gallery.clone());
        let (on_close, current) = (run.on_close.clone(), scenario.clone());
        Callback::from(move |s: Scenario| {
            if let Err(message) = storage::push_recent(&current) {
                on_msg.emit(Msg::Error(message));
            }
            on_close.emit(());
            view.fit_next();
            gallery.set(false);
            on_msg.emit(Msg::Select(Vec::new()));
            on_msg.emit(Msg::Apply(Action::Replace(Box::new(s))));
        })
    };
    share::use_pasted_links(open_design.clone(), on_msg.clone());
    let on_seed = {
        let (on_msg, settings) = (on_msg.clone(), scenario.settings.clone());
        Callback::from(move |seed: u64| {
            on_msg.emit(Msg::Apply(Action::SetSettings(Settings { seed, ..settings.clone() })))
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
    let show = |flag: &UseStateHandle<bool>, on: bool| {
        let flag = flag.clone();
        Callback::from(move |()| flag.set(on))
    };
    let run_state = run.state;
    let flow = flow_choice.unwrap_or(!*presentation);
    let on_flow = {
        let flow_choice = flow_choice.clone();
        Callback::from(move |on| flow_choice.set(Some(on)))
    };
    let flows = match run_state {
        RunState::Running | RunState::Paused if flow => run.readouts.flows.clone(),
        _ => std::rc::Rc::default(),
    };
    html! {
        <div class={classes!("app", presentation.then_some("presentation"))}
             style={run_height.map(|h| format!("--run-h: {h:.0}px"))}>
            <Header title={scenario.title.clone()} can_undo={store.editor.can_undo()} can_redo={store.editor.can_redo()}
                    on_undo={on_msg.reform(|()| Msg::Undo)} on_redo={on_msg.reform(|()| Msg::Redo)}
                    on_fit={view.on_fit.clone()} on_zoom={view.on_zoom.clone()} on_layout={view.on_layout.clone()}
                    on_presets={show(&gallery, true)} {on_new} on_class={show(&class_view, true)}
                    on_share={show(&sharing, true)}
                    on_import={files::on_import(open_design.clone(), on_msg.clone())}
                    on_export={files::on_export(scenario.clone(), on_msg.clone())}
                    on_export_svg={files::on_export_svg(scenario.clone())} presentation={*presentation}
                    on_presentation={show(&presentation, !*presentation)} />
            <Palette on_drop={view.on_drop.clone()} />
            if *sharing {
                <ShareBar scenario={scenario.clone()} on_close={show(&sharing, false)} on_error={on_msg.reform(Msg::Error)} />
            }
            if *gallery {
                <Gallery on_open={open_design.clone()} on_close={show(&gallery, false)} />
            }
            if *class_view {
                <ClassView on_close={show(&class_view, false)} />
            }
            if *conflict {
                <ConflictBar on_msg={on_msg.clone()} on_done={show(&conflict, false)} />
            }
            <Canvas scenario={scenario.clone()} selection={store.selection.clone()} edge={store.edge}
                    zone={store.zone.clone()}
                    load={run.readouts.nodes.clone()} breakers={run.readouts.breakers.clone()}
                    {flows} flows_paused={run_state == RunState::Paused}
                    camera={*view.camera} surface={view.surface.clone()} on_msg={on_msg.clone()}
                    {on_camera} />
            <Inspector scenario={scenario.clone()} selection={store.selection.clone()} edge={store.edge}
                       zone={store.zone.clone()} load={run.readouts.nodes.clone()}
                       on_msg={on_msg.clone()} on_fault={run.on_fault.clone()}
                       events={run.readouts.events.clone()} rule_changes={rule_changes.clone()} />
            <Splitter on_resize={on_run_height} />
            <RunPanel run={run} presentation={*presentation} {flow} {on_flow} settings={scenario.settings.clone()} {on_seed}
                      edit_error={store.error.clone().map(AttrValue::from)}
                      objectives={scenario.objectives.clone()} practice={!rule_changes.is_empty()}>
                <ExerciseVerdictView scenario={scenario.clone()} run_state={run_state} on_open={open_design} />
            </RunPanel>
        </div>
    }
}
