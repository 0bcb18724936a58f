//! Single points of failure: a node that runs as one instance nothing
//! replaces (a load balancer, a pool of one replica, a database without
//! replicas to fail over to) whose crash alone fails every request of some
//! client.

use super::{CallMode, ComponentGroup, Edge, NodeId, NodeKind, Onward, Scenario};

impl Scenario {
    /// The single points of failure, in node order: single-instance nodes
    /// (see the module doc) without which no request of some client can
    /// succeed. A request needs, at a service pool or a data node, every
    /// synchronous call all requests make (probability 1, every class); at
    /// a balancer or DNS name, any one of its targets; behind a cache it
    /// needs the origin (a crashed cache falls back to it); a queue only
    /// needs itself (its consumers work after the reply).
    ///
    /// Cost: a crash is propagated up the calls from the crashed node only
    /// as far as it fails callers, so O(n · e) at worst for n nodes and e
    /// edges (5,000 nodes in a few ms: `cargo bench --bench engine -- spof`).
    pub fn single_points_of_failure(&self) -> Vec<NodeId> {
        let mut crash = Crash::new(self);
        (0..self.nodes.len())
            .filter(|&v| self.nodes[v].kind.single_instance() && crash.fails_a_client(v))
            .map(|v| self.nodes[v].id.clone())
            .collect()
    }
}

/// How a node needs the nodes it calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Every mandatory call (pools, stores, and caches, which need their
    /// origin even while crashed themselves).
    All,
    /// Any one of its targets (balancers, DNS names).
    Any,
    /// Nothing but itself (a queue replies before its consumers work).
    Itself,
}

/// The call graph reversed, and the state of one propagated crash.
struct Crash {
    needs: Vec<Needs>,
    client: Vec<bool>,
    /// Per node, the callers whose requests make a mandatory sync call to
    /// it (once per such edge).
    callers: Vec<Vec<usize>>,
    /// Per node, its mandatory sync calls (a balancer's targets).
    calls: Vec<u32>,
    /// Per node: failed in the crash being propagated; for a balancer,
    /// its targets still up. Between crashes: with nothing down (a
    /// balancer without targets fails then, and what needs it).
    failed: Vec<bool>,
    up_targets: Vec<u32>,
    base_up: Vec<u32>,
    /// The nodes failed so far, in the order found (the work list), and
    /// the balancers that lost a target (reset after each crash).
    failed_list: Vec<usize>,
    counted: Vec<usize>,
}

impl Crash {
    fn new(s: &Scenario) -> Self {
        let n = s.nodes.len();
        let index = s.node_indices();
        let mut callers = vec![Vec::new(); n];
        let mut calls = vec![0; n];
        for e in s.edges.iter().filter(|e| e.mode == CallMode::Sync) {
            let (Some(&from), Some(&to)) = (index.get(&e.from), index.get(&e.to)) else { continue };
            if mandatory(e, &s.nodes[from].kind) {
                callers[to].push(from);
                calls[from] += 1;
            }
        }
        let needs = s
            .nodes
            .iter()
            .map(|node| match node.kind.info().onward {
                Onward::OneOf => Needs::Any,
                Onward::Decoupled => Needs::Itself,
                Onward::Each => Needs::All,
            })
            .collect();
        let mut crash = Crash {
            needs,
            client: s.nodes.iter().map(|node| node.kind.info().group == ComponentGroup::Traffic).collect(),
            callers,
            up_targets: calls.clone(),
            base_up: Vec::new(),
            calls,
            failed: vec![false; n],
            failed_list: Vec::new(),
            counted: Vec::new(),
        };
        // The state with nothing down.
        for u in 0..n {
            if crash.needs[u] == Needs::Any && crash.calls[u] == 0 {
                crash.fail(u);
            }
        }
        crash.propagate();
        crash.failed_list.clear();
        crash.counted.clear();
        crash.base_up = crash.up_targets.clone();
        crash
    }

    /// Whether the crash of node `dead` alone fails every request of some
    /// client.
    fn fails_a_client(&mut self, dead: usize) -> bool {
        if self.failed[dead] {
            return false;
        }
        self.fail(dead);
        self.propagate();
        let client_failed = self.failed_list.iter().any(|&u| self.client[u]);
        for u in self.failed_list.drain(..) {
            self.failed[u] = false;
        }
        for u in self.counted.drain(..) {
            self.up_targets[u] = self.base_up[u];
        }
        client_failed
    }

