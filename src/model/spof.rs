//! Single points of failure: a node that runs as one instance nothing
//! replaces (a load balancer, a pool of one replica, a database without
//! replicas to fail over to) whose crash alone fails every request of some
//! client.

use super::{CallMode, Edge, NodeId, NodeKind, Scenario};

impl Scenario {
    /// The single points of failure, in node order: single-instance nodes
    /// (see the module doc) without which no request of some client can
    /// succeed. A request needs, at a service pool or a data node, every
    /// synchronous call all requests make (probability 1, every class); at
    /// a balancer or DNS name, any one of its targets; behind a cache it
    /// needs the origin (a crashed cache falls back to it); a queue only
    /// needs itself (its consumers work after the reply).
    pub fn single_points_of_failure(&self) -> Vec<NodeId> {
        let clients: Vec<usize> =
            (0..self.nodes.len()).filter(|&i| matches!(self.nodes[i].kind, NodeKind::Client(_))).collect();
        (0..self.nodes.len())
            .filter(|&v| single_instance(&self.nodes[v].kind))
            .filter(|&v| clients.iter().any(|&c| !self.can_serve(c, v, &mut vec![None; self.nodes.len()])))
            .map(|v| self.nodes[v].id.clone())
            .collect()
    }

    /// Whether a request at node `u` can still succeed with node `dead`
    /// down (memoised in `memo`; synchronous calls form no cycle).
    fn can_serve(&self, u: usize, dead: usize, memo: &mut Vec<Option<bool>>) -> bool {
        if let Some(known) = memo[u] {
            return known;
        }
        let index = |id: &NodeId| self.nodes.iter().position(|n| &n.id == id);
        let calls: Vec<usize> = self
            .edges
            .iter()
            .filter(|e| e.mode == CallMode::Sync && index(&e.from) == Some(u) && mandatory(e, &self.nodes[u].kind))
            .filter_map(|e| index(&e.to))
            .collect();
        let kind = &self.nodes[u].kind;
        let ok = match kind {
            // A crashed cache passes its callers on to the origin.
            NodeKind::Cache(_) | NodeKind::Cdn(_) => calls.iter().all(|&w| self.can_serve(w, dead, memo)),
            _ if u == dead => false,
            NodeKind::LoadBalancer(_) | NodeKind::Dns(_) => calls.iter().any(|&w| self.can_serve(w, dead, memo)),
            NodeKind::Queue(_) => true,
            _ => calls.iter().all(|&w| self.can_serve(w, dead, memo)),
        };
        memo[u] = Some(ok);
        ok
    }
}

/// Whether every request at a node of `kind` makes call `e` (for a
/// balancer or DNS name: whether it is one of the targets).
fn mandatory(e: &Edge, kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::LoadBalancer(_) | NodeKind::Dns(_)) || (e.probability >= 1.0 && e.classes.is_empty())
}

/// Whether a node of this kind runs as one instance with nothing to take
/// over when it crashes.
fn single_instance(kind: &NodeKind) -> bool {
    match kind {
        NodeKind::LoadBalancer(p) => p.pair.is_none(),
        NodeKind::Service(p) => p.replicas == 1,
        NodeKind::Database(p) => p.replicas == 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{DnsParams, Edge, Node, NodeKind, Point, Scenario, ServiceParams};

    fn node(id: &str, kind: NodeKind) -> Node {
        Node { id: id.into(), label: String::new(), pos: Point::default(), zone: None, kind }
    }

    fn pool(id: &str, replicas: u32) -> Node {
        node(id, NodeKind::Service(ServiceParams { replicas, ..ServiceParams::default() }))
    }

    fn design(nodes: Vec<Node>, edges: &[(&str, &str)]) -> Scenario {
        Scenario { nodes, edges: edges.iter().map(|(a, b)| Edge::new(a, b)).collect(), ..Scenario::empty() }
    }

    fn spof(s: &Scenario) -> Vec<String> {
        s.single_points_of_failure().into_iter().map(|id| id.0).collect()
    }

    #[test]
    fn a_lone_balancer_and_a_single_replica_are_single_points_of_failure() {
        let client = || node("users", NodeKind::Client(Default::default()));
        let lb = |id: &str| node(id, NodeKind::LoadBalancer(Default::default()));
        let s = design(
            vec![client(), lb("lb"), pool("web", 3), pool("auth", 1)],
            &[("users", "lb"), ("lb", "web"), ("web", "auth")],
        );
        assert_eq!(spof(&s), ["lb", "auth"]);
        // Two balancers behind DNS: neither is on every path.
        let s = design(
            vec![client(), node("dns", NodeKind::Dns(DnsParams::default())), lb("lb-a"), lb("lb-b"), pool("web", 2)],
            &[("users", "dns"), ("dns", "lb-a"), ("dns", "lb-b"), ("lb-a", "web"), ("lb-b", "web")],
        );
        assert_eq!(spof(&s), Vec::<String>::new());
        // Every request calls `a` then `b`: a single replica of either is
        // one; called by some requests only, it is not.
        let mut s = design(
            vec![client(), pool("web", 2), pool("a", 1), pool("b", 2)],
            &[("users", "web"), ("web", "a"), ("web", "b")],
        );
        assert_eq!(spof(&s), ["a"]);
        s.edges[1].probability = 0.5;
        assert_eq!(spof(&s), Vec::<String>::new());
    }
}
