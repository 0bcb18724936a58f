//! The top bar: product name, the scenario's title, edit history and view
//! buttons.

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
}

/// Top bar of the page.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
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
