//! The headless editor: user intents as [`Action`]s applied to a
//! [`Scenario`] by a reducer with an undo stack, the pointer [`gesture`]
//! state machine that turns presses and moves into actions, and the
//! editing [`session`] (selection, clipboard, the key map) around them.
//! Pure Rust, tested natively; `ui` only translates DOM events.

pub mod geometry;
pub mod gesture;
pub mod layout;
pub mod session;
pub mod zones;

use std::rc::Rc;

use thiserror::Error;

use crate::model::{Edge, KindInfo, Node, NodeId, NodeKind, Objective, Point, Problem, Scenario, Settings, KINDS};

/// Most undo steps kept.
const UNDO_LIMIT: usize = 500;

/// One user intent. Each is undone as a whole.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Drop a new component of kind `kind` (a [`KINDS`] name) centred at
    /// `at`, with default parameters and a fresh id.
    AddNode {
        /// Kind name, e.g. `service`.
        kind: String,
        /// Centre of the new node, canvas units.
        at: Point,
    },
    /// Move nodes by a delta, canvas units.
    MoveNodes {
        /// Nodes moved.
        ids: Vec<NodeId>,
        /// Horizontal delta.
        dx: f64,
        /// Vertical delta.
        dy: f64,
    },
    /// Add a synchronous call `from` → `to`.
    Connect {
        /// Caller.
        from: NodeId,
        /// Callee.
        to: NodeId,
    },
    /// Remove nodes (with their edges), edges and zones (their nodes stay,
    /// outside any zone).
    Delete {
        /// Nodes removed.
        nodes: Vec<NodeId>,
        /// Edges removed, as (from, to).
        edges: Vec<(NodeId, NodeId)>,
        /// Zones removed, by id.
        zones: Vec<String>,
    },
    /// Draw a new availability zone centred at a point; nodes inside join it.
    AddZone {
        /// Centre, canvas units.
        at: Point,
    },
    /// Rename a zone's label or move it to another region (its id stays).
    SetZone {
        /// Zone id.
        id: String,
        /// New label.
        label: String,
        /// New region.
        region: String,
    },
    /// Move a zone and the nodes in it.
    MoveZone {
        /// Zone id.
        id: String,
        /// Horizontal delta.
        dx: f64,
        /// Vertical delta.
        dy: f64,
    },
    /// Replace a node's kind parameters (an inspector edit).
    SetParams {
        /// Node edited.
        id: NodeId,
        /// Its new kind and parameters.
        kind: NodeKind,
    },
    /// Replace an edge's parameters (latency, mode, probability, classes,
    /// weight, caller resilience); its ends stay.
    SetEdge {
        /// Index of the edge in the scenario.
        index: usize,
        /// The edge with its new parameters (boxed: an edge is large).
        edge: Box<Edge>,
    },
    /// Rename a node's label.
    SetLabel {
        /// Node edited.
        id: NodeId,
        /// New label.
        label: String,
    },
    /// Insert copies of nodes (and the edges among them), moved by
    /// (`dx`, `dy`), under fresh ids: paste and duplicate.
    Insert {
        /// Nodes to copy.
        nodes: Vec<Node>,
        /// Edges to copy; those not between two copied nodes are dropped.
        edges: Vec<Edge>,
        /// Horizontal offset.
        dx: f64,
        /// Vertical offset.
        dy: f64,
    },
    /// Replace the run settings (seed, duration, warm-up, network
    /// defaults, SLO).
    SetSettings(Settings),
    /// Replace the workshop objectives.
    SetObjectives(Vec<Objective>),
    /// Rename the design: its title and its story (a copy of an exercise
    /// stays graded for the exercise).
    SetStory {
        /// The new title.
        title: String,
        /// The new story (`description`).
        description: String,
    },
    /// Arrange every node in layers from clients to storage.
    AutoLayout,
    /// Replace the whole scenario (open a file, a link or a preset).
    Replace(Box<Scenario>),
}

