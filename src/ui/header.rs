//! The top bar: product name, the scenario's title, the design's files and
//! link, edit history and view buttons.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Title of the open scenario.
    pub title: AttrValue,
    /// Whether undo / redo can do something.
    pub can_undo: bool,
    /// Whether redo can do something.
    pub can_redo: bool,
    /// Undo the last edit.
    pub on_undo: Callback<()>,
    /// Redo the last undone edit.
    pub on_redo: Callback<()>,
    /// Fit the drawing to the canvas.
    pub on_fit: Callback<()>,
    /// Zoom about the canvas centre by a factor.
    pub on_zoom: Callback<f64>,
    /// Arrange the graph in layers.
    pub on_layout: Callback<()>,
    /// Open the preset gallery.
    pub on_presets: Callback<()>,
    /// Start a new, empty design (the current one joins the recent ones).
    pub on_new: Callback<()>,
    /// Open the class view (grade many participants' links).
    pub on_class: Callback<()>,
    /// Make and show the share link.
    pub on_share: Callback<()>,
    /// Open a `.json` file the user picked.
    pub on_import: Callback<web_sys::File>,
    /// Save the design as a `.json` file.
    pub on_export: Callback<()>,
    /// Save the drawing as an SVG file.
    pub on_export_svg: Callback<()>,
    /// Whether presentation mode (large type, high contrast) is on.
    pub presentation: bool,
    /// Switch presentation mode.
    pub on_presentation: Callback<()>,
}

/// Top bar of the page.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let on_import = {
        let on_import = props.on_import.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_import.emit(file);
            }
            // The same file can be picked again.
            input.set_value("");
        })
    };
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
            <span class="header-tools">
                <button data-testid="presets" title="Open an exercise or a recent design"
                        onclick={props.on_presets.reform(|_| ())}>{ "Exercises" }</button>
                <button data-testid="class-view" title="Grade the participants' links: the class table"
                        onclick={props.on_class.reform(|_| ())}>{ "Class" }</button>
                <button data-testid="new-design" title="Start an empty design (this one goes to the recent designs)"
                        onclick={props.on_new.reform(|_| ())}>{ "New" }</button>
                <button data-testid="share" title="Make a link that opens this design anywhere"
                        onclick={props.on_share.reform(|_| ())}>{ "Share" }</button>
                <label class="button" title="Open a design saved as .json">{ "Import" }
                    <input data-testid="import" type="file" accept=".json,application/json" class="hidden-file"
                           onchange={on_import} />
                </label>
                <button data-testid="export" title="Save this design as a .json file"
                        onclick={props.on_export.reform(|_| ())}>{ "Export" }</button>
                <button data-testid="export-svg" title="Save the drawing as an SVG image"
                        onclick={props.on_export_svg.reform(|_| ())}>{ "SVG" }</button>
                <button data-testid="presentation" aria-pressed={props.presentation.to_string()}
                        title="Presentation mode: larger type and high contrast for projectors"
                        onclick={props.on_presentation.reform(|_| ())}>{ "Present" }</button>
                <button data-testid="undo" title="Undo (Ctrl+Z)" disabled={!props.can_undo}
                        onclick={props.on_undo.reform(|_| ())}>{ "Undo" }</button>
                <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!props.can_redo}
                        onclick={props.on_redo.reform(|_| ())}>{ "Redo" }</button>
                <button data-testid="auto-layout" title="Arrange in layers from clients to storage"
                        onclick={props.on_layout.reform(|_| ())}>{ "Auto-layout" }</button>
                <button data-testid="zoom-out" title="Zoom out (wheel)" aria-label="Zoom out"
                        onclick={props.on_zoom.reform(|_| 1.0 / 1.25)}>{ "−" }</button>
                <button data-testid="zoom-in" title="Zoom in (wheel)" aria-label="Zoom in"
                        onclick={props.on_zoom.reform(|_| 1.25)}>{ "+" }</button>
                <button data-testid="fit" title="Fit the drawing to the window"
                        onclick={props.on_fit.reform(|_| ())}>{ "Fit" }</button>
            </span>
        </header>
    }
}
