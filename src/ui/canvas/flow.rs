//! The request flow: dots moving along each edge while a run goes, as many
//! as the edge's rate ([`FlowRate::dots`]: proportional, the busiest edge
//! the most), the failed share in red. Drawn on a canvas of its own over
//! the drawing, once per animation frame: thousands of dots cost a
//! fraction of a millisecond there, where as many animated SVG dash
//! patterns cost the browser a good part of each frame (measured: see
//! docs/performance.md).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::editor::geometry::{curve_points, edge_curve, in_port, out_port, Camera};
use crate::metrics::FlowRate;
use crate::model::{Point, Scenario};

use super::CanvasProps;

/// How fast the dots move along an edge, world px per second of wall time
/// (the same on every edge: a longer edge takes longer to cross).
const FLOW_SPEED: f64 = 110.0;
/// Half a dot's side, world px.
const DOT_R: f64 = 2.6;
/// Colours of answered and failed tries (the page's accent and red).
const COLORS: [&str; 2] = ["#1f6feb", "#c23b3b"];

/// One edge's dots: its curve as a polyline with the distance along it at
/// each point, and how many dots of each kind (answered, failed) it has.
struct Track {
    points: Vec<Point>,
    along: Vec<f64>,
    dots: [u32; 2],
}

impl Track {
    /// The point `s` world px along the curve (clamped to its ends).
    fn at(&self, s: f64) -> Point {
        let k = self.along.partition_point(|&d| d < s).clamp(1, self.points.len() - 1);
        let (a, b) = (self.points[k - 1], self.points[k]);
        let span = self.along[k] - self.along[k - 1];
        let f = if span > 0.0 { ((s - self.along[k - 1]) / span).clamp(0.0, 1.0) } else { 0.0 };
        Point { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f }
    }

    fn length(&self) -> f64 {
        self.along.last().copied().unwrap_or(0.0)
    }
}

/// The tracks of the edges that carry any flow.
fn tracks(s: &Scenario, flows: &[FlowRate]) -> Vec<Track> {
    let busiest = flows.iter().map(FlowRate::total_rps).fold(0.0, f64::max);
    let index = s.node_indices();
    let pos = |id| index.get(id).map(|&i| s.nodes[i].pos);
    s.edges
        .iter()
        .zip(flows)
        .filter_map(|(e, rate)| {
            let (ok, failed) = rate.dots(busiest);
            if ok + failed == 0 {
                return None;
            }
            let points: Vec<Point> =
                curve_points(edge_curve(out_port(pos(&e.from)?), in_port(pos(&e.to)?)), 32).collect();
            let mut along = vec![0.0];
            for w in points.windows(2) {
                along.push(along[along.len() - 1] + (w[1].x - w[0].x).hypot(w[1].y - w[0].y));
            }
            Some(Track { points, along, dots: [ok, failed] })
        })
        .collect()
}

/// Draws the dots at wall time `t_s`: each kind evenly spaced along its
/// track, moving at [`FLOW_SPEED`]; the failed ones half a period behind
/// the answered ones.
fn draw(canvas: &web_sys::HtmlCanvasElement, tracks: &[Track], camera: Camera, t_s: f64) -> Option<()> {
    let dpr = web_sys::window()?.device_pixel_ratio();
    let (w, h) = ((f64::from(canvas.client_width()) * dpr) as u32, (f64::from(canvas.client_height()) * dpr) as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
    ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
    let z = dpr * camera.zoom;
    ctx.set_transform(z, 0.0, 0.0, z, dpr * camera.x, dpr * camera.y).ok()?;
    for (kind, color) in COLORS.iter().enumerate() {
        ctx.set_fill_style_str(color);
        ctx.begin_path();
        for track in tracks {
            let n = track.dots[kind];
            if n == 0 {
                continue;
            }
            let period = track.length() / f64::from(n);
            let lag = if kind == 1 { period / 2.0 } else { 0.0 };
            let phase = (t_s * FLOW_SPEED + lag).rem_euclid(period);
            for k in 0..n {
                // Squares: a fraction of the cost of arcs, and at this size
                // they read as dots.
                let p = track.at(phase + f64::from(k) * period);
                ctx.rect(p.x - DOT_R, p.y - DOT_R, 2.0 * DOT_R, 2.0 * DOT_R);
            }
        }
        ctx.fill();
    }
    Some(())
}

/// Wall time now, s.
fn wall_s() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now() / 1000.0)
}

