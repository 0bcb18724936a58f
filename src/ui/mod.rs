//! The Yew front end (compiled for `wasm32` only): a thin shell that renders
//! the model and turns gestures into model edits. No simulation logic here.

mod app;
mod autosave;
mod canvas;
mod class;
mod dialog;
mod download;
mod files;
mod gallery;
mod grading;
mod header;
mod icons;
mod inspector;
mod palette;
mod qr;
mod run;
mod share;
mod share_bar;
mod shortcuts;
mod splitter;
mod storage;
mod store;
mod view;
mod workers;
mod workshop;

pub use app::App;
pub use workers::work;
