//! The editor surface: the scenario's nodes and edges, coloured by load
//! while a run is going.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::{Node, Scenario};
use crate::sim::NodeSnapshot;

use super::icons::kind_icon;

/// Node box size, canvas units.
const NODE_W: f64 = 144.0;
const NODE_H: f64 = 56.0;

/// Props of [`Canvas`].
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    /// What to draw.
    pub scenario: Rc<Scenario>,
    /// Per-node run state, in scenario order (empty before a run).
    pub nodes: Vec<NodeSnapshot>,
}

/// The drawing surface (`data-testid="canvas"`).
#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let s = &props.scenario;
    let centre = |n: &Node| (n.pos.x + NODE_W / 2.0, n.pos.y + NODE_H / 2.0);
    let edges = s.edges.iter().filter_map(|e| {
        let (a, b) = (s.node(&e.from)?, s.node(&e.to)?);
        let ((x1, y1), (x2, y2)) = (centre(a), centre(b));
        // Stop at the callee's left edge so the arrowhead shows.
        let x2 = if x2 > x1 { x2 - NODE_W / 2.0 } else { x2 };
        Some(html! {
            <line class="edge" data-testid={format!("edge-{}-{}", e.from, e.to)}
                  x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()}
                  marker-end="url(#arrow)" />
        })
    });
    let nodes = s.nodes.iter().enumerate().map(|(i, n)| {
        let load = props.nodes.get(i).filter(|v| v.capacity > 0).map(|v| f64::from(v.busy) / f64::from(v.capacity));
        let class = match load {
            None => "node",
            Some(u) if u >= 0.9 => "node hot",
            Some(u) if u >= 0.6 => "node warm",
            Some(_) => "node cool",
        };
        let label = if n.label.is_empty() { n.id.to_string() } else { n.label.clone() };
        html! {
            <g class={class} data-testid={format!("node-{}", n.id)}
               transform={format!("translate({} {})", n.pos.x, n.pos.y)}>
                <title>{ format!("{} ({})", label, n.kind.info().title) }</title>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                <g transform="translate(10 16)">{ kind_icon(n.kind.info().name) }</g>
                <text x="42" y="25" class="node-label">{ label }</text>
                <text x="42" y="42" class="node-sub">{ load.map_or_else(|| n.kind.info().title.to_owned(), |u| format!("ρ {:.0}%", u * 100.0)) }</text>
            </g>
        }
    });
    let (x, y, w, h) = view_box(s);
    html! {
        <main class="canvas-wrap">
            <svg class="canvas" data-testid="canvas" role="img" aria-label="Architecture canvas"
                 viewBox={format!("{x} {y} {w} {h}")} preserveAspectRatio="xMidYMid meet">
                <defs>
                    <pattern id="grid" width="20" height="20" patternUnits="userSpaceOnUse">
                        <path d="M 20 0 L 0 0 0 20" class="grid-line" />
                    </pattern>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                    </marker>
                </defs>
                <rect x={(x - w).to_string()} y={(y - h).to_string()} width={(3.0 * w).to_string()}
                      height={(3.0 * h).to_string()} fill="url(#grid)" />
                { for edges }
                { for nodes }
            </svg>
        </main>
    }
}

/// The area to show: every node with a margin, at least 800 × 500 units
/// (fit to view until the editor brings zoom and pan).
fn view_box(s: &Scenario) -> (f64, f64, f64, f64) {
    const MARGIN: f64 = 60.0;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for n in &s.nodes {
        x0 = x0.min(n.pos.x);
        y0 = y0.min(n.pos.y);
        x1 = x1.max(n.pos.x + NODE_W);
        y1 = y1.max(n.pos.y + NODE_H);
    }
    if s.nodes.is_empty() {
        return (0.0, 0.0, 800.0, 500.0);
    }
    let (w, h) = ((x1 - x0 + 2.0 * MARGIN).max(800.0), (y1 - y0 + 2.0 * MARGIN).max(500.0));
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    (cx - w / 2.0, cy - h / 2.0, w, h)
}
