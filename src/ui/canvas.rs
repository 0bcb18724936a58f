//! The editor surface: draws the scenario (nodes, ports, edges) through the
//! camera and turns pointer events into gesture inputs. Nodes are coloured
//! by load while a run is going.

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::geometry::{in_port, out_port, Camera, NODE_H, NODE_W, PORT_R};
use crate::editor::gesture::{Effect, Gesture};
use crate::model::{Node, NodeId, Point, Scenario};
use crate::sim::NodeSnapshot;

use super::icons::kind_icon;
use super::store::Msg;

/// Props of [`Canvas`].
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    /// What to draw.
    pub scenario: Rc<Scenario>,
    /// Selected nodes.
    pub selection: Vec<NodeId>,
    /// Per-node run state, in scenario order (empty before a run).
    pub load: Vec<NodeSnapshot>,
    /// The view.
    pub camera: Camera,
    /// The surface element (the app converts drop points with it).
    pub surface: NodeRef,
    /// Where edits and selection changes go.
    pub on_msg: Callback<Msg>,
}

/// The point under a pointer event, in canvas units.
pub fn world_point(surface: &NodeRef, camera: &Camera, client_x: i32, client_y: i32) -> Option<Point> {
    let rect = surface.cast::<web_sys::Element>()?.get_bounding_client_rect();
    Some(camera.to_world(f64::from(client_x) - rect.left(), f64::from(client_y) - rect.top()))
}

/// The drawing surface (`data-testid="canvas"`).
#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let gesture = use_state(Gesture::default);
    let to_world = {
        let (surface, camera) = (props.surface.clone(), props.camera);
        move |e: &PointerEvent| world_point(&surface, &camera, e.client_x(), e.client_y())
    };
    let emit = {
        let on_msg = props.on_msg.clone();
        move |effects: Vec<Effect>| {
            for effect in effects {
                on_msg.emit(match effect {
                    Effect::Select(ids) => Msg::Select(ids),
                    Effect::Apply(action) => Msg::Apply(action),
                });
            }
        }
    };
    let on_pointer_down = {
        let (gesture, scenario, selection) = (gesture.clone(), props.scenario.clone(), props.selection.clone());
        let (to_world, emit, surface) = (to_world.clone(), emit.clone(), props.surface.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some(at) = to_world(&e) else { return };
            if let Some(el) = surface.cast::<web_sys::Element>() {
                // Keep receiving moves outside the surface until release.
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            let mut g = (*gesture).clone();
            emit(g.down(&scenario, &selection, at, e.shift_key()));
            gesture.set(g);
        })
    };
    let on_pointer_move = {
        let (gesture, to_world) = (gesture.clone(), to_world.clone());
        Callback::from(move |e: PointerEvent| {
            if *gesture == Gesture::Idle {
                return;
            }
            let Some(at) = to_world(&e) else { return };
            let mut g = (*gesture).clone();
            g.moved(at);
            gesture.set(g);
        })
    };
    let on_pointer_up = {
        let (gesture, scenario) = (gesture.clone(), props.scenario.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(at) = to_world(&e) else { return };
            let mut g = (*gesture).clone();
            emit(g.up(&scenario, at, !e.alt_key()));
            gesture.set(g);
        })
    };

    let s = &props.scenario;
    // Nodes being dragged are drawn at their preview position.
    let offset = |id: &NodeId| match gesture.drag_offset() {
        Some((ids, dx, dy)) if ids.contains(id) => (dx, dy),
        _ => (0.0, 0.0),
    };
    let pos = |n: &Node| {
        let (dx, dy) = offset(&n.id);
        Point { x: n.pos.x + dx, y: n.pos.y + dy }
    };
    let edges = s.edges.iter().filter_map(|e| {
        let (a, b) = (out_port(pos(s.node(&e.from)?)), in_port(pos(s.node(&e.to)?)));
        Some(html! {
            <path class="edge" data-testid={format!("edge-{}-{}", e.from, e.to)} d={curve(a, b)} marker-end="url(#arrow)" />
        })
    });
    let wire = match &*gesture {
        Gesture::Wiring { from, to } => s.node(from).map(|n| {
            html! { <path class="wire" d={curve(out_port(pos(n)), *to)} /> }
        }),
        _ => None,
    };
    let nodes = s.nodes.iter().enumerate().map(|(i, n)| {
        let load = props.load.get(i).filter(|v| v.capacity > 0).map(|v| f64::from(v.busy) / f64::from(v.capacity));
        let heat = match load {
            None => "",
            Some(u) if u >= 0.9 => " hot",
            Some(u) if u >= 0.6 => " warm",
            Some(_) => " cool",
        };
        let selected = if props.selection.contains(&n.id) { " selected" } else { "" };
        let info = n.kind.info();
        let label = if n.label.is_empty() { n.id.to_string() } else { n.label.clone() };
        let short = shorten(&label, 14);
        let p = pos(n);
        html! {
            <g class={format!("node{heat}{selected}")} data-testid={format!("node-{}", n.id)}
               transform={format!("translate({} {})", p.x, p.y)}>
                <title>{ format!("{label} ({})", info.title) }</title>
                <rect width={NODE_W.to_string()} height={NODE_H.to_string()} rx="10" />
                <g transform="translate(10 16)">{ kind_icon(info.name) }</g>
                <text x="42" y="25" class="node-label">{ short }</text>
                <text x="42" y="42" class="node-sub">
                    { load.map_or_else(|| info.title.to_owned(), |u| format!("ρ {:.0}%", u * 100.0)) }
                </text>
                <circle class="port" data-testid={format!("port-in-{}", n.id)} cx="0"
                        cy={(NODE_H / 2.0).to_string()} r={PORT_R.to_string()} />
                <circle class="port out" data-testid={format!("port-out-{}", n.id)} cx={NODE_W.to_string()}
                        cy={(NODE_H / 2.0).to_string()} r={PORT_R.to_string()} />
            </g>
        }
    });
    let c = props.camera;
    html! {
        <main class="canvas-wrap">
            <svg class="canvas" data-testid="canvas" role="application" aria-label="Architecture canvas"
                 ref={props.surface.clone()} onpointerdown={on_pointer_down}
                 onpointermove={on_pointer_move} onpointerup={on_pointer_up}>
                <defs>
                    <pattern id="grid" width={(20.0 * c.zoom).to_string()} height={(20.0 * c.zoom).to_string()}
                             x={c.x.to_string()} y={c.y.to_string()} patternUnits="userSpaceOnUse">
                        <path d={format!("M {0} 0 L 0 0 0 {0}", 20.0 * c.zoom)} class="grid-line" />
                    </pattern>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8"
                            orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                    </marker>
                </defs>
                <rect width="100%" height="100%" fill="url(#grid)" />
                <g transform={format!("translate({} {}) scale({})", c.x, c.y, c.zoom)}>
                    { for edges }
                    { for wire }
                    { for nodes }
                </g>
            </svg>
            if s.nodes.is_empty() {
                <p class="canvas-hint">{ "Drag a component from the palette to start" }</p>
            }
        </main>
    }
}

/// A horizontal S-curve from `a` to `b` (SVG path data).
fn curve(a: Point, b: Point) -> String {
    let bend = ((b.x - a.x).abs() / 2.0).max(30.0);
    format!("M {} {} C {} {}, {} {}, {} {}", a.x, a.y, a.x + bend, a.y, b.x - bend, b.y, b.x, b.y)
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
