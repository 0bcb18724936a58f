//! The editor surface: draws the scenario ([`draw`]) through the camera
//! and turns pointer events into gesture inputs ([`pointer`]).

mod draw;
mod flow;
mod pointer;

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::geometry::Camera;
use crate::editor::gesture::Pointer;
use crate::metrics::FlowRate;
use crate::model::{NodeId, Point};
use crate::sim::{BreakerSnapshot, NodeSnapshot};

use super::store::{Msg, Shared};
use draw::Drawing;
use flow::use_flow;
use pointer::use_pointers;

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
    /// Tries per second on each edge, animated as requests flowing along
    /// it (empty: no animation).
    pub flows: Rc<Vec<FlowRate>>,
    /// Whether the flow stands still (the run is paused).
    pub flows_paused: bool,
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
    let pointers = use_pointers(props);
    let flow = use_flow(props);
    let drawing = Drawing { props, gesture: &pointers.gesture };
    let c = props.camera;
    html! {
        <main class="canvas-wrap">
            <svg class="canvas" data-testid="canvas" role="application" tabindex="0"
                 aria-label="Architecture canvas: Tab selects the next node, arrows move it, Enter edits it"
                 ref={props.surface.clone()} onpointerdown={pointers.on_down}
                 onpointermove={pointers.on_move} onpointerup={pointers.on_up.clone()}
                 onpointercancel={pointers.on_up} onwheel={pointers.on_wheel}>
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
                    { drawing.regions() }
                    { drawing.zones() }
                    { drawing.edges() }
                    { drawing.overlay() }
                    { drawing.nodes() }
                </g>
            </svg>
            { flow }
            if props.scenario.nodes.is_empty() {
                <p class="canvas-hint">{ "Drag a component from the palette to start" }</p>
            }
        </main>
    }
}
