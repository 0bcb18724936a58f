//! An editing session: the [`Editor`] (scenario and undo stack) with the
//! view state around it — the selection (nodes, or one edge, or one zone),
//! the clipboard and the last error — changed only through [`Command`]s,
//! and the key map that turns a key press into one ([`key_command`]).
//! Pure Rust, tested natively; the page's store only forwards commands.

use super::geometry::GRID;
use super::{Action, Editor};
use crate::model::{Edge, Node, NodeId, Scenario};

/// Offset of pasted and duplicated copies, canvas units.
const COPY_OFFSET: f64 = 2.0 * GRID;

/// The scenario being edited and the view state around it (never saved
/// or shared: only the scenario is).
#[derive(Clone, Debug)]
pub struct Session {
    /// The scenario being edited, with its history.
    pub editor: Editor,
    /// Selected nodes.
    pub selection: Vec<NodeId>,
    /// The selected edge, by index (only when no node is selected).
    pub edge: Option<usize>,
    /// The selected zone, by id (only when nothing else is selected).
    pub zone: Option<String>,
    /// Copied nodes and the edges among them.
    clipboard: Option<(Vec<Node>, Vec<Edge>)>,
    /// The last refused edit or failure, shown until the next success.
    pub error: Option<String>,
}

/// Everything a user can ask of a session.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Apply an edit; a refused edit sets `error` and changes nothing.
    Apply(Action),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Replace the selection (empty: select nothing).
    Select(Vec<NodeId>),
    /// Select one edge, by index.
    SelectEdge(usize),
    /// Select one zone, by id.
    SelectZone(String),
    /// Select every node.
    SelectAll,
    /// Select the next (or previous) node in scenario order: the first
    /// (or last) when none is selected, none past the last (or first).
    Cycle {
        /// Direction.
        forward: bool,
    },
    /// Delete the selected nodes, or the selected edge or zone.
    DeleteSelection,
    /// Move the selected nodes by a delta, canvas units.
    Nudge(f64, f64),
    /// Copy the selected nodes and the edges among them.
    Copy,
    /// Paste the clipboard, offset by two grid steps.
    Paste,
    /// Copy and paste the selection in one step (the clipboard is kept).
    Duplicate,
    /// Show a message (e.g. a storage failure).
    Error(String),
}

impl Session {
    /// A session editing `scenario`, nothing selected.
    pub fn new(scenario: Scenario) -> Self {
        Session {
            editor: Editor::new(scenario),
            selection: Vec::new(),
            edge: None,
            zone: None,
            clipboard: None,
            error: None,
        }
    }

    /// Carries out `command`. Afterwards the selection names only what
    /// exists (an undo may have removed selected nodes, an edge or a zone).
    pub fn handle(&mut self, command: Command) {
        match command {
            Command::Apply(action) => self.apply(action),
            Command::Undo => {
                self.editor.undo();
            }
            Command::Redo => {
                self.editor.redo();
            }
            Command::Select(ids) => {
                self.selection = ids;
                self.edge = None;
                self.zone = None;
            }
            Command::SelectEdge(index) => {
                self.selection.clear();
                self.zone = None;
                self.edge = Some(index);
            }
            Command::SelectZone(id) => {
                self.selection.clear();
                self.edge = None;
                self.zone = Some(id);
            }
            Command::SelectAll => self.selection = self.editor.scenario().nodes.iter().map(|n| n.id.clone()).collect(),
            Command::Cycle { forward } => self.cycle(forward),
            Command::DeleteSelection => self.delete_selection(),
            Command::Nudge(dx, dy) => {
                if !self.selection.is_empty() {
                    self.apply(Action::MoveNodes { ids: self.selection.clone(), dx, dy });
                }
            }
            Command::Copy => {
                if !self.selection.is_empty() {
                    self.clipboard = Some(self.selected_part());
                }
            }
            Command::Paste => {
                if let Some((nodes, edges)) = self.clipboard.clone() {
                    self.apply(Action::Insert { nodes, edges, dx: COPY_OFFSET, dy: COPY_OFFSET });
                }
            }
            Command::Duplicate => {
                let (nodes, edges) = self.selected_part();
                if !nodes.is_empty() {
                    self.apply(Action::Insert { nodes, edges, dx: COPY_OFFSET, dy: COPY_OFFSET });
                }
            }
            Command::Error(text) => self.error = Some(text),
        }
        let scenario = self.editor.scenario();
        self.selection.retain(|id| scenario.node(id).is_some());
        self.edge = self.edge.filter(|&i| i < scenario.edges.len());
        self.zone = self.zone.take().filter(|id| scenario.zones.iter().any(|z| &z.id == id));
    }