/// Whether the user asked the system for less motion: the dots then
/// stand still (still as many, still red where calls fail).
fn reduced_motion() -> bool {
    let query = web_sys::window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
    query.is_some_and(|q| q.matches())
}

/// The flow's clock: it stands still while the run is paused.
#[derive(Default)]
struct Clock {
    /// How far it is behind wall time, s (the time spent paused).
    behind_s: f64,
    /// When it stopped, wall s (while paused).
    stopped_at: Option<f64>,
}

impl Clock {
    /// Stops it (`paused`) or lets it go on from where it stopped.
    fn set_paused(&mut self, paused: bool) {
        match (paused, self.stopped_at) {
            (true, None) => self.stopped_at = Some(wall_s()),
            (false, Some(at)) => {
                self.behind_s += wall_s() - at;
                self.stopped_at = None;
            }
            _ => {}
        }
    }

    /// Its time now, s.
    fn now(&self) -> f64 {
        self.stopped_at.unwrap_or_else(wall_s) - self.behind_s
    }
}

/// The canvas of moving dots over the drawing (`data-testid="flow-layer"`;
/// its `data-dots` lists each flowing edge's dots, answered and failed,
/// for tests and curious readers), from the canvas's `flows` (nothing
/// flows when empty) and `flows_paused`. Each change of the design, the
/// rates, the view or the run's state draws anew, and while the run goes
/// a frame loop draws on every animation frame until the next change.
#[hook]
pub fn use_flow(props: &CanvasProps) -> Html {
    let canvas = use_node_ref();
    let clock = use_mut_ref(Clock::default);
    {
        let canvas = canvas.clone();
        let deps = (props.scenario.clone(), props.flows.clone(), props.camera, props.flows_paused);
        use_effect_with(deps, move |(scenario, flows, camera, paused)| {
            let on = Rc::new(Cell::new(true));
            if let Some(el) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                clock.borrow_mut().set_paused(*paused);
                let tracks = tracks(scenario, flows);
                if *paused || tracks.is_empty() || reduced_motion() {
                    draw(&el, &tracks, *camera, clock.borrow().now());
                } else {
                    animate(el, tracks, *camera, clock, on.clone());
                }
            }
            move || on.set(false)
        });
    }
    let busiest = props.flows.iter().map(FlowRate::total_rps).fold(0.0, f64::max);
    let described: Vec<String> = props
        .scenario
        .edges
        .iter()
        .zip(props.flows.iter())
        .filter_map(|(e, r)| {
            let (ok, failed) = r.dots(busiest);
            (ok + failed > 0).then(|| format!("{}-{} {ok} {failed}", e.from, e.to))
        })
        .collect();
    html! {
        <canvas ref={canvas} class="flow-layer" data-testid="flow-layer" aria-hidden="true"
                data-dots={described.join(";")}></canvas>
    }
}

/// A `requestAnimationFrame` callback (the time it is given is not used:
/// the flow's clock is read instead).
type FrameCallback = Closure<dyn FnMut(JsValue)>;

/// Draws `tracks` on every animation frame while `on`.
fn animate(
    el: web_sys::HtmlCanvasElement,
    tracks: Vec<Track>,
    camera: Camera,
    clock: Rc<RefCell<Clock>>,
    on: Rc<Cell<bool>>,
) {
    let frame: Rc<RefCell<Option<FrameCallback>>> = Rc::default();
    let next = frame.clone();
    let request = |f: &FrameCallback| {
        web_sys::window().map(|w| w.request_animation_frame(f.as_ref().unchecked_ref()));
    };
    *frame.borrow_mut() = Some(Closure::new(move |_: JsValue| {
        if !on.get() {
            // Drops this closure once it returns: the loop is over.
            next.borrow_mut().take();
            return;
        }
        draw(&el, &tracks, camera, clock.borrow().now());
        if let Some(f) = next.borrow().as_ref() {
            request(f);
        }
    }));
    if let Some(f) = frame.borrow().as_ref() {
        request(f);
    };
}
