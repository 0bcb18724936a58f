//! Where things are on the canvas: node boxes, ports, hit testing, grid
//! snapping. Canvas units are CSS pixels at zoom 1.

use crate::model::{Node, NodeId, Point, Rect, Scenario};

/// Node box width.
pub const NODE_W: f64 = 144.0;
/// Node box height.
pub const NODE_H: f64 = 56.0;
/// Port radius as drawn.
pub const PORT_R: f64 = 6.0;
/// How far from a port's centre a press still grabs it.
const PORT_GRAB: f64 = 11.0;
/// Grid pitch for snapping.
pub const GRID: f64 = 20.0;

/// What lies under a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A node's output port (start of a connection).
    OutPort(NodeId),
    /// A node's input port.
    InPort(NodeId),
    /// A node's box.
    Node(NodeId),
    /// An edge, by index.
    Edge(usize),
    /// A drawn zone, by id.
    Zone(String),
    /// Nothing: the canvas background.
    Background,
}

/// The output port of a node whose box starts at `pos`: the middle of its
/// right side.
pub fn out_port(pos: Point) -> Point {
    Point { x: pos.x + NODE_W, y: pos.y + NODE_H / 2.0 }
}

/// The input port: the middle of the left side.
pub fn in_port(pos: Point) -> Point {
    Point { x: pos.x, y: pos.y + NODE_H / 2.0 }
}

fn near(a: Point, b: Point, r: f64) -> bool {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2) <= r * r
}

/// The topmost thing at `p` (later nodes are drawn on top; ports win over
/// boxes).
pub fn hit_test(s: &Scenario, p: Point) -> Hit {
    for n in s.nodes.iter().rev() {
        if near(p, out_port(n.pos), PORT_GRAB) {
            return Hit::OutPort(n.id.clone());
        }
        if near(p, in_port(n.pos), PORT_GRAB) {
            return Hit::InPort(n.id.clone());
        }
    }
    let node = s
        .nodes
        .iter()
        .rev()
        .find(|n| p.x >= n.pos.x && p.x <= n.pos.x + NODE_W && p.y >= n.pos.y && p.y <= n.pos.y + NODE_H);
    match node {
        Some(n) => Hit::Node(n.id.clone()),
        None => match edge_at(s, p) {
            Some(i) => Hit::Edge(i),
            None => {
                s.zones.iter().rev().find(|z| z.rect.contains(p)).map_or(Hit::Background, |z| Hit::Zone(z.id.clone()))
            }
        },
    }
}

/// Control points of the S-curve drawn for an edge from port `a` to port
/// `b` (a cubic Bézier leaving and entering horizontally).
pub fn edge_curve(a: Point, b: Point) -> [Point; 4] {
    let bend = ((b.x - a.x).abs() / 2.0).max(30.0);
    [a, Point { x: a.x + bend, y: a.y }, Point { x: b.x - bend, y: b.y }, b]
}

/// Points along the curve with control points `c`, at `samples + 1`
/// evenly spaced parameters t = 0…1 (not evenly spaced in length).
pub fn curve_points(c: [Point; 4], samples: usize) -> impl Iterator<Item = Point> {
    let [p0, p1, p2, p3] = c;
    (0..=samples).map(move |k| {
        let t = k as f64 / samples as f64;
        let u = 1.0 - t;
        let (w0, w1, w2, w3) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        Point { x: w0 * p0.x + w1 * p1.x + w2 * p2.x + w3 * p3.x, y: w0 * p0.y + w1 * p1.y + w2 * p2.y + w3 * p3.y }
    })
}

/// The index of the edge whose curve passes within `EDGE_GRAB` of `p`.
pub fn edge_at(s: &Scenario, p: Point) -> Option<usize> {
    const EDGE_GRAB: f64 = 6.0;
    s.edges.iter().position(|e| {
        let (Some(a), Some(b)) = (s.node(&e.from), s.node(&e.to)) else { return false };
        curve_points(edge_curve(out_port(a.pos), in_port(b.pos)), 32).any(|q| near(p, q, EDGE_GRAB))
    })
}

/// The smallest rectangle holding the boxes of `nodes`, grown by `margin`
/// on every side; None for no nodes.
pub fn bounds<'a>(nodes: impl IntoIterator<Item = &'a Node>, margin: f64) -> Option<Rect> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut any = false;
    for n in nodes {
        any = true;
        x0 = x0.min(n.pos.x);
        y0 = y0.min(n.pos.y);
        x1 = x1.max(n.pos.x + NODE_W);
        y1 = y1.max(n.pos.y + NODE_H);
    }
    any.then_some(Rect { x: x0 - margin, y: y0 - margin, w: x1 - x0 + 2.0 * margin, h: y1 - y0 + 2.0 * margin })
}

/// `v` rounded to the grid.
pub fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

/// The view onto the canvas: screen = world × `zoom` + `(x, y)`. View
/// state: never saved in the scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Horizontal offset, screen pixels.
    pub x: f64,
    /// Vertical offset, screen pixels.
    pub y: f64,
    /// Zoom factor.
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Camera { x: 0.0, y: 0.0, zoom: 1.0 }
    }
}

impl Camera {
    /// The canvas point under screen point (`sx`, `sy`) (pixels from the
    /// surface's top-left corner).
    pub fn to_world(&self, sx: f64, sy: f64) -> Point {
        Point { x: (sx - self.x) / self.zoom, y: (sy - self.y) / self.zoom }
    }

