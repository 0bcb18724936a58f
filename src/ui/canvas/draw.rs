//! What the canvas draws, in world coordinates: regions, zones, edges
//! (with circuit breakers' states), the gesture's overlay and the nodes
//! (coloured by load while a run is going).

use yew::prelude::*;

use crate::editor::geometry::{edge_curve, in_port, out_port, NODE_H, NODE_W, PORT_R};
use crate::editor::gesture::Gesture;
use crate::editor::zones;
use crate::model::{CallMode, Edge, Node, NodeKind, Point};
use crate::sim::{BreakerState, NodeSnapshot};
use crate::ui::icons::kind_icon;
use crate::words;

use super::CanvasProps;

/// The canvas's props seen through the gesture in progress: nodes and
/// zones being dragged are drawn at their preview position.
pub struct Drawing<'a> {
    /// What to draw.
    pub props: &'a CanvasProps,
    /// The gesture in progress.
    pub gesture: &'a Gesture,
}

impl Drawing<'_> {
    /// How far a zone is being dragged (0 when it is not).
    fn zone_offset(&self, zone: Option<&str>) -> (f64, f64) {
        match self.gesture.zone_offset() {
            Some((id, dx, dy)) if zone == Some(id) => (dx, dy),
            _ => (0.0, 0.0),
        }
    }

    /// Where a node is drawn: its place, moved by a drag of it or its zone.
    fn pos(&self, n: &Node) -> Point {
        let (dx, dy) = match self.gesture.drag_offset() {
            Some((ids, dx, dy)) if ids.contains(&n.id) => (dx, dy),
            _ => self.zone_offset(n.zone.as_deref()),
        };
        Point { x: n.pos.x + dx, y: n.pos.y + dy }
    }

    /// The regions: each a frame around its zones.
    pub fn regions(&self) -> Html {
        zones::regions(&self.props.scenario)
            .into_iter()
            .map(|(name, r)| {
                html! {
                    <g class="region" data-testid={format!("region-{name}")} transform={format!("translate({} {})", r.x, r.y)}>
                        <rect width={r.w.to_string()} height={r.h.to_string()} rx="18" />
                        <text x="16" y="28" class="region-label">{ format!("Region {name}") }</text>
                    </g>
                }
            })
            .collect()
    }

    /// The zones that have a frame.
    pub fn zones(&self) -> Html {
        let props = self.props;
        props
            .scenario
            .zones
            .iter()
            .filter(|z| !z.rect.is_empty())
            .map(|z| {
                let (dx, dy) = self.zone_offset(Some(&z.id));
                let selected = (props.zone.as_deref() == Some(z.id.as_str())).then_some("selected");
                let label = if z.label.is_empty() { z.id.clone() } else { z.label.clone() };
                html! {
                    <g class={classes!("zone", selected)} data-testid={format!("zone-{}", z.id)}
                       transform={format!("translate({} {})", z.rect.x + dx, z.rect.y + dy)}>
                        <rect width={z.rect.w.to_string()} height={z.rect.h.to_string()} rx="14" />
                        <text x="14" y="22" class="zone-label">{ label }</text>
                        <text x="14" y="38" class="zone-region">{ z.region.clone() }</text>
                    </g>
                }
            })
            .collect()
    }

    /// The edges, each with its circuit breaker's state when it has one.
    pub fn edges(&self) -> Html {
        let props = self.props;
        let s = &props.scenario;
        // Edge ends by id: one lookup per end instead of a scan (this
        // renders on every pointer move of a drag).
        let index = s.node_indices();
        let by_id = |id| index.get(id).map(|&i| &s.nodes[i]);
        s.edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let (a, b) = (out_port(self.pos(by_id(&e.from)?)), in_port(self.pos(by_id(&e.to)?)));
                let breaker = props.breakers.iter().find(|k| k.from == e.from.0 && k.to == e.to.0).map(|k| k.state);
                let tripped = match breaker {
                    Some(BreakerState::Open) => Some("breaker-open"),
                    Some(BreakerState::HalfOpen) => Some("breaker-half-open"),
                    _ => None,
                };
                let class = classes!(
                    "edge",
                    (props.edge == Some(i)).then_some("selected"),
                    (e.mode == CallMode::Async).then_some("async"),
                    tripped
                );
                // The curve's midpoint is the midpoint of its ends (it is
                // symmetric).
                let (x, y) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0 - 6.0);
                Some(html! {
                    <>
                        <path {class} data-testid={format!("edge-{}-{}", e.from, e.to)} d={curve(a, b)} marker-end="url(#arrow)"
                              role="img" aria-label={edge_name(e, breaker)} />
                        if let Some(state) = breaker {
                            <text class={classes!("breaker-label", tripped)} x={x.to_string()} y={y.to_string()}
                                  data-testid={format!("breaker-{}-{}", e.from, e.to)} data-state={state.name()}>
                                { format!("breaker {}", state.name()) }
                            </text>
                        }
                    </>
                })
            })
            .collect()
    }

    /// The wire being drawn or the rubber band, if any.
    pub fn overlay(&self) -> Html {
        match self.gesture {
            Gesture::Wiring { from, to } => self.props.scenario.node(from).map_or_else(Html::default, |n| {
                html! { <path class="wire" d={curve(out_port(self.pos(n)), *to)} /> }
            }),
            Gesture::Selecting { from, to } => html! {
                <rect class="rubber-band" x={from.x.min(to.x).to_string()} y={from.y.min(to.y).to_string()}
                      width={(to.x - from.x).abs().to_string()} height={(to.y - from.y).abs().to_string()} />
            },
            _ => Html::default(),
        }
    }

    /// The nodes: icon, label, live figures (or kind) and ports.
    pub fn nodes(&self) -> Html {
        let props = self.props;
        props
            .scenario
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let info = n.kind.info();
                let live = props.load.get(i);
                // The colour follows ρ over the replicas in service; a node
                // with every part down is drawn down, one with some down
                // keeps its colour with a dashed outline.
                let heat = match live {
                    Some(v) if v.down > 0 && (v.slots == 0 || v.capacity == 0) => " down",
                    Some(v) => match v.utilization() {
                        None => "",
                        Some(u) if u >= 0.9 => " hot",
                        Some(u) if u >= 0.6 => " warm",
                        Some(_) => " cool",
                    },
                    None => "",
                };
                let partly = if live.is_some_and(|v| v.down > 0 && v.capacity > 0) { " partly-down" } else { "" };
                let figures = live.and_then(|v| live_figures(v, &n.kind));
                let name = accessible_name(n, figures.as_deref());
                let sub = figures.unwrap_or_else(|| info.title.to_owned());
                let selected = if props.selection.contains(&n.id) { " selected" } else { "" };
                let label = if n.label.is_empty() { n.id.to_string() } else { n.label.clone() };
                let short = shorten(&label, 14);
                let p = self.pos(n);
                html! {
                    <g class={format!("node{heat}{partly}{selected}")} data-testid={format!("node-{}", n.id)}
                       role="img" aria-label={name} transform={format!("translate({} {})", p.x, p.y)}>
                        <title>{ format!("{label} ({})", info.title) }</title>
                        <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                        <g transform="translate(10 16)">{ kind_icon(info.name) }</g>
                        <text x="42" y="25" class="node-label">{ short }</text>
                        <text x="42" y="42" class="node-sub">{ sub }</text>
                        <circle class="port" data-testid={format!("port-in-{}", n.id)} cx="0"
                                cy={(NODE_H / 2.0).to_string()} r={PORT_R.to_string()} />
                        <circle class="port out" data-testid={format!("port-out-{}", n.id)} cx={NODE_W.to_string()}
                                cy={(NODE_H / 2.0).to_string()} r={PORT_R.to_string()} />
                    </g>
                }
            })
            .collect()
    }
}

