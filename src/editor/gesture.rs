//! The pointer gesture state machine: presses, moves and releases in
//! canvas coordinates in, selection changes and [`Action`]s out. The UI
//! feeds it DOM pointer events; everything here is tested natively.

use crate::model::{NodeId, Point, Scenario};

use super::geometry::{hit_test, snap, Hit};
use super::Action;

/// A press moving less than this (canvas units) is a click, not a drag.
const CLICK_SLOP: f64 = 3.0;

/// What the pointer is doing.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Gesture {
    /// Nothing pressed.
    #[default]
    Idle,
    /// Moving nodes: `anchor` was grabbed at `from`; the pointer is at `to`.
    Dragging {
        /// Nodes moved together (the selection).
        ids: Vec<NodeId>,
        /// The grabbed node, which snaps to the grid.
        anchor: NodeId,
        /// Press point.
        from: Point,
        /// Current point.
        to: Point,
    },
    /// Drawing a connection from `from`'s output port to the pointer.
    Wiring {
        /// Caller.
        from: NodeId,
        /// Current point.
        to: Point,
    },
}

/// What a pointer event asks of the editor.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Make these the selected nodes.
    Select(Vec<NodeId>),
    /// Apply an edit.
    Apply(Action),
}

impl Gesture {
    /// A press at `at`. `selection` is the current selection; `shift` adds
    /// to or removes from it.
    pub fn down(&mut self, s: &Scenario, selection: &[NodeId], at: Point, shift: bool) -> Vec<Effect> {
        match hit_test(s, at) {
            Hit::OutPort(from) => {
                *self = Gesture::Wiring { from, to: at };
                Vec::new()
            }
            Hit::Node(id) | Hit::InPort(id) => {
                let selected = if shift {
                    let mut ids: Vec<NodeId> = selection.iter().filter(|n| **n != id).cloned().collect();
                    if ids.len() == selection.len() {
                        ids.push(id.clone());
                    }
                    ids
                } else if selection.contains(&id) {
                    selection.to_vec()
                } else {
                    vec![id.clone()]
                };
                if selected.contains(&id) {
                    *self = Gesture::Dragging { ids: selected.clone(), anchor: id, from: at, to: at };
                }
                vec![Effect::Select(selected)]
            }
            Hit::Background => {
                *self = Gesture::Idle;
                if shift {
                    Vec::new()
                } else {
                    vec![Effect::Select(Vec::new())]
                }
            }
        }
    }

    /// The pointer moved to `at`.
    pub fn moved(&mut self, at: Point) {
        match self {
            Gesture::Dragging { to, .. } | Gesture::Wiring { to, .. } => *to = at,
            Gesture::Idle => {}
        }
    }

    /// The press ended at `at`: commits a move (snapped to the grid when
    /// `snap_to_grid`) or a connection.
    pub fn up(&mut self, s: &Scenario, at: Point, snap_to_grid: bool) -> Vec<Effect> {
        self.moved(at);
        match std::mem::take(self) {
            Gesture::Dragging { ids, anchor, from, to } => {
                let (mut dx, mut dy) = (to.x - from.x, to.y - from.y);
                if dx.hypot(dy) < CLICK_SLOP {
                    return Vec::new();
                }
                if let (true, Some(a)) = (snap_to_grid, s.node(&anchor)) {
                    dx = snap(a.pos.x + dx) - a.pos.x;
                    dy = snap(a.pos.y + dy) - a.pos.y;
                }
                vec![Effect::Apply(Action::MoveNodes { ids, dx, dy })]
            }
            Gesture::Wiring { from, to } => match hit_test(s, to) {
                Hit::Node(target) | Hit::InPort(target) | Hit::OutPort(target) if target != from => {
                    vec![Effect::Apply(Action::Connect { from, to: target })]
                }
                _ => Vec::new(),
            },
            Gesture::Idle => Vec::new(),
        }
    }

    /// While dragging: the nodes moving and the offset to draw them at.
    pub fn drag_offset(&self) -> Option<(&[NodeId], f64, f64)> {
        match self {
            Gesture::Dragging { ids, from, to, .. } => Some((ids, to.x - from.x, to.y - from.y)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::{out_port, NODE_H};
    use crate::editor::Editor;

    fn editor() -> Editor {
        let mut e = Editor::new(crate::model::Scenario {
            version: crate::model::FORMAT_VERSION,
            title: String::new(),
            description: String::new(),
            settings: Default::default(),
            zones: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
        });
        for (kind, x) in [("client", 100.0), ("service", 400.0)] {
            e.apply(Action::AddNode { kind: kind.into(), at: Point { x, y: 100.0 } }).unwrap();
        }
        e
    }

    fn p(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn drag_a_node_snaps_to_the_grid() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        // Press inside clients-1 (box from (28, 72)), drag by (51, 33).
        assert_eq!(g.down(s, &[], p(50.0, 90.0), false), vec![Effect::Select(vec!["clients-1".into()])]);
        g.moved(p(70.0, 100.0));
        assert_eq!(g.drag_offset().map(|(_, dx, dy)| (dx, dy)), Some((20.0, 10.0)));
        let effects = g.up(s, p(101.0, 123.0), true);
        // 28 + 51 = 79 → 80; 72 + 33 = 105 → 100 (snapped).
        assert_eq!(
            effects,
            vec![Effect::Apply(Action::MoveNodes { ids: vec!["clients-1".into()], dx: 52.0, dy: 28.0 })]
        );
        assert_eq!(g, Gesture::Idle);
    }

    #[test]
    fn a_click_selects_without_moving() {
        let e = editor();
        let mut g = Gesture::default();
        g.down(e.scenario(), &[], p(50.0, 90.0), false);
        assert!(g.up(e.scenario(), p(51.0, 91.0), true).is_empty());
        // A click on the background clears the selection.
        assert_eq!(g.down(e.scenario(), &["clients-1".into()], p(900.0, 900.0), false), vec![Effect::Select(vec![])]);
    }

    #[test]
    fn shift_click_toggles_and_a_drag_moves_the_whole_selection() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        let both: Vec<NodeId> = vec!["clients-1".into(), "service-1".into()];
        assert_eq!(g.down(s, &both[..1], p(350.0, 90.0), true), vec![Effect::Select(both.clone())]);
        match g.up(s, p(350.0, 190.0), false).as_slice() {
            [Effect::Apply(Action::MoveNodes { ids, dx, dy })] => {
                assert_eq!((ids, *dx, *dy), (&both, 0.0, 100.0));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(g.down(s, &both, p(350.0, 90.0), true), vec![Effect::Select(both[..1].to_vec())]);
    }

    #[test]
    fn wire_from_an_output_port_to_a_node() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        let port = out_port(s.nodes[0].pos);
        assert!(g.down(s, &[], port, false).is_empty());
        g.moved(p(250.0, 100.0));
        assert!(matches!(g, Gesture::Wiring { .. }));
        let effects = g.up(s, p(s.nodes[1].pos.x + 30.0, s.nodes[1].pos.y + NODE_H / 2.0), false);
        assert_eq!(effects, vec![Effect::Apply(Action::Connect { from: "clients-1".into(), to: "service-1".into() })]);
        // Released over the background: nothing.
        g.down(s, &[], port, false);
        assert!(g.up(s, p(700.0, 700.0), false).is_empty());
    }
}
