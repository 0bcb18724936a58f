//! Auto-layout: the graph in layers from clients to storage. A node's layer
//! is the length of the longest call chain reaching it (over the graph with
//! its cycles condensed, by petgraph); within a layer, nodes are ordered by
//! the mean row of their callers (the barycentre heuristic of Sugiyama,
//! Tagawa and Toda, "Methods for visual understanding of hierarchical
//! system structures", 1981), to keep edges short and uncrossed.

use petgraph::algo::{condensation, toposort};
use petgraph::graph::DiGraph;

use crate::model::{Point, Scenario};

/// Horizontal distance between layers, canvas units.
const LAYER_GAP: f64 = 220.0;
/// Vertical distance between nodes of a layer.
const ROW_GAP: f64 = 100.0;

/// New positions (in scenario node order) laying the graph out in layers.
pub fn layered(s: &Scenario) -> Vec<Point> {
    let mut graph = DiGraph::<usize, ()>::new();
    let index: Vec<_> = (0..s.nodes.len()).map(|i| graph.add_node(i)).collect();
    let at = |id| s.nodes.iter().position(|n| &n.id == id);
    for e in &s.edges {
        if let (Some(a), Some(b)) = (at(&e.from), at(&e.to)) {
            graph.add_edge(index[a], index[b], ());
        }
    }
    // Cycles (async feedback) collapse into one component; the condensed
    // graph is acyclic, so it has a topological order.
    let dag = condensation(graph, true);
    let order = toposort(&dag, None).unwrap_or_default();
    let mut layer_of = vec![0usize; s.nodes.len()];
    let mut component_layer = vec![0usize; dag.node_count()];
    for c in order {
        let l = dag.neighbors_directed(c, petgraph::Direction::Incoming).map(|p| component_layer[p.index()] + 1).max();
        component_layer[c.index()] = l.unwrap_or(0);
        for &node in &dag[c] {
            layer_of[node] = component_layer[c.index()];
        }
    }
    let layers = layer_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows = vec![0.0f64; s.nodes.len()];
    let mut positions = vec![Point::default(); s.nodes.len()];
    for layer in 0..layers {
        let mut members: Vec<usize> = (0..s.nodes.len()).filter(|&i| layer_of[i] == layer).collect();
        // Barycentre of the callers already placed; keep scenario order on ties.
        let barycentre = |i: usize| {
            let callers: Vec<f64> = s
                .edges
                .iter()
                .filter(|e| e.to == s.nodes[i].id)
                .filter_map(|e| at(&e.from))
                .filter(|&c| layer_of[c] < layer)
                .map(|c| rows[c])
                .collect();
            if callers.is_empty() {
                f64::MAX
            } else {
                callers.iter().sum::<f64>() / callers.len() as f64
            }
        };
        members.sort_unstable_by(|&a, &b| barycentre(a).total_cmp(&barycentre(b)).then(a.cmp(&b)));
        let offset = (members.len() as f64 - 1.0) / 2.0;
        for (row, &i) in members.iter().enumerate() {
            rows[i] = row as f64 - offset;
            positions[i] = Point { x: layer as f64 * LAYER_GAP, y: rows[i] * ROW_GAP };
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_follow_the_longest_chain() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/three-tier.json")).unwrap();
        let mut s = Scenario::from_json(&text).unwrap();
        // users → lb → web → api → db, plus a shortcut web → db: db stays
        // in the last layer (longest chain).
        s.edges.push(crate::model::Edge::new("web", "db"));
        let p = layered(&s);
        let xs: Vec<f64> = p.iter().map(|q| q.x).collect();
        assert_eq!(xs, vec![0.0, 220.0, 440.0, 660.0, 880.0]);
        assert!(p.iter().all(|q| q.y == 0.0), "one node per layer sits on the axis");
    }

    #[test]
    fn siblings_stack_and_cycles_share_a_layer() {
        let text = r#"{"version":1,"nodes":[
            {"id":"c","kind":"client","params":{}},
            {"id":"a","kind":"service","params":{}},
            {"id":"b","kind":"service","params":{}},
            {"id":"d","kind":"service","params":{}}],
          "edges":[{"from":"c","to":"a"},{"from":"a","to":"b"},{"from":"a","to":"d"},
                   {"from":"d","to":"a","mode":"async"}]}"#;
        let s = Scenario::from_json(text).unwrap();
        let p = layered(&s);
        // a and d form a cycle: one layer; b follows it.
        assert_eq!(p[1].x, p[3].x);
        assert_eq!(p[2].x, p[1].x + LAYER_GAP);
        assert_ne!(p[1].y, p[3].y, "members of a layer get their own rows");
    }
}
