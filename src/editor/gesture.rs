//! The pointer gesture state machine: presses, moves and releases in, selection
//! changes, camera moves and [`Action`]s out. The UI feeds it DOM pointer
//! events; everything here is tested natively.
//!
//! | press on | drag does | release does |
//! | --- | --- | --- |
//! | a node (shift: toggle it in the selection) | moves the selection | commits one `MoveNodes`, snapped to the grid |
//! | an output port | draws a wire | `Connect` if over another node |
//! | an edge | — | selects it |
//! | a zone | moves it with its nodes | commits one `MoveZone` (a click selects the zone) |
//! | the background (or anything with space held) | pans | — |
//! | the background with shift | draws a selection rectangle | selects the nodes inside |

use crate::model::{NodeId, Point, Scenario};

use super::geometry::{hit_test, snap, Hit, NODE_H, NODE_W};
use super::Action;

/// A press moving less than this (canvas units) is a click, not a drag.
const CLICK_SLOP: f64 = 3.0;

/// A pointer position, in canvas units and in screen pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pointer {
    /// Canvas position (through the camera).
    pub world: Point,
    /// Screen position relative to the surface, pixels.
    pub screen: Point,
}

/// Modifier keys held at a press.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Shift: toggle selection, or rubber-band on the background.
    pub shift: bool,
    /// Space: pan whatever is under the pointer.
    pub space: bool,
}

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
    /// Moving a zone (with its nodes) grabbed at `from`.
    MovingZone {
        /// Zone id.
        id: String,
        /// Press point.
        from: Point,
        /// Current point.
        to: Point,
    },
    /// Moving the camera; `last` is the previous screen point.
    Panning {
        /// Previous screen point.
        last: Point,
    },
    /// Drawing a selection rectangle between two canvas points.
    Selecting {
        /// Press point.
        from: Point,
        /// Current point.
        to: Point,
    },
}

/// What a pointer event asks of the editor.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Make these the selected nodes.
    Select(Vec<NodeId>),
    /// Select the edge with this index (and no node).
    SelectEdge(usize),
    /// Select the zone with this id (and no node).
    SelectZone(String),
    /// Apply an edit.
    Apply(Action),
    /// Move the camera by this many screen pixels.
    Pan {
        /// Horizontal.
        dx: f64,
        /// Vertical.
        dy: f64,
    },
}

impl Gesture {
    /// A press. `selection` is the current selection.
    pub fn down(&mut self, s: &Scenario, selection: &[NodeId], p: Pointer, keys: Modifiers) -> Vec<Effect> {
        if keys.space {
            *self = Gesture::Panning { last: p.screen };
            return Vec::new();
        }
        match hit_test(s, p.world) {
            Hit::OutPort(from) => {
                *self = Gesture::Wiring { from, to: p.world };
                Vec::new()
            }
            Hit::Node(id) | Hit::InPort(id) => {
                let selected = if keys.shift {
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
                    *self = Gesture::Dragging { ids: selected.clone(), anchor: id, from: p.world, to: p.world };
                }
                vec![Effect::Select(selected)]
            }
            Hit::Edge(index) => {
                *self = Gesture::Idle;
                vec![Effect::SelectEdge(index)]
            }
            Hit::Zone(id) if !keys.shift => {
                *self = Gesture::MovingZone { id, from: p.world, to: p.world };
                vec![Effect::Select(Vec::new())]
            }
            Hit::Background | Hit::Zone(_) if keys.shift => {
                *self = Gesture::Selecting { from: p.world, to: p.world };
                Vec::new()
            }
            Hit::Background | Hit::Zone(_) => {
                *self = Gesture::Panning { last: p.screen };
                vec![Effect::Select(Vec::new())]
            }
        }
    }

