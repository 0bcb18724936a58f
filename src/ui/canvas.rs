//! The editor surface: draws the scenario (nodes, ports, edges) through the
//! camera and turns pointer events into gesture inputs. Nodes are coloured
//! by load while a run is going.

use yew::prelude::*;

use crate::editor::geometry::{edge_curve, in_port, out_port, Camera, NODE_H, NODE_W, PORT_R};
use crate::editor::gesture::{Effect, Gesture, Modifiers, Pointer};
use crate::editor::zones;
use crate::model::{CallMode, Node, NodeId, NodeKind, Point};
use crate::sim::{BreakerSnapshot, BreakerState, NodeSnapshot};

use super::icons::kind_icon;
use super::store::{Msg, Shared};

/// Props of [`Canvas`].
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    /// What to draw.
    pub scenario: Shared,
    /// Selected nodes.
    pub selection: Vec<NodeId>,
    /// The selected edge, by index.
    pub edge: Option<usize>,
    /// The selected zone, by id.
    pub zone: Option<String>,
    /// Per-node run state, in scenario order (empty before a run).
    pub load: Vec<NodeSnapshot>,
    /// Circuit breakers' states (empty before a run).
    pub breakers: Vec<BreakerSnapshot>,
    /// The view.
    pub camera: Camera,
    /// The surface element (the app converts drop points with it).
    pub surface: NodeRef,
    /// Where edits and selection changes go.
    pub on_msg: Callback<Msg>,
    /// Camera changes (pan, wheel zoom).
    pub on_camera: Callback<Camera>,
}

/// The pointer at client (viewport) coordinates, relative to the surface
/// and through the camera.
pub fn pointer_at(surface: &NodeRef, camera: &Camera, client_x: i32, client_y: i32) -> Option<Pointer> {
    let rect = surface.cast::<web_sys::Element>()?.get_bounding_client_rect();
    let screen = Point { x: f64::from(client_x) - rect.left(), y: f64::from(client_y) - rect.top() };
    Some(Pointer { world: camera.to_world(screen.x, screen.y), screen })
}

