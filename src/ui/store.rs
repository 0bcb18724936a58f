//! App state: the editor (scenario + undo stack), the selection and the
//! clipboard, changed only through [`Msg`]s (one-way data flow: gesture →
//! message → reducer → render).

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::geometry::GRID;
use crate::editor::{Action, Editor};
use crate::model::{Edge, Node, NodeId, Scenario};

/// Offset of pasted and duplicated copies, canvas units.
const COPY_OFFSET: f64 = 2.0 * GRID;

/// A value the panels share that compares by identity: its owner makes a
/// new one for every change (the editor for every edit, the run for every
/// tick), so props and effects keyed on it never compare it field by field
/// (App re-renders on every pan move). By default the edited scenario.
#[derive(Debug)]
pub struct Shared<T = Scenario>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The state shared by the panels.
#[derive(Clone, Debug)]
pub struct Store {
    /// The scenario being edited, with its history.
    pub editor: Editor,
    /// Selected nodes (view state: never saved or shared).
    pub selection: Vec<NodeId>,
    /// The selected edge, by index (only when no node is selected).
    pub edge: Option<usize>,
    /// The selected zone, by id (only when nothing else is selected).
    pub zone: Option<String>,
    /// Copied nodes and the edges among them (view state).
    clipboard: Option<(Vec<Node>, Vec<Edge>)>,
    /// The last refused edit or failure, shown until the next success.
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
    /// Select one edge, by index.
    SelectEdge(usize),
    /// Select one zone, by id.
    SelectZone(String),
    /// Select every node.
    SelectAll,
    /// Select the next (or previous) node in scenario order.
    Cycle {
        /// Direction.
        forward: bool,
    },
    /// Delete the selected nodes, or the selected edge.
    DeleteSelection,
    /// Move the selection by a delta, canvas units.
    Nudge(f64, f64),
    /// Copy the selection.
    Copy,
    /// Paste the clipboard.
    Paste,
    /// Copy and paste the selection in one step.
    Duplicate,
    /// Show a message (e.g. a storage failure).
    Error(String),
}

impl Store {
    /// A store editing `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        Store {
            editor: Editor::new(scenario),
            selection: Vec::new(),
            edge: None,
            zone: None,
            clipboard: None,
            error: None,
        }
    }

    /// The selected nodes and the edges among them.
    fn selected_part(&self) -> (Vec<Node>, Vec<Edge>) {
        let s = self.editor.scenario();
        let nodes: Vec<Node> = s.nodes.iter().filter(|n| self.selection.contains(&n.id)).cloned().collect();
        let edges = s
            .edges
            .iter()
            .filter(|e| self.selection.contains(&e.from) && self.selection.contains(&e.to))
            .cloned()
            .collect();
        (nodes, edges)
    }

    fn apply(&mut self, action: Action) {
        match self.editor.apply(action) {
            Ok(created) => {
                if !created.is_empty() {
                    self.selection = created;
                }
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

impl Reducible for Store {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Apply(action) => next.apply(action),
            Msg::Undo => {
                next.editor.undo();
            }
            Msg::Redo => {
                next.editor.redo();
            }
            Msg::Select(ids) => {
                next.selection = ids;
                next.edge = None;
                next.zone = None;
            }
            Msg::SelectEdge(index) => {
                next.selection.clear();
                next.zone = None;
                next.edge = Some(index);
            }
            Msg::SelectZone(id) => {
                next.selection.clear();
                next.edge = None;
                next.zone = Some(id);
            }
            Msg::SelectAll => next.selection = next.editor.scenario().nodes.iter().map(|n| n.id.clone()).collect(),
            Msg::Cycle { forward } => {
                let nodes = &next.editor.scenario().nodes;
                if !nodes.is_empty() {
                    let current = next.selection.first().and_then(|id| nodes.iter().position(|n| &n.id == id));
                    let n = nodes.len();
                    let i = match (current, forward) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    };
                    next.selection = vec![nodes[i].id.clone()];
                }
            }
            Msg::DeleteSelection => {
                let nodes = std::mem::take(&mut next.selection);
                let edges: Vec<_> = next
                    .edge
                    .take()
                    .and_then(|i| next.editor.scenario().edges.get(i))
                    .map(|e| (e.from.clone(), e.to.clone()))
                    .into_iter()
                    .collect();
                let zones: Vec<String> = next.zone.take().into_iter().collect();
                if !nodes.is_empty() || !edges.is_empty() || !zones.is_empty() {
                    next.apply(Action::Delete { nodes, edges, zones });
                }
            }
            Msg::Nudge(dx, dy) => {
                if !next.selection.is_empty() {
                    next.apply(Action::MoveNodes { ids: next.selection.clone(), dx, dy });
                }
            }
            Msg::Copy => {
                if !next.selection.is_empty() {
                    next.clipboard = Some(next.selected_part());
                }
            }
            Msg::Paste => {
                if let Some((nodes, edges)) = next.clipboard.clone() {
                    next.apply(Action::Insert { nodes, edges, dx: COPY_OFFSET, dy: COPY_OFFSET });
                }
            }
            Msg::Duplicate => {
                let (nodes, edges) = next.selected_part();
                if !nodes.is_empty() {
                    next.apply(Action::Insert { nodes, edges, dx: COPY_OFFSET, dy: COPY_OFFSET });
                }
            }
            Msg::Error(text) => next.error = Some(text),
        }
        // Undo or redo may have removed selected nodes or edges.
        let scenario = next.editor.scenario();
        next.selection.retain(|id| scenario.node(id).is_some());
        next.edge = next.edge.filter(|&i| i < scenario.edges.len());
        next.zone = next.zone.filter(|id| scenario.zones.iter().any(|z| &z.id == id));
        Rc::new(next)
    }
}