    /// The pointer moved.
    pub fn moved(&mut self, p: Pointer) -> Vec<Effect> {
        match self {
            Gesture::Dragging { to, .. }
            | Gesture::Wiring { to, .. }
            | Gesture::Selecting { to, .. }
            | Gesture::MovingZone { to, .. } => {
                *to = p.world;
                Vec::new()
            }
            Gesture::Panning { last } => {
                let (dx, dy) = (p.screen.x - last.x, p.screen.y - last.y);
                *last = p.screen;
                vec![Effect::Pan { dx, dy }]
            }
            Gesture::Idle => Vec::new(),
        }
    }

    /// The press ended: commits a move (snapped to the grid when
    /// `snap_to_grid`), a connection or a rectangle selection.
    pub fn up(&mut self, s: &Scenario, p: Pointer, snap_to_grid: bool) -> Vec<Effect> {
        let mut effects = self.moved(p);
        match std::mem::take(self) {
            Gesture::Dragging { ids, anchor, from, to } => {
                let (mut dx, mut dy) = (to.x - from.x, to.y - from.y);
                if dx.hypot(dy) >= CLICK_SLOP {
                    if let (true, Some(a)) = (snap_to_grid, s.node(&anchor)) {
                        dx = snap(a.pos.x + dx) - a.pos.x;
                        dy = snap(a.pos.y + dy) - a.pos.y;
                    }
                    effects.push(Effect::Apply(Action::MoveNodes { ids, dx, dy }));
                }
            }
            Gesture::Wiring { from, to } => match hit_test(s, to) {
                Hit::Node(target) | Hit::InPort(target) | Hit::OutPort(target) if target != from => {
                    effects.push(Effect::Apply(Action::Connect { from, to: target }));
                }
                _ => {}
            },
            Gesture::Selecting { from, to } => effects.push(Effect::Select(inside(s, from, to))),
            Gesture::MovingZone { id, from, to } => {
                let (mut dx, mut dy) = (to.x - from.x, to.y - from.y);
                if dx.hypot(dy) < CLICK_SLOP {
                    effects.push(Effect::SelectZone(id));
                } else {
                    if let (true, Some(z)) = (snap_to_grid, s.zones.iter().find(|z| z.id == id)) {
                        dx = snap(z.rect.x + dx) - z.rect.x;
                        dy = snap(z.rect.y + dy) - z.rect.y;
                    }
                    effects.push(Effect::Apply(Action::MoveZone { id, dx, dy }));
                }
            }
            Gesture::Panning { .. } | Gesture::Idle => {}
        }
        effects
    }

    /// While dragging nodes: the nodes moving and the offset to draw them at.
    pub fn drag_offset(&self) -> Option<(&[NodeId], f64, f64)> {
        match self {
            Gesture::Dragging { ids, from, to, .. } => Some((ids, to.x - from.x, to.y - from.y)),
            _ => None,
        }
    }

    /// While moving a zone: its id and the offset to draw it (and its
    /// nodes) at.
    pub fn zone_offset(&self) -> Option<(&str, f64, f64)> {
        match self {
            Gesture::MovingZone { id, from, to } => Some((id, to.x - from.x, to.y - from.y)),
            _ => None,
        }
    }
}

