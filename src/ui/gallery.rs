//! The preset gallery: every exercise with its title, first sentence and
//! difficulty, and the designs recently pushed aside. Opened on a first
//! visit and from the header; picking one opens a copy of it.

use yew::prelude::*;

use crate::model::Scenario;
use crate::workshop::exercises::EXERCISES;

use super::dialog::Dialog;
use super::storage;

/// Props of [`Gallery`].
#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// Open this design (a copy of a preset, or a recent design).
    pub on_open: Callback<Scenario>,
    /// Close without opening anything.
    pub on_close: Callback<()>,
}

/// The first sentence of a story, for a one-line summary.
fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |i| &text[..=i])
}

/// The gallery dialog (`data-testid="gallery"`), with `preset-<slug>` and
/// `recent-<n>` buttons.
#[component]
pub fn Gallery(props: &GalleryProps) -> Html {
    let presets = use_memo((), |()| {
        EXERCISES.iter().map(|p| (p.slug, p.scenario().map_err(|e| e.to_string()))).collect::<Vec<_>>()
    });
    let recent = use_memo((), |()| storage::recent());
    let book = use_memo((), |()| storage::ProgressBook::load());
    // The first exercise takes the focus when the gallery opens.
    let first_card = EXERCISES.first().map(|p| format!("preset-{}", p.slug));
    let card = |slug: String, s: &Scenario, testid: String| {
        let (on_open, s2) = (props.on_open.clone(), s.clone());
        let difficulty = s.difficulty.map(|d| d.label());
        let first = first_card.as_deref() == Some(testid.as_str());
        // Progress shows on the exercises themselves, not on recent copies.
        let progress = testid.starts_with("preset-").then(|| book.get(&slug)).flatten().map(|p| p.name());
        html! {
            <button class="preset" data-testid={testid} key={slug.clone()} autofocus={first} onclick={move |_| on_open.emit(s2.clone())}>
                <span class="preset-title">{ s.title.clone() }</span>
                if let Some(d) = difficulty {
                    <span class={classes!("difficulty", d)}>{ d }</span>
                }
                if let Some(p) = progress {
                    <span class={classes!("progress-badge", p)} data-testid={format!("progress-{slug}")}>{ p }</span>
                }
                <span class="preset-story">{ first_sentence(&s.description).to_owned() }</span>
            </button>
        }
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <Dialog class="gallery" testid="gallery" label="Open an exercise" on_close={props.on_close.clone()}>
                <div class="gallery-head">
                    <h2>{ "Exercises" }</h2>
                    <span class="muted">{ "Open one, press Run, then change the design until every objective passes." }</span>
                    <button data-testid="gallery-close" onclick={on_close}>{ "Close" }</button>
                </div>
                <div class="preset-grid">
                    { for presets.iter().map(|(slug, s)| match s {
                        Ok(s) => card((*slug).to_owned(), s, format!("preset-{slug}")),
                        Err(e) => html! { <p class="error">{ format!("{slug}: {e}") }</p> },
                    }) }
                </div>
                if !recent.is_empty() {
                    <h3>{ "Recent designs" }</h3>
                    <div class="preset-grid">
                        { for recent.iter().enumerate().map(|(n, s)| card(format!("recent-{n}"), s, format!("recent-{n}"))) }
                    </div>
                }
        </Dialog>
    }
}
