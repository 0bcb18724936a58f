//! Autosave: the scenario in `localStorage`, restored on load.

use crate::model::Scenario;

/// The `localStorage` key of the autosaved scenario.
pub const KEY: &str = "archsim.scenario";

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