/// Why an action was refused; the scenario is unchanged.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum EditError {
    /// No such component kind.
    #[error("there is no component kind `{0}`")]
    UnknownKind(String),
    /// No such node.
    #[error("node `{0}` does not exist")]
    UnknownNode(NodeId),
    /// No such zone.
    #[error("zone `{0}` does not exist")]
    UnknownZone(String),
    /// No such edge.
    #[error("edge {0} does not exist")]
    UnknownEdge(usize),
    /// The connection is not allowed, and why.
    #[error("cannot connect: {0}")]
    Connection(String),
    /// The parameters are invalid; every problem is listed.
    #[error("invalid parameters: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Problem>),
}

/// A scenario being edited, with undo and redo. States are shared
/// (`Rc`), so cloning an editor (as the UI store does on every message)
/// copies pointers, not scenarios.
#[derive(Clone, Debug)]
pub struct Editor {
    scenario: Rc<Scenario>,
    undo: Vec<Rc<Scenario>>,
    redo: Vec<Rc<Scenario>>,
}

impl Editor {
    /// Starts editing `scenario` with empty history.
    pub fn new(scenario: Scenario) -> Self {
        Editor { scenario: Rc::new(scenario), undo: Vec::new(), redo: Vec::new() }
    }

    /// The scenario as edited so far.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario as edited so far, shared (cheap to clone).
    pub fn shared(&self) -> Rc<Scenario> {
        self.scenario.clone()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies `action` as one undoable step. Returns the ids of the nodes
    /// it created ([`Action::AddNode`], [`Action::Insert`]).
    ///
    /// Errors: an unknown kind or node, a refused connection, invalid
    /// parameters; the scenario is then unchanged.
    pub fn apply(&mut self, action: Action) -> Result<Vec<NodeId>, EditError> {
        let mut next = (*self.scenario).clone();
        let created = reduce(&mut next, action)?;
        if next != *self.scenario {
            self.undo.push(std::mem::replace(&mut self.scenario, Rc::new(next)));
            if self.undo.len() > UNDO_LIMIT {
                self.undo.remove(0);
            }
            self.redo.clear();
        }
        Ok(created)
    }

    /// Undoes the last step; false when there was none.
    pub fn undo(&mut self) -> bool {
        let Some(previous) = self.undo.pop() else { return false };
        self.redo.push(std::mem::replace(&mut self.scenario, previous));
        true
    }

    /// Redoes the last undone step; false when there was none.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else { return false };
        self.undo.push(std::mem::replace(&mut self.scenario, next));
        true
    }
}

fn position(s: &Scenario, id: &NodeId) -> Result<usize, EditError> {
    s.nodes.iter().position(|n| &n.id == id).ok_or_else(|| EditError::UnknownNode(id.clone()))
}

/// Whether `action` would apply to `s`, without applying it: the rule the
/// reducer enforces, for a form that wants to say why before it commits.
///
/// Errors: what [`Editor::apply`] would return.
pub fn check(s: &Scenario, action: Action) -> Result<(), EditError> {
    reduce(&mut s.clone(), action).map(drop)
}

/// The first free id `<prefix>-<n>` and its number.
fn fresh_id(s: &Scenario, kind: &KindInfo) -> (NodeId, u32) {
    let prefix = kind.id_prefix;
    let n = (1..).find(|n| s.node(&NodeId(format!("{prefix}-{n}"))).is_none()).unwrap_or(1);
    (NodeId(format!("{prefix}-{n}")), n)
}

