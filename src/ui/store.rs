//! App state: the editor (scenario + undo stack) and the selection, changed
//! only through [`Msg`]s (one-way data flow: gesture → message → reducer →
//! render).

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::{Action, Editor};
use crate::model::{NodeId, Scenario};

/// The state shared by the panels.
#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    /// The scenario being edited, with its history.
    pub editor: Editor,
    /// Selected nodes (view state: never saved or shared).
    pub selection: Vec<NodeId>,
    /// The last refused edit, shown until the next successful one.
    pub error: Option<String>,
}

/// Everything the UI can ask of the store.
pub enum Msg {
    /// Apply an edit; refused edits set `error`.
    Apply(Action),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Replace the selection.
    Select(Vec<NodeId>),
    /// Delete the selected nodes.
    DeleteSelection,
    /// Show a message (e.g. a storage failure).
    Error(String),
}

impl Store {
    /// A store editing `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Store { editor: Editor::new(scenario), selection: Vec::new(), error: None }
    }
}

impl Reducible for Store {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Apply(action) => match next.editor.apply(action) {
                Ok(Some(created)) => {
                    next.selection = vec![created];
                    next.error = None;
                }
                Ok(None) => next.error = None,
                Err(e) => next.error = Some(e.to_string()),
            },
            Msg::Undo => {
                next.editor.undo();
            }
            Msg::Redo => {
                next.editor.redo();
            }
            Msg::Select(ids) => next.selection = ids,
            Msg::DeleteSelection => {
                let nodes = std::mem::take(&mut next.selection);
                if !nodes.is_empty() {
                    if let Err(e) = next.editor.apply(Action::Delete { nodes, edges: Vec::new() }) {
                        next.error = Some(e.to_string());
                    }
                }
            }
            Msg::Error(text) => next.error = Some(text),
        }
        // Undo or redo may have removed selected nodes.
        let scenario = next.editor.scenario();
        next.selection.retain(|id| scenario.node(id).is_some());
        Rc::new(next)
    }
}