    /// Fails every caller that needs a failed node, from the work list on.
    fn propagate(&mut self) {
        let mut next = 0;
        while let Some(&w) = self.failed_list.get(next) {
            next += 1;
            for k in 0..self.callers[w].len() {
                let u = self.callers[w][k];
                if self.failed[u] {
                    continue;
                }
                match self.needs[u] {
                    Needs::All => self.fail(u),
                    Needs::Any => {
                        self.counted.push(u);
                        self.up_targets[u] -= 1;
                        if self.up_targets[u] == 0 {
                            self.fail(u);
                        }
                    }
                    Needs::Itself => {}
                }
            }
        }
    }

    fn fail(&mut self, u: usize) {
        self.failed[u] = true;
        self.failed_list.push(u);
    }
}

/// Whether every request at a node of `kind` makes call `e` (for a
/// balancer or DNS name: whether it is one of the targets).
fn mandatory(e: &Edge, kind: &NodeKind) -> bool {
    kind.info().onward == Onward::OneOf || (e.probability >= 1.0 && e.classes.is_empty())
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

    /// The definition, directly: whether a request at `u` can succeed with
    /// `dead` down, by recursion over the calls (exponential at worst; an
    /// oracle for small designs).
    fn can_serve(s: &Scenario, u: usize, dead: usize) -> bool {
        let index = |id: &NodeId| s.nodes.iter().position(|n| &n.id == id).unwrap();
        let calls: Vec<usize> = (s.edges.iter())
            .filter(|e| e.mode == CallMode::Sync && index(&e.from) == u && mandatory(e, &s.nodes[u].kind))
            .map(|e| index(&e.to))
            .collect();
        match s.nodes[u].kind {
            NodeKind::Cache(_) => calls.iter().all(|&w| can_serve(s, w, dead)),
            _ if u == dead => false,
            NodeKind::LoadBalancer(_) => calls.iter().any(|&w| can_serve(s, w, dead)),
            NodeKind::Queue(_) => true,
            _ => calls.iter().all(|&w| can_serve(s, w, dead)),
        }
    }

    use super::mandatory;
    use crate::model::{CacheParams, CallMode, NodeId, QueueParams};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_propagated_crash_finds_what_the_definition_finds(
            kinds in proptest::collection::vec(0u8..6, 3..14),
            wiring in proptest::collection::vec((0usize..100, 0usize..100, any::<bool>()), 0..30),
        ) {
            // Node 0 is the client; calls go from lower to higher indices
            // (no cycles), some of them optional (probability 0.5).
            let mut nodes = vec![node("n0", NodeKind::Client(Default::default()))];
            for (i, k) in kinds.iter().enumerate() {
                let id = format!("n{}", i + 1);
                nodes.push(match k {
                    0 => node(&id, NodeKind::LoadBalancer(Default::default())),
                    1 => pool(&id, 1),
                    2 => pool(&id, 2),
                    3 => node(&id, NodeKind::Cache(CacheParams::default())),
                    4 => node(&id, NodeKind::Queue(QueueParams::default())),
                    _ => pool(&id, 1),
                });
            }
            let n = nodes.len();
            let mut edges = vec![Edge::new("n0", "n1")];
            for (a, b, optional) in wiring {
                let (a, b) = (1 + a % (n - 1), 1 + b % (n - 1));
                if a < b {
                    let mut e = Edge::new(&format!("n{a}"), &format!("n{b}"));
                    if optional { e.probability = 0.5; }
                    edges.push(e);
                }
            }
            let s = Scenario { nodes, edges, ..Scenario::empty() };
            // A design whose client fails with nothing down (a balancer
            // without backends) is invalid: then there is none.
            let expected: Vec<String> = (0..n)
                .filter(|&v| s.nodes[v].kind.single_instance() && can_serve(&s, 0, usize::MAX) && !can_serve(&s, 0, v))
                .map(|v| s.nodes[v].id.0.clone())
                .collect();
            prop_assert_eq!(spof(&s), expected);
        }
    }
}
