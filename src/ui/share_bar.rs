//! The share bar (under the header, after Share): the design's link,
//! always the design as it is now (made anew on every change), Copy, the
//! participant's name signed into the link, and a QR code for a projector:
//! of the exercise's short link when the design is the exercise as
//! shipped, else of the full link.

use yew::prelude::*;

use crate::model::{Scenario, MAX_NAME_CHARS};

use super::qr::QrDialog;
use super::share;
use super::storage;
use super::store::Shared;

/// Props of [`ShareBar`].
#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    /// The design to share.
    pub scenario: Shared,
    /// Close the bar.
    pub on_close: Callback<()>,
    /// Report a problem for the error banner (no link, a full storage).
    pub on_error: Callback<String>,
}

/// `share-url` (the full link, copied to the clipboard when the bar
/// opens), `participant`, `share-qr` (opens the `qr-dialog`) and
/// `share-close`. A design that cannot be linked closes the bar and says
/// why in the error banner.
#[component]
pub fn ShareBar(props: &ShareBarProps) -> Html {
    let participant = use_state(storage::participant);
    let qr = use_state(|| false);
    let link =
        use_memo((props.scenario.clone(), (*participant).clone()), |(s, name)| share::link_for(&signed(s, name)));
    // Compares the design with its shipped exercise: only while the QR
    // code shows (the bar redraws with every frame of a run).
    let short = use_memo((props.scenario.clone(), *qr), |(s, open)| open.then(|| share::short_link_for(s)).flatten());
    // The link goes to the clipboard once, when the bar opens.
    {
        let link = link.clone();
        use_effect_with((), move |_| {
            if let Ok(url) = &*link {
                share::copy(url);
            }
        });
    }
    {
        let (on_close, on_error) = (props.on_close.clone(), props.on_error.clone());
        use_effect_with(link.clone(), move |link| {
            if let Err(e) = &**link {
                on_error.emit(format!("No link: {e}"));
                on_close.emit(());
            }
        });
    }
    let on_name = {
        let (participant, on_error) = (participant.clone(), props.on_error.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let name: String = input.value().trim().chars().take(MAX_NAME_CHARS).collect();
            if let Err(message) = storage::set_participant(&name) {
                on_error.emit(message);
            }
            participant.set(name);
        })
    };
    let Ok(url) = (*link).clone() else { return html! {} };
    let on_copy = {
        let url = url.clone();
        Callback::from(move |_: MouseEvent| share::copy(&url))
    };
    // The QR code shows the shortest link that opens this design.
    let (qr_link, caption) = match (*short).clone() {
        Some(short) => (short, "The exercise, as shipped (its short link)"),
        None => (url.clone(), "A copy of this design and the same run"),
    };
    // The dialog sits outside the bar: a fixed backdrop inside the bar's
    // transform would be confined to the bar.
    html! {
        <>
        <div class="share-bar" role="status">
            <span>{ "Anyone who opens this link gets a copy of this design and the same run:" }</span>
            <input data-testid="share-url" readonly=true value={url} aria-label="Share link"
                   onfocus={|e: FocusEvent| {
                       if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select() }
                   }} />
            <button onclick={on_copy}>{ "Copy" }</button>
            <button data-testid="share-qr" onclick={{ let qr = qr.clone(); move |_| qr.set(true) }}
                    title="Show the link as a QR code, for a projector">{ "QR code" }</button>
            <label class="participant">{ "Your name " }
                <input data-testid="participant" value={(*participant).clone()} maxlength={MAX_NAME_CHARS.to_string()}
                       placeholder="for the class view" onchange={on_name} /></label>
            <button data-testid="share-close" aria-label="Close" onclick={props.on_close.reform(|_| ())}>{ "×" }</button>
        </div>
        if *qr {
            <QrDialog link={qr_link} {caption} on_close={{ let qr = qr.clone(); move |()| qr.set(false) }} />
        }
        </>
    }
}

/// The design as shared: signed with the participant's name, if one was
/// typed in this browser.
fn signed(s: &Scenario, name: &str) -> Scenario {
    let mut s = s.clone();
    if !name.is_empty() {
        s.participant = name.to_owned();
    }
    s
}