/// Nodes whose box lies entirely inside the rectangle with corners `a`, `b`.
pub fn inside(s: &Scenario, a: Point, b: Point) -> Vec<NodeId> {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    s.nodes
        .iter()
        .filter(|n| n.pos.x >= x0 && n.pos.y >= y0 && n.pos.x + NODE_W <= x1 && n.pos.y + NODE_H <= y1)
        .map(|n| n.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::{out_port, NODE_H};
    use crate::editor::Editor;

    fn editor() -> Editor {
        let mut e = Editor::new(crate::model::Scenario::empty());
        for (kind, x) in [("client", 100.0), ("service", 400.0)] {
            e.apply(Action::AddNode { kind: kind.into(), at: Point { x, y: 100.0 } }).unwrap();
        }
        e
    }

    /// A pointer with the camera at identity (screen = world).
    fn p(x: f64, y: f64) -> Pointer {
        Pointer { world: Point { x, y }, screen: Point { x, y } }
    }

    const NONE: Modifiers = Modifiers { shift: false, space: false };
    const SHIFT: Modifiers = Modifiers { shift: true, space: false };

    #[test]
    fn drag_a_node_snaps_to_the_grid() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        // Press inside clients-1 (box from (28, 72)), drag by (51, 33).
        assert_eq!(g.down(s, &[], p(50.0, 90.0), NONE), vec![Effect::Select(vec!["clients-1".into()])]);
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
        g.down(e.scenario(), &[], p(50.0, 90.0), NONE);
        assert!(g.up(e.scenario(), p(51.0, 91.0), true).is_empty());
        // A click on the background clears the selection.
        assert_eq!(g.down(e.scenario(), &["clients-1".into()], p(900.0, 900.0), NONE), vec![Effect::Select(vec![])]);
    }

    #[test]
    fn shift_click_toggles_and_a_drag_moves_the_whole_selection() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        let both: Vec<NodeId> = vec!["clients-1".into(), "service-1".into()];
        assert_eq!(g.down(s, &both[..1], p(350.0, 90.0), SHIFT), vec![Effect::Select(both.clone())]);
        match g.up(s, p(350.0, 190.0), false).as_slice() {
            [Effect::Apply(Action::MoveNodes { ids, dx, dy })] => {
                assert_eq!((ids, *dx, *dy), (&both, 0.0, 100.0));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(g.down(s, &both, p(350.0, 90.0), SHIFT), vec![Effect::Select(both[..1].to_vec())]);
    }

    #[test]
    fn wire_from_an_output_port_to_a_node() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        let port = out_port(s.nodes[0].pos);
        let at = |q: Point| Pointer { world: q, screen: q };
        assert!(g.down(s, &[], at(port), NONE).is_empty());
        g.moved(p(250.0, 100.0));
        assert!(matches!(g, Gesture::Wiring { .. }));
        let effects = g.up(s, p(s.nodes[1].pos.x + 30.0, s.nodes[1].pos.y + NODE_H / 2.0), false);
        assert_eq!(effects, vec![Effect::Apply(Action::Connect { from: "clients-1".into(), to: "service-1".into() })]);
        // Released over the background: nothing.
        g.down(s, &[], at(port), NONE);
        assert!(g.up(s, p(700.0, 700.0), false).is_empty());
    }

    #[test]
    fn dragging_a_zone_moves_it_snapped() {
        let mut e = editor();
        e.apply(Action::AddZone { at: Point { x: 100.0, y: 100.0 } }).unwrap();
        let s = e.scenario();
        let mut g = Gesture::default();
        // Inside the zone (−120..320 × −30..230) but off the nodes and edges.
        g.down(s, &[], p(0.0, 200.0), NONE);
        assert_eq!(g.zone_offset(), Some(("zone-1", 0.0, 0.0)));
        assert_eq!(
            g.up(s, p(33.0, 212.0), true),
            vec![Effect::Apply(Action::MoveZone { id: "zone-1".into(), dx: 40.0, dy: 10.0 })]
        );
    }

    #[test]
    fn background_drag_pans_and_shift_drag_selects_a_rectangle() {
        let e = editor();
        let s = e.scenario();
        let mut g = Gesture::default();
        g.down(s, &[], p(600.0, 400.0), NONE);
        assert_eq!(g.moved(p(610.0, 395.0)), vec![Effect::Pan { dx: 10.0, dy: -5.0 }]);
        assert_eq!(g.up(s, p(615.0, 395.0), true), vec![Effect::Pan { dx: 5.0, dy: 0.0 }]);
        // Space pans even over a node.
        g.down(s, &[], p(50.0, 90.0), Modifiers { shift: false, space: true });
        assert!(matches!(g, Gesture::Panning { .. }));
        g.up(s, p(50.0, 90.0), true);
        // A rectangle around clients-1 only (box 28..172 × 72..128).
        g.down(s, &[], p(0.0, 0.0), SHIFT);
        assert_eq!(g.up(s, p(200.0, 200.0), true), vec![Effect::Select(vec!["clients-1".into()])]);
    }
}