/// Applies one action to `s` in place; returns the ids of created nodes.
fn reduce(s: &mut Scenario, action: Action) -> Result<Vec<NodeId>, EditError> {
    match action {
        Action::AddNode { kind, at } => {
            let info = KINDS.iter().find(|k| k.name == kind).ok_or_else(|| EditError::UnknownKind(kind.clone()))?;
            let params = NodeKind::default_for(info.name).ok_or(EditError::UnknownKind(kind))?;
            let (id, n) = fresh_id(s, info);
            let (w, h) = (geometry::NODE_W, geometry::NODE_H);
            s.nodes.push(Node {
                id: id.clone(),
                label: format!("{} {n}", info.title),
                pos: Point { x: at.x - w / 2.0, y: at.y - h / 2.0 },
                zone: None,
                kind: params,
            });
            zones::assign(s);
            Ok(vec![id])
        }
        Action::Insert { nodes, edges, dx, dy } => {
            let mut renamed = Vec::new();
            for node in nodes {
                let (id, _) = fresh_id(s, node.kind.info());
                renamed.push((node.id.clone(), id.clone()));
                let pos = Point { x: node.pos.x + dx, y: node.pos.y + dy };
                s.nodes.push(Node { id, pos, ..node });
            }
            let new_id = |old: &NodeId| renamed.iter().find(|(o, _)| o == old).map(|(_, n)| n.clone());
            for e in edges {
                if let (Some(from), Some(to)) = (new_id(&e.from), new_id(&e.to)) {
                    s.edges.push(Edge { from, to, ..e });
                }
            }
            zones::assign(s);
            Ok(renamed.into_iter().map(|(_, id)| id).collect())
        }
        Action::MoveNodes { ids, dx, dy } => {
            for id in &ids {
                let i = position(s, id)?;
                s.nodes[i].pos.x += dx;
                s.nodes[i].pos.y += dy;
            }
            zones::assign(s);
            Ok(Vec::new())
        }
        Action::Connect { from, to } => {
            if let Some(reason) = s.connection_problem(&from, &to) {
                return Err(EditError::Connection(reason));
            }
            s.edges.push(Edge::new(from.as_str(), to.as_str()));
            Ok(Vec::new())
        }
        Action::Delete { nodes, edges, zones: gone } => {
            s.zones.retain(|z| !gone.contains(&z.id));
            for n in &mut s.nodes {
                n.zone = n.zone.take().filter(|z| !gone.contains(z));
            }
            s.nodes.retain(|n| !nodes.contains(&n.id));
            s.edges.retain(|e| {
                !nodes.contains(&e.from)
                    && !nodes.contains(&e.to)
                    && !edges.iter().any(|(f, t)| f == &e.from && t == &e.to)
            });
            // Faults on what is gone (a node, a call, a zone) go too; an
            // objective measured at a deleted node is measured system-wide.
            let kept = s.faults.iter().filter(|f| s.fault_problems(f).is_empty()).cloned().collect();
            s.faults = kept;
            for o in &mut s.objectives {
                o.node = o.node.take().filter(|id| !nodes.contains(id));
            }
            Ok(Vec::new())
        }
        Action::SetParams { id, kind } => {
            let i = position(s, &id)?;
            s.nodes[i].kind = kind;
            valid(s.param_problems(i))
        }
        Action::SetEdge { index, edge } => {
            let slot = s.edges.get_mut(index).ok_or(EditError::UnknownEdge(index))?;
            *slot = Edge { from: slot.from.clone(), to: slot.to.clone(), ..*edge };
            valid(s.edge_problems(index))
        }
        Action::SetLabel { id, label } => {
            let i = position(s, &id)?;
            s.nodes[i].label = label;
            Ok(Vec::new())
        }
        Action::SetSettings(settings) => {
            s.settings = settings;
            valid(s.settings_problems())
        }
        Action::SetObjectives(objectives) => {
            s.objectives = objectives;
            valid(s.objective_problems())
        }
        Action::SetStory { title, description } => {
            s.title = title;
            s.description = description;
            Ok(Vec::new())
        }
        Action::AutoLayout => {
            let positions = layout::layered(s);
            for (node, pos) in s.nodes.iter_mut().zip(positions) {
                node.pos = pos;
            }
            zones::fit_to_members(s);
            Ok(Vec::new())
        }
        Action::AddZone { at } => {
            let zone = zones::new_zone(s, at);
            s.zones.push(zone);
            zones::assign(s);
            Ok(Vec::new())
        }
        Action::SetZone { id, label, region } => {
            let zone = s.zones.iter_mut().find(|z| z.id == id).ok_or(EditError::UnknownZone(id))?;
            if region.trim().is_empty() {
                return Err(EditError::Invalid(vec![Problem {
                    path: "region".into(),
                    message: "a zone must belong to a region".into(),
                }]));
            }
            zone.label = label;
            zone.region = region;
            Ok(Vec::new())
        }
        Action::MoveZone { id, dx, dy } => {
            let zone = s.zones.iter_mut().find(|z| z.id == id).ok_or_else(|| EditError::UnknownZone(id.clone()))?;
            zone.rect.x += dx;
            zone.rect.y += dy;
            for n in s.nodes.iter_mut().filter(|n| n.zone.as_deref() == Some(id.as_str())) {
                n.pos.x += dx;
                n.pos.y += dy;
            }
            zones::assign(s);
            Ok(Vec::new())
        }
        Action::Replace(scenario) => {
            *s = *scenario;
            Ok(Vec::new())
        }
    }
}