/// The edge curve from `a` to `b` as SVG path data.
fn curve(a: Point, b: Point) -> String {
    let [p0, p1, p2, p3] = edge_curve(a, b);
    format!("M {} {} C {} {}, {} {}, {} {}", p0.x, p0.y, p1.x, p1.y, p2.x, p2.y, p3.x, p3.y)
}

/// `text` cut to `max` characters with an ellipsis (the full label is in
/// the node's tooltip and the inspector).
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).chain(std::iter::once('…')).collect()
    }
}

/// What a screen reader calls a node: its kind and label, its crashable
/// parts when it has several, and its live figures, e.g. "Service pool
/// web, 4 replicas, ρ 82%, 1 down".
fn accessible_name(n: &Node, figures: Option<&str>) -> String {
    let info = n.kind.info();
    let label = if n.label.is_empty() { n.id.as_str() } else { n.label.as_str() };
    let mut name = format!("{} {label}", info.title);
    if let (Some(c), Some(parts)) = (info.crash, n.kind.crash_parts().filter(|&k| k > 1)) {
        name += &format!(", {}", words::count(u64::from(parts), c.part));
    }
    if let Some(f) = figures {
        name += &format!(", {}", f.replace(" · ", ", "));
    }
    name
}

/// What a screen reader calls an edge: "call from web to api", with its
/// circuit breaker's state when it has one.
fn edge_name(e: &Edge, breaker: Option<BreakerState>) -> String {
    let mode = if e.mode == CallMode::Async { "asynchronous call" } else { "call" };
    let breaker = breaker.map(|b| format!(", circuit breaker {}", b.name())).unwrap_or_default();
    format!("{mode} from {} to {}{breaker}", e.from, e.to)
}

/// A node's figures while running: ρ, cache hit ratio, then the queue,
/// backends a balancer ejected and crashed replicas (or "down" for a
/// cache) when there are any; None when it has none to show.
fn live_figures(v: &NodeSnapshot, kind: &NodeKind) -> Option<String> {
    let mut parts = Vec::new();
    if v.slots > 0 {
        parts.push(v.utilization().map_or("ρ —".to_owned(), |u| format!("ρ {:.0}%", u * 100.0)));
    }
    if let Some(h) = v.hit_ratio {
        parts.push(format!("hit {:.0}%", h * 100.0));
    }
    if v.queued > 0 {
        parts.push(format!("{} {}", kind.info().backlog.1, compact(v.queued)));
    }
    if v.ejected > 0 {
        parts.push(format!("{} ejected", v.ejected));
    }
    if v.degraded > 0 {
        parts.push(format!("{} degraded", v.degraded));
    }
    match (v.down, kind.crash_parts()) {
        (0, _) => {}
        (_, Some(1)) => parts.push("down".to_owned()),
        (n, _) => parts.push(format!("{n} down")),
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A count in at most four characters: 950, 3.7k, 12k, 1.2M.
fn compact(n: usize) -> String {
    let n = n as f64;
    match n {
        n if n < 1e3 => format!("{n}"),
        n if n < 1e4 => format!("{:.1}k", n / 1e3),
        n if n < 1e6 => format!("{:.0}k", n / 1e3),
        n => format!("{:.1}M", n / 1e6),
    }
}