    /// Applies `action`; what it created becomes the selection.
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

    /// Selects the node after (or before) the first selected one.
    fn cycle(&mut self, forward: bool) {
        let nodes = &self.editor.scenario().nodes;
        self.selection = self.next_node(forward).map(|i| nodes[i].id.clone()).into_iter().collect();
    }

    /// The node Tab (`forward`) or Shift+Tab selects next, by position:
    /// the first (or last) when none is selected; none past the last (or
    /// first), nor on an empty canvas.
    fn next_node(&self, forward: bool) -> Option<usize> {
        let nodes = &self.editor.scenario().nodes;
        let current = self.selection.first().and_then(|id| nodes.iter().position(|node| &node.id == id));
        match (current, forward) {
            (None, true) => (!nodes.is_empty()).then_some(0),
            (None, false) => nodes.len().checked_sub(1),
            (Some(i), true) => Some(i + 1).filter(|&j| j < nodes.len()),
            (Some(i), false) => i.checked_sub(1),
        }
    }

    /// What a key press does in this session: [`key_command`]'s command,
    /// and whether the browser also does what the key does by default.
    /// It does for Tab past the last node (or Shift+Tab before the first):
    /// the selection is cleared and the focus leaves the canvas, so the
    /// keyboard is never trapped there.
    pub fn key_action(&self, press: KeyPress) -> Option<KeyAction> {
        let command = key_command(press)?;
        let and_default = matches!(command, Command::Cycle { forward } if self.next_node(forward).is_none());
        Some(KeyAction { command, and_default })
    }