/// No created nodes if there are no problems; the problems otherwise.
fn valid(problems: Vec<Problem>) -> Result<Vec<NodeId>, EditError> {
    if problems.is_empty() {
        Ok(Vec::new())
    } else {
        Err(EditError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallRef, Fault, FaultKind, ServiceParams};

    fn empty() -> Editor {
        Editor::new(Scenario::empty())
    }

    fn add(e: &mut Editor, kind: &str, x: f64) -> NodeId {
        e.apply(Action::AddNode { kind: kind.into(), at: Point { x, y: 100.0 } }).unwrap().remove(0)
    }

    #[test]
    fn build_a_chain_then_undo_and_redo_every_step() {
        let mut e = empty();
        let c = add(&mut e, "client", 100.0);
        let lb = add(&mut e, "load_balancer", 300.0);
        let s = add(&mut e, "service", 500.0);
        assert_eq!((c.as_str(), lb.as_str(), s.as_str()), ("clients-1", "lb-1", "service-1"));
        assert_eq!(e.scenario().nodes[2].pos, Point { x: 500.0 - geometry::NODE_W / 2.0, y: 100.0 - 28.0 });
        e.apply(Action::Connect { from: c.clone(), to: lb.clone() }).unwrap();
        e.apply(Action::Connect { from: lb.clone(), to: s.clone() }).unwrap();
        // The finished chain is a valid, runnable scenario.
        e.scenario().validate().unwrap();
        e.apply(Action::MoveNodes { ids: vec![s.clone()], dx: 20.0, dy: -40.0 }).unwrap();
        let built = e.scenario().clone();
        for _ in 0..6 {
            assert!(e.undo());
        }
        assert!(!e.undo());
        assert!(e.scenario().nodes.is_empty());
        for _ in 0..6 {
            assert!(e.redo());
        }
        assert_eq!(e.scenario(), &built);
        // A new edit clears the redo stack.
        e.undo();
        e.apply(Action::SetLabel { id: s, label: "API".into() }).unwrap();
        assert!(!e.can_redo());
    }

    #[test]
    fn refused_edits_leave_the_scenario_unchanged() {
        let mut e = empty();
        let c = add(&mut e, "client", 100.0);
        let s = add(&mut e, "service", 300.0);
        let before = e.scenario().clone();
        let refused = e.apply(Action::Connect { from: s.clone(), to: c.clone() }).unwrap_err();
        assert_eq!(refused, EditError::Connection("nothing can call a client: requests start there".into()));
        let bad = NodeKind::Service(ServiceParams { workers: 0, ..ServiceParams::default() });
        match e.apply(Action::SetParams { id: s.clone(), kind: bad }).unwrap_err() {
            EditError::Invalid(p) => assert_eq!(p[0].path, "$.nodes[1].params.workers"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            e.apply(Action::AddNode { kind: "teapot".into(), at: Point::default() }),
            Err(EditError::UnknownKind(_))
        ));
        let mut slo = before.settings.clone();
        slo.slo.availability = 1.5;
        match e.apply(Action::SetSettings(slo)).unwrap_err() {
            EditError::Invalid(p) => assert_eq!(p[0].path, "$.settings.slo.availability"),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.scenario(), &before);
        assert_eq!(e.undo.len(), 2, "refused edits add no undo step");
    }

    #[test]
    fn objectives_are_edited_checked_and_follow_deleted_nodes() {
        use crate::model::Metric;
        let mut e = empty();
        let db = add(&mut e, "database", 0.0);
        let lost =
            Objective { metric: Metric::LostWrites, target: 0.0, from_s: None, to_s: None, node: Some(db.clone()) };
        e.apply(Action::SetObjectives(vec![lost.clone()])).unwrap();
        let over = Objective { metric: Metric::Availability, target: 1.5, node: None, ..lost.clone() };
        match e.apply(Action::SetObjectives(vec![over])).unwrap_err() {
            EditError::Invalid(p) => assert_eq!(p[0].path, "$.objectives[0].target"),
            other => panic!("{other:?}"),
        }
        e.apply(Action::Delete { nodes: vec![db], edges: vec![], zones: vec![] }).unwrap();
        assert_eq!(e.scenario().objectives, vec![Objective { node: None, ..lost }]);
        assert!(e.scenario().validate().is_ok());
    }

    #[test]
    fn settings_edits_are_undoable() {
        let mut e = empty();
        let settings = Settings { seed: 7, duration_s: 300.0, ..Settings::default() };
        e.apply(Action::SetSettings(settings.clone())).unwrap();
        assert_eq!(e.scenario().settings, settings);
        assert!(e.undo());
        assert_eq!(e.scenario().settings, Settings::default());
    }

    #[test]
    fn connections_refuse_cycles_duplicates_and_second_entries() {
        let mut e = empty();
        let c = add(&mut e, "client", 0.0);
        let a = add(&mut e, "service", 200.0);
        let b = add(&mut e, "service", 400.0);
        e.apply(Action::Connect { from: a.clone(), to: b.clone() }).unwrap();
        let cycle = e.apply(Action::Connect { from: b.clone(), to: a.clone() }).unwrap_err();
        assert!(cycle.to_string().contains("cycle"), "{cycle}");
        assert!(e
            .apply(Action::Connect { from: a.clone(), to: b.clone() })
            .unwrap_err()
            .to_string()
            .contains("already"));
        e.apply(Action::Connect { from: c.clone(), to: a }).unwrap();
        assert!(e.apply(Action::Connect { from: c, to: b }).unwrap_err().to_string().contains("entry"));
    }

    #[test]
    fn insert_copies_under_fresh_ids_with_their_internal_edges() {
        let mut e = empty();
        let c = add(&mut e, "client", 0.0);
        let a = add(&mut e, "service", 200.0);
        let b = add(&mut e, "service", 400.0);
        e.apply(Action::Connect { from: c.clone(), to: a.clone() }).unwrap();
        e.apply(Action::Connect { from: a.clone(), to: b.clone() }).unwrap();
        // Copy a and b (and the edge a → b; c → a leaves the copied set).
        let s = e.scenario().clone();
        let copied = e
            .apply(Action::Insert { nodes: s.nodes[1..].to_vec(), edges: s.edges.clone(), dx: 40.0, dy: 40.0 })
            .unwrap();
        assert_eq!(copied, vec![NodeId::from("service-3"), NodeId::from("service-4")]);
        let s = e.scenario();
        assert_eq!(s.nodes[3].pos.x, s.nodes[1].pos.x + 40.0);
        assert_eq!(s.nodes[3].label, s.nodes[1].label, "labels are copied");
        assert_eq!(s.edges.len(), 3);
        assert_eq!((s.edges[2].from.as_str(), s.edges[2].to.as_str()), ("service-3", "service-4"));
    }

    #[test]
    fn edge_edits_are_validated() {
        let mut e = empty();
        let c = add(&mut e, "client", 0.0);
        let a = add(&mut e, "service", 200.0);
        e.apply(Action::Connect { from: c, to: a }).unwrap();
        let mut edge = e.scenario().edges[0].clone();
        edge.probability = 0.5;
        e.apply(Action::SetEdge { index: 0, edge: Box::new(edge.clone()) }).unwrap();
        assert_eq!(e.scenario().edges[0].probability, 0.5);
        edge.mode = crate::model::CallMode::Async;
        match e.apply(Action::SetEdge { index: 0, edge: Box::new(edge) }).unwrap_err() {
            EditError::Invalid(p) => assert_eq!(p[0].path, "$.edges[0].mode"),
            other => panic!("{other:?}"),
        }
        assert_eq!(e.scenario().edges[0].mode, crate::model::CallMode::Sync);
    }

    #[test]
    fn zones_take_the_nodes_dropped_in_them_and_carry_them_when_moved() {
        let mut e = empty();
        add(&mut e, "service", 100.0);
        e.apply(Action::AddZone { at: Point { x: 100.0, y: 100.0 } }).unwrap();
        // The zone was drawn around a: a joins it; b, dropped outside, does not.
        let b = add(&mut e, "service", 900.0);
        assert_eq!(e.scenario().nodes[0].zone.as_deref(), Some("zone-1"));
        assert_eq!(e.scenario().nodes[1].zone, None);
        e.apply(Action::MoveZone { id: "zone-1".into(), dx: 60.0, dy: 20.0 }).unwrap();
        let s = e.scenario();
        assert_eq!(s.zones[0].rect.x, 100.0 - 220.0 + 60.0);
        assert_eq!(s.nodes[0].pos.x, 100.0 - 72.0 + 60.0, "members move with the zone");
        assert_eq!(s.nodes[1].pos.x, 900.0 - 72.0, "others stay");
        // Moving b into the zone makes it a member; deleting the zone frees both.
        let zone = s.zones[0].rect;
        let target = zone.x + 20.0 - s.nodes[1].pos.x;
        e.apply(Action::MoveNodes { ids: vec![b], dx: target, dy: 0.0 }).unwrap();
        assert_eq!(e.scenario().nodes[1].zone.as_deref(), Some("zone-1"));
        e.apply(Action::Delete { nodes: vec![], edges: vec![], zones: vec!["zone-1".into()] }).unwrap();
        assert!(e.scenario().nodes.iter().all(|n| n.zone.is_none()));
    }

    #[test]
    fn deleting_a_node_removes_its_edges_in_one_undoable_step() {
        let mut e = empty();
        let c = add(&mut e, "client", 0.0);
        let a = add(&mut e, "service", 200.0);
        e.apply(Action::Connect { from: c.clone(), to: a.clone() }).unwrap();
        let mut faulty = e.scenario().clone();
        faulty.faults = vec![
            Fault::on_node(a.as_str(), 1.0, None, FaultKind::Crash),
            Fault {
                call: Some(CallRef { from: c.clone(), to: a.clone() }),
                ..Fault::at(1.0, FaultKind::Loss { share: 0.5 })
            },
        ];
        e.apply(Action::Replace(Box::new(faulty))).unwrap();
        e.apply(Action::Delete { nodes: vec![a], edges: vec![], zones: vec![] }).unwrap();
        assert_eq!(e.scenario().nodes.len(), 1);
        assert!(e.scenario().edges.is_empty());
        assert!(e.scenario().faults.is_empty(), "faults on the node and its call go with them");
        e.undo();
        assert_eq!((e.scenario().edges.len(), e.scenario().faults.len()), (1, 2));
    }

    #[test]
    fn renaming_is_one_undoable_edit_and_keeps_the_exercise() {
        let shipped = crate::workshop::exercises::find("zone-outage").unwrap().scenario().unwrap();
        let mut e = Editor::new(shipped.clone());
        let story = Action::SetStory { title: "Team 3's zones".into(), description: "Three zones.".into() };
        e.apply(story).unwrap();
        assert_eq!(
            (e.scenario().title.as_str(), e.scenario().description.as_str()),
            ("Team 3's zones", "Three zones.")
        );
        assert_eq!(e.scenario().exercise, shipped.exercise);
        e.undo();
        assert_eq!(e.scenario(), &shipped);
    }
}
