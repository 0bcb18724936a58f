//! Designs as files: importing one (opened like any design) and exporting
//! the current one as scenario JSON or as the canvas's SVG drawing.

use yew::prelude::*;

use crate::model::Scenario;

use super::download::download_text;
use super::share;
use super::store::{Msg, Shared};

/// Reads a chosen file and opens its design through `open`; a file that
/// cannot be read says why through `on_msg` and changes nothing.
pub fn on_import(open: Callback<Scenario>, on_msg: Callback<Msg>) -> Callback<web_sys::File> {
    Callback::from(move |file: web_sys::File| {
        let (open, on_msg) = (open.clone(), on_msg.clone());
        yew::platform::spawn_local(async move {
            match share::read_file(file).await {
                Ok(s) => open.emit(s),
                Err(message) => on_msg.emit(Msg::Error(format!("{message}. Your design is unchanged."))),
            }
        });
    })
}

/// Downloads the design as `<title>.json` (the scenario file format).
pub fn on_export(scenario: Shared, on_msg: Callback<Msg>) -> Callback<()> {
    Callback::from(move |()| match crate::share::to_file(&scenario) {
        Ok(text) => download_text(&text, &format!("{}.json", file_stem(&scenario)), "application/json"),
        Err(e) => on_msg.emit(Msg::Error(format!("Not exported: {e}"))),
    })
}

/// Downloads the canvas's drawing as `<title>.svg`.
pub fn on_export_svg(scenario: Shared) -> Callback<()> {
    Callback::from(move |()| {
        if let Some(svg) = share::canvas_svg() {
            download_text(&svg, &format!("{}.svg", file_stem(&scenario)), "image/svg+xml");
        }
    })
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