    /// Deletes what is selected: nodes, or the edge, or the zone.
    fn delete_selection(&mut self) {
        let nodes = std::mem::take(&mut self.selection);
        let edge = self.edge.take().and_then(|i| self.editor.scenario().edges.get(i));
        let edges: Vec<_> = edge.map(|e| (e.from.clone(), e.to.clone())).into_iter().collect();
        let zones: Vec<String> = self.zone.take().into_iter().collect();
        if !nodes.is_empty() || !edges.is_empty() || !zones.is_empty() {
            self.apply(Action::Delete { nodes, edges, zones });
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
}

/// A key press, as the key map needs it.
#[derive(Clone, Copy, Debug)]
pub struct KeyPress<'a> {
    /// The key's value (`KeyboardEvent.key`): `"z"`, `"ArrowLeft"`, `"Tab"`.
    pub key: &'a str,
    /// Ctrl or ⌘ held.
    pub command: bool,
    /// Shift held.
    pub shift: bool,
    /// The canvas has the keyboard focus (Tab moves between its nodes).
    pub on_canvas: bool,
}

/// What a key press does: see [`Session::key_action`].
#[derive(Clone, Debug, PartialEq)]
pub struct KeyAction {
    /// The session command.
    pub command: Command,
    /// The browser's default action is kept (Tab moving the focus on).
    pub and_default: bool,
}

/// The key map: the command a key press asks for, if any. Delete or
/// Backspace delete; ⌘/Ctrl+Z undoes, with Shift (or ⌘/Ctrl+Y) redoes;
/// ⌘/Ctrl+A, C, V, D select all, copy, paste, duplicate; Escape selects
/// nothing; arrows nudge by a grid step (one unit with Shift); Tab and
/// Shift+Tab on the canvas select the next and previous node.
pub fn key_command(press: KeyPress) -> Option<Command> {
    let step = if press.shift { 1.0 } else { GRID };
    let command = match press.key {
        "Delete" | "Backspace" => Command::DeleteSelection,
        "z" | "Z" if press.command && press.shift => Command::Redo,
        "z" if press.command => Command::Undo,
        "y" if press.command => Command::Redo,
        "a" if press.command => Command::SelectAll,
        "c" if press.command => Command::Copy,
        "v" if press.command => Command::Paste,
        "d" if press.command => Command::Duplicate,
        "Escape" => Command::Select(Vec::new()),
        "ArrowLeft" => Command::Nudge(-step, 0.0),
        "ArrowRight" => Command::Nudge(step, 0.0),
        "ArrowUp" => Command::Nudge(0.0, -step),
        "ArrowDown" => Command::Nudge(0.0, step),
        "Tab" if press.on_canvas => Command::Cycle { forward: !press.shift },
        _ => return None,
    };
    Some(command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workshop::exercises;

    /// The starter: users → lb → web → api → db, zones eu-west-1a and -1b.
    fn session() -> Session {
        Session::new(exercises::starter())
    }

    fn ids(s: &Session) -> Vec<&str> {
        s.editor.scenario().nodes.iter().map(|n| n.id.as_str()).collect()
    }

    fn select(s: &mut Session, names: &[&str]) {
        s.handle(Command::Select(names.iter().map(|&n| n.into()).collect()));
    }

    #[test]
    fn deleting_the_selection_takes_its_edges_and_undo_brings_them_back() {
        let mut s = session();
        select(&mut s, &["web"]);
        s.handle(Command::DeleteSelection);
        assert_eq!(ids(&s), ["users", "lb", "api", "db"]);
        assert_eq!(s.editor.scenario().edges.len(), 2);
        assert!(s.selection.is_empty());
        s.handle(Command::Undo);
        assert_eq!(s.editor.scenario().edges.len(), 4);
        // One selected edge, then one selected zone, each deleted alone.
        s.handle(Command::SelectEdge(0));
        s.handle(Command::DeleteSelection);
        assert_eq!(s.editor.scenario().edges.len(), 3);
        s.handle(Command::SelectZone("eu-west-1b".into()));
        s.handle(Command::DeleteSelection);
        assert_eq!(s.editor.scenario().zones.len(), 1);
        assert_eq!(ids(&s).len(), 5);
    }

    #[test]
    fn tab_goes_through_the_nodes_in_order_then_leaves_the_canvas() {
        let mut s = session();
        let tab =
            |s: &Session, shift| s.key_action(KeyPress { key: "Tab", command: false, shift, on_canvas: true }).unwrap();
        // Shift+Tab comes in at the last node, Tab at the first.
        s.handle(tab(&s, true).command);
        assert_eq!(s.selection, [NodeId::from("db")]);
        select(&mut s, &[]);
        let mut seen = Vec::new();
        loop {
            let action = tab(&s, false);
            s.handle(action.command);
            if action.and_default {
                break;
            }
            seen.push(s.selection[0].to_string());
        }
        assert_eq!(seen, ["users", "lb", "web", "api", "db"]);
        // Past the last node: nothing selected, and the browser moves the
        // focus on; Shift+Tab at the first node leaves backwards.
        assert!(s.selection.is_empty());
        select(&mut s, &["users"]);
        assert_eq!(tab(&s, true), KeyAction { command: Command::Cycle { forward: false }, and_default: true });
        s.handle(Command::Cycle { forward: false });
        assert!(s.selection.is_empty());
        // On an empty canvas Tab moves on at once.
        let empty = Session::new(Scenario::empty());
        assert!(tab(&empty, false).and_default);
        // Other keys keep the browser's default off.
        let undo = s.key_action(KeyPress { key: "z", command: true, shift: false, on_canvas: false });
        assert_eq!(undo, Some(KeyAction { command: Command::Undo, and_default: false }));
    }

    #[test]
    fn paste_and_duplicate_copy_nodes_with_their_inner_edges_two_grid_steps_away() {
        let mut s = session();
        select(&mut s, &["web", "api"]);
        s.handle(Command::Copy);
        s.handle(Command::Paste);
        let scenario = s.editor.scenario();
        assert_eq!(scenario.nodes.len(), 7);
        assert_eq!(s.selection.len(), 2);
        // The copies, selected, joined by a copy of web → api only.
        let copy = |i: usize| scenario.node(&s.selection[i]).unwrap();
        let web = scenario.node(&"web".into()).unwrap();
        assert_eq!((copy(0).pos.x - web.pos.x, copy(0).pos.y - web.pos.y), (2.0 * GRID, 2.0 * GRID));
        assert_eq!(scenario.edges.len(), 5);
        assert!(scenario.edges.iter().any(|e| e.from == s.selection[0] && e.to == s.selection[1]));
        // Duplicate copies what is selected now; the clipboard stays.
        s.handle(Command::Duplicate);
        s.handle(Command::Paste);
        assert_eq!(s.editor.scenario().nodes.len(), 11);
    }

    #[test]
    fn a_nudge_moves_only_the_selection_and_nothing_selected_adds_no_undo_step() {
        let mut s = session();
        s.handle(Command::Nudge(GRID, 0.0));
        assert!(!s.editor.can_undo());
        let before = s.editor.scenario().node(&"lb".into()).unwrap().pos;
        select(&mut s, &["lb"]);
        s.handle(Command::Nudge(-1.0, GRID));
        let after = s.editor.scenario().node(&"lb".into()).unwrap().pos;
        assert_eq!((after.x - before.x, after.y - before.y), (-1.0, GRID));
        assert_eq!(s.editor.scenario().node(&"web".into()).unwrap().pos, exercises::starter().nodes[2].pos);
    }

    #[test]
    fn an_undo_drops_what_it_removed_from_the_selection() {
        let mut s = session();
        select(&mut s, &["api"]);
        s.handle(Command::Duplicate);
        assert_eq!(s.selection.len(), 1);
        s.handle(Command::Undo);
        assert!(s.selection.is_empty());
        s.handle(Command::SelectEdge(3));
        s.handle(Command::DeleteSelection);
        s.handle(Command::SelectEdge(2));
        s.handle(Command::Undo);
        assert_eq!(s.edge, Some(2));
        s.handle(Command::SelectEdge(9));
        assert_eq!(s.edge, None);
    }

    #[test]
    fn a_refused_edit_says_why_and_changes_nothing() {
        let mut s = session();
        s.handle(Command::Apply(Action::Connect { from: "db".into(), to: "users".into() }));
        assert!(s.error.is_some());
        assert_eq!(s.editor.scenario(), &exercises::starter());
        select(&mut s, &["lb"]);
        s.handle(Command::Nudge(GRID, 0.0));
        assert_eq!(s.error, None);
    }

    #[test]
    fn the_key_map() {
        let press = |key, command, shift, on_canvas| key_command(KeyPress { key, command, shift, on_canvas });
        assert_eq!(press("z", true, false, false), Some(Command::Undo));
        assert_eq!(press("Z", true, true, false), Some(Command::Redo));
        assert_eq!(press("y", true, false, false), Some(Command::Redo));
        assert_eq!(press("z", false, false, false), None);
        assert_eq!(press("Backspace", false, false, false), Some(Command::DeleteSelection));
        assert_eq!(press("ArrowLeft", false, false, false), Some(Command::Nudge(-GRID, 0.0)));
        assert_eq!(press("ArrowDown", false, true, false), Some(Command::Nudge(0.0, 1.0)));
        assert_eq!(press("Tab", false, true, true), Some(Command::Cycle { forward: false }));
        // Off the canvas, Tab moves the focus as usual.
        assert_eq!(press("Tab", false, false, false), None);
        assert_eq!(press("Escape", false, false, false), Some(Command::Select(Vec::new())));
    }
}