    /// Zooms by `factor` about the screen point (`sx`, `sy`), which stays
    /// over the same canvas point; the zoom stays within 0.1–4.
    pub fn zoom_at(&self, sx: f64, sy: f64, factor: f64) -> Camera {
        let zoom = (self.zoom * factor).clamp(0.1, 4.0);
        let k = zoom / self.zoom;
        Camera { x: sx - (sx - self.x) * k, y: sy - (sy - self.y) * k, zoom }
    }

    /// Follows a two-finger pinch from screen points `before` to `after`:
    /// zooms by the change of their distance and pans with their midpoint,
    /// so the canvas points under the fingers stay under them.
    pub fn pinch(&self, before: (Point, Point), after: (Point, Point)) -> Camera {
        let dist = |(a, b): (Point, Point)| (a.x - b.x).hypot(a.y - b.y).max(1.0);
        let mid = |(a, b): (Point, Point)| Point { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
        let (m0, m1) = (mid(before), mid(after));
        let mut cam = self.zoom_at(m0.x, m0.y, dist(after) / dist(before));
        cam.x += m1.x - m0.x;
        cam.y += m1.y - m0.y;
        cam
    }

    /// The camera that shows the whole drawing of `s` (every node, and each
    /// region with its zones) on a `width` × `height` surface with a
    /// margin, zoomed in no further than 1.
    pub fn fit(s: &Scenario, width: f64, height: f64) -> Camera {
        const MARGIN: f64 = 40.0;
        let Some(b) = super::zones::drawing(s).filter(|_| width > 0.0 && height > 0.0) else {
            return Camera::default();
        };
        let zoom = ((width - 2.0 * MARGIN) / b.w).min((height - 2.0 * MARGIN) / b.h).clamp(0.1, 1.0);
        Camera { x: width / 2.0 - zoom * (b.x + b.w / 2.0), y: height / 2.0 - zoom * (b.y + b.h / 2.0), zoom }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeKind, ServiceParams};

    #[test]
    fn ports_boxes_and_background() {
        let node = |id: &str, x: f64| Node {
            id: id.into(),
            label: String::new(),
            pos: Point { x, y: 0.0 },
            zone: None,
            kind: NodeKind::Service(ServiceParams::default()),
        };
        let s = Scenario { nodes: vec![node("a", 0.0), node("b", 100.0)], ..Scenario::empty() };
        assert_eq!(hit_test(&s, Point { x: 20.0, y: 20.0 }), Hit::Node("a".into()));
        // b overlaps a and is drawn on top.
        assert_eq!(hit_test(&s, Point { x: 120.0, y: 10.0 }), Hit::Node("b".into()));
        assert_eq!(hit_test(&s, Point { x: 247.0, y: 30.0 }), Hit::OutPort("b".into()));
        assert_eq!(hit_test(&s, Point { x: -5.0, y: 28.0 }), Hit::InPort("a".into()));
        assert_eq!(hit_test(&s, Point { x: 400.0, y: 400.0 }), Hit::Background);
        // An edge a → b runs from a's output port (144, 28) to b's input
        // port (100, 28), bending out 30 units: its ends are on the curve.
        let mut s = s;
        s.edges.push(crate::model::Edge::new("a", "b"));
        assert_eq!(edge_at(&s, Point { x: 146.0, y: 29.0 }), Some(0));
        assert_eq!(edge_at(&s, Point { x: 300.0, y: 300.0 }), None);
        // Both nodes span x 0–244, y 0–56: centred, at zoom 1 on a large surface.
        let cam = Camera::fit(&s, 1000.0, 600.0);
        assert_eq!(cam, Camera { x: 500.0 - 122.0, y: 300.0 - 28.0, zoom: 1.0 });
        assert_eq!(cam.to_world(378.0, 272.0), Point { x: 0.0, y: 0.0 });
        // A small surface zooms out: (200 − 80) / 244.
        assert!((Camera::fit(&s, 200.0, 600.0).zoom - 120.0 / 244.0).abs() < 1e-12);
        // Zooming about a point keeps that point fixed.
        let zoomed = cam.zoom_at(500.0, 300.0, 2.0);
        assert_eq!(zoomed.zoom, 2.0);
        assert_eq!(zoomed.to_world(500.0, 300.0), cam.to_world(500.0, 300.0));
        assert_eq!(cam.zoom_at(0.0, 0.0, 100.0).zoom, 4.0);
        // Fingers spreading from 100 to 200 apart around a moving midpoint:
        // zoom doubles and the canvas point under the first finger follows it.
        let pt = |x: f64, y: f64| Point { x, y };
        let before = (pt(400.0, 300.0), pt(500.0, 300.0));
        let after = (pt(360.0, 320.0), pt(560.0, 320.0));
        let pinched = cam.pinch(before, after);
        assert_eq!(pinched.zoom, 2.0);
        let under = cam.to_world(400.0, 300.0);
        let now = pinched.to_world(360.0, 320.0);
        assert!((under.x - now.x).abs() < 1e-9 && (under.y - now.y).abs() < 1e-9);
        assert_eq!(snap(29.0), 20.0);
        assert_eq!(snap(31.0), 40.0);
    }
}
