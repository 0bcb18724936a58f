//! The page's side of sharing: the link in the address bar, the
//! clipboard, and files the user picks. The codec is `crate::share`.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::store::Msg;
use crate::model::Scenario;
use crate::share::{self, ShareError};

/// Whether the address bar's fragment holds a scenario link.
pub fn link_in_location() -> bool {
    location_fragment().is_some()
}

fn location_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    (hash.contains("s=") || hash.contains("x=")).then_some(hash)
}

/// Takes the scenario link out of the address bar, if there is one, and
/// opens it: the scenario, or why it cannot be opened (a message for the
/// error banner).
pub fn take_link_in_location() -> Option<Result<Scenario, String>> {
    let link = location_fragment()?;
    clear_location_fragment();
    Some(share::from_link(&link).map_err(|e| {
        let capital = crate::words::capitalized(e.headline());
        format!("{capital}: it was not opened, and your design is unchanged.\n{e}")
    }))
}

/// Opens a link pasted into the address bar of the open page through
/// `open` (the latest one given), or says through `on_msg` why it cannot
/// be opened.
#[hook]
pub fn use_pasted_links(open: Callback<Scenario>, on_msg: Callback<Msg>) {
    let latest_open = use_mut_ref(|| open.clone());
    *latest_open.borrow_mut() = open;
    use_effect_with((), move |_| {
        let listener = web_sys::window().map(|w| {
            EventListener::new(&w, "hashchange", move |_| match take_link_in_location() {
                Some(Ok(s)) => latest_open.borrow().emit(s),
                Some(Err(message)) => on_msg.emit(Msg::Error(message)),
                None => {}
            })
        });
        move || drop(listener)
    });
}

/// Removes the fragment from the address bar (without reloading or adding
/// a history entry): the opened design lives on in the autosave, and a
/// reload must not open the link again over later edits.
fn clear_location_fragment() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let url = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The full share link of `scenario`: this page's address with
/// `#s=<version>.<data>`.
///
/// Errors: a value JSON cannot hold.
pub fn link_for(scenario: &Scenario) -> Result<String, String> {
    Ok(format!("{}#{}", page_address(), share::to_fragment(scenario)?))
}

/// The short link of `scenario` (`#x=<slug>`), if it is an exercise as
/// shipped (`share::short_fragment`).
pub fn short_link_for(scenario: &Scenario) -> Option<String> {
    Some(format!("{}#{}", page_address(), share::short_fragment(scenario)?))
}

/// This page's address without query or fragment.
fn page_address() -> String {
    let location = web_sys::window().map(|w| w.location());
    location
        .map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default()))
        .unwrap_or_default()
}

/// Puts `text` on the clipboard if the browser allows it (the link stays
/// shown and selected for a manual copy otherwise).
pub fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// The scenario in a file the user picked: read, size-checked, parsed and
/// validated.
///
/// Errors: the file cannot be read, or any [`ShareError`] (as a message
/// naming the file).
pub async fn read_file(file: web_sys::File) -> Result<Scenario, String> {
    let name = file.name();
    if file.size() > share::MAX_JSON_BYTES as f64 {
        return Err(format!("{name}: {}", ShareError::TooLarge));
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| format!("{name}: the file could not be read"))?;
    share::from_file(&text).map_err(|e| format!("{name}: {e}"))
}

/// The drawing on the canvas as a standalone SVG document, with the page's
/// style rules inlined so it looks the same outside the page.
pub fn canvas_svg() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let svg = document.query_selector("svg[data-testid=canvas]").ok()??;
    let sheets = document.style_sheets();
    let mut css = String::new();
    for i in 0..sheets.length() {
        let Some(sheet) = sheets.item(i).and_then(|s| s.dyn_into::<web_sys::CssStyleSheet>().ok()) else { continue };
        let Ok(rules) = sheet.css_rules() else { continue };
        for j in 0..rules.length() {
            if let Some(rule) = rules.item(j) {
                css.push_str(&rule.css_text());
                css.push('\n');
            }
        }
    }
    let body = svg.outer_html();
    let open_end = body.find('>')?;
    Some(format!(
        "{} xmlns=\"http://www.w3.org/2000/svg\"><style>{}</style>{}",
        &body[..open_end],
        css.replace("]]>", ""),
        &body[open_end + 1..]
    ))
}

/// A scenario file the build ships beside the page (an exercise's
/// solution, `solutions/<slug>.json`), fetched from the page's own origin
/// and opened.
///
/// Errors: the request fails or answers an HTTP error, or the file is not
/// a valid scenario (a message naming the file).
pub async fn fetch_shipped(path: &str) -> Result<Scenario, String> {
    let failed = |what: &str| format!("{path} could not be loaded ({what})");
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path)).await.map_err(|_| failed("offline?"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed("not a response"))?;
    if !response.ok() {
        return Err(failed(&format!("HTTP {}", response.status())));
    }
    let text = response.text().map_err(|_| failed("no body"))?;
    let text = wasm_bindgen_futures::JsFuture::from(text).await.map_err(|_| failed("no body"))?;
    crate::workshop::exercises::parse(&text.as_string().unwrap_or_default()).map_err(|e| format!("{path}: {e}"))
}
