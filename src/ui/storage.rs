//! Autosave: the scenario in `localStorage`, restored on load, and the
//! recent designs a newly opened design pushed aside.

use crate::model::Scenario;
use crate::workshop::exercises;

/// The `localStorage` key of the autosaved scenario.
pub const KEY: &str = "archsim.scenario";

/// The `localStorage` key of the recent designs (a JSON array of scenario
/// JSON texts, newest first).
const RECENT_KEY: &str = "archsim.recent";

/// Designs kept in the recent list.
const RECENT_MAX: usize = 8;

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "this browser gives the page no local storage (private mode?)".to_owned())
}

/// The autosaved scenario, if there is a valid one. A stored scenario that
/// no longer parses is left in place (not overwritten until the next edit)
/// and reported.
pub fn load() -> Result<Option<Scenario>, String> {
    let Some(text) = storage()?.get_item(KEY).ok().flatten() else { return Ok(None) };
    Scenario::from_json(&text).map(Some).map_err(|e| format!("the autosaved design could not be restored: {e}"))
}

/// Stores `scenario`. Errors (quota, private mode) come back as a message;
/// the editor keeps working.
pub fn save(scenario: &Scenario) -> Result<(), String> {
    let text = scenario.to_json()?;
    storage()?
        .set_item(KEY, &text)
        .map_err(|_| "autosave failed (storage full or blocked): your work stays in this tab only".to_owned())
}

/// The recent designs, newest first (unreadable entries skipped).
pub fn recent() -> Vec<Scenario> {
    recent_texts().iter().filter_map(|t| Scenario::from_json(t).ok()).collect()
}

fn recent_texts() -> Vec<String> {
    let text = storage().ok().and_then(|s| s.get_item(RECENT_KEY).ok().flatten());
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// Keeps `scenario` at the head of the recent designs (once; the oldest
/// fall off past eight). Empty designs and unchanged presets (the gallery
/// has those) are not kept.
pub fn push_recent(scenario: &Scenario) -> Result<(), String> {
    if scenario.nodes.is_empty() || exercises::is_shipped(scenario) {
        return Ok(());
    }
    let text = scenario.to_json()?;
    let mut list = recent_texts();
    list.retain(|t| t != &text);
    list.insert(0, text);
    list.truncate(RECENT_MAX);
    let json = serde_json::Value::from(list).to_string();
    storage()?
        .set_item(RECENT_KEY, &json)
        .map_err(|_| "could not keep the previous design in the recent list (storage full)".to_owned())
}

/// The `localStorage` key of the exercises' progress (a JSON object of
/// slug → `attempted` or `solved`).
const PROGRESS_KEY: &str = "archsim.progress";

/// The `localStorage` key of the participant's name.
const NAME_KEY: &str = "archsim.participant";

/// How far this browser got with an exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    /// Run at least once.
    Attempted,
    /// Passed for the exercise in every graded seed.
    Solved,
}

impl Progress {
    /// `attempted` or `solved` (stored, and the badge's text).
    pub fn name(self) -> &'static str {
        match self {
            Progress::Attempted => "attempted",
            Progress::Solved => "solved",
        }
    }
}

fn progress_map() -> serde_json::Map<String, serde_json::Value> {
    let text = storage().ok().and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten());
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// This browser's progress with every exercise, read once.
pub struct ProgressBook(serde_json::Map<String, serde_json::Value>);

impl ProgressBook {
    /// The stored progress (none when storage is unavailable).
    pub fn load() -> ProgressBook {
        ProgressBook(progress_map())
    }

    /// The progress with the exercise `slug`, if any.
    pub fn get(&self, slug: &str) -> Option<Progress> {
        match self.0.get(slug)?.as_str()? {
            "solved" => Some(Progress::Solved),
            "attempted" => Some(Progress::Attempted),
            _ => None,
        }
    }
}

/// This browser's progress with the exercise `slug`, if any.
pub fn progress(slug: &str) -> Option<Progress> {
    ProgressBook::load().get(slug)
}

/// Records progress with `slug`; never lowers it (solved stays solved).
/// Errors: storage full or blocked.
pub fn mark(slug: &str, reached: Progress) -> Result<(), String> {
    if progress(slug).is_some_and(|p| p >= reached) {
        return Ok(());
    }
    let mut map = progress_map();
    map.insert(slug.to_owned(), reached.name().into());
    storage()?
        .set_item(PROGRESS_KEY, &serde_json::Value::Object(map).to_string())
        .map_err(|_| "could not record the exercise's progress (storage full)".to_owned())
}

/// The participant's name, typed once in this browser ("" if never).
pub fn participant() -> String {
    storage().ok().and_then(|s| s.get_item(NAME_KEY).ok().flatten()).unwrap_or_default()
}

/// Keeps the participant's name for the next links. Errors: storage full
/// or blocked.
pub fn set_participant(name: &str) -> Result<(), String> {
    storage()?.set_item(NAME_KEY, name).map_err(|_| "could not keep your name (storage full)".to_owned())
}

/// The `localStorage` key of the run panel's height, px (set by dragging
/// the split above it).
const RUN_HEIGHT_KEY: &str = "archsim.run-height";

/// The run panel's height the user chose, px; `None`: the layout's default.
pub fn run_height() -> Option<f64> {
    let text = storage().ok().and_then(|s| s.get_item(RUN_HEIGHT_KEY).ok().flatten())?;
    text.parse().ok().filter(|h: &f64| h.is_finite() && *h > 0.0)
}

/// Keeps the run panel's height (`None`: back to the default). Not kept
/// when storage is blocked: the layout is not worth an error message.
pub fn set_run_height(height: Option<f64>) {
    if let Ok(s) = storage() {
        let _ = match height {
            Some(h) => s.set_item(RUN_HEIGHT_KEY, &format!("{h:.0}")),
            None => s.remove_item(RUN_HEIGHT_KEY),
        };
    }
}
