//! The preset gallery: every exercise with its title, first sentence and
//! difficulty, and the designs recently pushed aside. Opened on a first
//! visit and from the header; picking one opens a copy of it.

use yew::prelude::*;

use crate::model::Scenario;
use crate::workshop::exercises::{Exercise, Summary, EXERCISES};

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
    let presets = use_memo((), |()| EXERCISES.iter().map(|p| (p, p.summary())).collect::<Vec<_>>());
    let recent = use_memo((), |()| storage::recent());
    let book = use_memo((), |()| storage::ProgressBook::load());
    // A shipped exercise that does not open (a test opens every one).
    let problem = use_state(|| None::<String>);
    // The first exercise takes the focus when the gallery opens.
    let first_card = EXERCISES.first().map(|p| format!("preset-{}", p.slug));
    let card = |slug: &str, summary: &Summary, testid: String, onclick: Callback<MouseEvent>| {
        let first = first_card.as_deref() == Some(testid.as_str());
        // Progress shows on the exercises themselves, not on recent copies.
        let progress = testid.starts_with("preset-").then(|| book.get(slug)).flatten().map(|p| p.name());
        html! {
            <button class="preset" data-testid={testid} key={slug.to_owned()} autofocus={first} {onclick}>
                <span class="preset-title">{ summary.title.clone() }</span>
                if let Some(d) = &summary.difficulty {
                    <span class={classes!("difficulty", d.clone())}>{ d.clone() }</span>
                }
                if let Some(p) = progress {
                    <span class={classes!("progress-badge", p)} data-testid={format!("progress-{slug}")}>{ p }</span>
                }
                <span class="preset-story">{ first_sentence(&summary.story).to_owned() }</span>
            </button>
        }
    };
    let preset = |exercise: &'static Exercise, summary: &Summary| {
        let (on_open, problem) = (props.on_open.clone(), problem.clone());
        let onclick = Callback::from(move |_: MouseEvent| match exercise.scenario() {
            Ok(s) => on_open.emit(s),
            Err(e) => problem.set(Some(format!("{}: {e}", exercise.slug))),
        });
        card(exercise.slug, summary, format!("preset-{}", exercise.slug), onclick)
    };
    let recent_card = |n: usize, s: &Scenario| {
        let (on_open, summary, s) = (props.on_open.clone(), Summary::from(s), s.clone());
        card(&format!("recent-{n}"), &summary, format!("recent-{n}"), Callback::from(move |_| on_open.emit(s.clone())))
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <Dialog class="gallery" testid="gallery" label="Open an exercise" on_close={props.on_close.clone()}>
                <div class="gallery-head">
                    <h2>{ "Exercises" }</h2>
                    <span class="muted">{ "Open one, press Run, then change the design until every objective passes." }</span>
                    <button data-testid="gallery-close" onclick={on_close}>{ "Close" }</button>
                </div>
                if let Some(message) = (*problem).clone() {
                    <p class="error" role="alert">{ message }</p>
                }
                <div class="preset-grid">
                    { for presets.iter().map(|(p, summary)| match summary {
                        Ok(summary) => preset(p, summary),
                        Err(e) => html! { <p class="error">{ format!("{}: {e}", p.slug) }</p> },
                    }) }
                </div>
                if !recent.is_empty() {
                    <h3>{ "Recent designs" }</h3>
                    <div class="preset-grid">
                        { for recent.iter().enumerate().map(|(n, s)| recent_card(n, s)) }
                    </div>
                }
        </Dialog>
    }
}
