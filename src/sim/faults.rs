//! Where a scenario's fault lands: the nodes (and replicas) it crashes or
//! degrades, or the links and directions whose messages it delays, drops or
//! cuts. A zone or region outage is the crash of everything placed there
//! that can crash; a fault `between` two zones hits every call from a node
//! in one to a node in the other, in the directions it cuts.

use crate::model::{Fault, FaultKind, Node, Scenario};

use super::event::{Event, ANY_REPLICA};

/// The messages of a link a fault acts on (bit set).
pub type Ways = u8;
/// Requests, caller to callee.
pub const REQUESTS: Ways = 1;
/// Replies, callee to caller.
pub const REPLIES: Ways = 2;

/// One thing a fault acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A node, or one replica of it ([`ANY_REPLICA`]: all).
    Node {
        /// Node index.
        node: u32,
        /// Replica.
        replica: u32,
    },
    /// The messages of a link going some ways.
    Link {
        /// Edge index.
        edge: u32,
        /// Which messages.
        ways: Ways,
    },
}

/// The event that starts (`on`) or ends fault number `fault` on `hit`.
pub fn fault_event(hit: Hit, fault: u32, on: bool) -> Event {
    match hit {
        Hit::Node { node, replica } => Event::Fault { node, replica, fault, on },
        Hit::Link { edge, ways } => Event::LinkFault { edge, fault, on, ways },
    }
}

/// What `f` (valid for `s`) acts on.
pub fn hits(s: &Scenario, f: &Fault) -> Vec<Hit> {
    let index = |id: &crate::model::NodeId| s.nodes.iter().position(|n| &n.id == id).unwrap_or_default() as u32;
    if let Some(node) = &f.node {
        return vec![Hit::Node { node: index(node), replica: f.replica.unwrap_or(ANY_REPLICA) }];
    }
    let placed = |n: &Node, place: &str| n.zone.as_deref() == Some(place) || s.region_of(n) == Some(place);
    if let Some(place) = f.zone.as_ref().or(f.region.as_ref()) {
        return s
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| placed(n, place) && n.kind.crash_parts().is_some())
            .map(|(i, _)| Hit::Node { node: i as u32, replica: ANY_REPLICA })
            .collect();
    }
    let ends = |i: usize| {
        let e = &s.edges[i];
        (&s.nodes[index(&e.from) as usize], &s.nodes[index(&e.to) as usize])
    };
    if let Some(call) = &f.call {
        return (0..s.edges.len())
            .filter(|&i| s.edges[i].from == call.from && s.edges[i].to == call.to)
            .map(|i| Hit::Link { edge: i as u32, ways: REQUESTS | REPLIES })
            .collect();
    }
    let Some([a, b]) = &f.between else { return Vec::new() };
    let one_way = matches!(f.fault, FaultKind::Partition { one_way: true });
    // Messages from a node in `x` to a node in `y` are hit when (x, y) is
    // (a, b), or (b, a) unless the fault is one way.
    let hit =
        |from: &Node, to: &Node| (placed(from, a) && placed(to, b)) || (!one_way && placed(from, b) && placed(to, a));
    (0..s.edges.len())
        .filter_map(|i| {
            let (caller, callee) = ends(i);
            let ways = if hit(caller, callee) { REQUESTS } else { 0 } | if hit(callee, caller) { REPLIES } else { 0 };
            (ways != 0).then_some(Hit::Link { edge: i as u32, ways })
        })
        .collect()
}