/// The drawing surface (`data-testid="canvas"`).
#[component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let gesture = use_state(Gesture::default);
    let space = use_space_key();
    // Pointers down on the surface (id, screen point): two make a pinch.
    let touches = use_mut_ref(Vec::<(i32, Point)>::new);
    let to_pointer = {
        let (surface, camera) = (props.surface.clone(), props.camera);
        move |e: &PointerEvent| pointer_at(&surface, &camera, e.client_x(), e.client_y())
    };
    let emit = {
        let (on_msg, on_camera, camera) = (props.on_msg.clone(), props.on_camera.clone(), props.camera);
        move |effects: Vec<Effect>| {
            let mut cam = camera;
            for effect in effects {
                match effect {
                    Effect::Select(ids) => on_msg.emit(Msg::Select(ids)),
                    Effect::SelectEdge(index) => on_msg.emit(Msg::SelectEdge(index)),
                    Effect::SelectZone(id) => on_msg.emit(Msg::SelectZone(id)),
                    Effect::Apply(action) => on_msg.emit(Msg::Apply(action)),
                    Effect::Pan { dx, dy } => {
                        cam.x += dx;
                        cam.y += dy;
                        on_camera.emit(cam);
                    }
                }
            }
        }
    };
    let on_pointer_down = {
        let (gesture, scenario, selection) = (gesture.clone(), props.scenario.clone(), props.selection.clone());
        let (to_pointer, emit, surface) = (to_pointer.clone(), emit.clone(), props.surface.clone());
        let (space, touches) = (space.clone(), touches.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some(at) = to_pointer(&e) else { return };
            if let Some(el) = surface.cast::<web_sys::Element>() {
                // Keep receiving moves outside the surface until release.
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            let mut t = touches.borrow_mut();
            t.retain(|(id, _)| *id != e.pointer_id());
            t.push((e.pointer_id(), at.screen));
            if t.len() >= 2 {
                // A second finger: the press becomes a pinch.
                gesture.set(Gesture::Idle);
                return;
            }
            drop(t);
            let mut g = (*gesture).clone();
            let keys = Modifiers { shift: e.shift_key(), space: *space.borrow() };
            emit(g.down(&scenario, &selection, at, keys));
            gesture.set(g);
        })
    };
    let on_pointer_move = {
        let (gesture, to_pointer, emit) = (gesture.clone(), to_pointer.clone(), emit.clone());
        let (touches, on_camera, camera) = (touches.clone(), props.on_camera.clone(), props.camera);
        Callback::from(move |e: PointerEvent| {
            let Some(at) = to_pointer(&e) else { return };
            let mut t = touches.borrow_mut();
            if t.len() >= 2 {
                let before = (t[0].1, t[1].1);
                if let Some(slot) = t.iter_mut().find(|(id, _)| *id == e.pointer_id()) {
                    slot.1 = at.screen;
                }
                let after = (t[0].1, t[1].1);
                drop(t);
                on_camera.emit(camera.pinch(before, after));
                return;
            }
            drop(t);
            if *gesture == Gesture::Idle {
                return;
            }
            let mut g = (*gesture).clone();
            emit(g.moved(at));
            gesture.set(g);
        })
    };
    let on_pointer_up = {
        let (gesture, scenario, touches) = (gesture.clone(), props.scenario.clone(), touches.clone());
        Callback::from(move |e: PointerEvent| {
            let mut t = touches.borrow_mut();
            let pinching = t.len() >= 2;
            t.retain(|(id, _)| *id != e.pointer_id());
            drop(t);
            if pinching {
                return;
            }
            let Some(at) = to_pointer(&e) else { return };
            let mut g = (*gesture).clone();
            emit(g.up(&scenario, at, !e.alt_key()));
            gesture.set(g);
        })
    };
    let on_wheel = {
        let (on_camera, camera, surface) = (props.on_camera.clone(), props.camera, props.surface.clone());
        Callback::from(move |e: WheelEvent| {
            let Some(p) = pointer_at(&surface, &camera, e.client_x(), e.client_y()) else { return };
            on_camera.emit(camera.zoom_at(p.screen.x, p.screen.y, (-e.delta_y() * 0.0015).exp()));
        })
    };

    let s = &props.scenario;
    // Nodes (and zones) being dragged are drawn at their preview position.
    let zone_offset = |zone: Option<&str>| match gesture.zone_offset() {
        Some((id, dx, dy)) if zone == Some(id) => (dx, dy),
        _ => (0.0, 0.0),
    };
    let pos = |n: &Node| {
        let (dx, dy) = match gesture.drag_offset() {
            Some((ids, dx, dy)) if ids.contains(&n.id) => (dx, dy),
            _ => zone_offset(n.zone.as_deref()),
        };
        Point { x: n.pos.x + dx, y: n.pos.y + dy }
    };
    let regions = zones::regions(s).into_iter().map(|(name, r)| {
        html! {
            <g class="region" data-testid={format!("region-{name}")} transform={format!("translate({} {})", r.x, r.y)}>
                <rect width={r.w.to_string()} height={r.h.to_string()} rx="18" />
                <text x="16" y="28" class="region-label">{ format!("Region {name}") }</text>
            </g>
        }
    });
    let zones = s.zones.iter().filter(|z| !z.rect.is_empty()).map(|z| {
        let (dx, dy) = zone_offset(Some(&z.id));
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
    });
    // Edge ends by id: one lookup per end instead of a scan (this renders
    // on every pointer move of a drag).
    let index = s.node_indices();
    let by_id = |id| index.get(id).map(|&i| &s.nodes[i]);
    let edges = s.edges.iter().enumerate().filter_map(|(i, e)| {
        let (a, b) = (out_port(pos(by_id(&e.from)?)), in_port(pos(by_id(&e.to)?)));
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
        // The curve's midpoint is the midpoint of its ends (it is symmetric).
        let (x, y) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0 - 6.0);
        Some(html! {
            <>
                <path {class} data-testid={format!("edge-{}-{}", e.from, e.to)} d={curve(a, b)} marker-end="url(#arrow)" />
                if let Some(state) = breaker {
                    <text class={classes!("breaker-label", tripped)} x={x.to_string()} y={y.to_string()}
                          data-testid={format!("breaker-{}-{}", e.from, e.to)} data-state={state.name()}>
                        { format!("breaker {}", state.name()) }
                    </text>
                }
            </>
        })
    });
    let overlay = match &*gesture {
        Gesture::Wiring { from, to } => s.node(from).map(|n| {
            html! { <path class="wire" d={curve(out_port(pos(n)), *to)} /> }
        }),
        Gesture::Selecting { from, to } => Some(html! {
            <rect class="rubber-band" x={from.x.min(to.x).to_string()} y={from.y.min(to.y).to_string()}
                  width={(to.x - from.x).abs().to_string()} height={(to.y - from.y).abs().to_string()} />
        }),
        _ => None,
    };
    let nodes = s.nodes.iter().enumerate().map(|(i, n)| {
        let info = n.kind.info();
        let live = props.load.get(i);
        let load = live.filter(|v| v.capacity > 0).map(|v| f64::from(v.busy) / f64::from(v.capacity));
        let heat = match (live, load) {
            (Some(v), _) if v.down > 0 => " down",
            (_, None) => "",
            (_, Some(u)) if u >= 0.9 => " hot",
            (_, Some(u)) if u >= 0.6 => " warm",
            (_, Some(_)) => " cool",
        };
        let sub = live.and_then(|v| live_figures(v, &n.kind)).unwrap_or_else(|| info.title.to_owned());
        let selected = if props.selection.contains(&n.id) { " selected" } else { "" };
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
                <text x="42" y="42" class="node-sub">{ sub }</text>
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
            <svg class="canvas" data-testid="canvas" role="application" tabindex="0"
                 aria-label="Architecture canvas: Tab selects the next node, arrows move it, Enter edits it"
                 ref={props.surface.clone()} onpointerdown={on_pointer_down}
                 onpointermove={on_pointer_move} onpointerup={on_pointer_up.clone()}
                 onpointercancel={on_pointer_up} onwheel={on_wheel}>
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
                    { for regions }
                    { for zones }
                    { for edges }
                    { for overlay }
                    { for nodes }
                </g>
            </svg>
            if s.nodes.is_empty() {
                <p class="canvas-hint">{ "Drag a component from the palette to start" }</p>
            }
        </main>
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

/// Whether the space bar is held (space + drag pans), from document-level
/// key listeners.
#[hook]
fn use_space_key() -> std::rc::Rc<std::cell::RefCell<bool>> {
    let held = use_mut_ref(|| false);
    {
        let held = held.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().and_then(|w| w.document()).map(|doc| {
                let track = |kind: &'static str, down: bool| {
                    let held = held.clone();
                    gloo_events::EventListener::new(&doc, kind, move |e| {
                        use wasm_bindgen::JsCast;
                        if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.code() == "Space") {
                            *held.borrow_mut() = down;
                        }
                    })
                };
                (track("keydown", true), track("keyup", false))
            });
            move || drop(listeners)
        });
    }
    held
}

/// A node's figures while running: ρ, cache hit ratio, then the queue,
/// backends a balancer ejected and crashed replicas (or "down" for a
/// cache) when there are any; None when it has none to show.
fn live_figures(v: &NodeSnapshot, kind: &NodeKind) -> Option<String> {
    let mut parts = Vec::new();
    if v.capacity > 0 {
        parts.push(format!("ρ {:.0}%", f64::from(v.busy) / f64::from(v.capacity) * 100.0));
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
